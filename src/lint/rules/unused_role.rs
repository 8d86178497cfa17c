//! S002 unused-role: a role no key holds.

use crate::lint::context::LintContext;
use crate::lint::{Finding, Level, Owner, Rule};

/// S002.
pub static RULE: Rule = Rule {
    code: "S002",
    name: "unused-role",
    level: Level::Warning,
    summary: "a role no key holds",
    what: "Finds roles that no key lists in its `roles`.",
    why: "An unused role is either dead weight or a sign that a key lost a role it should \
hold. Either way the policy says less than it seems to.",
    example: r#"roles:
  auditor:                      # S002: no key holds it
    permissions: [reports.view]

# Fix: give it to the keys that need it, or remove it"#,
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    if !cx.owns_policy {
        return;
    }
    for (index, role) in cx.policy().roles.iter().enumerate() {
        if cx.receivers(Owner::Role(index)).is_empty() {
            out.push(
                Finding::new(
                    &RULE,
                    cx.policy_source(),
                    role.name.span,
                    format!("no key holds role `{}`", role.name.value),
                    "unused",
                    "give the role to the keys that need it, or remove it",
                )
                .owned_by(Owner::Role(index)),
            );
        }
    }
}
