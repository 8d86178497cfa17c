//! The route table in the binary against the table read from Unkey's handlers
//! (`tests/data/unkey-routes-<commit>.json`): every route, its params, its stages in order,
//! every option and every status are the same, and every stage of every route, with every
//! set of options, is decided as that table says, row by row. The rows are generated from
//! the JSON, so the binary's table and the handlers' cannot drift apart.

use permspec::eval::root_query::RootQuery;
use permspec::eval::routes::{self, Authorization, Check, Denial, MAIN, Request, Route};
use serde_json::Value;
use std::collections::BTreeSet;

fn spec() -> Value {
    let path = "tests/data/unkey-routes-fc99b6b925b9f455886832261883f4086eb64d3d.json";
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_str(&text).unwrap()
}

fn routes_of(spec: &Value) -> &Vec<Value> {
    spec["routes"].as_array().unwrap()
}

/// The check the JSON gives a stage, as the binary models it: a tree, or for a stage whose
/// handler gates it on the shape of a grant (`strings.Split(g, ".")`), the grant shape.
fn check_of(stage: &Value) -> Check {
    let gate = stage["gate"].as_str().unwrap_or_default();
    if gate.contains("strings.Split") {
        let tuple = stage["check"]["t"].as_str().unwrap();
        let parts: Vec<&str> = tuple.split('.').collect();
        return Check::GrantShaped {
            first: parts[0].to_owned(),
            last: parts[2].to_owned(),
        };
    }
    Check::Tree(serde_json::from_value::<RootQuery>(stage["check"].clone()).unwrap())
}

fn denial_of(stage: &Value) -> Denial {
    match stage["denied"].as_u64().unwrap() {
        200 => Denial::NotFoundVerification,
        status => Denial::Status(status as u16),
    }
}

#[test]
fn the_table_holds_every_route_of_the_handlers_and_no_other() {
    let spec = spec();
    assert_eq!(
        routes::table().commit,
        spec["unkey"]["commit"].as_str().unwrap()
    );
    let wanted: BTreeSet<&str> = routes_of(&spec)
        .iter()
        .map(|route| route["route"].as_str().unwrap())
        .collect();
    let have: BTreeSet<&str> = routes::table()
        .routes()
        .map(|route| route.name.as_str())
        .collect();
    assert_eq!(have, wanted);
    assert_eq!(wanted.len(), 83);
}

#[test]
fn every_route_has_the_handlers_params_checks_statuses_and_options() {
    let spec = spec();
    let mut differences = Vec::new();
    for wanted in routes_of(&spec) {
        let name = wanted["route"].as_str().unwrap();
        let route = routes::table().get(name).unwrap();
        let mut differ = |what: &str, have: String, want: String| {
            if have != want {
                differences.push(format!("{name} {what}: table {have}, handlers {want}"));
            }
        };
        let params: BTreeSet<&str> = wanted["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|param| param["name"].as_str().unwrap())
            .collect();
        let have: BTreeSet<&str> = route.params.iter().map(String::as_str).collect();
        differ("params", format!("{have:?}"), format!("{params:?}"));
        if !wanted["root_key_check"].as_bool().unwrap() {
            let status = if wanted["auth"] == "portal_session" {
                400
            } else {
                200
            };
            differ(
                "authorization",
                format!("{:?}", route.authorization),
                format!("{:?}", Authorization::Unchecked { status }),
            );
            continue;
        }
        let [main] = wanted["checks"].as_array().unwrap().as_slice() else {
            panic!("{name}: one main check");
        };
        differ(
            "main check",
            format!("{:?}", route.authorization),
            format!(
                "{:?}",
                Authorization::Checked {
                    check: check_of(main),
                    denied: denial_of(main),
                }
            ),
        );
        let options: Vec<&str> = (wanted["options"].as_array().unwrap().iter())
            .map(|option| option["option"].as_str().unwrap())
            .collect();
        let have: Vec<&str> = route
            .options
            .iter()
            .map(|option| option.name.as_str())
            .collect();
        differ("options", format!("{have:?}"), format!("{options:?}"));
        for option in wanted["options"].as_array().unwrap() {
            let option_name = option["option"].as_str().unwrap();
            let Some(ours) = route.option(option_name) else {
                continue;
            };
            let added: Vec<String> = (option["adds"].as_array().into_iter().flatten())
                .map(|stage| {
                    let before = option["placement"]
                        .as_str()
                        .is_some_and(|placement| placement.starts_with("before"));
                    format!(
                        "{} {:?} before={before} {:?}",
                        stage["stage"].as_str().unwrap(),
                        check_of(stage),
                        denial_of(stage)
                    )
                })
                .collect();
            let ours_added: Vec<String> = (ours.adds.iter())
                .map(|stage| {
                    format!(
                        "{} {:?} before={} {:?}",
                        stage.stage, stage.check, stage.before, stage.denied
                    )
                })
                .collect();
            differ(
                &format!("option {option_name} adds"),
                format!("{ours_added:?}"),
                format!("{added:?}"),
            );
            let changes: Vec<String> = (option["changes"].as_array().into_iter().flatten())
                .map(|stage| format!("{} {:?}", stage["stage"].as_str().unwrap(), check_of(stage)))
                .collect();
            let ours_changes: Vec<String> = (ours.changes.iter())
                .map(|(stage, check)| format!("{stage} {check:?}"))
                .collect();
            differ(
                &format!("option {option_name} changes"),
                format!("{ours_changes:?}"),
                format!("{changes:?}"),
            );
        }
        let at_least: Vec<&str> = (wanted["at_least_one_option"]
            .as_array()
            .into_iter()
            .flatten())
        .map(|option| option.as_str().unwrap())
        .collect();
        differ(
            "at least one option",
            format!("{:?}", route.at_least_one_option),
            format!("{at_least:?}"),
        );
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// The ids of the generated requests: `<param>_1`, in workspace `ws_1`.
fn request(route: &Route, options: &[&str]) -> Request {
    let request = route.params.iter().fold(
        Request::new().param("workspaceId", "ws_1"),
        |request, param| request.param(param, &format!("{param}_1")),
    );
    options
        .iter()
        .fold(request, |request, option| request.option(option))
}

/// A template with the generated request's ids filled in.
fn filled(template: &str) -> String {
    let mut text = template.replace("{workspaceId}", "ws_1");
    while let Some(start) = text.find('{') {
        let end = start + text[start..].find('}').unwrap();
        let param = text[start + 1..end].to_owned();
        text.replace_range(start..=end, &format!("{param}_1"));
    }
    text
}

/// The leaves of a JSON check, filled in.
fn leaves(check: &Value, out: &mut Vec<String>) {
    for kind in ["t", "s", "u"] {
        if let Some(leaf) = check[kind].as_str() {
            out.push(filled(leaf));
        }
    }
    for operator in ["and", "or"] {
        for child in check[operator].as_array().into_iter().flatten() {
            leaves(child, out);
        }
    }
}

/// Whether grants that are exactly some leaves pass a JSON check: a naive reading of the
/// handlers' table, with none of the binary's code.
fn passes(check: &Value, grants: &BTreeSet<String>) -> bool {
    for kind in ["t", "s", "u"] {
        if let Some(leaf) = check[kind].as_str() {
            return grants.contains(&filled(leaf));
        }
    }
    if let Some(children) = check["and"].as_array() {
        return children.iter().all(|child| passes(child, grants));
    }
    let children = check["or"].as_array().unwrap();
    children.iter().any(|child| passes(child, grants))
}

/// One stage of a request, as the handlers' table gives it: name, check, denied status.
struct SpecStage<'a> {
    name: &'a str,
    check: &'a Value,
    status: u64,
}

/// The stages of a request that sets `options` (with those they imply), in order.
fn spec_stages<'a>(route: &'a Value, options: &[&str]) -> Vec<SpecStage<'a>> {
    let all = route["options"].as_array().unwrap();
    let set: Vec<&Value> = all
        .iter()
        .filter(|option| options.contains(&option["option"].as_str().unwrap()))
        .collect();
    let changed = |stage: &'a str, check: &'a Value| -> &'a Value {
        let mut changes = set
            .iter()
            .flat_map(|option| option["changes"].as_array().into_iter().flatten());
        changes
            .rfind(|change| change["stage"] == stage)
            .map_or(check, |change| &change["check"])
    };
    // identities.listIdentities names its one check `identity[0]`: it is the main check.
    let stage = |value: &'a Value| SpecStage {
        name: match value["stage"].as_str().unwrap() {
            "identity[0]" => MAIN,
            name => name,
        },
        check: changed(value["stage"].as_str().unwrap(), &value["check"]),
        status: value["denied"].as_u64().unwrap(),
    };
    let placed = |before: bool| {
        set.iter()
            .filter(move |option| {
                option["placement"]
                    .as_str()
                    .is_some_and(|placement| placement.starts_with("before"))
                    == before
            })
            .flat_map(|option| option["adds"].as_array().into_iter().flatten())
            .map(stage)
    };
    let main = route["checks"].as_array().unwrap().iter().map(stage);
    placed(true).chain(main).chain(placed(false)).collect()
}

/// Every set of options a request may set: all subsets, closed under `implies` (the JSON's
/// `described_with` of an option that adds a stage), with one of the needed ones if any.
fn option_sets(route: &Value) -> Vec<Vec<&str>> {
    let options = route["options"].as_array().unwrap();
    let needed: Vec<&str> = (route["at_least_one_option"]
        .as_array()
        .into_iter()
        .flatten())
    .map(|option| option.as_str().unwrap())
    .collect();
    let mut sets = Vec::new();
    for bits in 0..(1usize << options.len()) {
        let mut set: Vec<&str> = (0..options.len())
            .filter(|bit| bits & (1 << bit) != 0)
            .map(|bit| options[bit]["option"].as_str().unwrap())
            .collect();
        for option in options {
            if set.contains(&option["option"].as_str().unwrap()) && option["adds"].is_array() {
                for implied in option["described_with"].as_array().into_iter().flatten() {
                    let implied = implied.as_str().unwrap();
                    if !set.contains(&implied) {
                        set.push(implied);
                    }
                }
            }
        }
        if needed.is_empty() || needed.iter().any(|option| set.contains(option)) {
            set.sort();
            if !sets.contains(&set) {
                sets.push(set);
            }
        }
    }
    sets
}

#[test]
fn every_stage_of_every_route_is_decided_as_the_handlers_decide_it() {
    let spec = spec();
    let mut rows = 0;
    let mut differences = Vec::new();
    for wanted in routes_of(&spec) {
        let name = wanted["route"].as_str().unwrap();
        let route = routes::table().get(name).unwrap();
        if !wanted["root_key_check"].as_bool().unwrap() {
            let decision = route
                .decide(&request(route, &[]), &["unkey:v1:ws_1:**#*"])
                .unwrap();
            let status = if wanted["auth"] == "portal_session" {
                400
            } else {
                200
            };
            rows += 1;
            if decision.status != status || decision.allowed != (status == 200) {
                differences.push(format!("{name}: {decision:?}"));
            }
            continue;
        }
        for options in option_sets(wanted) {
            let stages = spec_stages(wanted, &options);
            let mut every_leaf = Vec::new();
            for stage in &stages {
                leaves(stage.check, &mut every_leaf);
            }
            let request = request(route, &options);
            // Every leaf of every stage: the request goes through.
            let decision = route.decide(&request, &every_leaf).unwrap();
            rows += 1;
            if !decision.allowed || decision.status != 200 {
                differences.push(format!("{name} {options:?} with every leaf: {decision:?}"));
            }
            // Without one stage's leaves: the first stage that fails answers.
            for left_out in &stages {
                let mut out = Vec::new();
                leaves(left_out.check, &mut out);
                let grants: BTreeSet<String> = every_leaf
                    .iter()
                    .filter(|leaf| !out.contains(leaf))
                    .cloned()
                    .collect();
                let first_failing = stages.iter().find(|stage| !passes(stage.check, &grants));
                let grants: Vec<String> = grants.into_iter().collect();
                let decision = route.decide(&request, &grants).unwrap();
                rows += 1;
                let expected = first_failing.map(|stage| {
                    let status = if stage.status == 200 {
                        200
                    } else {
                        stage.status as u16
                    };
                    (false, status, Some(stage.name.to_owned()))
                });
                let got = (decision.allowed, decision.status, decision.stage.clone());
                if got != expected.unwrap_or((true, 200, None)) {
                    differences.push(format!(
                        "{name} {options:?} without the leaves of `{}`: {decision:?}",
                        left_out.name
                    ));
                }
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert!(rows > 300, "{rows} rows");
}
