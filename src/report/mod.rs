//! Rendering for people and machines: miette reports and the output formats.

mod decision;
mod render;

pub use decision::{decision_json, decision_text, outcome_text};
pub use render::{ColorChoice, Renderer};
