//! S007 unused-suppression: a `lint: allow` that excuses nothing, or expired.

use crate::lint::context::LintContext;
use crate::lint::run::suppression_of;
use crate::lint::{Doc, Finding, Owner, RuleId, Selector};

/// The documentation of S007.
pub(crate) static DOC: Doc = Doc {
    summary: "a `lint: allow` that suppresses nothing, or whose `until:` date has passed",
    what: "Runs after every other rule and reports each entry of a role's or key's \
`lint: {allow: [...]}` that excused no finding, or is past its `until:` date. (An entry that \
names no rule is refused before linting, like any unknown selector.)",
    why: "Suppressions outlive the problems they excused: a stale one hides the next real \
finding on the same node. An expired one is a reminder that the exception was meant to end.",
    example: r#"roles:
  reader:
    permissions: [documents.read]
    lint: {allow: [global-wildcard], reason: "legacy"}    # S007: nothing to excuse

# Fix: remove the suppression"#,
};

/// Checks the suppressions of the policy a file declares, once the other rules have run.
pub fn suppressions(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let owners = (0..cx.policy().roles.len())
        .map(Owner::Role)
        .chain((0..cx.policy().keys.len()).map(Owner::Key));
    for owner in owners {
        let Some(suppression) = suppression_of(cx, owner) else {
            continue;
        };
        if let Some(until) = &suppression.until
            && until.value < cx.today
        {
            out.push(Finding::new(
                RuleId::S007.rule(),
                cx.policy_source(),
                until.span,
                format!(
                    "the suppression on {} expired on {}",
                    cx.owner_name(owner),
                    until.value
                ),
                "expired",
                "fix what it excused, or extend `until:` after a new review",
            ));
            continue;
        }
        for (index, selector) in suppression.rules.iter().enumerate() {
            // The loader refused selectors that pick no rule. A suppression of rules that did
            // not run cannot be judged.
            let Ok(parsed) = Selector::parse(&selector.value) else {
                continue;
            };
            if parsed.rules().all(|rule| cx.config.level(rule).is_none())
                || cx.used_suppressions.contains(&(owner, index))
            {
                continue;
            }
            out.push(Finding::new(
                RuleId::S007.rule(),
                cx.policy_source(),
                selector.span,
                format!(
                    "`{}` is allowed on {} but nothing there needs it",
                    selector.value,
                    cx.owner_name(owner)
                ),
                "suppresses nothing",
                "remove it, so that it cannot hide a future finding",
            ));
        }
    }
}
