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

    /// Also write a `[scan]` section, for `permspec scan`, over these source directories
    /// (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "DIRS")]
    scan: Vec<PathBuf>,
}

pub fn run(args: &Args) -> Exit {
    match scaffold(&args.directory, args.force, args.root_keys, &args.scan) {
        Ok(files) => {
            for file in &files {
                outln!("wrote {}", file.display());
            }
            if args.scan.is_empty() {
                outln!("next: permspec test && permspec lint");
            } else {
                outln!("next: permspec test && permspec lint && permspec scan");
            }
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
