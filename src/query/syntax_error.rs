//! Syntax errors worded for people.
//!
//! pest reports what it expected at a position; users need to hear which parenthesis is
//! unclosed or which operator lacks an operand. When the grammar rejects a query, a single
//! left-to-right walk over its tokens finds the first problem, in the order Unkey's own
//! parser would meet it, and names it.

use super::Operator;
use super::lexeme::is_permission_char;
use crate::span::Span;
use miette::{Diagnostic, LabeledSpan};
use std::fmt;

/// What is wrong with a query that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntaxErrorKind {
    /// The query is empty or only whitespace.
    Empty,
    /// `()` with nothing inside.
    EmptyParentheses,
    /// A `(` that is never closed.
    UnclosedParenthesis,
    /// A `)` that closes nothing.
    UnmatchedClosingParenthesis,
    /// `a AND`, `a AND )`, `a AND OR b`.
    MissingRightOperand(Operator),
    /// `OR b`, `(AND b)`.
    MissingLeftOperand(Operator),
    /// Two operands side by side: `a b`, `a(b)`, `(a) b`.
    MissingOperator,
    /// A character outside `A-Z a-z 0-9 . _ - : * /`, whitespace and parentheses.
    InvalidCharacter(char),
    /// More than [`super::MAX_NESTING`] levels of parentheses.
    NestingTooDeep,
    /// The grammar rejected the input at a place the token walk did not explain.
    Unexpected,
}

/// A query that does not parse: what is wrong, and where (byte offsets into the query).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    kind: SyntaxErrorKind,
    span: Span,
    related: Option<(Span, &'static str)>,
}

impl SyntaxError {
    pub(super) fn new(kind: SyntaxErrorKind, span: Span) -> Self {
        SyntaxError {
            kind,
            span,
            related: None,
        }
    }

    fn with_related(mut self, span: Span, label: &'static str) -> Self {
        self.related = Some((span, label));
        self
    }

    /// What is wrong.
    pub fn kind(&self) -> &SyntaxErrorKind {
        &self.kind
    }

    /// Where it is wrong, in bytes of the query text.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The same error for a query that starts `offset` bytes into a larger text.
    pub fn shifted(mut self, offset: usize) -> Self {
        self.span = self.span.shifted(offset);
        if let Some((span, label)) = self.related {
            self.related = Some((span.shifted(offset), label));
        }
        self
    }

    fn label(&self) -> String {
        match &self.kind {
            SyntaxErrorKind::Empty => "expected a permission here".into(),
            SyntaxErrorKind::EmptyParentheses => "nothing between these parentheses".into(),
            SyntaxErrorKind::UnclosedParenthesis => "this parenthesis is never closed".into(),
            SyntaxErrorKind::UnmatchedClosingParenthesis => "no `(` opens this".into(),
            SyntaxErrorKind::MissingRightOperand(_) => "needs an operand after it".into(),
            SyntaxErrorKind::MissingLeftOperand(_) => "needs an operand before it".into(),
            SyntaxErrorKind::MissingOperator => "expected AND or OR before this".into(),
            SyntaxErrorKind::InvalidCharacter(_) => "not allowed in a query".into(),
            SyntaxErrorKind::NestingTooDeep => {
                format!("level {} opens here", super::MAX_NESTING + 1)
            }
            SyntaxErrorKind::Unexpected => "unexpected input".into(),
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SyntaxErrorKind::Empty => f.write_str("query is empty"),
            SyntaxErrorKind::EmptyParentheses => f.write_str("empty parentheses"),
            SyntaxErrorKind::UnclosedParenthesis => f.write_str("missing closing parenthesis"),
            SyntaxErrorKind::UnmatchedClosingParenthesis => {
                f.write_str("unmatched closing parenthesis")
            }
            SyntaxErrorKind::MissingRightOperand(operator) => write!(
                f,
                "operator {} has no right-hand operand",
                operator.keyword()
            ),
            SyntaxErrorKind::MissingLeftOperand(operator) => {
                write!(
                    f,
                    "operator {} has no left-hand operand",
                    operator.keyword()
                )
            }
            SyntaxErrorKind::MissingOperator => f.write_str("missing operator between operands"),
            SyntaxErrorKind::InvalidCharacter(c) => write!(f, "invalid character {c:?}"),
            SyntaxErrorKind::NestingTooDeep => write!(
                f,
                "parentheses nested deeper than {} levels",
                super::MAX_NESTING
            ),
            SyntaxErrorKind::Unexpected => f.write_str("unexpected input"),
        }
    }
}

impl std::error::Error for SyntaxError {}

impl Diagnostic for SyntaxError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("permspec::query::syntax"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = match &self.kind {
            SyntaxErrorKind::Empty => {
                "write a permission such as `documents.read`, or combine several with AND and OR"
                    .to_owned()
            }
            SyntaxErrorKind::EmptyParentheses => {
                "put a permission or an expression inside, or remove the parentheses".to_owned()
            }
            SyntaxErrorKind::UnclosedParenthesis => {
                "add `)` after the expression this parenthesis groups".to_owned()
            }
            SyntaxErrorKind::UnmatchedClosingParenthesis => {
                "remove it, or add the `(` it was meant to close".to_owned()
            }
            SyntaxErrorKind::MissingRightOperand(operator) => format!(
                "add a permission after {}, or remove the operator",
                operator.keyword()
            ),
            SyntaxErrorKind::MissingLeftOperand(operator) => format!(
                "add a permission before {}, or remove the operator",
                operator.keyword()
            ),
            SyntaxErrorKind::MissingOperator => {
                "join the operands with AND (both required) or OR (either suffices)".to_owned()
            }
            SyntaxErrorKind::InvalidCharacter(c) if !c.is_ascii() => format!(
                "Unkey rejects {c:?} (U+{:04X}) in a query, and its permission slugs are \
                 ASCII-only: replace it",
                u32::from(*c)
            ),
            SyntaxErrorKind::InvalidCharacter(_) => {
                "a permission may contain only letters, digits and `. _ - : * /`".to_owned()
            }
            SyntaxErrorKind::NestingTooDeep => {
                "flatten the query: chains of AND or OR need no parentheses".to_owned()
            }
            SyntaxErrorKind::Unexpected => {
                "check the query against the grammar in grammar/query.pest".to_owned()
            }
        };
        Some(Box::new(help))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(Some(self.label()), self.span);
        let related = self
            .related
            .map(|(span, label)| LabeledSpan::new_with_span(Some(label.to_owned()), span));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Permission,
    Operator(Operator),
    Open,
    Close,
    Invalid(char),
    End,
}

/// Splits `text` into tokens as the grammar does: a keyword is a whole maximal run.
fn tokens(text: &str) -> impl Iterator<Item = (Token, Span)> + '_ {
    let mut chars = text.char_indices().peekable();
    let mut ended = false;
    std::iter::from_fn(move || {
        while let Some((_, ' ' | '\t' | '\n' | '\r')) = chars.peek() {
            chars.next();
        }
        let Some((start, c)) = chars.next() else {
            if ended {
                return None;
            }
            ended = true;
            return Some((Token::End, Span::new(text.len(), text.len())));
        };
        let token = match c {
            '(' => Token::Open,
            ')' => Token::Close,
            c if is_permission_char(c) => {
                while chars.next_if(|&(_, c)| is_permission_char(c)).is_some() {}
                let end = chars.peek().map_or(text.len(), |&(offset, _)| offset);
                let word = &text[start..end];
                let token = if word.eq_ignore_ascii_case("and") {
                    Token::Operator(Operator::And)
                } else if word.eq_ignore_ascii_case("or") {
                    Token::Operator(Operator::Or)
                } else {
                    Token::Permission
                };
                return Some((token, Span::new(start, end)));
            }
            c => Token::Invalid(c),
        };
        Some((token, Span::new(start, start + c.len_utf8())))
    })
}

/// The first syntax error in `text`, or `None` if it is a well-formed query.
pub(super) fn diagnose(text: &str) -> Option<SyntaxError> {
    use SyntaxErrorKind as Kind;
    let mut open: Vec<Span> = Vec::new();
    let mut previous: Option<(Token, Span)> = None;
    let mut expect_operand = true;
    for (token, span) in tokens(text) {
        let error = |kind| Some(SyntaxError::new(kind, span));
        match (expect_operand, token, previous) {
            (_, Token::Invalid(c), _) => return error(Kind::InvalidCharacter(c)),
            (true, Token::Permission, _) => expect_operand = false,
            (true, Token::Open, _) => open.push(span),
            (true, Token::Close | Token::End, Some((Token::Operator(operator), at))) => {
                let error = SyntaxError::new(Kind::MissingRightOperand(operator), at);
                return Some(match token {
                    Token::Close => error.with_related(span, "the group ends here"),
                    _ => error,
                });
            }
            (true, Token::Close, Some((Token::Open, at))) => {
                return Some(SyntaxError::new(Kind::EmptyParentheses, at.join(span)));
            }
            (true, Token::Close, _) => return error(Kind::UnmatchedClosingParenthesis),
            (true, Token::Operator(_), Some((Token::Operator(first), at))) => {
                return Some(
                    SyntaxError::new(Kind::MissingRightOperand(first), at)
                        .with_related(span, "another operator follows"),
                );
            }
            (true, Token::Operator(operator), _) => {
                return error(Kind::MissingLeftOperand(operator));
            }
            (true, Token::End, None) => {
                return Some(SyntaxError::new(Kind::Empty, Span::new(0, text.len())));
            }
            (true, Token::End, _) => {
                let unclosed = *open.last().expect("only `(` leaves an operand pending");
                return Some(SyntaxError::new(Kind::UnclosedParenthesis, unclosed));
            }
            (false, Token::Operator(_), _) => expect_operand = true,
            (false, Token::Close, _) => {
                if open.pop().is_none() {
                    return error(Kind::UnmatchedClosingParenthesis);
                }
            }
            (false, Token::Permission | Token::Open, Some((_, at))) => {
                return Some(
                    SyntaxError::new(Kind::MissingOperator, span)
                        .with_related(at, "previous operand"),
                );
            }
            (false, Token::End, _) => {
                return open
                    .last()
                    .map(|&unclosed| SyntaxError::new(Kind::UnclosedParenthesis, unclosed));
            }
            (false, Token::Permission | Token::Open, None) => {
                unreachable!("an operand was seen before an operator is expected")
            }
        }
        previous = Some((token, span));
    }
    None
}
