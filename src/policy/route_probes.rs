//! Which Unkey routes, on which resources, each root key may call: probe requests built
//! from the ids the policies name (in grants, `apis:` and `workspace:`) plus `<other>`,
//! which stands for every id they do not name. A root key's decision on an id no grant
//! names is its decision on `<other>`, so the probes see every change. `diff` and mutation
//! testing compare root keys with them, as they compare API keys with [`super::AccessMap`].

use super::{Expect, Expectation, Key, KeyKind, Policy, Subject, TestFile};
use crate::eval::routes::{self, Check, Request, Route};
use crate::eval::urn::is_urn;
use crate::yaml::scalar;
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet};

/// The stand-in for every id the policies do not name.
pub const OTHER: &str = "other";

/// Most probe requests asked of one route; beyond, the route is reported as not compared.
const MAX_PROBES: usize = 4096;

/// One probe: a route, its values and options.
#[derive(Clone, Debug)]
pub struct Probe {
    /// The route.
    pub route: &'static Route,
    /// The request (ids of the policies, or one standing for an id they do not name).
    pub request: Request,
    /// The options set.
    pub options: Vec<String>,
    /// The probe in words: `keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=<other>)`.
    pub label: String,
}

impl Probe {
    /// The probe's values as `name=value` pairs, in the request's order, `<other>` written
    /// as `other(param)` gives it, then each option set as `true`.
    pub fn pairs(&self, other: impl Fn(&str) -> String) -> Vec<(String, String)> {
        (self.request.values())
            .map(|(name, value)| {
                let value = if value == OTHER {
                    other(name)
                } else {
                    value.to_owned()
                };
                (name.to_owned(), value)
            })
            .chain((self.options.iter()).map(|option| (option.clone(), "true".to_owned())))
            .collect()
    }
}

/// The probes for the root keys of two versions of a policy.
#[derive(Debug, Default)]
pub struct RouteProbes {
    /// Every probe, by label.
    pub probes: BTreeMap<String, Probe>,
    /// Routes with too many combinations of named ids to compare.
    pub skipped: Vec<&'static str>,
    /// The ids named for each route's params, by route and param.
    named: BTreeMap<(&'static str, String), Vec<String>>,
    /// The policies declare one workspace, which labels leave out.
    single_workspace: bool,
}

impl RouteProbes {
    /// The probes for the root keys of `policies`.
    pub fn new(policies: &[&Policy]) -> Self {
        let grants: Vec<&str> = policies
            .iter()
            .flat_map(|policy| &policy.keys)
            .filter(|key| key.kind == KeyKind::Root)
            .flat_map(|key| &key.permissions)
            .map(|grant| grant.value.as_str())
            .collect();
        let pairs: Vec<(&str, &str)> = policies
            .iter()
            .flat_map(|policy| &policy.apis)
            .map(|api| (api.id.value.as_str(), api.keyspace.value.as_str()))
            .collect();
        let mut workspaces: Vec<&str> = policies
            .iter()
            .filter_map(|policy| policy.workspace_id.as_ref())
            .map(|id| id.value.as_str())
            .collect();
        workspaces.dedup();
        RouteProbes::for_grants(&grants, &pairs, &workspaces)
    }

    /// The probes for root keys holding any of `grants`, in a workspace whose APIs have the
    /// keyspaces `pairs` give, in one of `workspaces` (any, when none is given).
    pub fn for_grants(grants: &[&str], pairs: &[(&str, &str)], workspaces: &[&str]) -> Self {
        let mut probes = RouteProbes::default();
        if grants.is_empty() {
            return probes;
        }
        let workspaces = workspaces.to_vec();
        probes.single_workspace = workspaces.len() == 1;
        let pairing = Pairing::new(pairs);
        for route in routes::table().routes() {
            if !route.is_checked() {
                continue;
            }
            let leaves: Vec<&str> = (route.checks())
                .flat_map(Check::leaves)
                .map(|(_, leaf)| leaf)
                .collect();
            // Root keys call in their own workspace: the declared one, else any.
            let mut params = Vec::new();
            if leaves.iter().any(|leaf| leaf.contains("{workspaceId}")) {
                params.push("workspaceId");
            }
            params.extend(route.params.iter().map(String::as_str));
            let choices: Vec<Vec<&str>> = params
                .iter()
                .map(|param| {
                    if *param == "workspaceId" && !workspaces.is_empty() {
                        return workspaces.clone();
                    }
                    let mut named = named_ids(param, &leaves, grants);
                    match *param {
                        "apiId" => named.extend(pairs.iter().map(|(api, _)| *api)),
                        "keyAuthId" => named.extend(pairs.iter().map(|(_, keyspace)| *keyspace)),
                        _ => {}
                    }
                    named.insert(OTHER);
                    named.into_iter().collect()
                })
                .collect();
            for (param, choice) in params.iter().zip(&choices) {
                let ids = choice.iter().map(|id| (*id).to_owned()).collect();
                probes.named.insert((&route.name, (*param).to_owned()), ids);
            }
            probes.add_route(route, &params, &choices, &pairing);
        }
        probes
    }

    fn add_route(
        &mut self,
        route: &'static Route,
        params: &[&str],
        choices: &[Vec<&str>],
        pairing: &Pairing<'_>,
    ) {
        let option_sets = 1usize << route.options.len();
        let combinations = choices
            .iter()
            .try_fold(option_sets, |total, choice| total.checked_mul(choice.len()))
            .unwrap_or(usize::MAX);
        if combinations > MAX_PROBES {
            self.skipped.push(&route.name);
            return;
        }
        let mut index = vec![0; choices.len()];
        loop {
            let values: Vec<(&str, &str)> = params
                .iter()
                .zip(choices.iter().zip(&index))
                .map(|(param, (choice, at))| (*param, choice[*at]))
                .collect();
            if pairing.consistent(&values) {
                for options in 0..option_sets {
                    self.add_probe(route, &values, options);
                }
            }
            // The next combination, odometer style.
            let mut position = 0;
            loop {
                if position == index.len() {
                    return;
                }
                index[position] += 1;
                if index[position] < choices[position].len() {
                    break;
                }
                index[position] = 0;
                position += 1;
            }
        }
    }

    fn add_probe(&mut self, route: &'static Route, values: &[(&str, &str)], options: usize) {
        let mut request = Request::new();
        let mut shown = Vec::new();
        let mut workspace = None;
        for (param, value) in values {
            request = request.param(param, value);
            if *param == "workspaceId" {
                workspace = Some(*value);
            } else {
                shown.push(format!("{param}={}", display(value)));
            }
        }
        let set: Vec<String> = route
            .options
            .iter()
            .enumerate()
            .filter(|(bit, _)| options & (1 << bit) != 0)
            .map(|(_, option)| option.name.clone())
            .collect();
        for option in &set {
            request = request.option(option);
            shown.push(format!("{option}=true"));
        }
        // A request Unkey refuses before any check (no scope on portal.createSession) is
        // no probe: no grant changes its answer.
        if route.stages(&request).is_err() {
            return;
        }
        let mut label = format!("{}({})", route.name, shown.join(", "));
        if let Some(workspace) = workspace.filter(|_| !self.single_workspace) {
            label = format!("{label} in {}", display(workspace));
        }
        self.probes.insert(
            label.clone(),
            Probe {
                route,
                request,
                options: set,
                label,
            },
        );
    }

    /// The probes the root key `key` of `policy` may call at `now` (none when its workspace
    /// or itself is disabled, or it has expired).
    pub fn allowed(&self, policy: &Policy, key: &Key, now: Timestamp) -> BTreeSet<String> {
        if key.kind != KeyKind::Root || super::root_key_stopped(policy, key, now).is_some() {
            return BTreeSet::new();
        }
        self.callable(policy, &key.grant_texts())
            .map(|probe| probe.label.clone())
            .collect()
    }

    /// The probes a root key of `policy` holding `grants` may call, whatever its state: a
    /// call in another workspace than the policy's, or on a keyspace its `apis:` does not
    /// give the API, is no call its root keys can make.
    pub fn callable<'p, G: AsRef<str>>(
        &'p self,
        policy: &'p Policy,
        grants: &'p [G],
    ) -> impl Iterator<Item = &'p Probe> + 'p {
        self.opened(grants).filter(|probe| {
            let pairs: Vec<(String, String)> = ["workspaceId", "apiId", "keyAuthId"]
                .into_iter()
                .filter_map(|name| Some((name.to_owned(), probe.request.value(name)?.to_owned())))
                .collect();
            super::contradiction(policy, &pairs).is_none()
        })
    }

    /// The probes a root key holding `grants` may call, whatever its state.
    pub fn opened<'p, G: AsRef<str>>(
        &'p self,
        grants: &'p [G],
    ) -> impl Iterator<Item = &'p Probe> + 'p {
        self.probes.values().filter(|probe| {
            probe
                .route
                .decide(&probe.request, grants)
                .is_ok_and(|decision| decision.allowed)
        })
    }

    /// The route and params of a case that asks the probe `label` (`other_api`,
    /// `other_key`, ... where the probe stands for ids the policies do not name; options as
    /// `true`): a case that can be pasted as it is.
    pub fn case_params(&self, label: &str) -> Option<(String, Vec<(String, String)>)> {
        let probe = self.probes.get(label)?;
        let params = probe
            .pairs(|param| format!("{OTHER}_{}", param.trim_end_matches("Id")))
            .into_iter()
            // A case's workspace is the policy's.
            .filter(|(name, _)| name != "workspaceId")
            .collect();
        Some((probe.route.name.clone(), params))
    }

    /// A route case that would expect `expect` of `key` on the probe `label`, as YAML flow.
    pub fn case(&self, label: &str, key: &str, expect: &str) -> String {
        match self.case_params(label) {
            Some((route, params)) => route_case(key, &route, &params, expect),
            None => format!("{{key: {key}, route: {label}, expect: {expect}}}"),
        }
    }

    /// The grants of `key` that let it call the probe `label`.
    pub fn grants_used<'k>(
        &self,
        label: &str,
        key: &'k Key,
    ) -> Vec<&'k crate::policy::Spanned<String>> {
        let Some(probe) = self.probes.get(label) else {
            return Vec::new();
        };
        let grants = key.grant_texts();
        let leaves = probe
            .route
            .explain(&probe.request, &grants)
            .unwrap_or_default();
        key.permissions
            .iter()
            .filter(|grant| {
                leaves
                    .iter()
                    .any(|leaf| leaf.matched.as_deref() == Some(grant.value.as_str()))
            })
            .collect()
    }

    /// Whether a case of `file` that is not ignored expects `key` to be allowed the probe
    /// `label` (the same route, options and ids, `<other>` standing for an id not named).
    pub fn acknowledged(&self, label: &str, key: &str, file: &TestFile) -> bool {
        let Some(probe) = self.probes.get(label) else {
            return false;
        };
        file.checks.iter().any(|case| {
            let Subject::Route(call) = &case.subject else {
                return false;
            };
            let request = &call.request;
            !case.ignore
                && &*case.key.value == key
                && case.expect.value == Expectation::Same(Expect::Allow)
                && call.route.value == probe.route.name
                && probe
                    .route
                    .params
                    .iter()
                    .map(String::as_str)
                    .chain(["workspaceId"])
                    .all(|param| {
                        let wanted = probe.request.value(param);
                        let given = request.value(param);
                        let named = self
                            .named
                            .get(&(probe.route.name.as_str(), param.to_owned()));
                        wanted == given
                            || (wanted == Some(OTHER)
                                && given.is_some_and(|given| {
                                    named.is_none_or(|ids| !ids.iter().any(|id| id == given))
                                }))
                    })
                && probe.route.options.iter().all(|option| {
                    probe.options.contains(&option.name) == request.has_option(&option.name)
                })
        })
    }
}

/// The ids that grants name where a leaf of the route names `param`: the part of a legacy
/// tuple, the URN path segment or the URN workspace at the placeholder's position.
fn named_ids<'g>(param: &str, leaves: &[&str], grants: &[&'g str]) -> BTreeSet<&'g str> {
    let placeholder = format!("{{{param}}}");
    let mut named = BTreeSet::new();
    for leaf in leaves {
        let leaf_parts = parts(leaf);
        let Some(position) = leaf_parts.iter().position(|part| *part == placeholder) else {
            continue;
        };
        for grant in grants.iter().filter(|grant| is_urn(grant) == is_urn(leaf)) {
            let grant_parts = parts(grant);
            // The grant must name the same resource up to the placeholder.
            let same_resource = leaf_parts[..position]
                .iter()
                .zip(&grant_parts)
                .all(|(want, have)| want.starts_with('{') || want == have || *have == "*");
            if let Some(part) = grant_parts.get(position)
                && same_resource
                && is_id(part)
            {
                named.insert(*part);
            }
        }
    }
    named
}

/// The parts of a legacy tuple (`type`, `id`, `action`), or the workspace and each path
/// segment of a URN.
fn parts(text: &str) -> Vec<&str> {
    let Some(rest) = text.strip_prefix("unkey:v1:") else {
        return text.split('.').collect();
    };
    let Some((workspace, path)) = rest.split_once(':') else {
        return Vec::new();
    };
    let path = path.rsplit_once('#').map_or(path, |(path, _)| path);
    std::iter::once(workspace).chain(path.split('/')).collect()
}

/// Which keyspace each API has, and which API each keyspace belongs to, as `apis:` pair
/// them; empty when the versions pair them differently themselves (an API with two
/// keyspaces): every combination is asked then.
#[derive(Default)]
struct Pairing<'p> {
    by_api: BTreeMap<&'p str, &'p str>,
    by_keyspace: BTreeMap<&'p str, &'p str>,
}

impl<'p> Pairing<'p> {
    fn new(pairs: &[(&'p str, &'p str)]) -> Self {
        let mut pairing = Pairing::default();
        for (api, keyspace) in pairs {
            let keyspace_of = *pairing.by_api.entry(api).or_insert(keyspace);
            let api_of = *pairing.by_keyspace.entry(keyspace).or_insert(api);
            if keyspace_of != *keyspace || api_of != *api {
                return Pairing::default();
            }
        }
        pairing
    }

    /// Whether the request names an API and a keyspace that are paired differently.
    fn consistent(&self, values: &[(&str, &str)]) -> bool {
        let value = |name: &str| {
            values
                .iter()
                .find(|(param, _)| *param == name)
                .map(|(_, v)| *v)
        };
        let (Some(api), Some(keyspace)) = (value("apiId"), value("keyAuthId")) else {
            return true;
        };
        self.by_api
            .get(api)
            .is_none_or(|declared| *declared == keyspace)
            && self
                .by_keyspace
                .get(keyspace)
                .is_none_or(|declared| *declared == api)
    }
}

fn is_id(word: &str) -> bool {
    !word.is_empty()
        && word != OTHER
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn display(value: &str) -> String {
    if value == OTHER {
        "<other>".to_owned()
    } else {
        value.to_owned()
    }
}

/// A route case as YAML flow: `{key: k, route: r, params: {keyId: key_1}, expect: allow}`.
pub(crate) fn route_case(
    key: &str,
    route: &str,
    params: &[(String, String)],
    expect: &str,
) -> String {
    let params: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("{}: {}", scalar(name), scalar(value)))
        .collect();
    format!(
        "{{key: {}, route: {}, params: {{{}}}, expect: {expect}}}",
        scalar(key),
        scalar(route),
        params.join(", ")
    )
}
