//! N005 query-limits: a query over Unkey's limits.

use crate::lint::context::LintContext;
use crate::lint::{Finding, Level, Rule};
use crate::policy::{QueryText, Source};
use crate::query::{self, LimitViolation, Query, unkey_limits};
use crate::span::Span;

/// N005.
pub static RULE: Rule = Rule {
    code: "N005",
    name: "query-limits",
    level: Level::Error,
    summary: "a query over 1000 bytes or with more than 100 permissions",
    what: "Finds queries in cases and access assertions that Unkey's API would reject for their \
size: more than 1000 bytes, or more than 100 permissions.",
    why: "`keys.verifyKey` refuses such a query with a 400 error, so the check it expresses \
never runs in production.",
    example: r#"cases:
  - key: alice
    query: p1 OR p2 OR ... OR p101       # N005

# Fix: a role that stands for the combination, or several checks"#,
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for text in cx.queries() {
        if let Ok(parsed) = query::parse(&text.text) {
            check_query(&cx.file.source, text, &parsed, out);
        }
    }
}

/// N005 on one query, wherever it is written.
pub fn check_query(source: &Source, text: &QueryText, parsed: &Query, out: &mut Vec<Finding>) {
    for violation in unkey_limits(&text.text, parsed) {
        let span = match &violation {
            LimitViolation::TooLong { .. } => text.span,
            LimitViolation::TooManyPermissions { first_excess, .. } => {
                text.span_in_file(*first_excess)
            }
        };
        out.push(Finding::new(
            &RULE,
            source,
            if span == Span::default() {
                text.span
            } else {
                span
            },
            violation.to_string(),
            "over Unkey's limit",
            "split the check into several queries, or grant a role that stands for the combination",
        ));
    }
}
