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
        assert!(run.said.contains(says), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains('\u{1b}'), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn params_that_fit_no_call_repeated_values_and_two_workspaces_are_refused() {
    let call = "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=key_1)";
    for (args, says) in [
        (
            vec![
                "grants-for",
                call,
                "--workspace",
                "ws_1",
                "--param",
                "decrpyt=true",
            ],
            "did you mean `decrypt`",
        ),
        (
            vec![
                "grants-for",
                "keys.getKey(keyId=key_1)",
                "--param",
                "apiId=a",
                "--param",
                "apiId=b",
                "--param",
                "keyAuthId=k",
                "--workspace",
                "ws_1",
            ],
            "more than once",
        ),
        (
            vec![
                "grants-for",
                "keys.getKey(apiId=a, keyAuthId=k, keyId=*, keyId=k)",
                "--workspace",
                "ws_1",
            ],
            "more than once",
        ),
        (
            vec![
                "grants-for",
                "keys.getKey(apiId=a, keyAuthId=k)(keyId=b)",
                "--workspace",
                "ws_1",
            ],
            "one pair of parentheses",
        ),
        (
            vec![
                "grants-for",
                "keys.getKey(apiId=a, keyAuthId=k, keyId=x, workspaceId=w2)",
                "--workspace",
                "ws_1",
            ],
            "its own workspace",
        ),
        (
            vec![
                "grants-for",
                "keys.getKey(apiId=a, keyAuthId=k, keyId=x, workspaceId=w2)",
                "keys.getKey(apiId=a, keyAuthId=k, keyId=x, workspaceId=w3)",
            ],
            "its own workspace",
        ),
        (
            vec![
                "grants-for",
                call,
                "--workspace",
                "ws_1",
                "--format",
                "yaml",
                "--name",
                "",
            ],
            "no key name",
        ),
        (
            vec![
                "grants-for",
                call,
                "--workspace",
                "ws_1",
                "--denial",
                "/nonexistent/body.json",
            ],
            "`--denial /nonexistent/body.json`",
        ),
    ] {
        let run = permspec(&args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.said.contains(says), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_call_no_root_key_can_make_fails_the_run_and_stays_out_of_the_entry() {
    let run = permspec(&[
        "grants-for",
        "portal.listKeys",
        "keys.createKey(apiId=a, keyAuthId=k)",
        "--workspace",
        "ws_1",
        "--format",
        "yaml",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("no root key can make portal.listKeys"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("# not portal.listKeys"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("- \"portal.listKeys\""),
        "{}",
        run.stdout
    );
}

#[test]
fn a_long_message_in_a_body_is_clipped_when_shown_back() {
    let body = format!(
        r#"{{"meta":{{"requestId":"r"}},"error":{{"title":"Insufficient Permissions","type":"https://unkey.com/docs/errors/unkey/authorization/insufficient_permissions","detail":"Missing permission: '{}'","status":403}}}}"#,
        "a".repeat(100_000)
    );
    let run = permspec_with_input(
        &["grants-for", "apis.getApi(apiId=api_1)", "--denial", "-"],
        &body,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.len() < 2_000, "{} bytes", run.stderr.len());
}

#[test]
fn a_root_keys_uses_are_the_calls_and_its_policy_completes_them() {
    let run = permspec(&[
        "grants-for",
        "--policy",
        "policies/root-keys.yaml",
        "--key",
        "key_issuer",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let urn: Vec<&str> = (found["sets"][0]["grants"].as_array().unwrap().iter())
        .map(|grant| grant["grant"].as_str().unwrap())
        .collect();
    // Exactly the grants the policy gives the key: its `uses:` need no less and no more.
    assert_eq!(
        urn,
        [
            "unkey:v1:ws_acme:keyspaces/ks_payments#create_key",
            "unkey:v1:ws_acme:keyspaces/ks_payments/keys/*#read_key"
        ]
    );
    let completed = permspec(&[
        "grants-for",
        "--policy",
        "policies/root-keys.yaml",
        "keys.getKey(apiId=api_payments, keyId=*)",
    ]);
    assert_eq!(completed.code, 0, "{}", completed.stderr);
    assert!(
        completed
            .stdout
            .contains("keyspaces/ks_payments/keys/*#read_key")
    );
    let none = permspec(&[
        "grants-for",
        "--policy",
        "policies/root-keys.yaml",
        "--key",
        "nobody",
    ]);
    assert_eq!(none.code, 2);
}

#[test]
fn a_403_that_names_a_urn_gives_the_workspace() {
    let run = permspec(&[
        "grants-for",
        "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=key_1, decrypt=true)",
        "--denial",
        "fixtures/denials/decrypt-403.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("add (URN form): unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#decrypt_key"),
        "{}",
        run.stdout
    );
}
