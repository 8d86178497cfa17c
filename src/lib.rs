//! permspec: policy tests and lints for API-key permissions in the style of Unkey.
//!
//! Data flows one way: [`query`] parses the permission query language, [`eval`] decides a
//! query against a key's grants.

pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod eval;
pub mod generate;
pub mod import;
pub mod init;
pub mod lint;
pub mod policy;
pub mod query;
pub mod report;
pub mod runner;
pub mod span;
pub mod suggest;
