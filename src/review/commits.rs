//! Where each file of a review is in git: the name it is reviewed under (its path in the
//! repository, so that a review names a file alike from any directory and any way its path
//! was typed) and the commit it was last changed in, so a signed review names the exact
//! policy it reviewed. git runs as `crate::git` sets it up, for repositories not trusted.

use super::FileRow;
use crate::runner::LoadedFile;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file's state in its git repository.
#[derive(Clone, Debug, Serialize)]
pub struct FileCommit {
    /// The full hash of the last commit that changed it; `None`: never committed.
    pub commit: Option<String>,
    /// The working tree's file differs from that commit (or is not committed yet).
    pub modified: bool,
}

/// A row for each loaded file, and the name each file is reviewed under, by path: its path
/// in its git repository, else its name as given.
pub(crate) fn file_rows(files: &[Arc<LoadedFile>]) -> (Vec<FileRow>, HashMap<PathBuf, String>) {
    let mut names = HashMap::new();
    let mut taken = std::collections::HashSet::new();
    let rows = (files.iter())
        .map(|loaded| {
            let file = &loaded.file;
            let located = locate(file.source.path());
            let mut name = (located.as_ref())
                .map_or_else(|| file.source.name().to_owned(), |(path, _)| path.clone());
            // Files of two repositories may have the same path in each: the later one
            // is told apart by its name as given.
            if taken.contains(&name) {
                name = format!("{name} ({})", file.source.name());
            }
            taken.insert(name.clone());
            names.insert(file.source.path().to_owned(), name.clone());
            FileRow {
                file: name,
                policy: file.owns_policy(),
                cases: file.checks.len() + file.assertions.len(),
                commit: located.map(|(_, commit)| commit),
                now: file.now.map(|now| now.to_string()),
            }
        })
        .collect();
    (rows, names)
}

/// The path of `path` in the git repository around it, and its last commit; `None` outside
/// a repository. Whether the file was changed since is read by comparing it with its blob
/// at `HEAD`, not with `git status`, which runs the repository's fsmonitor hook.
fn locate(path: &Path) -> Option<(String, FileCommit)> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path.file_name()?.to_str()?;
    let git = |args: &[&str]| {
        let output = crate::git::command(directory).args(args).output().ok()?;
        output.status.success().then_some(output.stdout)
    };
    let prefix = String::from_utf8(git(&["rev-parse", "--show-prefix"])?).ok()?;
    let in_repository = format!("{}{name}", prefix.trim_end_matches('\n'));
    let log = git(&[
        "log",
        "-1",
        "--format=%H",
        "--no-show-signature",
        "--",
        name,
    ]);
    let commit = (log.and_then(|hash| String::from_utf8(hash).ok()))
        .map(|hash| hash.trim().to_owned())
        .filter(|hash| !hash.is_empty());
    let at_head = git(&["cat-file", "blob", &format!("HEAD:./{name}")]);
    let modified = at_head.is_none_or(|blob| std::fs::read(path).ok() != Some(blob));
    Some((in_repository, FileCommit { commit, modified }))
}
