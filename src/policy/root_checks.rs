//! The root-key parts of policy files: the workspace id, the APIs and their keyspaces, and
//! the cases and access assertions that name an Unkey route or a URN permission.

use super::model::{Api, Assertion, Check, Pin, Policy, RouteRequest, Spanned, Subject};
use super::nodes::{span_of, spanned_strings};
use super::raw::{Expect, Expectation, RawApi, RawCase, RawParam};
use super::{KeyKind, LoadError, Source};
use crate::error_code::ErrorCode;
use crate::eval::route_call::{Call, CallError};
use crate::eval::routes::{self, Request, RouteError};
use crate::span::Span;
use crate::suggest::did_you_mean;
use crate::yaml::spans::Node;
use indexmap::IndexMap;

/// The workspace id of `workspace: {id: ...}`, checked as Unkey checks a URN's workspace.
pub fn workspace_id(
    source: &Source,
    node: Option<&Node>,
    id: Option<&String>,
) -> Result<Option<Spanned<String>>, LoadError> {
    let Some(id) = id else { return Ok(None) };
    let span = span_of(node.and_then(|node| node.get("id")), Span::default());
    if id.is_empty() || id.contains([':', '#', '/']) || id.contains(char::is_whitespace) {
        return Err(LoadError::at(
            ErrorCode::PolicyInvalidValue,
            source,
            span,
            format!("`{id}` is not a workspace id"),
            "not a workspace id",
        )
        .with_help(
            "a workspace id is non-empty, without `:`, `#`, `/` or spaces, e.g. `ws_1234`",
        ));
    }
    Ok(Some(Spanned {
        value: id.clone(),
        span,
    }))
}

/// The APIs of `apis:` with their keyspaces.
pub fn apis(
    source: &Source,
    node: Option<&Node>,
    raw: &IndexMap<String, RawApi>,
) -> Result<Vec<Api>, LoadError> {
    raw.iter()
        .map(|(id, api)| {
            let id_span = node.and_then(|node| node.key_span(id)).unwrap_or_default();
            let keyspace_span = span_of(
                node.and_then(|node| node.get(id))
                    .and_then(|api| api.get("keyspace")),
                id_span,
            );
            for (value, span) in [(id, id_span), (&api.keyspace, keyspace_span)] {
                if !is_id(value) {
                    return Err(LoadError::at(
                        ErrorCode::PolicyInvalidValue,
                        source,
                        span,
                        format!("`{value}` is not an Unkey id"),
                        "not an id",
                    )
                    .with_help("ids are non-empty and made of letters, digits, `_` and `-`"));
                }
            }
            Ok(Api {
                id: Spanned {
                    value: id.clone(),
                    span: id_span,
                },
                keyspace: Spanned {
                    value: api.keyspace.clone(),
                    span: keyspace_span,
                },
            })
        })
        .collect()
}

fn is_id(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// What a case or an access assertion writes about a root-key check.
pub struct Written<'a> {
    /// The case's or assertion's item.
    pub item: Option<&'a Node>,
    /// `route:`, if any.
    pub route: Option<&'a String>,
    /// `params:`.
    pub params: &'a IndexMap<String, RawParam>,
    /// `urn:`, if any.
    pub urn: Option<&'a String>,
}

/// The subject that `written` describes, with the route's request completed from the
/// policy's workspace and APIs and checked against the route table.
pub fn subject(
    source: &Source,
    policy: &Policy,
    written: &Written<'_>,
) -> Result<Subject, LoadError> {
    let field = |name: &str| written.item.and_then(|item| item.get(name));
    let item_span = span_of(written.item, Span::default());
    if let Some(urn) = written.urn {
        if !written.params.is_empty() {
            return Err(LoadError::at(
                ErrorCode::PolicyInvalidValue,
                source,
                span_of(field("params"), item_span),
                "`params` go with `route`, not with `urn`",
                "params of no route",
            )
            .with_help("write the ids into the URN, or name a `route`"));
        }
        return Ok(Subject::Urn(Spanned {
            value: urn.clone(),
            span: span_of(field("urn"), item_span),
        }));
    }
    let name = written.route.expect("a route or a URN");
    let route_span = span_of(field("route"), item_span);
    let params_span = span_of(field("params"), route_span);
    let at_route = |message: String, label: &str| {
        LoadError::at(
            ErrorCode::PolicyUnknownRoute,
            source,
            route_span,
            message,
            label,
        )
    };
    let route = routes::table().get(name).map_err(|error| match error {
        RouteError::UnknownRoute { hint, .. } => {
            at_route(format!("no Unkey route `{name}`"), "unknown route")
                .with_help(hint.unwrap_or_else(|| "`permspec routes` lists the routes".to_owned()))
        }
        other => at_route(other.to_string(), "here"),
    })?;
    let pairs = completed_params(
        policy,
        written
            .params
            .iter()
            .map(|(name, value)| (name.clone(), value.text()))
            .collect(),
    );
    if let Some(why) = contradiction(policy, &pairs) {
        return Err(LoadError::at(
            ErrorCode::PolicyInvalidRequest,
            source,
            params_span,
            why,
            "contradicts the policy",
        )
        .with_help("leave the param out: permspec takes it from the policy"));
    }
    let request = Request::build(route, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .and_then(|request| route.stages(&request).map(|_| request))
        .map_err(|error| request_error(source, policy, written, params_span, &error))?;
    let shown: Vec<String> = written
        .params
        .iter()
        .map(|(name, value)| format!("{name}={}", value.text()))
        .collect();
    Ok(Subject::Route(Box::new(RouteRequest {
        route: Spanned {
            value: name.clone(),
            span: route_span,
        },
        request,
        written: shown.join(", "),
    })))
}

/// A root key's `uses:` entry as a call, its workspace and an API's keyspace filled in from
/// the policy; `earlier` are the entries before it, for a repeated one.
pub(crate) fn declared_use(
    source: &Source,
    workspace: Option<&Spanned<String>>,
    apis: &[Api],
    text: &Spanned<String>,
    earlier: &[String],
) -> Result<Spanned<Call>, LoadError> {
    let at = |(message, label, help): (String, &str, &str)| {
        LoadError::at(
            ErrorCode::PolicyInvalidUse,
            source,
            text.span,
            message,
            label,
        )
        .with_help(help.to_owned())
    };
    if earlier.contains(&text.value) {
        return Err(at((
            format!("`{}` is listed twice", text.value),
            "repeated",
            "list each call once",
        )));
    }
    let defaults: Vec<(String, String)> = workspace
        .map(|id| ("workspaceId".to_owned(), id.value.clone()))
        .into_iter()
        .collect();
    let call = completed_call(&text.value, &defaults, apis)
        .map_err(|error| at(use_error(&error, workspace.is_some())))?;
    if let Some(contradiction) = foreign_use(&call, workspace, apis) {
        return Err(at(contradiction));
    }
    Ok(Spanned {
        value: call,
        span: text.span,
    })
}

/// The call `text`, completed from `defaults` and, for an API `apis:` declares, with the
/// keyspace it gives (as Unkey looks it up).
pub fn completed_call(
    text: &str,
    defaults: &[(String, String)],
    apis: &[Api],
) -> Result<Call, CallError> {
    let (name, pairs) = Call::split(text)?;
    let api = pairs.iter().find(|(param, _)| param == "apiId");
    let declared = api.and_then(|(_, api)| apis.iter().find(|declared| declared.id.value == *api));
    let mut defaults = defaults.to_vec();
    if let Some(declared) = declared {
        defaults.push(("keyAuthId".to_owned(), declared.keyspace.value.clone()));
    }
    Call::new(name, pairs, &defaults)
}

/// The message, label and help of a `uses:` entry that is no call.
fn use_error(error: &CallError, has_workspace: bool) -> (String, &'static str, &'static str) {
    let help = match error {
        CallError::Missing { params, .. } if params.iter().any(|param| param == "keyAuthId") => {
            "write the ids into the call (`keyAuthId=ks_1`), `*` for every id, or declare the \
             API's keyspace under `apis:`"
        }
        CallError::Missing { .. } if !has_workspace => {
            "declare `workspace: {id: ws_...}`, or write the ids into the call (`*` for every id)"
        }
        CallError::Missing { .. } => {
            "write the ids into the call: `route(name=value, ...)`, `*` for every id"
        }
        _ => {
            return (
                error.to_string(),
                "no such call",
                "write `route` or `route(name=value, ...)`; `permspec routes ROUTE` lists a \
                 route's params and options",
            );
        }
    };
    (error.to_string(), "incomplete call", help)
}

/// Why a `uses:` call names another workspace or keyspace than the policy's, if it does.
fn foreign_use(
    call: &Call,
    workspace: Option<&Spanned<String>>,
    apis: &[Api],
) -> Option<(String, &'static str, &'static str)> {
    if let (Some(given), Some(declared)) = (call.request.value("workspaceId"), workspace)
        && given != declared.value
    {
        return Some((
            format!(
                "`workspaceId={given}` is not the root keys' workspace `{}`",
                declared.value
            ),
            "another workspace",
            "a root key calls in its own workspace: leave `workspaceId` out",
        ));
    }
    let (api, keyspace) = (
        call.request.value("apiId")?,
        call.request.value("keyAuthId")?,
    );
    let declared = apis.iter().find(|declared| declared.id.value == api)?;
    (declared.keyspace.value != keyspace).then(|| {
        (
            format!(
                "`keyAuthId={keyspace}` is not the keyspace of `{api}`, which `apis:` gives as `{}`",
                declared.keyspace.value
            ),
            "another keyspace",
            "leave `keyAuthId` out: permspec takes it from `apis:`, as Unkey looks it up",
        )
    })
}

/// Why `pairs` contradict `policy`, if they do: a request cannot choose its workspace (a
/// root key calls in its own) or the keyspace of an API (Unkey looks it up), so a
/// `workspaceId` other than `workspace.id`, or a `keyAuthId` other than the keyspace `apis:`
/// gives the API, would test a request Unkey never sees.
pub fn contradiction(policy: &Policy, pairs: &[(String, String)]) -> Option<String> {
    let value = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, v)| v);
    if let (Some(given), Some(declared)) = (value("workspaceId"), &policy.workspace_id)
        && *given != declared.value
    {
        return Some(format!(
            "`workspaceId: {given}` is not the root keys' workspace `{}`: a root key calls \
             in its own workspace",
            declared.value
        ));
    }
    let (api, keyspace) = (value("apiId")?, value("keyAuthId")?);
    let declared = policy
        .apis
        .iter()
        .find(|declared| declared.id.value == *api)?;
    (declared.keyspace.value != *keyspace).then(|| {
        format!(
            "`keyAuthId: {keyspace}` is not the keyspace of `{api}`, which `apis:` gives as \
             `{}`: Unkey looks the keyspace up from the API",
            declared.keyspace.value
        )
    })
}

/// A route request's params, completed from `policy` where they are not given: the
/// workspace's id, and the keyspace of the API named (Unkey's URN checks name the keyspace).
pub fn completed_params(
    policy: &Policy,
    mut pairs: Vec<(String, String)>,
) -> Vec<(String, String)> {
    let given = |pairs: &[(String, String)], name: &str| pairs.iter().any(|(key, _)| key == name);
    if !given(&pairs, "workspaceId")
        && let Some(id) = &policy.workspace_id
    {
        pairs.push(("workspaceId".to_owned(), id.value.clone()));
    }
    let api = pairs
        .iter()
        .find(|(key, _)| key == "apiId")
        .map(|(_, value)| value.clone());
    if !given(&pairs, "keyAuthId")
        && let Some(api) = api.as_deref()
        && let Some(declared) = policy.apis.iter().find(|declared| declared.id.value == api)
    {
        pairs.push(("keyAuthId".to_owned(), declared.keyspace.value.clone()));
    }
    pairs
}

/// A request the route refuses, at the param it names, with how to complete it.
fn request_error(
    source: &Source,
    policy: &Policy,
    written: &Written<'_>,
    params_span: Span,
    error: &RouteError,
) -> LoadError {
    let params = written.item.and_then(|item| item.get("params"));
    let at_param = |name: &str| params.and_then(|params| params.key_span(name));
    let (span, help) = match error {
        RouteError::MissingParam { param, .. } if param == "workspaceId" => (
            params_span,
            "declare `workspace: {id: ws_...}`, or give `workspaceId` in `params`".to_owned(),
        ),
        RouteError::MissingParam { param, .. } if param == "keyAuthId" => {
            let api = written.params.get("apiId").map(RawParam::text);
            let declared = policy.apis.iter().map(|api| api.id.value.as_str());
            let help = match &api {
                Some(api) => format!(
                    "declare the keyspace of `{api}` under `apis:` ({}), or give `keyAuthId`",
                    did_you_mean(api, declared)
                        .unwrap_or_else(|| format!("`apis: {{{api}: {{keyspace: ks_...}}}}`"))
                ),
                None => "give `apiId` and declare its keyspace under `apis:`, or give \
                         `keyAuthId`"
                    .to_owned(),
            };
            (params_span, help)
        }
        RouteError::MissingParam { param, .. } => {
            (params_span, format!("add `{param}: ...` to `params`"))
        }
        RouteError::UnknownParam { name, hint } => (
            at_param(name).unwrap_or(params_span),
            hint.clone()
                .unwrap_or_else(|| format!("the params are {}", routes::PARAMS.join(", "))),
        ),
        RouteError::BadValue { param, .. } | RouteError::BadOption { option: param, .. } => (
            at_param(param).unwrap_or(params_span),
            "ids are strings of letters, digits, `_` and `-`; options are `true` or `false`"
                .to_owned(),
        ),
        RouteError::UnknownOption { option, .. } => (
            at_param(option).unwrap_or(params_span),
            "`permspec routes <route>` lists the route's options".to_owned(),
        ),
        RouteError::NeedsOption { options, .. } => (
            params_span,
            format!("set one of {} to `true` in `params`", options.join(", ")),
        ),
        RouteError::UnknownRoute { .. } | RouteError::Repeated { .. } => {
            (params_span, String::new())
        }
    };
    let label = match error {
        RouteError::MissingParam { param, .. } => format!("no `{param}`"),
        RouteError::UnknownParam { .. } => "unknown param".to_owned(),
        RouteError::BadValue { .. } => "not an id".to_owned(),
        RouteError::BadOption { .. } => "not `true` or `false`".to_owned(),
        RouteError::UnknownOption { .. } => "no such option".to_owned(),
        RouteError::NeedsOption { .. } => "no option set".to_owned(),
        RouteError::Repeated { .. } => "given twice".to_owned(),
        RouteError::UnknownRoute { .. } => "here".to_owned(),
    };
    LoadError::at(
        ErrorCode::PolicyInvalidRequest,
        source,
        span,
        error.to_string(),
        label,
    )
    .with_help(help)
}

/// The verdict a root-key case expects: `allow` or `deny`, never `error` or one per mode.
pub fn expect(source: &Source, span: Span, expectation: Expectation) -> Result<Expect, LoadError> {
    match expectation {
        Expectation::Same(expect @ (Expect::Allow | Expect::Deny)) => Ok(expect),
        _ => Err(LoadError::at(
            ErrorCode::PolicyInvalidValue,
            source,
            span,
            "a route or URN case expects `allow` or `deny`",
            "not `allow` or `deny`",
        )
        .with_help(
            "root keys are decided by Unkey's engine alone, so one verdict is expected; an \
             invalid required URN is decided (it matches only itself)",
        )),
    }
}

/// The keys a root-key check names must be root keys.
pub fn root_key(source: &Source, policy: &Policy, key: &Spanned<String>) -> Result<(), LoadError> {
    let found = policy
        .keys
        .iter()
        .find(|declared| declared.name.value == key.value);
    match found {
        Some(declared) if declared.kind == KeyKind::Root => Ok(()),
        Some(_) => Err(LoadError::at(
            ErrorCode::PolicyNotARootKey,
            source,
            key.span,
            format!(
                "`{}` is an API key; routes and URN permissions are checked for root keys",
                key.value
            ),
            "an API key",
        )
        .with_help("declare it under `root_keys:`, or check it with `query:`")),
        None => Err(LoadError::at(
            ErrorCode::PolicyUndeclaredKey,
            source,
            key.span,
            format!("undeclared root key `{}`", key.value),
            "no such root key",
        )
        .with_help(
            did_you_mean(
                &key.value,
                policy
                    .keys
                    .iter()
                    .filter(|key| key.kind == KeyKind::Root)
                    .map(|key| key.name.value.as_str()),
            )
            .unwrap_or_else(|| "declare the key under `root_keys:`".to_owned()),
        )),
    }
}

/// The root-key checks of one `cases:` item with `route:` or `urn:`, one per key.
pub fn checks(
    source: &Source,
    policy: &Policy,
    item: Option<&Node>,
    raw: &RawCase,
) -> Result<Vec<Check>, LoadError> {
    let span = span_of(item, Span::default());
    let field = |name: &str| span_of(item.and_then(|item| item.get(name)), span);
    if raw.code.is_some() {
        return Err(LoadError::at(
            ErrorCode::PolicyInvalidValue,
            source,
            field("code"),
            "`code` pins an API key's decision code; a route case pins `status`",
            "not for a root-key case",
        )
        .with_help("remove `code`, or pin `status: 403`"));
    }
    let expect = Spanned {
        value: Expectation::Same(expect(source, field("expect"), raw.expect)?),
        span: field("expect"),
    };
    let status = raw.status.map(|status| Spanned {
        value: status,
        span: field("status"),
    });
    if let Some(status) = &status
        && (raw.route.is_none() || ![200, 400, 403, 404].contains(&status.value))
    {
        return Err(LoadError::at(
            ErrorCode::PolicyInvalidValue,
            source,
            status.span,
            "`status` is 200, 400, 403 or 404, on a route case",
            "not a status a route answers",
        )
        .with_help(
            "Unkey answers 200 when allowed (and keys.verifyKey when it denies, with \
             `valid: false`), 403 when denied and for a disabled or expired root key, 404 \
             where it masks the denial, 400 to a root key on a portal-session route",
        ));
    }
    let written = Written {
        item,
        route: raw.route.as_ref(),
        params: &raw.params,
        urn: raw.urn.as_ref(),
    };
    let subject = subject(source, policy, &written)?;
    let keys = spanned_strings(
        item.and_then(|item| item.get("key")),
        raw.key.values(),
        span,
    );
    let expanded = keys.len() > 1;
    keys.into_iter()
        .map(|key| {
            root_key(source, policy, &key)?;
            let name = raw.name.as_ref().map(|name| match expanded {
                true => format!("{name} [{}: {}]", key.value, subject.describe()).into(),
                false => name.as_str().into(),
            });
            Ok(Check {
                name,
                key: Spanned {
                    value: key.value.into(),
                    span: key.span,
                },
                subject: subject.clone(),
                expect,
                pin: status.map(|status| Spanned {
                    value: Pin::Status(status.value),
                    span: status.span,
                }),
                ignore: raw.ignore,
                span,
            })
        })
        .collect()
}

/// An access assertion on a route.
pub(crate) fn route_assertion(
    source: &Source,
    policy: &Policy,
    written: &Written<'_>,
    keys: Vec<Spanned<String>>,
) -> Result<Assertion, LoadError> {
    for key in &keys {
        root_key(source, policy, key)?;
    }
    Ok(Assertion {
        subject: subject(source, policy, written)?,
        keys,
        span: span_of(written.item, Span::default()),
    })
}
