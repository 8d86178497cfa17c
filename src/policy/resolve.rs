//! From a policy to decisions: each key's effective grants (direct and through roles, with
//! where each comes from), compiled once per way of matching, and the decision codes of
//! docs/semantics.md §3 in their order.

use super::model::{KeyKind, Policy, Spanned};
use crate::eval::{
    Access, Code, Decision, Grants, Matching, PatternSet, Semantics, decide, decide_code,
};
use crate::query::Query;
use crate::span::Span;
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// One effective grant of a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The permission pattern.
    pub permission: String,
    /// Where it is written: in the key's own `permissions`, or in the role's.
    pub span: Span,
    /// The role it comes through (index into [`Policy::roles`]), or `None` if direct.
    pub via: Option<usize>,
}

/// A policy with every key's grants resolved, ready to decide queries. Each role's grants
/// are compiled once and shared by every key that holds the role, and keys whose grants come
/// from the same roles alone share one resolved set: ten thousand holders of a
/// thousand-grant role cost one compiled copy of its grants, not ten thousand.
#[derive(Debug)]
pub struct Resolved {
    /// The policy.
    pub policy: Arc<Policy>,
    /// Each key's grant set (an index into `sets`).
    set_of_key: Vec<usize>,
    sets: Vec<GrantSet>,
    /// The grants compiled as a unit: each role's (at the role's index), then the own
    /// permissions of each key that has some.
    parts: Vec<Part>,
    /// The forbid rules, compiled once per way of matching.
    forbidden: [OnceLock<Arc<PatternSet>>; 3],
    by_name: rustc_hash::FxHashMap<String, usize>,
}

/// Resolves each policy once, however many files of a run test it.
#[derive(Debug, Default)]
pub struct SharedResolution {
    /// By the policy's address (the `Resolved` holds the policy, so it stays unique).
    resolved: HashMap<usize, Arc<Resolved>>,
}

impl SharedResolution {
    /// `policy` resolved, the first time it is asked for.
    pub fn of(&mut self, policy: &Arc<Policy>) -> Arc<Resolved> {
        let address = Arc::as_ptr(policy) as usize;
        Arc::clone(
            self.resolved
                .entry(address)
                .or_insert_with(|| Arc::new(Resolved::new(Arc::clone(policy)))),
        )
    }
}

impl std::ops::Index<usize> for GrantList<'_> {
    type Output = Grant;

    fn index(&self, index: usize) -> &Grant {
        self.get(index)
            .unwrap_or_else(|| panic!("grant {index} of a key with {}", self.len()))
    }
}

/// The effective grants of one or more keys: their parts, in order, compiled together once
/// per way of matching on first use.
#[derive(Debug)]
struct GrantSet {
    parts: Vec<usize>,
    compiled: [OnceLock<Access>; 3],
}

/// Grants that belong together (a role's, or a key's own), compiled once per way of
/// matching on first use.
#[derive(Debug)]
struct Part {
    grants: Vec<Grant>,
    compiled: [OnceLock<Arc<PatternSet>>; 3],
}

/// The effective grants of a key, with where each comes from: its own, then role by role.
/// Keys that share their grants (the holders of the same roles and nothing else) share one
/// list, with one [`GrantList::id`].
#[derive(Clone, Copy, Debug)]
pub struct GrantList<'a> {
    resolved: &'a Resolved,
    set: usize,
}

impl<'a> GrantList<'a> {
    /// The same for two keys of a policy exactly when they share this list.
    pub fn id(&self) -> usize {
        self.set
    }

    /// How many grants.
    pub fn len(&self) -> usize {
        self.parts().map(|(_, grants)| grants.len()).sum()
    }

    /// True if the key has no grant.
    pub fn is_empty(&self) -> bool {
        self.parts().all(|(_, grants)| grants.is_empty())
    }

    /// The grants, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a Grant> + 'a {
        self.parts().flat_map(|(_, grants)| grants)
    }

    /// The grant at `index` (as [`crate::eval::SatisfiedLeaf::grant_index`] counts).
    pub fn get(&self, mut index: usize) -> Option<&'a Grant> {
        for (_, grants) in self.parts() {
            match grants.get(index) {
                Some(grant) => return Some(grant),
                None => index -= grants.len(),
            }
        }
        None
    }

    /// The grants by part (the key's own, then each role's), each with an id that is the
    /// same wherever the part is shared: all the holders of a role see one part.
    pub fn parts(&self) -> impl Iterator<Item = (usize, &'a [Grant])> + 'a {
        let resolved = self.resolved;
        resolved.sets[self.set]
            .parts
            .iter()
            .map(move |&part| (part, resolved.parts[part].grants.as_slice()))
    }
}

/// How a key fared with a query.
#[derive(Clone, Debug)]
pub struct KeyDecision {
    /// The code: a gate (NOT_FOUND, WORKSPACE_DISABLED, DISABLED, EXPIRED) or the evaluation's.
    pub code: Code,
    /// The key (index into [`Policy::keys`]), if declared.
    pub key: Option<usize>,
    /// The evaluation, when no gate stopped the request first.
    pub decision: Option<Decision>,
}

impl KeyDecision {
    /// True only for VALID (in every way of matching, in strict mode).
    pub fn allowed(&self) -> bool {
        self.code.allows() && self.decision.as_ref().is_none_or(Decision::allowed)
    }
}

impl KeyDecision {
    /// The codes alone, as [`Resolved::verdict`] would give them.
    pub fn verdict(&self, semantics: Semantics) -> Verdict {
        match &self.decision {
            Some(decision) => Verdict::new(
                decision
                    .outcomes
                    .iter()
                    .map(|outcome| (outcome.matching, outcome.code)),
            ),
            None => Verdict::gated(self.code, semantics),
        }
    }
}

/// How a key fared with a query, codes only: one code per way of matching the decision
/// needed (two in `strict` mode), or the gate's code for each way the semantics names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    codes: [(Matching, Code); 2],
    len: usize,
}

impl Verdict {
    fn new(codes: impl IntoIterator<Item = (Matching, Code)>) -> Self {
        let mut verdict = Verdict {
            codes: [(Matching::Wildcard, Code::NotFound); 2],
            len: 0,
        };
        for pair in codes {
            verdict.codes[verdict.len] = pair;
            verdict.len += 1;
        }
        verdict
    }

    fn gated(code: Code, semantics: Semantics) -> Self {
        Verdict::new(
            semantics
                .matchings()
                .iter()
                .map(|&matching| (matching, code)),
        )
    }

    /// The code of each way of matching.
    pub fn codes(&self) -> &[(Matching, Code)] {
        &self.codes[..self.len]
    }

    /// The code that speaks for the verdict: the first that denies, if any does.
    pub fn code(&self) -> Code {
        let codes = self.codes();
        codes
            .iter()
            .find(|(_, code)| !code.allows())
            .unwrap_or(&codes[0])
            .1
    }

    /// True only if every way of matching allows.
    pub fn allowed(&self) -> bool {
        self.codes().iter().all(|(_, code)| code.allows())
    }
}

/// What the gates made of a request.
enum Screening {
    /// A gate stopped it with `code`; `key` is the key's index, if declared.
    Stopped { code: Code, key: Option<usize> },
    /// Evaluate the query for key `key` in each of `matchings`.
    Evaluate {
        key: usize,
        matchings: &'static [Matching],
    },
}

impl GrantSet {
    fn new(parts: Vec<usize>) -> Self {
        GrantSet {
            parts,
            compiled: Default::default(),
        }
    }
}

fn matching_slot(matching: Matching) -> usize {
    match matching {
        Matching::Wildcard => 0,
        Matching::Literal => 1,
        Matching::RootKey => 2,
    }
}

impl Resolved {
    /// Resolves every key's grants. Roles must exist (the loader checks).
    pub fn new(policy: Arc<Policy>) -> Self {
        let role_index: HashMap<&str, usize> = policy
            .roles
            .iter()
            .enumerate()
            .map(|(index, role)| (role.name.value.as_str(), index))
            .collect();
        let grants_of = |permissions: &[Spanned<String>], via: Option<usize>| Part {
            grants: permissions
                .iter()
                .map(|permission| Grant {
                    permission: permission.value.clone(),
                    span: permission.span,
                    via,
                })
                .collect(),
            compiled: Default::default(),
        };
        let mut parts: Vec<Part> = (policy.roles.iter().enumerate())
            .map(|(index, role)| grants_of(&role.permissions, Some(index)))
            .collect();
        let mut sets: Vec<GrantSet> = Vec::new();
        let mut by_roles: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut set_of_key = Vec::with_capacity(policy.keys.len());
        for key in &policy.keys {
            let roles: Vec<usize> = key
                .roles
                .iter()
                .filter_map(|role| role_index.get(role.value.as_str()).copied())
                .collect();
            let set = if key.permissions.is_empty() {
                *by_roles.entry(roles).or_insert_with_key(|roles| {
                    sets.push(GrantSet::new(roles.clone()));
                    sets.len() - 1
                })
            } else {
                parts.push(grants_of(&key.permissions, None));
                let own = parts.len() - 1;
                sets.push(GrantSet::new(std::iter::once(own).chain(roles).collect()));
                sets.len() - 1
            };
            set_of_key.push(set);
        }
        let by_name = policy
            .keys
            .iter()
            .enumerate()
            .map(|(index, key)| (key.name.value.clone(), index))
            .collect();
        Resolved {
            set_of_key,
            sets,
            parts,
            forbidden: Default::default(),
            by_name,
            policy,
        }
    }

    /// The index of the key named `name`.
    pub fn key_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The effective grants of key `key`, direct ones first, then role by role.
    pub fn grants(&self, key: usize) -> GrantList<'_> {
        GrantList {
            resolved: self,
            set: self.set_of_key[key],
        }
    }

    /// The role through which key `key` holds its grant at index `grant`, if any.
    pub fn role_of(&self, key: usize, grant: usize) -> Option<&str> {
        let role = self.grants(key).get(grant)?.via?;
        Some(&self.policy.roles[role].name.value)
    }

    /// Key `key`'s grants and the policy's forbid rules, compiled for `matching` on first use
    /// (once for all keys that share the grants).
    pub fn access(&self, key: usize, matching: Matching) -> &Access {
        let set = &self.sets[self.set_of_key[key]];
        let slot = matching_slot(matching);
        set.compiled[slot].get_or_init(|| {
            let parts = set.parts.iter().map(|&part| {
                let part = &self.parts[part];
                Arc::clone(part.compiled[slot].get_or_init(|| {
                    let patterns = part.grants.iter().map(|g| g.permission.as_str());
                    Arc::new(PatternSet::new(patterns, matching))
                }))
            });
            let forbidden = self.forbidden[slot].get_or_init(|| {
                let patterns = self
                    .policy
                    .forbid
                    .iter()
                    .map(|rule| rule.permission.value.as_str());
                Arc::new(PatternSet::new(patterns, matching))
            });
            Access {
                grants: Grants::from_parts(matching, parts),
                forbidden: Arc::clone(forbidden),
            }
        })
    }

    /// Decides `query` for the key named `key`, as Unkey's verifier would at time `now`.
    pub fn decide(
        &self,
        key: &str,
        query: &Query,
        semantics: Semantics,
        now: Timestamp,
    ) -> KeyDecision {
        match self.screen(key, semantics, now) {
            Screening::Stopped { code, key } => KeyDecision {
                code,
                key,
                decision: None,
            },
            Screening::Evaluate {
                key: index,
                matchings,
            } => {
                let decision = Decision::with_matchings(semantics, matchings, |matching| {
                    decide(query, self.access(index, matching))
                });
                KeyDecision {
                    code: decision.code(),
                    key: Some(index),
                    decision: Some(decision),
                }
            }
        }
    }

    /// The codes [`Resolved::decide`] gives, without explanations: the fast path for
    /// checking an expectation.
    pub fn verdict(
        &self,
        key: &str,
        query: &Query,
        semantics: Semantics,
        now: Timestamp,
    ) -> Verdict {
        match self.screen(key, semantics, now) {
            Screening::Stopped { code, .. } => Verdict::gated(code, semantics),
            Screening::Evaluate {
                key: index,
                matchings,
            } => Verdict::new(
                matchings
                    .iter()
                    .map(|&matching| (matching, decide_code(query, self.access(index, matching)))),
            ),
        }
    }

    /// The gates of docs/semantics.md §3, in their order.
    fn screen(&self, key: &str, semantics: Semantics, now: Timestamp) -> Screening {
        let stopped = |code, key| Screening::Stopped { code, key };
        let Some(index) = self.key_index(key) else {
            return stopped(Code::NotFound, None);
        };
        let declared = &self.policy.keys[index];
        if !self.policy.workspace_enabled {
            return stopped(Code::WorkspaceDisabled, Some(index));
        }
        if !declared.enabled.value {
            return stopped(Code::Disabled, Some(index));
        }
        if declared
            .expires
            .as_ref()
            .is_some_and(|expires| expires.value <= now)
        {
            return stopped(Code::Expired, Some(index));
        }
        let matchings = match declared.kind {
            KeyKind::Api => semantics.matchings(),
            KeyKind::Root => &[Matching::RootKey],
        };
        Screening::Evaluate {
            key: index,
            matchings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Loader;

    #[test]
    fn holders_of_the_same_roles_share_one_grant_set() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("p.yaml");
        let text = "version: 1\nroles:\n  r: {permissions: [a.read, b.read]}\n\
                    keys:\n  k1: {roles: [r]}\n  k2: {roles: [r]}\n  \
                    k3: {roles: [r], permissions: [c.read]}\n";
        std::fs::write(&path, text).unwrap();
        let file = Loader::default().load(&path).unwrap();
        let resolved = Resolved::new(Arc::clone(&file.policy));
        assert_eq!(resolved.grants(0).id(), resolved.grants(1).id());
        assert!(std::ptr::eq(
            resolved.access(0, Matching::Wildcard),
            resolved.access(1, Matching::Wildcard)
        ));
        let own: Vec<&str> = resolved
            .grants(2)
            .iter()
            .map(|g| g.permission.as_str())
            .collect();
        assert_eq!(own, ["c.read", "a.read", "b.read"]);
        assert_eq!(resolved.grants(2)[2].via, Some(0));
        assert_eq!(resolved.sets.len(), 2);
        // The role is compiled once, for the key with grants of its own as for the others.
        let role_part = |key| {
            let access = resolved.access(key, Matching::Wildcard);
            assert_eq!(access.grants.find("b.read"), Some(access.grants.len() - 1));
            Arc::as_ptr(&resolved.parts[0].compiled[0].get().cloned().unwrap())
        };
        assert_eq!(role_part(0), role_part(2));
        assert_eq!(resolved.parts.len(), 2);
    }
}
