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
        if self.ignored && !test.is_ignored() {
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
        !test.is_ignored() || self.ignored || self.include_ignored
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
    /// Where the tests that ran and passed stand in the tests selected from, in order:
    /// only these exercise a policy.
    pub passed: Vec<usize>,
}

impl Tally {
    /// The tests that ran and passed, kept out of `tests`, the tests selected from.
    pub fn keep_passed(&self, mut tests: Vec<Test>) -> Vec<Test> {
        let mut passed = self.passed.iter().peekable();
        let mut index = 0;
        tests.retain(|_| {
            let kept = passed.next_if_eq(&&index).is_some();
            index += 1;
            kept
        });
        tests
    }
}

/// Tests run per task: enough to keep a core busy, few enough that the results of the
/// tasks handed out at once stay small (a few hundred kilobytes each).
const TESTS_PER_TASK: usize = 1024;

/// The tests `selection` takes, ready to run.
pub struct Selected<'t> {
    tests: &'t [Test],
    /// The indices of the tests taken, in order.
    chosen: Vec<usize>,
    selection: &'t Selection,
}

impl Selection {
    /// The tests of `tests` this selection takes, in order.
    pub fn select<'t>(&'t self, tests: &'t [Test]) -> Selected<'t> {
        let chosen = (0..tests.len())
            .filter(|&index| self.selects(&tests[index]))
            .collect();
        Selected {
            tests,
            chosen,
            selection: self,
        }
    }
}

impl Selected<'_> {
    /// How many tests were selected.
    pub fn count(&self) -> usize {
        self.chosen.len()
    }

    /// Runs the tests on `threads` threads, a few thousand to a task; `each` makes what is
    /// kept of a task's results (rendered events, say) on the thread that ran them, and
    /// `keep` takes these in the tests' order as they are done, while only a few tasks
    /// run ahead of it, so that the results held at once do not grow with the suite.
    /// Stops at `keep`'s first error.
    pub fn run<R: Send, E>(
        &self,
        threads: usize,
        each: impl Fn(Vec<Executed>) -> R + Sync,
        mut keep: impl FnMut(R) -> Result<(), E>,
    ) -> Result<Tally, E> {
        let (mut ran, mut failed, mut passed) = (0, 0, Vec::new());
        let tasks = self.chosen.chunks(TESTS_PER_TASK).collect();
        let run_task = |chosen: &[usize]| {
            let executed: Vec<Executed> = (chosen.iter())
                .map(|&index| {
                    let test = &self.tests[index];
                    (test.clone(), self.selection.runs(test).then(|| test.run()))
                })
                .collect();
            // Only the indices of the tests that passed are kept while the run goes.
            let mut found = (0, 0, Vec::new());
            for (&index, (_, result)) in chosen.iter().zip(&executed) {
                match result {
                    Some(result) if result.passed => found.2.push(index),
                    Some(_) => found.1 += 1,
                    None => continue,
                }
                found.0 += 1;
            }
            (found, each(executed))
        };
        let ahead = 2 * threads.max(1);
        crate::parallel::map_in_order(threads, ahead, tasks, run_task, |(found, made)| {
            let (task_ran, task_failed, task_passed) = found;
            ran += task_ran;
            failed += task_failed;
            passed.extend(task_passed);
            keep(made)
        })?;
        Ok(Tally {
            selected: self.chosen.len(),
            filtered_out: self.tests.len() - self.chosen.len(),
            ran,
            failed,
            passed,
        })
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
