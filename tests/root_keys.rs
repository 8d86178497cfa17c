//! Root-key suites through the binary: cases on routes and URN permissions, access
//! assertions on routes, and their failure reports.

mod support;

use support::cli::permspec;

const SUITE: &str = "fixtures/runner/root-keys";

#[test]
fn route_failures_show_each_arm_and_the_near_miss() {
    let run = permspec(&["--color", "never", "test", SUITE, "--test-threads", "1"]);
    assert_eq!(run.code, 1);
    let report: String = run
        .stdout
        .lines()
        .map(|line| line.split("; finished in ").next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("root_keys_human", report);
}

#[test]
fn route_cases_are_tests_in_every_format() {
    let run = permspec(&["test", SUITE, "--format", "json"]);
    assert_eq!(run.code, 1);
    let events: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let failed: Vec<&str> = events
        .iter()
        .filter(|event| event["type"] == "test" && event["event"] == "failed")
        .map(|event| event["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        [
            "fixtures/runner/root-keys/suite.yaml::a grant on the API id reads nothing",
            "fixtures/runner/root-keys/suite.yaml::access: keys.deleteKey(apiId=api_payments, keyId=key_1)",
        ]
    );
    let run = permspec(&["test", SUITE, "--format", "junit"]);
    assert!(run.stdout.contains("tests=\"9\""), "{}", run.stdout);
}

#[test]
fn a_case_on_a_request_unkey_refuses_before_any_check_is_refused_before_anything_runs() {
    let run = permspec(&["test", "fixtures/load-errors/route-needs-an-option.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("needs one of the options"),
        "{}",
        run.stdout
    );
}

#[test]
fn routes_lists_the_table_with_the_unkey_commit_it_reflects() {
    let run = permspec(&["routes", "--format", "json"]);
    assert_eq!(run.code, 0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["unkey"]["commit"],
        "fc99b6b925b9f455886832261883f4086eb64d3d"
    );
    let routes = json["routes"].as_array().unwrap();
    let checked = routes
        .iter()
        .filter(|route| route["checked"] == true)
        .count();
    assert_eq!((checked, routes.len() - checked), (78, 5));
    let find = |name: &str| routes.iter().find(|route| route["route"] == name).unwrap();
    let create_api = find("apis.createApi");
    assert_eq!(create_api["urn_arm"], false);
    assert_eq!(create_api["check"], "api.*.create_api");
    assert_eq!(
        find("keys.getKey")["params"],
        serde_json::json!(["workspaceId", "apiId", "keyAuthId", "keyId"])
    );
    assert_eq!(
        find("analytics.getVerifications")["check_kind"],
        "grant_shape"
    );
    assert_eq!(find("keys.verifyKey")["denied_code"], "NOT_FOUND");
    assert_eq!(find("liveness")["answers"], 200);
    assert_eq!(find("portal.listKeys")["answers"], 400);
    let listed = permspec(&["routes"]);
    assert!(!listed.stdout.contains("not modelled"), "{}", listed.stdout);

    let run = permspec(&["routes", "apis.listKeys"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("routes_list_keys", run.stdout);
    let run = permspec(&["routes", "keys.getkey"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `keys.getKey`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failure_names_the_stage_that_denied_and_the_answer_unkey_sends() {
    let run = permspec(&[
        "--color",
        "never",
        "test",
        "fixtures/runner/root-key-stages",
        "--test-threads",
        "1",
    ]);
    assert_eq!(run.code, 1);
    let report: String = run
        .stdout
        .lines()
        .map(|line| line.split("; finished in ").next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        report.contains("got deny (200 {valid: false, code: NOT_FOUND})"),
        "{report}"
    );
    assert!(report.contains("the stage `decrypt` denies"), "{report}");
    insta::assert_snapshot!("root_key_stages_human", report);
}
