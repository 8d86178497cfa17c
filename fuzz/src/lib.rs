//! What the policy fuzz targets do with a file: load it, run its cases, lint it, and render
//! every diagnostic, as `permspec test` and `permspec lint` would. Any panic is a bug.

use permspec::lint::{Config, lint_files};
use permspec::policy::Limits;
use permspec::report::Renderer;
use permspec::runner::collect;
use std::path::PathBuf;

/// Writes `text` to a policy file in a fresh directory and puts it through the tool.
pub fn exercise_policy(text: &[u8]) {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("policy.yaml");
    std::fs::write(&path, text).expect("the policy file is written");
    let files: Vec<PathBuf> = vec![path];
    let renderer = Renderer::new(false);

    let tests = collect(
        &files,
        None,
        jiff::Timestamp::UNIX_EPOCH,
        &Limits::default(),
    );
    for test in &tests {
        let result = test.run();
        if let Some(failure) = &result.failure {
            renderer.render(failure);
        }
    }

    let today = jiff::civil::date(2026, 1, 1);
    let (groups, errors) = lint_files(&files, &Config::default(), today);
    for error in &errors {
        renderer.render(error);
    }
    for finding in groups.iter().flat_map(|group| &group.findings) {
        renderer.render(&finding.diagnostic());
    }
}
