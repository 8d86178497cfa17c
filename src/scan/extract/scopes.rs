//! Which value a name stands for at a place: the names each function (and the file) binds,
//! looked up from the innermost enclosing function outwards, as the languages scope them.
//! Blocks are not scopes here: a name bound twice in one function is ambiguous, and an
//! ambiguous name stands for no known value.

use super::grammar::{Binding, Grammar, KindTable, preorder};
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
            root: root.id(),
        };
        let mut open: Vec<(usize, usize)> = vec![(0, root.id())];
        let mut found: Vec<Binding<'t>> = Vec::new();
        preorder(root, |node, depth| {
            let bits = table.of(node);
            if bits == 0 {
                return;
            }
            while open.len() > 1 && open.last().is_some_and(|(at, _)| *at >= depth) {
                open.pop();
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
            }
            if depth > 0 && bits & KindTable::SCOPE != 0 {
                scopes.enclosing.insert(node.id(), current);
                open.push((depth, node.id()));
            }
        });
        scopes
    }

    /// The one value `name` is bound to where `at` stands: in the innermost scope that
    /// binds it, if that scope binds it exactly once, to a value.
    pub(super) fn value(&self, name: &str, at: Node<'t>) -> Option<Node<'t>> {
        let bindings = self.bindings.get(name)?;
        let mut scope = self.scope_of.get(&at.id()).copied().unwrap_or(self.root);
        loop {
            let mut here = bindings.iter().filter(|(bound_in, _)| *bound_in == scope);
            match (here.next(), here.next()) {
                (Some((_, value)), None) => return *value,
                (Some(_), Some(_)) => return None,
                _ => scope = *self.enclosing.get(&scope)?,
            }
        }
    }
}
