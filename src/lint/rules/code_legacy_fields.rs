//! C007 code-legacy-fields: v1-only fields passed to a v2 verification.

use crate::lint::code::CodeContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::printable::escaped;

/// The documentation of C007.
pub(crate) static DOC: Doc = Doc {
    summary: "v1-only fields (`apiId`, `authorization`) passed to a v2 `verifyKey`",
    what: "Finds v2 verification calls (`keys.verifyKey`, `keysVerifyKey`, `verify_key`, the \
middlewares) given `apiId` or `authorization`, fields of the v1 API.",
    why: "v2 `verifyKey` has no `apiId`, and reads its query from `permissions`, not from \
`authorization.permissions`: a permission check written the v1 way is not made at all, and \
every valid key passes.",
    example: r#"await unkey.keys.verifyKey({ key, apiId, authorization: { permissions: "admin" } }); // C007

// Fix: the v2 field
await unkey.keys.verifyKey({ key, permissions: "admin" });"#,
};

/// Checks every v2 verification.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    for (file, site, _) in cx.sites() {
        let Some(((first, span), rest)) = site.v1_fields.split_first() else {
            continue;
        };
        let mut finding = Finding::new(
            RuleId::C007.rule(),
            &file.source,
            *span,
            format!("`{}` is a v1 field, which v2 verification ignores", escaped(first)),
            "v1 field on a v2 call",
            "v2 takes the query as one string in `permissions` and no `apiId`",
        );
        for (name, span) in rest {
            finding = finding.with_related(*span, format!("`{}` too", escaped(name)));
        }
        out.push(finding);
    }
}
