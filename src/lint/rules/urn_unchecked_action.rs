//! R004 urn-unchecked-action: a URN grant whose action no route checks.

use crate::lint::context::LintContext;
use crate::lint::urn_reach::templates;
use crate::lint::{Doc, Finding, Fix, RuleId};
use crate::suggest::typo_of;

/// The documentation of R004.
pub(crate) static DOC: Doc = Doc {
    summary: "a URN grant whose action no route checks (`create_keyspace`, `create_role`)",
    what: "Collects the actions of every URN leaf in permspec's table of Unkey's routes and \
reports URN grants with any other action.",
    why: "Unkey's docs name actions its code never requires: `create_keyspace`, \
`create_role`, `delete_deployment`. A grant of one is valid, so Unkey stores it, and does \
nothing: apis.createApi and permissions.createRole check legacy tuples only.",
    example: r#"root_keys:
  provisioner:
    permissions: ["unkey:v1:ws_1:keyspaces/*#create_keyspace"]    # R004

# Fix: routes without a URN check take the legacy tuple
root_keys:
  provisioner:
    permissions: [api.*.create_api]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let templates = templates();
    let mut actions: Vec<&str> = templates.iter().map(|template| template.action()).collect();
    actions.sort_unstable();
    actions.dedup();
    for (site, grant) in cx.valid_urn_grants() {
        if grant.action == "*" || actions.contains(&grant.action) {
            continue;
        }
        // Word by word, so that `create_keyspace` is no typo of `read_keyspace`.
        let dotted = |action: &str| action.replace('_', ".");
        let candidates: Vec<String> = actions.iter().map(|action| dotted(action)).collect();
        let typo = typo_of(&dotted(grant.action), candidates.iter().map(String::as_str));
        let corrected = typo.map(|action| action.replace('.', "_"));
        let help = match &corrected {
            Some(action) => format!("did you mean `{action}`?"),
            None => "Unkey's docs name actions its handlers never check; the route you mean \
                     takes a legacy tuple (`permspec routes` lists what each route checks)"
                .to_owned(),
        };
        // The corrected grant opens what the typo did not: an unsafe fix.
        let fix = corrected.map(|action| {
            let permission = &site.permission.value;
            let at = permission.rfind('#').map_or(permission.len(), |hash| hash + 1);
            let replacement = format!("{}{action}", &permission[..at]);
            let description = format!("replace `{permission}` by `{replacement}`");
            let text = cx.policy_source().text();
            Fix::replace_grant(text, site.permission.span, &replacement, description)
        });
        out.push(
            Finding::new(
                RuleId::R004.rule(),
                cx.policy_source(),
                site.permission.span,
                format!("no route checks the action `{}`", grant.action),
                "an action no route checks",
                help,
            )
            .with_fix(fix)
            .owned_by(site.owner),
        );
    }
}
