//! Text from policy files and servers, safe inside Markdown.

use crate::printable::escaped_unambiguous;

/// `value` as a Markdown code span that stays inside one table cell, whatever it holds:
/// fenced by more backticks than it contains, pipes escaped, line breaks and every
/// character that could make two names look alike escaped (`\\n`, `\\u{a0}`). Text from
/// policy files is only ever shown this way: inside a code span no emphasis, link, HTML or
/// @mention of a name is rendered.
pub(crate) fn code(value: &str) -> String {
    let flat = escaped_unambiguous(value).replace('|', "\\|");
    let longest_run = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}
