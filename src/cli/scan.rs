//! `permspec scan`: permission queries, checks and grants in application code, checked
//! against the project's policies.

use super::error::CliError;
use super::findings::{LintFormat, RuleFlags, exit_for, report_findings};
use super::output;
use super::{Context, Exit};
use permspec::diagnostic::FileDiagnostic;
use permspec::diff::{Side, repository_root};
use permspec::error_code::ErrorCode;
use permspec::lint::{
    CodeContext, Config, FileFindings, Finding, NewAsk, RuleId, lint_code, new_asks,
};
use permspec::policy::{Loader, TestFile};
use permspec::printable::json_pretty;
use permspec::scan::extract::Scan;
use permspec::scan::extract::scan;
use permspec::scan::{Language, ScanConfig, SiteValue};
use std::path::PathBuf;

/// Arguments of `permspec scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Source files or directories to scan (default: `[scan] paths` of permspec.toml, else
    /// the current directory).
    paths: Vec<PathBuf>,

    /// Policy files or directories of them to check the code against (default: the
    /// configuration's `paths`, else `policies`). Repeatable.
    #[arg(long, value_name = "PATH")]
    policy: Vec<PathBuf>,

    /// Output format: `json` lists every call site with who passes it, and the findings.
    #[arg(long, value_enum, default_value_t)]
    format: LintFormat,

    #[command(flatten)]
    rules: RuleFlags,
}

pub fn run(args: &Args, context: &Context) -> Exit {
    let config = match args.rules.configuration(&args.paths) {
        Ok(config) => config,
        Err(error) => {
            output::report(&error);
            return Exit::BadInput;
        }
    };
    let code_rules = permspec::lint::rules::ALL
        .iter()
        .filter(|rule| rule.checks.code.is_some());
    if !code_rules.clone().any(|rule| config.level(rule).is_some()) {
        return CliError::nothing_checked("every rule of scan (the C family) is switched off")
            .with_help("`[lint] select`, `ignore` and `[lint.rules]` of permspec.toml, and `--select`/`--ignore`, apply to scan too: select `C` as well")
            .report();
    }
    let scan_config = config.scan.clone().unwrap_or_default();
    let paths = if !args.paths.is_empty() {
        args.paths.clone()
    } else if !scan_config.paths.is_empty() {
        scan_config.paths.clone()
    } else {
        vec![PathBuf::from(".")]
    };
    let policy_paths = if args.policy.is_empty() {
        config.default_paths()
    } else {
        args.policy.clone()
    };
    if let (Some(file), LintFormat::Human) = (&config.file, args.format) {
        eprintln_escaped!("configuration: {}", file.display());
    }
    let policy_files = match super::policy_files_in(&policy_paths, false) {
        Ok(files) => files,
        Err(exit) => return exit,
    };
    let (loaded, mut scanned, mut errors) =
        load_and_scan(&policy_files, &paths, &scan_config, &config);
    errors.append(&mut scanned.errors);
    let sites: usize = scanned.files.iter().map(|file| file.sites.len()).sum();
    let known = (scanned.files.iter())
        .flat_map(|file| &file.sites)
        .filter(|site| {
            matches!(
                site.value,
                SiteValue::Text { .. } | SiteValue::Structured(_)
            )
        })
        .count();
    if errors.is_empty() && sites == 0 {
        let names: Vec<String> = paths
            .iter()
            .map(|path| format!("`{}`", path.display()))
            .collect();
        let message = match scanned.walked {
            0 => format!(
                "no source files (TypeScript, JavaScript, Go, Python) under {}",
                names.join(", ")
            ),
            walked => format!(
                "no permission query, check or grant found in the {walked} source file(s) under {}",
                names.join(", ")
            ),
        };
        return CliError::nothing_checked(message)
            .with_help("give the directories that hold the application's code; if the code passes permissions through wrappers of its own, declare them as sinks in `[scan]` (docs/scan.md)")
            .report();
    }
    let loaded_refs: Vec<_> = loaded.iter().collect();
    let code = CodeContext::new(&scanned.files, &loaded_refs, &config);
    let today = jiff::Zoned::now().date();
    let (mut findings, comment_errors) = lint_code(&code, today);
    errors.extend(comment_errors);
    if known == 0 && sites > 0 {
        // Every value is known only at run time: the findings say why, and the run fails.
        errors.push(
            FileDiagnostic::unreadable(
                "scan",
                format!("none of the {sites} site(s) found holds a value known from the source: nothing was checked"),
            )
            .with_code(ErrorCode::CliNothingChecked)
            .with_help("the C009 findings say why each value is known only at run time"),
        );
    }
    if !errors.is_empty() {
        // Code that could not be read may ask for what looks unasked: no dead grants then.
        for file in &mut findings {
            file.findings
                .retain(|finding| finding.rule.id != RuleId::C008);
        }
        findings.retain(|file| !file.findings.is_empty());
    }
    for error in &errors {
        output::report(error);
    }
    let summary = |unusable| summary(&findings, unusable, scanned.walked, sites);
    if args.format == LintFormat::Json {
        outln!(
            "{}",
            json_pretty(&permspec::report::scan_json(
                &code,
                scanned.walked,
                &findings
            ))
        );
        return exit_for(&findings, &errors, &config);
    }
    report_findings(args.format, &findings, &errors, &config, context, summary)
}

/// The policy files loaded, and the code under `paths` scanned; what could not be read of
/// either among the errors.
fn load_and_scan(
    policy_files: &[PathBuf],
    paths: &[PathBuf],
    scan_config: &ScanConfig,
    config: &Config,
) -> (Vec<TestFile>, Scan, Vec<FileDiagnostic>) {
    let mut errors = Vec::new();
    let mut loaded = Vec::new();
    for file in Loader::new(config.limits).load_all(policy_files) {
        match file {
            Ok(file) => loaded.push(file),
            Err(error) => errors.push(error),
        }
    }
    (loaded, scan(paths, scan_config), errors)
}

/// For `lint` in a project with `[scan]`: the dead grants (C008) of the policies in
/// `policy_files`, from the code under `[scan] paths`; what could not be read among the
/// errors.
pub fn dead_grants(
    policy_files: &[PathBuf],
    scan_config: &ScanConfig,
    config: &Config,
    today: jiff::civil::Date,
) -> (Vec<Finding>, Vec<FileDiagnostic>) {
    let dead = RuleId::C008.rule();
    if config.level(dead).is_none() || policy_files.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let paths = if scan_config.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        scan_config.paths.clone()
    };
    let (loaded, mut scanned, mut errors) =
        load_and_scan(policy_files, &paths, scan_config, config);
    errors.append(&mut scanned.errors);
    if !errors.is_empty() {
        return (Vec::new(), errors);
    }
    let loaded: Vec<&TestFile> = loaded.iter().collect();
    let context = CodeContext::new(&scanned.files, &loaded, config);
    let (findings, mut comment_errors) = lint_code(&context, today);
    errors.append(&mut comment_errors);
    let dead = findings
        .into_iter()
        .flat_map(|file| file.findings)
        .filter(|finding| finding.rule.id == RuleId::C008)
        .collect();
    (dead, errors)
}

/// For `diff --base REV` in a project with `[scan]`: the permissions the working tree's
/// code asks for that the code at `revision` did not and that no key of the new side's
/// policies holds.
pub fn new_unheld_asks(
    revision: &str,
    scan_config: &ScanConfig,
    config: &Config,
    new: &Side,
) -> Result<Vec<NewAsk>, Vec<FileDiagnostic>> {
    let failed = |message: String| {
        let revision = permspec::printable::escaped(revision).into_owned();
        vec![FileDiagnostic::unreadable(revision, message).with_code(ErrorCode::CliService)]
    };
    let paths = if scan_config.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        scan_config.paths.clone()
    };
    let is_code = |name: &str| {
        let path = std::path::Path::new(name);
        let ignore_file = path
            .file_name()
            .is_some_and(|file| file == ".gitignore" || file == ".ignore");
        ignore_file || Language::of(path).is_some()
    };
    let before = Side::files_at_revision(revision, &paths, is_code)
        .map_err(|error| failed(error.to_string()))?;
    let top = repository_root().map_err(|error| failed(error.to_string()))?;
    let checkout = before
        .checkout()
        .expect("a side of a revision has a checkout");
    let in_checkout = |path: &PathBuf| -> Option<PathBuf> {
        let absolute = std::path::absolute(path).ok()?;
        Some(checkout.join(absolute.strip_prefix(&top).ok()?))
    };
    let mut base_config = scan_config.clone();
    base_config.base = in_checkout(&scan_config.base).unwrap_or_else(|| checkout.to_owned());
    let base_paths: Vec<PathBuf> = paths
        .iter()
        .filter_map(in_checkout)
        .filter(|path| path.exists())
        .collect();
    let old = scan(&base_paths, &base_config);
    let policy_files: Vec<PathBuf> = new.files.iter().map(|(_, path)| path.clone()).collect();
    let (loaded, current, mut errors) = load_and_scan(&policy_files, &paths, scan_config, config);
    errors.extend(old.errors);
    errors.extend(current.errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let loaded: Vec<&TestFile> = loaded.iter().collect();
    let context = CodeContext::new(&current.files, &loaded, config);
    Ok(new_asks(&old.files, &context))
}

fn summary(findings: &[FileFindings], unusable: usize, walked: usize, sites: usize) -> String {
    let head = super::findings::summary(findings, unusable, walked);
    let plural = if sites == 1 { "" } else { "s" };
    format!("{head}: {sites} site{plural} checked")
}
