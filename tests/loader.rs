//! Loading policy files: every kind of bad input gets a diagnostic with file, line, column,
//! a label on the node and a hint; good input keeps the span of every node.

use permspec::policy::{Expect, Expectation, KeyKind, Loader, SharedResolution, Subject};
use permspec::report::Renderer;
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

fn relative(path: &Path) -> &Path {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap()
}

#[test]
fn each_kind_of_bad_input_has_its_diagnostic() {
    insta::glob!("../fixtures/load-errors", "*.yaml", |path| {
        let error = Loader::default()
            .load(relative(path))
            .expect_err("the fixture is malformed");
        let (line, column) = error.line_column().expect("the error points into the file");
        assert!(line >= 1 && column >= 1);
        insta::assert_snapshot!(Renderer::new(false).render(&error));
    });
}

#[test]
fn a_missing_file_is_named() {
    let error = Loader::default()
        .load(Path::new("fixtures/no-such-file.yaml"))
        .unwrap_err();
    assert_eq!(error.kind(), "policy::io");
    assert!(error.to_string().contains("fixtures/no-such-file.yaml"));
}

#[test]
fn every_node_keeps_its_span() {
    let file = Loader::default()
        .load(Path::new("policies/documents.yaml"))
        .unwrap();
    let text = file.source.text();
    let at = |span: permspec::span::Span| &text[span.range()];
    let policy = &file.policy;

    let admin = policy
        .roles
        .iter()
        .find(|r| r.name.value == "admin")
        .unwrap();
    assert_eq!(at(admin.name.span), "admin");
    assert_eq!(at(admin.permissions[0].span), "\"*\"");

    let alice = policy
        .keys
        .iter()
        .find(|k| k.name.value == "alice")
        .unwrap();
    assert_eq!(at(alice.roles[0].span), "editor");
    assert_eq!(at(alice.permissions[0].span), "users.view");
    assert_eq!(alice.kind, KeyKind::Api);

    let ops = policy.keys.iter().find(|k| k.name.value == "ops").unwrap();
    assert!(!ops.enabled.value);
    assert_eq!(at(ops.enabled.span), "false");

    assert_eq!(at(policy.forbid[0].permission.span), "billing.manage");
    let catalog = policy.catalog.as_ref().unwrap();
    assert_eq!(at(catalog[5].span), "billing.manage");

    let (case, query) = file
        .query_checks()
        .find(|(c, _)| c.name() == "malformed query is rejected")
        .unwrap();
    assert_eq!(at(query.span), "\"documents.read AND\"");
    assert_eq!(query.offset, Some(query.span.start() + 1));
    assert_eq!(at(case.key.span), "alice");
    assert_eq!(case.expect.value, Expectation::Same(Expect::Error));
}

#[test]
fn case_lists_expand_to_one_named_case_per_key_and_query() {
    let file = Loader::default()
        .load(Path::new("examples/findings/documents.yaml"))
        .unwrap();
    let text = file.source.text();
    let named: Vec<(Cow<str>, &str, &str)> = file
        .query_checks()
        .filter(|(c, _)| c.name().starts_with("staff can read"))
        .map(|(c, query)| {
            (
                c.name(),
                &text[c.key.span.range()],
                &text[query.span.range()],
            )
        })
        .collect();
    let staff: Vec<(&str, &str, &str)> = (named.iter())
        .map(|(name, key, query)| (name.as_ref(), *key, *query))
        .collect();
    assert_eq!(
        staff,
        [
            (
                "staff can read [ci_bot: documents.read]",
                "ci_bot",
                "documents.read"
            ),
            (
                "staff can read [ci_bot: documents.read OR admin]",
                "ci_bot",
                "\"documents.read OR admin\""
            ),
            (
                "staff can read [alice: documents.read]",
                "alice",
                "documents.read"
            ),
            (
                "staff can read [alice: documents.read OR admin]",
                "alice",
                "\"documents.read OR admin\""
            ),
        ]
    );
    let derived = file
        .checks
        .iter()
        .find(|c| &*c.key.value == "contractor")
        .unwrap();
    assert_eq!(derived.name(), "contractor: admin OR documents.delete");
}

#[test]
fn repeated_case_names_are_made_unique_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.yaml");
    std::fs::write(
        &path,
        "version: 1\nkeys: {k: {permissions: [a]}}\ncases:\n  - {name: same, key: k, query: a, expect: allow}\n  - {name: same, key: k, query: a, expect: allow}\n",
    )
    .unwrap();
    let file = Loader::default().load(&path).unwrap();
    let names: Vec<_> = file.checks.iter().map(|c| c.name()).collect();
    assert_eq!(names, ["same", "same (2)"]);
}

#[test]
fn spans_are_bytes_even_after_non_ascii_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("utf8.yaml");
    std::fs::write(
        &path,
        "version: 1\n# Übersicht – Zugänge\nroles:\n  lecteur:\n    description: accès en lecture\n    permissions: [documents.read]\n",
    )
    .unwrap();
    let file = Loader::default().load(&path).unwrap();
    let span = file.policy.roles[0].permissions[0].span;
    assert_eq!(&file.source.text()[span.range()], "documents.read");
}

#[test]
fn a_cases_file_tests_the_policy_it_refers_to() {
    let file = Loader::default()
        .load(Path::new("fixtures/suites/shared-policy/cases.yaml"))
        .unwrap();
    assert_eq!(
        file.policy.source.name(),
        "fixtures/suites/shared-policy/policy.yaml"
    );
    assert_eq!(file.policy.keys.len(), 3);
    assert_eq!(file.checks.len(), 4);
}

#[test]
fn root_keys_are_keys_of_their_own_kind() {
    let file = Loader::default()
        .load(Path::new("policies/deploy-pipeline.yaml"))
        .unwrap();
    assert!(file.policy.keys.iter().all(|key| key.kind == KeyKind::Root));
}

/// Files loaded together share the policy they test, however the loads interleave on the
/// cores, and a run resolves it once for all of them.
#[test]
fn files_loaded_together_share_their_policy_and_its_resolution() {
    let directory = tempfile::tempdir().unwrap();
    let shared = Path::new("fixtures/suites/shared-policy");
    std::fs::copy(
        shared.join("policy.yaml"),
        directory.path().join("policy.yaml"),
    )
    .unwrap();
    let cases = std::fs::read_to_string(shared.join("cases.yaml")).unwrap();
    let mut paths = vec![directory.path().join("policy.yaml")];
    for index in 0..8 {
        let path = directory.path().join(format!("cases-{index}.yaml"));
        std::fs::write(&path, &cases).unwrap();
        paths.push(path);
    }
    let files: Vec<_> = Loader::default()
        .load_all(&paths)
        .into_iter()
        .map(|file| file.expect("the suite loads"))
        .collect();
    let mut resolution = SharedResolution::default();
    let first = resolution.of(&files[0].policy);
    for file in &files[1..] {
        assert!(Arc::ptr_eq(&file.policy, &files[0].policy));
        assert!(Arc::ptr_eq(&resolution.of(&file.policy), &first));
    }
    assert_eq!(files[1].checks.len(), files[8].checks.len());
}

#[test]
fn checks_and_assertions_of_every_kind_keep_the_order_of_the_file() {
    let text = r#"version: 1
workspace: {id: ws_1}
apis: {api_1: {keyspace: ks_1}}
keys:
  app: {permissions: [documents.read]}
root_keys:
  deployer: {permissions: ["api.*.read_key"]}
cases:
  - {name: a route, key: deployer, route: keys.getKey, params: {apiId: api_1, keyId: key_1}, expect: allow}
  - {name: a query, key: app, query: documents.read, expect: allow}
  - {name: a urn, key: deployer, urn: "unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key", expect: deny}
  - {name: another query, key: app, query: documents.write, expect: deny}
access:
  - {route: keys.getKey, params: {apiId: api_1, keyId: key_1}, keys: [deployer]}
  - {query: documents.read, keys: [app]}
"#;
    let file = Loader::default()
        .load_text(Path::new("mixed.yaml"), text.to_owned())
        .unwrap();
    let named: Vec<(Cow<str>, &str)> = (file.checks.iter())
        .map(|check| {
            let kind = match &check.subject {
                Subject::Query(_) => "query",
                Subject::Urn(_) => "urn",
                Subject::Route(_) => "route",
                _ => "other",
            };
            (check.name(), kind)
        })
        .collect();
    let checks: Vec<(&str, &str)> = (named.iter())
        .map(|(name, kind)| (name.as_ref(), *kind))
        .collect();
    assert_eq!(
        checks,
        [
            ("a route", "route"),
            ("a query", "query"),
            ("a urn", "urn"),
            ("another query", "query")
        ]
    );
    let assertions: Vec<String> = (file.assertions.iter())
        .map(|assertion| assertion.subject.describe())
        .collect();
    assert_eq!(
        assertions,
        ["keys.getKey(apiId=api_1, keyId=key_1)", "documents.read"]
    );
}

#[test]
fn names_shown_alike_are_numbered_apart_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alike.yaml");
    // Four names that differ only in a line break written as one or as `\n`, all shown
    // as `a\nb\nc`, and a fifth written as that name's ` (3)`.
    let case = |name: &str| format!("  - {{name: {name}, key: k, query: a, expect: allow}}\n");
    let cases: String = [
        r#""a\nb\nc""#,
        r#"'a\nb\nc'"#,
        r#""a\\nb\nc""#,
        r#""a\nb\\nc""#,
        r#"'a\nb\nc (3)'"#,
    ]
    .map(case)
    .concat();
    std::fs::write(
        &path,
        format!("version: 1\nkeys: {{k: {{permissions: [a]}}}}\ncases:\n{cases}"),
    )
    .unwrap();
    let tests =
        permspec::runner::collect(&[path], None, jiff::Timestamp::now(), &Default::default()).tests;
    let names: Vec<String> = tests
        .iter()
        .map(|test| test.case_name().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            r"a\nb\nc",
            r"a\nb\nc (2)",
            r"a\nb\nc (4)",
            r"a\nb\nc (5)",
            r"a\nb\nc (3)"
        ]
    );
}
