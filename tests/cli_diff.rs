//! `permspec diff`: each kind of change in every output format, exit codes, directories and
//! git revisions.

mod support;

use support::cli::{permspec, permspec_in};
use support::git::{git, git_with_input};

const KINDS: [&str; 9] = [
    "grant-added",
    "grant-removed",
    "wildcard-widened",
    "role-reassigned",
    "key-added",
    "semantics-switched",
    "acknowledged",
    "root-key-routes",
    "catalog-entry-added",
];

fn diff(kind: &str, format: &str) -> support::cli::Run {
    let old = format!("fixtures/diff/{kind}/old.yaml");
    let new = format!("fixtures/diff/{kind}/new.yaml");
    permspec(&["diff", &old, &new, "--format", format, "--color", "never"])
}

#[test]
fn each_kind_of_change_in_each_format() {
    for kind in KINDS {
        let human = diff(kind, "human");
        insta::assert_snapshot!(format!("{kind}_human"), human.stdout);
        let json: serde_json::Value = serde_json::from_str(&diff(kind, "json").stdout).unwrap();
        insta::assert_json_snapshot!(format!("{kind}_json"), json);
        insta::assert_snapshot!(format!("{kind}_markdown"), diff(kind, "markdown").stdout);
    }
}

#[test]
fn unacknowledged_widening_fails_and_narrowing_passes() {
    let codes: Vec<(&str, i32)> = KINDS
        .iter()
        .map(|kind| (*kind, diff(kind, "json").code))
        .collect();
    assert_eq!(
        codes,
        [
            ("grant-added", 1),
            ("grant-removed", 0),
            ("wildcard-widened", 1),
            ("role-reassigned", 1),
            ("key-added", 1),
            ("semantics-switched", 1),
            ("acknowledged", 0),
            ("root-key-routes", 1),
            ("catalog-entry-added", 1),
        ]
    );
    let run = permspec(&[
        "diff",
        "fixtures/diff/grant-added/old.yaml",
        "fixtures/diff/grant-added/new.yaml",
        "--allow-widening",
    ]);
    assert_eq!(run.code, 0);
}

#[test]
fn a_permission_entering_the_catalog_is_new_access_for_the_wildcards_covering_it() {
    let json: serde_json::Value =
        serde_json::from_str(&diff("catalog-entry-added", "json").stdout).unwrap();
    let keys = &json["policies"][0]["keys"];
    assert_eq!(keys.as_array().unwrap().len(), 1, "{keys}");
    assert_eq!(keys[0]["key"], "partner_acme");
    let gain = &keys[0]["gained"][0];
    assert_eq!(gain["permission"], "reports.export_pii");
    assert_eq!(gain["new_in_catalog"], true);
    assert_eq!(gain["via"][0]["grant"], "reports.*");
    assert_eq!(gain["via"][0]["role"], "analyst");
}

#[test]
fn findings_whose_wording_changed_are_not_new() {
    // W008 lists what `reports.*` reaches, which the new catalog entry lengthens.
    let json: serde_json::Value =
        serde_json::from_str(&diff("catalog-entry-added", "json").stdout).unwrap();
    assert_eq!(json["findings"], serde_json::json!([]));
}

#[test]
fn route_cases_that_flip_are_listed_in_every_format() {
    let json: serde_json::Value =
        serde_json::from_str(&diff("root-key-routes", "json").stdout).unwrap();
    assert_eq!(
        json["flips"],
        serde_json::json!([
            {
                "file": "fixtures/diff/root-key-routes/new.yaml",
                "case": "support: keys.updateKey(apiId=api_payments, keyId=key_9)",
                "line": 21, "column": 12,
                "before": {"allowed": false, "status": 403}, "after": {"allowed": true, "status": 200},
            },
            {
                "file": "fixtures/diff/root-key-routes/new.yaml",
                "case": "the deployer stays out of the billing project",
                "line": 26, "column": 12,
                "before": {"allowed": false, "status": 403}, "after": {"allowed": true, "status": 200},
            },
        ])
    );
    let flip = "the deployer stays out of the billing project: deny (403)";
    assert!(diff("root-key-routes", "human").stdout.contains(flip));
    let flip = "`the deployer stays out of the billing project`: deny (403)";
    assert!(diff("root-key-routes", "markdown").stdout.contains(flip));
}

#[test]
fn identical_versions_have_no_changes() {
    let run = permspec(&["diff", "policies", "policies", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["policies"], serde_json::json!([]));
    assert_eq!(json["flips"], serde_json::json!([]));
    assert_eq!(json["findings"], serde_json::json!([]));
}

#[test]
fn directories_pair_files_by_relative_path() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    for side in [&old, &new] {
        std::fs::create_dir_all(side.join("team")).unwrap();
        std::fs::copy("fixtures/diff/base.yaml", side.join("team/p.yaml")).unwrap();
    }
    std::fs::copy("fixtures/diff/key-added/new.yaml", new.join("team/p.yaml")).unwrap();
    let run = permspec(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let keys = &json["policies"][0]["keys"];
    assert_eq!(keys.as_array().unwrap().len(), 1, "{json:#}");
    assert_eq!(keys[0]["key"], "dave");
    assert_eq!(keys[0]["presence"], "added");
}

#[test]
fn base_revision_is_read_with_git_show() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    std::fs::create_dir(repo.join("policies")).unwrap();
    std::fs::copy("fixtures/diff/base.yaml", repo.join("policies/p.yaml")).unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "base"]);
    std::fs::copy(
        "fixtures/diff/role-reassigned/new.yaml",
        repo.join("policies/p.yaml"),
    )
    .unwrap();

    let output = permspec_in(repo, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(json["policies"][0]["file"], "policies/p.yaml");
    let bob = &json["policies"][0]["keys"][0];
    assert_eq!(bob["key"], "bob");
    assert_eq!(bob["gained"][0]["permission"], "documents.write");
    assert_eq!(bob["roles_added"], serde_json::json!(["editor"]));

    let output = permspec_in(repo, &["diff", "--base", "no-such-revision"]);
    assert_eq!(output.code, 2);
    assert!(output.stderr.contains("no-such-revision"));
}

#[test]
fn bad_arguments_are_unusable_input() {
    let run = permspec(&["diff", "fixtures/diff/base.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("give OLD and NEW"), "{}", run.stderr);
    let run = permspec(&[
        "diff",
        "fixtures/diff/base.yaml",
        "fixtures/load-errors/empty.yaml",
    ]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_root_key_gain_on_a_route_is_acknowledged_by_a_route_case() {
    let run = diff("root-key-routes", "json");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let gains: Vec<(String, bool)> = json["policies"][0]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|key| key["gained"].as_array().unwrap())
        .map(|gain| {
            (
                gain["permission"].as_str().unwrap().to_owned(),
                gain["acknowledged"].as_bool().unwrap(),
            )
        })
        .collect();
    // The new version's case on keys.updateKey names key_9, an id no grant names.
    assert!(gains.contains(&(
        "keys.updateKey(apiId=api_payments, keyAuthId=ks_payments, keyId=<other>)".to_owned(),
        true
    )));
    assert!(
        gains
            .iter()
            .filter(|(_, acknowledged)| !acknowledged)
            .count()
            >= 7
    );
    // No URN grant appears as a permission: root keys' URN grants are compared by route.
    assert!(
        gains
            .iter()
            .all(|(permission, _)| !permission.starts_with("unkey:"))
    );
}

#[test]
fn a_route_with_too_many_named_ids_to_compare_counts_as_widened() {
    let grants = |extra: &str| {
        let mut grants: Vec<String> = (0..9)
            .map(|i| {
                format!(
                    "\"unkey:v1:ws_1:projects/p_{i}/apps/a_{i}/environments/e_{i}/deployments/d_{i}#promote_deployment\""
                )
            })
            .collect();
        grants.push(format!("\"{extra}\""));
        format!(
            "version: 1\nworkspace: {{id: ws_1}}\nroot_keys:\n  ci:\n    permissions: [{}]\n",
            grants.join(", ")
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.yaml");
    let new = dir.path().join("new.yaml");
    std::fs::write(&old, grants("unkey:v1:ws_1:keyspaces/ks_1#create_key")).unwrap();
    std::fs::write(&new, grants("unkey:v1:ws_1:keyspaces/ks_2#create_key")).unwrap();
    let run = permspec(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("deployments.promoteDeployment (not compared: too many named ids)"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_admin_grant_is_summed_up_not_listed_call_by_call() {
    let human = diff("admin-grant", "human");
    let words: String = human
        .stdout
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("root key `ops` gains the admin grant `unkey:v1:ws_acme:**#*`: every")
            && words.contains("URN-checked route ("),
        "{}",
        human.stdout
    );
    assert!(human.stdout.len() < 4000, "{}", human.stdout.len());
    let markdown = diff("admin-grant", "markdown");
    let row = markdown
        .stdout
        .lines()
        .find(|line| line.starts_with("| `ops`"))
        .unwrap();
    assert!(row.contains("every URN-checked route ("), "{row}");
    assert!(!row.contains("<br>"), "{row}");
    let json: serde_json::Value =
        serde_json::from_str(&diff("admin-grant", "json").stdout).unwrap();
    let gained = json["policies"][0]["keys"][0]["gained"].as_array().unwrap();
    assert!(
        gained.len() > 30,
        "machines get every call: {}",
        gained.len()
    );
}

#[test]
fn many_gains_are_grouped_by_family() {
    let dir = tempfile::tempdir().unwrap();
    let catalog: Vec<String> = (0..12)
        .map(|i| format!("documents.p{i}"))
        .chain((0..3).map(|i| format!("billing.p{i}")))
        .collect();
    let old = format!(
        "version: 1\npermissions: [{}]\nkeys:\n  k: {{permissions: []}}\n",
        catalog.join(", ")
    );
    let new = old.replace(
        "permissions: []",
        "permissions: [\"documents.*\", \"billing.*\"]",
    );
    let (old_path, new_path) = (dir.path().join("old.yaml"), dir.path().join("new.yaml"));
    std::fs::write(&old_path, old).unwrap();
    std::fs::write(&new_path, new).unwrap();
    let run = permspec(&[
        "diff",
        old_path.to_str().unwrap(),
        new_path.to_str().unwrap(),
        "--color",
        "never",
    ]);
    let message: String = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        message.contains(
            "key `k` gains 15 permissions and route calls: billing.* (3), documents.* │ (12)"
        ),
        "{message}"
    );
}

#[test]
fn access_assertions_whose_keys_change_are_listed_as_flips() {
    let json: serde_json::Value =
        serde_json::from_str(&diff("access-flips", "json").stdout).unwrap();
    assert_eq!(
        json["flips"],
        serde_json::json!([{
            "file": "fixtures/diff/access-flips/new.yaml", "case": "access: invoices.delete",
            "line": 9, "column": 12,
            "before": {"keys": ["oncall"]}, "after": {"keys": ["oncall", "clerk_1"]},
        }])
    );
}

/// The JSON of `diff` between two versions of one policy written into a temporary folder.
fn diff_versions(old: &str, new: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    for (side, text) in [("old", old), ("new", new)] {
        std::fs::create_dir(dir.path().join(side)).unwrap();
        std::fs::write(dir.path().join(side).join("p.yaml"), text).unwrap();
    }
    let run = permspec_in(dir.path(), &["diff", "old", "new", "--format", "json"]);
    assert_ne!(run.code, 2, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn gains(report: &serde_json::Value) -> Vec<String> {
    let keys = report["policies"].as_array().unwrap().iter();
    let keys = keys.flat_map(|policy| policy["keys"].as_array().unwrap());
    keys.flat_map(|key| key["gained"].as_array().unwrap())
        .map(|gain| gain["permission"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn what_star_means_decides_what_diff_calls_a_widening() {
    let old = "version: 1\nsemantics: SEMANTICS\npermissions: [documents.read, documents.write]\n\
               keys:\n  bot: {permissions: [documents.read]}\n";
    let new = old.replace("[documents.read]}", "[documents.read, \"*\"]}");
    let widened = |semantics: &str| {
        gains(&diff_versions(
            &old.replace("SEMANTICS", semantics),
            &new.replace("SEMANTICS", semantics),
        ))
    };
    assert_eq!(widened("wildcard"), ["documents.write"]);
    assert_eq!(
        widened("strict"),
        ["documents.write"],
        "widened under one reading"
    );
    assert!(
        widened("literal").is_empty(),
        "`*` is inert to Unkey's engine"
    );

    // Unkey's engine reads `documents.*` literally: a literal grant is new access to it,
    // even where the docs' reading already gave it.
    let old = "version: 1\nsemantics: strict\npermissions: [documents.read]\n\
               keys:\n  bot: {permissions: [\"documents.*\"]}\n";
    let new = old.replace("[\"documents.*\"]", "[\"documents.*\", documents.read]");
    assert_eq!(gains(&diff_versions(old, &new)), ["documents.read"]);
}

#[test]
fn a_root_key_tuple_that_no_route_asks_for_is_no_widening() {
    let old = "version: 1\nroot_keys:\n  ops: {permissions: [api.api_1.read_key]}\n";
    let new = old.replace("[api.api_1.read_key]", "[api.api_1.read_key, \"api.*.*\"]");
    assert!(gains(&diff_versions(old, &new)).is_empty());
}

#[test]
fn a_case_flips_for_every_kind_of_change_to_its_key_and_for_no_other_key() {
    let dir = tempfile::tempdir().unwrap();
    let policy = |extra: &str, reader: &str| {
        format!(
            "version: 1\nnow: 2026-06-01T00:00:00Z\nroles:\n  r: {{permissions: [documents.read]}}\n\
             keys:\n  reader: {{{reader}}}\n  writer: {{permissions: [documents.write]}}\n{extra}\
             cases:\n  - {{key: reader, query: documents.read, expect: allow}}\n  - {{key: writer, query: documents.write, expect: allow}}\n"
        )
    };
    let old = dir.path().join("old.yaml");
    std::fs::write(&old, policy("", "roles: [r]")).unwrap();
    for (extra, reader) in [
        ("forbid:\n  - {permission: documents.read}\n", "roles: [r]"),
        ("", "roles: [r], enabled: false"),
        ("", "roles: [r], expires: 2026-01-01"),
        ("", "permissions: [documents.list]"),
        ("workspace: {enabled: false}\n", "roles: [r]"),
    ] {
        let new = dir.path().join("new.yaml");
        std::fs::write(&new, policy(extra, reader)).unwrap();
        let run = permspec(&[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let flipped: Vec<&str> = (report["flips"].as_array().unwrap().iter())
            .map(|flip| flip["case"].as_str().unwrap())
            .collect();
        let expected = if extra.starts_with("workspace") { 2 } else { 1 };
        assert_eq!(flipped.len(), expected, "{extra}{reader}: {}", run.stdout);
        assert!(
            flipped[0].contains("reader"),
            "{extra}{reader}: {}",
            run.stdout
        );
    }
}

/// A raw tree object's entry: mode, name, and the object's id as bytes.
fn tree_entry(mode: &str, name: &str, id: &str) -> Vec<u8> {
    let mut entry = format!("{mode} {name}\0").into_bytes();
    let bytes = (0..id.len()).step_by(2);
    entry.extend(bytes.map(|at| u8::from_str_radix(&id[at..at + 2], 16).unwrap()));
    entry
}

#[test]
fn a_revision_whose_tree_names_a_path_outside_it_is_refused() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git(dir, &["init", "-q"]);
    std::fs::create_dir(dir.join("pol")).unwrap();
    std::fs::write(dir.join("pol/policy.yaml"), "version: 1\nkeys: {}\n").unwrap();
    git(dir, &["add", "pol"]);
    git(dir, &["commit", "-q", "-m", "policy"]);
    // A crafted tree git would never make: `pol/../planted.yaml`.
    let literal = ["hash-object", "-w", "-t", "tree", "--literally", "--stdin"];
    let blob = git_with_input(dir, &["hash-object", "-w", "--stdin"], b"version: 1\n");
    let planted = git_with_input(dir, &literal, &tree_entry("100644", "planted.yaml", &blob));
    let policy = git_with_input(dir, &["rev-parse", "HEAD:pol/policy.yaml"], b"");
    let mut pol = tree_entry("40000", "..", &planted);
    pol.extend(tree_entry("100644", "policy.yaml", &policy));
    let pol = git_with_input(dir, &literal, &pol);
    let root = git_with_input(dir, &literal, &tree_entry("40000", "pol", &pol));
    let commit = git_with_input(
        dir,
        &[
            "-c",
            "user.name=p",
            "-c",
            "user.email=p@e",
            "commit-tree",
            &root,
            "-m",
            "evil",
        ],
        b"",
    );
    git(dir, &["tag", "evil", &commit]);
    for command in [
        &["diff", "--base", "evil", "pol"][..],
        &["report", "pol", "--base", "evil"],
    ] {
        let run = permspec_in(dir, command);
        assert_eq!(run.code, 2, "{command:?}: {}", run.stderr);
        assert!(run.said.contains("pol/../planted.yaml"), "{}", run.stderr);
        assert!(
            run.said.contains("not a path inside the repository"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn two_files_are_never_compared_under_one_name_and_links_are_walked_once() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git(dir, &["init", "-q"]);
    let base = "version: 1\nkeys:\n  alice:\n    permissions: [documents.read]\n";
    std::fs::create_dir_all(dir.join("policies/x")).unwrap();
    std::fs::write(dir.join("policies/x/y.yaml"), base).unwrap();
    // Links that fan out to the same directories, many levels deep.
    for level in 0..16 {
        let here = dir.join(format!("policies/d{level}"));
        std::fs::create_dir_all(&here).unwrap();
        for link in ["a", "b"] {
            std::os::unix::fs::symlink(format!("../d{}", level + 1), here.join(link)).unwrap();
        }
    }
    std::fs::create_dir_all(dir.join("policies/d16")).unwrap();
    std::fs::write(dir.join("policies/d16/deep.yaml"), base).unwrap();
    git(dir, &["add", "policies"]);
    git(dir, &["commit", "-q", "-m", "base"]);
    // The change widens access, and adds a file whose name a lossy rewrite would pair
    // with the changed one.
    let widened = format!("{base}  mallory:\n    permissions: [\"*\"]\n");
    std::fs::write(dir.join("policies/x/y.yaml"), widened).unwrap();
    std::fs::write(dir.join("policies/x\\y.yaml"), base).unwrap();
    let run = permspec_in(
        dir,
        &["diff", "--base", "HEAD", "policies", "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("mallory"), "{}", run.stdout);
}
