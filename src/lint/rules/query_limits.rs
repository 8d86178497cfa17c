//! N005 query-limits: a query over Unkey's limits.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::policy::{QueryText, Source};
use crate::query::{LimitViolation, Query, unkey_limits};
use crate::span::Span;

/// The documentation of N005.
pub(crate) static DOC: Doc = Doc {
    summary: "a query over 1000 characters or with more than 100 permissions",
    what: "Finds queries in cases and access assertions that Unkey's API would reject for their \
size: more than 1000 characters, or more than 100 permissions.",
    why: "`keys.verifyKey` refuses such a query with a 400 error, so the check it expresses \
never runs in production.",
    example: r#"keys:
  alice: {permissions: [p1]}
cases:
  - key: alice
    query: p1 OR p2 OR p3 OR p4 OR p5 OR p6 OR p7 OR p8 OR p9 OR p10 OR p11 OR p12 OR p13 OR p14 OR p15 OR p16 OR p17 OR p18 OR p19 OR p20 OR p21 OR p22 OR p23 OR p24 OR p25 OR p26 OR p27 OR p28 OR p29 OR p30 OR p31 OR p32 OR p33 OR p34 OR p35 OR p36 OR p37 OR p38 OR p39 OR p40 OR p41 OR p42 OR p43 OR p44 OR p45 OR p46 OR p47 OR p48 OR p49 OR p50 OR p51 OR p52 OR p53 OR p54 OR p55 OR p56 OR p57 OR p58 OR p59 OR p60 OR p61 OR p62 OR p63 OR p64 OR p65 OR p66 OR p67 OR p68 OR p69 OR p70 OR p71 OR p72 OR p73 OR p74 OR p75 OR p76 OR p77 OR p78 OR p79 OR p80 OR p81 OR p82 OR p83 OR p84 OR p85 OR p86 OR p87 OR p88 OR p89 OR p90 OR p91 OR p92 OR p93 OR p94 OR p95 OR p96 OR p97 OR p98 OR p99 OR p100 OR p101   # N005
    expect: allow

# Fix: a role that stands for the combination, or several checks"#,
};

/// Checks a file's cases, access assertions and text, whether or not it declares its policy.
pub fn file(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for (text, parsed) in cx.queries() {
        if let Some(parsed) = parsed {
            query(&cx.file.source, text, parsed, out);
        }
    }
}

/// N005 on one query, wherever it is written.
pub fn query(source: &Source, text: &QueryText, parsed: &Query, out: &mut Vec<Finding>) {
    for violation in unkey_limits(&text.text, parsed) {
        let span = match &violation {
            LimitViolation::TooLong { .. } => text.span,
            LimitViolation::TooManyPermissions { first_excess, .. } => {
                text.span_in_file(*first_excess)
            }
        };
        out.push(Finding::new(
            RuleId::N005.rule(),
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
