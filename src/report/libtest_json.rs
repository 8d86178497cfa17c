//! `permspec test --format json`: libtest's JSON event stream, one object per line, with
//! the extra fields of docs/cli.md (file, line, column, expected, actual, code, semantics, message).

use crate::eval::{Code, Semantics};
use crate::runner::{Executed, Tally};
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

/// Writes the line that starts a run of `test_count` tests.
pub fn suite_started(out: &mut impl Write, test_count: usize) -> io::Result<()> {
    let started = SuiteStarted {
        event: "started",
        test_count,
        kind: "suite",
    };
    line(out, &started)
}

/// Writes the line that ends a run: its counts and how long it took.
pub fn suite_finished(out: &mut impl Write, tally: &Tally, seconds: f64) -> io::Result<()> {
    let finished = SuiteFinished {
        event: if tally.failed == 0 { "ok" } else { "failed" },
        exec_time: seconds,
        failed: tally.failed,
        filtered_out: tally.filtered_out,
        ignored: tally.selected - tally.ran,
        measured: 0,
        passed: tally.ran - tally.failed,
        kind: "suite",
    };
    line(out, &finished)
}

/// The events of `tests`, one JSON object per line: started and finished, or ignored. Runs
/// render their tests' events on the threads that ran them, between [`suite_started`] and
/// [`suite_finished`].
pub fn test_events(tests: &[Executed]) -> Vec<u8> {
    let mut out = Vec::with_capacity(tests.len() * 320);
    let mut name = String::new();
    for (test, result) in tests {
        name.clear();
        test.write_name(&mut name);
        let (line, column) = test.line_column();
        // Every test starts, an ignored one too, as libtest reports it.
        let started = TestStarted {
            event: "started",
            name: &name,
            kind: "test",
        };
        push_line(&mut out, &started);
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
