//! `permspec parse`: syntax-check queries, print their canonical form or what is wrong, and
//! report the lint rules that apply to a bare query (W007, N002, N005).

use super::error::CliError;
use super::output;
use super::{Exit, Format};
use permspec::lint::{Config, Finding, lint_query, query_lines, syntax_diagnostic, whole};
use permspec::policy::{QueryText, Source};
use permspec::printable;
use permspec::query::{self, SyntaxError};
use serde_json::json;
use std::path::Path;

/// Arguments of `permspec parse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Queries to check; without any, one query per line is read from standard input
    /// (blank lines and lines starting with `#` are skipped).
    queries: Vec<String>,

    /// Output format: canonical text (human) or one JSON object per query (json).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &Args) -> Exit {
    let config = match super::configuration(&[]) {
        Ok(config) => config,
        Err(exit) => return exit,
    };
    let inputs: Vec<(Source, Vec<QueryText>)> = if args.queries.is_empty() {
        let text = match permspec::input::read_stdin(config.limits.file_bytes) {
            Ok(text) => text,
            Err(error) => {
                return CliError::io(format!("cannot read queries from standard input: {error}"))
                    .report();
            }
        };
        let source = Source::new(Path::new("<stdin>"), text);
        let lines = query_lines(&source);
        if lines.is_empty() {
            return CliError::nothing_checked("no query on standard input")
                .with_help("give queries as arguments, or one per line on standard input")
                .report();
        }
        vec![(source, lines)]
    } else {
        let inputs = args.queries.iter().map(|text| {
            let source = Source::new(Path::new("query"), text.clone());
            let whole = whole(&source);
            (source, vec![whole])
        });
        inputs.collect()
    };

    let mut exit = Exit::Success;
    for (source, texts) in &inputs {
        for text in texts {
            match query::parse(&text.text) {
                Ok(parsed) => {
                    match args.format {
                        Format::Human => outln!("{parsed}"),
                        Format::Json => outln!(
                            "{}",
                            printable::json(
                                &json!({"ok": true, "canonical": parsed.to_string(), "ast": parsed})
                            )
                        ),
                    }
                    let findings = lint_query(source, text, &parsed, &config);
                    if failing(&findings, &config) && exit == Exit::Success {
                        exit = Exit::Failure;
                    }
                    for finding in findings {
                        output::report(&finding.diagnostic());
                    }
                }
                Err(error) => {
                    exit = Exit::BadInput;
                    match args.format {
                        Format::Human => output::report(&syntax_diagnostic(source, text, &error)),
                        Format::Json => outln!("{}", printable::json(&error_json(&error))),
                    }
                }
            }
        }
    }
    exit
}

/// Whether any finding is at or above the failing level.
pub fn failing(findings: &[Finding], config: &Config) -> bool {
    findings
        .iter()
        .any(|finding| finding.level >= config.fail_level)
}

fn error_json(error: &SyntaxError) -> serde_json::Value {
    json!({
        "ok": false,
        "error": {
            "message": error.to_string(),
            "offset": error.span().start(),
            "length": error.span().len(),
        }
    })
}
