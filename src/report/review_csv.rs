//! The access review as CSV: one file per table, one row type per file (docs/report.md).
//! A cell is policy text made safe for a spreadsheet: control characters, blank look-alikes
//! and spaces at either end escaped, backslashes doubled, and a
//! leading `=`, `+`, `-` or `@` (which a spreadsheet would run as a formula) behind a `'`.
//! Lists are JSON arrays in one cell.

use crate::printable::escaped_unambiguous;
use crate::review::{Review, Source};
use std::borrow::Cow;
use std::path::Path;

/// The tables, by file name, each with what fills it.
const TABLES: [(&str, Fill); 10] = [
    ("summary.csv", summary),
    ("files.csv", files),
    ("who_can.csv", who_can),
    ("keys.csv", keys),
    ("key_permissions.csv", key_permissions),
    ("roles.csv", roles),
    ("root_routes.csv", root_routes),
    ("findings.csv", findings),
    ("exceptions.csv", exceptions),
    ("changes.csv", changes),
];

/// Writes the tables of `review` as the directory `directory`, all of them or none: they
/// are written into a new directory beside it, which then takes its place. An existing
/// `directory` may hold only tables a report wrote (it is replaced whole); anything else
/// in it is refused, never deleted.
pub fn review_csv(review: &Review, directory: &Path) -> std::io::Result<()> {
    let tables = TABLES.map(|(name, fill)| {
        let mut table = Table::default();
        fill(review, &mut table);
        table.finish().map(|bytes| (name, bytes))
    });
    let existing = std::fs::symlink_metadata(directory).ok();
    if let Some(metadata) = &existing {
        refuse_unless_a_report(directory, metadata)?;
    }
    let parent = match directory.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let staged = tempfile::Builder::new()
        .prefix(".permspec-report-")
        .tempdir_in(parent)?;
    for table in tables {
        let (name, bytes) = table?;
        std::fs::write(staged.path().join(name), bytes)?;
    }
    if let Some(metadata) = &existing {
        // The new directory keeps the old one's permissions (a review may be restricted).
        std::fs::set_permissions(staged.path(), metadata.permissions())?;
        // The old tables move into an empty directory of their own, which is then removed.
        let replaced = tempfile::Builder::new()
            .prefix(".permspec-replaced-")
            .tempdir_in(parent)?;
        std::fs::rename(directory, replaced.path())?;
        if let Err(error) = std::fs::rename(staged.path(), directory) {
            // The old tables go back where they were.
            std::fs::rename(replaced.path(), directory)?;
            return Err(error);
        }
        let _ = staged.keep();
    } else {
        std::fs::rename(staged.keep(), directory)?;
    }
    Ok(())
}

/// An error unless `directory` is a directory holding only tables a report writes.
fn refuse_unless_a_report(directory: &Path, metadata: &std::fs::Metadata) -> std::io::Result<()> {
    let refused = |why: String| Err(std::io::Error::other(why));
    if !metadata.is_dir() {
        return refused("it exists and is not a directory".to_owned());
    }
    for entry in std::fs::read_dir(directory)? {
        let entry = entry?;
        let name = entry.file_name();
        let ours = TABLES.iter().any(|(table, _)| name.as_os_str() == *table);
        if !ours || !entry.file_type()?.is_file() {
            let name = escaped_unambiguous(&name.to_string_lossy()).into_owned();
            return refused(format!(
                "it holds `{name}`, which is not a table of a report: give a new or empty directory, or one a report wrote"
            ));
        }
    }
    Ok(())
}

/// Writes one table's rows.
type Fill = fn(&Review, &mut Table);

/// A table being written, row by row.
struct Table {
    writer: csv::Writer<Vec<u8>>,
    /// The columns that hold lists written as JSON by [`list`], written as they are.
    lists: &'static [usize],
    /// The first error writing a row, reported when the table is finished.
    error: Option<csv::Error>,
}

impl Default for Table {
    fn default() -> Self {
        Table {
            writer: csv::Writer::from_writer(Vec::new()),
            lists: &[],
            error: None,
        }
    }
}

impl Table {
    fn row(&mut self, cells: &[&str]) {
        let fields = cells.iter().enumerate().map(|(column, cell)| {
            if self.lists.contains(&column) {
                self.writer.write_field(cell)
            } else {
                self.writer.write_field(&*safe(cell))
            }
        });
        let written = fields.collect::<Result<(), _>>();
        let ended = written.and_then(|()| self.writer.write_record(None::<&[u8]>));
        if let Err(error) = ended {
            self.error.get_or_insert(error);
        }
    }

    fn finish(self) -> std::io::Result<Vec<u8>> {
        if let Some(error) = self.error {
            return Err(error.into());
        }
        self.writer.into_inner().map_err(|error| error.into_error())
    }
}

/// `cell` as a spreadsheet shows it and never runs it.
fn safe(cell: &str) -> Cow<'_, str> {
    let cell = escaped_unambiguous(cell);
    if cell.starts_with(['=', '+', '-', '@']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        cell
    }
}

/// `items` as a JSON array: exact, printable, never a formula (it starts with `[`).
fn list<T: serde::Serialize>(items: &[T]) -> String {
    crate::printable::json_unambiguous(&items)
}

fn text(value: impl ToString) -> String {
    value.to_string()
}

fn summary(review: &Review, table: &mut Table) {
    let summary = &review.summary;
    table.row(&["field", "value"]);
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
    let off: Vec<&str> = review.rules_off.iter().map(|rule| rule.code).collect();
    fields.push(("rules_off", off.join(",")));
    for (field, value) in fields {
        table.row(&[field, &value]);
    }
}

fn files(review: &Review, table: &mut Table) {
    table.row(&["file", "policy", "cases", "now", "commit", "modified"]);
    for file in &review.files {
        let commit = file.commit.as_ref();
        let hash = commit.and_then(|commit| commit.commit.as_deref());
        let hash = hash.unwrap_or_default();
        let modified = commit.map(|commit| text(commit.modified));
        let (policy, cases) = (text(file.policy), text(file.cases));
        let modified = modified.as_deref().unwrap_or_default();
        let now = file.now.as_deref().unwrap_or_default();
        table.row(&[&file.file, &policy, &cases, now, hash, modified]);
    }
}

fn who_can(review: &Review, table: &mut Table) {
    let header = [
        "policy",
        "permission",
        "destructive",
        "forbidden",
        "holders",
        "key",
    ];
    table.row(&[&header[..], &["grant", "role", "pattern"]].concat());
    for row in &review.permissions {
        let (destructive, holders) = (text(row.destructive), text(row.holders));
        let forbidden = match row.forbidden.as_deref() {
            Some("") => "forbidden",
            Some(reason) => reason,
            None => "",
        };
        let lead = [
            &*row.policy,
            &row.permission,
            &destructive,
            forbidden,
            &holders,
        ];
        if row.sources.is_empty() {
            table.row(&[&lead[..], &["", "", "", ""]].concat());
        }
        for group in &row.sources {
            let source = source_cells(&group.source);
            for key in &group.keys {
                table.row(&[&lead[..], &[key.as_str()], &source].concat());
            }
        }
    }
}

/// A grant's cells: the grant, its role (empty when direct) and its pattern.
fn source_cells(source: &Source) -> [&str; 3] {
    let role = source.role.as_deref().unwrap_or_default();
    [&source.grant, role, source.pattern.name()]
}

fn keys(review: &Review, table: &mut Table) {
    let header = ["policy", "key", "kind", "line", "state", "expires", "roles"];
    let more = ["direct", "effective", "cases_passed", "cases_failed"];
    table.row(&[&header[..], &more, &["cases_ignored", "findings", "digest"]].concat());
    table.lists = &[6, 7, 12];
    for key in &review.keys {
        let count = |result: &str| {
            let cases = key.cases.iter();
            text(cases.filter(|case| case.result == result).count())
        };
        let codes: Vec<&str> = key.findings.iter().map(|finding| finding.code).collect();
        table.row(&[
            &key.policy,
            &key.name,
            key.kind,
            &text(key.line),
            key.state.name(),
            key.expires.as_deref().unwrap_or_default(),
            &list(&key.roles),
            &list(&key.direct),
            &text(key.effective.len()),
            &count("passed"),
            &count("failed"),
            &count("ignored"),
            &list(&codes),
            &key.digest,
        ]);
    }
}

fn key_permissions(review: &Review, table: &mut Table) {
    table.row(&["policy", "key", "permission", "grant", "role", "pattern"]);
    for key in &review.keys {
        for holding in key.effective.iter() {
            for source in &holding.via {
                let lead = [&*key.policy, &key.name, &holding.permission];
                table.row(&[&lead[..], &source_cells(source)].concat());
            }
        }
    }
}

fn roles(review: &Review, table: &mut Table) {
    table.row(&["policy", "role", "line", "grants", "reaches", "members"]);
    table.lists = &[3, 4, 5];
    for role in &review.roles {
        table.row(&[
            &role.policy,
            &role.name,
            &text(role.line),
            &list(&role.grants),
            &list(&role.reaches),
            &list(&role.members),
        ]);
    }
}

fn root_routes(review: &Review, table: &mut Table) {
    let header = ["policy", "key", "state", "flags", "family", "route", "call"];
    table.row(&[&header[..], &["grants"]].concat());
    table.lists = &[3, 7];
    for key in &review.root_keys {
        let flags = list(&key.flags);
        for route in &key.routes {
            table.row(&[
                &key.policy,
                &key.key,
                key.state.name(),
                &flags,
                &route.family,
                &route.route,
                &route.call,
                &list(&route.grants),
            ]);
        }
    }
}

fn findings(review: &Review, table: &mut Table) {
    let header = ["file", "line", "column", "level", "code", "rule", "owner"];
    table.row(&[&header[..], &["message"]].concat());
    for finding in &review.findings {
        table.row(&[
            &finding.file,
            &text(finding.line),
            &text(finding.column),
            finding.level,
            finding.code,
            finding.rule,
            finding.owner.as_deref().unwrap_or_default(),
            &finding.message,
        ]);
    }
}

fn exceptions(review: &Review, table: &mut Table) {
    table.row(&["policy", "owner", "rules", "reason", "until", "line"]);
    table.lists = &[2];
    for exception in &review.exceptions {
        let until = exception.until.as_deref().unwrap_or_default();
        let (rules, line) = (list(&exception.rules), text(exception.line));
        table.row(&[
            &exception.policy,
            &exception.owner,
            &rules,
            &exception.reason,
            until,
            &line,
        ]);
    }
}

fn changes(review: &Review, table: &mut Table) {
    let header = ["policy", "key", "presence", "change", "item", "via"];
    table.row(&[&header[..], &["acknowledged"]].concat());
    table.lists = &[5];
    let Some(changes) = &review.changes else {
        return;
    };
    for key in &changes.keys {
        let mut row = |change: &str, item: &str, via: &str, acknowledged: &str| {
            let lead = [&*key.policy, &key.key, key.presence];
            table.row(&[&lead[..], &[change, item, via, acknowledged]].concat());
        };
        for gain in &key.gained {
            let acknowledged = text(gain.acknowledged);
            row("gained", &gain.permission, &list(&gain.via), &acknowledged);
        }
        for lost in &key.lost {
            row("lost", lost, "", "");
        }
        for role in &key.roles_added {
            row("role added", role, "", "");
        }
        for role in &key.roles_removed {
            row("role removed", role, "", "");
        }
    }
}
