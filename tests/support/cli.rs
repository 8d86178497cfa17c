//! Running the `permspec` binary in tests.

use assert_cmd::Command;

/// What a run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Standard error with the lines of each wrapped message and hint joined: what a
    /// test looks for in a report.
    pub said: String,
}

/// Runs `permspec` with `args` and `stdin`, without colour settings from the environment.
pub fn permspec_with_input(args: &[&str], stdin: &str) -> Run {
    run(Command::cargo_bin("permspec").unwrap().args(args), stdin)
}

/// Runs `permspec` with `args` in `directory` (where it looks for `permspec.toml`).
pub fn permspec_in(directory: &std::path::Path, args: &[&str]) -> Run {
    let mut command = Command::cargo_bin("permspec").unwrap();
    run(command.current_dir(directory).args(args), "")
}

fn run(command: &mut Command, stdin: &str) -> Run {
    let output = command
        .env_remove("NO_COLOR")
        .write_stdin(stdin)
        .output()
        .unwrap();
    Run::of(output)
}

impl Run {
    /// What a finished process produced; its output must be UTF-8.
    pub fn of(output: std::process::Output) -> Run {
        let stderr = String::from_utf8(output.stderr).unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            said: unwrapped(&stderr),
            stderr,
        }
    }
}

/// `report` with each message's and hint's continuation lines (`  │ `, eight spaces)
/// joined to the line before.
fn unwrapped(report: &str) -> String {
    report.replace("\n  │ ", " ").replace("\n        ", " ")
}

/// Runs `permspec` with `args` and empty standard input.
pub fn permspec(args: &[&str]) -> Run {
    permspec_with_input(args, "")
}
