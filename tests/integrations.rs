//! The GitHub Action, the pre-commit hooks and the example workflow: their files are valid,
//! and the commands they run do what they promise on a real suite in a git repository.

mod support;

use serde_yaml::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::git::git;

fn yaml(path: &str) -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The directory of the binary under test, to put first on `PATH`.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_permspec"))
        .parent()
        .unwrap()
        .to_owned()
}

fn path_with_permspec() -> String {
    format!("{}:{}", bin_dir().display(), std::env::var("PATH").unwrap())
}

/// A git repository whose `policies/` holds the starter suite, committed.
fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let init = Command::new(env!("CARGO_BIN_EXE_permspec"))
        .args(["init", "policies"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert!(init.status.success());
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "policies"]);
    repo
}

/// A new key with the reader role and `users.view` (a widening), with a case for the role
/// so that tests and lint pass; `users.view` has no case, so the widening is not expected.
fn add_auditor(repo: &Path) {
    let policy = repo.join("policies/policy.yaml");
    let text = std::fs::read_to_string(&policy).unwrap();
    let text = text
        .replace(
            "keys:\n",
            "keys:\n  auditor:\n    description: the compliance dashboard\n    \
             roles: [reader]\n    permissions: [users.view]\n",
        )
        .replace(
            "cases:\n",
            "cases:\n  - {key: auditor, query: documents.read, expect: allow}\n",
        );
    std::fs::write(&policy, text).unwrap();
}

struct Step {
    id: String,
    run: String,
    env: Vec<(String, String)>,
}

/// The action's steps, with `${{ inputs.NAME }}` replaced by `inputs`.
fn action_steps(inputs: &[(&str, &str)]) -> Vec<Step> {
    let action = yaml("action.yml");
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    steps
        .iter()
        .map(|step| {
            let env = step["env"]
                .as_mapping()
                .map(|env| {
                    env.iter()
                        .map(|(name, value)| {
                            let mut value = value.as_str().unwrap().to_owned();
                            for (input, given) in inputs {
                                value = value.replace(&format!("${{{{ inputs.{input} }}}}"), given);
                            }
                            assert!(!value.contains("${{"), "every input is given: {value}");
                            (name.as_str().unwrap().to_owned(), value)
                        })
                        .collect()
                })
                .unwrap_or_default();
            Step {
                id: step["id"].as_str().unwrap().to_owned(),
                run: step["run"].as_str().unwrap().to_owned(),
                env,
            }
        })
        .collect()
}

/// Runs a step's script as GitHub runs a `shell: bash` step, its output captured (a
/// deliberately failing suite must not look like a failure of `cargo test`).
fn run_step(step: &Step, repo: &Path, summary: &Path) -> i32 {
    Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &step.run])
        .envs(step.env.iter().map(|(name, value)| (name, value)))
        .env("PATH", path_with_permspec())
        .env("GITHUB_STEP_SUMMARY", summary)
        .current_dir(repo)
        .output()
        .unwrap()
        .status
        .code()
        .unwrap()
}

#[test]
fn the_action_is_composite_installs_only_crates_and_uses_bash() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action_steps(&[
        ("paths", "p"),
        ("sarif-file", "s"),
        ("base", "b"),
        ("allow-widening", "false"),
    ]);
    let ids: Vec<&str> = steps.iter().map(|step| step.id.as_str()).collect();
    assert_eq!(ids, ["install", "test", "lint", "diff"]);
    for step in action["runs"]["steps"].as_sequence().unwrap() {
        assert_eq!(step["shell"], "bash");
        assert!(step.get("uses").is_none(), "no other action is pulled in");
    }
    let install = &steps[0].run;
    assert!(install.contains("cargo install --locked --quiet --path \"$GITHUB_ACTION_PATH\""));
    for step in &steps {
        for fetcher in ["curl", "wget", "http://", "https://", "git clone"] {
            assert!(!step.run.contains(fetcher), "{}: no downloads", step.id);
        }
    }
}

#[test]
fn the_action_s_steps_test_lint_and_diff_a_pull_request() {
    let repo = repository();
    let base = String::from_utf8(
        Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(repo.path())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    add_auditor(repo.path());
    let summary = repo.path().join("summary.md");
    let inputs = [
        ("paths", "policies"),
        ("sarif-file", "permspec.sarif"),
        ("base", base.trim()),
        ("allow-widening", "false"),
    ];
    let steps = action_steps(&inputs);
    let step = |id: &str| steps.iter().find(|step| step.id == id).unwrap();

    assert_eq!(run_step(step("test"), repo.path(), &summary), 0);
    assert_eq!(run_step(step("lint"), repo.path(), &summary), 0);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("permspec.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");

    assert_eq!(
        run_step(step("diff"), repo.path(), &summary),
        1,
        "the widening fails the job"
    );
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(markdown.contains("auditor"), "{markdown}");
    assert!(markdown.contains("users.view"), "{markdown}");

    let allowed = action_steps(&[
        ("paths", "policies"),
        ("sarif-file", "permspec.sarif"),
        ("base", base.trim()),
        ("allow-widening", "true"),
    ]);
    let diff = allowed.iter().find(|step| step.id == "diff").unwrap();
    assert_eq!(run_step(diff, repo.path(), &summary), 0);

    std::fs::write(repo.path().join("policies/policy.yaml"), "version: 2\n").unwrap();
    assert_eq!(run_step(step("test"), repo.path(), &summary), 2);
    assert_eq!(run_step(step("lint"), repo.path(), &summary), 2);
}

#[test]
fn the_hooks_run_lint_and_test_on_the_suite() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().unwrap();
    let ids: Vec<&str> = hooks
        .iter()
        .map(|hook| hook["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["permspec-lint", "permspec-test"]);
    let repo = repository();
    for hook in hooks {
        assert_eq!(hook["language"], "rust");
        assert!(hook["name"].is_string() && hook["files"].is_string());
        let entry = hook["entry"].as_str().unwrap();
        let words: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(words[0], "permspec");
        let run = |repo: &Path| {
            Command::new(env!("CARGO_BIN_EXE_permspec"))
                .args(&words[1..])
                .current_dir(repo)
                .output()
                .unwrap()
                .status
                .code()
                .unwrap()
        };
        assert_eq!(run(repo.path()), 0, "{entry} passes on a good suite");
        let policy = repo.path().join("policies/policy.yaml");
        let good = std::fs::read_to_string(&policy).unwrap();
        std::fs::write(
            &policy,
            good.replace("permissions: [documents.read]", "permissions: [\"*\"]"),
        )
        .unwrap();
        assert_eq!(run(repo.path()), 1, "{entry} fails on a global wildcard");
        std::fs::write(&policy, good).unwrap();
    }
}

#[test]
fn the_example_workflow_uses_the_action_and_uploads_its_sarif() {
    let workflow = yaml("examples/github-workflow.yml");
    let steps = workflow["jobs"]["policies"]["steps"].as_sequence().unwrap();
    let uses: Vec<&str> = steps
        .iter()
        .filter_map(|step| step["uses"].as_str())
        .collect();
    assert!(
        uses.iter()
            .any(|uses| uses.starts_with("permspec/permspec@"))
    );
    assert_eq!(steps[0]["with"]["fetch-depth"], 0);
    let upload = steps
        .iter()
        .find(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|uses| uses.contains("upload-sarif"))
        })
        .unwrap();
    assert_eq!(
        upload["with"]["sarif_file"],
        "${{ steps.permspec.outputs.sarif-file }}"
    );
    let readme = std::fs::read_to_string("README.md").unwrap();
    let example = std::fs::read_to_string("examples/github-workflow.yml").unwrap();
    assert!(readme.contains("examples/github-workflow.yml"));
    assert!(!example.is_empty());
}
