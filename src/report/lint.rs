//! Lint findings for tools: JSON, SARIF 2.1.0 (code scanning) and GitHub workflow commands.

use crate::diagnostic::FileDiagnostic;
use crate::lint::{FileFindings, Finding, Level, Rule, Safety, rules};
use crate::printable::{escaped, escaped_but};
use serde_json::{Value, json};

fn location(finding: &Finding) -> Value {
    let (line, column) = finding.line_column();
    let (end_line, end_column) = finding.end_line_column();
    json!({"file": escaped(finding.source.name()), "line": line, "column": column,
           "end_line": end_line, "end_column": end_column})
}

/// Findings as a JSON array, in file and position order.
pub fn lint_json(files: &[FileFindings]) -> Value {
    let findings = files.iter().flat_map(|file| &file.findings);
    Value::Array(findings.map(finding_json).collect())
}

/// One finding as JSON: place, rule, level, message, label, help, related places, fix.
pub(crate) fn finding_json(finding: &Finding) -> Value {
    let mut value = location(finding);
    value["code"] = json!(finding.rule.code);
    value["name"] = json!(finding.rule.name);
    value["severity"] = json!(finding.level);
    value["message"] = json!(escaped(&finding.message));
    value["label"] = json!(escaped(&finding.label));
    value["help"] = json!(help(&finding.help));
    value["related"] = finding
        .related
        .iter()
        .map(|(span, label)| {
            let (line, column) = finding.source.line_column(span.start());
            json!({"line": line, "column": column, "label": escaped(label)})
        })
        .collect();
    value["fix"] = finding.fix.as_ref().map_or(Value::Null, |fix| {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                let (line, column) = finding.source.line_column(edit.span.start());
                let (end_line, end_column) = finding.source.line_column(edit.span.end());
                json!({"line": line, "column": column, "end_line": end_line,
                       "end_column": end_column, "start": edit.span.start(),
                       "end": edit.span.end(), "replacement": edit.replacement})
            })
            .collect();
        json!({"description": escaped(&fix.description), "safety": fix.safety, "edits": edits})
    });
    value
}

/// A finding's help, which may run over several lines, with every other unprintable
/// character escaped: messages, labels and help are prose for a reader, not data.
fn help(text: &str) -> std::borrow::Cow<'_, str> {
    escaped_but(text, &['\n'])
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

fn sarif_region(finding: &Finding, start: usize, end: usize) -> Value {
    let (line, column) = finding.source.line_column(start);
    let (end_line, end_column) = finding.source.line_column(end);
    json!({"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column})
}

fn sarif_rule(rule: &Rule) -> Value {
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.doc.summary},
        "fullDescription": {"text": rule.doc.what},
        "help": {"text": rule.documentation(), "markdown": rule.documentation()},
        "defaultConfiguration": {"level": sarif_level(rule.level)},
    })
}

/// A SARIF 2.1.0 log with every rule's metadata and one result per finding; the run's
/// properties name the configuration file in use, if any.
/// Input that could not be checked (`errors`) makes the run's invocation unsuccessful, each
/// error a tool execution notification with its code and place.
pub fn sarif(
    files: &[FileFindings],
    configuration: Option<&std::path::Path>,
    errors: &[FileDiagnostic],
) -> Value {
    let results: Vec<Value> = files
        .iter()
        .flat_map(|file| &file.findings)
        .map(|finding| {
            let rule_index = finding.rule.id as usize;
            let artifact = json!({"uri": escaped(finding.source.name())});
            let related: Vec<Value> = finding
                .related
                .iter()
                .enumerate()
                .map(|(id, (span, label))| json!({
                    "id": id,
                    "message": {"text": escaped(label)},
                    "physicalLocation": {"artifactLocation": artifact, "region": sarif_region(finding, span.start(), span.end())},
                }))
                .collect();
            // Code scanning offers its fixes to be applied: only those that keep every decision.
            let fixes: Vec<Value> = finding
                .fix
                .iter()
                .filter(|fix| fix.safety == Safety::Safe)
                .map(|fix| {
                    let replacements: Vec<Value> = fix
                        .edits
                        .iter()
                        .map(|edit| json!({
                            "deletedRegion": {"byteOffset": edit.span.start(), "byteLength": edit.span.len()},
                            "insertedContent": {"text": edit.replacement},
                        }))
                        .collect();
                    json!({
                        "description": {"text": escaped(&fix.description)},
                        "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
                    })
                })
                .collect();
            json!({
                "ruleId": finding.rule.code,
                "ruleIndex": rule_index,
                "level": sarif_level(finding.level),
                "message": {"text": format!("{}\n{}", escaped(&finding.message), help(&finding.help))},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": sarif_region(finding, finding.span.start(), finding.span.end()),
                    }
                }],
                "relatedLocations": related,
                "fixes": fixes,
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "permspec",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules::ALL.iter().map(sarif_rule).collect::<Vec<_>>(),
            }},
            "results": results,
            "invocations": [sarif_invocation(errors)],
            "properties": {
                "configuration": configuration.map(|path| path.display().to_string()),
            },
        }],
    })
}

/// The run's invocation: successful unless some input could not be checked (`errors`).
fn sarif_invocation(errors: &[FileDiagnostic]) -> Value {
    let notifications: Vec<Value> = (errors.iter())
        .flat_map(|error| error.errors())
        .map(sarif_notification)
        .collect();
    json!({
        "executionSuccessful": errors.is_empty(),
        "toolExecutionNotifications": notifications,
    })
}

/// A file that could not be checked, as a SARIF tool execution notification.
fn sarif_notification(error: &FileDiagnostic) -> Value {
    let mut location = json!({"artifactLocation": {"uri": escaped(error.file())}});
    if let Some((line, column)) = error.line_column() {
        location["region"] = json!({"startLine": line, "startColumn": column});
    }
    json!({
        "level": "error",
        "descriptor": {"id": format!("permspec::{}", error.kind())},
        "message": {"text": notification_text(error)},
        "locations": [{"physicalLocation": location}],
    })
}

/// An error's message and hint, on one line each.
fn notification_text(error: &FileDiagnostic) -> String {
    match error.help_text() {
        Some(help) => format!("{}\n{}", escaped(&error.to_string()), help),
        None => escaped(&error.to_string()).into_owned(),
    }
}

/// GitHub Actions workflow commands, one per finding, and an error for each file that
/// could not be checked (`errors`).
pub fn github_annotations(files: &[FileFindings], errors: &[FileDiagnostic]) -> String {
    let mut out = String::new();
    for error in errors.iter().flat_map(|error| error.errors()) {
        let place = match error.line_column() {
            Some((line, column)) => format!(",line={line},col={column}"),
            None => String::new(),
        };
        out.push_str(&format!(
            "::error file={}{place},title={}::{}\n",
            property(error.file()),
            property(&format!("permspec::{}", error.kind())),
            data(&notification_text(error)),
        ));
    }
    for finding in files.iter().flat_map(|file| &file.findings) {
        let command = match finding.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let (line, column) = finding.line_column();
        let (end_line, end_column) = finding.end_line_column();
        out.push_str(&format!(
            "::{command} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}\n",
            property(finding.source.name()),
            property(&finding.rule.label()),
            data(&format!("{} ({})", finding.message, finding.help)),
        ));
    }
    out
}

/// A workflow command's message: unprintable characters escaped but for the line breaks,
/// which the command's own encoding carries.
fn data(text: &str) -> String {
    escaped_but(text, &['\n', '\r'])
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property: escaped as a message is, and its separators encoded.
fn property(text: &str) -> String {
    data(&escaped(text)).replace(':', "%3A").replace(',', "%2C")
}
