//! Drift: how a workspace's live state differs from the policy file committed for it, in
//! the terms an import writes: API keys, roles, their grants, `enabled`, `expires` and the
//! catalog. Keys are paired by name, and where the committed description still names the
//! Unkey key id the import wrote (`Unkey key key_…`), by that id too: a name moved to
//! another key is drift, and so is a `semantics` other than the engine's `literal`. The
//! order of keys, roles and grants and the import's `now:` are not drift; the rest of a description, root keys, cases and lint settings are the file's
//! own and not compared.

use crate::policy::{Key, KeyKind, Policy, Role, Spanned};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Every difference between the committed policy and the live one.
#[derive(Debug, Default, Serialize)]
pub struct Drift {
    /// Keys the workspace holds that the file does not, with what they hold.
    pub added_keys: Vec<KeyState>,
    /// Keys the file declares that the workspace no longer holds.
    pub removed_keys: Vec<KeyState>,
    /// Keys in both whose access or state differs.
    pub changed_keys: Vec<KeyDrift>,
    /// Roles the workspace holds that the file does not.
    pub added_roles: Vec<RoleState>,
    /// Roles the file declares that the workspace no longer holds.
    pub removed_roles: Vec<RoleState>,
    /// Roles in both whose permissions differ.
    pub changed_roles: Vec<RoleDrift>,
    /// The catalog's permissions added and removed; `None` when the live read has no
    /// catalog to compare.
    pub catalog: Option<SetDrift>,
    /// The file's `semantics`, then the one the workspace is decided with (Unkey's engine
    /// reads `*` literally), if they differ: the same grants then mean other access.
    pub semantics: Option<(String, String)>,
}

/// A key as one side holds it.
#[derive(Debug, Serialize)]
pub struct KeyState {
    /// Its name.
    pub key: String,
    /// Its roles.
    pub roles: Vec<String>,
    /// Its direct grants.
    pub permissions: Vec<String>,
    /// Where the file declares it (1-based line), for a key the file holds.
    pub line: Option<usize>,
}

/// A role as one side holds it.
#[derive(Debug, Serialize)]
pub struct RoleState {
    /// Its name.
    pub role: String,
    /// Its permissions.
    pub permissions: Vec<String>,
    /// Where the file declares it (1-based line), for a role the file holds.
    pub line: Option<usize>,
}

/// What the workspace holds beside what the file declares, for a set of names.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct SetDrift {
    /// In the workspace, not in the file.
    pub added: Vec<String>,
    /// In the file, not in the workspace.
    pub removed: Vec<String>,
}

/// How a key in both differs.
#[derive(Debug, Serialize)]
pub struct KeyDrift {
    /// Its name.
    pub key: String,
    /// Where the file declares it (1-based line).
    pub line: usize,
    /// Roles added and removed.
    pub roles: SetDrift,
    /// Direct grants added and removed.
    pub permissions: SetDrift,
    /// `enabled` in the file, then in the workspace, if they differ.
    pub enabled: Option<(bool, bool)>,
    /// `expires` in the file, then in the workspace (RFC 3339), if they differ.
    pub expires: Option<(Option<String>, Option<String>)>,
    /// The Unkey key id the file's description names, then the workspace's, if they differ.
    pub key_id: Option<(String, String)>,
}

/// How a role in both differs.
#[derive(Debug, Serialize)]
pub struct RoleDrift {
    /// Its name.
    pub role: String,
    /// Where the file declares it (1-based line).
    pub line: usize,
    /// Permissions added and removed.
    pub permissions: SetDrift,
}

impl Drift {
    /// True when the workspace matches the file.
    pub fn is_empty(&self) -> bool {
        self.added_keys.is_empty()
            && self.removed_keys.is_empty()
            && self.changed_keys.is_empty()
            && self.added_roles.is_empty()
            && self.removed_roles.is_empty()
            && self.changed_roles.is_empty()
            && self
                .catalog
                .as_ref()
                .is_none_or(|catalog| *catalog == SetDrift::default())
            && self.semantics.is_none()
    }
}

/// How `live`, the policy an import of the workspace writes, differs from `committed`.
pub fn drift(committed: &Policy, live: &Policy) -> Drift {
    let (keys_then, keys_now) = (api_keys(committed), api_keys(live));
    let (roles_then, roles_now) = (by_name(&committed.roles), by_name(&live.roles));
    let line = |spanned: &Spanned<String>| committed.source.line_column(spanned.span.start()).0;
    let mut drift = Drift {
        catalog: live
            .catalog
            .as_ref()
            .map(|catalog| set_drift(committed.catalog.as_deref().unwrap_or_default(), catalog)),
        semantics: (committed.semantics != live.semantics).then(|| {
            let name = |policy: &Policy| policy.semantics.name().to_owned();
            (name(committed), name(live))
        }),
        ..Drift::default()
    };
    for (name, key) in &keys_now {
        match keys_then.get(name) {
            None => drift.added_keys.push(key_state(key, None)),
            Some(then) => drift
                .changed_keys
                .extend(key_drift(then, key, line(&then.name))),
        }
    }
    for (name, key) in &keys_then {
        if !keys_now.contains_key(name) {
            drift
                .removed_keys
                .push(key_state(key, Some(line(&key.name))));
        }
    }
    for (name, role) in &roles_now {
        match roles_then.get(name) {
            None => drift.added_roles.push(role_state(role, None)),
            Some(then) => {
                let permissions = set_drift(&then.permissions, &role.permissions);
                if permissions != SetDrift::default() {
                    drift.changed_roles.push(RoleDrift {
                        role: name.to_string(),
                        line: line(&then.name),
                        permissions,
                    });
                }
            }
        }
    }
    for (name, role) in &roles_then {
        if !roles_now.contains_key(name) {
            drift
                .removed_roles
                .push(role_state(role, Some(line(&role.name))));
        }
    }
    drift
}

/// The API keys of `policy` by name (root keys are the file's own: an import reads none).
fn api_keys(policy: &Policy) -> BTreeMap<&str, &Key> {
    (policy.keys.iter())
        .filter(|key| key.kind == KeyKind::Api)
        .map(|key| (key.name.value.as_str(), key))
        .collect()
}

fn by_name(roles: &[Role]) -> BTreeMap<&str, &Role> {
    (roles.iter())
        .map(|role| (role.name.value.as_str(), role))
        .collect()
}

/// The names in `now` and not in `then`, and the other way round, each sorted once.
fn set_drift(then: &[Spanned<String>], now: &[Spanned<String>]) -> SetDrift {
    let names = |list: &[Spanned<String>]| -> BTreeSet<String> {
        list.iter().map(|item| item.value.clone()).collect()
    };
    let (then, now) = (names(then), names(now));
    SetDrift {
        added: now.difference(&then).cloned().collect(),
        removed: then.difference(&now).cloned().collect(),
    }
}

fn sorted(list: &[Spanned<String>]) -> Vec<String> {
    let set: BTreeSet<&str> = list.iter().map(|item| item.value.as_str()).collect();
    set.into_iter().map(str::to_owned).collect()
}

fn key_state(key: &Key, line: Option<usize>) -> KeyState {
    KeyState {
        key: key.name.value.clone(),
        roles: sorted(&key.roles),
        permissions: sorted(&key.permissions),
        line,
    }
}

fn role_state(role: &Role, line: Option<usize>) -> RoleState {
    RoleState {
        role: role.name.value.clone(),
        permissions: sorted(&role.permissions),
        line,
    }
}

/// How `now` differs from `then`, the same key; `None` if it does not.
fn key_drift(then: &Key, now: &Key, line: usize) -> Option<KeyDrift> {
    let expires = |key: &Key| key.expires.as_ref().map(|at| at.value.to_string());
    let drift = KeyDrift {
        key: now.name.value.clone(),
        line,
        roles: set_drift(&then.roles, &now.roles),
        permissions: set_drift(&then.permissions, &now.permissions),
        enabled: (then.enabled.value != now.enabled.value)
            .then_some((then.enabled.value, now.enabled.value)),
        expires: (expires(then) != expires(now)).then(|| (expires(then), expires(now))),
        key_id: match (
            unkey_key_id(then.description.as_deref()),
            unkey_key_id(now.description.as_deref()),
        ) {
            (Some(then), Some(now)) if then != now => Some((then.to_owned(), now.to_owned())),
            _ => None,
        },
    };
    let unchanged = drift.roles == SetDrift::default()
        && drift.permissions == SetDrift::default()
        && drift.enabled.is_none()
        && drift.expires.is_none()
        && drift.key_id.is_none();
    (!unchanged).then_some(drift)
}

/// The Unkey key id a key's description names as an import writes it (`Unkey key key_…`).
fn unkey_key_id(description: Option<&str>) -> Option<&str> {
    let (_, after) = description?.split_once("Unkey key ")?;
    let id = after
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()?;
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::unkey_key_id;

    #[test]
    fn the_key_id_is_read_from_the_description_as_an_import_writes_it() {
        fn id(text: &str) -> Option<&str> {
            unkey_key_id(Some(text))
        }
        assert_eq!(id("Unkey key key_1 of API api_1"), Some("key_1"));
        assert_eq!(id("Unkey key key_3dH, owned by docs"), Some("key_3dH"));
        assert_eq!(id("the CI bot (Unkey key key_9)"), Some("key_9"));
        assert_eq!(id("the CI bot, reviewed"), None);
        assert_eq!(id("Unkey key "), None);
        assert_eq!(unkey_key_id(None), None);
    }
}
