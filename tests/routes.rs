//! Unkey's route table decided as Unkey's handlers decide it: for each route, the grants
//! that pass its legacy arm, its URN arm, and those that do not (with the status).

use permspec::eval::routes::{self, Arm, Authorization, Request};

/// Workspace `ws_1`; API `api_1` whose keyspace is `ks_1`; key `key_1`; identity `id_1`;
/// namespace `ns_1` with override `ov_1`; project `p_1`, app `a_1`, environment `e_1`,
/// deployment `d_1`; portal `pt_1`.
fn request(route: &str, flags: &[&str]) -> Request {
    let route = routes::table().get(route).unwrap();
    let ids = [
        ("apiId", "api_1"),
        ("keyAuthId", "ks_1"),
        ("keyId", "key_1"),
        ("identityId", "id_1"),
        ("namespaceId", "ns_1"),
        ("overrideId", "ov_1"),
        ("projectId", "p_1"),
        ("appId", "a_1"),
        ("environmentId", "e_1"),
        ("deploymentId", "d_1"),
        ("portalId", "pt_1"),
    ];
    let request = ids
        .iter()
        .filter(|(name, _)| route.params.iter().any(|param| param == name))
        .fold(
            Request::new().param("workspaceId", "ws_1"),
            |request, (name, id)| request.param(name, id),
        );
    flags
        .iter()
        .fold(request, |request, option| request.option(option))
}

/// (route, options, grants, expected status, arm that lets it through)
type Row = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    u16,
    Option<Arm>,
);

const ADMIN: &str = "unkey:v1:ws_1:**#*";

const TABLE: &[Row] = &[
    // Key routes: the legacy tuples, or the URN leaf on the API's keyspace id.
    (
        "keys.getKey",
        &[],
        &["api.*.read_key"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.getKey",
        &[],
        &["api.api_1.read_key"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.getKey",
        &[],
        &["unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#read_key"],
        200,
        Some(Arm::Urn),
    ),
    (
        "keys.getKey",
        &[],
        &["unkey:v1:ws_1:keyspaces/*/keys/*#read_key"],
        200,
        Some(Arm::Urn),
    ),
    (
        "keys.getKey",
        &[],
        &["unkey:v1:ws_1:keyspaces/ks_1/**#read_key"],
        200,
        Some(Arm::Urn),
    ),
    ("keys.getKey", &[], &[ADMIN], 200, Some(Arm::Urn)),
    (
        "keys.getKey",
        &[],
        &["unkey:v1:ws_1:keyspaces/api_1/keys/*#read_key"],
        403,
        None,
    ),
    (
        "keys.getKey",
        &[],
        &["unkey:v1:ws_2:keyspaces/ks_1/keys/*#read_key"],
        403,
        None,
    ),
    ("keys.getKey", &[], &["api.*.*"], 403, None),
    (
        "keys.getKey",
        &[],
        &["keyspaces/*/keys/*#read_key"],
        403,
        None,
    ),
    ("keys.getKey", &["decrypt"], &["api.*.read_key"], 403, None),
    (
        "keys.getKey",
        &["decrypt"],
        &["api.*.read_key", "api.api_1.decrypt_key"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.getKey",
        &["decrypt"],
        &[
            "unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key",
            "unkey:v1:ws_1:keyspaces/ks_1/keys/*#decrypt_key",
        ],
        200,
        Some(Arm::Urn),
    ),
    (
        "keys.whoami",
        &[],
        &["unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key"],
        200,
        Some(Arm::Urn),
    ),
    (
        "keys.verifyKey",
        &[],
        &["api.*.verify_key"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.verifyKey",
        &[],
        &["unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key"],
        200,
        None,
    ),
    (
        "keys.deleteKey",
        &[],
        &["unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#delete_key"],
        200,
        Some(Arm::Urn),
    ),
    (
        "keys.updateKey",
        &[],
        &["api.api_1.update_key"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.updateCredits",
        &[],
        &["unkey:v1:ws_1:keyspaces/*/keys/*#update_key"],
        200,
        Some(Arm::Urn),
    ),
    (
        "keys.setRoles",
        &[],
        &["api.*.update_key"],
        200,
        Some(Arm::Legacy),
    ),
    ("keys.removeRoles", &[], &["api.*.delete_key"], 403, None),
    // AND inside the legacy arm; the URN arm is update_key alone.
    ("keys.addPermissions", &[], &["api.*.update_key"], 403, None),
    (
        "keys.addPermissions",
        &[],
        &["api.*.update_key", "rbac.*.add_permission_to_key"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.addPermissions",
        &[],
        &["unkey:v1:ws_1:keyspaces/ks_1/keys/*#update_key"],
        200,
        Some(Arm::Urn),
    ),
    (
        "keys.addPermissions",
        &["createsPermissions"],
        &["unkey:v1:ws_1:keyspaces/ks_1/keys/*#update_key"],
        403,
        None,
    ),
    (
        "keys.addPermissions",
        &["createsPermissions"],
        &[
            "unkey:v1:ws_1:keyspaces/ks_1/keys/*#update_key",
            "unkey:v1:ws_1:rbac/permissions/*#create_permission",
        ],
        200,
        Some(Arm::Urn),
    ),
    (
        "keys.setPermissions",
        &[],
        &["api.*.update_key", "rbac.*.add_permission_to_key"],
        403,
        None,
    ),
    (
        "keys.setPermissions",
        &[],
        &[
            "api.*.update_key",
            "rbac.*.add_permission_to_key",
            "rbac.*.remove_permission_from_key",
        ],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.addRoles",
        &[],
        &["api.api_1.update_key", "rbac.*.add_role_to_key"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.removePermissions",
        &[],
        &["api.api_1.update_key", "rbac.*.remove_permission_from_key"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.createKey",
        &[],
        &["api.api_1.create_key"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.createKey",
        &[],
        &["unkey:v1:ws_1:keyspaces/ks_1#create_key"],
        200,
        Some(Arm::Urn),
    ),
    (
        "keys.createKey",
        &[],
        &["unkey:v1:ws_1:keyspaces/ks_1/keys/*#create_key"],
        404,
        None,
    ),
    (
        "keys.createKey",
        &["recoverable"],
        &["api.*.create_key"],
        404,
        None,
    ),
    (
        "keys.createKey",
        &["recoverable"],
        &[
            "api.*.create_key",
            "unkey:v1:ws_1:keyspaces/ks_1/keys/*#encrypt_key",
        ],
        200,
        Some(Arm::Legacy),
    ),
    (
        "keys.rerollKey",
        &[],
        &["unkey:v1:ws_1:keyspaces/*#create_key"],
        200,
        Some(Arm::Urn),
    ),
    // apis.listKeys: AND in both arms, denial masked as 404.
    ("apis.listKeys", &[], &["api.*.read_key"], 404, None),
    (
        "apis.listKeys",
        &[],
        &["api.*.read_key", "api.api_1.read_api"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "apis.listKeys",
        &[],
        &["unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key"],
        404,
        None,
    ),
    (
        "apis.listKeys",
        &[],
        &[
            "unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key",
            "unkey:v1:ws_1:keyspaces/ks_1#read_keyspace",
        ],
        200,
        Some(Arm::Urn),
    ),
    (
        "apis.listKeys",
        &[],
        &["unkey:v1:ws_1:keyspaces/ks_1/**#read_key"],
        404,
        None,
    ),
    (
        "apis.listKeys",
        &["decrypt"],
        &["api.*.read_key", "api.*.read_api"],
        403,
        None,
    ),
    // Legacy-only routes: a URN grant, even the admin grant, does nothing.
    ("apis.createApi", &[], &[ADMIN], 403, None),
    (
        "apis.createApi",
        &[],
        &["api.*.create_api"],
        200,
        Some(Arm::Legacy),
    ),
    ("apis.createApi", &[], &["api.api_1.create_api"], 403, None),
    ("apis.getApi", &[], &[ADMIN], 403, None),
    (
        "apis.deleteApi",
        &[],
        &["api.api_1.delete_api"],
        200,
        Some(Arm::Legacy),
    ),
    ("ratelimit.limit", &[], &[ADMIN], 403, None),
    (
        "ratelimit.limit",
        &[],
        &["ratelimit.ns_1.limit"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "ratelimit.limit",
        &["createsNamespace"],
        &["ratelimit.*.limit"],
        403,
        None,
    ),
    (
        "ratelimit.multiLimit",
        &[],
        &["ratelimit.ns_1.limit"],
        200,
        Some(Arm::Legacy),
    ),
    ("ratelimit.setOverride", &[], &[ADMIN], 403, None),
    (
        "ratelimit.deleteOverride",
        &[],
        &["ratelimit.*.delete_override"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "ratelimit.listOverrides",
        &[],
        &["unkey:v1:ws_1:ratelimits/namespaces/*/**#read_override"],
        403,
        None,
    ),
    (
        "ratelimit.getOverride",
        &[],
        &["unkey:v1:ws_1:ratelimits/namespaces/*/**#read_override"],
        200,
        Some(Arm::Urn),
    ),
    (
        "portal.createSession",
        &["scopeAnalyticsRead"],
        &[ADMIN],
        404,
        None,
    ),
    (
        "portal.createSession",
        &["scopeAnalyticsRead"],
        &[
            "portal.pt_1.create_portal_session",
            "api.api_1.read_analytics",
        ],
        200,
        Some(Arm::Legacy),
    ),
    ("permissions.setRolePermissions", &[], &[ADMIN], 403, None),
    (
        "permissions.setRolePermissions",
        &["createsPermissions"],
        &[
            "rbac.*.add_permission_to_role",
            "rbac.*.remove_permission_from_role",
            "unkey:v1:ws_1:rbac/permissions/*#create_permission",
        ],
        200,
        Some(Arm::Legacy),
    ),
    ("projects.getProject", &[], &[ADMIN], 404, None),
    (
        "apps.getApp",
        &[],
        &["app.a_1.read_app"],
        200,
        Some(Arm::Legacy),
    ),
    // Identities: projects/*/identities/*, never identities/*.
    (
        "identities.getIdentity",
        &[],
        &["unkey:v1:ws_1:identities/*#read_identity"],
        403,
        None,
    ),
    (
        "identities.getIdentity",
        &[],
        &["unkey:v1:ws_1:projects/*/identities/*#read_identity"],
        200,
        Some(Arm::Urn),
    ),
    (
        "identities.getIdentity",
        &[],
        &["unkey:v1:ws_1:projects/p_1/identities/*#read_identity"],
        403,
        None,
    ),
    (
        "identities.getIdentity",
        &[],
        &["identity.id_1.read_identity"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "identities.createIdentity",
        &[],
        &["identity.id_1.create_identity"],
        403,
        None,
    ),
    (
        "identities.updateIdentity",
        &[],
        &["unkey:v1:ws_1:projects/*/identities/*#update_identity"],
        200,
        Some(Arm::Urn),
    ),
    (
        "identities.deleteIdentity",
        &[],
        &["identity.*.delete_identity"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "identities.listIdentities",
        &[],
        &["unkey:v1:ws_1:projects/**#read_identity"],
        200,
        Some(Arm::Urn),
    ),
    // Projects and apps: create actions name the child with `*`, not the parent.
    (
        "projects.createProject",
        &[],
        &["unkey:v1:ws_1:projects/*#create_project"],
        200,
        Some(Arm::Urn),
    ),
    (
        "projects.updateProject",
        &[],
        &["unkey:v1:ws_1:projects/p_2#update_project"],
        403,
        None,
    ),
    (
        "projects.deleteProject",
        &[],
        &["project.p_1.delete_project"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "apps.createApp",
        &[],
        &["unkey:v1:ws_1:projects/*#create_app"],
        403,
        None,
    ),
    (
        "apps.createApp",
        &[],
        &["unkey:v1:ws_1:projects/p_1/apps/*#create_app"],
        200,
        Some(Arm::Urn),
    ),
    (
        "apps.deleteApp",
        &[],
        &["unkey:v1:ws_1:projects/p_1/apps/a_1#delete_app"],
        200,
        Some(Arm::Urn),
    ),
    (
        "environments.getEnvironment",
        &[],
        &["environment.e_1.read_environment"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "environments.listEnvironments",
        &[],
        &["environment.e_1.read_environment"],
        404,
        None,
    ),
    (
        "environments.setEnvironmentVariables",
        &[],
        &["unkey:v1:ws_1:projects/*/apps/*/environments/*#set_environment_variables"],
        200,
        Some(Arm::Urn),
    ),
    (
        "deployments.createDeployment",
        &[],
        &["unkey:v1:ws_1:projects/p_1/apps/a_1/environments/e_1/deployments/*#create_deployment"],
        200,
        Some(Arm::Urn),
    ),
    (
        "deployments.createDeployment",
        &[],
        &["unkey:v1:ws_1:projects/**#create_deployment"],
        200,
        Some(Arm::Urn),
    ),
    (
        "deployments.promoteDeployment",
        &[],
        &["unkey:v1:ws_1:projects/p_1/apps/a_1/environments/e_1#promote_deployment"],
        404,
        None,
    ),
    (
        "deployments.rollbackDeployment",
        &[],
        &["environment.*.rollback_deployment"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "deployments.startDeployment",
        &[],
        &["unkey:v1:ws_1:projects/p_1/apps/a_1/environments/e_1/deployments/d_1#start_deployment"],
        200,
        Some(Arm::Urn),
    ),
    (
        "deployments.stopDeployment",
        &[],
        &["unkey:v1:ws_1:projects/p_1/apps/a_1/environments/e_1/deployments/d_1#start_deployment"],
        404,
        None,
    ),
    (
        "environments.updateSettings",
        &[],
        &["environment.e_1.update_environment"],
        200,
        Some(Arm::Legacy),
    ),
    (
        "environments.listEnvironmentVariables",
        &[],
        &["unkey:v1:ws_1:projects/p_1/apps/a_1/environments/e_1#read_environment"],
        403,
        None,
    ),
    (
        "environments.removeEnvironmentVariables",
        &[],
        &["unkey:v1:ws_1:projects/p_1/**#remove_environment_variables"],
        200,
        Some(Arm::Urn),
    ),
];

#[test]
fn every_row_of_the_route_table_is_decided_as_unkey_decides_it() {
    let mut failures = Vec::new();
    for (route_name, flags, grants, status, arm) in TABLE {
        let route = routes::table().get(route_name).unwrap();
        let decision = route.decide(&request(route_name, flags), grants);
        let Ok(decision) = decision else {
            failures.push(format!("{route_name} {flags:?}: {decision:?}"));
            continue;
        };
        if decision.status != *status || decision.arm != *arm || decision.allowed != arm.is_some() {
            failures.push(format!("{route_name} {flags:?} {grants:?}: {decision:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_admin_grant_passes_exactly_the_routes_whose_main_check_has_a_urn_leaf() {
    for route in routes::table().routes().filter(|route| route.is_checked()) {
        let options: Vec<&str> = route
            .at_least_one_option
            .iter()
            .take(1)
            .map(String::as_str)
            .collect();
        let decision = route
            .decide(&request(&route.name, &options), &[ADMIN])
            .unwrap();
        let Authorization::Checked { check, .. } = &route.authorization else {
            unreachable!("checked")
        };
        let urn_arm = check.leaves().any(|(arm, _)| arm == Arm::Urn);
        assert_eq!(decision.allowed, urn_arm, "{}", route.name);
    }
}

/// (route, options, grants, status, stage that denied)
type SpecialRow = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    u16,
    Option<&'static str>,
);

/// The routes that answer otherwise than with a 403 for the main check.
const SPECIAL: &[SpecialRow] = &[
    // keys.verifyKey denies with HTTP 200 `{valid: false, code: NOT_FOUND}`.
    (
        "keys.verifyKey",
        &[],
        &["api.*.read_key"],
        200,
        Some("main"),
    ),
    // Masked as 404: the main check, and keys.createKey's recoverable stage too.
    ("keys.createKey", &[], &[], 404, Some("main")),
    (
        "keys.createKey",
        &["recoverable"],
        &["api.*.create_key"],
        404,
        Some("recoverable"),
    ),
    ("apps.listApps", &[], &[], 404, Some("main")),
    (
        "domains.verifyDomain",
        &[],
        &["environment.e_2.verify_domain"],
        404,
        Some("main"),
    ),
    // An option stage answers with its own status: apis.listKeys masks its main check, not
    // its decrypt stage.
    (
        "apis.listKeys",
        &["decrypt"],
        &["api.*.read_key", "api.*.read_api"],
        403,
        Some("decrypt"),
    ),
    // keys.rerollKey's encrypt check is in the main check, not a stage of its own.
    (
        "keys.rerollKey",
        &["recoverable"],
        &["api.*.create_key"],
        403,
        Some("main"),
    ),
    (
        "keys.rerollKey",
        &["recoverable"],
        &["api.*.create_key", "api.api_1.encrypt_key"],
        200,
        None,
    ),
    // ratelimit.limit checks createsNamespace before the main check.
    (
        "ratelimit.limit",
        &["createsNamespace"],
        &[],
        403,
        Some("createsNamespace"),
    ),
    (
        "ratelimit.multiLimit",
        &["createsNamespace"],
        &["ratelimit.*.create_namespace", "ratelimit.*.limit"],
        200,
        None,
    ),
    // permissions.createRole: createsPermissions implies withPermissions.
    (
        "permissions.createRole",
        &["createsPermissions"],
        &["rbac.*.create_role", "rbac.*.create_permission"],
        403,
        Some("withPermissions"),
    ),
    // portal.createSession: the portal check masked as 404, then one 403 stage per scope.
    (
        "portal.createSession",
        &["scopeKeysRead"],
        &[],
        404,
        Some("main"),
    ),
    (
        "portal.createSession",
        &["scopeKeysCreate", "keyspaceEncrypted"],
        &["portal.*.create_portal_session", "api.*.create_key"],
        403,
        Some("scope:keys:create"),
    ),
    (
        "portal.createSession",
        &["scopeKeysRead", "scopeAnalyticsRead"],
        &[
            "portal.pt_1.create_portal_session",
            "api.*.read_key",
            "api.*.read_api",
            "api.api_1.read_analytics",
        ],
        200,
        None,
    ),
    // The analytics gate: any grant shaped `api.X.read_analytics`.
    (
        "analytics.getVerifications",
        &[],
        &["api.whatever.read_analytics"],
        200,
        None,
    ),
    (
        "analytics.getVerifications",
        &[],
        &["api.a.b.read_analytics"],
        403,
        Some("main"),
    ),
    (
        "analytics.getRatelimits",
        &[],
        &["ratelimit..read_analytics"],
        200,
        None,
    ),
    // Routes that check no root key.
    ("liveness", &[], &[], 200, None),
    ("portal.exchangeCode", &[], &[], 200, None),
    ("portal.listKeys", &[], &["unkey:v1:ws_1:**#*"], 400, None),
];

#[test]
fn the_special_answers_are_unkeys() {
    let mut failures = Vec::new();
    for (route_name, options, grants, status, stage) in SPECIAL {
        let route = routes::table().get(route_name).unwrap();
        let decision = route.decide(&request(route_name, options), grants).unwrap();
        let allowed = *status == 200 && stage.is_none();
        if decision.status != *status
            || decision.stage.as_deref() != *stage
            || decision.allowed != allowed
        {
            failures.push(format!("{route_name} {options:?} {grants:?}: {decision:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let verify = routes::table().get("keys.verifyKey").unwrap();
    let denied = verify
        .decide(&request("keys.verifyKey", &[]), &[""; 0])
        .unwrap();
    assert_eq!(denied.code, Some("NOT_FOUND"));
}

#[test]
fn an_empty_page_of_identities_runs_no_check() {
    let route = routes::table().get("identities.listIdentities").unwrap();
    let empty = Request::new().param("workspaceId", "ws_1");
    let decision = route.decide(&empty, &[""; 0]).unwrap();
    assert_eq!((decision.allowed, decision.status), (true, 200));
    let page = request("identities.listIdentities", &[]);
    assert_eq!(route.decide(&page, &[""; 0]).unwrap().status, 403);
}

#[test]
fn a_session_needs_a_scope() {
    let route = routes::table().get("portal.createSession").unwrap();
    let error = route
        .decide(&request("portal.createSession", &[]), &[""; 0])
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("needs one of the options scopeKeysRead"),
        "{error}"
    );
}

#[test]
fn denials_carry_unkeys_messages() {
    let route = routes::table().get("apis.createApi").unwrap();
    let decision = route
        .decide(&request("apis.createApi", &[]), &[ADMIN])
        .unwrap();
    assert_eq!(
        decision.message.as_deref(),
        Some("Missing permission: 'api.*.create_api'")
    );
    let route = routes::table().get("keys.deleteKey").unwrap();
    let decision = route
        .decide(&request("keys.deleteKey", &[]), &[""; 0])
        .unwrap();
    assert_eq!(
        decision.message.as_deref(),
        Some(
            "Missing one of these permissions: api.*.delete_key or api.api_1.delete_key or \
             unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#delete_key"
        )
    );
}

#[test]
fn a_failure_report_names_the_near_miss() {
    let route = routes::table().get("keys.getKey").unwrap();
    let grants = ["unkey:v1:ws_1:keyspaces/api_1/keys/*#read_key"];
    let leaves = route
        .explain(&request("keys.getKey", &[]), &grants)
        .unwrap();
    let urn = leaves.iter().find(|leaf| leaf.arm == Arm::Urn).unwrap();
    assert_eq!(
        urn.required,
        "unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#read_key"
    );
    assert_eq!(
        urn.near_miss.as_ref().map(|near| near.reason.as_str()),
        Some(
            "`unkey:v1:ws_1:keyspaces/api_1/keys/*#read_key` names the API id `api_1` where \
             Unkey checks its keyspace id `ks_1`"
        )
    );
}
