//! Which tests run, with libtest's rules, for the reports that libtest-mimic cannot write
//! (our JSON events with extra fields, and JUnit).

use super::{Test, TestResult};

/// libtest's selection flags.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Run only tests whose name contains this (or equals it, with `exact`).
    pub filter: Option<String>,
    /// Match `filter` and `skip` exactly instead of as substrings.
    pub exact: bool,
    /// Leave out tests whose name contains (or equals) any of these.
    pub skip: Vec<String>,
    /// Run only the ignored tests.
    pub ignored: bool,
    /// Run ignored tests too.
    pub include_ignored: bool,
}

/// A selected test and, unless it was ignored, its result.
pub type Executed = (Test, Option<TestResult>);

impl Selection {
    fn matches(&self, pattern: &str, name: &str) -> bool {
        if self.exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    }

    fn selects(&self, test: &Test) -> bool {
        if self.ignored && !test.ignored {
            return false;
        }
        if self.filter.is_none() && self.skip.is_empty() {
            return true;
        }
        let name = test.name();
        self.filter
            .as_deref()
            .is_none_or(|filter| self.matches(filter, &name))
            && !self.skip.iter().any(|skip| self.matches(skip, &name))
    }

    fn runs(&self, test: &Test) -> bool {
        !test.ignored || self.ignored || self.include_ignored
    }
}

/// Runs the selected tests on `threads` threads, each a contiguous share of them; returns
/// them in order with their results, and how many were filtered out.
pub fn execute(tests: &[Test], selection: &Selection, threads: usize) -> (Vec<Executed>, usize) {
    let selected: Vec<&Test> = tests
        .iter()
        .filter(|test| selection.selects(test))
        .collect();
    let filtered_out = tests.len() - selected.len();
    let share = selected.len().div_ceil(threads.max(1)).max(1);
    let shares = selected.chunks(share).collect();
    let executed = crate::parallel::map_on(threads, shares, |tests| {
        tests
            .iter()
            .map(|test| {
                let result = selection.runs(test).then(|| test.run());
                ((*test).clone(), result)
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    (executed, filtered_out)
}
