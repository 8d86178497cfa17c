//! Completions and the man page come from the command-line definition: every command is in
//! them, and the scripts are valid for their shell.

mod support;

use support::cli::permspec;

const COMMANDS: [&str; 12] = [
    "parse",
    "check",
    "test",
    "schema",
    "lint",
    "rules",
    "diff",
    "import",
    "init",
    "completions",
    "man",
    "help",
];

#[test]
fn completions_cover_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = permspec(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}");
        for command in COMMANDS {
            assert!(
                run.stdout.contains(command),
                "{shell} completes `{command}`"
            );
        }
    }
}

#[test]
fn the_bash_script_parses() {
    let run = permspec(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("permspec.bash");
    std::fs::write(&script, run.stdout).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn the_man_page_lists_every_command() {
    let run = permspec(&["man"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains(".TH permspec 1"));
    for command in COMMANDS.iter().filter(|command| **command != "help") {
        assert!(
            run.stdout.contains(&format!("permspec\\-{command}"))
                || run.stdout.contains(&format!("{command}(1)")),
            "the man page names `{command}`"
        );
    }
}
