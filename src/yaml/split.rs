//! A big file's `cases:` list cut at its items, so that every core parses a share of it.
//!
//! The cut is a guess made on lines, checked by parsing: the file without the list must
//! read as a block mapping whose `cases:` holds nothing, and each piece must read as a list
//! of items on its own, without anchors or aliases. A cut inside a quoted scalar or a flow
//! collection leaves a piece unterminated; a `cases:` line that is not the top-level key of
//! a block mapping leaves no empty `cases` entry there; a file with a carriage return (a
//! line break to YAML, not to the cut) is not cut at all. Either way the whole file is read
//! in one parse instead, so a cut never changes what a file means, only how fast it is
//! read; what the whole file is measured against (the bytes aliases may repeat) is
//! measured against the whole file.

use std::ops::Range;

/// Files smaller than this are read in one parse: splitting would cost more than it saves.
pub(super) const MIN_BYTES: usize = 512 * 1024;

/// The pieces aim at this size: small enough to share out evenly, large enough that each
/// is worth a task.
pub(super) const PIECE_BYTES: usize = 128 * 1024;

/// Where a file's top-level `cases:` list stands, cut into pieces at its items.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Cut {
    /// Where the `cases` key stands.
    pub key: Range<usize>,
    /// The list's lines: from the line after `cases:` to the next line that starts at the
    /// first column (or the end of the file).
    pub list: Range<usize>,
    /// The list's lines in order, each piece starting at an item's `-` line (the first also
    /// holding any blank or comment lines before it).
    pub pieces: Vec<Range<usize>>,
}

impl Cut {
    /// The file without the list: what comes before it, then what comes after.
    pub fn rest(&self, text: &str) -> String {
        let mut rest = String::with_capacity(text.len() - self.list.len());
        rest.push_str(&text[..self.list.start]);
        rest.push_str(&text[self.list.end..]);
        rest
    }
}

/// Where `text` would be cut into pieces of about `piece_bytes`, if it has a `cases:` line
/// at the first column followed by a list whose items are indented, and no carriage
/// return; `None` otherwise.
pub(super) fn cut(text: &str, piece_bytes: usize) -> Option<Cut> {
    // YAML breaks lines at a carriage return too, where the cut sees none.
    if text.contains('\r') {
        return None;
    }
    let key_start = lines(text, 0)
        .find(|line| &text[line.clone()] == "cases:\n")?
        .start;
    let list_start = key_start + "cases:\n".len();
    let list_end = lines(text, list_start)
        .find(|line| !text[line.clone()].starts_with([' ', '#', '\n']))
        .map_or(text.len(), |line| line.start);
    let indent = lines(text, list_start)
        .take_while(|line| line.start < list_end)
        .map(|line| &text[line])
        .find(|line| !is_blank_or_comment(line))
        .and_then(item_indent)?;
    let mut pieces = Vec::new();
    let mut piece_start = list_start;
    for line in lines(text, list_start).take_while(|line| line.start < list_end) {
        let opens_item = item_indent(&text[line.clone()]) == Some(indent);
        if opens_item && line.start - piece_start >= piece_bytes {
            pieces.push(piece_start..line.start);
            piece_start = line.start;
        }
    }
    pieces.push(piece_start..list_end);
    Some(Cut {
        key: key_start..key_start + "cases".len(),
        list: list_start..list_end,
        pieces,
    })
}

/// The lines of `text` from `start`, each with its `\n` (the last may have none).
fn lines(text: &str, start: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = start;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let end = text[at..]
            .find('\n')
            .map_or(text.len(), |index| at + index + 1);
        let line = at..end;
        at = end;
        Some(line)
    })
}

fn is_blank_or_comment(line: &str) -> bool {
    let content = line.trim_start_matches(' ');
    content.is_empty() || content.starts_with(['#', '\n'])
}

/// The indentation of a line that opens a list item (`  - …` or `  -`), if it is one and
/// indented.
fn item_indent(line: &str) -> Option<usize> {
    let content = line.trim_start_matches(' ');
    let indent = line.len() - content.len();
    let opens = content.starts_with("- ") || content == "-\n" || content == "-";
    (indent > 0 && opens).then_some(indent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_ends_at_the_next_line_in_the_first_column() {
        let text = "version: 1\ncases:\n  # first\n  - a\n\n  - b\nkeys: {}\n";
        let cut = cut(text, PIECE_BYTES).unwrap();
        assert_eq!(&text[cut.key.clone()], "cases");
        assert_eq!(&text[cut.list.clone()], "  # first\n  - a\n\n  - b\n");
        assert_eq!(cut.pieces, vec![cut.list.clone()]);
        assert_eq!(cut.rest(text), "version: 1\ncases:\nkeys: {}\n");
    }

    #[test]
    fn pieces_start_at_items_of_the_lists_indentation() {
        let item = format!("  - {{name: c, query: \"{}\"}}\n", "a".repeat(1000));
        let nested = "    - nested\n";
        let text = format!("cases:\n{}", format!("{item}{nested}").repeat(400));
        let cut = cut(&text, PIECE_BYTES).unwrap();
        assert!(cut.pieces.len() > 2);
        assert_eq!(cut.pieces.first().unwrap().start, cut.list.start);
        assert_eq!(cut.pieces.last().unwrap().end, text.len());
        for pair in cut.pieces.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
            assert!(text[pair[1].clone()].starts_with("  - {name"));
        }
    }

    #[test]
    fn no_cut_without_an_indented_list_under_a_plain_cases_line() {
        assert_eq!(cut("cases:\n- a\n", 1), None);
        assert_eq!(cut("cases: [a]\n", 1), None);
        assert_eq!(cut("cases: &all\n  - a\n", 1), None);
        assert_eq!(cut("cases:\r\n  - a\r\n", 1), None);
        assert_eq!(cut("keys: {}\n", 1), None);
    }
}
