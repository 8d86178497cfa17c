//! Who can do what: every key's verdict on a set of probe permissions, decided by the
//! evaluator itself (roles, gates, forbid rules and semantics included). `diff` compares two
//! maps; mutation testing compares a policy with its mutants.

use super::{KeyKind, Policy, Resolved};
use crate::eval::Semantics;
use crate::query::Query;
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The permissions worth asking keys about: API keys about `api`, root keys about `root`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Probes {
    /// For API keys.
    pub api: BTreeSet<String>,
    /// For root keys: `type.id.action` tuples (URN grants are not probes).
    pub root: BTreeSet<String>,
}

impl Probes {
    /// Adds the probes of `policy`. With `catalog` (when a catalog exists on either side of a
    /// comparison), API keys are asked about the catalog entries, which are every permission
    /// the application checks; without, about every permission granted by name and every
    /// wildcard grant as written (a pattern, since it cannot be expanded). Root keys are
    /// asked about every root-key tuple granted.
    pub fn add(&mut self, policy: &Policy, catalog: bool) {
        let of_kind = |kind| {
            policy
                .keys
                .iter()
                .filter(move |key| key.kind == kind)
                .flat_map(|key| &key.permissions)
                .map(|permission| permission.value.clone())
        };
        // URN grants are asked about route by route (`diff`), not as permissions.
        self.root
            .extend(of_kind(KeyKind::Root).filter(|grant| !crate::eval::urn::is_urn(grant)));
        if catalog {
            let entries = policy.catalog.iter().flatten();
            self.api.extend(entries.map(|entry| entry.value.clone()));
        } else {
            let roles = policy.roles.iter().flat_map(|role| &role.permissions);
            self.api.extend(roles.map(|grant| grant.value.clone()));
            self.api.extend(of_kind(KeyKind::Api));
        }
    }
}

impl Probes {
    /// These probes as `policy` can be asked them: when it declares a catalog, a permission
    /// outside it does not exist for its application, and no key of it holds one.
    pub fn within_catalog_of(&self, policy: &Policy) -> Probes {
        let Some(catalog) = &policy.catalog else {
            return self.clone();
        };
        let entries: BTreeSet<&str> = catalog.iter().map(|entry| entry.value.as_str()).collect();
        Probes {
            api: (self.api.iter())
                .filter(|probe| entries.contains(probe.as_str()))
                .cloned()
                .collect(),
            root: self.root.clone(),
        }
    }
}

/// Probes, each with the one-permission query that asks it.
pub type ProbeQueries = Vec<(String, Query)>;

impl Probes {
    /// Each probe as a one-permission query, for API keys and for root keys.
    pub fn queries(&self) -> (ProbeQueries, ProbeQueries) {
        let queries = |probes: &BTreeSet<String>| -> ProbeQueries {
            let probes = probes.iter();
            probes
                .map(|probe| (probe.clone(), Query::permission(probe.clone())))
                .collect()
        };
        (queries(&self.api), queries(&self.root))
    }
}

/// One key's verdicts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyAccess {
    /// API key or root key.
    pub kind: KeyKind,
    /// The probes it is allowed (shared by the keys with the same grants and state).
    pub allowed: Arc<BTreeSet<String>>,
}

/// Every key's verdicts on the same probes, by key name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessMap {
    /// Keys by name.
    pub keys: BTreeMap<String, KeyAccess>,
}

impl AccessMap {
    /// Decides every probe for every key of `resolved`: once for each group of keys with the
    /// same grant set, kind and state, which decide every probe alike; the groups on every
    /// core.
    pub fn new(
        resolved: &Resolved,
        semantics: Semantics,
        now: Timestamp,
        probes: &Probes,
    ) -> AccessMap {
        let (api, root) = probes.queries();
        type Signature = (usize, KeyKind, bool, Option<Timestamp>);
        let policy = &resolved.policy;
        let signatures: Vec<Signature> = (policy.keys.iter().enumerate())
            .map(|(index, key)| {
                let expires = key.expires.as_ref().map(|at| at.value);
                (
                    resolved.grants(index).id(),
                    key.kind,
                    key.enabled.value,
                    expires,
                )
            })
            .collect();
        // The first key of each group stands for it.
        let mut group: HashMap<Signature, usize> = HashMap::new();
        let mut firsts = Vec::new();
        for (index, signature) in signatures.iter().enumerate() {
            group.entry(*signature).or_insert_with(|| {
                firsts.push(index);
                firsts.len() - 1
            });
        }
        let decided = crate::parallel::map_small(firsts, 16, |index| {
            let key = &policy.keys[index];
            let asked = match key.kind {
                KeyKind::Api => &api,
                KeyKind::Root => &root,
            };
            let allowed = asked.iter().filter(|(_, query)| {
                resolved
                    .verdict(&key.name.value, query, semantics, now)
                    .allowed()
            });
            Arc::new(
                allowed
                    .map(|(probe, _)| probe.clone())
                    .collect::<BTreeSet<String>>(),
            )
        });
        let keys = (policy.keys.iter().zip(&signatures))
            .map(|(key, signature)| {
                let access = KeyAccess {
                    kind: key.kind,
                    allowed: Arc::clone(&decided[group[signature]]),
                };
                (key.name.value.clone(), access)
            })
            .collect();
        AccessMap { keys }
    }
}
