//! N006 unsatisfiable-query: a query that no declared key can satisfy.

use crate::eval::{Matching, decide};
use crate::lint::context::LintContext;
use crate::lint::{Finding, Level, Rule};
use crate::policy::{Expect, KeyKind};
use crate::query;

/// N006.
pub static RULE: Rule = Rule {
    code: "N006",
    name: "unsatisfiable-query",
    level: Level::Warning,
    summary: "a query no key can satisfy",
    what: "Evaluates each query of the file's cases and access assertions for every declared \
key (ignoring whether the key is enabled or expired) and reports the queries that none of \
them can pass. Cases that expect the query to fail to parse are skipped.",
    why: "A check nobody passes is either a typo in the query or access that was removed by \
accident: the endpoint behind it is closed to everyone.",
    example: r#"cases:
  - key: alice
    query: documents.read AND documents.approve   # N006: no key holds documents.approve
    expect: deny"#,
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let policy = cx.policy();
    if policy.keys.is_empty() {
        return;
    }
    let expected_errors: Vec<usize> = cx
        .file
        .cases
        .iter()
        .filter(|case| case.expect.value == crate::policy::Expectation::Same(Expect::Error))
        .map(|case| case.query.span.start)
        .collect();
    for text in cx.queries() {
        if expected_errors.contains(&text.span.start) {
            continue;
        }
        let Ok(parsed) = query::parse(&text.text) else {
            continue;
        };
        let satisfiable = policy.keys.iter().enumerate().any(|(index, key)| {
            let matching = match key.kind {
                KeyKind::Root => Matching::RootKey,
                KeyKind::Api => Matching::Wildcard,
            };
            decide(&parsed, cx.resolved.access(index, matching))
                .code
                .allows()
        });
        if !satisfiable {
            out.push(Finding::new(
                &RULE,
                &cx.file.source,
                text.span,
                format!("no declared key can satisfy `{}`", text.text),
                "unsatisfiable",
                "check the query for typos, or grant its permissions to the keys that need them",
            ));
        }
    }
}
