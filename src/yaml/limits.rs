//! Bounds on what one policy file may make permspec do: its size, how deeply its YAML
//! nests, how far its aliases expand, and how many cases it holds. Each can be raised in
//! the `[limits]` section of `permspec.toml`.

use crate::span::MAX_TEXT_BYTES;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// The bounds the loader enforces, per file. Read from `permspec.toml`, each setting is
/// checked where it is written ([`Limit::check`]), so an impossible one is an error at
/// its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// Largest file, in bytes.
    #[serde(deserialize_with = "file_bytes")]
    pub file_bytes: u64,
    /// Deepest nesting of YAML lists and mappings.
    #[serde(deserialize_with = "yaml_depth")]
    pub yaml_depth: usize,
    /// Most nodes that aliases (`*name`) may add by repeating what their anchor holds.
    #[serde(deserialize_with = "alias_expansion")]
    pub alias_expansion: usize,
    /// Most cases in one file, after lists of keys and queries are expanded.
    #[serde(deserialize_with = "cases")]
    pub cases: usize,
}

/// The setting `limit` as written: a whole number it allows.
fn setting<'de, D: Deserializer<'de>>(limit: Limit, deserializer: D) -> Result<u64, D::Error> {
    let value = u64::deserialize(deserializer).map_err(|_| {
        D::Error::custom(format!(
            "`limits.{}` must be a whole number from 1 to {}",
            limit.setting(),
            limit.most()
        ))
    })?;
    limit.check(value).map_err(D::Error::custom)?;
    Ok(value)
}

fn file_bytes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    setting(Limit::FileBytes, deserializer)
}

fn yaml_depth<'de, D: Deserializer<'de>>(deserializer: D) -> Result<usize, D::Error> {
    setting(Limit::YamlDepth, deserializer).map(|value| value as usize)
}

fn alias_expansion<'de, D: Deserializer<'de>>(deserializer: D) -> Result<usize, D::Error> {
    setting(Limit::AliasExpansion, deserializer).map(|value| value as usize)
}

fn cases<'de, D: Deserializer<'de>>(deserializer: D) -> Result<usize, D::Error> {
    setting(Limit::Cases, deserializer).map(|value| value as usize)
}

/// YAML nesting past this cannot be allowed: the YAML deserializer stops at 128 levels.
pub(crate) const MAX_YAML_DEPTH: usize = 120;

/// More cases than this cannot be allowed: a run numbers a file's cases in 32 bits.
pub(crate) const MAX_CASES: usize = u32::MAX as usize;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 16 * 1024 * 1024,
            yaml_depth: 32,
            alias_expansion: 10_000,
            cases: 1_000_000,
        }
    }
}

/// One of the [`Limits`], for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::file_bytes`].
    FileBytes,
    /// [`Limits::yaml_depth`].
    YamlDepth,
    /// [`Limits::alias_expansion`].
    AliasExpansion,
    /// [`Limits::cases`].
    Cases,
}

impl Limit {
    /// The largest value the setting can take.
    pub fn most(self) -> u64 {
        match self {
            Limit::FileBytes => MAX_TEXT_BYTES,
            Limit::YamlDepth => MAX_YAML_DEPTH as u64,
            Limit::AliasExpansion => usize::MAX as u64,
            Limit::Cases => MAX_CASES as u64,
        }
    }

    /// An error unless `value` is a setting permspec can use: at least 1 (0 would refuse
    /// every file), at most [`Limit::most`].
    pub fn check(self, value: u64) -> Result<(), LimitsError> {
        let setting = self.setting();
        if value == 0 {
            return Err(LimitsError::Zero { setting });
        }
        let most = self.most();
        if value > most {
            return Err(LimitsError::TooLarge {
                setting,
                most,
                given: value,
            });
        }
        Ok(())
    }

    /// The setting's name in `permspec.toml`.
    pub fn setting(self) -> &'static str {
        match self {
            Limit::FileBytes => "file-bytes",
            Limit::YamlDepth => "yaml-depth",
            Limit::AliasExpansion => "alias-expansion",
            Limit::Cases => "cases",
        }
    }

    /// How to raise the limit above `current`, for a hint.
    pub fn how_to_raise(self, current: u64) -> String {
        let suggested = current.saturating_mul(2).min(self.most());
        let ceiling = match self {
            Limit::YamlDepth => format!(" (at most {MAX_YAML_DEPTH})"),
            _ => String::new(),
        };
        format!(
            "raise the limit (now {current}) in `permspec.toml` under `[limits]`: `{} = {suggested}`{ceiling}",
            self.setting()
        )
    }
}

/// A setting of `[limits]` that permspec cannot use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitsError {
    /// A limit of 0, which would refuse every file.
    #[error("`limits.{setting}` must be at least 1")]
    Zero {
        /// The setting, as `permspec.toml` names it.
        setting: &'static str,
    },
    /// A YAML depth beyond what the parser can be trusted with, or a file size or a count
    /// of cases beyond what permspec can number (spans and tests count in 32 bits).
    #[error("`limits.{setting}` can be at most {most}, not {given}")]
    TooLarge {
        /// The setting, as `permspec.toml` names it.
        setting: &'static str,
        /// The largest value allowed.
        most: u64,
        /// The value asked for.
        given: u64,
    },
}

impl Limits {
    /// Checks settings read from a file: every limit at least 1, YAML depth within reach,
    /// files and cases few enough to number (spans and tests count in 32 bits).
    pub fn validate(&self) -> Result<(), LimitsError> {
        Limit::FileBytes.check(self.file_bytes)?;
        Limit::YamlDepth.check(self.yaml_depth as u64)?;
        Limit::AliasExpansion.check(self.alias_expansion as u64)?;
        Limit::Cases.check(self.cases as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_zero_or_too_deep_are_not() {
        assert_eq!(Limits::default().validate(), Ok(()));
        let zero = Limits {
            cases: 0,
            ..Limits::default()
        };
        assert_eq!(
            zero.validate().unwrap_err().to_string(),
            "`limits.cases` must be at least 1"
        );
        let deep = Limits {
            yaml_depth: 500,
            ..Limits::default()
        };
        let huge = Limits {
            file_bytes: 1 << 32,
            ..Limits::default()
        };
        assert_eq!(
            huge.validate().unwrap_err().to_string(),
            "`limits.file-bytes` can be at most 4294967295, not 4294967296"
        );
        let largest = Limits {
            file_bytes: u32::MAX.into(),
            cases: u32::MAX as usize,
            ..Limits::default()
        };
        assert_eq!(largest.validate(), Ok(()));
        assert!(
            deep.validate()
                .unwrap_err()
                .to_string()
                .contains("at most 120")
        );
    }

    #[test]
    fn the_hint_names_the_setting_and_a_larger_value() {
        assert_eq!(
            Limit::Cases.how_to_raise(10),
            "raise the limit (now 10) in `permspec.toml` under `[limits]`: `cases = 20`"
        );
        assert!(
            Limit::YamlDepth
                .how_to_raise(100)
                .ends_with("`yaml-depth = 120` (at most 120)")
        );
    }
}
