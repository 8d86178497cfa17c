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

use super::limits::Limits;
use super::spans::{Node, NodeKind, Placement, read_placed};
use crate::span::Span;
use std::ops::Range;

/// Files smaller than this many pieces are read in one parse: splitting would cost more
/// than it saves.
const MIN_PIECES: usize = 4;

/// The pieces aim at this size: small enough to share out evenly and that the YAML trees
/// of the pieces being built at once stay small (a tree takes many times its text),
/// large enough that each is worth a task.
pub(crate) const PIECE_BYTES: usize = 32 * 1024;

/// Where a file's top-level `cases:` list stands, cut into pieces at its items.
#[derive(Debug, PartialEq, Eq)]
struct Cut {
    /// Where the `cases` key stands.
    key: Range<usize>,
    /// The list's lines: from the line after `cases:` to the next line that starts at the
    /// first column (or the end of the file).
    list: Range<usize>,
    /// The list's lines in order, each piece starting at an item's `-` line (the first also
    /// holding any blank or comment lines before it).
    pieces: Vec<Range<usize>>,
}

impl Cut {
    /// The file without the list: what comes before it, then what comes after.
    fn rest(&self, text: &str) -> String {
        let mut rest = String::with_capacity(text.len() - self.list.len());
        rest.push_str(&text[..self.list.start]);
        rest.push_str(&text[self.list.end..]);
        rest
    }
}

/// The pieces of a big file's `cases:` list, each read when asked, on any core.
pub struct Pieces<'t> {
    text: &'t str,
    limits: Limits,
    cut: Cut,
}

/// `text` read as its rest, the file without its `cases:` list (whose top-level `cases`
/// holds nothing), and the list's pieces of about `piece_bytes`; `None` if the file is not
/// big enough to share out, cannot be cut, or its rest does not read as the cut assumed.
pub fn read_parts<'t>(
    text: &'t str,
    limits: &Limits,
    piece_bytes: usize,
) -> Option<(Node, Pieces<'t>)> {
    if text.len() < piece_bytes.saturating_mul(MIN_PIECES) {
        return None;
    }
    let cut = cut(text, piece_bytes)?;
    let placement = Placement {
        gap: Some((cut.list.start, cut.list.len())),
        file_bytes: Some(text.len()),
        ..Placement::default()
    };
    let rest = read_placed(&cut.rest(text), limits, placement).ok()??;
    let NodeKind::Mapping(sections) = &rest.kind else {
        return None;
    };
    // A block mapping opens at its first key; in a flow mapping (`{…}`) the list's `-`
    // lines would not be list items at all.
    if sections.values().next().map(|(key, _)| key.start()) != Some(rest.span.start()) {
        return None;
    }
    match sections.get("cases") {
        Some((key, list)) if *key == Span::new(cut.key.start, cut.key.end) => {
            if !matches!(&list.kind, NodeKind::Null(text) if text.is_empty()) {
                return None;
            }
        }
        _ => return None,
    }
    let limits = *limits;
    Some((rest, Pieces { text, limits, cut }))
}

impl Pieces<'_> {
    /// How many pieces the list is cut into.
    pub fn count(&self) -> usize {
        self.cut.pieces.len()
    }

    /// The items of piece `index` and the span they take in the file; `None` if the piece
    /// does not read as a list on its own, without anchors or aliases.
    pub fn read(&self, index: usize) -> Option<(Span, Vec<Node>)> {
        let piece = self.cut.pieces.get(index)?;
        // A node that the end of a piece ends (a block mapping, say) ends in the file where
        // the next piece's first item opens.
        let next_item = self.cut.pieces.get(index + 1).map(|next| {
            let line = &self.text[next.start..];
            next.start + line.len() - line.trim_start_matches(' ').len()
        });
        let placement = Placement {
            base: piece.start,
            end: next_item.map(|next| (piece.len(), next)),
            depth: 1,
            piece: true,
            ..Placement::default()
        };
        match read_placed(&self.text[piece.clone()], &self.limits, placement).ok()?? {
            Node {
                span,
                kind: NodeKind::Sequence(items),
            } => Some((span, items)),
            _ => None,
        }
    }
}

/// Where `text` would be cut into pieces of about `piece_bytes`, if it has a `cases:` line
/// at the first column followed by a list whose items are indented, and no carriage
/// return; `None` otherwise.
fn cut(text: &str, piece_bytes: usize) -> Option<Cut> {
    // YAML breaks lines at a carriage return too, where the cut sees none.
    if text.contains('\r') {
        return None;
    }
    let key_start = lines(text, 0)
        .find(|line| &text[line.clone()] == "cases:\n")?
        .start;
    let list_start = key_start + "cases:\n".len();
    let bytes = text.as_bytes();
    let line_starts = std::iter::once(list_start).chain(
        memchr::memchr_iter(b'\n', &bytes[list_start..]).map(|newline| list_start + newline + 1),
    );
    let list_end = line_starts
        .take_while(|&start| start < bytes.len())
        .find(|&start| !matches!(bytes[start], b' ' | b'#' | b'\n'))
        .unwrap_or(text.len());
    let indent = lines(text, list_start)
        .take_while(|line| line.start < list_end)
        .map(|line| &text[line])
        .find(|line| !is_blank_or_comment(line))
        .and_then(item_indent)?;
    // Each piece ends at the first item line that starts `piece_bytes` or more after it
    // starts: only the lines there are looked at.
    let mut pieces = Vec::new();
    let mut piece_start = list_start;
    loop {
        let wanted = piece_start + piece_bytes;
        // The first line starting at `wanted` or later begins after the first line break
        // at `wanted - 1` or later.
        let Some(newline) = bytes[..list_end]
            .get(wanted - 1..)
            .and_then(|rest| memchr::memchr(b'\n', rest))
        else {
            break;
        };
        let next_item = lines(text, wanted + newline)
            .take_while(|line| line.start < list_end)
            .find(|line| item_indent(&text[line.clone()]) == Some(indent));
        let Some(item) = next_item else {
            break;
        };
        pieces.push(piece_start..item.start);
        piece_start = item.start;
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
    use super::super::spans::read_placed;
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

    /// The tree of `text` read as its rest and pieces, the pieces' items put back under
    /// `cases`: what must equal one parse. `None` where [`read_parts`] or a piece gives none.
    fn read_in_pieces(text: &str, limits: &Limits, piece_bytes: usize) -> Option<Node> {
        let (mut root, pieces) = read_parts(text, limits, piece_bytes)?;
        let read: Vec<_> = (0..pieces.count())
            .map(|index| pieces.read(index))
            .collect();
        let mut items = Vec::new();
        let mut span = Span::new(pieces.cut.list.end, pieces.cut.list.end);
        for (piece_span, piece_items) in read.into_iter().collect::<Option<Vec<_>>>()? {
            span = Span::new(span.start().min(piece_span.start()), piece_span.end());
            items.extend(piece_items);
        }
        if let NodeKind::Mapping(sections) = &mut root.kind
            && let Some((_, list)) = sections.get_mut("cases")
        {
            *list = Node {
                span,
                kind: NodeKind::Sequence(items),
            };
        }
        Some(root)
    }

    /// The tree read in pieces of `piece_bytes`, if the file can be read so, which must be
    /// the tree of one parse.
    fn pieces_agree(text: &str, piece_bytes: usize) -> bool {
        let limits = Limits::default();
        let whole = read_placed(text, &limits, Placement::default());
        match read_in_pieces(text, &limits, piece_bytes) {
            Some(pieces) => {
                let whole = whole.expect("the pieces read, so the whole must").unwrap();
                let (pieces, whole) = (format!("{pieces:?}"), format!("{whole:?}"));
                if let Some(at) = (0..pieces.len().min(whole.len()))
                    .find(|&at| pieces.as_bytes()[at] != whole.as_bytes()[at])
                    .or((pieces.len() != whole.len()).then_some(pieces.len().min(whole.len())))
                {
                    let near = |tree: &str| {
                        tree[at.saturating_sub(150)..]
                            .chars()
                            .take(300)
                            .collect::<String>()
                    };
                    panic!("in pieces {}\nwhole {}", near(&pieces), near(&whole));
                }
                true
            }
            None => false,
        }
    }

    #[test]
    fn a_list_read_in_pieces_is_the_list_read_whole() {
        let items = "  - {name: c0, key: k, query: \"a AND b\", expect: allow}\n\
                     \n  # a comment\n\
                     #  at the first column\n\
                     \x20 - name: é-block\n    query: |\n      a\n      - b\n    expect: deny\n\
                     \x20 - key: [k1, k2]   # trailing\n    query:\n    - x\n    - 'y''s'\n\
                     \x20 -\n    name: \"on its own line\"\n\
                     \x20 - - nested\n    - list\n";
        for (before, after) in [
            ("version: 1\n", ""),
            (
                "version: 1\nkeys: {k: {}}\n",
                "roles:\n  r: {}\nnow: 2026-01-01\n",
            ),
            ("# head\n", "# tail\n"),
        ] {
            let text = format!("{before}cases:\n{}{after}", items.repeat(20));
            for piece_bytes in [1, 100, 1000] {
                assert!(
                    pieces_agree(&text, piece_bytes),
                    "not read in pieces: {text:?}"
                );
            }
        }
    }

    #[test]
    fn a_cut_that_could_change_the_meaning_reads_the_file_whole() {
        for text in [
            // A quoted scalar whose next line looks like an item.
            "cases:\n  - {name: \"a\n  - b\", key: k}\n  - c\n",
            "cases:\n  - 'a\n  - b'\n",
            // A flow list over several lines.
            "cases:\n  - [a,\n  - b]\n",
            // An alias, whose anchor may be in another piece.
            "x: &a {}\ncases:\n  - *a\n  - b\n",
            "cases:\n  - &a {}\n  - *a\n",
            // An anchor in the list that the rest refers to.
            "cases:\n  - &a {}\n  - b\ny: *a\n",
            "x: &a {}\ncases:\n  - &a {n: 1}\n  - b\ny: *a\n",
            "x: &a {}\ncases:\n  - &a n\n  - b\ny: *a\n",
            // A `cases:` line inside a quoted scalar.
            "x: \"a\ncases:\n  - b\ny: \"\n",
            // Two `cases:` keys.
            "cases:\n  - a\n  - b\ncases:\n  - c\n",
            // A tag in the list.
            "cases:\n  - !!str a\n  - b\n",
            // The whole file a flow mapping, where `-` cannot open an item.
            "{version: 1,\ncases:\n  - a\n  - b\n}\n",
            "&root {version: 1,\ncases:\n  - a\n  - b\n}\n",
            "--- {version: 1,\ncases:\n  - a\n  - b\n}\n",
            // A carriage return, which YAML reads as a line break: `...` ends the document.
            "cases:\n  - a\r...\r\n  - b\nkeys: {}\n",
        ] {
            assert!(!pieces_agree(text, 1), "read in pieces: {text:?}");
        }
    }

    #[test]
    fn pieces_count_what_aliases_repeat_against_the_whole_file() {
        let text = format!(
            "a: &a \"{}\"\nb: *a\ncases:\n  - {}\n  - c\n",
            "x".repeat(100),
            "y".repeat(100)
        );
        let limits = Limits {
            file_bytes: (text.len() + 50) as u64,
            ..Limits::default()
        };
        assert!(read_placed(&text, &limits, Placement::default()).is_err());
        assert!(read_in_pieces(&text, &limits, 1).is_none());
    }

    #[test]
    fn pieces_enforce_the_depth_of_the_whole_file() {
        let limits = Limits {
            yaml_depth: 4,
            ..Limits::default()
        };
        let text = "cases:\n  - [[a]]\n  - [[[b]]]\n";
        assert!(read_placed(text, &limits, Placement::default()).is_err());
        assert!(read_in_pieces(text, &limits, 1).is_none());
        let text = "cases:\n  - [[a]]\n  - [[b]]\n";
        assert!(read_in_pieces(text, &limits, 1).is_some());
    }

    #[test]
    fn every_bundled_yaml_file_reads_the_same_in_pieces() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read_in_pieces = 0;
        let mut folders: Vec<_> = ["policies", "fixtures", "examples", "tests"]
            .iter()
            .map(|folder| root.join(folder))
            .collect();
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|ext| ext == "yaml")
                    && let Ok(text) = std::fs::read_to_string(&path)
                    && pieces_agree(&text, 1)
                {
                    read_in_pieces += 1;
                }
            }
        }
        assert!(
            read_in_pieces > 20,
            "only {read_in_pieces} files read in pieces"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_list_reads_the_same_in_pieces_or_whole(
            lines in proptest::collection::vec(proptest::prop_oneof![
                // Items as suites write them, most of the time,
                6 => proptest::sample::select(vec![
                    "  - {name: a, key: k, query: \"x AND y\", expect: allow}\n",
                    "  - name: b\n    key: [k1, k2]\n",
                    "  - query: |\n      a\n  - b\n",
                    "  - query: >-\n    folded\n    - text\n",
                    "  -\n    key: k\n",
                    "  - key:\n",
                    "  - - x\n    - y\n",
                    "  - {name: \"é\\\"\", key: 'k''s'}\n",
                    "  - x # comment\n",
                    "# comment\n",
                    "\n",
                    "  # comment\n",
                ]),
                // and lines that may make a cut change the meaning.
                1 => proptest::sample::select(vec![
                    "  - \"open\n",
                    "  - 'open\n",
                    "  - [open,\n",
                    "  - &a {name: n}\n",
                    "  - &a scalar\n",
                    "  - *a\n",
                    "  - !!str tagged\n",
                    "  - {name: a, name: b}\n",
                    " - less indented\n",
                    "    more: indented\n",
                    "  plain continuation\n",
                    "cases:\n",
                    "keys: {}\n",
                    "---\n",
                    "\t- tab\n",
                    "  - a\r...\r\n",
                    "  - a\r\n",
                    "}\n",
                ]),
            ], 1..24),
            before in proptest::sample::select(vec!["", "version: 1\n", "x: &a {}\n", "{v: 1,\n"]),
            after in proptest::sample::select(vec!["", "keys: {k: {}}\n", "y: *a\n", "now: x", "}\n"]),
            piece_bytes in 1usize..120,
        ) {
            let text = format!("{before}cases:\n{}{after}", lines.concat());
            pieces_agree(&text, piece_bytes);
            if let Some(cut) = cut(&text, piece_bytes) {
                proptest::prop_assert_eq!(&cut.pieces, &pieces_line_by_line(&text, &cut, piece_bytes));
            }
        }
    }

    /// The pieces of `cut`'s list by the rule read line by line: a piece ends at the first
    /// line that opens an item at the list's indentation `piece_bytes` or more after the
    /// piece's start.
    fn pieces_line_by_line(text: &str, cut: &Cut, piece_bytes: usize) -> Vec<Range<usize>> {
        let indent = lines(text, cut.list.start)
            .take_while(|line| line.start < cut.list.end)
            .map(|line| &text[line])
            .find(|line| !is_blank_or_comment(line))
            .and_then(item_indent);
        let mut pieces = Vec::new();
        let mut piece_start = cut.list.start;
        for line in lines(text, cut.list.start).take_while(|line| line.start < cut.list.end) {
            let opens_item = item_indent(&text[line.clone()]) == indent;
            if opens_item && line.start - piece_start >= piece_bytes {
                pieces.push(piece_start..line.start);
                piece_start = line.start;
            }
        }
        pieces.push(piece_start..cut.list.end);
        pieces
    }
}
