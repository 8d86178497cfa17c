//! C011 code-wildcard-grant: code grants a permission with `*`.

use crate::eval::{Matching, grant_matches};
use crate::lint::code::{CodeContext, place};
use crate::lint::rules::wildcard_covers_destructive::is_destructive;
use crate::lint::{Doc, Finding, Level, RuleId};
use crate::printable::escaped;
use crate::scan::{SiteKind, SiteValue};
use crate::span::Span;

/// The documentation of C011.
pub(crate) static DOC: Doc = Doc {
    summary: "a grant with `*` written in code: everything, or destructive permissions",
    what: "Finds permissions with `*` that code grants. A grant of `*`, or a wildcard that \
reaches destructive catalog permissions (`delete`, `manage`, `admin`, ...) is an error; \
another wildcard is a warning.",
    why: "Code that mints keys runs unattended: a wildcard there hands every future \
permission under it to every key it creates, outside the reviewed policy.",
    example: r#"await unkey.keys.createKey({ apiId, permissions: ["documents.*"] }); // C011

// Fix: the permissions the key needs
await unkey.keys.createKey({ apiId, permissions: ["documents.read"] });"#,
};

/// Checks every grant site.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    for (file, site, _) in cx.sites() {
        let (SiteKind::Grant, SiteValue::Text { text, .. }) = (site.kind, &site.value) else {
            continue;
        };
        let grant = text.text.as_str();
        if !grant.contains('*') {
            continue;
        }
        let known = cx.policies.iter().flat_map(|policy| policy.known.iter());
        let mut destructive: Vec<&str> = known
            .filter(|permission| grant_matches(grant, permission, Matching::Wildcard))
            .filter(|permission| is_destructive(permission))
            .map(String::as_str)
            .collect();
        destructive.sort_unstable();
        destructive.dedup();
        let at = place(site, Span::new(0, grant.len()));
        let finding = if grant == "*" {
            Finding::new(
                RuleId::C011.rule(),
                &file.source,
                at,
                "the code grants `*`: every permission, now and in future",
                "global wildcard",
                "grant the permissions the key needs",
            )
        } else if destructive.is_empty() {
            Finding::new(
                RuleId::C011.rule(),
                &file.source,
                at,
                format!("the code grants the wildcard `{}`", escaped(grant)),
                "wildcard grant",
                "grant the permissions the key needs; Unkey's engine matches `*` literally",
            )
            .at_most(Level::Warning)
        } else {
            let listed: Vec<String> = destructive.iter().map(|name| format!("`{}`", escaped(name))).collect();
            Finding::new(
                RuleId::C011.rule(),
                &file.source,
                at,
                format!(
                    "the code grants `{}`, which reaches destructive permissions: {}",
                    escaped(grant),
                    listed.join(", ")
                ),
                "wildcard reaching destructive permissions",
                "grant the permissions the key needs",
            )
        };
        out.push(finding);
    }
}
