//! W008 semantics-divergence: a wildcard grant whose meaning depends on which of Unkey's
//! descriptions of `*` holds.

use crate::eval::{Matching, Semantics};
use crate::lint::context::{LintContext, is_wildcard};
use crate::lint::{Doc, Finding, Owner, RuleId};
use std::collections::HashMap;

/// The documentation of W008.
pub(crate) static DOC: Doc = Doc {
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
    // The file's cases by key, and the flipped cases of each owner, found once: an owner
    // may hold many wildcard grants, and a file many cases.
    let mut cases_by_key: Option<HashMap<usize, Vec<(usize, usize)>>> = None;
    let mut flipped_by_owner: HashMap<Owner, Vec<String>> = HashMap::new();
    // Whether each case of each file flips, decided once whichever owners reach its key.
    let mut flips: Vec<Vec<Option<bool>>> = (cx.testing.iter())
        .map(|file| vec![None; file.checks.len()])
        .collect();
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
        let cases_by_key = cases_by_key.get_or_insert_with(|| by_key(cx));
        let flipped = flipped_by_owner
            .entry(site.owner)
            .or_insert_with(|| flipped_cases(cx, site.owner, cases_by_key, &mut flips));
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

/// The cases of every file testing the policy, as (file, case) indices, by the index of
/// the key they name (in file order).
fn by_key(cx: &LintContext<'_>) -> HashMap<usize, Vec<(usize, usize)>> {
    let mut cases: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for (at, file) in cx.testing.iter().enumerate() {
        for (index, case) in file.checks.iter().enumerate() {
            if case.subject.query().is_some()
                && let Some(key) = cx.resolved.key_index(&case.key.value)
            {
                cases.entry(key).or_default().push((at, index));
            }
        }
    }
    cases
}

/// Names of the cases, of every file testing the policy, for keys receiving `owner`'s
/// grants, whose decision differs between the two readings, in file order (a case of
/// another file than the policy's named with its file). `flips` keeps what each case was
/// found to do.
fn flipped_cases(
    cx: &LintContext<'_>,
    owner: Owner,
    cases_by_key: &HashMap<usize, Vec<(usize, usize)>>,
    flips: &mut [Vec<Option<bool>>],
) -> Vec<String> {
    let mut indices: Vec<(usize, usize)> = (cx.receivers(owner).into_iter())
        .filter_map(|(key, _)| cases_by_key.get(&key))
        .flatten()
        .copied()
        .collect();
    indices.sort_unstable();
    indices.dedup();
    indices
        .into_iter()
        .filter(|&(at, index)| *flips[at][index].get_or_insert_with(|| flips_case(cx, at, index)))
        .map(|(at, index)| {
            let file = cx.testing[at];
            let case = &file.checks[index];
            if std::ptr::eq(file, cx.file) {
                format!("`{}`", case.name())
            } else {
                format!("`{}` in `{}`", case.name(), file.source.name())
            }
        })
        .collect()
}

/// Whether case `index` of testing file `at` is decided differently by the two readings;
/// false for a query that does not parse.
fn flips_case(cx: &LintContext<'_>, at: usize, index: usize) -> bool {
    let file = cx.testing[at];
    let case = &file.checks[index];
    let Some(query) = case.subject.query() else {
        return false;
    };
    let parsed = match cx.parsed(query) {
        Some(parsed) => std::borrow::Cow::Borrowed(parsed),
        None => match crate::query::parse(&query.text) {
            Ok(parsed) => std::borrow::Cow::Owned(parsed),
            Err(_) => return false,
        },
    };
    let now = file.now.unwrap_or_else(jiff::Timestamp::now);
    let verdict = cx
        .resolved
        .verdict(&case.key.value, &parsed, Semantics::Strict, now);
    let code = |wanted: Matching| {
        let mut codes = verdict.codes().iter();
        codes
            .find(|(matching, _)| *matching == wanted)
            .map(|(_, code)| *code)
    };
    code(Matching::Wildcard) != code(Matching::Literal)
}
