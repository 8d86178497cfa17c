//! S003 empty-role: a role with no permissions.

use crate::lint::context::LintContext;
use crate::lint::{Finding, Level, Owner, Rule};

/// S003.
pub static RULE: Rule = Rule {
    code: "S003",
    name: "empty-role",
    level: Level::Warning,
    summary: "a role with no permissions",
    what: "Finds roles whose `permissions` list is empty or missing.",
    why: "Keys holding an empty role get nothing from it; the role was probably left \
unfinished, or its permissions were removed without removing it.",
    example: r#"roles:
  reader: {}                    # S003

# Fix
roles:
  reader:
    permissions: [documents.read]"#,
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    if !cx.owns_policy {
        return;
    }
    for (index, role) in cx.policy().roles.iter().enumerate() {
        if role.permissions.is_empty() {
            out.push(
                Finding::new(
                    &RULE,
                    cx.policy_source(),
                    role.name.span,
                    format!("role `{}` grants no permissions", role.name.value),
                    "empty",
                    "list the role's permissions, or remove the role",
                )
                .owned_by(Owner::Role(index)),
            );
        }
    }
}
