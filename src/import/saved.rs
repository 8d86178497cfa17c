//! Unkey's state from saved response bodies (`curl ... > keys.json`): each file holds one
//! response, several concatenated, or the bare `data`. An error body is reported as Unkey's
//! error; a page that says more follow (`"hasMore": true`) without a following page makes the
//! import incomplete, which is refused unless the user accepts a partial import.

use super::{KEY_MATERIAL, Origin, UnkeyKey, UnkeyPermission, UnkeyRole, Workspace};
use crate::diagnostic::FileDiagnostic;
use crate::error_code::ErrorCode;
use crate::policy::Source;
use crate::span::Span;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// The response bodies to import, each file as read.
pub struct Responses {
    /// `apis.listKeys` pages and `keys.getKey` bodies.
    pub keys: Vec<Source>,
    /// `permissions.listRoles` pages.
    pub roles: Vec<Source>,
    /// `permissions.listPermissions` pages (optional: the catalog).
    pub permissions: Vec<Source>,
}

/// One response as Unkey writes it: data and pagination, or an error.
#[derive(Deserialize)]
struct Response<'a> {
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(default)]
    pagination: Option<Pagination>,
    #[serde(default)]
    error: Option<UnkeyError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pagination {
    /// Absent or `null`, a page that gives a cursor says more follow.
    #[serde(default)]
    has_more: Option<bool>,
    #[serde(default)]
    cursor: Option<String>,
}

/// The id that a page's cursor names: Unkey's cursor is the id of the first item of the
/// next page (`svc/api/internal/pagination`: the row past the limit).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemId {
    #[serde(default)]
    key_id: Option<String>,
    #[serde(default)]
    id: Option<String>,
}

/// A page given: where it is, the id of its first item, and the page it says follows.
struct Page<'s> {
    source: &'s Source,
    span: Span,
    first: Option<String>,
    next: Option<Option<String>>,
}

/// The problem body of an Unkey error.
#[derive(Debug, Deserialize)]
pub struct UnkeyError {
    /// E.g. "Insufficient Permissions".
    #[serde(default)]
    pub title: String,
    /// What happened, in Unkey's words.
    #[serde(default)]
    pub detail: String,
    /// The HTTP status.
    #[serde(default)]
    pub status: u16,
}

/// `text`, a saved response, with the value of every key-material field (`plaintext`,
/// `key`, `hash`, `secret`) replaced by as many `*` as it has bytes: read this way, no
/// diagnostic that shows the file around an error can print a key, and every offset stays
/// where it was.
pub fn without_key_material(text: &str) -> String {
    let mut masked = text.as_bytes().to_vec();
    for field in KEY_MATERIAL {
        let name = format!("\"{field}\"");
        for (at, _) in text.match_indices(&name) {
            let rest = &text[at + name.len()..];
            let after_colon = rest.trim_start().strip_prefix(':').map(str::trim_start);
            let Some(value) = after_colon.and_then(|value| value.strip_prefix('"')) else {
                continue;
            };
            let start = text.len() - value.len();
            let mut escaped = false;
            for (offset, byte) in value.bytes().enumerate() {
                match byte {
                    b'"' if !escaped => break,
                    b'\\' if !escaped => escaped = true,
                    _ => escaped = false,
                }
                masked[start + offset] = b'*';
            }
        }
    }
    // Only whole characters were replaced, each byte by an ASCII `*`.
    String::from_utf8(masked).unwrap_or_else(|_| "*".repeat(text.len()))
}

/// The workspace the responses describe, read at `read_at`. With `partial`, a missing page is
/// accepted and the workspace marked partial; without, it is an error.
pub fn from_responses(
    responses: &Responses,
    partial: bool,
    read_at: jiff::Timestamp,
) -> Result<Workspace, Vec<FileDiagnostic>> {
    let mut errors = Vec::new();
    let keys = items(&responses.keys, "key", &mut errors);
    let roles = items(&responses.roles, "role", &mut errors);
    let permissions = items(&responses.permissions, "permission", &mut errors);
    let incomplete = keys.incomplete || roles.incomplete || permissions.incomplete;
    if incomplete && !partial {
        errors.extend(
            keys.missing_page
                .iter()
                .chain(&roles.missing_page)
                .chain(&permissions.missing_page)
                .cloned(),
        );
    }
    let keys: Vec<(UnkeyKey, Origin)> = parsed(keys.found, "key", &mut errors)
        .into_iter()
        .map(|(key, source, span)| {
            (
                key,
                Origin {
                    api: None,
                    at: Some((source.clone(), span)),
                },
            )
        })
        .collect();
    let roles: Vec<UnkeyRole> = parsed(roles.found, "role", &mut errors)
        .into_iter()
        .map(|(role, ..)| role)
        .collect();
    let catalog: Vec<UnkeyPermission> = parsed(permissions.found, "permission", &mut errors)
        .into_iter()
        .map(|(permission, ..)| permission)
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Workspace {
        keys,
        roles,
        permissions: (!responses.permissions.is_empty()).then(|| {
            catalog
                .into_iter()
                .map(|permission| permission.slug)
                .collect()
        }),
        apis: Vec::new(),
        partial: incomplete,
        read_at,
    })
}

/// The items of one kind, with their place, and whether a page is missing.
struct Items<'s> {
    found: Vec<(&'s Source, Span, &'s str)>,
    incomplete: bool,
    missing_page: Option<FileDiagnostic>,
}

fn parsed<'s, T: DeserializeOwned>(
    found: Vec<(&'s Source, Span, &'s str)>,
    what: &str,
    errors: &mut Vec<FileDiagnostic>,
) -> Vec<(T, &'s Source, Span)> {
    let mut items = Vec::new();
    for (source, span, text) in found {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize(&mut deserializer) {
            Ok(item) => items.push((item, source, span)),
            Err(error) => {
                let field = match error.path().to_string().as_str() {
                    "." => String::new(),
                    path => format!("`{path}`: "),
                };
                let help = match looks_like(text) {
                    Some((kind, flag)) if kind != what => format!(
                        "this looks like a {kind}: pass its file with `{flag}`; \
                         docs/cli.md (Importing saved responses) shows each file"
                    ),
                    _ => "pass the JSON body that Unkey's v2 API returns; docs/cli.md \
                          (Importing saved responses) shows each file"
                        .to_owned(),
                };
                errors.push(
                    FileDiagnostic::at(
                        ErrorCode::ImportShape,
                        source,
                        span,
                        format!(
                            "this is not a {what}: {field}{}",
                            without_position(error.inner())
                        ),
                        format!("not a {what}"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    items
}

/// Which response an item seems to come from, by the fields only it has, and the flag
/// that takes its file.
fn looks_like(item: &str) -> Option<(&'static str, &'static str)> {
    let item: serde_json::Map<String, serde_json::Value> = serde_json::from_str(item).ok()?;
    let role_like = item
        .get("permissions")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|permissions| permissions.iter().any(serde_json::Value::is_object));
    if item.contains_key("keyId") {
        Some(("key", "--keys"))
    } else if role_like {
        Some(("role", "--roles"))
    } else if item.contains_key("slug") {
        Some(("permission", "--permissions"))
    } else {
        None
    }
}

/// Every item of every response in `sources`, with its span; errors for empty files,
/// malformed JSON and error bodies.
fn items<'s>(sources: &'s [Source], what: &str, errors: &mut Vec<FileDiagnostic>) -> Items<'s> {
    let mut items = Items {
        found: Vec::new(),
        incomplete: false,
        missing_page: None,
    };
    let mut pages: Vec<Page<'s>> = Vec::new();
    for source in sources {
        if source.text().trim().is_empty() {
            errors.push(
                FileDiagnostic::at(
                    ErrorCode::ImportEmpty,
                    source,
                    Span::default(),
                    format!("`{}` is empty: it holds no {what} response", source.name()),
                    "nothing here",
                )
                .with_help("save the response body again; an empty file may be a failed download"),
            );
            continue;
        }
        read_responses(source, &mut items, &mut pages, errors);
    }
    items.missing_page = missing_page(&pages, what);
    items.incomplete = items.missing_page.is_some();
    items
}

/// The items of every response saved in `source`, and its pages; an error body or JSON
/// that does not parse is an error.
fn read_responses<'s>(
    source: &'s Source,
    items: &mut Items<'s>,
    pages: &mut Vec<Page<'s>>,
    errors: &mut Vec<FileDiagnostic>,
) {
    let text = source.text();
    let stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    for value in stream {
        let value = match value {
            Ok(value) => value,
            Err(error) => {
                errors.push(json_error(source, &error));
                break;
            }
        };
        let span = span_in(text, value.get());
        let data = match serde_json::from_str::<Response>(value.get()) {
            Ok(Response {
                error: Some(error), ..
            }) => {
                errors.push(unkey_error(source, span, &error));
                continue;
            }
            Ok(Response {
                data: Some(data),
                pagination,
                ..
            }) => {
                let first = serde_json::from_str::<Vec<ItemId>>(data.get())
                    .ok()
                    .and_then(|items| items.into_iter().next())
                    .and_then(|item| item.key_id.or(item.id));
                let next = pagination
                    .filter(|pagination| {
                        (pagination.has_more).unwrap_or(pagination.cursor.is_some())
                    })
                    .map(|pagination| pagination.cursor);
                pages.push(Page {
                    source,
                    span,
                    first,
                    next,
                });
                data
            }
            _ => value,
        };
        match serde_json::from_str::<Vec<&RawValue>>(data.get()) {
            Ok(list) => items.found.extend(
                list.into_iter()
                    .map(|item| (source, span_in(text, item.get()), item.get())),
            ),
            Err(_) => items
                .found
                .push((source, span_in(text, data.get()), data.get())),
        }
    }
}

/// Every page that says more follow must be followed by a page given: the one whose first
/// item its cursor names. The error of the first that is not, last or in the middle.
fn missing_page(pages: &[Page<'_>], what: &str) -> Option<FileDiagnostic> {
    let firsts: std::collections::HashSet<&str> = pages
        .iter()
        .filter_map(|page| page.first.as_deref())
        .collect();
    let page = pages.iter().find(|page| match &page.next {
        None => false,
        Some(Some(cursor)) => !firsts.contains(cursor.as_str()),
        Some(None) => true,
    })?;
    let cursor = match &page.next {
        Some(Some(cursor)) => format!(" (the page that starts at `{cursor}`)"),
        _ => String::new(),
    };
    Some(
        FileDiagnostic::at(
            ErrorCode::ImportIncomplete,
            page.source,
            page.span,
            format!(
                "this {what} page says more follow (`\"hasMore\": true`), but the next page \
                 was not given{cursor}"
            ),
            "more follow this page",
        )
        .with_help(
            "fetch the following pages (send `pagination.cursor` back as `cursor`), or pass \
             `--partial` to write an import marked incomplete",
        ),
    )
}

/// The span of `part`, a slice of `text`.
fn span_in(text: &str, part: &str) -> Span {
    let start = part.as_ptr() as usize - text.as_ptr() as usize;
    Span::new(start, start + part.len())
}

fn unkey_error(source: &Source, span: Span, error: &UnkeyError) -> FileDiagnostic {
    FileDiagnostic::at(
        ErrorCode::ImportUnkeyError,
        source,
        span,
        format!(
            "this is Unkey's error {} ({}), not a response with data: {}",
            error.status, error.title, error.detail
        ),
        "an error body",
    )
    .with_help(
        "fix what Unkey reports (often the root key's permissions) and fetch the response again",
    )
}

fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned()
}

fn json_error(source: &Source, error: &serde_json::Error) -> FileDiagnostic {
    let offset = source.offset_of(error.line(), error.column());
    FileDiagnostic::at(
        ErrorCode::ImportJson,
        source,
        Span::new(offset, offset),
        format!("invalid JSON: {}", without_position(error)),
        "here",
    )
    .with_help("pass the response body exactly as Unkey returned it")
}
