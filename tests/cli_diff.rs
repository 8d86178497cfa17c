//! `permspec diff`: each kind of change in every output format, exit codes, directories and
//! git revisions.

mod support;

use support::cli::{permspec, permspec_in};
use support::git::git;

const KINDS: [&str; 7] = [
    "grant-added",
    "grant-removed",
    "wildcard-widened",
    "role-reassigned",
    "key-added",
    "semantics-switched",
    "acknowledged",
];

fn diff(kind: &str, format: &str) -> support::cli::Run {
    let old = format!("fixtures/diff/{kind}/old.yaml");
    let new = format!("fixtures/diff/{kind}/new.yaml");
    permspec(&["diff", &old, &new, "--format", format, "--color", "never"])
}

#[test]
fn each_kind_of_change_in_each_format() {
    for kind in KINDS {
        let human = diff(kind, "human");
        insta::assert_snapshot!(format!("{kind}_human"), human.stdout);
        let json: serde_json::Value = serde_json::from_str(&diff(kind, "json").stdout).unwrap();
        insta::assert_json_snapshot!(format!("{kind}_json"), json);
        insta::assert_snapshot!(format!("{kind}_markdown"), diff(kind, "markdown").stdout);
    }
}

#[test]
fn unacknowledged_widening_fails_and_narrowing_passes() {
    let codes: Vec<(&str, i32)> = KINDS
        .iter()
        .map(|kind| (*kind, diff(kind, "json").code))
        .collect();
    assert_eq!(
        codes,
        [
            ("grant-added", 1),
            ("grant-removed", 0),
            ("wildcard-widened", 1),
            ("role-reassigned", 1),
            ("key-added", 1),
            ("semantics-switched", 1),
            ("acknowledged", 0),
        ]
    );
    let run = permspec(&[
        "diff",
        "fixtures/diff/grant-added/old.yaml",
        "fixtures/diff/grant-added/new.yaml",
        "--allow-widening",
    ]);
    assert_eq!(run.code, 0);
}

#[test]
fn identical_versions_have_no_changes() {
    let run = permspec(&["diff", "policies", "policies", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["policies"], serde_json::json!([]));
    assert_eq!(json["flips"], serde_json::json!([]));
    assert_eq!(json["findings"], serde_json::json!([]));
}

#[test]
fn directories_pair_files_by_relative_path() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    for side in [&old, &new] {
        std::fs::create_dir_all(side.join("team")).unwrap();
        std::fs::copy("fixtures/diff/base.yaml", side.join("team/p.yaml")).unwrap();
    }
    std::fs::copy("fixtures/diff/key-added/new.yaml", new.join("team/p.yaml")).unwrap();
    let run = permspec(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let keys = &json["policies"][0]["keys"];
    assert_eq!(keys.as_array().unwrap().len(), 1, "{json:#}");
    assert_eq!(keys[0]["key"], "dave");
    assert_eq!(keys[0]["presence"], "added");
}

#[test]
fn base_revision_is_read_with_git_show() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    std::fs::create_dir(repo.join("policies")).unwrap();
    std::fs::copy("fixtures/diff/base.yaml", repo.join("policies/p.yaml")).unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "base"]);
    std::fs::copy(
        "fixtures/diff/role-reassigned/new.yaml",
        repo.join("policies/p.yaml"),
    )
    .unwrap();

    let output = permspec_in(repo, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(json["policies"][0]["file"], "policies/p.yaml");
    let bob = &json["policies"][0]["keys"][0];
    assert_eq!(bob["key"], "bob");
    assert_eq!(bob["gained"][0]["permission"], "documents.write");
    assert_eq!(bob["roles_added"], serde_json::json!(["editor"]));

    let output = permspec_in(repo, &["diff", "--base", "no-such-revision"]);
    assert_eq!(output.code, 2);
    assert!(output.stderr.contains("no-such-revision"));
}

#[test]
fn bad_arguments_are_unusable_input() {
    let run = permspec(&["diff", "fixtures/diff/base.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("give OLD and NEW"), "{}", run.stderr);
    let run = permspec(&[
        "diff",
        "fixtures/diff/base.yaml",
        "fixtures/load-errors/empty.yaml",
    ]);
    assert_eq!(run.code, 2);
}
