//! Why a test failed, as a diagnostic with labels on the case and on the grant, role, key
//! or forbid rule that decided it, the explanation, and the response Unkey would send.

use super::LoadedFile;
use crate::diagnostic::FileDiagnostic;
use crate::error_code::ErrorCode;
use crate::eval::Code;
use crate::eval::routes::LeafReport;
use crate::policy::{
    Asked, Assertion, Check, Key, KeyDecision, KeyKind, QueryText, RootCheck, RootDecision,
    Subject, decide_root,
};
use crate::query::{LimitViolation, SyntaxError};
use crate::span::Span;
use miette::Diagnostic;
use serde_json::json;

/// Why `check` did not get what it expects, as the runner decided it through `asked`.
pub fn check(loaded: &LoadedFile, check: &Check, asked: &Asked<'_>) -> FileDiagnostic {
    match asked {
        Asked::Query(query) => {
            let decided =
                (loaded.resolved).decide(&check.key.value, query, loaded.semantics, loaded.now);
            decision(loaded, check, &decided)
        }
        Asked::Root(root) => {
            let policy = &loaded.file.policy;
            let key = (policy.key(&check.key.value)).expect("the loader checked the root key");
            let outcome = decide_root(policy, key, *root, loaded.now);
            root_case(loaded, (check, *root), key, &outcome)
        }
    }
}

/// Why the keys allowed what `assertion` asks are not exactly the `listed` ones.
pub fn assertion(
    loaded: &LoadedFile,
    assertion: &Assertion,
    asked: &Asked<'_>,
    listed: &[&str],
) -> FileDiagnostic {
    match (asked, &assertion.subject) {
        (Asked::Query(parsed), Subject::Query(query)) => {
            let resolved = &loaded.resolved;
            let decisions: Vec<_> = (resolved.policy.keys.iter())
                .map(|key| resolved.decide(&key.name.value, parsed, loaded.semantics, loaded.now))
                .collect();
            access(loaded, (assertion, query), &decisions, listed)
        }
        (Asked::Root(root), _) => {
            let policy = &loaded.file.policy;
            let outcomes: Vec<(&Key, RootDecision)> = (policy.keys.iter())
                .filter(|key| key.kind == KeyKind::Root)
                .map(|key| (key, decide_root(policy, key, *root, loaded.now)))
                .collect();
            route_access(loaded, (assertion, *root), &outcomes)
        }
        (Asked::Query(_), _) => unreachable!("a parsed query is a query's"),
    }
}

/// Labels in the case file and in the policy file, merged into one diagnostic when the
/// policy is declared in the same file.
struct Places<'a> {
    loaded: &'a LoadedFile,
    in_cases: Vec<(Span, String)>,
    in_policy: Vec<(Span, String)>,
}

impl<'a> Places<'a> {
    fn new(loaded: &'a LoadedFile) -> Self {
        Places {
            loaded,
            in_cases: Vec::new(),
            in_policy: Vec::new(),
        }
    }

    /// The diagnostic, its hint of `help` lines (each escaped when printed).
    fn diagnostic(self, code: ErrorCode, message: String, help: Vec<String>) -> FileDiagnostic {
        let file = &self.loaded.file;
        let mut labels = self.in_cases.into_iter();
        let (span, label) = labels.next().unwrap_or_default();
        let mut diagnostic =
            FileDiagnostic::at(code, &file.source, span, message, label).with_help_lines(&help);
        for (span, label) in labels {
            diagnostic = diagnostic.with_label(span, label);
        }
        if file.owns_policy() {
            for (span, label) in self.in_policy {
                diagnostic = diagnostic.with_label(span, label);
            }
        } else if let Some(((span, label), rest)) = self.in_policy.split_first() {
            let mut related = FileDiagnostic::at(
                ErrorCode::TestDecidedBy,
                &file.policy.source,
                *span,
                "where the policy decides it",
                label.clone(),
            )
            .with_severity(miette::Severity::Advice);
            for (span, label) in rest {
                related = related.with_label(*span, label.clone());
            }
            diagnostic = diagnostic.with_related(related);
        }
        diagnostic
    }
}

/// The case's query does not parse, and the case did not expect that.
pub fn syntax(
    loaded: &LoadedFile,
    (case, query): (&Check, &QueryText),
    error: &SyntaxError,
) -> FileDiagnostic {
    rejected(
        loaded,
        (case, query),
        &error.to_string(),
        error.span(),
        error,
    )
}

/// The case's query is over Unkey's limits, and the case did not expect that.
pub fn limit(
    loaded: &LoadedFile,
    (case, query): (&Check, &QueryText),
    violation: &LimitViolation,
) -> FileDiagnostic {
    rejected(
        loaded,
        (case, query),
        &violation.to_string(),
        Span::new(0, query.text.len()),
        violation,
    )
}

fn rejected(
    loaded: &LoadedFile,
    (case, query): (&Check, &QueryText),
    problem: &str,
    at: Span,
    diagnostic: &dyn Diagnostic,
) -> FileDiagnostic {
    let mut places = Places::new(loaded);
    places
        .in_cases
        .push((query.span_in_file(at), first_label(diagnostic)));
    places.in_cases.push((
        case.expect.span,
        format!("expected {}", case.expect.value.describe()),
    ));
    let help = diagnostic
        .help()
        .map(|help| help.to_string())
        .unwrap_or_default();
    places.diagnostic(
        ErrorCode::TestQueryRejected,
        format!("case `{}`: the query is rejected: {problem}", case.name()),
        vec![
            help,
            "Unkey rejects such a query with a 400 error; write `expect: error` if that is the point of the case".to_owned(),
        ],
    )
}

fn first_label(diagnostic: &dyn Diagnostic) -> String {
    diagnostic
        .labels()
        .and_then(|mut labels| labels.next())
        .and_then(|label| label.label().map(str::to_owned))
        .unwrap_or_else(|| "here".to_owned())
}

/// The decision did not meet the case's expectation.
fn decision(loaded: &LoadedFile, case: &Check, decision: &KeyDecision) -> FileDiagnostic {
    let actual = if decision.allowed() { "allow" } else { "deny" };
    let mut message = format!(
        "case `{}`: expected {}, got {actual} ({})",
        case.name(),
        case.expect.value.describe(),
        decision.code
    );
    if let Some(pinned) = case.code()
        && pinned.value != decision.code
    {
        message = format!("{message}; the case pins {}", pinned.value);
    }
    let mut places = Places::new(loaded);
    places
        .in_cases
        .push((case.subject.span(), format!("{actual}: {}", decision.code)));
    places.in_cases.push((
        case.expect.span,
        format!("expected {}", case.expect.value.describe()),
    ));
    if let Some(pinned) = case.code() {
        places
            .in_cases
            .push((pinned.span, format!("pinned {}", pinned.value)));
    }
    deciding_places(&mut places, decision, Some(case.key.span));
    let help = explanation(loaded, &case.key.value, decision);
    places.diagnostic(ErrorCode::TestCaseFailed, message, help)
}

/// Labels on whatever decided `decision`: the gate that stopped it, or the grants, roles and
/// forbid rules behind the evaluation.
fn deciding_places(places: &mut Places<'_>, decision: &KeyDecision, case_key: Option<Span>) {
    let loaded = places.loaded;
    let policy = &loaded.resolved.policy;
    let Some(index) = decision.key else {
        if let Some(key) = case_key {
            places
                .in_cases
                .push((key, "no key of this name in the policy".to_owned()));
        }
        return;
    };
    let key = &policy.keys[index];
    match decision.code {
        Code::WorkspaceDisabled => places.in_policy.push((
            key.name.span,
            "the workspace of this key is disabled".to_owned(),
        )),
        Code::Disabled => places
            .in_policy
            .push((key.enabled.span, "the key is disabled here".to_owned())),
        Code::Expired => {
            let expires = key.expires.as_ref().expect("an expired key has `expires`");
            places.in_policy.push((
                expires.span,
                format!("expired: {} is at or before {}", expires.value, loaded.now),
            ));
        }
        _ => {}
    }
    let Some(evaluated) = &decision.decision else {
        return;
    };
    let grants = loaded.resolved.grants(index);
    let mut seen = Vec::new();
    for outcome in &evaluated.outcomes {
        for leaf in &outcome.explanation.satisfied_by {
            let grant = &grants[leaf.grant_index];
            if seen.contains(&grant.span) {
                continue;
            }
            seen.push(grant.span);
            let via = match grant.via {
                Some(role) => format!(" (role `{}`)", policy.roles[role].name.value),
                None => " (granted directly)".to_owned(),
            };
            places.in_policy.push((
                grant.span,
                format!(
                    "`{}` satisfies `{}`{via}",
                    grant.permission, leaf.permission
                ),
            ));
            if let Some(rule) = leaf.forbid_index {
                let rule = &policy.forbid[rule];
                let reason = rule.reason.as_deref().unwrap_or("no reason given");
                places.in_policy.push((
                    rule.permission.span,
                    format!("forbids `{}`: {reason}", leaf.permission),
                ));
            }
        }
    }
    if seen.is_empty() {
        places.in_policy.push((
            key.name.span,
            holdings(key, grants.iter().map(|g| g.permission.as_str())),
        ));
    }
}

fn holdings<'a>(key: &Key, permissions: impl Iterator<Item = &'a str>) -> String {
    let held: Vec<&str> = permissions.collect();
    if held.is_empty() {
        format!("`{}` holds no permissions", key.name.value)
    } else {
        format!("`{}` holds {}", key.name.value, held.join(", "))
    }
}

/// The explanation of every way of matching, then Unkey's response.
fn explanation(loaded: &LoadedFile, key_name: &str, decision: &KeyDecision) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(evaluated) = &decision.decision {
        for outcome in &evaluated.outcomes {
            let verdict = if outcome.code.allows() {
                "allow"
            } else {
                "deny"
            };
            lines.push(format!(
                "{} matching: {verdict} ({})",
                outcome.matching.name(),
                outcome.code
            ));
            let role_of = |grant| {
                let role = loaded.resolved.role_of(decision.key?, grant)?;
                Some(role.to_owned())
            };
            lines.extend(outcome.describe_with("  ", &role_of));
        }
    }
    let kind = decision
        .key
        .map(|index| loaded.resolved.policy.keys[index].kind);
    let message = decision
        .decision
        .as_ref()
        .and_then(|evaluated| evaluated.primary().explanation.message.clone());
    lines.push(format!(
        "Unkey would respond: {}",
        unkey_response(kind, key_name, decision.code, message)
    ));
    lines
}

/// The response Unkey would send: `keys.verifyKey` data for an API key, the problem body of
/// an API error for a root key (or an unknown one).
pub(crate) fn unkey_response(
    kind: Option<KeyKind>,
    key_name: &str,
    code: Code,
    message: Option<String>,
) -> serde_json::Value {
    match (kind, code.unkey_error()) {
        (Some(KeyKind::Api), _) | (_, None) => {
            json!({"valid": code.allows(), "code": code, "keyId": key_name})
        }
        (_, Some((error, status))) => json!({
            "meta": {"requestId": "req_permspec"},
            "error": {
                "title": code.name().replace('_', " ").to_lowercase(),
                "detail": message.unwrap_or_else(|| format!("The root key `{key_name}` was refused: {code}")),
                "status": status,
                "type": format!("https://unkey.com/docs/errors/unkey/{error}"),
            }
        }),
    }
}

/// An access assertion's query does not parse.
pub(crate) fn access_syntax(
    loaded: &LoadedFile,
    query: &QueryText,
    error: &SyntaxError,
) -> FileDiagnostic {
    let mut places = Places::new(loaded);
    places
        .in_cases
        .push((query.span_in_file(error.span()), first_label(error)));
    places.diagnostic(
        ErrorCode::TestQueryRejected,
        format!("access assertion: the query is rejected: {error}"),
        error
            .help()
            .map(|help| help.to_string())
            .into_iter()
            .collect(),
    )
}

/// The keys allowed an access assertion's query are not exactly the listed ones.
fn access(
    loaded: &LoadedFile,
    (assertion, query): (&Assertion, &QueryText),
    decisions: &[KeyDecision],
    listed: &[&str],
) -> FileDiagnostic {
    let policy = &loaded.resolved.policy;
    let mut places = Places::new(loaded);
    places
        .in_cases
        .push((query.span, "who may do this".to_owned()));
    let mut wrong = Vec::new();
    for (key, decision) in policy.keys.iter().zip(decisions) {
        let is_listed = listed.contains(&key.name.value.as_str());
        if is_listed == decision.allowed() {
            continue;
        }
        if is_listed {
            wrong.push(format!(
                "`{}` is listed but denied ({})",
                key.name.value, decision.code
            ));
            let listed_at = assertion
                .keys
                .iter()
                .find(|k| k.value == key.name.value)
                .map(|k| k.span);
            places.in_cases.push((
                listed_at.unwrap_or(assertion.span),
                format!("denied: {}", decision.code),
            ));
        } else {
            wrong.push(format!("`{}` is allowed but not listed", key.name.value));
            deciding_places(&mut places, decision, None);
        }
    }
    places.diagnostic(
        ErrorCode::TestAccessFailed,
        format!("access to `{}`: {}", query.text, wrong.join("; ")),
        vec![access_help(query)],
    )
}

fn access_help(query: &QueryText) -> String {
    format!(
        "the keys allowed `{}` must be exactly the listed ones: fix the grants, or update the list if the change is intended",
        query.text
    )
}

/// A root-key case whose outcome is not the expected one: the answer Unkey gives, each
/// leaf of the route with the grant that satisfies it or nearly does, and the key's grants.
fn root_case(
    loaded: &LoadedFile,
    (case, check): (&Check, RootCheck<'_>),
    key: &Key,
    outcome: &RootDecision,
) -> FileDiagnostic {
    let actual = if outcome.allowed { "allow" } else { "deny" };
    let mut message = format!(
        "case `{}`: expected {}, got {actual} ({})",
        case.name(),
        case.expect.value.describe(),
        answer(outcome)
    );
    if let Some(pinned) = case.status()
        && pinned.value != outcome.status
    {
        message = format!("{message}; the case pins {}", pinned.value);
    }
    let mut places = Places::new(loaded);
    let how = match (&outcome.arm, &outcome.message, &outcome.stage) {
        (Some(arm), ..) => format!("allowed through the {arm} arm"),
        (None, message, Some(stage)) if stage != crate::eval::routes::MAIN => format!(
            "the stage `{stage}` denies: {}",
            message.as_deref().unwrap_or_default()
        ),
        (None, message, _) => message.clone().unwrap_or_default(),
    };
    places
        .in_cases
        .push((case.subject.span(), format!("{actual}: {how}")));
    places.in_cases.push((
        case.expect.span,
        format!("expected {}", case.expect.value.describe()),
    ));
    if let Some(pinned) = case.status() {
        places
            .in_cases
            .push((pinned.span, format!("pinned {}", pinned.value)));
    }
    let leaves = crate::policy::root_leaves(key, check, outcome);
    root_key_places(&mut places, key, outcome, &leaves);
    places.diagnostic(
        ErrorCode::TestCaseFailed,
        message,
        root_explanation(key, &leaves),
    )
}

/// The answer Unkey sends: its status, with keys.verifyKey's body for a denial it answers 200.
fn answer(outcome: &RootDecision) -> String {
    match outcome.code {
        Some(code) => format!("{} {{valid: false, code: {code}}}", outcome.status),
        None => outcome.status.to_string(),
    }
}

/// An access assertion on a route that does not hold: which root keys are allowed.
fn route_access(
    loaded: &LoadedFile,
    (assertion, check): (&Assertion, RootCheck<'_>),
    outcomes: &[(&Key, RootDecision)],
) -> FileDiagnostic {
    let listed = |name: &str| assertion.keys.iter().any(|key| key.value == name);
    let mut places = Places::new(loaded);
    places
        .in_cases
        .push((assertion.subject.span(), "the route".to_owned()));
    let mut lines = Vec::new();
    for (key, outcome) in outcomes {
        let name = key.name.value.as_str();
        let line = match (outcome.allowed, listed(name)) {
            (true, false) => format!("`{name}` may call it but is not listed"),
            (false, true) => format!(
                "`{name}` is listed but is denied: {}",
                outcome.message.as_deref().unwrap_or("denied")
            ),
            _ => continue,
        };
        let leaves = crate::policy::root_leaves(key, check, outcome);
        root_key_places(&mut places, key, outcome, &leaves);
        lines.push(line);
    }
    places.diagnostic(
        ErrorCode::TestAccessFailed,
        format!(
            "access to {} is not exactly [{}]",
            assertion.subject.describe(),
            assertion
                .keys
                .iter()
                .map(|key| key.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        lines,
    )
}

/// Labels on the root key's grants that a decision used, or on its state.
fn root_key_places(
    places: &mut Places<'_>,
    key: &Key,
    outcome: &RootDecision,
    leaves: &[LeafReport],
) {
    if outcome.gated {
        let span = key
            .expires
            .as_ref()
            .map_or(key.enabled.span, |expires| expires.span);
        let span = if key.enabled.value {
            span
        } else {
            key.enabled.span
        };
        places
            .in_policy
            .push((span, outcome.message.clone().unwrap_or_default()));
        return;
    }
    for leaf in leaves {
        let (wanted, label) = match (&leaf.matched, &leaf.near_miss) {
            (Some(matched), _) => (matched, format!("passes `{}`", leaf.required)),
            (None, Some(near)) => (&near.grant, format!("misses `{}`", leaf.required)),
            (None, None) => continue,
        };
        if let Some(grant) = key.permissions.iter().find(|grant| &grant.value == wanted)
            && !places.in_policy.iter().any(|(span, _)| *span == grant.span)
        {
            places.in_policy.push((grant.span, label));
        }
    }
}

/// Every leaf of the route's checks: held, or missing and why.
fn root_explanation(key: &Key, leaves: &[LeafReport]) -> Vec<String> {
    if leaves.is_empty() {
        return vec![format!(
            "`{}` holds: {}",
            key.name.value,
            key.permissions
                .iter()
                .map(|grant| format!("`{}`", grant.value))
                .collect::<Vec<_>>()
                .join(", ")
        )];
    }
    let mut lines = Vec::new();
    for leaf in leaves {
        let arm = format!("the {} arm needs", leaf.arm);
        let option = leaf
            .option
            .as_ref()
            .map(|option| format!(" (option `{option}`)"))
            .unwrap_or_default();
        let state = match &leaf.matched {
            Some(grant) => format!("held through `{grant}`"),
            None => "missing".to_owned(),
        };
        lines.push(format!("{arm} `{}`{option}: {state}", leaf.required));
        if let Some(near) = &leaf.near_miss {
            lines.push(format!("  {}", near.reason));
        }
    }
    lines
}
