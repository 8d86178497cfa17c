//! From a denial Unkey answered to the grant that would have let the call through. Unkey
//! words a 403 as `rbac.Check` does (`Missing permission: '<leaf>'`, or `Missing one of
//! these permissions: <a> or <b>` for an OR), in the problem body its error middleware
//! writes; masked routes answer 404 (`Not Found`), and keys.verifyKey answers 200 with
//! `{valid: false, code: NOT_FOUND}`, which say nothing of the check.

use super::minimal::{Form, MinimalSet, cheapest, minimal};
use super::{OtherCall, also_opens};
use crate::eval::root_query::RootQuery;
use crate::eval::route_call::Call;
use crate::eval::routes::{Check, Denial, Stage};
use serde::Serialize;
use serde_json::Value;

/// The `type` of Unkey's 403 body.
pub(crate) const FORBIDDEN_TYPE: &str =
    "https://unkey.com/docs/errors/unkey/authorization/insufficient_permissions";

/// The longest message of a check, with room: longer details are no check's message.
const MAX_DETAIL: usize = 4096;

/// Most characters of a body's message shown back.
const MAX_SHOWN: usize = 300;

/// What a denial body says, read as Unkey writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// 403 Insufficient Permissions, with its `detail`.
    Forbidden {
        /// The message of the check that failed.
        detail: String,
    },
    /// 404 Not Found, with its `detail`: a real not-found, or a denial the route masks.
    NotFound {
        /// The route's public message.
        detail: String,
    },
    /// keys.verifyKey's HTTP 200 `{valid: false, code: NOT_FOUND}`.
    VerificationNotFound,
}

/// Why a body cannot be read as a denial of the call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DenialError {
    /// Not JSON.
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    /// JSON, but no denial of a root key's grants.
    #[error("{0}")]
    NotADenial(String),
    /// A 403 whose message no check of the call writes.
    #[error(
        "no check of `{call}` writes `{detail}` (Unkey at the route table's commit): were \
         the ids or options of the call others? Its checks write: {expected}"
    )]
    UnknownMessage {
        /// The call.
        call: String,
        /// The body's message.
        detail: String,
        /// The messages its checks write, `; `-separated.
        expected: String,
    },
}

/// What a denial means for the call, and the grants that fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The call.
    pub call: String,
    /// The body, as read.
    pub answer: Answer,
    /// The stage whose check wrote the message (`main`, `decrypt`, ...); `None` when the
    /// body does not say (a masked denial).
    pub stage: Option<String>,
    /// The part of that check that failed, as Unkey writes it.
    pub failed: Option<String>,
    /// What the answer means.
    pub meaning: String,
    /// The grants that pass the failed part, narrowest first: URN form, then legacy form
    /// (none when the answer is no denial).
    pub fixes: Vec<Fixing>,
}

/// Grants that would have let the call through, and what else they open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fixing {
    /// URN or legacy.
    pub form: Form,
    /// The grants to add.
    pub grants: Vec<String>,
    /// The calls they open besides the one denied, beyond what the grants the call's other
    /// stages need open already.
    pub also_opens: Vec<OtherCall>,
    /// Routes with too many ids to compare.
    pub not_compared: Vec<String>,
}

/// Reads `body`, the answer Unkey gave to `call`.
pub fn read(body: &str) -> Result<Answer, DenialError> {
    let value: Value =
        serde_json::from_str(body).map_err(|error| DenialError::NotJson(error.to_string()))?;
    if let Some(error) = value.get("error") {
        let status = error.get("status").and_then(Value::as_u64);
        let detail = (error.get("detail").and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned();
        let kind = error
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return match status {
            Some(403) if kind == FORBIDDEN_TYPE => Ok(Answer::Forbidden { detail }),
            Some(404) => Ok(Answer::NotFound { detail }),
            _ => Err(DenialError::NotADenial(format!(
                "the body is an error with status {} and type `{kind}`, not a denial of the \
                 root key's grants (403 `{FORBIDDEN_TYPE}`, or a masked 404)",
                status.map_or_else(|| "none".to_owned(), |status| status.to_string()),
            ))),
        };
    }
    let data = value.get("data");
    let field = |name: &str| data.and_then(|data| data.get(name));
    match (
        field("valid").and_then(Value::as_bool),
        field("code").and_then(Value::as_str),
    ) {
        (Some(false), Some("NOT_FOUND")) => Ok(Answer::VerificationNotFound),
        (Some(false), Some(code)) => Err(DenialError::NotADenial(format!(
            "keys.verifyKey answered `{code}`: that is the verified key's outcome, not a \
             denial of the root key"
        ))),
        _ => Err(DenialError::NotADenial(
            "the body has neither `error` nor `data.valid: false`".to_owned(),
        )),
    }
}

impl Answer {
    /// The workspace a 403's message names in a URN permission (`unkey:v1:<workspace>:`),
    /// for a call that does not name one.
    pub fn workspace(&self) -> Option<&str> {
        let Answer::Forbidden { detail } = self else {
            return None;
        };
        let (_, rest) = detail.split_once("unkey:v1:")?;
        let (workspace, _) = rest.split_once(':')?;
        let id_like = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        (!workspace.is_empty() && workspace.chars().all(id_like)).then_some(workspace)
    }
}

/// What `answer` means for `call`, and the grants that fix it with what else they open, in
/// `workspace` whose APIs have the keyspaces `pairs` give.
pub fn diagnose(
    call: &Call,
    answer: Answer,
    pairs: &[(&str, &str)],
    workspace: Option<&str>,
) -> Result<Diagnosis, DenialError> {
    // A denial answers one request: a `*` would make the fix a grant for every id.
    if let Some((param, _)) =
        (call.request.values()).find(|(param, _)| call.request.is_any_id(param))
    {
        return Err(DenialError::NotADenial(format!(
            "`{param}=*`: a denial answers one request; give the ids of the call that was denied"
        )));
    }
    let stages = call
        .route
        .stages(&call.request)
        .map_err(|error| DenialError::NotADenial(error.to_string()))?;
    let reading = match &answer {
        Answer::Forbidden { detail } => forbidden(call, &stages, detail)?,
        Answer::NotFound { .. } | Answer::VerificationNotFound => masked(call, &stages, &answer),
    };
    Ok(Diagnosis {
        call: call.to_string(),
        answer,
        stage: reading.stage,
        failed: reading.failed,
        meaning: reading.meaning,
        fixes: fixing(call, reading.fixes, pairs, workspace),
    })
}

/// What an answer says of a call, before its fixes are weighed.
struct Reading {
    stage: Option<String>,
    failed: Option<String>,
    meaning: String,
    fixes: Vec<(Form, Vec<String>)>,
}

/// The stage and check part whose message a 403's `detail` is (a stage that masks its
/// denial never answers 403).
fn forbidden(call: &Call, stages: &[Stage], detail: &str) -> Result<Reading, DenialError> {
    let forbidding = || {
        stages
            .iter()
            .filter(|stage| stage.denied == Denial::Status(403))
    };
    for stage in forbidding() {
        for (message, part) in messages(&stage.check) {
            if !matches(&message, detail) {
                continue;
            }
            let lacks = if message.starts_with("Missing one") {
                "holds none of these permissions, and one would do"
            } else {
                "lacks this permission"
            };
            let mut meaning = format!(
                "the stage `{}` of `{}` failed: the key {lacks}",
                stage.name, call.route.name
            );
            if part != stage.check {
                meaning.push_str(
                    "; it is one part of an AND, whose other parts must pass too \
                     (`permspec grants-for` lists the whole set)",
                );
            }
            return Ok(Reading {
                stage: Some(stage.name.clone()),
                failed: Some(message_part(detail)),
                meaning,
                fixes: fixes(&part),
            });
        }
    }
    let expected: Vec<String> = forbidding()
        .flat_map(|stage| {
            messages(&stage.check)
                .into_iter()
                .map(|(message, _)| message)
        })
        .collect();
    Err(DenialError::UnknownMessage {
        call: call.to_string(),
        detail: clipped(detail),
        expected: if expected.is_empty() {
            "no 403 at all: each of its stages answers a denial as 404".to_owned()
        } else {
            expected.join("; ")
        },
    })
}

/// The stages that answer a denial as `answer` does (a masked 404, or keys.verifyKey's
/// `NOT_FOUND`), and the grants they check; none when the route does not mask this way.
fn masked(call: &Call, stages: &[Stage], answer: &Answer) -> Reading {
    let masking = |stage: &&Stage| {
        matches!(
            (answer, stage.denied),
            (Answer::NotFound { .. }, Denial::Status(404))
                | (Answer::VerificationNotFound, Denial::NotFoundVerification)
        )
    };
    let masked: Vec<&Stage> = stages.iter().filter(masking).collect();
    if masked.is_empty() {
        return Reading {
            stage: None,
            failed: None,
            meaning: format!(
                "`{}` does not mask a denial this way: the answer is a real not-found, not a \
                 missing grant",
                call.route.name
            ),
            fixes: Vec::new(),
        };
    }
    let names: Vec<&str> = masked.iter().map(|stage| stage.name.as_str()).collect();
    let fixes = [Form::Urn, Form::Legacy]
        .into_iter()
        .filter_map(|form| {
            let ways: Option<Vec<_>> = masked
                .iter()
                .map(|stage| cheapest(&stage.check, form))
                .collect();
            let mut grants: Vec<String> =
                ways?.into_iter().flatten().map(|(_, leaf)| leaf).collect();
            grants.dedup();
            Some((form, grants))
        })
        .collect();
    Reading {
        stage: None,
        failed: None,
        meaning: format!(
            "`{}` answers a denial of its stage{} {} this way, exactly as a resource that does \
             not exist: if it exists, the key lacks what those checks ask",
            call.route.name,
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        ),
        fixes,
    }
}

/// Each fix with what it opens beside what the call's other stages need anyway: the key
/// passed them (or would, with the fix), so the fix adds to grants like theirs.
fn fixing(
    call: &Call,
    fixes: Vec<(Form, Vec<String>)>,
    pairs: &[(&str, &str)],
    workspace: Option<&str>,
) -> Vec<Fixing> {
    let call = std::slice::from_ref(call);
    fixes
        .into_iter()
        .map(|(form, grants)| {
            let fix: Vec<&str> = grants.iter().map(String::as_str).collect();
            let needed = minimal(call, form);
            let mut with: Vec<&str> = (needed.iter().flat_map(MinimalSet::texts))
                .filter(|grant| !fix.contains(grant))
                .collect();
            let (before, _) = also_opens(&with, call, pairs, workspace);
            with.extend(&fix);
            let (after, not_compared) = also_opens(&with, call, pairs, workspace);
            Fixing {
                form,
                grants,
                also_opens: after
                    .into_iter()
                    .filter(|other| !before.contains(other))
                    .collect(),
                not_compared,
            }
        })
        .collect()
}

/// The grants that pass `part`, in each form (one entry when both forms agree).
fn fixes(part: &Check) -> Vec<(Form, Vec<String>)> {
    let mut fixes: Vec<(Form, Vec<String>)> = Vec::new();
    for form in [Form::Urn, Form::Legacy] {
        let Some(way) = cheapest(part, form) else {
            continue;
        };
        let grants: Vec<String> = way.into_iter().map(|(_, leaf)| leaf).collect();
        if !fixes.iter().any(|(_, known)| *known == grants) {
            fixes.push((form, grants));
        }
    }
    fixes
}

/// Every message a denial of `check` can carry, with the part of the check that wrote it:
/// a leaf's own, an OR's list of its children, or any child's message of an AND (the first
/// that fails).
fn messages(check: &Check) -> Vec<(String, Check)> {
    match check {
        Check::GrantShaped { first, last } => {
            vec![(
                format!("Missing permission: '{first}.*.{last}'"),
                check.clone(),
            )]
        }
        Check::Tree(tree) => tree_messages(tree),
    }
}

fn tree_messages(tree: &RootQuery) -> Vec<(String, Check)> {
    match tree {
        RootQuery::Tuple(value) | RootQuery::Literal(value) | RootQuery::Urn(value) => vec![(
            format!("Missing permission: '{value}'"),
            Check::Tree(tree.clone()),
        )],
        RootQuery::Or(children) => {
            let listed: Vec<String> = children.iter().map(RootQuery::format).collect();
            vec![(
                format!("Missing one of these permissions: {}", listed.join(" or ")),
                Check::Tree(tree.clone()),
            )]
        }
        RootQuery::And(children) => children.iter().flat_map(tree_messages).collect(),
    }
}

/// `detail`, cut to a length a message can have.
fn clipped(detail: &str) -> String {
    match detail.char_indices().nth(MAX_SHOWN) {
        Some((end, _)) => format!("{}...", &detail[..end]),
        None => detail.to_owned(),
    }
}

/// The permissions a message names: what follows `Missing ...: `.
fn message_part(message: &str) -> String {
    message
        .split_once(": ")
        .map_or(message, |(_, rest)| rest.trim_matches('\''))
        .to_owned()
}

/// Whether Unkey's `detail` is `expected`, where a `*` the call stands for every id may be
/// any id (and the table's own `*` only itself, which an id pattern also matches).
fn matches(expected: &str, detail: &str) -> bool {
    // Unkey's messages are short; a long detail is none of them (and bounds the search).
    if detail.len() > MAX_DETAIL {
        return false;
    }
    let id = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    fn go(expected: &[u8], detail: &[u8], id: &dyn Fn(u8) -> bool) -> bool {
        match expected.split_first() {
            None => detail.is_empty(),
            Some((b'*', rest)) => {
                (detail.first() == Some(&b'*') && go(rest, &detail[1..], id))
                    || (1..=detail.len())
                        .take_while(|&n| id(detail[n - 1]))
                        .any(|n| go(rest, &detail[n..], id))
            }
            Some((c, rest)) => detail.first() == Some(c) && go(rest, &detail[1..], id),
        }
    }
    go(expected.as_bytes(), detail.as_bytes(), &id)
}
