//! The rules, one module each, and the registry that lists them.

use super::Rule;

pub mod effectively_global;
pub mod global_wildcard;
pub mod literal_star_ambiguity;
pub mod semantics_divergence;
pub mod top_level_wildcard;
pub mod unused_suppression;
pub mod wildcard_covers_destructive;
pub mod wildcard_in_query;
pub mod wildcard_matches_nothing;
pub mod wildcard_widely_held;

/// Every rule, in code order.
pub static ALL: &[&Rule] = &[
    &global_wildcard::RULE,
    &top_level_wildcard::RULE,
    &wildcard_covers_destructive::RULE,
    &wildcard_matches_nothing::RULE,
    &wildcard_widely_held::RULE,
    &literal_star_ambiguity::RULE,
    &wildcard_in_query::RULE,
    &semantics_divergence::RULE,
    &effectively_global::RULE,
    &unused_suppression::RULE,
];
