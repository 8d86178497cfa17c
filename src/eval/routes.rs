//! Unkey's route table: every v2 route that authorizes a root key, with the check its
//! handler builds (legacy `t` leaves and URN `u` leaves under AND/OR), the request values
//! the check names, the options that add checks, and the status of a denial. The table is
//! data (`unkey_routes.yaml`), versioned with the Unkey commit it reflects.
//!
//! ```
//! use permspec::eval::routes::{self, Request};
//! let route = routes::table().get("keys.getKey").unwrap();
//! let request = Request::new()
//!     .param("workspaceId", "ws_1").param("apiId", "api_1")
//!     .param("keyAuthId", "ks_1").param("keyId", "key_1");
//! let grants = ["unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key"];
//! assert!(route.decide(&request, &grants).unwrap().allowed);
//! let wrong_id = ["unkey:v1:ws_1:keyspaces/api_1/keys/*#read_key"];
//! assert_eq!(route.decide(&request, &wrong_id).unwrap().status, 403);
//! ```

use super::root_query::RootQuery;
use super::urn::UrnGrants;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;

const TABLE: &str = include_str!("unkey_routes.yaml");

/// The request values a route's check may name, in Unkey's field names.
pub const PARAMS: &[&str] = &[
    "workspaceId",
    "apiId",
    "keyAuthId",
    "keyId",
    "namespaceId",
    "overrideId",
    "identityId",
    "projectId",
    "appId",
    "environmentId",
    "deploymentId",
    "portalId",
];

/// The route table with the Unkey commit it reflects.
pub struct RouteTable {
    /// The repository of Unkey's code.
    pub repository: String,
    /// The Unkey commit whose handlers the table reflects.
    pub commit: String,
    /// That commit's date.
    pub date: String,
    routes: IndexMap<String, Route>,
}

/// One route: its name (`keys.getKey`) and its checks.
#[derive(Debug)]
pub struct Route {
    /// The route, as in Unkey's path `/v2/<name>`.
    pub name: String,
    /// The request values the checks name (besides `workspaceId`).
    pub params: Vec<String>,
    /// The main check; `None` for a legacy-only route the table does not model.
    pub check: Option<RootQuery>,
    /// The status of a denial of the main check.
    pub denied: u16,
    /// Options of the request that add checks.
    pub flags: Vec<Flag>,
}

/// A request option that adds a check (`decrypt: true` on keys.getKey).
#[derive(Debug)]
pub struct Flag {
    /// The option's name.
    pub name: String,
    /// The check it adds.
    pub check: RootQuery,
    /// Whether Unkey checks it before the main check.
    pub before: bool,
    /// The status of its denial.
    pub denied: u16,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    unkey: Provenance,
    routes: IndexMap<String, RawRoute>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Provenance {
    repository: String,
    commit: String,
    date: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    #[serde(default)]
    params: Vec<String>,
    #[serde(default)]
    check: Option<RootQuery>,
    #[serde(default)]
    denied: Option<u16>,
    #[serde(default)]
    flags: IndexMap<String, RawFlag>,
    #[serde(default)]
    unmodelled: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlag {
    check: RootQuery,
    #[serde(default)]
    before: bool,
    #[serde(default)]
    denied: Option<u16>,
}

/// The table, read once. It is part of the program and tested, so a malformed table is a
/// bug in permspec, not in the user's input.
pub fn table() -> &'static RouteTable {
    static TABLE_CELL: OnceLock<RouteTable> = OnceLock::new();
    TABLE_CELL.get_or_init(|| RouteTable::parse(TABLE).expect("the bundled route table is valid"))
}

impl RouteTable {
    fn parse(text: &str) -> Result<RouteTable, String> {
        // Through a JSON value: the checks are `{or: [...]}` maps, the form JSON checks take.
        let value: serde_json::Value = crate::policy::content::from_str(text)?;
        let raw: RawTable = serde_json::from_value(value).map_err(|error| error.to_string())?;
        let mut routes = IndexMap::new();
        for (name, route) in raw.routes {
            if route.unmodelled == route.check.is_some() {
                return Err(format!("{name}: give either `check` or `unmodelled: true`"));
            }
            let flags = route
                .flags
                .into_iter()
                .map(|(flag, raw)| Flag {
                    name: flag,
                    check: raw.check,
                    before: raw.before,
                    denied: raw.denied.unwrap_or(403),
                })
                .collect();
            let route = Route {
                name: name.clone(),
                params: route.params,
                check: route.check,
                denied: route.denied.unwrap_or(403),
                flags,
            };
            routes.insert(name, route);
        }
        Ok(RouteTable {
            repository: raw.unkey.repository,
            commit: raw.unkey.commit,
            date: raw.unkey.date,
            routes,
        })
    }

    /// The route called `name`, or why there is none (with a did-you-mean).
    pub fn get(&self, name: &str) -> Result<&Route, RouteError> {
        self.routes
            .get(name)
            .ok_or_else(|| RouteError::UnknownRoute {
                name: name.to_owned(),
                hint: crate::suggest::did_you_mean(name, self.routes.keys().map(String::as_str)),
            })
    }

    /// Every route, by name.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.values()
    }
}

/// The values and options of one request to a route.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    values: IndexMap<String, String>,
    flags: Vec<String>,
}

impl Request {
    /// An empty request.
    pub fn new() -> Self {
        Request::default()
    }

    /// The request with `name` set to `value` (a param or, as `true`/`false`, a flag).
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.values.insert(name.to_owned(), value.to_owned());
        self
    }

    /// The request with the option `name` set.
    pub fn flag(mut self, name: &str) -> Self {
        self.flags.push(name.to_owned());
        self
    }

    /// The request for `route` from `name=value` pairs: a name that is one of the route's
    /// options takes `true` or `false`; any other name is a param.
    pub fn build<'a>(
        route: &Route,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Request, RouteError> {
        let mut request = Request::new();
        for (name, value) in pairs {
            if route.flags.iter().any(|flag| flag.name == name) {
                match value {
                    "true" => request = request.flag(name),
                    "false" => {}
                    _ => {
                        return Err(RouteError::BadFlag {
                            flag: name.to_owned(),
                            value: value.to_owned(),
                        });
                    }
                }
            } else {
                request = request.param(name, value);
            }
        }
        Ok(request)
    }

    /// Whether the option `name` is set.
    pub fn has_flag(&self, name: &str) -> bool {
        self.flags.iter().any(|flag| flag == name)
    }

    /// The value of `name`, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// Why a request to a route cannot be decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteError {
    /// No route of that name.
    UnknownRoute {
        /// The name given.
        name: String,
        /// A did-you-mean.
        hint: Option<String>,
    },
    /// A legacy-only route whose legacy check the table does not hold.
    Unmodelled {
        /// The route.
        route: String,
        /// The Unkey commit the table reflects.
        commit: String,
    },
    /// A value the route's check names is missing.
    MissingParam {
        /// The route.
        route: String,
        /// The missing param.
        param: String,
    },
    /// A request value permspec does not know.
    UnknownParam {
        /// The name given.
        name: String,
        /// A did-you-mean.
        hint: Option<String>,
    },
    /// A value that is not an id.
    BadValue {
        /// The param.
        param: String,
        /// Its value.
        value: String,
    },
    /// An option the route does not have.
    UnknownFlag {
        /// The route.
        route: String,
        /// The option given.
        flag: String,
    },
    /// An option set to something other than `true` or `false`.
    BadFlag {
        /// The option.
        flag: String,
        /// Its value.
        value: String,
    },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::UnknownRoute { name, hint } => {
                write!(f, "no Unkey route `{name}` authorizes a root key")?;
                hint.iter().try_for_each(|hint| write!(f, "; {hint}"))
            }
            RouteError::Unmodelled { route, commit } => write!(
                f,
                "`{route}` checks only legacy tuples (URN grants do nothing there), but its \
                 check at Unkey {short} is not in permspec's route table, so it cannot be decided",
                short = &commit[..commit.len().min(10)]
            ),
            RouteError::MissingParam { route, param } => {
                write!(f, "`{route}` needs the param `{param}`")
            }
            RouteError::UnknownParam { name, hint } => {
                write!(f, "unknown param `{name}` (known: {})", PARAMS.join(", "))?;
                hint.iter().try_for_each(|hint| write!(f, "; {hint}"))
            }
            RouteError::BadValue { param, value } => write!(
                f,
                "param `{param}` is `{}`: ids are non-empty and made of letters, digits, \
                 `_` and `-`",
                clipped(value)
            ),
            RouteError::UnknownFlag { route, flag } => {
                write!(f, "`{route}` has no option `{flag}`")
            }
            RouteError::BadFlag { flag, value } => {
                write!(
                    f,
                    "option `{flag}` is `{}`: give `true` or `false`",
                    clipped(value)
                )
            }
        }
    }
}

impl std::error::Error for RouteError {}

/// A value as messages show it: its first 64 characters.
fn clipped(value: &str) -> String {
    match value.char_indices().nth(64) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

/// Which arm of a check let the request through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Arm {
    /// Only legacy tuples and literal strings.
    Legacy,
    /// Only URN leaves.
    Urn,
    /// Both kinds of leaf.
    Mixed,
}

impl fmt::Display for Arm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Arm::Legacy => "legacy",
            Arm::Urn => "URN",
            Arm::Mixed => "mixed",
        })
    }
}

impl Arm {
    /// The kind of the leaves of `check`.
    pub fn of(check: &RootQuery) -> Arm {
        match check {
            RootQuery::Tuple(_) | RootQuery::Literal(_) => Arm::Legacy,
            RootQuery::Urn(_) => Arm::Urn,
            RootQuery::And(children) | RootQuery::Or(children) => {
                let mut kinds = children.iter().map(Arm::of);
                match kinds.next() {
                    None => Arm::Legacy,
                    Some(first) if kinds.all(|kind| kind == first) => first,
                    Some(_) => Arm::Mixed,
                }
            }
        }
    }
}

/// One check of a request: the main check or a flag's, with the values filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// The flag that adds it; `None` for the main check.
    pub flag: Option<String>,
    /// The check.
    pub check: RootQuery,
    /// The status of its denial.
    pub denied: u16,
}

/// How Unkey answers a request to a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteDecision {
    /// Whether every check passes.
    pub allowed: bool,
    /// 200, or the status of the first failing check.
    pub status: u16,
    /// The flag whose check failed (`None`: the main check, if any failed).
    pub failed_flag: Option<String>,
    /// Unkey's message for the denial.
    pub message: Option<String>,
    /// The arm of the main check that passed.
    pub arm: Option<Arm>,
}

impl Route {
    /// Whether the route's checks have any URN leaf.
    pub fn has_urn_arm(&self) -> bool {
        let has = |check: &RootQuery| leaves(check).any(|(kind, _)| kind == Arm::Urn);
        self.check.as_ref().is_some_and(has) || self.flags.iter().any(|flag| has(&flag.check))
    }

    /// The checks of `request`, in Unkey's order, with its values filled in.
    pub fn stages(&self, request: &Request) -> Result<Vec<Stage>, RouteError> {
        let Some(check) = &self.check else {
            return Err(RouteError::Unmodelled {
                route: self.name.clone(),
                commit: table().commit.clone(),
            });
        };
        for (name, value) in &request.values {
            if !PARAMS.contains(&name.as_str()) {
                return Err(RouteError::UnknownParam {
                    name: name.clone(),
                    hint: crate::suggest::did_you_mean(name, PARAMS.iter().copied()),
                });
            }
            let id_like = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            if value.is_empty() || !value.chars().all(id_like) {
                return Err(RouteError::BadValue {
                    param: name.clone(),
                    value: value.clone(),
                });
            }
        }
        for flag in &request.flags {
            if !self.flags.iter().any(|known| &known.name == flag) {
                return Err(RouteError::UnknownFlag {
                    route: self.name.clone(),
                    flag: flag.clone(),
                });
            }
        }
        let fill = |check: &RootQuery| self.fill(check, request);
        let main = Stage {
            flag: None,
            check: fill(check)?,
            denied: self.denied,
        };
        let mut before = Vec::new();
        let mut after = Vec::new();
        for flag in self
            .flags
            .iter()
            .filter(|flag| request.flags.contains(&flag.name))
        {
            let stage = Stage {
                flag: Some(flag.name.clone()),
                check: fill(&flag.check)?,
                denied: flag.denied,
            };
            if flag.before {
                before.push(stage);
            } else {
                after.push(stage);
            }
        }
        Ok(before.into_iter().chain([main]).chain(after).collect())
    }

    /// Decides `request` against a root key's `grants` as Unkey's handler does.
    pub fn decide<G: AsRef<str>>(
        &self,
        request: &Request,
        grants: &[G],
    ) -> Result<RouteDecision, RouteError> {
        let stages = self.stages(request)?;
        let grants = UrnGrants::new(grants);
        let mut arm = None;
        for stage in &stages {
            // Leaves are never empty after filling, so the check always evaluates.
            let verdict = stage
                .check
                .evaluate_grants(&grants)
                .unwrap_or_else(|error| Some(error.to_owned()));
            if let Some(message) = verdict {
                return Ok(RouteDecision {
                    allowed: false,
                    status: stage.denied,
                    failed_flag: stage.flag.clone(),
                    message: Some(message),
                    arm: None,
                });
            }
            if stage.flag.is_none() {
                arm = Some(passing_arm(&stage.check, &grants));
            }
        }
        Ok(RouteDecision {
            allowed: true,
            status: 200,
            failed_flag: None,
            message: None,
            arm,
        })
    }

    fn fill(&self, check: &RootQuery, request: &Request) -> Result<RootQuery, RouteError> {
        let fill_text = |template: &str| -> Result<String, RouteError> {
            let mut text = template.to_owned();
            while let Some(start) = text.find('{') {
                let end = start + text[start..].find('}').unwrap_or(text.len() - start);
                let param = &text[start + 1..end];
                let value = request
                    .value(param)
                    .ok_or_else(|| RouteError::MissingParam {
                        route: self.name.clone(),
                        param: param.to_owned(),
                    })?;
                text.replace_range(start..=end, value);
            }
            Ok(text)
        };
        Ok(match check {
            RootQuery::Tuple(text) => RootQuery::Tuple(fill_text(text)?),
            RootQuery::Literal(text) => RootQuery::Literal(fill_text(text)?),
            RootQuery::Urn(text) => RootQuery::Urn(fill_text(text)?),
            RootQuery::And(children) => RootQuery::And(self.fill_all(children, request)?),
            RootQuery::Or(children) => RootQuery::Or(self.fill_all(children, request)?),
        })
    }

    fn fill_all(
        &self,
        children: &[RootQuery],
        request: &Request,
    ) -> Result<Vec<RootQuery>, RouteError> {
        children
            .iter()
            .map(|child| self.fill(child, request))
            .collect()
    }
}

/// One leaf of a request's checks, and the grant that satisfies it or why none does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeafReport {
    /// The flag whose check holds the leaf (`None`: the main check).
    pub flag: Option<String>,
    /// `legacy` or `urn`.
    pub arm: Arm,
    /// The permission the leaf requires.
    pub required: String,
    /// The grant that satisfies it.
    pub matched: Option<String>,
    /// A grant that nearly satisfies it, and why it does not.
    pub near_miss: Option<NearMiss>,
}

/// A URN grant that nearly covers a leaf, and why it does not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NearMiss {
    /// The grant.
    pub grant: String,
    /// Why it misses, naming the grant.
    pub reason: String,
}

impl Route {
    /// Every leaf of `request`'s checks with the grant that satisfies it, or the nearest
    /// URN grant and why it misses: what a failure report shows.
    pub fn explain<G: AsRef<str>>(
        &self,
        request: &Request,
        grants: &[G],
    ) -> Result<Vec<LeafReport>, RouteError> {
        let stages = self.stages(request)?;
        let parsed = UrnGrants::new(grants);
        let mut reports = Vec::new();
        for stage in &stages {
            for (arm, required) in leaves(&stage.check) {
                let matched = match arm {
                    Arm::Urn => parsed.covering(required).map(str::to_owned),
                    _ => parsed.literally(required).then(|| required.to_owned()),
                };
                let near_miss = match (&matched, arm) {
                    (None, Arm::Urn) => grants.iter().find_map(|grant| {
                        let grant = grant.as_ref();
                        near_miss(required, grant, request).map(|reason| NearMiss {
                            grant: grant.to_owned(),
                            reason,
                        })
                    }),
                    _ => None,
                };
                reports.push(LeafReport {
                    flag: stage.flag.clone(),
                    arm,
                    required: required.to_owned(),
                    matched,
                    near_miss,
                });
            }
        }
        Ok(reports)
    }
}

/// Why the URN grant `grant` does not cover `required` when it nearly does: another
/// workspace, another action, the API id where the keyspace id belongs, or one segment.
fn near_miss(required: &str, grant: &str, request: &Request) -> Option<String> {
    use super::urn::UrnPermission;
    let want = UrnPermission::parse(required).ok()?;
    let have = UrnPermission::parse(grant).ok()?;
    let same_path = |have: &UrnPermission<'_>| {
        UrnPermission {
            workspace: want.workspace,
            action: want.action,
            ..have.clone()
        }
        .covers(&want)
    };
    if have.workspace != want.workspace && have.action == want.action && same_path(&have) {
        return Some(format!(
            "`{grant}` is for the workspace `{}`, not `{}`",
            have.workspace, want.workspace
        ));
    }
    if have.workspace == want.workspace && have.action != want.action && same_path(&have) {
        return Some(format!(
            "`{grant}` grants `{}`, not `{}`",
            have.action, want.action
        ));
    }
    if have.workspace != want.workspace || (have.action != want.action && have.action != "*") {
        return None;
    }
    let wanted: Vec<&str> = want.path.split('/').collect();
    let held: Vec<&str> = have.path.split('/').collect();
    if wanted.ends_with(&held) && held.len() < wanted.len() {
        let prefix = wanted[..wanted.len() - held.len()].join("/");
        return Some(format!(
            "`{grant}` names `{}`; Unkey checks `{}` (the path starts with `{prefix}/`)",
            have.path, want.path
        ));
    }
    if wanted.len() != held.len() {
        return None;
    }
    let differing: Vec<usize> = (0..wanted.len())
        .filter(|&i| held[i] != "*" && held[i] != wanted[i])
        .collect();
    let [index] = differing[..] else {
        return None;
    };
    let (api, keyspace) = (request.value("apiId"), request.value("keyAuthId"));
    if Some(held[index]) == api && Some(wanted[index]) == keyspace {
        return Some(format!(
            "`{grant}` names the API id `{}` where Unkey checks its keyspace id `{}`",
            held[index], wanted[index]
        ));
    }
    Some(format!(
        "`{grant}` names `{}` where Unkey checks `{}`",
        held[index], wanted[index]
    ))
}

/// The arm of a passing check that let it pass: its first passing alternative.
fn passing_arm(check: &RootQuery, grants: &UrnGrants<'_>) -> Arm {
    match check {
        RootQuery::Or(children) => children
            .iter()
            .find(|child| matches!(child.evaluate_grants(grants), Ok(None)))
            .map_or(Arm::Legacy, Arm::of),
        other => Arm::of(other),
    }
}

/// The leaves of `check`, each with its kind, left to right.
pub fn leaves(check: &RootQuery) -> Box<dyn Iterator<Item = (Arm, &str)> + '_> {
    match check {
        RootQuery::Tuple(text) | RootQuery::Literal(text) => {
            Box::new(std::iter::once((Arm::Legacy, text.as_str())))
        }
        RootQuery::Urn(text) => Box::new(std::iter::once((Arm::Urn, text.as_str()))),
        RootQuery::And(children) | RootQuery::Or(children) => {
            Box::new(children.iter().flat_map(leaves))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::urn::UrnPermission;
    use crate::lint::root_keys::check_tuple;

    fn request_for(route: &Route) -> Request {
        route.params.iter().fold(
            Request::new().param("workspaceId", "ws_1"),
            |request, param| request.param(param, &format!("{param}_1")),
        )
    }

    #[test]
    fn every_route_is_well_formed() {
        let table = table();
        assert_eq!(table.commit.len(), 40);
        let mut modelled = 0;
        for route in table.routes() {
            assert!(route.name.contains('.'), "{}", route.name);
            for param in &route.params {
                assert!(PARAMS.contains(&param.as_str()), "{}: {param}", route.name);
            }
            let Some(check) = &route.check else {
                assert!(route.flags.is_empty());
                continue;
            };
            modelled += 1;
            // Every listed param is used, and every used one is listed.
            let all = route.flags.iter().map(|flag| &flag.check).chain([check]);
            let text: String = all
                .flat_map(leaves)
                .map(|(_, leaf)| leaf)
                .collect::<Vec<_>>()
                .join(" ");
            for param in &route.params {
                assert!(
                    text.contains(&format!("{{{param}}}")),
                    "{}: {param}",
                    route.name
                );
            }
            let request = request_for(route);
            let flags: Vec<&str> = route.flags.iter().map(|flag| flag.name.as_str()).collect();
            let request = flags
                .iter()
                .fold(request, |request, flag| request.flag(flag));
            let stages = route.stages(&request).unwrap();
            assert_eq!(stages.len(), 1 + route.flags.len());
            for stage in &stages {
                for (kind, leaf) in leaves(&stage.check) {
                    match kind {
                        Arm::Urn => {
                            let parsed = UrnPermission::parse(leaf).unwrap();
                            assert_eq!(parsed.workspace, "ws_1", "{}", route.name);
                        }
                        _ => assert_eq!(check_tuple(leaf), None, "{}: {leaf}", route.name),
                    }
                }
            }
        }
        assert_eq!(
            modelled,
            table.routes().filter(|r| r.check.is_some()).count()
        );
        assert!(modelled >= 45, "{modelled} modelled routes");
    }

    #[test]
    fn missing_unknown_and_malformed_values_are_errors() {
        let route = table().get("keys.deleteKey").unwrap();
        let partial = Request::new()
            .param("workspaceId", "ws_1")
            .param("apiId", "api_1");
        assert_eq!(
            route
                .decide(&partial, &["api.*.delete_key"])
                .unwrap_err()
                .to_string(),
            "`keys.deleteKey` needs the param `keyAuthId`"
        );
        let typo = request_for(route).param("keyID", "k");
        assert!(
            route
                .stages(&typo)
                .unwrap_err()
                .to_string()
                .contains("did you mean `keyId`?")
        );
        let wild = request_for(route).param("keyId", "*");
        assert!(matches!(
            route.stages(&wild),
            Err(RouteError::BadValue { .. })
        ));
        let flag = request_for(route).flag("decrypt");
        assert_eq!(
            route.stages(&flag).unwrap_err().to_string(),
            "`keys.deleteKey` has no option `decrypt`"
        );
        let unknown = table().get("keys.getkey").unwrap_err().to_string();
        assert!(unknown.contains("did you mean `keys.getKey`?"), "{unknown}");
        let legacy_only = table().get("permissions.createRole").unwrap();
        assert!(matches!(
            legacy_only.stages(&request_for(legacy_only)),
            Err(RouteError::Unmodelled { .. })
        ));
    }
}
