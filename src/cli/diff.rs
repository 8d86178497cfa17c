//! `permspec diff`: the access a policy change grants or removes; fails when access widens
//! without a case asserting it.

use super::error::CliError;
use super::output;
use super::{Context, Exit};
use permspec::diff::{Side, diff};
use permspec::printable::json_pretty;
use permspec::report::{
    diff_json, diff_markdown, diff_text, new_asks_json, new_asks_markdown, new_asks_text,
};
use std::path::PathBuf;

/// Output formats of `permspec diff`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// miette reports on the grants that widen access, then the other changes.
    #[default]
    Human,
    /// One JSON document.
    Json,
    /// A Markdown table for a pull-request comment.
    Markdown,
}

/// Arguments of `permspec diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// `OLD NEW` (files or directories); with `--base`, the paths to compare (default
    /// `policies`).
    paths: Vec<PathBuf>,

    /// Compare the working tree's files with this git revision (e.g. `origin/main`), read
    /// with `git show`.
    #[arg(long, value_name = "REV")]
    base: Option<String>,

    /// Do not fail when access widens.
    #[arg(long)]
    allow_widening: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: DiffFormat,
}

fn sides(args: &Args) -> Result<(Side, Side), String> {
    match (&args.base, args.paths.as_slice()) {
        (Some(revision), paths) => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from("policies")]
            } else {
                paths.to_vec()
            };
            let old = Side::at_revision(revision, &paths).map_err(|error| error.to_string())?;
            let new = Side::working_tree(&paths).map_err(|error| error.to_string())?;
            Ok((old, new))
        }
        (None, [old, new]) => {
            let side = |path| Side::from_path(path).map_err(|error| error.to_string());
            Ok((side(old)?, side(new)?))
        }
        (None, _) => Err("give OLD and NEW, or --base REV with the paths to compare".to_owned()),
    }
}

pub fn run(args: &Args, context: &Context) -> Exit {
    let (old, new) = match sides(args) {
        Ok(sides) => sides,
        Err(error) => {
            return CliError::usage(error.to_string()).report();
        }
    };
    // The configuration of the new version: above NEW, or above the paths compared.
    let checked: &[PathBuf] = match (&args.base, args.paths.as_slice()) {
        (None, [_, new]) => std::slice::from_ref(new),
        (_, paths) => paths,
    };
    let config = match super::configuration(checked) {
        Ok(config) => config,
        Err(exit) => return exit,
    };
    let today = jiff::Zoned::now().date();
    let diff = match diff(&old, &new, jiff::Timestamp::now(), today, &config) {
        Ok(diff) => diff,
        Err(errors) => {
            for error in &errors {
                output::report(error);
            }
            return Exit::BadInput;
        }
    };
    // With `[scan]` and a base revision, the code is compared too.
    let asks = match (&args.base, &config.scan) {
        (Some(base), Some(scan)) => match super::scan::new_unheld_asks(base, scan, &config, &new) {
            Ok(asks) => asks,
            Err(errors) => {
                for error in &errors {
                    output::report(error);
                }
                return Exit::BadInput;
            }
        },
        _ => Vec::new(),
    };
    match args.format {
        DiffFormat::Human => {
            out!("{}", diff_text(&diff, &context.renderer));
            out!("{}", new_asks_text(&asks));
        }
        DiffFormat::Json => {
            let mut json = diff_json(&diff);
            if args.base.is_some() && config.scan.is_some() {
                json["code"] = new_asks_json(&asks);
            }
            outln!("{}", json_pretty(&json))
        }
        DiffFormat::Markdown => {
            out!("{}", diff_markdown(&diff));
            out!("{}", new_asks_markdown(&asks));
        }
    }
    if (diff.unacknowledged() > 0 && !args.allow_widening) || !asks.is_empty() {
        Exit::Failure
    } else {
        Exit::Success
    }
}
