//! `permspec init`: the starter suite passes `test` and `lint` as written.

mod support;

use support::cli::{permspec, permspec_in};

#[test]
fn the_starter_suite_passes_test_and_lint() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("access");
    let run = permspec(&["init", suite.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in ["policy.yaml", "permspec.toml", "policy-v1.schema.json"] {
        assert!(suite.join(name).is_file(), "{name} is written");
    }

    let test = permspec_in(&suite, &["test", "."]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    assert!(test.stdout.contains("8 passed"), "{}", test.stdout);

    let lint = permspec_in(&suite, &["lint", "."]);
    assert_eq!(lint.code, 0, "{}{}", lint.stdout, lint.stderr);
    assert!(
        lint.stderr.contains("0 errors, 0 warnings, 0 infos"),
        "{}",
        lint.stderr
    );

    let schema = std::fs::read_to_string(suite.join("policy-v1.schema.json")).unwrap();
    assert_eq!(schema, permspec(&["schema"]).stdout);
}

#[test]
fn an_existing_suite_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, "version: 1\n").unwrap();

    let run = permspec_in(dir.path(), &["init"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`./policy.yaml` already exists"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), "version: 1\n");
    assert!(
        !dir.path().join("permspec.toml").exists(),
        "nothing is written"
    );

    let run = permspec_in(dir.path(), &["init", "--force"]);
    assert_eq!(run.code, 0);
    assert_ne!(std::fs::read_to_string(&policy).unwrap(), "version: 1\n");
}
