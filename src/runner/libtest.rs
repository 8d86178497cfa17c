//! Tests as libtest-mimic trials: the output, filters and threads of `cargo test`.

use super::Test;
use libtest_mimic::{Arguments, Conclusion, Trial};

/// One trial per test; a failing trial carries its rendered report.
pub fn trials(tests: Vec<Test>, color: bool) -> Vec<Trial> {
    tests
        .into_iter()
        .map(|mut test| {
            let ignored = test.ignored;
            // The trial owns the name from here on; running needs only the body.
            let name = std::mem::take(&mut test.name);
            Trial::test(name, move || {
                let result = test.run();
                match result.report(color) {
                    Some(report) if !result.passed => Err(report.into()),
                    _ => Ok(()),
                }
            })
            .with_ignored_flag(ignored)
        })
        .collect()
}

/// Runs `tests` as libtest-mimic does, printing its usual output.
pub fn run_libtest(tests: Vec<Test>, arguments: &Arguments, color: bool) -> Conclusion {
    libtest_mimic::run(arguments, trials(tests, color))
}
