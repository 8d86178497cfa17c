//! Many grant patterns compiled once, so that a lookup costs time proportional to the
//! required permission, not to the number of patterns.

use super::semantics::{Matching, root_key_wildcard};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// A set of grant (or forbid) patterns, compiled for one [`Matching`].
///
/// ```
/// use permspec::eval::{Matching, PatternSet};
/// let grants = PatternSet::new(["documents.*", "users.view"], Matching::Wildcard);
/// assert_eq!(grants.find("documents.read"), Some(0));
/// assert_eq!(grants.find("billing.manage"), None);
/// ```
#[derive(Clone, Debug)]
pub struct PatternSet {
    matching: Matching,
    patterns: Vec<String>,
    /// Pattern text to its first index: the whole lookup in literal and root-key matching.
    exact: FxHashMap<String, usize>,
    /// Wildcard matching only: the patterns as a trie of `.`-separated segments.
    trie: Node,
}

#[derive(Clone, Debug, Default)]
struct Node {
    /// Literal next segments.
    children: FxHashMap<Box<str>, Node>,
    /// A `*` segment that is not the last of its pattern: any one segment.
    any_segment: Option<Box<Node>>,
    /// A pattern that ends here.
    ends_here: Option<usize>,
    /// A pattern that ends here with a trailing `.*`: one or more further segments.
    rest: Option<usize>,
}

impl PatternSet {
    /// Compiles `patterns` for `matching`. Indices returned by [`PatternSet::find`] refer
    /// to the order given here.
    pub fn new<I, S>(patterns: I, matching: Matching) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let patterns: Vec<String> = patterns.into_iter().map(Into::into).collect();
        let mut exact = FxHashMap::default();
        let mut trie = Node::default();
        for (index, pattern) in patterns.iter().enumerate() {
            exact.entry(pattern.clone()).or_insert(index);
            if matching == Matching::Wildcard {
                trie.insert(pattern, index);
            }
        }
        PatternSet {
            matching,
            patterns,
            exact,
            trie,
        }
    }

    /// The way of matching this set was compiled for.
    pub fn matching(&self) -> Matching {
        self.matching
    }

    /// The patterns, in the order given.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// The index of a pattern that matches `required`, preferring the identical string, then
    /// the most specific pattern.
    pub fn find(&self, required: &str) -> Option<usize> {
        self.lookup(required, Want::MostSpecific)
    }

    /// The index of the pattern identical to `required`, the first if there are several.
    pub fn find_identical(&self, required: &str) -> Option<usize> {
        self.exact.get(required).copied()
    }

    /// True if some pattern matches `required`; faster than [`PatternSet::find`], which has
    /// to look on for a more specific pattern.
    pub fn contains(&self, required: &str) -> bool {
        self.lookup(required, Want::Any).is_some()
    }

    /// True if the set holds no pattern.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    fn lookup(&self, required: &str, want: Want) -> Option<usize> {
        if let Some(&index) = self.exact.get(required) {
            return Some(index);
        }
        match self.matching {
            Matching::Literal => None,
            Matching::RootKey => {
                root_key_wildcard(required).and_then(|general| self.exact.get(&general).copied())
            }
            Matching::Wildcard => self.trie.find(required, want),
        }
    }
}

/// What a trie lookup looks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// The first matching pattern found.
    Any,
    /// A pattern matching every segment, else the deepest trailing wildcard.
    MostSpecific,
}

impl Node {
    fn insert(&mut self, pattern: &str, index: usize) {
        let mut node = self;
        let mut segments = pattern.split('.').peekable();
        while let Some(segment) = segments.next() {
            let last = segments.peek().is_none();
            if segment == "*" && last {
                node.rest.get_or_insert(index);
                return;
            }
            node = if segment == "*" {
                node.any_segment.get_or_insert_with(Box::default)
            } else {
                node.children.entry(segment.into()).or_default()
            };
        }
        node.ends_here.get_or_insert(index);
    }

    /// Depth-first over the paths `required` can take, without allocating for permissions of
    /// up to 16 segments; an explicit stack, so that a permission of any length cannot exhaust
    /// the call stack.
    fn find(&self, required: &str, want: Want) -> Option<usize> {
        // A position is the byte offset where the next segment starts; past the end of
        // `required`, every segment has been consumed.
        let done = required.len() + 1;
        let mut stack: SmallVec<[(&Node, usize); 16]> = SmallVec::new();
        stack.push((self, 0));
        // (position, pattern) of the deepest trailing wildcard seen: the most specific fallback.
        let mut best_rest: Option<(usize, usize)> = None;
        while let Some((node, position)) = stack.pop() {
            if position == done {
                if let Some(index) = node.ends_here {
                    return Some(index);
                }
                continue;
            }
            if let Some(index) = node.rest {
                if want == Want::Any {
                    return Some(index);
                }
                if best_rest.is_none_or(|(seen, _)| position > seen) {
                    best_rest = Some((position, index));
                }
            }
            let end = required[position..]
                .find('.')
                .map_or(required.len(), |dot| position + dot);
            if let Some(any) = &node.any_segment {
                stack.push((any, end + 1));
            }
            if let Some(child) = node.children.get(&required[position..end]) {
                stack.push((child, end + 1));
            }
        }
        best_rest.map(|(_, index)| index)
    }
}
