//! Many grant patterns compiled once, so that a lookup costs time proportional to the
//! required permission, not to the number of patterns.

use super::semantics::{Matching, root_key_wildcard};
use rustc_hash::FxHashMap;

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
        if let Some(&index) = self.exact.get(required) {
            return Some(index);
        }
        match self.matching {
            Matching::Literal => None,
            Matching::RootKey => {
                root_key_wildcard(required).and_then(|general| self.exact.get(&general).copied())
            }
            Matching::Wildcard => self.trie.find(required),
        }
    }

    /// True if some pattern matches `required`.
    pub fn contains(&self, required: &str) -> bool {
        self.find(required).is_some()
    }
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

    /// Depth-first over the paths `required` can take; an explicit stack, so that a
    /// permission of any length cannot exhaust the call stack.
    fn find(&self, required: &str) -> Option<usize> {
        let segments: Vec<&str> = required.split('.').collect();
        let mut stack: Vec<(&Node, usize)> = vec![(self, 0)];
        // (depth, pattern) of the deepest trailing wildcard seen: the most specific fallback.
        let mut best_rest: Option<(usize, usize)> = None;
        while let Some((node, depth)) = stack.pop() {
            let Some(segment) = segments.get(depth) else {
                if let Some(index) = node.ends_here {
                    return Some(index);
                }
                continue;
            };
            if let Some(index) = node.rest
                && best_rest.is_none_or(|(seen, _)| depth > seen)
            {
                best_rest = Some((depth, index));
            }
            if let Some(any) = &node.any_segment {
                stack.push((any, depth + 1));
            }
            if let Some(child) = node.children.get(*segment) {
                stack.push((child, depth + 1));
            }
        }
        best_rest.map(|(_, index)| index)
    }
}
