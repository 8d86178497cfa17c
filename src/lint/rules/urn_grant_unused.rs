//! R003 urn-grant-unused: a URN grant that no route's URN check can use.

use crate::lint::context::LintContext;
use crate::lint::urn_reach::templates;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of R003.
pub(crate) static DOC: Doc = Doc {
    summary: "a URN grant that no route's URN check can use",
    what: "Compares each URN grant with the URN leaves of every route in permspec's table of \
Unkey's routes: the grant must cover at least one of them for some request. Grants whose \
action no route checks are R004's.",
    why: "Unkey's docs describe resources its handlers do not check. Identities are checked \
at `projects/*/identities/*`, never at `identities/*`; ratelimit routes other than \
getOverride, the portal and permissions routes check only legacy tuples. Such a grant does \
nothing, and the key lacks the access its owner meant to give.",
    example: r#"root_keys:
  support:
    permissions: ["unkey:v1:ws_1:identities/*#read_identity"]    # R003

# Fix: the path Unkey checks
root_keys:
  support:
    permissions: ["unkey:v1:ws_1:projects/*/identities/*#read_identity"]"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let templates = templates();
    for (site, grant) in cx.valid_urn_grants() {
        let checked_action = templates
            .iter()
            .any(|template| grant.action == "*" || template.action() == grant.action);
        if !checked_action || templates.iter().any(|template| template.reachable_by(&grant)) {
            continue;
        }
        // The paths that check the action, each with its routes.
        let mut paths: Vec<(String, Vec<&str>)> = Vec::new();
        for template in templates
            .iter()
            .filter(|template| grant.action == "*" || template.action() == grant.action)
        {
            let path = template.path();
            match paths.iter_mut().find(|(known, _)| *known == path) {
                Some((_, routes)) => routes.push(template.route),
                None => paths.push((path, vec![template.route])),
            }
        }
        let listed: Vec<String> = paths
            .iter()
            .map(|(path, routes)| format!("`{path}` ({})", routes.join(", ")))
            .collect();
        let help = if grant.path.starts_with("identities") {
            "Unkey checks identities at `projects/*/identities/*`: grant that path".to_owned()
        } else {
            let literal_star = paths.iter().any(|(path, _)| path.split('/').any(|s| s == "*"));
            format!(
                "routes check `{}` at {}{}",
                grant.action,
                listed.join(", "),
                if literal_star {
                    "; a `*` in Unkey's check is literal, and only a granted `*` covers it"
                } else {
                    ""
                }
            )
        };
        out.push(
            Finding::new(
                RuleId::R003.rule(),
                cx.policy_source(),
                site.permission.span,
                format!(
                    "no route's URN check can use `{}`",
                    site.permission.value
                ),
                "reaches no route",
                help,
            )
            .owned_by(site.owner),
        );
    }
}
