//! C010 code-grant-unknown: code grants a permission or role no policy knows.

use crate::lint::code::{CodeContext, place};
use crate::lint::{Doc, Finding, RuleId};
use crate::printable::escaped;
use crate::scan::{SiteKind, SiteValue};
use crate::span::Span;

/// The documentation of C010.
pub(crate) static DOC: Doc = Doc {
    summary: "a permission or role granted in code that no policy knows",
    what: "Checks the permissions and roles that code grants (`createKey`, `updateKey`, \
`addPermissions`, `setPermissions`, `addRoles`, `setRoles`, `createRole`, and Go's and \
Python's alike) against the policies: a permission no catalog lists, a role no policy \
declares.",
    why: "A key created with a misspelt permission holds nothing useful, and the policy the \
suites test is no longer the one production runs.",
    example: r#"await unkey.keys.createKey({ apiId, permissions: ["documents.raed"] }); // C010

// Fix: the catalog's name
await unkey.keys.createKey({ apiId, permissions: ["documents.read"] });"#,
};

/// Checks every grant site.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    if cx.policies.is_empty() {
        return;
    }
    for (file, site, _) in cx.sites() {
        let SiteValue::Text { text, .. } = &site.value else {
            continue;
        };
        let name = text.text.as_str();
        let (known, what, help) = match site.kind {
            SiteKind::Grant if name.contains('*') => continue,
            SiteKind::Grant => (
                cx.knows(name),
                "permission",
                match cx.suggestion(name) {
                    Some(meant) => format!("did you mean `{}`?", escaped(&meant)),
                    None => "add it to the policy's `permissions:`, or fix the name".to_owned(),
                },
            ),
            SiteKind::Role => {
                let roles = || {
                    cx.policies
                        .iter()
                        .flat_map(|policy| policy.resolved.policy.roles.iter())
                        .map(|role| role.name.value.as_str())
                };
                (
                    roles().any(|role| role == name),
                    "role",
                    match crate::suggest::closest(name, roles()) {
                        Some(meant) => format!("did you mean `{}`?", escaped(meant)),
                        None => "declare the role in the policy, or fix the name".to_owned(),
                    },
                )
            }
            _ => continue,
        };
        if known {
            continue;
        }
        out.push(Finding::new(
            RuleId::C010.rule(),
            &file.source,
            place(site, Span::new(0, name.len())),
            format!("the code grants the {what} `{}`, which no policy knows", escaped(name)),
            format!("unknown {what}"),
            help,
        ));
    }
}
