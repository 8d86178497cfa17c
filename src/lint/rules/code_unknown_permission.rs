//! C002 code-unknown-permission: code asks for a permission no policy knows.

use crate::lint::code::{CodeContext, place};
use crate::lint::{Doc, Finding, RuleId, SiteQuery};
use crate::printable::escaped;

/// The documentation of C002.
pub(crate) static DOC: Doc = Doc {
    summary: "a permission asked for in code that no policy's catalog lists",
    what: "Finds the permissions that queries and permission checks in code name and that \
no policy of the project knows (its `permissions:` catalog, or, without one, the \
permissions its roles and keys are granted), with a did-you-mean that also tries `:` for \
`.` and back.",
    why: "Unkey matches permissions exactly: `documents:read` is not `documents.read`, and a \
typo such as `documents.raed` can never be granted by mistake. No key passes such a check, \
so the endpoint refuses everyone, silently, until a user reports it.",
    example: r#"await unkey.keys.verifyKey({ key, permissions: "documents:read" }); // C002

// Fix: the catalog's name
await unkey.keys.verifyKey({ key, permissions: "documents.read" });"#,
};

/// Checks every query and permission site.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    if cx.policies.is_empty() {
        return;
    }
    for (file, site, asked) in cx.sites() {
        let SiteQuery::Query(query, _) = asked else {
            continue;
        };
        for (permission, span) in query.permissions() {
            if cx.knows(permission) {
                continue;
            }
            let help = match cx.suggestion(permission) {
                Some(meant) => format!("did you mean `{}`?", escaped(&meant)),
                // A v1 string is one permission's name, never an expression.
                None if site.version == crate::scan::Version::V1 && permission.contains(' ') => {
                    "in v1 a string is one permission: combine permissions with `and(...)`/`or(...)` or `{ and: [...] }`".to_owned()
                }
                None => "add it to the policy's `permissions:`, or fix the name".to_owned(),
            };
            out.push(Finding::new(
                RuleId::C002.rule(),
                &file.source,
                place(site, span),
                format!(
                    "`{}` is in no policy's catalog: no key can hold it",
                    escaped(permission)
                ),
                "unknown permission",
                help,
            ));
        }
    }
}
