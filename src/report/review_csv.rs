//! The access review as CSV: one file per table, one row type per file (docs/report.md).
//! A cell is policy text made safe for a spreadsheet: control characters escaped, and a
//! leading `=`, `+`, `-` or `@` (which a spreadsheet would run as a formula) behind a `'`.
//! Lists are JSON arrays in one cell.

use crate::printable::escaped;
use crate::review::{Review, Source};
use std::path::Path;

/// Writes the tables of `review` into `directory` (created if missing), each file whole.
pub fn review_csv(review: &Review, directory: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(directory)?;
    let tables: [(&str, Fill); 9] = [
        ("summary.csv", summary),
        ("files.csv", files),
        ("who_can.csv", who_can),
        ("keys.csv", keys),
        ("key_permissions.csv", key_permissions),
        ("roles.csv", roles),
        ("root_routes.csv", root_routes),
        ("findings.csv", findings),
        ("changes.csv", changes),
    ];
    for (name, fill) in tables {
        let mut table = Table::default();
        fill(review, &mut table);
        crate::atomic_write::write_file(&directory.join(name), &table.finish()?)?;
    }
    Ok(())
}

/// Writes one table's rows.
type Fill = fn(&Review, &mut Table);

/// Rows being written.
#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    fn row<const N: usize>(&mut self, cells: [String; N]) {
        self.rows
            .push(cells.into_iter().map(|cell| safe(&cell)).collect());
    }

    fn finish(self) -> std::io::Result<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        for row in &self.rows {
            writer.write_record(row)?;
        }
        writer.into_inner().map_err(|error| error.into_error())
    }
}

/// `cell` as a spreadsheet shows it and never runs it.
fn safe(cell: &str) -> String {
    let cell = escaped(cell);
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.into_owned()
    }
}

fn list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).expect("strings serialize")
}

fn text(value: impl ToString) -> String {
    value.to_string()
}

fn optional(value: Option<&String>) -> String {
    value.cloned().unwrap_or_default()
}

fn source_cells(source: &Source) -> [String; 3] {
    [
        source.grant.clone(),
        optional(source.role.as_ref()),
        text(source.pattern.name()),
    ]
}

fn summary(review: &Review, table: &mut Table) {
    let summary = &review.summary;
    table.row([text("field"), text("value")]);
    let mut fields = vec![
        ("permspec", review.permspec.clone()),
        ("generated", review.generated.clone()),
        ("digest", review.digest.clone()),
        ("policies", text(summary.policies)),
        ("api_keys", text(summary.api_keys)),
        ("root_keys", text(summary.root_keys)),
        ("roles", text(summary.roles)),
        ("disabled", text(summary.disabled)),
        ("expired", text(summary.expired)),
        ("permissions", text(summary.permissions)),
        ("findings_error", text(summary.findings.error)),
        ("findings_warning", text(summary.findings.warning)),
        ("findings_info", text(summary.findings.info)),
    ];
    if let Some(cases) = &summary.cases {
        fields.push(("cases_total", text(cases.total)));
        fields.push(("cases_passed", text(cases.passed)));
        fields.push(("cases_failed", text(cases.failed)));
        fields.push(("cases_ignored", text(cases.ignored)));
    }
    if let Some(coverage) = summary.coverage {
        fields.push(("coverage_percent", format!("{coverage:.1}")));
    }
    if let Some(previous) = &review.previous {
        fields.push(("previous_generated", previous.generated.clone()));
        fields.push(("previous_digest", previous.digest.clone()));
        fields.push(("unchanged_since_previous", text(previous.unchanged)));
    }
    for (field, value) in fields {
        table.row([text(field), value]);
    }
}

fn files(review: &Review, table: &mut Table) {
    table.row(["file", "policy", "cases", "commit", "modified"].map(text));
    for file in &review.files {
        let commit = file.commit.as_ref();
        table.row([
            file.file.clone(),
            text(file.policy),
            text(file.cases),
            commit
                .map(|commit| commit.commit.clone())
                .unwrap_or_default(),
            commit
                .map(|commit| text(commit.modified))
                .unwrap_or_default(),
        ]);
    }
}

fn who_can(review: &Review, table: &mut Table) {
    let header = ["policy", "permission", "destructive", "holders", "key"];
    let header = header.into_iter().chain(["grant", "role", "pattern"]);
    table.rows.push(header.map(text).collect());
    for row in &review.permissions {
        let mut held = |key: &str, [grant, role, pattern]: [String; 3]| {
            let (policy, permission) = (row.policy.clone(), row.permission.clone());
            let (destructive, holders) = (text(row.destructive), text(row.holders));
            table.row([
                policy,
                permission,
                destructive,
                holders,
                text(key),
                grant,
                role,
                pattern,
            ]);
        };
        if row.sources.is_empty() {
            held("", Default::default());
        }
        for group in &row.sources {
            for key in &group.keys {
                held(key, source_cells(&group.source));
            }
        }
    }
}

fn keys(review: &Review, table: &mut Table) {
    let header = [
        "policy", "key", "kind", "line", "state", "expires", "roles", "direct",
    ];
    let header = header
        .into_iter()
        .chain(["effective", "cases_passed", "cases_failed"]);
    let header = header.chain(["cases_ignored", "findings", "digest"]);
    table.rows.push(header.map(text).collect());
    for key in &review.keys {
        let count = |result: &str| {
            key.cases
                .iter()
                .filter(|case| case.result == result)
                .count()
        };
        let codes: Vec<&str> = key.findings.iter().map(|finding| finding.code).collect();
        table.row([
            key.policy.clone(),
            key.name.clone(),
            text(key.kind),
            text(key.line),
            text(key.state.name()),
            optional(key.expires.as_ref()),
            list(&key.roles),
            list(&key.direct),
            text(key.effective.len()),
            text(count("passed")),
            text(count("failed")),
            text(count("ignored")),
            list(&codes),
            key.digest.clone(),
        ]);
    }
}

fn key_permissions(review: &Review, table: &mut Table) {
    let header = ["policy", "key", "permission", "grant", "role", "pattern"];
    table.row(header.map(text));
    for key in &review.keys {
        for holding in key.effective.iter() {
            for source in &holding.via {
                let [grant, role, pattern] = source_cells(source);
                let (policy, name) = (key.policy.clone(), key.name.clone());
                table.row([
                    policy,
                    name,
                    holding.permission.clone(),
                    grant,
                    role,
                    pattern,
                ]);
            }
        }
    }
}

fn roles(review: &Review, table: &mut Table) {
    let header = ["policy", "role", "line", "grants", "reaches", "members"];
    table.row(header.map(text));
    for role in &review.roles {
        table.row([
            role.policy.clone(),
            role.name.clone(),
            text(role.line),
            list(&role.grants),
            list(&role.reaches),
            list(&role.members),
        ]);
    }
}

fn root_routes(review: &Review, table: &mut Table) {
    let header = [
        "policy", "key", "state", "flags", "family", "route", "call", "grants",
    ];
    table.row(header.map(text));
    for key in &review.root_keys {
        for route in &key.routes {
            table.row([
                key.policy.clone(),
                key.key.clone(),
                text(key.state.name()),
                list(&key.flags),
                route.family.clone(),
                route.route.clone(),
                route.call.clone(),
                list(&route.grants),
            ]);
        }
    }
}

fn findings(review: &Review, table: &mut Table) {
    let header = [
        "file", "line", "column", "level", "code", "rule", "owner", "message",
    ];
    table.row(header.map(text));
    for finding in &review.findings {
        table.row([
            finding.file.clone(),
            text(finding.line),
            text(finding.column),
            text(finding.level),
            text(finding.code),
            text(finding.rule),
            optional(finding.owner.as_ref()),
            finding.message.clone(),
        ]);
    }
}

fn changes(review: &Review, table: &mut Table) {
    let header = [
        "policy",
        "key",
        "presence",
        "change",
        "item",
        "via",
        "acknowledged",
    ];
    table.row(header.map(text));
    let Some(changes) = &review.changes else {
        return;
    };
    for key in &changes.keys {
        let mut row = |change: &str, item: &String, via: String, acknowledged: String| {
            let (policy, name) = (key.policy.clone(), key.key.clone());
            let presence = text(key.presence);
            table.row([
                policy,
                name,
                presence,
                text(change),
                item.clone(),
                via,
                acknowledged,
            ]);
        };
        for gain in &key.gained {
            row(
                "gained",
                &gain.permission,
                list(&gain.via),
                text(gain.acknowledged),
            );
        }
        for lost in &key.lost {
            row("lost", lost, String::new(), String::new());
        }
        for role in &key.roles_added {
            row("role added", role, String::new(), String::new());
        }
        for role in &key.roles_removed {
            row("role removed", role, String::new(), String::new());
        }
    }
}
