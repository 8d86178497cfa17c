//! Rule selectors, one grammar everywhere (the command line, `permspec.toml` and inline
//! `lint: {allow: [...]}` suppressions): a code (`W001`), a code prefix (`W`, `W00`) or a
//! name (`global-wildcard`), in any case. A selector that picks no rule is an error with a
//! did-you-mean, never a silent no-op that switches the linter off.

use super::{Rule, RuleId, rules};
use crate::suggest::closest;
use std::fmt;
use std::str::FromStr;

/// A parsed, valid selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    written: String,
    kind: Kind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// A whole code or a name: one rule.
    Rule(RuleId),
    /// The start of one or more codes, upper-cased.
    Prefix(String),
}

impl Selector {
    /// Parses one selector.
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let written = text.trim();
        if written.is_empty() {
            return Err(SelectorError::Empty);
        }
        let exact = rules::ALL.iter().find(|rule| {
            rule.code.eq_ignore_ascii_case(written) || rule.name.eq_ignore_ascii_case(written)
        });
        let kind = match exact {
            Some(rule) => Kind::Rule(rule.id),
            None => {
                let upper = written.to_ascii_uppercase();
                let shaped = upper.starts_with(|c: char| c.is_ascii_alphabetic())
                    && upper[1..].bytes().all(|byte| byte.is_ascii_digit());
                if !shaped || !rules::ALL.iter().any(|rule| rule.code.starts_with(&upper)) {
                    return Err(SelectorError::Unknown {
                        written: written.to_owned(),
                        closest: closest_rule(written),
                    });
                }
                Kind::Prefix(upper)
            }
        };
        Ok(Selector {
            written: written.to_owned(),
            kind,
        })
    }

    /// Parses a comma-separated list of selectors.
    pub fn parse_list(text: &str) -> Result<Vec<Selector>, SelectorError> {
        text.split(',').map(Selector::parse).collect()
    }

    /// Whether the selector picks `rule`.
    pub fn matches(&self, rule: &Rule) -> bool {
        match &self.kind {
            Kind::Rule(id) => rule.id == *id,
            Kind::Prefix(prefix) => rule.code.starts_with(prefix.as_str()),
        }
    }

    /// The rules it picks, in registry order.
    pub fn rules(&self) -> impl Iterator<Item = &'static Rule> + '_ {
        rules::ALL.iter().filter(|rule| self.matches(rule))
    }

    /// The selector as written.
    pub fn as_str(&self) -> &str {
        &self.written
    }
}

/// A rule selector that selects nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SelectorError {
    /// An empty selector.
    #[error(
        "an empty rule selector selects nothing; name a rule, a code or a code prefix such as `W`"
    )]
    Empty,
    /// A selector no rule's code or name matches.
    #[error("no lint rule matches `{written}`; {}", match closest {
        Some(name) => format!("did you mean `{name}`?"),
        None => "`permspec rules` lists them".to_owned(),
    })]
    Unknown {
        /// The selector as written.
        written: String,
        /// The nearest rule code or name, if one is near.
        closest: Option<&'static str>,
    },
}

/// The rule code or name nearest `written`.
fn closest_rule(written: &str) -> Option<&'static str> {
    let names = rules::ALL.iter().flat_map(|rule| [rule.code, rule.name]);
    closest(written, names)
}

impl FromStr for Selector {
    type Err = SelectorError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Selector::parse(text)
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

impl<'de> serde::Deserialize<'de> for Selector {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Selector::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(selector: &str) -> Vec<&'static str> {
        Selector::parse(selector)
            .unwrap()
            .rules()
            .map(|rule| rule.code)
            .collect()
    }

    #[test]
    fn codes_prefixes_and_names_in_any_case() {
        assert_eq!(codes("W001"), ["W001"]);
        assert_eq!(codes("w001"), ["W001"]);
        assert_eq!(codes("global-wildcard"), ["W001"]);
        assert_eq!(codes("Global-Wildcard"), ["W001"]);
        assert_eq!(codes("W00").len(), 9);
        assert!(codes("W").len() >= 9);
        assert_eq!(codes(" N001 "), ["N001"]);
    }

    #[test]
    fn a_selector_that_picks_nothing_is_an_error_with_a_suggestion() {
        for wrong in [
            "W0O1",
            "nonsense-name",
            "",
            "  ",
            "W9",
            "global-wildcrd",
            "W001x",
        ] {
            assert!(Selector::parse(wrong).is_err(), "{wrong:?}");
        }
        let error = Selector::parse("global-wildcrd").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("did you mean `global-wildcard`?"),
            "{error}"
        );
        assert_eq!(
            Selector::parse_list("W001,W003").unwrap().len(),
            2,
            "comma lists"
        );
        assert!(Selector::parse_list("W001,").is_err());
    }
}
