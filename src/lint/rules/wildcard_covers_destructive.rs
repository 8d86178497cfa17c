//! W003 wildcard-covers-destructive: a wildcard that reaches destructive permissions.

use crate::lint::context::{LintContext, is_wildcard};
use crate::lint::{Doc, Finding, Level, RuleId};

/// The documentation of W003.
pub(crate) static DOC: Doc = Doc {
    summary: "a wildcard whose expansion over the catalog includes destructive actions",
    what: "Expands every wildcard grant over the catalog (`permissions:`) and reports those \
that reach a destructive action (delete, destroy, manage, admin, decrypt, remove, revoke, \
purge, and writes of keys), listing the concrete permissions reached.",
    why: "A wildcard written for convenience (`documents.*` to read and write) silently \
includes `documents.delete`. Destructive permissions should be granted by name, so that \
granting them is a visible decision: no mechanical fix is offered. Under `semantics: \
literal` (how Unkey's engine matches) the wildcard grants only its literal name; the finding \
is then a warning, for the day Unkey's documented reading is implemented.",
    example: r#"permissions: [documents.read, documents.write, documents.delete]
roles:
  editor:
    permissions: ["documents.*"]            # W003: reaches documents.delete

# Fix
roles:
  editor:
    permissions: [documents.read, documents.write]"#,
};

const DESTRUCTIVE: &[&str] = &[
    "delete", "destroy", "manage", "admin", "decrypt", "remove", "revoke", "purge", "drop", "wipe",
];

/// Whether a permission's action reads as destructive.
pub(crate) fn is_destructive(permission: &str) -> bool {
    let action = permission
        .rsplit('.')
        .next()
        .unwrap_or(permission)
        .to_ascii_lowercase();
    let words: Vec<&str> = action.split(['_', ':', '-']).collect();
    words.iter().any(|word| DESTRUCTIVE.contains(word))
        || (action.ends_with("_key") && ["create", "update", "encrypt"].contains(&words[0]))
}

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    if cx.catalog().is_none() {
        return;
    }
    for site in cx.api_grant_sites() {
        let pattern = &site.permission.value;
        // A bare `*` is W001's: it reaches everything by definition.
        if !is_wildcard(pattern) || pattern == "*" {
            continue;
        }
        let reach = cx.reach(pattern);
        let destructive: Vec<&str> = reach
            .iter()
            .copied()
            .filter(|p| is_destructive(p))
            .collect();
        if destructive.is_empty() {
            continue;
        }
        let safe: Vec<&str> = reach
            .iter()
            .copied()
            .filter(|p| !is_destructive(p))
            .collect();
        let help = if safe.is_empty() {
            "grant destructive permissions by name, to a role meant for them".to_owned()
        } else {
            format!(
                "grant by name what is needed ({}); grant destructive permissions to a role meant for them",
                safe.join(", ")
            )
        };
        let owner = cx.owner_name(site.owner);
        let reached = destructive.join(", ");
        // No mechanical fix: which destructive permissions a role needs is a person's call.
        let finding = match cx.literal_reading(pattern, &format!("reaches {reached}")) {
            Some(reading) => Finding::new(
                RuleId::W003.rule(),
                cx.policy_source(),
                site.permission.span,
                format!("{owner} grants `{pattern}`: {reading}"),
                format!("inert today; reaches {reached} under the docs' reading"),
                help,
            )
            .at_most(Level::Warning),
            None => Finding::new(
                RuleId::W003.rule(),
                cx.policy_source(),
                site.permission.span,
                format!("{owner} grants `{pattern}`, which reaches destructive permissions: {reached}"),
                format!("reaches {reached}"),
                help,
            ),
        };
        out.push(finding.owned_by(site.owner));
    }
}
