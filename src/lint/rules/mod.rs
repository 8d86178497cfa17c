//! The rules, one module each, and the registry that lists them.

use super::{Checks, Level, Rule};

/// Declares the rules: for each, its module, and one line of the registry with its code,
/// name, default level and the scopes it checks, each a function of the module:
/// - `policy`: the policy a file declares (not run on files of cases whose policy lives
///   elsewhere);
/// - `file`: every file, for its cases, access assertions and text;
/// - `query`: a bare query (`parse`, `check`, `lint --queries`);
/// - `suppressions`: after the other rules, once suppressions have excused their findings;
/// - `code`: the sites `permspec scan` finds in application code.
///
/// It yields [`RuleId`], with one variant per code, and [`ALL`], in the table's order.
macro_rules! registry {
    ($($code:ident $module:ident $name:literal $level:ident [$($scope:ident)+];)+) => {
        $(pub mod $module;)+

        /// A rule's identity: its code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId {
            $(
                #[doc = $name]
                $code,
            )+
        }

        /// Every rule, in the table's order (the headline family first).
        pub static ALL: &[Rule] = &[$(
            Rule {
                id: RuleId::$code,
                code: stringify!($code),
                name: $name,
                level: Level::$level,
                doc: &$module::DOC,
                checks: Checks {
                    $($scope: Some($module::$scope),)+
                    ..Checks::NONE
                },
            },
        )+];
    };
}

registry! {
    W001 global_wildcard "global-wildcard" Error [policy];
    W002 top_level_wildcard "top-level-wildcard" Warning [policy];
    W003 wildcard_covers_destructive "wildcard-covers-destructive" Error [policy];
    W004 wildcard_matches_nothing "wildcard-matches-nothing" Warning [policy];
    W005 wildcard_widely_held "wildcard-widely-held" Warning [policy];
    W006 literal_star_ambiguity "literal-star-ambiguity" Warning [policy];
    W007 wildcard_in_query "wildcard-in-query" Warning [file query];
    W008 semantics_divergence "semantics-divergence" Warning [policy];
    W009 effectively_global "effectively-global" Error [policy];
    N001 unknown_permission "unknown-permission" Error [policy file];
    N002 invalid_slug "invalid-slug" Error [policy file query];
    N003 case_collision "case-collision" Warning [policy];
    N004 confusable_characters "confusable-characters" Error [policy];
    N005 query_limits "query-limits" Error [file query];
    N006 unsatisfiable_query "unsatisfiable-query" Warning [file];
    N007 root_key_unknown_action "root-key-unknown-action" Error [policy];
    N008 root_key_inert_wildcard "root-key-inert-wildcard" Error [policy];
    N009 control_character "control-character" Warning [policy file query];
    R001 invalid_urn_grant "invalid-urn-grant" Error [policy];
    R002 urn_admin_grant "urn-admin-grant" Error [policy];
    R003 urn_grant_unused "urn-grant-unused" Warning [policy];
    R004 urn_unchecked_action "urn-unchecked-action" Warning [policy];
    R005 urn_foreign_workspace "urn-foreign-workspace" Error [policy];
    R006 urn_api_id_for_keyspace "urn-api-id-for-keyspace" Error [policy];
    R007 legacy_urn_duplicate "legacy-urn-duplicate" Info [policy];
    R008 urn_privilege_escalation "urn-privilege-escalation" Error [policy];
    R009 grant_outside_uses "grant-outside-uses" Warning [policy];
    R010 uses_not_allowed "uses-not-allowed" Error [policy];
    S001 redundant_grant "redundant-grant" Info [policy];
    S002 unused_role "unused-role" Warning [policy];
    S003 empty_role "empty-role" Warning [policy];
    S004 key_without_access "key-without-access" Info [policy];
    S005 unused_catalog_permission "unused-catalog-permission" Info [policy];
    S006 untested_key "untested-key" Info [policy];
    S007 unused_suppression "unused-suppression" Warning [suppressions];
    S008 duplicate_grant "duplicate-grant" Warning [policy];
    X001 key_material "key-material-in-policy" Error [file];
    X002 disabled_key_with_broad_grants "disabled-key-with-broad-grants" Info [policy];
    X003 privilege_escalation "privilege-escalation" Error [policy];
    X004 forbidden_reachable "forbidden-reachable" Info [policy];
    X005 partial_import "partial-import" Warning [policy];
    C001 code_query_syntax "code-query-syntax" Error [code];
    C002 code_unknown_permission "code-unknown-permission" Error [code];
    C003 code_dead_query "code-dead-query" Warning [code];
    C004 code_query_everyone_passes "code-query-everyone-passes" Warning [code];
    C005 code_wildcard_in_query "code-wildcard-in-query" Warning [code];
    C006 code_semantics_divergence "code-semantics-divergence" Warning [code];
    C007 code_legacy_fields "code-legacy-fields" Error [code];
    C008 dead_grant "dead-grant" Warning [code];
    C009 code_dynamic_value "code-dynamic-value" Info [code];
    C010 code_grant_unknown "code-grant-unknown" Error [code];
    C011 code_wildcard_grant "code-wildcard-grant" Error [code];
    C012 code_unparsed_region "code-unparsed-region" Error [code];
}

impl RuleId {
    /// The rule.
    pub fn rule(self) -> &'static Rule {
        &ALL[self as usize]
    }
}
