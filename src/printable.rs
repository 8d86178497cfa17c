//! Text from policy files, servers and the command line made safe to print: a control
//! character in a name (an escape sequence that clears the screen or writes the clipboard, a
//! line break that forges a result line) is shown escaped, never sent to the terminal.

use std::borrow::Cow;

/// Whether `c` must never reach the output raw: control characters (C0, DEL, C1), the line
/// and paragraph separators, and the bidirectional overrides and isolates, which reorder
/// what a reader sees.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unprintable character escaped: `\n`, `\r`, `\t`, and `\u{1b}` for the
/// rest.
pub fn escaped(text: &str) -> Cow<'_, str> {
    escaped_but(text, &[])
}

/// `text` escaped as [`escaped`] does, but for the characters of `kept` (such as the line
/// breaks of a multi-line help text written by permspec itself).
pub fn escaped_but<'t>(text: &'t str, kept: &[char]) -> Cow<'t, str> {
    if !text
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

/// `text` with every unprintable character but the line breaks and tabs replaced by as many
/// `?` as it has bytes: source shown around a label keeps its byte offsets.
pub fn masked(text: &str) -> Cow<'_, str> {
    let shown = |c: char| !is_unprintable(c) || matches!(c, '\n' | '\r' | '\t');
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
}
