//! `permspec drift FILE`: whether a workspace's live state still matches the policy file
//! committed for it (exit 0), or how it differs (exit 1).

use super::Exit;
use super::error::CliError;
use super::import::{SourceArgs, imported};
use super::output;
use permspec::import::drift::drift;
use permspec::policy::{Limits, Loader};
use permspec::report::{drift_markdown, drift_text};
use std::path::PathBuf;

/// Arguments of `permspec drift`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The committed policy file, as `permspec import unkey` wrote it (then edited).
    #[arg(value_name = "FILE")]
    file: PathBuf,

    #[command(flatten)]
    source: SourceArgs,

    /// `markdown` for a scheduled job's summary or an issue.
    #[arg(long, value_enum, default_value_t)]
    format: DriftFormat,
}

/// How drift is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DriftFormat {
    /// A line per difference.
    #[default]
    Human,
    /// Every difference as JSON.
    Json,
    /// A table, for a CI job summary.
    Markdown,
}

pub fn run(args: &Args) -> Exit {
    let loader = Loader::new(Limits::default());
    let committed = match loader.load(&args.file) {
        Ok(file) => file,
        Err(error) => {
            output::report(&error);
            return Exit::BadInput;
        }
    };
    if let Some(missing) = args.source.without_roles_or_catalog() {
        return CliError::usage(format!(
            "drift compares the whole workspace: pass the saved {missing} pages too"
        ))
        .report();
    }
    let Some(imported) = imported(&args.source, args.format == DriftFormat::Human) else {
        return Exit::BadInput;
    };
    if imported.summary.partial {
        return CliError::usage(format!(
            "the workspace was read in part (`--partial`): a partial read cannot show \
             that it matches `{}`",
            args.file.display()
        ))
        .report();
    }
    let live = match loader.load_text(&args.file.with_extension("live.yaml"), imported.yaml) {
        Ok(file) => file,
        Err(error) => {
            output::report(&error);
            return Exit::BadInput;
        }
    };
    let drift = drift(&committed.policy, &live.policy);
    // Lines are in the policy's own file, which a case file names with `policy:`.
    let name = committed.policy.source.name();
    match args.format {
        DriftFormat::Human => out!("{}", drift_text(&drift, name)),
        DriftFormat::Markdown => out!("{}", drift_markdown(&drift, name)),
        DriftFormat::Json => outln!(
            "{}",
            permspec::printable::json(&serde_json::json!({
                "file": name,
                "matches": drift.is_empty(),
                "drift": drift,
            }))
        ),
    }
    if drift.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    }
}
