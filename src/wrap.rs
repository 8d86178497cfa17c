//! Text wrapped for an 80-column report without breaking what a reader copies: a code span
//! (`` `…` ``), a URN, a permission or a JSON value is never split; one too long for the
//! line goes on a line of its own.

/// `text` wrapped to `width` columns: lines break only at spaces outside code spans, and
/// each line of `text` keeps its own indentation on the lines it wraps onto.
pub fn wrapped(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let body = line.trim_start_matches(' ');
        let indent = &line[..line.len() - body.len()];
        let mut column = 0;
        for (position, atom) in atoms(body).into_iter().enumerate() {
            let length = atom.chars().count();
            if position == 0 {
                out.push_str(indent);
                column = indent.len();
            } else if column + 1 + length > width {
                out.push('\n');
                out.push_str(indent);
                column = indent.len();
            } else {
                out.push(' ');
                column += 1;
            }
            out.push_str(atom);
            column += length;
        }
    }
    out
}

/// The unbreakable pieces of a line: runs between spaces, a code span counting as one run
/// with whatever is attached to it (`` `a b`, ``).
fn atoms(line: &str) -> Vec<&str> {
    let mut atoms = Vec::new();
    let mut start = None;
    let mut in_code = false;
    for (offset, c) in line.char_indices() {
        match c {
            '`' => {
                in_code = !in_code;
                start.get_or_insert(offset);
            }
            ' ' if !in_code => {
                if let Some(begin) = start.take() {
                    atoms.push(&line[begin..offset]);
                }
            }
            _ => {
                start.get_or_insert(offset);
            }
        }
    }
    if let Some(begin) = start {
        atoms.push(&line[begin..]);
    }
    atoms
}

#[cfg(test)]
mod tests {
    use super::wrapped;

    #[test]
    fn code_spans_and_long_tokens_are_never_split() {
        let text = "if intended, add a case that asserts it, e.g. `{key: partner_acme, query: \
                    reports.export_pii, expect: allow}`, or pass --allow-widening";
        let out = wrapped(text, 40);
        assert!(
            out.contains("`{key: partner_acme, query: reports.export_pii, expect: allow}`,"),
            "{out}"
        );
        let urn = "needs unkey:v1:ws_acme:keyspaces/ks_billing/keys/key_1#read_key: missing";
        let out = wrapped(urn, 30);
        assert!(
            out.lines()
                .any(|line| line == "unkey:v1:ws_acme:keyspaces/ks_billing/keys/key_1#read_key:"),
            "{out}"
        );
        assert_eq!(wrapped("a b c", 3), "a b\nc");
        assert_eq!(wrapped("  x y\nz", 4), "  x\n  y\nz");
    }
}
