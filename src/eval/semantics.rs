//! How a grant matches a required permission: the three modes a policy can choose.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The meaning of `*` in grants, chosen per policy file or on the command line.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Semantics {
    /// Unkey's documentation: `documents.*` grants `documents.read`.
    #[default]
    Wildcard,
    /// Unkey's verification engine: a grant matches only the identical string.
    Literal,
    /// Both of the above must agree.
    Strict,
}

impl Semantics {
    /// The ways of matching a decision under this mode must be computed with.
    pub fn matchings(self) -> &'static [Matching] {
        match self {
            Semantics::Wildcard => &[Matching::Wildcard],
            Semantics::Literal => &[Matching::Literal],
            Semantics::Strict => &[Matching::Wildcard, Matching::Literal],
        }
    }

    /// The mode's name as written in policy files.
    pub fn name(self) -> &'static str {
        match self {
            Semantics::Wildcard => "wildcard",
            Semantics::Literal => "literal",
            Semantics::Strict => "strict",
        }
    }
}

impl fmt::Display for Semantics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One concrete way of matching a grant pattern against a required permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Matching {
    /// Segment patterns: `*` as a whole segment matches one segment, or, trailing, one or more.
    Wildcard,
    /// Identical strings only.
    Literal,
    /// Unkey's root keys: `type.id.action` is satisfied by itself or by `type.*.action`.
    RootKey,
}

impl Matching {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Matching::Wildcard => "wildcard",
            Matching::Literal => "literal",
            Matching::RootKey => "root-key",
        }
    }
}

/// Whether one grant pattern matches one required permission.
///
/// The plain definition of the rules in docs/semantics.md §2; [`crate::eval::PatternSet`] answers
/// the same question for many patterns at once.
///
/// ```
/// use permspec::eval::{grant_matches, Matching};
/// assert!(grant_matches("documents.*", "documents.read.own", Matching::Wildcard));
/// assert!(!grant_matches("documents.*", "documents", Matching::Wildcard));
/// assert!(!grant_matches("documents.*", "documents.read", Matching::Literal));
/// assert!(grant_matches("api.*.read_api", "api.api_1.read_api", Matching::RootKey));
/// ```
pub fn grant_matches(grant: &str, required: &str, matching: Matching) -> bool {
    if grant == required {
        return true;
    }
    match matching {
        Matching::Literal => false,
        Matching::RootKey => root_key_wildcard(required).is_some_and(|general| general == grant),
        Matching::Wildcard => {
            // Segment by segment, without collecting them: this runs for every grant and
            // permission a lint rule, a diff or a review pairs.
            let segments = |text: &str| text.bytes().filter(|&byte| byte == b'.').count() + 1;
            let (grant_len, required_len) = (segments(grant), segments(required));
            let init = grant_len - 1;
            let last_is_star = grant.rsplit('.').next() == Some("*");
            if last_is_star && required_len > init {
                segments_match(grant, required, init)
            } else {
                grant_len == required_len && segments_match(grant, required, grant_len)
            }
        }
    }
}

/// Whether the first `count` segments of `grant` match those of `required` (`*` matches
/// any one segment).
fn segments_match(grant: &str, required: &str, count: usize) -> bool {
    let pairs = grant.split('.').zip(required.split('.')).take(count);
    pairs.into_iter().all(|(g, r)| g == "*" || g == r)
}

/// `type.*.action` for a root-key permission `type.id.action`.
pub(crate) fn root_key_wildcard(required: &str) -> Option<String> {
    let mut parts = required.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(kind), Some(_), Some(action), None) => Some(format!("{kind}.*.{action}")),
        _ => None,
    }
}
