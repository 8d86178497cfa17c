//! `permspec init`: a starter suite that passes `test` and `lint` as written, for a team to
//! edit into its own.

use std::io;
use std::path::{Path, PathBuf};

/// The files of the starter suite, for a suite in `directory`: the policy and its schema
/// there (with `root_keys`, a suite of Unkey root keys too), and the configuration in the
/// current directory (the project's root), whose `paths` points at the suite, so that
/// `permspec test` and `permspec lint` need no arguments.
fn files(directory: &Path, root_keys: bool, scan: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let suite = directory.to_string_lossy().replace('\\', "/");
    let paths = toml::Value::Array(vec![toml::Value::String(suite)]);
    let mut configuration =
        include_str!("permspec.toml").replace("paths = []", &format!("paths = {paths}"));
    if !scan.is_empty() {
        let sources = scan
            .iter()
            .map(|path| toml::Value::String(path.to_string_lossy().replace('\\', "/")))
            .collect();
        configuration = configuration.replace("# [scan]", "[scan]").replace(
            "# paths = [\"src\"]",
            &format!("paths = {}", toml::Value::Array(sources)),
        );
    }
    let mut files = vec![
        (
            directory.join("policy.yaml"),
            include_str!("policy.yaml").to_owned(),
        ),
        (
            directory.join("policy-v1.schema.json"),
            crate::policy::schema_text(),
        ),
        (PathBuf::from("permspec.toml"), configuration),
    ];
    if root_keys {
        let text = include_str!("root-keys.yaml").to_owned();
        files.push((directory.join("root-keys.yaml"), text));
    }
    files
}

/// Why the suite was not written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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

/// Writes the starter suite (with `root_keys`, the root-key suite too) into `directory`
/// (created if needed) and `permspec.toml` into the current directory (with a `[scan]`
/// section for the source paths `scan`, if any), unless one of these files exists and
/// `force` is false. Returns the files written.
pub fn scaffold(
    directory: &Path,
    force: bool,
    root_keys: bool,
    scan: &[PathBuf],
) -> Result<Vec<PathBuf>, InitError> {
    let files = files(directory, root_keys, scan);
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
