//! Running policy suites: every case and access assertion becomes a named test, run through
//! libtest-mimic for people or through [`execute`] for the JSON and JUnit reports.

mod collect;
mod coverage;
mod failure;
mod libtest;
mod mutate;
mod run;
mod select;

pub use crate::policy::{PathError, policy_files};
pub use collect::{Collected, LoadedFile, collect};
pub use coverage::{Category, PolicyCoverage, coverage, percent};
pub use libtest::{LibtestRun, run_libtest};
pub use mutate::{
    Change, Fate, Mutant, MutantResult, PolicyMutation, Suggestion, mutants, mutation_test,
};
pub use select::{Executed, Selected, Selection, Tally, execute};

use crate::diagnostic::FileDiagnostic;
use crate::eval::{Code, Semantics};
use crate::policy::{Assertion, Check, LoadError, Subject};
use crate::printable::escaped;
use crate::render::Renderer;
use std::borrow::Cow;
use std::sync::Arc;

/// One test: a case, an access assertion, or a file that did not load. Its name and place
/// are worked out when asked, so that a run of many tests keeps little besides them.
#[derive(Clone, Debug)]
pub struct Test {
    body: Body,
}

/// A test in as few bytes as it can be (a big run holds one per case): where it stands.
#[derive(Clone, Debug)]
enum Body {
    /// The check `index` of the file's `checks`.
    Check(Arc<LoadedFile>, u32),
    /// The assertion `index` of the file's `assertions`.
    Assertion(Arc<LoadedFile>, u32),
    LoadFailure(Arc<FailedFile>),
}

/// A file that did not load: why, and its display name, escaped.
#[derive(Debug)]
struct FailedFile {
    error: LoadError,
    name: Box<str>,
}

/// What a test checks: one key's check, or an assertion over every key.
#[derive(Clone, Copy)]
enum Checked<'a> {
    Check(&'a Check),
    Assertion(&'a Assertion),
}

impl<'a> Checked<'a> {
    /// What is asked.
    fn subject(self) -> &'a Subject {
        match self {
            Checked::Check(check) => &check.subject,
            Checked::Assertion(assertion) => &assertion.subject,
        }
    }

    /// Where it is written: the case's or the assertion's item.
    fn span(self) -> crate::span::Span {
        match self {
            Checked::Check(check) => check.span,
            Checked::Assertion(assertion) => assertion.span,
        }
    }
}

/// What running a test found.
#[derive(Clone, Debug)]
pub struct TestResult {
    /// The expectation held.
    pub passed: bool,
    /// `allow`, `deny` or `error` (for access assertions: the allowed keys).
    pub expected: Cow<'static, str>,
    /// What happened, in the same words.
    pub actual: Cow<'static, str>,
    /// The decision code, when a decision was made.
    pub code: Option<Code>,
    /// The semantics the test ran under.
    pub semantics: Option<Semantics>,
    /// Why it failed, as a diagnostic pointing into the files.
    pub failure: Option<FileDiagnostic>,
}

impl TestResult {
    /// The failure as plain text: the message, then the hint.
    pub fn message(&self) -> Option<String> {
        self.failure
            .as_ref()
            .map(|failure| match failure.help_text() {
                Some(help) => format!("{failure}\n{help}"),
                None => failure.to_string(),
            })
    }

    /// The failure rendered as a miette report.
    pub fn report(&self, color: bool) -> Option<String> {
        self.failure
            .as_ref()
            .map(|failure| Renderer::new(color).render(failure))
    }
}

/// Longest test name shown, in characters; the harness pads every name to the longest one.
const MAX_NAME: usize = 1000;

/// `name` as a test shows it: escaped, so that a line break cannot forge a result line, and
/// shortened.
fn shown(name: &str) -> Cow<'_, str> {
    match escaped(name) {
        Cow::Borrowed(name) => shortened(name),
        Cow::Owned(name) => Cow::Owned(shortened(&name).into_owned()),
    }
}

/// `name`, or its start and end around ` … ` when it is longer than [`MAX_NAME`] (the end
/// keeps the ` (2)` that tells repeated names apart).
fn shortened(name: &str) -> Cow<'_, str> {
    // A name of no more bytes than that has no more characters.
    if name.len() <= MAX_NAME {
        return name.into();
    }
    let length = name.chars().count();
    if length <= MAX_NAME {
        return name.into();
    }
    let half = MAX_NAME / 2;
    let head: String = name.chars().take(half).collect();
    let tail: String = name.chars().skip(length - half).collect();
    format!("{head} … {tail}").into()
}

impl Test {
    /// The tests of a loaded file: its checks', then its assertions'.
    fn of(loaded: &Arc<LoadedFile>) -> impl Iterator<Item = Test> + '_ {
        let (checks, assertions) = (loaded.file.checks.len(), loaded.file.assertions.len());
        // The loader's limit on cases keeps every index within 32 bits.
        let index = |index: usize| u32::try_from(index).expect("a file's cases are limited");
        let checks = (0..checks).map(move |at| Body::Check(Arc::clone(loaded), index(at)));
        let assertions =
            (0..assertions).map(move |at| Body::Assertion(Arc::clone(loaded), index(at)));
        checks.chain(assertions).map(|body| Test { body })
    }

    fn load_failure(error: LoadError) -> Self {
        let name = escaped(error.file()).into();
        Test {
            body: Body::LoadFailure(Arc::new(FailedFile { error, name })),
        }
    }

    /// Marked `ignore: true`.
    pub fn is_ignored(&self) -> bool {
        matches!(self.checked(), Some((_, Checked::Check(check))) if check.ignore)
    }

    /// `file::case name`: the file's display name and the case's name, escaped (one line of
    /// the log) and shortened; a file that did not load is named by the file alone.
    pub fn name(&self) -> String {
        let mut name = String::new();
        self.write_name(&mut name);
        name
    }

    /// Writes [`Test::name`] into `out`, after what it holds.
    pub fn write_name(&self, out: &mut String) {
        out.push_str(self.file());
        if !matches!(self.body, Body::LoadFailure(_)) {
            out.push_str("::");
            out.push_str(&self.case_name());
        }
    }

    /// The test's name within its file, as shown after `file::` (the file's name for a file
    /// that did not load).
    pub fn case_name(&self) -> Cow<'_, str> {
        match &self.body {
            Body::Check(loaded, index) => loaded.case_name(*index as usize),
            Body::Assertion(loaded, index) => {
                loaded.case_name(loaded.file.checks.len() + *index as usize)
            }
            Body::LoadFailure(failed) => Cow::Borrowed(&failed.name),
        }
    }

    /// The file's display name, escaped.
    pub fn file(&self) -> &str {
        match &self.body {
            Body::Check(loaded, _) | Body::Assertion(loaded, _) => &loaded.name,
            Body::LoadFailure(failed) => &failed.name,
        }
    }

    /// The 1-based line and column where the test stands in its file.
    pub fn line_column(&self) -> (usize, usize) {
        match (self.checked(), &self.body) {
            (Some((loaded, checked)), _) => loaded.file.source.line_column(checked.span().start()),
            (None, Body::LoadFailure(failed)) => failed.error.line_column().unwrap_or((1, 1)),
            (None, _) => unreachable!("only a file that did not load checks nothing"),
        }
    }

    /// The loaded file the test checks; `None` for a file that did not load.
    fn loaded(&self) -> Option<&Arc<LoadedFile>> {
        match &self.body {
            Body::Check(loaded, _) | Body::Assertion(loaded, _) => Some(loaded),
            Body::LoadFailure(_) => None,
        }
    }

    /// The file the test belongs to and what it checks; `None` for a file that did not load.
    fn checked(&self) -> Option<(&Arc<LoadedFile>, Checked<'_>)> {
        match &self.body {
            Body::Check(loaded, index) => {
                Some((loaded, Checked::Check(&loaded.file.checks[*index as usize])))
            }
            Body::Assertion(loaded, index) => Some((
                loaded,
                Checked::Assertion(&loaded.file.assertions[*index as usize]),
            )),
            Body::LoadFailure(_) => None,
        }
    }

    /// The policy file the test checks and the keys it names (a case's key, an assertion's
    /// keys); `None` for a file that did not load.
    pub fn keys(&self) -> Option<(&std::path::Path, Vec<&str>)> {
        let (loaded, checked) = self.checked()?;
        let keys = match checked {
            Checked::Check(check) => vec![&*check.key.value],
            Checked::Assertion(assertion) => names(&assertion.keys),
        };
        Some((loaded.file.policy.source.path(), keys))
    }

    /// True for the stand-in test of a file that did not load.
    pub fn is_load_failure(&self) -> bool {
        matches!(self.body, Body::LoadFailure(_))
    }

    /// Runs the test.
    pub fn run(&self) -> TestResult {
        match &self.body {
            Body::Check(loaded, index) => {
                run::run_check(loaded, &loaded.file.checks[*index as usize])
            }
            Body::Assertion(loaded, index) => {
                run::run_assertion(loaded, &loaded.file.assertions[*index as usize])
            }
            Body::LoadFailure(failed) => TestResult {
                passed: false,
                expected: "load".into(),
                actual: "error".into(),
                code: None,
                semantics: None,
                failure: Some(FileDiagnostic::clone(&failed.error)),
            },
        }
    }
}

/// The names of `keys`.
fn names(keys: &[crate::policy::Spanned<String>]) -> Vec<&str> {
    keys.iter().map(|key| key.value.as_str()).collect()
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    use super::*;

    /// A big run holds a check per case and a test per check: they stay this small.
    #[test]
    fn a_check_and_a_test_stay_compact() {
        assert_eq!(size_of::<Check>(), 136);
        assert_eq!(size_of::<Test>(), 16);
    }
}
