//! R007 legacy-urn-duplicate: a legacy tuple made redundant by a URN grant of the same key.

use crate::eval::urn::UrnPermission;
use crate::lint::context::LintContext;
use crate::lint::urn_reach::redundant_tuple;
use crate::lint::{Doc, Finding, Owner, RuleId};

/// The documentation of R007.
pub(crate) static DOC: Doc = Doc {
    summary: "a legacy tuple that a URN grant of the same root key makes redundant",
    what: "For each legacy grant of a root key, finds the routes whose legacy check it \
passes; if on every one of them the key's URN grants pass the route's URN check for every \
resource, the tuple adds nothing.",
    why: "During a migration both forms pile up. Each route accepts either, so the pair is \
harmless today but doubles what reviewers read, and removing one of the two in a later \
change looks like it removes access when it does not (or the reverse).",
    example: r#"root_keys:
  reader:
    permissions:
      - api.*.read_key                                   # R007
      - "unkey:v1:ws_1:keyspaces/*/keys/*#read_key"

# Fix: keep one form
root_keys:
  reader:
    permissions: ["unkey:v1:ws_1:keyspaces/*/keys/*#read_key"]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let workspace = cx.policy().workspace_id.as_ref().map(|id| id.value.as_str());
    for (index, key) in cx.policy().keys.iter().enumerate() {
        let owner = Owner::Key(index);
        let urn_grants: Vec<(&str, UrnPermission<'_>)> = cx
            .valid_urn_grants()
            .filter(|(site, parsed)| {
                site.owner == owner && workspace.is_none_or(|ws| parsed.workspace == ws)
            })
            .map(|(site, parsed)| (site.permission.value.as_str(), parsed))
            .collect();
        if urn_grants.is_empty() {
            continue;
        }
        let legacy: Vec<_> = cx.root_grant_sites().filter(|site| site.owner == owner).collect();
        let texts: Vec<&str> = legacy.iter().map(|site| site.permission.value.as_str()).collect();
        for site in &legacy {
            let tuple = site.permission.value.as_str();
            let Some((routes, covering)) = redundant_tuple(tuple, &texts, &urn_grants) else {
                continue;
            };
            out.push(
                Finding::new(
                    RuleId::R007.rule(),
                    cx.policy_source(),
                    site.permission.span,
                    format!(
                        "`{tuple}` adds nothing to `{}` of key `{}`",
                        covering.join("`, `"),
                        key.name.value
                    ),
                    "redundant",
                    format!(
                        "wherever `{tuple}` passes a check ({}), the URN grant passes it for \
                         every resource: keep one form",
                        routes.join(", ")
                    ),
                )
                .owned_by(owner),
            );
        }
    }
}
