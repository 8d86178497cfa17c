//! What a policy file describes, every part carrying the span of its YAML node.

use super::Source;
use crate::eval::route_call::Call;
use crate::eval::{Code, Semantics};
use crate::span::Span;
use compact_str::CompactString;
use jiff::Timestamp;
use std::borrow::Cow;
use std::sync::Arc;

/// A value and the span of the YAML node it was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it stands in its file.
    pub span: Span,
}

impl<T: AsRef<str>> Spanned<T> {
    /// The text, borrowed, with its span.
    pub fn as_str(&self) -> Spanned<&str> {
        Spanned {
            value: self.value.as_ref(),
            span: self.span,
        }
    }
}

/// A policy: catalog, roles, keys, root keys and forbid rules, as one file declares them.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The file that declares it.
    pub source: Source,
    /// The file's semantics mode.
    pub semantics: Semantics,
    /// The file's clock for `expires`, if it sets one.
    pub now: Option<Timestamp>,
    /// `false` when the workspace is disabled.
    pub workspace_enabled: bool,
    /// The root keys' workspace id, when declared.
    pub workspace_id: Option<Spanned<String>>,
    /// The workspace's APIs with their keyspaces, in file order.
    pub apis: Vec<Api>,
    /// Every permission the application checks, when the file lists them.
    pub catalog: Option<Vec<Spanned<String>>>,
    /// Roles, in file order.
    pub roles: Vec<Role>,
    /// API keys and root keys, in file order (API keys first).
    pub keys: Vec<Key>,
    /// Forbid rules, in file order.
    pub forbid: Vec<ForbidRule>,
    /// The file is an incomplete import of Unkey's state (`partial: true`).
    pub partial: bool,
}

impl Policy {
    /// The key (API or root) called `name`, if declared.
    pub fn key(&self, name: &str) -> Option<&Key> {
        self.keys.iter().find(|key| key.name.value == name)
    }

    /// A copy of the policy with only the keys `keep` selects (roles, catalog and forbid
    /// rules whole): what deciding those keys needs.
    pub fn with_keys_where(&self, keep: impl Fn(&Key) -> bool) -> Policy {
        let Policy {
            source,
            semantics,
            now,
            workspace_enabled,
            workspace_id,
            apis,
            catalog,
            roles,
            keys,
            forbid,
            partial,
        } = self;
        Policy {
            source: source.clone(),
            semantics: *semantics,
            now: *now,
            workspace_enabled: *workspace_enabled,
            workspace_id: workspace_id.clone(),
            apis: apis.clone(),
            catalog: catalog.clone(),
            roles: roles.clone(),
            keys: keys.iter().filter(|key| keep(key)).cloned().collect(),
            forbid: forbid.clone(),
            partial: *partial,
        }
    }
}

/// An API of the workspace and the keyspace its keys live in.
#[derive(Clone, Debug)]
pub struct Api {
    /// The API id; its span is the mapping key.
    pub id: Spanned<String>,
    /// The keyspace id (`keyAuthId`).
    pub keyspace: Spanned<String>,
}

/// A role: a named bundle of permissions.
#[derive(Clone, Debug)]
pub struct Role {
    /// The role's name; its span is the mapping key.
    pub name: Spanned<String>,
    /// What it is for.
    pub description: Option<String>,
    /// What it grants.
    pub permissions: Vec<Spanned<String>>,
    /// Lint findings excused on it.
    pub suppression: Option<Suppression>,
}

/// An API key (or an Unkey root key).
#[derive(Clone, Debug)]
pub struct Key {
    /// The key's name; its span is the mapping key.
    pub name: Spanned<String>,
    /// API key or root key.
    pub kind: KeyKind,
    /// Who or what it is for.
    pub description: Option<String>,
    /// Roles it holds (indices into [`Policy::roles`] once resolved).
    pub roles: Vec<Spanned<String>>,
    /// Permissions granted directly.
    pub permissions: Vec<Spanned<String>>,
    /// `false` when disabled, with the span of `enabled: false`.
    pub enabled: Spanned<bool>,
    /// When it stops working.
    pub expires: Option<Spanned<Timestamp>>,
    /// Lint findings excused on it.
    pub suppression: Option<Suppression>,
    /// The route calls a root key declares it is for (`uses:`).
    pub uses: Vec<Spanned<Call>>,
}

impl Key {
    /// The permissions granted directly, as written.
    pub fn grant_texts(&self) -> Vec<&str> {
        self.permissions
            .iter()
            .map(|grant| grant.value.as_str())
            .collect()
    }
}

/// The two kinds of key Unkey issues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// A key verified with `keys.verifyKey`; grants follow the policy's semantics mode.
    Api,
    /// A root key for Unkey's own API; grants are `type.id.action` tuples and URN
    /// permissions.
    Root,
}

/// A permission no key may use.
#[derive(Clone, Debug)]
pub struct ForbidRule {
    /// The prohibited pattern.
    pub permission: Spanned<String>,
    /// Why.
    pub reason: Option<String>,
}

/// An inline `lint: {allow: [...], reason: ...}`.
#[derive(Clone, Debug)]
pub struct Suppression {
    /// The rules excused, as written.
    pub rules: Vec<Spanned<String>>,
    /// Why.
    pub reason: String,
    /// After this date the suppression stops working.
    pub until: Option<Spanned<jiff::civil::Date>>,
    /// The whole `lint:` value.
    pub span: Span,
}

/// A file of checks and assertions, and the policy they are checked against (its own, or
/// the one its `policy:` names).
#[derive(Debug)]
pub struct TestFile {
    /// The file holding the checks.
    pub source: Source,
    /// The policy under test.
    pub policy: Arc<Policy>,
    /// Semantics for the checks: the file's own, else the policy's.
    pub semantics: Semantics,
    /// Clock for the checks: the file's own, else the policy's.
    pub now: Option<Timestamp>,
    /// The checks (`cases:`), one per key and subject, in file order.
    pub checks: Vec<Check>,
    /// Who-can assertions (`access:`), in file order.
    pub assertions: Vec<Assertion>,
}

impl TestFile {
    /// Whether the policy is declared in this file rather than referenced by `policy:`.
    pub fn owns_policy(&self) -> bool {
        self.policy.source.path() == self.source.path()
    }

    /// The checks of queries, each with its query.
    pub fn query_checks(&self) -> impl Iterator<Item = (&Check, &QueryText)> {
        (self.checks.iter()).filter_map(|check| Some((check, check.subject.query()?)))
    }

    /// Every query the file asks: its checks' then its assertions'.
    pub fn queries(&self) -> impl Iterator<Item = &QueryText> {
        let checks = self.checks.iter().map(|check| &check.subject);
        let assertions = self.assertions.iter().map(|assertion| &assertion.subject);
        checks.chain(assertions).filter_map(Subject::query)
    }
}

/// A query as written in a file.
#[derive(Clone, Debug)]
pub struct QueryText {
    /// The query.
    pub text: CompactString,
    /// The YAML scalar holding it (quotes included).
    pub span: Span,
    /// Where the query's first byte stands in the file, when the scalar holds the text
    /// verbatim (no escapes, no folding), so that a syntax error can point inside it.
    pub offset: Option<usize>,
}

impl QueryText {
    /// A span within the query text, mapped into the file.
    pub fn span_in_file(&self, inner: Span) -> Span {
        match self.offset {
            Some(offset) => inner.shifted(offset),
            None => self.span,
        }
    }
}

/// What a check asks of a key: a permission query of an API key, or a root key's URN
/// permission or call to one of Unkey's routes.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Subject {
    /// A query, decided as `keys.verifyKey` decides it.
    Query(QueryText),
    /// A URN permission the root key must hold.
    Urn(Spanned<String>),
    /// A route and its request, decided as the route's handler decides it.
    Route(Box<RouteRequest>),
}

impl Subject {
    /// The query, for a query.
    pub fn query(&self) -> Option<&QueryText> {
        match self {
            Subject::Query(query) => Some(query),
            Subject::Urn(_) | Subject::Route(_) => None,
        }
    }

    /// The URN or route of a root key's subject.
    pub fn root(&self) -> Option<RootCheck<'_>> {
        match self {
            Subject::Query(_) => None,
            Subject::Urn(urn) => Some(RootCheck::Urn(urn)),
            Subject::Route(call) => Some(RootCheck::Route(call)),
        }
    }

    /// The subject in words, for test names: the query, the URN or
    /// `keys.getKey(apiId=api_1)`.
    pub fn describe(&self) -> String {
        match self {
            Subject::Query(query) => query.text.to_string(),
            Subject::Urn(urn) => urn.value.clone(),
            Subject::Route(call) => format!("{}({})", call.route.value, call.written),
        }
    }

    /// Where the subject is written.
    pub fn span(&self) -> Span {
        match self {
            Subject::Query(query) => query.span,
            Subject::Urn(urn) => urn.span,
            Subject::Route(call) => call.route.span,
        }
    }
}

/// A root key's subject, borrowed: a URN permission or a route and its request.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum RootCheck<'a> {
    /// A URN permission the root key must hold.
    Urn(&'a Spanned<String>),
    /// A route and its request.
    Route(&'a RouteRequest),
}

/// A route and its request, as a check names them.
#[derive(Clone, Debug)]
pub struct RouteRequest {
    /// The route's name as written.
    pub route: Spanned<String>,
    /// The request (values filled in from `workspace:` and `apis:`).
    pub request: crate::eval::routes::Request,
    /// The values as written, for the test's name.
    pub written: String,
}

/// A detail of the outcome a check pins beside its verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pin {
    /// A query's decision code.
    Code(Code),
    /// The HTTP status of a route's answer.
    Status(u16),
}

/// One expected outcome: what `key` is expected to get when it asks `subject`.
#[derive(Debug)]
pub struct Check {
    /// The test's name within its file as written (numbered when it repeats another's);
    /// `None` for a name derived from key and subject when asked ([`Check::name`]).
    pub name: Option<CompactString>,
    /// The key that asks (its name shared with the other checks of a declared key).
    pub key: Spanned<Arc<str>>,
    /// What it asks.
    pub subject: Subject,
    /// The verdict expected (one verdict for a root key's subject).
    pub expect: Spanned<super::Expectation>,
    /// The decision code or status pinned, if any.
    pub pin: Option<Spanned<Pin>>,
    /// Skipped unless ignored cases are asked for.
    pub ignore: bool,
    /// The case's `- ` item in the file.
    pub span: Span,
}

impl Check {
    /// The test's name within its file: as written, or `key: subject`.
    pub fn name(&self) -> Cow<'_, str> {
        let key = &self.key.value;
        match (&self.name, &self.subject) {
            (Some(name), _) => Cow::Borrowed(name),
            (None, Subject::Query(query)) => Cow::Owned(format!("{key}: {}", query.text)),
            (None, subject) => Cow::Owned(format!("{key}: {}", subject.describe())),
        }
    }

    /// The decision code pinned, if any.
    pub fn code(&self) -> Option<Spanned<Code>> {
        match self.pin? {
            Spanned {
                value: Pin::Code(code),
                span,
            } => Some(Spanned { value: code, span }),
            _ => None,
        }
    }

    /// The status pinned, if any.
    pub fn status(&self) -> Option<Spanned<u16>> {
        match self.pin? {
            Spanned {
                value: Pin::Status(status),
                span,
            } => Some(Spanned {
                value: status,
                span,
            }),
            _ => None,
        }
    }
}

/// Exactly the listed keys get an allow when they ask the subject (of root keys, for a URN
/// or a route).
#[derive(Debug)]
pub struct Assertion {
    /// What is asked.
    pub subject: Subject,
    /// The keys allowed.
    pub keys: Vec<Spanned<String>>,
    /// The assertion's item in the file.
    pub span: Span,
}
