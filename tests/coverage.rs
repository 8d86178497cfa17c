//! `permspec test --coverage`: exact figures on a fixture suite, the JSON line, `--fail-under`.

mod support;

use support::cli::permspec;

#[test]
fn coverage_counts_what_the_cases_exercise() {
    let run = permspec(&[
        "test",
        "fixtures/coverage",
        "--coverage",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let last = run.stdout.lines().last().unwrap();
    let coverage: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(coverage["type"], "coverage");
    let file = &coverage["files"][0];
    let figures: Vec<(String, u64, u64)> = ["keys", "roles", "grants", "catalog"]
        .iter()
        .map(|name| {
            let category = &file["categories"][name];
            (
                name.to_string(),
                category["exercised"].as_u64().unwrap(),
                category["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        figures,
        [
            ("keys".to_owned(), 2, 3),
            ("roles".to_owned(), 2, 2),
            ("grants".to_owned(), 2, 5),
            ("catalog".to_owned(), 2, 4),
        ]
    );
    assert!((file["percent"].as_f64().unwrap() - 800.0 / 14.0).abs() < 1e-9);
    let never: Vec<&str> = file["categories"]["grants"]["never"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["item"].as_str().unwrap())
        .collect();
    assert_eq!(
        never,
        [
            "`billing.refund` of role `finance`",
            "`documents.write` of key `alice`",
            "`documents.read` of key `carol`"
        ]
    );
}

#[test]
fn coverage_table_for_people() {
    let run = permspec(&["test", "fixtures/coverage", "--coverage", "-q"]);
    assert_eq!(run.code, 0);
    let table = &run.stdout[run.stdout.find("coverage of").unwrap()..];
    insta::assert_snapshot!("coverage_table", table);
}

#[test]
fn fail_under_fails_a_weak_suite() {
    let run = permspec(&["test", "fixtures/coverage", "--fail-under", "57"]);
    assert_eq!(run.code, 0, "57.1% is enough");
    let run = permspec(&["test", "fixtures/coverage", "--fail-under", "60"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("coverage of `fixtures/coverage/suite.yaml` is 57.1%, under --fail-under 60"),
        "{}",
        run.stderr
    );
}

#[test]
fn fail_under_holds_for_each_policy_not_for_their_average() {
    let full = std::fs::read_to_string("policies/documents.yaml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-full.yaml"), &full).unwrap();
    std::fs::write(
        dir.path().join("b-untested.yaml"),
        "version: 1\npermissions: [a.read, a.write, a.delete]\n\
         roles:\n  r: {permissions: [a.read, a.write, a.delete]}\nkeys:\n  k: {roles: [r]}\n\
         cases:\n  - {key: k, query: a.read, expect: allow}\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let run = permspec(&["test", path, "--format", "json", "--fail-under", "70"]);
    let report: serde_json::Value =
        serde_json::from_str(run.stdout.lines().last().unwrap()).unwrap();
    assert!(report["percent"].as_f64().unwrap() >= 70.0, "{report}");
    assert_eq!(run.code, 1, "the pooled figure passes, one file does not");
    assert!(
        run.stderr.contains("b-untested.yaml` is "),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("a-full.yaml"), "{}", run.stderr);
}

#[test]
fn a_uses_entry_is_covered_by_an_allowed_route_case_within_it() {
    let (_directory, path) =
        with_uses(r#""keys.getKey(apiId=api_1, keyId=*)", "keys.whoami(apiId=api_1, keyId=*)""#);
    let run = permspec(&[
        "test",
        path.to_str().unwrap(),
        "--coverage",
        "--format",
        "json",
    ]);
    let coverage: serde_json::Value =
        serde_json::from_str(run.stdout.lines().last().unwrap()).unwrap();
    let uses = &coverage["files"][0]["categories"]["uses"];
    assert_eq!(uses["total"], 2, "{uses}");
    assert_eq!(uses["exercised"], 1, "{uses}");
    let never = uses["never"].to_string();
    assert!(never.contains("keys.whoami"), "{never}");
}

#[test]
fn require_uses_fails_a_run_that_leaves_a_uses_entry_without_an_allowed_case() {
    let (_directory, path) =
        with_uses(r#""keys.getKey(apiId=api_1, keyId=*)", "keys.whoami(apiId=api_1, keyId=*)""#);
    let run = permspec(&["test", path.to_str().unwrap(), "--require-uses"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.said.contains("no allowed route case asks `keys.whoami"),
        "{}",
        run.stderr
    );
    let covered = permspec(&[
        "test",
        "fixtures/mutation/narrow-to-uses.yaml",
        "--require-uses",
    ]);
    assert_eq!(covered.code, 0, "{}", covered.stderr);
}

#[test]
fn a_case_without_an_option_covers_no_uses_entry_that_sets_it() {
    let (_directory, path) = with_uses(r#""keys.getKey(apiId=api_1, keyId=*, decrypt=true)""#);
    let run = permspec(&["test", path.to_str().unwrap(), "--require-uses"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("decrypt=true"), "{}", run.stderr);
}

/// The root key of `fixtures/mutation/narrow-to-uses.yaml` with `uses: [<entries>]`, written
/// to a temporary directory (kept alive by the first value).
fn with_uses(entries: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("uses.yaml");
    let policy = std::fs::read_to_string("fixtures/mutation/narrow-to-uses.yaml")
        .unwrap()
        .replace(
            "uses: [\"keys.getKey(apiId=api_1, keyId=*)\"]",
            &format!("uses: [{entries}]"),
        );
    assert!(policy.contains(entries), "the fixture's uses: changed");
    std::fs::write(&path, policy).unwrap();
    (directory, path)
}
