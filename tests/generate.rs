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
