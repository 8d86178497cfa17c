//! How a request to an Unkey route was decided: the answer, the arm that let it through or
//! the check that stopped it, and each leaf with the grant that satisfies it or nearly does.

use crate::eval::routes::{LeafReport, MAIN, RouteDecision};
use serde_json::{Value, json};
use std::fmt::Write;

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
    let mut out = String::new();
    match (&decision.arm, &decision.message) {
        (Some(arm), _) => {
            let _ = writeln!(
                out,
                "allow: {route} ({}) through the {} arm",
                decision.status, arm
            );
        }
        (None, message) if decision.allowed => {
            let _ = writeln!(
                out,
                "allow: {route} ({}): {}",
                decision.status,
                message.as_deref().unwrap_or("no check runs")
            );
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
            let _ = writeln!(
                out,
                "deny: {route} answers {answer}{stage}: {}",
                message.as_deref().unwrap_or("insufficient permissions")
            );
        }
    }
    let mut last_option = None;
    for leaf in leaves {
        if leaf.option.as_ref() != last_option {
            if let Some(option) = &leaf.option {
                let _ = writeln!(out, "  and, with the option `{option}`:");
            }
            last_option = leaf.option.as_ref();
        }
        let state = match &leaf.matched {
            Some(grant) if grant == &leaf.required => "held".to_owned(),
            Some(grant) => format!("held through `{grant}`"),
            None => "missing".to_owned(),
        };
        let _ = writeln!(
            out,
            "  {:<6} {}: {state}",
            leaf.arm.to_string(),
            leaf.required
        );
        if let Some(near) = &leaf.near_miss {
            let _ = writeln!(out, "         note: {}", near.reason);
        }
    }
    out
}
