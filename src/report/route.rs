//! How a request to an Unkey route was decided: the answer, the arm that let it through or
//! the check that stopped it, and each leaf with the grant that satisfies it or nearly does.

use crate::eval::routes::{LeafReport, MAIN, RouteDecision};
use crate::printable::escaped_lines;
use serde_json::{Value, json};

/// The decision as JSON, the shape of a `route` line of `check --batch`.
pub fn route_json(route: &str, decision: &RouteDecision) -> Value {
    json!({
        "allowed": decision.allowed,
        "valid": true,
        "error": null,
        "route": route,
        "status": decision.status,
        "arm": decision.arm,
        "stage": decision.stage,
        "code": decision.code,
        "message": decision.message,
    })
}

/// The decision for people: the answer, then every leaf of the checks.
pub fn route_text(route: &str, decision: &RouteDecision, leaves: &[LeafReport]) -> String {
    let mut lines = Vec::new();
    match (&decision.arm, &decision.message) {
        (Some(arm), _) => {
            lines.push(format!(
                "allow: {route} ({}) through the {} arm",
                decision.status, arm
            ));
        }
        (None, message) if decision.allowed => {
            lines.push(format!(
                "allow: {route} ({}): {}",
                decision.status,
                message.as_deref().unwrap_or("no check runs")
            ));
        }
        (None, message) => {
            let answer = match decision.code {
                Some(code) => format!("{} {{valid: false, code: {code}}}", decision.status),
                None => decision.status.to_string(),
            };
            let stage = match &decision.stage {
                Some(stage) if stage != MAIN => format!(" at the stage `{stage}`"),
                _ => String::new(),
            };
            lines.push(format!(
                "deny: {route} answers {answer}{stage}: {}",
                message.as_deref().unwrap_or("insufficient permissions")
            ));
        }
    }
    let mut last_option = None;
    for leaf in leaves {
        if leaf.option.as_ref() != last_option {
            if let Some(option) = &leaf.option {
                lines.push(format!("  and, with the option `{option}`:"));
            }
            last_option = leaf.option.as_ref();
        }
        let state = match &leaf.matched {
            Some(grant) if grant == &leaf.required => "held".to_owned(),
            Some(grant) => format!("held through `{grant}`"),
            None => "missing".to_owned(),
        };
        lines.push(format!(
            "  {:<6} {}: {state}",
            leaf.arm.to_string(),
            leaf.required
        ));
        if let Some(near) = &leaf.near_miss {
            lines.push(format!("         note: {}", near.reason));
        }
    }
    escaped_lines(&lines)
}
