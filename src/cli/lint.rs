//! `permspec lint`: run the lint rules over policy files.

use super::{Context, Exit};
use crate::lint::{Config, Level, LevelSetting, lint_files};
use crate::report::{github_annotations, lint_json, sarif};
use crate::runner::policy_files;
use std::path::PathBuf;

/// Output formats of `permspec lint`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    /// miette reports grouped by file, and a summary.
    #[default]
    Human,
    /// A JSON array of findings.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// Arguments of `permspec lint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories of them.
    #[arg(default_value = "policies")]
    paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: LintFormat,

    /// `warnings` fails on warnings too; a rule code or name makes that rule an error.
    #[arg(long, value_name = "warnings|RULE")]
    deny: Vec<String>,

    /// Report this rule as a warning (repeatable).
    #[arg(long, value_name = "RULE")]
    warn: Vec<String>,

    /// Do not report this rule (repeatable).
    #[arg(long, value_name = "RULE")]
    allow: Vec<String>,

    /// Run only rules matching these codes, code prefixes (`W`) or names.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,

    /// Do not run rules matching these codes, prefixes or names.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,

    /// Configuration file (default: the nearest `permspec.toml` at or above the current directory).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

fn configuration(args: &Args) -> Result<Config, String> {
    let found = args.config.clone().or_else(|| {
        std::env::current_dir()
            .ok()
            .and_then(|dir| Config::find(&dir))
    });
    let mut config = match found {
        Some(path) => Config::read(&path)?,
        None => Config::default(),
    };
    config.select.extend(args.select.iter().cloned());
    config.ignore.extend(args.ignore.iter().cloned());
    for selector in &args.deny {
        if selector == "warnings" {
            config.fail_level = Level::Warning;
        } else {
            config.set_level(selector, LevelSetting::Error)?;
        }
    }
    for selector in &args.warn {
        config.set_level(selector, LevelSetting::Warning)?;
    }
    for selector in &args.allow {
        config.set_level(selector, LevelSetting::Off)?;
    }
    Ok(config)
}

pub fn run(args: &Args, context: &Context) -> Exit {
    let config = match configuration(args) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::BadInput;
        }
    };
    let files = match policy_files(&args.paths) {
        Ok(files) => files,
        Err(missing) => {
            eprintln!("error: {missing}");
            return Exit::BadInput;
        }
    };
    let today = jiff::Zoned::now().date();
    let (findings, errors) = lint_files(&files, &config, today);
    for error in &errors {
        eprint!("{}", context.renderer.render(error));
    }
    match args.format {
        LintFormat::Human => {
            for file in &findings {
                for finding in &file.findings {
                    print!("{}", context.renderer.render(&finding.diagnostic()));
                }
            }
            eprintln!("{}", summary(&findings, files.len()));
        }
        LintFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&lint_json(&findings)).expect("JSON")
        ),
        LintFormat::Sarif => println!(
            "{}",
            serde_json::to_string_pretty(&sarif(&findings)).expect("JSON")
        ),
        LintFormat::Github => print!("{}", github_annotations(&findings)),
    }
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

fn summary(findings: &[crate::lint::FileFindings], files: usize) -> String {
    let count = |level| {
        findings
            .iter()
            .flat_map(|f| &f.findings)
            .filter(|f| f.level == level)
            .count()
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {} in {}",
        plural(count(Level::Error), "error"),
        plural(count(Level::Warning), "warning"),
        plural(count(Level::Info), "info"),
        plural(files, "file")
    )
}
