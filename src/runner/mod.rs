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
pub use select::{Executed, Selection, execute};

use crate::diagnostic::FileDiagnostic;
use crate::eval::{Code, Semantics};
use crate::policy::{Assertion, Check, LoadError, Subject};
use crate::printable::escaped;
use crate::render::Renderer;
use std::borrow::Cow;
use std::sync::Arc;

/// One test: a case, an access assertion, or a file that did not load.
#[derive(Clone, Debug)]
pub struct Test {
    /// `file::case name` (shared by the clones a run makes).
    pub name: Arc<str>,
    /// The file's display name (shared by the file's tests).
    pub file: Arc<str>,
    /// 1-based line of the case in its file.
    pub line: usize,
    /// 1-based column of the case in its file.
    pub column: usize,
    /// Marked `ignore: true`.
    pub ignored: bool,
    body: Body,
}

#[derive(Clone, Debug)]
enum Body {
    /// The check `index` of the file's `checks`.
    Check(Arc<LoadedFile>, usize),
    /// The assertion `index` of the file's `assertions`.
    Assertion(Arc<LoadedFile>, usize),
    LoadFailure(Arc<LoadError>),
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

/// `name`, or its start and end around ` … ` when it is longer than [`MAX_NAME`] (the end
/// keeps the ` (2)` that tells repeated names apart).
fn shortened(name: &str) -> std::borrow::Cow<'_, str> {
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
    fn check(loaded: &Arc<LoadedFile>, file: &Arc<str>, index: usize) -> Self {
        let check = &loaded.file.checks[index];
        Test::located(
            loaded,
            file,
            check.name.clone(),
            check.span.start,
            check.ignore,
            Body::Check(Arc::clone(loaded), index),
        )
    }

    fn assertion(loaded: &Arc<LoadedFile>, file: &Arc<str>, index: usize) -> Self {
        let assertion = &loaded.file.assertions[index];
        let name = format!("access: {}", assertion.subject.describe());
        Test::located(
            loaded,
            file,
            name,
            assertion.span.start,
            false,
            Body::Assertion(Arc::clone(loaded), index),
        )
    }

    fn located(
        loaded: &LoadedFile,
        file: &Arc<str>,
        name: String,
        offset: usize,
        ignored: bool,
        body: Body,
    ) -> Self {
        let source = &loaded.file.source;
        let (line, column) = source.line_column(offset);
        // A name is one line of the log: a line break in it must not forge a result line
        // (`file` is the file's name escaped so).
        Test {
            name: format!("{file}::{}", shortened(&escaped(&name))).into(),
            file: Arc::clone(file),
            line,
            column,
            ignored,
            body,
        }
    }

    fn load_failure(error: LoadError) -> Self {
        let (line, column) = error.line_column().unwrap_or((1, 1));
        let file: Arc<str> = escaped(error.file()).into();
        Test {
            name: Arc::clone(&file),
            file,
            line,
            column,
            ignored: false,
            body: Body::LoadFailure(Arc::new(error)),
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
                Some((loaded, Checked::Check(&loaded.file.checks[*index])))
            }
            Body::Assertion(loaded, index) => {
                Some((loaded, Checked::Assertion(&loaded.file.assertions[*index])))
            }
            Body::LoadFailure(_) => None,
        }
    }

    /// The policy file the test checks and the keys it names (a case's key, an assertion's
    /// keys); `None` for a file that did not load.
    pub fn keys(&self) -> Option<(&std::path::Path, Vec<&str>)> {
        let (loaded, checked) = self.checked()?;
        let keys = match checked {
            Checked::Check(check) => vec![check.key.value.as_str()],
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
            Body::Check(loaded, index) => run::run_check(loaded, &loaded.file.checks[*index]),
            Body::Assertion(loaded, index) => {
                run::run_assertion(loaded, &loaded.file.assertions[*index])
            }
            Body::LoadFailure(error) => TestResult {
                passed: false,
                expected: "load".into(),
                actual: "error".into(),
                code: None,
                semantics: None,
                failure: Some(FileDiagnostic::clone(error)),
            },
        }
    }
}

/// The names of `keys`.
fn names(keys: &[crate::policy::Spanned<String>]) -> Vec<&str> {
    keys.iter().map(|key| key.value.as_str()).collect()
}
