//! `permspec import unkey`: a policy file from the state of an Unkey workspace, read from
//! its v2 API ([`live`]) or from saved response bodies ([`from_responses`]), so that a team
//! can lint and test the access it actually runs.
//!
//! The policy is faithful to Unkey's model:
//! - a key's `permissions` in Unkey's API are the union of its direct permissions and those
//!   its roles give (in random order); the policy's direct grants are that union minus what
//!   the key's roles give;
//! - `enabled`, `expires` (milliseconds, written as RFC 3339) and the keyId are kept;
//! - `now:` is the time of the import, and `semantics: literal`, because Unkey's engine
//!   matches permission slugs literally (`documents.*` is a slug, not a wildcard);
//! - the catalog comes from `permissions.listPermissions`;
//! - keys are named by `name` (else keyId); keys that share a name get `name (keyId)`;
//! - key material (`plaintext` and the like) is never written; the fields permspec does not
//!   model (identity, ratelimits, credits, meta) are summarised in one warning.
//!
//! ```
//! use permspec::import::{Responses, from_responses, policy};
//! use permspec::policy::Source;
//! use std::path::Path;
//!
//! let keys = Source::new(Path::new("keys.json"), r#"{"data": [
//!     {"keyId": "key_1", "name": "ci", "enabled": true, "roles": ["reader"],
//!      "permissions": ["documents.read"]}
//! ], "pagination": {"hasMore": false}}"#.to_owned());
//! let roles = Source::new(Path::new("roles.json"), r#"{"data": [
//!     {"id": "role_1", "name": "reader", "permissions": [{"id": "perm_1", "name": "read", "slug": "documents.read"}]}
//! ]}"#.to_owned());
//! let responses = Responses { keys: vec![keys], roles: vec![roles], permissions: vec![] };
//! let workspace = from_responses(&responses, false, jiff::Timestamp::UNIX_EPOCH).unwrap();
//! let imported = policy(&workspace).unwrap();
//! assert!(imported.yaml.contains("ci:"));
//! assert!(!imported.yaml.contains("permissions: [documents.read]"), "the role gives it");
//! ```

pub mod drift;
#[cfg(feature = "import-live")]
pub mod live;
mod saved;

pub use saved::{Responses, from_responses, without_key_material};

use crate::diagnostic::FileDiagnostic;
use crate::error_code::ErrorCode;
use crate::policy::Source;
use crate::span::Span;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Fields of a key that hold key material: never written, reported when present.
const KEY_MATERIAL: [&str; 4] = ["plaintext", "key", "hash", "secret"];
/// Fields of a key that permspec does not model: dropped, summarised in one warning.
const NOT_MODELLED: [&str; 4] = ["identity", "ratelimits", "credits", "meta"];

/// A key as Unkey's v2 API returns it (`KeyResponseData`).
#[derive(Clone, Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "a key object with a `keyId`, as `apis.listKeys` returns"
)]
pub struct UnkeyKey {
    key_id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    expires: Option<i64>,
    #[serde(default)]
    permissions: Vec<String>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(flatten)]
    other: serde_json::Map<String, Value>,
}

/// A role as Unkey's v2 API returns it.
#[derive(Debug, Deserialize)]
#[serde(
    expecting = "a role object with a `name` and `permissions`, as `permissions.listRoles` returns"
)]
pub struct UnkeyRole {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    permissions: Vec<UnkeyPermission>,
}

/// A permission as Unkey's v2 API returns it.
#[derive(Debug, Deserialize)]
#[serde(expecting = "a permission object with a `slug`, as `permissions.listPermissions` returns")]
pub struct UnkeyPermission {
    slug: String,
}

/// Where a key was read: the API it belongs to (when known) and the response that holds it.
#[derive(Debug, Default)]
pub struct Origin {
    /// The API id.
    pub api: Option<String>,
    /// The saved response and the key's span in it.
    pub at: Option<(Source, Span)>,
}

/// The state of a workspace as read from Unkey.
#[derive(Debug)]
pub struct Workspace {
    /// Every key, with where it was read.
    pub keys: Vec<(UnkeyKey, Origin)>,
    /// Every role.
    pub roles: Vec<UnkeyRole>,
    /// The permission catalog (`permissions.listPermissions`), if it was read.
    pub permissions: Option<Vec<String>>,
    /// The APIs the keys were listed from, when known.
    pub apis: Vec<String>,
    /// True when a page is missing (the user accepted an incomplete import).
    pub partial: bool,
    /// When the state was read.
    pub read_at: jiff::Timestamp,
}

/// The policy file written from a workspace, what was dropped on the way, and counts.
#[derive(Debug)]
pub struct Imported {
    /// The policy, as YAML.
    pub yaml: String,
    /// Things the user should know: key material dropped, fields not modelled, names made
    /// distinct.
    pub warnings: Vec<String>,
    /// Counts, for `--format json`.
    pub summary: Summary,
}

/// What an import found.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Keys written.
    pub keys: usize,
    /// Roles written.
    pub roles: usize,
    /// Catalog permissions written.
    pub permissions: usize,
    /// The APIs read.
    pub apis: Vec<String>,
    /// True when the import is incomplete.
    pub partial: bool,
}

impl Summary {
    /// What was written, in words: `1 key, 2 roles, 0 catalog permissions`.
    pub fn counts(&self) -> String {
        let count = |n: usize, word: &str| format!("{n} {word}{}", plural(n));
        format!(
            "{}, {}, {}",
            count(self.keys, "key"),
            count(self.roles, "role"),
            count(self.permissions, "catalog permission")
        )
    }
}

#[derive(Serialize)]
struct PolicyOut {
    version: u32,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial: bool,
    semantics: &'static str,
    now: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions: Option<Vec<String>>,
    roles: IndexMap<String, RoleOut>,
    keys: IndexMap<String, KeyOut>,
}

#[derive(Serialize)]
struct RoleOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    permissions: Vec<String>,
}

#[derive(Serialize)]
struct KeyOut {
    description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    permissions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
}

/// Writes the policy `workspace` describes; every problem found is returned.
pub fn policy(workspace: &Workspace) -> Result<Imported, Vec<FileDiagnostic>> {
    let mut warnings = Vec::new();
    let roles_out = roles_out(workspace, &mut warnings);
    let merged = merged_keys(&workspace.keys, &mut warnings);
    let mut errors = Vec::new();
    let mut dropped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unique = Vec::new();
    for (key, origin) in &merged {
        for field in KEY_MATERIAL
            .iter()
            .filter(|field| key.other.contains_key(**field))
        {
            warnings.push(format!(
                "dropped `{field}` of key `{}`: permspec never writes key material",
                key.key_id
            ));
        }
        for field in NOT_MODELLED
            .iter()
            .filter(|field| key.other.contains_key(**field))
        {
            *dropped.entry(field).or_default() += 1;
        }
        match key_out(key, origin, &roles_out) {
            Ok(out) => unique.push((key, out)),
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if !dropped.is_empty() {
        let fields: Vec<String> = dropped
            .iter()
            .map(|(field, count)| format!("`{field}` ({count} key{})", plural(*count)))
            .collect();
        warnings.push(format!(
            "dropped {}: permspec models permissions, roles, `enabled` and `expires` only",
            fields.join(", ")
        ));
    }
    let names = key_names(unique.iter().map(|(key, _)| *key), &mut warnings);
    let mut keys_out: IndexMap<String, KeyOut> = unique
        .into_iter()
        .zip(names)
        .map(|((_, out), name)| (name, out))
        .collect();
    keys_out.sort_keys();

    let read_at = workspace.read_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let out = PolicyOut {
        version: 1,
        partial: workspace.partial,
        semantics: "literal",
        now: read_at.clone(),
        permissions: workspace
            .permissions
            .as_ref()
            .map(|slugs| sorted(slugs.iter().cloned())),
        roles: roles_out,
        keys: keys_out,
    };
    let summary = Summary {
        keys: out.keys.len(),
        roles: out.roles.len(),
        permissions: out.permissions.as_ref().map_or(0, Vec::len),
        apis: workspace.apis.clone(),
        partial: workspace.partial,
    };
    let header = header(workspace, &summary, &read_at);
    let yaml = written(&out, &header).map_err(|error| vec![error])?;
    Ok(Imported {
        yaml,
        warnings,
        summary,
    })
}

/// The workspace's roles by name, each once: a role listed twice (a page read twice, or a
/// workspace changing as it is read) holds what either listing gives, the wider reading of
/// its access.
fn roles_out(workspace: &Workspace, warnings: &mut Vec<String>) -> IndexMap<String, RoleOut> {
    let mut roles_out: IndexMap<String, RoleOut> = IndexMap::new();
    for role in &workspace.roles {
        let permissions = sorted(role.permissions.iter().map(|p| p.slug.clone()));
        match roles_out.get_mut(&role.name) {
            None => {
                let description = role.description.clone().filter(|text| !text.is_empty());
                let out = RoleOut {
                    description,
                    permissions,
                };
                roles_out.insert(role.name.clone(), out);
            }
            Some(known) if known.permissions == permissions => warnings.push(format!(
                "role `{}` is listed more than once; it is written once",
                role.name
            )),
            Some(known) => {
                warnings.push(format!(
                    "role `{}` is listed more than once, with different permissions; it is \
                     written with every permission of either listing",
                    role.name
                ));
                known.permissions = sorted(known.permissions.drain(..).chain(permissions));
            }
        }
    }
    roles_out.sort_keys();
    roles_out
}

/// A key as the policy writes it, or why it cannot be: a role the roles read do not list,
/// or an expiry that is no time.
fn key_out(
    key: &UnkeyKey,
    origin: &Origin,
    roles_out: &IndexMap<String, RoleOut>,
) -> Result<KeyOut, FileDiagnostic> {
    if let Some(undeclared) = key.roles.iter().find(|role| !roles_out.contains_key(*role)) {
        return Err(problem(
            origin,
            ErrorCode::ImportUnknownRole,
            format!(
                "key `{}` holds role `{undeclared}`, which the roles read do not list",
                key.key_id
            ),
            "read every page of `permissions.listRoles`: a key's access cannot be known \
             without its roles' permissions",
        ));
    }
    let expires = match key.expires.map(jiff::Timestamp::from_millisecond) {
        None => None,
        Some(Ok(at)) => Some(at.to_string()),
        Some(Err(_)) => {
            return Err(problem(
                origin,
                ErrorCode::ImportShape,
                format!(
                    "key `{}` expires at {} ms since 1970, which is not a representable time",
                    key.key_id,
                    key.expires.unwrap_or_default()
                ),
                "`expires` is a Unix time in milliseconds, as Unkey returns it",
            ));
        }
    };
    // Unkey returns the union of direct and role grants: what no role gives is direct.
    let from_roles: BTreeSet<&str> = key
        .roles
        .iter()
        .flat_map(|role| &roles_out[role].permissions)
        .map(String::as_str)
        .collect();
    let direct = sorted(
        key.permissions
            .iter()
            .filter(|permission| !from_roles.contains(permission.as_str()))
            .cloned(),
    );
    let description = match &origin.api {
        Some(api) => format!("Unkey key {} of API {api}", key.key_id),
        None => format!("Unkey key {}", key.key_id),
    };
    Ok(KeyOut {
        description,
        roles: sorted(key.roles.iter().cloned()),
        permissions: direct,
        enabled: key.enabled.filter(|enabled| !enabled),
        expires,
    })
}

/// The policy as text that permspec reads back exactly: YAML from serde_yaml, or, when a
/// name or permission holds a character its emitter breaks (U+2028 and U+2029, which it
/// writes raw with an indentation after them), the same document in JSON, which is YAML too,
/// with those characters escaped. Either is read back and compared before it is returned.
fn written(out: &PolicyOut, header: &str) -> Result<String, FileDiagnostic> {
    let yaml = serde_yaml::to_string(out).expect("a policy always serializes");
    let yaml = format!("{header}{yaml}");
    if reads_back(out, &yaml) {
        return Ok(yaml);
    }
    let mut json = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut json, EscapingFormatter::default());
    out.serialize(&mut serializer)
        .expect("a policy always serializes");
    let json = String::from_utf8(json).expect("JSON is UTF-8");
    let json = format!("{header}{json}\n");
    if reads_back(out, &json) {
        return Ok(json);
    }
    Err(FileDiagnostic::unreadable(
        "Unkey",
        "the state read cannot be written as a policy that reads back exactly as Unkey \
         returned it (a name or permission permspec cannot represent)"
            .to_owned(),
    )
    .with_code(ErrorCode::ImportRoundTrip))
}

/// Whether `text`, read by permspec, holds exactly the names, grants and states of `out`.
fn reads_back(out: &PolicyOut, text: &str) -> bool {
    let loaded = crate::policy::Loader::default()
        .load_text(std::path::Path::new("imported.yaml"), text.to_owned());
    let Ok(file) = loaded else {
        return false;
    };
    let policy = &file.policy;
    let values = |list: &[crate::policy::Spanned<String>]| -> Vec<String> {
        list.iter().map(|item| item.value.clone()).collect()
    };
    let roles: Vec<(String, Option<String>, Vec<String>)> = policy
        .roles
        .iter()
        .map(|role| {
            let permissions = values(&role.permissions);
            (
                role.name.value.clone(),
                role.description.clone(),
                permissions,
            )
        })
        .collect();
    let wanted_roles: Vec<(String, Option<String>, Vec<String>)> = out
        .roles
        .iter()
        .map(|(name, role)| {
            (
                name.clone(),
                role.description.clone(),
                role.permissions.clone(),
            )
        })
        .collect();
    let keys = policy.keys.iter().map(|key| {
        let expires = key.expires.as_ref().map(|at| at.value.to_string());
        let enabled = (!key.enabled.value).then_some(false);
        let description = key.description.clone().unwrap_or_default();
        let grants = (values(&key.roles), values(&key.permissions));
        (
            key.name.value.clone(),
            description,
            grants,
            enabled,
            expires,
        )
    });
    let wanted_keys = out.keys.iter().map(|(name, key)| {
        let grants = (key.roles.clone(), key.permissions.clone());
        let description = key.description.clone();
        (
            name.clone(),
            description,
            grants,
            key.enabled,
            key.expires.clone(),
        )
    });
    let catalog = policy.catalog.as_deref().map(values);
    catalog == out.permissions && roles == wanted_roles && keys.eq(wanted_keys)
}

/// serde_json's pretty output, with U+2028 and U+2029 escaped: YAML readers of version 1.1
/// take them for line breaks.
#[derive(Default)]
struct EscapingFormatter(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for EscapingFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['\u{2028}', '\u{2029}']) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let separator = rest[at..].chars().next().expect("found");
            write!(writer, "\\u{:04x}", u32::from(separator))?;
            rest = &rest[at + separator.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// The comment at the top of an imported policy: where it came from, what it means.
fn header(workspace: &Workspace, summary: &Summary, read_at: &str) -> String {
    let from = if workspace.apis.is_empty() {
        String::new()
    } else {
        format!(" (APIs {})", workspace.apis.join(", "))
    };
    let mut header = String::new();
    if workspace.partial {
        header.push_str(
            "# PARTIAL IMPORT: some pages of Unkey's responses are missing, so keys, roles or\n\
             # permissions may be missing too. Do not rely on this file as Unkey's state.\n",
        );
    }
    header.push_str(&format!(
        "# Imported from Unkey by `permspec import unkey` at {read_at}{from}:\n\
         # {}.\n\
         # A key's direct `permissions` are the permissions Unkey lists for it minus those its\n\
         # roles give (Unkey's API returns their union).\n\
         # `semantics: literal` is how Unkey's verification engine matches: `documents.*` is a\n\
         # slug like any other. Unkey's docs read `*` as a wildcard (`semantics: wildcard`);\n\
         # `semantics: strict` checks both readings. `now` pins `expires` to the import time.\n\
         # Add cases and `access:` assertions, then run `permspec test` and `permspec lint`.\n",
        summary.counts()
    ));
    header
}

/// A diagnostic about a key: at its place in a saved response, or naming the API it came
/// from.
fn problem(origin: &Origin, code: ErrorCode, message: String, help: &str) -> FileDiagnostic {
    match &origin.at {
        Some((source, span)) => {
            FileDiagnostic::at(code, source, *span, message, "this key").with_help(help)
        }
        None => FileDiagnostic::unreadable(
            origin
                .api
                .as_deref()
                .map_or("Unkey".to_owned(), |api| format!("Unkey API {api}")),
            message,
        )
        .with_code(code)
        .with_help(help),
    }
}

/// Each key once. A key listed more than once (a page read twice, or a workspace changing
/// as it is read) holds what any listing gives, the wider reading of its access: every
/// permission and role, enabled unless every listing disables it, and no expiry unless
/// every listing has one (then the latest). Its name is the first listing's.
fn merged_keys<'w>(
    keys: &'w [(UnkeyKey, Origin)],
    warnings: &mut Vec<String>,
) -> Vec<(UnkeyKey, &'w Origin)> {
    let mut merged: IndexMap<&str, (UnkeyKey, &Origin)> = IndexMap::new();
    for (key, origin) in keys {
        let Some((known, _)) = merged.get_mut(key.key_id.as_str()) else {
            merged.insert(&key.key_id, (key.clone(), origin));
            continue;
        };
        let set = |values: &[String]| values.iter().cloned().collect::<BTreeSet<_>>();
        let same = set(&known.permissions) == set(&key.permissions)
            && set(&known.roles) == set(&key.roles)
            && known.enabled.unwrap_or(true) == key.enabled.unwrap_or(true)
            && known.expires == key.expires
            && known.name == key.name;
        if same {
            warnings.push(format!(
                "key `{}` is listed more than once; it is written once",
                key.key_id
            ));
        } else {
            warnings.push(format!(
                "key `{}` is listed more than once, with different data; it is written with \
                 the access of every listing (every permission and role, enabled if any \
                 listing is, the latest expiry)",
                key.key_id
            ));
        }
        known.permissions = sorted(known.permissions.drain(..).chain(key.permissions.clone()));
        known.roles = sorted(known.roles.drain(..).chain(key.roles.clone()));
        if key.enabled.unwrap_or(true) {
            known.enabled = key.enabled;
        }
        known.expires = known.expires.zip(key.expires).map(|(a, b)| a.max(b));
        for (field, value) in &key.other {
            known
                .other
                .entry(field.clone())
                .or_insert_with(|| value.clone());
        }
    }
    merged.into_values().collect()
}

/// One distinct name per key: its `name`, else its keyId. Keys that share a name are each
/// named `name (keyId)`, whatever order they came in, and each collision is reported.
fn key_names<'k>(
    keys: impl Iterator<Item = &'k UnkeyKey> + Clone,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    // The name exactly as Unkey holds it; a blank one gives way to the keyId.
    let wanted = |key: &UnkeyKey| match key.name.as_deref() {
        Some(name) if !name.trim().is_empty() => name.to_owned(),
        _ => key.key_id.clone(),
    };
    let mut holders: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for key in keys.clone() {
        holders.entry(wanted(key)).or_default().push(&key.key_id);
    }
    for (name, ids) in holders.iter().filter(|(_, ids)| ids.len() > 1) {
        let mut ids = ids.clone();
        ids.sort_unstable();
        warnings.push(format!(
            "{} keys are named `{name}` ({}); each is written as `{name} (keyId)`",
            ids.len(),
            ids.join(", ")
        ));
    }
    let mut taken: BTreeSet<String> = holders
        .iter()
        .filter(|(_, ids)| ids.len() == 1)
        .map(|(name, _)| name.clone())
        .collect();
    keys.map(|key| {
        let name = wanted(key);
        if holders[&name].len() == 1 {
            return name;
        }
        let base = format!("{name} ({})", key.key_id);
        let mut candidate = base.clone();
        let mut counter = 1;
        while !taken.insert(candidate.clone()) {
            counter += 1;
            candidate = format!("{base} {counter}");
        }
        if counter > 1 {
            warnings.push(format!(
                "key `{}` is written as `{candidate}`: `{base}` is another key's name",
                key.key_id
            ));
        }
        candidate
    })
    .collect()
}

fn sorted(values: impl IntoIterator<Item = String>) -> Vec<String> {
    values
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
