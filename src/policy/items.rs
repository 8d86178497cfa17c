//! From one YAML item of `cases:` or `access:` to the cases or the assertion it stands for,
//! checked against the policy's keys.

use super::LoadError;
use super::Source;
use super::model::{Assertion, Check, Pin, Policy, QueryText, Spanned, Subject};
use super::nodes::{span_of, spanned_strings};
use super::raw::{OneOrMany, RawAccess, RawCase};
use super::root_checks;
use crate::error_code::ErrorCode;
use crate::eval::Code;
use crate::span::Span;
use crate::suggest::did_you_mean;
use crate::yaml::spans::Node;
use compact_str::format_compact;
use rustc_hash::FxHashMap;
use smallvec::{SmallVec, smallvec};
use std::sync::Arc;

/// What a file's cases and assertions are checked against: its policy's keys.
pub(super) struct Checking<'a> {
    pub source: &'a Source,
    pub policy: &'a Arc<Policy>,
    /// The policy's key names, each shared by the checks that name it.
    key_names: FxHashMap<&'a str, Arc<str>>,
}

impl<'a> Checking<'a> {
    /// Checks against the keys of `policy`, declared in `source`.
    pub fn new(source: &'a Source, policy: &'a Arc<Policy>) -> Self {
        Checking {
            source,
            policy,
            key_names: (policy.keys.iter())
                .map(|key| (key.name.value.as_str(), Arc::from(key.name.value.as_str())))
                .collect(),
        }
    }

    /// The key name `name`, shared with the checks that name the same declared key.
    fn shared_key(&self, name: &str) -> Arc<str> {
        self.key_names
            .get(name)
            .map_or_else(|| name.into(), Arc::clone)
    }

    /// An error unless `key` is declared, or the case pins `NOT_FOUND` for an unknown key.
    pub fn key(&self, key: Spanned<&str>, pinned_not_found: bool) -> Result<(), LoadError> {
        if pinned_not_found {
            return Ok(());
        }
        self.known(
            key,
            "declare the key under `keys:`, or pin `code: NOT_FOUND` to test an unknown key",
        )
    }

    /// An error unless `key`, listed by an access assertion, is declared.
    pub fn listed_key(&self, key: Spanned<&str>) -> Result<(), LoadError> {
        self.known(
            key,
            "declare the key under `keys:`, or leave it out of the list",
        )
    }

    /// An error unless `key` is declared, with `otherwise` as the hint when no declared
    /// name is close.
    fn known(&self, key: Spanned<&str>, otherwise: &str) -> Result<(), LoadError> {
        if self.key_names.contains_key(key.value) {
            return Ok(());
        }
        Err(LoadError::at(
            ErrorCode::PolicyUndeclaredKey,
            self.source,
            key.span,
            format!("undeclared key `{}`", key.value),
            "no such key in the policy",
        )
        .with_help(
            did_you_mean(key.value, self.key_names.keys().copied())
                .unwrap_or_else(|| otherwise.to_owned()),
        ))
    }
}

/// The checks of the `cases:` item `index`: one per key and query, route or URN.
pub(super) fn build_case(
    checking: &Checking<'_>,
    index: usize,
    item: Option<&Node>,
    raw_case: &RawCase,
) -> Result<Vec<Check>, LoadError> {
    let source = checking.source;
    one_check(source, index, item, raw_case)?;
    let mut lists = vec![("key", &raw_case.key)];
    lists.extend(raw_case.query.as_ref().map(|query| ("query", query)));
    for (field, values) in lists {
        if values.len() == 0 {
            return Err(LoadError::at(
                ErrorCode::PolicyEmptyList,
                source,
                field_span(item, field),
                format!("`{field}: []` lists nothing, so this case would test nothing"),
                "empty list",
            )
            .with_help(format!("name at least one {field}, or remove the case")));
        }
    }
    let Some(query) = &raw_case.query else {
        return root_checks::checks(source, checking.policy, item, raw_case);
    };
    for (field, given) in [
        ("params", !raw_case.params.is_empty()),
        ("status", raw_case.status.is_some()),
    ] {
        if given {
            return Err(LoadError::at(
                ErrorCode::PolicyInvalidValue,
                source,
                field_span(item, field),
                format!("`{field}` goes with `route`, not with `query`"),
                "of no route",
            )
            .with_help(format!(
                "remove `{field}`, or check a `route` in its own case"
            )));
        }
    }
    let checks = expand_case(checking, item, raw_case, query);
    for check in &checks {
        let pinned_not_found = check
            .pin
            .is_some_and(|pin| pin.value == Pin::Code(Code::NotFound));
        checking.key(check.key.as_str(), pinned_not_found)?;
    }
    Ok(checks)
}

/// The span of `field` of `item`, or of the item where the field is missing.
fn field_span(item: Option<&Node>, field: &str) -> Span {
    span_of(
        item.and_then(|item| item.get(field)),
        span_of(item, Span::default()),
    )
}

/// An error unless the case checks exactly one of a `query`, a `route` and a `urn`.
fn one_check(
    source: &Source,
    index: usize,
    item: Option<&Node>,
    raw_case: &RawCase,
) -> Result<(), LoadError> {
    let checks = [
        raw_case.query.is_some(),
        raw_case.route.is_some(),
        raw_case.urn.is_some(),
    ];
    match checks.iter().filter(|&&given| given).count() {
        0 => Err(LoadError::at(
            ErrorCode::PolicyMissingField,
            source,
            span_of(item, Span::default()),
            format!("cases[{index}]: missing field `query`"),
            "this entry is incomplete",
        )
        .with_help("add `query:`, or for a root key `route:` (with `params:`) or `urn:`")),
        1 => Ok(()),
        _ => {
            let second = ["route", "urn"]
                .into_iter()
                .rfind(|field| item.and_then(|item| item.get(field)).is_some())
                .unwrap_or("route");
            Err(LoadError::at(
                ErrorCode::PolicyInvalidValue,
                source,
                field_span(item, second),
                "a case checks one thing: a `query`, a `route` or a `urn`",
                "a second check",
            )
            .with_help("split it into one case per check"))
        }
    }
}

/// The assertion of the `access:` item `index`.
pub(super) fn build_access(
    checking: &Checking<'_>,
    index: usize,
    item: Option<&Node>,
    assertion: &RawAccess,
) -> Result<Assertion, LoadError> {
    let source = checking.source;
    let keys = spanned_strings(
        item.and_then(|item| item.get("keys")),
        &assertion.keys,
        span_of(item, Span::default()),
    );
    match (&assertion.query, &assertion.route) {
        (Some(query), None) if assertion.params.is_empty() => {
            for key in &keys {
                checking.listed_key(key.as_str())?;
            }
            Ok(Assertion {
                subject: Subject::Query(query_text(
                    source,
                    item.and_then(|item| item.get("query")),
                    query,
                )),
                keys,
                span: span_of(item, Span::default()),
            })
        }
        (None, Some(_)) => {
            let written = root_checks::Written {
                item,
                route: assertion.route.as_ref(),
                params: &assertion.params,
                urn: None,
            };
            root_checks::route_assertion(source, checking.policy, &written, keys)
        }
        _ => Err(LoadError::at(
            ErrorCode::PolicyInvalidValue,
            source,
            span_of(item, Span::default()),
            format!("access[{index}] needs a `query`, or a `route` (with `params`)"),
            "one of them, not both or neither",
        )
        .with_help("an access assertion checks one query or one route")),
    }
}

/// One check per key and query of a case whose `key` or `query` is a list.
fn expand_case<'a>(
    checking: &Checking<'_>,
    item: Option<&'a Node>,
    raw: &'a RawCase,
    query: &'a OneOrMany,
) -> Vec<Check> {
    let span = span_of(item, Span::default());
    let field = |name: &str| item.and_then(|item| item.get(name));
    let values =
        |name: &str, values: &'a OneOrMany| -> SmallVec<[(&'a str, Option<&'a Node>); 1]> {
            let node = field(name);
            match values {
                OneOrMany::One(value) => smallvec![(value.as_str(), node)],
                OneOrMany::Many(values) => values
                    .iter()
                    .enumerate()
                    .map(|(index, value)| {
                        (
                            value.as_str(),
                            node.and_then(|node| node.item(index)).or(node),
                        )
                    })
                    .collect(),
            }
        };
    let keys = values("key", &raw.key);
    let queries = values("query", query);
    let expanded = keys.len() * queries.len() > 1;
    let mut cases = Vec::with_capacity(keys.len() * queries.len());
    for (key, key_node) in &keys {
        for (query, query_node) in &queries {
            let name = raw.name.as_ref().map(|name| match expanded {
                true => format_compact!("{name} [{key}: {query}]"),
                false => name.as_str().into(),
            });
            cases.push(Check {
                name,
                key: Spanned {
                    value: checking.shared_key(key),
                    span: span_of(*key_node, span),
                },
                subject: Subject::Query(query_text(checking.source, *query_node, query)),
                expect: Spanned {
                    value: raw.expect,
                    span: span_of(field("expect"), span),
                },
                pin: raw.code.map(|code| Spanned {
                    value: Pin::Code(code),
                    span: span_of(field("code"), span),
                }),
                ignore: raw.ignore,
                span,
            });
        }
    }
    cases
}

fn query_text(source: &Source, node: Option<&Node>, text: &str) -> QueryText {
    let span = span_of(node, Span::default());
    let written = source.text().get(span.range()).unwrap_or_default();
    let offset = if written == text {
        Some(span.start())
    } else if written.len() == text.len() + 2 && written.get(1..written.len() - 1) == Some(text) {
        Some(span.start() + 1)
    } else {
        None
    };
    QueryText {
        text: text.into(),
        span,
        offset,
    }
}
