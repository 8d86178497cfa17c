//! What the shape matching needs of a language: calls, objects, lists, strings and names,
//! each read off that language's syntax tree.

use crate::span::Span;
use tree_sitter::Node;

/// A call's callee and arguments.
pub(super) struct Call<'t> {
    /// The callee as a dotted path, `["unkey", "keys", "verifyKey"]`; the last is the name.
    pub callee: Vec<&'t str>,
    /// The arguments in order.
    pub arguments: Vec<Argument<'t>>,
}

impl Call<'_> {
    /// The function's or method's own name.
    pub fn name(&self) -> &str {
        self.callee.last().copied().unwrap_or_default()
    }
}

/// One argument of a call.
pub(super) enum Argument<'t> {
    /// By position.
    Positional(Node<'t>),
    /// By name (Python's `permissions=...`).
    Keyword(&'t str, Node<'t>),
    /// Spread (`...args`, `*args`, `**options`): any argument or field.
    Spread(Node<'t>),
}

/// A string literal's value.
pub(super) enum Literal {
    /// Known from the source: the value, and where its first byte stands when the literal
    /// holds it verbatim (no escapes).
    Static {
        value: String,
        verbatim: Option<usize>,
    },
    /// Known only at run time, and why.
    Dynamic(&'static str),
}

/// What a spread in an object (`{ ...options }`, `{**extra}`) is recorded as among its
/// fields: it may set any of them.
pub(super) const SPREAD: &str = "...";

/// What a binding of every name is recorded as (Python's `from m import *`).
pub(super) const EVERY_NAME: &str = "*";

/// One name bound in a file, and the value it is bound to when the binding gives one.
pub(super) type Binding<'t> = (&'t str, Option<Node<'t>>);

/// The kinds of node a grammar's methods read: every other node is only walked through.
pub(super) struct Kinds {
    /// Where `call`, `literal_type` or `membership` may find a site.
    pub sites: &'static [&'static str],
    /// What `bindings` reads.
    pub bindings: &'static [&'static str],
    /// What `identifier` reads.
    pub identifiers: &'static [&'static str],
    /// Functions: each opens a scope of names.
    pub scopes: &'static [&'static str],
    /// Why a value of these kinds is known only at run time.
    pub reasons: &'static [(&'static str, &'static str)],
}

/// How a language writes a dotted callee (`a.b.c`): the member node and its fields, the
/// kinds of a plain name, and the kinds that end a path as `()` (a call, a subscript).
pub(super) struct PathSyntax {
    pub member: &'static str,
    pub object: &'static str,
    pub property: &'static str,
    pub names: &'static [&'static str],
    pub opaque: &'static [&'static str],
    /// Wrappers read through (TypeScript's `unkey!`).
    pub transparent: &'static [&'static str],
}

/// `a.b.c` as `["a", "b", "c"]`, read with `syntax`.
pub(super) fn dotted_path<'t>(
    node: Node<'t>,
    text: &'t str,
    syntax: &PathSyntax,
) -> Option<Vec<&'t str>> {
    let mut path = Vec::new();
    let mut at = node;
    loop {
        let kind = at.kind();
        if kind == syntax.member {
            path.push(&text[field(at, syntax.property)?.byte_range()]);
            at = field(at, syntax.object)?;
        } else if syntax.names.contains(&kind) {
            path.push(&text[at.byte_range()]);
            break;
        } else if syntax.transparent.contains(&kind) {
            at = at.named_child(0)?;
        } else if syntax.opaque.contains(&kind) {
            path.push("()");
            break;
        } else {
            return None;
        }
    }
    path.reverse();
    Some(path)
}

/// What a node of each kind (by id) is to the scan, as bits.
pub(super) struct KindTable(Vec<u8>);

impl KindTable {
    /// A node where a site may be.
    pub const SITE: u8 = 1;
    /// A node that binds names.
    pub const BINDING: u8 = 2;
    /// An identifier.
    pub const IDENTIFIER: u8 = 4;
    /// A function, which opens a scope.
    pub const SCOPE: u8 = 8;
    /// A comment.
    pub const COMMENT: u8 = 16;

    /// The table of `language` for `kinds`: every kind id whose name is listed (a name may
    /// have several ids, through aliases).
    pub fn new(language: &tree_sitter::Language, kinds: &Kinds) -> Self {
        let count = language.node_kind_count();
        let mut table = vec![0; count];
        for (id, flags) in table.iter_mut().enumerate() {
            let Some(name) = u16::try_from(id)
                .ok()
                .and_then(|id| language.node_kind_for_id(id))
            else {
                continue;
            };
            for (names, flag) in [
                (kinds.sites, Self::SITE),
                (kinds.bindings, Self::BINDING),
                (kinds.identifiers, Self::IDENTIFIER),
                (kinds.scopes, Self::SCOPE),
                (&["comment"][..], Self::COMMENT),
            ] {
                if names.contains(&name) {
                    *flags |= flag;
                }
            }
        }
        KindTable(table)
    }

    /// The bits of `node`'s kind.
    pub fn of(&self, node: Node<'_>) -> u8 {
        self.0
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(0)
    }

    /// Whether every listed name is a kind of the language (a misspelt one would read
    /// nothing).
    #[cfg(test)]
    pub fn knows_all(language: &tree_sitter::Language, kinds: &Kinds) -> Vec<&'static str> {
        let all = [kinds.sites, kinds.bindings, kinds.identifiers, kinds.scopes];
        all.iter()
            .flat_map(|names| names.iter())
            .filter(|name| language.id_for_node_kind(name, true) == 0)
            .copied()
            .collect()
    }
}

/// A language's syntax, as the shapes read it.
pub(super) trait Grammar: Sync {
    /// The call at `node`, if it is one.
    fn call<'t>(&self, node: Node<'t>, text: &'t str) -> Option<Call<'t>>;
    /// The fields of the object, dictionary or composite literal at `node`: name, value.
    fn fields<'t>(&self, node: Node<'t>, text: &'t str) -> Option<Vec<(&'t str, Node<'t>)>>;
    /// The elements of the array, list or slice literal at `node`.
    fn elements<'t>(&self, node: Node<'t>) -> Option<Vec<Node<'t>>>;
    /// The string literal at `node`.
    fn literal(&self, node: Node<'_>, text: &str) -> Option<Literal>;
    /// The name at `node`, if it is a plain identifier.
    fn identifier<'t>(&self, node: Node<'t>, text: &'t str) -> Option<&'t str>;
    /// What `node` wraps without changing its value (parentheses, `as const`, `&x`,
    /// `unkey.String(x)`).
    fn unwrapped<'t>(&self, node: Node<'t>, text: &'t str) -> Option<Node<'t>>;
    /// The type name of a composite literal (Go), if `node` is one.
    fn literal_type<'t>(&self, _node: Node<'t>, _text: &'t str) -> Option<&'t str> {
        None
    }
    /// The expression an arrow function returns (`buildQuery(({ and }) => and(...))`).
    fn function_body<'t>(&self, _node: Node<'t>) -> Option<Node<'t>> {
        None
    }
    /// `value in collection` (Python), if `node` is such a test.
    fn membership<'t>(&self, _node: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
        None
    }
    /// The names `node` binds (declarations, parameters, assignments), with their values
    /// when `node` binds one name to one value as a constant does.
    fn bindings<'t>(&self, node: Node<'t>, text: &'t str, out: &mut Vec<Binding<'t>>);
    /// The kinds of node each method reads.
    fn kinds(&self) -> &'static Kinds;
    /// Why the value at `node` is not known statically.
    fn dynamic_reason(&self, node: Node<'_>) -> &'static str {
        let kind = node.kind();
        (self.kinds().reasons.iter())
            .find(|(reason_kind, _)| *reason_kind == kind)
            .map_or("a value computed at run time", |(_, reason)| reason)
    }
}

/// The span of a node.
pub(super) fn span(node: Node<'_>) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

/// Every node of `root`'s tree in document order, with its depth below `root`, without
/// recursion (a deeply nested file must not exhaust the stack).
pub(super) fn preorder<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>, usize)) {
    let mut cursor = root.walk();
    let mut depth = 0;
    loop {
        visit(cursor.node(), depth);
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}

/// Every identifier under `node` (patterns, parameter lists), bound to no known value.
pub(super) fn names_under<'t>(node: Node<'t>, text: &'t str, out: &mut Vec<Binding<'t>>) {
    preorder(node, |inner, _| {
        if matches!(
            inner.kind(),
            "identifier" | "shorthand_property_identifier_pattern"
        ) {
            out.push((&text[inner.byte_range()], None));
        }
    });
}

/// A named child of `node` by field.
pub(super) fn field<'t>(node: Node<'t>, name: &str) -> Option<Node<'t>> {
    node.child_by_field_name(name)
}

/// The named children of `node`, comments left out.
pub(super) fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| child.kind() != "comment")
        .collect()
}

/// Exactly `digits` hexadecimal digits.
pub(super) fn hex(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    digits: usize,
) -> Option<u32> {
    let mut code = 0;
    for _ in 0..digits {
        code = code * 16 + chars.next()?.to_digit(16)?;
    }
    Some(code)
}

/// A quoted literal's contents, without its one-character quotes (`None` when the parser
/// made up a literal too short to have both).
pub(super) fn quoted(raw: &str) -> Option<&str> {
    let inner = raw.get(1..raw.len().checked_sub(1)?)?;
    (raw.len() >= 2).then_some(inner)
}
