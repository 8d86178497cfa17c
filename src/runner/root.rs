//! Running root-key cases and access assertions on routes, decided by
//! [`crate::policy::decide_root`].

use super::{LoadedFile, TestResult, failure};
use crate::policy::{Expect, Key, RootCase, RootOutcome, decide_root};

/// Whether `outcome` is what `case` expects: its verdict, and its pinned status if any.
pub fn holds(case: &RootCase, outcome: &RootOutcome) -> bool {
    outcome.allowed == (case.expect.value == Expect::Allow)
        && case
            .status
            .as_ref()
            .is_none_or(|pinned| pinned.value == outcome.status)
}

fn word(allowed: bool) -> &'static str {
    if allowed { "allow" } else { "deny" }
}

/// Runs the root-key case `index` of `loaded`.
pub fn run_case(loaded: &LoadedFile, index: usize) -> TestResult {
    let case = &loaded.file.root_cases[index];
    let key = loaded
        .file
        .policy
        .key(&case.key.value)
        .expect("the loader checked the root key");
    let outcome = decide_root(&loaded.file.policy, key, &case.check, loaded.now);
    let passed = holds(case, &outcome);
    // A case that pins a status is about the status too: it shows in both words.
    let (expected, actual) = match &case.status {
        Some(pinned) => (
            format!("{} ({})", case.expect.value.word(), pinned.value).into(),
            format!("{} ({})", word(outcome.allowed), outcome.status).into(),
        ),
        None => (
            case.expect.value.word().into(),
            word(outcome.allowed).into(),
        ),
    };
    TestResult {
        passed,
        expected,
        actual,
        code: None,
        semantics: None,
        failure: (!passed).then(|| failure::root_case(loaded, case, key, &outcome)),
    }
}

/// Runs the access assertion on a route `index` of `loaded`.
pub fn run_access(loaded: &LoadedFile, index: usize) -> TestResult {
    let assertion = &loaded.file.route_access[index];
    let root_keys = loaded
        .file
        .policy
        .keys
        .iter()
        .filter(|key| key.kind == crate::policy::KeyKind::Root);
    let outcomes: Vec<(&Key, RootOutcome)> = root_keys
        .map(|key| {
            (
                key,
                decide_root(&loaded.file.policy, key, &assertion.check, loaded.now),
            )
        })
        .collect();
    let mut allowed: Vec<&str> = outcomes
        .iter()
        .filter(|(_, outcome)| outcome.allowed)
        .map(|(key, _)| key.name.value.as_str())
        .collect();
    let mut listed: Vec<&str> = assertion
        .keys
        .iter()
        .map(|key| key.value.as_str())
        .collect();
    let expected = listed.join(", ");
    let actual = allowed.join(", ");
    allowed.sort_unstable();
    listed.sort_unstable();
    let passed = allowed == listed;
    TestResult {
        passed,
        expected: expected.into(),
        actual: actual.into(),
        code: None,
        semantics: None,
        failure: (!passed).then(|| failure::route_access(loaded, assertion, &outcomes)),
    }
}
