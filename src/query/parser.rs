//! From query text to [`Query`]: a depth pre-scan, the pest grammar, then the AST.

use super::lexeme::{is_permission_char, read_by_unkey};
use super::syntax_error::{SyntaxError, SyntaxErrorKind, diagnose};
use super::{MAX_NESTING, Operator, Query};
use crate::span::Span;
use pest::Parser as _;
use pest::Token;
use pest::iterators::Tokens;
use std::borrow::Cow;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/query.pest"]
struct QueryGrammar;

/// Parses a permission query as Unkey's `keys.verifyKey` does: up to its first NUL, with
/// the permission characters of Unkey's byte-wise lexer.
///
/// ```
/// use permspec::query::{parse, Operator, SyntaxErrorKind};
/// let query = parse("a OR b AND c").unwrap();
/// assert_eq!(query.to_json()["operation"], "or");
/// assert_eq!(parse("a AND").unwrap_err().kind(), &SyntaxErrorKind::MissingRightOperand(Operator::And));
/// assert_eq!(parse("a\0 AND").unwrap().to_string(), "a");
/// ```
pub fn parse(text: &str) -> Result<Query, SyntaxError> {
    let text = read_by_unkey(text);
    if let Some(permission) = lone_permission(text) {
        return Ok(permission);
    }
    let depth = nesting(text)?;
    if depth <= SHALLOW {
        return parse_nested(text);
    }
    // The grammar recurses a few frames per level: a deep query gets a stack of its own,
    // sized for its depth, whatever the stack of the calling thread.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("deep query".to_owned())
            .stack_size(STACK_BASE + depth * STACK_PER_LEVEL)
            .spawn_scoped(scope, || parse_nested(text))
            .map_or_else(
                |_| {
                    let everything = Span::new(0, text.len());
                    Err(SyntaxError::new(
                        SyntaxErrorKind::NestingTooDeep,
                        everything,
                    ))
                },
                |parsing| {
                    parsing
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                },
            )
    })
}

/// `text` as the grammar reads it when it is one permission and nothing else (no space,
/// parenthesis or other byte outside a permission, and not `and` or `or`), read without
/// running the grammar: many queries are one permission, and the grammar costs most per
/// query, not per byte.
fn lone_permission(text: &str) -> Option<Query> {
    let keyword = text.eq_ignore_ascii_case("and") || text.eq_ignore_ascii_case("or");
    let lone = !text.is_empty() && !keyword && text.chars().all(is_permission_char);
    lone.then(|| Query::Permission {
        name: text.to_owned(),
        span: Span::new(0, text.len()),
    })
}

/// Queries nested at most this deep are parsed on the calling thread's stack.
const SHALLOW: usize = 32;

/// The stack of a thread parsing a deeper query: a base, and enough per level for the
/// grammar's frames unoptimized (about 4 KiB a level), twice over.
const STACK_BASE: usize = 256 * 1024;
const STACK_PER_LEVEL: usize = 8 * 1024;

/// Parses `text`, whose nesting is within [`MAX_NESTING`].
fn parse_nested(text: &str) -> Result<Query, SyntaxError> {
    match QueryGrammar::parse(Rule::query, &ascii_stand_in(text)) {
        Ok(pairs) => Ok(build(text, pairs.tokens())),
        Err(error) => Err(diagnose(text).unwrap_or_else(|| {
            // The token walk words every error the grammar can raise; should the two ever
            // disagree, still fail with pest's position rather than accept the input.
            let position = match error.location {
                pest::error::InputLocation::Pos(pos) => pos,
                pest::error::InputLocation::Span((start, _)) => start,
            };
            SyntaxError::new(SyntaxErrorKind::Unexpected, Span::new(position, position))
        })),
    }
}

/// `text` for the grammar, which knows only ASCII: each non-ASCII character that Unkey reads
/// as part of a permission becomes as many `a`s as it has bytes (offsets stay the same, and
/// a run of `a`s is never a keyword); every other character stays, for the grammar to
/// refuse.
fn ascii_stand_in(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut stand_in = String::with_capacity(text.len());
    for c in text.chars() {
        if !c.is_ascii() && is_permission_char(c) {
            stand_in.extend(std::iter::repeat_n('a', c.len_utf8()));
        } else {
            stand_in.push(c);
        }
    }
    Cow::Owned(stand_in)
}

/// The deepest nesting of parentheses in `text`, or an error past [`MAX_NESTING`].
fn nesting(text: &str) -> Result<usize, SyntaxError> {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for (offset, byte) in text.bytes().enumerate() {
        match byte {
            b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if depth > MAX_NESTING {
                    return Err(SyntaxError::new(
                        SyntaxErrorKind::NestingTooDeep,
                        Span::new(offset, offset + 1),
                    ));
                }
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(deepest)
}

/// Builds the AST in one pass over the parse's tokens: each `and_expr` and `or_expr` opens
/// a chain of operands, which its end closes into its parent's.
fn build(text: &str, tokens: Tokens<'_, Rule>) -> Query {
    let mut open: Vec<Chain> = Vec::new();
    let mut permission_start = 0;
    let mut query = None;
    for token in tokens {
        match token {
            Token::Start { rule, pos } => match rule {
                Rule::or_expr => open.push(Chain::new(Operator::Or, pos.pos())),
                Rule::and_expr => open.push(Chain::new(Operator::And, pos.pos())),
                Rule::permission => permission_start = pos.pos(),
                _ => {}
            },
            Token::End { rule, pos } => {
                let operand = match rule {
                    Rule::permission => Query::Permission {
                        name: text[permission_start..pos.pos()].to_owned(),
                        span: Span::new(permission_start, pos.pos()),
                    },
                    Rule::or_expr | Rule::and_expr => open
                        .pop()
                        .expect("the grammar closes what it opens")
                        .finish(pos.pos()),
                    _ => continue,
                };
                match open.last_mut() {
                    Some(parent) => parent.push(operand),
                    None => query = Some(operand),
                }
            }
        }
    }
    query.expect("the grammar yields one query")
}

/// The operands of one operator, gathered without allocating for a lone operand (which
/// stands for itself) and absorbing the children of an operand of the same kind.
struct Chain {
    operator: Operator,
    start: usize,
    first: Option<Query>,
    children: Vec<Query>,
}

impl Chain {
    fn new(operator: Operator, start: usize) -> Self {
        Chain {
            operator,
            start,
            first: None,
            children: Vec::new(),
        }
    }

    fn push(&mut self, operand: Query) {
        if self.children.is_empty() {
            match self.first.take() {
                None => return self.first = Some(operand),
                Some(first) => self.absorb(first),
            }
        }
        self.absorb(operand);
    }

    fn absorb(&mut self, operand: Query) {
        match operand {
            Query::And { children, .. } if self.operator == Operator::And => {
                self.children.extend(children)
            }
            Query::Or { children, .. } if self.operator == Operator::Or => {
                self.children.extend(children)
            }
            other => self.children.push(other),
        }
    }

    /// The chain that ends at `end`: its lone operand, or the operator over its operands.
    fn finish(self, end: usize) -> Query {
        let span = Span::new(self.start, end);
        match (self.first, self.operator) {
            (Some(lone), _) => lone,
            (None, Operator::And) => Query::And {
                children: self.children,
                span,
            },
            (None, Operator::Or) => Query::Or {
                children: self.children,
                span,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{lone_permission, parse_nested};

    proptest::proptest! {
        /// The shortcut for a lone permission reads what the grammar reads, and takes
        /// nothing else.
        #[test]
        fn a_lone_permission_reads_as_the_grammar_reads_it(
            text in "[aAnNdDoOrR.*:/_-é ()\t]{0,6}|[a-z.]{1,12}|(?i:and|or)|ê[aA]?",
        ) {
            let grammar = parse_nested(&text);
            match lone_permission(&text) {
                Some(lone) => proptest::prop_assert_eq!(
                    format!("{lone:?}"),
                    format!("{:?}", grammar.expect("the grammar reads a lone permission"))
                ),
                None => proptest::prop_assert!(
                    text.is_empty()
                        || !text.chars().all(super::is_permission_char)
                        || grammar.is_err()
                ),
            }
        }
    }
}
