//! A subject ready to be decided for any key, whichever kind it is: a query parsed once, or
//! a root key's URN or route. The runner, mutation testing and `diff` decide checks and
//! assertions through it, so that they never branch on the kind of subject.

use super::{Check, Expect, Key, KeyKind, Resolved, RootCheck, RootDecision, Subject, Verdict};
use super::{decide_root, unknown_root_key};
use crate::eval::{Code, Semantics};
use crate::query::{self, Query, SyntaxError};
use jiff::Timestamp;

/// A subject, its query parsed.
#[non_exhaustive]
pub enum Asked<'a> {
    /// A query, decided as `keys.verifyKey` decides it.
    Query(Query),
    /// A root key's URN permission or route call.
    Root(RootCheck<'a>),
}

/// What Unkey sends back to one key asking one subject.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Response {
    /// A query's decision codes.
    Query(Verdict),
    /// A root key's answer from Unkey's API.
    Root(RootDecision),
}

impl<'a> Asked<'a> {
    /// `subject`, its query parsed; an error for a query that does not parse.
    pub fn of(subject: &'a Subject) -> Result<Self, SyntaxError> {
        match (subject, subject.root()) {
            (Subject::Query(text), _) => query::parse(&text.text).map(Asked::Query),
            (_, Some(check)) => Ok(Asked::Root(check)),
            (_, None) => unreachable!("a subject is a query or a root key's"),
        }
    }

    /// How the key called `key` of `resolved` is answered under `semantics` at `now` (a root
    /// key Unkey does not know is answered 401).
    pub fn decide(
        &self,
        resolved: &Resolved,
        key: &str,
        semantics: Semantics,
        now: Timestamp,
    ) -> Response {
        match self {
            Asked::Query(query) => Response::Query(resolved.verdict(key, query, semantics, now)),
            Asked::Root(check) => Response::Root(match resolved.policy.key(key) {
                Some(key) => decide_root(&resolved.policy, key, *check, now),
                None => unknown_root_key(),
            }),
        }
    }

    /// Whether `key` of `resolved` is allowed it (a root key's subject allows root keys
    /// only): what an assertion asks of every key.
    pub fn allows(
        &self,
        resolved: &Resolved,
        key: &Key,
        semantics: Semantics,
        now: Timestamp,
    ) -> bool {
        match self {
            Asked::Query(query) => resolved
                .verdict(&key.name.value, query, semantics, now)
                .allowed(),
            Asked::Root(check) => {
                key.kind == KeyKind::Root && decide_root(&resolved.policy, key, *check, now).allowed
            }
        }
    }
}

impl Response {
    /// Whether the request is let through (in every way of matching it was decided in).
    pub fn allowed(&self) -> bool {
        match self {
            Response::Query(verdict) => verdict.allowed(),
            Response::Root(outcome) => outcome.allowed,
        }
    }

    /// The decision code of a query.
    pub fn code(&self) -> Option<Code> {
        match self {
            Response::Query(verdict) => Some(verdict.code()),
            Response::Root(_) => None,
        }
    }

    /// Whether it is what `check` expects: the verdict in every way of matching it was made
    /// in (a gate code such as DISABLED stands for all of them), and the code or status the
    /// check pins, if any.
    pub fn meets(&self, check: &Check) -> bool {
        match self {
            Response::Query(verdict) => verdict.codes().iter().all(|&(matching, code)| {
                let verdict_holds = match check.expect.value.under(matching) {
                    Expect::Allow => code.allows(),
                    Expect::Deny => !code.allows(),
                    Expect::Error => false,
                };
                verdict_holds && check.code().is_none_or(|pinned| pinned.value == code)
            }),
            Response::Root(outcome) => {
                let expected = check.expect.value.under(crate::eval::Matching::Literal);
                outcome.allowed == (expected == Expect::Allow)
                    && check
                        .status()
                        .is_none_or(|pinned| pinned.value == outcome.status)
            }
        }
    }
}
