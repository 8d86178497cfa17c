//! `permspec lint --fix`: apply the mechanical fixes of the findings to the files, pass after
//! pass until none is left, and never leave a file that no longer loads.

use super::{Config, FileFindings, Fix, apply, lint_files};
use crate::diagnostic::FileDiagnostic;
use crate::policy::{Limits, LoadError, Loader};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Fixes that depend on an earlier fix (neighbouring items of one list) wait for the next
/// pass; a policy needs few, since every pass applies all fixes that do not overlap.
const MAX_PASSES: usize = 10;

/// What `--fix` did.
#[derive(Debug, Default)]
pub struct FixReport {
    /// For each file changed, how many findings its edits fixed.
    pub fixed: BTreeMap<String, usize>,
    /// Files that could not be linted, or whose fixed text would not load (left unchanged).
    pub errors: Vec<LoadError>,
}

/// Applies every offered fix to `files` (and to the case files and policies among them that
/// findings point into). Nothing is written when a file cannot be loaded to begin with.
pub fn fix_files(files: &[PathBuf], config: &Config, today: jiff::civil::Date) -> FixReport {
    let mut report = FixReport::default();
    let mut refused: Vec<PathBuf> = Vec::new();
    for _ in 0..MAX_PASSES {
        let (findings, errors) = lint_files(files, config, today);
        if !errors.is_empty() {
            report.errors.extend(errors);
            break;
        }
        let mut changed = false;
        for group in &findings {
            let path = group.source.path().to_owned();
            if refused.contains(&path) {
                continue;
            }
            match fix_file(group, &config.limits) {
                Ok(0) => {}
                Ok(count) => {
                    *report
                        .fixed
                        .entry(group.source.name().to_owned())
                        .or_default() += count;
                    changed = true;
                }
                Err(error) => {
                    report.errors.push(error);
                    refused.push(path);
                }
            }
        }
        if !changed {
            break;
        }
    }
    report
}

/// Applies the fixes of one file's findings; returns how many findings they fix.
fn fix_file(group: &FileFindings, limits: &Limits) -> Result<usize, FileDiagnostic> {
    let fixes: Vec<&Fix> = group
        .findings
        .iter()
        .filter_map(|finding| finding.fix.as_ref())
        .collect();
    if fixes.is_empty() {
        return Ok(0);
    }
    let source = &group.source;
    let (text, applied) = apply(source.text(), &fixes);
    if text == source.text() {
        return Ok(0);
    }
    let write = |text: &str| {
        std::fs::write(source.path(), text).map_err(|error| {
            FileDiagnostic::unreadable(source.name(), format!("cannot write the fixes: {error}"))
        })
    };
    write(&text)?;
    if let Err(error) = Loader::new(*limits).load(source.path()) {
        write(source.text())?;
        return Err(FileDiagnostic::unreadable(
            source.name(),
            format!("the fixes were not applied: the fixed file would not load: {error}"),
        ));
    }
    Ok(applied.iter().filter(|&&done| done).count())
}
