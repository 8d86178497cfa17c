//! `permspec grants-for` through the binary: the sets in each output format, a denial
//! body read from standard input, and input it refuses.

mod support;

use support::cli::{permspec, permspec_with_input};

const CALLS: &[&str] = &[
    "grants-for",
    "keys.getKey(keyId=*)",
    "keys.createKey(recoverable=true)",
    "--param",
    "apiId=api_1",
    "--param",
    "keyAuthId=ks_1",
    "--workspace",
    "ws_1",
];

#[test]
fn the_sets_read_as_people_tools_and_policies_need_them() {
    let human = permspec(CALLS);
    assert_eq!(human.code, 0, "{}", human.stderr);
    insta::assert_snapshot!("grants_for_human", human.stdout);

    let json = permspec(&[CALLS, &["--format", "json"]].concat());
    assert_eq!(json.code, 0, "{}", json.stderr);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    insta::assert_json_snapshot!("grants_for_json", value);

    let yaml = permspec(&[CALLS, &["--format", "yaml", "--name", "onboarding"]].concat());
    assert_eq!(yaml.code, 0, "{}", yaml.stderr);
    insta::assert_snapshot!("grants_for_yaml", yaml.stdout);
}

#[test]
fn the_yaml_entry_is_a_root_key_that_passes_its_own_uses() {
    let yaml = permspec(&[CALLS, &["--format", "yaml"]].concat());
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("service.yaml");
    let policy = format!(
        "version: 1\nworkspace: {{id: ws_1}}\napis: {{api_1: {{keyspace: ks_1}}}}\n{}",
        yaml.stdout
    );
    std::fs::write(&path, policy).unwrap();
    let lint = permspec(&[
        "lint",
        path.to_str().unwrap(),
        "--select",
        "R009,R010",
        "--format",
        "json",
    ]);
    assert_eq!(lint.code, 0, "{}{}", lint.stdout, lint.stderr);
}

#[test]
fn a_denial_on_standard_input_names_the_grant_that_was_missing() {
    let body = std::fs::read_to_string("fixtures/denials/decrypt-403.json").unwrap();
    let run = permspec_with_input(
        &[
            "grants-for",
            "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=key_1, decrypt=true)",
            "--workspace",
            "ws_1",
            "--denial",
            "-",
        ],
        &body,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("grants_for_denial", run.stdout);
}

#[test]
fn incomplete_unknown_and_hostile_calls_are_refused_with_exit_2() {
    for (args, says) in [
        (
            vec!["grants-for", "keys.getKey"],
            "needs `workspaceId`, `apiId`, `keyAuthId`, `keyId`",
        ),
        (
            vec!["grants-for", "keys.getKye"],
            "did you mean `keys.getKey`",
        ),
        (
            vec!["grants-for", "keys.getKey(keyId=key_1"],
            "without closing it",
        ),
        (
            vec!["grants-for", "apis.getApi(apiId=a\u{1b}[31m)"],
            "\\u{1b}",
        ),
        (
            vec!["grants-for", "apis.getApi(apiId=*)", "--workspace", "*"],
            "no workspace id",
        ),
    ] {
        let run = permspec(&args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains('\u{1b}'), "{args:?}: {}", run.stderr);
    }
}
