//! Mutation testing results: a score per policy, and each surviving mutant as a miette report
//! on the node it changed, with the case that would kill it.

use super::Renderer;
use crate::diagnostic::FileDiagnostic;
use crate::error_code::ErrorCode;
use crate::printable::escaped;
use crate::runner::{Fate, PolicyMutation, Suggestion};
use miette::Severity;
use serde_json::{Value, json};

/// Per policy: the survivors as reports, then a score line.
pub fn mutation_text(policies: &[PolicyMutation], renderer: &Renderer) -> String {
    let mut out = String::new();
    for policy in policies {
        for mutant in &policy.mutants {
            let Fate::Survived { key, asks, expect } = &mutant.fate else {
                continue;
            };
            let diagnostic = FileDiagnostic::at(
                ErrorCode::MutationSurvived,
                &policy.source,
                mutant.span,
                format!("mutant survives: {}", mutant.description),
                "no case fails when this changes",
            )
            .with_severity(Severity::Warning)
            .with_help(format!(
                "add a case that kills it: `{}`",
                asks.case(key, expect)
            ));
            out.push_str(&renderer.render(&diagnostic));
        }
        let equivalent = policy.mutants.len() - policy.killed() - policy.survived();
        out.push_str(&format!(
            "mutation testing of {}: {} mutants, {} killed, {} survived, {} equivalent; score {:.1}%\n",
            escaped(policy.source.name()),
            policy.mutants.len(),
            policy.killed(),
            policy.survived(),
            equivalent,
            policy.score()
        ));
    }
    out
}

/// `{"type": "mutation", "files": [...]}`: one line that follows the test events.
pub fn mutation_json(policies: &[PolicyMutation]) -> Value {
    let files: Vec<Value> = policies
        .iter()
        .map(|policy| {
            let mutants: Vec<Value> = policy
                .mutants
                .iter()
                .map(|mutant| {
                    let (line, column) = policy.source.line_column(mutant.span.start());
                    let mut value = json!({"mutation": mutant.description, "line": line,
                                           "column": column});
                    match &mutant.fate {
                        Fate::Killed => value["fate"] = json!("killed"),
                        Fate::Equivalent => value["fate"] = json!("equivalent"),
                        Fate::Survived { key, asks, expect } => {
                            value["fate"] = json!("survived");
                            value["suggested_case"] = match asks {
                                Suggestion::Query(query) => {
                                    json!({"key": key, "query": query, "expect": expect})
                                }
                                Suggestion::Route { route, params } => {
                                    let params: serde_json::Map<String, Value> = params
                                        .iter()
                                        .map(|(name, value)| (name.clone(), json!(value)))
                                        .collect();
                                    json!({"key": key, "route": route, "params": params,
                                           "expect": expect})
                                }
                            };
                        }
                    }
                    value
                })
                .collect();
            json!({"file": policy.source.name(), "killed": policy.killed(),
                   "survived": policy.survived(), "score": policy.score(), "mutants": mutants})
        })
        .collect();
    let survived: usize = policies.iter().map(PolicyMutation::survived).sum();
    let event = if survived == 0 { "ok" } else { "failed" };
    json!({"type": "mutation", "event": event, "survived": survived, "files": files})
}
