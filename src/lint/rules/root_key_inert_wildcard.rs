//! N008 root-key-inert-wildcard: root-key grants like `api.*.*` that Unkey never matches.

use crate::lint::context::LintContext;
use crate::lint::root_keys::{TupleProblem, check_tuple};
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of N008.
pub(crate) static DOC: Doc = Doc {
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
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for site in cx.root_grant_sites() {
        if check_tuple(&site.permission.value) == Some(TupleProblem::InertWildcard) {
            out.push(
                Finding::new(
                    RuleId::N008.rule(),
                    cx.policy_source(),
                    site.permission.span,
                    format!(
                        "`{}` grants nothing: Unkey matches legacy tuples literally, and no route \
                         asks for this one (a route on resource X asks for `type.X.action` or \
                         `type.*.action`)",
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
