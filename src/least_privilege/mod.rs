//! Least privilege for root keys: from the route calls a service makes to the smallest
//! grant set that lets exactly those through, in URN and in legacy form, and what else each
//! set opens, found with the probes `diff` compares root keys with.

pub mod denial;
pub mod migrate;
mod minimal;

pub use crate::eval::route_call::{Call, CallError};
pub use minimal::{CallNote, Form, MinimalSet, NeededGrant, minimal, notes};

use crate::eval::routes::{ANY_ID, Route};
use crate::eval::urn::is_urn;
use crate::policy::{Key, Policy, RouteProbes};
use serde::Serialize;

/// Routes whose URN check is `update_key` alone, yet which attach permissions or roles to
/// a key (R008).
pub(crate) const ESCALATING_ROUTES: &[&str] = &[
    "keys.addPermissions",
    "keys.setPermissions",
    "keys.addRoles",
    "keys.setRoles",
];

/// Every route that attaches the permissions or roles a request names to a key, with no
/// `rbac` action on some arm: a root key that can call one can give a key, itself included,
/// any permission (keys.createKey and updateKey do it with `create_key` or `update_key`).
pub(crate) const ATTACHING_ROUTES: &[&str] = &[
    "keys.addPermissions",
    "keys.setPermissions",
    "keys.addRoles",
    "keys.setRoles",
    "keys.createKey",
    "keys.updateKey",
];

/// The grants a set of calls needs, in each form, and what each form opens beyond them.
#[derive(Debug, Serialize)]
pub struct GrantsFor {
    /// The calls asked for, as written.
    pub calls: Vec<String>,
    /// Calls no grant decides (no root-key check, or no root key can make them).
    pub notes: Vec<CallNote>,
    /// Calls whose route checks no URN permission: legacy tuples only.
    pub legacy_only: Vec<String>,
    /// The URN form, then the legacy form.
    pub sets: Vec<Opening>,
}

/// A minimal set and the other calls it lets through.
#[derive(Debug, Serialize)]
pub struct Opening {
    /// The set.
    #[serde(flatten)]
    pub set: MinimalSet,
    /// The route calls it opens that were not asked for (`<other>`: ids not named).
    pub also_opens: Vec<OtherCall>,
    /// Routes with too many combinations of ids to compare.
    pub not_compared: Vec<String>,
}

/// A call a set opens beyond those asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OtherCall {
    /// The call: `keys.addRoles(keyAuthId=ks_1, keyId=<other>)`.
    pub call: String,
    /// It attaches permissions or roles to keys (R008, X003).
    pub escalates: bool,
}

/// Why a set could not be found.
#[derive(Debug, thiserror::Error)]
#[error("no {form:?} grant set lets every call through; the route table may be wrong for: {calls}")]
pub struct NoSet {
    form: Form,
    calls: String,
}

/// The grants `calls` need in each form, and what each opens beyond them, in `workspace`
/// whose APIs have the keyspaces `pairs` give.
pub fn grants_for(
    calls: &[Call],
    pairs: &[(&str, &str)],
    workspace: Option<&str>,
) -> Result<GrantsFor, NoSet> {
    let mut sets = Vec::new();
    for form in [Form::Urn, Form::Legacy] {
        let set = minimal(calls, form).ok_or_else(|| NoSet {
            form,
            calls: calls
                .iter()
                .map(Call::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        sets.push(opening(set, calls, pairs, workspace));
    }
    Ok(GrantsFor {
        calls: calls.iter().map(Call::to_string).collect(),
        notes: notes(calls),
        legacy_only: calls
            .iter()
            .filter(|call| call.route.is_checked() && !call.route.has_urn_arm())
            .map(Call::to_string)
            .collect(),
        sets,
    })
}

/// `set` with the calls it opens that `calls` do not ask for.
pub fn opening(
    set: MinimalSet,
    calls: &[Call],
    pairs: &[(&str, &str)],
    workspace: Option<&str>,
) -> Opening {
    let (also_opens, not_compared) = also_opens(&set.texts(), calls, pairs, workspace);
    Opening {
        set,
        also_opens,
        not_compared,
    }
}

/// The calls `grants` open that `calls` do not ask for, and the routes with too many ids to
/// compare.
pub fn also_opens(
    grants: &[&str],
    calls: &[Call],
    pairs: &[(&str, &str)],
    workspace: Option<&str>,
) -> (Vec<OtherCall>, Vec<String>) {
    let probes = RouteProbes::for_grants(grants, pairs, workspace.as_slice());
    let others = probes
        .opened(grants)
        .filter(|probe| {
            !calls
                .iter()
                .any(|call| call.includes(probe.route, &probe.request))
        })
        .map(|probe| OtherCall {
            call: probe.label.clone(),
            escalates: escalates(probe.route),
        })
        .collect();
    let skipped = probes
        .skipped
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    (others, skipped)
}

/// The API and keyspace pairs the calls name (both given, neither `*`): Unkey looks an
/// API's keyspace up, so no call names the API with another keyspace.
pub fn call_pairs(calls: &[Call]) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = calls
        .iter()
        .filter_map(|call| {
            Some((
                call.request.value("apiId")?,
                call.request.value("keyAuthId")?,
            ))
        })
        .filter(|(api, keyspace)| *api != ANY_ID && *keyspace != ANY_ID)
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The calls a root key's `uses:` lists.
pub fn uses_calls(key: &Key) -> Vec<Call> {
    key.uses.iter().map(|call| call.value.clone()).collect()
}

/// The form a root key's grants are written in: URN if it holds any URN grant.
pub fn form_of(key: &Key) -> Form {
    if key.permissions.iter().any(|grant| is_urn(&grant.value)) {
        Form::Urn
    } else {
        Form::Legacy
    }
}

/// The probes that tell the calls of a root key's `uses:` from others: for its grants and
/// the grants its `uses:` need (so the ids they name are asked), in the policy's workspace,
/// with the API pairs of `apis:` and of the calls.
pub(crate) fn uses_probes(policy: &Policy, key: &Key) -> RouteProbes {
    let calls = uses_calls(key);
    let needed: Vec<String> = [Form::Urn, Form::Legacy]
        .into_iter()
        .filter_map(|form| minimal(&calls, form))
        .flat_map(|set| set.grants.into_iter().map(|grant| grant.grant))
        .collect();
    let naming: Vec<&str> = (key.permissions.iter().map(|grant| grant.value.as_str()))
        .chain(needed.iter().map(String::as_str))
        .collect();
    let mut pairs: Vec<(&str, &str)> = (policy.apis.iter())
        .map(|api| (api.id.value.as_str(), api.keyspace.value.as_str()))
        .collect();
    pairs.extend(call_pairs(&calls));
    pairs.sort_unstable();
    pairs.dedup();
    let workspace: Vec<&str> = (policy.workspace_id.iter())
        .map(|id| id.value.as_str())
        .collect();
    RouteProbes::for_grants(&naming, &pairs, &workspace)
}

/// Whether a root key that can call `route` can give keys permissions.
pub fn escalates(route: &Route) -> bool {
    ATTACHING_ROUTES.contains(&route.name.as_str())
}
