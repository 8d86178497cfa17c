//! W004 wildcard-matches-nothing: a wildcard that matches no catalog permission.

use crate::lint::context::{LintContext, is_wildcard};
use crate::lint::{Doc, Finding, RuleId};
use crate::suggest::did_you_mean;

/// The documentation of W004.
pub(crate) static DOC: Doc = Doc {
    summary: "a wildcard that matches no catalog permission",
    what: "With a catalog (`permissions:`), finds wildcard grants that match none of its \
permissions.",
    why: "Such a grant is dead, or mistyped: the key was meant to have something it does not \
have. It may also start granting something unexpected when a permission of that name is \
added later.",
    example: r#"permissions: [documents.read, documents.write]
roles:
  editor:
    permissions: ["documnets.*"]       # W004: matches nothing

# Fix
roles:
  editor:
    permissions: ["documents.*"]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let Some(catalog) = cx.catalog() else { return };
    let namespaces: Vec<String> = catalog
        .iter()
        .filter_map(|permission| permission.value.split('.').next())
        .map(|namespace| format!("{namespace}.*"))
        .collect();
    for site in cx.api_grant_sites() {
        let pattern = &site.permission.value;
        if !is_wildcard(pattern) || !cx.reach(pattern).is_empty() {
            continue;
        }
        let help = did_you_mean(pattern, namespaces.iter().map(String::as_str))
            .unwrap_or_else(|| "fix the pattern, or remove the grant".to_owned());
        out.push(
            Finding::new(
                RuleId::W004.rule(),
                cx.policy_source(),
                site.permission.span,
                format!("`{pattern}` matches no permission in the catalog"),
                "matches nothing",
                help,
            )
            .owned_by(site.owner),
        );
    }
}
