//! Linting bare queries, outside any policy: the rules with a `query` check, for
//! `permspec parse`, `permspec check` and `permspec lint --queries FILE`.

use super::{Config, FileFindings, Finding, RuleId, rules};
use crate::diagnostic::FileDiagnostic;
use crate::error_code::ErrorCode;
use crate::policy::{QueryText, Source};
use crate::query::{self, Query, SyntaxError};
use crate::span::Span;
use miette::Diagnostic;

/// The findings of the query rules that `config` enables, for one parsed query.
pub fn lint_query(
    source: &Source,
    text: &QueryText,
    parsed: &Query,
    config: &Config,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in rules::ALL {
        let (Some(check), Some(level)) = (rule.checks.query, config.level(rule)) else {
            continue;
        };
        let start = findings.len();
        check(source, text, parsed, &mut findings);
        for finding in &mut findings[start..] {
            finding.level = level;
        }
    }
    findings
}

/// A whole text as one query (a command-line argument).
pub fn whole(source: &Source) -> QueryText {
    QueryText {
        text: source.text().into(),
        span: Span::new(0, source.text().len()),
        offset: Some(0),
    }
}

/// The queries of a file of queries: one per line; blank lines and lines starting with
/// `#` are skipped.
pub fn query_lines(source: &Source) -> Vec<QueryText> {
    let mut queries = Vec::new();
    let mut start = 0;
    for line in source.text().split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let first = start + content.len() - trimmed.len();
            queries.push(QueryText {
                text: content.into(),
                span: Span::new(first, start + content.trim_end().len()),
                offset: Some(start),
            });
        }
        start += line.len();
    }
    queries
}

/// A syntax error in a query of `source`, as a diagnostic on the file.
pub fn syntax_diagnostic(source: &Source, text: &QueryText, error: &SyntaxError) -> FileDiagnostic {
    let mut labels = error.labels().into_iter().flatten().map(|label| {
        let span = Span::new(label.offset(), label.offset() + label.len());
        (
            text.span_in_file(span),
            label.label().unwrap_or_default().to_owned(),
        )
    });
    let (span, label) = labels
        .next()
        .unwrap_or((text.span_in_file(error.span()), String::new()));
    labels.fold(
        FileDiagnostic::at(
            ErrorCode::QuerySyntax,
            source,
            span,
            error.to_string(),
            label,
        )
        .with_optional_help(error.help().map(|help| help.to_string())),
        |diagnostic, (span, label)| diagnostic.with_label(span, label),
    )
}

/// Lints every query of a file of queries, and with `catalog` (those of the policies linted
/// with it) reports the permissions none of them lists (N001); syntax errors come back as
/// diagnostics.
pub fn lint_query_file(
    source: &Source,
    config: &Config,
    catalog: Option<&[&str]>,
) -> (FileFindings, Vec<FileDiagnostic>) {
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let unknown = RuleId::N001.rule();
    for text in query_lines(source) {
        match query::parse(&text.text) {
            Ok(parsed) => {
                findings.extend(lint_query(source, &text, &parsed, config));
                if let (Some(known), Some(level)) = (catalog, config.level(unknown)) {
                    let start = findings.len();
                    rules::unknown_permission::queried(
                        source,
                        &text,
                        &parsed,
                        known,
                        &mut findings,
                    );
                    for finding in &mut findings[start..] {
                        finding.level = level;
                    }
                }
            }
            Err(error) => errors.push(syntax_diagnostic(source, &text, &error)),
        }
    }
    findings.sort_by_key(|finding| (finding.span.start(), finding.rule.code));
    let findings = FileFindings {
        source: source.clone(),
        findings,
    };
    (findings, errors)
}
