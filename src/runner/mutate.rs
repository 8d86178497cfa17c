//! Mutation testing of a suite: systematic small changes to the policy (drop a grant, drop a
//! role from a key, widen a grant to its parent wildcard or to `*`, narrow a wildcard to one
//! catalog permission, narrow a root key to the grants its `uses:` need, flip `enabled`,
//! remove a forbid rule), each run against the cases that
//! pass on the policy as written. A mutant no case notices survives: the suite would not
//! catch that mistake. Mutants are evaluated in memory, in parallel across cores.

use super::{Checked, LoadedFile, Test};
use crate::eval::urn::{UrnPermission, is_urn};
use crate::eval::{Matching, Semantics, grant_matches};
use crate::least_privilege::{form_of, minimal, uses_calls, uses_probes};
use crate::policy::{
    Asked, Key, KeyKind, Policy, Probes, Resolved, Role, RouteProbes, Source, Verdict, route_case,
};
use crate::span::Span;
use crate::yaml::scalar;
use jiff::Timestamp;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// What a mutant changes.
#[derive(Clone, Debug)]
pub struct Mutant {
    /// What was done, e.g. "drop `documents.write` from role `editor`".
    pub description: String,
    /// The node mutated, in the policy's file.
    pub span: Span,
    /// The keys whose access may change (`None`: any key).
    pub affects: Option<Arc<[String]>>,
    /// The change, applied when the mutant is evaluated (so that mutants cost no memory
    /// until then).
    pub change: Change,
}

/// One change to a policy, by position.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Change {
    /// Drop (`None`) or replace grant `grant` of role `role`.
    RoleGrant {
        /// Index of the role.
        role: usize,
        /// Index of the grant in the role.
        grant: usize,
        /// The replacement, if not dropped.
        to: Option<String>,
    },
    /// Drop (`None`) or replace grant `grant` of key `key`.
    KeyGrant {
        /// Index of the key.
        key: usize,
        /// Index of the grant in the key.
        grant: usize,
        /// The replacement, if not dropped.
        to: Option<String>,
    },
    /// Replace every grant of key `key` (a root key's, by the grants its `uses:` need).
    KeyGrants {
        /// Index of the key.
        key: usize,
        /// The grants it holds instead.
        to: Vec<String>,
    },
    /// Drop the `held`th role of key `key`.
    DropRole {
        /// Index of the key.
        key: usize,
        /// Index in the key's roles.
        held: usize,
    },
    /// Flip `enabled` of key `key`.
    FlipEnabled {
        /// Index of the key.
        key: usize,
    },
    /// Remove forbid rule `rule`.
    RemoveForbid {
        /// Index of the rule.
        rule: usize,
    },
}

impl Change {
    /// `kept` (a copy of `original` with some of its keys, among them any key the change
    /// names) with the change made.
    fn apply_to(&self, original: &Policy, kept: Policy) -> Policy {
        let mut mutated = kept;
        let key_at = |mutated: &Policy, key: usize| {
            let name = &original.keys[key].name;
            let found = mutated.keys.iter().position(|kept| kept.name == *name);
            found.expect("the mutated key is kept")
        };
        let replace = |permissions: &mut Vec<crate::policy::Spanned<String>>,
                       grant: usize,
                       to: &Option<String>| match to {
            Some(value) => permissions[grant].value = value.clone(),
            None => drop(permissions.remove(grant)),
        };
        match self {
            Change::RoleGrant { role, grant, to } => {
                replace(&mut mutated.roles[*role].permissions, *grant, to)
            }
            Change::KeyGrant { key, grant, to } => {
                let at = key_at(&mutated, *key);
                replace(&mut mutated.keys[at].permissions, *grant, to)
            }
            Change::KeyGrants { key, to } => {
                let at = key_at(&mutated, *key);
                let permissions = &mut mutated.keys[at].permissions;
                let span = permissions
                    .first()
                    .map(|grant| grant.span)
                    .unwrap_or_default();
                *permissions = (to.iter())
                    .map(|value| crate::policy::Spanned {
                        value: value.clone(),
                        span,
                    })
                    .collect();
            }
            Change::DropRole { key, held } => {
                let at = key_at(&mutated, *key);
                drop(mutated.keys[at].roles.remove(*held))
            }
            Change::FlipEnabled { key } => {
                let at = key_at(&mutated, *key);
                mutated.keys[at].enabled.value = !mutated.keys[at].enabled.value
            }
            Change::RemoveForbid { rule } => drop(mutated.forbid.remove(*rule)),
        }
        mutated
    }
}

/// How a mutant fared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    /// A case failed on it.
    Killed,
    /// Every case passed, and this case would have failed.
    Survived {
        /// The key.
        key: String,
        /// A permission or route call whose verdict the mutant changes.
        asks: Suggestion,
        /// The verdict on the policy as written.
        expect: &'static str,
    },
    /// Every case passed, and no permission tells it from the policy: it changes nothing.
    Equivalent,
}

/// What a case that kills a mutant asks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Suggestion {
    /// A query.
    Query(String),
    /// A route with its params.
    Route {
        /// The route.
        route: String,
        /// Its params and options, `other_api` and the like for an id the policy does not name.
        params: Vec<(String, String)>,
    },
}

impl Suggestion {
    /// The case as YAML flow: `{key: k, query: q, expect: allow}`.
    pub fn case(&self, key: &str, expect: &str) -> String {
        match self {
            Suggestion::Query(query) => format!(
                "{{key: {}, query: {}, expect: {expect}}}",
                scalar(key),
                scalar(query)
            ),
            Suggestion::Route { route, params } => route_case(key, route, params, expect),
        }
    }
}

/// A mutant's description, node and fate.
#[derive(Clone, Debug)]
pub struct MutantResult {
    /// What was changed.
    pub description: String,
    /// Where.
    pub span: Span,
    /// What became of it.
    pub fate: Fate,
}

/// The mutation testing of one policy.
#[derive(Clone, Debug)]
pub struct PolicyMutation {
    /// The policy's file.
    pub source: Source,
    /// Every mutant, in policy order.
    pub mutants: Vec<MutantResult>,
}

impl PolicyMutation {
    /// Mutants a case killed.
    pub fn killed(&self) -> usize {
        self.count(|fate| *fate == Fate::Killed)
    }

    /// Mutants no case killed, though a case could.
    pub fn survived(&self) -> usize {
        self.count(|fate| matches!(fate, Fate::Survived { .. }))
    }

    /// Killed over killed and survived, in percent (equivalent mutants do not count).
    pub fn score(&self) -> f64 {
        let scored = self.killed() + self.survived();
        if scored == 0 {
            100.0
        } else {
            100.0 * self.killed() as f64 / scored as f64
        }
    }

    fn count(&self, which: impl Fn(&Fate) -> bool) -> usize {
        self.mutants
            .iter()
            .filter(|mutant| which(&mutant.fate))
            .count()
    }
}

/// Every mutant of `policy`: of its roles, then its keys, then its forbid rules.
pub fn mutants(policy: &Policy) -> Vec<Mutant> {
    let mut out = Vec::new();
    for (r, role) in policy.roles.iter().enumerate() {
        role_mutants(policy, r, role, &mut out);
    }
    for (k, key) in policy.keys.iter().enumerate() {
        key_mutants(policy, k, key, &mut out);
    }
    for (f, rule) in policy.forbid.iter().enumerate() {
        let description = format!("remove the forbid rule on `{}`", rule.permission.value);
        let change = Change::RemoveForbid { rule: f };
        out.push(Mutant::new(description, rule.permission.span, None, change));
    }
    out
}

impl Mutant {
    fn new(
        description: String,
        span: Span,
        affects: Option<Arc<[String]>>,
        change: Change,
    ) -> Self {
        Mutant {
            description,
            span,
            affects,
            change,
        }
    }
}

/// The mutants of role `r`'s grants; they affect the keys holding it.
fn role_mutants(policy: &Policy, r: usize, role: &Role, out: &mut Vec<Mutant>) {
    let owner = format!("role `{}`", role.name.value);
    let holders = policy
        .keys
        .iter()
        .filter(|key| key.roles.iter().any(|held| held.value == role.name.value))
        .map(|key| key.name.value.clone());
    let affects: Arc<[String]> = holders.collect::<Vec<_>>().into();
    for (g, grant) in role.permissions.iter().enumerate() {
        for (description, to) in grant_mutations(policy, &grant.value, &owner) {
            let change = Change::RoleGrant {
                role: r,
                grant: g,
                to,
            };
            out.push(Mutant::new(
                description,
                grant.span,
                Some(Arc::clone(&affects)),
                change,
            ));
        }
    }
}

/// The mutants of key `k`: its grants, its `uses:` narrowing, its roles and its state.
fn key_mutants(policy: &Policy, k: usize, key: &Key, out: &mut Vec<Mutant>) {
    let owner = format!("key `{}`", key.name.value);
    let affects: Arc<[String]> = Arc::from([key.name.value.clone()]);
    let mut push = |description, span, change| {
        out.push(Mutant::new(
            description,
            span,
            Some(Arc::clone(&affects)),
            change,
        ));
    };
    for (g, grant) in key.permissions.iter().enumerate() {
        let mutations = match key.kind {
            KeyKind::Api => grant_mutations(policy, &grant.value, &owner),
            KeyKind::Root => root_grant_mutations(&grant.value, &owner),
        };
        for (description, to) in mutations {
            let change = Change::KeyGrant {
                key: k,
                grant: g,
                to,
            };
            push(description, grant.span, change);
        }
    }
    if let Some(to) = narrowed_to_uses(policy, key) {
        let description = format!(
            "narrow {owner} to the grants its `uses:` need: {}",
            to.iter()
                .map(|grant| format!("`{grant}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        push(description, key.name.span, Change::KeyGrants { key: k, to });
    }
    for (h, held) in key.roles.iter().enumerate() {
        let description = format!("drop role `{}` from {owner}", held.value);
        push(description, held.span, Change::DropRole { key: k, held: h });
    }
    let flipped = if key.enabled.value {
        "disable"
    } else {
        "enable"
    };
    let description = format!("{flipped} {owner}");
    push(description, key.name.span, Change::FlipEnabled { key: k });
}

/// Whether `change` changes a root key's grants.
fn of_root_key(policy: &Policy, change: &Change) -> bool {
    match change {
        Change::KeyGrant { key, .. } | Change::KeyGrants { key, .. } => {
            policy.keys[*key].kind == KeyKind::Root
        }
        _ => false,
    }
}

/// The smallest grants a root key's `uses:` need (in URN form if it holds a URN grant), when
/// they open strictly less than its grants: a mutant that survives is access no case needs.
fn narrowed_to_uses(policy: &Policy, key: &crate::policy::Key) -> Option<Vec<String>> {
    if key.uses.is_empty() {
        return None;
    }
    let set = minimal(&uses_calls(key), form_of(key))?;
    let narrow = set.texts();
    let held = key.grant_texts();
    let probes = uses_probes(policy, key);
    let opened = |grants: &[&str]| -> BTreeSet<String> {
        (probes.callable(policy, grants))
            .map(|probe| probe.label.clone())
            .collect()
    };
    let (by_key, by_uses) = (opened(&held), opened(&narrow));
    (by_uses.is_subset(&by_key) && by_uses != by_key)
        .then(|| narrow.iter().map(|grant| (*grant).to_owned()).collect())
}

/// The mutations of one API grant: drop it (`None`), or replace it.
fn grant_mutations(policy: &Policy, grant: &str, owner: &str) -> Vec<(String, Option<String>)> {
    let mut mutations = vec![(format!("drop `{grant}` from {owner}"), None)];
    let segments: Vec<&str> = grant.split('.').collect();
    let parent = match segments.as_slice() {
        [.., "*"] if segments.len() > 2 => {
            Some(format!("{}.*", segments[..segments.len() - 2].join(".")))
        }
        [_, ..] if segments.len() > 1 && segments.last() != Some(&"*") => {
            Some(format!("{}.*", segments[..segments.len() - 1].join(".")))
        }
        _ => None,
    };
    if let Some(parent) = parent {
        mutations.push((
            format!("widen `{grant}` to `{parent}` in {owner}"),
            Some(parent),
        ));
    }
    if grant != "*" {
        mutations.push((
            format!("widen `{grant}` to `*` in {owner}"),
            Some("*".to_owned()),
        ));
    }
    if grant.split('.').any(|segment| segment == "*") {
        let catalog = policy.catalog.iter().flatten();
        let reached = catalog
            .map(|entry| &entry.value)
            .find(|entry| *entry != grant && grant_matches(grant, entry, Matching::Wildcard));
        if let Some(one) = reached {
            mutations.push((
                format!("narrow `{grant}` to `{one}` in {owner}"),
                Some(one.clone()),
            ));
        }
    }
    mutations
}

/// The mutations of one root-key grant: drop it, or widen it: a tuple to every resource
/// (`api.api_1.read_key` to `api.*.read_key`), a URN permission to its action on every
/// resource (`unkey:v1:ws:**#read_key`).
fn root_grant_mutations(grant: &str, owner: &str) -> Vec<(String, Option<String>)> {
    let mut mutations = vec![(format!("drop `{grant}` from {owner}"), None)];
    let wider = match UrnPermission::parse(grant) {
        Ok(urn) => Some(format!("unkey:v1:{}:**#{}", urn.workspace, urn.action)),
        Err(_) if is_urn(grant) => None,
        Err(_) => match grant.split('.').collect::<Vec<_>>().as_slice() {
            [kind, id, action] if *id != "*" => Some(format!("{kind}.*.{action}")),
            _ => None,
        },
    };
    if let Some(wider) = wider.filter(|wider| wider != grant) {
        mutations.push((
            format!("widen `{grant}` to `{wider}` in {owner}"),
            Some(wider),
        ));
    }
    mutations
}

/// A check or assertion of the suite that passes on the policy as written, its query parsed.
struct Passing<'a> {
    loaded: &'a LoadedFile,
    checked: Checked<'a>,
    asked: Asked<'a>,
    /// The keys an assertion lists, sorted.
    listed: Vec<String>,
}

impl<'a> Passing<'a> {
    /// What a test checks; `None` for a file that did not load or a query that does not
    /// parse.
    fn of(test: &'a Test) -> Option<Self> {
        let (loaded, checked) = test.checked()?;
        let asked = Asked::of(checked.subject()).ok()?;
        let mut listed: Vec<String> = match checked {
            Checked::Check(_) => Vec::new(),
            Checked::Assertion(assertion) => {
                assertion.keys.iter().map(|key| key.value.clone()).collect()
            }
        };
        listed.sort();
        Some(Passing {
            loaded,
            checked,
            asked,
            listed,
        })
    }

    fn key(&self) -> Option<&str> {
        match self.checked {
            Checked::Check(check) => Some(&check.key.value),
            Checked::Assertion(_) => None,
        }
    }

    /// Whether the check passes on `resolved`, which holds every key or, for a mutant, only
    /// `affected` ones: the other keys keep their verdicts on the policy, on which the check
    /// passes.
    fn passes(&self, resolved: &Resolved, affected: Option<&[String]>) -> bool {
        let loaded = self.loaded;
        match self.checked {
            Checked::Check(check) => (self.asked)
                .decide(resolved, &check.key.value, loaded.semantics, loaded.now)
                .meets(check),
            Checked::Assertion(_) => {
                let keys = resolved.policy.keys.iter();
                let mut allowed: Vec<String> = keys
                    .filter(|key| (self.asked).allows(resolved, key, loaded.semantics, loaded.now))
                    .map(|key| key.name.value.clone())
                    .collect();
                // Keys an assertion lists that the mutant cannot change stay allowed.
                allowed.extend(
                    (self.listed.iter())
                        .filter(|key| affected.is_some_and(|affected| !affected.contains(key)))
                        .cloned(),
                );
                allowed.sort();
                allowed == self.listed
            }
        }
    }
}

/// Runs every mutant of every policy the loaded files test, on `threads` threads, against
/// the tests that ran and passed: a case that was ignored, filtered out or failed kills no
/// mutant.
pub fn mutation_test(
    files: &[Arc<LoadedFile>],
    passed: &[Test],
    threads: usize,
) -> Vec<PolicyMutation> {
    let mut policies: Vec<Arc<Policy>> = Vec::new();
    for loaded in files {
        let policy = &loaded.file.policy;
        if !policies
            .iter()
            .any(|known| known.source.path() == policy.source.path())
        {
            policies.push(Arc::clone(policy));
        }
    }
    policies
        .iter()
        .map(|policy| {
            let testing = passed.iter().filter(|test| {
                test.loaded()
                    .is_some_and(|loaded| loaded.file.policy.source.path() == policy.source.path())
            });
            let first = files
                .iter()
                .find(|loaded| loaded.file.policy.source.path() == policy.source.path());
            PolicyMutation {
                source: policy.source.clone(),
                mutants: mutate_policy(policy, first, testing, threads),
            }
        })
        .collect()
}

fn mutate_policy<'t>(
    policy: &Arc<Policy>,
    first: Option<&Arc<LoadedFile>>,
    passed: impl Iterator<Item = &'t Test>,
    threads: usize,
) -> Vec<MutantResult> {
    let original = Resolved::new(Arc::clone(policy));
    let checks: Vec<Passing> = passed
        .filter_map(Passing::of)
        .filter(|check| check.passes(&original, None))
        .collect();
    let (semantics, now) = first.map_or((policy.semantics, Timestamp::UNIX_EPOCH), |loaded| {
        (loaded.semantics, loaded.now)
    });
    let index = CheckIndex::new(&checks);
    let all = mutants(policy);
    crate::parallel::map_on(threads, all.iter().collect(), |mutant| {
        fate(mutant, &checks, &index, &original, semantics, now)
    })
}

/// The checks by the key they decide, and those that decide every key.
struct CheckIndex<'k> {
    by_key: HashMap<&'k str, Vec<usize>>,
    keyless: Vec<usize>,
}

impl<'k> CheckIndex<'k> {
    fn new(checks: &'k [Passing<'k>]) -> Self {
        let mut index = CheckIndex {
            by_key: HashMap::new(),
            keyless: Vec::new(),
        };
        for (position, check) in checks.iter().enumerate() {
            match check.key() {
                Some(key) => index.by_key.entry(key).or_default().push(position),
                None => index.keyless.push(position),
            }
        }
        index
    }

    /// The checks a change to `affects` (every key when `None`) can fail, in order.
    fn affected(&self, checks: usize, affects: Option<&[String]>) -> Vec<usize> {
        let Some(keys) = affects else {
            return (0..checks).collect();
        };
        let mut positions: Vec<usize> = keys
            .iter()
            .filter_map(|key| self.by_key.get(key.as_str()))
            .flatten()
            .chain(&self.keyless)
            .copied()
            .collect();
        positions.sort_unstable();
        positions
    }
}

fn fate(
    mutant: &Mutant,
    checks: &[Passing],
    index: &CheckIndex<'_>,
    original: &Resolved,
    semantics: Semantics,
    now: Timestamp,
) -> MutantResult {
    // Only the keys the change can affect are resolved again: the cost of a mutant follows
    // what it changes, not the size of the policy.
    let policy = &original.policy;
    let kept = match &mutant.affects {
        Some(keys) => {
            let keys: HashSet<&str> = keys.iter().map(String::as_str).collect();
            policy.with_keys_where(|key| keys.contains(key.name.value.as_str()))
        }
        None => (**policy).clone(),
    };
    let resolved = Resolved::new(Arc::new(mutant.change.apply_to(policy, kept)));
    let affects = mutant.affects.as_deref();
    let killed = index
        .affected(checks.len(), affects)
        .into_iter()
        .any(|position| !checks[position].passes(&resolved, affects));
    let fate = if killed {
        Fate::Killed
    } else if of_root_key(policy, &mutant.change) {
        // A root key's grants change the route calls it makes: a call tells the mutant
        // best, and a query case only where no call does.
        telling_route(original, &resolved, now, &mutant.affects)
            .unwrap_or_else(|| telling_case(original, &resolved, semantics, now, &mutant.affects))
    } else {
        telling_case(original, &resolved, semantics, now, &mutant.affects)
    };
    MutantResult {
        description: mutant.description.clone(),
        span: mutant.span,
        fate,
    }
}

/// A case that tells the mutant from the policy: a key and permission whose verdict differs.
/// The expectation a case states for `verdict`: `allow` or `deny`, or one per reading when
/// the readings of a `strict` policy disagree.
fn expectation(verdict: &Verdict) -> &'static str {
    let allows = |wanted: Matching| {
        (verdict.codes().iter())
            .find(|(matching, _)| *matching == wanted)
            .map(|(_, code)| code.allows())
    };
    match (allows(Matching::Wildcard), allows(Matching::Literal)) {
        (Some(true), Some(false)) => "{wildcard: allow, literal: deny}",
        (Some(false), Some(true)) => "{wildcard: deny, literal: allow}",
        _ if verdict.allowed() => "allow",
        _ => "deny",
    }
}

fn telling_case(
    original: &Resolved,
    mutant: &Resolved,
    semantics: Semantics,
    now: Timestamp,
    affects: &Option<Arc<[String]>>,
) -> Fate {
    let mut probes = Probes::default();
    for policy in [&original.policy, &mutant.policy] {
        probes.add(policy, policy.catalog.is_some());
    }
    let (api, root) = probes.queries();
    let mut names: Vec<&str> = match affects {
        Some(keys) => keys.iter().map(String::as_str).collect(),
        None => original
            .policy
            .keys
            .iter()
            .map(|key| key.name.value.as_str())
            .collect(),
    };
    names.sort_unstable();
    names.dedup();
    // Keys with the same grants and state on both sides decide every probe alike: the first
    // of them (by name) stands for all.
    let mut decided: HashMap<KeySignature, Option<(usize, &'static str)>> = HashMap::new();
    for name in names {
        let (Some(before), Some(after)) = (original.key_index(name), mutant.key_index(name)) else {
            continue;
        };
        let key = &original.policy.keys[before];
        let asked = match key.kind {
            KeyKind::Api => &api,
            KeyKind::Root => &root,
        };
        let signature = signature(original, before, mutant, after);
        let difference = *decided.entry(signature).or_insert_with(|| {
            let verdicts = asked.iter().map(|(_, query)| {
                let was = original.verdict(name, query, semantics, now);
                let is = mutant.verdict(name, query, semantics, now);
                (was, is)
            });
            // A lost permission first, as the suite most needs it; else the first gained.
            // Under `strict`, a change under either reading counts, and the case expects the
            // original's answer under each.
            let mut gained = None;
            for (position, (was, is)) in verdicts.enumerate() {
                let (expected, changed) = (expectation(&was), expectation(&is));
                if expected == changed {
                    continue;
                }
                let lost = (was.codes().iter().zip(is.codes()))
                    .any(|((_, before), (_, after))| before.allows() && !after.allows());
                if lost {
                    return Some((position, expected));
                }
                gained.get_or_insert((position, expected));
            }
            gained
        });
        if let Some((position, expect)) = difference {
            return Fate::Survived {
                key: name.to_owned(),
                asks: Suggestion::Query(asked[position].0.clone()),
                expect,
            };
        }
    }
    telling_route(original, mutant, now, affects).unwrap_or(Fate::Equivalent)
}

/// What decides a key's verdicts on both sides: its grant set on each, its kind and its
/// state (enabled, expiry) on each.
type KeySignature = (
    usize,
    usize,
    KeyKind,
    bool,
    bool,
    Option<Timestamp>,
    Option<Timestamp>,
);

fn signature(original: &Resolved, before: usize, mutant: &Resolved, after: usize) -> KeySignature {
    let (was, is) = (&original.policy.keys[before], &mutant.policy.keys[after]);
    (
        original.grants(before).id(),
        mutant.grants(after).id(),
        was.kind,
        was.enabled.value,
        is.enabled.value,
        was.expires.as_ref().map(|at| at.value),
        is.expires.as_ref().map(|at| at.value),
    )
}

/// A route call that tells the mutant from the policy, for a root key.
fn telling_route(
    original: &Resolved,
    mutant: &Resolved,
    now: Timestamp,
    affects: &Option<Arc<[String]>>,
) -> Option<Fate> {
    let probes = RouteProbes::new(&[&original.policy, &mutant.policy]);
    let affected = |name: &str| {
        affects
            .as_ref()
            .is_none_or(|keys| keys.iter().any(|k| k == name))
    };
    for key in original
        .policy
        .keys
        .iter()
        .filter(|key| key.kind == KeyKind::Root)
    {
        if !affected(&key.name.value) {
            continue;
        }
        let Some(changed) = mutant.policy.keys.iter().find(|k| k.name == key.name) else {
            continue;
        };
        let (before, after) = (
            probes.allowed(&original.policy, key, now),
            probes.allowed(&mutant.policy, changed, now),
        );
        let (label, expect) = match before.difference(&after).next() {
            Some(lost) => (lost, "allow"),
            None => (after.difference(&before).next()?, "deny"),
        };
        let (route, params) = probes.case_params(label)?;
        return Some(Fate::Survived {
            key: key.name.value.clone(),
            asks: Suggestion::Route { route, params },
            expect,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::Suggestion;

    #[test]
    fn a_suggested_case_is_yaml_that_reads_back_as_it_says() {
        let star = Suggestion::Query("*".to_owned()).case("editor", "deny");
        assert_eq!(star, r#"{key: editor, query: "*", expect: deny}"#);
        let spaced = Suggestion::Query("a OR b".to_owned()).case("ci bot", "allow");
        assert_eq!(spaced, r#"{key: "ci bot", query: "a OR b", expect: allow}"#);
        let route = Suggestion::Route {
            route: "keys.getKey".to_owned(),
            params: vec![("keyId".to_owned(), "*".to_owned())],
        };
        assert_eq!(
            route.case("deployer", "allow"),
            r#"{key: deployer, route: keys.getKey, params: {keyId: "*"}, expect: allow}"#
        );
    }
}
