//! N003 case-collision: two permissions or roles equal except for case.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::policy::Spanned;

/// The documentation of N003.
pub static DOC: Doc = Doc {
    summary: "two permissions or roles equal except for case",
    what: "Finds role names, and permissions (in the catalog and in grants), that differ only \
in letter case.",
    why: "Unkey compares permissions exactly: `Documents.Read` and `documents.read` are two \
different permissions, and a key granted one is refused the other.",
    example: r#"permissions: [documents.read]
roles:
  reader:
    permissions: [Documents.Read]        # N003 beside documents.read

# Fix: one spelling, the catalog's
roles:
  reader:
    permissions: [documents.read]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let policy = cx.policy();
    let roles: Vec<&Spanned<String>> = policy.roles.iter().map(|role| &role.name).collect();
    let mut permissions: Vec<&Spanned<String>> = cx.catalog().unwrap_or_default().iter().collect();
    permissions.extend(cx.api_grant_sites().map(|site| site.permission));
    for (what, names) in [("role", roles), ("permission", permissions)] {
        let mut reported = Vec::new();
        for (position, name) in names.iter().enumerate() {
            let twin = names[..position].iter().find(|earlier| {
                earlier.value != name.value && earlier.value.eq_ignore_ascii_case(&name.value)
            });
            let Some(twin) = twin else { continue };
            if reported.contains(&name.value.to_ascii_lowercase()) {
                continue;
            }
            reported.push(name.value.to_ascii_lowercase());
            out.push(
                Finding::new(
                    RuleId::N003.rule(),
                    cx.policy_source(),
                    name.span,
                    format!(
                        "{what} `{}` differs from `{}` only in case",
                        name.value, twin.value
                    ),
                    "case differs",
                    "Unkey compares names exactly: use one spelling everywhere",
                )
                .with_related(twin.span, "the other spelling"),
            );
        }
    }
}
