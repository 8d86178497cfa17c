//! N003 case-collision: two permissions or roles equal except for case.

use crate::lint::context::LintContext;
use crate::lint::{Finding, Level, Rule};
use crate::policy::Spanned;

/// N003.
pub static RULE: Rule = Rule {
    code: "N003",
    name: "case-collision",
    level: Level::Warning,
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
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    if !cx.owns_policy {
        return;
    }
    let policy = cx.policy();
    let roles: Vec<&Spanned<String>> = policy.roles.iter().map(|role| &role.name).collect();
    let mut permissions: Vec<&Spanned<String>> = cx.catalog().unwrap_or_default().iter().collect();
    permissions.extend(cx.api_grant_sites().into_iter().map(|site| site.permission));
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
                    &RULE,
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
