//! S007 unused-suppression: a `lint: allow` that excuses nothing, names no rule, or expired.

use crate::lint::context::LintContext;
use crate::lint::run::suppression_of;
use crate::lint::{Finding, Level, Owner, Rule, rules};
use crate::suggest::did_you_mean;

/// S007.
pub static RULE: Rule = Rule {
    code: "S007",
    name: "unused-suppression",
    level: Level::Warning,
    summary: "a `lint: allow` that suppresses nothing, or whose `until:` date has passed",
    what: "Runs after every other rule and reports each entry of a role's or key's \
`lint: {allow: [...]}` that excused no finding, names no rule, or is past its `until:` date.",
    why: "Suppressions outlive the problems they excused: a stale one hides the next real \
finding on the same node. An expired one is a reminder that the exception was meant to end.",
    example: r#"roles:
  reader:
    permissions: [documents.read]
    lint: {allow: [global-wildcard], reason: "legacy"}    # S007: nothing to excuse

# Fix: remove the suppression"#,
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    if !cx.owns_policy {
        return;
    }
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
                &RULE,
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
            let rule = crate::lint::rule(&selector.value);
            // A suppression of a rule that did not run cannot be judged.
            if rule.is_some_and(|rule| cx.config.level(rule).is_none()) {
                continue;
            }
            let (message, help) = if rule.is_none() {
                let names = rules::ALL.iter().flat_map(|rule| [rule.code, rule.name]);
                (
                    format!("`{}` names no lint rule", selector.value),
                    did_you_mean(&selector.value, names)
                        .unwrap_or_else(|| "`permspec rules` lists them".to_owned()),
                )
            } else if !cx.used_suppressions.contains(&(owner, index)) {
                (
                    format!(
                        "`{}` is allowed on {} but nothing there needs it",
                        selector.value,
                        cx.owner_name(owner)
                    ),
                    "remove it, so that it cannot hide a future finding".to_owned(),
                )
            } else {
                continue;
            };
            out.push(Finding::new(
                &RULE,
                cx.policy_source(),
                selector.span,
                message,
                "suppresses nothing",
                help,
            ));
        }
    }
}
