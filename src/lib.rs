//! permspec: policy tests and lints for API-key permissions in the style of Unkey.
//!
//! The `permspec` binary is a thin layer over this library; everything it does can be done
//! from Rust. Data flows one way: [`query`] parses the permission query language, [`eval`]
//! decides a query against grants, [`policy`] loads YAML policy files (with the span of every
//! node) and resolves keys' grants through their roles, [`runner`] turns cases into tests,
//! [`lint`] finds risky grants, [`diff`] compares two versions, and [`report`] renders
//! diagnostics and machine-readable output.
//!
//! Parse a query and decide it against a set of grants:
//!
//! ```
//! use permspec::eval::{Access, Code, Decision, Semantics};
//!
//! let query = permspec::query::parse("admin OR (documents.read AND documents.write)")?;
//! let grants = ["documents.*"];
//! let decision = Decision::new(&query, Semantics::Wildcard, |matching| {
//!     Access::new(grants, Vec::<String>::new(), matching)
//! });
//! assert!(decision.allowed());
//! assert_eq!(decision.code(), Code::Valid);
//! # Ok::<(), permspec::query::SyntaxError>(())
//! ```
//!
//! Load a policy file and decide a query for one of its keys, as Unkey's verifier would:
//!
//! ```
//! use permspec::policy::{Loader, Resolved};
//! use std::sync::Arc;
//!
//! let file = Loader::default().load("policies/documents.yaml".as_ref())?;
//! let resolved = Resolved::new(Arc::clone(&file.policy));
//! let query = permspec::query::parse("documents.write").unwrap();
//! let now = file.now.unwrap_or_else(jiff::Timestamp::now);
//! let decision = resolved.decide("alice", &query, file.semantics, now);
//! assert!(decision.allowed());
//! # Ok::<(), permspec::policy::LoadError>(())
//! ```
//!
//! Run a suite's cases, and render a failure as `permspec test` would:
//!
//! ```
//! use permspec::policy::Limits;
//! use permspec::report::Renderer;
//! use permspec::runner::{collect, policy_files};
//!
//! let files = policy_files(&["policies".into()]).expect("the directory exists");
//! let tests = collect(&files, None, jiff::Timestamp::now(), &Limits::default()).tests;
//! for test in &tests {
//!     let result = test.run();
//!     if let Some(failure) = &result.failure {
//!         eprintln!("{}", Renderer::new(false).render(failure));
//!     }
//!     assert!(result.passed, "{}", test.name());
//! }
//! ```
//!
//! Lint files and render the findings:
//!
//! ```
//! use permspec::lint::{Config, lint_files};
//! use permspec::report::Renderer;
//!
//! let files = vec!["examples/findings/documents.yaml".into()];
//! let today = jiff::civil::date(2026, 11, 1);
//! let (groups, errors) = lint_files(&files, &Config::default(), today);
//! assert!(errors.is_empty());
//! let findings: Vec<_> = groups.iter().flat_map(|group| &group.findings).collect();
//! assert!(findings.iter().any(|finding| finding.rule.name == "global-wildcard"));
//! let report = Renderer::new(false).render(&findings[0].diagnostic());
//! assert!(report.contains("examples/findings/documents.yaml"));
//! ```
//!
//! Compare two versions of a policy: who gained access, and which cases flip:
//!
//! ```
//! use permspec::diff::{Side, diff};
//! use permspec::lint::Config;
//!
//! let old = Side::from_path("fixtures/diff/wildcard-widened/old.yaml".as_ref())?;
//! let new = Side::from_path("fixtures/diff/wildcard-widened/new.yaml".as_ref())?;
//! let now = jiff::Timestamp::now();
//! let today = jiff::civil::date(2026, 11, 1);
//! let changes = diff(&old, &new, now, today, &Config::default()).expect("both versions load");
//! assert!(changes.key_changes().any(|key| key.widened()));
//! assert!(changes.unacknowledged() > 0);
//! # Ok::<(), permspec::diff::SideError>(())
//! ```

// pest_derive builds without `std` (see `query::parser`), and its code names `alloc`.
extern crate alloc;

pub mod atomic_write;
pub mod diagnostic;
pub mod diff;
pub mod error_code;
pub mod eval;
#[cfg(feature = "generate")]
pub mod generate;
mod git;
#[cfg(feature = "import")]
pub mod import;
pub mod init;
pub mod input;
pub mod least_privilege;
pub mod lint;
mod parallel;
pub mod policy;
pub mod printable;
pub mod query;
mod render;
mod repeated_names;
pub mod report;
pub mod review;
pub mod runner;
pub mod scan;
mod source;
pub mod span;
pub mod suggest;
mod wrap;
mod yaml;
