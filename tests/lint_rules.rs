//! Every lint rule as tests of its own (`cargo test --test lint_rules W003` runs one rule):
//! - `<code>_<name>::fixture`: `fixtures/lint/<name>/violation.yaml` has findings of the rule
//!   (snapshotted as rendered reports and JSON), `clean.yaml` has none; a code rule's
//!   fixtures are source files (`violation.ts`, `clean.ts`, ...) scanned against
//!   `fixtures/scan/rules-policy.yaml`;
//! - `<code>_<name>::example`: the violation in the rule's documentation triggers it;
//! - `registry::…`: codes, names and three-part documentation, and `docs/rules.md`.

use libtest_mimic::{Arguments, Failed, Trial};
use permspec::lint::{CodeContext, Config, FileFindings, Rule, lint_code, lint_files, rules};
use permspec::report::{Renderer, lint_json};
use permspec::scan::ScanConfig;
use std::path::{Path, PathBuf};

fn main() -> std::process::ExitCode {
    let arguments = Arguments::from_args();
    let mut trials = Vec::new();
    for rule in rules::ALL {
        let prefix = format!("{}_{}", rule.code, rule.name);
        trials.push(Trial::test(format!("{prefix}::fixture"), move || {
            fixture(rule)
        }));
        trials.push(Trial::test(format!("{prefix}::example"), move || {
            example(rule)
        }));
    }
    trials.push(Trial::test(
        "registry::documented_in_three_parts",
        documented,
    ));
    trials.push(Trial::test(
        "registry::docs_rules_md_is_generated",
        reference,
    ));
    libtest_mimic::run(&arguments, trials).exit_code()
}

/// Lints `file` with every rule, as users do, and keeps the findings of `rule`.
fn lint(rule: &Rule, file: &Path) -> Result<Vec<FileFindings>, Failed> {
    let today = jiff::civil::date(2026, 11, 23);
    let (findings, errors) = lint_files(&[file.to_owned()], &Config::default(), today);
    if !errors.is_empty() {
        return Err(format!("{} does not load: {errors:?}", file.display()).into());
    }
    Ok(only(rule, findings))
}

/// The findings of `rule` in `findings`, by file.
fn only(rule: &Rule, mut findings: Vec<FileFindings>) -> Vec<FileFindings> {
    for group in &mut findings {
        group
            .findings
            .retain(|finding| finding.rule.code == rule.code);
    }
    findings.retain(|group| !group.findings.is_empty());
    findings
}

/// The policy the code rules' fixtures and examples are scanned against.
const CODE_POLICY: &str = "fixtures/scan/rules-policy.yaml";

/// Scans `source` with every rule against [`CODE_POLICY`], as `permspec scan` does, and
/// keeps the findings of `rule`.
fn scan(rule: &Rule, source: &Path) -> Result<Vec<FileFindings>, Failed> {
    let config = Config::default();
    let scanned = permspec::scan::extract::scan(&[source.to_owned()], &ScanConfig::default());
    if !scanned.errors.is_empty() {
        return Err(format!("{} does not scan: {:?}", source.display(), scanned.errors).into());
    }
    let loaded = permspec::policy::Loader::new(config.limits).load(Path::new(CODE_POLICY))?;
    let context = CodeContext::new(&scanned.files, &[&loaded], &config);
    let (findings, errors) = lint_code(&context, jiff::civil::date(2026, 11, 23));
    if !errors.is_empty() {
        return Err(format!("{}: {errors:?}", source.display()).into());
    }
    Ok(only(rule, findings))
}

/// The fixture of `rule` named `stem`: `violation` or `clean`, a YAML file or, for a code
/// rule, a source file.
fn fixture_file(rule: &Rule, stem: &str) -> Result<PathBuf, Failed> {
    let folder = PathBuf::from("fixtures/lint").join(rule.name);
    for entry in std::fs::read_dir(&folder)? {
        let path = entry?.path();
        if path.file_stem().is_some_and(|name| name == stem) {
            return Ok(path);
        }
    }
    Err(format!("no {stem} fixture in {}", folder.display()).into())
}

/// The findings of `rule` in `file`: linted, or scanned for a code rule.
fn findings_in(rule: &Rule, file: &Path) -> Result<Vec<FileFindings>, Failed> {
    if rule.checks.code.is_some() {
        scan(rule, file)
    } else {
        lint(rule, file)
    }
}

fn fixture(rule: &'static Rule) -> Result<(), Failed> {
    let violation = fixture_file(rule, "violation")?;
    let violations = findings_in(rule, &violation)?;
    let found: Vec<_> = violations.iter().flat_map(|file| &file.findings).collect();
    if found.is_empty() {
        return Err(format!("no finding in {}", violation.display()).into());
    }
    let renderer = Renderer::new(false);
    let rendered: String = found
        .iter()
        .map(|finding| renderer.render(&finding.diagnostic()))
        .collect();
    insta::assert_snapshot!(format!("{}_{}", rule.code, rule.name), rendered);
    insta::assert_json_snapshot!(
        format!("{}_{}_json", rule.code, rule.name),
        lint_json(&violations)
    );
    let clean = findings_in(rule, &fixture_file(rule, "clean")?)?;
    let remaining: Vec<&str> = clean
        .iter()
        .flat_map(|file| &file.findings)
        .map(|finding| finding.message.as_str())
        .collect();
    if remaining.is_empty() {
        Ok(())
    } else {
        Err(format!("findings in the clean fixture: {remaining:?}").into())
    }
}

/// The documented violation (the example up to `# Fix`), as a policy file, has a finding of
/// the rule.
fn example(rule: &'static Rule) -> Result<(), Failed> {
    let directory = tempfile::tempdir()?;
    let found = if rule.checks.code.is_some() {
        let violation = rule.doc.example.split("// Fix").next().unwrap_or_default();
        let path = directory.path().join("example.ts");
        std::fs::write(&path, violation)?;
        scan(rule, &path)?
    } else {
        let violation = rule.doc.example.split("# Fix").next().unwrap_or_default();
        let path = directory.path().join("example.yaml");
        std::fs::write(&path, format!("version: 1\n{violation}"))?;
        lint(rule, &path)?
    };
    if found.is_empty() {
        return Err(format!(
            "the documented example does not trigger it:\n{}",
            rule.doc.example
        )
        .into());
    }
    Ok(())
}

fn documented() -> Result<(), Failed> {
    let mut codes = std::collections::HashSet::new();
    for rule in rules::ALL {
        if !codes.insert(rule.code) {
            return Err(format!("duplicate code {}", rule.code).into());
        }
        if [
            rule.doc.summary,
            rule.doc.what,
            rule.doc.why,
            rule.doc.example,
        ]
        .iter()
        .any(|part| part.trim().is_empty())
        {
            return Err(format!("{} lacks documentation", rule.code).into());
        }
        if !rule
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-')
        {
            return Err(format!("{}: `{}` is not kebab-case", rule.code, rule.name).into());
        }
    }
    Ok(())
}

fn reference() -> Result<(), Failed> {
    let committed = std::fs::read_to_string("docs/rules.md")?;
    if committed == permspec::lint::reference_markdown() {
        Ok(())
    } else {
        Err("docs/rules.md is out of date: run `cargo run -- rules --format markdown > docs/rules.md`".into())
    }
}
