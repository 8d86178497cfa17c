//! The exceptions a review shows beside the findings: each `lint:` suppression a key or role
//! carries (its rules, reason and expiry), and the rules the configuration turns off. A
//! reviewer signs off on the accepted risks too, not only on what is reported.

use super::{ExceptionRow, RuleOff};
use crate::lint::{Config, rules};
use crate::policy::{Policy, Suppression};

/// The suppressions of the keys and roles of `policy`, reviewed as `name`.
pub(crate) fn of_policy(policy: &Policy, name: &str) -> Vec<ExceptionRow> {
    let keys = (policy.keys.iter())
        .filter_map(|key| Some((format!("key {}", key.name.value), key.suppression.as_ref()?)));
    let roles = (policy.roles.iter()).filter_map(|role| {
        Some((
            format!("role {}", role.name.value),
            role.suppression.as_ref()?,
        ))
    });
    keys.chain(roles)
        .map(
            |(owner, suppression): (String, &Suppression)| ExceptionRow {
                policy: name.to_owned(),
                owner,
                rules: (suppression.rules.iter())
                    .map(|rule| rule.value.clone())
                    .collect(),
                reason: suppression.reason.clone(),
                until: suppression
                    .until
                    .as_ref()
                    .map(|until| until.value.to_string()),
                line: policy.source.line_column(suppression.span.start()).0,
            },
        )
        .collect()
}

/// The rules `config` does not run.
pub fn rules_off(config: &Config) -> Vec<RuleOff> {
    (rules::ALL.iter())
        .filter(|rule| config.level(rule).is_none())
        .map(|rule| RuleOff {
            code: rule.code,
            name: rule.name,
        })
        .collect()
}
