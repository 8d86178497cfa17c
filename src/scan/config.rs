//! `[scan]` in `permspec.toml`: where to look, what to leave out, and the project's own
//! sinks.

use crate::printable::escaped;
use serde::Deserialize;
use std::path::PathBuf;

/// A source file larger than this is refused unless `[scan] max-file-bytes` says otherwise.
const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The `[scan]` section.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScanConfig {
    /// What to scan when no paths are given (relative to the configuration file).
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// Paths to leave out, as `.gitignore` lines (`vendor/**`, `*.test.ts`).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Functions of the project that take a permission or query.
    #[serde(default)]
    pub sinks: Vec<Sink>,
    /// The largest source file read.
    #[serde(default = "default_max_file_bytes")]
    pub max_file_bytes: u64,
    /// The directory `exclude` patterns are relative to: the configuration file's.
    #[serde(skip, default = "current_directory")]
    pub base: PathBuf,
}

fn current_directory() -> PathBuf {
    PathBuf::from(".")
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            paths: Vec::new(),
            exclude: Vec::new(),
            sinks: Vec::new(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            base: current_directory(),
        }
    }
}

fn default_max_file_bytes() -> u64 {
    DEFAULT_MAX_FILE_BYTES
}

/// What a declared sink's value is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SinkKind {
    /// A query, checked by Unkey (the default).
    #[default]
    Query,
    /// One permission, checked by the application.
    Permission,
    /// Permissions granted (a string or a list of them).
    Grant,
}

/// A function of the project that takes a permission or query: `withAuth` field
/// `permission`, or `require_permission` argument 0.
#[derive(Clone, Debug, Deserialize)]
#[serde(try_from = "RawSink")]
pub struct Sink {
    /// The function's (or method's) name, as called.
    pub function: String,
    /// Where the value is.
    pub at: SinkPlace,
    /// What it is.
    pub kind: SinkKind,
}

/// Where a sink's value is passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SinkPlace {
    /// The argument at this position (from 0).
    Argument(usize),
    /// This field of an object argument, or this keyword argument.
    Field(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSink {
    function: String,
    argument: Option<usize>,
    field: Option<String>,
    #[serde(default)]
    kind: SinkKind,
}

impl TryFrom<RawSink> for Sink {
    type Error = String;

    fn try_from(raw: RawSink) -> Result<Self, Self::Error> {
        let at = match (raw.argument, raw.field) {
            (Some(position), None) => SinkPlace::Argument(position),
            (None, Some(field)) if !field.is_empty() => SinkPlace::Field(field),
            (None, Some(_)) => return Err("a sink's `field` cannot be empty".into()),
            _ => {
                return Err(format!(
                    "sink `{}` needs exactly one of `argument` (a position) and `field` (a name)",
                    escaped(&raw.function)
                ));
            }
        };
        let name_like = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
        if raw.function.is_empty() || !raw.function.chars().all(name_like) {
            return Err(format!(
                "a sink's `function` is a plain name such as `withAuth`, not `{}`",
                escaped(&raw.function)
            ));
        }
        Ok(Sink {
            function: raw.function,
            at,
            kind: raw.kind,
        })
    }
}
