//! `permspec import unkey` on responses shaped like Unkey's v2 API documents them.

mod support;

use support::cli::permspec;

const DIR: &str = "fixtures/import/unkey";

fn import(extra: &[&str]) -> support::cli::Run {
    let keys = format!("{DIR}/keys-page-1.json");
    let keys2 = format!("{DIR}/keys-page-2.json");
    let get_key = format!("{DIR}/get-key-decrypted.json");
    let roles = format!("{DIR}/roles.json");
    let permissions = format!("{DIR}/permissions.json");
    let mut args = vec![
        "import",
        "unkey",
        "--keys",
        &keys,
        &keys2,
        &get_key,
        "--roles",
        &roles,
        "--permissions",
        &permissions,
    ];
    args.extend_from_slice(extra);
    permspec(&args)
}

#[test]
fn pages_of_keys_roles_and_permissions_become_one_policy() {
    let run = import(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn key_material_is_dropped_with_a_warning() {
    let run = import(&[]);
    assert!(
        !run.stdout.contains("sk_prod"),
        "no key material is written"
    );
    assert_eq!(
        run.stderr.trim(),
        "warning: dropped `plaintext` of key `key_6gKOfQbVcMdlGbs5Mhnd2u` \
         (`fixtures/import/unkey/get-key-decrypted.json`): permspec never writes key material"
    );
}

#[test]
fn the_imported_policy_loads_lints_and_takes_cases() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("unkey.yaml");
    let run = import(&["--output", policy.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());

    let lint = permspec(&["lint", "--format", "json", policy.to_str().unwrap()]);
    assert_ne!(lint.code, 2, "{}", lint.stderr);
    let findings: serde_json::Value = serde_json::from_str(&lint.stdout).unwrap();
    assert!(
        lint.stdout.contains("documents.*"),
        "the wildcard grant is linted: {findings}"
    );

    let cases = dir.path().join("cases.yaml");
    std::fs::write(
        &cases,
        "version: 1\npolicy: unkey.yaml\ncases:\n\
         - {key: ci-bot, query: documents.read, expect: allow}\n\
         - {key: ci-bot, query: documents.write, expect: deny}\n\
         - {key: ops, query: documents.read, expect: deny, code: DISABLED}\n\
         - {key: docs-service, query: documents.write AND users.view, expect: allow}\n",
    )
    .unwrap();
    let test = permspec(&["test", cases.to_str().unwrap()]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
}

#[test]
fn bad_responses_are_refused_with_a_diagnostic() {
    for (file, roles) in [
        ("malformed.json", None),
        ("not-a-key.json", None),
        ("unknown-role.json", Some("roles.json")),
    ] {
        let keys = format!("{DIR}/{file}");
        let roles = roles.map(|roles| format!("{DIR}/{roles}"));
        let mut args = vec!["import", "unkey", "--keys", &keys];
        if let Some(roles) = &roles {
            args.extend(["--roles", roles]);
        }
        let run = permspec(&args);
        assert_eq!(run.code, 2, "{file}");
        assert!(run.stdout.is_empty(), "{file}: nothing is written");
        insta::assert_snapshot!(file, run.stderr);
    }
}
