//! Running git in a test repository.

use std::path::Path;
use std::process::Command;

/// Runs `git args` in `repo` with a fixed identity; panics if it fails.
pub fn git(repo: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=permspec",
            "-c",
            "user.email=permspec@example.com",
        ])
        .args(args)
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {output:?}");
}
