//! `permspec test --mutate`: exactly the known mutants survive a weak suite, none survive a
//! strong one, and each survivor comes with the node and a case that would kill it.

mod support;

use support::cli::permspec;

/// (fate, mutation, suggested case) of every mutant, from the JSON line.
fn fates(file: &str) -> (i32, Vec<(String, String, String)>) {
    let run = permspec(&["test", file, "--mutate", "--format", "json"]);
    let last = run.stdout.lines().last().unwrap();
    let mutation: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(mutation["type"], "mutation");
    let mutants = mutation["files"][0]["mutants"].as_array().unwrap();
    let fates = mutants
        .iter()
        .map(|mutant| {
            let case = &mutant["suggested_case"];
            let case = if case.is_null() {
                String::new()
            } else {
                format!("{} {} {}", case["key"], case["query"], case["expect"]).replace('"', "")
            };
            (
                mutant["fate"].as_str().unwrap().to_owned(),
                mutant["mutation"].as_str().unwrap().to_owned(),
                case,
            )
        })
        .collect();
    (run.code, fates)
}

#[test]
fn exactly_the_known_mutants_survive_a_weak_suite() {
    let (code, fates) = fates("fixtures/mutation/weak.yaml");
    assert_eq!(code, 1, "survivors fail the run");
    let survivors: Vec<(&str, &str)> = fates
        .iter()
        .filter(|(fate, ..)| fate == "survived")
        .map(|(_, mutation, case)| (mutation.as_str(), case.as_str()))
        .collect();
    assert_eq!(
        survivors,
        [
            (
                "widen `documents.read` to `*` in role `editor`",
                "alice billing.read deny"
            ),
            (
                "widen `documents.write` to `*` in role `editor`",
                "alice billing.read deny"
            ),
            (
                "widen `documents.*` to `*` in role `admin`",
                "carol billing.read deny"
            ),
            (
                "narrow `documents.*` to `documents.read` in role `admin`",
                "carol documents.write allow"
            ),
            (
                "remove the forbid rule on `documents.delete`",
                "carol documents.delete deny"
            ),
        ]
    );
    let equivalent = fates
        .iter()
        .filter(|(fate, ..)| fate == "equivalent")
        .count();
    assert_eq!((fates.len(), equivalent), (14, 2));
}

#[test]
fn no_mutant_survives_a_strong_suite() {
    let (code, fates) = fates("fixtures/mutation/strong.yaml");
    assert_eq!(code, 0);
    let survivors: Vec<_> = fates
        .iter()
        .filter(|(fate, ..)| fate == "survived")
        .collect();
    assert!(survivors.is_empty(), "{survivors:?}");
    let kinds = [
        "drop `",
        "widen `",
        "narrow `",
        "drop role",
        "disable key",
        "remove the forbid",
    ];
    for kind in kinds {
        assert!(
            fates
                .iter()
                .any(|(fate, mutation, _)| fate == "killed" && mutation.starts_with(kind)),
            "no killed mutant of kind {kind}"
        );
    }
}

#[test]
fn survivors_are_reported_on_the_mutated_node() {
    let run = permspec(&["test", "fixtures/mutation/weak.yaml", "--mutate", "-q"]);
    let report = &run.stdout[run.stdout.find("permspec::mutation").unwrap()..];
    insta::assert_snapshot!("mutation_weak_human", report);
}

#[test]
fn one_thread_or_many_give_the_same_fates() {
    let mutation_line = |threads: &str| {
        let output = permspec(&[
            "test",
            "fixtures/mutation/weak.yaml",
            "--mutate",
            "--format",
            "json",
            "--test-threads",
            threads,
        ]);
        output.stdout.lines().last().unwrap().to_owned()
    };
    assert_eq!(mutation_line("1"), mutation_line("4"));
}

#[test]
fn survivors_fail_the_run_in_every_format() {
    let file = "fixtures/mutation/weak.yaml";
    let human = permspec(&["test", file, "--mutate", "-q"]);
    assert_eq!(human.code, 1);
    assert!(
        human.stderr.contains("5 mutants survived every case"),
        "{}",
        human.stderr
    );
    let json = permspec(&["test", file, "--mutate", "--format", "json"]);
    let last: serde_json::Value =
        serde_json::from_str(json.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(
        (last["event"].as_str(), last["survived"].as_u64()),
        (Some("failed"), Some(5))
    );
    let junit = permspec(&["test", file, "--mutate", "--format", "junit"]);
    assert_eq!(junit.code, 1);
    assert!(
        junit
            .stdout
            .contains("<testsuites name=\"permspec\" tests=\"16\" failures=\"5\""),
        "{}",
        junit.stdout
    );
    assert_eq!(junit.stdout.matches("type=\"mutation\"").count(), 5);
}

#[test]
fn under_strict_a_change_under_either_reading_is_not_equivalent() {
    let (code, fates) = fates("fixtures/mutation/strict-readings.yaml");
    assert_eq!(code, 1);
    let survived: Vec<_> = fates
        .iter()
        .filter(|(fate, ..)| fate == "survived")
        .collect();
    assert_eq!(
        survived,
        [&(
            "survived".to_owned(),
            "widen `documents.*` to `*` in key `bot`".to_owned(),
            "bot users.view deny".to_owned()
        )],
        "{fates:?}"
    );
    assert!(
        fates.iter().all(|(fate, ..)| fate != "equivalent"),
        "{fates:?}"
    );
}

#[test]
fn a_root_key_wider_than_its_uses_survives_being_narrowed_to_them() {
    let (code, wide) = fates("fixtures/mutation/narrow-to-uses.yaml");
    assert_eq!(code, 1);
    let survived: Vec<&String> = (wide.iter())
        .filter(|(fate, ..)| fate == "survived")
        .map(|(_, mutation, _)| mutation)
        .collect();
    assert_eq!(
        survived,
        ["narrow key `support_tool` to the grants its `uses:` need: `api.api_1.read_key`"],
        "{wide:?}"
    );
    // Narrowed to exactly what `uses:` needs, no such mutant is made.
    let directory = tempfile::tempdir().unwrap();
    let narrow = std::fs::read_to_string("fixtures/mutation/narrow-to-uses.yaml")
        .unwrap()
        .replace("[api.*.read_key]", "[api.api_1.read_key]");
    let path = directory.path().join("narrow.yaml");
    std::fs::write(&path, narrow).unwrap();
    let (_, fates) = fates(path.to_str().unwrap());
    assert!(
        fates
            .iter()
            .all(|(_, mutation, _)| !mutation.starts_with("narrow key")),
        "{fates:?}"
    );
}

#[test]
fn a_surviving_root_key_mutant_is_told_by_a_route_case() {
    let run = permspec(&[
        "test",
        "examples/findings/root-keys.yaml",
        "--mutate",
        "--format",
        "json",
    ]);
    let last = run.stdout.lines().last().unwrap();
    let mutation: serde_json::Value = serde_json::from_str(last).unwrap();
    let survivors: Vec<&serde_json::Value> = (mutation["files"][0]["mutants"].as_array().unwrap())
        .iter()
        .filter(|mutant| mutant["fate"] == "survived")
        .collect();
    assert!(!survivors.is_empty(), "{last}");
    for mutant in survivors {
        let case = &mutant["suggested_case"];
        assert!(
            case["route"].is_string() && case["query"].is_null(),
            "{mutant}"
        );
    }
}
