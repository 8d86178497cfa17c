//! miette reports rendered deterministically: the same input gives the same text, whatever
//! the terminal, so that output can be snapshot-tested and diffed in CI logs.

use crate::printable::{escaped, escaped_but, masked};
use crate::wrap::wrapped;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, NamedSource, Report, Severity, SourceCode, SourceSpan, SpanContents,
};
use std::borrow::Cow;
use std::fmt;
use std::io::IsTerminal;

/// When to use colour in human output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour output written to standard error.
    pub fn for_stderr(self) -> bool {
        self.for_terminal(std::io::stderr().is_terminal())
    }

    /// Whether to colour output written to standard output.
    pub fn for_stdout(self) -> bool {
        self.for_terminal(std::io::stdout().is_terminal())
    }

    fn for_terminal(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()) && terminal
            }
        }
    }
}

/// Renders diagnostics as miette's graphical reports, 80 columns wide, without hyperlinks.
pub struct Renderer {
    handler: GraphicalReportHandler,
}

impl Renderer {
    /// A renderer with or without colour.
    pub fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        // Messages and help are wrapped by `crate::wrap` before miette sees them, so that
        // a code span, a URN or a JSON value is never broken across lines.
        Renderer {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(WIDTH)
                .with_wrap_lines(false)
                .with_links(false),
        }
    }

    /// Renders a diagnostic that carries its own source code (or needs none). Labels on
    /// long lines are drawn on a window of the line.
    /// Errors related to it (the other errors of one file) are reports of their own after
    /// it; notes (advice, such as where the policy decides a failing case) stay under it.
    pub fn render(&self, diagnostic: &dyn Diagnostic) -> String {
        let mut first = Clipped::new(diagnostic);
        let (errors, notes): (Vec<_>, Vec<_>) = (first.related.drain(..)).partition(|related| {
            related
                .inner
                .severity()
                .is_none_or(|level| level == Severity::Error)
        });
        first.related = notes;
        let mut out = String::new();
        for (index, report) in std::iter::once(first).chain(errors).enumerate() {
            if index > 0 {
                out.push('\n');
            }
            self.handler
                .render_report(&mut out, &report)
                .expect("writing to a String cannot fail");
        }
        out
    }

    /// Renders `diagnostic` with labels pointing into `source`, shown under `name`.
    pub fn render_in<D>(&self, diagnostic: D, name: &str, source: &str) -> String
    where
        D: Diagnostic + Send + Sync + 'static,
    {
        let report = Report::new(diagnostic)
            .with_source_code(NamedSource::new(name, source.to_owned()).with_language("text"));
        self.render(report.as_ref())
    }
}

/// The width of a report, in columns.
const WIDTH: usize = 80;
/// The columns a message has after miette's `  × ` and before the report's right margin.
const MESSAGE_WIDTH: usize = WIDTH - 2 - 4;
/// The columns a help text has after miette's `  help: `.
const HELP_WIDTH: usize = WIDTH - 2 - 8;

/// Lines longer than this (in bytes) are shown as a window around each label: miette would
/// print the whole line once per finding, and fails on columns past 65,535.
const LONG_LINE: usize = 400;
/// Bytes of context shown each side of a label on a long line.
const MARGIN: usize = 60;
/// Longest label drawn on a long line, in bytes.
const MAX_LABEL: usize = 120;

/// A diagnostic whose labels on long lines are drawn on windows of those lines.
struct Clipped<'d> {
    inner: &'d dyn Diagnostic,
    excerpts: Option<Excerpts>,
    related: Vec<Clipped<'d>>,
}

impl<'d> Clipped<'d> {
    fn new(inner: &'d dyn Diagnostic) -> Self {
        let excerpts = inner
            .source_code()
            .zip(inner.labels())
            .and_then(|(source, labels)| Excerpts::of(source, labels.collect()));
        let related = inner
            .related()
            .map(|related| related.map(Clipped::new).collect())
            .unwrap_or_default();
        Clipped {
            inner,
            excerpts,
            related,
        }
    }
}

impl fmt::Debug for Clipped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

/// Messages and labels are one line each: every control character in them is escaped.
impl fmt::Display for Clipped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&wrapped(&escaped(&self.inner.to_string()), MESSAGE_WIDTH))
    }
}

impl std::error::Error for Clipped<'_> {}

impl Diagnostic for Clipped<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    /// A help text may run over several lines; any other control character is escaped.
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = self.inner.help()?.to_string();
        Some(Box::new(wrapped(&escaped_but(&help, &['\n']), HELP_WIDTH)))
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.url()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match &self.excerpts {
            Some(excerpts) => Some(excerpts),
            None => self.inner.source_code(),
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels: Box<dyn Iterator<Item = LabeledSpan>> = match &self.excerpts {
            Some(excerpts) => Box::new(excerpts.labels.iter().cloned()),
            None => self.inner.labels()?,
        };
        Some(Box::new(labels.map(|label| {
            let text = label.label().map(|text| escaped(text).into_owned());
            if label.primary() {
                LabeledSpan::new_primary_with_span(text, label.inner().to_owned())
            } else {
                LabeledSpan::new_with_span(text, label.inner().to_owned())
            }
        })))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related
                .iter()
                .map(|related| related as &dyn Diagnostic),
        ))
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}

/// Windows of long lines, one per label, with the labels clipped to them.
struct Excerpts {
    excerpts: Vec<Excerpt>,
    labels: Vec<LabeledSpan>,
}

/// A window of one line of the source.
struct Excerpt {
    name: Option<String>,
    text: String,
    /// Byte offset of the window in the source.
    offset: usize,
    /// 0-based line of the window.
    line: usize,
    /// 0-based column (in characters) where the window starts.
    column: usize,
}

impl Excerpts {
    /// Windows for `labels`, or `None` when every label's line is short enough to show whole
    /// and holds no control character (a window shows one masked).
    fn of(source: &dyn SourceCode, labels: Vec<LabeledSpan>) -> Option<Excerpts> {
        let mut excerpts = Vec::new();
        let mut clipped = Vec::new();
        let mut windowed = false;
        for label in labels {
            // With a line of context, the label's own lines come whole.
            let contents = source.read_span(label.inner(), 1, 1).ok()?;
            let data = std::str::from_utf8(contents.data()).ok()?;
            let base = contents.span().offset();
            let start = label.offset().checked_sub(base)?.min(data.len());
            let line_start = data[..start].rfind('\n').map_or(0, |newline| newline + 1);
            let line_end = data[start..]
                .find('\n')
                .map_or(data.len(), |newline| start + newline);
            // A long line is windowed anyway; else the lines shown around the label must
            // not reach the terminal raw either, nor the file's name.
            windowed = windowed
                || line_end - line_start > LONG_LINE
                || label.len() > LONG_LINE
                || matches!(masked(data), Cow::Owned(_))
                || (contents.name()).is_some_and(|name| matches!(escaped(name), Cow::Owned(_)));
            let end = floor(
                data,
                (start + label.len()).min(line_end).min(start + MAX_LABEL),
            );
            let window_start = ceil(data, start.saturating_sub(MARGIN).max(line_start));
            let window_end = floor(data, (end + MARGIN).min(line_end));
            excerpts.push(Excerpt {
                name: contents.name().map(|name| escaped(name).into_owned()),
                text: masked(&data[window_start..window_end]).into_owned(),
                offset: base + window_start,
                line: contents.line() + data[..line_start].matches('\n').count(),
                column: contents.column() + data[line_start..window_start].chars().count(),
            });
            let text = label.label().map(str::to_owned);
            let span = SourceSpan::new((base + start).into(), end - start);
            clipped.push(if label.primary() {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            });
        }
        windowed.then_some(Excerpts {
            excerpts,
            labels: clipped,
        })
    }
}

impl SourceCode for Excerpts {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        _context_lines_before: usize,
        _context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let excerpt = self
            .excerpts
            .iter()
            .find(|excerpt| {
                excerpt.offset <= span.offset()
                    && span.offset() + span.len() <= excerpt.offset + excerpt.text.len()
            })
            .ok_or(MietteError::OutOfBounds)?;
        let within = &excerpt.text[..span.offset() - excerpt.offset];
        let column = excerpt.column + within.chars().count();
        let whole = SourceSpan::new(excerpt.offset.into(), excerpt.text.len());
        let data = excerpt.text.as_bytes();
        Ok(Box::new(match &excerpt.name {
            Some(name) => {
                MietteSpanContents::new_named(name.clone(), data, whole, excerpt.line, column, 1)
            }
            None => MietteSpanContents::new(data, whole, excerpt.line, column, 1),
        }))
    }
}

/// The largest char boundary of `text` at or before `offset`.
fn floor(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The smallest char boundary of `text` at or after `offset`.
fn ceil(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}
