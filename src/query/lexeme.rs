//! What Unkey's lexer (`pkg/rbac/lexer.go`) reads, byte by byte: the part of a query before
//! its first NUL, and which bytes belong to a permission.

/// The part of `text` that Unkey's lexer reads: everything before the first NUL, which it
/// takes for the end of the input. `documents.read\0 AND admin` is checked as
/// `documents.read`.
pub(crate) fn read_by_unkey(text: &str) -> &str {
    text.find('\0').map_or(text, |nul| &text[..nul])
}

/// Whether Unkey's lexer reads `byte` as part of a permission. It tests each byte as if it
/// were a character of its own (`unicode.IsLetter(rune(ch))`), so besides the ASCII letters,
/// digits and `. _ - * : /`, the bytes whose Latin-1 character is a letter count too:
/// `ª` `µ` `º`, `À`–`Ö`, `Ø`–`ö` and `ø`–`ÿ`.
pub(crate) fn is_permission_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'.' | b'_' | b'-' | b'*' | b':' | b'/' | 0xAA | 0xB5 | 0xBA
        )
        || matches!(byte, 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0xFF)
}

/// Whether every byte of `c` is read as part of a permission: `ê` (bytes C3 AA) is, `é`
/// (C3 A9) is not, and Unkey stops at its second byte.
pub(crate) fn is_permission_char(c: char) -> bool {
    let mut buffer = [0; 4];
    c.encode_utf8(&mut buffer).bytes().all(is_permission_byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_1_letter_bytes_are_permission_bytes() {
        let letters: Vec<u8> = (0x80..=0xFF).filter(|&b| is_permission_byte(b)).collect();
        let expected: Vec<u8> = (0x80u8..=0xFF)
            .filter(|&b| char::from(b).is_alphabetic())
            .collect();
        assert_eq!(letters, expected);
        assert!(is_permission_char('ê') && is_permission_char('µ'));
        assert!(!is_permission_char('é') && !is_permission_char('а'));
    }

    #[test]
    fn unkey_reads_up_to_the_first_nul() {
        assert_eq!(read_by_unkey("a\0 AND b"), "a");
        assert_eq!(read_by_unkey("\0a"), "");
        assert_eq!(read_by_unkey("a"), "a");
    }
}
