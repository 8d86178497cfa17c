//! `permspec lint`: run the lint rules over policy files.

use super::findings::{LintFormat, RuleFlags, report_findings, summary};
use super::output;
use super::{Context, Exit};
use permspec::diagnostic::FileDiagnostic;
use permspec::lint::{Config, FileFindings, fix_files, lint_files_and_queries};
use permspec::policy::Source;
use std::path::{Path, PathBuf};

/// Arguments of `permspec lint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories of them (default: the configuration's `paths`, else
    /// `policies`, unless `--queries` is given).
    paths: Vec<PathBuf>,

    /// A file of queries to lint, one per line (`#` starts a comment line; `-` reads
    /// standard input). Repeatable.
    #[arg(long, value_name = "FILE")]
    queries: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: LintFormat,

    #[command(flatten)]
    rules: RuleFlags,

    /// Apply the safe fixes (drop redundant and repeated grants, expand `X.*` into the
    /// catalog permissions it reaches), which keep every decision, then report what is left.
    #[arg(long)]
    fix: bool,

    /// With `--fix`, also apply unsafe fixes, which change access (a grant's typo corrected
    /// to the catalog entry it was meant to be).
    #[arg(long, requires = "fix")]
    unsafe_fixes: bool,

    /// Run again whenever a policy file under the paths changes.
    #[arg(long, conflicts_with = "fix")]
    watch: bool,
}

/// The configuration for `args`.
fn configuration(args: &Args) -> Result<Config, FileDiagnostic> {
    args.rules.configuration(&args.paths)
}

pub fn run(args: &Args, context: &Context) -> Exit {
    if args.watch {
        let mut watched = match configuration(args) {
            Ok(config) => policy_paths(args, &config),
            Err(error) => {
                output::report(&error);
                return Exit::BadInput;
            }
        };
        watched.extend(
            args.queries
                .iter()
                .filter(|path| path.as_os_str() != "-")
                .cloned(),
        );
        return super::watch::watch(&watched, || run_once(args, context));
    }
    run_once(args, context)
}

/// The paths given, else the configuration's (`policies` by default), unless only queries
/// are linted.
fn policy_paths(args: &Args, config: &Config) -> Vec<PathBuf> {
    if args.paths.is_empty() && args.queries.is_empty() {
        config.default_paths()
    } else {
        args.paths.clone()
    }
}

fn run_once(args: &Args, context: &Context) -> Exit {
    let config = match configuration(args) {
        Ok(config) => config,
        Err(error) => {
            output::report(&error);
            return Exit::BadInput;
        }
    };
    let paths = policy_paths(args, &config);
    if let (Some(file), LintFormat::Human) = (&config.file, args.format) {
        eprintln_escaped!("configuration: {}", file.display());
    }
    let files = if paths.is_empty() {
        Vec::new()
    } else {
        match super::policy_files_in(&paths, false) {
            Ok(files) => files,
            Err(exit) => return exit,
        }
    };
    let today = jiff::Zoned::now().date();
    if args.fix && !fixed(&files, &config, today, args.unsafe_fixes) {
        return Exit::BadInput;
    }
    let mut unreadable = Vec::new();
    let queries: Vec<Source> = (args.queries.iter())
        .filter_map(|path| {
            read_queries(path, config.limits.file_bytes)
                .map_err(|error| unreadable.push(error))
                .ok()
        })
        .collect();
    let (mut findings, mut errors) = lint_files_and_queries(&files, &queries, &config, today);
    errors.extend(unreadable);
    if let Some(scan) = &config.scan {
        let (dead, scan_errors) = super::scan::dead_grants(&files, scan, &config, today);
        add_findings(&mut findings, dead);
        errors.extend(scan_errors);
    }
    findings.retain(|file| !file.findings.is_empty());
    for error in &errors {
        output::report(error);
    }
    let checked = files.len() + args.queries.len();
    let summary = |unusable| summary(&findings, unusable, checked);
    report_findings(args.format, &findings, &errors, &config, context, summary)
}

/// Adds `extra` to the findings grouped by file, each group kept in position order.
fn add_findings(findings: &mut Vec<FileFindings>, extra: Vec<permspec::lint::Finding>) {
    for finding in extra {
        let position = findings
            .iter()
            .position(|group| group.source.path() == finding.source.path());
        let group = match position {
            Some(index) => &mut findings[index],
            None => {
                findings.push(FileFindings {
                    source: finding.source.clone(),
                    findings: Vec::new(),
                });
                findings.last_mut().expect("just pushed")
            }
        };
        group.findings.push(finding);
        group
            .findings
            .sort_by_key(|finding| (finding.span.start(), finding.rule.code));
    }
}

/// Applies the fixes to `files` and says what was done; false when a file could not be
/// fixed (nothing of it written).
fn fixed(files: &[PathBuf], config: &Config, today: jiff::civil::Date, unsafe_fixes: bool) -> bool {
    let report = fix_files(files, config, today, unsafe_fixes);
    for skipped in &report.skipped {
        eprintln_escaped!("warning: {skipped}");
    }
    for (file, count) in &report.fixed {
        let plural = if *count == 1 { "" } else { "s" };
        eprintln_escaped!("fixed {count} finding{plural} in {file}");
    }
    for error in &report.errors {
        output::report(error);
    }
    report.errors.is_empty()
}

/// A file of queries, or standard input for `-`, within the size limit of a policy file.
fn read_queries(path: &Path, limit: u64) -> Result<Source, FileDiagnostic> {
    let stdin = path == Path::new("-");
    let text = if stdin {
        permspec::input::read_stdin(limit)
    } else {
        permspec::input::read_text(path, limit)
    };
    let name = if stdin { Path::new("<stdin>") } else { path };
    text.map(|text| Source::new(name, text)).map_err(|error| {
        FileDiagnostic::unreadable(
            name.display().to_string(),
            format!("cannot read `{}`: {error}", name.display()),
        )
    })
}
