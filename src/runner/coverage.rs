//! What a suite exercises: per policy, the keys its cases use, the grants that decide an
//! allowed case (and the roles they come through; for a root key, the grants that pass a
//! route's or URN check), and the catalog permissions its queries ask about; with the items
//! never exercised and a percentage.

use super::{Checked, LoadedFile, Test};
use crate::eval::routes;
use crate::policy::{Expect, Expectation, KeyKind, Policy, RootCheck, Source, Subject};
use crate::query::{self, Query};
use crate::span::Span;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// One kind of item and how much of it the cases exercise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// `keys`, `roles`, `grants`, `catalog`, or `uses` (a root key's `uses:` entries with
    /// an allowed route case).
    pub name: &'static str,
    /// How many items there are.
    pub total: usize,
    /// The items never exercised: a description and the node.
    pub never: Vec<(String, Span)>,
}

impl Category {
    /// How many items are exercised.
    pub fn exercised(&self) -> usize {
        self.total - self.never.len()
    }
}

/// The coverage of one policy, by every file of cases that tests it.
#[derive(Clone, Debug)]
pub struct PolicyCoverage {
    /// The policy's file.
    pub source: Source,
    /// Keys, roles, grants and catalog permissions.
    pub categories: Vec<Category>,
}

impl PolicyCoverage {
    /// Exercised items over all items, in percent (100 when there is nothing to exercise).
    pub fn percent(&self) -> f64 {
        percent(&self.categories)
    }
}

/// Exercised items over all items of `categories`, in percent.
pub fn percent<'a>(categories: impl IntoIterator<Item = &'a Category>) -> f64 {
    let (exercised, total) = categories
        .into_iter()
        .fold((0, 0), |(exercised, total), category| {
            (exercised + category.exercised(), total + category.total)
        });
    if total == 0 {
        100.0
    } else {
        100.0 * exercised as f64 / total as f64
    }
}

/// What the cases touched in one policy.
#[derive(Default)]
struct Touched {
    keys: HashSet<usize>,
    grants: HashSet<Span>,
    roles: HashSet<usize>,
    asked: HashSet<String>,
    uses: HashSet<Span>,
}

/// The coverage of every policy the loaded files test, in the order first met, by the tests
/// that ran and passed: a case that was ignored, filtered out or failed exercises nothing.
pub fn coverage(files: &[Arc<LoadedFile>], passed: &[Test]) -> Vec<PolicyCoverage> {
    let mut touched: BTreeMap<PathBuf, (Arc<Policy>, Touched)> = BTreeMap::new();
    let mut order = Vec::new();
    for loaded in files {
        let policy = &loaded.file.policy;
        let path = policy.source.path().to_owned();
        if let std::collections::btree_map::Entry::Vacant(entry) = touched.entry(path) {
            order.push(entry.key().clone());
            entry.insert((Arc::clone(policy), Touched::default()));
        }
    }
    for test in passed {
        let Some((loaded, checked)) = test.checked() else {
            continue;
        };
        let policy = &loaded.file.policy;
        let Some((_, seen)) = touched.get_mut(policy.source.path()) else {
            continue;
        };
        let (check, subject) = match checked {
            Checked::Check(check) => (Some(check), &check.subject),
            Checked::Assertion(assertion) => (None, &assertion.subject),
        };
        match (subject, subject.root()) {
            (Subject::Query(query), _) => {
                let keys: Vec<usize> = match check {
                    Some(check) => loaded
                        .resolved
                        .key_index(&check.key.value)
                        .into_iter()
                        .collect(),
                    None => (0..policy.keys.len()).collect(),
                };
                if let Ok(parsed) = query::parse(&query.text) {
                    touch(loaded, &parsed, &keys, seen);
                }
            }
            (_, Some(root)) => {
                touch_root(loaded, root, check.map(|check| &*check.key.value), seen);
                if let Some(check) = check
                    && check.expect.value == Expectation::Same(Expect::Allow)
                {
                    touch_uses(policy, &check.key.value, root, seen);
                }
            }
            (_, None) => {}
        }
    }
    order
        .iter()
        .map(|path| {
            let (policy, seen) = &touched[path];
            PolicyCoverage {
                source: policy.source.clone(),
                categories: categories(policy, seen),
            }
        })
        .collect()
}

/// Marks the root keys a route or URN check decides (`only` that key, or every root key) and
/// the grants that pass it.
fn touch_root(loaded: &LoadedFile, check: RootCheck<'_>, only: Option<&str>, seen: &mut Touched) {
    let policy = &loaded.file.policy;
    let keys = policy.keys.iter().enumerate().filter(|(_, key)| {
        key.kind == KeyKind::Root && only.is_none_or(|name| name == key.name.value)
    });
    for (index, key) in keys {
        seen.keys.insert(index);
        let used = crate::policy::grants_used(&loaded.file.policy, key, check, loaded.now);
        seen.grants.extend(used.into_iter().map(|grant| grant.span));
    }
}

/// Marks the `uses:` entries of the root key `key` that an allowed route case asks.
fn touch_uses(policy: &Policy, key: &str, check: RootCheck<'_>, seen: &mut Touched) {
    let RootCheck::Route(call) = check else {
        return;
    };
    let request = &call.request;
    let (Some(key), Ok(route)) = (policy.key(key), routes::table().get(&call.route.value)) else {
        return;
    };
    let asked = key
        .uses
        .iter()
        .filter(|call| call.value.asks(route, request));
    seen.uses.extend(asked.map(|call| call.span));
}

fn touch(loaded: &LoadedFile, parsed: &Query, keys: &[usize], seen: &mut Touched) {
    seen.asked.extend(
        parsed
            .permissions()
            .into_iter()
            .map(|(name, _)| name.to_owned()),
    );
    let resolved = &loaded.resolved;
    for &key in keys {
        seen.keys.insert(key);
        let name = &resolved.policy.keys[key].name.value;
        let decision = resolved.decide(name, parsed, loaded.semantics, loaded.now);
        let outcomes = decision
            .decision
            .iter()
            .flat_map(|decided| &decided.outcomes);
        for outcome in outcomes.filter(|outcome| outcome.code.allows()) {
            for leaf in &outcome.explanation.satisfied_by {
                let grant = &resolved.grants(key)[leaf.grant_index];
                seen.grants.insert(grant.span);
                seen.roles.extend(grant.via);
            }
        }
    }
}

fn categories(policy: &Policy, seen: &Touched) -> Vec<Category> {
    let keys = policy.keys.iter().enumerate().map(|(index, key)| {
        let name = format!("key `{}`", key.name.value);
        (seen.keys.contains(&index), name, key.name.span)
    });
    let roles = policy.roles.iter().enumerate().map(|(index, role)| {
        let name = format!("role `{}`", role.name.value);
        (seen.roles.contains(&index), name, role.name.span)
    });
    let role_grants = policy.roles.iter().flat_map(|role| {
        role.permissions.iter().map(move |grant| {
            let name = format!("`{}` of role `{}`", grant.value, role.name.value);
            (seen.grants.contains(&grant.span), name, grant.span)
        })
    });
    let key_grants = policy.keys.iter().flat_map(|key| {
        key.permissions.iter().map(move |grant| {
            let name = format!("`{}` of key `{}`", grant.value, key.name.value);
            (seen.grants.contains(&grant.span), name, grant.span)
        })
    });
    let uses = policy.keys.iter().flat_map(|key| {
        key.uses.iter().map(move |call| {
            let name = format!(
                "`{}` in the `uses:` of key `{}`",
                call.value, key.name.value
            );
            (seen.uses.contains(&call.span), name, call.span)
        })
    });
    let catalog = policy.catalog.iter().flatten().map(|entry| {
        let name = format!("`{}`", entry.value);
        (seen.asked.contains(&entry.value), name, entry.span)
    });
    vec![
        category("keys", keys),
        category("roles", roles),
        category("grants", role_grants.chain(key_grants)),
        category("catalog", catalog),
        category("uses", uses),
    ]
}

fn category(name: &'static str, items: impl Iterator<Item = (bool, String, Span)>) -> Category {
    let mut total = 0;
    let mut never = Vec::new();
    for (exercised, description, span) in items {
        total += 1;
        if !exercised {
            never.push((description, span));
        }
    }
    Category { name, total, never }
}
