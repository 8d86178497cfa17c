//! W009 effectively-global: a key or role that covers the whole catalog without `*`.

use crate::eval::{Matching, PatternSet, Semantics};
use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, Level, Owner, RuleId};
use std::collections::{HashMap, HashSet};

/// The documentation of W009.
pub(crate) static DOC: Doc = Doc {
    summary: "a key or role whose grants cover the whole catalog without a bare `*`",
    what: "With a catalog, finds roles and keys whose effective grants let them exercise every \
catalog permission (granted, and not forbidden) although none of them is `*`, where a wildcard \
such as `documents.*` reaches at least one of them. Listing every permission by name is \
explicit, and is not reported.",
    why: "An admin in disguise: the key can do everything the application checks, but the \
policy does not say so, and reviews looking for `*` miss it.",
    example: r#"permissions: [documents.read, documents.write, users.view]
keys:
  bot:
    permissions: ["documents.*", "users.*"]       # W009

# Fix: grant less, or make it explicit and reviewed
keys:
  bot:
    permissions: ["*"]
    lint: {allow: [global-wildcard], reason: "migration bot, removed after the cut-over"}"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let Some(catalog) = cx.catalog() else { return };
    if catalog.len() < 2 {
        return;
    }
    let policy = cx.policy();
    let forbid = policy
        .forbid
        .iter()
        .map(|rule| rule.permission.value.as_str());
    let forbidden = PatternSet::new(forbid, Matching::Wildcard);
    let covers = |grants: &[&str]| -> bool {
        if grants.contains(&"*") {
            return false;
        }
        let named: HashSet<&str> = grants.iter().copied().collect();
        let set = PatternSet::new(grants.iter().copied(), Matching::Wildcard);
        let mut through_wildcard = false;
        for permission in catalog.iter().map(|entry| entry.value.as_str()) {
            if !set.contains(permission) || forbidden.contains(permission) {
                return false;
            }
            through_wildcard |= !named.contains(permission);
        }
        through_wildcard
    };
    let mut role_covers = Vec::with_capacity(policy.roles.len());
    for (index, role) in policy.roles.iter().enumerate() {
        let grants: Vec<&str> = role.permissions.iter().map(|p| p.value.as_str()).collect();
        let covered = covers(&grants);
        if covered {
            out.push(finding(
                cx,
                Owner::Role(index),
                role.name.span,
                catalog.len(),
            ));
        }
        role_covers.push(covered);
    }
    // Keys sharing their grants (holders of the same roles) are decided once.
    let mut decided: HashMap<usize, bool> = HashMap::new();
    for (index, key) in policy.keys.iter().enumerate() {
        let role_already_covers = key.roles.iter().any(|held| {
            let role = policy
                .roles
                .iter()
                .position(|role| role.name.value == held.value);
            role.is_some_and(|role| role_covers[role])
        });
        if role_already_covers {
            continue;
        }
        let grants = cx.resolved.grants(index);
        let covered = *decided.entry(grants.id()).or_insert_with(|| {
            covers(
                &grants
                    .iter()
                    .map(|g| g.permission.as_str())
                    .collect::<Vec<_>>(),
            )
        });
        if covered {
            out.push(finding(cx, Owner::Key(index), key.name.span, catalog.len()));
        }
    }
}

fn finding(cx: &LintContext<'_>, owner: Owner, span: crate::span::Span, size: usize) -> Finding {
    let help = "grant less; or, if it really needs everything, grant `*` with a reviewed suppression";
    let finding = if cx.semantics() == Semantics::Literal {
        // Under Unkey's engine a wildcard grants its literal name only: nothing is reached.
        Finding::new(
            RuleId::W009.rule(),
            cx.policy_source(),
            span,
            format!(
                "{} would exercise all {size} catalog permissions without holding `*` under \
                 Unkey's docs' reading of its wildcards; under `semantics: literal` (Unkey's \
                 engine) they grant only their literal names: inert today",
                cx.owner_name(owner)
            ),
            "an admin in disguise, under the docs' reading",
            help,
        )
        .at_most(Level::Warning)
    } else {
        Finding::new(
            RuleId::W009.rule(),
            cx.policy_source(),
            span,
            format!(
                "{} can exercise all {size} catalog permissions without holding `*`",
                cx.owner_name(owner)
            ),
            "an admin in disguise",
            help,
        )
    };
    finding.owned_by(owner)
}
