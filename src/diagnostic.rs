//! A diagnostic about a place in a file: what is wrong, labelled spans, a hint, and related
//! diagnostics in other files. Load errors and test failures are built from it; rendering
//! happens in one place ([`crate::report::Renderer`]).

pub use crate::error_code::ErrorCode;
use crate::source::Source;
use crate::span::Span;
use miette::{Diagnostic, LabeledSpan, NamedSource, Severity, SourceCode};
use std::fmt;

/// A diagnostic anchored in a file.
#[derive(Clone, Debug)]
pub struct FileDiagnostic {
    details: Box<Details>,
}

#[derive(Clone, Debug)]
struct Details {
    code: String,
    message: String,
    file: String,
    source: Option<Source>,
    named: Option<NamedSource<Source>>,
    labels: Vec<(Span, String)>,
    help: Option<String>,
    related: Vec<FileDiagnostic>,
    severity: Severity,
}

impl FileDiagnostic {
    /// A diagnostic about `source`, labelled at `span`. `code` names the kind, e.g.
    /// `policy::unknown-field`; reports show it as `permspec::policy::unknown-field`.
    pub fn at(
        code: ErrorCode,
        source: &Source,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        FileDiagnostic::labelled(code.code().to_owned(), source, span, message, label)
    }

    /// A lint finding of the rule labelled `rule` (`W001(global-wildcard)`) about
    /// `source`, at `span`; reports show its code as `permspec::lint::<rule>`.
    pub fn finding(
        rule: &str,
        source: &Source,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        FileDiagnostic::labelled(format!("lint::{rule}"), source, span, message, label)
    }

    fn labelled(
        code: String,
        source: &Source,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        FileDiagnostic::from(Details {
            code,
            message: message.into(),
            file: source.name().to_owned(),
            source: Some(source.clone()),
            named: Some(source.named()),
            labels: vec![(span, label.into())],
            help: None,
            related: Vec::new(),
            severity: Severity::Error,
        })
    }

    /// An error about a file that could not be read at all.
    pub fn unreadable(file: impl Into<String>, message: impl Into<String>) -> Self {
        FileDiagnostic::from(Details {
            code: ErrorCode::PolicyIo.code().to_owned(),
            message: message.into(),
            file: file.into(),
            source: None,
            named: None,
            labels: Vec::new(),
            help: None,
            related: Vec::new(),
            severity: Severity::Error,
        })
    }

    /// Replaces the diagnostic's code.
    pub fn with_code(mut self, code: ErrorCode) -> Self {
        self.details.code = code.code().to_owned();
        self
    }

    /// Adds a hint.
    /// The hint is one line: a line break in it (from a name in it) is shown escaped, so
    /// that no text of a file can start a line of the report; [`Self::with_help_lines`]
    /// gives a hint of several lines.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.details.help = Some(crate::printable::escaped(&help.into()).into_owned());
        self
    }

    /// Adds a hint of several lines, each escaped as [`Self::with_help`] escapes its one.
    pub fn with_help_lines(mut self, lines: &[String]) -> Self {
        self.details.help = Some(crate::printable::escaped_hint(lines));
        self
    }

    /// Adds a hint if there is one.
    pub fn with_optional_help(self, help: Option<String>) -> Self {
        match help {
            Some(help) => self.with_help(help),
            None => self,
        }
    }

    /// Adds a second label.
    pub fn with_label(mut self, span: Span, label: impl Into<String>) -> Self {
        self.details.labels.push((span, label.into()));
        self
    }

    /// Sets how serious it is (errors by default).
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.details.severity = severity;
        self
    }

    /// Adds a diagnostic about another place, e.g. in the policy a case file tests.
    pub fn with_related(mut self, related: FileDiagnostic) -> Self {
        self.details.related.push(related);
        self
    }

    /// How many problems it reports: itself and those related to it.
    pub fn count(&self) -> usize {
        1 + self
            .details
            .related
            .iter()
            .map(FileDiagnostic::count)
            .sum::<usize>()
    }

    /// Each error it reports: itself and the errors related to it (notes left out), in
    /// order.
    pub fn errors(&self) -> Vec<&FileDiagnostic> {
        let mut errors = vec![self];
        for related in &self.details.related {
            if related.details.severity == Severity::Error {
                errors.extend(related.errors());
            }
        }
        errors
    }

    /// The file the error is about, as reports name it.
    pub fn file(&self) -> &str {
        &self.details.file
    }

    /// The kind of error, e.g. `policy::unknown-field`.
    pub fn kind(&self) -> &str {
        &self.details.code
    }

    /// The hint, if any.
    pub fn help_text(&self) -> Option<&str> {
        self.details.help.as_deref()
    }

    /// 1-based line and column of the primary label, if the file could be read.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        let source = self.details.source.as_ref()?;
        let (span, _) = self.details.labels.first()?;
        Some(source.line_column(span.start()))
    }
}

impl From<Details> for FileDiagnostic {
    fn from(details: Details) -> Self {
        FileDiagnostic {
            details: Box::new(details),
        }
    }
}

impl fmt::Display for FileDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.details.message)
    }
}

impl std::error::Error for FileDiagnostic {}

impl Diagnostic for FileDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("permspec::{}", self.details.code)))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.details.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.details
            .help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.details
            .named
            .as_ref()
            .map(|named| named as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.details.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.details.labels.iter().enumerate().map(
            |(index, (span, label))| {
                let label = Some(label.clone());
                if index == 0 {
                    LabeledSpan::new_primary_with_span(label, *span)
                } else {
                    LabeledSpan::new_with_span(label, *span)
                }
            },
        )))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.details.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.details
                .related
                .iter()
                .map(|related| related as &dyn Diagnostic),
        ))
    }
}
