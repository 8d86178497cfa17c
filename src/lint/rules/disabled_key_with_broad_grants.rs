//! X002 disabled-key-with-broad-grants: a disabled key that still holds wildcards.

use crate::lint::context::{LintContext, is_wildcard};
use crate::lint::{Doc, Finding, Owner, RuleId};

/// The documentation of X002.
pub(crate) static DOC: Doc = Doc {
    summary: "a disabled key still holding `*` grants",
    what: "Finds keys with `enabled: false` whose effective grants (direct or through roles) \
include a wildcard.",
    why: "Disabling is reversible: whoever re-enables the key restores all of its wildcard \
access at once, without a review of what it grants.",
    example: r#"roles:
  admin: {permissions: ["*"]}
keys:
  ops:
    roles: [admin]
    enabled: false             # X002

# Fix: take the roles away as well, or delete the key"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for (index, key) in cx.policy().keys.iter().enumerate() {
        if key.enabled.value {
            continue;
        }
        let wildcards: Vec<&str> = cx
            .resolved
            .grants(index)
            .iter()
            .map(|grant| grant.permission.as_str())
            .filter(|permission| is_wildcard(permission))
            .collect();
        if wildcards.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                RuleId::X002.rule(),
                cx.policy_source(),
                key.enabled.span,
                format!(
                    "disabled key `{}` still holds {}",
                    key.name.value,
                    wildcards.join(", ")
                ),
                "re-enabling restores it all",
                "remove its wildcard grants and roles too, or delete the key",
            )
            .with_related(key.name.span, "the key")
            .owned_by(Owner::Key(index)),
        );
    }
}
