//! A decision and its explanation, as text for people and as JSON for tools.

use crate::eval::{Decision, Semantics};
use crate::policy::{KeyDecision, Resolved};
use crate::printable::escaped_lines;
use serde_json::json;
use std::fmt::Write as _;

/// The decision as people read it: the verdict line, then why.
pub fn decision_text(decision: &Decision) -> String {
    decision_text_with(decision, &|_| None)
}

/// [`decision_text`], naming the role each grant comes through (`role_of` a grant index).
fn decision_text_with(decision: &Decision, role_of: &dyn Fn(usize) -> Option<String>) -> String {
    let mut out = String::new();
    let verdict = if decision.allowed() { "allow" } else { "deny" };
    let _ = write!(
        out,
        "{verdict}: {} (semantics: {})",
        decision.code(),
        decision.semantics
    );
    if decision.diverges() {
        out.push_str(" — the ways of matching disagree");
        out.push('\n');
        for outcome in &decision.outcomes {
            let verdict = if outcome.code.allows() {
                "allow"
            } else {
                "deny"
            };
            let _ = writeln!(
                out,
                "  {}: {verdict}: {}",
                outcome.matching.name(),
                outcome.code
            );
            out.push_str(&escaped_lines(&outcome.describe_with("    ", role_of)));
        }
    } else {
        out.push('\n');
        out.push_str(&escaped_lines(
            &decision.primary().describe_with("  ", role_of),
        ));
    }
    out
}

/// The decision as the JSON object of docs/cli.md's `check` contract.
pub fn decision_json(decision: &Decision) -> serde_json::Value {
    json!({
        "allowed": decision.allowed(),
        "code": decision.code(),
        "semantics": decision.semantics,
        "explanation": decision.primary().explanation,
        "outcomes": decision.outcomes,
    })
}

/// A key's decision as people read it: the gate that stopped it, or the evaluation, with
/// the role each grant of `resolved` comes through.
pub fn gate_text(decision: &KeyDecision, key: &str, resolved: &Resolved) -> String {
    match &decision.decision {
        Some(evaluated) => decision_text_with(evaluated, &|grant| {
            resolved.role_of(decision.key?, grant).map(str::to_owned)
        }),
        None => format!(
            "deny: {} (key `{}` is refused before its permissions are checked)\n",
            decision.code,
            crate::printable::escaped(key)
        ),
    }
}

/// A key's decision as the JSON object of the `check` contract.
pub fn gate_json(decision: &KeyDecision, semantics: Semantics) -> serde_json::Value {
    match &decision.decision {
        Some(evaluated) => decision_json(evaluated),
        None => json!({
            "allowed": false,
            "code": decision.code,
            "semantics": semantics,
            "explanation": {"satisfied_by": [], "message": null, "missing": []},
            "outcomes": [],
        }),
    }
}
