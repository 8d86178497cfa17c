//! W006 literal-star-ambiguity: `*` sharing a segment with other characters.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of W006.
pub(crate) static DOC: Doc = Doc {
    summary: "`*` sharing a segment with other characters",
    what: "Finds grants and forbid rules with a `*` inside a segment, such as `doc*` or \
`system:admin:*`.",
    why: "Unkey treats `*` as a wildcard only when it is a whole `.`-separated segment. \
`doc*` is the literal string `doc*` in every mode: it was almost surely meant as a wildcard, \
and grants (or forbids) nothing.",
    example: r#"roles:
  ops:
    permissions: ["system:admin:*"]     # W006: a literal string

# Fix: make the wildcard a segment of its own
roles:
  ops:
    permissions: ["system.admin.*"]"#,
};

/// True if a `*` shares a segment with other characters.
pub(crate) fn has_literal_star(pattern: &str) -> bool {
    pattern
        .split('.')
        .any(|segment| segment != "*" && segment.contains('*'))
}

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let help = "write the wildcard as a whole segment (`documents.*`), or list the permissions";
    for site in cx.api_grant_sites() {
        if has_literal_star(&site.permission.value) {
            out.push(
                Finding::new(
                    RuleId::W006.rule(),
                    cx.policy_source(),
                    site.permission.span,
                    format!(
                        "`{}` is a literal string in every mode, not a wildcard",
                        site.permission.value
                    ),
                    "`*` inside a segment",
                    help,
                )
                .owned_by(site.owner),
            );
        }
    }
    for rule in &cx.policy().forbid {
        if has_literal_star(&rule.permission.value) {
            out.push(Finding::new(
                RuleId::W006.rule(),
                cx.policy_source(),
                rule.permission.span,
                format!(
                    "forbid rule `{}` is a literal string in every mode, not a wildcard",
                    rule.permission.value
                ),
                "`*` inside a segment",
                help,
            ));
        }
    }
}
