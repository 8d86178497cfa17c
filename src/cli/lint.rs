//! `permspec lint`: run the lint rules over policy files.

use super::output;
use super::{Context, Exit};
use permspec::diagnostic::FileDiagnostic;
use permspec::error_code::ErrorCode;
use permspec::lint::{
    Config, FileFindings, Level, LevelSetting, Selector, fix_files, lint_files_and_queries,
};
use permspec::policy::Source;
use permspec::printable::json_pretty;
use permspec::report::{github_annotations, lint_json, sarif};
use std::path::{Path, PathBuf};

/// Output formats of `permspec lint`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    /// miette reports grouped by file, and a summary.
    #[default]
    Human,
    /// JSON: `lint`'s array of findings; `scan`'s object of sites and findings.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

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

/// Which rules run at which level, and the configuration file: the flags `lint` and
/// `scan` share.
#[derive(Debug, clap::Args)]
pub struct RuleFlags {
    /// `warnings` fails on warnings too; rule selectors (codes, code prefixes such as `W`,
    /// names; comma lists) make those rules errors.
    #[arg(long, value_delimiter = ',', value_name = "warnings|RULES")]
    deny: Vec<String>,

    /// Report these rules as warnings.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    warn: Vec<Selector>,

    /// Do not report these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    allow: Vec<Selector>,

    /// Run only rules matching these codes, code prefixes (`W`) or names.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<Selector>,

    /// Do not run rules matching these codes, prefixes or names.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<Selector>,

    /// Configuration file (default: the nearest `permspec.toml` at or above the first path
    /// checked, or the current directory, within its git repository).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

impl RuleFlags {
    /// The configuration file's (found from `paths`), with the command line's selections
    /// and levels on top.
    pub fn configuration(&self, paths: &[PathBuf]) -> Result<Config, FileDiagnostic> {
        let mut config = Config::discover(self.config.as_deref(), paths)?;
        config.select.extend(self.select.iter().cloned());
        config.ignore.extend(self.ignore.iter().cloned());
        for selector in &self.deny {
            if selector == "warnings" {
                config.fail_level = Level::Warning;
            } else {
                let selector = Selector::parse(selector).map_err(|error| {
                    let report =
                        FileDiagnostic::unreadable("command line", format!("`--deny`: {error}"))
                            .with_code(ErrorCode::CliSelector);
                    match permspec::suggest::did_you_mean(selector, ["warnings"]) {
                        Some(hint) => {
                            report.with_help(format!("{hint} (every warning fails the run)"))
                        }
                        None => report,
                    }
                })?;
                config.set_level(&selector, LevelSetting::Error);
            }
        }
        for selector in &self.warn {
            config.set_level(selector, LevelSetting::Warning);
        }
        for selector in &self.allow {
            config.set_level(selector, LevelSetting::Off);
        }
        Ok(config)
    }
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

/// Prints `findings` and `errors` in `format` (a human run ends with `summary` of the
/// errors that kept input from being checked, on standard error), and says how the run
/// ends ([`exit_for`]).
pub fn report_findings(
    format: LintFormat,
    findings: &[FileFindings],
    errors: &[FileDiagnostic],
    config: &Config,
    context: &Context,
    summary: impl Fn(usize) -> String,
) -> Exit {
    match format {
        LintFormat::Human => {
            for file in findings {
                for finding in &file.findings {
                    out!("{}", context.renderer.render(&finding.diagnostic()));
                }
            }
            let unusable = errors.iter().map(FileDiagnostic::count).sum();
            eprintln_escaped!("{}", summary(unusable));
        }
        LintFormat::Json => outln!("{}", json_pretty(&lint_json(findings))),
        LintFormat::Sarif => {
            let log = sarif(findings, config.file.as_deref(), errors);
            outln!("{}", json_pretty(&log))
        }
        LintFormat::Github => {
            output::write_unguarded(github_annotations(findings, errors).as_bytes())
        }
    }
    exit_for(findings, errors, config)
}

/// How a run with `findings` and `errors` ends: 2 if anything could not be checked, 1 if a
/// finding reaches the failing level.
pub fn exit_for(findings: &[FileFindings], errors: &[FileDiagnostic], config: &Config) -> Exit {
    let failing = findings
        .iter()
        .flat_map(|file| &file.findings)
        .any(|finding| finding.level >= config.fail_level);
    if !errors.is_empty() {
        Exit::BadInput
    } else if failing {
        Exit::Failure
    } else {
        Exit::Success
    }
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

/// One line: the findings by level, with the errors that kept files or queries from being
/// checked among the errors.
pub fn summary(findings: &[FileFindings], unusable: usize, files: usize) -> String {
    let count = |level| {
        findings
            .iter()
            .flat_map(|f| &f.findings)
            .filter(|f| f.level == level)
            .count()
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let errors = plural(count(Level::Error) + unusable, "error");
    let errors = match unusable {
        0 => errors,
        n => format!("{errors} ({n} in input that could not be checked)"),
    };
    format!(
        "{errors}, {}, {} in {}",
        plural(count(Level::Warning), "warning"),
        plural(count(Level::Info), "info"),
        plural(files, "file")
    )
}
