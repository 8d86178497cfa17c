//! Unkey's documented limits on a query, which its API enforces before parsing.

use super::Query;
use crate::span::Span;
use miette::{Diagnostic, LabeledSpan};
use std::fmt;

/// Unkey rejects a `permissions` query longer than this many characters (its request schema's
/// `maxLength`, which counts characters, over the whole text, NUL and all).
pub const MAX_QUERY_CHARS: usize = 1000;
/// Unkey documents at most this many permissions in one query.
pub const MAX_QUERY_PERMISSIONS: usize = 100;

/// A query that parses but that Unkey's API would reject.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitViolation {
    /// The query text is longer than [`MAX_QUERY_CHARS`].
    TooLong {
        /// Its length in characters.
        chars: usize,
        /// The byte offset of its first character past the limit.
        first_excess: usize,
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
    if let Some((first_excess, _)) = text.char_indices().nth(MAX_QUERY_CHARS) {
        violations.push(LimitViolation::TooLong {
            chars: text.chars().count(),
            first_excess,
        });
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
            LimitViolation::TooLong { chars, .. } => write!(
                f,
                "query is {chars} characters long; Unkey rejects queries over {MAX_QUERY_CHARS} \
                 characters"
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
            LimitViolation::TooLong { first_excess, .. } => LabeledSpan::new_with_span(
                Some(format!("character {} and beyond", MAX_QUERY_CHARS + 1)),
                (*first_excess, 0),
            ),
            LimitViolation::TooManyPermissions { first_excess, .. } => LabeledSpan::new_with_span(
                Some(format!("permission number {}", MAX_QUERY_PERMISSIONS + 1)),
                *first_excess,
            ),
        };
        Some(Box::new(std::iter::once(label)))
    }
}

/// Deepest nesting of parentheses a query may have: more than any query within Unkey's
/// limit of [`MAX_QUERY_CHARS`] characters can reach (499 levels around one permission), so
/// every query Unkey's parser accepts, permspec accepts.
///
/// Checked by a linear scan before the grammar runs, so that no input can exhaust the stack
/// of the (recursive) parser: the deepest query parses on a 512 KiB stack, unoptimized.
pub const MAX_NESTING: usize = MAX_QUERY_CHARS / 2;
