//! W002 top-level-wildcard: `X.*` for a top-level namespace `X`.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of W002.
pub(crate) static DOC: Doc = Doc {
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
        let pattern = &site.permission.value;
        let owner = cx.owner_name(site.owner);
        let docs_reading = format!("grants every present and future permission under `{namespace}`");
        let finding = match cx.literal_reading(pattern, &docs_reading) {
            Some(reading) => Finding::new(
                RuleId::W002.rule(),
                cx.policy_source(),
                site.permission.span,
                format!("{owner} grants `{pattern}`: {reading}"),
                format!("inert today; all of `{namespace}` under the docs' reading"),
                help,
            ),
            None => Finding::new(
                RuleId::W002.rule(),
                cx.policy_source(),
                site.permission.span,
                format!("{owner} grants `{pattern}`: every present and future permission under `{namespace}`"),
                format!("all of `{namespace}`"),
                help,
            )
            .with_fix(cx.expansion_fix(site)),
        };
        out.push(finding.owned_by(site.owner));
    }
}
