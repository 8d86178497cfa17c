//! What the policy fuzz targets do with a file: load it, run its cases, lint it, and render
//! every diagnostic, as `permspec test` and `permspec lint` would, and fix it as
//! `permspec lint --fix` would. Any panic is a bug.

use permspec::lint::{Config, fix_files, lint_files};
use permspec::policy::{Limits, Loader, Resolved, TestFile, Verdict};
use permspec::query::Query;
use permspec::report::Renderer;
use permspec::runner::collect;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

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
    )
    .tests;
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

/// `permspec lint --fix` on a policy file: the fixed file loads, every key decides every
/// permission of the catalog, the cases and the named grants as before (safe fixes keep
/// every decision), and a file whose fixes are refused is left byte for byte.
pub fn fix_round_trip(text: &[u8]) {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("policy.yaml");
    std::fs::write(&path, text).expect("the policy file is written");
    let Ok(before) = Loader::default().load(&path) else {
        return;
    };
    let probes = probed_permissions(&before);
    let decisions_before = decisions(&before, &probes);
    let today = jiff::civil::date(2026, 1, 1);
    let report = fix_files(
        std::slice::from_ref(&path),
        &Config::default(),
        today,
        false,
    );
    let after_text = std::fs::read(&path).expect("the policy file is still there");
    if !report.errors.is_empty() && report.fixed.is_empty() {
        assert_eq!(after_text, text, "a refused fix changed the file");
        return;
    }
    let after = Loader::default()
        .load(&path)
        .expect("a fixed file always loads");
    assert_eq!(
        decisions(&after, &probes),
        decisions_before,
        "a safe fix changed a decision:\n{}",
        String::from_utf8_lossy(&after_text)
    );
}

/// The catalog, the permissions the cases ask for, and the permissions granted by name.
fn probed_permissions(file: &TestFile) -> BTreeSet<String> {
    let policy = &file.policy;
    let mut probes: BTreeSet<String> = policy
        .catalog
        .iter()
        .flatten()
        .map(|entry| entry.value.clone())
        .collect();
    for (_, text) in file.query_checks() {
        if let Ok(query) = permspec::query::parse(&text.text) {
            probes.extend(
                query
                    .permissions()
                    .into_iter()
                    .map(|(name, _)| name.to_owned()),
            );
        }
    }
    let grants = policy
        .roles
        .iter()
        .flat_map(|role| &role.permissions)
        .chain(policy.keys.iter().flat_map(|key| &key.permissions));
    probes.extend(
        grants
            .map(|grant| grant.value.clone())
            .filter(|grant| !grant.split('.').any(|segment| segment == "*")),
    );
    probes
}

/// Each key's verdict on each probe, under the file's semantics.
fn decisions(file: &TestFile, probes: &BTreeSet<String>) -> Vec<Verdict> {
    let resolved = Resolved::new(Arc::clone(&file.policy));
    let now = jiff::Timestamp::UNIX_EPOCH;
    let keys = file.policy.keys.iter().map(|key| key.name.value.clone());
    keys.flat_map(|key| {
        probes
            .iter()
            .map(|probe| {
                let query = Query::permission(probe.as_str());
                resolved.verdict(&key, &query, file.semantics, now)
            })
            .collect::<Vec<_>>()
    })
    .collect()
}
