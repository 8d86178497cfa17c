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

#[test]
fn every_page_the_man_page_refers_to_is_written_with_its_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let run = permspec(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let main = std::fs::read_to_string(dir.path().join("permspec.1")).unwrap();
    for command in COMMANDS.iter().filter(|command| **command != "help") {
        let page = dir.path().join(format!("permspec-{command}.1"));
        let text = std::fs::read_to_string(&page)
            .unwrap_or_else(|_| panic!("permspec.1 refers to {}", page.display()));
        assert!(
            text.contains(&format!(".TH permspec-{command} 1")),
            "{command}"
        );
        assert!(text.contains(".SH \"EXIT STATUS\""), "{command}");
        assert!(
            text.contains(&format!(".SH SYNOPSIS\n\\fBpermspec {command}\\fR")),
            "the synopsis of {command} reads as it is typed"
        );
    }
    assert!(main.contains(".SH \"EXIT STATUS\""));
    let lint = std::fs::read_to_string(dir.path().join("permspec-lint.1")).unwrap();
    assert!(lint.contains("A finding reached the failing level"));
}
