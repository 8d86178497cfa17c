//! `permspec migrate-urn`: the proposal for every root key of the example suites, and for
//! generated ones, opens no route call the legacy grants did not, as the route probes and
//! `permspec diff` both confirm; `--write` rewrites only what it proved.

mod support;

use permspec::least_privilege::migrate::migrate;
use permspec::policy::{KeyKind, Loader, Policy, RouteProbes};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use support::cli::permspec;

/// The policy files with root keys under `dir`, each with a workspace declared.
fn suites_with_root_keys(dir: &str) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.contains("\nroot_keys:") {
            continue;
        }
        let text = if text.contains("\nworkspace:") {
            text
        } else {
            text.replacen(
                "\nversion: 1\n",
                "\nversion: 1\nworkspace: {id: ws_migrate}\n",
                1,
            )
        };
        found.push((path, text));
    }
    found
}

/// Every call a root key of `after` may make, a root key of the same name in `before` may
/// make too.
fn no_wider(before: &Policy, after: &Policy) -> Result<(), String> {
    let probes = RouteProbes::new(&[before, after]);
    let now = jiff::Timestamp::now();
    for key in after.keys.iter().filter(|key| key.kind == KeyKind::Root) {
        let old = before.key(&key.name.value).unwrap();
        let gained: Vec<_> = probes
            .allowed(after, key, now)
            .difference(&probes.allowed(before, old, now))
            .cloned()
            .collect();
        if !gained.is_empty() {
            return Err(format!("`{}` gains {gained:?}", key.name.value));
        }
    }
    Ok(())
}

fn load(path: &Path) -> std::sync::Arc<Policy> {
    std::sync::Arc::clone(&Loader::default().load(path).unwrap().policy)
}

#[test]
fn every_example_suite_migrates_to_equal_or_narrower_access() {
    let mut migrated = 0;
    for dir in ["policies", "examples/findings", "fixtures/migrate"] {
        for (path, text) in suites_with_root_keys(dir) {
            let temp = tempfile::tempdir().unwrap();
            let before_path = temp.path().join("before.yaml");
            let after_path = temp.path().join("after.yaml");
            std::fs::write(&before_path, &text).unwrap();
            std::fs::write(&after_path, &text).unwrap();
            let run = permspec(&["migrate-urn", after_path.to_str().unwrap(), "--write"]);
            let written = std::fs::read_to_string(&after_path).unwrap();
            match run.code {
                0 => {}
                1 => {
                    assert_eq!(
                        written,
                        text,
                        "{}: written though not proven",
                        path.display()
                    );
                    assert!(
                        run.stdout.contains("WIDER"),
                        "{}: {}",
                        path.display(),
                        run.stdout
                    );
                    continue;
                }
                code => panic!("{}: exit {code}: {}", path.display(), run.stderr),
            }
            no_wider(&load(&before_path), &load(&after_path))
                .unwrap_or_else(|why| panic!("{}: {why}", path.display()));
            let diff = permspec(&[
                "diff",
                before_path.to_str().unwrap(),
                after_path.to_str().unwrap(),
                "--format",
                "json",
            ]);
            let report: serde_json::Value = serde_json::from_str(&diff.stdout)
                .unwrap_or_else(|_| panic!("{}: {}{}", path.display(), diff.stdout, diff.stderr));
            assert_eq!(
                report["widened"],
                false,
                "{}: {}",
                path.display(),
                diff.stdout
            );
            migrated += usize::from(written != text);
        }
    }
    assert!(migrated >= 2, "only {migrated} suites changed");
}

#[test]
fn the_report_names_what_moves_what_stays_legacy_and_why() {
    let run = permspec(&["migrate-urn", "fixtures/migrate/legacy.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("migrate_urn_human", run.stdout);
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("legacy.yaml");
    std::fs::copy("fixtures/migrate/legacy.yaml", &path).unwrap();
    let run = permspec(&["migrate-urn", path.to_str().unwrap(), "--write"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(
        "migrate_urn_written",
        std::fs::read_to_string(&path).unwrap()
    );
}

#[test]
fn anchored_grants_and_a_policy_without_workspace_are_left_alone() {
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("anchored.yaml");
    let text = "version: 1\nworkspace: {id: ws_1}\napis: {api_1: {keyspace: ks_1}}\nroot_keys:\n  a:\n    permissions: &g [api.api_1.read_key]\n  b:\n    permissions: *g\n";
    std::fs::write(&path, text).unwrap();
    let run = permspec(&["migrate-urn", path.to_str().unwrap(), "--write"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    let run = permspec(&["migrate-urn", "policies/deploy-pipeline.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.said.contains("declare `workspace:"), "{}", run.stderr);
}

/// Legacy tuples a root key may hold: every action a route checks, on any API or one.
fn tuple() -> impl Strategy<Value = String> {
    let actions = prop::sample::select(vec![
        "api.{}.read_key",
        "api.{}.create_key",
        "api.{}.update_key",
        "api.{}.delete_key",
        "api.{}.verify_key",
        "api.{}.decrypt_key",
        "api.{}.encrypt_key",
        "api.{}.read_api",
        "api.{}.delete_api",
        "api.{}.read_analytics",
        "identity.{}.read_identity",
        "identity.{}.update_identity",
        "ratelimit.{}.limit",
        "rbac.{}.add_permission_to_key",
        "rbac.{}.add_role_to_key",
    ]);
    let ids = prop::sample::select(vec!["*", "api_1", "api_2", "ns_1"]);
    (actions, ids).prop_map(|(action, id)| action.replace("{}", id))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A generated root key's proposal opens nothing its tuples did not.
    #[test]
    fn a_generated_root_key_migrates_to_equal_or_narrower_access(
        tuples in prop::collection::vec(tuple(), 1..5)
    ) {
        let grants: Vec<String> = tuples.iter().map(|grant| format!("\"{grant}\"")).collect();
        let text = format!(
            "version: 1\nworkspace: {{id: ws_1}}\napis:\n  api_1: {{keyspace: ks_1}}\n  api_2: {{keyspace: ks_2}}\nroot_keys:\n  k:\n    permissions: [{}]\n",
            grants.join(", ")
        );
        let file = Loader::default().load_text(Path::new("generated.yaml"), text).unwrap();
        let policy = &file.policy;
        let migration = migrate(policy, policy.key("k").unwrap()).unwrap();
        prop_assert!(migration.proven(), "{:?}", migration);
        let mut after = (**policy).clone();
        let key = after.keys.iter_mut().find(|key| key.name.value == "k").unwrap();
        let span = key.permissions[0].span;
        key.permissions = migration
            .after
            .iter()
            .map(|grant| permspec::policy::Spanned { value: grant.grant.clone(), span })
            .collect();
        prop_assert_eq!(no_wider(policy, &after), Ok(()));
    }
}

#[test]
fn diff_after_a_migration_says_the_route_calls_are_the_same() {
    let temp = tempfile::tempdir().unwrap();
    let after = temp.path().join("legacy.yaml");
    std::fs::copy("fixtures/migrate/legacy.yaml", &after).unwrap();
    assert_eq!(
        permspec(&["migrate-urn", after.to_str().unwrap(), "--write"]).code,
        0
    );
    let diff = permspec(&[
        "diff",
        "fixtures/migrate/legacy.yaml",
        after.to_str().unwrap(),
    ]);
    assert_eq!(diff.code, 0, "{}{}", diff.stdout, diff.stderr);
    assert!(
        diff.stdout.contains(
            "narrowed root key `verifier`: no longer holds the strings api.*.verify_key (a query \
             asks them; the route calls it may make are the same)"
        ),
        "{}",
        diff.stdout
    );
}

#[test]
fn a_read_only_file_is_not_rewritten_and_grants_that_open_nothing_are_named() {
    use std::os::unix::fs::PermissionsExt;
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("drop.yaml");
    let text = "version: 1\nworkspace: {id: ws_1}\napis:\n  api_1: {keyspace: ks_1}\nroot_keys:\n  r:\n    permissions: [api.api_1.read_key, \"api.*.*\"]\n";
    std::fs::write(&path, text).unwrap();
    let run = permspec(&["migrate-urn", path.to_str().unwrap()]);
    assert!(
        run.stdout
            .contains("dropped (they open no route call): api.*.*"),
        "{}",
        run.stdout
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let run = permspec(&["migrate-urn", path.to_str().unwrap(), "--write"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("read-only"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
