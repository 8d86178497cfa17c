//! W005 wildcard-widely-held: a wildcard grant that reaches many keys.

use crate::lint::context::{LintContext, is_wildcard};
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of W005.
pub(crate) static DOC: Doc = Doc {
    summary: "a wildcard reaching more than N keys (directly or via roles)",
    what: "Counts the keys that receive each wildcard grant, directly or through a role, and \
reports those held by more keys than the threshold (`widely-held-keys` in `permspec.toml`, \
5 by default).",
    why: "Every key holding a wildcard gains each new permission under it. The more keys hold \
it, the more a single new permission silently spreads, and the more keys an attacker can \
steal to get it.",
    example: r#"roles:
  staff:
    permissions: ["documents.*"]   # W005: held by more than 5 keys
keys:
  k1: {roles: [staff]}
  k2: {roles: [staff]}
  k3: {roles: [staff]}
  k4: {roles: [staff]}
  k5: {roles: [staff]}
  k6: {roles: [staff]}

# Fix: a narrower role for most keys
roles:
  staff:
    permissions: [documents.read]
  documents_admin:
    permissions: ["documents.*"]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let threshold = cx.config.widely_held_keys;
    for site in cx.api_grant_sites() {
        if !is_wildcard(&site.permission.value) {
            continue;
        }
        let receivers = cx.receivers(site.owner);
        if receivers.len() <= threshold {
            continue;
        }
        let keys = match receivers.len() {
            1 => "1 key".to_owned(),
            n => format!("{n} keys"),
        };
        let mut finding = Finding::new(
            RuleId::W005.rule(),
            cx.policy_source(),
            site.permission.span,
            format!(
                "`{}` is held by {keys} through {} (more than {threshold})",
                site.permission.value,
                cx.owner_name(site.owner)
            ),
            format!("held by {keys}"),
            "give most keys a narrower role; keep the wildcard for the few that need it",
        )
        .owned_by(site.owner);
        for (key, span) in receivers {
            finding = finding.with_related(span, format!("`{}`", cx.policy().keys[key].name.value));
        }
        out.push(finding);
    }
}
