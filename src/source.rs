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
    /// Character counts at marks on long lines, built on first use.
    char_marks: OnceLock<Vec<(usize, usize)>>,
    /// The text as reports show it, when it differs: a lone carriage return (old Mac line
    /// endings, which YAML reads as line breaks) as a line feed, so that line numbers are
    /// YAML's. Offsets are the same in both.
    shown: OnceLock<Option<String>>,
}

/// A long line is marked every this many bytes, so that a column is counted from near it.
const CHAR_MARK_BYTES: usize = 4096;

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
            char_marks: OnceLock::new(),
            shown: OnceLock::new(),
        }))
    }

    /// The text with every line break a line feed, as reports count lines.
    pub(crate) fn shown(&self) -> &str {
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
        // On a long line (a minified bundle), count from the nearest mark before the offset.
        let (from, counted) = if offset - line_start > CHAR_MARK_BYTES {
            let marks = self.char_marks();
            let at = marks.partition_point(|&(mark, _)| mark <= offset);
            match at.checked_sub(1).map(|index| marks[index]) {
                Some((mark, chars)) if mark >= line_start => (mark, chars),
                _ => (line_start, 0),
            }
        } else {
            (line_start, 0)
        };
        let column = text
            .get(from..offset)
            .map_or(offset - from, |prefix| prefix.chars().count());
        (line, counted + column + 1)
    }

    /// Marks on long lines, every [`CHAR_MARK_BYTES`] or so: a byte offset and how many
    /// characters precede it on its line.
    fn char_marks(&self) -> &[(usize, usize)] {
        self.0.char_marks.get_or_init(|| {
            let text = self.shown();
            let mut marks = Vec::new();
            let starts = self.line_starts();
            for (index, &start) in starts.iter().enumerate() {
                let end = starts.get(index + 1).copied().unwrap_or(text.len());
                let mut next = start + CHAR_MARK_BYTES;
                let mut chars = 0;
                let mut last = start;
                while next < end {
                    let mark = (next..end)
                        .find(|&at| text.is_char_boundary(at))
                        .unwrap_or(end);
                    chars += text[last..mark].chars().count();
                    marks.push((mark, chars));
                    last = mark;
                    next = mark + CHAR_MARK_BYTES;
                }
            }
            marks
        })
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
        let span_start = span.offset().min(text.len());
        let span_end = (span.offset() + span.len()).min(text.len());
        let (first, last) = (line_of(span_start), line_of(span_end));
        let line_end = |line: usize| starts.get(line + 1).map_or(text.len(), |next| next - 1);
        // On a very long line (a minified bundle), only a window of it around the span, at
        // the column where the window starts: the renderer draws long lines as windows, and
        // reading the whole line for each of its findings would make reporting quadratic.
        if first == last && line_end(first) - starts[first] > WINDOWED_LINE {
            let floor = |mut at: usize| {
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                at
            };
            let start = floor(span_start.saturating_sub(WINDOW_MARGIN).max(starts[first]));
            let end = floor((span_end + WINDOW_MARGIN).min(line_end(first)));
            let column = self.line_column(start).1 - 1;
            return Ok(Box::new(MietteSpanContents::new(
                &text.as_bytes()[start..end],
                SourceSpan::new(start.into(), end - start),
                first,
                column,
                1,
            )));
        }
        // One line of slack each side: miette looks one line past the context it shows.
        let first = first.saturating_sub(context_lines_before + 1);
        let last = last + context_lines_after + 2;
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

/// A line longer than this is handed to a report as a window around the span.
const WINDOWED_LINE: usize = 16 * 1024;
/// Bytes each side of the span in that window (more than the renderer shows of it).
const WINDOW_MARGIN: usize = 2048;

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

    #[test]
    fn columns_on_long_lines_count_characters_from_marks_as_from_the_line_start() {
        let line: String = (0..5000)
            .map(|i| ["ab", "é", "日本", "\u{1F600}"][i % 4])
            .collect();
        let text = format!("short\n{line}\n{line}{line}{line}\nend");
        let source = Source::new(Path::new("t.ts"), text.clone());
        for (offset, _) in text.char_indices().step_by(97).chain([(text.len(), ' ')]) {
            let line_start = text[..offset].rfind('\n').map_or(0, |newline| newline + 1);
            let line = text[..offset].matches('\n').count() + 1;
            let column = text[line_start..offset].chars().count() + 1;
            assert_eq!(source.line_column(offset), (line, column), "at {offset}");
        }
    }

    #[test]
    fn a_span_on_a_very_long_line_reads_as_a_window_at_its_column() {
        let line = "é".repeat(40_000);
        let text = format!("first\n{line}X{line}\nlast\n");
        let source = Source::new(Path::new("t.js"), text.clone());
        let x = text.find('X').unwrap();
        let contents = source
            .read_span(&SourceSpan::new(x.into(), 1), 1, 1)
            .unwrap();
        let data = std::str::from_utf8(contents.data()).unwrap();
        assert!(data.contains('X') && data.len() < 2 * WINDOW_MARGIN + 2);
        assert_eq!(contents.line(), 1);
        let start = contents.span().offset();
        assert_eq!(contents.column(), text[6..start].chars().count());
    }
}
