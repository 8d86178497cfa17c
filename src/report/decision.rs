//! A decision and its explanation, as text for people and as JSON for tools.

use crate::eval::{Decision, Semantics};
use crate::policy::KeyDecision;
use serde_json::json;
use std::fmt::Write as _;

/// The decision as people read it: the verdict line, then why.
pub fn decision_text(decision: &Decision) -> String {
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
            out.push_str(&outcome.describe("    "));
        }
    } else {
        out.push('\n');
        out.push_str(&decision.primary().describe("  "));
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

/// A key's decision as people read it: the gate that stopped it, or the evaluation.
pub fn gate_text(decision: &KeyDecision, key: &str) -> String {
    match &decision.decision {
        Some(evaluated) => decision_text(evaluated),
        None => format!(
            "deny: {} (key `{key}` is refused before its permissions are checked)\n",
            decision.code
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
