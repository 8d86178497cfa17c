//! Deciding a query against compiled grants and forbid rules, with the reason why.

use super::explain::{
    Explanation, LeafMatch, SatisfiedLeaf, fold_leaves, smallest_missing_sets, unkey_message,
};
use super::semantics::{Matching, Semantics};
use super::{Grants, PatternSet};
use crate::query::Query;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// The outcome codes of a decision, in the order they are checked.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Code {
    /// The case names a key the policy does not declare.
    NotFound,
    /// The policy's workspace is disabled.
    WorkspaceDisabled,
    /// The key has `enabled: false`.
    Disabled,
    /// The key's `expires` is at or before the suite's `now`.
    Expired,
    /// Satisfied only through a permission that a `forbid` rule prohibits.
    Forbidden,
    /// The query is not satisfied.
    InsufficientPermissions,
    /// The query is satisfied.
    Valid,
}

impl Code {
    /// The code as written in policy files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Code::NotFound => "NOT_FOUND",
            Code::WorkspaceDisabled => "WORKSPACE_DISABLED",
            Code::Disabled => "DISABLED",
            Code::Expired => "EXPIRED",
            Code::Forbidden => "FORBIDDEN",
            Code::InsufficientPermissions => "INSUFFICIENT_PERMISSIONS",
            Code::Valid => "VALID",
        }
    }

    /// The error Unkey's API answers with, as the path under
    /// `https://unkey.com/docs/errors/unkey/`, and its HTTP status; `None` for `VALID`.
    pub fn unkey_error(self) -> Option<(&'static str, u16)> {
        match self {
            Code::NotFound => Some(("authentication/key_not_found", 404)),
            Code::WorkspaceDisabled => Some(("authorization/workspace_disabled", 403)),
            Code::Disabled => Some(("authorization/key_disabled", 403)),
            Code::Expired | Code::Forbidden => Some(("authorization/forbidden", 403)),
            Code::InsufficientPermissions => Some(("authorization/insufficient_permissions", 403)),
            Code::Valid => None,
        }
    }

    /// Only `VALID` allows.
    pub fn allows(self) -> bool {
        self == Code::Valid
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A key's grants and the policy's forbid rules, compiled for one way of matching.
#[derive(Clone, Debug)]
pub struct Access {
    /// What the key holds.
    pub grants: Grants,
    /// What no key may use (one compiled set, shared by every key of a policy).
    pub forbidden: Arc<PatternSet>,
}

impl Access {
    /// Compiles `grants` and `forbidden` patterns for `matching`.
    pub fn new<G, F>(grants: G, forbidden: F, matching: Matching) -> Self
    where
        G: IntoIterator,
        G::Item: Into<String>,
        F: IntoIterator,
        F::Item: Into<String>,
    {
        Access {
            grants: Grants::new(grants, matching),
            forbidden: Arc::new(PatternSet::new(forbidden, matching)),
        }
    }
}

/// The decision of one query under one way of matching.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// How grants were matched.
    pub matching: Matching,
    /// `VALID`, `FORBIDDEN` or `INSUFFICIENT_PERMISSIONS`.
    pub code: Code,
    /// Why.
    pub explanation: Explanation,
}

impl Outcome {
    /// The explanation as text for people, each line starting with `indent` (names escaped).
    pub fn describe(&self, indent: &str) -> String {
        crate::printable::escaped_lines(&self.describe_with(indent, &|_| None))
    }

    /// The lines of [`Outcome::describe`], as written (escape each before printing it),
    /// naming the role each grant comes through: `role_of` gives the role of the grant at
    /// an index of the key's grants, if it comes through one.
    pub fn describe_with(
        &self,
        indent: &str,
        role_of: &dyn Fn(usize) -> Option<String>,
    ) -> Vec<String> {
        let outcome = self;
        let explanation = &outcome.explanation;
        let mut lines = Vec::new();
        if let Some(message) = &explanation.message {
            lines.push(format!("{indent}{message}"));
        }
        for leaf in &explanation.satisfied_by {
            let mut line = format!("{indent}{} granted by `{}`", leaf.permission, leaf.grant);
            if let Some(role) = role_of(leaf.grant_index) {
                line.push_str(&format!(" via role `{role}`"));
            }
            if let Some(rule) = &leaf.forbidden_by {
                line.push_str(&format!(", but forbidden by `{rule}`"));
            }
            lines.push(line);
        }
        if !outcome.code.allows() {
            match explanation.missing.as_slice() {
                [] => lines.push(format!(
                    "{indent}no grant can make this pass: every way through the query needs a forbidden permission"
                )),
                [only] => lines.push(format!("{indent}would be allowed with: {}", only.join(", "))),
                sets => {
                    lines.push(format!("{indent}would be allowed with any one of:"));
                    for set in sets {
                        lines.push(format!("{indent}  - {}", set.join(", ")));
                    }
                }
            }
        }
        lines
    }
}

/// Decides `query` for `access`, as docs/semantics.md §3 describes: the query is evaluated with
/// forbidden permissions counted as missing (`VALID` if it passes), then normally
/// (`FORBIDDEN` if it passes only then), else `INSUFFICIENT_PERMISSIONS`.
pub fn decide(query: &Query, access: &Access) -> Outcome {
    let leaves: Vec<LeafMatch> = query
        .permissions()
        .into_iter()
        .map(|(permission, span)| LeafMatch {
            permission: permission.to_owned(),
            span,
            grant: access.grants.find(permission),
            forbidden_by: access.forbidden.find(permission),
        })
        .collect();
    let usable = |leaf: &LeafMatch| leaf.grant.is_some() && leaf.forbidden_by.is_none();
    let granted = |leaf: &LeafMatch| leaf.grant.is_some();

    let code = if satisfied(query, &leaves, &usable) {
        Code::Valid
    } else if satisfied(query, &leaves, &granted) {
        Code::Forbidden
    } else {
        Code::InsufficientPermissions
    };

    let satisfied_by = |holds: &dyn Fn(&LeafMatch) -> bool| -> Vec<SatisfiedLeaf> {
        witness(query, &leaves, holds)
            .iter()
            .map(|leaf| SatisfiedLeaf::new(leaf, &access.grants, access.forbidden.patterns()))
            .collect()
    };
    let explanation = match code {
        Code::Valid => Explanation {
            satisfied_by: satisfied_by(&usable),
            ..Explanation::default()
        },
        Code::Forbidden => {
            let satisfied_by = satisfied_by(&granted);
            let prohibited: Vec<String> = satisfied_by
                .iter()
                .filter(|leaf| leaf.forbidden_by.is_some())
                .map(|leaf| format!("'{}'", leaf.permission))
                .collect();
            Explanation {
                message: Some(format!(
                    "Permission {} is prohibited by a forbid rule",
                    prohibited.join(", ")
                )),
                satisfied_by,
                missing: smallest_missing_sets(query, &leaves),
            }
        }
        _ => Explanation {
            message: Some(unkey_message(query, &leaves)),
            missing: smallest_missing_sets(query, &leaves),
            ..Explanation::default()
        },
    };
    Outcome {
        matching: access.grants.matching(),
        code,
        explanation,
    }
}

/// The code [`decide`] gives, without the explanation and without allocating: what a test
/// needs to check its expectation. [`decide`] explains the decisions that fail.
pub fn decide_code(query: &Query, access: &Access) -> Code {
    let forbidden =
        |permission: &str| !access.forbidden.is_empty() && access.forbidden.contains(permission);
    if holds(query, &|permission| {
        access.grants.contains(permission) && !forbidden(permission)
    }) {
        Code::Valid
    } else if !access.forbidden.is_empty()
        && holds(query, &|permission| access.grants.contains(permission))
    {
        Code::Forbidden
    } else {
        Code::InsufficientPermissions
    }
}

/// Whether `query` passes when exactly the permissions `granted` accepts are held.
fn holds(query: &Query, granted: &impl Fn(&str) -> bool) -> bool {
    match query {
        Query::Permission { name, .. } => granted(name),
        Query::And { children, .. } => children.iter().all(|child| holds(child, granted)),
        Query::Or { children, .. } => children.iter().any(|child| holds(child, granted)),
    }
}

fn satisfied(query: &Query, leaves: &[LeafMatch], holds: &dyn Fn(&LeafMatch) -> bool) -> bool {
    fold_leaves(
        query,
        leaves,
        &mut |leaf| holds(leaf),
        &mut |node, values| match node {
            Query::And { .. } => values.iter().all(|&value| value),
            _ => values.iter().any(|&value| value),
        },
    )
}

/// The leaves that carry an allow: all operands of an AND, the first passing one of an OR.
fn witness<'q>(
    query: &'q Query,
    leaves: &'q [LeafMatch],
    holds: &dyn Fn(&LeafMatch) -> bool,
) -> Vec<&'q LeafMatch> {
    let (_, leaves) = fold_leaves(
        query,
        leaves,
        &mut |leaf| (holds(leaf), vec![leaf]),
        &mut |node, values: Vec<(bool, Vec<&'q LeafMatch>)>| match node {
            Query::And { .. } => (
                values.iter().all(|(passes, _)| *passes),
                values.into_iter().flat_map(|(_, leaves)| leaves).collect(),
            ),
            _ => values
                .into_iter()
                .find(|(passes, _)| *passes)
                .unwrap_or((false, Vec::new())),
        },
    );
    leaves
}

/// The decision of one query under a policy's [`Semantics`].
///
/// In `strict` mode both ways of matching are decided; the decision allows only if both do.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    /// The mode the decision was made in.
    pub semantics: Semantics,
    /// One outcome per way of matching (two in `strict` mode).
    pub outcomes: Vec<Outcome>,
}

impl Decision {
    /// Decides `query` once per way of matching that `semantics` needs; `access` compiles the
    /// grants and forbid rules for a given way.
    pub fn new(query: &Query, semantics: Semantics, access: impl Fn(Matching) -> Access) -> Self {
        Decision::with_matchings(semantics, semantics.matchings(), |matching| {
            decide(query, &access(matching))
        })
    }

    /// A decision made of one outcome per way of matching; `decide` makes each outcome.
    pub fn with_matchings(
        semantics: Semantics,
        matchings: &[Matching],
        decide: impl Fn(Matching) -> Outcome,
    ) -> Self {
        Decision {
            semantics,
            outcomes: matchings.iter().map(|&matching| decide(matching)).collect(),
        }
    }

    /// The outcome that speaks for the decision: the first that denies, if any does.
    pub fn primary(&self) -> &Outcome {
        self.outcomes
            .iter()
            .find(|outcome| !outcome.code.allows())
            .unwrap_or(&self.outcomes[0])
    }

    /// The code of the primary outcome.
    pub fn code(&self) -> Code {
        self.primary().code
    }

    /// True only if every way of matching allows.
    pub fn allowed(&self) -> bool {
        self.outcomes.iter().all(|outcome| outcome.code.allows())
    }

    /// True in `strict` mode when the ways of matching disagree.
    pub fn diverges(&self) -> bool {
        self.outcomes
            .windows(2)
            .any(|pair| pair[0].code != pair[1].code)
    }
}
