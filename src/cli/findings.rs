//! What `lint` and `scan` share: the rule flags and configuration, the output formats of
//! findings, the summary line and how a run ends.

use super::output;
use super::{Context, Exit};
use permspec::diagnostic::FileDiagnostic;
use permspec::error_code::ErrorCode;
use permspec::lint::{Config, FileFindings, Level, LevelSetting, Selector};
use permspec::printable::json_pretty;
use permspec::report::{github_annotations, lint_json, sarif};
use std::path::PathBuf;

/// Output formats of `permspec lint` and `permspec scan`.
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
