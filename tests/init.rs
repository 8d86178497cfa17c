//! `permspec init`: the starter suite passes `test`, `lint` and the gated run
//! (`--coverage --fail-under 80 --mutate`) as written.

mod support;

use support::cli::{permspec, permspec_in};

#[test]
fn the_starter_suite_passes_test_and_lint_without_arguments() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let run = permspec_in(dir.path(), &["init", "access"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let suite = dir.path().join("access");
    for name in ["policy.yaml", "policy-v1.schema.json"] {
        assert!(suite.join(name).is_file(), "{name} is written");
    }
    let config = std::fs::read_to_string(dir.path().join("permspec.toml")).unwrap();
    assert!(config.contains("paths = [\"access\"]"), "{config}");

    let test = permspec_in(dir.path(), &["test"]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    assert!(test.stdout.contains("10 passed"), "{}", test.stdout);
    // Named from the project's root, the same on every machine.
    assert!(
        test.stdout.contains("test access/policy.yaml::"),
        "{}",
        test.stdout
    );
    passes_the_gate(dir.path());

    for args in [
        &["lint"][..],
        &["lint", "access"],
        &["lint", "access/policy.yaml"],
    ] {
        let lint = permspec_in(dir.path(), args);
        assert_eq!(lint.code, 0, "{}{}", lint.stdout, lint.stderr);
        assert!(
            lint.stderr.contains("0 errors, 0 warnings, 0 infos"),
            "{}",
            lint.stderr
        );
        assert!(
            lint.stderr.contains("configuration: "),
            "the file in use is named"
        );
    }
    // From inside the suite, the configuration above it applies too.
    let lint = permspec_in(&suite, &["lint", "."]);
    assert!(lint.stderr.contains("permspec.toml"), "{}", lint.stderr);

    let schema = std::fs::read_to_string(suite.join("policy-v1.schema.json")).unwrap();
    assert_eq!(schema, permspec(&["schema"]).stdout);
}

#[test]
fn a_configuration_above_the_repository_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("permspec.toml"),
        "[lint]\nignore = [\"W\", \"N\", \"S\", \"X\"]\n",
    )
    .unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("policies")).unwrap();
    std::fs::write(
        repo.join("policies/p.yaml"),
        "version: 1\nroles:\n  admin: {permissions: [\"*\"]}\nkeys:\n  k: {roles: [admin]}\n",
    )
    .unwrap();
    let run = permspec_in(&repo, &["lint", "policies", "--format", "sarif"]);
    assert_eq!(run.code, 1, "the rules still run: {}", run.stderr);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        log["runs"][0]["properties"]["configuration"],
        serde_json::Value::Null
    );
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());

    std::fs::write(repo.join("permspec.toml"), "[lint]\nignore = [\"S\"]\n").unwrap();
    let run = permspec_in(&repo, &["lint", "policies", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let named = log["runs"][0]["properties"]["configuration"]
        .as_str()
        .unwrap();
    assert!(named.ends_with("repo/permspec.toml"), "{named}");
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
        !dir.path().join("policy-v1.schema.json").exists(),
        "nothing is written"
    );

    let run = permspec_in(dir.path(), &["init", "--force"]);
    assert_eq!(run.code, 0);
    assert_ne!(std::fs::read_to_string(&policy).unwrap(), "version: 1\n");
}

#[test]
fn the_root_key_starter_passes_test_and_lint() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let run = permspec_in(dir.path(), &["init", "access", "--root-keys"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("access/root-keys.yaml").is_file());
    let test = permspec_in(dir.path(), &["test"]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    assert!(test.stdout.contains("16 passed"), "{}", test.stdout);
    passes_the_gate(dir.path());
    let lint = permspec_in(dir.path(), &["lint"]);
    assert_eq!(lint.code, 0, "{}{}", lint.stdout, lint.stderr);
    assert!(
        lint.stderr.contains("0 errors, 0 warnings, 0 infos"),
        "{}",
        lint.stderr
    );
}

/// The starter suite in `directory` passes the README's CI gate.
fn passes_the_gate(directory: &std::path::Path) {
    let gate = ["test", "--coverage", "--fail-under", "80", "--mutate"];
    let gated = permspec_in(directory, &gate);
    assert_eq!(
        gated.code, 0,
        "the README's CI gate: {}{}",
        gated.stdout, gated.stderr
    );
}
