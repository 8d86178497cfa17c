//! S006 untested-key: a key that no case exercises.

use crate::lint::context::LintContext;
use crate::lint::{Finding, Level, Owner, Rule};

/// S006.
pub static RULE: Rule = Rule {
    code: "S006",
    name: "untested-key",
    level: Level::Info,
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
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    if !cx.owns_policy {
        return;
    }
    for (index, key) in cx.policy().keys.iter().enumerate() {
        if !cx.exercised_keys.contains(&key.name.value) {
            out.push(
                Finding::new(
                    &RULE,
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
