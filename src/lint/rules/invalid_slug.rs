//! N002 invalid-slug: a permission Unkey's API would reject.

use crate::eval::urn::is_urn;
use crate::policy::KeyKind;
use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::policy::{QueryText, Source, Spanned};
use crate::query::Query;

/// The documentation of N002.
pub(crate) static DOC: Doc = Doc {
    summary: "a permission Unkey's API would reject",
    what: "Checks every granted, forbidden, catalogued and queried permission against Unkey's \
rules for permission slugs: 1 to 128 characters of `A-Z a-z 0-9 _ : - . *`, and no empty \
segment (`a..b`, a leading or trailing `.`).",
    why: "Unkey refuses to create such a permission, so a policy that uses one cannot be \
deployed as written, and a query naming it can never pass.",
    example: r#"roles:
  reader:
    permissions: ["documents/read", "documents..write"]    # N002

# Fix
roles:
  reader:
    permissions: [documents.read, documents.write]"#,
};

const HELP: &str = "use letters, digits and `_ : - . *`, with `.` between non-empty segments";

/// Why `slug` is not a valid permission slug, if it is not.
pub(crate) fn slug_problem(slug: &str) -> Option<String> {
    if slug.is_empty() || slug.len() > 128 {
        return Some(format!(
            "is {} characters long; Unkey allows 1 to 128",
            slug.chars().count()
        ));
    }
    if let Some(bad) = slug
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.' | '*')))
    {
        return Some(format!(
            "contains {bad:?}, which Unkey does not allow in a permission"
        ));
    }
    if slug.split('.').any(str::is_empty) {
        return Some("has an empty segment (`..`, or a leading or trailing `.`)".to_owned());
    }
    None
}

/// Checks a file's cases, access assertions and text, whether or not it declares its policy.
pub fn file(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for (text, parsed) in cx.queries() {
        if let Some(parsed) = parsed {
            query(&cx.file.source, text, parsed, out);
        }
    }
}

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let policy = cx.policy();
    // URN grants of root keys have a grammar of their own (U001).
    let grants = cx
        .grant_sites()
        .iter()
        .filter(|site| !(site.kind == KeyKind::Root && is_urn(&site.permission.value)))
        .map(|site| (site.permission, Some(site.owner)));
    let forbids = policy.forbid.iter().map(|rule| (&rule.permission, None));
    let catalog = cx
        .catalog()
        .unwrap_or_default()
        .iter()
        .map(|entry| (entry, None));
    for (permission, owner) in grants.chain(forbids).chain(catalog) {
        let Spanned { value, span } = permission;
        if let Some(problem) = slug_problem(value) {
            let mut finding = Finding::new(
                RuleId::N002.rule(),
                cx.policy_source(),
                *span,
                format!("`{value}` {problem}"),
                "not a valid permission slug",
                HELP,
            );
            if let Some(owner) = owner {
                finding = finding.owned_by(owner);
            }
            out.push(finding);
        }
    }
}

/// N002 on the permissions one query requires, wherever it is written.
pub fn query(source: &Source, text: &QueryText, parsed: &Query, out: &mut Vec<Finding>) {
    for (permission, span) in parsed.permissions() {
        if let Some(problem) = slug_problem(permission) {
            out.push(Finding::new(
                RuleId::N002.rule(),
                source,
                text.span_in_file(span),
                format!(
                    "the query requires `{permission}`, which Unkey would reject: it {problem}"
                ),
                "no key can hold this permission",
                HELP,
            ));
        }
    }
}
