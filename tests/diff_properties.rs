//! `diff` against the naive reference evaluator: on random pairs of policies, a key is
//! reported as widened exactly when some catalog permission is allowed for it in NEW and not
//! in OLD (each side in its own semantics mode), and the gained permissions are exactly those.

mod support;

use permspec::diff::{Side, diff};
use permspec::eval::Matching;
use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeSet;
use support::naive;
use support::strategies::{grants, permission};

#[derive(Clone, Debug)]
struct Version {
    literal: bool,
    roles: Vec<Vec<String>>,
    /// Per key: roles held, own grants.
    keys: Vec<(Vec<usize>, Vec<String>)>,
}

fn version(keys: usize) -> impl Strategy<Value = Version> {
    let key = (prop::collection::vec(0..3usize, 0..3), grants());
    (
        prop::bool::weighted(0.3),
        prop::collection::vec(grants(), 3),
        prop::collection::vec(key, keys),
    )
        .prop_map(|(literal, roles, keys)| Version {
            literal,
            roles,
            keys,
        })
}

fn text(version: &Version, catalog: &[String]) -> String {
    let roles: serde_json::Map<_, _> = version
        .roles
        .iter()
        .enumerate()
        .map(|(i, grants)| (format!("r{i}"), json!({"permissions": grants})))
        .collect();
    let keys: serde_json::Map<_, _> = version
        .keys
        .iter()
        .enumerate()
        .map(|(i, (held, grants))| {
            let held: BTreeSet<String> = held.iter().map(|r| format!("r{r}")).collect();
            (
                format!("k{i}"),
                json!({"roles": held, "permissions": grants}),
            )
        })
        .collect();
    let semantics = if version.literal {
        "literal"
    } else {
        "wildcard"
    };
    json!({"version": 1, "semantics": semantics, "permissions": catalog,
           "roles": roles, "keys": keys})
    .to_string()
}

/// The catalog permissions key `index` is allowed, by the naive evaluator.
fn allowed(version: &Version, index: usize, catalog: &[String]) -> BTreeSet<String> {
    let matching = if version.literal {
        Matching::Literal
    } else {
        Matching::Wildcard
    };
    let (held, own) = &version.keys[index];
    let mut effective: Vec<&String> = own.iter().collect();
    for role in held {
        effective.extend(&version.roles[*role]);
    }
    catalog
        .iter()
        .filter(|p| effective.iter().any(|g| naive::matches(g, p, matching)))
        .cloned()
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn a_key_widens_iff_new_allows_a_catalog_permission_old_did_not(
        catalog in prop::collection::btree_set(permission(), 1..8),
        old in version(3),
        new in version(3),
    ) {
        let catalog: Vec<String> = catalog.into_iter().collect();
        let dir = tempfile::tempdir().unwrap();
        let (old_path, new_path) = (dir.path().join("old.yaml"), dir.path().join("new.yaml"));
        std::fs::write(&old_path, text(&old, &catalog)).unwrap();
        std::fs::write(&new_path, text(&new, &catalog)).unwrap();
        let report = diff(
            &Side::from_path(&old_path).unwrap(),
            &Side::from_path(&new_path).unwrap(),
            jiff::Timestamp::UNIX_EPOCH,
            jiff::civil::date(2026, 11, 23),
            &permspec::lint::Config::default(),
        )
        .unwrap();

        for index in 0..3 {
            let (was, is) = (allowed(&old, index, &catalog), allowed(&new, index, &catalog));
            let expected: BTreeSet<String> = is.difference(&was).cloned().collect();
            let name = format!("k{index}");
            let change = report.key_changes().find(|change| change.key == name);
            let gained: BTreeSet<String> = change
                .map(|change| change.gained.iter().map(|gain| gain.permission.clone()).collect())
                .unwrap_or_default();
            prop_assert_eq!(&gained, &expected, "key {}", name);
            prop_assert_eq!(change.is_some_and(|c| c.widened()), !expected.is_empty());
            let lost: BTreeSet<String> = change
                .map(|change| change.lost.iter().cloned().collect())
                .unwrap_or_default();
            prop_assert_eq!(lost, was.difference(&is).cloned().collect::<BTreeSet<_>>());
        }
    }
}
