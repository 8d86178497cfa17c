//! Text from policy files, servers and the command line made safe to print: a control
//! character in a name (an escape sequence that clears the screen or writes the clipboard, a
//! line break that forges a result line) is shown escaped, never sent to the terminal.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write;
use unicode_general_category::{GeneralCategory, get_general_category};

/// Whether `c` must never reach the output raw: control characters (C0, DEL, C1), the line
/// and paragraph separators, and the format characters, which are invisible or reorder
/// what a reader sees (bidirectional overrides and isolates, zero-width spaces and joiners,
/// the soft hyphen, the byte-order mark, tag characters).
pub(crate) fn is_unprintable(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// Whether `c` is unprintable and more than a line break or tab: what [`masked`] hides.
pub fn is_unprintable_inline(c: char) -> bool {
    is_unprintable(c) && !matches!(c, '\n' | '\r' | '\t')
}

/// `text` with every unprintable character escaped: `\n`, `\r`, `\t`, and `\u{1b}` for the
/// rest.
pub fn escaped(text: &str) -> Cow<'_, str> {
    escaped_but(text, &[])
}

/// `text` escaped as [`escaped`] does, but for the characters of `kept` (such as the line
/// breaks of a multi-line help text written by permspec itself).
pub fn escaped_but<'t>(text: &'t str, kept: &[char]) -> Cow<'t, str> {
    let printable_ascii = text.bytes().all(|byte| (0x20..0x7f).contains(&byte));
    if printable_ascii
        || !text
            .chars()
            .any(|c| is_unprintable(c) && !kept.contains(&c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if kept.contains(&c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unprintable(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `lines` as text, one per line, each escaped as [`escaped`] does: a line break inside a
/// line (from a name) shows as `\n` and cannot start a line of its own.
pub fn escaped_lines(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&escaped(line));
        out.push('\n');
    }
    out
}

/// A hint of several lines: `lines` joined by line breaks, each escaped as [`escaped`]
/// does, so that a break inside one (from a name) cannot start a line of its own.
pub fn escaped_hint(lines: &[String]) -> String {
    let escaped: Vec<Cow<'_, str>> = lines.iter().map(|line| escaped(line)).collect();
    escaped.join("\n")
}

/// Whether `c` shows as blank or as nothing though it is not the ASCII space: the other
/// space separators (no-break, em, ideographic...), Unicode's default-ignorable code points
/// (variation selectors, fillers, the combining grapheme joiner...), the braille blank,
/// and code points that are unassigned or for private use (a font may draw them as
/// nothing).
fn is_blank_look_alike(c: char) -> bool {
    /// Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt).
    const IGNORABLE: &[(u32, u32)] = &[
        (0x00ad, 0x00ad),
        (0x034f, 0x034f),
        (0x061c, 0x061c),
        (0x115f, 0x1160),
        (0x17b4, 0x17b5),
        (0x180b, 0x180f),
        (0x200b, 0x200f),
        (0x202a, 0x202e),
        (0x2060, 0x206f),
        (0x3164, 0x3164),
        (0xfe00, 0xfe0f),
        (0xfeff, 0xfeff),
        (0xffa0, 0xffa0),
        (0xfff0, 0xfff8),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        (0xe0000, 0xe0fff),
    ];
    if c.is_ascii() {
        return false;
    }
    let code = u32::from(c);
    c == '\u{2800}'
        || IGNORABLE
            .iter()
            .any(|&(first, last)| (first..=last).contains(&code))
        || matches!(
            get_general_category(c),
            GeneralCategory::SpaceSeparator
                | GeneralCategory::Unassigned
                | GeneralCategory::PrivateUse
        )
}

/// `text` escaped so that two different texts never look the same for want of a visible
/// character, for a document a person compares names in (the access review): as [`escaped`],
/// and also blank look-alikes, spaces at either end and a space after a space (which HTML
/// would collapse) as `\\u{..}`, and a backslash doubled (so that `\\u{200b}` written in a
/// name is not taken for an escape).
pub fn escaped_unambiguous(text: &str) -> Cow<'_, str> {
    // Most names are plain ASCII: shown as they are, without looking at them twice.
    let bytes = text.as_bytes();
    let plain_ascii = bytes
        .iter()
        .all(|&byte| (b' '..=b'~').contains(&byte) && byte != b'\\')
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ");
    if plain_ascii {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let last = chars.len().saturating_sub(1);
    let plain = |index: usize| {
        let c = chars[index];
        !is_unprintable(c)
            && !is_blank_look_alike(c)
            && c != '\\'
            && !(c == ' ' && (index == 0 || index == last || chars[index - 1] == ' '))
    };
    if (0..chars.len()).all(plain) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (index, &c) in chars.iter().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if plain(index) => out.push(c),
            '\n' | '\r' | '\t' => out.push_str(&escaped(c.encode_utf8(&mut [0; 4]))),
            c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    Cow::Owned(out)
}

/// `text` with every unprintable character but the line breaks and tabs replaced by as many
/// `?` as it has bytes: source shown around a label keeps its byte offsets.
pub fn masked(text: &str) -> Cow<'_, str> {
    let shown = |c: char| !is_unprintable_inline(c);
    if text.chars().all(shown) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if shown(c) {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        }
    }
    Cow::Owned(out)
}

/// `value` as one line of JSON whose bytes are all printable: every unprintable character in
/// a string is written as a `\\u` escape, so that a reader decodes the exact text while a
/// terminal or log viewer shows nothing raw.
pub fn json(value: &impl Serialize) -> String {
    json_escaped(serde_json::to_string(value).expect("JSON values serialize"))
}

/// `value` as indented JSON, printable as [`json`] is.
pub fn json_pretty(value: &impl Serialize) -> String {
    json_escaped(serde_json::to_string_pretty(value).expect("JSON values serialize"))
}

/// `value` as one line of JSON, printable as [`json`] is, with blank look-alikes (see
/// [`escaped_unambiguous`]) as `\\u` escapes too: for a list in a cell of a table a person
/// compares names in.
pub(crate) fn json_unambiguous(value: &impl Serialize) -> String {
    with_json_escapes(json(value), is_blank_look_alike)
}

/// Serialized JSON with its unprintable characters as `\\u` escapes: outside strings, JSON
/// has only ASCII punctuation and whitespace, so every such character is inside a string.
fn json_escaped(serialized: String) -> String {
    with_json_escapes(serialized, is_unprintable_inline)
}

/// `serialized` JSON with every character `escape` picks written as `\\u` escapes (UTF-16
/// units, as JSON has them).
fn with_json_escapes(serialized: String, escape: fn(char) -> bool) -> String {
    // Printable ASCII and JSON's own whitespace need no escape: most output is only that.
    let plain = |byte: u8| (0x20..0x7f).contains(&byte) || matches!(byte, b'\n' | b'\r' | b'\t');
    if serialized.bytes().all(plain) || !serialized.chars().any(escape) {
        return serialized;
    }
    let mut out = String::with_capacity(serialized.len() + 16);
    for c in serialized.chars() {
        if escape(c) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_the_rest_kept() {
        assert_eq!(escaped("ci bot"), "ci bot");
        assert_eq!(escaped("a\nb\u{1b}[2J"), "a\\nb\\u{1b}[2J");
        assert_eq!(escaped("\u{202e}txt.exe"), "\\u{202e}txt.exe");
        assert_eq!(escaped_but("a\nb\r", &['\n']), "a\nb\\r");
        assert_eq!(masked("a\u{1b}b\u{85}c\n"), "a?b??c\n");
        assert_eq!(masked("a\u{1b}b").len(), "a\u{1b}b".len());
    }

    #[test]
    fn names_that_look_alike_are_told_apart() {
        let shown = |text: &str| escaped_unambiguous(text).into_owned();
        assert_eq!(shown("ci_bot"), "ci_bot");
        assert_eq!(shown("ci bot"), "ci bot");
        assert_eq!(shown("ci_bot\u{a0}"), "ci_bot\\u{a0}");
        assert_eq!(shown("ci\u{2004}bot"), "ci\\u{2004}bot");
        assert_eq!(shown("ci_bot\u{3164}"), "ci_bot\\u{3164}");
        assert_eq!(shown("ci_bot\u{2800}"), "ci_bot\\u{2800}");
        assert_eq!(shown(" alice "), "\\u{20}alice\\u{20}");
        assert_eq!(shown("ci_bot\u{200b}"), "ci_bot\\u{200b}");
        // The text of an escape, written in a name, is not the escape.
        assert_eq!(shown("ci_bot\\u{200b}"), "ci_bot\\\\u{200b}");
        assert_eq!(shown("a\nb"), "a\\nb");
        assert_eq!(shown("ci  bot"), "ci \\u{20}bot");
        let hidden = [
            '\u{fe0f}',
            '\u{34f}',
            '\u{e0100}',
            '\u{17b4}',
            '\u{180b}',
            '\u{fff0}',
        ];
        for c in hidden.into_iter().chain(['\u{e0080}', '\u{e000}']) {
            let name = format!("alice{c}");
            assert_eq!(shown(&name), format!("alice\\u{{{:x}}}", u32::from(c)));
        }
        assert_eq!(shown("café"), "café");
    }

    #[test]
    fn invisible_format_characters_are_escaped() {
        for c in [
            '\u{ad}', '\u{61c}', '\u{200b}', '\u{200f}', '\u{2060}', '\u{feff}',
        ] {
            assert!(is_unprintable(c), "{c:?}");
        }
        assert_eq!(escaped("a\u{e0041}b"), "a\\u{e0041}b");
        assert!(!is_unprintable('é') && !is_unprintable(' ') && !is_unprintable('*'));
    }

    #[test]
    fn json_is_printable_and_reads_back_exactly() {
        let name = "ci\u{1b}[2J\u{9b}\u{202e}\u{e0041}\u{2028}\n\u{7f}";
        let line = json(&serde_json::json!({ "name": name }));
        assert!(!line.chars().any(is_unprintable), "{line}");
        assert_eq!(
            line,
            r#"{"name":"ci\u001b[2J\u009b\u202e\udb40\udc41\u2028\n\u007f"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["name"], name);
        assert!(
            !json_pretty(&[name])
                .chars()
                .any(|c| is_unprintable(c) && c != '\n')
        );
    }
}
