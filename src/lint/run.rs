//! Linting files: load, run every enabled rule, apply inline suppressions, report the
//! suppressions that excused nothing, and group the findings by file in position order.

use super::context::LintContext;
use super::{
    Check, Checks, Config, FileFindings, Finding, Owner, Selector, lint_query_file, rules,
};
use crate::error_code::ErrorCode;
use crate::policy::{LoadError, Loader, SharedResolution, Source, Suppression, TestFile};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Lints `files`; returns the findings grouped by file (in the order given) and the files
/// that could not be loaded.
pub fn lint_files(
    files: &[PathBuf],
    config: &Config,
    today: jiff::civil::Date,
) -> (Vec<FileFindings>, Vec<LoadError>) {
    lint_files_and_queries(files, &[], config, today)
}

/// Lints policy files as [`lint_files`] does, then files of queries (see
/// [`super::lint_query_file`]) against the catalogs of those policies: a query that
/// requires a permission none lists is N001. Findings come in the order given, policy
/// files first.
pub fn lint_files_and_queries(
    files: &[PathBuf],
    queries: &[Source],
    config: &Config,
    today: jiff::civil::Date,
) -> (Vec<FileFindings>, Vec<LoadError>) {
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for file in Loader::new(config.limits).load_all(files) {
        match file.and_then(|file| check_suppressions(&file).map(|()| file)) {
            Ok(file) => loaded.push(file),
            Err(error) => errors.push(error),
        }
    }
    let loaded: Vec<&TestFile> = loaded.iter().collect();
    let mut findings = lint_loaded(&loaded, config, today);
    let mut catalogs: Vec<&str> = Vec::new();
    let mut any_catalog = false;
    for catalog in loaded
        .iter()
        .filter_map(|file| file.policy.catalog.as_ref())
    {
        any_catalog = true;
        catalogs.extend(catalog.iter().map(|entry| entry.value.as_str()));
    }
    catalogs.sort_unstable();
    catalogs.dedup();
    for source in queries {
        let catalog = any_catalog.then_some(catalogs.as_slice());
        let (file_findings, syntax_errors) = lint_query_file(source, config, catalog);
        findings.push(file_findings);
        errors.extend(syntax_errors);
    }
    (findings, errors)
}

/// Lints files loaded already (those whose suppressions name unknown rules are left out,
/// as `lint_files` refuses them); returns the findings grouped by file, in the order given.
pub fn lint_loaded(
    files: &[&TestFile],
    config: &Config,
    today: jiff::civil::Date,
) -> Vec<FileFindings> {
    let loaded: Vec<&TestFile> = files
        .iter()
        .copied()
        .filter(|file| check_suppressions(file).is_ok())
        .collect();
    let mut exercised: HashMap<PathBuf, HashSet<&str>> = HashMap::new();
    let mut testing: HashMap<PathBuf, Vec<&TestFile>> = HashMap::new();
    for file in &loaded {
        testing
            .entry(file.policy.source.path().to_owned())
            .or_default()
            .push(file);
        exercised
            .entry(file.policy.source.path().to_owned())
            .or_default()
            .extend((file.checks.iter()).map(|check| &*check.key.value));
    }

    let mut grouped: Vec<FileFindings> = Vec::new();
    let mut resolution = SharedResolution::default();
    for file in loaded {
        let resolved = resolution.of(&file.policy);
        let mut used = HashSet::new();
        let none_used = HashSet::new();
        let path = file.policy.source.path();
        let (exercised_keys, testing) = (&exercised[path], &testing[path]);
        let mut context = LintContext::new(
            file,
            &resolved,
            config,
            exercised_keys,
            testing,
            today,
            &none_used,
        );
        let owns_policy = context.owns_policy;
        let mut findings = run_rules(&context, |checks| {
            [checks.policy.filter(|_| owns_policy), checks.file]
        });
        if config.suppressions {
            findings.retain(|finding| !suppressed(&context, finding, today, &mut used));
        }
        context.used_suppressions = &used;
        findings.extend(run_rules(&context, |checks| {
            [checks.suppressions.filter(|_| owns_policy), None]
        }));
        for finding in findings {
            let name = finding.source.name().to_owned();
            match grouped.iter_mut().find(|group| group.source.name() == name) {
                Some(group) => group.findings.push(finding),
                None => grouped.push(FileFindings {
                    source: finding.source.clone(),
                    findings: vec![finding],
                }),
            }
        }
    }
    for group in &mut grouped {
        group
            .findings
            .sort_by_key(|finding| (finding.span.start(), finding.rule.code));
    }
    grouped
}

/// Runs the checks `which` picks of every enabled rule, at the rule's configured level, the
/// rules shared out among the cores; the findings come back in the rules' order.
fn run_rules(
    context: &LintContext<'_>,
    which: impl Fn(&Checks) -> [Option<Check>; 2] + Sync,
) -> Vec<Finding> {
    let run = |rule: &'static super::Rule| -> Vec<Finding> {
        let Some(level) = context.config.level(rule) else {
            return Vec::new();
        };
        let mut findings = Vec::new();
        for check in which(&rule.checks).into_iter().flatten() {
            check(context, &mut findings);
        }
        for finding in &mut findings {
            finding.level = finding.cap.map_or(level, |cap| level.min(cap));
        }
        findings
    };
    crate::parallel::map(rules::ALL.iter().collect(), run)
        .into_iter()
        .flatten()
        .collect()
}

/// The suppression on a role or key, if it has one.
pub(crate) fn suppression_of<'a>(
    context: &LintContext<'a>,
    owner: Owner,
) -> Option<&'a Suppression> {
    let policy = context.policy();
    match owner {
        Owner::Role(index) => policy.roles[index].suppression.as_ref(),
        Owner::Key(index) => policy.keys[index].suppression.as_ref(),
    }
}

fn suppressed(
    context: &LintContext<'_>,
    finding: &Finding,
    today: jiff::civil::Date,
    used: &mut HashSet<(Owner, usize)>,
) -> bool {
    let Some(owner) = finding.owner else {
        return false;
    };
    let Some(suppression) = suppression_of(context, owner) else {
        return false;
    };
    if suppression
        .until
        .as_ref()
        .is_some_and(|until| until.value < today)
    {
        return false;
    }
    let position = suppression.rules.iter().position(|selector| {
        Selector::parse(&selector.value).is_ok_and(|selector| selector.matches(finding.rule))
    });
    match position {
        Some(index) => {
            used.insert((owner, index));
            true
        }
        None => false,
    }
}

/// Refuses a file whose inline suppressions name no rule: a misspelt `allow` would excuse
/// nothing while looking like a reviewed exception.
fn check_suppressions(file: &TestFile) -> Result<(), LoadError> {
    if !file.owns_policy() {
        return Ok(());
    }
    let policy = &file.policy;
    let suppressions = policy.roles.iter().map(|role| &role.suppression);
    let suppressions = suppressions.chain(policy.keys.iter().map(|key| &key.suppression));
    for selector in suppressions
        .flatten()
        .flat_map(|suppression| &suppression.rules)
    {
        if let Err(error) = Selector::parse(&selector.value) {
            return Err(LoadError::at(
                ErrorCode::LintUnknownRule,
                &policy.source,
                selector.span,
                error.to_string(),
                "no such rule",
            )
            .with_help("`permspec rules` lists the rules; a suppression names a code, a code prefix or a name"));
        }
    }
    Ok(())
}
