//! Rendering for people and machines: miette reports and the output formats.

mod coverage;
mod decision;
mod diff;
#[cfg(feature = "import")]
mod drift;
mod junit;
mod libtest_json;
mod lint;
mod markdown;
mod mutation;
mod review_csv;
mod review_html;
mod route;
mod scan;

pub use crate::render::{ColorChoice, Renderer};
pub use coverage::{coverage_json, coverage_text};
pub use decision::{decision_json, decision_text, gate_json, gate_text};
pub use diff::{diff_json, diff_markdown, diff_text};
#[cfg(feature = "import")]
pub use drift::{drift_markdown, drift_text};
pub use junit::junit;
pub use libtest_json::{suite_finished, suite_started, test_events};
pub(crate) use lint::finding_json;
pub use lint::{github_annotations, lint_json, sarif};
pub use mutation::{mutation_json, mutation_text};
pub use review_csv::review_csv;
pub use review_html::review_html;
pub use route::{route_json, route_text};
pub use scan::{new_asks_json, new_asks_markdown, new_asks_text, scan_json};
