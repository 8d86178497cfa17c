//! C005 code-wildcard-in-query: `*` in a permission code asks for.

use crate::lint::code::{CodeContext, place};
use crate::lint::{Doc, Finding, RuleId, SiteQuery};
use crate::printable::escaped;

/// The documentation of C005.
pub(crate) static DOC: Doc = Doc {
    summary: "`*` in a permission that code asks for",
    what: "Finds queries and permission checks in code that name a permission containing `*`.",
    why: "Unkey matches a query's permissions literally: `documents.*` in a query is passed \
only by a grant of that exact string, never by `documents.read`. It usually means \"any \
documents permission\", which the query language cannot say.",
    example: r#"await unkey.keys.verifyKey({ key, permissions: "documents.*" }); // C005

// Fix: name the permissions
await unkey.keys.verifyKey({ key, permissions: "documents.read OR documents.write" });"#,
};

/// Checks every query and permission site.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    for (file, site, asked) in cx.sites() {
        let SiteQuery::Query(query, _) = asked else {
            continue;
        };
        for (permission, span) in query.permissions() {
            if permission.contains('*') {
                out.push(Finding::new(
                    RuleId::C005.rule(),
                    &file.source,
                    place(site, span),
                    format!("the code asks for `{}` literally", escaped(permission)),
                    "`*` is literal in a query",
                    "name the permissions the endpoint needs, joined with OR",
                ));
            }
        }
    }
}
