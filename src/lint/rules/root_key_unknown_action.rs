//! N007 root-key-unknown-action: a root-key tuple outside Unkey's catalog.

use crate::lint::context::LintContext;
use crate::lint::root_keys::{TupleProblem, actions_of, check_tuple, resource_types};
use crate::lint::{Doc, Finding, Fix, RuleId};
use crate::suggest::{did_you_mean, typo_of};

/// The documentation of N007.
pub(crate) static DOC: Doc = Doc {
    summary: "a root-key tuple whose type or action is not in Unkey's catalog",
    what: "Checks every root-key permission against Unkey's catalog of resource types and \
actions (`api`, `ratelimit`, `rbac`, `identity`, ...), with a did-you-mean.",
    why: "Unkey compares root-key permissions as exact strings: a misspelt action such as \
`api.*.create_keys` is accepted when the key is created and then never matches anything, so \
the pipeline that relies on it fails in production.",
    example: r#"root_keys:
  deployer:
    permissions: [api.*.create_keys]     # N007

# Fix
root_keys:
  deployer:
    permissions: [api.*.create_key]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for site in cx.root_grant_sites() {
        let permission = &site.permission.value;
        let parts: Vec<&str> = permission.split('.').collect();
        let (message, help, correction) = match check_tuple(permission) {
            Some(TupleProblem::NotATuple) => (
                format!("`{permission}` is not a `type.id.action` root-key permission"),
                "write it as resource type, resource id (or `*`) and action, e.g. `api.*.read_api`"
                    .to_owned(),
                None,
            ),
            Some(TupleProblem::UnknownType(kind)) => {
                let types = || resource_types().map(|(known, _)| known);
                (
                    format!("`{permission}`: Unkey has no resource type `{kind}`"),
                    did_you_mean(&kind, types()).unwrap_or_else(|| {
                        "see Unkey's root-key permissions for the resource types".to_owned()
                    }),
                    typo_of(&kind, types()).map(|known| [known, parts[1], parts[2]].join(".")),
                )
            }
            Some(TupleProblem::UnknownAction(action)) => {
                let kind = parts[0];
                (
                    format!("`{permission}`: `{kind}` has no action `{action}`"),
                    did_you_mean(&action, actions_of(kind)).unwrap_or_else(|| {
                        format!(
                            "the actions of `{kind}` are {}",
                            actions_of(kind).join(", ")
                        )
                    }),
                    typo_of(&action, actions_of(kind))
                        .map(|known| [kind, parts[1], known].join(".")),
                )
            }
            Some(TupleProblem::InertWildcard) | None => continue,
        };
        let fix = correction.map(|corrected| {
            let description = format!("replace `{permission}` by `{corrected}`");
            let text = cx.policy_source().text();
            Fix::replace_grant(text, site.permission.span, &corrected, description)
        });
        out.push(
            Finding::new(
                RuleId::N007.rule(),
                cx.policy_source(),
                site.permission.span,
                message,
                "not in Unkey's catalog",
                help,
            )
            .owned_by(site.owner)
            .with_fix(fix),
        );
    }
}
