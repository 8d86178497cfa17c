//! Why a key holds a permission: the grants of it (direct, or through a role) that match
//! the permission. `diff` names them for gained access; the access review for all of it.

use super::{KeyKind, Policy, Resolved};
use crate::eval::{Matching, grant_matches};
use crate::span::Span;

/// A grant that gives a key a permission.
#[derive(Clone, Debug)]
pub struct Via {
    /// The grant as written.
    pub grant: String,
    /// The role it comes through, if not direct.
    pub role: Option<String>,
    /// Where the grant is written.
    pub span: Span,
    /// Where the key holds the role, when it comes through one.
    pub held: Option<Span>,
}

/// The ways of matching a grant of a key of `kind` in `policy` with a permission: the
/// policy's (both under `strict`) for an API key, the root-key matching for a root key.
pub(crate) fn matchings_of(policy: &Policy, kind: KeyKind) -> &'static [Matching] {
    match kind {
        KeyKind::Api => policy.semantics.matchings(),
        KeyKind::Root => &[Matching::RootKey],
    }
}

/// The grants of the key at `index` of `resolved` that match `permission` in a way of
/// matching its decisions are made in (either of the two under `strict`; the root-key
/// matching for a root key's tuple).
pub fn provenance(resolved: &Resolved, index: usize, permission: &str) -> Vec<Via> {
    let policy = &resolved.policy;
    let key = &policy.keys[index];
    let matchings = matchings_of(policy, key.kind);
    resolved
        .grants(index)
        .iter()
        .filter(|grant| {
            matchings
                .iter()
                .any(|&matching| grant_matches(&grant.permission, permission, matching))
        })
        .map(|grant| {
            let role = grant.via.map(|role| &policy.roles[role].name.value);
            let held = role.and_then(|role| {
                let held = key.roles.iter().find(|held| held.value == *role);
                held.map(|held| held.span)
            });
            Via {
                grant: grant.permission.clone(),
                role: role.cloned(),
                span: grant.span,
                held,
            }
        })
        .collect()
}
