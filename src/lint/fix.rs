//! Mechanical fixes: edits of a file's text that touch only the YAML node a finding is
//! about, so that comments, order and quoting elsewhere stay byte-for-byte as they were.
//!
//! Each constructor reads the text around the node to tell a flow sequence (`[a, b]`) from a
//! block sequence (`- a`), and declines (returns `None`) when the layout is
//! one it cannot edit safely.
//!
//! A fix is [`Safety::Safe`] when it keeps every decision (removing a repeated grant,
//! spelling out what a wildcard reaches); `permspec lint --fix` checks that before it writes.
//! A fix that changes what a key is granted (correcting a typo in a grant) is
//! [`Safety::Unsafe`] and is applied only with `--unsafe-fixes`.

use crate::span::Span;

/// One replacement of a byte range of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The bytes replaced (empty for an insertion).
    pub span: Span,
    /// What they are replaced by.
    pub replacement: String,
}

/// Whether a fix may change a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Keeps every decision over the catalog and the cases; `--fix` applies it.
    Safe,
    /// Changes what a key is granted; applied only with `--unsafe-fixes`.
    Unsafe,
}

/// The fix of one finding: a description and the edits that make it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, e.g. "remove `documents.read`".
    pub description: String,
    /// The edits, in position order, not overlapping.
    pub edits: Vec<Edit>,
    /// Whether it may change a decision.
    pub safety: Safety,
}

impl Fix {
    fn single(description: String, span: Span, replacement: String) -> Fix {
        Fix {
            description,
            edits: vec![Edit { span, replacement }],
            safety: Safety::Safe,
        }
    }

    /// Replaces the scalar at `node` (a grant) by `value`, written in the scalar's own
    /// quoting style. It grants something else, so it is unsafe.
    pub fn replace_grant(text: &str, node: Span, value: &str, description: String) -> Fix {
        let written = scalar_like(&text[node.range()], value);
        Fix {
            safety: Safety::Unsafe,
            ..Fix::single(description, node, written)
        }
    }

    /// Removes the sequence item at `item`, with its separator: `b, ` from `[a, b, c]`, or
    /// the whole `- b` line of a block sequence. Declines to remove the only item.
    pub fn remove_item(text: &str, item: Span, description: String) -> Option<Fix> {
        match layout(text, item)? {
            Layout::Block { line } => {
                let end = text[item.end()..]
                    .find('\n')
                    .map_or(text.len(), |newline| item.end() + newline + 1);
                Some(Fix::single(
                    description,
                    Span::new(line, end),
                    String::new(),
                ))
            }
            Layout::Flow { before, after } => {
                let span = match (text.as_bytes()[before], text.as_bytes()[after]) {
                    (_, b',') => {
                        let rest = &text[after + 1..];
                        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                        Span::new(item.start(), after + 1 + spaces)
                    }
                    (b',', b']') => Span::new(before, item.end()),
                    _ => return None,
                };
                Some(Fix::single(
                    description,
                    whole_lines(text, span),
                    String::new(),
                ))
            }
        }
    }

    /// Replaces the sequence item at `item` by `values`, written in its quoting style.
    pub fn expand_item(
        text: &str,
        item: Span,
        values: &[&str],
        description: String,
    ) -> Option<Fix> {
        let original = &text[item.range()];
        let written: Vec<String> = values
            .iter()
            .map(|value| scalar_like(original, value))
            .collect();
        let (first, rest) = written.split_first()?;
        match layout(text, item)? {
            Layout::Block { line } => {
                let end = line_end(text, item.end());
                let prefix = &text[line..item.start()];
                let newline = if text[end..].starts_with('\r') {
                    "\r\n"
                } else {
                    "\n"
                };
                let mut replacement = format!("{first}{}", &text[item.end()..end]);
                for value in rest {
                    replacement.push_str(&format!("{newline}{prefix}{value}"));
                }
                Some(Fix::single(
                    description,
                    Span::new(item.start(), end),
                    replacement,
                ))
            }
            Layout::Flow { .. } => Some(Fix::single(description, item, written.join(", "))),
        }
    }
}

impl Fix {
    /// Replaces the whole sequence whose first and last items are at `first` and `last` by
    /// `values`, in the layout and quoting of its first item (comments between items go).
    /// It grants something else, so it is unsafe. Declines a sequence under a YAML anchor
    /// (another node may read it through an alias) or read through an alias (it is written
    /// elsewhere).
    pub fn replace_sequence(
        text: &str,
        first: Span,
        last: Span,
        values: &[&str],
        description: String,
    ) -> Option<Fix> {
        let field = text[..first.start()].rfind(':').unwrap_or(first.start());
        if text[first.start()..].starts_with('*') || text[field..last.end()].contains('&') {
            return None;
        }
        let original = &text[first.range()];
        let written: Vec<String> = values
            .iter()
            .map(|value| scalar_like(original, value))
            .collect();
        let replacement = match layout(text, first)? {
            Layout::Block { line } => {
                let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
                written.join(&format!("{newline}{}", &text[line..first.start()]))
            }
            Layout::Flow { .. } => written.join(", "),
        };
        (!written.is_empty()).then(|| Fix {
            safety: Safety::Unsafe,
            ..Fix::single(
                description,
                Span::new(first.start(), last.end()),
                replacement,
            )
        })
    }
}

/// Where a node stands.
enum Layout {
    /// An item of a block sequence, whose line starts at `line`.
    Block { line: usize },
    /// An item of a flow sequence between the `[` or `,` at `before` and the `,` or `]` at
    /// `after`.
    Flow { before: usize, after: usize },
}

fn layout(text: &str, node: Span) -> Option<Layout> {
    let line = text[..node.start()]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    let prefix = text[line..node.start()].trim_end_matches([' ', '\t']);
    if let Some(indent) = prefix.strip_suffix('-')
        && indent.trim_start_matches([' ', '\t']).is_empty()
    {
        let rest = text[node.end()..line_end(text, node.end())].trim_start_matches([' ', '\t']);
        return (rest.is_empty() || rest.starts_with('#')).then_some(Layout::Block { line });
    }
    let before = text[..node.start()].trim_end_matches([' ', '\t', '\r', '\n']);
    match before.as_bytes().last()? {
        b'[' | b',' => {
            let after_text = &text[node.end()..];
            let after = node.end() + after_text.len()
                - after_text.trim_start_matches([' ', '\t', '\r', '\n']).len();
            matches!(text.as_bytes().get(after), Some(b',' | b']')).then_some(Layout::Flow {
                before: before.len() - 1,
                after,
            })
        }
        _ => None,
    }
}

/// `span` widened to whole lines, with the line break, when nothing but blanks shares its
/// first and last line.
fn whole_lines(text: &str, span: Span) -> Span {
    let start = text[..span.start()]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    let end = line_end(text, span.end());
    let blank = |part: &str| part.trim_matches([' ', '\t', '\r']).is_empty();
    if blank(&text[start..span.start()]) && blank(&text[span.end()..end]) && end < text.len() {
        Span::new(
            start,
            end + text[end..].find('\n').map_or(0, |newline| newline + 1),
        )
    } else {
        span
    }
}

/// The end of the line holding `offset` (the position of its `\n`, or of the text's end).
fn line_end(text: &str, offset: usize) -> usize {
    let end = text[offset..]
        .find('\n')
        .map_or(text.len(), |newline| offset + newline);
    if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

/// `value` as a YAML scalar quoted like `original`: double-quoted, single-quoted, or plain
/// where a plain scalar reads back as the same string.
fn scalar_like(original: &str, value: &str) -> String {
    if original.starts_with('\'') {
        format!("'{}'", value.replace('\'', "''"))
    } else if original.starts_with('"') || !crate::yaml::plain_safe(value) {
        serde_json::to_string(value).expect("a string serializes")
    } else {
        value.to_owned()
    }
}

/// Applies the fixes that do not overlap one taken earlier (by position); returns the new
/// text and, for each fix, whether it was applied. A fix whose edits equal those of one
/// already taken counts as applied: both findings are fixed by the same change.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<bool>) {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&index| fixes[index].edits.first().map(|edit| edit.span.start()));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = vec![false; fixes.len()];
    for index in order {
        let edits = &fixes[index].edits;
        if edits.iter().all(|edit| taken.contains(&edit)) {
            applied[index] = true;
        } else if edits
            .iter()
            .all(|edit| taken.iter().all(|other| !overlaps(edit.span, other.span)))
        {
            taken.extend(edits);
            applied[index] = true;
        }
    }
    taken.sort_by_key(|edit| edit.span.start());
    let mut fixed = String::with_capacity(text.len());
    let mut copied = 0;
    for edit in taken {
        fixed.push_str(&text[copied..edit.span.start()]);
        fixed.push_str(&edit.replacement);
        copied = edit.span.end();
    }
    fixed.push_str(&text[copied..]);
    (fixed, applied)
}

fn overlaps(a: Span, b: Span) -> bool {
    (a.start() < b.end() && b.start() < a.end()) || a.start() == b.start()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).expect("needle in text");
        Span::new(start, start + needle.len())
    }

    fn removed(text: &str, needle: &str) -> Option<String> {
        let fix = Fix::remove_item(text, span_of(text, needle), String::new())?;
        Some(apply(text, &[&fix]).0)
    }

    fn expanded(text: &str, needle: &str, values: &[&str]) -> Option<String> {
        let fix = Fix::expand_item(text, span_of(text, needle), values, String::new())?;
        Some(apply(text, &[&fix]).0)
    }

    #[test]
    fn removes_flow_items_with_their_separator() {
        let text = "p: [a, bb, c] # k\n";
        assert_eq!(removed(text, "a").unwrap(), "p: [bb, c] # k\n");
        assert_eq!(removed(text, "bb").unwrap(), "p: [a, c] # k\n");
        assert_eq!(
            removed(text, "c]").map(|_| ()),
            None,
            "needle must be the node"
        );
        let text = "p: [a, bb, \"c\"]\n";
        assert_eq!(removed(text, "\"c\"").unwrap(), "p: [a, bb]\n");
        let text = "p: [\n  a,\n  'b' ,\n]\n";
        assert_eq!(removed(text, "'b'").unwrap(), "p: [\n  a,\n]\n");
        let text = "p: [\n  a,\n  b\n]\n";
        assert_eq!(removed(text, "b").unwrap(), "p: [\n  a\n]\n");
        assert_eq!(removed("p: [only]\n", "only"), None);
    }

    #[test]
    fn removes_block_items_as_whole_lines() {
        let text = "p:\n  # kept\n  - a   # why a\n  - \"b\"\n";
        assert_eq!(removed(text, "a").unwrap(), "p:\n  # kept\n  - \"b\"\n");
        assert_eq!(
            removed(text, "\"b\"").unwrap(),
            "p:\n  # kept\n  - a   # why a\n"
        );
        let crlf = "p:\r\n  - a\r\n  - b\r\n";
        assert_eq!(removed(crlf, "a").unwrap(), "p:\r\n  - b\r\n");
        assert_eq!(removed("p: a\n", "a"), None, "a lone scalar is not an item");
    }

    #[test]
    fn expands_an_item_in_the_style_it_was_written() {
        assert_eq!(
            expanded("p: [\"d.*\", x]\n", "\"d.*\"", &["d.read", "d.write"]).unwrap(),
            "p: [\"d.read\", \"d.write\", x]\n"
        );
        assert_eq!(
            expanded(
                "p:\n  - 'd.*'  # all\n  - x\n",
                "'d.*'",
                &["d.read", "d.write"]
            )
            .unwrap(),
            "p:\n  - 'd.read'  # all\n  - 'd.write'\n  - x\n"
        );
        assert_eq!(expanded("p: d.*\n", "d.*", &["d.read"]), None);
        assert_eq!(
            expanded("p:\r\n  - d.*\r\n", "d.*", &["d.read", "d.write"]).unwrap(),
            "p:\r\n  - d.read\r\n  - d.write\r\n",
            "a CRLF file keeps CRLF lines"
        );
    }

    #[test]
    fn quotes_what_a_plain_scalar_would_misread() {
        assert_eq!(scalar_like("x", "documents.read"), "documents.read");
        assert_eq!(scalar_like("x", "api.*.read_api"), "api.*.read_api");
        assert_eq!(scalar_like("x", "*"), "\"*\"");
        assert_eq!(scalar_like("x", "true"), "\"true\"");
        assert_eq!(scalar_like("x", "1.5"), "\"1.5\"");
        assert_eq!(scalar_like("x", "a: b"), "\"a: b\"");
        assert_eq!(scalar_like("'x'", "it's"), "'it''s'");
    }

    #[test]
    fn overlapping_fixes_wait_and_identical_ones_count_once() {
        let text = "p: [a, b, c]\n";
        let b = Fix::remove_item(text, span_of(text, "b"), String::new()).unwrap();
        let c = Fix::remove_item(text, span_of(text, "c"), String::new()).unwrap();
        let (fixed, applied) = apply(text, &[&c, &b, &b.clone()]);
        assert_eq!(fixed, "p: [a, c]\n");
        assert_eq!(applied, [false, true, true]);
    }
}
