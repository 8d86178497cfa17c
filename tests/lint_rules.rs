//! Every lint rule against its fixture: `fixtures/lint/<rule-name>/violation.yaml` has
//! findings of the rule (snapshotted as rendered reports and JSON), `clean.yaml` has none.

use permspec::lint::{Config, FileFindings, lint_files, rules};
use permspec::report::{Renderer, lint_json};
use std::path::PathBuf;

/// Lints `file` with every rule, as users do, and keeps the findings of `rule_code`.
fn lint(rule_code: &str, file: &str) -> Vec<FileFindings> {
    let today = jiff::civil::date(2026, 11, 23);
    let (mut findings, errors) = lint_files(&[PathBuf::from(file)], &Config::default(), today);
    assert!(errors.is_empty(), "{file} does not load: {errors:?}");
    for group in &mut findings {
        group
            .findings
            .retain(|finding| finding.rule.code == rule_code);
    }
    findings.retain(|group| !group.findings.is_empty());
    findings
}

#[test]
fn every_rule_has_a_fixture_with_a_violation_and_its_clean_form() {
    let renderer = Renderer::new(false);
    for rule in rules::ALL {
        let folder = format!("fixtures/lint/{}", rule.name);
        let violations = lint(rule.code, &format!("{folder}/violation.yaml"));
        let found: Vec<_> = violations.iter().flat_map(|file| &file.findings).collect();
        assert!(
            !found.is_empty(),
            "{}: no finding in {folder}/violation.yaml",
            rule.code
        );
        assert!(found.iter().all(|finding| finding.rule.code == rule.code));
        let rendered: String = found
            .iter()
            .map(|finding| renderer.render(&finding.diagnostic()))
            .collect();
        insta::assert_snapshot!(format!("{}_{}", rule.code, rule.name), rendered);
        insta::assert_json_snapshot!(
            format!("{}_{}_json", rule.code, rule.name),
            lint_json(&violations)
        );

        let clean = lint(rule.code, &format!("{folder}/clean.yaml"));
        let remaining: Vec<String> = clean
            .iter()
            .flat_map(|f| &f.findings)
            .map(|f| f.message.clone())
            .collect();
        assert!(
            remaining.is_empty(),
            "{}: findings in the clean fixture: {remaining:?}",
            rule.code
        );
    }
}

#[test]
fn every_rule_is_documented_in_three_parts() {
    let mut codes = std::collections::HashSet::new();
    for rule in rules::ALL {
        assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
        for part in [rule.summary, rule.what, rule.why, rule.example] {
            assert!(!part.trim().is_empty(), "{} lacks documentation", rule.code);
        }
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
        );
    }
}
