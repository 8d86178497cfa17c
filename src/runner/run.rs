//! Running one check or assertion, whichever kind of subject it asks: decided through
//! [`Asked`], and reported by [`failure`] when it does not hold.

use super::{LoadedFile, TestResult, failure};
use crate::diagnostic::FileDiagnostic;
use crate::policy::{Asked, Assertion, Check, Expect, Expectation, Response, Subject};
use crate::query::unkey_limits;

/// Runs `check` of `loaded`.
pub(super) fn run_check(loaded: &LoadedFile, check: &Check) -> TestResult {
    let expected = check.expect.value;
    let mut result = TestResult {
        passed: false,
        expected: expected.describe(),
        actual: "error".into(),
        code: None,
        semantics: check.subject.query().map(|_| loaded.semantics),
        failure: None,
    };
    let asked = match asked(loaded, check) {
        Ok(asked) => asked,
        Err(rejection) => {
            result.passed = expected == Expectation::Same(Expect::Error);
            result.failure = (!result.passed).then_some(rejection);
            return result;
        }
    };
    let decided = asked.decide(
        &loaded.resolved,
        &check.key.value,
        loaded.semantics,
        loaded.now,
    );
    result.passed = decided.meets(check);
    result.code = decided.code();
    let word = if decided.allowed() { "allow" } else { "deny" };
    // A check that pins a status is about the status too: it shows in both words.
    (result.expected, result.actual) = match (&decided, check.status()) {
        (Response::Root(outcome), Some(pinned)) => (
            format!("{} ({})", expected.describe(), pinned.value).into(),
            format!("{word} ({})", outcome.status).into(),
        ),
        _ => (expected.describe(), word.into()),
    };
    if !result.passed {
        result.failure = Some(failure::check(loaded, check, &asked));
    }
    result
}

/// The subject of `check` ready to decide, or why Unkey rejects its query before deciding:
/// a syntax error, or a query over Unkey's limits.
fn asked<'a>(loaded: &LoadedFile, check: &'a Check) -> Result<Asked<'a>, FileDiagnostic> {
    match (&check.subject, Asked::of(&check.subject)) {
        (Subject::Query(query), Err(error)) => Err(failure::syntax(loaded, (check, query), &error)),
        (Subject::Query(query), Ok(Asked::Query(parsed))) => {
            match unkey_limits(&query.text, &parsed).first() {
                Some(violation) => Err(failure::limit(loaded, (check, query), violation)),
                None => Ok(Asked::Query(parsed)),
            }
        }
        (_, Ok(asked)) => Ok(asked),
        (_, Err(_)) => unreachable!("only a query is parsed"),
    }
}

/// Runs `assertion` of `loaded`: the keys allowed must be exactly the listed ones.
pub(super) fn run_assertion(loaded: &LoadedFile, assertion: &Assertion) -> TestResult {
    let listed: Vec<&str> = (assertion.keys.iter())
        .map(|key| key.value.as_str())
        .collect();
    let mut result = TestResult {
        passed: false,
        expected: listed.join(", ").into(),
        actual: "error".into(),
        code: None,
        semantics: assertion.subject.query().map(|_| loaded.semantics),
        failure: None,
    };
    let asked = match (&assertion.subject, Asked::of(&assertion.subject)) {
        (_, Ok(asked)) => asked,
        (Subject::Query(query), Err(error)) => {
            result.failure = Some(failure::access_syntax(loaded, query, &error));
            return result;
        }
        (_, Err(_)) => unreachable!("only a query is parsed"),
    };
    let resolved = &loaded.resolved;
    let allowed: Vec<&str> = (resolved.policy.keys.iter())
        .filter(|key| asked.allows(resolved, key, loaded.semantics, loaded.now))
        .map(|key| key.name.value.as_str())
        .collect();
    result.actual = allowed.join(", ").into();
    let mut expected = listed.clone();
    expected.sort_unstable();
    let mut actual = allowed;
    actual.sort_unstable();
    result.passed = expected == actual;
    if !result.passed {
        result.failure = Some(failure::assertion(loaded, assertion, &asked, &listed));
    }
    result
}
