//! The reference evaluator: semantics.md §2-3 written as plainly as possible, sharing no
//! code with the library, so that the fast evaluator can be checked against it.

use permspec::eval::{Code, Matching};
use permspec::query::Query;

/// Does grant `grant` give required permission `required`?
pub fn matches(grant: &str, required: &str, matching: Matching) -> bool {
    if grant == required {
        return true;
    }
    match matching {
        Matching::Literal => false,
        Matching::RootKey => {
            let parts: Vec<&str> = required.split('.').collect();
            parts.len() == 3 && grant == format!("{}.*.{}", parts[0], parts[2])
        }
        Matching::Wildcard => {
            let g: Vec<&str> = grant.split('.').collect();
            let r: Vec<&str> = required.split('.').collect();
            segments(&g, &r)
        }
    }
}

fn segments(grant: &[&str], required: &[&str]) -> bool {
    match (grant, required) {
        ([], []) => true,
        (["*"], rest) => !rest.is_empty(),
        ([g, grant_rest @ ..], [r, required_rest @ ..]) => {
            (*g == "*" || g == r) && segments(grant_rest, required_rest)
        }
        _ => false,
    }
}

/// Is `query` satisfied when `has` says which required permissions are available?
pub fn satisfied(query: &Query, has: &dyn Fn(&str) -> bool) -> bool {
    match query {
        Query::Permission { name, .. } => has(name),
        Query::And { children, .. } => children.iter().all(|child| satisfied(child, has)),
        Query::Or { children, .. } => children.iter().any(|child| satisfied(child, has)),
    }
}

/// The code of semantics.md §3 for a key that exists, is enabled and has not expired.
pub fn code(query: &Query, grants: &[String], forbidden: &[String], matching: Matching) -> Code {
    let granted = |p: &str| grants.iter().any(|g| matches(g, p, matching));
    let prohibited = |p: &str| forbidden.iter().any(|f| matches(f, p, matching));
    if satisfied(query, &|p| granted(p) && !prohibited(p)) {
        Code::Valid
    } else if satisfied(query, &granted) {
        Code::Forbidden
    } else {
        Code::InsufficientPermissions
    }
}
