//! R005 urn-foreign-workspace: a URN grant for another workspace than `workspace.id`.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of R005.
pub(crate) static DOC: Doc = Doc {
    summary: "a URN grant naming another workspace than `workspace.id`",
    what: "When the policy declares `workspace: {id: ...}`, reports URN grants of root keys \
whose workspace differs.",
    why: "Unkey compares workspaces exactly (a `*` workspace is literal): a grant for another \
workspace, often one copied from staging, matches nothing in this one.",
    example: r#"workspace:
  id: ws_prod
root_keys:
  reader:
    permissions: ["unkey:v1:ws_staging:keyspaces/*/keys/*#read_key"]    # R005

# Fix: the workspace the key lives in
workspace:
  id: ws_prod
root_keys:
  reader:
    permissions: ["unkey:v1:ws_prod:keyspaces/*/keys/*#read_key"]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let Some(workspace) = &cx.policy().workspace_id else {
        return;
    };
    for (site, grant) in cx.valid_urn_grants() {
        if grant.workspace == workspace.value {
            continue;
        }
        out.push(
            Finding::new(
                RuleId::R005.rule(),
                cx.policy_source(),
                site.permission.span,
                format!(
                    "`{}` is for the workspace `{}`, not `{}`",
                    site.permission.value, grant.workspace, workspace.value
                ),
                "another workspace",
                format!("write `unkey:v1:{}:{}#{}`", workspace.value, grant.path, grant.action),
            )
            .with_related(workspace.span, "the root keys' workspace")
            .owned_by(site.owner),
        );
    }
}
