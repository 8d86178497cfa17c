//! The suite generator: deterministic from its seed, and what it writes loads, passes and
//! lints like any suite.

mod support;

use permspec::generate::{Shape, generate};
use support::cli::permspec;

fn shape(seed: u64) -> Shape {
    Shape {
        seed,
        roles: 10,
        keys: 30,
        cases: 500,
        catalog: 60,
        grants_per_role: 4,
        wildcard_share: 0.2,
        query_depth: 2,
        query_width: 3,
        case_files: 2,
    }
}

fn texts(seed: u64) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let files = generate(&shape(seed), dir.path()).unwrap();
    let texts = files
        .iter()
        .map(|file| std::fs::read_to_string(file).unwrap())
        .collect();
    (dir, texts)
}

#[test]
fn the_same_seed_writes_the_same_suite() {
    assert_eq!(texts(7).1, texts(7).1);
    assert_ne!(texts(7).1, texts(8).1);
}

#[test]
fn a_generated_suite_passes_and_lints() {
    let (dir, texts) = texts(3);
    assert_eq!(texts.len(), 3, "the policy and two case files");
    let cases: usize = texts.iter().map(|text| text.matches("{key:").count()).sum();
    assert_eq!(cases, 500);
    let allows: usize = texts
        .iter()
        .map(|t| t.matches("expect: allow").count())
        .sum();
    assert!(
        (100..=450).contains(&allows),
        "a mix of verdicts: {allows} allow"
    );

    let path = dir.path().to_str().unwrap();
    let run = permspec(&["test", path, "-q"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = permspec(&["lint", path, "--format", "json"]);
    assert_ne!(run.code, 2, "{}", run.stderr);
}

#[test]
fn the_reference_workload_is_one_literal_file_that_passes() {
    use permspec::generate::{Reference, generate_reference};
    let dir = tempfile::tempdir().unwrap();
    let shape = Reference {
        cases: 2_000,
        ..Reference::default()
    };
    let (first, second) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
    generate_reference(&shape, &first).unwrap();
    generate_reference(&shape, &second).unwrap();
    let text = std::fs::read_to_string(&first).unwrap();
    assert_eq!(
        text,
        std::fs::read_to_string(&second).unwrap(),
        "deterministic"
    );
    assert!(text.starts_with("version: 1\nsemantics: literal\n"));
    assert_eq!(text.matches("\n  - {name: c").count(), 2_000);
    let run = permspec(&["test", "-q", first.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("2000 passed"), "{}", run.stdout);
}
