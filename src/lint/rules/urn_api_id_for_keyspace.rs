//! R006 urn-api-id-for-keyspace: an API id where Unkey's URN checks name a keyspace id.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of R006.
pub(crate) static DOC: Doc = Doc {
    summary: "an API id where Unkey's URN checks name the API's keyspace id",
    what: "Reports URN grants whose `keyspaces/<id>` segment is an API id rather than a \
keyspace id: one of the ids the policy declares under `apis:`, or, whatever `apis:` says, an \
id with the prefix of Unkey's API ids (`api_`), since Unkey's keyspace ids start with `ks_`.",
    why: "Key routes check `keyspaces/{keyAuthId}/...`, where `keyAuthId` is the API's \
keyspace, a different id from the API's own (`api_...`). A grant on \
`keyspaces/api_123/keys/*` looks right and matches nothing.",
    example: r#"apis:
  api_123:
    keyspace: ks_456
root_keys:
  reader:
    permissions: ["unkey:v1:ws_1:keyspaces/api_123/keys/*#read_key"]    # R006

# Fix: the keyspace id
apis:
  api_123:
    keyspace: ks_456
root_keys:
  reader:
    permissions: ["unkey:v1:ws_1:keyspaces/ks_456/keys/*#read_key"]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let apis = &cx.policy().apis;
    for (site, grant) in cx.valid_urn_grants() {
        let mut segments = grant.path.split('/');
        if segments.next() != Some("keyspaces") {
            continue;
        }
        let Some(named) = segments.next() else {
            continue;
        };
        let keyspace_too = apis.iter().any(|api| api.keyspace.value == named);
        if keyspace_too {
            continue;
        }
        let Some(api) = apis.iter().find(|api| api.id.value == named) else {
            if named.starts_with("api_") {
                out.push(
                    Finding::new(
                        RuleId::R006.rule(),
                        cx.policy_source(),
                        site.permission.span,
                        format!(
                            "`{named}` has the prefix of an API id; Unkey's URN checks name the \
                             API's keyspace (`ks_...`)"
                        ),
                        "an API id, not a keyspace id",
                        format!(
                            "write the keyspace id of `{named}` (Unkey's dashboard or \
                             `apis.getApi` shows it), and declare it: `apis: {{{named}: \
                             {{keyspace: ks_...}}}}`"
                        ),
                    )
                    .owned_by(site.owner),
                );
            }
            continue;
        };
        let corrected = site.permission.value.replacen(
            &format!(":keyspaces/{named}"),
            &format!(":keyspaces/{}", api.keyspace.value),
            1,
        );
        out.push(
            Finding::new(
                RuleId::R006.rule(),
                cx.policy_source(),
                site.permission.span,
                format!(
                    "`{named}` is an API id; Unkey's URN checks name its keyspace `{}`",
                    api.keyspace.value
                ),
                "an API id, not a keyspace id",
                format!("write `{corrected}`"),
            )
            .with_related(api.keyspace.span, format!("the keyspace of `{named}`"))
            .owned_by(site.owner),
        );
    }
}
