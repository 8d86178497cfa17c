//! Running policy suites: every case and access assertion becomes a named test, run through
//! libtest-mimic for people or through [`execute`] for the JSON and JUnit reports.

mod collect;
mod coverage;
mod failure;
mod libtest;
mod mutate;
mod root;
mod select;

pub use crate::policy::{PathError, is_policy_file_name, policy_files};
pub use collect::{Collected, LoadedFile, collect};
pub use coverage::{Category, PolicyCoverage, coverage, percent};
pub use libtest::{LibtestRun, run_libtest};
pub use mutate::{
    Change, Fate, Mutant, MutantResult, PolicyMutation, Suggestion, mutants, mutation_test,
};
pub use select::{Executed, Selection, execute};

use crate::diagnostic::FileDiagnostic;
use crate::eval::{Code, Semantics};
use crate::policy::{Expect, Expectation, LoadError};
use crate::printable::escaped;
use crate::query::{self, unkey_limits};
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
    Case(Arc<LoadedFile>, usize),
    Access(Arc<LoadedFile>, usize),
    RootCase(Arc<LoadedFile>, usize),
    RouteAccess(Arc<LoadedFile>, usize),
    LoadFailure(Arc<LoadError>),
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
    fn case(loaded: &Arc<LoadedFile>, file: &Arc<str>, index: usize) -> Self {
        let case = &loaded.file.cases[index];
        Test::located(
            loaded,
            file,
            case.name.clone(),
            case.span.start,
            case.ignore,
            Body::Case(Arc::clone(loaded), index),
        )
    }

    fn access(loaded: &Arc<LoadedFile>, file: &Arc<str>, index: usize) -> Self {
        let assertion = &loaded.file.access[index];
        let name = format!("access: {}", assertion.query.text);
        Test::located(
            loaded,
            file,
            name,
            assertion.span.start,
            false,
            Body::Access(Arc::clone(loaded), index),
        )
    }

    fn root_case(loaded: &Arc<LoadedFile>, file: &Arc<str>, index: usize) -> Self {
        let case = &loaded.file.root_cases[index];
        Test::located(
            loaded,
            file,
            case.name.clone(),
            case.span.start,
            case.ignore,
            Body::RootCase(Arc::clone(loaded), index),
        )
    }

    fn route_access(loaded: &Arc<LoadedFile>, file: &Arc<str>, index: usize) -> Self {
        let assertion = &loaded.file.route_access[index];
        let name = format!("access: {}", assertion.check.describe());
        Test::located(
            loaded,
            file,
            name,
            assertion.span.start,
            false,
            Body::RouteAccess(Arc::clone(loaded), index),
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
            name: format!("{file}::{}", escaped(&shortened(&name))).into(),
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
            Body::Case(loaded, _)
            | Body::Access(loaded, _)
            | Body::RootCase(loaded, _)
            | Body::RouteAccess(loaded, _) => Some(loaded),
            Body::LoadFailure(_) => None,
        }
    }

    /// The policy file the test checks and the keys it names (a case's key, an assertion's
    /// keys); `None` for a file that did not load.
    pub fn keys(&self) -> Option<(&std::path::Path, Vec<&str>)> {
        let file = &self.loaded()?.file;
        let keys = match &self.body {
            Body::Case(_, index) => vec![file.cases[*index].key.value.as_str()],
            Body::RootCase(_, index) => vec![file.root_cases[*index].key.value.as_str()],
            Body::Access(_, index) => names(&file.access[*index].keys),
            Body::RouteAccess(_, index) => names(&file.route_access[*index].keys),
            Body::LoadFailure(_) => return None,
        };
        Some((file.policy.source.path(), keys))
    }

    /// True for the stand-in test of a file that did not load.
    pub fn is_load_failure(&self) -> bool {
        matches!(self.body, Body::LoadFailure(_))
    }

    /// Runs the test.
    pub fn run(&self) -> TestResult {
        match &self.body {
            Body::Case(loaded, index) => run_case(loaded, *index),
            Body::Access(loaded, index) => run_access(loaded, *index),
            Body::RootCase(loaded, index) => root::run_case(loaded, *index),
            Body::RouteAccess(loaded, index) => root::run_access(loaded, *index),
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

fn run_case(loaded: &LoadedFile, index: usize) -> TestResult {
    let case = &loaded.file.cases[index];
    let expected = case.expect.value;
    let mut result = TestResult {
        passed: false,
        expected: expected.describe(),
        actual: "error".into(),
        code: None,
        semantics: Some(loaded.semantics),
        failure: None,
    };
    let rejection = match query::parse(&case.query.text) {
        Err(error) => Some(failure::syntax(loaded, case, &error)),
        Ok(parsed) => match unkey_limits(&case.query.text, &parsed).first() {
            Some(violation) => Some(failure::limit(loaded, case, violation)),
            None => {
                let verdict =
                    loaded
                        .resolved
                        .verdict(&case.key.value, &parsed, loaded.semantics, loaded.now);
                result.code = Some(verdict.code());
                result.actual = if verdict.allowed() { "allow" } else { "deny" }.into();
                result.passed = failure::expectation_holds(case, &verdict);
                if !result.passed {
                    let decision = loaded.resolved.decide(
                        &case.key.value,
                        &parsed,
                        loaded.semantics,
                        loaded.now,
                    );
                    result.failure = Some(failure::decision(loaded, case, &decision));
                }
                return result;
            }
        },
    };
    result.passed = expected == Expectation::Same(Expect::Error);
    if !result.passed {
        result.failure = rejection;
    }
    result
}

fn run_access(loaded: &LoadedFile, index: usize) -> TestResult {
    let assertion = &loaded.file.access[index];
    let listed: Vec<&str> = assertion
        .keys
        .iter()
        .map(|key| key.value.as_str())
        .collect();
    let mut result = TestResult {
        passed: false,
        expected: listed.join(", ").into(),
        actual: "error".into(),
        code: None,
        semantics: Some(loaded.semantics),
        failure: None,
    };
    let parsed = match query::parse(&assertion.query.text) {
        Ok(parsed) => parsed,
        Err(error) => {
            result.failure = Some(failure::access_syntax(loaded, assertion, &error));
            return result;
        }
    };
    let resolved = &loaded.resolved;
    let allowed: Vec<&str> = resolved
        .policy
        .keys
        .iter()
        .filter(|key| {
            let verdict = resolved.verdict(&key.name.value, &parsed, loaded.semantics, loaded.now);
            verdict.allowed()
        })
        .map(|key| key.name.value.as_str())
        .collect();
    result.actual = allowed.join(", ").into();
    result.passed = {
        let mut expected = listed.clone();
        expected.sort_unstable();
        let mut actual = allowed.clone();
        actual.sort_unstable();
        expected == actual
    };
    if !result.passed {
        let decisions: Vec<_> = resolved
            .policy
            .keys
            .iter()
            .map(|key| resolved.decide(&key.name.value, &parsed, loaded.semantics, loaded.now))
            .collect();
        result.failure = Some(failure::access(loaded, assertion, &decisions, &listed));
    }
    result
}
