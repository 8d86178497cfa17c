//! W008 semantics-divergence: a wildcard grant whose meaning depends on which of Unkey's
//! descriptions of `*` holds.

use crate::eval::{Matching, Semantics};
use crate::lint::context::{LintContext, is_wildcard};
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of W008.
pub static DOC: Doc = Doc {
    summary: "a wildcard grant that means different things to Unkey's docs and its engine",
    what: "Finds wildcard grants and names what they grant under Unkey's documentation \
(wildcard) that they do not grant under Unkey's verification engine (literal): the catalog \
permissions, and the cases of the file whose decision differs.",
    why: "Unkey's docs say `documents.*` grants `documents.read`; its engine matches `*` \
literally. A policy written to the docs may deny in production, and one tested against the \
engine may allow more once the docs' behaviour ships. Either way the grant is ambiguous.",
    example: r#"roles:
  editor:
    permissions: ["documents.*"]       # W008

# Fix: concrete permissions mean the same thing everywhere
roles:
  editor:
    permissions: [documents.read, documents.write]

# Or run the suite with `semantics: strict` and record both verdicts:
#   expect: {wildcard: allow, literal: deny}"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for site in cx.api_grant_sites() {
        let pattern = &site.permission.value;
        if !is_wildcard(pattern) {
            continue;
        }
        let only_documented: Vec<&str> = cx
            .reach(pattern)
            .into_iter()
            .filter(|p| p != pattern)
            .collect();
        let flipped = flipped_cases(cx, site.owner);
        let mut parts = Vec::new();
        if !only_documented.is_empty() {
            parts.push(format!(
                "under the docs it grants {}",
                only_documented.join(", ")
            ));
        }
        parts.push(format!(
            "under the engine it grants only the literal string `{pattern}`"
        ));
        if !flipped.is_empty() {
            parts.push(format!("cases decided differently: {}", flipped.join("; ")));
        }
        out.push(
            Finding::new(
                RuleId::W008.rule(),
                cx.policy_source(),
                site.permission.span,
                format!("`{pattern}` means different things to Unkey's docs and engine: {}", parts.join("; ")),
                "meaning depends on the semantics",
                "grant concrete permissions, or test with `semantics: strict` and per-mode expectations",
            )
            .owned_by(site.owner),
        );
    }
}

/// Names of the file's cases, for keys receiving `owner`'s grants, whose decision differs
/// between the two readings.
fn flipped_cases(cx: &LintContext<'_>, owner: crate::lint::Owner) -> Vec<String> {
    let receivers: Vec<usize> = cx
        .receivers(owner)
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    let now = cx.file.now.unwrap_or_else(jiff::Timestamp::now);
    cx.file
        .cases
        .iter()
        .filter(|case| {
            cx.resolved
                .key_index(&case.key.value)
                .is_some_and(|key| receivers.contains(&key))
        })
        .filter(|case| {
            let Some(parsed) = cx.parsed(&case.query) else {
                return false;
            };
            let verdict = cx
                .resolved
                .verdict(&case.key.value, parsed, Semantics::Strict, now);
            let code = |wanted: Matching| {
                let mut codes = verdict.codes().iter();
                codes
                    .find(|(matching, _)| *matching == wanted)
                    .map(|(_, code)| *code)
            };
            code(Matching::Wildcard) != code(Matching::Literal)
        })
        .map(|case| format!("`{}`", case.name))
        .collect()
}
