//! Reading YAML with the span of every node: one saphyr parse into a span tree
//! ([`spans`]), bounded by [`Limits`], deserialized into serde types from that tree
//! ([`content`]) with every error placed at its node. Policy files and the route table are
//! read through it; [`scalar`] writes one value back.

pub(crate) mod content;
mod limits;
pub(crate) mod spans;
pub(crate) mod split;
mod write;

pub use limits::{Limit, Limits, LimitsError};
pub(crate) use write::{plain_safe, scalar};
