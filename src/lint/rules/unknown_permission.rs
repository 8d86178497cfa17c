//! N001 unknown-permission: a permission that is not in the catalog.

use crate::lint::context::{LintContext, is_wildcard};
use crate::lint::rules::invalid_slug::slug_problem;
use crate::lint::{Doc, Finding, Fix, RuleId};
use crate::policy::{KeyKind, QueryText, Source};
use crate::query::Query;
use crate::suggest::typo_of;
use std::collections::HashSet;

/// The documentation of N001.
pub(crate) static DOC: Doc = Doc {
    summary: "a granted or queried permission that is not in the catalog",
    what: "With a catalog (`permissions:`), finds concrete permissions granted to roles and \
keys, and permissions required by queries, that the catalog does not list; suggests the \
closest catalog entry.",
    why: "A typo in a grant gives a key nothing; a typo in a query makes a check that can \
never pass. Both fail silently until a user is refused.",
    example: r#"permissions: [documents.read, documents.write]
roles:
  reader:
    permissions: [document.read]        # N001: did you mean documents.read?"#,
};

/// What the catalog knows, and the did-you-mean for a name it does not.
struct Catalog<'a> {
    /// In the catalog's order, for suggestions.
    known: Vec<&'a str>,
    /// For look-ups.
    listed: HashSet<&'a str>,
}

impl<'a> Catalog<'a> {
    fn new(known: Vec<&'a str>) -> Self {
        let listed = known.iter().copied().collect();
        Catalog { known, listed }
    }

    fn lists(&self, permission: &str) -> bool {
        self.listed.contains(permission)
    }

    fn help(&self, value: &str) -> String {
        match typo_of(value, self.known.iter().copied()) {
            Some(meant) => format!("did you mean `{meant}`?"),
            None => "add it to `permissions:`, or fix the name".to_owned(),
        }
    }
}

fn catalog<'a>(cx: &LintContext<'a>) -> Option<Catalog<'a>> {
    let known: Vec<&str> = cx.catalog()?.iter().map(|entry| entry.value.as_str()).collect();
    Some(Catalog::new(known))
}

/// Checks a query of a file of queries against `known`, the catalogs of the policies linted
/// with it: the permissions it requires that none lists.
pub(crate) fn queried(
    source: &Source,
    text: &QueryText,
    parsed: &Query,
    known: &[&str],
    out: &mut Vec<Finding>,
) {
    let catalog = Catalog::new(known.to_vec());
    for (permission, span) in parsed.permissions() {
        if !catalog.lists(permission) {
            out.push(Finding::new(
                RuleId::N001.rule(),
                source,
                text.span_in_file(span),
                format!(
                    "the query requires `{permission}`, which is not in the catalog of the \
                     policies linted"
                ),
                "unknown permission",
                catalog.help(permission),
            ));
        }
    }
}

/// Checks the policy a file declares: its grants.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let Some(catalog) = catalog(cx) else { return };
    // The catalog entry a grant is a near-certain misspelling of, when it is a valid slug to
    // write in its place. Granting it changes access, so the fix is unsafe.
    let correction = |value: &str| {
        typo_of(value, catalog.known.iter().copied())
            .filter(|&suggestion| slug_problem(suggestion).is_none())
            .map(|suggestion| (suggestion, format!("replace `{value}` by `{suggestion}`")))
    };
    for site in cx.api_grant_sites() {
        let value = &site.permission.value;
        if is_wildcard(value) || catalog.lists(value) {
            continue;
        }
        out.push(
            Finding::new(
                RuleId::N001.rule(),
                cx.policy_source(),
                site.permission.span,
                format!(
                    "{} grants `{value}`, which is not in the catalog",
                    cx.owner_name(site.owner)
                ),
                "unknown permission",
                catalog.help(value),
            )
            .owned_by(site.owner)
            .with_fix(correction(value).map(|(suggestion, description)| {
                let text = cx.policy_source().text();
                Fix::replace_grant(text, site.permission.span, suggestion, description)
            })),
        );
    }
}

/// Checks a file's cases: the permissions their queries require.
pub fn file(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let Some(catalog) = catalog(cx) else { return };
    let policy = cx.policy();
    let mut seen = HashSet::new();
    for (case, query) in cx.file.query_checks() {
        let root = cx
            .resolved
            .key_index(&case.key.value)
            .is_some_and(|key| policy.keys[key].kind == KeyKind::Root);
        let Some(parsed) = cx.parsed(query) else {
            continue;
        };
        if root {
            continue;
        }
        // A query is never rewritten: a case that tests something else passes silently.
        for (permission, span) in parsed.permissions() {
            let span = query.span_in_file(span);
            if !catalog.lists(permission) && seen.insert(span) {
                out.push(Finding::new(
                    RuleId::N001.rule(),
                    &cx.file.source,
                    span,
                    format!("the query requires `{permission}`, which is not in the catalog"),
                    "unknown permission",
                    catalog.help(permission),
                ));
            }
        }
    }
}
