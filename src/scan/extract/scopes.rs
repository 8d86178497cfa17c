//! Which value a name stands for at a place: the names each scope (a function, a block of
//! the languages that scope names by block, the file) binds, looked up from the innermost
//! enclosing scope outwards. A name bound twice in one scope is ambiguous, and so is one
//! that a scope off the way rebinds or assigns: an ambiguous name stands for no known
//! value.

use super::grammar::{Binding, EVERY_NAME, Grammar, KindTable, preorder};
use std::collections::HashMap;
use tree_sitter::Node;

/// A file's bindings, scope by scope.
pub(super) struct Scopes<'t> {
    /// Each name's bindings: the scope (a node id) and the value, if the binding gives one.
    bindings: HashMap<&'t str, Vec<(usize, Option<Node<'t>>)>>,
    /// The scope enclosing each function's.
    enclosing: HashMap<usize, usize>,
    /// The innermost scope of each identifier.
    scope_of: HashMap<usize, usize>,
    /// How often each name is written in the file, bindings included.
    uses: HashMap<&'t str, usize>,
    root: usize,
}

impl<'t> Scopes<'t> {
    /// Reads every binding of the tree at `root`, and hands `visit` each node that may be
    /// a site or is a comment, with its bits in `table`. Nodes of other kinds are only
    /// walked through.
    pub(super) fn build(
        root: Node<'t>,
        grammar: &dyn Grammar,
        table: &KindTable,
        text: &'t str,
        mut visit: impl FnMut(Node<'t>, u8),
    ) -> Self {
        let mut scopes = Scopes {
            bindings: HashMap::new(),
            enclosing: HashMap::new(),
            scope_of: HashMap::new(),
            uses: HashMap::new(),
            root: root.id(),
        };
        let mut open: Vec<(usize, usize)> = vec![(0, root.id())];
        let mut found: Vec<Binding<'t>> = Vec::new();
        preorder(root, |node, depth| {
            // Every node closes the scopes it is not inside, whatever its kind.
            while open.len() > 1 && open.last().is_some_and(|(at, _)| *at >= depth) {
                open.pop();
            }
            let bits = table.of(node);
            if bits == 0 {
                return;
            }
            let current = open.last().expect("the file's scope stays open").1;
            if bits & (KindTable::SITE | KindTable::COMMENT) != 0 {
                visit(node, bits);
            }
            if bits & KindTable::BINDING != 0 {
                grammar.bindings(node, text, &mut found);
                for (name, value) in found.drain(..) {
                    scopes
                        .bindings
                        .entry(name)
                        .or_default()
                        .push((current, value));
                }
            }
            if bits & KindTable::IDENTIFIER != 0 {
                scopes.scope_of.insert(node.id(), current);
                *scopes.uses.entry(&text[node.byte_range()]).or_default() += 1;
            }
            if depth > 0 && bits & KindTable::SCOPE != 0 {
                scopes.enclosing.insert(node.id(), current);
                open.push((depth, node.id()));
            }
        });
        scopes
    }

    /// The one value `name` is bound to where `at` stands: in the innermost scope that
    /// binds it, if that scope binds it exactly once, to a value, and no scope inside that
    /// one, off the way to `at`, binds it too (a block's own binding, a function that
    /// assigns it, a `global` or `var` that may change it: never a guess).
    pub(super) fn value(&self, name: &str, at: Node<'t>) -> Option<Node<'t>> {
        if self.bindings.contains_key(EVERY_NAME) {
            return None;
        }
        let bindings = self.bindings.get(name)?;
        let mut way = vec![self.scope_of.get(&at.id()).copied().unwrap_or(self.root)];
        let (found, value) = loop {
            let scope = *way.last().expect("the way starts at a scope");
            let mut here = bindings.iter().filter(|(bound_in, _)| *bound_in == scope);
            match (here.next(), here.next()) {
                (Some((_, value)), None) => break (scope, (*value)?),
                (Some(_), Some(_)) => return None,
                _ => way.push(*self.enclosing.get(&scope)?),
            }
        };
        let elsewhere_inside = bindings.iter().any(|(bound_in, _)| {
            *bound_in != found && !way.contains(bound_in) && self.is_inside(*bound_in, found)
        });
        (!elsewhere_inside).then_some(value)
    }

    /// How often `name` is written in the file, its bindings included.
    pub(super) fn uses(&self, name: &str) -> usize {
        self.uses.get(name).copied().unwrap_or(0)
    }

    /// Whether scope `inner` lies within scope `outer`.
    fn is_inside(&self, mut inner: usize, outer: usize) -> bool {
        while let Some(&enclosing) = self.enclosing.get(&inner) {
            if enclosing == outer {
                return true;
            }
            inner = enclosing;
        }
        false
    }
}
