//! `permspec generate` (hidden): write a synthetic suite for benchmarks.

use super::Exit;
use permspec::generate::{Shape, generate};
use std::path::PathBuf;

/// Arguments of `permspec generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write `policy.yaml` and `cases-NN.yaml` into.
    directory: PathBuf,

    #[command(flatten)]
    shape: Shape,
}

pub fn run(args: &Args) -> Exit {
    match generate(&args.shape, &args.directory) {
        Ok(files) => {
            for file in files {
                println!("{}", file.display());
            }
            Exit::Success
        }
        Err(error) => {
            eprintln_escaped!(
                "error: cannot write the suite into `{}`: {error}",
                args.directory.display()
            );
            Exit::BadInput
        }
    }
}
