//! Text from policy files and servers, safe inside Markdown.

use crate::printable::escaped;

/// `value` as a Markdown code span that stays inside one table cell, whatever it holds:
/// fenced by more backticks than it contains, pipes escaped, line breaks as spaces. Text
/// from policy files is only ever shown this way: inside a code span no emphasis, link,
/// HTML or @mention of a name is rendered.
pub(crate) fn code(value: &str) -> String {
    let flat = value.replace(['\n', '\r'], " ");
    let flat = escaped(&flat).replace('|', "\\|");
    let longest_run = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}
