//! From legacy tuples to URN permissions: for a root key, the URN grants that open the same
//! route calls as its grants, computed route by route from the table (a route's URN leaf
//! where it has one; the tuple kept, and said so, where it has none), and proven with the
//! route probes `diff` compares root keys with: every call the new grants open, the old
//! ones opened too.

use super::minimal::{Form, MinimalSet, NeededGrant, minimal, minimal_by};
use crate::eval::route_call::Call;
use crate::eval::routes::{ANY_ID, Arm};
use crate::policy::{Key, Policy, Probe, RouteProbes};
use serde::Serialize;
use std::collections::BTreeSet;

/// The proposed grants of one root key and the proof that they open no more.
#[derive(Clone, Debug, Serialize)]
pub struct Migration {
    /// The key.
    pub key: String,
    /// Its grants as written.
    pub before: Vec<String>,
    /// The grants proposed: URN permissions, and the tuples kept for routes that check no
    /// URN, each with the calls it serves.
    pub after: Vec<NeededGrant>,
    /// Calls with a stage that checks no URN: a legacy tuple stays for them.
    pub legacy_only: Vec<String>,
    /// Calls whose URN leaf would open calls the old grants did not: they keep their legacy
    /// form.
    pub widening_urn: Vec<String>,
    /// APIs the calls name whose keyspace `apis:` does not give: their URN grants could
    /// only name every keyspace, so their calls keep legacy tuples.
    pub undeclared_apis: Vec<String>,
    /// Grants that open no route call on their own and serve none of the calls: the proposal
    /// leaves them out (`api.*.*`, `*`, a URN of another workspace).
    pub dropped: Vec<String>,
    /// Calls the grants opened that the proposed ones do not (narrower).
    pub lost: Vec<String>,
    /// Calls the proposed grants open that the old ones did not (must be none to apply).
    pub gained: Vec<String>,
    /// Routes with too many ids to compare: the proof does not cover them.
    pub not_compared: Vec<String>,
}

impl Migration {
    /// Whether the proposal may replace the grants: it opens nothing new, and the proof
    /// covers every route.
    pub fn proven(&self) -> bool {
        self.gained.is_empty() && self.not_compared.is_empty()
    }

    /// Whether the proposal changes the key's grants (a key that opens no call is left as
    /// it is: there is nothing to move).
    pub fn changes(&self) -> bool {
        if self.after.is_empty() {
            return false;
        }
        let mut before: Vec<&str> = self.before.iter().map(String::as_str).collect();
        let mut after: Vec<&str> = self
            .after
            .iter()
            .map(|grant| grant.grant.as_str())
            .collect();
        before.sort_unstable();
        after.sort_unstable();
        before != after
    }
}

/// Why a key cannot be migrated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// URN grants name the workspace, which the policy does not declare.
    #[error("URN grants name the workspace: declare `workspace: {{id: ws_...}}` in the policy")]
    NoWorkspace,
    /// The calls of the key make no URN set (a fault of the route table).
    #[error("no URN grant set opens the calls of `{0}`: the route table may be wrong")]
    NoSet(String),
}

/// The migration of the root key `key` of `policy`.
pub fn migrate(policy: &Policy, key: &Key) -> Result<Migration, MigrateError> {
    let workspace = policy
        .workspace_id
        .as_ref()
        .ok_or(MigrateError::NoWorkspace)?;
    let before = key.grant_texts();
    let pairs: Vec<(&str, &str)> = (policy.apis.iter())
        .map(|api| (api.id.value.as_str(), api.keyspace.value.as_str()))
        .collect();
    let workspaces = [workspace.value.as_str()];
    // The calls the key can make, with `*` for the ids the grants do not name.
    let probes = RouteProbes::for_grants(&before, &pairs, &workspaces);
    let calls: Vec<Call> = (probes.callable(policy, &before))
        .filter_map(call_of)
        .collect();
    // Calls whose URN leaf opens what the old grants did not keep their legacy form.
    let urn_sets: Vec<Option<MinimalSet>> = (calls.iter())
        .map(|call| minimal(std::slice::from_ref(call), Form::Urn))
        .collect();
    let candidates: Vec<&str> = (urn_sets.iter().flatten())
        .flat_map(MinimalSet::texts)
        .chain(before.iter().copied())
        .collect();
    let proof = RouteProbes::for_grants(&candidates, &pairs, &workspaces);
    let opened = |grants: &[&str]| -> BTreeSet<String> {
        (proof.callable(policy, grants))
            .map(|probe| probe.label.clone())
            .collect()
    };
    let old = opened(&before);
    let widening: Vec<&Call> = (calls.iter().zip(&urn_sets))
        .filter(|(_, set)| {
            set.as_ref()
                .is_none_or(|set| !opened(&set.texts()).is_subset(&old))
        })
        .map(|(call, _)| call)
        .collect();
    let is_widening = |call: &Call| {
        widening
            .iter()
            .any(|other| other.route.name == call.route.name && other.request == call.request)
    };
    let form_of = |call: &Call| {
        if is_widening(call) {
            Form::Legacy
        } else {
            Form::Urn
        }
    };
    let set = minimal_by(&calls, Form::Urn, form_of)
        .ok_or_else(|| MigrateError::NoSet(key.name.value.clone()))?;
    let after = set.texts();
    let new = opened(&after);
    let opens_nothing = |grant: &str| {
        (proof.callable(policy, std::slice::from_ref(&grant)))
            .next()
            .is_none()
    };
    let dropped = dropped(&calls, &before, &after, opens_nothing);
    let (lost, gained) = (
        old.difference(&new).cloned().collect(),
        new.difference(&old).cloned().collect(),
    );
    Ok(Migration {
        key: key.name.value.clone(),
        before: before.iter().map(|grant| (*grant).to_owned()).collect(),
        after: set.grants,
        legacy_only: legacy_only(&calls),
        widening_urn: widening.iter().map(|call| call.to_string()).collect(),
        undeclared_apis: undeclared_apis(&widening),
        dropped,
        lost,
        gained,
        not_compared: (probes.skipped.iter().chain(&proof.skipped))
            .map(|route| (*route).to_owned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    })
}

/// The calls with a stage that checks no URN leaf.
fn legacy_only(calls: &[Call]) -> Vec<String> {
    (calls.iter())
        .filter(|call| {
            (call.route.stages(&call.request).unwrap_or_default().iter())
                .any(|stage| stage.check.leaves().all(|(kind, _)| kind != Arm::Urn))
        })
        .map(Call::to_string)
        .collect()
}

/// The APIs of widening calls that name no keyspace: `apis:` does not give theirs.
fn undeclared_apis(widening: &[&Call]) -> Vec<String> {
    (widening.iter())
        .filter(|call| call.request.is_any_id("keyAuthId"))
        .filter_map(|call| call.request.value("apiId"))
        .filter(|api| *api != ANY_ID)
        .map(str::to_owned)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The grants of `before` that the proposal `after` leaves out, that pass no leaf of the
/// calls and open no call alone.
fn dropped(
    calls: &[Call],
    before: &[&str],
    after: &[&str],
    opens_nothing: impl Fn(&str) -> bool,
) -> Vec<String> {
    let served: BTreeSet<String> = (calls.iter())
        .flat_map(|call| {
            call.route
                .explain(&call.request, before)
                .unwrap_or_default()
        })
        .filter_map(|report| report.matched)
        .collect();
    (before.iter())
        .filter(|grant| !after.contains(grant) && !served.contains(**grant))
        .filter(|grant| opens_nothing(grant))
        .map(|grant| (*grant).to_owned())
        .collect()
}

/// The call a probe asks, `*` where it stands for ids not named.
fn call_of(probe: &Probe) -> Option<Call> {
    let pairs = probe.pairs(|_| ANY_ID.to_owned());
    Call::new(&probe.route.name, pairs, &[]).ok()
}
