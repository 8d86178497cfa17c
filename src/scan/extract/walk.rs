//! Which files a scan reads: the paths given, directories walked as ripgrep walks them
//! (`.gitignore`, `.ignore` and hidden files respected, symbolic links not followed),
//! less `[scan] exclude`, in path order.

use crate::diagnostic::FileDiagnostic;
use crate::error_code::ErrorCode;
use crate::scan::{Language, ScanConfig};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::path::PathBuf;

/// The source files under `paths`, and the paths that could not be used.
pub(super) fn source_files(
    paths: &[PathBuf],
    config: &ScanConfig,
) -> (Vec<(PathBuf, Language)>, Vec<FileDiagnostic>) {
    let mut errors = Vec::new();
    let excluded = match exclusions(config) {
        Ok(excluded) => excluded,
        Err(error) => return (Vec::new(), vec![error]),
    };
    let mut files = Vec::new();
    for path in paths {
        let shown = crate::printable::escaped(&path.display().to_string()).into_owned();
        let problem = |message: String| {
            FileDiagnostic::unreadable(shown.clone(), message).with_code(ErrorCode::ScanUnreadable)
        };
        let Ok(metadata) = std::fs::metadata(path) else {
            errors.push(problem(format!("`{shown}` does not exist")).with_help(
                "scan reads the paths given, else `[scan] paths` of permspec.toml (relative to it), else the current directory",
            ));
            continue;
        };
        if !metadata.is_dir() {
            match Language::of(path) {
                Some(language) => files.push((path.clone(), language)),
                None => errors.push(
                    problem(format!("`{shown}` is not a source file permspec reads"))
                        .with_help("permspec scan reads .ts, .tsx, .mts, .cts, .js, .jsx, .mjs, .cjs, .go, .py and .pyi files"),
                ),
            }
            continue;
        }
        let excluded = excluded.clone();
        // The machine's own git excludes would make the scan differ from one machine to
        // the next: only the project's ignore files count.
        let walk = ignore::WalkBuilder::new(path)
            .require_git(false)
            .git_global(false)
            .follow_links(false)
            .sort_by_file_path(Ord::cmp)
            .filter_entry(move |entry| !is_excluded(&excluded, entry))
            .build();
        for entry in walk {
            match entry {
                Ok(entry) if entry.file_type().is_some_and(|kind| kind.is_file()) => {
                    if let Some(language) = Language::of(entry.path()) {
                        files.push((entry.into_path(), language));
                    }
                }
                Ok(_) => {}
                Err(error) => errors.push(problem(format!("cannot walk `{shown}`: {error}"))),
            }
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

/// Whether `[scan] exclude` leaves `entry` out. Patterns are matched against the path from
/// the configuration's directory; nothing outside that directory is excluded.
fn is_excluded(excluded: &Gitignore, entry: &ignore::DirEntry) -> bool {
    let Ok(absolute) = std::path::absolute(entry.path()) else {
        return false;
    };
    let Ok(relative) = absolute.strip_prefix(excluded.path()) else {
        return false;
    };
    let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
    !relative.as_os_str().is_empty()
        && excluded
            .matched_path_or_any_parents(relative, is_dir)
            .is_ignore()
}

/// `[scan] exclude`, as `.gitignore` lines relative to the configuration's directory.
fn exclusions(config: &ScanConfig) -> Result<Gitignore, FileDiagnostic> {
    let base = std::path::absolute(&config.base).unwrap_or_else(|_| config.base.clone());
    let mut builder = GitignoreBuilder::new(base);
    for line in &config.exclude {
        builder
            .add_line(None, line)
            .map_err(|error| exclusion_error(line, &error))?;
    }
    builder.build().map_err(|error| exclusion_error("", &error))
}

fn exclusion_error(line: &str, error: &ignore::Error) -> FileDiagnostic {
    let line = crate::printable::escaped(line);
    FileDiagnostic::unreadable(
        "permspec.toml",
        format!("`[scan] exclude` holds `{line}`, which is not a .gitignore pattern: {error}"),
    )
    .with_code(ErrorCode::ConfigInvalid)
}
