//! `permspec completions` and `permspec man`: generated from the command-line definition,
//! so they never drift from it.

use super::error::CliError;
use super::{Cli, Exit};
use clap::CommandFactory;

/// Arguments of `permspec completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

/// Arguments of `permspec man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `permspec.1` and a page per command (`permspec-lint.1`, ...) into this
    /// directory, instead of printing `permspec.1`.
    #[arg(long, value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
}

/// Prints the completion script: e.g. `permspec completions bash > ~/.local/share/bash-completion/completions/permspec`.
pub fn completions(args: &CompletionsArgs) -> Exit {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "permspec", &mut script);
    super::output::write_bytes(&script);
    Exit::Success
}

/// Prints the man page (roff), e.g. `permspec man > permspec.1`, or writes every page into
/// `--dir`.
pub fn man(args: &ManArgs) -> Exit {
    let command = Cli::command();
    let Some(directory) = &args.dir else {
        return match render(&command, None) {
            Ok(page) => {
                out!("{page}");
                Exit::Success
            }
            Err(error) => CliError::io(format!("cannot render the man page: {error}")).report(),
        };
    };
    let mut pages = vec![("permspec".to_owned(), render(&command, None))];
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let name = format!("permspec-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            // The synopsis shows how the command is typed: `permspec lint`.
            .bin_name(format!("permspec {}", sub.get_name()))
            .version(env!("CARGO_PKG_VERSION"));
        let page = render(&page, Some(sub.get_name()));
        pages.push((name, page));
    }
    if let Err(error) = std::fs::create_dir_all(directory) {
        return CliError::io(format!("cannot create `{}`: {error}", directory.display())).report();
    }
    for (name, page) in pages {
        let path = directory.join(format!("{name}.1"));
        let written =
            page.and_then(|page| permspec::atomic_write::write_file(&path, page.as_bytes()));
        if let Err(error) = written {
            return CliError::io(format!("cannot write `{}`: {error}", path.display())).report();
        }
    }
    Exit::Success
}

/// The page of `command` (the whole tool when `subcommand` is `None`), with EXIT STATUS.
fn render(command: &clap::Command, subcommand: Option<&str>) -> std::io::Result<String> {
    let page = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    page.render_title(&mut out)?;
    page.render_name_section(&mut out)?;
    page.render_synopsis_section(&mut out)?;
    page.render_description_section(&mut out)?;
    page.render_options_section(&mut out)?;
    if command.has_subcommands() {
        page.render_subcommands_section(&mut out)?;
    }
    out.extend_from_slice(exit_status(subcommand).as_bytes());
    page.render_version_section(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The EXIT STATUS section: what 1 means depends on the command.
fn exit_status(subcommand: Option<&str>) -> String {
    let failure = match subcommand {
        Some("test") => {
            "A case or access assertion failed, coverage fell under \\-\\-fail\\-under, or a mutant survived"
        }
        Some("lint") => {
            "A finding reached the failing level (errors, or warnings with \\-\\-deny warnings)"
        }
        Some("parse") => "A query has an error\\-level finding",
        Some("check") => "The query is denied",
        Some("diff") => "Access widens unacknowledged",
        Some(_) => "Not used",
        None => "A check failed: a case, a finding, a denial or a widening, as each command says",
    };
    format!(
        ".SH \"EXIT STATUS\"\n.TP\n0\nSuccess: everything asked for was checked and passed.\n\
         .TP\n1\n{failure}.\n.TP\n2\nThe input could not be used: a file or directory \
         missing, unreadable or invalid, a syntax error, a limit crossed, a bad flag, or output \
         that cannot be written. A message names the cause.\n"
    )
}
