//! Byte ranges into a source text, carried by every value that a diagnostic may point at.

use miette::SourceSpan;

/// A half-open byte range `start..end` into a source text, in 32 bits a side: every value
/// of a big suite carries spans, and no text permspec reads is 4 GiB long (the
/// `file-bytes` limit stops short of it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    start: u32,
    end: u32,
}

/// The longest text a span can point into.
pub const MAX_TEXT_BYTES: u64 = u32::MAX as u64;

/// `offset` in a span's 32 bits.
fn narrow(offset: usize) -> u32 {
    u32::try_from(offset).expect("texts are shorter than `MAX_TEXT_BYTES`")
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: narrow(start),
            end: narrow(end),
        }
    }

    /// Offset of the first byte.
    pub fn start(self) -> usize {
        self.start as usize
    }

    /// Offset one past the last byte.
    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The byte range, to index the text with.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// True for a zero-length span (a position between two bytes).
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// This span moved `offset` bytes to the right, for a text embedded in a larger one.
    pub fn shifted(self, offset: usize) -> Span {
        Span::new(self.start() + offset, self.end() + offset)
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> Self {
        (span.start(), span.len()).into()
    }
}
