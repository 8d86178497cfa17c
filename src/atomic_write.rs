//! Replacing a user's file so that it is never lost or half-written: the new text goes to a
//! temporary file beside it, which is synced and renamed over the original only if the
//! original still holds what was read from it.
//!
//! What a replacement keeps of the file it replaces:
//! - a symbolic link: the link stays, and its target is replaced (`lint --fix`, `import -o`
//!   and `init` alike); a link to nothing is refused, and so is anything but a regular file
//!   (a device, a FIFO, a socket);
//! - the mode, owner and group; a file permspec cannot give back to its owner is left alone,
//!   and so is a read-only one;
//! - its other hard links: a file with more than one name is written in place, through its
//!   inode, after a copy of the old text is kept beside it until the write is synced;
//! - a new file gets the mode the umask leaves of `rw-rw-rw-`, as any editor's would.

use std::fmt;
use std::fs::{File, Metadata, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file was not replaced (it is left as it was).
#[derive(Debug)]
#[non_exhaustive]
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
/// provided it still holds `expected`; its mode, owner, group and hard links are kept.
pub fn replace_file(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), ReplaceError> {
    let target = std::fs::canonicalize(path)?;
    replace_existing(&target, Some(expected), contents)
}

/// Writes `contents` to `path`, creating it (with the umask's mode) or replacing what is
/// there (as [`replace_file`] does, whatever it holds), so that an interrupted write never
/// leaves half a file.
pub fn write_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let written = match std::fs::canonicalize(path) {
        Ok(target) => replace_existing(&target, None, contents),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "it is a symbolic link to a file that does not exist",
                ));
            }
            persist(write_beside(path, contents, None)?, path)
        }
        Err(error) => return Err(error),
    };
    written.map_err(|error| match error {
        ReplaceError::Io(error) => error,
        // Nothing was expected of the file, so nothing could have changed.
        ReplaceError::Changed => std::io::Error::other(ReplaceError::Changed.to_string()),
    })
}

/// Replaces the regular file `target` (no link) by `contents`, if it holds `expected`. A
/// device, a FIFO or a socket is refused: replacing `/dev/null` with a file, or waiting on a
/// FIFO forever, is no write of a policy.
fn replace_existing(
    target: &Path,
    expected: Option<&[u8]>,
    contents: &[u8],
) -> Result<(), ReplaceError> {
    let metadata = std::fs::metadata(target)?;
    if !metadata.is_file() {
        return Err(ReplaceError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is not a regular file (a directory, a device, a FIFO or a socket)",
        )));
    }
    // A mode without write bits protects the file, from root too.
    if metadata.permissions().readonly() {
        return Err(ReplaceError::Io(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "it is read-only: permspec does not replace a file its mode protects",
        )));
    }
    let unchanged = |read: &[u8]| expected.is_none_or(|expected| read == expected);
    if links(&metadata) > 1 {
        return write_in_place(target, contents, unchanged);
    }
    let temporary = write_beside(target, contents, Some(&metadata))?;
    if !unchanged(&std::fs::read(target)?) {
        return Err(ReplaceError::Changed);
    }
    persist(temporary, target)
}

fn persist(temporary: tempfile::NamedTempFile, target: &Path) -> Result<(), ReplaceError> {
    temporary
        .persist(target)
        .map_err(|error| ReplaceError::Io(error.error))?;
    Ok(())
}

/// Writes `contents` through the inode of `target`, which other names share: a rename
/// would split them. The old text is kept beside it until the new one is synced.
fn write_in_place(
    target: &Path,
    contents: &[u8],
    unchanged: impl Fn(&[u8]) -> bool,
) -> Result<(), ReplaceError> {
    let old = std::fs::read(target)?;
    if !unchanged(&old) {
        return Err(ReplaceError::Changed);
    }
    let backup = write_beside(target, &old, None)?;
    // Once more, now that the copy is synced: an edit made meanwhile is not overwritten.
    if !unchanged(&std::fs::read(target)?) {
        return Err(ReplaceError::Changed);
    }
    let mut file = OpenOptions::new().write(true).open(target)?;
    let written = file
        .write_all(contents)
        .and_then(|()| file.set_len(contents.len() as u64))
        .and_then(|()| file.sync_all());
    match written {
        Ok(()) => Ok(()),
        Err(error) => {
            // Keep the old text where the user can find it.
            let kept = backup.keep().map(|(_, path)| path);
            let kept =
                kept.map_or_else(|_| "nowhere".to_owned(), |path| path.display().to_string());
            Err(ReplaceError::Io(std::io::Error::new(
                error.kind(),
                format!("{error}; the file's old text is in {kept}"),
            )))
        }
    }
}

/// A synced temporary file holding `contents` in the directory of `path`: with the mode,
/// owner and group of `like`, or, for a new file, the mode the umask gives.
fn write_beside(
    path: &Path,
    contents: &[u8],
    like: Option<&Metadata>,
) -> std::io::Result<tempfile::NamedTempFile> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".permspec-").suffix(".tmp");
    #[cfg(unix)]
    {
        // The kernel applies the umask to the mode a file is created with.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temporary = builder.tempfile_in(&directory).map_err(|error| {
        // tempfile names its random file in the error; the reader knows only the target.
        let text = error.to_string();
        let cause = text.split(" at path ").next().unwrap_or(&text).to_owned();
        std::io::Error::new(error.kind(), cause)
    })?;
    temporary.write_all(contents)?;
    if let Some(like) = like {
        temporary.as_file().set_permissions(like.permissions())?;
        same_owner(temporary.as_file(), like)?;
    }
    temporary.as_file().sync_all()?;
    Ok(temporary)
}

/// Gives `file` the owner and group of `like`; an error when that is not allowed, so that
/// a file is never handed to another owner.
fn same_owner(file: &File, like: &Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = file.metadata()?;
        if (now.uid(), now.gid()) != (like.uid(), like.gid()) {
            std::os::unix::fs::fchown(file, Some(like.uid()), Some(like.gid())).map_err(
                |error| {
                    std::io::Error::new(
                        error.kind(),
                        format!(
                            "{error}: cannot keep the file's owner and group ({}:{})",
                            like.uid(),
                            like.gid()
                        ),
                    )
                },
            )?;
        }
    }
    let _ = (file, like);
    Ok(())
}

/// How many names the file has.
fn links(metadata: &Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        metadata.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        1
    }
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

    #[cfg(unix)]
    #[test]
    fn hard_links_and_symbolic_links_are_kept() {
        use std::os::unix::fs::FileTypeExt;
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("p.yaml");
        let other = directory.path().join("other-name.yaml");
        let link = directory.path().join("link.yaml");
        std::fs::write(&path, "old\n").unwrap();
        std::fs::hard_link(&path, &other).unwrap();
        std::os::unix::fs::symlink("p.yaml", &link).unwrap();

        replace_file(&path, b"old\n", b"new\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&other).unwrap(),
            "new\n",
            "one inode"
        );
        write_file(&link, b"newer\n").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "newer\n");
        let names = std::fs::read_dir(directory.path()).unwrap().count();
        assert_eq!(names, 3, "no temporary or backup file is left behind");

        std::os::unix::fs::symlink("nowhere.yaml", directory.path().join("dangling.yaml")).unwrap();
        assert!(write_file(&directory.path().join("dangling.yaml"), b"x").is_err());
        let device = directory.path().join("null.yaml");
        std::os::unix::fs::symlink("/dev/null", &device).unwrap();
        assert!(write_file(&device, b"x").is_err());
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }
}
