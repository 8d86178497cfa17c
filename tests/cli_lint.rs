//! `permspec lint` and `permspec rules` through the binary: formats, configuration,
//! suppressions and exit codes.

mod support;

use support::cli::permspec;

/// Where `log` departs from the SARIF 2.1.0 schema.
fn sarif_schema_errors(log: &serde_json::Value) -> Vec<String> {
    // The official schema's pattern for `language` properties has a stray `]`
    // (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`), which the validator's regex engine
    // rejects; it constrains properties we never emit, so it is replaced by what it means.
    let text = std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json")
        .unwrap()
        .replace(
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
            r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
        );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn input_that_could_not_be_checked_shows_in_sarif_and_annotations() {
    let file = "fixtures/load-errors/two-undeclared-keys.yaml";
    let run = permspec(&["lint", file, "examples/findings", "--format", "sarif"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let errors = sarif_schema_errors(&log);
    assert!(errors.is_empty(), "{errors:#?}");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notifications.len(), 2, "{notifications:#?}");
    assert_eq!(
        notifications[0]["descriptor"]["id"],
        "permspec::policy::undeclared-key"
    );
    let place = &notifications[1]["locations"][0]["physicalLocation"];
    assert_eq!(place["region"]["startLine"], 6);
    assert!(
        !log["runs"][0]["results"].as_array().unwrap().is_empty(),
        "the other files' findings stay"
    );

    let run = permspec(&["lint", file, "--format", "github"]);
    assert_eq!(run.code, 2);
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("::error file="))
        .collect();
    assert_eq!(errors.len(), 2, "{}", run.stdout);
    assert!(
        errors[1].contains(",line=6,col=11,title=permspec%3A%3Apolicy%3A%3Aundeclared-key::"),
        "{}",
        errors[1]
    );
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let run = permspec(&[
        "lint",
        "examples/findings",
        "fixtures/fix/messy.yaml",
        "--format",
        "sarif",
    ]);
    assert_eq!(run.code, 1, "the examples contain error-level findings");
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let errors = sarif_schema_errors(&log);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), permspec::lint::rules::ALL.len());
    assert_eq!(rules[0]["id"], "W001");
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
    let result = &run["results"][0];
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert!(region["startLine"].as_u64().unwrap() >= 1 && region["endColumn"].as_u64().is_some());
    // The examples' wildcards reach destructive permissions, which no fix grants by name;
    // a file with safe fixes carries them.
    let fixable = permspec(&["lint", "fixtures/fix/messy.yaml", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&fixable.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let fixes = results
        .iter()
        .flat_map(|result| result["fixes"].as_array().unwrap());
    assert!(fixes.count() >= 4, "the fixable findings carry their fixes");
}

#[test]
fn github_output_is_workflow_commands() {
    let run = permspec(&[
        "lint",
        "fixtures/lint/global-wildcard/violation.yaml",
        "--format",
        "github",
        "--select",
        "W001",
    ]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("lint_github", run.stdout);
}

#[test]
fn human_output_groups_by_file_with_a_summary() {
    let run = permspec(&[
        "--color",
        "never",
        "lint",
        "fixtures/lint/wildcard-covers-destructive/violation.yaml",
    ]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("lint_human", run.stdout);
    assert_eq!(run.stderr, "2 errors, 5 warnings, 0 infos in 1 file\n");
}

#[test]
fn warnings_fail_only_when_denied() {
    let file = "fixtures/lint/top-level-wildcard/violation.yaml";
    assert_eq!(permspec(&["lint", file, "--select", "W002"]).code, 0);
    assert_eq!(
        permspec(&["lint", file, "--select", "W002", "--deny", "warnings"]).code,
        1
    );
    assert_eq!(
        permspec(&["lint", file, "--select", "W002", "--deny", "W002"]).code,
        1
    );
    assert_eq!(
        permspec(&[
            "lint", file, "--select", "W002", "--allow", "W002", "--deny", "warnings"
        ])
        .code,
        0
    );
}

#[test]
fn configuration_comes_from_the_nearest_permspec_toml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.yaml"),
        "version: 1\npermissions: [documents.read, users.view]\nkeys:\n  k:\n    permissions: [\"documents.*\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("permspec.toml"),
        "[lint]\ndeny-warnings = true\nignore = [\"W008\"]\n",
    )
    .unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let run = |args: &[&str]| support::cli::permspec_in(&sub, args).code;
    assert_eq!(
        run(&["lint", "../p.yaml"]),
        1,
        "W002 is a warning, and warnings are denied"
    );
    std::fs::write(
        dir.path().join("permspec.toml"),
        "[lint.rules]\ntop-level-wildcard = \"off\"\nW008 = \"off\"\n",
    )
    .unwrap();
    assert_eq!(run(&["lint", "../p.yaml", "--deny", "warnings"]), 0);
    std::fs::write(
        dir.path().join("permspec.toml"),
        "[lint.rules]\ntop-level-wildcards = \"off\"\n",
    )
    .unwrap();
    assert_eq!(
        run(&["lint", "../p.yaml"]),
        2,
        "a misspelt rule is a configuration error"
    );
}

#[test]
fn unknown_rules_on_the_command_line_get_a_did_you_mean() {
    let run = permspec(&["lint", "policies", "--allow", "global-wildcards"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `global-wildcard`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn unloadable_files_are_unusable_input() {
    let run = permspec(&["lint", "fixtures/load-errors/unknown-field.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown field `permisions`"));
}

#[test]
fn rules_lists_every_rule_and_documents_one() {
    let run = permspec(&["rules"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), permspec::lint::rules::ALL.len());
    let run = permspec(&["rules", "global-wildcard"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("rules_W001", run.stdout);
    assert_eq!(permspec(&["rules", "W999"]).code, 2);
}

#[test]
fn a_file_of_queries_is_linted_line_by_line() {
    let run = permspec(&["lint", "--queries", "fixtures/queries/checks.txt"]);
    assert_eq!(run.code, 1, "N002 is an error");
    insta::assert_snapshot!("lint_queries_human", run.stdout);
    assert_eq!(run.stderr, "2 errors, 1 warning, 0 infos in 1 file\n");

    let run = permspec(&[
        "lint",
        "--queries",
        "fixtures/queries/checks.txt",
        "--format",
        "json",
    ]);
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let places: Vec<(String, u64, u64)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("W007".to_owned(), 6, 1),
            ("N002".to_owned(), 8, 10),
            ("N002".to_owned(), 9, 1)
        ]
    );
}

#[test]
fn queries_come_with_policies_and_from_standard_input() {
    let run = support::cli::permspec_with_input(
        &[
            "lint",
            "fixtures/lint/global-wildcard/clean.yaml",
            "--queries",
            "-",
            "--select",
            "W007",
        ],
        "documents.read\nusers.*\n",
    );
    assert_eq!(run.code, 0, "W007 is a warning");
    assert!(run.stdout.contains("[<stdin>:2:1]"), "{}", run.stdout);
    assert_eq!(run.stderr, "0 errors, 1 warning, 0 infos in 2 files\n");
}

#[test]
fn a_query_that_does_not_parse_is_unusable_input() {
    let run = permspec(&["lint", "--queries", "fixtures/queries/syntax-error.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("[fixtures/queries/syntax-error.txt:2:20]"),
        "{}",
        run.stderr
    );
    let run = permspec(&["lint", "--queries", "fixtures/queries/missing.txt"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
}

#[test]
fn a_report_labels_a_few_related_places_and_json_lists_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let keys: String = (0..12)
        .map(|index| format!("  k{index}: {{roles: [docs]}}\n"))
        .collect();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        format!("version: 1\nroles:\n  docs: {{permissions: [\"documents.*\"]}}\nkeys:\n{keys}"),
    )
    .unwrap();
    let path = policy.to_str().unwrap();
    let human = permspec(&["lint", "--select", "W005", path]);
    assert!(
        human.stdout.contains("4 more related places are not shown"),
        "{}",
        human.stdout
    );
    let json = permspec(&["lint", "--select", "W005", "--format", "json", path]);
    let findings: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(findings[0]["related"].as_array().unwrap().len(), 12);
}

#[test]
fn selectors_that_pick_no_rule_are_refused_everywhere() {
    for args in [
        ["--select", "W0O1"],
        ["--select", "nonsense-name"],
        ["--select", ""],
        ["--ignore", "global-wildcrd"],
        ["--deny", "W001,nope"],
        ["--allow", "W9"],
    ] {
        let run = permspec(&["lint", "policies", args[0], args[1]]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.said.contains("no lint rule matches") || run.said.contains("empty rule selector"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.starts_with("permspec::cli::selector\n"),
            "{}",
            run.stderr
        );
    }
    let run = permspec(&["lint", "policies", "--deny", "warning"]);
    assert!(
        run.said.contains("did you mean `warnings`?"),
        "{}",
        run.stderr
    );
    let run = permspec(&["lint", "policies", "--ignore", "global-wildcrd"]);
    assert!(
        run.said.contains("did you mean `global-wildcard`?"),
        "{}",
        run.stderr
    );

    // One grammar: comma lists, prefixes and names wherever a selector goes.
    let run = permspec(&[
        "lint",
        "fixtures/lint/global-wildcard/violation.yaml",
        "--allow",
        "W001,W003",
        "--select",
        "W,N001",
    ]);
    assert!(!run.stdout.contains("W001"), "{}", run.stdout);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("permspec.toml"),
        "[lint]\nselect = [\"W0O1\"]\n",
    )
    .unwrap();
    let run = support::cli::permspec_in(dir.path(), &["lint", "--queries", "-"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no lint rule matches `W0O1`"),
        "{}",
        run.stderr
    );

    let policy = |allow: &str| {
        format!(
            "version: 1\nroles:\n  admin:\n    permissions: [\"*\"]\n    lint: {{allow: [{allow}], reason: break-glass}}\nkeys:\n  k: {{roles: [admin]}}\ncases:\n  - {{key: k, query: a, expect: allow}}\n"
        )
    };
    std::fs::write(dir.path().join("permspec.toml"), "").unwrap();
    std::fs::write(dir.path().join("p.yaml"), policy("global-wildcards")).unwrap();
    let run = support::cli::permspec_in(dir.path(), &["lint", "p.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `global-wildcard`?"),
        "{}",
        run.stderr
    );
    std::fs::write(dir.path().join("p.yaml"), policy("W")).unwrap();
    let run = support::cli::permspec_in(dir.path(), &["lint", "p.yaml", "--select", "W001"]);
    assert_eq!(
        run.code, 0,
        "a prefix suppresses: {}{}",
        run.stdout, run.stderr
    );
}

#[test]
fn the_readme_counts_the_rules_there_are() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let count = permspec::lint::rules::ALL.len();
    assert!(
        readme.contains(&format!("the {count} rules of")),
        "README.md should say `the {count} rules of`"
    );
}

#[test]
fn a_broken_configuration_is_a_diagnostic_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.yaml"),
        "version: 1\npermissions: [a.read]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("permspec.toml"),
        "paths = [\"p.yaml\"]\n[lint]\ndeny-warnings = \"yes\"\n",
    )
    .unwrap();
    for command in ["lint", "test"] {
        let run = support::cli::permspec_in(dir.path(), &[command, "--color", "never"]);
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{command}: {}", run.stdout);
        insta::assert_snapshot!(
            format!("broken_configuration_{command}"),
            run.stderr.replace(&dir.path().display().to_string(), "DIR")
        );
    }
}

#[test]
fn queries_linted_with_policies_are_checked_against_their_catalogs() {
    let queries = "orders.raed\ndocuments.raed OR documents.read\n";
    let with_policy = support::cli::permspec_with_input(
        &[
            "lint",
            "policies/documents.yaml",
            "--queries",
            "-",
            "--format",
            "json",
        ],
        queries,
    );
    assert_eq!(
        with_policy.code, 1,
        "N001 is an error: {}",
        with_policy.stderr
    );
    let findings: serde_json::Value = serde_json::from_str(&with_policy.stdout).unwrap();
    let found: Vec<(String, u64, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["code"].as_str().unwrap().to_owned(),
                finding["line"].as_u64().unwrap(),
                finding["help"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "N001".to_owned(),
                1,
                "add it to `permissions:`, or fix the name".to_owned()
            ),
            (
                "N001".to_owned(),
                2,
                "did you mean `documents.read`?".to_owned()
            ),
        ]
    );
    let alone = support::cli::permspec_with_input(&["lint", "--queries", "-"], queries);
    assert_eq!(
        alone.code, 0,
        "without a policy there is no catalog to check against"
    );
}

#[test]
fn the_unsafe_fix_of_r009_leaves_grants_another_key_reads_through_an_alias() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "version: 1
workspace: {id: ws_acme}
apis: {api_payments: {keyspace: ks_payments}}
root_keys:
  reader:
    permissions: [api.*.read_key, \"api.*.create_key\"]  # flow list
    uses: [\"keys.getKey(apiId=api_payments, keyId=*)\"]
  shared:
    permissions: &grants
      - api.*.read_key
      - api.*.delete_key
    uses: [\"keys.getKey(apiId=api_payments, keyId=*)\"]
  deleter:
    permissions: *grants
    uses: [\"keys.deleteKey(apiId=api_payments, keyId=*)\"]
";
    let path = dir.path().join("p.yaml");
    std::fs::write(&path, policy).unwrap();
    let run = support::cli::permspec_in(
        dir.path(),
        &[
            "lint",
            "p.yaml",
            "--select",
            "R009,R010",
            "--fix",
            "--unsafe-fixes",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(
        fixed.contains("permissions: [api.api_payments.read_key]  # flow list"),
        "{fixed}"
    );
    let untouched = policy.split_once("  shared:").unwrap().1;
    assert!(fixed.ends_with(untouched), "{fixed}");
    let after = support::cli::permspec_in(dir.path(), &["lint", "p.yaml", "--select", "R009,R010"]);
    assert_eq!(after.code, 0, "{}", after.stderr);
    // The warnings on the aliased grants stay, unfixed; none on the fixed key.
    assert!(after.stdout.contains("key `shared`"), "{}", after.stdout);
    assert!(!after.stdout.contains("key `reader`"), "{}", after.stdout);
}

#[test]
fn w008_names_the_flipped_cases_of_case_files_beside_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("policy.yaml"),
        "version: 1\nsemantics: strict\npermissions: [documents.read, documents.write]\n\
         roles:\n  editor: {permissions: [\"documents.*\"]}\nkeys:\n  alice: {roles: [editor]}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cases.yaml"),
        "version: 1\npolicy: policy.yaml\ncases:\n  - name: alice reads\n    key: alice\n    \
         query: documents.read\n    expect: {wildcard: allow, literal: deny}\n",
    )
    .unwrap();
    let run = support::cli::permspec_in(
        dir.path(),
        &["lint", ".", "--select", "W008", "--format", "json"],
    );
    assert!(
        run.stdout
            .contains("cases decided differently: `alice reads` in `./cases.yaml`")
            || run
                .stdout
                .contains("cases decided differently: `alice reads` in `cases.yaml`"),
        "{}",
        run.stdout
    );
}
