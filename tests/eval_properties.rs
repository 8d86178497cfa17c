//! Laws of semantics.md §1-3, checked on generated queries and grants, and the fast
//! evaluator checked against the naive reference evaluator.

mod support;

use permspec::eval::{
    Access, Code, Grants, Matching, PatternSet, decide, decide_code, grant_matches,
};
use permspec::query::{Query, SyntaxErrorKind, parse};
use proptest::prelude::*;
use std::sync::Arc;
use support::naive;
use support::strategies::{and, flattened, grant, grants, permission, query};

const NO_FORBIDS: &[String] = &[];

fn matching() -> impl Strategy<Value = Matching> {
    prop_oneof![
        Just(Matching::Wildcard),
        Just(Matching::Literal),
        Just(Matching::RootKey)
    ]
}

fn code(query: &Query, grants: &[String], forbidden: &[String], matching: Matching) -> Code {
    decide(query, &Access::new(grants, forbidden, matching)).code
}

fn allowed(query: &Query, grants: &[String], matching: Matching) -> bool {
    code(query, grants, NO_FORBIDS, matching).allows()
}

fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("a"),
        Just("b.c"),
        Just(" "),
        Just("\t"),
        Just("("),
        Just(")"),
        Just("AND"),
        Just("or"),
        Just("and.x"),
        Just("@"),
        Just("é"),
    ];
    prop::collection::vec(token, 0..14).prop_map(|tokens| tokens.concat())
}

proptest! {
    #[test]
    fn printing_then_parsing_gives_the_same_tree(query in query()) {
        let printed = query.to_string();
        let reparsed = parse(&printed).expect("the canonical form parses");
        prop_assert_eq!(reparsed.to_json(), flattened(&query).to_json());
        prop_assert_eq!(reparsed.to_string(), printed);
    }

    #[test]
    fn parse_never_panics_and_explains_every_rejection(text in prop_oneof![any::<String>(), token_soup()]) {
        if let Err(error) = parse(&text) {
            prop_assert_ne!(error.kind(), &SyntaxErrorKind::Unexpected);
            prop_assert!(error.span().end() <= text.len());
            prop_assert!(text.is_char_boundary(error.span().start()));
            prop_assert!(text.is_char_boundary(error.span().end()));
        }
    }

    #[test]
    fn a_grant_matches_as_the_naive_matcher_says(
        grant in prop_oneof![grant(), "[ab.*]{0,6}"],
        required in prop_oneof![permission(), "[ab.*]{0,6}"],
        matching in matching(),
    ) {
        prop_assert_eq!(
            grant_matches(&grant, &required, matching),
            naive::matches(&grant, &required, matching)
        );
    }

    #[test]
    fn fast_evaluator_agrees_with_the_naive_one(
        query in query(),
        grants in grants(),
        forbidden in prop::collection::vec(support::strategies::grant(), 0..3),
        matching in matching(),
    ) {
        let access = Access::new(&grants, &forbidden, matching);
        let expected = naive::code(&query, &grants, &forbidden, matching);
        prop_assert_eq!(decide(&query, &access).code, expected);
        prop_assert_eq!(decide_code(&query, &access), expected);
    }

    #[test]
    fn pattern_set_finds_a_matching_pattern_exactly_when_one_exists(
        grants in grants(),
        required in permission(),
        matching in matching(),
    ) {
        let set = PatternSet::new(&grants, matching);
        let exists = grants.iter().any(|g| naive::matches(g, &required, matching));
        prop_assert_eq!(set.contains(&required), exists);
        match set.find(&required) {
            Some(index) => prop_assert!(naive::matches(&grants[index], &required, matching)),
            None => prop_assert!(!grants.iter().any(|g| naive::matches(g, &required, matching))),
        }
    }

    /// A key's grants compiled in parts (its own, each role's) answer as one set of all of
    /// them would: the same grant for every permission, so explanations name the same grant.
    #[test]
    fn grants_in_parts_find_what_one_set_of_them_finds(
        parts in prop::collection::vec(grants(), 0..4),
        required in permission(),
        matching in matching(),
    ) {
        let whole: Vec<String> = parts.concat();
        let one = PatternSet::new(&whole, matching);
        let split = Grants::from_parts(
            matching,
            parts.iter().map(|part| Arc::new(PatternSet::new(part, matching))),
        );
        prop_assert_eq!(split.find(&required), one.find(&required));
        prop_assert_eq!(split.contains(&required), one.contains(&required));
        prop_assert_eq!(split.len(), whole.len());
        for (index, pattern) in whole.iter().enumerate() {
            prop_assert_eq!(split.pattern(index), pattern);
        }
    }

    #[test]
    fn and_and_or_are_commutative(a in query(), b in query(), grants in grants(), m in matching()) {
        let eval = |q: &Query| allowed(q, &grants, m);
        prop_assert_eq!(eval(&and(vec![a.clone(), b.clone()])), eval(&and(vec![b.clone(), a.clone()])));
        prop_assert_eq!(eval(&support::strategies::or(vec![a.clone(), b.clone()])), eval(&support::strategies::or(vec![b, a])));
    }

    #[test]
    fn and_and_or_are_associative(a in query(), b in query(), c in query(), grants in grants(), m in matching()) {
        use support::strategies::or;
        let eval = |q: &Query| allowed(q, &grants, m);
        prop_assert_eq!(
            eval(&and(vec![and(vec![a.clone(), b.clone()]), c.clone()])),
            eval(&and(vec![a.clone(), and(vec![b.clone(), c.clone()])]))
        );
        prop_assert_eq!(
            eval(&or(vec![or(vec![a.clone(), b.clone()]), c.clone()])),
            eval(&or(vec![a, or(vec![b, c])]))
        );
    }

    #[test]
    fn and_and_or_are_idempotent_and_absorb(a in query(), b in query(), grants in grants(), m in matching()) {
        use support::strategies::or;
        let eval = |q: &Query| allowed(q, &grants, m);
        prop_assert_eq!(eval(&and(vec![a.clone(), a.clone()])), eval(&a));
        prop_assert_eq!(eval(&or(vec![a.clone(), a.clone()])), eval(&a));
        prop_assert_eq!(eval(&and(vec![a.clone(), or(vec![a.clone(), b.clone()])])), eval(&a));
        prop_assert_eq!(eval(&or(vec![a.clone(), and(vec![a.clone(), b])])), eval(&a));
    }

    #[test]
    fn and_and_or_distribute(a in query(), b in query(), c in query(), grants in grants(), m in matching()) {
        use support::strategies::or;
        let eval = |q: &Query| allowed(q, &grants, m);
        prop_assert_eq!(
            eval(&and(vec![a.clone(), or(vec![b.clone(), c.clone()])])),
            eval(&or(vec![and(vec![a.clone(), b.clone()]), and(vec![a.clone(), c.clone()])]))
        );
        prop_assert_eq!(
            eval(&or(vec![a.clone(), and(vec![b.clone(), c.clone()])])),
            eval(&and(vec![or(vec![a.clone(), b]), or(vec![a, c])]))
        );
    }

    #[test]
    fn adding_a_grant_never_turns_an_allow_into_a_deny(
        query in query(),
        grants in grants(),
        extra in support::strategies::grant(),
        forbidden in prop::collection::vec(support::strategies::grant(), 0..3),
        m in matching(),
    ) {
        if code(&query, &grants, &forbidden, m).allows() {
            let mut more = grants.clone();
            more.push(extra);
            prop_assert!(code(&query, &more, &forbidden, m).allows());
        }
    }

    #[test]
    fn literal_allow_implies_wildcard_allow(query in query(), grants in grants()) {
        if allowed(&query, &grants, Matching::Literal) {
            prop_assert!(allowed(&query, &grants, Matching::Wildcard));
        }
    }

    #[test]
    fn a_bare_star_grants_everything_only_in_wildcard_mode(query in query()) {
        let star = vec!["*".to_owned()];
        prop_assert!(allowed(&query, &star, Matching::Wildcard));
        prop_assert_eq!(
            allowed(&query, &star, Matching::Literal),
            naive::satisfied(&query, &|p| p == "*")
        );
    }

    #[test]
    fn granting_a_missing_set_makes_the_query_pass(
        query in query(),
        grants in grants(),
        forbidden in prop::collection::vec(support::strategies::grant(), 0..3),
        m in matching(),
    ) {
        let outcome = decide(&query, &Access::new(&grants, &forbidden, m));
        let missing = &outcome.explanation.missing;
        for (i, set) in missing.iter().enumerate() {
            let mut more = grants.clone();
            more.extend(set.iter().cloned());
            prop_assert_eq!(code(&query, &more, &forbidden, m), Code::Valid, "set {:?}", set);
            for (j, other) in missing.iter().enumerate() {
                let subset = other.iter().all(|p| set.contains(p));
                prop_assert!(i == j || !subset, "{:?} contains {:?}", set, other);
            }
        }
        if !outcome.code.allows() && missing.is_empty() {
            // No set at all: every way through the query needs a forbidden permission, so
            // even granting every permission it names leaves it denied.
            let mut all = grants.clone();
            all.extend(query.permissions().iter().map(|(p, _)| p.to_string()));
            prop_assert_ne!(code(&query, &all, &forbidden, m), Code::Valid);
        }
    }

    #[test]
    fn an_allow_names_grants_that_really_match(query in query(), grants in grants(), m in matching()) {
        let outcome = decide(&query, &Access::new(&grants, NO_FORBIDS, m));
        if outcome.code.allows() {
            prop_assert!(!outcome.explanation.satisfied_by.is_empty());
            for leaf in &outcome.explanation.satisfied_by {
                prop_assert!(naive::matches(&leaf.grant, &leaf.permission, m));
                prop_assert_eq!(&grants[leaf.grant_index], &leaf.grant);
            }
            // The named leaves alone carry the decision.
            let named: Vec<&str> = outcome.explanation.satisfied_by.iter().map(|l| l.permission.as_str()).collect();
            prop_assert!(naive::satisfied(&query, &|p| named.contains(&p)));
        }
    }
}
