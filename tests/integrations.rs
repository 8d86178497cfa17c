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

/// The action's script steps (not the steps that use another action), with
/// `${{ inputs.NAME }}` replaced by `inputs`.
fn action_steps(inputs: &[(&str, &str)]) -> Vec<Step> {
    let action = yaml("action.yml");
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    steps
        .iter()
        .filter(|step| step.get("run").is_some())
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
    run_step_with(
        step,
        repo,
        &[("GITHUB_STEP_SUMMARY", summary.as_os_str())],
        &path_with_permspec(),
    )
}

/// Runs a step's script with `environment` and `path` as `PATH`.
fn run_step_with(
    step: &Step,
    directory: &Path,
    environment: &[(&str, &std::ffi::OsStr)],
    path: &str,
) -> i32 {
    Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &step.run])
        .envs(step.env.iter().map(|(name, value)| (name, value)))
        .envs(environment.iter().copied())
        .env("PATH", path)
        .current_dir(directory)
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
        ("scan-sarif-file", "c"),
    ]);
    let ids: Vec<&str> = steps.iter().map(|step| step.id.as_str()).collect();
    assert_eq!(ids, ["key", "install", "test", "lint", "scan", "diff"]);
    for step in action["runs"]["steps"].as_sequence().unwrap() {
        match step.get("uses") {
            // The one other action: GitHub's cache, for the built binary.
            Some(uses) => assert_eq!(uses, "actions/cache@v4"),
            None => assert_eq!(step["shell"], "bash"),
        }
    }
    let install = &steps[1].run;
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
        ("scan-sarif-file", "permspec-scan.sarif"),
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
        ("scan-sarif-file", "permspec-scan.sarif"),
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
    assert_eq!(ids, ["permspec-lint", "permspec-test", "permspec-scan"]);
    let repo = repository();
    for hook in hooks.iter().filter(|hook| hook["id"] != "permspec-scan") {
        assert_eq!(hook["language"], "rust");
        assert!(hook["name"].is_string() && hook["files"].is_string());
        let entry = hook["entry"].as_str().unwrap();
        let words: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(words[0], "permspec");
        let run = |repo: &Path| run_entry(&words, repo);
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

/// The exit code of a hook's entry (`permspec` and its arguments) run in `repo`.
fn run_entry(words: &[&str], repo: &Path) -> i32 {
    Command::new(env!("CARGO_BIN_EXE_permspec"))
        .args(&words[1..])
        .current_dir(repo)
        .output()
        .unwrap()
        .status
        .code()
        .unwrap()
}

/// A repository whose code asks for `query`, with `[scan]` over its `src`.
fn repository_with_code(query: &str) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let init = Command::new(env!("CARGO_BIN_EXE_permspec"))
        .args(["init", "policies", "--scan", "src"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert!(init.status.success());
    std::fs::create_dir(repo.path().join("src")).unwrap();
    std::fs::write(
        repo.path().join("src/app.ts"),
        format!("await unkey.keys.verifyKey({{ key, permissions: \"{query}\" }});\n"),
    )
    .unwrap();
    repo
}

#[test]
fn the_scan_hook_and_step_check_the_code_against_the_policies() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = (hooks.as_sequence().unwrap().iter())
        .find(|hook| hook["id"] == "permspec-scan")
        .unwrap();
    let entry = hook["entry"].as_str().unwrap();
    let words: Vec<&str> = entry.split_whitespace().collect();
    let run = |repo: &Path| run_entry(&words, repo);
    let good = repository_with_code("documents.write AND users.view");
    assert_eq!(
        run(good.path()),
        0,
        "{entry} passes on code the policy serves"
    );
    let typo = repository_with_code("documents:write");
    assert_eq!(
        run(typo.path()),
        1,
        "{entry} fails on a misnamed permission"
    );

    let steps = action_steps(&[
        ("paths", "policies"),
        ("sarif-file", "permspec.sarif"),
        ("base", ""),
        ("allow-widening", "false"),
        ("scan-sarif-file", "scan.sarif"),
    ]);
    let scan = steps.iter().find(|step| step.id == "scan").unwrap();
    let summary = typo.path().join("summary.md");
    assert_eq!(run_step(scan, typo.path(), &summary), 1);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(typo.path().join("scan.sarif")).unwrap())
            .unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "C002");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/app.ts"
    );
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
    assert!(readme.contains("examples/github-workflow.yml"));
    assert!(
        uses.contains(&"permspec/permspec@main"),
        "no release is tagged: the example pins what exists"
    );
}

#[test]
fn no_example_pins_a_release_that_does_not_exist() {
    // permspec has no tagged release yet: an example that pins `v0.1.0` fails for whoever
    // copies it.
    for file in [
        "README.md",
        ".pre-commit-hooks.yaml",
        "examples/github-workflow.yml",
    ] {
        let text = std::fs::read_to_string(file).unwrap();
        for line in text.lines() {
            let pins_a_tag = ["rev: v", "permspec@v"]
                .iter()
                .any(|pin| line.contains(pin));
            assert!(!pins_a_tag, "{file}: {line}");
        }
    }
}

/// The action's script step `id`, its inputs all given.
fn action_step(id: &str) -> Step {
    let inputs = [
        ("paths", "p"),
        ("sarif-file", "s"),
        ("base", "b"),
        ("allow-widening", "false"),
        ("scan-sarif-file", "permspec-scan.sarif"),
    ];
    let steps = action_steps(&inputs);
    steps.into_iter().find(|step| step.id == id).unwrap()
}

#[test]
fn the_cache_key_changes_with_the_sources_and_nothing_else() {
    let source = tempfile::tempdir().unwrap();
    for (file, text) in [
        ("Cargo.toml", "[package]\n"),
        ("Cargo.lock", "version = 4\n"),
        ("src/main.rs", "fn main() {}\n"),
        ("grammar/query.pest", "query = { ANY }\n"),
        ("README.md", "# readme\n"),
    ] {
        let path = source.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let key = || {
        let output = source.path().join("output");
        let environment = [
            ("GITHUB_ACTION_PATH", source.path().as_os_str()),
            ("GITHUB_OUTPUT", output.as_os_str()),
            ("RUNNER_OS", "Linux".as_ref()),
            ("RUNNER_ARCH", "X64".as_ref()),
        ];
        let path = std::env::var("PATH").unwrap();
        assert_eq!(
            run_step_with(&action_step("key"), source.path(), &environment, &path),
            0
        );
        let written = std::fs::read_to_string(&output).unwrap();
        std::fs::remove_file(&output).unwrap();
        written.trim().strip_prefix("key=").unwrap().to_owned()
    };
    let first = key();
    assert!(first.starts_with("permspec-Linux-X64-"), "{first}");
    assert_eq!(first.len(), "permspec-Linux-X64-".len() + 64, "{first}");
    assert_eq!(key(), first, "the same sources, the same key");
    std::fs::write(source.path().join("README.md"), "# changed\n").unwrap();
    assert_eq!(key(), first, "documentation does not go into the binary");
    std::fs::write(source.path().join("src/main.rs"), "fn main() { }\n").unwrap();
    let changed = key();
    assert_ne!(changed, first, "a change of source builds again");
    std::fs::write(source.path().join("Cargo.lock"), "version = 3\n").unwrap();
    assert_ne!(key(), changed, "a change of dependencies builds again");
}

#[test]
fn a_cached_binary_is_used_and_cargo_runs_only_without_one() {
    let runner = tempfile::tempdir().unwrap();
    // A `cargo` that records its arguments and fails: the step must not need it when the
    // binary is cached.
    let stubs = runner.path().join("stubs");
    std::fs::create_dir(&stubs).unwrap();
    let called = runner.path().join("cargo-called");
    let stub = stubs.join("cargo");
    std::fs::write(
        &stub,
        format!("#!/bin/sh\necho \"$@\" > '{}'\nexit 1\n", called.display()),
    )
    .unwrap();
    std::fs::set_permissions(&stub, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let temp = runner.path().join("temp");
    let github_path = runner.path().join("github-path");
    let environment = [
        ("RUNNER_TEMP", temp.as_os_str()),
        ("GITHUB_PATH", github_path.as_os_str()),
        ("GITHUB_ACTION_PATH", runner.path().as_os_str()),
    ];
    let path = format!("{}:{}", stubs.display(), std::env::var("PATH").unwrap());
    let install = action_step("install");

    assert_ne!(
        run_step_with(&install, runner.path(), &environment, &path),
        0
    );
    let arguments = std::fs::read_to_string(&called).unwrap();
    assert!(arguments.starts_with("install --locked"), "{arguments}");

    std::fs::remove_file(&called).unwrap();
    let cached = temp.join("permspec/bin");
    std::fs::create_dir_all(&cached).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_permspec"), cached.join("permspec")).unwrap();
    assert_eq!(
        run_step_with(&install, runner.path(), &environment, &path),
        0
    );
    assert!(
        !called.exists(),
        "cargo is not run when the binary is cached"
    );
    let added = std::fs::read_to_string(&github_path).unwrap();
    assert_eq!(added.trim(), cached.display().to_string());
}
