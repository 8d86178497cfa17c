//! `permspec import unkey`: write a policy file from Unkey's API responses.

use super::{Context, Exit};
use crate::import::{Responses, unkey_policy};
use crate::policy::Source;
use std::path::{Path, PathBuf};

/// Arguments of `permspec import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    from: From,
}

#[derive(Debug, clap::Subcommand)]
enum From {
    /// From the JSON bodies of Unkey's v2 API (saved with e.g. `curl`).
    ///
    /// Each file holds one response, several concatenated, or the bare `data`; pass
    /// every page. Key material (`plaintext` and the like) is never written.
    Unkey(UnkeyArgs),
}

#[derive(Debug, clap::Args)]
struct UnkeyArgs {
    /// `apis.listKeys` pages or `keys.getKey` bodies.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    keys: Vec<PathBuf>,

    /// `permissions.listRoles` pages.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    roles: Vec<PathBuf>,

    /// `permissions.listPermissions` pages: the catalog.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    permissions: Vec<PathBuf>,

    /// Write the policy here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: &Args, context: &Context) -> Exit {
    let From::Unkey(args) = &args.from;
    let read = |paths: &[PathBuf]| -> Result<Vec<Source>, String> {
        paths.iter().map(|path| read_source(path)).collect()
    };
    let responses = match (read(&args.keys), read(&args.roles), read(&args.permissions)) {
        (Ok(keys), Ok(roles), Ok(permissions)) => Responses {
            keys,
            roles,
            permissions,
        },
        (Err(error), ..) | (_, Err(error), _) | (.., Err(error)) => {
            eprintln!("error: {error}");
            return Exit::BadInput;
        }
    };
    let imported = match unkey_policy(&responses) {
        Ok(imported) => imported,
        Err(errors) => {
            for error in &errors {
                eprint!("{}", context.renderer.render(error));
            }
            return Exit::BadInput;
        }
    };
    for warning in &imported.warnings {
        eprintln!("warning: {warning}");
    }
    match &args.output {
        None => print!("{}", imported.yaml),
        Some(path) => {
            if let Err(error) = crate::atomic_write::write_file(path, imported.yaml.as_bytes()) {
                eprintln!("error: cannot write `{}`: {error}", path.display());
                return Exit::BadInput;
            }
        }
    }
    Exit::Success
}

fn read_source(path: &Path) -> Result<Source, String> {
    crate::input::read_text(path, crate::policy::Limits::default().file_bytes)
        .map(|text| Source::new(path, text))
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))
}
