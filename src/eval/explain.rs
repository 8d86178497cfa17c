//! Why a decision came out as it did: the grants that carried an allow, Unkey's wording of a
//! deny, and the smallest sets of permissions that would turn a deny into an allow.

use super::Grants;
use crate::query::Query;
use crate::span::Span;
use serde::Serialize;
use std::collections::BTreeSet;

/// At most this many smallest missing sets are reported.
pub const MAX_MISSING_SETS: usize = 8;

/// One required permission of a query, and what matched it.
#[derive(Clone, Debug)]
pub(super) struct LeafMatch {
    pub permission: String,
    pub span: Span,
    pub grant: Option<usize>,
    pub forbidden_by: Option<usize>,
}

/// A required permission that was satisfied, and by which grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SatisfiedLeaf {
    /// The permission as the query names it.
    pub permission: String,
    /// Where the query names it.
    #[serde(skip)]
    pub span: Span,
    /// The grant pattern that matched it.
    pub grant: String,
    /// The grant's index in the key's grant list.
    #[serde(skip)]
    pub grant_index: usize,
    /// The forbid rule pattern that prohibits it, if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forbidden_by: Option<String>,
    /// The forbid rule's index in the policy's list.
    #[serde(skip)]
    pub forbid_index: Option<usize>,
}

/// The explanation that comes with every decision.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// For an allow (or `FORBIDDEN`): the grant that satisfied each needed permission.
    pub satisfied_by: Vec<SatisfiedLeaf>,
    /// For a deny: the message Unkey's verifier gives.
    pub message: Option<String>,
    /// For a deny: the smallest sets of permissions whose grant would make the query pass
    /// (sorted, at most [`MAX_MISSING_SETS`]); empty when no grant can, because every way
    /// through the query needs a forbidden permission.
    pub missing: Vec<Vec<String>>,
}

impl SatisfiedLeaf {
    pub(super) fn new(leaf: &LeafMatch, grants: &Grants, forbids: &[String]) -> Self {
        let grant_index = leaf.grant.expect("a satisfied leaf has a grant");
        SatisfiedLeaf {
            permission: leaf.permission.clone(),
            span: leaf.span,
            grant: grants.pattern(grant_index).to_owned(),
            grant_index,
            forbidden_by: leaf.forbidden_by.map(|index| forbids[index].clone()),
            forbid_index: leaf.forbidden_by,
        }
    }
}

/// The message Unkey's verifier gives for a query the grants do not satisfy.
pub(super) fn unkey_message(query: &Query, leaves: &[LeafMatch]) -> String {
    let missing: Option<String> = fold_leaves(
        query,
        leaves,
        &mut |leaf| {
            leaf.grant
                .is_none()
                .then(|| format!("Missing permission: '{}'", leaf.permission))
        },
        &mut |node, messages: Vec<Option<String>>| match node {
            Query::And { .. } => messages.into_iter().flatten().next(),
            Query::Or { children, .. } if messages.iter().all(Option::is_some) => {
                let alternatives: Vec<String> =
                    children.iter().map(|child| format!("'{child}'")).collect();
                Some(format!(
                    "Missing one of these permissions: [{}]",
                    alternatives.join(", ")
                ))
            }
            _ => None,
        },
    );
    missing.unwrap_or_else(|| "Missing permission".to_owned())
}

type PermissionSet<'q> = BTreeSet<&'q str>;

/// The smallest sets of permissions that, granted, would make the query pass without any
/// forbidden permission.
pub(super) fn smallest_missing_sets(query: &Query, leaves: &[LeafMatch]) -> Vec<Vec<String>> {
    let sets = fold_leaves(
        query,
        leaves,
        &mut |leaf| -> Vec<PermissionSet<'_>> {
            match (leaf.grant, leaf.forbidden_by) {
                (_, Some(_)) => Vec::new(),
                (Some(_), None) => vec![PermissionSet::new()],
                (None, None) => vec![PermissionSet::from([leaf.permission.as_str()])],
            }
        },
        &mut |node, alternatives| match node {
            Query::And { .. } => {
                alternatives
                    .into_iter()
                    .fold(vec![PermissionSet::new()], |acc, child| {
                        let products = acc
                            .iter()
                            .flat_map(|left| child.iter().map(move |right| left | right))
                            .collect();
                        smallest(products)
                    })
            }
            _ => smallest(alternatives.into_iter().flatten().collect()),
        },
    );
    sets.into_iter()
        .map(|set| set.into_iter().map(str::to_owned).collect())
        .collect()
}

/// Drops supersets and duplicates; keeps the [`MAX_MISSING_SETS`] smallest.
fn smallest(mut sets: Vec<PermissionSet<'_>>) -> Vec<PermissionSet<'_>> {
    sets.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let mut kept: Vec<PermissionSet<'_>> = Vec::new();
    for set in sets {
        if !kept.iter().any(|smaller| smaller.is_subset(&set)) {
            kept.push(set);
            if kept.len() == MAX_MISSING_SETS {
                break;
            }
        }
    }
    kept
}

/// Walks `query` with its leaves in order, asking `holds` of each leaf.
pub(super) fn fold_leaves<'q, T>(
    query: &'q Query,
    leaves: &'q [LeafMatch],
    leaf: &mut impl FnMut(&'q LeafMatch) -> T,
    combine: &mut impl FnMut(&'q Query, Vec<T>) -> T,
) -> T {
    fn go<'q, T>(
        query: &'q Query,
        leaves: &mut std::slice::Iter<'q, LeafMatch>,
        leaf: &mut impl FnMut(&'q LeafMatch) -> T,
        combine: &mut impl FnMut(&'q Query, Vec<T>) -> T,
    ) -> T {
        match query {
            Query::Permission { .. } => leaf(leaves.next().expect("one match per leaf")),
            Query::And { children, .. } | Query::Or { children, .. } => {
                let values = children
                    .iter()
                    .map(|child| go(child, leaves, leaf, combine))
                    .collect();
                combine(query, values)
            }
        }
    }
    go(query, &mut leaves.iter(), leaf, combine)
}
