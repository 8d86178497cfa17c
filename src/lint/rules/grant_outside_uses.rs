//! R009 grant-outside-uses: a root-key grant that opens a route call its `uses:` does not
//! list.

use crate::least_privilege::{MinimalSet, form_of, minimal, uses_calls, uses_probes};
use crate::lint::context::LintContext;
use crate::lint::finding::Owner;
use crate::lint::{Doc, Finding, Fix, RuleId};
use crate::policy::{Key, Policy};
use std::collections::BTreeSet;

/// Calls named in a message; the rest are counted.
const SHOWN: usize = 4;

/// The documentation of R009.
pub(crate) static DOC: Doc = Doc {
    summary: "a root-key grant opens route calls that the key's `uses:` does not list",
    what: "For each root key that declares `uses:`, asks every Unkey route, on the ids the \
policy names and on any other id, which calls its grants let through, and reports each grant \
that opens a call outside `uses:` that the smallest grants for `uses:` (in the key's form) \
would not open too.",
    why: "A root key should open what its service calls and nothing else. `api.*.read_key` \
for one `keys.getKey` also reads every key of every API; `.../keys/*#update_key` also \
attaches permissions to keys. The unsafe fix replaces the key's grants with the smallest set \
that allows its `uses:` (`permspec grants-for` shows it).",
    example: r#"workspace: {id: ws_1}
apis: {api_1: {keyspace: ks_1}}
root_keys:
  support_tool:
    permissions: [api.*.read_key]    # R009: every API's keys
    uses: ["keys.getKey(apiId=api_1, keyId=*)"]

# Fix: the grant the call needs, and no more
root_keys:
  support_tool:
    permissions: [api.api_1.read_key]
    uses: ["keys.getKey(apiId=api_1, keyId=*)"]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let policy = cx.policy();
    for (index, key) in policy.keys.iter().enumerate() {
        if key.uses.is_empty() || key.permissions.is_empty() {
            continue;
        }
        // The smallest grants the key's `uses:` need, in the form it holds (URN if any).
        let needed = minimal(&uses_calls(key), form_of(key));
        let outside = outside_calls(policy, key, needed.as_ref());
        let fix = needed.as_ref().and_then(|set| minimal_fix(cx, key, set));
        for (grant, calls) in key.permissions.iter().zip(&outside.by_grant) {
            if calls.is_empty() {
                continue;
            }
            let shown: Vec<&str> = calls.iter().take(SHOWN).map(String::as_str).collect();
            let more = calls.len().saturating_sub(SHOWN);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            out.push(
                Finding::new(
                    RuleId::R009.rule(),
                    cx.policy_source(),
                    grant.span,
                    format!(
                        "`{}` opens {} that key `{}` does not list in `uses:`: {}{tail}",
                        grant.value,
                        count(calls.len()),
                        key.name.value,
                        shown.join(", ")
                    ),
                    "wider than `uses:`",
                    match &fix {
                        Some((needed, _)) => format!(
                            "its `uses:` need only {needed}; list the other calls in `uses:` \
                             if the service makes them"
                        ),
                        None => "narrow the grant, or list the calls in `uses:` if the service \
                                 makes them"
                            .to_owned(),
                    },
                )
                .with_fix(fix.as_ref().and_then(|(_, fix)| fix.clone()))
                .owned_by(Owner::Key(index)),
            );
        }
        if !outside.not_compared.is_empty() {
            out.push(
                Finding::new(
                    RuleId::R009.rule(),
                    cx.policy_source(),
                    key.name.span,
                    format!(
                        "key `{}`: too many ids to compare on {}; its grants may open calls \
                         there that `uses:` does not list",
                        key.name.value,
                        outside.not_compared.join(", ")
                    ),
                    "not compared",
                    "name fewer ids in the key's grants",
                )
                .owned_by(Owner::Key(index)),
            );
        }
    }
}

/// The calls outside a key's `uses:` that its grants open, by grant.
struct Outside {
    /// For each grant of the key, the calls it helps open.
    by_grant: Vec<Vec<String>>,
    /// Routes with too many ids to compare.
    not_compared: Vec<&'static str>,
}

fn outside_calls(policy: &Policy, key: &Key, needed: Option<&MinimalSet>) -> Outside {
    let grants = key.grant_texts();
    let probes = uses_probes(policy, key);
    // What the smallest grants for `uses:` open anyway is no grant's fault.
    let needed = needed.map(MinimalSet::texts).unwrap_or_default();
    let unavoidable: BTreeSet<&str> = (probes.callable(policy, &needed))
        .map(|probe| probe.label.as_str())
        .collect();
    let mut by_grant = vec![Vec::new(); key.permissions.len()];
    for probe in probes.callable(policy, &grants) {
        let listed = key
            .uses
            .iter()
            .any(|call| call.value.includes(probe.route, &probe.request));
        if listed || unavoidable.contains(probe.label.as_str()) {
            continue;
        }
        for used in probes.grants_used(&probe.label, key) {
            if let Some(at) = key.permissions.iter().position(|grant| grant == used) {
                by_grant[at].push(probe.label.clone());
            }
        }
    }
    Outside {
        by_grant,
        not_compared: probes.skipped.clone(),
    }
}

/// The grants `set` (the smallest the key's `uses:` need), as the help names them, and the
/// unsafe fix that puts them in place of the key's grants.
fn minimal_fix(cx: &LintContext<'_>, key: &Key, set: &MinimalSet) -> Option<(String, Option<Fix>)> {
    let texts = set.texts();
    let shown = texts
        .iter()
        .map(|grant| format!("`{grant}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let (first, last) = (key.permissions.first()?, key.permissions.last()?);
    let mut held = key.grant_texts();
    let mut needed = texts.clone();
    held.sort_unstable();
    needed.sort_unstable();
    if held == needed {
        return Some((shown, None));
    }
    let fix = Fix::replace_sequence(
        cx.policy_source().text(),
        first.span,
        last.span,
        &texts,
        format!("replace the grants of `{}` by {shown}", key.name.value),
    );
    (!texts.is_empty()).then_some((shown, fix))
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 route call".to_owned()
    } else {
        format!("{n} route calls")
    }
}
