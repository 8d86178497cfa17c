//! `permspec test --format json`: libtest's JSON event stream, one object per line, with
//! the extra fields of docs/cli.md (file, line, column, expected, actual, code, semantics, message).

use crate::runner::Executed;
use serde_json::{Value, json};

/// The events for a run, in order: suite started, each test started then finished, suite
/// finished.
pub fn libtest_events(executed: &[Executed], filtered_out: usize, seconds: f64) -> Vec<Value> {
    let mut events =
        vec![json!({"type": "suite", "event": "started", "test_count": executed.len()})];
    let (mut passed, mut failed, mut ignored) = (0, 0, 0);
    for (test, result) in executed {
        let Some(result) = result else {
            ignored += 1;
            events.push(
                json!({"type": "test", "event": "ignored", "name": test.name,
                "file": test.file, "line": test.line, "column": test.column}),
            );
            continue;
        };
        events.push(json!({"type": "test", "event": "started", "name": test.name}));
        let mut event = json!({
            "type": "test",
            "event": if result.passed { "ok" } else { "failed" },
            "name": test.name,
            "file": test.file,
            "line": test.line,
            "column": test.column,
            "expected": result.expected,
            "actual": result.actual,
            "code": result.code,
            "semantics": result.semantics,
        });
        if result.passed {
            passed += 1;
        } else {
            failed += 1;
            event["message"] = json!(result.message());
        }
        events.push(event);
    }
    events.push(json!({
        "type": "suite",
        "event": if failed == 0 { "ok" } else { "failed" },
        "passed": passed,
        "failed": failed,
        "ignored": ignored,
        "measured": 0,
        "filtered_out": filtered_out,
        "exec_time": seconds,
    }));
    events
}
