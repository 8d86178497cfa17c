//! The canonical text of a query: upper-case operators, single spaces, flattened chains and
//! parentheses only where precedence needs them.

use super::Query;
use std::fmt;

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Permission { name, .. } => f.write_str(name),
            Query::And { children, .. } => write_chain(f, children, " AND ", |child| {
                matches!(child, Query::Or { .. })
            }),
            // AND binds tighter than OR, so no operand of an OR needs parentheses.
            Query::Or { children, .. } => write_chain(f, children, " OR ", |_| false),
        }
    }
}

fn write_chain(
    f: &mut fmt::Formatter<'_>,
    children: &[Query],
    operator: &str,
    needs_parentheses: impl Fn(&Query) -> bool,
) -> fmt::Result {
    for (index, child) in children.iter().enumerate() {
        if index > 0 {
            f.write_str(operator)?;
        }
        if needs_parentheses(child) {
            write!(f, "({child})")?;
        } else {
            write!(f, "{child}")?;
        }
    }
    Ok(())
}
