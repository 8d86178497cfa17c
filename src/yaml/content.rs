//! The policy format's types, deserialized straight from the one parse of a file (the
//! span tree of [`super::spans`]), with every error typed and placed at its node.
//!
//! YAML is read as serde_yaml 0.9 read it before (YAML 1.2's core schema): only a plain
//! scalar is a number, a boolean or a null, any scalar is text where text is expected, and an
//! empty value is an empty list or mapping. Error messages keep serde's words and the
//! `cases[0].expect:` path in front of them. (serde_yaml still writes YAML, in `import`: it
//! reads no spans, and reading a file twice cost as much as everything else in a run.)

use super::limits::Limits;
use super::spans::{Node, NodeKind, read_structure};
use crate::span::Span;
use serde::de::{self, DeserializeSeed, Expected, IntoDeserializer, Unexpected, Visitor};
use std::fmt;

/// Deserializes `T` from `node`.
pub fn deserialize<'n, T: de::Deserialize<'n>>(node: &'n Node) -> Result<T, ContentError> {
    T::deserialize(NodeDeserializer {
        node,
        path: Path::Root,
    })
}

/// Deserializes `T` from `node`, the item `index` of the top-level list `section`: its errors
/// are placed and named (`cases[3].expect`) as if the whole document were read.
pub(crate) fn deserialize_item<'n, T: de::Deserialize<'n>>(
    node: &'n Node,
    section: &'static str,
    index: usize,
) -> Result<T, ContentError> {
    let section = Path::Field {
        parent: &Path::Root,
        key: section,
    };
    T::deserialize(NodeDeserializer {
        node,
        path: Path::Item {
            parent: &section,
            index,
        },
    })
}

/// Reads `text`, one YAML document, into `T` as policy files are read: for the data that
/// permspec bundles (the route table), so that one reader reads all YAML.
pub(crate) fn from_str<T: de::DeserializeOwned>(text: &str) -> Result<T, String> {
    match read_structure(text, &Limits::default()) {
        Ok(Some(root)) => deserialize(&root).map_err(|error| error.to_string()),
        Ok(None) => Err("the document is empty".to_owned()),
        Err(error) => Err(format!("{error:?}")),
    }
}

/// A value that does not fit the format, where it stands.
#[derive(Debug)]
pub struct ContentError {
    /// What is wrong.
    pub mismatch: Mismatch,
    /// Where: the node or key the report points at.
    pub span: Span,
    /// The value's path in the document (`cases[0].expect`), empty at the top.
    pub path: String,
    placed: bool,
}

/// The ways a value can fail to fit the format.
#[derive(Debug)]
pub enum Mismatch {
    /// A mapping key that is not a field here.
    UnknownField {
        /// The key.
        field: String,
        /// The fields allowed here.
        expected: &'static [&'static str],
    },
    /// A value that is not one of the allowed words.
    UnknownVariant {
        /// The value.
        variant: String,
        /// The allowed words.
        expected: &'static [&'static str],
    },
    /// A required field that is absent.
    MissingField {
        /// The field.
        field: &'static str,
    },
    /// A value of the wrong kind (a list for a name, text for a boolean), in serde's words.
    InvalidType(String),
    /// A quoted number or boolean where one belongs (`status: "404"`): quoted, it is text.
    Quoted(String),
    /// A value of the right kind but out of range, or otherwise refused, in serde's words.
    Other(String),
}

impl ContentError {
    fn new(mismatch: Mismatch) -> Self {
        ContentError {
            mismatch,
            span: Span::default(),
            path: String::new(),
            placed: false,
        }
    }

    /// Places an error that was raised without a place (by serde's visitors) at `span`.
    fn placed(mut self, span: Span, path: &Path) -> Self {
        if !self.placed {
            self.span = span;
            self.path = match path {
                Path::Root => String::new(),
                path => path.to_string(),
            };
            self.placed = true;
        }
        self
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        match &self.mismatch {
            Mismatch::UnknownField {
                field,
                expected: [],
            } => {
                write!(f, "unknown field `{field}`, there are no fields")
            }
            Mismatch::UnknownField { field, expected } => {
                write!(f, "unknown field `{field}`, expected {}", OneOf(expected))
            }
            Mismatch::UnknownVariant {
                variant,
                expected: [],
            } => {
                write!(f, "unknown variant `{variant}`, there are no variants")
            }
            Mismatch::UnknownVariant { variant, expected } => {
                write!(
                    f,
                    "unknown variant `{variant}`, expected {}",
                    OneOf(expected)
                )
            }
            Mismatch::MissingField { field } => write!(f, "missing field `{field}`"),
            Mismatch::InvalidType(message)
            | Mismatch::Quoted(message)
            | Mismatch::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ContentError {}

/// `` `a` ``, `` `a` or `b` ``, or `` one of `a`, `b`, `c` ``, as serde lists choices.
struct OneOf(&'static [&'static str]);

impl fmt::Display for OneOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [one] => write!(f, "`{one}`"),
            [first, second] => write!(f, "`{first}` or `{second}`"),
            names => {
                f.write_str("one of ")?;
                for (index, name) in names.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{name}`")?;
                }
                Ok(())
            }
        }
    }
}

impl de::Error for ContentError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ContentError::new(Mismatch::Other(message.to_string()))
    }

    fn invalid_type(unexpected: Unexpected, expected: &dyn Expected) -> Self {
        ContentError::new(Mismatch::InvalidType(format!(
            "invalid type: {unexpected}, expected {expected}"
        )))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        ContentError::new(Mismatch::UnknownVariant {
            variant: variant.to_owned(),
            expected,
        })
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        ContentError::new(Mismatch::UnknownField {
            field: field.to_owned(),
            expected,
        })
    }

    fn missing_field(field: &'static str) -> Self {
        ContentError::new(Mismatch::MissingField { field })
    }
}

/// Where a value stands in the document, as the error message names it.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Item { parent: &'a Path<'a>, index: usize },
    Field { parent: &'a Path<'a>, key: &'a str },
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("."),
            Path::Item { parent, index } => write!(f, "{parent}[{index}]"),
            Path::Field {
                parent: Path::Root,
                key,
            } => f.write_str(key),
            Path::Field { parent, key } => write!(f, "{parent}.{key}"),
        }
    }
}

/// What a plain scalar other than a null means in YAML 1.2's core schema.
enum Plain<'t> {
    Bool(bool),
    Integer(i128),
    Float(f64),
    Text(&'t str),
}

impl<'t> Plain<'t> {
    fn of(text: &'t str) -> Self {
        if let Some(boolean) = plain_bool(text) {
            Plain::Bool(boolean)
        } else if let Some(integer) = plain_integer(text) {
            Plain::Integer(integer)
        } else if let Some(float) = plain_float(text) {
            Plain::Float(float)
        } else {
            Plain::Text(text)
        }
    }
}

fn plain_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Digits with a leading zero are text in YAML 1.2, not an octal number.
fn leading_zero_digits(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    digits.len() > 1 && digits.starts_with('0') && digits[1..].bytes().all(|b| b.is_ascii_digit())
}

/// `body` in base `radix`, refusing a second sign (`from_str_radix` would take one).
fn radix(body: &str, radix: u32, negative: bool) -> Option<i128> {
    if body.starts_with(['+', '-']) {
        return None;
    }
    let value = i128::from_str_radix(body, radix).ok()?;
    Some(if negative { -value } else { value })
}

/// An integer as YAML 1.2 writes one: decimal, `0x`, `0o` or `0b`, with an optional sign.
fn plain_integer(text: &str) -> Option<i128> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return radix(hex, 16, negative);
    }
    if let Some(octal) = unsigned.strip_prefix("0o") {
        return radix(octal, 8, negative);
    }
    if let Some(binary) = unsigned.strip_prefix("0b") {
        return radix(binary, 2, negative);
    }
    if leading_zero_digits(text) {
        return None;
    }
    radix(unsigned, 10, negative)
}

fn plain_unsigned(text: &str) -> Option<u64> {
    if text.starts_with('-') {
        return None;
    }
    plain_integer(text).and_then(|value| u64::try_from(value).ok())
}

fn plain_float(text: &str) -> Option<f64> {
    if leading_zero_digits(text) {
        return None;
    }
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    unsigned
        .parse::<f64>()
        .ok()
        .filter(|float| float.is_finite())
}

/// Reads one node (following aliases) as the type asks.
#[derive(Clone, Copy)]
struct NodeDeserializer<'n, 'p> {
    node: &'n Node,
    path: Path<'p>,
}

impl<'n: 'p, 'p> NodeDeserializer<'n, 'p> {
    /// The node itself, through any aliases.
    fn target(&self) -> &'n Node {
        let mut node = self.node;
        while let NodeKind::Alias(target) = &node.kind {
            node = target;
        }
        node
    }

    /// Places an error raised while reading this node.
    fn place<T>(&self, result: Result<T, ContentError>) -> Result<T, ContentError> {
        result.map_err(|error| error.placed(self.target().head_span(), &self.path))
    }

    /// The error for a node that is not what `expected` wants.
    fn invalid_type(&self, expected: &dyn Expected) -> ContentError {
        let node = self.target();
        let unexpected = match &node.kind {
            NodeKind::Scalar { text, plain: true } => match Plain::of(text) {
                Plain::Bool(boolean) => Unexpected::Bool(boolean),
                Plain::Integer(integer) => match (u64::try_from(integer), i64::try_from(integer)) {
                    (Ok(unsigned), _) => Unexpected::Unsigned(unsigned),
                    (_, Ok(signed)) => Unexpected::Signed(signed),
                    _ => {
                        return ContentError::new(Mismatch::InvalidType(format!(
                            "invalid type: integer `{integer}` as {}, expected {expected}",
                            if integer < 0 { "i128" } else { "u128" }
                        )));
                    }
                },
                Plain::Float(float) => Unexpected::Float(float),
                Plain::Text(text) => Unexpected::Str(text),
            },
            NodeKind::Scalar { text, plain: false } => Unexpected::Str(text),
            NodeKind::Null(_) => Unexpected::Unit,
            NodeKind::Sequence(_) => Unexpected::Seq,
            NodeKind::Mapping(_) => Unexpected::Map,
            NodeKind::Alias(_) => unreachable!("target() follows aliases"),
        };
        de::Error::invalid_type(unexpected, expected)
    }

    /// The error for a node that is not the number or boolean `expected` wants: `read`
    /// tells whether its text, unquoted, would be one.
    fn not_plain(&self, expected: &dyn Expected, read: impl Fn(&str) -> bool) -> ContentError {
        let error = self.invalid_type(expected);
        match (&self.target().kind, error.mismatch) {
            (NodeKind::Scalar { text, plain: false }, Mismatch::InvalidType(message))
                if read(text) =>
            {
                ContentError::new(Mismatch::Quoted(message))
            }
            (_, mismatch) => ContentError::new(mismatch),
        }
    }

    /// Whether the node is an empty value, which reads as an empty list or mapping.
    fn is_empty_value(&self) -> bool {
        matches!(&self.target().kind, NodeKind::Null(text) if text.is_empty())
    }

    fn visit_seq<V: Visitor<'n>>(&self, visitor: V) -> Result<V::Value, ContentError> {
        let items = match &self.target().kind {
            NodeKind::Sequence(items) => items.as_slice(),
            _ => &[],
        };
        visitor.visit_seq(Items {
            items: items.iter().enumerate(),
            parent: &self.path,
        })
    }

    fn visit_map<V: Visitor<'n>>(&self, visitor: V) -> Result<V::Value, ContentError> {
        visitor.visit_map(Entries {
            entries: match &self.target().kind {
                NodeKind::Mapping(entries) => Some(entries.iter()),
                _ => None,
            },
            value: None,
            parent: &self.path,
        })
    }
}

impl<'n: 'p, 'p> de::Deserializer<'n> for NodeDeserializer<'n, 'p> {
    type Error = ContentError;

    fn deserialize_any<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.place(match &self.target().kind {
            NodeKind::Null(_) => visitor.visit_unit(),
            NodeKind::Scalar { text, plain: true } => match Plain::of(text) {
                Plain::Bool(boolean) => visitor.visit_bool(boolean),
                Plain::Integer(integer) => match (u64::try_from(integer), i64::try_from(integer)) {
                    (Ok(unsigned), _) => visitor.visit_u64(unsigned),
                    (_, Ok(signed)) => visitor.visit_i64(signed),
                    _ if integer < 0 => visitor.visit_i128(integer),
                    _ => visitor.visit_u128(integer as u128),
                },
                Plain::Float(float) => visitor.visit_f64(float),
                Plain::Text(_) => visitor.visit_borrowed_str(text),
            },
            NodeKind::Scalar { text, plain: false } => visitor.visit_borrowed_str(text),
            NodeKind::Sequence(_) => self.visit_seq(visitor),
            NodeKind::Mapping(_) => self.visit_map(visitor),
            NodeKind::Alias(_) => unreachable!("target() follows aliases"),
        })
    }

    fn deserialize_bool<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.place(match &self.target().kind {
            NodeKind::Scalar { text, plain: true } if plain_bool(text).is_some() => {
                visitor.visit_bool(plain_bool(text) == Some(true))
            }
            _ => Err(self.not_plain(&visitor, |text| plain_bool(text).is_some())),
        })
    }

    fn deserialize_u64<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.place(match &self.target().kind {
            NodeKind::Scalar { text, plain: true } => match plain_unsigned(text) {
                Some(unsigned) => visitor.visit_u64(unsigned),
                None => Err(self.invalid_type(&visitor)),
            },
            _ => Err(self.not_plain(&visitor, |text| plain_unsigned(text).is_some())),
        })
    }

    fn deserialize_u8<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_str<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.place(match &self.target().kind {
            NodeKind::Scalar { text, .. } | NodeKind::Null(text) => {
                visitor.visit_borrowed_str(text)
            }
            _ => Err(self.invalid_type(&visitor)),
        })
    }

    fn deserialize_string<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        match &self.target().kind {
            NodeKind::Null(_) => self.place(visitor.visit_none()),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.place(match &self.target().kind {
            NodeKind::Sequence(_) => self.visit_seq(visitor),
            _ if self.is_empty_value() => self.visit_seq(visitor),
            _ => Err(self.invalid_type(&visitor)),
        })
    }

    fn deserialize_map<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, ContentError> {
        self.place(match &self.target().kind {
            NodeKind::Mapping(_) => self.visit_map(visitor),
            _ if self.is_empty_value() => self.visit_map(visitor),
            _ => Err(self.invalid_type(&visitor)),
        })
    }

    fn deserialize_struct<V: Visitor<'n>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ContentError> {
        self.deserialize_map(visitor)
    }

    /// An enum of the format is a word: its unit variant.
    fn deserialize_enum<V: Visitor<'n>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ContentError> {
        self.place(match &self.target().kind {
            NodeKind::Scalar { text, .. } | NodeKind::Null(text) => {
                visitor.visit_enum(text.as_str().into_deserializer())
            }
            _ => Err(self.invalid_type(&OneOf(variants).to_string().as_str())),
        })
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'n>>
        i8 i16 i32 i64 i128 u128 f32 f64 char bytes byte_buf unit unit_struct newtype_struct
        tuple tuple_struct ignored_any
    }
}

/// The items of a sequence, each read at its index.
struct Items<'n, 'p> {
    items: std::iter::Enumerate<std::slice::Iter<'n, Node>>,
    parent: &'p Path<'p>,
}

impl<'n: 'p, 'p> de::SeqAccess<'n> for Items<'n, 'p> {
    type Error = ContentError;

    fn next_element_seed<T: DeserializeSeed<'n>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ContentError> {
        let Some((index, node)) = self.items.next() else {
            return Ok(None);
        };
        let path = Path::Item {
            parent: self.parent,
            index,
        };
        seed.deserialize(NodeDeserializer { node, path }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a mapping: each key read at its span, each value at its path.
struct Entries<'n, 'p> {
    entries: Option<indexmap::map::Iter<'n, String, (Span, Node)>>,
    value: Option<(&'n str, &'n Node)>,
    parent: &'p Path<'p>,
}

impl<'n: 'p, 'p> de::MapAccess<'n> for Entries<'n, 'p> {
    type Error = ContentError;

    fn next_key_seed<K: DeserializeSeed<'n>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ContentError> {
        let Some((key, (span, value))) = self.entries.as_mut().and_then(Iterator::next) else {
            return Ok(None);
        };
        self.value = Some((key, value));
        let key_deserializer: de::value::BorrowedStrDeserializer<'n, ContentError> =
            de::value::BorrowedStrDeserializer::new(key);
        seed.deserialize(key_deserializer)
            .map(Some)
            .map_err(|error| error.placed(*span, self.parent))
    }

    fn next_value_seed<V: DeserializeSeed<'n>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ContentError> {
        let (key, node) = self
            .value
            .take()
            .expect("serde asks for a value after its key");
        let path = Path::Field {
            parent: self.parent,
            key,
        };
        seed.deserialize(NodeDeserializer { node, path })
    }

    fn size_hint(&self) -> Option<usize> {
        self.entries.as_ref().map(ExactSizeIterator::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::RawFile;
    use proptest::prelude::*;
    use std::path::Path as FsPath;
    use std::sync::LazyLock;

    /// Every YAML file of the examples and fixtures.
    static CORPUS: LazyLock<Vec<String>> = LazyLock::new(|| {
        let root = FsPath::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("policies"), root.join("fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|ext| ext == "yaml")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    files.push(text);
                }
            }
        }
        files.sort();
        files
    });

    /// Values that YAML reads in more than one way.
    const TRICKY: &[&str] = &[
        "",
        "~",
        "null",
        "NULL",
        "''",
        "\"\"",
        "1",
        "-1",
        "-0",
        "+7",
        "007",
        "0x1F",
        "0o17",
        "0b101",
        "1.5",
        "1e3",
        ".inf",
        "-.inf",
        ".nan",
        "true",
        "True",
        "FALSE",
        "yes",
        "\"1\"",
        "'true'",
        "[a, b]",
        "[]",
        "{}",
        "{a: b}",
        "{wildcard: allow, literal: deny}",
        "{wildcard: allow}",
        "allow",
        "deny",
        "error",
        "alow",
        "literal",
        "VALID",
        "documents.read",
        "\"*\"",
        "4294967296",
        "99999999999999999999",
        "|\n  block\n",
        "&x [a]",
        "*x",
    ];

    /// `text` with the value of line `line` (after its `key:` or `- `) replaced by `value`.
    fn replace_value(text: &str, line: usize, value: &str) -> String {
        let lines: Vec<&str> = text.lines().collect();
        let line = line % lines.len().max(1);
        let mut out = String::new();
        for (index, current) in lines.iter().enumerate() {
            if index == line {
                let cut = current
                    .find(": ")
                    .map(|at| at + 2)
                    .or_else(|| current.find("- ").map(|at| at + 2))
                    .unwrap_or(current.len());
                out.push_str(&current[..cut]);
                if cut == current.len() && !current.trim_end().ends_with(':') {
                    out.push_str(": ");
                }
                out.push_str(value);
            } else {
                out.push_str(current);
            }
            out.push('\n');
        }
        out
    }

    /// serde_yaml's reading of `text`: the value, or the message and the offset it names.
    fn serde_yaml_reading(text: &str) -> Result<String, (String, Option<usize>)> {
        match serde_yaml::from_str::<RawFile>(text) {
            Ok(raw) => Ok(format!("{raw:?}")),
            Err(error) => {
                let mut message = error.to_string();
                let offset = error.location().map(|location| {
                    let suffix =
                        format!(" at line {} column {}", location.line(), location.column());
                    if let Some(stripped) = message.strip_suffix(&suffix) {
                        message = stripped.to_owned();
                    }
                    location.index()
                });
                Err((message, offset))
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The typed reading agrees with serde_yaml's, which read policy files before it:
        /// the same values, and the same message at the same place for what does not fit.
        #[test]
        fn reads_every_value_as_serde_yaml_did(
            file in any::<prop::sample::Index>(),
            edits in prop::collection::vec((any::<usize>(), 0..TRICKY.len()), 0..3),
        ) {
            let mut text = file.get(&CORPUS).clone();
            for (line, value) in edits {
                text = replace_value(&text, line, TRICKY[value]);
            }
            // Only what the structure pass lets through reaches deserialization, and only
            // what both parsers read as YAML compares deserializers.
            let Ok(Some(root)) = read_structure(&text, &Limits::default()) else {
                return Ok(());
            };
            if serde_yaml::from_str::<serde_yaml::Value>(&text).is_err() {
                return Ok(());
            }
            let ours = deserialize::<RawFile>(&root)
                .map(|raw| format!("{raw:?}"))
                .map_err(|error| (error.to_string(), error.span));
            match (serde_yaml_reading(&text), ours) {
                (Ok(theirs), Ok(ours)) => prop_assert_eq!(theirs, ours),
                (Err((theirs, offset)), Err((ours, span))) => {
                    // A list or mapping where a word belongs now names the words, where
                    // serde_yaml asked for a tag.
                    match theirs.strip_suffix("expected a YAML tag starting with '!'") {
                        Some(start) => prop_assert!(ours.starts_with(start), "{}", ours),
                        None => prop_assert_eq!(theirs, ours, "{}", text),
                    }
                    // Where serde_yaml's position fell on a node, the error is at that node.
                    // (It fell on none at a block scalar's `|`: the error is now on the
                    // scalar.)
                    if let Some(expected) = offset.and_then(|offset| root.starting_at(offset)) {
                        prop_assert_eq!(expected, span, "{}", text);
                    }
                }
                (theirs, ours) => prop_assert!(false, "{:?} against {:?}\n{}", theirs, ours, text),
            }
        }
    }
}
