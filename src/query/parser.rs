//! From query text to [`Query`]: a depth pre-scan, the pest grammar, then the AST.

use super::syntax_error::{SyntaxError, SyntaxErrorKind, diagnose};
use super::{Operator, Query};
use crate::span::Span;
use pest::Parser as _;
use pest::Token;
use pest::iterators::Tokens;

/// Deepest nesting of parentheses a query may have.
///
/// Checked by a linear scan before the grammar runs, so that no input can exhaust the stack
/// of the (recursive) parser, whatever the thread's stack size.
pub const MAX_NESTING: usize = 128;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/query.pest"]
struct QueryGrammar;

/// Parses a permission query as Unkey's `keys.verifyKey` does.
///
/// ```
/// use permspec::query::{parse, Operator, SyntaxErrorKind};
/// let query = parse("a OR b AND c").unwrap();
/// assert_eq!(query.to_json()["operation"], "or");
/// assert_eq!(parse("a AND").unwrap_err().kind(), &SyntaxErrorKind::MissingRightOperand(Operator::And));
/// ```
pub fn parse(text: &str) -> Result<Query, SyntaxError> {
    check_nesting(text)?;
    match QueryGrammar::parse(Rule::query, text) {
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

fn check_nesting(text: &str) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    for (offset, byte) in text.bytes().enumerate() {
        match byte {
            b'(' => {
                depth += 1;
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
    Ok(())
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
