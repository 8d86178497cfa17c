//! A decision and its explanation, as text for people and as JSON for tools.

use crate::eval::{Decision, Outcome};
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
            out.push_str(&outcome_text(outcome, "    "));
        }
    } else {
        out.push('\n');
        out.push_str(&outcome_text(decision.primary(), "  "));
    }
    out
}

/// The explanation of one outcome, each line starting with `indent`.
pub fn outcome_text(outcome: &Outcome, indent: &str) -> String {
    let explanation = &outcome.explanation;
    let mut out = String::new();
    if let Some(message) = &explanation.message {
        let _ = writeln!(out, "{indent}{message}");
    }
    for leaf in &explanation.satisfied_by {
        let _ = write!(
            out,
            "{indent}{} granted by `{}`",
            leaf.permission, leaf.grant
        );
        if let Some(rule) = &leaf.forbidden_by {
            let _ = write!(out, ", but forbidden by `{rule}`");
        }
        out.push('\n');
    }
    if !outcome.code.allows() {
        match explanation.missing.as_slice() {
            [] => {
                let _ = writeln!(
                    out,
                    "{indent}no grant can make this pass: every way through the query needs a forbidden permission"
                );
            }
            [only] => {
                let _ = writeln!(out, "{indent}would be allowed with: {}", only.join(", "));
            }
            sets => {
                let _ = writeln!(out, "{indent}would be allowed with any one of:");
                for set in sets {
                    let _ = writeln!(out, "{indent}  - {}", set.join(", "));
                }
            }
        }
    }
    out
}

/// The decision as the JSON object of cli.md's `check` contract.
pub fn decision_json(decision: &Decision) -> serde_json::Value {
    json!({
        "allowed": decision.allowed(),
        "code": decision.code(),
        "semantics": decision.semantics,
        "explanation": decision.primary().explanation,
        "outcomes": decision.outcomes,
    })
}
