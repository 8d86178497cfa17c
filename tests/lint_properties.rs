//! Lint rules checked against the naive reference evaluator on generated policies.

mod support;

use permspec::eval::Matching;
use permspec::lint::{Config, lint_files};
use proptest::prelude::*;
use serde_json::json;
use support::naive;
use support::strategies::{grant, permission};

/// Lints a one-role policy with `grants` and `catalog`; returns the text of every grant a
/// finding of `code` points at.
fn flagged(code: &str, grants: &[String], catalog: &[String]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    let file = json!({"version": 1, "permissions": catalog,
        "roles": {"r": {"permissions": grants}}, "keys": {"k": {"roles": ["r"]}}});
    std::fs::write(&path, file.to_string()).unwrap();
    let (findings, errors) = lint_files(&[path], &Config::default(), jiff::civil::date(2026, 1, 1));
    assert!(errors.is_empty());
    findings
        .iter()
        .flat_map(|file| {
            file.findings
                .iter()
                .filter(|finding| finding.rule.code == code)
                .map(|finding| {
                    let quoted = &file.source.text()[finding.span.range()];
                    serde_json::from_str::<String>(quoted).unwrap()
                })
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn a_redundant_grant_changes_no_decision_when_removed(
        grants in prop::collection::vec(grant(), 1..6),
        catalog in prop::collection::vec(permission(), 1..6),
        probes in prop::collection::vec(permission(), 1..12),
    ) {
        for redundant in flagged("S001", &grants, &catalog) {
            let position = grants.iter().position(|g| *g == redundant).unwrap();
            let mut fewer = grants.clone();
            fewer.remove(position);
            for required in catalog.iter().chain(&probes) {
                let before = grants.iter().any(|g| naive::matches(g, required, Matching::Wildcard));
                let after = fewer.iter().any(|g| naive::matches(g, required, Matching::Wildcard));
                prop_assert_eq!(before, after, "removing `{}` changed `{}`", redundant, required);
            }
        }
    }

    #[test]
    fn a_wildcard_said_to_match_nothing_matches_no_catalog_permission(
        grants in prop::collection::vec(grant(), 1..6),
        catalog in prop::collection::vec(permission(), 1..6),
    ) {
        let dead = flagged("W004", &grants, &catalog);
        for pattern in grants.iter().filter(|g| g.split('.').any(|s| s == "*")) {
            let matches_some = catalog.iter().any(|p| naive::matches(pattern, p, Matching::Wildcard));
            prop_assert_eq!(dead.contains(pattern), !matches_some, "pattern `{}`", pattern);
        }
    }
}
