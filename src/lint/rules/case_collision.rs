//! N003 case-collision: two permissions or roles equal except for case.

use std::collections::{HashMap, HashSet};
use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::policy::Spanned;

/// The documentation of N003.
pub(crate) static DOC: Doc = Doc {
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
        let mut reported = HashSet::new();
        // Each spelling met so far, by its lower-case form, in the order first met.
        let mut spellings: HashMap<String, Vec<&Spanned<String>>> = HashMap::new();
        for name in names {
            let lower = name.value.to_ascii_lowercase();
            let known = spellings.entry(lower.clone()).or_default();
            let twin = known.iter().copied().find(|earlier| earlier.value != name.value);
            if !known.iter().any(|earlier| earlier.value == name.value) {
                known.push(name);
            }
            let Some(twin) = twin else { continue };
            if !reported.insert(lower) {
                continue;
            }
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
