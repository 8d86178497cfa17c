//! What a suite exercises: per policy, the keys its cases use, the grants that decide an
//! allowed case (and the roles they come through; for a root key, the grants that pass a
//! route's or URN check), and the catalog permissions its queries ask about; with the items
//! never exercised and a percentage.

use super::LoadedFile;
use crate::policy::{KeyKind, Policy, Source};
use crate::query::{self, Query};
use crate::span::Span;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// One kind of item and how much of it the cases exercise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// `keys`, `roles`, `grants` or `catalog`.
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
}

/// The coverage of every policy the loaded files test, in the order first met.
pub fn coverage(files: &[Arc<LoadedFile>]) -> Vec<PolicyCoverage> {
    let mut touched: BTreeMap<PathBuf, (Arc<Policy>, Touched)> = BTreeMap::new();
    let mut order = Vec::new();
    for loaded in files {
        let policy = &loaded.file.policy;
        let path = policy.source.path().to_owned();
        if !touched.contains_key(&path) {
            order.push(path.clone());
        }
        let (_, seen) = touched
            .entry(path)
            .or_insert_with(|| (Arc::clone(policy), Touched::default()));
        let cases = loaded.file.cases.iter().map(|case| {
            let index = loaded.resolved.key_index(&case.key.value);
            (&case.query.text, index.into_iter().collect::<Vec<_>>())
        });
        let everyone: Vec<usize> = (0..policy.keys.len()).collect();
        let access = loaded
            .file
            .access
            .iter()
            .map(|assertion| (&assertion.query.text, everyone.clone()));
        for (text, keys) in cases.chain(access) {
            let Ok(parsed) = query::parse(text) else {
                continue;
            };
            touch(loaded, &parsed, &keys, seen);
        }
        let root_cases = loaded
            .file
            .root_cases
            .iter()
            .map(|case| (&case.check, Some(&case.key.value)));
        let route_access = loaded
            .file
            .route_access
            .iter()
            .map(|assertion| (&assertion.check, None));
        for (check, only) in root_cases.chain(route_access) {
            let keys = policy.keys.iter().enumerate().filter(|(_, key)| {
                key.kind == KeyKind::Root && only.is_none_or(|name| *name == key.name.value)
            });
            for (index, key) in keys {
                seen.keys.insert(index);
                let used = super::root::grants_used(key, check, loaded.now);
                seen.grants.extend(used.into_iter().map(|grant| grant.span));
            }
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
    let catalog = policy.catalog.iter().flatten().map(|entry| {
        let name = format!("`{}`", entry.value);
        (seen.asked.contains(&entry.value), name, entry.span)
    });
    vec![
        category("keys", keys),
        category("roles", roles),
        category("grants", role_grants.chain(key_grants)),
        category("catalog", catalog),
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
