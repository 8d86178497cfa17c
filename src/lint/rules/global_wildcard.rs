//! W001 global-wildcard: a grant of exactly `*`.

use crate::lint::context::LintContext;
use crate::eval::Semantics;
use crate::lint::{Doc, Finding, Level, RuleId};

/// The documentation of W001.
pub(crate) static DOC: Doc = Doc {
    summary: "a grant of exactly `*`",
    what: "Finds roles and keys that are granted `*`, and points at every key that receives it.",
    why: "Under Unkey's documented semantics `*` grants every permission that exists now and \
every permission added later: a key holding it can do anything, including what no one has \
thought of yet. It is almost always an accident, or a break-glass grant that deserves an \
explicit, reviewed exception. Under `semantics: literal` (how Unkey's engine matches) `*` \
grants only the permission literally named `*`: the finding is then a warning, since the \
grant is inert today and dangerous only if the docs' reading is ever implemented.",
    example: r#"roles:
  admin:
    permissions: ["*"]          # W001

# Fix: grant what the role needs
roles:
  admin:
    permissions: [documents.read, documents.write, documents.delete]

# Or, if it is deliberate, say so where it is granted
roles:
  admin:
    permissions: ["*"]
    lint: {allow: [global-wildcard], reason: "break-glass role, on-call only"}"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for site in cx.api_grant_sites() {
        if site.permission.value != "*" {
            continue;
        }
        let receivers = cx.receivers(site.owner);
        let owner = cx.owner_name(site.owner);
        let finding = if cx.semantics() == Semantics::Literal {
            // Unkey's engine reads `*` as a slug: the grant is inert, not global.
            Finding::new(
                RuleId::W001.rule(),
                cx.policy_source(),
                site.permission.span,
                format!(
                    "{owner} grants `*`, which under `semantics: literal` (Unkey's engine) grants \
                     only the literal permission `*`; Unkey's docs describe it as every \
                     permission: the grant is inert today and dangerous if the docs' reading is \
                     ever implemented"
                ),
                "inert today; everything under the docs' reading",
                "remove it, or grant the concrete permissions it was meant to give",
            )
            .at_most(Level::Warning)
        } else {
            Finding::new(
                RuleId::W001.rule(),
                cx.policy_source(),
                site.permission.span,
                format!("{owner} grants `*`: every permission, now and in the future"),
                "grants everything",
                "grant the concrete permissions it needs, or excuse it with `lint: {allow: [global-wildcard], reason: ...}` if it is a deliberate break-glass grant",
            )
        };
        let mut finding = finding.owned_by(site.owner);
        for (key, span) in receivers {
            if matches!(site.owner, crate::lint::Owner::Role(_)) {
                let name = &cx.policy().keys[key].name.value;
                finding = finding.with_related(span, format!("key `{name}` receives it"));
            }
        }
        out.push(finding);
    }
}
