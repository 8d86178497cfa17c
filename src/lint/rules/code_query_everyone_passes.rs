//! C004 code-query-everyone-passes: a check in code that every key passes.

use crate::lint::code::CodeContext;
use crate::lint::{Doc, Finding, RuleId, SiteQuery};

/// The documentation of C004.
pub(crate) static DOC: Doc = Doc {
    summary: "a query in code that every API key of the policy passes",
    what: "Reports queries in code that every API key of the project's policies passes \
(when there are at least two), disabled and expired keys aside, which Unkey refuses anyway.",
    why: "A check everyone passes protects nothing beyond holding a key: usually the query \
names a permission every role was given, or the policy grants too much.",
    example: r#"// Every key holds documents.read.
await unkey.keys.verifyKey({ key, permissions: "documents.read" }); // C004 on the delete route

// Fix: ask for what the route does
await unkey.keys.verifyKey({ key, permissions: "documents.delete" });"#,
};

/// Checks every query site.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    let usable: usize = cx
        .policies
        .iter()
        .map(|policy| {
            let declared = &policy.resolved.policy.keys;
            declared
                .iter()
                .filter(|key| key.kind == crate::policy::KeyKind::Api && key.enabled.value)
                .count()
        })
        .sum();
    if usable < 2 {
        return;
    }
    for (file, site, asked) in cx.sites() {
        let SiteQuery::Query(_, passing) = asked else {
            continue;
        };
        if site.kind != crate::scan::SiteKind::Query || passing.keys.len() < usable {
            continue;
        }
        out.push(Finding::new(
            RuleId::C004.rule(),
            &file.source,
            site.span,
            format!("every one of the {usable} enabled API keys passes this query"),
            "everyone passes",
            "ask for the permission this endpoint needs, which not every key should hold",
        ));
    }
}
