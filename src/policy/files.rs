//! Which files are policy files: the paths given, with directories walked in a stable
//! order.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Why the paths given could not be turned into a list of policy files.
#[derive(Debug)]
#[non_exhaustive]
pub enum PathError {
    /// A path given on the command line does not exist.
    Missing(PathBuf),
    /// A directory, or a path given, could not be read.
    Unreadable(PathBuf, std::io::Error),
}

impl std::error::Error for PathError {}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathError::Missing(path) => {
                write!(f, "no such file or directory: `{}`", path.display())
            }
            PathError::Unreadable(path, error) => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
        }
    }
}

/// Whether a file name is a policy file's: it ends in `.yaml` or `.yml`, in any case.
pub(crate) fn is_policy_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// The policy files under `paths`: files as given, directories walked recursively (following
/// symbolic links, each directory and file once) for policy files, in sorted order. A
/// directory that cannot be read is an error, never skipped.
pub fn policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, PathError> {
    let mut walk = Walk::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk.directory(path)?,
            Ok(_) => walk.file(path),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(PathError::Missing(path.clone()));
            }
            Err(error) => return Err(PathError::Unreadable(path.clone(), error)),
        }
    }
    Ok(walk.files)
}

/// A walk over directories that visits each directory and file once, however symbolic links
/// loop.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    directories_seen: HashSet<PathBuf>,
    files_seen: HashSet<PathBuf>,
}

impl Walk {
    fn directory(&mut self, directory: &Path) -> Result<(), PathError> {
        let unreadable = |error| PathError::Unreadable(directory.to_owned(), error);
        let canonical = std::fs::canonicalize(directory).map_err(unreadable)?;
        if !self.directories_seen.insert(canonical) {
            return Ok(());
        }
        let mut paths = std::fs::read_dir(directory)
            .map_err(unreadable)?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<Result<Vec<PathBuf>, _>>()
            .map_err(unreadable)?;
        paths.sort();
        for path in paths {
            if path.is_dir() {
                self.directory(&path)?;
            } else if path
                .file_name()
                .is_some_and(|name| is_policy_file_name(&name.to_string_lossy()))
            {
                self.file(&path);
            }
        }
        Ok(())
    }

    /// Adds a file (the loader refuses one that is missing or not a regular file).
    fn file(&mut self, path: &Path) {
        let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        if self.files_seen.insert(identity) {
            self.files.push(path.to_owned());
        }
    }
}
