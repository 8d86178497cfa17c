//! The shape of a YAML document with the byte span of every node: the one parse of a policy
//! file, which [`super::content`] then deserializes into the format's types.
//!
//! The pass over the parser's events records where each mapping entry, sequence item and
//! scalar stands, rejects what serde would silently accept (a duplicate mapping key, where the
//! last one would win; a tag), and enforces the [`Limits`] on nesting and alias expansion as
//! it reads.

use super::limits::Limits;
use crate::span::Span;
use indexmap::IndexMap;
use saphyr_parser::{Event, Parser, ScalarStyle, SpannedEventReceiver};
use std::collections::HashMap;
use std::sync::Arc;

/// A YAML node and where it stands.
#[derive(Clone, Debug)]
pub struct Node {
    /// From the node's first byte to its last (quotes included for quoted scalars).
    pub span: Span,
    /// What the node is.
    pub kind: NodeKind,
}

/// A mapping's entries in order: key text to the key's span and the value (hashed with
/// FxHash: the loader looks fields up by name for every case).
pub type MappingEntries = IndexMap<String, (Span, Node), rustc_hash::FxBuildHasher>;

/// The kinds of YAML node, with their children.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A string, number or boolean.
    Scalar {
        /// Its value (quotes and escapes resolved).
        text: String,
        /// Written without quotes or a block indicator: only then does YAML read it as a
        /// number or a boolean.
        plain: bool,
    },
    /// A plain null (`~`, `null`, or nothing at all), as written: a text field would read
    /// it as that text, so the loader refuses it where a name belongs.
    Null(String),
    /// A list.
    Sequence(Vec<Node>),
    /// A mapping: key text to the key's span and the value.
    Mapping(MappingEntries),
    /// `*anchor`: a reference to the node that `&anchor` marks. Its content is read
    /// through it, but spans stay at the alias.
    Alias(Arc<Node>),
}

impl Node {
    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, node)| node)
    }

    /// The span of `key` itself, if this is a mapping that has it.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entry(key).map(|(span, _)| *span)
    }

    fn entry(&self, key: &str) -> Option<&(Span, Node)> {
        match &self.kind {
            NodeKind::Mapping(entries) => entries.get(key),
            _ => None,
        }
    }

    /// The `index`th item, if this is a sequence that long.
    pub fn item(&self, index: usize) -> Option<&Node> {
        match &self.kind {
            NodeKind::Sequence(items) => items.get(index),
            _ => None,
        }
    }

    /// Where a report about this node points: the deepest key or node that starts where it
    /// starts (a block mapping's first key, say), or the empty span at its start.
    pub fn head_span(&self) -> Span {
        self.starting_at(self.span.start())
            .unwrap_or(Span::new(self.span.start(), self.span.start()))
    }

    /// The deepest key or non-empty node under this one that starts at `offset`.
    pub(super) fn starting_at(&self, offset: usize) -> Option<Span> {
        match &self.kind {
            NodeKind::Mapping(entries) => entries.values().find_map(|(key, value)| {
                if key.start() == offset {
                    Some(*key)
                } else {
                    value.starting_at(offset)
                }
            }),
            NodeKind::Sequence(items) => items.iter().find_map(|item| item.starting_at(offset)),
            _ => None,
        }
        .or((self.span.start() == offset && !self.span.is_empty()).then_some(self.span))
    }
}

/// Why a document's structure could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum StructureError {
    /// Not well-formed YAML.
    Syntax {
        /// The parser's words.
        message: String,
        /// Where it stopped.
        at: Span,
    },
    /// The same key twice in one mapping.
    DuplicateKey {
        /// The key.
        key: String,
        /// Its first occurrence.
        first: Span,
        /// The repeat.
        second: Span,
    },
    /// A mapping key that is itself a list or mapping.
    ComplexKey {
        /// The key node.
        at: Span,
    },
    /// Lists and mappings nested deeper than [`Limits::yaml_depth`].
    TooDeep {
        /// The list or mapping that opens one level too many.
        at: Span,
        /// The limit.
        limit: usize,
    },
    /// Aliases that repeat more than [`Limits::alias_expansion`] nodes in all.
    AliasExpansion {
        /// The alias that crosses the limit.
        at: Span,
        /// The limit.
        limit: usize,
    },
    /// Aliases that expand the document past [`Limits::file_bytes`] of scalar text.
    AliasBytes {
        /// The alias that crosses the limit.
        at: Span,
        /// The limit.
        limit: u64,
    },
    /// More than one `---` document in the file.
    SeveralDocuments {
        /// Where the second starts.
        at: Span,
    },
    /// A tag (`!name`, `!!str`): policy files have no use for one, and a tag can change
    /// what a value means.
    Tag {
        /// The tagged node.
        at: Span,
    },
    /// An alias inside the very node its anchor marks, which would repeat forever.
    RecursiveAlias {
        /// The alias.
        at: Span,
    },
}

/// Reads the structure of the single document in `text`, within `limits`; `None` for an
/// empty file.
pub(crate) fn read_structure(text: &str, limits: &Limits) -> Result<Option<Node>, StructureError> {
    read_placed(text, limits, Placement::default())
}

/// Reads `text`, which stands in its file as `placement` says.
pub(super) fn read_placed(
    text: &str,
    limits: &Limits,
    placement: Placement,
) -> Result<Option<Node>, StructureError> {
    let mut builder = Builder {
        text,
        placement,
        limits: *limits,
        offsets: CharOffsets::new(text),
        stack: Vec::new(),
        root: None,
        documents: 0,
        nodes: 0,
        repeated: 0,
        scalar_bytes: 0,
        bytes: placement.file_bytes.unwrap_or(text.len()) as u64,
        anchor_sizes: HashMap::new(),
        anchored: HashMap::new(),
        error: None,
    };
    let result = Parser::new_from_str(text).load(&mut builder, true);
    if let Some(error) = builder.error {
        return Err(error);
    }
    if let Err(error) = result {
        let at = placement.in_file(builder.offsets.byte(error.marker().index()));
        let at = Span::new(at, at);
        let message = error.info().to_owned();
        // The scanner gives up on runaway nesting before the builder sees it.
        return Err(if message.contains("recursion limit") {
            StructureError::TooDeep {
                at,
                limit: limits.yaml_depth,
            }
        } else {
            StructureError::Syntax { message, at }
        });
    }
    Ok(builder.root)
}

/// Where the text a [`Builder`] reads stands in its file.
#[derive(Clone, Copy, Default)]
pub(super) struct Placement {
    /// Where the text starts in the file.
    pub base: usize,
    /// A stretch of the file left out of the text, as (where, how long): offsets from
    /// there on stand that much further in the file.
    pub gap: Option<(usize, usize)>,
    /// The text's end, and where the file's next token stands: what the end of the text
    /// ends, the next token ends in the file.
    pub end: Option<(usize, usize)>,
    /// The lists and mappings open around the text in the file.
    pub depth: usize,
    /// A piece of a list: anchors and aliases, which may be referred to or refer outside
    /// it, are refused.
    pub piece: bool,
    /// The size of the whole file, which what aliases repeat adds to, if the text is part
    /// of it.
    pub file_bytes: Option<usize>,
}

impl Placement {
    fn in_file(&self, offset: usize) -> usize {
        if let Some((end, next)) = self.end
            && offset == end
        {
            return next;
        }
        let offset = offset + self.base;
        match self.gap {
            Some((at, len)) if offset >= at => offset + len,
            _ => offset,
        }
    }
}

/// Just past the closing quote of the quoted scalar that opens at `start`.
fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let quote = text[start..].chars().next()?;
    let body = start + quote.len_utf8();
    let mut chars = text[body..].char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|&(_, next)| next == '\'') {
                chars.next();
            } else {
                return Some(body + index + 1);
            }
        }
    }
    None
}

/// saphyr counts characters; spans are bytes.
struct CharOffsets {
    /// Byte offset of each character, plus the end; empty when the text is ASCII.
    table: Vec<usize>,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(offset, _)| offset)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        CharOffsets { table }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.table.is_empty() {
            char_index
        } else {
            self.table[char_index.min(self.table.len() - 1)]
        }
    }
}

/// How much an anchored node holds: aliases to it repeat that much.
#[derive(Clone, Copy)]
struct Size {
    nodes: usize,
    bytes: u64,
}

/// A list or mapping being read.
struct Frame {
    start: usize,
    /// Its anchor (`&name`), 0 if none.
    anchor: usize,
    /// The count of nodes read before it opened.
    nodes_before: usize,
    /// The scalar bytes read before it opened.
    bytes_before: u64,
    kind: FrameKind,
}

enum FrameKind {
    Sequence(Vec<Node>),
    Mapping {
        entries: MappingEntries,
        pending_key: Option<(String, Span)>,
    },
}

struct Builder<'t> {
    text: &'t str,
    placement: Placement,
    limits: Limits,
    offsets: CharOffsets,
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
    /// Nodes read so far, counting what aliases repeat.
    nodes: usize,
    /// Nodes that aliases repeated so far.
    repeated: usize,
    /// Scalar bytes read so far, counting what aliases repeat.
    scalar_bytes: u64,
    /// The document's size so far in bytes: its text, plus the scalar text aliases repeat.
    bytes: u64,
    /// The nodes under each anchor, and their scalar bytes, counting what aliases inside it
    /// repeat.
    anchor_sizes: HashMap<usize, Size>,
    /// The node each finished anchor marks, which aliases to it share.
    anchored: HashMap<usize, Arc<Node>>,
    error: Option<StructureError>,
}

impl Builder<'_> {
    /// Attaches a finished node to the one being read, keeping a copy for aliases if it
    /// carries an anchor.
    fn finish(&mut self, anchor: usize, node: Node) {
        if anchor != 0 {
            self.anchored.insert(anchor, Arc::new(node.clone()));
        }
        self.attach(node);
    }

    fn attach(&mut self, node: Node) {
        match self.stack.last_mut().map(|frame| &mut frame.kind) {
            None => self.root = Some(node),
            Some(FrameKind::Sequence(items)) => items.push(node),
            Some(FrameKind::Mapping {
                entries,
                pending_key,
            }) => match pending_key.take() {
                None => match node.kind {
                    NodeKind::Scalar { text: key, .. } | NodeKind::Null(key) => {
                        *pending_key = Some((key, node.span))
                    }
                    _ => self.fail(StructureError::ComplexKey { at: node.span }),
                },
                Some((key, key_span)) => {
                    if let Some((first, _)) = entries.get(&key) {
                        let first = *first;
                        self.fail(StructureError::DuplicateKey {
                            key,
                            first,
                            second: key_span,
                        });
                    } else {
                        entries.insert(key, (key_span, node));
                    }
                }
            },
        }
    }

    fn fail(&mut self, error: StructureError) {
        self.error.get_or_insert(error);
    }

    /// Counts a scalar of `len` bytes; one with an anchor is remembered.
    fn count_scalar(&mut self, anchor: usize, len: usize) {
        self.nodes += 1;
        self.scalar_bytes += len as u64;
        if anchor != 0 {
            self.anchor_sizes.insert(
                anchor,
                Size {
                    nodes: 1,
                    bytes: len as u64,
                },
            );
        }
    }

    /// Counts the nodes and bytes an alias repeats, failing past the limits.
    fn count_alias(&mut self, anchor: usize, at: Span) {
        let size = self
            .anchor_sizes
            .get(&anchor)
            .copied()
            .unwrap_or(Size { nodes: 1, bytes: 0 });
        self.nodes = self.nodes.saturating_add(size.nodes);
        self.scalar_bytes = self.scalar_bytes.saturating_add(size.bytes);
        self.repeated = self.repeated.saturating_add(size.nodes);
        self.bytes = self.bytes.saturating_add(size.bytes);
        if self.repeated > self.limits.alias_expansion {
            self.fail(StructureError::AliasExpansion {
                at,
                limit: self.limits.alias_expansion,
            });
        } else if self.bytes > self.limits.file_bytes {
            self.fail(StructureError::AliasBytes {
                at,
                limit: self.limits.file_bytes,
            });
        }
    }

    /// Reads a scalar: a plain null, or text.
    fn scalar(&mut self, text: String, style: ScalarStyle, anchor: usize, span: Span) {
        self.count_scalar(anchor, text.len());
        let plain = style == ScalarStyle::Plain;
        let kind = if plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
            NodeKind::Null(text)
        } else {
            NodeKind::Scalar { text, plain }
        };
        self.finish(anchor, Node { span, kind })
    }

    /// Closes the list or mapping being read, which ends at `end`.
    fn close(&mut self, end: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if frame.anchor != 0 {
            let size = Size {
                nodes: self.nodes - frame.nodes_before + 1,
                bytes: self.scalar_bytes - frame.bytes_before,
            };
            self.anchor_sizes.insert(frame.anchor, size);
        }
        let span = Span::new(frame.start, end.max(frame.start));
        let kind = match frame.kind {
            FrameKind::Sequence(items) => NodeKind::Sequence(items),
            FrameKind::Mapping { entries, .. } => NodeKind::Mapping(entries),
        };
        self.finish(frame.anchor, Node { span, kind });
    }

    fn open(&mut self, start: usize, end: usize, anchor: usize, kind: FrameKind) {
        if self.stack.len() + self.placement.depth >= self.limits.yaml_depth {
            self.fail(StructureError::TooDeep {
                at: Span::new(start, end),
                limit: self.limits.yaml_depth,
            });
            return;
        }
        self.nodes += 1;
        self.stack.push(Frame {
            start,
            anchor,
            nodes_before: self.nodes,
            bytes_before: self.scalar_bytes,
            kind,
        });
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder<'_> {
    fn on_event(&mut self, event: Event<'input>, span: saphyr_parser::Span) {
        if self.error.is_some() {
            return;
        }
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index());
        let place = |offset| self.placement.in_file(offset);
        let (start, end) = match event {
            // The parser ends a quoted scalar after the blanks and comment that follow it.
            Event::Scalar(_, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted, _, None) => {
                (start, quoted_end(self.text, start).unwrap_or(end))
            }
            _ => (start, end),
        };
        let (start, end) = (place(start), place(end));
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(StructureError::SeveralDocuments {
                        at: Span::new(start, end),
                    });
                }
            }
            Event::Scalar(_, _, _, Some(_))
            | Event::SequenceStart(_, Some(_))
            | Event::MappingStart(_, Some(_)) => self.fail(StructureError::Tag {
                at: Span::new(start, end),
            }),
            Event::Alias(_)
            | Event::Scalar(_, _, 1.., _)
            | Event::SequenceStart(1.., _)
            | Event::MappingStart(1.., _)
                if self.placement.piece =>
            {
                self.fail(StructureError::Syntax {
                    message: "an anchor or alias in a piece of a list".to_owned(),
                    at: Span::new(start, end),
                })
            }
            Event::Scalar(value, style, anchor, None) => {
                self.scalar(value.into_owned(), style, anchor, Span::new(start, end))
            }
            Event::Alias(anchor) => {
                let span = Span::new(start, end);
                self.count_alias(anchor, span);
                match self.anchored.get(&anchor) {
                    Some(target) => {
                        let kind = NodeKind::Alias(Arc::clone(target));
                        self.attach(Node { span, kind })
                    }
                    None => self.fail(StructureError::RecursiveAlias { at: span }),
                }
            }
            Event::SequenceStart(anchor, None) => {
                self.open(start, end, anchor, FrameKind::Sequence(Vec::new()))
            }
            Event::MappingStart(anchor, None) => self.open(
                start,
                end,
                anchor,
                FrameKind::Mapping {
                    entries: MappingEntries::default(),
                    pending_key: None,
                },
            ),
            Event::SequenceEnd | Event::MappingEnd => self.close(end),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of_items(text: &str) -> Vec<&str> {
        let root = read_placed(text, &Limits::default(), Placement::default())
            .unwrap()
            .unwrap();
        let NodeKind::Sequence(items) = &root.get("p").unwrap().kind else {
            panic!("not a sequence");
        };
        items.iter().map(|item| &text[item.span.range()]).collect()
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        assert_eq!(
            spans_of_items("p:\n  - \"a\\\"b\"   # c\n  - 'it''s'  # d\n  - plain  # e\n"),
            ["\"a\\\"b\"", "'it''s'", "plain"]
        );
        assert_eq!(spans_of_items("p: [ 'é' , \"x\" ]\n"), ["'é'", "\"x\""]);
    }
}
