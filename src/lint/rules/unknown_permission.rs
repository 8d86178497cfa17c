//! N001 unknown-permission: a permission that is not in the catalog.

use crate::lint::context::{LintContext, is_wildcard};
use crate::lint::rules::invalid_slug::slug_problem;
use crate::lint::{Finding, Fix, Level, Rule};
use crate::policy::KeyKind;
use crate::query;
use crate::suggest::typo_of;

/// N001.
pub static RULE: Rule = Rule {
    code: "N001",
    name: "unknown-permission",
    level: Level::Error,
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
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let Some(catalog) = cx.catalog() else { return };
    let known: Vec<&str> = catalog.iter().map(|entry| entry.value.as_str()).collect();
    let help = |value: &str| match typo_of(value, known.iter().copied()) {
        Some(meant) => format!("did you mean `{meant}`?"),
        None => "add it to `permissions:`, or fix the name".to_owned(),
    };
    // The catalog entry a grant is a near-certain misspelling of, when it is a valid slug to
    // write in its place. Granting it changes access, so the fix is unsafe.
    let correction = |value: &str| {
        typo_of(value, known.iter().copied())
            .filter(|&suggestion| slug_problem(suggestion).is_none())
            .map(|suggestion| (suggestion, format!("replace `{value}` by `{suggestion}`")))
    };
    if cx.owns_policy {
        for site in cx.api_grant_sites() {
            let value = &site.permission.value;
            if is_wildcard(value) || known.contains(&value.as_str()) {
                continue;
            }
            out.push(
                Finding::new(
                    &RULE,
                    cx.policy_source(),
                    site.permission.span,
                    format!(
                        "{} grants `{value}`, which is not in the catalog",
                        cx.owner_name(site.owner)
                    ),
                    "unknown permission",
                    help(value),
                )
                .owned_by(site.owner)
                .with_fix(correction(value).map(|(suggestion, description)| {
                    let text = cx.policy_source().text();
                    Fix::replace_grant(text, site.permission.span, suggestion, description)
                })),
            );
        }
    }
    let policy = cx.policy();
    let mut seen = std::collections::HashSet::new();
    for case in &cx.file.cases {
        let root = cx
            .resolved
            .key_index(&case.key.value)
            .is_some_and(|key| policy.keys[key].kind == KeyKind::Root);
        let Ok(parsed) = query::parse(&case.query.text) else {
            continue;
        };
        if root {
            continue;
        }
        // A query is never rewritten: a case that tests something else passes silently.
        for (permission, span) in parsed.permissions() {
            let span = case.query.span_in_file(span);
            if !known.contains(&permission) && seen.insert(span) {
                out.push(Finding::new(
                    &RULE,
                    &cx.file.source,
                    span,
                    format!("the query requires `{permission}`, which is not in the catalog"),
                    "unknown permission",
                    help(permission),
                ));
            }
        }
    }
}
