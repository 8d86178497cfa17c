//! `permspec lint --fix`: the fixed file has no finding of the fixed rules, every byte outside
//! the fixed nodes is unchanged, and the access-preserving fixes change no decision.

mod support;

use permspec::eval::{Code, Semantics};
use permspec::lint::{Config, Safety, Selector, lint_files};
use permspec::policy::{Loader, Resolved};
use permspec::query::Query;
use proptest::prelude::*;
use similar::{DiffTag, TextDiff};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::cli::permspec;
use support::strategies::{grant, permission};

/// Rules whose fixes keep every decision: `--fix` applies them.
const SAFE_RULES: [&str; 4] = ["W002", "W003", "S001", "S008"];
/// Rules whose fixes change access (a grant's typo): only `--unsafe-fixes` applies them.
const UNSAFE_RULES: [&str; 2] = ["N001", "N007"];

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 23)
}

/// Copies `fixture` into a temporary directory.
fn scratch(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(Path::new(fixture).file_name().unwrap());
    std::fs::copy(fixture, &path).unwrap();
    (dir, path)
}

/// Lines (1-based) that hold a node some safely fixable finding points at.
fn fixable_lines(path: &Path) -> BTreeSet<usize> {
    let (findings, errors) = lint_files(&[path.to_owned()], &Config::default(), today());
    assert!(errors.is_empty());
    findings
        .iter()
        .flat_map(|file| &file.findings)
        .filter(|finding| {
            finding
                .fix
                .as_ref()
                .is_some_and(|fix| fix.safety == Safety::Safe)
        })
        .flat_map(|finding| finding.line_column().0..=finding.end_line_column().0)
        .collect()
}

#[test]
fn fix_edits_only_the_findings_nodes_and_clears_their_rules() {
    let (_dir, path) = scratch("fixtures/fix/messy.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    let lines = fixable_lines(&path);
    let outcomes = case_outcomes(&path);

    let run = permspec(&["lint", "--fix", path.to_str().unwrap()]);
    assert_eq!(
        run.code, 1,
        "the unsafe fixes' findings are left: {}",
        run.stderr
    );
    assert!(
        run.stderr.starts_with("fixed 4 findings in "),
        "{}",
        run.stderr
    );
    let after = std::fs::read_to_string(&path).unwrap();

    let diff = TextDiff::from_lines(&before, &after);
    for op in diff.ops() {
        if op.tag() != DiffTag::Equal {
            let old = op.old_range();
            assert!(
                (old.start + 1..=old.end.max(old.start + 1)).all(|line| lines.contains(&line)),
                "lines {old:?} changed, but only {lines:?} hold fixable nodes"
            );
        }
    }
    insta::assert_snapshot!(
        "fix_messy_diff",
        diff.unified_diff().header("before", "after").to_string()
    );
    // bob's `users.*` stays: expanding it would take `users.veiw`, which a case asks for.
    assert_eq!(left_of(&path, &SAFE_RULES), ["W002"]);
    assert!(fixable_lines(&path).is_empty(), "no safe fix is left");
    assert_eq!(left_of(&path, &UNSAFE_RULES), ["N001", "N007", "N001"]);
    assert_eq!(
        case_outcomes(&path),
        outcomes,
        "every case decides as before"
    );

    // Unsafe fixes correct the grants' typos; the query's typo is reported, never rewritten.
    let run = permspec(&["lint", "--fix", "--unsafe-fixes", path.to_str().unwrap()]);
    assert!(
        run.stderr.starts_with("fixed 3 findings in "),
        "{}",
        run.stderr
    );
    let unsafe_fixed = std::fs::read_to_string(&path).unwrap();
    insta::assert_snapshot!(
        "fix_messy_unsafe_diff",
        TextDiff::from_lines(&after, &unsafe_fixed)
            .unified_diff()
            .header("safe fixes", "unsafe fixes")
            .to_string()
    );
    assert_eq!(left_of(&path, &UNSAFE_RULES), ["N001"]);
    assert!(unsafe_fixed.contains(r#"query: "documents.read AND users.veiw""#));
}

/// Each case's name and outcome (`ok`, `failed`), as `permspec test --format json` reports.
fn case_outcomes(path: &Path) -> Vec<(String, String)> {
    let run = permspec(&["test", "--format", "json", path.to_str().unwrap()]);
    run.stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|event| event["type"] == "test" && event["event"] != "started")
        .map(|event| (event["name"].to_string(), event["event"].to_string()))
        .collect()
}

/// The codes of the findings of `rules` left in the file at `path`.
fn left_of(path: &Path, rules: &[&str]) -> Vec<&'static str> {
    let (findings, _) = lint_files(&[path.to_owned()], &Config::default(), today());
    findings
        .iter()
        .flat_map(|file| &file.findings)
        .map(|finding| finding.rule.code)
        .filter(|code| rules.contains(code))
        .collect()
}

#[test]
fn fix_changes_nothing_when_a_file_does_not_load() {
    let (_dir, path) = scratch("fixtures/load-errors/duplicate-role.yaml");
    let before = std::fs::read(&path).unwrap();
    let run = permspec(&["lint", "--fix", path.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn findings_offer_their_fix_in_every_format() {
    let run = permspec(&["lint", "fixtures/fix/messy.yaml", "--select", "S008"]);
    assert!(
        run.stdout
            .contains("fixable: remove the repeated `editor` (`permspec lint --fix`)"),
        "{}",
        run.stdout
    );
    let run = permspec(&[
        "lint",
        "fixtures/fix/messy.yaml",
        "--select",
        "N007",
        "--format",
        "json",
    ]);
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    insta::assert_json_snapshot!("fix_json", findings[0]["fix"]);
}

/// How a generated list is written.
#[derive(Clone, Copy, Debug)]
enum Layout {
    Flow,
    Block,
}

/// How a generated scalar is quoted.
#[derive(Clone, Copy, Debug)]
enum Quoting {
    Plain,
    Single,
    Double,
}

fn scalar(value: &str, quoting: Quoting) -> String {
    match quoting {
        Quoting::Plain if !value.starts_with('*') => value.to_owned(),
        Quoting::Single => format!("'{value}'"),
        _ => format!("\"{value}\""),
    }
}

fn list(items: &[(String, Quoting)], layout: Layout, indent: &str) -> String {
    if items.is_empty() {
        return " []\n".to_owned();
    }
    let written = items.iter().map(|(value, quoting)| scalar(value, *quoting));
    match layout {
        Layout::Flow => format!(
            " [ {} ]   # flow\n",
            written.collect::<Vec<_>>().join(" ,  ")
        ),
        Layout::Block => {
            written
                .enumerate()
                .map(|(index, item)| format!("\n{indent}- {item}   # item {index}"))
                .collect::<String>()
                + "\n"
        }
    }
}

fn quoting() -> impl Strategy<Value = Quoting> {
    prop_oneof![
        Just(Quoting::Plain),
        Just(Quoting::Single),
        Just(Quoting::Double)
    ]
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![Just(Layout::Flow), Just(Layout::Block)]
}

fn items() -> impl Strategy<Value = Vec<(String, Quoting)>> {
    prop::collection::vec((grant(), quoting()), 0..6)
}

/// A policy text: a catalog, roles and keys written in mixed layouts and quoting, with
/// comments; keys may hold a role twice.
fn policy_text() -> impl Strategy<Value = String> {
    let role = (items(), layout());
    let key = (prop::collection::vec(0..3usize, 0..4), items(), layout());
    (
        prop::collection::vec(permission(), 1..8),
        prop::collection::vec(role, 3),
        prop::collection::vec(key, 1..4),
    )
        .prop_map(|(catalog, roles, keys)| {
            let catalog: Vec<String> = catalog.iter().map(|p| format!("\"{p}\"")).collect();
            let mut text = format!(
                "# generated\nversion: 1\npermissions: [{}]\nroles:\n",
                catalog.join(", ")
            );
            for (index, (grants, layout)) in roles.iter().enumerate() {
                text += &format!("  r{index}:  # role\n    permissions:");
                text += &list(grants, *layout, "      ");
            }
            text += "keys:\n";
            for (index, (held, grants, layout)) in keys.iter().enumerate() {
                let held: Vec<(String, Quoting)> = held
                    .iter()
                    .map(|r| (format!("r{r}"), Quoting::Plain))
                    .collect();
                text += &format!("  k{index}:\n    roles:");
                text += &list(&held, Layout::Flow, "      ");
                text += "    permissions:";
                text += &list(grants, *layout, "      ");
            }
            text
        })
}

/// Every key's decision on every catalog permission and every permission it holds by name
/// (its own or its roles'), under wildcard semantics. `names` are those of the original text,
/// so that the fixed policy is probed on the same permissions.
fn decisions(path: &Path, names: Option<&[Vec<String>]>) -> (Vec<Code>, Vec<Vec<String>>) {
    let loaded = Loader::default().load(path).expect("loads");
    let policy = &loaded.policy;
    let resolved = Resolved::new(policy.clone());
    let now = jiff::Timestamp::UNIX_EPOCH;
    let mut codes = Vec::new();
    let mut probes_of = Vec::new();
    for (index, key) in policy.keys.iter().enumerate() {
        let probes: Vec<String> = match names {
            Some(names) => names[index].clone(),
            None => {
                let roles = policy
                    .roles
                    .iter()
                    .filter(|role| key.roles.iter().any(|held| held.value == role.name.value));
                let held = roles
                    .flat_map(|role| &role.permissions)
                    .chain(&key.permissions);
                let named = held.filter(|grant| !grant.value.split('.').any(|s| s == "*"));
                policy
                    .catalog
                    .iter()
                    .flatten()
                    .chain(named)
                    .map(|p| p.value.clone())
                    .collect()
            }
        };
        for permission in &probes {
            let query = Query::permission(permission.clone());
            let decided = resolved.decide(&key.name.value, &query, Semantics::Wildcard, now);
            codes.push(decided.code);
        }
        probes_of.push(probes);
    }
    (codes, probes_of)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Dropping redundant and repeated grants and expanding wildcards over the catalog keep
    /// every decision over the catalog and over the permissions granted by name, whatever
    /// the layout, and leave no such fix behind.
    #[test]
    fn access_preserving_fixes_change_no_decision(text in policy_text()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        std::fs::write(&path, &text).unwrap();
        let (before, probes) = decisions(&path, None);

        let config = Config {
            select: Selector::parse_list("S001,S008,W002,W003").unwrap(),
            ..Config::default()
        };
        let report = permspec::lint::fix_files(std::slice::from_ref(&path), &config, today(), false);
        prop_assert!(report.errors.is_empty(), "{:?}", report.errors);
        let fixed = std::fs::read_to_string(&path).unwrap();
        prop_assert_eq!(&before, &decisions(&path, Some(&probes)).0, "fixed text:\n{}", fixed);

        let (findings, _) = lint_files(&[path], &config, today());
        let offered: Vec<String> = findings
            .iter()
            .flat_map(|file| &file.findings)
            .filter(|finding| finding.fix.is_some())
            .map(|finding| finding.message.clone())
            .collect();
        prop_assert!(offered.is_empty(), "fixes left: {:?}\n{}", offered, fixed);
    }
}

#[test]
fn an_urn_actions_typo_is_corrected_only_as_an_unsafe_fix() {
    let (_dir, path) = scratch("fixtures/lint/urn-unchecked-action/violation.yaml");
    let original = std::fs::read_to_string(&path).unwrap();
    permspec(&["lint", "--fix", path.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        original,
        "--fix is safe"
    );
    permspec(&["lint", "--fix", "--unsafe-fixes", path.to_str().unwrap()]);
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(fixed.contains("keyspaces/*/keys/*#read_key\""), "{fixed}");
    assert!(
        fixed.contains("#create_keyspace"),
        "no typo, no fix: {fixed}"
    );
}

#[test]
fn a_wildcard_that_reaches_a_destructive_permission_is_never_expanded_mechanically() {
    let (_dir, path) = scratch("examples/findings/documents.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    permspec(&["lint", "--fix", path.to_str().unwrap()]);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains(r#""documents.*""#) && !after.contains("documents.delete]"),
        "granting documents.delete by name is a person's decision:\n{after}"
    );
    assert_eq!(
        left_of(&path, &["W003"]),
        ["W003", "W003"],
        "W003 is still reported"
    );
    assert!(before.contains(r#""documents.*""#));
}
