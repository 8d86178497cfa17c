//! S004 key-without-access: a key with no roles and no permissions.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, Owner, RuleId};
use crate::policy::KeyKind;

/// The documentation of S004.
pub(crate) static DOC: Doc = Doc {
    summary: "a key with no roles and no permissions",
    what: "Finds keys that hold no role and no permission.",
    why: "Such a key can verify but never pass a permission check. It is usually a key whose \
access was revoked and that should be deleted, or one that was never finished.",
    example: r#"keys:
  old_bot: {}                   # S004

# Fix: delete the key, or give it the access it needs"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for (index, key) in cx.policy().keys.iter().enumerate() {
        if key.kind == KeyKind::Api && key.roles.is_empty() && key.permissions.is_empty() {
            out.push(
                Finding::new(
                    RuleId::S004.rule(),
                    cx.policy_source(),
                    key.name.span,
                    format!("key `{}` has no roles and no permissions", key.name.value),
                    "no access",
                    "delete the key, or give it the access it needs",
                )
                .owned_by(Owner::Key(index)),
            );
        }
    }
}
