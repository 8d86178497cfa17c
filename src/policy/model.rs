//! What a policy file describes, every part carrying the span of its YAML node.

use super::Source;
use crate::eval::route_call::Call;
use crate::eval::{Code, Semantics};
use crate::span::Span;
use jiff::Timestamp;
use std::sync::Arc;

/// A value and the span of the YAML node it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it stands in its file.
    pub span: Span,
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

/// A file of expected outcomes, and the policy they are checked against (its own, or the
/// one its `policy:` names).
#[derive(Debug)]
pub struct TestFile {
    /// The file holding the cases.
    pub source: Source,
    /// The policy under test.
    pub policy: Arc<Policy>,
    /// Semantics for the cases: the file's own, else the policy's.
    pub semantics: Semantics,
    /// Clock for the cases: the file's own, else the policy's.
    pub now: Option<Timestamp>,
    /// Cases, one per key and query, in file order.
    pub cases: Vec<Case>,
    /// Who-can assertions.
    pub access: Vec<AccessAssertion>,
    /// Cases of root keys on routes and URN permissions, in file order.
    pub root_cases: Vec<RootCase>,
    /// Who-can assertions on routes.
    pub route_access: Vec<RouteAccess>,
}

impl TestFile {
    /// Whether the policy is declared in this file rather than referenced by `policy:`.
    pub fn owns_policy(&self) -> bool {
        self.policy.source.path() == self.source.path()
    }
}

/// A query as written in a file.
#[derive(Clone, Debug)]
pub struct QueryText {
    /// The query.
    pub text: String,
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

/// One expected outcome.
#[derive(Debug)]
pub struct Case {
    /// The test's name within its file: as written, or derived from key and query.
    pub name: String,
    /// The key the query is made with.
    pub key: Spanned<String>,
    /// The query.
    pub query: QueryText,
    /// What is expected.
    pub expect: Spanned<super::Expectation>,
    /// The pinned code, if any.
    pub code: Option<Spanned<Code>>,
    /// Skipped unless ignored cases are asked for.
    pub ignore: bool,
    /// The case's `- ` item in the file.
    pub span: Span,
}

/// Exactly the listed keys may be allowed the query.
#[derive(Debug)]
pub struct AccessAssertion {
    /// The query.
    pub query: QueryText,
    /// The keys allowed.
    pub keys: Vec<Spanned<String>>,
    /// The assertion's item in the file.
    pub span: Span,
}

/// A root-key check: a request to an Unkey route, or a required URN permission.
#[derive(Clone, Debug)]
pub enum RootCheck {
    /// A route, with its request (values filled in from `workspace:` and `apis:`).
    Route {
        /// The route's name as written.
        route: Spanned<String>,
        /// The request.
        request: crate::eval::routes::Request,
        /// The values as written, for the test's name.
        written: String,
    },
    /// A required URN permission.
    Urn(Spanned<String>),
}

impl RootCheck {
    /// The check in words, for test names: `keys.getKey(apiId=api_1)` or the URN.
    pub fn describe(&self) -> String {
        match self {
            RootCheck::Route { route, written, .. } => format!("{}({written})", route.value),
            RootCheck::Urn(urn) => urn.value.clone(),
        }
    }

    /// Where the check is written.
    pub fn span(&self) -> Span {
        match self {
            RootCheck::Route { route, .. } => route.span,
            RootCheck::Urn(urn) => urn.span,
        }
    }
}

/// The outcome expected of a root-key check.
#[derive(Debug)]
pub struct RootCase {
    /// The test's name within its file.
    pub name: String,
    /// The root key.
    pub key: Spanned<String>,
    /// What it asks.
    pub check: RootCheck,
    /// `allow` or `deny`.
    pub expect: Spanned<super::Expect>,
    /// The pinned status of a route's answer.
    pub status: Option<Spanned<u16>>,
    /// Skipped unless ignored cases are asked for.
    pub ignore: bool,
    /// The case's `- ` item in the file.
    pub span: Span,
}

/// Exactly the listed root keys may call the route.
#[derive(Debug)]
pub struct RouteAccess {
    /// The route and its request.
    pub check: RootCheck,
    /// The root keys allowed.
    pub keys: Vec<Spanned<String>>,
    /// The assertion's item in the file.
    pub span: Span,
}
