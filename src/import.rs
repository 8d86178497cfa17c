//! `permspec import unkey`: a policy file from the JSON bodies of Unkey's v2 API, so that a
//! team can lint and test the state it actually runs.
//!
//! Keys come from `apis.listKeys` or `keys.getKey` (`keyId`, `name`, `enabled`, `expires`,
//! `permissions`, `roles`), roles from `permissions.listRoles` (each role's
//! `permissions[].slug`), the catalog from `permissions.listPermissions`. A file may hold one
//! response, several concatenated, or the bare `data`. Key material is never written: the
//! fields that carry it are dropped with a warning.
//!
//! ```
//! use permspec::import::{Responses, unkey_policy};
//! use permspec::policy::Source;
//! use std::path::Path;
//!
//! let keys = Source::new(Path::new("keys.json"), r#"{"data": [
//!     {"keyId": "key_1", "name": "ci", "enabled": true, "roles": ["reader"], "permissions": []}
//! ]}"#.to_owned());
//! let roles = Source::new(Path::new("roles.json"), r#"{"data": [
//!     {"id": "role_1", "name": "reader", "permissions": [{"id": "perm_1", "name": "read", "slug": "documents.read"}]}
//! ]}"#.to_owned());
//! let imported = unkey_policy(&Responses { keys: vec![keys], roles: vec![roles], permissions: vec![] }).unwrap();
//! assert!(imported.yaml.contains("ci:"));
//! assert!(imported.warnings.is_empty());
//! ```

use crate::diagnostic::FileDiagnostic;
use crate::policy::Source;
use crate::span::Span;
use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;

/// Fields of a key that hold key material: never written, reported when present.
const KEY_MATERIAL: [&str; 4] = ["plaintext", "key", "hash", "secret"];

/// The response bodies to import, each file as read.
pub struct Responses {
    /// `apis.listKeys` pages and `keys.getKey` bodies.
    pub keys: Vec<Source>,
    /// `permissions.listRoles` pages.
    pub roles: Vec<Source>,
    /// `permissions.listPermissions` pages (optional: the catalog).
    pub permissions: Vec<Source>,
}

/// The policy file written from Unkey's state, and what was dropped on the way.
pub struct Imported {
    /// The policy, as YAML.
    pub yaml: String,
    /// Things the user should know: key material dropped, duplicate keys.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnkeyKey {
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

#[derive(Deserialize)]
struct UnkeyRole {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    permissions: Vec<UnkeyPermission>,
}

#[derive(Deserialize)]
struct UnkeyPermission {
    slug: String,
}

#[derive(Serialize)]
struct PolicyOut {
    version: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    permissions: Vec<String>,
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

/// Writes the policy that `responses` describe; every problem found is returned, each
/// pointing into its file.
pub fn unkey_policy(responses: &Responses) -> Result<Imported, Vec<FileDiagnostic>> {
    let mut errors = Vec::new();
    let keys: Vec<(UnkeyKey, &Source, Span)> = items(&responses.keys, "key", &mut errors);
    let roles: Vec<(UnkeyRole, &Source, Span)> = items(&responses.roles, "role", &mut errors);
    let catalog: Vec<(UnkeyPermission, &Source, Span)> =
        items(&responses.permissions, "permission", &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut warnings = Vec::new();
    let mut roles_out: IndexMap<String, RoleOut> = IndexMap::new();
    for (role, _, _) in roles {
        let permissions = sorted(role.permissions.into_iter().map(|p| p.slug));
        roles_out.entry(role.name).or_insert(RoleOut {
            description: role.description.filter(|text| !text.is_empty()),
            permissions,
        });
    }
    roles_out.sort_keys();

    let mut seen_ids = BTreeSet::new();
    let mut unique_keys = Vec::new();
    for (key, source, span) in keys {
        if !seen_ids.insert(key.key_id.clone()) {
            warnings.push(format!(
                "`{}` lists key `{}` more than once; the first is kept",
                source.name(),
                key.key_id
            ));
            continue;
        }
        for field in KEY_MATERIAL.iter().filter(|f| key.other.contains_key(**f)) {
            warnings.push(format!(
                "dropped `{field}` of key `{}` (`{}`): permspec never writes key material",
                key.key_id,
                source.name()
            ));
        }
        for role in &key.roles {
            if !roles_out.contains_key(role) {
                errors.push(
                    FileDiagnostic::at(
                        "import::unknown-role",
                        source,
                        span,
                        format!(
                            "key `{}` holds role `{role}`, which no roles file lists",
                            key.key_id
                        ),
                        "in this response",
                    )
                    .with_help(
                        "pass every page of `permissions.listRoles` with `--roles`; a key's \
                         access cannot be known without its roles' permissions",
                    ),
                );
            }
        }
        let expires = match key.expires.map(jiff::Timestamp::from_millisecond) {
            None => None,
            Some(Ok(at)) => Some(at.to_string()),
            Some(Err(_)) => {
                errors.push(
                    FileDiagnostic::at(
                        "import::shape",
                        source,
                        span,
                        format!(
                            "key `{}` expires at {} ms since 1970, which is not a representable time",
                            key.key_id,
                            key.expires.unwrap_or_default()
                        ),
                        "in this response",
                    )
                    .with_help("`expires` is a Unix time in milliseconds, as Unkey returns it"),
                );
                continue;
            }
        };
        unique_keys.push((key, expires));
    }
    let names = key_names(unique_keys.iter().map(|(key, _)| key), &mut warnings);
    let mut keys_out: IndexMap<String, KeyOut> = IndexMap::new();
    for ((key, expires), name) in unique_keys.into_iter().zip(names) {
        keys_out.insert(
            name,
            KeyOut {
                description: format!("Unkey key {}", key.key_id),
                roles: sorted(key.roles),
                permissions: sorted(key.permissions),
                enabled: key.enabled.filter(|enabled| !enabled),
                expires,
            },
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    keys_out.sort_keys();

    let policy = PolicyOut {
        version: 1,
        permissions: sorted(catalog.into_iter().map(|(p, _, _)| p.slug)),
        roles: roles_out,
        keys: keys_out,
    };
    let body = serde_yaml::to_string(&policy).expect("a policy always serializes");
    let yaml = format!(
        "# Imported from Unkey by `permspec import unkey`: {} keys, {} roles.\n\
         # Add cases and `access:` assertions, then run `permspec test` and `permspec lint`.\n{}",
        policy.keys.len(),
        policy.roles.len(),
        body
    );
    Ok(Imported { yaml, warnings })
}

/// One distinct name per key: its `name`, else its keyId. Keys that share a name are each
/// named `name (keyId)`, whatever order they came in, and each collision is reported.
fn key_names<'k>(
    keys: impl Iterator<Item = &'k UnkeyKey> + Clone,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    let wanted = |key: &UnkeyKey| match key.name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => key.key_id.clone(),
    };
    let mut holders: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
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

/// The items of every response in `sources`: each JSON value in a file is a response
/// (`{"data": ...}`) or bare data, and data is one item or a list of them.
fn items<'s, T: DeserializeOwned>(
    sources: &'s [Source],
    what: &str,
    errors: &mut Vec<FileDiagnostic>,
) -> Vec<(T, &'s Source, Span)> {
    let mut found = Vec::new();
    for source in sources {
        if source.text().trim().is_empty() {
            errors.push(
                FileDiagnostic::at(
                    "import::empty",
                    source,
                    Span::default(),
                    format!("`{}` is empty: it holds no {what} response", source.name()),
                    "nothing here",
                )
                .with_help("save the response body again; an empty file may be a failed download"),
            );
            continue;
        }
        let mut stream = serde_json::Deserializer::from_str(source.text()).into_iter::<Value>();
        loop {
            let start = stream.byte_offset();
            let value = match stream.next() {
                None => break,
                Some(Ok(value)) => value,
                Some(Err(error)) => {
                    errors.push(json_error(source, &error));
                    break;
                }
            };
            let span = Span::new(start, stream.byte_offset());
            let data = match value {
                Value::Object(mut response) if response.contains_key("data") => {
                    response.remove("data").unwrap_or_default()
                }
                other => other,
            };
            let list = match data {
                Value::Array(list) => list,
                single => vec![single],
            };
            for (index, item) in list.into_iter().enumerate() {
                match serde_json::from_value(item) {
                    Ok(item) => found.push((item, source, span)),
                    Err(error) => errors.push(
                        FileDiagnostic::at(
                            "import::shape",
                            source,
                            span,
                            format!(
                                "item {} of this response is not a {what}: {error}",
                                index + 1
                            ),
                            "in this response",
                        )
                        .with_help(
                            "pass the JSON body that Unkey's v2 API returns; see \
                             `permspec import unkey --help` for which response goes where",
                        ),
                    ),
                }
            }
        }
    }
    found
}

fn json_error(source: &Source, error: &serde_json::Error) -> FileDiagnostic {
    let offset = source.offset_of(error.line(), error.column());
    let message = error.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    FileDiagnostic::at(
        "import::json",
        source,
        Span::new(offset, offset),
        format!("invalid JSON: {message}"),
        "here",
    )
    .with_help("pass the response body exactly as Unkey returned it")
}
