//! R008 urn-privilege-escalation: a URN grant that lets a root key give keys any permission.

use crate::least_privilege::ESCALATING_ROUTES;
use crate::lint::context::LintContext;
use crate::lint::urn_reach::templates;
use crate::lint::{Doc, Finding, RuleId};


/// The documentation of R008.
pub(crate) static DOC: Doc = Doc {
    summary: "a URN grant of `update_key` on every key of a keyspace: it assigns any permission",
    what: "Finds URN grants that pass the URN check of keys.addPermissions, setPermissions, \
addRoles or setRoles for every key of a keyspace (`.../keys/*#update_key`, `**`).",
    why: "Those routes accept `update_key` alone on their URN arm, where their legacy arm \
also asks for `rbac.*.add_permission_to_key`. A key meant to update credits or metadata can \
therefore attach any existing permission or role to any key it can update: it grants access \
it does not hold.",
    example: r#"root_keys:
  billing_sync:
    permissions: ["unkey:v1:ws_1:keyspaces/ks_1/keys/*#update_key"]    # R008

# Fix: if the key must update keys, say that it may escalate, and why
root_keys:
  billing_sync:
    permissions: ["unkey:v1:ws_1:keyspaces/ks_1/keys/*#update_key"]
    lint: {allow: [urn-privilege-escalation], reason: "the sync only sets credits; reviewed"}"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let escalating: Vec<_> = templates()
        .into_iter()
        .filter(|template| template.flag.is_none() && ESCALATING_ROUTES.contains(&template.route))
        .collect();
    for (site, grant) in cx.valid_urn_grants() {
        if grant.path == "**" && grant.action == "*" {
            continue; // the admin grant: R002
        }
        // Every key of some keyspace: the keyspace may be pinned, the key may not.
        let routes: Vec<&str> = escalating
            .iter()
            .filter(|template| template.covered_for_all(&grant, |param, _| param == "keyAuthId"))
            .map(|template| template.route)
            .collect();
        if routes.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                RuleId::R008.rule(),
                cx.policy_source(),
                site.permission.span,
                format!(
                    "`{}` lets the root key attach any permission or role to every key it covers",
                    site.permission.value
                ),
                "escalates",
                format!(
                    "{} check only `update_key` on their URN arm; grant `update_key` on the \
                     keys the job must change, or excuse the finding with a reason",
                    routes.join(", ")
                ),
            )
            .owned_by(site.owner),
        );
    }
}
