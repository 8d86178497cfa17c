//! S002 unused-role: a role no key holds.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, Owner, RuleId};

/// The documentation of S002.
pub(crate) static DOC: Doc = Doc {
    summary: "a role no key holds",
    what: "Finds roles that no key lists in its `roles`.",
    why: "An unused role is either dead weight or a sign that a key lost a role it should \
hold. Either way the policy says less than it seems to.",
    example: r#"roles:
  auditor:                      # S002: no key holds it
    permissions: [reports.view]

# Fix: give it to the keys that need it, or remove it"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for (index, role) in cx.policy().roles.iter().enumerate() {
        if cx.receivers(Owner::Role(index)).is_empty() {
            out.push(
                Finding::new(
                    RuleId::S002.rule(),
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
