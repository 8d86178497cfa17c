//! Suite coverage for people (a table per policy, with what is never exercised) and tools.

use crate::printable::escaped;
use crate::runner::{PolicyCoverage, percent};
use serde_json::{Value, json};

/// A table per policy: exercised / total and percent per category, then the items never
/// exercised, then the total.
pub fn coverage_text(policies: &[PolicyCoverage]) -> String {
    let mut out = String::new();
    for policy in policies {
        out.push_str(&format!(
            "\ncoverage of {}\n",
            escaped(policy.source.name())
        ));
        for category in &policy.categories {
            out.push_str(&row(
                category.name,
                category.exercised(),
                category.total,
                percent([category]),
            ));
            for (item, span) in &category.never {
                let (line, _) = policy.source.line_column(span.start());
                out.push_str(&format!("    never: {} (line {line})\n", escaped(item)));
            }
        }
        let exercised = policy.categories.iter().map(|c| c.exercised()).sum();
        let total = policy.categories.iter().map(|c| c.total).sum();
        out.push_str(&row("total", exercised, total, policy.percent()));
    }
    let all = policies.iter().flat_map(|policy| &policy.categories);
    out.push_str(&format!("\ncoverage: {:.1}%\n", percent(all)));
    out
}

fn row(name: &str, exercised: usize, total: usize, percent: f64) -> String {
    format!(
        "  {name:<8} {:>9} {percent:>6.1}%\n",
        format!("{exercised}/{total}")
    )
}

/// `{"type": "coverage", "percent", "files": [...]}`: one line that follows the test events.
pub fn coverage_json(policies: &[PolicyCoverage]) -> Value {
    let files: Vec<Value> = policies
        .iter()
        .map(|policy| {
            let categories: serde_json::Map<String, Value> = policy
                .categories
                .iter()
                .map(|category| {
                    let never: Vec<Value> = category
                        .never
                        .iter()
                        .map(|(item, span)| {
                            let (line, column) = policy.source.line_column(span.start());
                            json!({"item": item, "line": line, "column": column})
                        })
                        .collect();
                    let value = json!({"exercised": category.exercised(), "total": category.total,
                                       "percent": percent([category]), "never": never});
                    (category.name.to_owned(), value)
                })
                .collect();
            json!({"file": policy.source.name(), "percent": policy.percent(),
                   "categories": categories})
        })
        .collect();
    let all = policies.iter().flat_map(|policy| &policy.categories);
    json!({"type": "coverage", "percent": percent(all), "files": files})
}
