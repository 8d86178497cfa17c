//! `permspec init`: write a starter suite.

use super::Exit;
use super::error::CliError;
use permspec::init::{InitError, scaffold};
use std::path::PathBuf;

/// Arguments of `permspec init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the suite (`permspec.toml` goes into the current directory).
    #[arg(default_value = ".")]
    directory: PathBuf,

    /// Overwrite files of the suite that exist already.
    #[arg(long)]
    force: bool,

    /// Also write `root-keys.yaml`: Unkey root keys with scoped URN permissions, and cases
    /// on the API routes they call.
    #[arg(long)]
    root_keys: bool,
}

pub fn run(args: &Args) -> Exit {
    match scaffold(&args.directory, args.force, args.root_keys) {
        Ok(files) => {
            for file in &files {
                outln!("wrote {}", file.display());
            }
            outln!("next: permspec test && permspec lint");
            Exit::Success
        }
        Err(error @ InitError::Exists(_)) => {
            CliError::usage(format!(
                "{error}; nothing was written (`--force` overwrites them)"
            ))
            .report();
            Exit::BadInput
        }
        Err(error) => CliError::io(error.to_string()).report(),
    }
}
