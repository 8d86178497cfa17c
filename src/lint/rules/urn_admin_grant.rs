//! R002 urn-admin-grant: the URN admin grant `unkey:v1:<ws>:**#*`.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of R002.
pub(crate) static DOC: Doc = Doc {
    summary: "the admin grant `unkey:v1:<workspace>:**#*` on a root key",
    what: "Finds root keys holding `**#*`: every action on every resource of the workspace.",
    why: "It passes every route's URN check, now and whenever Unkey adds a route or an \
action: reading and decrypting every key, deleting keys, changing deployments. A key that \
needs a few actions should name them, so that a leaked key does bounded harm.",
    example: r#"root_keys:
  deployer:
    permissions: ["unkey:v1:ws_1:**#*"]    # R002

# Fix: the actions the key needs, on the resources it needs
root_keys:
  deployer:
    permissions: ["unkey:v1:ws_1:projects/p_1/apps/*/environments/*/deployments/*#create_deployment"]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for (site, grant) in cx.valid_urn_grants() {
        if grant.path == "**" && grant.action == "*" {
            out.push(
                Finding::new(
                    RuleId::R002.rule(),
                    cx.policy_source(),
                    site.permission.span,
                    format!(
                        "`{}` allows every action on every resource of `{}`",
                        site.permission.value, grant.workspace
                    ),
                    "the admin grant",
                    "grant the actions the key needs on the resources it needs, e.g. \
                     `unkey:v1:<ws>:keyspaces/<keyspace>/keys/*#read_key`; `permspec routes` \
                     lists what each route checks",
                )
                .owned_by(site.owner),
            );
        }
    }
}
