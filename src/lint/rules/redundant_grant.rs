//! S001 redundant-grant: a grant already covered by another grant of the same key or role.

use crate::eval::{Matching, Semantics, grant_matches};
use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, Fix, Owner, RuleId};
use crate::policy::{KeyKind, Spanned};

/// The documentation of S001.
pub(crate) static DOC: Doc = Doc {
    summary: "a grant already covered by another grant of the same key or role",
    what: "Finds a key's grant that one of its roles already gives word for word, and, under \
`wildcard` semantics, grants that another grant of the same role or key (including the roles \
the key holds) covers, such as `documents.read` beside `documents.*`.",
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
};

/// True if every permission `narrow` grants, `wide` grants too (under wildcard matching).
pub fn covers(wide: &str, narrow: &str) -> bool {
    wide != narrow && grant_matches(wide, narrow, Matching::Wildcard)
}

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    // A wildcard covers other grants only under `wildcard` semantics; a key's grant that
    // one of its roles gives word for word is redundant under any.
    let wildcard = cx.semantics() == Semantics::Wildcard;
    let policy = cx.policy();
    for (index, role) in policy.roles.iter().enumerate() {
        let own: Vec<&Spanned<String>> = role.permissions.iter().collect();
        if wildcard {
            report(cx, out, Owner::Role(index), &own, &own, &[]);
        }
    }
    for (index, key) in policy
        .keys
        .iter()
        .enumerate()
        .filter(|(_, key)| key.kind == KeyKind::Api)
    {
        let own: Vec<&Spanned<String>> = key.permissions.iter().collect();
        let inherited: Vec<&Spanned<String>> = key
            .roles
            .iter()
            .filter_map(|held| {
                policy
                    .roles
                    .iter()
                    .find(|role| role.name.value == held.value)
            })
            .flat_map(|role| &role.permissions)
            .collect();
        let wider: Vec<&Spanned<String>> = if wildcard {
            own.iter().chain(&inherited).copied().collect()
        } else {
            Vec::new()
        };
        report(cx, out, Owner::Key(index), &own, &wider, &inherited);
    }
}

/// Reports each of `own` that a grant of `wider` covers, or that `same` holds word for word.
fn report(
    cx: &LintContext<'_>,
    out: &mut Vec<Finding>,
    owner: Owner,
    own: &[&Spanned<String>],
    wider: &[&Spanned<String>],
    same: &[&Spanned<String>],
) {
    for grant in own {
        let covering = wider
            .iter()
            .find(|other| covers(&other.value, &grant.value));
        let repeated = same.iter().find(|other| other.value == grant.value);
        let Some(other) = covering.or(repeated) else {
            continue;
        };
        out.push(
            Finding::new(
                RuleId::S001.rule(),
                cx.policy_source(),
                grant.span,
                match covering {
                    Some(other) => format!(
                        "`{}` is already granted to {} by `{}`",
                        grant.value,
                        cx.owner_name(owner),
                        other.value
                    ),
                    None => format!(
                        "`{}` is already granted to {} by a role it holds",
                        grant.value,
                        cx.owner_name(owner)
                    ),
                },
                "redundant",
                format!("remove `{}`", grant.value),
            )
            .with_related(
                other.span,
                if covering.is_some() {
                    "covers it"
                } else {
                    "the role grants it too"
                },
            )
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
