//! W002 top-level-wildcard: `X.*` for a top-level namespace `X`.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of W002.
pub static DOC: Doc = Doc {
    summary: "`X.*` over a whole top-level namespace",
    what: "Finds grants such as `documents.*`: a wildcard directly under a top-level namespace.",
    why: "It grants every permission under the namespace that exists today and every one \
added tomorrow. When someone adds `documents.purge`, every holder of `documents.*` gets it \
without a review.",
    example: r#"keys:
  contractor:
    permissions: ["documents.*"]      # W002

# Fix: the permissions the key needs
keys:
  contractor:
    permissions: [documents.read, documents.write]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for site in cx.api_grant_sites() {
        let Some(namespace) = site.permission.value.strip_suffix(".*") else {
            continue;
        };
        if namespace.contains('.') || namespace.contains('*') || namespace.is_empty() {
            continue;
        }
        let reach = cx.reach(&site.permission.value);
        let help = if reach.is_empty() {
            format!("list the permissions under `{namespace}` that it needs")
        } else {
            format!("list the permissions it needs, e.g. {}", reach.join(", "))
        };
        out.push(
            Finding::new(
                RuleId::W002.rule(),
                cx.policy_source(),
                site.permission.span,
                format!(
                    "{} grants `{}`: every present and future permission under `{namespace}`",
                    cx.owner_name(site.owner),
                    site.permission.value
                ),
                format!("all of `{namespace}`"),
                help,
            )
            .owned_by(site.owner)
            .with_fix(cx.expansion_fix(site)),
        );
    }
}
