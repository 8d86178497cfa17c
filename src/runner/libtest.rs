//! Tests as libtest-mimic trials: the output, filters and threads of `cargo test`.

use super::Test;
use libtest_mimic::{Arguments, Conclusion, Trial};
use std::sync::{Arc, OnceLock};

/// What a libtest-mimic run concluded, and the tests that ran and passed.
pub struct LibtestRun {
    /// libtest-mimic's counts.
    pub conclusion: Conclusion,
    /// The tests that ran and passed, in order: only these exercise a policy.
    pub passed: Vec<Test>,
}

/// Runs `tests` as libtest-mimic does, printing its usual output; a failing trial prints
/// its rendered report.
pub fn run_libtest(tests: Vec<Test>, arguments: &Arguments, color: bool) -> LibtestRun {
    let tests: Arc<[Test]> = tests.into();
    let passed: Arc<[OnceLock<bool>]> = tests.iter().map(|_| OnceLock::new()).collect();
    let trials = (0..tests.len()).map(|index| {
        let test = &tests[index];
        let (tests, passed) = (Arc::clone(&tests), Arc::clone(&passed));
        Trial::test(test.name(), move || {
            let result = tests[index].run();
            let _ = passed[index].set(result.passed);
            match result.report(color) {
                Some(report) if !result.passed => Err(report.into()),
                _ => Ok(()),
            }
        })
        .with_ignored_flag(test.is_ignored())
    });
    let conclusion = libtest_mimic::run(arguments, trials.collect());
    let passed = tests
        .iter()
        .zip(passed.iter())
        .filter(|(_, passed)| passed.get() == Some(&true))
        .map(|(test, _)| test.clone())
        .collect();
    LibtestRun { conclusion, passed }
}
