//! Permission strings in application code: where code asks Unkey to check a query, checks a
//! permission itself, or grants permissions and roles (`permspec scan`).
//!
//! [`Site`] is one such place, as read from a source file; the linter's code rules (the `C`
//! family) check sites against the project's policies. Reading source files needs the
//! `scan` feature ([`extract`]); the model and the configuration do not.

mod config;
#[cfg(feature = "scan")]
pub mod extract;
mod site;
mod suppression;

pub use config::{ScanConfig, Sink, SinkKind};
pub use site::{Language, ScannedFile, Site, SiteKind, SiteValue, Version};
pub use suppression::{CodeSuppression, suppressions_in_comment};
