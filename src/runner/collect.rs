//! From paths to tests: walk directories in a stable order, load each file, and name one
//! test per case and access assertion (or one failing test per file that does not load).

use super::Test;
use crate::eval::Semantics;
use crate::policy::{Limits, Loader, Resolved, TestFile};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A loaded file, ready to run its cases.
#[derive(Debug)]
pub struct LoadedFile {
    /// What the file declares.
    pub file: TestFile,
    /// The policy under test, resolved.
    pub resolved: Resolved,
    /// The semantics the cases run under (the file's, unless forced).
    pub semantics: Semantics,
    /// The clock for `expires` (the file's `now`, else the time of the run).
    pub now: Timestamp,
}

/// A path given on the command line that does not exist.
#[derive(Debug)]
pub struct MissingPath(pub PathBuf);

impl std::fmt::Display for MissingPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no such file or directory: `{}`", self.0.display())
    }
}

/// The policy files under `paths`: files as given, directories walked recursively for
/// `.yaml` and `.yml` files, in sorted order.
pub fn policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, MissingPath> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(MissingPath(path.clone()));
        }
    }
    Ok(files)
}

fn walk(directory: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, files);
        } else if path
            .extension()
            .is_some_and(|extension| extension == "yaml" || extension == "yml")
        {
            files.push(path);
        }
    }
}

/// Loads `files` within `limits` and returns one test per case and access assertion, in
/// file order.
pub fn collect(
    files: &[PathBuf],
    forced: Option<Semantics>,
    now: Timestamp,
    limits: &Limits,
) -> Vec<Test> {
    let mut loader = Loader::new(*limits);
    let mut tests = Vec::new();
    for path in files {
        match loader.load(path) {
            Ok(file) => {
                let loaded = Arc::new(LoadedFile {
                    resolved: Resolved::new(Arc::clone(&file.policy)),
                    semantics: forced.unwrap_or(file.semantics),
                    now: file.now.unwrap_or(now),
                    file,
                });
                tests.extend((0..loaded.file.cases.len()).map(|index| Test::case(&loaded, index)));
                tests.extend(
                    (0..loaded.file.access.len()).map(|index| Test::access(&loaded, index)),
                );
            }
            Err(error) => tests.push(Test::load_failure(error)),
        }
    }
    tests
}
