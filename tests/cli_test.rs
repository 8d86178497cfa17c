//! `permspec test` through the binary: output in each format on a suite with passing,
//! failing, ignored and unloadable files; filters; exit codes.

mod support;

use support::cli::permspec;

const MIXED: &str = "fixtures/runner/mixed";

/// libtest's timing line varies from run to run.
fn without_timing(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("; finished in ") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_example_policies_pass_every_gate_the_readme_recommends() {
    let run = permspec(&["test", "policies"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("test result: ok. 54 passed; 0 failed"));
    let run = permspec(&["lint", "policies"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stderr, "0 errors, 0 warnings, 0 infos in 4 files\n");
    let gate = [
        "test",
        "--coverage",
        "--fail-under",
        "80",
        "--require-uses",
        "--mutate",
        "policies/",
    ];
    let run = permspec(&gate);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn the_examples_of_findings_have_findings_and_passing_cases() {
    let run = permspec(&["test", "examples/findings"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = permspec(&["lint", "examples/findings"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    for rule in [
        "W001", "W003", "W009", "N001", "N008", "R001", "R002", "R006", "R008",
    ] {
        assert!(run.stdout.contains(rule), "examples/findings shows {rule}");
    }
}

#[test]
fn human_output_is_cargo_tests_with_a_report_per_failure() {
    let run = permspec(&["--color", "never", "test", MIXED, "--test-threads", "1"]);
    assert_eq!(run.code, 2, "an unloadable file makes the input unusable");
    insta::assert_snapshot!("test_human", without_timing(&run.stdout));
}

#[test]
fn json_output_is_libtests_event_stream_with_locations() {
    let run = permspec(&["test", MIXED, "--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "");
    let events: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| {
            let mut event: serde_json::Value = serde_json::from_str(line).unwrap();
            if let Some(time) = event.get_mut("exec_time") {
                *time = serde_json::json!("[time]");
            }
            event
        })
        .collect();
    // As libtest reports them: each test starts (an ignored one too), then ends once.
    let tests: Vec<_> = events
        .iter()
        .filter(|event| event["type"] == "test")
        .collect();
    for pair in tests.chunks(2) {
        assert_eq!(pair[0]["event"], "started", "{pair:?}");
        assert_eq!(pair[0]["name"], pair[1]["name"], "{pair:?}");
        assert!(["ok", "failed", "ignored"].contains(&pair[1]["event"].as_str().unwrap()));
    }
    insta::assert_json_snapshot!("test_json", events);
}

#[test]
fn junit_output_has_one_testcase_per_case() {
    let run = permspec(&["test", MIXED, "--format", "junit"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("test_junit", run.stdout);
}

#[test]
fn failed_cases_exit_1_when_every_file_loads() {
    let run = permspec(&[
        "test",
        "fixtures/runner/mixed/cases.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
}

#[test]
fn filters_select_tests_like_libtest() {
    let run = permspec(&["test", MIXED, "--filter", "passes", "--format", "json"]);
    let last: serde_json::Value = serde_json::from_str(run.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(
        (last["passed"].as_u64(), last["filtered_out"].as_u64()),
        (Some(1), Some(8))
    );

    let run = permspec(&[
        "test",
        MIXED,
        "--filter",
        "kept for later",
        "--ignored",
        "--format",
        "json",
    ]);
    assert_eq!(
        run.code, 2,
        "the unloadable file still makes the input unusable"
    );
    let last: serde_json::Value = serde_json::from_str(run.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["passed"].as_u64(), Some(1));

    let run = permspec(&["test", "fixtures/suites", "--list"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("fixtures/suites/decision-codes.yaml::NOT_FOUND comes first: test")
    );
}

#[test]
fn semantics_can_be_forced_from_the_command_line() {
    let run = permspec(&[
        "test",
        "examples/findings/documents.yaml",
        "--semantics",
        "literal",
        "--format",
        "json",
    ]);
    assert_eq!(
        run.code, 1,
        "documents.* grants nothing under Unkey's engine"
    );
    assert!(run.stdout.contains(r#""semantics":"literal""#));
}

#[test]
fn a_missing_path_is_unusable_input() {
    let run = permspec(&["test", "no/such/dir"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/dir"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn check_decides_for_a_key_of_a_policy_file() {
    let file = "examples/findings/documents.yaml";
    let run = permspec(&[
        "check",
        "documents.delete",
        "--role-file",
        file,
        "--key",
        "contractor",
    ]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("documents.delete granted by `documents.*`")
    );

    let run = permspec(&[
        "check",
        "documents.read",
        "--role-file",
        file,
        "--key",
        "ops",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["code"], "DISABLED");

    let run = permspec(&["check", "x", "--role-file", file, "--key", "alcie"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("did you mean `alice`?"));
}

#[test]
fn the_published_schema_is_the_one_the_loader_derives() {
    let committed = std::fs::read_to_string("schema/policy-v1.schema.json").unwrap();
    assert_eq!(
        committed,
        permspec::policy::schema_text(),
        "run `permspec schema > schema/policy-v1.schema.json`"
    );
    let run = permspec(&["schema"]);
    assert_eq!(run.stdout, committed);
}

#[test]
fn the_readme_opens_on_the_main_job_as_it_runs() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let first_screen: String = readme.lines().take(40).collect::<Vec<_>>().join("\n");
    assert!(first_screen.contains("cargo run --release -- test policies/"));
    let run = permspec(&["test", "policies/"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let summary = run
        .stdout
        .lines()
        .find(|line| line.starts_with("test result: ok."))
        .unwrap();
    let counts = summary.split("; finished").next().unwrap();
    assert!(
        first_screen.contains(counts),
        "the README shows `{counts}` on its first screen"
    );
    let running = run
        .stdout
        .lines()
        .find(|line| line.starts_with("running "))
        .unwrap();
    assert!(first_screen.contains(running), "{running}");
    for line in first_screen
        .lines()
        .filter(|line| line.starts_with("test policies/"))
    {
        let name = line.trim_end_matches(" ... ok");
        assert!(
            run.stdout.contains(name),
            "the README shows a case that runs: {name}"
        );
    }
}

#[test]
fn a_filter_written_where_a_path_goes_is_pointed_to_filter() {
    let run = permspec(&["test", MIXED, "expired"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "nothing runs: {}", run.stdout);
    assert!(
        run.stderr.contains("use `--filter expired`"),
        "{}",
        run.stderr
    );
    // A missing file is only missing; lint takes no filter.
    for args in [&["test", "missing.yaml"][..], &["lint", "expired"]] {
        let run = permspec(args);
        assert_eq!(run.code, 2);
        assert!(!run.stderr.contains("--filter"), "{}", run.stderr);
    }
}

#[test]
fn with_no_paths_and_no_policies_directory_the_default_is_named() {
    let directory = tempfile::tempdir().unwrap();
    for command in ["test", "lint", "report"] {
        let run = support::cli::permspec_in(directory.path(), &[command]);
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("`policies` is checked when no paths are given"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("permspec init"), "{}", run.stderr);
    }
}

#[test]
fn every_error_is_reported_as_a_diagnostic_with_its_code() {
    // A flag clap refuses, a value it refuses, a path that is not there, a check of the
    // gate that does not hold: one kind of report each, its code first.
    for (args, code, exit) in [
        (&["test", "--fail-undr", "3"][..], "cli::usage", 2),
        (&["tset"], "cli::usage", 2),
        (&["test", "--format", "xml", "policies"], "cli::usage", 2),
        (&["lint", "--select", "X9", "policies"], "cli::selector", 2),
        (&["test", "/nonexistent/policies"], "cli::io", 2),
        (&["routes", "nosuch.route"], "cli::usage", 2),
        (
            &[
                "test",
                "-q",
                "--fail-under",
                "100",
                "policies/documents.yaml",
            ],
            "test::coverage-under",
            1,
        ),
    ] {
        let run = permspec(args);
        assert_eq!(run.code, exit, "{args:?}: {}", run.stderr);
        let report = run.stderr.find("permspec::").map(|at| &run.stderr[at..]);
        assert!(
            report.is_some_and(|report| report.starts_with(&format!("permspec::{code}\n\n  × "))),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("error: "), "{args:?}: {}", run.stderr);
    }
    // Help and the version are not errors: standard output, exit 0.
    for args in [&["--help"][..], &["--version"], &["test", "--help"]] {
        let run = permspec(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stdout.contains("permspec"), "{args:?}");
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn each_error_of_a_file_is_a_report_of_its_own() {
    let run = permspec(&["lint", "fixtures/load-errors/two-undeclared-keys.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr
            .matches("permspec::policy::undeclared-key\n")
            .count(),
        2,
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Error: "), "{}", run.stderr);
}
