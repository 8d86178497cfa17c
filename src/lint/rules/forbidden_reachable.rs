//! X004 forbidden-reachable: a grant that reaches a forbidden permission.

use crate::eval::{Matching, grant_matches};
use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of X004.
pub(crate) static DOC: Doc = Doc {
    summary: "a grant that reaches a permission a `forbid` rule prohibits",
    what: "Finds grants that match a forbid rule's permission, or that a forbid rule's pattern \
matches.",
    why: "Every use of such a grant is FORBIDDEN: either the grant is dead and can go, or the \
forbid rule is wrong and blocks access the key needs.",
    example: r#"roles:
  finance:
    permissions: [billing.manage]     # X004
forbid:
  - permission: billing.manage"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for site in cx.api_grant_sites() {
        let grant = &site.permission.value;
        let rule = cx.policy().forbid.iter().find(|rule| {
            let forbidden = &rule.permission.value;
            grant_matches(grant, forbidden, Matching::Wildcard)
                || grant_matches(forbidden, grant, Matching::Wildcard)
        });
        let Some(rule) = rule else { continue };
        out.push(
            Finding::new(
                RuleId::X004.rule(),
                cx.policy_source(),
                site.permission.span,
                format!(
                    "{} grants `{grant}`, which reaches `{}`, forbidden for every key",
                    cx.owner_name(site.owner),
                    rule.permission.value
                ),
                "reaches a forbidden permission",
                "remove the grant if it is dead, or fix the forbid rule if the access is needed",
            )
            .with_related(rule.permission.span, "forbidden here")
            .owned_by(site.owner),
        );
    }
}
