//! `permspec scan --format json`: every site the scan found (file, line, what it asks, the
//! SDK shape, and who passes it, with the grants that let each key through), and the
//! findings. Serialized straight from the scan's data: a big repository's report is not
//! built as a tree of JSON values first.

use super::lint_json;
use super::markdown::code;
use crate::lint::{CodeContext, FileFindings, NewAsk, Passing, SiteQuery};
use crate::printable::escaped;
use crate::scan::{Language, ScannedFile, Site, SiteKind, SiteValue, Version};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use serde_json::Value;

/// The scan as JSON: `walked` source files, the `sites` found, the `findings`.
pub fn scan_json<'a>(
    context: &'a CodeContext<'a>,
    walked: usize,
    findings: &[FileFindings],
) -> impl Serialize + 'a {
    ScanJson {
        walked,
        scanned: context.files.len(),
        sites: Sites(context),
        findings: lint_json(findings),
    }
}

#[derive(Serialize)]
struct ScanJson<'a> {
    walked: usize,
    scanned: usize,
    sites: Sites<'a>,
    findings: Value,
}

/// The sites, serialized one by one as they are read off the context.
struct Sites<'a>(&'a CodeContext<'a>);

impl Serialize for Sites<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let context = self.0;
        let mut sequence = serializer.serialize_seq(None)?;
        for (file, site, asked) in context.sites() {
            sequence.serialize_element(&SiteJson::new(context, file, site, asked))?;
        }
        sequence.end()
    }
}

#[derive(Serialize)]
struct SiteJson<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    language: Language,
    kind: SiteKind,
    version: Version,
    shape: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    via_constant: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_checked: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    v1_fields: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    syntax_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    passed_by: Option<PassedBy<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    depends_on_wildcard_reading: Option<Vec<Diverging<'a>>>,
}

#[derive(Serialize)]
struct PassedBy<'a> {
    keys: Vec<KeyJson<'a>>,
    roles: Vec<RoleJson<'a>>,
}

#[derive(Serialize)]
struct KeyJson<'a> {
    policy: &'a str,
    key: &'a str,
    grants: Vec<GrantJson<'a>>,
}

#[derive(Serialize)]
struct GrantJson<'a> {
    grant: &'a str,
    role: Option<&'a str>,
}

#[derive(Serialize)]
struct RoleJson<'a> {
    policy: &'a str,
    role: &'a str,
}

#[derive(Serialize)]
struct Diverging<'a> {
    key: &'a str,
    allowed_under: &'static str,
}

impl<'a> SiteJson<'a> {
    fn new(
        context: &'a CodeContext<'a>,
        file: &'a ScannedFile,
        site: &'a Site,
        asked: &'a SiteQuery,
    ) -> Self {
        let (line, column) = file.source.line_column(site.span.start());
        let (end_line, end_column) = file.source.line_column(site.span.end());
        let (value, via_constant, not_checked) = match &site.value {
            SiteValue::Text { text, via } => (Some(text.text.to_string()), via.as_deref(), None),
            SiteValue::Structured(query) => (Some(query.to_string()), None, None),
            SiteValue::Dynamic(reason) => (None, None, Some(reason.as_str())),
            SiteValue::Absent => (None, None, Some("the call passes no `permissions`")),
        };
        let mut json = SiteJson {
            file: file.source.name(),
            line,
            column,
            end_line,
            end_column,
            language: file.language,
            kind: site.kind,
            version: site.version,
            shape: &site.shape,
            value,
            via_constant,
            not_checked,
            v1_fields: site
                .v1_fields
                .iter()
                .map(|(name, _)| name.as_str())
                .collect(),
            query: None,
            syntax_error: None,
            passed_by: None,
            depends_on_wildcard_reading: None,
        };
        match asked {
            SiteQuery::Query(query, passing) => {
                json.query = Some(query.to_string());
                json.passed_by = Some(passed_by(context, passing));
                json.depends_on_wildcard_reading = Some(
                    (passing.diverging.iter())
                        .map(|(policy, key, wildcard)| Diverging {
                            key: context.key_name(*policy, *key),
                            allowed_under: if *wildcard { "wildcard" } else { "literal" },
                        })
                        .collect(),
                );
            }
            SiteQuery::Rejected(error) => json.syntax_error = Some(error.to_string()),
            SiteQuery::Nothing => {}
        }
        json
    }
}

fn passed_by<'a>(context: &'a CodeContext<'a>, passing: &'a Passing) -> PassedBy<'a> {
    let policy_name = |policy: usize| context.policies[policy].resolved.policy.source.name();
    PassedBy {
        keys: (passing.keys.iter())
            .map(|pass| KeyJson {
                policy: policy_name(pass.policy),
                key: context.key_name(pass.policy, pass.key),
                grants: (pass.grants.iter())
                    .map(|(grant, role)| GrantJson {
                        grant,
                        role: role.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
        roles: (passing.roles.iter())
            .map(|(policy, role)| RoleJson {
                policy: policy_name(*policy),
                role: context.role_name(*policy, *role),
            })
            .collect(),
    }
}

/// `diff`'s report of the permissions new code asks for that no key holds, for people.
pub fn new_asks_text(asks: &[NewAsk]) -> String {
    if asks.is_empty() {
        return String::new();
    }
    let mut text = String::from("\ncode asks for permissions no key holds:\n");
    for ask in asks {
        let (line, column) = ask.source.line_column(ask.span.start());
        text.push_str(&format!(
            "  {}:{line}:{column}  `{}` ({})\n",
            escaped(ask.source.name()),
            escaped(&ask.permission),
            escaped(&ask.shape)
        ));
    }
    text
}

/// The same as a Markdown section, for a pull request's summary.
pub fn new_asks_markdown(asks: &[NewAsk]) -> String {
    if asks.is_empty() {
        return String::new();
    }
    let mut text = String::from(
        "\n### Code asks for permissions no key holds\n\n| place | permission | shape |\n|---|---|---|\n",
    );
    for ask in asks {
        let (line, column) = ask.source.line_column(ask.span.start());
        let place = format!("{}:{line}:{column}", ask.source.name());
        text.push_str(&format!(
            "| {} | {} | {} |\n",
            code(&place),
            code(&ask.permission),
            code(&ask.shape)
        ));
    }
    text
}

/// The same as JSON: `[{"file", "line", "column", "permission", "shape"}]`.
pub fn new_asks_json(asks: &[NewAsk]) -> Value {
    asks.iter()
        .map(|ask| {
            let (line, column) = ask.source.line_column(ask.span.start());
            serde_json::json!({"file": ask.source.name(), "line": line, "column": column,
                               "permission": ask.permission, "shape": ask.shape})
        })
        .collect()
}
