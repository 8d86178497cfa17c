//! N009 control-character: a NUL or another control character in a query or a permission.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::policy::{QueryText, Source, Spanned};
use crate::query::{Query, read_by_unkey};
use crate::span::Span;

/// The documentation of N009.
pub(crate) static DOC: Doc = Doc {
    summary: "a NUL or another control character in a query or a permission",
    what: "Finds control characters (U+0000 to U+001F, U+007F to U+009F) in queries, and in \
granted, forbidden and catalogued permissions. Tabs and line breaks between the tokens of a \
query are whitespace and are left alone.",
    why: "What Unkey checks is then not what the text shows. Unkey's lexer stops reading a \
query at a NUL: `documents.read\\0 AND admin` asks only for `documents.read`, so a case \
written to test the whole text tests less, and a reviewer sees a check that never runs. \
Other control characters are invisible in most editors and terminals, and turn a permission \
into another one that only looks the same.",
    example: r#"keys:
  alice: {permissions: [documents.read]}
cases:
  - key: alice
    query: "documents.read\0 AND admin"     # N009: Unkey checks documents.read only
    expect: allow

# Fix
cases:
  - key: alice
    query: documents.read AND admin
    expect: deny"#,
};

/// Checks a file's cases and access assertions, whether or not it declares its policy.
pub fn file(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for (text, _) in cx.queries() {
        check_query(&cx.file.source, text, out);
    }
}

/// Checks the policy a file declares: its grants, forbid rules and catalog.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let policy = cx.policy();
    let grants = cx
        .grant_sites()
        .iter()
        .map(|site| (site.permission, Some(site.owner)));
    let forbids = policy.forbid.iter().map(|rule| (&rule.permission, None));
    let catalog = cx
        .catalog()
        .unwrap_or_default()
        .iter()
        .map(|entry| (entry, None));
    for (permission, owner) in grants.chain(forbids).chain(catalog) {
        let Spanned { value, span } = permission;
        let Some(control) = value.chars().find(|c| c.is_control()) else {
            continue;
        };
        let mut finding = Finding::new(
            RuleId::N009.rule(),
            cx.policy_source(),
            *span,
            format!(
                "the permission {value:?} holds the control character U+{:04X}: what Unkey \
                 stores is not what the file shows",
                u32::from(control)
            ),
            "invisible control character",
            "retype the permission without it",
        );
        if let Some(owner) = owner {
            finding = finding.owned_by(owner);
        }
        out.push(finding);
    }
}

/// N009 on a bare query (`parse`, `check`, `lint --queries`).
pub fn query(source: &Source, text: &QueryText, _parsed: &Query, out: &mut Vec<Finding>) {
    check_query(source, text, out);
}

fn check_query(source: &Source, text: &QueryText, out: &mut Vec<Finding>) {
    let query = &text.text;
    let Some((at, control)) = query
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    else {
        return;
    };
    let span = text.span_in_file(Span::new(at, at + control.len_utf8()));
    let finding = if control == '\0' {
        Finding::new(
            RuleId::N009.rule(),
            source,
            span,
            format!(
                "the query holds a NUL at byte {at}: Unkey reads no further, and checks {:?} \
                 instead of {query:?}",
                read_by_unkey(query)
            ),
            "Unkey stops reading here",
            "remove the NUL, and what follows it if it is not meant to be checked",
        )
    } else {
        Finding::new(
            RuleId::N009.rule(),
            source,
            span,
            format!(
                "the query holds the control character U+{:04X} at byte {at}, which no one can \
                 see and Unkey rejects",
                u32::from(control)
            ),
            "invisible control character",
            "remove it",
        )
    };
    out.push(finding);
}
