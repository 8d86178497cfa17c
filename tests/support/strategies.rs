//! proptest generators over a small alphabet, so that grants and queries often collide.

use permspec::query::Query;
use permspec::span::Span;
use proptest::prelude::*;

/// A required permission: one to three segments of `a`, `b`, `c` (rarely a literal `*`).
pub fn permission() -> impl Strategy<Value = String> {
    let segment = prop_oneof![8 => "[abc]", 1 => Just("*".to_owned())];
    prop::collection::vec(segment, 1..=3).prop_map(|segments| segments.join("."))
}

/// A grant pattern: segments of `a`, `b`, `c`, `*`, and the odd in-segment star `a*`.
pub fn grant() -> impl Strategy<Value = String> {
    let segment = prop_oneof![6 => "[abc]", 3 => Just("*".to_owned()), 1 => Just("a*".to_owned())];
    prop::collection::vec(segment, 1..=3).prop_map(|segments| segments.join("."))
}

/// A key's grants.
pub fn grants() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(grant(), 0..6)
}

/// A query tree as the parser could build it, or with nested chains of the same operator.
pub fn query() -> impl Strategy<Value = Query> {
    let leaf = permission().prop_map(Query::permission);
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(and),
            prop::collection::vec(inner, 2..4).prop_map(or),
        ]
    })
}

/// `a AND b AND ...` built in code.
pub fn and(children: Vec<Query>) -> Query {
    Query::And {
        children,
        span: Span::default(),
    }
}

/// `a OR b OR ...` built in code.
pub fn or(children: Vec<Query>) -> Query {
    Query::Or {
        children,
        span: Span::default(),
    }
}

/// The tree the parser builds for the printed form: same-operator chains flattened.
pub fn flattened(query: &Query) -> Query {
    fn absorb(children: &[Query], same: fn(&Query) -> Option<&Vec<Query>>) -> Vec<Query> {
        let mut out = Vec::new();
        for child in children.iter().map(flattened) {
            match same(&child) {
                Some(inner) => out.extend(inner.iter().cloned()),
                None => out.push(child),
            }
        }
        out
    }
    match query {
        Query::Permission { .. } => query.clone(),
        Query::And { children, .. } => and(absorb(children, |q| match q {
            Query::And { children, .. } => Some(children),
            _ => None,
        })),
        Query::Or { children, .. } => or(absorb(children, |q| match q {
            Query::Or { children, .. } => Some(children),
            _ => None,
        })),
    }
}
