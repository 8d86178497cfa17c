//! A policy diff for people (miette labels on the new version's grants), for tools (JSON)
//! and for pull-request comments (Markdown).

use super::markdown::code;
use super::{Renderer, finding_json};
use crate::diagnostic::FileDiagnostic;
use crate::diff::{Answer, Diff, Gain, KeyChange, PolicyChange, Presence};
use crate::error_code::ErrorCode;
use crate::policy::KeyKind;
use crate::printable::escaped;
use crate::span::Span;
use miette::Severity;
use serde_json::{Value, json};

fn kind_word(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Api => "key",
        KeyKind::Root => "root key",
    }
}

fn presence_word(presence: Presence) -> &'static str {
    match presence {
        Presence::Added => "added",
        Presence::Removed => "removed",
        Presence::Kept => "kept",
    }
}

/// A gained permission in words: `reports.export_pii (new in the catalog)`.
fn gained(gain: &Gain) -> String {
    if gain.new_in_catalog {
        format!("{} ({NEW_IN_CATALOG})", gain.permission)
    } else {
        gain.permission.clone()
    }
}

const NEW_IN_CATALOG: &str = "new in the catalog";

/// Gains listed one by one; past this many, they are summed up by family.
const LISTED: usize = 8;

fn permissions(gains: &[Gain]) -> String {
    let gains: Vec<&Gain> = gains.iter().collect();
    folded(&gains)
}

/// Gains in words: each one, or past [`LISTED`], the admin grant they all come through
/// (`**#*`: every route with a URN leaf), else a count per family (`keys.*`, `documents.*`).
fn folded(gains: &[&Gain]) -> String {
    if gains.len() <= LISTED {
        let names: Vec<String> = gains.iter().map(|gain| gained(gain)).collect();
        return names.join(", ");
    }
    let admin = gains.first().and_then(|first| {
        first
            .via
            .iter()
            .map(|via| via.grant.as_str())
            .find(|grant| {
                is_admin_grant(grant)
                    && gains
                        .iter()
                        .all(|gain| gain.via.iter().any(|via| via.grant == *grant))
            })
    });
    if let Some(admin) = admin {
        let mut routes: Vec<&str> = (gains.iter())
            .map(|gain| gain.permission.split('(').next().unwrap_or_default())
            .collect();
        routes.sort_unstable();
        routes.dedup();
        return format!(
            "the admin grant `{admin}`: every URN-checked route ({} routes, {} calls)",
            routes.len(),
            gains.len()
        );
    }
    let mut families: Vec<(&str, usize)> = Vec::new();
    for gain in gains {
        let name = gain.permission.split('(').next().unwrap_or_default();
        let family = name.split('.').next().unwrap_or(name);
        match families.iter_mut().find(|(known, _)| *known == family) {
            Some((_, count)) => *count += 1,
            None => families.push((family, 1)),
        }
    }
    let parts: Vec<String> = families
        .iter()
        .map(|(family, count)| format!("{family}.* ({count})"))
        .collect();
    format!(
        "{} permissions and route calls: {}",
        gains.len(),
        parts.join(", ")
    )
}

/// Whether `grant` is a URN admin grant of a workspace: `unkey:v1:<ws>:**#*`.
fn is_admin_grant(grant: &str) -> bool {
    grant
        .strip_prefix("unkey:v1:")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(_, path)| path == "**#*")
}

/// The widening of one key as a diagnostic on the grants that give it.
fn widening(policy: &PolicyChange, key: &KeyChange) -> Option<FileDiagnostic> {
    let source = policy.source.as_ref()?;
    let acknowledged = key.gained.iter().all(|gain| gain.acknowledged);
    let subject = match key.presence {
        Presence::Added => format!("new {} `{}`", kind_word(key.kind), key.key),
        _ => format!("{} `{}`", kind_word(key.kind), key.key),
    };
    let message = format!("{subject} gains {}", permissions(&key.gained));
    let mut labels: Vec<(Span, String, Vec<&Gain>)> = Vec::new();
    for gain in &key.gained {
        for via in &gain.via {
            match labels.iter_mut().find(|(span, ..)| *span == via.span) {
                Some((.., gained)) => gained.push(gain),
                None => {
                    let role = via
                        .role
                        .as_ref()
                        .map(|role| format!(" (role `{role}`)"))
                        .unwrap_or_default();
                    labels.push((via.span, role, vec![gain]));
                }
            }
        }
    }
    let primary = key
        .span
        .unwrap_or_else(|| labels.first().map_or(Span::default(), |l| l.0));
    let mut diagnostic = FileDiagnostic::at(
        ErrorCode::DiffWidened,
        source,
        primary,
        message,
        "gains access",
    )
    .with_severity(if acknowledged {
        Severity::Advice
    } else {
        Severity::Warning
    });
    for (span, role, gained) in labels {
        diagnostic = diagnostic.with_label(span, format!("grants {}{role}", folded(&gained)));
    }
    let mut newly_held: Vec<(Span, &str)> = Vec::new();
    for via in key.gained.iter().flat_map(|gain| &gain.via) {
        if let (Some(role), Some(held)) = (&via.role, via.held)
            && key.roles_added.contains(role)
            && !newly_held.iter().any(|(span, _)| *span == held)
        {
            newly_held.push((held, role));
        }
    }
    for (span, role) in newly_held {
        diagnostic = diagnostic.with_label(span, format!("now holds role `{role}`"));
    }
    let unacknowledged: Vec<&Gain> = key
        .gained
        .iter()
        .filter(|gain| !gain.acknowledged)
        .collect();
    Some(match unacknowledged.first() {
        None => diagnostic.with_help("every gain is asserted by a case expecting allow"),
        Some(gain) => diagnostic.with_help(format!(
            "if intended, add a case that asserts it, e.g. `{}`, or pass --allow-widening",
            gain.case
        )),
    })
}

fn other_changes(key: &KeyChange) -> Vec<String> {
    let mut lines = Vec::new();
    let name = format!("{} `{}`", kind_word(key.kind), key.key);
    match key.presence {
        Presence::Added if key.gained.is_empty() => lines.push(format!("added    {name}")),
        Presence::Removed => lines.push(format!("removed  {name}")),
        _ => {}
    }
    // A root key's route calls read `route(...)`; when it loses none, what it loses are
    // permission strings that only a query asks.
    let strings_only = key.kind == KeyKind::Root && !key.lost.iter().any(|lost| lost.contains('('));
    if !key.lost.is_empty() && strings_only {
        lines.push(format!(
            "narrowed {name}: no longer holds the strings {} (a query asks them; the route \
             calls it may make are the same)",
            key.lost.join(", ")
        ));
    } else if !key.lost.is_empty() {
        lines.push(format!("narrowed {name}: loses {}", key.lost.join(", ")));
    }
    let mut roles: Vec<String> = key
        .roles_added
        .iter()
        .map(|role| format!("+{role}"))
        .collect();
    roles.extend(key.roles_removed.iter().map(|role| format!("-{role}")));
    if !roles.is_empty() {
        lines.push(format!("roles    {name}: {}", roles.join(" ")));
    }
    lines
}

/// The diff for people: widenings as miette reports, then the rest as lines, then a summary.
pub fn diff_text(diff: &Diff, renderer: &Renderer) -> String {
    let mut out = String::new();
    for policy in &diff.policies {
        for key in policy.keys.iter().filter(|key| key.widened()) {
            if let Some(diagnostic) = widening(policy, key) {
                out.push_str(&renderer.render(&diagnostic));
            }
        }
    }
    for policy in &diff.policies {
        let mut lines: Vec<String> = policy.keys.iter().flat_map(other_changes).collect();
        if let Some((before, after)) = policy.semantics_switch() {
            lines.insert(0, format!("semantics {before} -> {after}"));
        }
        if !policy.roles_added.is_empty() {
            lines.push(format!("roles added: {}", policy.roles_added.join(", ")));
        }
        if !policy.roles_removed.is_empty() {
            lines.push(format!(
                "roles removed: {}",
                policy.roles_removed.join(", ")
            ));
        }
        if !lines.is_empty() {
            out.push_str(&format!("\n{}\n", escaped(&policy.file)));
            for line in lines {
                out.push_str(&format!("  {}\n", escaped(&line)));
            }
        }
    }
    if !diff.flips.is_empty() {
        out.push_str("\ncases whose decision flips\n");
        for flip in &diff.flips {
            let (line, _) = flip.source.line_column(flip.span.start());
            let flipped = format!(
                "{}:{line} {}: {} -> {}",
                flip.source.name(),
                flip.case,
                flip.before,
                flip.after
            );
            out.push_str(&format!("  {}\n", escaped(&flipped)));
        }
    }
    if !diff.findings.is_empty() {
        out.push_str("\nnew lint findings\n");
        for finding in &diff.findings {
            out.push_str(&renderer.render(&finding.diagnostic()));
        }
    }
    out.push_str(&format!("\n{}\n", summary(diff)));
    out
}

/// One line: how many keys widen (and how much of it is unacknowledged), narrow, and the rest.
pub fn summary(diff: &Diff) -> String {
    let widened = diff.key_changes().filter(|key| key.widened()).count();
    let narrowed = diff
        .key_changes()
        .filter(|key| !key.lost.is_empty())
        .count();
    format!(
        "access widens for {widened} key{} ({} unacknowledged permission{}), narrows for \
         {narrowed}; {} case{} flip; {} new lint finding{}",
        plural(widened),
        diff.unacknowledged(),
        plural(diff.unacknowledged()),
        diff.flips.len(),
        plural(diff.flips.len()),
        diff.findings.len(),
        plural(diff.findings.len()),
    )
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// The diff as one JSON document.
pub fn diff_json(diff: &Diff) -> Value {
    let policies: Vec<Value> = diff
        .policies
        .iter()
        .map(|policy| {
            let keys: Vec<Value> = policy
                .keys
                .iter()
                .map(|key| {
                    let gained: Vec<Value> = key
                        .gained
                        .iter()
                        .map(|gain| {
                            let via: Vec<Value> = gain
                                .via
                                .iter()
                                .map(|via| {
                                    let (line, column) =
                                        policy.source.as_ref().map_or((0, 0), |source| {
                                            source.line_column(via.span.start())
                                        });
                                    json!({"grant": via.grant, "role": via.role,
                                           "line": line, "column": column})
                                })
                                .collect();
                            json!({"permission": gain.permission, "acknowledged": gain.acknowledged,
                                   "new_in_catalog": gain.new_in_catalog, "via": via})
                        })
                        .collect();
                    json!({
                        "key": key.key,
                        "kind": match key.kind { KeyKind::Api => "api", KeyKind::Root => "root" },
                        "presence": presence_word(key.presence),
                        "widened": key.widened(),
                        "gained": gained,
                        "lost": key.lost,
                        "roles_added": key.roles_added,
                        "roles_removed": key.roles_removed,
                    })
                })
                .collect();
            json!({
                "file": policy.file,
                "semantics": {"before": policy.semantics.0.map(|s| s.name()),
                              "after": policy.semantics.1.map(|s| s.name())},
                "keys": keys,
                "roles_added": policy.roles_added,
                "roles_removed": policy.roles_removed,
            })
        })
        .collect();
    let flips: Vec<Value> = diff
        .flips
        .iter()
        .map(|flip| {
            let (line, column) = flip.source.line_column(flip.span.start());
            json!({"file": flip.source.name(), "case": flip.case, "line": line, "column": column,
                   "before": answer_json(&flip.before), "after": answer_json(&flip.after)})
        })
        .collect();
    json!({
        "widened": diff.key_changes().any(KeyChange::widened),
        "unacknowledged": diff.unacknowledged(),
        "policies": policies,
        "flips": flips,
        "findings": diff.findings.iter().map(finding_json).collect::<Vec<_>>(),
    })
}

/// An answer in JSON: a decision code's name (`"VALID"`), a root key's verdict and status
/// (`{"allowed": false, "status": 404}`), or an access assertion's keys (`{"keys": [...]}`).
fn answer_json(answer: &Answer) -> Value {
    match answer {
        Answer::Code(code) => json!(code.name()),
        Answer::Status { allowed, status } => json!({"allowed": allowed, "status": status}),
        Answer::Keys(keys) => json!({"keys": keys}),
    }
}

/// The diff as Markdown for a pull-request comment: a table of key changes, widenings first.
pub fn diff_markdown(diff: &Diff) -> String {
    let mut out = String::from("### permspec diff\n\n");
    out.push_str(&format!("{}\n\n", summary(diff)));
    let rows: Vec<String> = diff
        .policies
        .iter()
        .flat_map(|policy| policy.keys.iter().map(move |key| key_row(policy, key)))
        .collect();
    for policy in &diff.policies {
        if let Some((before, after)) = policy.semantics_switch() {
            out.push_str(&format!(
                "{}: semantics {before} → {after}\n\n",
                code(&policy.file)
            ));
        }
    }
    if !rows.is_empty() {
        out.push_str("| Key | Change | File | Permissions |\n|---|---|---|---|\n");
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
    }
    if !diff.flips.is_empty() {
        out.push_str("\n**Cases whose decision flips**\n\n");
        for flip in &diff.flips {
            out.push_str(&format!(
                "- {} {}: {} → {}\n",
                code(flip.source.name()),
                code(&flip.case),
                flip.before,
                flip.after
            ));
        }
    }
    if !diff.findings.is_empty() {
        out.push_str("\n**New lint findings**\n\n");
        for finding in &diff.findings {
            let (line, _) = finding.line_column();
            out.push_str(&format!(
                "- {} {} {}\n",
                code(&format!("{}:{line}", finding.source.name())),
                finding.rule.label(),
                code(&finding.message)
            ));
        }
    }
    out
}

/// A key's row of the Markdown table: the key, how its access changed, the file, and each
/// gain, loss and role change.
fn key_row(policy: &PolicyChange, key: &KeyChange) -> String {
    let change = if key.widened() {
        if key.gained.iter().all(|gain| gain.acknowledged) {
            "widened (asserted)"
        } else {
            "**widened**"
        }
    } else if !key.lost.is_empty() {
        "narrowed"
    } else {
        presence_word(key.presence)
    };
    let mut detail: Vec<String> = if key.gained.len() > LISTED {
        vec![format!("+{}", code(&permissions(&key.gained)))]
    } else {
        key.gained.iter().map(gain_markdown).collect()
    };
    detail.extend(key.lost.iter().map(|lost| format!("-{}", code(lost))));
    detail.extend(
        key.roles_added
            .iter()
            .map(|role| format!("+role {}", code(role))),
    );
    detail.extend(
        key.roles_removed
            .iter()
            .map(|role| format!("-role {}", code(role))),
    );
    format!(
        "| {} | {} | {} | {} |",
        code(&key.key),
        change,
        code(&policy.file),
        detail.join("<br>")
    )
}

/// One gain as a Markdown line: the permission, and the grants behind it.
fn gain_markdown(gain: &Gain) -> String {
    let via: Vec<String> = gain
        .via
        .iter()
        .map(|via| match &via.role {
            Some(role) => format!("{} via role {}", code(&via.grant), code(role)),
            None => code(&via.grant),
        })
        .collect();
    let mut via = via.join(", ");
    if gain.new_in_catalog {
        via.push_str(&format!("; {NEW_IN_CATALOG}"));
    }
    format!("+{} ({via})", code(&gain.permission))
}
