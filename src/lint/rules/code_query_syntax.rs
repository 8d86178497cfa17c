//! C001 code-query-syntax: a query in code that Unkey's parser rejects.

use crate::lint::code::{CodeContext, place};
use crate::lint::{Doc, Finding, RuleId, SiteQuery};
use miette::Diagnostic;

/// The documentation of C001.
pub(crate) static DOC: Doc = Doc {
    summary: "a query in application code that Unkey's parser rejects",
    what: "Parses every query the code passes to Unkey (`keys.verifyKey`'s `permissions`, \
the middleware's and the project's declared sinks) as Unkey's server does, and reports \
Unkey's message at the place in the source file.",
    why: "Unkey answers a malformed query with an error for every key: the endpoint \
refuses everyone, or, where the error is swallowed, lets the request through unchecked.",
    example: r#"await unkey.keys.verifyKey({ key, permissions: "documents.read AND" }); // C001

// Fix: finish the expression
await unkey.keys.verifyKey({ key, permissions: "documents.read AND documents.write" });"#,
};

/// Checks every query site.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    for (file, site, asked) in cx.sites() {
        let SiteQuery::Rejected(error) = asked else {
            continue;
        };
        let label = error
            .labels()
            .into_iter()
            .flatten()
            .next()
            .and_then(|label| label.label().map(str::to_owned))
            .unwrap_or_else(|| "here".to_owned());
        out.push(Finding::new(
            RuleId::C001.rule(),
            &file.source,
            place(site, error.span()),
            format!("Unkey rejects this query: {error}"),
            label,
            error
                .help()
                .map_or_else(|| "fix the query's syntax".to_owned(), |help| help.to_string()),
        ));
    }
}
