//! `permspec.toml`: which rules run at which level (defaults, the file, the command line),
//! and the loader's limits.

use super::{Level, Rule, RuleId, Selector};
use crate::diagnostic::FileDiagnostic;
use crate::error_code::ErrorCode;
use crate::policy::{Limits, Source};
use crate::scan::ScanConfig;
use crate::span::Span;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A rule's configured level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LevelSetting {
    /// The rule does not run.
    Off,
    /// Reported as info.
    Info,
    /// Reported as a warning.
    Warning,
    /// Reported as an error.
    Error,
}

/// The configuration: the linter's rules and the loader's limits.
#[derive(Clone, Debug)]
pub struct Config {
    /// Per-rule levels.
    pub levels: HashMap<RuleId, LevelSetting>,
    /// If not empty, only rules matching one of these run.
    pub select: Vec<Selector>,
    /// Rules matching one of these do not run.
    pub ignore: Vec<Selector>,
    /// The lowest level that fails the run.
    pub fail_level: Level,
    /// W005: a wildcard held by more keys than this is reported.
    pub widely_held_keys: usize,
    /// What the loader accepts of one file (`[limits]`).
    pub limits: Limits,
    /// The file this configuration was read from, if any.
    pub file: Option<PathBuf>,
    /// What to check when no paths are given (`paths`, relative to the file).
    pub paths: Vec<PathBuf>,
    /// Whether keys' and roles' `lint:` suppressions excuse findings (true but for the
    /// access review's flags, which a reviewer sees whatever is excused).
    pub suppressions: bool,
    /// `[scan]`: what `permspec scan` reads, if the file has the section.
    pub scan: Option<ScanConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            levels: HashMap::new(),
            select: Vec::new(),
            ignore: Vec::new(),
            fail_level: Level::Error,
            widely_held_keys: 5,
            limits: Limits::default(),
            file: None,
            paths: Vec::new(),
            suppressions: true,
            scan: None,
        }
    }
}

/// `permspec.toml`, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    paths: Vec<PathBuf>,
    #[serde(default)]
    lint: LintSection,
    #[serde(default)]
    limits: Limits,
    scan: Option<ScanConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LintSection {
    #[serde(default)]
    select: Vec<Selector>,
    #[serde(default)]
    ignore: Vec<Selector>,
    #[serde(default)]
    deny_warnings: bool,
    widely_held_keys: Option<usize>,
    #[serde(default)]
    rules: HashMap<String, LevelSetting>,
}

impl Config {
    /// The level `rule` runs at, or `None` if it is off.
    pub fn level(&self, rule: &Rule) -> Option<Level> {
        let ignored = self.ignore.iter().any(|selector| selector.matches(rule));
        let selected =
            self.select.is_empty() || self.select.iter().any(|selector| selector.matches(rule));
        if ignored || !selected {
            return None;
        }
        match self.levels.get(&rule.id).copied() {
            None => Some(rule.level),
            Some(LevelSetting::Off) => None,
            Some(LevelSetting::Info) => Some(Level::Info),
            Some(LevelSetting::Warning) => Some(Level::Warning),
            Some(LevelSetting::Error) => Some(Level::Error),
        }
    }

    /// Sets the level of every rule `selector` picks.
    pub fn set_level(&mut self, selector: &Selector, setting: LevelSetting) {
        for rule in selector.rules() {
            self.levels.insert(rule.id, setting);
        }
    }

    /// The nearest `permspec.toml` at or above `start` (a file's directory, or a directory),
    /// looking no higher than the root of the git repository `start` is in: a configuration
    /// outside the repository is not the project's, and must not switch its gate off.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let start = std::path::absolute(start).ok()?;
        let directory = if start.is_dir() {
            start.as_path()
        } else {
            start.parent()?
        };
        for directory in directory.ancestors() {
            let candidate = directory.join("permspec.toml");
            if candidate.is_file() {
                return Some(candidate);
            }
            if directory.join(".git").exists() {
                return None;
            }
        }
        None
    }

    /// The configuration in `explicit`, else in the nearest `permspec.toml` above the first
    /// of `paths` (the paths being checked; the current directory when there are none), else
    /// the defaults.
    pub fn discover(explicit: Option<&Path>, paths: &[PathBuf]) -> Result<Config, FileDiagnostic> {
        let start = match paths.first() {
            Some(path) => path.clone(),
            None => std::env::current_dir().map_err(|error| {
                FileDiagnostic::unreadable(
                    ".",
                    format!("cannot find the current directory: {error}"),
                )
            })?,
        };
        match explicit
            .map(Path::to_owned)
            .or_else(|| Config::find(&start))
        {
            Some(path) => Config::read(&path),
            None => Ok(Config::default()),
        }
    }

    /// The paths to check when none are given: the configuration's `paths`, else `policies`.
    pub fn default_paths(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() {
            vec![PathBuf::from("policies")]
        } else {
            self.paths.clone()
        }
    }

    /// Reads `permspec.toml`; what is wrong with it is a diagnostic at its place in the file.
    pub fn read(path: &Path) -> Result<Config, FileDiagnostic> {
        let source = crate::input::read_text(path, Limits::default().file_bytes)
            .map(|text| Source::new(path, text))
            .map_err(|error| {
                let file = crate::printable::escaped(&path.display().to_string()).into_owned();
                FileDiagnostic::unreadable(file.clone(), format!("cannot read `{file}`: {error}"))
                    .with_code(ErrorCode::ConfigUnreadable)
            })?;
        let invalid = |message: String| {
            FileDiagnostic::unreadable(source.name(), format!("`{}`: {message}", source.name()))
                .with_code(ErrorCode::ConfigInvalid)
        };
        let file: File = toml::from_str(source.text()).map_err(|error| {
            let span = error.span().unwrap_or(0..0);
            FileDiagnostic::at(
                ErrorCode::ConfigInvalid,
                &source,
                Span::new(span.start, span.end),
                "not a valid permspec.toml",
                error.message().trim_end(),
            )
            .with_help("docs/cli.md, section Configuration, lists what permspec.toml holds")
        })?;
        let directory = from_current_dir(path.parent().unwrap_or(Path::new(".")));
        let scan = file.scan.map(|mut scan| {
            scan.paths = scan
                .paths
                .iter()
                .map(|relative| directory.join(relative))
                .collect();
            scan.base = if directory.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                directory.clone()
            };
            scan
        });
        let mut config = Config {
            scan,
            select: file.lint.select,
            ignore: file.lint.ignore,
            limits: file.limits,
            file: Some(path.to_owned()),
            paths: file
                .paths
                .iter()
                .map(|relative| {
                    from_current_dir(path.parent().unwrap_or(Path::new("."))).join(relative)
                })
                .collect(),
            ..Config::default()
        };
        if file.lint.deny_warnings {
            config.fail_level = Level::Warning;
        }
        if let Some(threshold) = file.lint.widely_held_keys {
            config.widely_held_keys = threshold;
        }
        for (selector, setting) in file.lint.rules {
            let selector = Selector::parse(&selector)
                .map_err(|error| invalid(format!("`[lint.rules]`: {error}")))?;
            config.set_level(&selector, setting);
        }
        Ok(config)
    }
}
/// `dir` as seen from the current directory when it lies under it (`policies`, not
/// `/home/ci/project/policies`), so that what names files (test names, reports) is the same
/// on every machine; otherwise as given.
fn from_current_dir(dir: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|current| dir.strip_prefix(current).ok().map(Path::to_owned))
        .unwrap_or_else(|| dir.to_owned())
}
