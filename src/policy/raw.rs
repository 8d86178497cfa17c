//! The policy file format as serde reads it (version 1). Only the loader sees these types;
//! it checks them and attaches spans to build the [`super::Policy`] model.
//!
//! The JSON Schema that `permspec schema` prints is derived from these types, so their doc
//! comments are what editors show.

use crate::eval::{Code, Semantics};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

/// A permspec policy file: a policy (roles, keys, forbid rules), the outcomes expected of it
/// (cases, access assertions), or both.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "permspec policy file, version 1")]
pub struct RawFile {
    /// Format version; must be 1.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// What `*` in a grant means: `wildcard` (Unkey's docs, default), `literal` (Unkey's
    /// engine) or `strict` (both must agree).
    pub semantics: Option<Semantics>,
    /// The clock that `expires` is compared with (RFC 3339 with an offset, or a date for
    /// midnight UTC).
    pub now: Option<String>,
    /// The workspace the keys live in.
    pub workspace: Option<RawWorkspace>,
    /// Set by `permspec import` when pages of Unkey's responses were missing: the file may
    /// lack keys, roles or permissions, and `test` and `lint` say so.
    #[serde(default)]
    pub partial: bool,
    /// Path of the policy file these cases test, relative to this file. A file with
    /// `policy:` holds only cases and access assertions.
    pub policy: Option<String>,
    /// Catalog of every permission the application checks.
    pub permissions: Option<Vec<String>>,
    /// Named bundles of permissions.
    #[serde(default)]
    pub roles: IndexMap<String, RawRole>,
    /// API keys: their roles and direct permissions.
    #[serde(default)]
    pub keys: IndexMap<String, RawKey>,
    /// Unkey root keys: legacy `type.id.action` tuples and URN permissions
    /// (`unkey:v1:<workspace>:<path>#<action>`).
    #[serde(default)]
    pub root_keys: IndexMap<String, RawRootKey>,
    /// The workspace's APIs by id, with the keyspace id each one's keys live in: route
    /// cases may then name an API alone (`apiId`), as Unkey's URN checks name the keyspace.
    #[serde(default)]
    pub apis: IndexMap<String, RawApi>,
    /// Permissions no key may use, whatever it holds: a query that needs one is FORBIDDEN.
    #[serde(default)]
    pub forbid: Vec<RawForbid>,
    /// Expected outcomes of queries for keys.
    #[serde(default)]
    pub cases: Vec<RawCase>,
    /// Who-can assertions: exactly these keys are allowed a query.
    #[serde(default)]
    pub access: Vec<RawAccess>,
}

/// The workspace: its id and state.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWorkspace {
    /// The workspace id (`ws_...`) of the root keys: their URN permissions name it, and
    /// route cases check in it.
    pub id: Option<String>,
    /// `false` makes every case WORKSPACE_DISABLED.
    #[serde(default = "enabled")]
    pub enabled: bool,
}

/// A role: a named bundle of permissions.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    /// What the role is for.
    pub description: Option<String>,
    /// The permissions the role grants (`*` patterns allowed).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Lint findings excused on this role.
    pub lint: Option<RawSuppression>,
}

/// An API key.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKey {
    /// Who or what the key is for.
    pub description: Option<String>,
    /// Roles the key holds.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Permissions granted to the key directly.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// `false`: every case for the key is DISABLED.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// When the key stops working (RFC 3339 with an offset, or a date for midnight UTC).
    pub expires: Option<String>,
    /// Lint findings excused on this key.
    pub lint: Option<RawSuppression>,
}

/// An API of the workspace.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawApi {
    /// The id of the keyspace (`keyAuthId`) that holds the API's keys.
    pub keyspace: String,
}

/// An Unkey root key.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRootKey {
    /// Who or what the root key is for.
    pub description: Option<String>,
    /// Legacy tuples (`api.*.create_key`) and URN permissions
    /// (`unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key`), as Unkey stores them.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// `false`: every case for the key is DISABLED.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// When the key stops working.
    pub expires: Option<String>,
    /// The route calls the key is for: `keys.getKey(keyId=*)`, `keys.createKey`; `*`
    /// stands for every id, and ids the policy knows (workspace, an API's keyspace) are
    /// filled in. Lint flags grants that open more (R009) and calls they do not allow (R010).
    #[serde(default)]
    pub uses: Vec<String>,
    /// Lint findings excused on this key.
    pub lint: Option<RawSuppression>,
}

/// A permission that no key may use.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawForbid {
    /// The prohibited permission, matched like a grant.
    pub permission: String,
    /// Why it is prohibited; shown when a case is FORBIDDEN.
    pub reason: Option<String>,
}

/// A case: the outcome expected of a query for a key.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCase {
    /// The test's name; derived from key and query when absent.
    pub name: Option<String>,
    /// The key, or a list of keys (one case per key and query).
    pub key: OneOrMany,
    /// The query, or a list of queries. A root-key case names a `route` or a `urn`
    /// instead.
    pub query: Option<OneOrMany>,
    /// For root keys: an Unkey API route (`keys.getKey`), decided as its handler decides it.
    pub route: Option<String>,
    /// The route's request values in Unkey's field names (`apiId`, `keyId`, ...) and
    /// options (`decrypt: true`); `workspaceId` defaults to `workspace.id`, and
    /// `keyAuthId` to the keyspace of `apiId` under `apis:`.
    #[serde(default)]
    pub params: IndexMap<String, RawParam>,
    /// For root keys: a required URN permission, decided as Unkey decides a URN leaf.
    pub urn: Option<String>,
    /// `allow`, `deny`, or `error` (the query must be rejected as malformed); or one
    /// verdict per way of matching, `{wildcard: allow, literal: deny}`, to record where
    /// Unkey's docs and its engine disagree. Route and URN cases take `allow` or `deny`.
    pub expect: Expectation,
    /// Pins the exact decision code.
    pub code: Option<Code>,
    /// For a route case: pins the status of the answer (200, also keys.verifyKey's denial;
    /// 403, also for a disabled or expired root key; 404 where Unkey masks a denial; 400 on
    /// a portal-session route).
    pub status: Option<u16>,
    /// Skip the case unless run with `--ignored` or `--include-ignored`.
    #[serde(default)]
    pub ignore: bool,
}

/// One string, or a list of them.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single value.
    One(String),
    /// Several values.
    Many(Vec<String>),
}

impl OneOrMany {
    /// How many values.
    pub fn len(&self) -> usize {
        match self {
            OneOrMany::One(_) => 1,
            OneOrMany::Many(values) => values.len(),
        }
    }
}

/// What a case expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// The decision is VALID.
    Allow,
    /// The decision is any other code.
    Deny,
    /// The query does not parse.
    Error,
}

/// A case's expectation: one verdict, or one per way of matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum Expectation {
    /// The same verdict whatever the semantics.
    Same(Expect),
    /// A verdict per semantics mode.
    PerMode(PerMode),
}

/// One verdict per way of matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerMode {
    /// The verdict under Unkey's documentation (`wildcard`).
    pub wildcard: Expect,
    /// The verdict under Unkey's engine (`literal`).
    pub literal: Expect,
}

impl Expectation {
    /// The verdict expected under `matching` (root keys follow the engine: `literal`).
    pub fn under(self, matching: crate::eval::Matching) -> Expect {
        match (self, matching) {
            (Expectation::Same(expect), _) => expect,
            (Expectation::PerMode(modes), crate::eval::Matching::Wildcard) => modes.wildcard,
            (Expectation::PerMode(modes), _) => modes.literal,
        }
    }

    /// The expectation in words: `allow`, or `wildcard: allow, literal: deny`.
    pub fn describe(self) -> std::borrow::Cow<'static, str> {
        match self {
            Expectation::Same(expect) => expect.word().into(),
            Expectation::PerMode(modes) => {
                let (wildcard, literal) = (modes.wildcard.word(), modes.literal.word());
                format!("wildcard: {wildcard}, literal: {literal}").into()
            }
        }
    }
}

/// Written by hand so that a wrong value is named at `expect` with the choices it has.
impl<'de> Deserialize<'de> for Expectation {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Expectation;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`allow`, `deny`, `error`, or `{wildcard: ..., literal: ...}`")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Expectation, E> {
                use serde::de::IntoDeserializer;
                Expect::deserialize(value.into_deserializer()).map(Expectation::Same)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Expectation, A::Error> {
                PerMode::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Expectation::PerMode)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Expect {
    /// The verdict as written in files.
    pub fn word(self) -> &'static str {
        match self {
            Expect::Allow => "allow",
            Expect::Deny => "deny",
            Expect::Error => "error",
        }
    }
}

/// A who-can assertion.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAccess {
    /// The query.
    pub query: Option<String>,
    /// Instead of a query: an Unkey API route; every other root key must be denied it.
    pub route: Option<String>,
    /// The route's request values and options, as in cases.
    #[serde(default)]
    pub params: IndexMap<String, RawParam>,
    /// Exactly the keys allowed; every other declared key must be denied.
    pub keys: Vec<String>,
}

/// A request value of a route: an id (a string), or an option (`true` or `false`).
#[derive(Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum RawParam {
    /// An id, e.g. `key_123`.
    Id(String),
    /// An option of the route, e.g. `decrypt: true`.
    Option(bool),
}

impl RawParam {
    /// The value as `Request::build` reads it.
    pub fn text(&self) -> String {
        match self {
            RawParam::Id(id) => id.clone(),
            RawParam::Option(set) => set.to_string(),
        }
    }
}

/// Written by hand so that a number is refused where it stands, with the reason.
impl<'de> Deserialize<'de> for RawParam {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RawParam;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "an id as a string (quote ids that look like numbers), or `true`/`false`",
                )
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<RawParam, E> {
                Ok(RawParam::Id(value.to_owned()))
            }

            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<RawParam, E> {
                Ok(RawParam::Option(value))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// An inline lint suppression.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSuppression {
    /// Rules to excuse: codes, code prefixes or names, e.g. `W001`, `W` or
    /// `global-wildcard`.
    pub allow: Vec<String>,
    /// Why the finding is acceptable here; required.
    pub reason: String,
    /// The suppression stops working after this date (YYYY-MM-DD).
    pub until: Option<String>,
}

impl OneOrMany {
    /// The values, one or many.
    pub fn values(&self) -> &[String] {
        match self {
            OneOrMany::One(value) => std::slice::from_ref(value),
            OneOrMany::Many(values) => values,
        }
    }
}

/// Written by hand so that a wrong type says "a string or a list of strings" at the field,
/// rather than serde's "data did not match any variant" at the enclosing case.
impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OneOrMany;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(value.to_owned()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrMany, A::Error> {
                let mut values = Vec::new();
                while let Some(value) = seq.next_element()? {
                    values.push(value);
                }
                Ok(OneOrMany::Many(values))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

fn enabled() -> bool {
    true
}
