//! S004 key-without-access: a key with no roles and no permissions.

use crate::lint::context::LintContext;
use crate::lint::{Finding, Level, Owner, Rule};
use crate::policy::KeyKind;

/// S004.
pub static RULE: Rule = Rule {
    code: "S004",
    name: "key-without-access",
    level: Level::Info,
    summary: "a key with no roles and no permissions",
    what: "Finds keys that hold no role and no permission.",
    why: "Such a key can verify but never pass a permission check. It is usually a key whose \
access was revoked and that should be deleted, or one that was never finished.",
    example: r#"keys:
  old_bot: {}                   # S004

# Fix: delete the key, or give it the access it needs"#,
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    if !cx.owns_policy {
        return;
    }
    for (index, key) in cx.policy().keys.iter().enumerate() {
        if key.kind == KeyKind::Api && key.roles.is_empty() && key.permissions.is_empty() {
            out.push(
                Finding::new(
                    &RULE,
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
