//! `permspec report`: the access review a security team signs, as one self-contained HTML
//! file, JSON, or a directory of CSV tables.

use super::Exit;
use super::error::CliError;
use super::output;
use permspec::diff::{Diff, Side, diff};
use permspec::lint::{Config, Selector, lint_loaded};
use permspec::policy::Limits;
use permspec::printable::json;
use permspec::report::{review_csv, review_html};
use permspec::review::{FLAGGED, Input, PreviousReview, Review, build, with_findings};
use permspec::runner::{Collected, Selection, collect, coverage, execute};
use std::path::{Path, PathBuf};

/// Output formats of `permspec report`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file (no network requests; opens from `file://`).
    #[default]
    Html,
    /// One JSON document (docs/report.md).
    Json,
    /// One CSV file per table, in the directory `-o` names (docs/report.md).
    Csv,
}

/// Arguments of `permspec report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories of them (default: the configuration's `paths`, else
    /// `policies`).
    paths: Vec<PathBuf>,

    /// Where to write: a file for HTML and JSON (default: standard output), a directory
    /// for CSV.
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,

    /// Show access gained and lost since this git revision (e.g. the last review's tag).
    #[arg(long, value_name = "REV", conflicts_with = "old")]
    base: Option<String>,

    /// Show access gained and lost since the policies at this path (a file or directory).
    #[arg(long, value_name = "PATH")]
    old: Option<PathBuf>,

    /// The JSON report of the review before: this one says whether access is unchanged
    /// since, and which keys differ.
    #[arg(long, value_name = "FILE")]
    previous: Option<PathBuf>,

    /// The time of the review (RFC 3339, e.g. `2026-12-01T00:00:00Z`): the generation time
    /// shown and the clock for `expires` (default: now), for reproducible reports.
    #[arg(long, value_name = "TIME")]
    now: Option<jiff::Timestamp>,
}

pub fn run(args: &Args) -> Exit {
    if args.format == ReportFormat::Csv && args.output.is_none() {
        return CliError::usage("`--format csv` writes one file per table: give `-o DIRECTORY`")
            .report();
    }
    match review(args) {
        Ok(review) => {
            let exit = write(args, &review);
            super::leave(review, false);
            exit
        }
        Err(exit) => exit,
    }
}

/// Reads, runs, lints and compares everything the review shows.
fn review(args: &Args) -> Result<Review, Exit> {
    let config = super::configuration(&args.paths)?;
    let paths = if args.paths.is_empty() {
        config.default_paths()
    } else {
        args.paths.clone()
    };
    let files = super::policy_files_in(&paths, false)?;
    let now = args.now.unwrap_or_else(|| {
        let now = jiff::Timestamp::now();
        now.round(jiff::Unit::Second).unwrap_or(now)
    });
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let previous = args.previous.as_deref().map(previous_review).transpose()?;
    let changes = changes(args, &paths, now, today, &config)?;
    let Collected { files, tests } = collect(&files, None, now, &config.limits);
    let unloadable: Vec<_> = tests.iter().filter(|test| test.is_load_failure()).collect();
    if !unloadable.is_empty() {
        for test in unloadable {
            if let Some(failure) = test.run().failure {
                output::report(&failure);
            }
        }
        return Err(Exit::BadInput);
    }
    let loaded: Vec<_> = files.iter().map(|loaded| &loaded.file).collect();
    // The linter runs beside the cases and the review, which its findings join last.
    let (review, findings, executed) = std::thread::scope(|scope| {
        let findings = scope.spawn(|| {
            let findings = lint_loaded(&loaded, &config, today);
            (findings, lint_loaded(&loaded, &flagging(&config), today))
        });
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let (executed, tally) = execute(&tests, &Selection::default(), threads);
        let coverage = coverage(&files, &tally.keep_passed(tests));
        let review = build(&Input {
            files: &files,
            executed: &executed,
            coverage: &coverage,
            diff: changes.as_ref().map(|(diff, base)| (diff, base.clone())),
            generated: now,
            previous: previous.as_ref(),
            config: &config,
        });
        let findings = findings.join().expect("the lint thread panicked");
        (review, findings, executed)
    });
    let (findings, flagged) = findings;
    let review = with_findings(review, &files, &findings, &flagged);
    super::leave((files, executed, findings, flagged, changes), false);
    Ok(review)
}

/// `config` running only the rules a review flags root keys with, at their own levels,
/// whatever `config` selects, ignores or turns off, and whatever keys' suppressions excuse.
fn flagging(config: &Config) -> Config {
    let selectors =
        FLAGGED.map(|rule| Selector::parse(rule.rule().code).expect("a rule's code selects it"));
    Config {
        levels: Default::default(),
        select: selectors.to_vec(),
        ignore: Vec::new(),
        suppressions: false,
        ..config.clone()
    }
}

/// The change since `--base` or `--old`, with the base's name.
fn changes(
    args: &Args,
    paths: &[PathBuf],
    now: jiff::Timestamp,
    today: jiff::civil::Date,
    config: &Config,
) -> Result<Option<(Diff, String)>, Exit> {
    // A revision is compared with the working tree, named by their paths in the
    // repository; a path with the one path reviewed, as `diff OLD NEW` pairs them.
    let sides = match (&args.base, &args.old, paths) {
        (Some(revision), _, _) => Side::at_revision(revision, paths).and_then(|old| {
            let base = match &old.commit {
                Some(commit) => format!("{revision} ({commit})"),
                None => revision.clone(),
            };
            Ok((old, Side::working_tree(paths)?, base))
        }),
        (None, Some(path), [new]) => Side::from_path(path)
            .and_then(|old| Ok((old, Side::from_path(new)?, path.display().to_string()))),
        (None, Some(_), _) => {
            return Err(CliError::usage(
                "`--old` compares one path with one: give one file or directory to review",
            )
            .report());
        }
        (None, None, _) => return Ok(None),
    };
    let (old, new, base) = sides.map_err(|error| CliError::usage(error.to_string()).report())?;
    match diff(&old, &new, now, today, config) {
        Ok(diff) => Ok(Some((diff, base))),
        Err(errors) => {
            for error in &errors {
                output::report(error);
            }
            Err(Exit::BadInput)
        }
    }
}

/// The review before, from its JSON report.
fn previous_review(path: &Path) -> Result<PreviousReview, Exit> {
    let text = permspec::input::read_text(path, Limits::default().file_bytes);
    let parsed = text.map_err(|error| error.to_string()).and_then(|text| {
        let previous: PreviousReview = serde_json::from_str(&text)
            .map_err(|error| format!("not a JSON report of `permspec report`: {error}"))?;
        previous.verify().map_err(|error| error.to_string())?;
        Ok(previous)
    });
    parsed
        .map_err(|error| CliError::io(format!("`--previous {}`: {error}", path.display())).report())
}

/// Writes the review where `--output` says, in `--format`.
fn write(args: &Args, review: &Review) -> Exit {
    let text = match args.format {
        ReportFormat::Html => review_html(review),
        ReportFormat::Json => json(review) + "\n",
        ReportFormat::Csv => {
            let directory = args.output.as_deref().expect("checked before the review");
            return match review_csv(review, directory) {
                Ok(()) => Exit::Success,
                Err(error) => {
                    let (directory, error) = (directory.display(), plain(error));
                    CliError::io(format!(
                        "cannot write the tables into `{directory}`: {error}"
                    ))
                    .report()
                }
            };
        }
    };
    match &args.output {
        None => {
            out!("{text}");
            Exit::Success
        }
        Some(path) if path.is_dir() => {
            let path = path.display();
            CliError::usage(format!(
                "`{path}` is a directory: give a file, such as `{path}/review.html`"
            ))
            .report()
        }
        Some(path) => match permspec::atomic_write::write_file(path, text.as_bytes()) {
            Ok(()) => Exit::Success,
            Err(error) => CliError::io(format!(
                "cannot write `{}`: {}",
                path.display(),
                plain(error)
            ))
            .report(),
        },
    }
}

/// `error` without the name of a temporary file it may carry: the system's words for it.
fn plain(error: std::io::Error) -> std::io::Error {
    match error.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => error,
    }
}
