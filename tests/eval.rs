//! Decisions of semantics.md §2-3 by example: wildcard, literal and strict modes, forbid
//! rules, and the explanations that come with a decision.

use permspec::eval::{Access, Code, Decision, Matching, PatternSet, Semantics, grant_matches};
use permspec::query::parse;

fn decide(query: &str, grants: &[&str], forbidden: &[&str], semantics: Semantics) -> Decision {
    let query = parse(query).unwrap();
    Decision::new(&query, semantics, |matching| {
        Access::new(grants.iter().copied(), forbidden.iter().copied(), matching)
    })
}

fn code(query: &str, grants: &[&str], semantics: Semantics) -> Code {
    decide(query, grants, &[], semantics).code()
}

#[test]
fn identical_grant_matches_in_every_mode() {
    for matching in [Matching::Wildcard, Matching::Literal, Matching::RootKey] {
        assert!(grant_matches("documents.read", "documents.read", matching));
        assert!(grant_matches("api.*", "api.*", matching));
    }
}

#[test]
fn wildcard_segment_matches_exactly_one_segment() {
    let w = Matching::Wildcard;
    assert!(grant_matches("api.*.read", "api.a1.read", w));
    assert!(!grant_matches("api.*.read", "api.a1.b.read", w));
    assert!(!grant_matches("api.*.read", "api.read", w));
}

#[test]
fn trailing_wildcard_matches_one_or_more_segments() {
    let w = Matching::Wildcard;
    assert!(grant_matches("documents.*", "documents.read", w));
    assert!(grant_matches("documents.*", "documents.read.own", w));
    assert!(!grant_matches("documents.*", "documents", w));
    assert!(!grant_matches("documents.*", "documentsx.read", w));
}

#[test]
fn bare_star_matches_everything_in_wildcard_mode_only() {
    for required in ["a", "documents.read", "x.y.z", "*", "doc*"] {
        assert!(grant_matches("*", required, Matching::Wildcard));
    }
    assert!(!grant_matches("*", "documents.read", Matching::Literal));
    assert!(grant_matches("*", "*", Matching::Literal));
}

#[test]
fn star_inside_a_segment_is_a_literal_character() {
    let w = Matching::Wildcard;
    assert!(!grant_matches("doc*", "documents", w));
    assert!(!grant_matches("system:admin:*", "system:admin:users", w));
    assert!(grant_matches("system:admin:*", "system:admin:*", w));
    assert!(!grant_matches("documents.re*", "documents.read", w));
}

#[test]
fn a_star_in_a_query_is_literal() {
    assert_eq!(
        code("documents.*", &["documents.read"], Semantics::Wildcard),
        Code::InsufficientPermissions
    );
    assert_eq!(
        code("documents.*", &["documents.*"], Semantics::Literal),
        Code::Valid
    );
}

#[test]
fn root_key_tuples_match_by_id_or_id_wildcard_only() {
    let r = Matching::RootKey;
    assert!(grant_matches("api.*.read_api", "api.api_1.read_api", r));
    assert!(!grant_matches("api.*.*", "api.api_1.read_api", r));
    assert!(!grant_matches("api.*", "api.api_1.read_api", r));
    assert!(!grant_matches("*", "api.api_1.read_api", r));
    assert!(!grant_matches(
        "api.api_1.read_api",
        "api.api_2.read_api",
        r
    ));
}

#[test]
fn pattern_set_prefers_the_identical_then_the_most_specific_grant() {
    let set = PatternSet::new(["*", "documents.*", "documents.read"], Matching::Wildcard);
    assert_eq!(set.find("documents.read"), Some(2));
    assert_eq!(set.find("documents.write"), Some(1));
    assert_eq!(set.find("users.view"), Some(0));
    let set = PatternSet::new(["a.*", "a.b.*", "a.*.c"], Matching::Wildcard);
    assert_eq!(set.find("a.b.c"), Some(2));
    assert_eq!(set.find("a.b.d"), Some(1));
    assert_eq!(set.find("a.x"), Some(0));
}

#[test]
fn modes_disagree_on_wildcard_grants_and_strict_reports_both() {
    let query = "documents.read";
    assert_eq!(
        code(query, &["documents.*"], Semantics::Wildcard),
        Code::Valid
    );
    assert_eq!(
        code(query, &["documents.*"], Semantics::Literal),
        Code::InsufficientPermissions
    );
    let strict = decide(query, &["documents.*"], &[], Semantics::Strict);
    assert!(!strict.allowed());
    assert!(strict.diverges());
    let codes: Vec<Code> = strict.outcomes.iter().map(|o| o.code).collect();
    assert_eq!(codes, [Code::Valid, Code::InsufficientPermissions]);
    assert_eq!(strict.code(), Code::InsufficientPermissions);

    let agreed = decide(query, &["documents.read"], &[], Semantics::Strict);
    assert!(agreed.allowed() && !agreed.diverges());
}

#[test]
fn forbid_rules_follow_the_two_pass_definition() {
    let grants = ["billing.read", "billing.manage"];
    let forbid = ["billing.manage"];
    let decided = |query| decide(query, &grants, &forbid, Semantics::Wildcard).code();
    assert_eq!(decided("billing.manage OR billing.read"), Code::Valid);
    assert_eq!(decided("billing.read AND billing.manage"), Code::Forbidden);
    assert_eq!(decided("billing.manage"), Code::Forbidden);
    assert_eq!(decided("billing.delete"), Code::InsufficientPermissions);
    assert_eq!(
        decided("billing.manage AND billing.delete"),
        Code::InsufficientPermissions
    );
}

#[test]
fn forbid_patterns_match_like_grants_in_each_mode() {
    let grants = ["billing.manage"];
    let forbid = ["billing.*"];
    let in_mode = |semantics| decide("billing.manage", &grants, &forbid, semantics).code();
    assert_eq!(in_mode(Semantics::Wildcard), Code::Forbidden);
    assert_eq!(in_mode(Semantics::Literal), Code::Valid);
}

#[test]
fn an_allow_names_the_grant_behind_each_needed_permission() {
    let decision = decide(
        "admin OR documents.read AND users.view",
        &["users.view", "documents.*"],
        &[],
        Semantics::Wildcard,
    );
    let explanation = &decision.primary().explanation;
    let pairs: Vec<(&str, &str)> = explanation
        .satisfied_by
        .iter()
        .map(|leaf| (leaf.permission.as_str(), leaf.grant.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("documents.read", "documents.*"),
            ("users.view", "users.view")
        ]
    );
    assert_eq!(explanation.satisfied_by[0].grant_index, 1);
    assert_eq!(explanation.message, None);
}

#[test]
fn a_deny_uses_unkeys_messages() {
    let message = |query: &str, grants: &[&str]| {
        decide(query, grants, &[], Semantics::Wildcard)
            .primary()
            .explanation
            .message
            .clone()
            .unwrap()
    };
    assert_eq!(
        message("documents.write", &[]),
        "Missing permission: 'documents.write'"
    );
    assert_eq!(
        message("documents.read AND documents.write", &["documents.read"]),
        "Missing permission: 'documents.write'"
    );
    assert_eq!(
        message("admin OR documents.read AND documents.write", &[]),
        "Missing one of these permissions: ['admin', 'documents.read AND documents.write']"
    );
}

#[test]
fn a_deny_lists_the_smallest_sets_that_would_allow() {
    let missing = |query: &str, grants: &[&str]| {
        decide(query, grants, &[], Semantics::Wildcard)
            .primary()
            .explanation
            .missing
            .clone()
    };
    assert_eq!(
        missing("(a OR b) AND (c OR d)", &["a"]),
        [vec!["c"], vec!["d"]]
    );
    assert_eq!(
        missing("a AND b OR a AND c AND d", &[]),
        [vec!["a", "b"], vec!["a", "c", "d"]]
    );
    assert_eq!(missing("x OR x AND y", &[]), [vec!["x"]]);
}

#[test]
fn no_missing_set_when_every_path_needs_a_forbidden_permission() {
    let decision = decide("billing.manage", &[], &["billing.*"], Semantics::Wildcard);
    assert_eq!(decision.code(), Code::InsufficientPermissions);
    assert!(decision.primary().explanation.missing.is_empty());
}

#[test]
fn pattern_set_lookup_costs_do_not_depend_on_the_number_of_grants() {
    // Not a timing test: 10,000 grants sharing a prefix must still resolve through the
    // trie to the right pattern.
    let grants: Vec<String> = (0..10_000).map(|i| format!("svc.s{i}.read")).collect();
    let set = PatternSet::new(grants, Matching::Wildcard);
    assert_eq!(set.find("svc.s9999.read"), Some(9999));
    assert_eq!(set.find("svc.s10000.read"), None);
}
