//! R001 invalid-urn-grant: a root key's URN permission that Unkey cannot parse.

use crate::eval::urn::UrnPermission;
use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of R001.
pub(crate) static DOC: Doc = Doc {
    summary: "a root key's URN permission that Unkey cannot parse, and so ignores",
    what: "Parses every root-key grant that starts with `unkey:` as Unkey does \
(`unkey:v1:<workspace>:<path>#<action>`) and reports the first problem in Unkey's own words.",
    why: "Unkey skips a grant it cannot parse without an error or a log line: the key silently \
lacks the access its owner wrote down. Typical slips: `unkey:v1:ws_1:keyspaces/ks_*#read_key` \
(`*` must be a whole segment), `**` before the end, or `#*` on anything but `**`.",
    example: r#"root_keys:
  reader:
    permissions: ["unkey:v1:ws_1:keyspaces/ks_*#read_key"]    # R001

# Fix: `*` stands for a whole segment
root_keys:
  reader:
    permissions: ["unkey:v1:ws_1:keyspaces/*/keys/*#read_key"]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for site in cx.urn_grant_sites() {
        let Err(error) = UrnPermission::parse(&site.permission.value) else {
            continue;
        };
        out.push(
            Finding::new(
                RuleId::R001.rule(),
                cx.policy_source(),
                site.permission.span,
                format!("Unkey ignores `{}`: {error}", site.permission.value),
                "never parsed, so never matched",
                "write it as `unkey:v1:<workspace>:<path>#<action>`: path segments are names, \
                 `*` or a last `**`; the action `*` goes only with the path `**`",
            )
            .owned_by(site.owner),
        );
    }
}
