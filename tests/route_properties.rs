//! Properties of route decisions and of the route probes `diff` and mutation testing rely
//! on, on generated root keys over a small alphabet of ids (so that grants and requests
//! often name the same resources).

use permspec::eval::routes::{self, Request};
use permspec::policy::{Loader, Policy, RouteProbes};
use proptest::prelude::*;
use std::path::Path;
use std::sync::Arc;

const ROUTES: &[&str] = &[
    "keys.getKey",
    "keys.deleteKey",
    "keys.updateKey",
    "keys.addPermissions",
    "keys.createKey",
    "apis.listKeys",
    "apis.getApi",
];

fn grant() -> impl Strategy<Value = String> {
    let id = |prefix: &'static str| {
        prop_oneof![
            Just(format!("{prefix}_a")),
            Just(format!("{prefix}_b")),
            Just("*".to_owned())
        ]
    };
    let workspace = prop_oneof![Just("ws_1"), Just("ws_2")];
    let key_action = prop_oneof![
        Just("read_key"),
        Just("delete_key"),
        Just("update_key"),
        Just("decrypt_key")
    ];
    let keyspace_action = prop_oneof![Just("read_keyspace"), Just("create_key")];
    let tuple_action = prop_oneof![
        Just("read_key"),
        Just("read_api"),
        Just("delete_key"),
        Just("update_key"),
        Just("create_key")
    ];
    prop_oneof![
        (workspace.clone(), id("ks"), id("key"), key_action.clone()).prop_map(
            |(ws, ks, key, action)| format!("unkey:v1:{ws}:keyspaces/{ks}/keys/{key}#{action}")
        ),
        (workspace.clone(), id("ks"), keyspace_action)
            .prop_map(|(ws, ks, action)| format!("unkey:v1:{ws}:keyspaces/{ks}#{action}")),
        (workspace, id("ks"), key_action)
            .prop_map(|(ws, ks, action)| format!("unkey:v1:{ws}:keyspaces/{ks}/**#{action}")),
        Just("unkey:v1:ws_1:**#*".to_owned()),
        (id("api"), tuple_action).prop_map(|(api, action)| format!("api.{api}.{action}")),
        Just("rbac.*.add_permission_to_key".to_owned()),
    ]
}

/// A request whose ids come from the grants' alphabet or are named by no grant (`_c`).
fn request() -> impl Strategy<Value = (&'static str, Vec<(&'static str, String)>, bool)> {
    let pick = |prefix: &'static str| {
        prop_oneof![
            Just(format!("{prefix}_a")),
            Just(format!("{prefix}_b")),
            Just(format!("{prefix}_c"))
        ]
    };
    (
        prop::sample::select(ROUTES),
        pick("api"),
        pick("ks"),
        pick("key"),
        any::<bool>(),
    )
        .prop_map(|(route, api, ks, key, flag)| {
            let values = vec![
                ("workspaceId", "ws_1".to_owned()),
                ("apiId", api),
                ("keyAuthId", ks),
                ("keyId", key),
            ];
            (route, values, flag)
        })
}

/// The request for `route`: the values it names, and its first option when `flag`.
fn build(route: &str, values: &[(&str, String)], flag: bool) -> Request {
    let route = routes::table().get(route).unwrap();
    let mut request = Request::new().param("workspaceId", "ws_1");
    for (name, value) in values {
        if route.params.iter().any(|param| param == name) {
            request = request.param(name, value);
        }
    }
    let request = match route.options.first() {
        Some(option) if flag => request.option(&option.name),
        _ => request,
    };
    // A request must set one of these, or Unkey answers 400 before any check.
    match route.at_least_one_option.first() {
        Some(needed) => request.option(needed),
        None => request,
    }
}

fn allowed(route: &str, request: &Request, grants: &[String]) -> bool {
    let route = routes::table().get(route).unwrap();
    route.decide(request, grants).unwrap().allowed
}

fn policy(grants: &[String]) -> Arc<Policy> {
    let quoted: Vec<String> = grants.iter().map(|grant| format!("{grant:?}")).collect();
    let text = format!(
        "version: 1\nworkspace: {{id: ws_1}}\nroot_keys:\n  ci:\n    permissions: [{}]\n",
        quoted.join(", ")
    );
    let file = Loader::default()
        .load_text(Path::new("policy.yaml"), text)
        .unwrap();
    Arc::clone(&file.policy)
}

proptest! {
    /// A grant more never takes a route call away.
    #[test]
    fn adding_a_grant_never_denies_an_allowed_call(
        grants in prop::collection::vec(grant(), 0..6),
        extra in grant(),
        (route, values, flag) in request(),
    ) {
        let request = build(route, &values, flag);
        if allowed(route, &request, &grants) {
            let mut more = grants.clone();
            more.push(extra);
            prop_assert!(allowed(route, &request, &more));
        }
    }

    /// Ids no grant names are all alike: `key_c` and `key_zz` get the same answer.
    #[test]
    fn unnamed_ids_are_decided_alike(
        grants in prop::collection::vec(grant(), 0..6),
        (route, values, flag) in request(),
    ) {
        let renamed: Vec<(&str, String)> = values
            .iter()
            .map(|(name, value)| (*name, value.replace("_c", "_zz")))
            .collect();
        prop_assert_eq!(
            allowed(route, &build(route, &values, flag), &grants),
            allowed(route, &build(route, &renamed, flag), &grants)
        );
    }

    /// Whatever concrete call a change allows that it did not, the probes see a gain on
    /// that route: `diff` cannot miss a widening.
    #[test]
    fn the_probes_see_every_widening(
        before in prop::collection::vec(grant(), 0..5),
        after in prop::collection::vec(grant(), 0..5),
        requests in prop::collection::vec(request(), 16),
    ) {
        let (old, new) = (policy(&before), policy(&after));
        let probes = RouteProbes::new(&[&old, &new]);
        let now = jiff::Timestamp::UNIX_EPOCH;
        let was = probes.allowed(&old, &old.keys[0], now);
        let is = probes.allowed(&new, &new.keys[0], now);
        for (route, values, flag) in requests {
            let request = build(route, &values, flag);
            if allowed(route, &request, &after) && !allowed(route, &request, &before) {
                let prefix = format!("{route}(");
                prop_assert!(
                    is.difference(&was).any(|label| label.starts_with(&prefix)),
                    "no gain on {} among {:?}", route, is.difference(&was).collect::<Vec<_>>()
                );
            }
        }
    }
}
