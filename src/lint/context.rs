//! What a rule sees: the file, its policy with grants resolved, the configuration, and
//! helpers shared by several rules.

use super::rules::wildcard_covers_destructive::is_destructive;
use super::{Config, Fix, Owner};
use crate::eval::urn::is_urn;
use crate::eval::{Matching, Semantics, grant_matches};
use crate::policy::{KeyKind, Policy, QueryText, Resolved, Source, Spanned, TestFile};
use crate::query::Query;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashSet;

/// Everything a rule needs to check one file, with what several rules share computed once:
/// the grant sites, and each distinct query of the file parsed.
pub struct LintContext<'a> {
    /// The file being linted.
    pub file: &'a TestFile,
    /// Its policy, resolved.
    pub resolved: &'a Resolved,
    /// Levels and thresholds.
    pub config: &'a Config,
    /// False for a file of cases whose policy lives elsewhere: policy checks do not run.
    pub owns_policy: bool,
    /// Keys that some loaded case exercises, across every file testing this policy.
    pub exercised_keys: &'a HashSet<&'a str>,
    /// Every loaded file testing this policy (its own file among them if it has cases), in
    /// the order given.
    pub testing: &'a [&'a TestFile],
    /// Today, for suppressions' `until`.
    pub today: jiff::civil::Date,
    /// Suppressions that excused a finding, as (owner, index into its `allow` list); filled
    /// in before the suppression checks run.
    pub used_suppressions: &'a HashSet<(Owner, usize)>,
    sites: Vec<GrantSite<'a>>,
    /// Each distinct query text of the file, parsed (`None`: it does not parse).
    parsed: Vec<Option<Query>>,
    /// Where each distinct text's parse stands in `parsed`.
    parsed_at: FxHashMap<&'a str, usize>,
    /// The file's queries, each place once (see [`LintContext::queries`]), with where
    /// its parse stands.
    queries: Vec<(&'a QueryText, usize)>,
    names_in_use: std::sync::OnceLock<Vec<String>>,
}

/// Queries are parsed on every core in runs of this many.
const QUERIES_PER_TASK: usize = 1024;

/// A permission granted somewhere: in a role's or a key's `permissions`.
#[derive(Clone, Copy)]
pub struct GrantSite<'a> {
    /// The role or key.
    pub owner: Owner,
    /// The grant.
    pub permission: &'a Spanned<String>,
    /// API key (or role) grants versus root-key tuples.
    pub kind: KeyKind,
}

impl<'a> LintContext<'a> {
    /// The context of `file`, before any suppression is used.
    pub fn new(
        file: &'a TestFile,
        resolved: &'a Resolved,
        config: &'a Config,
        exercised_keys: &'a HashSet<&'a str>,
        testing: &'a [&'a TestFile],
        today: jiff::civil::Date,
        used_suppressions: &'a HashSet<(Owner, usize)>,
    ) -> Self {
        let policy = &*resolved.policy;
        let roles = policy.roles.iter().enumerate().flat_map(|(index, role)| {
            role.permissions.iter().map(move |permission| GrantSite {
                owner: Owner::Role(index),
                permission,
                kind: KeyKind::Api,
            })
        });
        let keys = policy.keys.iter().enumerate().flat_map(|(index, key)| {
            key.permissions.iter().map(move |permission| GrantSite {
                owner: Owner::Key(index),
                permission,
                kind: key.kind,
            })
        });
        // Each place once: a case that lists several keys asks its query once per key.
        let mut places = FxHashSet::default();
        let written = (file.queries())
            .filter(|query| places.insert((query.span.start(), query.text.as_str())));
        let mut parsed_at: FxHashMap<&str, usize> = FxHashMap::default();
        let mut texts = Vec::new();
        let queries = written
            .map(|query| {
                let at = *parsed_at.entry(query.text.as_str()).or_insert_with(|| {
                    texts.push(query.text.as_str());
                    texts.len() - 1
                });
                (query, at)
            })
            .collect();
        // Each distinct query once, on every core.
        let parsed = crate::parallel::map_small(texts, QUERIES_PER_TASK, |text| {
            crate::query::parse(text).ok()
        });
        LintContext {
            file,
            resolved,
            config,
            owns_policy: file.owns_policy(),
            exercised_keys,
            testing,
            today,
            used_suppressions,
            sites: roles.chain(keys).collect(),
            parsed,
            parsed_at,
            queries,
            names_in_use: std::sync::OnceLock::new(),
        }
    }

    /// The policy.
    pub fn policy(&self) -> &'a Policy {
        &self.resolved.policy
    }

    /// The policy's file.
    pub fn policy_source(&self) -> &'a Source {
        &self.resolved.policy.source
    }

    /// The semantics the file is read in.
    pub fn semantics(&self) -> Semantics {
        self.file.semantics
    }

    /// Every grant of every role and key, in file order (roles first).
    pub fn grant_sites(&self) -> &[GrantSite<'a>] {
        &self.sites
    }

    /// Grants of roles and API keys (root-key tuples follow their own rules).
    pub fn api_grant_sites(&self) -> impl Iterator<Item = GrantSite<'a>> + '_ {
        self.sites
            .iter()
            .copied()
            .filter(|site| site.kind == KeyKind::Api)
    }

    /// Legacy grants of root keys: `type.id.action` tuples (anything but a URN).
    pub fn root_grant_sites(&self) -> impl Iterator<Item = GrantSite<'a>> + '_ {
        self.sites
            .iter()
            .copied()
            .filter(|site| site.kind == KeyKind::Root && !is_urn(&site.permission.value))
    }

    /// URN grants of root keys: every root-key grant that starts with `unkey:`.
    pub fn urn_grant_sites(&self) -> impl Iterator<Item = GrantSite<'a>> + '_ {
        self.sites
            .iter()
            .copied()
            .filter(|site| site.kind == KeyKind::Root && is_urn(&site.permission.value))
    }

    /// The URN grants of root keys that parse, each with its parse (those that do not are
    /// R001's).
    pub fn valid_urn_grants(
        &self,
    ) -> impl Iterator<Item = (GrantSite<'a>, crate::eval::urn::UrnPermission<'a>)> + '_ {
        self.urn_grant_sites().filter_map(|site| {
            let parsed = crate::eval::urn::UrnPermission::parse(&site.permission.value).ok()?;
            Some((site, parsed))
        })
    }

    /// A query of the file's cases or access assertions, parsed (once per distinct text);
    /// `None` if it does not parse.
    pub fn parsed(&self, text: &QueryText) -> Option<&Query> {
        self.parsed[*self.parsed_at.get(text.text.as_str())?].as_ref()
    }

    /// The catalog of permissions, if the policy declares one.
    pub fn catalog(&self) -> Option<&'a [Spanned<String>]> {
        self.policy().catalog.as_deref()
    }

    /// The catalog permissions `pattern` grants under Unkey's documented (wildcard) reading.
    pub fn reach(&self, pattern: &str) -> Vec<&'a str> {
        self.catalog()
            .unwrap_or_default()
            .iter()
            .map(|permission| permission.value.as_str())
            .filter(|permission| grant_matches(pattern, permission, Matching::Wildcard))
            .collect()
    }

    /// What a wildcard finding says of the file's semantics, when they make the grant inert:
    /// under `literal` (Unkey's engine) a wildcard grants only the permission literally named
    /// so. `None` under `wildcard` and `strict`, where it reaches what the docs say.
    pub fn literal_reading(&self, pattern: &str, docs_reading: &str) -> Option<String> {
        (self.semantics() == Semantics::Literal).then(|| {
            format!(
                "under `semantics: literal` (how Unkey's engine matches) `{pattern}` grants only \
                 the permission literally named `{pattern}`: inert today; under Unkey's docs it \
                 {docs_reading}, dangerous if that reading is ever implemented"
            )
        })
    }

    /// The fix that replaces a wildcard grant by the catalog permissions it reaches, which
    /// keeps every decision over the catalog. Only under `wildcard` semantics, where that is
    /// what the grant means, and never for a wildcard that reaches a destructive permission:
    /// granting that by name is a person's decision (W003), not a mechanical one. (A name
    /// already granted beside it becomes a repeat, which S008 then removes.)
    pub fn expansion_fix(&self, site: GrantSite<'_>) -> Option<Fix> {
        if self.semantics() != Semantics::Wildcard {
            return None;
        }
        let pattern = &site.permission.value;
        let reach = self.reach(pattern);
        // A catalog entry with a `*` segment would grant as a wildcard again.
        if reach.is_empty() || reach.iter().any(|permission| is_wildcard(permission)) {
            return None;
        }
        if reach.iter().any(|permission| is_destructive(permission)) {
            return None;
        }
        // A permission the catalog lacks but a case asks for, or a grant or forbid rule names,
        // is in use: the keys holding the wildcard would lose it.
        let lost = self.names_in_use().iter().any(|permission| {
            !reach.contains(&permission.as_str())
                && grant_matches(pattern, permission, Matching::Wildcard)
        });
        if lost {
            return None;
        }
        let description = format!("replace `{pattern}` by {}", reach.join(", "));
        let text = self.policy_source().text();
        Fix::expand_item(text, site.permission.span, &reach, description)
    }

    /// Every permission name (not a wildcard) that a case asks for, a grant names or a
    /// forbid rule names, once each: computed on first use.
    fn names_in_use(&self) -> &[String] {
        self.names_in_use.get_or_init(|| {
            let asked = (self.parsed.iter().flatten())
                .flat_map(|query| query.permissions().into_iter().map(|(name, _)| name));
            let granted = self.sites.iter().map(|site| site.permission.value.as_str());
            let forbidden = self
                .policy()
                .forbid
                .iter()
                .map(|rule| rule.permission.value.as_str());
            let mut seen = HashSet::new();
            asked
                .chain(granted)
                .chain(forbidden)
                .filter(|name| !is_wildcard(name) && seen.insert(*name))
                .map(str::to_owned)
                .collect()
        })
    }

    /// The name of a role or key.
    pub fn owner_name(&self, owner: Owner) -> String {
        match owner {
            Owner::Role(index) => format!("role `{}`", self.policy().roles[index].name.value),
            Owner::Key(index) => format!("key `{}`", self.policy().keys[index].name.value),
        }
    }

    /// Keys that receive `owner`'s grants: the key itself, or every key holding the role,
    /// with the span of the reference.
    pub fn receivers(&self, owner: Owner) -> Vec<(usize, crate::span::Span)> {
        let policy = self.policy();
        match owner {
            Owner::Key(index) => vec![(index, policy.keys[index].name.span)],
            Owner::Role(role) => policy
                .keys
                .iter()
                .enumerate()
                .filter_map(|(index, key)| {
                    key.roles
                        .iter()
                        .find(|held| held.value == policy.roles[role].name.value)
                        .map(|held| (index, held.span))
                })
                .collect(),
        }
    }

    /// Every query the file's cases and access assertions make, each place once, and its
    /// parse (`None` if it does not parse).
    pub fn queries(&self) -> impl Iterator<Item = (&'a QueryText, Option<&Query>)> + '_ {
        (self.queries.iter()).map(|&(text, at)| (text, self.parsed[at].as_ref()))
    }
}

/// True if any segment of `pattern` is exactly `*`.
pub(crate) fn is_wildcard(pattern: &str) -> bool {
    pattern.split('.').any(|segment| segment == "*")
}
