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

/// What a run of the selected tests found, beside what was made of their results.
#[derive(Debug, Default)]
pub struct Tally {
    /// How many tests the selection took.
    pub selected: usize,
    /// How many it left out.
    pub filtered_out: usize,
    /// How many of the selected ran (the others were ignored).
    pub ran: usize,
    /// How many of those failed.
    pub failed: usize,
    /// The tests that ran and passed, in order: only these exercise a policy.
    pub passed: Vec<Test>,
}

/// Tests run per task: enough to keep a core busy, few enough that the results held at
/// once stay small.
const TESTS_PER_TASK: usize = 4096;

/// The tests `selection` takes, ready to run.
pub struct Selected<'t> {
    tests: Vec<&'t Test>,
    selection: &'t Selection,
    filtered_out: usize,
}

impl Selection {
    /// The tests of `tests` this selection takes, in order.
    pub fn select<'t>(&'t self, tests: &'t [Test]) -> Selected<'t> {
        let selected: Vec<&Test> = tests.iter().filter(|test| self.selects(test)).collect();
        Selected {
            filtered_out: tests.len() - selected.len(),
            tests: selected,
            selection: self,
        }
    }
}

impl Selected<'_> {
    /// How many tests were selected.
    pub fn count(&self) -> usize {
        self.tests.len()
    }

    /// Runs the tests on `threads` threads, a few thousand to a task; `each` makes what is
    /// kept of a task's results (rendered events, say) on the thread that ran them, and
    /// `keep` takes these in the tests' order, a round of tasks at a time, so that the
    /// results held at once do not grow with the suite. Stops at `keep`'s first error.
    pub fn run<R: Send, E>(
        &self,
        threads: usize,
        each: impl Fn(Vec<Executed>) -> R + Sync,
        mut keep: impl FnMut(R) -> Result<(), E>,
    ) -> Result<Tally, E> {
        let mut tally = Tally {
            selected: self.tests.len(),
            filtered_out: self.filtered_out,
            ..Tally::default()
        };
        for round in self.tests.chunks(TESTS_PER_TASK * threads.max(1)) {
            let tasks = round.chunks(TESTS_PER_TASK).collect();
            let done = crate::parallel::map_on(threads, tasks, |tests: &[&Test]| {
                let executed: Vec<Executed> = (tests.iter())
                    .map(|test| {
                        let result = self.selection.runs(test).then(|| test.run());
                        ((*test).clone(), result)
                    })
                    .collect();
                let mut found = Tally::default();
                for (test, result) in &executed {
                    match result {
                        Some(result) if result.passed => found.passed.push(test.clone()),
                        Some(_) => found.failed += 1,
                        None => continue,
                    }
                    found.ran += 1;
                }
                (found, each(executed))
            });
            for (found, made) in done {
                tally.ran += found.ran;
                tally.failed += found.failed;
                tally.passed.extend(found.passed);
                keep(made)?;
            }
        }
        Ok(tally)
    }
}

/// Runs the selected tests on `threads` threads; returns them in order with their results,
/// and what the run found.
pub fn execute(tests: &[Test], selection: &Selection, threads: usize) -> (Vec<Executed>, Tally) {
    let selected = selection.select(tests);
    let mut executed = Vec::with_capacity(selected.count());
    let tally = selected.run(
        threads,
        |batch| batch,
        |batch| {
            executed.extend(batch);
            Ok::<(), std::convert::Infallible>(())
        },
    );
    let Ok(tally) = tally;
    (executed, tally)
}
