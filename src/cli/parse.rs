//! `permspec parse`: syntax-check queries, print their canonical form or what is wrong.

use super::{Context, Exit, Format};
use crate::query::{self, SyntaxError, unkey_limits};
use serde_json::json;
use std::io::BufRead;

/// Arguments of `permspec parse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Queries to check; without any, one query per line is read from standard input.
    queries: Vec<String>,

    /// Output format: canonical text (human) or one JSON object per query (json).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &Args, context: &Context) -> Exit {
    let queries: Vec<String> = if args.queries.is_empty() {
        match std::io::stdin()
            .lock()
            .lines()
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(lines) => lines
                .into_iter()
                .filter(|line| !line.trim().is_empty())
                .collect(),
            Err(error) => {
                eprintln!("error: cannot read queries from standard input: {error}");
                return Exit::BadInput;
            }
        }
    } else {
        args.queries.clone()
    };

    let mut exit = Exit::Success;
    for text in &queries {
        match query::parse(text) {
            Ok(parsed) => {
                match args.format {
                    Format::Human => println!("{parsed}"),
                    Format::Json => println!(
                        "{}",
                        json!({"ok": true, "canonical": parsed.to_string(), "ast": parsed})
                    ),
                }
                for violation in unkey_limits(text, &parsed) {
                    eprint!("{}", context.renderer.render_in(violation, "query", text));
                }
            }
            Err(error) => {
                exit = Exit::BadInput;
                match args.format {
                    Format::Human => {
                        eprint!("{}", context.renderer.render_in(error, "query", text))
                    }
                    Format::Json => println!("{}", error_json(&error)),
                }
            }
        }
    }
    exit
}

fn error_json(error: &SyntaxError) -> serde_json::Value {
    json!({
        "ok": false,
        "error": {
            "message": error.to_string(),
            "offset": error.span().start,
            "length": error.span().len(),
        }
    })
}
