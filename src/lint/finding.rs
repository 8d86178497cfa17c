//! A lint finding, before and after it is rendered.

use super::{Fix, Level, Rule, Safety};
use crate::diagnostic::FileDiagnostic;
use crate::policy::Source;
use crate::span::Span;

/// What a finding is attached to, for inline suppressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Owner {
    /// A role (index into the policy's roles).
    Role(usize),
    /// A key (index into the policy's keys).
    Key(usize),
}

/// The findings in one file, in position order.
#[derive(Debug)]
pub struct FileFindings {
    /// The file.
    pub source: Source,
    /// Its findings.
    pub findings: Vec<Finding>,
}

/// One finding of one rule.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The rule that found it.
    pub rule: &'static Rule,
    /// Its level after configuration.
    pub level: Level,
    /// The file it is in.
    pub source: Source,
    /// What is wrong, naming the thing.
    pub message: String,
    /// The exact node.
    pub span: Span,
    /// The label on that node.
    pub label: String,
    /// Other places that matter, in the same file.
    pub related: Vec<(Span, String)>,
    /// The fix.
    pub help: String,
    /// The role or key whose `lint: allow` may excuse it.
    pub owner: Option<Owner>,
    /// The mechanical fix `permspec lint --fix` applies, if there is one.
    pub fix: Option<Fix>,
    /// The highest level this finding takes, whatever the rule's: a grant whose danger
    /// depends on the reading of `*` is less than an error where it is inert.
    pub cap: Option<Level>,
}

/// A report labels at most this many related places; a snippet spanning hundreds of keys
/// helps nobody (and costs time to draw). JSON and SARIF list them all.
const MAX_RELATED_LABELS: usize = 8;

impl Finding {
    /// A finding of `rule` at its default level.
    pub fn new(
        rule: &'static Rule,
        source: &Source,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            level: rule.level,
            source: source.clone(),
            message: message.into(),
            span,
            label: label.into(),
            related: Vec::new(),
            help: help.into(),
            owner: None,
            fix: None,
            cap: None,
        }
    }

    /// Caps the finding's level at `level`, whatever the rule's configured level.
    pub fn at_most(mut self, level: Level) -> Self {
        self.cap = Some(level);
        self
    }

    /// Offers a mechanical fix, if there is one.
    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Adds a label on another place.
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// Attaches the finding to a role or key.
    pub fn owned_by(mut self, owner: Owner) -> Self {
        self.owner = Some(owner);
        self
    }

    /// 1-based line and column of the node.
    pub fn line_column(&self) -> (usize, usize) {
        self.source.line_column(self.span.start())
    }

    /// 1-based line and column one past the node's end.
    pub fn end_line_column(&self) -> (usize, usize) {
        self.source.line_column(self.span.end())
    }

    /// The finding as a miette diagnostic.
    pub fn diagnostic(&self) -> FileDiagnostic {
        let severity = match self.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
            Level::Info => miette::Severity::Advice,
        };
        let mut diagnostic = FileDiagnostic::finding(
            &self.rule.label(),
            &self.source,
            self.span,
            self.message.clone(),
            self.label.clone(),
        )
        .with_help_lines(&self.help_lines())
        .with_severity(severity);
        for (span, label) in self.related.iter().take(MAX_RELATED_LABELS) {
            diagnostic = diagnostic.with_label(*span, label.clone());
        }
        diagnostic
    }

    /// The hint, what `--fix` would do, the places not labelled, and the rule's docs: one
    /// line each.
    fn help_lines(&self) -> Vec<String> {
        let mut lines = vec![self.help.clone()];
        match &self.fix {
            Some(fix) if fix.safety == Safety::Safe => lines.push(format!(
                "fixable: {} (`permspec lint --fix`)",
                fix.description
            )),
            Some(fix) => lines.push(format!(
                "unsafe fix: {}; it changes access, so it is applied only with \
                 `permspec lint --fix --unsafe-fixes`",
                fix.description
            )),
            None => {}
        }
        let unlabelled = self.related.len().saturating_sub(MAX_RELATED_LABELS);
        if unlabelled > 0 {
            lines.push(format!(
                "{unlabelled} more related places are not shown (`--format json` lists them all)"
            ));
        }
        lines.push(format!("(see `permspec rules {}`)", self.rule.code));
        lines
    }
}
