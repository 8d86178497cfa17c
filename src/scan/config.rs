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
/// `permission`, or `require_permission` argument 0 (or keyword `permission`).
#[derive(Clone, Debug)]
pub struct Sink {
    /// The function's (or method's) name, as called.
    pub function: String,
    /// The position (from 0) of the argument that carries the value, if it may be passed so.
    pub argument: Option<usize>,
    /// The field of an object argument, or the keyword argument, that carries the value, if
    /// it may be passed so.
    pub field: Option<String>,
    /// What it is.
    pub kind: SinkKind,
}

impl<'de> Deserialize<'de> for Sink {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Sink::try_from(RawSink::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl Sink {
    /// Where the value is, in words: `argument 0 or field `permission``.
    pub fn place(&self) -> String {
        let argument = self.argument.map(|position| format!("argument {position}"));
        let field = self.field.as_ref().map(|name| format!("field `{name}`"));
        argument
            .into_iter()
            .chain(field)
            .collect::<Vec<_>>()
            .join(" or ")
    }
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
        if raw.argument.is_none() && raw.field.is_none() {
            return Err(format!(
                "sink `{}` needs `argument` (a position), `field` (a name), or both",
                escaped(&raw.function)
            ));
        }
        if raw.field.as_ref().is_some_and(String::is_empty) {
            return Err("a sink's `field` cannot be empty".into());
        }
        let name_like = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
        if raw.function.is_empty() || !raw.function.chars().all(name_like) {
            return Err(format!(
                "a sink's `function` is a plain name such as `withAuth`, not `{}`",
                escaped(&raw.function)
            ));
        }
        Ok(Sink {
            function: raw.function,
            argument: raw.argument,
            field: raw.field,
            kind: raw.kind,
        })
    }
}
