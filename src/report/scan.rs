//! `permspec scan --format json`: every site the scan found (file, line, what it asks, the
//! SDK shape, and who passes it, with the grants that let each key through), and the
//! findings.

use super::lint_json;
use crate::lint::{CodeContext, FileFindings, SiteQuery};
use crate::scan::{ScannedFile, Site, SiteValue};
use serde_json::{Value, json};

/// The scan as JSON: `walked` source files, the `sites` found, the `findings`.
pub fn scan_json(context: &CodeContext<'_>, walked: usize, findings: &[FileFindings]) -> Value {
    let sites: Vec<Value> = context
        .sites()
        .map(|(file, site, asked)| site_json(context, file, site, asked))
        .collect();
    json!({
        "walked": walked,
        "scanned": context.files.len(),
        "sites": sites,
        "findings": lint_json(findings),
    })
}

fn site_json(
    context: &CodeContext<'_>,
    file: &ScannedFile,
    site: &Site,
    asked: &SiteQuery,
) -> Value {
    let (line, column) = file.source.line_column(site.span.start());
    let (end_line, end_column) = file.source.line_column(site.span.end());
    let mut value = json!({
        "file": file.source.name(),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "language": file.language,
        "kind": site.kind,
        "version": site.version,
        "shape": site.shape,
    });
    match &site.value {
        SiteValue::Text { text, via } => {
            value["value"] = json!(text.text.as_str());
            value["via_constant"] = json!(via);
        }
        SiteValue::Structured(query) => value["value"] = json!(query.to_string()),
        SiteValue::Dynamic(reason) => value["not_checked"] = json!(reason),
        SiteValue::Absent => value["not_checked"] = json!("the call passes no `permissions`"),
    }
    if !site.v1_fields.is_empty() {
        let names: Vec<&str> = site
            .v1_fields
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        value["v1_fields"] = json!(names);
    }
    match asked {
        SiteQuery::Query(query, passing) => {
            value["query"] = json!(query.to_string());
            let keys: Vec<Value> = passing
                .keys
                .iter()
                .map(|pass| {
                    let grants: Vec<Value> = pass
                        .grants
                        .iter()
                        .map(|(grant, role)| json!({"grant": grant, "role": role}))
                        .collect();
                    json!({
                        "policy": context.policies[pass.policy].resolved.policy.source.name(),
                        "key": context.key_name(pass.policy, pass.key),
                        "grants": grants,
                    })
                })
                .collect();
            let roles: Vec<Value> = passing
                .roles
                .iter()
                .map(|(policy, role)| {
                    json!({
                        "policy": context.policies[*policy].resolved.policy.source.name(),
                        "role": context.role_name(*policy, *role),
                    })
                })
                .collect();
            let diverging: Vec<Value> = passing
                .diverging
                .iter()
                .map(|(policy, key, wildcard)| {
                    json!({
                        "key": context.key_name(*policy, *key),
                        "allowed_under": if *wildcard { "wildcard" } else { "literal" },
                    })
                })
                .collect();
            value["passed_by"] = json!({"keys": keys, "roles": roles});
            value["depends_on_wildcard_reading"] = json!(diverging);
        }
        SiteQuery::Rejected(error) => value["syntax_error"] = json!(error.to_string()),
        SiteQuery::Nothing => {}
    }
    value
}
