//! The evaluator against the naive reference evaluator: for a generated query, grants and
//! forbid rules in each way of matching, `decide` and `decide_code` give the reference code,
//! and `PatternSet` finds a pattern exactly when one matches.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use permspec::eval::{Access, Matching, PatternSet, decide, decide_code};
use permspec::query::Query;
use permspec::span::Span;

#[path = "../../tests/support/naive.rs"]
mod naive;

/// Segments from a small alphabet, so that grants and queries meet often.
const SEGMENTS: [&str; 6] = ["*", "a", "b", "docs", "read", "api_1"];

#[derive(Arbitrary, Debug)]
struct Permission(Vec<u8>);

impl Permission {
    fn text(&self, wildcards: bool) -> String {
        let segments: Vec<&str> = self
            .0
            .iter()
            .take(5)
            .map(|byte| SEGMENTS[usize::from(*byte) % SEGMENTS.len()])
            .filter(|segment| wildcards || *segment != "*")
            .collect();
        if segments.is_empty() {
            "a".to_owned()
        } else {
            segments.join(".")
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Tree {
    Leaf(Permission),
    And(Vec<Tree>),
    Or(Vec<Tree>),
}

impl Tree {
    fn query(&self, depth: usize) -> Query {
        let span = Span::default();
        let children = |trees: &[Tree]| -> Vec<Query> {
            let mut children: Vec<Query> = trees
                .iter()
                .take(4)
                .map(|tree| tree.query(depth + 1))
                .collect();
            while children.len() < 2 {
                children.push(Query::Permission {
                    name: "b".to_owned(),
                    span,
                });
            }
            children
        };
        match self {
            Tree::And(trees) if depth < 6 => Query::And {
                children: children(trees),
                span,
            },
            Tree::Or(trees) if depth < 6 => Query::Or {
                children: children(trees),
                span,
            },
            Tree::Leaf(permission) => Query::Permission {
                name: permission.text(false),
                span,
            },
            _ => Query::Permission {
                name: "a".to_owned(),
                span,
            },
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    query: Tree,
    grants: Vec<Permission>,
    forbidden: Vec<Permission>,
    matching: u8,
}

fuzz_target!(|input: Input| {
    let matching =
        [Matching::Wildcard, Matching::Literal, Matching::RootKey][usize::from(input.matching) % 3];
    let query = input.query.query(0);
    let grants: Vec<String> = input.grants.iter().map(|g| g.text(true)).collect();
    let forbidden: Vec<String> = input
        .forbidden
        .iter()
        .take(3)
        .map(|f| f.text(true))
        .collect();
    let access = Access::new(&grants, &forbidden, matching);
    let expected = naive::code(&query, &grants, &forbidden, matching);
    assert_eq!(decide(&query, &access).code, expected);
    assert_eq!(decide_code(&query, &access), expected);

    let set = PatternSet::new(&grants, matching);
    for (required, _) in query.permissions() {
        let exists = grants.iter().any(|g| naive::matches(g, required, matching));
        assert_eq!(set.contains(required), exists);
        match set.find(required) {
            Some(index) => assert!(naive::matches(&grants[index], required, matching)),
            None => assert!(!exists),
        }
    }
});
