//! A key's grants as one list made of compiled parts (its own permissions, each role's), so
//! that a role's grants are compiled once and shared by every key that holds it.

use super::pattern_set::PatternSet;
use super::semantics::Matching;
use std::cmp::Ordering;
use std::sync::Arc;

/// Grant patterns searched as one list, the concatenation of their parts: an index that
/// [`Grants::find`] returns counts from the start of the first part, and the answer is the
/// one a single [`PatternSet`] of all the patterns would give.
///
/// ```
/// use permspec::eval::{Grants, Matching, PatternSet};
/// use std::sync::Arc;
/// let role = Arc::new(PatternSet::new(["documents.*"], Matching::Wildcard));
/// let own = Arc::new(PatternSet::new(["documents.read"], Matching::Wildcard));
/// let grants = Grants::from_parts(Matching::Wildcard, [own, role]);
/// assert_eq!(grants.find("documents.read"), Some(0));
/// assert_eq!(grants.find("documents.write"), Some(1));
/// assert_eq!(grants.pattern(1), "documents.*");
/// ```
#[derive(Clone, Debug)]
pub struct Grants {
    matching: Matching,
    /// Each part with the index of its first pattern in the whole list.
    parts: Vec<(usize, Arc<PatternSet>)>,
    len: usize,
}

impl Grants {
    /// `patterns` compiled for `matching`, as one part.
    pub fn new<I, S>(patterns: I, matching: Matching) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Grants::from_parts(matching, [Arc::new(PatternSet::new(patterns, matching))])
    }

    /// The parts, in order, each compiled for `matching`.
    pub fn from_parts(
        matching: Matching,
        parts: impl IntoIterator<Item = Arc<PatternSet>>,
    ) -> Self {
        let mut len = 0;
        let parts = parts
            .into_iter()
            .map(|part| {
                debug_assert_eq!(part.matching(), matching);
                let start = len;
                len += part.patterns().len();
                (start, part)
            })
            .collect();
        Grants {
            matching,
            parts,
            len,
        }
    }

    /// The way of matching the parts were compiled for.
    pub fn matching(&self) -> Matching {
        self.matching
    }

    /// How many patterns.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if there is no pattern.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The pattern at `index` of the whole list.
    pub fn pattern(&self, index: usize) -> &str {
        let part = self.parts.partition_point(|(start, _)| *start <= index) - 1;
        let (start, set) = &self.parts[part];
        &set.patterns()[index - start]
    }

    /// True if some pattern matches `required`.
    pub fn contains(&self, required: &str) -> bool {
        self.parts.iter().any(|(_, set)| set.contains(required))
    }

    /// The index of a pattern that matches `required`, as [`PatternSet::find`] chooses it:
    /// the identical string first (the earliest), then the most specific pattern.
    pub fn find(&self, required: &str) -> Option<usize> {
        if let [(_, set)] = self.parts.as_slice() {
            return set.find(required);
        }
        if let Some(index) = self
            .parts
            .iter()
            .find_map(|(start, set)| set.find_identical(required).map(|index| start + index))
        {
            return Some(index);
        }
        // Each part's choice, then the most specific of them; the earliest among equals.
        self.parts
            .iter()
            .filter_map(|(start, set)| {
                set.find(required)
                    .map(|index| (start + index, set.patterns()[index].as_str()))
            })
            .reduce(|best, candidate| {
                if specificity(candidate.1, best.1) == Ordering::Greater {
                    candidate
                } else {
                    best
                }
            })
            .map(|(index, _)| index)
    }
}

/// How two patterns that both match a permission rank, as a trie of patterns prefers them:
/// one that matches every segment beats a trailing `.*`; among those, a literal segment
/// beats `*` at the first place they differ; among trailing wildcards, the deeper one wins,
/// then the same order on the segments before it.
fn specificity(a: &str, b: &str) -> Ordering {
    let trailing = |pattern: &str| pattern == "*" || pattern.ends_with(".*");
    let depth = |pattern: &str| pattern.split('.').count();
    match (trailing(a), trailing(b)) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => literal_first(a, b),
        (true, true) => depth(a).cmp(&depth(b)).then_with(|| literal_first(a, b)),
    }
}

/// Segment by segment, a literal segment ranks above `*` at the first place they differ.
fn literal_first(a: &str, b: &str) -> Ordering {
    a.split('.')
        .zip(b.split('.'))
        .map(|(a, b)| match (a == "*", b == "*") {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            _ => Ordering::Equal,
        })
        .find(|order| order.is_ne())
        .unwrap_or(Ordering::Equal)
}
