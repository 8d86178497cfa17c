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
fn a_case_on_an_undecidable_route_is_refused_before_anything_runs() {
    let run = permspec(&["test", "fixtures/load-errors/route-unmodelled.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("cannot be decided"), "{}", run.stdout);
}
