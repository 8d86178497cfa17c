//! How Unkey answers a root key's check: the key's state first (a disabled or expired root
//! key gets 403 before any check, on every route that authorizes a root key), then the
//! route's stages or the URN leaf against the key's grants. The runner, coverage, mutation testing and `diff` all decide with this.

use super::{Key, Policy, RootCheck, Spanned};
use crate::eval::routes::{self, Arm, LeafReport};
use crate::eval::urn;
use jiff::Timestamp;

/// How Unkey decides a root key's request: whether it passes, and the status it answers.
#[derive(Clone, Debug)]
pub struct RootDecision {
    /// Whether it passes.
    pub allowed: bool,
    /// The status of the answer (a URN check answers 200 or 403).
    pub status: u16,
    /// Why it was denied, in Unkey's words or permspec's.
    pub message: Option<String>,
    /// The arm that let it through.
    pub arm: Option<Arm>,
    /// The stage of the route's checks that denied it (`main`, `decrypt`, ...).
    pub stage: Option<String>,
    /// The `code` of a denial answered with 200 (keys.verifyKey's `NOT_FOUND`).
    pub code: Option<&'static str>,
    /// The key is disabled or expired.
    pub gated: bool,
}

/// How Unkey answers the root key `key` of `policy` at `now` before any check: `None` when
/// it goes on to the checks, else the denial of a disabled workspace or a disabled or
/// expired key.
pub fn root_key_stopped(policy: &Policy, key: &Key, now: Timestamp) -> Option<RootDecision> {
    let gate = if !policy.workspace_enabled {
        Some("the workspace is disabled".to_owned())
    } else if !key.enabled.value {
        Some("the root key is disabled".to_owned())
    } else {
        key.expires
            .as_ref()
            .filter(|expires| expires.value <= now)
            .map(|expires| format!("the root key expired at {}", expires.value))
    };
    // Unkey answers 403 to a disabled or expired root key, before any check.
    gate.map(|message| RootDecision {
        allowed: false,
        status: 403,
        message: Some(message),
        arm: None,
        stage: None,
        code: None,
        gated: true,
    })
}

/// How Unkey answers a root key it does not know: 401, before any check.
pub(crate) fn unknown_root_key() -> RootDecision {
    RootDecision {
        allowed: false,
        status: 401,
        message: Some("no such root key".to_owned()),
        arm: None,
        stage: None,
        code: None,
        gated: true,
    }
}

/// Decides `check` for the root key `key` at `now`.
pub(crate) fn decide_root(
    policy: &Policy,
    key: &Key,
    check: RootCheck<'_>,
    now: Timestamp,
) -> RootDecision {
    // A route that checks no root key answers before the key is looked at.
    let route = match check {
        RootCheck::Route(call) => Some(
            routes::table()
                .get(&call.route.value)
                .expect("a loaded route exists"),
        ),
        RootCheck::Urn(_) => None,
    };
    if route.is_none_or(|route| route.is_checked())
        && let Some(stopped) = root_key_stopped(policy, key, now)
    {
        return stopped;
    }
    let grants = key.grant_texts();
    match check {
        RootCheck::Urn(required) => {
            let grant = urn::covered(&required.value, &grants);
            RootDecision {
                allowed: grant.is_some(),
                status: if grant.is_some() { 200 } else { 403 },
                message: grant
                    .is_none()
                    .then(|| format!("Missing permission: '{}'", required.value)),
                arm: grant.map(|_| Arm::Urn),
                stage: None,
                code: None,
                gated: false,
            }
        }
        RootCheck::Route(call) => {
            // The loader checked the route and its request against the table.
            let route = route.expect("a route check names its route");
            match route.decide(&call.request, &grants) {
                Ok(decision) => RootDecision {
                    allowed: decision.allowed,
                    status: decision.status,
                    message: decision.message,
                    arm: decision.arm,
                    stage: decision.stage,
                    code: decision.code,
                    gated: false,
                },
                Err(error) => RootDecision {
                    allowed: false,
                    status: 403,
                    message: Some(error.to_string()),
                    arm: None,
                    stage: None,
                    code: None,
                    gated: true,
                },
            }
        }
    }
}

/// Each leaf of a route check with the grant that satisfies it or nearly does, for the
/// failure report and coverage; none for a URN check or a key its state stops (`outcome`).
/// Worked out only when asked, since a passing case needs no report.
pub(crate) fn root_leaves(
    key: &Key,
    check: RootCheck<'_>,
    outcome: &RootDecision,
) -> Vec<LeafReport> {
    let RootCheck::Route(call) = check else {
        return Vec::new();
    };
    if outcome.gated {
        return Vec::new();
    }
    let grants = key.grant_texts();
    routes::table()
        .get(&call.route.value)
        .and_then(|route| route.explain(&call.request, &grants))
        .unwrap_or_default()
}

/// The grants of `key` that let `check` pass (none when it is denied): what coverage
/// counts as exercised.
pub(crate) fn grants_used<'k>(
    policy: &Policy,
    key: &'k Key,
    check: RootCheck<'_>,
    now: Timestamp,
) -> Vec<&'k Spanned<String>> {
    let outcome = decide_root(policy, key, check, now);
    if !outcome.allowed {
        return Vec::new();
    }
    let matched: Vec<String> = match check {
        RootCheck::Urn(required) => {
            let grants = key.grant_texts();
            urn::covered(&required.value, &grants)
                .map(str::to_owned)
                .into_iter()
                .collect()
        }
        RootCheck::Route(_) => root_leaves(key, check, &outcome)
            .into_iter()
            .filter_map(|leaf| leaf.matched)
            .collect(),
    };
    key.permissions
        .iter()
        .filter(|grant| matched.contains(&grant.value))
        .collect()
}
