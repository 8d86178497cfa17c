//! From query text to [`Query`]: a depth pre-scan, the pest grammar, then the AST.

use super::syntax_error::{SyntaxError, SyntaxErrorKind, diagnose};
use super::{Operator, Query};
use crate::span::Span;
use pest::Parser as _;
use pest::iterators::Pair;

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
        Ok(mut pairs) => {
            let query = pairs.next().expect("the grammar yields one query");
            let or_expr = query
                .into_inner()
                .next()
                .expect("a query holds an expression");
            Ok(build_or(or_expr))
        }
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

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    Span::new(pair.as_span().start(), pair.as_span().end())
}

fn build_or(pair: Pair<'_, Rule>) -> Query {
    let span = span_of(&pair);
    let operands = pair
        .into_inner()
        .filter(|operand| operand.as_rule() == Rule::and_expr)
        .map(build_and)
        .collect();
    chain(Operator::Or, operands, span)
}

fn build_and(pair: Pair<'_, Rule>) -> Query {
    let span = span_of(&pair);
    let operands = pair
        .into_inner()
        .filter_map(|operand| match operand.as_rule() {
            Rule::permission => Some(Query::Permission {
                name: operand.as_str().to_owned(),
                span: span_of(&operand),
            }),
            Rule::group => Some(build_or(
                operand
                    .into_inner()
                    .next()
                    .expect("a group holds an expression"),
            )),
            _ => None,
        })
        .collect();
    chain(Operator::And, operands, span)
}

/// One operand stands for itself; several form a chain, absorbing operands of the same kind.
fn chain(operator: Operator, mut operands: Vec<Query>, span: Span) -> Query {
    if operands.len() == 1 {
        return operands.pop().expect("one operand");
    }
    let mut children = Vec::with_capacity(operands.len());
    for operand in operands {
        match operand {
            Query::And {
                children: inner, ..
            } if operator == Operator::And => children.extend(inner),
            Query::Or {
                children: inner, ..
            } if operator == Operator::Or => children.extend(inner),
            other => children.push(other),
        }
    }
    match operator {
        Operator::And => Query::And { children, span },
        Operator::Or => Query::Or { children, span },
    }
}
