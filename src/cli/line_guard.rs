//! A CI log reads a line as a command when it starts, after blanks, with `::` (GitHub
//! Actions: `::error::`, `::stop-commands::`) or `##[` (the older syntax). Permission names
//! may hold `::`, and a hint may wrap onto a new line at any space of a name, so no
//! escaping of control characters alone keeps text of a file from starting a line. The
//! guard sees every line the commands print and writes the first character of such a start
//! as an escape (`\u{3a}:error::`), which no runner reads as a command. Only
//! `lint --format github`, whose commands are permspec's own and whose data is encoded,
//! writes around it.

/// Where a stream stands: at the start of a line (holding its blanks and the characters
/// that may begin a command, undecided), or past it.
#[derive(Default)]
pub struct LineGuard {
    past_start: bool,
    pending: Vec<u8>,
}

impl LineGuard {
    /// A guard at the start of a stream.
    pub const fn new() -> Self {
        LineGuard {
            past_start: false,
            pending: Vec::new(),
        }
    }
}

/// The starts a CI runner reads as a command, and what each becomes.
const COMMANDS: [(&[u8], &[u8]); 2] = [(b"::", b"\\u{3a}:"), (b"##[", b"\\u{23}#[")];

impl LineGuard {
    /// `bytes` as they may be written, a command start escaped; what ends undecided is
    /// held for the next call or [`LineGuard::finish`].
    pub fn filter(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len() + 8);
        for &byte in bytes {
            if self.past_start {
                out.push(byte);
                self.past_start = byte != b'\n';
                continue;
            }
            self.pending.push(byte);
            let blanks = self
                .pending
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            let (indent, rest) = self.pending.split_at(blanks);
            if rest.is_empty() {
                continue;
            }
            if let Some((_, escaped)) = COMMANDS.iter().find(|(start, _)| rest == *start) {
                out.extend_from_slice(indent);
                out.extend_from_slice(escaped);
            } else if COMMANDS.iter().any(|(start, _)| start.starts_with(rest)) {
                continue;
            } else {
                out.extend_from_slice(&self.pending);
            }
            self.past_start = !matches!(self.pending.last(), Some(b'\n'));
            self.pending.clear();
        }
        out
    }

    /// What is still held: the start of a last line that ended undecided.
    pub fn finish(&mut self) -> Vec<u8> {
        self.past_start = false;
        std::mem::take(&mut self.pending)
    }
}

#[cfg(test)]
mod tests {
    use super::LineGuard;

    fn guarded(chunks: &[&str]) -> String {
        let mut guard = LineGuard::default();
        let mut out = Vec::new();
        for chunk in chunks {
            out.extend(guard.filter(chunk.as_bytes()));
        }
        out.extend(guard.finish());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_command_at_a_line_start_is_escaped_wherever_the_writes_cut() {
        let text = "ok\n  ::warning::x\n##[error]y\na :: b\n::\n:x\n#\n";
        let expected = "ok\n  \\u{3a}:warning::x\n\\u{23}#[error]y\na :: b\n\\u{3a}:\n:x\n#\n";
        assert_eq!(guarded(&[text]), expected);
        for cut in 0..text.len() {
            assert_eq!(
                guarded(&[&text[..cut], &text[cut..]]),
                expected,
                "cut at {cut}"
            );
        }
        let bytes: Vec<String> = text.chars().map(String::from).collect();
        let chunks: Vec<&str> = bytes.iter().map(String::as_str).collect();
        assert_eq!(guarded(&chunks), expected);
    }

    #[test]
    fn text_without_a_command_start_is_written_as_it_is() {
        for text in [
            "",
            "\n",
            "a\nb",
            "  :",
            "##",
            "\t#[",
            "json: {\"a\": \"::x\"}\n",
        ] {
            assert_eq!(guarded(&[text]), text);
        }
    }
}
