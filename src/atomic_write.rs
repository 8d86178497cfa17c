//! Replacing a user's file so that it is never lost or half-written: the new text goes to a
//! temporary file beside it, which is synced and renamed over the original only if the
//! original still holds what was read from it.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file was not replaced (it is left as it was).
#[derive(Debug)]
pub enum ReplaceError {
    /// The file changed after it was read: someone else is editing it.
    Changed,
    /// Reading, writing, syncing or renaming failed (a full disk, no permission, ...).
    Io(std::io::Error),
}

impl fmt::Display for ReplaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplaceError::Changed => {
                f.write_str("the file changed while permspec was working on it")
            }
            ReplaceError::Io(error) => write!(f, "{error}"),
        }
    }
}

impl From<std::io::Error> for ReplaceError {
    fn from(error: std::io::Error) -> Self {
        ReplaceError::Io(error)
    }
}

/// Replaces the contents of the file at `path` (a symbolic link's target) by `contents`,
/// provided it still holds `expected`; its permissions are kept.
pub fn replace_file(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), ReplaceError> {
    let target = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&target)?.permissions();
    let temporary = write_beside(&target, contents, Some(permissions))?;
    if std::fs::read(&target)? != expected {
        return Err(ReplaceError::Changed);
    }
    temporary
        .persist(&target)
        .map_err(|error| ReplaceError::Io(error.error))?;
    Ok(())
}

/// Writes `contents` to `path`, creating it or replacing what is there, so that an
/// interrupted write never leaves half a file.
pub fn write_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_beside(path, contents, None)?
        .persist(path)
        .map_err(|error| error.error)?;
    Ok(())
}

/// A synced temporary file holding `contents` in the directory of `path`.
fn write_beside(
    path: &Path,
    contents: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<tempfile::NamedTempFile> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".permspec-")
        .suffix(".tmp")
        .tempfile_in(directory)?;
    temporary.write_all(contents)?;
    if let Some(permissions) = permissions {
        temporary.as_file().set_permissions(permissions)?;
    }
    temporary.as_file().sync_all()?;
    Ok(temporary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_what_was_read_and_keeps_the_mode() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("p.yaml");
        std::fs::write(&path, "old\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        replace_file(&path, b"old\n", b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        assert!(matches!(
            replace_file(&path, b"old\n", b"newer\n"),
            Err(ReplaceError::Changed)
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        let left: Vec<_> = std::fs::read_dir(directory.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
