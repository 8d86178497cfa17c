//! `permspec init`: a starter suite that passes `test` and `lint` as written, for a team to
//! edit into its own.

use std::io;
use std::path::{Path, PathBuf};

/// The files of the starter suite: name and contents.
fn files() -> [(&'static str, String); 3] {
    [
        ("policy.yaml", include_str!("policy.yaml").to_owned()),
        ("permspec.toml", include_str!("permspec.toml").to_owned()),
        ("policy-v1.schema.json", crate::cli::schema_text()),
    ]
}

/// Why the suite was not written.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// Files of the suite exist already; nothing was written.
    #[error("{} already exist{}", list(.0), if .0.len() == 1 { "s" } else { "" })]
    Exists(Vec<PathBuf>),
    /// Writing failed.
    #[error("cannot write `{}`: {error}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
}

fn list(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|path| format!("`{}`", path.display()))
        .collect();
    names.join(", ")
}

/// Writes the starter suite into `directory` (created if needed), unless one of its files
/// exists there and `force` is false. Returns the files written.
pub fn scaffold(directory: &Path, force: bool) -> Result<Vec<PathBuf>, InitError> {
    let files = files().map(|(name, text)| (directory.join(name), text));
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(path, _)| path.clone())
        .filter(|path| path.exists())
        .collect();
    if !force && !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    std::fs::create_dir_all(directory).map_err(|error| InitError::Write {
        path: directory.to_owned(),
        error,
    })?;
    files
        .into_iter()
        .map(
            |(path, text)| match crate::atomic_write::write_file(&path, text.as_bytes()) {
                Ok(()) => Ok(path),
                Err(error) => Err(InitError::Write { path, error }),
            },
        )
        .collect()
}
