//! N004 confusable-characters: non-ASCII or mixed-script characters in a name.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::policy::Spanned;

/// The documentation of N004.
pub(crate) static DOC: Doc = Doc {
    summary: "non-ASCII or confusable characters in a name",
    what: "Finds role names, key names and permissions containing characters outside ASCII, \
such as a Cyrillic `а` that looks like a Latin `a`.",
    why: "Unkey's permission slugs are ASCII-only, and a name that merely looks right is a \
different name: a grant of `dоcuments.read` (with a Cyrillic `о`) gives nothing, and a \
reviewer cannot see why.",
    example: r#"roles:
  reader:
    permissions: [dоcuments.read]        # N004: the `о` is Cyrillic"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let policy = cx.policy();
    let names = policy
        .roles
        .iter()
        .map(|role| ("role", &role.name))
        .chain(policy.keys.iter().map(|key| ("key", &key.name)))
        .chain(
            cx.grant_sites()
                .iter()
                .map(|site| ("permission", site.permission)),
        )
        .chain(
            cx.catalog()
                .unwrap_or_default()
                .iter()
                .map(|entry| ("permission", entry)),
        );
    for (what, Spanned { value, span }) in names {
        let Some(odd) = value.chars().find(|c| !c.is_ascii()) else {
            continue;
        };
        out.push(Finding::new(
            RuleId::N004.rule(),
            cx.policy_source(),
            *span,
            format!(
                "{what} `{value}` contains {odd:?} (U+{:04X}), which is not ASCII",
                u32::from(odd)
            ),
            "non-ASCII character",
            "retype the name with ASCII letters only",
        ));
    }
}
