//! Least privilege for root keys: for every route of the table, the smallest grant set lets
//! the call through and each of its grants is needed; for random sets of calls, the sets
//! allow every call asked for, and what they open beyond is what the report lists.

use permspec::eval::route_call::Call;
use permspec::eval::routes::{self, Route};
use permspec::least_privilege::{Form, grants_for, minimal};
use permspec::policy::RouteProbes;
use proptest::prelude::*;

const WORKSPACE: &str = "ws_1";

/// The calls to `route`: every param named (`id_<param>`), then every param `*`; each with
/// no option and with each option alone that the route accepts.
fn calls_of(route: &'static Route) -> Vec<Call> {
    let mut calls = Vec::new();
    for any in [false, true] {
        let values: Vec<(String, String)> = std::iter::once("workspaceId".to_owned())
            .chain(route.params.iter().cloned())
            .map(|param| {
                let value = match (any && param != "workspaceId", param.as_str()) {
                    (true, _) => "*".to_owned(),
                    (false, "workspaceId") => WORKSPACE.to_owned(),
                    (false, name) => format!("id_{}", name.trim_end_matches("Id")),
                };
                (param, value)
            })
            .collect();
        let options = std::iter::once(None).chain(route.options.iter().map(|o| Some(&o.name)));
        for option in options {
            let mut pairs: Vec<(String, String)> = Vec::new();
            if let Some(option) = option {
                pairs.push((option.clone(), "true".to_owned()));
            }
            if let Ok(call) = Call::new(&route.name, pairs, &values) {
                calls.push(call);
            }
        }
    }
    calls
}

fn allowed(call: &Call, grants: &[&str]) -> bool {
    call.route
        .decide(&call.request, grants)
        .is_ok_and(|decision| decision.allowed)
}

#[test]
fn every_route_call_passes_with_its_minimal_set_and_fails_without_any_one_grant() {
    let mut checked = 0;
    for route in routes::table().routes().filter(|route| route.is_checked()) {
        let calls = calls_of(route);
        assert!(!calls.is_empty(), "no call of {}", route.name);
        for call in &calls {
            for form in [Form::Urn, Form::Legacy] {
                let set = minimal(std::slice::from_ref(call), form)
                    .unwrap_or_else(|| panic!("no {form:?} set for {call}"));
                let grants = set.texts();
                let stages = call.route.stages(&call.request).unwrap();
                if stages.is_empty() {
                    assert!(
                        grants.is_empty(),
                        "{call} runs no check, yet needs {grants:?}"
                    );
                    continue;
                }
                assert!(allowed(call, &grants), "{call} denied with {grants:?}");
                for left_out in 0..grants.len() {
                    let fewer: Vec<&str> = (grants.iter().enumerate())
                        .filter(|(at, _)| *at != left_out)
                        .map(|(_, grant)| *grant)
                        .collect();
                    assert!(
                        !allowed(call, &fewer),
                        "{call} passes without {} of {grants:?}",
                        grants[left_out]
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} calls checked");
}

#[test]
fn the_urn_form_takes_the_narrowest_urn_leaf_and_marks_routes_without_one() {
    let defaults = [("workspaceId".to_owned(), WORKSPACE.to_owned())];
    let call = Call::parse(
        "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=key_1)",
        &defaults,
    )
    .unwrap();
    let urn = minimal(std::slice::from_ref(&call), Form::Urn).unwrap();
    assert_eq!(
        urn.texts(),
        ["unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#read_key"]
    );
    let legacy = minimal(std::slice::from_ref(&call), Form::Legacy).unwrap();
    assert_eq!(legacy.texts(), ["api.api_1.read_key"]);

    let call = Call::parse("apis.createApi", &defaults).unwrap();
    let found = grants_for(std::slice::from_ref(&call), &[], Some(WORKSPACE)).unwrap();
    assert_eq!(found.legacy_only, ["apis.createApi"]);
    let urn = &found.sets[0].set;
    assert_eq!(urn.texts(), ["api.*.create_api"]);
    assert!(urn.grants[0].no_urn_arm);
}

#[test]
fn a_call_on_every_id_needs_a_grant_for_every_id() {
    let defaults = [("workspaceId".to_owned(), WORKSPACE.to_owned())];
    let call = Call::parse(
        "keys.getKey(apiId=*, keyAuthId=*, keyId=*, decrypt=true)",
        &defaults,
    )
    .unwrap();
    let urn = minimal(std::slice::from_ref(&call), Form::Urn).unwrap();
    assert_eq!(
        urn.texts(),
        [
            "unkey:v1:ws_1:keyspaces/*/keys/*#read_key",
            "unkey:v1:ws_1:keyspaces/*/keys/*#decrypt_key"
        ]
    );
    let one_key = Call::parse(
        "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=key_1)",
        &defaults,
    )
    .unwrap();
    assert!(!allowed(
        &call,
        &["unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#read_key"]
    ));
    assert!(allowed(&one_key, &urn.texts()));
}

#[test]
fn a_broad_grant_one_call_needs_makes_a_narrow_one_redundant() {
    let defaults = [("workspaceId".to_owned(), WORKSPACE.to_owned())];
    let calls = [
        Call::parse(
            "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=*)",
            &defaults,
        )
        .unwrap(),
        Call::parse(
            "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=key_1)",
            &defaults,
        )
        .unwrap(),
    ];
    let urn = minimal(&calls, Form::Urn).unwrap();
    assert_eq!(
        urn.texts(),
        ["unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key"]
    );
}

#[test]
fn routes_without_a_root_key_check_need_nothing_or_cannot_be_called() {
    let found = grants_for(
        &[
            Call::parse("liveness", &[]).unwrap(),
            Call::parse("portal.listKeys", &[]).unwrap(),
        ],
        &[],
        Some(WORKSPACE),
    )
    .unwrap();
    assert!(
        found
            .sets
            .iter()
            .all(|opening| opening.set.grants.is_empty())
    );
    let unreachable: Vec<_> = (found.notes.iter())
        .filter(|note| note.unreachable)
        .map(|note| note.call.as_str())
        .collect();
    assert_eq!(unreachable, ["portal.listKeys"]);
}

#[test]
fn update_key_on_every_key_also_opens_the_escalating_routes() {
    let defaults = [("workspaceId".to_owned(), WORKSPACE.to_owned())];
    let call = Call::parse(
        "keys.updateKey(apiId=api_1, keyAuthId=ks_1, keyId=*)",
        &defaults,
    )
    .unwrap();
    let found = grants_for(
        std::slice::from_ref(&call),
        &[("api_1", "ks_1")],
        Some(WORKSPACE),
    )
    .unwrap();
    let urn = &found.sets[0];
    assert_eq!(
        urn.set.texts(),
        ["unkey:v1:ws_1:keyspaces/ks_1/keys/*#update_key"]
    );
    let escalating: Vec<&str> = (urn.also_opens.iter())
        .filter(|other| other.escalates)
        .map(|other| other.call.split('(').next().unwrap())
        .collect();
    assert_eq!(
        escalating,
        [
            "keys.addPermissions",
            "keys.addRoles",
            "keys.setPermissions",
            "keys.setRoles"
        ]
    );
}

/// Every call of every route, for the property to choose from.
fn all_calls() -> Vec<Call> {
    routes::table()
        .routes()
        .filter(|route| route.is_checked())
        .flat_map(calls_of)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The sets allow every call asked for; every call the probes see them allow is either
    /// asked for or listed; every listed call is allowed and not asked for.
    #[test]
    fn the_sets_allow_the_calls_and_list_exactly_what_else_they_open(
        picks in prop::collection::vec(any::<prop::sample::Index>(), 1..5)
    ) {
        let every = all_calls();
        let calls: Vec<Call> = picks.iter().map(|pick| every[pick.index(every.len())].clone()).collect();
        let found = grants_for(&calls, &[], Some(WORKSPACE)).unwrap();
        for opening in &found.sets {
            let grants = opening.set.texts();
            for call in calls.iter().filter(|call| call.route.is_checked()) {
                prop_assert!(allowed(call, &grants), "{} denied by {:?}", call, grants);
            }
            let probes = RouteProbes::for_grants(&grants, &[], &[WORKSPACE]);
            for probe in probes.probes.values() {
                let opens = probe.route.decide(&probe.request, &grants).is_ok_and(|d| d.allowed);
                let asked = calls.iter().any(|call| call.includes(probe.route, &probe.request));
                let listed = opening.also_opens.iter().any(|other| other.call == probe.label);
                prop_assert_eq!(listed, opens && !asked, "{}", probe.label);
            }
        }
    }
}

/// The call and Unkey's answer in `fixtures/denials/<name>`, diagnosed.
fn diagnosed(call: &str, name: &str) -> permspec::least_privilege::denial::Diagnosis {
    use permspec::least_privilege::denial;
    let defaults = [("workspaceId".to_owned(), WORKSPACE.to_owned())];
    let call = Call::parse(call, &defaults).unwrap();
    let body = std::fs::read_to_string(format!("fixtures/denials/{name}")).unwrap();
    let answer = denial::read(&body).unwrap();
    denial::diagnose(&call, answer, &[("api_1", "ks_1")], Some(WORKSPACE)).unwrap()
}

fn fix_grants(diagnosis: &permspec::least_privilege::denial::Diagnosis) -> Vec<Vec<String>> {
    diagnosis
        .fixes
        .iter()
        .map(|fix| fix.grants.clone())
        .collect()
}

#[test]
fn a_403_of_an_option_stage_names_the_stage_and_its_narrowest_grant() {
    let diagnosis = diagnosed(
        "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=key_1, decrypt=true)",
        "decrypt-403.json",
    );
    assert_eq!(diagnosis.stage.as_deref(), Some("decrypt"));
    assert_eq!(
        fix_grants(&diagnosis),
        [
            vec!["unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#decrypt_key".to_owned()],
            vec!["api.api_1.decrypt_key".to_owned()]
        ]
    );
    assert!(diagnosis.fixes[0].also_opens.is_empty());
}

#[test]
fn a_403_of_an_and_arm_names_the_missing_part_and_says_the_rest_must_pass() {
    let diagnosis = diagnosed("permissions.setRolePermissions", "and-arm-403.json");
    assert_eq!(diagnosis.stage.as_deref(), Some("main"));
    assert_eq!(
        diagnosis.failed.as_deref(),
        Some("rbac.*.remove_permission_from_role")
    );
    assert_eq!(
        fix_grants(&diagnosis),
        [vec!["rbac.*.remove_permission_from_role".to_owned()]]
    );
    assert!(
        diagnosis.meaning.contains("one part of an AND"),
        "{}",
        diagnosis.meaning
    );
}

#[test]
fn a_masked_404_asks_for_what_the_masked_stage_checks() {
    let diagnosis = diagnosed(
        "apis.listKeys(apiId=api_1, keyAuthId=ks_1)",
        "masked-404.json",
    );
    assert_eq!(diagnosis.stage, None);
    assert_eq!(
        fix_grants(&diagnosis),
        [
            vec![
                "unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key".to_owned(),
                "unkey:v1:ws_1:keyspaces/ks_1#read_keyspace".to_owned()
            ],
            vec![
                "api.api_1.read_key".to_owned(),
                "api.api_1.read_api".to_owned()
            ]
        ]
    );
    let verify = diagnosed(
        "keys.verifyKey(apiId=api_1, keyAuthId=ks_1, keyId=key_1)",
        "verify-not-found.json",
    );
    assert_eq!(
        fix_grants(&verify)[0],
        ["unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#verify_key"]
    );
    // A route that does not mask: a 404 there is a real not-found.
    let real = diagnosed("apis.deleteApi(apiId=api_1)", "masked-404.json");
    assert!(real.fixes.is_empty());
}

#[test]
fn bodies_that_are_no_denial_of_the_call_are_refused() {
    use permspec::least_privilege::denial::{self, DenialError};
    assert!(matches!(
        denial::read("not json"),
        Err(DenialError::NotJson(_))
    ));
    let unauthorized = r#"{"meta":{"requestId":"r"},"error":{"title":"Unauthorized","type":"https://unkey.com/docs/errors/unkey/authentication/key_not_found","detail":"x","status":401}}"#;
    assert!(matches!(
        denial::read(unauthorized),
        Err(DenialError::NotADenial(_))
    ));
    let verified =
        r#"{"meta":{"requestId":"r"},"data":{"valid":false,"code":"INSUFFICIENT_PERMISSIONS"}}"#;
    assert!(matches!(
        denial::read(verified),
        Err(DenialError::NotADenial(_))
    ));
    let call = Call::parse("permissions.setRolePermissions", &[]).unwrap();
    let other = denial::Answer::Forbidden {
        detail: "Missing permission: 'api.*.read_key'".to_owned(),
    };
    assert!(matches!(
        denial::diagnose(&call, other, &[], None),
        Err(DenialError::UnknownMessage { .. })
    ));
    let huge = denial::Answer::Forbidden {
        detail: format!("Missing permission: '{}'", "a".repeat(1 << 20)),
    };
    assert!(denial::diagnose(&call, huge, &[], None).is_err());
}

#[test]
fn a_403_from_a_stage_that_masks_its_denial_is_no_answer_unkey_sends() {
    use permspec::least_privilege::denial::{self, DenialError};
    let defaults = [("workspaceId".to_owned(), WORKSPACE.to_owned())];
    let call = Call::parse(
        "keys.createKey(apiId=api_1, keyAuthId=ks_1, recoverable=true)",
        &defaults,
    )
    .unwrap();
    let answer = denial::Answer::Forbidden {
        detail: "Missing one of these permissions: api.*.encrypt_key or api.api_1.encrypt_key or \
                 unkey:v1:ws_1:keyspaces/ks_1/keys/*#encrypt_key"
            .to_owned(),
    };
    assert!(matches!(
        denial::diagnose(&call, answer, &[], Some(WORKSPACE)),
        Err(DenialError::UnknownMessage { .. })
    ));
}

#[test]
fn a_denial_names_one_request_and_a_fix_shows_what_it_adds_to_the_other_stages() {
    use permspec::least_privilege::denial::{self, DenialError};
    let defaults = [("workspaceId".to_owned(), WORKSPACE.to_owned())];
    let body = std::fs::read_to_string("fixtures/denials/decrypt-403.json").unwrap();
    let any = Call::parse(
        "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=*, decrypt=true)",
        &defaults,
    )
    .unwrap();
    assert!(matches!(
        denial::diagnose(&any, denial::read(&body).unwrap(), &[], Some(WORKSPACE)),
        Err(DenialError::NotADenial(_))
    ));
    // With read access to the API's keys, `api.api_1.decrypt_key` decrypts every key of it.
    let diagnosis = diagnosed(
        "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=key_1, decrypt=true)",
        "decrypt-403.json",
    );
    let legacy = &diagnosis.fixes[1];
    assert_eq!(legacy.grants, ["api.api_1.decrypt_key"]);
    let opened: Vec<&str> = legacy
        .also_opens
        .iter()
        .map(|other| other.call.as_str())
        .collect();
    assert_eq!(
        opened,
        ["keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=<other>, decrypt=true)"]
    );
    assert!(diagnosis.fixes[0].also_opens.is_empty());
}

#[test]
fn calls_that_attach_permissions_to_keys_are_said_to() {
    let defaults = [("workspaceId".to_owned(), WORKSPACE.to_owned())];
    let calls = [
        Call::parse("keys.createKey(apiId=api_1, keyAuthId=ks_1)", &defaults).unwrap(),
        Call::parse(
            "keys.getKey(apiId=api_1, keyAuthId=ks_1, keyId=*)",
            &defaults,
        )
        .unwrap(),
    ];
    let found = grants_for(&calls, &[("api_1", "ks_1")], Some(WORKSPACE)).unwrap();
    let attaching: Vec<&str> = (found.notes.iter())
        .filter(|note| note.note.contains("any permission"))
        .map(|note| note.call.as_str())
        .collect();
    assert_eq!(attaching, ["keys.createKey(apiId=api_1, keyAuthId=ks_1)"]);
    // Options a call leaves out are named: they would add checks.
    let unasked: Vec<&str> = (found.notes.iter())
        .filter(|note| note.note.starts_with("does not set"))
        .map(|note| note.note.as_str())
        .collect();
    assert_eq!(
        unasked,
        [
            "does not set `recoverable`, which adds a check: add `recoverable=true` to the call \
             if the service sets it",
            "does not set `decrypt`, which adds a check: add `decrypt=true` to the call if the \
             service sets it"
        ]
    );
}
