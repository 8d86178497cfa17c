//! C009 code-dynamic-value: a permission or query in code known only at run time.

use crate::lint::code::CodeContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::scan::{SiteKind, SiteValue};

/// The documentation of C009.
pub(crate) static DOC: Doc = Doc {
    summary: "a query, permission or grant in code that cannot be checked statically",
    what: "Reports each place where code passes a query, permission or grant whose value is \
known only at run time: a template with substitutions, a concatenation, a parameter, a \
value from another module. permspec never guesses such a value.",
    why: "None of the other checks can vouch for it. Write the string where it is used, or as \
a constant of the same file, or declare the wrapper that receives it as a sink in \
`[scan]` so that its callers are checked instead.",
    example: r#"await unkey.keys.verifyKey({ key, permissions: `documents.${action}` }); // C009

// Fix: one literal per action
const permissions = action === "read" ? "documents.read" : "documents.write";"#,
};

/// Checks every site.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    for (file, site, _) in cx.sites() {
        let SiteValue::Dynamic(reason) = &site.value else {
            continue;
        };
        let what = match site.kind {
            SiteKind::Query => "query",
            SiteKind::Permission => "permission",
            SiteKind::Grant => "grant",
            SiteKind::Role => "role",
        };
        out.push(Finding::new(
            RuleId::C009.rule(),
            &file.source,
            site.span,
            format!("this {what} is not checked statically: {reason}"),
            "known only at run time",
            "write the string here or as a constant of this file; in a wrapper of your own, declare the wrapper as a sink in `[scan]` (its callers are then checked) and excuse this line with `// permspec: allow(C009) reason: ...`",
        ));
    }
}
