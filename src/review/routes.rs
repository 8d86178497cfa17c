//! Which of Unkey's routes each root key can call, and the grants that open each call: the
//! probes `diff` compares root keys with, decided by the route table.

use super::{KeyState, RootKeyRow, RouteRow};
use crate::eval::routes::{self, Authorization};
use crate::policy::{KeyKind, RouteProbes};
use crate::runner::LoadedFile;
use jiff::Timestamp;

/// The root keys of the policy `loaded` declares (reviewed as `name`), with the route calls
/// they may make at `now`.
pub(crate) fn of_policy(loaded: &LoadedFile, name: &str, now: Timestamp) -> Vec<RootKeyRow> {
    let policy = &loaded.file.policy;
    let roots: Vec<_> = (policy.keys.iter())
        .filter(|key| key.kind == KeyKind::Root)
        .collect();
    if roots.is_empty() {
        return Vec::new();
    }
    let probes = RouteProbes::new(&[&**policy]);
    (roots.into_iter())
        .map(|key| {
            let calls = probes.allowed(policy, key, now);
            let routes = (calls.iter())
                .filter_map(|label| {
                    let route = &probes.probes.get(label)?.route.name;
                    let grants = probes.grants_used(label, key).into_iter();
                    Some(RouteRow {
                        family: family(route).to_owned(),
                        route: route.clone(),
                        call: label.clone(),
                        grants: grants.map(|grant| grant.value.clone()).collect(),
                    })
                })
                .collect();
            RootKeyRow {
                policy: name.to_owned(),
                key: key.name.value.clone(),
                line: policy.source.line_column(key.name.span.start()).0,
                state: KeyState::of(policy, key, now),
                flags: Vec::new(),
                routes,
            }
        })
        .collect()
}

/// A route's family: `keys` of `keys.getKey`.
fn family(route: &str) -> &str {
    route.split_once('.').map_or(route, |(family, _)| family)
}

/// The routes that authorize a root key with legacy tuples only: a URN grant, even
/// `**#*`, does nothing there.
pub(crate) fn urn_inert() -> Vec<String> {
    (routes::table().routes())
        .filter(|route| matches!(route.authorization, Authorization::Checked { .. }))
        .filter(|route| !route.has_urn_arm())
        .map(|route| route.name.clone())
        .collect()
}
