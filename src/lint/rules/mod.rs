//! The rules, one module each, and the registry that lists them.

use super::{Finding, Rule};
use crate::policy::{QueryText, Source};
use crate::query::Query;

pub mod case_collision;
pub mod confusable_characters;
pub mod disabled_key_with_broad_grants;
pub mod duplicate_grant;
pub mod effectively_global;
pub mod empty_role;
pub mod forbidden_reachable;
pub mod global_wildcard;
pub mod invalid_slug;
pub mod key_material;
pub mod key_without_access;
pub mod literal_star_ambiguity;
pub mod privilege_escalation;
pub mod query_limits;
pub mod redundant_grant;
pub mod root_key_inert_wildcard;
pub mod root_key_unknown_action;
pub mod semantics_divergence;
pub mod top_level_wildcard;
pub mod unknown_permission;
pub mod unsatisfiable_query;
pub mod untested_key;
pub mod unused_catalog_permission;
pub mod unused_role;
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
    &unknown_permission::RULE,
    &invalid_slug::RULE,
    &case_collision::RULE,
    &confusable_characters::RULE,
    &query_limits::RULE,
    &unsatisfiable_query::RULE,
    &root_key_unknown_action::RULE,
    &root_key_inert_wildcard::RULE,
    &redundant_grant::RULE,
    &unused_role::RULE,
    &empty_role::RULE,
    &key_without_access::RULE,
    &unused_catalog_permission::RULE,
    &untested_key::RULE,
    &unused_suppression::RULE,
    &duplicate_grant::RULE,
    &key_material::RULE,
    &disabled_key_with_broad_grants::RULE,
    &privilege_escalation::RULE,
    &forbidden_reachable::RULE,
];

/// One rule applied to one parsed query, wherever the query is written.
pub type QueryCheck = fn(&Source, &QueryText, &Query, &mut Vec<Finding>);

/// The rules that apply to a query on its own (for `parse`, `check` and `lint --queries`),
/// with their check.
pub static FOR_QUERIES: &[(&Rule, QueryCheck)] = &[
    (&wildcard_in_query::RULE, wildcard_in_query::check_query),
    (&invalid_slug::RULE, invalid_slug::check_query),
    (&query_limits::RULE, query_limits::check_query),
];
