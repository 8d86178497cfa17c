//! W007 wildcard-in-query: `*` in a permission a query requires.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::policy::{QueryText, Source};
use crate::query::Query;

/// The documentation of W007.
pub(crate) static DOC: Doc = Doc {
    summary: "`*` in a required permission of a query",
    what: "Finds queries (in cases and access assertions) that require a permission containing \
`*`.",
    why: "A `*` in a query is literal in every mode: `documents.*` is satisfied only by a grant \
of that exact string (or by a wider wildcard under Unkey's docs), never by `documents.read`. \
It usually means the check was meant as \"any documents permission\", which the query \
language cannot express.",
    example: r#"keys:
  alice: {permissions: [documents.read]}
cases:
  - key: alice
    query: documents.*              # W007
    expect: deny

# Fix: name the permissions
  - key: alice
    query: documents.read OR documents.write
    expect: allow"#,
};

/// Checks a file's cases, access assertions and text, whether or not it declares its policy.
pub fn file(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    // Root keys are checked as `type.id.action OR type.*.action`: there `*` in the id
    // position is a real, literal permission, not a mistake.
    let policy = cx.policy();
    let root_key_queries: Vec<&str> = (cx.file.query_checks())
        .filter(|(case, _)| {
            cx.resolved
                .key_index(&case.key.value)
                .is_some_and(|key| policy.keys[key].kind == crate::policy::KeyKind::Root)
        })
        .map(|(_, query)| query.text.as_str())
        .collect();
    for (text, parsed) in cx.queries() {
        if root_key_queries.contains(&text.text.as_str()) {
            continue;
        }
        if let Some(parsed) = parsed {
            query(&cx.file.source, text, parsed, out);
        }
    }
}

/// W007 on one query, wherever it is written.
pub fn query(source: &Source, text: &QueryText, parsed: &Query, out: &mut Vec<Finding>) {
    for (permission, span) in parsed.permissions() {
        if permission.contains('*') {
            out.push(Finding::new(
                RuleId::W007.rule(),
                source,
                text.span_in_file(span),
                format!("the query requires `{permission}` literally"),
                "`*` is literal in a query",
                "name the permissions the check needs, joined with OR",
            ));
        }
    }
}
