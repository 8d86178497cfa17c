//! The `permspec` command line: argument definitions and dispatch. Each command lives in a
//! module of its own; this one only routes.

/// `print!` to standard output, its failure remembered for [`finish`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write(format_args!($($arg)*))
    };
}

/// `println!` to standard output, its failure remembered for [`finish`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` for messages that echo arguments, paths, names or server text: every
/// unprintable character in the line is escaped, so none reaches the terminal raw.
macro_rules! eprintln_escaped {
    ($($arg:tt)*) => {
        $crate::cli::output::error(&format!(
            "{}\n",
            permspec::printable::escaped(&format!($($arg)*))
        ))
    };
}

mod batch;
mod check;
mod diff;
mod drift;
mod error;
mod findings;
mod generate;
mod grants_for;
mod import;
mod init;
mod line_guard;
mod lint;
mod migrate_urn;
mod output;
mod parse;
mod report;
mod routes;
mod rules;
mod scan;
mod schema;
mod shell;
mod test;
mod watch;

use clap::{Parser, Subcommand};
use error::CliError;
use permspec::report::{ColorChoice, Renderer};
use std::process::ExitCode;

/// Policy tests and lints for API-key permissions in the style of Unkey.
#[derive(Debug, Parser)]
#[command(name = "permspec", version, about, propagate_version = true)]
pub struct Cli {
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t, global = true)]
    color: ColorChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Syntax-check queries and print their canonical form.
    Parse(parse::Args),
    /// Decide one query against a set of grants and explain the decision.
    Check(check::Args),
    /// Run the cases of policy files as tests.
    Test(test::Args),
    /// Print the JSON Schema of policy files.
    Schema(schema::Args),
    /// Lint policy files: overbroad `*` grants and the other rules.
    Lint(lint::Args),
    /// Check the permission queries, checks and grants in application code against the
    /// policies.
    Scan(scan::Args),
    /// List the lint rules, or show one rule's documentation.
    Rules(rules::Args),
    /// List the Unkey API routes decided for root keys, or show one route's checks.
    Routes(routes::Args),
    /// The access a policy change grants or removes, key by key.
    Diff(diff::Args),
    /// The smallest root-key grants that let these route calls through, and what else
    /// they open.
    GrantsFor(grants_for::Args),
    /// URN grants for root keys' legacy tuples that open the same route calls, proven.
    MigrateUrn(migrate_urn::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff).
    Man(shell::ManArgs),
    /// Write a starter suite that passes `test` and `lint`.
    Init(init::Args),
    /// Write a policy file from the state of an access-control service.
    Import(import::Args),
    /// Whether the live workspace still matches the policy file committed for it.
    Drift(drift::Args),
    /// The access review to sign: who can do what and why, root keys' routes, changes.
    Report(report::Args),
    /// Write a synthetic suite for benchmarks (deterministic from a seed).
    #[command(hide = true)]
    Generate(generate::Args),
}

/// How a command ended, as documented in docs/cli.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything passed.
    Success = 0,
    /// A case failed, a query was denied, or a finding reached the failing severity.
    Failure = 1,
    /// The input could not be used.
    BadInput = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// Output formats shared by the commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text and miette reports for people.
    #[default]
    Human,
    /// Stable JSON shapes for tools.
    Json,
}

/// What every command needs besides its own arguments.
pub struct Context {
    /// Whether output to standard output is coloured.
    pub color: bool,
    /// Renders diagnostics for standard output (standard error has `output::report`).
    pub renderer: Renderer,
}

/// The configuration for checking `paths` (`explicit`, else the nearest `permspec.toml`
/// above them within the repository, else the defaults); a bad file is reported on standard
/// error and ends the command with [`Exit::BadInput`].
fn configuration(paths: &[std::path::PathBuf]) -> Result<permspec::lint::Config, Exit> {
    permspec::lint::Config::discover(None, paths).map_err(|error| {
        output::report(&error);
        Exit::BadInput
    })
}

/// The policy files under `paths`; none at all, or a path that cannot be read, is reported
/// on standard error and ends the command with [`Exit::BadInput`]. `filters` for a command
/// that also takes a filter (`test`), whose users may write one where a path goes, as
/// `cargo test` takes it.
fn policy_files_in(
    paths: &[std::path::PathBuf],
    filters: bool,
) -> Result<Vec<std::path::PathBuf>, Exit> {
    match permspec::runner::policy_files(paths) {
        Ok(files) if files.is_empty() => {
            let names: Vec<String> = paths
                .iter()
                .map(|path| format!("`{}`", path.display()))
                .collect();
            let message = format!("no policy files (*.yaml, *.yml) under {}", names.join(", "));
            Err(CliError::nothing_checked(message).report())
        }
        Ok(files) => Ok(files),
        Err(error) => {
            let mistaken_filter = match &error {
                permspec::runner::PathError::Missing(path) if filters => {
                    let name = path.to_string_lossy();
                    let bare = !name.contains(['/', '\\', '.']);
                    bare.then(|| name.into_owned())
                }
                _ => None,
            };
            let mut error = CliError::io(error.to_string());
            if let Some(name) = mistaken_filter {
                error = error.with_help(format!(
                    "paths are policy files or directories; to run only the tests whose names \
                     contain `{name}`, use `--filter {name}`"
                ));
            }
            // `policies` is what a command checks when given no paths: say so.
            if paths
                .iter()
                .any(|path| path.as_os_str() == "policies" && !path.exists())
            {
                error = error.with_help(
                    "`policies` is checked when no paths are given: give policy files or \
                     directories, set `paths` in permspec.toml, or write a starter suite with \
                     `permspec init`",
                );
            }
            Err(error.report())
        }
    }
}

/// Parses the process arguments and runs the command. Output that cannot be written (a full
/// disk, a closed file) ends the command with a message and [`Exit::BadInput`], never with
/// a panic or a silent success.
pub fn main() -> ExitCode {
    let exit = run();
    match output::finish() {
        Ok(()) => exit.into(),
        Err(error) => CliError::io(format!("cannot write the output: {error}"))
            .report()
            .into(),
    }
}

/// Ends a run's use of `value`: dropped when `watching` (the next run follows), otherwise
/// left for the process's exit to reclaim, as freeing a big run's millions of values one by
/// one costs a tenth of the run.
fn leave<T>(value: T, watching: bool) {
    if watching {
        drop(value);
    } else {
        std::mem::forget(value);
    }
}

/// How a command line clap cannot parse ends: `--help` and `--version` print their text,
/// an error is reported as every error is, clap's tip and usage as its hint.
fn unparsed(error: clap::Error) -> Exit {
    let mut text = error.render().to_string();
    if !error.use_stderr() {
        out!("{text}");
        return Exit::Success;
    }
    // clap quotes the arguments as given: a line break in one must not start a line.
    for argument in std::env::args().skip(1) {
        for part in std::iter::once(argument.as_str())
            .chain(argument.split_once('=').map(|(_, value)| value))
        {
            let escaped = permspec::printable::escaped(part);
            if escaped != part {
                text = text.replace(part, &escaped);
            }
        }
    }
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    let (message, hint) = text.split_once('\n').unwrap_or((text, ""));
    let selector = matches!(
        error.get(clap::error::ContextKind::InvalidArg),
        Some(clap::error::ContextValue::String(flag))
            if ["--select", "--ignore", "--deny", "--warn", "--allow"]
                .iter()
                .any(|name| flag.starts_with(name))
    );
    let report = if selector {
        CliError::selector(message.trim_end())
    } else {
        CliError::usage(message.trim_end())
    };
    let hint = hint.trim();
    let hint: Vec<String> = (hint.strip_prefix("tip: ").unwrap_or(hint).lines())
        .map(str::to_owned)
        .collect();
    match hint.as_slice() {
        [] => report.report(),
        lines => report.with_help_lines(lines).report(),
    }
}

fn run() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return unparsed(error),
    };
    output::set_color(cli.color.for_stderr());
    let color = cli.color.for_stdout();
    let context = Context {
        color,
        renderer: Renderer::new(color),
    };
    match cli.command {
        Command::Parse(args) => parse::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Test(args) => test::run(&args, &context),
        Command::Schema(args) => schema::run(&args),
        Command::Lint(args) => lint::run(&args, &context),
        Command::Scan(args) => scan::run(&args, &context),
        Command::Rules(args) => rules::run(&args),
        Command::Routes(args) => routes::run(&args),
        Command::Diff(args) => diff::run(&args, &context),
        Command::GrantsFor(args) => grants_for::run(&args),
        Command::MigrateUrn(args) => migrate_urn::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Drift(args) => drift::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Completions(args) => shell::completions(&args),
        Command::Man(args) => shell::man(&args),
        Command::Generate(args) => generate::run(&args),
    }
}
