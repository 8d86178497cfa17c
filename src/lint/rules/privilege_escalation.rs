//! X003 privilege-escalation: a root key that can grant itself anything.

use crate::lint::context::LintContext;
use crate::lint::{Finding, Level, Rule};
use crate::policy::KeyKind;

/// X003.
pub static RULE: Rule = Rule {
    code: "X003",
    name: "privilege-escalation",
    level: Level::Error,
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
    check,
};

const ESCALATING: &[&str] = &[
    "add_permission_to_key",
    "add_role_to_key",
    "add_permission_to_role",
];

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    if !cx.owns_policy {
        return;
    }
    for site in cx
        .grant_sites()
        .into_iter()
        .filter(|site| site.kind == KeyKind::Root)
    {
        let parts: Vec<&str> = site.permission.value.split('.').collect();
        let [kind, _, action] = parts.as_slice() else {
            continue;
        };
        if *kind == "rbac" && ESCALATING.contains(action) {
            out.push(
                Finding::new(
                    &RULE,
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
