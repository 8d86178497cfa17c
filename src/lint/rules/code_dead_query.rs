//! C003 code-dead-query: a check in code that no key or role of the policy passes.

use crate::lint::code::CodeContext;
use crate::lint::{Doc, Finding, RuleId, SiteQuery};

/// The documentation of C003.
pub(crate) static DOC: Doc = Doc {
    summary: "a query or permission check in code that no key or role can pass",
    what: "Decides every query and permission check in code for every API key of the \
project's policies (under each policy's semantics), and for a key holding each role alone; \
reports those that none passes.",
    why: "An endpoint no key can pass is dead: every caller is refused. It is usually a \
permission the policy forgot to grant, or one the code misnames.",
    example: r#"// The policy's catalog lists reports.export, but no role or key holds it.
app.use("/reports/export", unkey({ rootKey, permissions: "reports.export" })); // C003

// Fix: grant it to the role that should export (in the policy), or ask for what is granted
app.use("/reports/export", unkey({ rootKey, permissions: "reports.read" }));"#,
};

/// Checks every query and permission site.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    if cx.policies.is_empty() {
        return;
    }
    for (file, site, asked) in cx.sites() {
        let SiteQuery::Query(query, passing) = asked else {
            continue;
        };
        // A permission no policy knows is C002's finding, which says why no key passes.
        let unknown = || query.permissions().iter().any(|(name, _)| !cx.knows(name));
        if !passing.keys.is_empty() || !passing.roles.is_empty() || unknown() {
            continue;
        }
        let what = match site.kind {
            crate::scan::SiteKind::Query => "query",
            _ => "permission check",
        };
        out.push(Finding::new(
            RuleId::C003.rule(),
            &file.source,
            site.span,
            format!(
                "no key or role of any policy passes this {what}: every caller is refused"
            ),
            "no key passes",
            "grant the permission to the keys or roles that should pass, or ask for one they hold",
        ));
    }
}
