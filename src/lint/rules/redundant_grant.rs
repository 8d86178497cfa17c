//! S001 redundant-grant: a grant already covered by another grant of the same key or role.

use crate::eval::{Matching, Semantics, grant_matches};
use crate::lint::context::LintContext;
use crate::lint::{Finding, Fix, Level, Owner, Rule};
use crate::policy::{KeyKind, Spanned};

/// S001.
pub static RULE: Rule = Rule {
    code: "S001",
    name: "redundant-grant",
    level: Level::Info,
    summary: "a grant already covered by another grant of the same key or role",
    what: "Under `wildcard` semantics, finds grants that another grant of the same role or key \
(including the roles the key holds) already covers, such as `documents.read` beside \
`documents.*`.",
    why: "Redundant grants hide what a key really holds and survive the removal of the wider \
grant unnoticed, keeping access that was meant to go. (Under `literal` and `strict` semantics \
a wildcard covers nothing but itself, so the rule does not apply.)",
    example: r#"roles:
  editor:
    permissions: ["documents.*", documents.read]     # S001: documents.read is covered

# Fix
roles:
  editor:
    permissions: ["documents.*"]"#,
    check,
};

/// True if every permission `narrow` grants, `wide` grants too (under wildcard matching).
pub fn covers(wide: &str, narrow: &str) -> bool {
    wide != narrow && grant_matches(wide, narrow, Matching::Wildcard)
}

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    if !cx.owns_policy || cx.semantics() != Semantics::Wildcard {
        return;
    }
    let policy = cx.policy();
    for (index, role) in policy.roles.iter().enumerate() {
        let own: Vec<&Spanned<String>> = role.permissions.iter().collect();
        report(cx, out, Owner::Role(index), &own, &own);
    }
    for (index, key) in policy
        .keys
        .iter()
        .enumerate()
        .filter(|(_, key)| key.kind == KeyKind::Api)
    {
        let own: Vec<&Spanned<String>> = key.permissions.iter().collect();
        let mut all = own.clone();
        for held in &key.roles {
            if let Some(role) = policy
                .roles
                .iter()
                .find(|role| role.name.value == held.value)
            {
                all.extend(role.permissions.iter());
            }
        }
        report(cx, out, Owner::Key(index), &own, &all);
    }
}

fn report(
    cx: &LintContext<'_>,
    out: &mut Vec<Finding>,
    owner: Owner,
    own: &[&Spanned<String>],
    all: &[&Spanned<String>],
) {
    for grant in own {
        let Some(wider) = all.iter().find(|other| covers(&other.value, &grant.value)) else {
            continue;
        };
        out.push(
            Finding::new(
                &RULE,
                cx.policy_source(),
                grant.span,
                format!(
                    "`{}` is already granted to {} by `{}`",
                    grant.value,
                    cx.owner_name(owner),
                    wider.value
                ),
                "redundant",
                format!("remove `{}`", grant.value),
            )
            .with_related(wider.span, "covers it")
            .owned_by(owner)
            .with_fix(removal(cx, grant)),
        );
    }
}

/// Removing a covered grant keeps every decision, unless the wider grant is a wildcard that
/// `--fix` may expand over the catalog in the same pass: then only catalog permissions, which
/// the expansion lists again, may go.
fn removal(cx: &LintContext<'_>, grant: &Spanned<String>) -> Option<Fix> {
    let in_catalog = cx
        .catalog()
        .is_none_or(|catalog| catalog.iter().any(|entry| entry.value == grant.value));
    in_catalog.then(|| {
        let description = format!("remove `{}`", grant.value);
        Fix::remove_item(cx.policy_source().text(), grant.span, description)
    })?
}
