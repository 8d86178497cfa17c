//! W009 effectively-global: a key or role that covers the whole catalog without `*`.

use crate::eval::{Matching, grant_matches};
use crate::lint::context::LintContext;
use crate::lint::{Finding, Level, Owner, Rule};

/// W009.
pub static RULE: Rule = Rule {
    code: "W009",
    name: "effectively-global",
    level: Level::Error,
    summary: "a key or role whose grants cover the whole catalog without a bare `*`",
    what: "With a catalog, finds roles and keys whose effective grants reach every catalog \
permission although none of them is `*`.",
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
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let Some(catalog) = cx.catalog() else { return };
    if !cx.owns_policy || catalog.len() < 2 {
        return;
    }
    let policy = cx.policy();
    let covers = |grants: &[&str]| {
        !grants.contains(&"*")
            && catalog.iter().all(|permission| {
                grants
                    .iter()
                    .any(|g| grant_matches(g, &permission.value, Matching::Wildcard))
            })
    };
    for (index, role) in policy.roles.iter().enumerate() {
        let grants: Vec<&str> = role.permissions.iter().map(|p| p.value.as_str()).collect();
        if covers(&grants) {
            out.push(finding(
                cx,
                Owner::Role(index),
                role.name.span,
                catalog.len(),
            ));
        }
    }
    for (index, key) in policy.keys.iter().enumerate() {
        let grants: Vec<&str> = cx
            .resolved
            .grants(index)
            .iter()
            .map(|g| g.permission.as_str())
            .collect();
        let role_already_covers = key.roles.iter().any(|held| {
            policy.roles.iter().any(|role| {
                role.name.value == held.value
                    && covers(
                        &role
                            .permissions
                            .iter()
                            .map(|p| p.value.as_str())
                            .collect::<Vec<_>>(),
                    )
            })
        });
        if covers(&grants) && !role_already_covers {
            out.push(finding(cx, Owner::Key(index), key.name.span, catalog.len()));
        }
    }
}

fn finding(cx: &LintContext<'_>, owner: Owner, span: crate::span::Span, size: usize) -> Finding {
    Finding::new(
        &RULE,
        cx.policy_source(),
        span,
        format!(
            "{} can exercise all {size} catalog permissions without holding `*`",
            cx.owner_name(owner)
        ),
        "an admin in disguise",
        "grant less; or, if it really needs everything, grant `*` with a reviewed suppression",
    )
    .owned_by(owner)
}
