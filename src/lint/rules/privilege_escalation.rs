//! X003 privilege-escalation: a root key that can grant itself anything.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of X003.
pub(crate) static DOC: Doc = Doc {
    summary: "a root key that can assign permissions or roles to keys or roles",
    what: "Finds root keys holding `rbac` actions that attach permissions or roles to keys or \
roles (`add_permission_to_key`, `add_role_to_key`, `add_permission_to_role`).",
    why: "A key that can add permissions can add any permission, to any key, including \
itself: whatever else its grants say, it is an admin.",
    example: r#"root_keys:
  onboarding:
    permissions: [rbac.*.add_role_to_key]    # X003

# Fix: do the assignment in a reviewed admin process, or excuse it explicitly
root_keys:
  onboarding:
    permissions: [rbac.*.add_role_to_key]
    lint: {allow: [privilege-escalation], reason: "runs only in the audited onboarding job"}"#,
};

const ESCALATING: &[&str] = &[
    "add_permission_to_key",
    "add_role_to_key",
    "add_permission_to_role",
];

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for site in cx.root_grant_sites() {
        let parts: Vec<&str> = site.permission.value.split('.').collect();
        let [kind, _, action] = parts.as_slice() else {
            continue;
        };
        if *kind == "rbac" && ESCALATING.contains(action) {
            out.push(
                Finding::new(
                    RuleId::X003.rule(),
                    cx.policy_source(),
                    site.permission.span,
                    format!(
                        "{} can `{action}`, so it can grant itself any permission: it is an admin",
                        cx.owner_name(site.owner)
                    ),
                    "can escalate its own privileges",
                    "move permission assignment to a reviewed admin process, or excuse it with a reason",
                )
                .owned_by(site.owner),
            );
        }
    }
}
