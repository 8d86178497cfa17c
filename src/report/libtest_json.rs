//! `permspec test --format json`: libtest's JSON event stream, one object per line, with
//! the extra fields of docs/cli.md (file, line, column, expected, actual, code, semantics, message).

use crate::eval::{Code, Semantics};
use crate::runner::Executed;
use serde::Serialize;
use std::io::{self, Write};

// Each event's fields are declared in alphabetical order, the order of earlier releases.

#[derive(Serialize)]
struct SuiteStarted {
    event: &'static str,
    test_count: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct TestStarted<'a> {
    event: &'static str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct TestIgnored<'a> {
    column: usize,
    event: &'static str,
    file: &'a str,
    line: usize,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct TestFinished<'a> {
    actual: &'a str,
    code: Option<Code>,
    column: usize,
    event: &'static str,
    expected: &'a str,
    file: &'a str,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    name: &'a str,
    semantics: Option<Semantics>,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct SuiteFinished {
    event: &'static str,
    exec_time: f64,
    failed: usize,
    filtered_out: usize,
    ignored: usize,
    measured: usize,
    passed: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

fn line(out: &mut impl Write, event: &impl Serialize) -> io::Result<()> {
    writeln!(out, "{}", crate::printable::json(event))
}

/// Events rendered per task: enough to keep a core busy, few enough that the output held
/// at once stays small.
const TESTS_PER_TASK: usize = 4096;

/// Writes the events of a run, one per line, in order: suite started, each test started
/// then finished, suite finished. The tests' events are rendered on every core a batch at
/// a time, so that the output held at once does not grow with the suite.
pub fn write_libtest_events(
    out: &mut impl Write,
    executed: &[Executed],
    filtered_out: usize,
    seconds: f64,
) -> io::Result<()> {
    let started = SuiteStarted {
        event: "started",
        test_count: executed.len(),
        kind: "suite",
    };
    line(out, &started)?;
    // The tests' events are rendered on every core, a batch at a time, and written in order.
    let batch = TESTS_PER_TASK * crate::parallel::cores();
    for tests in executed.chunks(batch) {
        let tasks = tests.chunks(TESTS_PER_TASK).collect();
        for rendered in crate::parallel::map(tasks, test_events) {
            out.write_all(&rendered)?;
        }
    }
    let ignored = (executed.iter())
        .filter(|(_, result)| result.is_none())
        .count();
    let failed = (executed.iter())
        .filter(|(_, result)| result.as_ref().is_some_and(|result| !result.passed))
        .count();
    let passed = executed.len() - ignored - failed;
    let finished = SuiteFinished {
        event: if failed == 0 { "ok" } else { "failed" },
        exec_time: seconds,
        failed,
        filtered_out,
        ignored,
        measured: 0,
        passed,
        kind: "suite",
    };
    line(out, &finished)
}

/// The events of `tests`, one JSON object per line: started and finished, or ignored.
fn test_events(tests: &[Executed]) -> Vec<u8> {
    let mut out = Vec::with_capacity(tests.len() * 320);
    let mut name = String::new();
    for (test, result) in tests {
        name.clear();
        test.write_name(&mut name);
        let (line, column) = test.line_column();
        let Some(result) = result else {
            let event = TestIgnored {
                column,
                event: "ignored",
                file: test.file(),
                line,
                name: &name,
                kind: "test",
            };
            push_line(&mut out, &event);
            continue;
        };
        let started = TestStarted {
            event: "started",
            name: &name,
            kind: "test",
        };
        push_line(&mut out, &started);
        let finished = TestFinished {
            actual: &result.actual,
            code: result.code,
            column,
            event: if result.passed { "ok" } else { "failed" },
            expected: &result.expected,
            file: test.file(),
            line,
            message: if result.passed {
                None
            } else {
                result.message()
            },
            name: &name,
            semantics: result.semantics,
            kind: "test",
        };
        push_line(&mut out, &finished);
    }
    out
}

fn push_line(out: &mut Vec<u8>, event: &impl Serialize) {
    out.extend_from_slice(crate::printable::json(event).as_bytes());
    out.push(b'\n');
}
