//! S006 untested-key: a key that no case exercises.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, Owner, RuleId};

/// The documentation of S006.
pub(crate) static DOC: Doc = Doc {
    summary: "a key no case exercises",
    what: "Finds keys that no case names, across every loaded file that tests the policy \
(lint the policy together with its case files).",
    why: "An untested key's access can change in any pull request without a single test \
noticing.",
    example: r#"keys:
  billing_bot:                 # S006: no case uses it
    permissions: [billing.read]

# Fix: a case for it
cases:
  - key: billing_bot
    query: billing.read
    expect: allow"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for (index, key) in cx.policy().keys.iter().enumerate() {
        if !cx.exercised_keys.contains(key.name.value.as_str()) {
            out.push(
                Finding::new(
                    RuleId::S006.rule(),
                    cx.policy_source(),
                    key.name.span,
                    format!("no case exercises key `{}`", key.name.value),
                    "untested",
                    "add a case with what the key must and must not be able to do",
                )
                .owned_by(Owner::Key(index)),
            );
        }
    }
}
