//! `permspec test --format junit`: one `<testsuite>` per file, one `<testcase>` per test,
//! and with `--mutate` one `<testsuite>` per policy mutated, a survivor a failure.

use crate::printable::escaped_but;
use crate::runner::{Executed, Fate, PolicyMutation};
use std::fmt::Write as _;

/// The JUnit XML report of a run, with its mutation testing (empty without `--mutate`).
pub fn junit(executed: &[Executed], mutations: &[PolicyMutation]) -> String {
    let mut files: Vec<&str> = Vec::new();
    for (test, _) in executed {
        if !files.contains(&test.file()) {
            files.push(test.file());
        }
    }
    let count = |file: Option<&str>, what: fn(&Executed) -> bool| {
        executed
            .iter()
            .filter(|e| file.is_none_or(|file| e.0.file() == file) && what(e))
            .count()
    };
    let failed = |(_, result): &Executed| result.as_ref().is_some_and(|result| !result.passed);
    let skipped = |(_, result): &Executed| result.is_none();

    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mutants: usize = mutations.iter().map(|policy| policy.mutants.len()).sum();
    let survivors: usize = mutations.iter().map(PolicyMutation::survived).sum();
    let _ = writeln!(
        xml,
        "<testsuites name=\"permspec\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
        executed.len() + mutants,
        count(None, failed) + survivors,
        count(None, skipped)
    );
    for file in files {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
            escape(file),
            count(Some(file), |_| true),
            count(Some(file), failed),
            count(Some(file), skipped)
        );
        for (test, result) in executed.iter().filter(|(test, _)| test.file() == file) {
            let case = test.case_name();
            let (line, column) = test.line_column();
            let _ = write!(
                xml,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
                escape(&case),
                escape(file),
                escape(file),
                line
            );
            match result {
                None => xml.push_str(">\n      <skipped/>\n    </testcase>\n"),
                Some(result) if result.passed => xml.push_str("/>\n"),
                Some(result) => {
                    let (summary, message) = failure_text(result);
                    let _ = write!(
                        xml,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}:{}:{}\n{}</failure>\n    </testcase>\n",
                        escape(&summary),
                        escape(result.failure.as_ref().map_or("failure", |f| f.kind())),
                        escape(file),
                        line,
                        column,
                        escape(&message)
                    );
                }
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    for policy in mutations {
        mutation_suite(&mut xml, policy);
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// One policy's mutants as test cases: a survivor fails, with the case that would kill it.
fn mutation_suite(xml: &mut String, policy: &PolicyMutation) {
    let file = policy.source.name();
    let _ = writeln!(
        xml,
        "  <testsuite name=\"mutation testing of {}\" tests=\"{}\" failures=\"{}\" skipped=\"0\">",
        escape(file),
        policy.mutants.len(),
        policy.survived()
    );
    for mutant in &policy.mutants {
        let (line, column) = policy.source.line_column(mutant.span.start());
        let _ = write!(
            xml,
            "    <testcase name=\"{}\" classname=\"mutation testing of {}\" file=\"{}\" line=\"{line}\"",
            escape(&mutant.description),
            escape(file),
            escape(file)
        );
        match &mutant.fate {
            Fate::Survived { key, asks, expect } => {
                let case = asks.case(key, expect);
                let _ = write!(
                    xml,
                    ">\n      <failure message=\"the mutant survives every case\" type=\"mutation\">{}:{line}:{column}\nadd a case that kills it: {}</failure>\n    </testcase>\n",
                    escape(file),
                    escape(&case)
                );
            }
            Fate::Killed | Fate::Equivalent => xml.push_str("/>\n"),
        }
    }
    xml.push_str("  </testsuite>\n");
}

/// `text` for an XML attribute or element: markup characters as entities, unprintable
/// characters but the line break escaped as everywhere else.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in escaped_but(text, &['\n']).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids these even as character references: show them escaped.
            c if !allowed_in_xml(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether XML 1.0 allows `c` in a document.
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// A failure's message on one line (a name in it may hold a break), and the whole text:
/// that line, then the hint, whose lines are each escaped already.
fn failure_text(result: &crate::runner::TestResult) -> (String, String) {
    let Some(failure) = &result.failure else {
        return (String::new(), String::new());
    };
    let first = crate::printable::escaped(&failure.to_string()).into_owned();
    let whole = match failure.help_text() {
        Some(help) => format!("{first}\n{help}"),
        None => first.clone(),
    };
    (first, whole)
}
