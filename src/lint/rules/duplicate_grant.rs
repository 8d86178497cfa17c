//! S008 duplicate-grant: the same permission twice in one role or key, or a role held twice.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, Fix, Owner, RuleId};
use crate::policy::Spanned;

/// The documentation of S008.
pub(crate) static DOC: Doc = Doc {
    summary: "the same permission listed twice in one role or key, or a key holding a role twice",
    what: "Finds repeated entries in a role's or key's `permissions`, and in a key's `roles`.",
    why: "A duplicate is harmless to Unkey but not to reviewers: removing one copy in a change \
that means to revoke the access leaves the other in place.",
    example: r#"roles:
  reader:
    permissions: [documents.read, documents.read]    # S008

# Fix
roles:
  reader:
    permissions: [documents.read]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let policy = cx.policy();
    for (index, role) in policy.roles.iter().enumerate() {
        duplicates(cx, out, Owner::Role(index), &role.permissions, "permission");
    }
    for (index, key) in policy.keys.iter().enumerate() {
        duplicates(cx, out, Owner::Key(index), &key.permissions, "permission");
        duplicates(cx, out, Owner::Key(index), &key.roles, "role");
    }
}

fn duplicates(
    cx: &LintContext<'_>,
    out: &mut Vec<Finding>,
    owner: Owner,
    entries: &[Spanned<String>],
    what: &str,
) {
    for (position, entry) in entries.iter().enumerate() {
        let Some(first) = entries[..position]
            .iter()
            .find(|earlier| earlier.value == entry.value)
        else {
            continue;
        };
        out.push(
            Finding::new(
                RuleId::S008.rule(),
                cx.policy_source(),
                entry.span,
                format!(
                    "{} lists {what} `{}` twice",
                    cx.owner_name(owner),
                    entry.value
                ),
                "listed again",
                "remove the repeat",
            )
            .with_related(first.span, "first listed here")
            .owned_by(owner)
            .with_fix(Fix::remove_item(
                cx.policy_source().text(),
                entry.span,
                format!("remove the repeated `{}`", entry.value),
            )),
        );
    }
}
