//! The query language of semantics.md §1: what parses, into what, and how each error reads.

use permspec::query::{MAX_NESTING, Operator, SyntaxErrorKind, parse, unkey_limits};
use permspec::report::Renderer;

fn canonical(text: &str) -> String {
    parse(text)
        .unwrap_or_else(|error| panic!("{text:?} should parse, got {error}"))
        .to_string()
}

fn error_kind(text: &str) -> SyntaxErrorKind {
    parse(text)
        .map(|query| panic!("{text:?} should not parse, got {query}"))
        .unwrap_err()
        .kind()
        .clone()
}

fn rendered_error(text: &str) -> String {
    let error = parse(text).expect_err("the query is malformed");
    Renderer::new(false).render_in(error, "query", text)
}

#[test]
fn a_single_permission_is_a_query() {
    assert_eq!(canonical("documents.read"), "documents.read");
    assert_eq!(
        canonical("api.api_1234.update_api"),
        "api.api_1234.update_api"
    );
}

#[test]
fn every_permission_character_is_accepted() {
    let all = "AZaz09._-:*/";
    assert_eq!(canonical(all), all);
    assert_eq!(canonical("/api/v1/xxx"), "/api/v1/xxx");
    assert_eq!(canonical("system:admin:*"), "system:admin:*");
}

#[test]
fn and_binds_tighter_than_or() {
    let query = parse("a OR b AND c").unwrap();
    assert_eq!(
        query.to_json(),
        serde_json::json!({"operation": "or", "children": [
            {"value": "a"},
            {"operation": "and", "children": [{"value": "b"}, {"value": "c"}]},
        ]})
    );
    assert_eq!(canonical("a AND b OR c"), "a AND b OR c");
}

#[test]
fn parentheses_override_precedence_and_are_kept_only_where_needed() {
    assert_eq!(canonical("(a OR b) AND c"), "(a OR b) AND c");
    assert_eq!(canonical("a OR (b AND c)"), "a OR b AND c");
    assert_eq!(canonical("((a))"), "a");
    assert_eq!(
        canonical("(a AND (b OR (c AND d)))"),
        "a AND (b OR c AND d)"
    );
}

#[test]
fn chains_are_flattened() {
    let query = parse("(a AND b) AND (c AND d)").unwrap();
    assert_eq!(
        query.to_json(),
        serde_json::json!({"operation": "and", "children": [
            {"value": "a"}, {"value": "b"}, {"value": "c"}, {"value": "d"}
        ]})
    );
    assert_eq!(canonical("a OR (b OR c) OR d"), "a OR b OR c OR d");
}

#[test]
fn operators_are_case_insensitive() {
    assert_eq!(
        canonical("a and b Or c AnD d oR e"),
        "a AND b OR c AND d OR e"
    );
}

#[test]
fn operators_are_whole_tokens_only() {
    assert_eq!(canonical("ANDROID"), "ANDROID");
    assert_eq!(canonical("and.read"), "and.read");
    assert_eq!(canonical("ORACLE OR ANDROID"), "ORACLE OR ANDROID");
    assert_eq!(canonical("a.and OR or.b"), "a.and OR or.b");
    assert_eq!(canonical("and_x AND or-y"), "and_x AND or-y");
    assert_eq!(canonical("a and(b)"), "a AND b");
    assert_eq!(canonical("(a)or(b)"), "a OR b");
}

#[test]
fn whitespace_is_space_tab_newline_and_carriage_return() {
    assert_eq!(canonical("  a\tAND\nb\r\nOR   c  "), "a AND b OR c");
    assert_eq!(canonical("(\ta\n)"), "a");
}

#[test]
fn spans_point_at_the_permissions() {
    let text = "  read AND (write OR admin)";
    let leaves = parse(text).unwrap();
    let spans: Vec<&str> = leaves
        .permissions()
        .iter()
        .map(|(_, span)| &text[span.range()])
        .collect();
    assert_eq!(spans, ["read", "write", "admin"]);
}

#[test]
fn empty_and_blank_queries_are_errors() {
    assert_eq!(error_kind(""), SyntaxErrorKind::Empty);
    assert_eq!(error_kind(" \t\r\n"), SyntaxErrorKind::Empty);
}

#[test]
fn parenthesis_errors() {
    assert_eq!(error_kind("()"), SyntaxErrorKind::EmptyParentheses);
    assert_eq!(error_kind("a AND ( )"), SyntaxErrorKind::EmptyParentheses);
    assert_eq!(error_kind("(a"), SyntaxErrorKind::UnclosedParenthesis);
    assert_eq!(
        error_kind("(a OR (b)"),
        SyntaxErrorKind::UnclosedParenthesis
    );
    assert_eq!(error_kind("a AND ("), SyntaxErrorKind::UnclosedParenthesis);
    assert_eq!(
        error_kind(")"),
        SyntaxErrorKind::UnmatchedClosingParenthesis
    );
    assert_eq!(
        error_kind("a)"),
        SyntaxErrorKind::UnmatchedClosingParenthesis
    );
    assert_eq!(
        error_kind("(a))"),
        SyntaxErrorKind::UnmatchedClosingParenthesis
    );
}

#[test]
fn operator_with_a_missing_operand() {
    use SyntaxErrorKind::{MissingLeftOperand, MissingRightOperand};
    assert_eq!(error_kind("a AND"), MissingRightOperand(Operator::And));
    assert_eq!(error_kind("a or "), MissingRightOperand(Operator::Or));
    assert_eq!(error_kind("OR b"), MissingLeftOperand(Operator::Or));
    assert_eq!(error_kind("(AND b)"), MissingLeftOperand(Operator::And));
    assert_eq!(error_kind("a AND OR b"), MissingRightOperand(Operator::And));
    assert_eq!(
        error_kind("(a AND) OR b"),
        MissingRightOperand(Operator::And)
    );
    assert_eq!(error_kind("AND"), MissingLeftOperand(Operator::And));
}

#[test]
fn operands_without_an_operator() {
    assert_eq!(error_kind("a b"), SyntaxErrorKind::MissingOperator);
    assert_eq!(error_kind("a(b)"), SyntaxErrorKind::MissingOperator);
    assert_eq!(error_kind("(a) b"), SyntaxErrorKind::MissingOperator);
    assert_eq!(error_kind("(a)(b)"), SyntaxErrorKind::MissingOperator);
    assert_eq!(error_kind("a ANDb"), SyntaxErrorKind::MissingOperator);
}

#[test]
fn characters_outside_the_set_are_named() {
    assert_eq!(error_kind("doc@x"), SyntaxErrorKind::InvalidCharacter('@'));
    assert_eq!(
        error_kind("a AND b,c"),
        SyntaxErrorKind::InvalidCharacter(',')
    );
    assert_eq!(error_kind("a && b"), SyntaxErrorKind::InvalidCharacter('&'));
    assert_eq!(error_kind("\"a\""), SyntaxErrorKind::InvalidCharacter('"'));
    assert_eq!(
        error_kind("a\u{1}"),
        SyntaxErrorKind::InvalidCharacter('\u{1}')
    );
    assert_eq!(
        error_kind("a\u{b}b"),
        SyntaxErrorKind::InvalidCharacter('\u{b}')
    );
}

/// Unkey's lexer takes a NUL for the end of the input: what follows is never read.
#[test]
fn a_query_ends_at_its_first_nul() {
    assert_eq!(canonical("documents.read\0 AND admin"), "documents.read");
    assert_eq!(canonical("a OR b\0)))@@"), "a OR b");
    assert_eq!(error_kind("\0documents.read"), SyntaxErrorKind::Empty);
    assert_eq!(
        error_kind("a AND\0b"),
        SyntaxErrorKind::MissingRightOperand(Operator::And)
    );
}

/// Unkey's lexer tests each byte as a Latin-1 character: a non-ASCII character is part of a
/// permission exactly when each of its UTF-8 bytes is a Latin-1 letter (`ê` is C3 AA: `Ã`
/// and `ª`); any other is an error, even where it looks like a letter.
#[test]
fn non_ascii_is_read_byte_by_byte_as_unkey_reads_it() {
    assert_eq!(canonical("documents.rêad"), "documents.rêad");
    assert_eq!(canonical("µ.x AND ú"), "µ.x AND ú");
    assert_eq!(error_kind("café"), SyntaxErrorKind::InvalidCharacter('é'));
    assert_eq!(
        error_kind("doc\u{0430}"),
        SyntaxErrorKind::InvalidCharacter('\u{0430}')
    );
    assert_eq!(
        error_kind("a\u{a0}AND b"),
        SyntaxErrorKind::InvalidCharacter('\u{a0}')
    );
}

#[test]
fn the_first_error_from_the_left_is_reported() {
    assert_eq!(error_kind("@ AND"), SyntaxErrorKind::InvalidCharacter('@'));
    assert_eq!(
        error_kind("a AND @"),
        SyntaxErrorKind::InvalidCharacter('@')
    );
    let error = parse("a b c").unwrap_err();
    assert_eq!((error.span().start(), error.span().end()), (2, 3));
}

/// Every query within Unkey's 1,000 characters parses, however deep: 499 levels is the most
/// they allow.
#[test]
fn the_deepest_query_unkey_accepts_parses() {
    let text = format!("{}a{}", "(".repeat(499), ")".repeat(499));
    assert_eq!(text.len(), 999);
    assert_eq!(canonical(&text), "a");
    let alternating = format!("{}a{}", "(b AND (c OR ".repeat(60), "))".repeat(60));
    assert!(alternating.len() < 1000);
    assert_eq!(parse(&alternating).unwrap().permissions().len(), 121);
}

#[test]
fn nesting_up_to_the_limit_parses() {
    let text = format!("{}a{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
    assert_eq!(canonical(&text), "a");
}

/// The depth pre-scan is what bounds the parser's recursion (pest's own stack probe is
/// compiled out): the deepest query allowed parses on a quarter of a thread's usual stack,
/// even unoptimized.
#[test]
fn the_deepest_query_parses_on_a_small_stack() {
    let text = format!(
        "{}a AND b{}",
        "(x OR ".repeat(MAX_NESTING),
        ")".repeat(MAX_NESTING)
    );
    let parsed = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || parse(&text).map(|query| query.permissions().len()))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(parsed.unwrap(), MAX_NESTING + 2);
}

#[test]
fn nesting_past_the_limit_is_a_clear_error_not_a_crash() {
    let text = format!(
        "{}a{}",
        "(".repeat(MAX_NESTING + 1),
        ")".repeat(MAX_NESTING + 1)
    );
    let error = parse(&text).unwrap_err();
    assert_eq!(error.kind(), &SyntaxErrorKind::NestingTooDeep);
    assert_eq!(error.span().start(), MAX_NESTING);

    let hundred_thousand = "(".repeat(100_000);
    assert_eq!(
        parse(&hundred_thousand).unwrap_err().kind(),
        &SyntaxErrorKind::NestingTooDeep
    );
}

#[test]
fn megabyte_inputs_parse_without_exhausting_the_stack() {
    let long_chain = vec!["documents.read"; 80_000].join(" AND ");
    assert!(long_chain.len() > 1_000_000);
    let query = parse(&long_chain).unwrap();
    assert_eq!(query.permissions().len(), 80_000);

    let long_permission = "a.".repeat(600_000) + "b";
    assert_eq!(parse(&long_permission).unwrap().permissions().len(), 1);
}

#[test]
fn unkey_limits_are_reported_for_queries_that_parse() {
    let ok = vec!["p"; 100].join(" OR ");
    assert!(unkey_limits(&ok, &parse(&ok).unwrap()).is_empty());

    let too_many = vec!["p"; 101].join(" OR ");
    let violations = unkey_limits(&too_many, &parse(&too_many).unwrap());
    assert_eq!(violations.len(), 1);
    assert!(violations[0].to_string().contains("101 permissions"));

    let too_long = "p".repeat(1001);
    let violations = unkey_limits(&too_long, &parse(&too_long).unwrap());
    assert_eq!(violations.len(), 1);
    assert!(violations[0].to_string().contains("1001 characters"));

    // Unkey counts characters, over the whole text: what follows a NUL too.
    let wide = "ê".repeat(1000);
    assert!(unkey_limits(&wide, &parse(&wide).unwrap()).is_empty());
    let padded = format!("p\0{}", "x".repeat(999));
    assert_eq!(unkey_limits(&padded, &parse(&padded).unwrap()).len(), 1);
}

#[test]
fn ast_json_uses_unkeys_field_names() {
    insta::assert_json_snapshot!(
        "ast_json",
        parse("admin OR (documents.read AND documents.write)")
            .unwrap()
            .to_json()
    );
}

#[test]
fn diagnostics_render_for_each_error_kind() {
    let cases = [
        ("empty", "   "),
        ("empty_parentheses", "admin OR ()"),
        ("unclosed_parenthesis", "(documents.read OR documents.write"),
        ("unmatched_closing_parenthesis", "documents.read)"),
        ("missing_right_operand", "documents.read AND"),
        ("missing_right_operand_before_operator", "a AND OR b"),
        ("missing_right_operand_before_close", "(a OR) AND b"),
        ("missing_left_operand", "OR documents.read"),
        ("missing_operator", "documents.read documents.write"),
        ("missing_operator_before_group", "a(b)"),
        ("invalid_character", "documents.read AND billing@manage"),
        ("non_ascii_character", "documents.réad"),
    ];
    for (name, text) in cases {
        insta::assert_snapshot!(format!("syntax_{name}"), rendered_error(text), text);
    }
    let deep = format!(
        "{}a{}",
        "(".repeat(MAX_NESTING + 1),
        ")".repeat(MAX_NESTING + 1)
    );
    insta::assert_snapshot!("syntax_nesting_too_deep", rendered_error(&deep));
}
