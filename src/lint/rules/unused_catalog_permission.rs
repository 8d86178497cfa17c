//! S005 unused-catalog-permission: a catalog permission no role or key can exercise.

use crate::eval::{Matching, grant_matches};
use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of S005.
pub(crate) static DOC: Doc = Doc {
    summary: "a catalog permission no role or key can exercise",
    what: "Finds permissions in the catalog (`permissions:`) that no grant of any role or key \
reaches, even under Unkey's documented wildcard semantics.",
    why: "Either the permission is obsolete and the catalog should lose it, or somebody who \
needs it does not have it yet.",
    example: r#"permissions: [documents.read, documents.archive]   # S005: nobody holds documents.archive
roles:
  reader:
    permissions: [documents.read]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let Some(catalog) = cx.catalog() else { return };
    for entry in catalog {
        let held = cx
            .api_grant_sites()
            .any(|site| grant_matches(&site.permission.value, &entry.value, Matching::Wildcard));
        if !held {
            out.push(Finding::new(
                RuleId::S005.rule(),
                cx.policy_source(),
                entry.span,
                format!("no role or key can exercise `{}`", entry.value),
                "held by nobody",
                "remove it from the catalog if it is obsolete, or grant it where it is needed",
            ));
        }
    }
}
