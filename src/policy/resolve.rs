//! From a policy to decisions: each key's effective grants (direct and through roles, with
//! where each comes from), compiled once per way of matching, and the decision codes of
//! semantics.md §3 in their order.

use super::model::{KeyKind, Policy};
use crate::eval::{Access, Code, Decision, Matching, PatternSet, Semantics, decide};
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

/// A policy with every key's grants resolved, ready to decide queries.
#[derive(Debug)]
pub struct Resolved {
    /// The policy.
    pub policy: Arc<Policy>,
    grants: Vec<Vec<Grant>>,
    compiled: Vec<[OnceLock<Access>; 3]>,
    by_name: HashMap<String, usize>,
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
        let grants: Vec<Vec<Grant>> = policy
            .keys
            .iter()
            .map(|key| {
                let direct = key.permissions.iter().map(|permission| Grant {
                    permission: permission.value.clone(),
                    span: permission.span,
                    via: None,
                });
                let through_roles = key
                    .roles
                    .iter()
                    .filter_map(|role| role_index.get(role.value.as_str()).copied())
                    .flat_map(|index| {
                        policy.roles[index]
                            .permissions
                            .iter()
                            .map(move |permission| Grant {
                                permission: permission.value.clone(),
                                span: permission.span,
                                via: Some(index),
                            })
                    });
                direct.chain(through_roles).collect()
            })
            .collect();
        let by_name = policy
            .keys
            .iter()
            .enumerate()
            .map(|(index, key)| (key.name.value.clone(), index))
            .collect();
        Resolved {
            compiled: policy.keys.iter().map(|_| Default::default()).collect(),
            grants,
            by_name,
            policy,
        }
    }

    /// The index of the key named `name`.
    pub fn key_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The effective grants of key `key`, direct ones first, then role by role.
    pub fn grants(&self, key: usize) -> &[Grant] {
        &self.grants[key]
    }

    /// Key `key`'s grants and the policy's forbid rules, compiled for `matching` on first use.
    pub fn access(&self, key: usize, matching: Matching) -> &Access {
        self.compiled[key][matching_slot(matching)].get_or_init(|| Access {
            grants: PatternSet::new(
                self.grants[key].iter().map(|g| g.permission.clone()),
                matching,
            ),
            forbidden: PatternSet::new(
                self.policy
                    .forbid
                    .iter()
                    .map(|rule| rule.permission.value.clone()),
                matching,
            ),
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
        let gate = |code, key| KeyDecision {
            code,
            key,
            decision: None,
        };
        let Some(index) = self.key_index(key) else {
            return gate(Code::NotFound, None);
        };
        let declared = &self.policy.keys[index];
        if !self.policy.workspace_enabled {
            return gate(Code::WorkspaceDisabled, Some(index));
        }
        if !declared.enabled.value {
            return gate(Code::Disabled, Some(index));
        }
        if declared
            .expires
            .as_ref()
            .is_some_and(|expires| expires.value <= now)
        {
            return gate(Code::Expired, Some(index));
        }
        let matchings = match declared.kind {
            KeyKind::Api => semantics.matchings(),
            KeyKind::Root => &[Matching::RootKey],
        };
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
