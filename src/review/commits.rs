//! The git commit each file of a review was last changed in, so a signed review names the
//! exact policy it reviewed.

use super::FileRow;
use crate::runner::LoadedFile;
use serde::Serialize;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// A file's last commit.
#[derive(Clone, Debug, Serialize)]
pub struct FileCommit {
    /// The commit's full hash.
    pub commit: String,
    /// The working tree's file differs from it (or is not committed yet).
    pub modified: bool,
}

/// A row for each loaded file.
pub fn file_rows(files: &[Arc<LoadedFile>]) -> Vec<FileRow> {
    (files.iter())
        .map(|loaded| {
            let file = &loaded.file;
            FileRow {
                file: file.source.name().to_owned(),
                policy: file.owns_policy(),
                cases: file.cases.len()
                    + file.root_cases.len()
                    + file.access.len()
                    + file.route_access.len(),
                commit: commit_of(file.source.path()),
            }
        })
        .collect()
}

/// The last commit of `path` in the repository around it; `None` outside a repository or
/// for a file git does not track.
fn commit_of(path: &Path) -> Option<FileCommit> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path.file_name()?;
    let git = |args: &[&str]| {
        let output = Command::new("git")
            .current_dir(directory)
            .args(args)
            .arg("--")
            .arg(name)
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let commit = git(&["log", "-1", "--format=%H"]).filter(|hash| !hash.is_empty())?;
    let status = git(&["status", "--porcelain"])?;
    Some(FileCommit {
        commit,
        modified: !status.is_empty(),
    })
}
