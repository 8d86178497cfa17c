//! A policy file's text, shared by every value and diagnostic that points into it.

use miette::{MietteError, NamedSource, SourceCode, SourceSpan, SpanContents};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file that was read, with the name it is shown under.
#[derive(Debug)]
pub struct SourceFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// How reports name it (the path as given, with `/` separators).
    pub name: String,
    /// Its whole text.
    pub text: String,
}

/// A cheap handle on a [`SourceFile`]; miette reads labels' context through it.
#[derive(Clone, Debug)]
pub struct Source(Arc<SourceFile>);

impl Source {
    /// Wraps the text of `path`.
    pub fn new(path: &Path, text: String) -> Self {
        Source(Arc::new(SourceFile {
            path: path.to_owned(),
            name: display_name(path),
            text,
        }))
    }

    /// The named source that diagnostics attach.
    pub fn named(&self) -> NamedSource<Source> {
        NamedSource::new(self.0.name.clone(), self.clone()).with_language("yaml")
    }

    /// The file's display name.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.0.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let text = &self.0.text[..offset.min(self.0.text.len())];
        let line_start = text.rfind('\n').map_or(0, |newline| newline + 1);
        let line = text.bytes().filter(|&byte| byte == b'\n').count() + 1;
        (line, text[line_start..].chars().count() + 1)
    }

    /// The byte offset of a 1-based line and column (in characters).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let text = &self.0.text;
        let line_start = if line <= 1 {
            0
        } else {
            text.match_indices('\n')
                .nth(line - 2)
                .map_or(text.len(), |(newline, _)| newline + 1)
        };
        text[line_start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.len(), |(offset, _)| line_start + offset)
    }
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        self.0
            .text
            .read_span(span, context_lines_before, context_lines_after)
    }
}

fn display_name(path: &Path) -> String {
    let name = path.to_string_lossy().replace('\\', "/");
    name.strip_prefix("./").map(str::to_owned).unwrap_or(name)
}
