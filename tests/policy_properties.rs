//! Generated policies and cases: the runner's verdict equals the naive reference
//! evaluator's, through the whole pipeline (YAML text, loader, role resolution, gates,
//! semantics modes, runner).

mod support;

use permspec::eval::{Code, Matching, Semantics};
use permspec::query::parse;
use permspec::runner::{collect, policy_files};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::naive;
use support::strategies::{grant, grants, permission, query};

#[derive(Clone, Debug)]
struct GeneratedKey {
    roles: Vec<usize>,
    permissions: Vec<String>,
    enabled: bool,
    expired: bool,
}

#[derive(Clone, Debug)]
struct Generated {
    semantics: Semantics,
    roles: Vec<Vec<String>>,
    keys: Vec<GeneratedKey>,
    forbid: Vec<String>,
    cases: Vec<(usize, String)>,
}

fn generated() -> impl Strategy<Value = Generated> {
    let key = (
        prop::collection::vec(0..4usize, 0..3),
        grants(),
        prop::bool::weighted(0.9),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(roles, permissions, enabled, expired)| GeneratedKey {
            roles,
            permissions,
            enabled,
            expired,
        });
    (
        prop_oneof![
            Just(Semantics::Wildcard),
            Just(Semantics::Literal),
            Just(Semantics::Strict)
        ],
        prop::collection::vec(grants(), 4),
        prop::collection::vec(key, 1..4),
        prop::collection::vec(grant(), 0..2),
        prop::collection::vec((0..4usize, query().prop_map(|q| q.to_string())), 1..6),
    )
        .prop_map(|(semantics, roles, keys, forbid, cases)| Generated {
            semantics,
            roles,
            keys,
            forbid,
            cases,
        })
}

/// What the naive evaluator says key `index` gets for `query_text`, per way of matching.
fn naive_codes(policy: &Generated, index: usize, query_text: &str) -> Vec<(Matching, Code)> {
    let matchings = policy.semantics.matchings();
    let Some(key) = policy.keys.get(index) else {
        return matchings.iter().map(|&m| (m, Code::NotFound)).collect();
    };
    let gate = if !key.enabled {
        Some(Code::Disabled)
    } else if key.expired {
        Some(Code::Expired)
    } else {
        None
    };
    let query = parse(query_text).unwrap();
    let mut held = key.permissions.clone();
    for &role in &key.roles {
        held.extend(policy.roles[role].iter().cloned());
    }
    matchings
        .iter()
        .map(|&m| {
            (
                m,
                gate.unwrap_or_else(|| naive::code(&query, &held, &policy.forbid, m)),
            )
        })
        .collect()
}

fn verdict(code: Code) -> &'static str {
    if code.allows() { "allow" } else { "deny" }
}

fn policy_file(policy: &Generated) -> Value {
    let roles: serde_json::Map<String, Value> = policy
        .roles
        .iter()
        .enumerate()
        .map(|(i, permissions)| (format!("role{i}"), json!({"permissions": permissions})))
        .collect();
    let keys: serde_json::Map<String, Value> = policy
        .keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let mut value = json!({
                "roles": key.roles.iter().map(|r| format!("role{r}")).collect::<Vec<_>>(),
                "permissions": key.permissions,
                "enabled": key.enabled,
            });
            if key.expired {
                value["expires"] = json!("2026-01-01");
            }
            (format!("key{i}"), value)
        })
        .collect();
    let cases: Vec<Value> = policy
        .cases
        .iter()
        .map(|(index, query)| {
            let codes = naive_codes(policy, *index, query);
            let expect = match codes.as_slice() {
                [(_, code)] => json!(verdict(*code)),
                [(_, wildcard), (_, literal)] => {
                    json!({"wildcard": verdict(*wildcard), "literal": verdict(*literal)})
                }
                _ => unreachable!("one or two ways of matching"),
            };
            let mut case = json!({"key": format!("key{index}"), "query": query, "expect": expect});
            if codes.iter().all(|(_, code)| *code == codes[0].1) {
                case["code"] = json!(codes[0].1);
            }
            case
        })
        .collect();
    json!({
        "version": 1,
        "semantics": policy.semantics,
        "now": "2026-06-01T00:00:00Z",
        "roles": roles,
        "keys": keys,
        "forbid": policy.forbid.iter().map(|p| json!({"permission": p})).collect::<Vec<_>>(),
        "cases": cases,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_runner_agrees_with_the_naive_evaluator(policy in generated()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("generated.yaml");
        // JSON is YAML: the file goes through the same loader as any policy.
        std::fs::write(&path, serde_json::to_string_pretty(&policy_file(&policy)).unwrap()).unwrap();
        let files = policy_files(&[path]).unwrap();
        let tests = collect(&files, None, jiff::Timestamp::now(), &Default::default()).tests;
        prop_assert_eq!(tests.len(), policy.cases.len());
        for test in &tests {
            let result = test.run();
            prop_assert!(result.passed, "{}: {:?}", test.name(), result.message());
        }
    }

    #[test]
    fn undeclared_keys_are_not_found(required in permission()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ghost.yaml");
        let file = json!({"version": 1, "roles": {"all": {"permissions": ["*"]}},
            "cases": [{"key": "ghost", "query": required, "expect": "deny", "code": "NOT_FOUND"}]});
        std::fs::write(&path, file.to_string()).unwrap();
        let tests = collect(&policy_files(&[path]).unwrap(), None, jiff::Timestamp::now(), &Default::default()).tests;
        prop_assert!(tests[0].run().passed);
    }
}
