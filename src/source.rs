//! A policy file's text, shared by every value and diagnostic that points into it.

use miette::{MietteError, MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A file that was read, with the name it is shown under.
#[derive(Debug)]
pub struct SourceFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// How reports name it (the path as given, with `/` separators).
    pub name: String,
    /// Its whole text.
    pub text: String,
    /// Byte offset of each line's start, built on first use.
    line_starts: OnceLock<Vec<usize>>,
    /// The text as reports show it, when it differs: a lone carriage return (old Mac line
    /// endings, which YAML reads as line breaks) as a line feed, so that line numbers are
    /// YAML's. Offsets are the same in both.
    shown: OnceLock<Option<String>>,
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
            line_starts: OnceLock::new(),
            shown: OnceLock::new(),
        }))
    }

    /// The text with every line break a line feed, as reports count lines.
    fn shown(&self) -> &str {
        let shown = self.0.shown.get_or_init(|| {
            let text = &self.0.text;
            let lone = |at: &usize| text.as_bytes().get(at + 1) != Some(&b'\n');
            let returns = || memchr::memchr_iter(b'\r', text.as_bytes());
            returns().any(|at| lone(&at)).then(|| {
                let mut bytes = text.clone().into_bytes();
                for at in returns().filter(lone) {
                    bytes[at] = b'\n';
                }
                String::from_utf8(bytes).expect("one ASCII byte for another")
            })
        });
        shown.as_deref().unwrap_or(&self.0.text)
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

    /// 1-based line and column (in characters) of a byte offset: a binary search over the
    /// line starts, so that placing every case of a large file stays linear.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let text = self.shown();
        let offset = offset.min(text.len());
        let starts = self.line_starts();
        let line = starts.partition_point(|&start| start <= offset);
        let line_start = starts[line - 1];
        let column = text
            .get(line_start..offset)
            .map_or(offset - line_start, |prefix| prefix.chars().count());
        (line, column + 1)
    }

    fn line_starts(&self) -> &[usize] {
        self.0.line_starts.get_or_init(|| {
            let newlines = memchr::memchr_iter(b'\n', self.shown().as_bytes());
            std::iter::once(0)
                .chain(newlines.map(|newline| newline + 1))
                .collect()
        })
    }

    /// The byte offset of a 1-based line and column (in characters).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let text = self.shown();
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
        // miette scans from the start of the text; hand it only the lines around the span,
        // so that reporting every finding of a large file stays linear.
        let text = self.shown();
        let starts = self.line_starts();
        let line_of = |offset: usize| starts.partition_point(|&start| start <= offset) - 1;
        // One line of slack each side: miette looks one line past the context it shows.
        let first = line_of(span.offset().min(text.len())).saturating_sub(context_lines_before + 1);
        let last = line_of((span.offset() + span.len()).min(text.len())) + context_lines_after + 2;
        let start = starts[first];
        let end = starts.get(last + 1).copied().unwrap_or(text.len());
        let local = SourceSpan::new((span.offset().saturating_sub(start)).into(), span.len());
        let contents =
            text[start..end].read_span(&local, context_lines_before, context_lines_after)?;
        let data = contents.data();
        // The lines the snippet holds. (miette's own sources count every line from the start
        // of the text, which makes the report handler merge labels however far apart they
        // are into one snippet with every line between them.)
        let lines = data.split(|&byte| byte == b'\n').count();
        Ok(Box::new(MietteSpanContents::new(
            data,
            SourceSpan::new(
                (contents.span().offset() + start).into(),
                contents.span().len(),
            ),
            contents.line() + first,
            contents.column(),
            lines,
        )))
    }
}

fn display_name(path: &Path) -> String {
    // A byte that is not UTF-8 shows as `\x{ff}`, never as a replacement character that
    // two different names would share.
    let mut name = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        name.push_str(chunk.valid());
        for byte in chunk.invalid() {
            name.push_str(&format!("\\x{{{byte:02x}}}"));
        }
    }
    // Windows separates with `\`; elsewhere it is a character of the name, kept so that two
    // files never show as one.
    let name = if cfg!(windows) {
        name.replace('\\', "/")
    } else {
        name
    };
    name.strip_prefix("./").map(str::to_owned).unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let source = Source::new(Path::new("t.yaml"), "a: 1\rb: 2\r\nc: 3\n".to_owned());
        assert_eq!(source.line_column(5), (2, 1));
        assert_eq!(source.line_column(11), (3, 1));
        assert_eq!(
            source.text(),
            "a: 1\rb: 2\r\nc: 3\n",
            "the text itself is kept"
        );
    }

    #[test]
    fn reading_a_span_matches_reading_the_whole_text() {
        let text = "a: 1\nbb: [x, y]\n\nccc:\n  - z\n  - w # c\nd: e\n";
        let source = Source::new(Path::new("t.yaml"), text.to_owned());
        for start in 0..text.len() {
            for len in 0..(text.len() - start).min(12) {
                for context in 0..3 {
                    let span = SourceSpan::new(start.into(), len);
                    let ours = source.read_span(&span, context, context).unwrap();
                    let whole = text.read_span(&span, context, context).unwrap();
                    let facts =
                        |c: &dyn SpanContents| (c.data().to_vec(), *c.span(), c.line(), c.column());
                    assert_eq!(facts(&*ours), facts(&*whole), "{start}+{len}, {context}");
                    let lines = ours.data().split(|&b| b == b'\n').count();
                    assert_eq!(ours.line_count(), lines, "{start}+{len}, {context}");
                }
            }
        }
    }
}
