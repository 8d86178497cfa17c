//! Building the model of a policy from its document: roles, keys, root keys' `uses:`,
//! forbid rules and suppressions, with the references between them checked.

use super::LoadError;
use super::Source;
use super::document::Document;
use super::file_errors::Errors;
use super::model::{Api, ForbidRule, Key, KeyKind, Policy, Role, Spanned, Suppression};
use super::nodes::{span_of, spanned_strings};
use super::raw::{RawKey, RawRootKey, RawSuppression};
use super::root_checks;
use super::time::{invalid_date, parse_time, timestamp};
use crate::error_code::ErrorCode;
use crate::span::Span;
use crate::suggest::did_you_mean;
use crate::yaml::spans::Node;
use std::collections::HashSet;

/// The policy `document` declares, or every independent error in it: a role or key in
/// error is left out, and references to it are not reported again.
pub(super) fn build_policy(document: &Document) -> Result<Policy, LoadError> {
    let Document { source, root, raw } = document;
    let mut errors = Errors::default();
    let roles = build_roles(document, &mut errors);
    let mut keys = build_keys(document, &mut errors);
    undeclared_roles(document, &keys, &mut errors);
    let now = errors
        .kept(timestamp(source, root.get("now"), raw.now.as_deref()))
        .flatten();
    let workspace_id = errors
        .kept(root_checks::workspace_id(
            source,
            root.get("workspace"),
            raw.workspace
                .as_ref()
                .and_then(|workspace| workspace.id.as_ref()),
        ))
        .flatten();
    let apis = errors
        .kept(root_checks::apis(source, root.get("apis"), &raw.apis))
        .unwrap_or_default();
    build_uses(
        document,
        &mut keys,
        workspace_id.as_ref(),
        &apis,
        &mut errors,
    );
    errors.finish()?;
    Ok(Policy {
        source: source.clone(),
        semantics: raw.semantics.unwrap_or_default(),
        now,
        workspace_enabled: raw
            .workspace
            .as_ref()
            .is_none_or(|workspace| workspace.enabled),
        workspace_id,
        apis,
        catalog: raw
            .permissions
            .as_ref()
            .map(|catalog| spanned_strings(root.get("permissions"), catalog, Span::default())),
        roles,
        keys,
        forbid: build_forbid(document),
        partial: raw.partial,
    })
}

/// The roles; one whose suppression is in error is left out (and its error kept).
fn build_roles(document: &Document, errors: &mut Errors) -> Vec<Role> {
    let Document { source, root, raw } = document;
    let roles_node = root.get("roles");
    let mut roles = Vec::new();
    for (name, role) in &raw.roles {
        let node = roles_node.and_then(|roles| roles.get(name));
        let name_span = roles_node
            .and_then(|roles| roles.key_span(name))
            .unwrap_or_default();
        let Some(suppression) = errors.kept(suppression(source, node, role.lint.as_ref())) else {
            continue;
        };
        roles.push(Role {
            name: Spanned {
                value: name.clone(),
                span: name_span,
            },
            description: role.description.clone(),
            permissions: spanned_strings(
                node.and_then(|n| n.get("permissions")),
                &role.permissions,
                name_span,
            ),
            suppression,
        });
    }
    roles
}

/// API keys, then root keys; a name declared as both is an error, and the root key is left
/// out.
fn build_keys(document: &Document, errors: &mut Errors) -> Vec<Key> {
    let Document { source, root, raw } = document;
    let mut keys = Vec::new();
    let keys_node = root.get("keys");
    for (name, key) in &raw.keys {
        let built = build_key(source, keys_node, name, KeyKind::Api, KeyFields::from(key));
        keys.extend(errors.kept(built));
    }
    let root_keys_node = root.get("root_keys");
    for (name, key) in &raw.root_keys {
        if let Some(span) = keys_node.and_then(|keys| keys.key_span(name)) {
            let second = root_keys_node
                .and_then(|n| n.key_span(name))
                .unwrap_or_default();
            errors.push(
                LoadError::at(
                    ErrorCode::PolicyDuplicateKey,
                    source,
                    second,
                    format!("`{name}` is declared both as a key and as a root key"),
                    "root key",
                )
                .with_label(span, "key")
                .with_help("cases name keys by name, so each name must be unique: rename one"),
            );
            continue;
        }
        let built = build_key(
            source,
            root_keys_node,
            name,
            KeyKind::Root,
            KeyFields::from(key),
        );
        keys.extend(errors.kept(built));
    }
    keys
}

/// An error for each role a key holds that `roles:` does not declare. A role left out for
/// its own error is declared all the same: no error for holding it.
fn undeclared_roles(document: &Document, keys: &[Key], errors: &mut Errors) {
    let role_names: HashSet<&str> = document.raw.roles.keys().map(String::as_str).collect();
    for key in keys {
        for role in &key.roles {
            if !role_names.contains(role.value.as_str()) {
                errors.push(
                    LoadError::at(
                        ErrorCode::PolicyUndeclaredRole,
                        &document.source,
                        role.span,
                        format!(
                            "key `{}` holds undeclared role `{}`",
                            key.name.value, role.value
                        ),
                        "no such role",
                    )
                    .with_help(
                        did_you_mean(&role.value, role_names.iter().copied())
                            .unwrap_or_else(|| format!("declare `{}` under `roles:`", role.value)),
                    ),
                );
            }
        }
    }
}

/// The forbid rules, each at its `permission` node.
fn build_forbid(document: &Document) -> Vec<ForbidRule> {
    let forbid_node = document.root.get("forbid");
    (document.raw.forbid.iter().enumerate())
        .map(|(index, rule)| {
            let item = forbid_node.and_then(|list| list.item(index));
            ForbidRule {
                permission: Spanned {
                    value: rule.permission.clone(),
                    span: span_of(
                        item.and_then(|item| item.get("permission")),
                        span_of(item, Span::default()),
                    ),
                },
                reason: rule.reason.clone(),
            }
        })
        .collect()
}

/// The `uses:` of each root key, completed from the policy's workspace and APIs.
fn build_uses(
    document: &Document,
    keys: &mut [Key],
    workspace_id: Option<&Spanned<String>>,
    apis: &[Api],
    errors: &mut Errors,
) {
    let root_keys_node = document.root.get("root_keys");
    for key in keys.iter_mut().filter(|key| key.kind == KeyKind::Root) {
        let Some(raw_key) = document.raw.root_keys.get(&key.name.value) else {
            continue;
        };
        let node = root_keys_node
            .and_then(|keys| keys.get(&key.name.value))
            .and_then(|node| node.get("uses"));
        for (at, text) in spanned_strings(node, &raw_key.uses, key.name.span)
            .into_iter()
            .enumerate()
        {
            let call = root_checks::declared_use(
                &document.source,
                workspace_id,
                apis,
                &text,
                &raw_key.uses[..at],
            );
            key.uses.extend(errors.kept(call));
        }
    }
}

/// The fields API keys and root keys share.
struct KeyFields<'a> {
    description: &'a Option<String>,
    roles: &'a [String],
    permissions: &'a [String],
    enabled: bool,
    expires: &'a Option<String>,
    lint: Option<&'a RawSuppression>,
}

impl<'a> From<&'a RawKey> for KeyFields<'a> {
    fn from(key: &'a RawKey) -> Self {
        KeyFields {
            description: &key.description,
            roles: &key.roles,
            permissions: &key.permissions,
            enabled: key.enabled,
            expires: &key.expires,
            lint: key.lint.as_ref(),
        }
    }
}

impl<'a> From<&'a RawRootKey> for KeyFields<'a> {
    fn from(key: &'a RawRootKey) -> Self {
        KeyFields {
            description: &key.description,
            roles: &[],
            permissions: &key.permissions,
            enabled: key.enabled,
            expires: &key.expires,
            lint: key.lint.as_ref(),
        }
    }
}

/// One key (API or root) of `keys:` or `root_keys:`, its fields checked.
fn build_key(
    source: &Source,
    section: Option<&Node>,
    name: &str,
    kind: KeyKind,
    fields: KeyFields<'_>,
) -> Result<Key, LoadError> {
    let node = section.and_then(|keys| keys.get(name));
    let name_span = section
        .and_then(|keys| keys.key_span(name))
        .unwrap_or_default();
    let field = |field: &str| node.and_then(|node| node.get(field));
    Ok(Key {
        name: Spanned {
            value: name.to_owned(),
            span: name_span,
        },
        kind,
        description: fields.description.clone(),
        roles: spanned_strings(field("roles"), fields.roles, name_span),
        permissions: spanned_strings(field("permissions"), fields.permissions, name_span),
        enabled: Spanned {
            value: fields.enabled,
            span: span_of(field("enabled"), name_span),
        },
        expires: timestamp(source, field("expires"), fields.expires.as_deref())?.map(|value| {
            Spanned {
                value,
                span: span_of(field("expires"), name_span),
            }
        }),
        suppression: suppression(source, node, fields.lint)?,
        uses: Vec::new(),
    })
}

/// A key's or role's `lint:` suppression, its rules and expiry checked.
fn suppression(
    source: &Source,
    owner: Option<&Node>,
    raw: Option<&RawSuppression>,
) -> Result<Option<Suppression>, LoadError> {
    let Some(raw) = raw else { return Ok(None) };
    let node = owner.and_then(|owner| owner.get("lint"));
    let span = span_of(node, Span::default());
    let until_node = node.and_then(|node| node.get("until"));
    let until = match &raw.until {
        None => None,
        Some(text) => Some(Spanned {
            value: parse_time(text)
                .filter(|_| text.len() == 10)
                .map(|at| at.to_zoned(jiff::tz::TimeZone::UTC).date())
                .ok_or_else(|| invalid_date(source, span_of(until_node, span), text))?,
            span: span_of(until_node, span),
        }),
    };
    if raw.reason.trim().is_empty() {
        return Err(LoadError::at(
            ErrorCode::PolicyMissingField,
            source,
            span_of(node.and_then(|node| node.get("reason")), span),
            "a lint suppression needs a reason",
            "empty reason",
        )
        .with_help("say why the finding is acceptable here, for the next reviewer"));
    }
    Ok(Some(Suppression {
        rules: spanned_strings(node.and_then(|node| node.get("allow")), &raw.allow, span),
        reason: raw.reason.clone(),
        until,
        span,
    }))
}
