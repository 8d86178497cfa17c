//! Deciding a query against a key's grants: the three semantics modes, decision codes and
//! explanations (docs/semantics.md §2-3).
//!
//! ```
//! use permspec::eval::{Access, Code, Decision, Semantics};
//! let query = permspec::query::parse("documents.read AND documents.write").unwrap();
//! let decision = Decision::new(&query, Semantics::Strict, |matching| {
//!     Access::new(["documents.*"], Vec::<String>::new(), matching)
//! });
//! assert!(!decision.allowed());
//! assert!(decision.diverges());
//! assert_eq!(decision.code(), Code::InsufficientPermissions);
//! ```

mod decision;
mod explain;
mod grants;
mod pattern_set;
pub mod root_query;
pub mod route_call;
pub mod routes;
mod semantics;
pub mod urn;

pub use decision::{Access, Code, Decision, Outcome, decide, decide_code};
pub use explain::{Explanation, MAX_MISSING_SETS, SatisfiedLeaf};
pub use grants::Grants;
pub use pattern_set::PatternSet;
pub use semantics::{Matching, Semantics, grant_matches};
