//! The lint findings of a review: every finding with its line and the key or role it is
//! about, each key's own, and the root keys flagged for the admin grant (R002) or
//! escalation (R008), whatever the configuration turns off: a reviewer sees both.

use super::{FindingRef, FindingRow, LevelCounts, Review};
use crate::lint::{FileFindings, Owner, RuleId};
use crate::runner::LoadedFile;
use std::collections::HashMap;
use std::sync::Arc;

/// The rules a root key's row flags: the admin grant and privilege escalation.
pub const FLAGGED: [RuleId; 2] = [RuleId::R002, RuleId::R008];

/// `review` of `files` with their lint findings, and the root keys flagged by `flagged`
/// (the findings of the [`FLAGGED`] rules, run whatever the configuration says).
pub fn with_findings(
    mut review: Review,
    files: &[Arc<LoadedFile>],
    findings: &[FileFindings],
    flagged: &[FileFindings],
) -> Review {
    // A key's row is found by its file and its index in the policy: the rows of a policy's
    // keys are in its order.
    let mut first_row: HashMap<&str, usize> = HashMap::new();
    for (row, key) in review.keys.iter().enumerate() {
        first_row.entry(key.policy.as_str()).or_insert(row);
    }
    let first_row: HashMap<String, usize> = (first_row.into_iter())
        .map(|(policy, row)| (policy.to_owned(), row))
        .collect();
    let mut flags: HashMap<(String, String), Vec<&'static str>> = HashMap::new();
    for file in findings {
        let policy = (files.iter())
            .map(|loaded| &loaded.file.policy)
            .find(|policy| policy.source.path() == file.source.path());
        let name = (review.names.get(file.source.path()).cloned())
            .unwrap_or_else(|| file.source.name().to_owned());
        for finding in &file.findings {
            let (line, column) = file.source.line_column(finding.span.start());
            let owner = finding
                .owner
                .zip(policy)
                .map(|(owner, policy)| match owner {
                    Owner::Key(index) => format!("key {}", policy.keys[index].name.value),
                    Owner::Role(index) => format!("role {}", policy.roles[index].name.value),
                });
            if let (Some(Owner::Key(index)), Some(&first)) = (finding.owner, first_row.get(&name)) {
                let key = &mut review.keys[first + index];
                key.findings.push(FindingRef {
                    code: finding.rule.code,
                    level: finding.level.name(),
                    line,
                });
            }
            review.findings.push(FindingRow {
                file: name.clone(),
                line,
                column,
                code: finding.rule.code,
                rule: finding.rule.name,
                level: finding.level.name(),
                message: finding.message.clone(),
                owner,
            });
        }
    }
    for file in flagged {
        let name = (review.names.get(file.source.path()).cloned())
            .unwrap_or_else(|| file.source.name().to_owned());
        for finding in &file.findings {
            if let (Some(Owner::Key(index)), Some(&first)) = (finding.owner, first_row.get(&name))
                && FLAGGED.contains(&finding.rule.id)
            {
                let key = &review.keys[first + index];
                let flagged = (key.policy.clone(), key.name.clone());
                flags.entry(flagged).or_default().push(finding.rule.code);
            }
        }
    }
    for root in &mut review.root_keys {
        if let Some(mut codes) = flags.remove(&(root.policy.clone(), root.key.clone())) {
            codes.sort_unstable();
            codes.dedup();
            root.flags = codes;
        }
    }
    review.summary.findings = counts(&review.findings);
    review
}

fn counts(findings: &[FindingRow]) -> LevelCounts {
    let mut counts = LevelCounts::default();
    for finding in findings {
        match finding.level {
            "error" => counts.error += 1,
            "warning" => counts.warning += 1,
            _ => counts.info += 1,
        }
    }
    counts
}
