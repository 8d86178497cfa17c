//! N008 root-key-inert-wildcard: root-key grants like `api.*.*` that Unkey never matches.

use crate::lint::context::LintContext;
use crate::lint::root_keys::{TupleProblem, check_tuple};
use crate::lint::{Finding, Level, Rule};
use crate::policy::KeyKind;

/// N008.
pub static RULE: Rule = Rule {
    code: "N008",
    name: "root-key-inert-wildcard",
    level: Level::Error,
    summary: "root-key grants like `api.*.*` or `api.*` that Unkey never matches",
    what: "Finds root-key permissions with `*` anywhere but the resource-id position.",
    why: "Unkey checks an operation on resource X as `type.X.action OR type.*.action`, \
literally. `api.*.*` and `api.*` look like broad grants but match nothing: the key has none \
of the access its owner believes it has.",
    example: r#"root_keys:
  admin_script:
    permissions: ["api.*.*"]              # N008: grants nothing

# Fix: one tuple per action
root_keys:
  admin_script:
    permissions: [api.*.read_api, api.*.update_api]"#,
    check,
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    if !cx.owns_policy {
        return;
    }
    for site in cx
        .grant_sites()
        .into_iter()
        .filter(|site| site.kind == KeyKind::Root)
    {
        if check_tuple(&site.permission.value) == Some(TupleProblem::InertWildcard) {
            out.push(
                Finding::new(
                    &RULE,
                    cx.policy_source(),
                    site.permission.span,
                    format!(
                        "`{}` grants nothing: Unkey matches `*` only as the resource id",
                        site.permission.value
                    ),
                    "never matches",
                    "list the actions as `type.*.action` tuples, e.g. `api.*.read_api`",
                )
                .owned_by(site.owner),
            );
        }
    }
}
