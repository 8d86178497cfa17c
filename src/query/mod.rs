//! The permission query language: parsing, the AST, its JSON form and its canonical text.
//!
//! ```
//! let query = permspec::query::parse("admin or (documents.read and documents.write)").unwrap();
//! assert_eq!(query.to_string(), "admin OR documents.read AND documents.write");
//! ```

mod lexeme;
mod limits;
mod parser;
mod print;
mod syntax_error;

pub(crate) use lexeme::read_by_unkey;
pub use limits::{
    LimitViolation, MAX_NESTING, MAX_QUERY_CHARS, MAX_QUERY_PERMISSIONS, unkey_limits,
};
pub use parser::parse;
pub use syntax_error::{SyntaxError, SyntaxErrorKind};

use crate::span::Span;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// The two operators of the language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    /// Both operands are required.
    And,
    /// Either operand suffices.
    Or,
}

impl Operator {
    /// The operator's keyword in canonical (upper) case.
    pub fn keyword(self) -> &'static str {
        match self {
            Operator::And => "AND",
            Operator::Or => "OR",
        }
    }
}

/// A parsed permission query.
///
/// `And` and `Or` are n-ary and never directly contain a node of their own kind: the
/// parser flattens `(a AND b) AND c` into one `And` of three children.
#[derive(Clone, Debug)]
pub enum Query {
    /// A required permission, e.g. `documents.read`.
    Permission {
        /// The permission exactly as written.
        name: String,
        /// Where it stands in the query text.
        span: Span,
    },
    /// Every child must be satisfied.
    And {
        /// Two or more operands.
        children: Vec<Query>,
        /// From the first operand to the last.
        span: Span,
    },
    /// At least one child must be satisfied.
    Or {
        /// Two or more operands.
        children: Vec<Query>,
        /// From the first operand to the last.
        span: Span,
    },
}

impl Query {
    /// A permission leaf with an empty span, for queries built in code.
    pub fn permission(name: impl Into<String>) -> Query {
        Query::Permission {
            name: name.into(),
            span: Span::default(),
        }
    }

    /// The span of the whole node in the query text.
    pub fn span(&self) -> Span {
        match self {
            Query::Permission { span, .. } | Query::And { span, .. } | Query::Or { span, .. } => {
                *span
            }
        }
    }

    /// Whether every way of satisfying the query needs `permission` (written exactly so):
    /// `a AND b` requires both, `a OR b` requires neither.
    pub fn requires(&self, permission: &str) -> bool {
        match self {
            Query::Permission { name, .. } => name == permission,
            Query::And { children, .. } => children.iter().any(|child| child.requires(permission)),
            Query::Or { children, .. } => children.iter().all(|child| child.requires(permission)),
        }
    }

    /// Every permission leaf, left to right, with its span.
    pub fn permissions(&self) -> Vec<(&str, Span)> {
        let mut leaves = Vec::new();
        self.collect_permissions(&mut leaves);
        leaves
    }

    fn collect_permissions<'a>(&'a self, leaves: &mut Vec<(&'a str, Span)>) {
        match self {
            Query::Permission { name, span } => leaves.push((name, *span)),
            Query::And { children, .. } | Query::Or { children, .. } => {
                for child in children {
                    child.collect_permissions(leaves);
                }
            }
        }
    }

    /// The JSON form shared with Unkey's Go `PermissionQuery`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a query always serializes")
    }
}

/// Serializes as Unkey's `PermissionQuery`: `{"value": ...}` or `{"operation", "children"}`.
impl Serialize for Query {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (operation, children) = match self {
            Query::Permission { name, .. } => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("value", name)?;
                return map.end();
            }
            Query::And { children, .. } => ("and", children),
            Query::Or { children, .. } => ("or", children),
        };
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("operation", operation)?;
        map.serialize_entry("children", children)?;
        map.end()
    }
}
