//! Unkey's documented limits on a query, which its API enforces before parsing.

use super::Query;
use crate::span::Span;
use miette::{Diagnostic, LabeledSpan};
use std::fmt;

/// Unkey rejects a `permissions` query longer than this many bytes.
pub const MAX_QUERY_BYTES: usize = 1000;
/// Unkey documents at most this many permissions in one query.
pub const MAX_QUERY_PERMISSIONS: usize = 100;

/// A query that parses but that Unkey's API would reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitViolation {
    /// The query text is longer than [`MAX_QUERY_BYTES`].
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// The query names more than [`MAX_QUERY_PERMISSIONS`] permissions.
    TooManyPermissions {
        /// How many permission leaves it has.
        count: usize,
        /// The span of the first permission past the limit.
        first_excess: Span,
    },
}

/// The limits of Unkey's API that `query` (parsed from `text`) breaks, if any.
pub fn unkey_limits(text: &str, query: &Query) -> Vec<LimitViolation> {
    let mut violations = Vec::new();
    if text.len() > MAX_QUERY_BYTES {
        violations.push(LimitViolation::TooLong { bytes: text.len() });
    }
    let permissions = query.permissions();
    if permissions.len() > MAX_QUERY_PERMISSIONS {
        violations.push(LimitViolation::TooManyPermissions {
            count: permissions.len(),
            first_excess: permissions[MAX_QUERY_PERMISSIONS].1,
        });
    }
    violations
}

impl fmt::Display for LimitViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitViolation::TooLong { bytes } => write!(
                f,
                "query is {bytes} bytes long; Unkey rejects queries over {MAX_QUERY_BYTES} bytes"
            ),
            LimitViolation::TooManyPermissions { count, .. } => write!(
                f,
                "query names {count} permissions; Unkey allows at most {MAX_QUERY_PERMISSIONS}"
            ),
        }
    }
}

impl std::error::Error for LimitViolation {}

impl Diagnostic for LimitViolation {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("N005(query-limits)"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(
            "split the check into several queries, or grant a role that stands for the combination",
        ))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = match self {
            LimitViolation::TooLong { .. } => LabeledSpan::new_with_span(
                Some(format!("byte {MAX_QUERY_BYTES} and beyond")),
                (MAX_QUERY_BYTES, 0),
            ),
            LimitViolation::TooManyPermissions { first_excess, .. } => LabeledSpan::new_with_span(
                Some(format!("permission number {}", MAX_QUERY_PERMISSIONS + 1)),
                *first_excess,
            ),
        };
        Some(Box::new(std::iter::once(label)))
    }
}
