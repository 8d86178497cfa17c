//! `permspec lint --fix`: apply the mechanical fixes of the findings to the files, pass after
//! pass until none is left. A file is changed only when its fixed text loads, keeps every
//! decision (for safe fixes), and the file still holds what was linted; it is replaced
//! atomically, never half-written.

use super::preserve::{Probe, case_files_beside, changed_decision, fallback, identity, probes};
use super::{Config, FileFindings, Fix, Safety, apply, lint_files};
use crate::atomic_write::{ReplaceError, replace_file};
use crate::diagnostic::FileDiagnostic;
use crate::input::BOM;
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
    /// Files that could not be linted, or whose fixes were refused (left unchanged).
    pub errors: Vec<LoadError>,
    /// Fixes left out because they would have changed a decision or broken the file.
    pub skipped: Vec<String>,
}

/// Applies every offered fix to `files` (and to the case files and policies among them that
/// findings point into): the safe ones, and the unsafe ones too if `unsafe_fixes`. Nothing
/// is written when a file cannot be loaded to begin with. A safe fix keeps the decisions of
/// every case file that tests a fixed policy, among `files` or in the configured paths
/// beside them.
pub fn fix_files(
    files: &[PathBuf],
    config: &Config,
    today: jiff::civil::Date,
    unsafe_fixes: bool,
) -> FixReport {
    let mut report = FixReport::default();
    let mut refused: Vec<PathBuf> = Vec::new();
    let beside = case_files_beside(files, &config.default_paths());
    for _ in 0..MAX_PASSES {
        let (findings, errors) = lint_files(files, config, today);
        if !errors.is_empty() {
            report.errors.extend(errors);
            break;
        }
        let loader = Loader::new(config.limits);
        let mut loaded: Vec<_> = files
            .iter()
            .filter_map(|path| loader.load(path).ok())
            .collect();
        // A case file beside that does not load may test these policies in any mode.
        let mut every_mode = false;
        for path in &beside {
            match loader.load(path) {
                Ok(file) => loaded.push(file),
                Err(_) => every_mode = true,
            }
        }
        let probes = probes(&loaded, every_mode);
        let mut changed = false;
        for group in &findings {
            let path = group.source.path().to_owned();
            if refused.contains(&path) {
                continue;
            }
            let fallback = fallback(every_mode);
            let probe = probes.get(&identity(&path)).unwrap_or(&fallback);
            match fix_file(
                group,
                &config.limits,
                probe,
                unsafe_fixes,
                &mut report.skipped,
            ) {
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

/// Applies the fixes of one file's findings; returns how many findings they fix. Safe fixes
/// that together would change a decision are tried one at a time, and each that would is
/// left out and reported.
fn fix_file(
    group: &FileFindings,
    limits: &Limits,
    probe: &Probe,
    unsafe_fixes: bool,
    skipped: &mut Vec<String>,
) -> Result<usize, FileDiagnostic> {
    let fixes: Vec<&Fix> = group
        .findings
        .iter()
        .filter_map(|finding| finding.fix.as_ref())
        .filter(|fix| unsafe_fixes || fix.safety == Safety::Safe)
        .collect();
    if fixes.is_empty() {
        return Ok(0);
    }
    let source = &group.source;
    let refuse = |why: String| {
        FileDiagnostic::unreadable(
            source.name(),
            format!("the fixes of `{}` were not applied: {why}", source.name()),
        )
    };
    let before = Loader::new(*limits)
        .load_text(source.path(), source.text().to_owned())
        .map_err(|error| refuse(format!("the file no longer loads: {error}")))?;
    // The fixed text, if it loads and (unless an unsafe fix is among them) decides alike.
    let attempt = |chosen: &[&Fix]| -> Result<(String, usize), String> {
        let (text, applied) = apply(source.text(), chosen);
        let after = Loader::new(*limits)
            .load_text(source.path(), text.clone())
            .map_err(|error| format!("the fixed file would not load: {error}"))?;
        if chosen.iter().all(|fix| fix.safety == Safety::Safe)
            && let Some(change) = changed_decision(&before.policy, &after.policy, probe)
        {
            return Err(format!("it would change a decision: {change}"));
        }
        Ok((text, applied.iter().filter(|&&done| done).count()))
    };
    let (text, count) = match attempt(&fixes) {
        Ok(done) => done,
        Err(_) => {
            let mut chosen: Vec<&Fix> = Vec::new();
            for fix in &fixes {
                chosen.push(fix);
                if let Err(why) = attempt(&chosen) {
                    chosen.pop();
                    skipped.push(format!(
                        "{}: not applied: {} ({why})",
                        source.name(),
                        fix.description
                    ));
                }
            }
            attempt(&chosen).map_err(refuse)?
        }
    };
    if text == source.text() {
        return Ok(0);
    }
    let original = crate::input::read_bytes(source.path(), limits.file_bytes)
        .map_err(|error| refuse(format!("cannot read the file again: {error}")))?;
    let bom = if original.starts_with(BOM.as_bytes()) {
        BOM
    } else {
        ""
    };
    if original != [bom.as_bytes(), source.text().as_bytes()].concat() {
        return Err(refuse(ReplaceError::Changed.to_string()));
    }
    replace_file(source.path(), &original, format!("{bom}{text}").as_bytes())
        .map_err(|error| refuse(error.to_string()))?;
    Ok(count)
}
