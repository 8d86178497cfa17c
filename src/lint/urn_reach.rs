//! What a root key's URN grant can reach in Unkey's route table: the URN leaves of every
//! route as templates (`keyspaces/{keyAuthId}/keys/*#read_key`), and whether a grant
//! covers a template for some request (it can be used) or for every request (it grants the
//! route on every resource).

use crate::eval::root_query::RootQuery;
use crate::eval::routes::{self, Arm, Check, leaves};
use crate::eval::urn::{UrnGrants, UrnPermission};

/// One URN leaf of a route's checks, its `{param}` placeholders unfilled.
#[derive(Clone, Debug)]
pub struct Template {
    /// The route.
    pub route: &'static str,
    /// The option that adds the check, if any.
    pub flag: Option<&'static str>,
    path: Vec<Segment>,
    action: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// A name, or `*` (literal on the required side).
    Literal(&'static str),
    /// A request value: any id.
    Param(&'static str),
}

impl Template {
    fn new(route: &'static str, flag: Option<&'static str>, text: &'static str) -> Option<Self> {
        let rest = text.strip_prefix("unkey:v1:{workspaceId}:")?;
        let (path, action) = rest.rsplit_once('#')?;
        let path = path
            .split('/')
            .map(
                |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(param) => Segment::Param(param),
                    None => Segment::Literal(segment),
                },
            )
            .collect();
        Some(Template {
            route,
            flag,
            path,
            action,
        })
    }

    /// The template's action.
    pub fn action(&self) -> &'static str {
        self.action
    }

    /// The path with `{param}` placeholders, e.g. `keyspaces/{keyAuthId}/keys/*`.
    pub fn path(&self) -> String {
        let segments: Vec<String> = self
            .path
            .iter()
            .map(|segment| match segment {
                Segment::Literal(name) => (*name).to_owned(),
                Segment::Param(param) => format!("{{{param}}}"),
            })
            .collect();
        segments.join("/")
    }

    /// Whether `grant` covers this leaf for some request (ids chosen freely).
    pub fn reachable_by(&self, grant: &UrnPermission<'_>) -> bool {
        self.action_held(grant) && path_matches(grant.path, &self.path, |_| true)
    }

    /// Whether `grant` covers this leaf for every request: every `{param}` is matched by a
    /// wildcard of the grant (or fixed by `fixed`, which names the values it pins).
    pub fn covered_for_all(
        &self,
        grant: &UrnPermission<'_>,
        fixed: impl Fn(&str, &str) -> bool,
    ) -> bool {
        self.action_held(grant)
            && path_matches(grant.path, &self.path, |(param, granted)| {
                granted == "*" || fixed(param, granted)
            })
    }

    fn action_held(&self, grant: &UrnPermission<'_>) -> bool {
        grant.action == "*" || grant.action == self.action
    }
}

/// Whether the granted `pattern` covers the template `path`, a granted name matching a
/// `{param}` when `param_ok((param, name))` says so. A granted `*` matches one segment,
/// a last `**` the rest (and the base); a template `*` is literal.
fn path_matches(pattern: &str, path: &[Segment], param_ok: impl Fn((&str, &str)) -> bool) -> bool {
    let mut remaining = path.iter();
    for granted in pattern.split('/') {
        if granted == "**" {
            return true;
        }
        let Some(segment) = remaining.next() else {
            return false;
        };
        let matched = match segment {
            Segment::Literal(name) => granted == "*" || granted == *name,
            Segment::Param(param) => granted == "*" || param_ok((param, granted)),
        };
        if !matched {
            return false;
        }
    }
    remaining.next().is_none()
}

/// Every URN leaf of every modelled route, in the table's order.
pub fn templates() -> Vec<Template> {
    let mut all = Vec::new();
    for route in routes::table().routes() {
        for (option, check) in route.named_checks() {
            for (arm, text) in check.leaves() {
                if arm == Arm::Urn {
                    all.extend(Template::new(&route.name, option, text));
                }
            }
        }
    }
    all
}

/// Why the legacy grant `tuple` of a root key adds nothing to its URN grants: the routes
/// where it could pass a legacy check, on each of which a URN alternative is covered for
/// every request by one of `urn_grants` (returned). `None` when some route needs it, or
/// no route uses it.
pub(crate) fn redundant_tuple<'g>(
    tuple: &str,
    legacy_grants: &[&str],
    urn_grants: &[(&'g str, UrnPermission<'g>)],
) -> Option<(Vec<&'static str>, Vec<&'g str>)> {
    let mut routes_covered = Vec::new();
    let mut covering = Vec::new();
    for route in routes::table().routes() {
        for check in route.checks() {
            let check = match check {
                Check::Tree(tree) => tree,
                // A tuple of the shape a grant-shape gate wants is needed there: such a
                // route has no URN alternative.
                shape => match shape.evaluate(&UrnGrants::new(&[tuple])) {
                    None => return None,
                    Some(_) => continue,
                },
            };
            let alternatives = match check {
                RootQuery::Or(children) => children.as_slice(),
                single => std::slice::from_ref(single),
            };
            let needs_tuple = alternatives.iter().any(|alternative| {
                leaves(alternative).any(|(_, leaf)| leaf == tuple)
                    && legacy_can_pass(alternative, legacy_grants)
            });
            if !needs_tuple {
                continue;
            }
            let urn_alternative = alternatives.iter().find_map(|alternative| {
                if Arm::of(alternative) != Arm::Urn {
                    return None;
                }
                let grants: Option<Vec<&str>> = leaves(alternative)
                    .map(|(_, leaf)| {
                        let template = Template::new(&route.name, None, leaf)?;
                        urn_grants
                            .iter()
                            .find(|(_, grant)| template.covered_for_all(grant, |_, _| false))
                            .map(|(text, _)| *text)
                    })
                    .collect();
                grants
            })?;
            routes_covered.push(route.name.as_str());
            covering.extend(urn_alternative);
        }
    }
    if routes_covered.is_empty() {
        return None;
    }
    routes_covered.dedup();
    covering.sort_unstable();
    covering.dedup();
    Some((routes_covered, covering))
}

/// Whether a legacy check could pass for some request with `grants`: a `{param}` of a
/// leaf matches any id a grant names there.
fn legacy_can_pass(check: &RootQuery, grants: &[&str]) -> bool {
    match check {
        RootQuery::Tuple(leaf) | RootQuery::Literal(leaf) => {
            grants.iter().any(|grant| template_holds(leaf, grant))
        }
        RootQuery::Urn(_) => false,
        RootQuery::And(children) => children.iter().all(|child| legacy_can_pass(child, grants)),
        RootQuery::Or(children) => children.iter().any(|child| legacy_can_pass(child, grants)),
    }
}

/// Whether `grant` is `leaf` with some id (not `*`) in place of each `{param}`.
fn template_holds(leaf: &str, grant: &str) -> bool {
    let leaf_parts: Vec<&str> = leaf.split('.').collect();
    let grant_parts: Vec<&str> = grant.split('.').collect();
    leaf_parts.len() == grant_parts.len()
        && leaf_parts.iter().zip(&grant_parts).all(|(want, have)| {
            if want.starts_with('{') {
                !have.is_empty() && *have != "*"
            } else {
                want == have
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(text: &str) -> UrnPermission<'_> {
        UrnPermission::parse(text).unwrap()
    }

    #[test]
    fn a_tuple_is_redundant_only_where_every_use_has_a_covering_urn_alternative() {
        let everywhere = [("u", grant("unkey:v1:ws:keyspaces/*/keys/*#read_key"))];
        let (routes, covering) =
            redundant_tuple("api.*.read_key", &["api.*.read_key"], &everywhere).unwrap();
        assert_eq!(routes, ["keys.getKey", "keys.whoami"]);
        assert_eq!(covering, ["u"]);
        // With read_api, apis.listKeys needs the tuple: its URN arm also needs read_keyspace.
        let with_read_api = ["api.*.read_key", "api.*.read_api"];
        assert!(redundant_tuple("api.*.read_key", &with_read_api, &everywhere).is_none());
        let one_keyspace = [("u", grant("unkey:v1:ws:keyspaces/ks_1/keys/*#read_key"))];
        assert!(redundant_tuple("api.*.read_key", &["api.*.read_key"], &one_keyspace).is_none());
        // No URN arm at all: apis.createApi needs the tuple.
        let admin = [("a", grant("unkey:v1:ws:**#*"))];
        assert!(redundant_tuple("api.*.create_api", &["api.*.create_api"], &admin).is_none());
        assert!(template_holds("api.{apiId}.read_key", "api.api_1.read_key"));
        assert!(!template_holds("api.{apiId}.read_key", "api.*.read_key"));
    }

    #[test]
    fn templates_are_reached_as_unkey_would_cover_some_request() {
        let all = templates();
        let get_key = all
            .iter()
            .find(|template| template.route == "keys.getKey" && template.flag.is_none())
            .unwrap();
        assert_eq!(get_key.path(), "keyspaces/{keyAuthId}/keys/{keyId}");
        assert!(get_key.reachable_by(&grant("unkey:v1:ws:keyspaces/ks_1/keys/*#read_key")));
        assert!(get_key.reachable_by(&grant("unkey:v1:ws:keyspaces/**#read_key")));
        assert!(!get_key.reachable_by(&grant("unkey:v1:ws:keyspaces/ks_1#read_key")));
        assert!(!get_key.reachable_by(&grant("unkey:v1:ws:identities/*#read_key")));
        let identities = all
            .iter()
            .find(|template| template.route == "identities.getIdentity")
            .unwrap();
        // A required `*` is literal: only a granted `*` (or `**`) covers it.
        assert!(!identities.reachable_by(&grant(
            "unkey:v1:ws:projects/p_1/identities/*#read_identity"
        )));
        assert!(
            identities.reachable_by(&grant("unkey:v1:ws:projects/*/identities/*#read_identity"))
        );
        assert!(
            get_key.covered_for_all(&grant("unkey:v1:ws:keyspaces/*/keys/*#read_key"), |_, _| {
                false
            })
        );
        assert!(!get_key.covered_for_all(
            &grant("unkey:v1:ws:keyspaces/ks_1/keys/*#read_key"),
            |_, _| false
        ));
        assert!(get_key.covered_for_all(
            &grant("unkey:v1:ws:keyspaces/ks_1/keys/*#read_key"),
            |param, value| param == "keyAuthId" && value == "ks_1"
        ));
    }
}
