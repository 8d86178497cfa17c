//! Drift between the committed policy and the live workspace, for people and for a
//! scheduled CI job's summary.

use super::markdown::code;
use crate::import::drift::{Drift, KeyDrift, KeyState, SetDrift};
use crate::printable::escaped;

/// The Markdown table stops after this many rows: a job summary has room for about 1 MiB.
const MARKDOWN_ROWS: usize = 500;

/// What the signs mean.
const LEGEND: &str = "+ only in the workspace, - only in the file";

/// The drift of the policy file `file`, a line per difference.
pub fn drift_text(drift: &Drift, file: &str) -> String {
    if drift.is_empty() {
        return format!("{}: matches the workspace\n", escaped(file));
    }
    let mut out = format!(
        "{}: differs from the workspace in {} ({LEGEND})\n",
        escaped(file),
        counts(drift)
    );
    for row in rows(drift, quoted) {
        let sign = match row.change {
            Change::Added => "+",
            Change::Removed => "-",
            Change::Changed => "~",
        };
        let at = row
            .line
            .map_or(String::new(), |line| format!(" (line {line})"));
        let details = if row.details.is_empty() {
            String::new()
        } else {
            format!(": {}", row.details.join("; "))
        };
        out.push_str(&format!("  {sign} {}{at}{details}\n", row.what));
    }
    out
}

/// The drift of `file` as Markdown: a summary line, then a table of every difference.
pub fn drift_markdown(drift: &Drift, file: &str) -> String {
    let mut out = String::from("### permspec drift\n\n");
    if drift.is_empty() {
        out.push_str(&format!("{} matches the workspace.\n", code(file)));
        return out;
    }
    out.push_str(&format!(
        "{} differs from the workspace in {} ({LEGEND}).\n\n| | what | line | change |\n|---|---|---|---|\n",
        code(file),
        counts(drift)
    ));
    let rows = rows(drift, code);
    let left_out = rows.len().saturating_sub(MARKDOWN_ROWS);
    for row in rows.into_iter().take(MARKDOWN_ROWS) {
        let change = match row.change {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        };
        let line = row.line.map_or(String::new(), |line| line.to_string());
        let details = row.details.join("<br>");
        out.push_str(&format!(
            "| {change} | {} | {line} | {details} |\n",
            row.what
        ));
    }
    if left_out > 0 {
        out.push_str(&format!(
            "\n…and {left_out} more: `permspec drift --format json` lists every difference.\n"
        ));
    }
    out
}

/// How a thing differs.
enum Change {
    Added,
    Removed,
    Changed,
}

/// One difference, its names shown as the output shows them.
struct Row {
    change: Change,
    what: String,
    line: Option<usize>,
    details: Vec<String>,
}

/// Every difference in order: keys, roles, then the catalog; names shown with `show`.
fn rows(drift: &Drift, show: fn(&str) -> String) -> Vec<Row> {
    let row = |change, what: String, line, details| Row {
        change,
        what,
        line,
        details,
    };
    let key = |name: &str| format!("key {}", show(name));
    let role = |name: &str| format!("role {}", show(name));
    let mut rows = Vec::new();
    for added in &drift.added_keys {
        rows.push(row(
            Change::Added,
            key(&added.key),
            None,
            holds(added, show),
        ));
    }
    for removed in &drift.removed_keys {
        rows.push(row(
            Change::Removed,
            key(&removed.key),
            removed.line,
            Vec::new(),
        ));
    }
    for changed in &drift.changed_keys {
        let details = key_changes(changed, show);
        rows.push(row(
            Change::Changed,
            key(&changed.key),
            Some(changed.line),
            details,
        ));
    }
    for added in &drift.added_roles {
        let details = vec![list(&added.permissions, show)];
        rows.push(row(Change::Added, role(&added.role), None, details));
    }
    for removed in &drift.removed_roles {
        rows.push(row(
            Change::Removed,
            role(&removed.role),
            removed.line,
            Vec::new(),
        ));
    }
    for changed in &drift.changed_roles {
        let details = set_changes(&changed.permissions, "permission", show);
        rows.push(row(
            Change::Changed,
            role(&changed.role),
            Some(changed.line),
            details,
        ));
    }
    if let Some(catalog) = drift
        .catalog
        .as_ref()
        .filter(|c| **c != SetDrift::default())
    {
        let details = set_changes(catalog, "permission", show);
        rows.push(row(Change::Changed, "catalog".to_owned(), None, details));
    }
    rows
}

/// `3 keys, 1 role, the catalog`: what differs.
fn counts(drift: &Drift) -> String {
    let keys = drift.added_keys.len() + drift.removed_keys.len() + drift.changed_keys.len();
    let roles = drift.added_roles.len() + drift.removed_roles.len() + drift.changed_roles.len();
    let mut parts = Vec::new();
    if keys > 0 {
        parts.push(format!("{keys} key{}", if keys == 1 { "" } else { "s" }));
    }
    if roles > 0 {
        parts.push(format!("{roles} role{}", if roles == 1 { "" } else { "s" }));
    }
    if drift
        .catalog
        .as_ref()
        .is_some_and(|c| *c != SetDrift::default())
    {
        parts.push("the catalog".to_owned());
    }
    parts.join(", ")
}

/// A name in backticks, shown so that no two names look alike.
fn quoted(name: &str) -> String {
    format!("`{}`", crate::printable::escaped_unambiguous(name))
}

fn list(names: &[String], show: fn(&str) -> String) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names
            .iter()
            .map(|name| show(name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn holds(key: &KeyState, show: fn(&str) -> String) -> Vec<String> {
    vec![
        format!("roles {}", list(&key.roles, show)),
        format!("permissions {}", list(&key.permissions, show)),
    ]
}

/// `+ permission a`, `- permission b`: a set's changes, each shown with `show`.
fn set_changes(set: &SetDrift, what: &str, show: fn(&str) -> String) -> Vec<String> {
    (set.added
        .iter()
        .map(|name| format!("+ {what} {}", show(name))))
    .chain(
        set.removed
            .iter()
            .map(|name| format!("- {what} {}", show(name))),
    )
    .collect()
}

fn key_changes(key: &KeyDrift, show: fn(&str) -> String) -> Vec<String> {
    let mut changes = set_changes(&key.roles, "role", show);
    changes.extend(set_changes(&key.permissions, "permission", show));
    if let Some((then, now)) = key.enabled {
        changes.push(format!("enabled {then} → {now}"));
    }
    if let Some((then, now)) = &key.key_id {
        changes.push(format!("Unkey key id {} → {}", show(then), show(now)));
    }
    if let Some((then, now)) = &key.expires {
        let at = |at: &Option<String>| at.as_deref().map_or("never".to_owned(), show);
        changes.push(format!("expires {} → {}", at(then), at(now)));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_drift_fits_a_job_summary() {
        let key = |index: usize| KeyState {
            key: format!("key_{index}"),
            roles: Vec::new(),
            permissions: vec!["documents.read".to_owned()],
            line: None,
        };
        let drift = Drift {
            added_keys: (0..MARKDOWN_ROWS + 7).map(key).collect(),
            ..Drift::default()
        };
        let markdown = drift_markdown(&drift, "p.yaml");
        let rows = markdown
            .lines()
            .filter(|line| line.starts_with("| added"))
            .count();
        assert_eq!(rows, MARKDOWN_ROWS);
        assert!(
            markdown
                .ends_with("…and 7 more: `permspec drift --format json` lists every difference.\n")
        );
        assert!(drift_text(&drift, "p.yaml").lines().count() > MARKDOWN_ROWS + 7);
    }

    #[test]
    fn text_from_the_workspace_cannot_forge_lines_or_markdown() {
        let drift = Drift {
            added_keys: vec![KeyState {
                key: "evil\n  ~ key `x`: matches|<b>".to_owned(),
                roles: vec!["r`|".to_owned()],
                permissions: Vec::new(),
                line: None,
            }],
            ..Drift::default()
        };
        let text = drift_text(&drift, "p.yaml");
        assert_eq!(text.lines().count(), 2, "{text}");
        let markdown = drift_markdown(&drift, "p.yaml");
        let row = markdown.lines().last().unwrap();
        assert_eq!(row.matches(" | ").count(), 3, "{row}");
        assert!(!row.contains("<b>") || row.contains("`evil"), "{row}");
    }
}
