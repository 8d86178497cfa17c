//! `permspec generate` (hidden): write a synthetic suite for benchmarks.

use super::Exit;
use super::error::CliError;
use permspec::generate::{Reference, Shape, generate, generate_reference};
use std::path::PathBuf;

/// Arguments of `permspec generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write `policy.yaml` and `cases-NN.yaml` into.
    directory: PathBuf,

    /// Write the reference workload instead, as one file `suite.yaml`: seed 7, 100 roles,
    /// 1,000 keys, 100,000 cases, a fifth of the grants wildcards, `semantics: literal`
    /// (`--seed` and `--cases` still apply).
    #[arg(long)]
    reference: bool,

    #[command(flatten)]
    shape: Shape,
}

pub fn run(args: &Args) -> Exit {
    let written = if args.reference {
        let path = args.directory.join("suite.yaml");
        let defaults = Reference::default();
        let shape = Reference {
            seed: if args.shape.seed == 1 {
                defaults.seed
            } else {
                args.shape.seed
            },
            cases: args.shape.cases,
            ..defaults
        };
        std::fs::create_dir_all(&args.directory)
            .and_then(|()| generate_reference(&shape, &path))
            .map(|()| vec![path])
    } else {
        generate(&args.shape, &args.directory)
    };
    match written {
        Ok(files) => {
            for file in files {
                outln!("{}", file.display());
            }
            Exit::Success
        }
        Err(error) => CliError::io(format!(
            "cannot write the suite into `{}`: {error}",
            args.directory.display()
        ))
        .report(),
    }
}
