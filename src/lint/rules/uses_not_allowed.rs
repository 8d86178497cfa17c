//! R010 uses-not-allowed: a root key's `uses:` lists a call its grants do not allow.

use crate::eval::route_call::Call;
use crate::least_privilege::{Form, minimal};
use crate::lint::context::LintContext;
use crate::lint::finding::Owner;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of R010.
pub(crate) static DOC: Doc = Doc {
    summary: "a root key's `uses:` lists a route call its grants do not allow",
    what: "Decides each call a root key's `uses:` lists against the key's grants, as Unkey's \
handler decides it (`*` ids: for every id), and reports each one denied.",
    why: "`uses:` says what the service behind the key calls. A call the grants do not allow \
fails in production with `INSUFFICIENT_PERMISSIONS`, or a masked 404: the key is broken, \
or the list is out of date.",
    example: r#"workspace: {id: ws_1}
apis: {api_1: {keyspace: ks_1}}
root_keys:
  billing:
    permissions: [api.*.read_key]
    uses: ["keys.createKey(apiId=api_1)"]    # R010

# Fix: grant what the call checks (`permspec grants-for` prints it)
root_keys:
  billing:
    permissions: [api.*.read_key, api.api_1.create_key]
    uses: ["keys.createKey(apiId=api_1)"]"#,
};

/// The grants of `form` that, added to `held`, let `call` through: the call's smallest set
/// without those the held grants make unnecessary.
fn missing(call: &Call, held: &[&str], form: Form) -> Option<String> {
    let set = minimal(std::slice::from_ref(call), form)?;
    let mut added = set.texts();
    let allows = |added: &[&str]| {
        let grants: Vec<&str> = held.iter().chain(added).copied().collect();
        (call.route.decide(&call.request, &grants)).is_ok_and(|decision| decision.allowed)
    };
    let mut at = 0;
    while at < added.len() {
        let without: Vec<&str> = (added.iter().enumerate())
            .filter(|(other, _)| *other != at)
            .map(|(_, grant)| *grant)
            .collect();
        if allows(&without) {
            added = without;
        } else {
            at += 1;
        }
    }
    let shown: Vec<String> = added.iter().map(|grant| format!("`{grant}`")).collect();
    (allows(&added) && !shown.is_empty()).then(|| shown.join(", "))
}

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for (index, key) in cx.policy().keys.iter().enumerate() {
        let grants = key.grant_texts();
        for call in &key.uses {
            let Ok(decision) = call.value.route.decide(&call.value.request, &grants) else {
                continue;
            };
            if decision.allowed {
                continue;
            }
            let needed = |form| missing(&call.value, &grants, form);
            let help = match (needed(Form::Urn), needed(Form::Legacy)) {
                (Some(urn), Some(legacy)) if urn != legacy => {
                    format!("add {urn} (URN), or {legacy} (legacy)")
                }
                (Some(grants), _) => format!("add {grants}"),
                _ => "no grant lets a root key make this call: drop it from `uses:`".to_owned(),
            };
            let why = decision
                .message
                .unwrap_or_else(|| format!("denied with {}", decision.status));
            out.push(
                Finding::new(
                    RuleId::R010.rule(),
                    cx.policy_source(),
                    call.span,
                    format!(
                        "key `{}` lists `{}` in `uses:`, but its grants do not allow it: {why}",
                        key.name.value, call.value
                    ),
                    "denied",
                    help,
                )
                .owned_by(Owner::Key(index)),
            );
        }
    }
}
