//! C008 dead-grant: a permission keys hold that no scanned code asks for and no case tests.

use crate::lint::code::CodeContext;
use crate::lint::{Doc, Finding, RuleId, SiteQuery};
use crate::policy::KeyKind;
use crate::printable::escaped;
use crate::query::Query;
use std::collections::HashSet;

/// The documentation of C008.
pub(crate) static DOC: Doc = Doc {
    summary: "a permission keys hold that no scanned code asks for and no case tests",
    what: "With the application's code scanned (`permspec scan`, or `permspec lint` when \
`permspec.toml` has a `[scan]` section), reports each permission of a policy that some \
API key holds but that no query or permission check in the code names and no case's \
query tests, with how many keys hold it. It is reported at the catalog entry, or at the \
first grant when the policy has no catalog.",
    why: "A grant nothing checks is access waiting for a use: the next endpoint that asks for \
it opens to every key that already holds it, unreviewed. Dead grants are also what an \
access review should trim.",
    example: r#"// The policy's role integrations grants webhooks.manage; no code asks for it,
// no case tests it. This file asks only for documents.read.
await unkey.keys.verifyKey({ key, permissions: "documents.read" });

// Fix: drop webhooks.manage from the roles that hold it, or test the endpoint that uses it"#,
};

/// Checks every policy's permissions against the code and the cases.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    let mut asked: HashSet<&str> = HashSet::new();
    let mut unchecked = 0;
    for (_, site, query) in cx.sites() {
        match query {
            SiteQuery::Query(query, _) => {
                asked.extend(query.permissions().into_iter().map(|(name, _)| name));
            }
            SiteQuery::Nothing if matches!(site.value, crate::scan::SiteValue::Dynamic(_)) => {
                unchecked += usize::from(site.kind == crate::scan::SiteKind::Query);
            }
            _ => {}
        }
    }
    for project in &cx.policies {
        let policy = &project.resolved.policy;
        for permission in &project.known {
            if permission.contains('*')
                || asked.contains(permission.as_str())
                || cx.tested.contains(permission)
            {
                continue;
            }
            let query = Query::permission(permission.as_str());
            let holders = (policy.keys.iter())
                .filter(|key| key.kind == KeyKind::Api)
                .filter(|key| {
                    (project.resolved)
                        .verdict(&key.name.value, &query, policy.semantics, project.now)
                        .allowed()
                })
                .count();
            if holders == 0 {
                continue;
            }
            let written = policy
                .catalog
                .iter()
                .flatten()
                .chain(policy.roles.iter().flat_map(|role| &role.permissions))
                .chain(policy.keys.iter().flat_map(|key| &key.permissions))
                .find(|entry| entry.value == *permission);
            let Some(written) = written else { continue };
            let unchecked_note = match unchecked {
                0 => String::new(),
                1 => " (1 query in code could not be checked statically)".to_owned(),
                n => format!(" ({n} queries in code could not be checked statically)"),
            };
            out.push(Finding::new(
                RuleId::C008.rule(),
                &policy.source,
                written.span,
                format!(
                    "`{}` is held by {holders} key{}, but no scanned code asks for it and no case tests it{unchecked_note}",
                    escaped(permission),
                    if holders == 1 { "" } else { "s" }
                ),
                "granted, never checked",
                "remove it from the roles and keys that hold it, or add a case for the endpoint that needs it",
            ));
        }
    }
}
