//! `permspec.toml`: which rules run at which level (defaults, the file, the command line),
//! and the loader's limits.

use super::{Level, Rule, Selector};
use crate::policy::Limits;
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
    /// Per-rule levels, by code.
    pub levels: HashMap<&'static str, LevelSetting>,
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
        }
    }
}

/// `permspec.toml`, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    lint: LintSection,
    #[serde(default)]
    limits: Limits,
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
        match self.levels.get(rule.code).copied() {
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
            self.levels.insert(rule.code, setting);
        }
    }

    /// The nearest `permspec.toml` at or above `start`, if any.
    pub fn find(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|directory| directory.join("permspec.toml"))
            .find(|candidate| candidate.is_file())
    }

    /// The configuration in `explicit`, else in the nearest `permspec.toml` at or above the
    /// current directory, else the defaults.
    pub fn discover(explicit: Option<&Path>) -> Result<Config, String> {
        let found = explicit.map(Path::to_owned).or_else(|| {
            std::env::current_dir()
                .ok()
                .and_then(|directory| Config::find(&directory))
        });
        match found {
            Some(path) => Config::read(&path),
            None => Ok(Config::default()),
        }
    }

    /// Reads `permspec.toml`.
    pub fn read(path: &Path) -> Result<Config, String> {
        let text = crate::input::read_text(path, Limits::default().file_bytes)
            .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        let file: File = toml::from_str(&text).map_err(|error| {
            format!("`{}` is not a valid configuration: {error}", path.display())
        })?;
        file.limits
            .validate()
            .map_err(|error| format!("{}: {error}", path.display()))?;
        let mut config = Config {
            select: file.lint.select,
            ignore: file.lint.ignore,
            limits: file.limits,
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
                .map_err(|error| format!("{}: `[lint.rules]`: {error}", path.display()))?;
            config.set_level(&selector, setting);
        }
        Ok(config)
    }
}
