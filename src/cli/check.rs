//! `permspec check`: decide one query against grants and explain the decision.

use super::{Context, Exit, Format};
use crate::eval::{Access, Decision, Semantics};
use crate::query::{self, unkey_limits};
use crate::report::{decision_json, decision_text};

/// Arguments of `permspec check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The permission query, e.g. "admin OR (documents.read AND documents.write)".
    query: String,

    /// A permission the key holds (repeat, or separate with commas).
    #[arg(long = "grant", value_name = "PERMISSION", value_delimiter = ',')]
    grants: Vec<String>,

    /// A permission no key may use: a query that needs it is FORBIDDEN (repeatable).
    #[arg(long = "forbid", value_name = "PATTERN", value_delimiter = ',')]
    forbidden: Vec<String>,

    /// What `*` in a grant means.
    #[arg(long, value_enum, default_value_t)]
    semantics: Semantics,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &Args, context: &Context) -> Exit {
    let parsed = match query::parse(&args.query) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprint!(
                "{}",
                context.renderer.render_in(error, "query", &args.query)
            );
            return Exit::BadInput;
        }
    };
    let violations = unkey_limits(&args.query, &parsed);
    if !violations.is_empty() {
        for violation in violations {
            eprint!(
                "{}",
                context.renderer.render_in(violation, "query", &args.query)
            );
        }
        return Exit::BadInput;
    }

    let decision = Decision::new(&parsed, args.semantics, |matching| {
        Access::new(&args.grants, &args.forbidden, matching)
    });
    match args.format {
        Format::Human => print!("{}", decision_text(&decision)),
        Format::Json => println!("{}", decision_json(&decision)),
    }
    if decision.allowed() {
        Exit::Success
    } else {
        Exit::Failure
    }
}
