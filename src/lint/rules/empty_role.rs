//! S003 empty-role: a role with no permissions.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, Owner, RuleId};

/// The documentation of S003.
pub(crate) static DOC: Doc = Doc {
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
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for (index, role) in cx.policy().roles.iter().enumerate() {
        if role.permissions.is_empty() {
            out.push(
                Finding::new(
                    RuleId::S003.rule(),
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
