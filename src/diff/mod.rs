//! `permspec diff`: what access a policy change grants or removes, key by key, decided by the
//! evaluator on both versions (wildcards expanded over the catalog, roles traced to the keys
//! holding them, each side's semantics mode and clock honoured); the cases whose decision
//! flips; and the lint findings the change introduces.

mod side;

pub use side::{Side, SideError, repository_root};

use crate::eval::{Code, Semantics};
use crate::lint::root_keys::{TupleProblem, check_tuple};
use crate::lint::{Config, Finding, Owner, lint_loaded};
use crate::policy::{
    AccessMap, Asked, Expect, KeyKind, Limits, LoadError, Loader, Policy, Probes, Resolved,
    Response, RouteProbes, SharedResolution, Source, TestFile, Via, matchings_of, provenance,
};
use crate::query;
use crate::span::Span;
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Whether a key exists on both sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// In both.
    Kept,
}

/// A permission a key is allowed in the new version and not in the old.
#[derive(Clone, Debug)]
pub struct Gain {
    /// The permission (a pattern, when no catalog lets a wildcard be expanded).
    pub permission: String,
    /// The grants that give it.
    pub via: Vec<Via>,
    /// True when a case of the new version that is not ignored expects this key to be allowed
    /// a query that cannot pass without this permission (or the route call, for a root key).
    pub acknowledged: bool,
    /// A case that would assert the gain, as YAML flow.
    pub case: String,
    /// The permission entered the catalog in the new version, which a grant of the old one
    /// already covered: new access all the same.
    pub new_in_catalog: bool,
}

/// How one key's access changed.
#[derive(Clone, Debug)]
pub struct KeyChange {
    /// The key's name.
    pub key: String,
    /// API key or root key.
    pub kind: KeyKind,
    /// New, removed, or in both versions.
    pub presence: Presence,
    /// Permissions gained.
    pub gained: Vec<Gain>,
    /// Permissions lost.
    pub lost: Vec<String>,
    /// Roles it holds now and did not.
    pub roles_added: Vec<String>,
    /// Roles it held and does not now.
    pub roles_removed: Vec<String>,
    /// The key's name in the new version, for labels.
    pub span: Option<Span>,
}

impl KeyChange {
    /// True if the key can do something it could not.
    pub fn widened(&self) -> bool {
        !self.gained.is_empty()
    }
}

/// The changes in one policy file.
#[derive(Clone, Debug)]
pub struct PolicyChange {
    /// The file's name (as the new version names it, if it has it).
    pub file: String,
    /// The new version's text, for labels.
    pub source: Option<Source>,
    /// The semantics mode before and after (absent on the side without the file).
    pub semantics: (
        Option<crate::eval::Semantics>,
        Option<crate::eval::Semantics>,
    ),
    /// Keys whose access or roles changed: widened first, then by name.
    pub keys: Vec<KeyChange>,
    /// Roles declared now and not before.
    pub roles_added: Vec<String>,
    /// Roles declared before and not now.
    pub roles_removed: Vec<String>,
}

impl PolicyChange {
    /// The semantics before and after, when the file exists on both sides and they differ.
    pub fn semantics_switch(&self) -> Option<(crate::eval::Semantics, crate::eval::Semantics)> {
        match self.semantics {
            (Some(before), Some(after)) if before != after => Some((before, after)),
            _ => None,
        }
    }
}

/// A case or access assertion of the new version whose decision differs on the old version.
#[derive(Clone, Debug)]
pub struct CaseFlip {
    /// The file holding the case.
    pub source: Source,
    /// The case's name.
    pub case: String,
    /// The case's query, route or URN node.
    pub span: Span,
    /// The answer on the old version.
    pub before: Answer,
    /// The answer on the new version.
    pub after: Answer,
}

/// What Unkey answers a case: a decision code for a key's query, an HTTP status for a root
/// key's route or URN check; for an access assertion, the keys allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Answer {
    /// An API key's query.
    Code(Code),
    /// A root key's check.
    Status {
        /// Whether the check lets the call through.
        allowed: bool,
        /// The status Unkey answers with.
        status: u16,
    },
    /// The keys an access assertion finds allowed, in the policy's order.
    Keys(Vec<String>),
}

impl From<&Response> for Answer {
    fn from(decided: &Response) -> Self {
        match decided {
            Response::Query(verdict) => Answer::Code(verdict.code()),
            Response::Root(outcome) => Answer::Status {
                allowed: outcome.allowed,
                status: outcome.status,
            },
        }
    }
}

impl Answer {
    /// Whether the call is let through (an access assertion: whether any key is).
    pub fn allowed(&self) -> bool {
        match self {
            Answer::Code(code) => code.allows(),
            Answer::Status { allowed, .. } => *allowed,
            Answer::Keys(keys) => !keys.is_empty(),
        }
    }

    /// Whether `self` and `after` decide the case differently: the verdict, or for an access
    /// assertion, the keys.
    pub fn flips_to(&self, after: &Answer) -> bool {
        match (self, after) {
            (Answer::Keys(before), Answer::Keys(after)) => before != after,
            _ => self.allowed() != after.allowed(),
        }
    }
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Code(code) => write!(f, "{code}"),
            Answer::Status { allowed, status } => {
                let verdict = if *allowed { "allow" } else { "deny" };
                write!(f, "{verdict} ({status})")
            }
            Answer::Keys(keys) => write!(f, "[{}]", keys.join(", ")),
        }
    }
}

/// Everything a change to the policies does.
#[derive(Debug)]
pub struct Diff {
    /// Per policy file that changed anything.
    pub policies: Vec<PolicyChange>,
    /// Cases whose verdict flips.
    pub flips: Vec<CaseFlip>,
    /// Lint findings of the new version that the old did not have.
    pub findings: Vec<Finding>,
}

impl Diff {
    /// Every key change, file by file.
    pub fn key_changes(&self) -> impl Iterator<Item = &KeyChange> {
        self.policies.iter().flat_map(|policy| &policy.keys)
    }

    /// Gains no case of the new version acknowledges.
    pub fn unacknowledged(&self) -> usize {
        self.key_changes()
            .flat_map(|key| &key.gained)
            .filter(|gain| !gain.acknowledged)
            .count()
    }
}

/// A loaded side: files by pairing name.
struct Loaded {
    files: BTreeMap<String, Version>,
}

struct Version {
    file: TestFile,
    resolved: Arc<Resolved>,
    now: Timestamp,
}

fn load(
    side: &Side,
    pair_single: Option<&str>,
    now: Timestamp,
    limits: &Limits,
) -> Result<Loaded, Vec<LoadError>> {
    let mut files = BTreeMap::new();
    let mut errors = Vec::new();
    let paths: Vec<_> = side.files.iter().map(|(_, path)| path.clone()).collect();
    let loaded = Loader::new(*limits).load_all(&paths);
    let mut resolution = SharedResolution::default();
    for ((name, _), file) in side.files.iter().zip(loaded) {
        match file {
            Ok(file) => {
                let resolved = resolution.of(&file.policy);
                let now = file.now.unwrap_or(now);
                let name = pair_single.unwrap_or(name).to_owned();
                files.insert(
                    name,
                    Version {
                        file,
                        resolved,
                        now,
                    },
                );
            }
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(Loaded { files })
    } else {
        Err(errors)
    }
}

/// Compares `old` with `new`. Fails with the load errors of either side.
pub fn diff(
    old: &Side,
    new: &Side,
    now: Timestamp,
    today: jiff::civil::Date,
    config: &Config,
) -> Result<Diff, Vec<LoadError>> {
    let single = (old.single_file && new.single_file).then_some("policy");
    // Each side is read once, both at the same time; then each is linted beside the
    // comparison, which uses the same loaded files.
    let (before, after) = std::thread::scope(|scope| {
        let before = scope.spawn(|| load(old, single, now, &config.limits));
        let after = load(new, single, now, &config.limits);
        (before.join().expect("a loading thread panicked"), after)
    });
    let (before, after) = match (before, after) {
        (Ok(before), Ok(after)) => (before, after),
        (before, after) => {
            let errors = [before.err(), after.err()].into_iter().flatten().flatten();
            return Err(errors.collect());
        }
    };
    std::thread::scope(|scope| {
        let old_findings = scope.spawn(|| side_findings(&before, today, config));
        let new_findings = scope.spawn(|| side_findings(&after, today, config));
        let (policies, flips) = compare(&before, &after);
        let old_findings = old_findings.join().expect("a lint thread panicked");
        let new_findings = new_findings.join().expect("a lint thread panicked");
        Ok(Diff {
            policies,
            flips,
            findings: fresh_findings(old_findings, new_findings),
        })
    })
}

/// The access changes and case flips of `after` against `before`.
fn compare(before: &Loaded, after: &Loaded) -> (Vec<PolicyChange>, Vec<CaseFlip>) {
    let names: BTreeSet<&String> = before.files.keys().chain(after.files.keys()).collect();
    let mut policies = Vec::new();
    for name in &names {
        let old = before
            .files
            .get(*name)
            .filter(|version| version.file.owns_policy());
        let new = after
            .files
            .get(*name)
            .filter(|version| version.file.owns_policy());
        if old.is_none() && new.is_none() {
            continue;
        }
        let change = compare_policies(name, old, new, after);
        if !change.keys.is_empty()
            || !change.roles_added.is_empty()
            || !change.roles_removed.is_empty()
        {
            policies.push(change);
        }
    }

    let flips = after
        .files
        .iter()
        .filter_map(|(name, new)| Some((before.files.get(name)?, new)))
        .flat_map(|(old, new)| case_flips(old, new))
        .collect();
    (policies, flips)
}

/// The changes in one policy file between its two versions (either may be missing).
fn compare_policies(
    name: &str,
    old: Option<&Version>,
    new: Option<&Version>,
    after: &Loaded,
) -> PolicyChange {
    let sides = Sides::new(old, new);
    let pairs = sides.reading_pairs();
    let empty = BTreeMap::new();
    let old_keys = sides.old_maps.first().map_or(&empty, |(_, map)| &map.keys);
    let new_keys = sides.new_maps.first().map_or(&empty, |(_, map)| &map.keys);
    let names: BTreeSet<&String> = old_keys.keys().chain(new_keys.keys()).collect();
    // Keys share their allowed sets with the keys of the same grants and state: the
    // difference of two sets is computed once for all the keys that have them.
    let mut differences: HashMap<(usize, usize), Arc<GainedLost>> = HashMap::new();
    let mut keys: Vec<KeyChange> = names
        .into_iter()
        .filter_map(|key| {
            let kind = (new_keys.get(key).or_else(|| old_keys.get(key)))
                .map_or(KeyKind::Api, |access| access.kind);
            let presence = match (old_keys.contains_key(key), new_keys.contains_key(key)) {
                (false, _) => Presence::Added,
                (_, false) => Presence::Removed,
                _ => Presence::Kept,
            };
            let (is, lost) = sides.gained_and_lost(key, kind, &pairs, &mut differences);
            key_change(&sides, key, kind, presence, (is, lost), after)
        })
        .collect();
    keys.sort_by_key(|change| (!change.widened(), change.key.clone()));
    let roles = |version: Option<&Version>| -> BTreeSet<String> {
        version
            .map(|version| {
                let roles = &version.file.policy.roles;
                roles.iter().map(|role| role.name.value.clone()).collect()
            })
            .unwrap_or_default()
    };
    let (roles_before, roles_after) = (roles(old), roles(new));
    PolicyChange {
        file: new.or(old).map_or_else(
            || name.to_owned(),
            |version| version.file.source.name().to_owned(),
        ),
        source: new.map(|version| version.file.source.clone()),
        semantics: (
            old.map(|version| version.file.policy.semantics),
            new.map(|version| version.file.policy.semantics),
        ),
        keys,
        roles_added: roles_after.difference(&roles_before).cloned().collect(),
        roles_removed: roles_before.difference(&roles_after).cloned().collect(),
    }
}

/// The two versions of a policy file as they are compared: one access map per reading of
/// `*` each is decided in (two under `strict`, where access that widens under either
/// reading widens), and the route probes of their root keys.
struct Sides<'v> {
    old: Option<&'v Version>,
    new: Option<&'v Version>,
    old_maps: Vec<(Semantics, AccessMap)>,
    new_maps: Vec<(Semantics, AccessMap)>,
    route_probes: RouteProbes,
}

impl<'v> Sides<'v> {
    fn new(old: Option<&'v Version>, new: Option<&'v Version>) -> Self {
        let has_catalog = |version: Option<&Version>| {
            version.is_some_and(|version| version.file.policy.catalog.is_some())
        };
        let catalog = has_catalog(old) || has_catalog(new);
        let mut universe = Probes::default();
        for version in [old, new].into_iter().flatten() {
            universe.add(&version.file.policy, catalog);
        }
        let maps = |version: Option<&Version>| -> Vec<(Semantics, AccessMap)> {
            let Some(version) = version else {
                return Vec::new();
            };
            let probes = universe.within_catalog_of(&version.file.policy);
            readings(version.file.policy.semantics)
                .iter()
                .map(|&reading| {
                    let map = AccessMap::new(&version.resolved, reading, version.now, &probes);
                    (reading, map)
                })
                .collect()
        };
        let policies: Vec<&crate::policy::Policy> = [old, new]
            .into_iter()
            .flatten()
            .map(|version| &*version.file.policy)
            .collect();
        Sides {
            old,
            new,
            old_maps: maps(old),
            new_maps: maps(new),
            route_probes: RouteProbes::new(&policies),
        }
    }

    /// Each reading of either side against the same reading of the other, or the other's
    /// own when it is not decided that way; each pair once.
    fn reading_pairs(&self) -> Vec<(Option<&AccessMap>, Option<&AccessMap>)> {
        let mut pairs: Vec<(Option<&AccessMap>, Option<&AccessMap>)> = Vec::new();
        for &(reading, _) in self.old_maps.iter().chain(&self.new_maps) {
            let pair = (
                reading_of(&self.old_maps, reading),
                reading_of(&self.new_maps, reading),
            );
            let same = |a: Option<&AccessMap>, b: Option<&AccessMap>| match (a, b) {
                (Some(a), Some(b)) => std::ptr::eq(a, b),
                (None, None) => true,
                _ => false,
            };
            if !pairs
                .iter()
                .any(|known| same(known.0, pair.0) && same(known.1, pair.1))
            {
                pairs.push(pair);
            }
        }
        pairs
    }

    /// What a root key may call on Unkey's routes in `version`, by probe label.
    fn routes_of(&self, version: Option<&Version>, name: &str) -> BTreeSet<String> {
        version
            .and_then(|version| {
                let key = version.file.policy.key(name)?;
                Some(
                    self.route_probes
                        .allowed(&version.file.policy, key, version.now),
                )
            })
            .unwrap_or_default()
    }

    /// The permissions and route calls `key` gains and loses, under every pair of readings.
    fn gained_and_lost(
        &self,
        key: &String,
        kind: KeyKind,
        pairs: &[(Option<&AccessMap>, Option<&AccessMap>)],
        differences: &mut HashMap<(usize, usize), Arc<GainedLost>>,
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let none = Arc::new(BTreeSet::new());
        let (mut was, mut is) = (BTreeSet::new(), BTreeSet::new());
        let mut lost = BTreeSet::new();
        for (old_map, new_map) in pairs {
            let was_access =
                (old_map.and_then(|map| map.keys.get(key))).map_or(&none, |access| &access.allowed);
            let is_access =
                (new_map.and_then(|map| map.keys.get(key))).map_or(&none, |access| &access.allowed);
            let pair = (
                Arc::as_ptr(was_access) as usize,
                Arc::as_ptr(is_access) as usize,
            );
            let difference = differences.entry(pair).or_insert_with(|| {
                let gained = is_access.difference(was_access).cloned().collect();
                let lost = was_access.difference(is_access).cloned().collect();
                Arc::new((gained, lost))
            });
            is.extend(difference.0.iter().cloned());
            lost.extend(difference.1.iter().cloned());
        }
        // A permission gained under one reading and lost under the other is a gain.
        lost.retain(|permission| !is.contains(permission));
        if kind == KeyKind::Root {
            // A tuple with `*` outside the resource id matches no route's check (N008):
            // holding it, or losing it, is no change of access.
            let live =
                |permission: &String| check_tuple(permission) != Some(TupleProblem::InertWildcard);
            is.retain(live);
            lost.retain(live);
        }
        // A root key whose grants and state are the same on both sides calls the same
        // routes: only changed keys are asked (so the cost follows the change, not the size).
        if root_key_changed(self.old, self.new, key) {
            was.extend(self.routes_of(self.old, key));
            is.extend(self.routes_of(self.new, key));
        }
        if grants_differ(self.old, self.new, key) {
            // Routes with too many named ids to compare count as widened, to be reviewed.
            is.extend(
                self.route_probes
                    .skipped
                    .iter()
                    .map(|route| not_compared(route)),
            );
        }
        // `was` holds the routes called before: what is called still is neither gained nor
        // lost.
        lost.extend(was.difference(&is).cloned());
        is.retain(|permission| !was.contains(permission));
        (is, lost)
    }
}

/// The change of `key`, if anything about it changed: its gains (each with the case that
/// would assert it), losses and roles.
fn key_change(
    sides: &Sides<'_>,
    key: &str,
    kind: KeyKind,
    presence: Presence,
    (is, lost): (BTreeSet<String>, BTreeSet<String>),
    after: &Loaded,
) -> Option<KeyChange> {
    let (old, new) = (sides.old, sides.new);
    let catalogued = |version: &Version, permission: &str| {
        (version.file.policy.catalog.as_ref())
            .is_some_and(|catalog| catalog.iter().any(|entry| entry.value == permission))
    };
    let held = |version: Option<&Version>| -> BTreeSet<String> {
        version
            .and_then(|version| version.file.policy.key(key))
            .map(|k| k.roles.iter().map(|role| role.value.clone()).collect())
            .unwrap_or_default()
    };
    let (roles_before, roles_after) = (held(old), held(new));
    let mut asserted = None;
    let gained: Vec<Gain> = is
        .iter()
        .map(|permission| {
            let new = new.expect("a gain exists on the new side");
            if sides.route_probes.probes.contains_key(permission)
                || permission.ends_with(NOT_COMPARED)
            {
                route_gain(permission, key, new, after, &sides.route_probes)
            } else {
                let asserted = asserted.get_or_insert_with(|| allow_queries(key, new, after));
                let mut gain = gain(permission, key, new, asserted);
                gain.new_in_catalog = old.is_some_and(|old| {
                    old.file.policy.catalog.is_some() && !catalogued(old, permission)
                }) && catalogued(new, permission);
                gain
            }
        })
        .collect();
    let change = KeyChange {
        key: key.to_owned(),
        kind,
        presence,
        gained,
        lost: lost.into_iter().collect(),
        roles_added: roles_after.difference(&roles_before).cloned().collect(),
        roles_removed: roles_before.difference(&roles_after).cloned().collect(),
        span: new.and_then(|version| version.file.policy.key(key).map(|k| k.name.span)),
    };
    let changed = presence != Presence::Kept
        || !change.gained.is_empty()
        || !change.lost.is_empty()
        || !change.roles_added.is_empty()
        || !change.roles_removed.is_empty();
    changed.then_some(change)
}

/// The queries that cases of the new version (not ignored) expect `key` to be allowed in
/// every way of matching it is decided in, parsed once for all of the key's gains.
fn allow_queries(key: &str, new: &Version, after: &Loaded) -> Vec<query::Query> {
    let policy = &new.file.policy;
    let Some(declared) = policy.key(key) else {
        return Vec::new();
    };
    let matchings = matchings_of(policy, declared.kind);
    after
        .files
        .values()
        .filter(|version| version.file.policy.source.path() == policy.source.path())
        .flat_map(|version| version.file.query_checks())
        .filter(|(case, _)| {
            !case.ignore
                && &*case.key.value == key
                && matchings
                    .iter()
                    .all(|&matching| case.expect.value.under(matching) == Expect::Allow)
        })
        .filter_map(|(_, query)| query::parse(&query.text).ok())
        .collect()
}

/// The grants behind a gained permission, and whether one of `asserted` (the queries cases
/// expect the key to be allowed) needs it.
fn gain(permission: &str, key: &str, new: &Version, asserted: &[query::Query]) -> Gain {
    let resolved = &new.resolved;
    let index = resolved.key_index(key).expect("the key gained access");
    let via = provenance(resolved, index, permission);
    let acknowledged = asserted.iter().any(|query| query.requires(permission));
    Gain {
        permission: permission.to_owned(),
        via,
        acknowledged,
        case: format!("{{key: {key}, query: {permission}, expect: allow}}"),
        new_in_catalog: false,
    }
}

/// The permissions gained and lost between two allowed sets.
type GainedLost = (BTreeSet<String>, BTreeSet<String>);

/// The map of `maps` decided in `reading`, else the first (the side's own reading).
fn reading_of(maps: &[(Semantics, AccessMap)], reading: Semantics) -> Option<&AccessMap> {
    (maps.iter().find(|(own, _)| *own == reading))
        .or(maps.first())
        .map(|(_, map)| map)
}

/// The readings of `*` a policy's keys are decided in: both under `strict`.
fn readings(semantics: Semantics) -> &'static [Semantics] {
    match semantics {
        Semantics::Strict => &[Semantics::Wildcard, Semantics::Literal],
        Semantics::Wildcard => &[Semantics::Wildcard],
        Semantics::Literal => &[Semantics::Literal],
    }
}

/// The suffix of a route that could not be compared.
const NOT_COMPARED: &str = " (not compared: too many named ids)";

fn not_compared(route: &str) -> String {
    format!("{route}{NOT_COMPARED}")
}

/// A key's kind, `enabled`, whether it has expired, the workspace it calls in (its id and
/// whether it is enabled) and the keyspaces of its APIs, and its grants: what decides a
/// root key's route calls.
type RootState<'v> = (KeyKind, bool, bool, Workspace<'v>, Vec<&'v str>);

/// A policy's workspace id, whether it is enabled, and its APIs' keyspaces.
type Workspace<'v> = (Option<&'v str>, bool, Vec<(&'v str, &'v str)>);

/// Whether the root key `name` differs between the versions in anything that decides a
/// route call: its grants, `enabled`, whether it has expired, its presence, or the
/// workspace and keyspaces its calls are made in.
fn root_key_changed(old: Option<&Version>, new: Option<&Version>, name: &str) -> bool {
    let (before, after) = (root_state(old, name), root_state(new, name));
    let root = |state: &Option<RootState<'_>>| {
        state
            .as_ref()
            .is_some_and(|(kind, ..)| *kind == KeyKind::Root)
    };
    (root(&before) || root(&after)) && before != after
}

/// Whether the root key `name` holds other grants in `new` than in `old`.
fn grants_differ(old: Option<&Version>, new: Option<&Version>, name: &str) -> bool {
    let grants = |version| {
        root_state(version, name)
            .filter(|(kind, ..)| *kind == KeyKind::Root)
            .map(|(.., grants)| grants)
    };
    grants(old) != grants(new)
}

/// The state of the key `name` in `version`, if it declares it.
fn root_state<'v>(version: Option<&'v Version>, name: &str) -> Option<RootState<'v>> {
    let version = version?;
    let key = version.file.policy.key(name)?;
    let expired = key
        .expires
        .as_ref()
        .is_some_and(|at| at.value <= version.now);
    let policy = &version.file.policy;
    let apis = (policy.apis.iter())
        .map(|api| (api.id.value.as_str(), api.keyspace.value.as_str()))
        .collect();
    let workspace = (
        policy.workspace_id.as_ref().map(|id| id.value.as_str()),
        policy.workspace_enabled,
        apis,
    );
    let grants = key.grant_texts();
    Some((key.kind, key.enabled.value, expired, workspace, grants))
}

/// The root key's grants behind a route it may newly call, and whether a route case of the
/// new version expects it.
fn route_gain(label: &str, key: &str, new: &Version, after: &Loaded, probes: &RouteProbes) -> Gain {
    let policy = &new.file.policy;
    let declared = policy.key(key);
    let via = declared
        .map(|declared| probes.grants_used(label, declared))
        .unwrap_or_default()
        .into_iter()
        .map(|grant| Via {
            grant: grant.value.clone(),
            role: None,
            span: grant.span,
            held: None,
        })
        .collect();
    let acknowledged = after
        .files
        .values()
        .filter(|version| version.file.policy.source.path() == policy.source.path())
        .any(|version| probes.acknowledged(label, key, &version.file));
    Gain {
        permission: label.to_owned(),
        via,
        acknowledged,
        case: probes.case(label, key, "allow"),
        new_in_catalog: false,
    }
}

/// The cases of `new` whose verdict on `old`'s policy differs: queries, route calls and URN
/// checks alike.
/// Whether the key `name` decides every query alike in both versions: the same kind,
/// state, effective grants and forbid rules, under the same semantics and clock.
fn decides_alike(old: &Version, new: &Version, name: &str) -> bool {
    let (Some(before), Some(after)) = (old.resolved.key_index(name), new.resolved.key_index(name))
    else {
        return false;
    };
    let (was, is) = (&old.file.policy, &new.file.policy);
    let (key_was, key_is) = (&was.keys[before], &is.keys[after]);
    let grants = |version: &Version, key: usize| -> Vec<String> {
        (version.resolved.grants(key).iter())
            .map(|grant| grant.permission.clone())
            .collect()
    };
    let forbidden = |policy: &Policy| -> Vec<String> {
        (policy.forbid.iter())
            .map(|rule| rule.permission.value.clone())
            .collect()
    };
    old.file.semantics == new.file.semantics
        && old.now == new.now
        && was.workspace_enabled == is.workspace_enabled
        && key_was.kind == key_is.kind
        && key_was.enabled.value == key_is.enabled.value
        && key_was.expires.as_ref().map(|at| at.value) == key_is.expires.as_ref().map(|at| at.value)
        && forbidden(was) == forbidden(is)
        && grants(old, before) == grants(new, after)
}

fn case_flips(old: &Version, new: &Version) -> Vec<CaseFlip> {
    let mut flips = Vec::new();
    let mut flip = |case: &str, span: Span, before: Answer, after: Answer| {
        if before.flips_to(&after) {
            flips.push(CaseFlip {
                source: new.file.source.clone(),
                case: case.to_owned(),
                span,
                before,
                after,
            });
        }
    };
    // A key that decides every query alike on both sides flips no case: only the others'
    // cases are decided (the cost follows the change, not the size of the suite).
    let mut alike: HashMap<&str, bool> = HashMap::new();
    for case in &new.file.checks {
        let key = &*case.key.value;
        // A root key's answer depends on more than its grants (the workspace, the APIs).
        if case.subject.query().is_some()
            && *alike
                .entry(key)
                .or_insert_with(|| decides_alike(old, new, key))
        {
            continue;
        }
        let Ok(asked) = Asked::of(&case.subject) else {
            continue;
        };
        let answer = |version: &Version| {
            let semantics = version.file.semantics;
            Answer::from(&asked.decide(&version.resolved, key, semantics, version.now))
        };
        flip(&case.name(), case.subject.span(), answer(old), answer(new));
    }
    for assertion in &new.file.assertions {
        let subject = &assertion.subject;
        let Ok(asked) = Asked::of(subject) else {
            continue;
        };
        let allowed = |version: &Version| {
            let keys = version.file.policy.keys.iter().filter(|key| {
                asked.allows(&version.resolved, key, version.file.semantics, version.now)
            });
            Answer::Keys(keys.map(|key| key.name.value.clone()).collect())
        };
        let name = format!("access: {}", subject.describe());
        flip(&name, subject.span(), allowed(old), allowed(new));
    }
    flips
}

/// A finding as the diff tells findings apart: the name that pairs its file with the other
/// side's, its rule, the role or key it is on (by name) and the node it is on (its text).
type FindingIdentity = (String, &'static str, Option<String>, String);

/// The lint findings of one side, each with its identity.
fn side_findings(
    side: &Loaded,
    today: jiff::civil::Date,
    config: &Config,
) -> Vec<(FindingIdentity, Finding)> {
    let files: Vec<&TestFile> = side.files.values().map(|version| &version.file).collect();
    let names: BTreeMap<&std::path::Path, &str> = side
        .files
        .iter()
        .map(|(name, version)| (version.file.source.path(), name.as_str()))
        .collect();
    let policies: BTreeMap<&std::path::Path, &Policy> = files
        .iter()
        .map(|file| (file.policy.source.path(), &*file.policy))
        .collect();
    lint_loaded(&files, config, today)
        .into_iter()
        .flat_map(|group| group.findings)
        .map(|finding| {
            let path = finding.source.path();
            let name = names.get(path).copied().unwrap_or_default();
            let owner = finding
                .owner
                .zip(policies.get(path))
                .map(|(owner, policy)| owner_name(owner, policy));
            let node = finding
                .source
                .text()
                .get(finding.span.range())
                .unwrap_or_default();
            let identity = (name.to_owned(), finding.rule.code, owner, node.to_owned());
            (identity, finding)
        })
        .collect()
}

/// The role or key a finding is on, by kind and name: a grant moved from one role to
/// another is a new finding.
fn owner_name(owner: Owner, policy: &Policy) -> String {
    match owner {
        Owner::Role(index) => format!("role {}", policy.roles[index].name.value),
        Owner::Key(index) => format!("key {}", policy.keys[index].name.value),
    }
}

/// Findings of the new side that the old did not have: matched by identity, counting
/// repeats. The message is not compared: a finding whose wording changed (a longer list of
/// cases, a count) is still the same one.
fn fresh_findings(
    before: Vec<(FindingIdentity, Finding)>,
    after: Vec<(FindingIdentity, Finding)>,
) -> Vec<Finding> {
    let mut seen: HashMap<FindingIdentity, usize> = HashMap::new();
    for (identity, _) in before {
        *seen.entry(identity).or_default() += 1;
    }
    let mut fresh = Vec::new();
    for (identity, finding) in after {
        match seen.get_mut(&identity) {
            Some(count) if *count > 0 => *count -= 1,
            _ => fresh.push(finding),
        }
    }
    fresh
}
