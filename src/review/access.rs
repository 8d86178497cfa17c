//! Who can do what in one policy, and why: every key's effective permissions (decided by
//! the evaluator, so roles, forbid rules, `enabled`, `expires` and the semantics mode all
//! count) with the grants that give each, turned around into who holds each permission.

use super::{
    CaseRow, GrantRow, HolderGroup, Holding, Input, KeyRow, KeyState, MAX_VIA, PermissionRow,
    RoleRow, Source, kind_name,
};
use crate::eval::{Matching, Semantics, grant_matches};
use crate::lint::rules::wildcard_covers_destructive::is_destructive;
use crate::policy::{AccessMap, KeyKind, Policy, Probes, Resolved, matchings_of};
use crate::runner::LoadedFile;
use fixedbitset::FixedBitSet;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The rows of one policy.
pub struct PolicyAccess {
    /// Who holds each permission.
    pub permissions: Vec<PermissionRow>,
    /// What each key holds.
    pub keys: Vec<KeyRow>,
    /// The roles.
    pub roles: Vec<RoleRow>,
    /// The distinct grants of API keys and roles.
    pub grants: Vec<GrantRow>,
}

/// The access rows of the policy `loaded` declares, reviewed as `name`, at the time of the
/// review (a file's own `now:` is the clock of its cases, not of the review).
pub(crate) fn of_policy(loaded: &LoadedFile, name: &str, input: &Input<'_>) -> PolicyAccess {
    let policy = &loaded.file.policy;
    let mut probes = Probes::default();
    probes.add(policy, policy.catalog.is_some());
    let reach = [KeyKind::Api, KeyKind::Root].map(|kind| Reach::new(policy, kind, &probes));
    let allowed = allowed_sets(loaded, &probes, input.generated);
    let mut cases = cases_by_key(policy, input);
    // Keys with the same grants and the same allowed set hold the same things the same way:
    // the first key of each group stands for it, and the groups are worked out on every core.
    let mut group: HashMap<(usize, usize), usize> = HashMap::new();
    let mut firsts = Vec::new();
    let groups: Vec<usize> = (0..policy.keys.len())
        .map(|index| {
            let signature = (
                loaded.resolved.grants(index).id(),
                Arc::as_ptr(&allowed[index]) as usize,
            );
            *group.entry(signature).or_insert_with(|| {
                firsts.push(index);
                firsts.len() - 1
            })
        })
        .collect();
    let holdings = crate::parallel::map_small(firsts, 16, |index| {
        let reach = &reach[usize::from(policy.keys[index].kind == KeyKind::Root)];
        Arc::new(reach.holdings(&loaded.resolved, index, &allowed[index]))
    });
    let keys: Vec<KeyRow> = (policy.keys.iter().enumerate())
        .map(|(index, key)| {
            let effective = &holdings[groups[index]];
            KeyRow {
                policy: name.to_owned(),
                name: key.name.value.clone(),
                kind: kind_name(key.kind),
                description: key.description.clone(),
                line: policy.source.line_column(key.name.span.start()).0,
                state: KeyState::of(policy, key, input.generated),
                expires: key.expires.as_ref().map(|at| at.value.to_string()),
                roles: key.roles.iter().map(|role| role.value.clone()).collect(),
                direct: key
                    .permissions
                    .iter()
                    .map(|grant| grant.value.clone())
                    .collect(),
                effective: Arc::clone(effective),
                cases: cases.remove(key.name.value.as_str()).unwrap_or_default(),
                findings: Vec::new(),
                digest: String::new(),
            }
        })
        .collect();
    let [api, _] = &reach;
    PolicyAccess {
        permissions: permission_rows(policy, name, &probes.api, &keys),
        roles: role_rows(policy, name, api),
        grants: grant_rows(policy, name, api),
        keys,
    }
}

/// What each grant of a policy reaches among the probes asked of one kind of key: the
/// grants of its roles and keys matched once each, in the ways that kind is decided in.
struct Reach<'p> {
    /// The probes, in order.
    probes: Vec<&'p String>,
    /// Each probe's position.
    position: HashMap<&'p str, usize>,
    /// The positions each grant reaches.
    grants: HashMap<&'p str, Vec<usize>>,
}

impl<'p> Reach<'p> {
    fn new(policy: &'p Policy, kind: KeyKind, probes: &'p Probes) -> Self {
        let probes: Vec<&String> = match kind {
            KeyKind::Api => probes.api.iter().collect(),
            KeyKind::Root => probes.root.iter().collect(),
        };
        let matchings = matchings_of(policy, kind);
        let roles = policy.roles.iter().flat_map(|role| &role.permissions);
        let direct = (policy.keys.iter())
            .filter(|key| key.kind == kind)
            .flat_map(|key| &key.permissions);
        let mut grants: HashMap<&str, Vec<usize>> = HashMap::new();
        let position: HashMap<&str, usize> = (probes.iter().enumerate())
            .map(|(position, probe)| (probe.as_str(), position))
            .collect();
        for grant in roles.chain(direct) {
            let grant = grant.value.as_str();
            grants.entry(grant).or_insert_with(|| {
                if !grant.contains('*') {
                    // A grant without `*` matches only itself, in every way of matching.
                    return position.get(grant).copied().into_iter().collect();
                }
                let reached = probes.iter().enumerate();
                reached
                    .filter(|(_, probe)| reaches(grant, probe, matchings))
                    .map(|(position, _)| position)
                    .collect()
            });
        }
        Reach {
            probes,
            position,
            grants,
        }
    }

    /// The permissions of `reached` that `grant` reaches.
    fn of(&self, grant: &str) -> impl Iterator<Item = &'p String> + '_ {
        let positions = self.grants.get(grant).into_iter().flatten();
        positions.map(|&position| self.probes[position])
    }

    /// What the key `index` of `resolved` holds of `allowed`, each with the grants that
    /// give it.
    fn holdings(
        &self,
        resolved: &Resolved,
        index: usize,
        allowed: &BTreeSet<String>,
    ) -> Vec<Holding> {
        let mut held = FixedBitSet::with_capacity(self.probes.len());
        for permission in allowed {
            if let Some(&position) = self.position.get(permission.as_str()) {
                held.insert(position);
            }
        }
        let roles = &resolved.policy.roles;
        let mut via: BTreeMap<usize, (Vec<Source>, usize)> = BTreeMap::new();
        for grant in resolved.grants(index).iter() {
            let positions = self
                .grants
                .get(grant.permission.as_str())
                .into_iter()
                .flatten();
            for &position in positions.filter(|&&position| held.contains(position)) {
                let source = Source {
                    grant: grant.permission.clone(),
                    role: grant.via.map(|role| roles[role].name.value.clone()),
                    pattern: super::Pattern::of(&grant.permission),
                };
                // A role held twice, or a grant written twice, gives it once.
                let (sources, more) = via.entry(position).or_default();
                if sources.contains(&source) {
                    continue;
                }
                if sources.len() < MAX_VIA {
                    sources.push(source);
                } else {
                    *more += 1;
                }
            }
        }
        (via.into_iter())
            .map(|(position, (via, more))| Holding {
                permission: self.probes[position].clone(),
                via,
                more,
            })
            .collect()
    }
}

/// Each key's allowed probes at `now`, by key index: under `strict`, what either reading
/// of `*` allows (a key may do it in one of them).
fn allowed_sets(
    loaded: &LoadedFile,
    probes: &Probes,
    now: jiff::Timestamp,
) -> Vec<Arc<BTreeSet<String>>> {
    let policy = &loaded.file.policy;
    let readings: &[Semantics] = match policy.semantics {
        Semantics::Strict => &[Semantics::Wildcard, Semantics::Literal],
        Semantics::Wildcard => &[Semantics::Wildcard],
        Semantics::Literal => &[Semantics::Literal],
    };
    let maps: Vec<AccessMap> = (readings.iter())
        .map(|&reading| AccessMap::new(&loaded.resolved, reading, now, probes))
        .collect();
    let mut unions: HashMap<Vec<usize>, Arc<BTreeSet<String>>> = HashMap::new();
    (policy.keys.iter())
        .map(|key| {
            let sets: Vec<&Arc<BTreeSet<String>>> = (maps.iter())
                .map(|map| &map.keys[&key.name.value].allowed)
                .collect();
            let ids = sets.iter().map(|set| Arc::as_ptr(set) as usize).collect();
            let union = unions.entry(ids).or_insert_with(|| match sets.as_slice() {
                [one] => Arc::clone(one),
                sets => Arc::new(sets.iter().flat_map(|set| set.iter().cloned()).collect()),
            });
            Arc::clone(union)
        })
        .collect()
}

/// Of one permission: its holders, the grants behind them not named, and the keys holding
/// it through each grant named.
type Held<'k> = (usize, usize, BTreeMap<&'k Source, Vec<String>>);

/// Who holds each permission of `permissions` (of `policy`, reviewed as `name`), through
/// which grants, and whether a forbid rule denies it.
fn permission_rows(
    policy: &Policy,
    name: &str,
    permissions: &BTreeSet<String>,
    keys: &[KeyRow],
) -> Vec<PermissionRow> {
    let matchings = policy.semantics.matchings();
    let forbidden = |permission: &str| {
        let rules = policy.forbid.iter();
        let mut rules = rules.filter(|rule| reaches(&rule.permission.value, permission, matchings));
        rules
            .next()
            .map(|rule| rule.reason.clone().unwrap_or_default())
    };
    let mut held: HashMap<&str, Held<'_>> = HashMap::new();
    for key in keys.iter().filter(|key| key.kind == "api") {
        for holding in key.effective.iter() {
            let (holders, unnamed, sources) = held.entry(holding.permission.as_str()).or_default();
            *holders += 1;
            *unnamed += holding.more;
            for source in &holding.via {
                sources.entry(source).or_default().push(key.name.clone());
            }
        }
    }
    (permissions.iter())
        .map(|permission| {
            let (holders, unnamed, sources) = held.remove(permission.as_str()).unwrap_or_default();
            PermissionRow {
                policy: name.to_owned(),
                permission: permission.clone(),
                destructive: is_destructive(permission),
                forbidden: forbidden(permission),
                holders,
                unnamed,
                sources: (sources.into_iter())
                    .map(|(source, keys)| HolderGroup {
                        source: source.clone(),
                        keys,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The roles of `policy` (reviewed as `name`), what their grants reach, and who holds them.
fn role_rows(policy: &Policy, name: &str, reach: &Reach<'_>) -> Vec<RoleRow> {
    (policy.roles.iter())
        .map(|role| {
            let grants = role.permissions.iter();
            let reaches: BTreeSet<&String> =
                grants.flat_map(|grant| reach.of(&grant.value)).collect();
            let members = (policy.keys.iter())
                .filter(|key| key.roles.iter().any(|held| held.value == role.name.value));
            RoleRow {
                policy: name.to_owned(),
                name: role.name.value.clone(),
                description: role.description.clone(),
                line: policy.source.line_column(role.name.span.start()).0,
                grants: role
                    .permissions
                    .iter()
                    .map(|grant| grant.value.clone())
                    .collect(),
                reaches: reaches.into_iter().cloned().collect(),
                members: members.map(|key| key.name.value.clone()).collect(),
            }
        })
        .collect()
}

/// Every distinct grant of the API keys and roles of `policy` (reviewed as `name`): what it reaches, and who
/// holds it.
fn grant_rows(policy: &Policy, name: &str, reach: &Reach<'_>) -> Vec<GrantRow> {
    let mut held: BTreeMap<&str, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for role in &policy.roles {
        for grant in &role.permissions {
            let (roles, _) = held.entry(grant.value.as_str()).or_default();
            roles.push(role.name.value.clone());
        }
    }
    for key in policy.keys.iter().filter(|key| key.kind == KeyKind::Api) {
        for grant in &key.permissions {
            let (_, keys) = held.entry(grant.value.as_str()).or_default();
            keys.push(key.name.value.clone());
        }
    }
    (held.into_iter())
        .map(|(grant, (mut roles, mut keys))| {
            roles.dedup();
            keys.dedup();
            GrantRow {
                policy: name.to_owned(),
                grant: grant.to_owned(),
                pattern: super::Pattern::of(grant),
                reaches: reach.of(grant).cloned().collect(),
                roles,
                keys,
            }
        })
        .collect()
}

/// The tests of `policy` by the keys they name, with their results.
fn cases_by_key<'i>(policy: &Policy, input: &'i Input<'_>) -> HashMap<&'i str, Vec<CaseRow>> {
    let mut cases: HashMap<&str, Vec<CaseRow>> = HashMap::new();
    for (test, result) in input.executed {
        let Some((path, keys)) = test.keys() else {
            continue;
        };
        if path != policy.source.path() {
            continue;
        }
        let result = match result {
            Some(result) if result.passed => "passed",
            Some(_) => "failed",
            None => "ignored",
        };
        for key in keys {
            cases.entry(key).or_default().push(CaseRow {
                name: test.name(),
                file: test.file().to_owned(),
                line: test.line_column().0,
                result,
            });
        }
    }
    cases
}

/// Whether `grant` reaches `permission` in one of `matchings`.
fn reaches(grant: &str, permission: &str, matchings: &[Matching]) -> bool {
    (matchings.iter()).any(|&matching| grant_matches(grant, permission, matching))
}
