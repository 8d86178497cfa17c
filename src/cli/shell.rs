//! `permspec completions` and `permspec man`: generated from the command-line definition,
//! so they never drift from it.

use super::{Cli, Exit};
use clap::CommandFactory;

/// Arguments of `permspec completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

/// Arguments of `permspec man` (none).
#[derive(Debug, clap::Args)]
pub struct ManArgs {}

/// Prints the completion script: e.g. `permspec completions bash > ~/.local/share/bash-completion/completions/permspec`.
pub fn completions(args: &CompletionsArgs) -> Exit {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "permspec", &mut std::io::stdout());
    Exit::Success
}

/// Prints the man page (roff): e.g. `permspec man > permspec.1`.
pub fn man(_: &ManArgs) -> Exit {
    let page = clap_mangen::Man::new(Cli::command());
    match page.render(&mut std::io::stdout()) {
        Ok(()) => Exit::Success,
        Err(error) => {
            eprintln!("error: cannot write the man page: {error}");
            Exit::Failure
        }
    }
}
