//! Unkey's route table: every v2 route, with what its handler checks before it lets a root
//! key through: the check trees (legacy `t` leaves and URN `u` leaves under AND/OR, or the
//! analytics routes' grant-shape gate), the request values they name, the options that add
//! or change a stage, and the status of each stage's denial. The table is data
//! (`unkey_routes.yaml`), versioned with the Unkey commit it reflects.
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
pub(crate) const PARAMS: &[&str] = &[
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

/// The value of a param that stands for every id ([`Request::any_id`]).
pub(crate) const ANY_ID: &str = "*";

/// The name of a route's main check among its stages.
pub const MAIN: &str = "main";

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

/// One route: its name (`keys.getKey`) and what it checks.
#[derive(Debug)]
pub struct Route {
    /// The route, as in Unkey's path `/v2/<name>`.
    pub name: String,
    /// The request values the checks name (besides `workspaceId`).
    pub params: Vec<String>,
    /// Whether and how the route authorizes a root key.
    pub authorization: Authorization,
    /// Options of the request that add or change a stage, in Unkey's order.
    pub options: Vec<RouteOption>,
    /// The request must set one of these options (else Unkey answers 400 before any check).
    pub at_least_one_option: Vec<String>,
    /// Without this param the route answers an empty page, 200, and runs no check.
    pub empty_without: Option<String>,
}

/// Whether a route authorizes a root key.
#[derive(Debug)]
pub enum Authorization {
    /// The main check, and the answer to its denial.
    Checked {
        /// The check.
        check: Check,
        /// The answer when it fails.
        denied: Denial,
    },
    /// No root-key check: every caller gets `status` (200 on a public route, 400 on a
    /// portal-session route, which refuses a root key whatever its grants).
    Unchecked {
        /// The status every root key gets.
        status: u16,
    },
}

/// One check of a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// A tree of leaves, as `principal.Authorize` evaluates it.
    Tree(RootQuery),
    /// No tree: the request goes through when any grant splits on `.` into exactly
    /// `first.X.last`, X any text without a dot (even empty or unknown); else Unkey's
    /// `Authorize(first.*.last)` fails. The analytics routes gate their rows this way.
    GrantShaped {
        /// The grant's first segment (`api`, `ratelimit`).
        first: String,
        /// Its last segment (`read_analytics`).
        last: String,
    },
}

/// What Unkey answers when a stage fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Denial {
    /// An error with this status: 403, or 404 where the handler masks the denial.
    Status(u16),
    /// keys.verifyKey: HTTP 200 with `{valid: false, code: NOT_FOUND}`.
    NotFoundVerification,
}

impl Denial {
    /// The HTTP status of the answer.
    pub fn status(self) -> u16 {
        match self {
            Denial::Status(status) => status,
            Denial::NotFoundVerification => 200,
        }
    }

    /// The `code` of the answer's body, for keys.verifyKey's answer.
    pub fn code(self) -> Option<&'static str> {
        match self {
            Denial::Status(_) => None,
            Denial::NotFoundVerification => Some("NOT_FOUND"),
        }
    }
}

/// A request option (`decrypt: true` on keys.getKey) and what it does to the checks.
#[derive(Debug)]
pub struct RouteOption {
    /// The option's name.
    pub name: String,
    /// The stage it adds, if it adds one.
    pub adds: Option<AddedStage>,
    /// The stages it changes, by name (`main`, `scope:keys:create`), and their new checks.
    pub changes: Vec<(String, Check)>,
    /// Options it sets too.
    pub implies: Vec<String>,
}

/// A stage an option adds.
#[derive(Debug)]
pub struct AddedStage {
    /// Its name (`decrypt`, `scope:keys:read`).
    pub stage: String,
    /// Its check.
    pub check: Check,
    /// Whether Unkey checks it before the main check.
    pub before: bool,
    /// The answer when it fails.
    pub denied: Denial,
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
    check: Option<RawCheck>,
    #[serde(default)]
    denied: Option<RawDenial>,
    #[serde(default)]
    options: Vec<RawOption>,
    #[serde(default)]
    at_least_one_option: Vec<String>,
    #[serde(default)]
    empty_without: Option<String>,
    #[serde(default)]
    answers: Option<u16>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawCheck {
    Shaped { grant_shaped: [String; 2] },
    Tree(RootQuery),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDenial {
    Status(u16),
    Verify(VerifyWord),
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum VerifyWord {
    Verify,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    name: String,
    #[serde(default)]
    adds: Option<RawStage>,
    #[serde(default)]
    changes: IndexMap<String, RawCheck>,
    #[serde(default)]
    implies: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    stage: String,
    check: RawCheck,
    #[serde(default)]
    before: bool,
    #[serde(default)]
    denied: Option<RawDenial>,
}

impl From<RawCheck> for Check {
    fn from(raw: RawCheck) -> Check {
        match raw {
            RawCheck::Shaped {
                grant_shaped: [first, last],
            } => Check::GrantShaped { first, last },
            RawCheck::Tree(tree) => Check::Tree(tree),
        }
    }
}

fn denial(raw: Option<RawDenial>) -> Denial {
    match raw {
        None => Denial::Status(403),
        Some(RawDenial::Status(status)) => Denial::Status(status),
        Some(RawDenial::Verify(VerifyWord::Verify)) => Denial::NotFoundVerification,
    }
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
        let value: serde_json::Value = crate::yaml::content::from_str(text)?;
        let raw: RawTable = serde_json::from_value(value).map_err(|error| error.to_string())?;
        let mut routes = IndexMap::new();
        for (name, raw) in raw.routes {
            let authorization = match (raw.check, raw.answers) {
                (Some(check), None) => Authorization::Checked {
                    check: check.into(),
                    denied: denial(raw.denied),
                },
                (None, Some(status)) => Authorization::Unchecked { status },
                _ => return Err(format!("{name}: give either `check` or `answers`")),
            };
            let options = raw
                .options
                .into_iter()
                .map(|raw| RouteOption {
                    name: raw.name,
                    adds: raw.adds.map(|stage| AddedStage {
                        stage: stage.stage,
                        check: stage.check.into(),
                        before: stage.before,
                        denied: denial(stage.denied),
                    }),
                    changes: (raw.changes.into_iter())
                        .map(|(stage, check)| (stage, check.into()))
                        .collect(),
                    implies: raw.implies,
                })
                .collect();
            // Params in the order of a resource's path (API, keyspace, key), whatever order
            // the handler finds them in.
            let mut params = raw.params;
            params.sort_by_key(|param| PARAMS.iter().position(|known| known == param));
            let route = Route {
                name: name.clone(),
                params,
                authorization,
                options,
                at_least_one_option: raw.at_least_one_option,
                empty_without: raw.empty_without,
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
                hint: crate::suggest::did_you_mean_dotted(
                    name,
                    self.routes.keys().map(String::as_str),
                ),
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
    options: Vec<String>,
    /// Params that stand for every id ([`Request::any_id`]).
    any: Vec<String>,
}

impl Request {
    /// An empty request.
    pub fn new() -> Self {
        Request::default()
    }

    /// The request with `name` set to `value`.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.values.insert(name.to_owned(), value.to_owned());
        self
    }

    /// The request with `name` standing for every id: its checks name `*` there, which
    /// only a grant for every id passes (`api.*.read_key`, `.../keys/*#read_key`). For
    /// asking which grants a call on any id needs; a policy's cases name ids.
    pub fn any_id(mut self, name: &str) -> Self {
        self.values.insert(name.to_owned(), ANY_ID.to_owned());
        if !self.any.iter().any(|any| any == name) {
            self.any.push(name.to_owned());
        }
        self
    }

    /// Whether `name` stands for every id.
    pub fn is_any_id(&self, name: &str) -> bool {
        self.any.iter().any(|any| any == name)
    }

    /// The params and their values, in the order they were given.
    pub fn values(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// The request with the option `name` set.
    pub fn option(mut self, name: &str) -> Self {
        if !self.has_option(name) {
            self.options.push(name.to_owned());
        }
        self
    }

    /// The request for `route` from `name=value` pairs: a name that is one of the route's
    /// options takes `true` or `false`; any other name is a param.
    pub fn build<'a>(
        route: &Route,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Request, RouteError> {
        let mut request = Request::new();
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            // A name given twice is ambiguous: which value did the caller mean?
            if seen.contains(&name) {
                return Err(RouteError::Repeated {
                    name: name.to_owned(),
                });
            }
            seen.push(name);
            if route.option(name).is_some() {
                match value {
                    "true" => request = request.option(name),
                    "false" => {}
                    _ => {
                        return Err(RouteError::BadOption {
                            option: name.to_owned(),
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
    pub fn has_option(&self, name: &str) -> bool {
        self.options.iter().any(|option| option == name)
    }

    /// The options set, in the order they were set.
    pub fn options(&self) -> &[String] {
        &self.options
    }

    /// The value of `name`, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// Why a request to a route cannot be decided.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteError {
    /// No route of that name.
    UnknownRoute {
        /// The name given.
        name: String,
        /// A did-you-mean.
        hint: Option<String>,
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
    UnknownOption {
        /// The route.
        route: String,
        /// The option given.
        option: String,
    },
    /// An option set to something other than `true` or `false`.
    BadOption {
        /// The option.
        option: String,
        /// Its value.
        value: String,
    },
    /// A param or option given twice.
    Repeated {
        /// Its name.
        name: String,
    },
    /// A request that sets none of the options one of which it must set: Unkey answers 400
    /// before any check.
    NeedsOption {
        /// The route.
        route: String,
        /// The options, one of which is needed.
        options: Vec<String>,
    },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::UnknownRoute { name, hint } => {
                write!(f, "no Unkey route `{name}`")?;
                hint.iter().try_for_each(|hint| write!(f, "; {hint}"))
            }
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
            RouteError::UnknownOption { route, option } => {
                write!(f, "`{route}` has no option `{option}`")
            }
            RouteError::BadOption { option, value } => {
                write!(
                    f,
                    "option `{option}` is `{}`: give `true` or `false`",
                    clipped(value)
                )
            }
            RouteError::Repeated { name } => {
                write!(f, "`{name}` is given more than once: give each param once")
            }
            RouteError::NeedsOption { route, options } => write!(
                f,
                "`{route}` needs one of the options {} (Unkey answers 400 to a request with \
                 none, before any check)",
                options.join(", ")
            ),
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
#[non_exhaustive]
pub enum Arm {
    /// Only legacy tuples and literal strings.
    Legacy,
    /// Only URN leaves.
    Urn,
    /// Both kinds of leaf.
    Mixed,
    /// The analytics routes' gate: a grant of the right shape ([`Check::GrantShaped`]).
    Shape,
}

impl fmt::Display for Arm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Arm::Legacy => "legacy",
            Arm::Urn => "URN",
            Arm::Mixed => "mixed",
            Arm::Shape => "shape",
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

impl Check {
    /// The check in words, with parentheses where Unkey's messages leave them out.
    pub fn grouped(&self) -> String {
        match self {
            Check::Tree(tree) => tree.grouped(),
            Check::GrantShaped { first, last } => {
                format!("any grant shaped `{first}.X.{last}` (X without a dot)")
            }
        }
    }

    /// `None` when `grants` pass the check; else Unkey's message for the denial.
    pub fn evaluate(&self, grants: &UrnGrants<'_>) -> Option<String> {
        match self {
            // Leaves are never empty after filling, so a tree always evaluates.
            Check::Tree(tree) => tree
                .evaluate_grants(grants)
                .unwrap_or_else(|error| Some(error.to_owned())),
            Check::GrantShaped { first, last } => {
                let shaped = grants.texts().any(|grant| shaped(grant, first, last));
                (!shaped).then(|| format!("Missing permission: '{first}.*.{last}'"))
            }
        }
    }

    /// The grant that passes a [`Check::GrantShaped`], if any.
    pub fn shaped_grant<'g>(&self, grants: &UrnGrants<'g>) -> Option<&'g str> {
        match self {
            Check::GrantShaped { first, last } => {
                grants.texts().find(|grant| shaped(grant, first, last))
            }
            Check::Tree(_) => None,
        }
    }

    /// The leaves of the check, each with its kind, left to right (none for a grant shape).
    pub fn leaves(&self) -> Box<dyn Iterator<Item = (Arm, &str)> + '_> {
        match self {
            Check::Tree(tree) => leaves(tree),
            Check::GrantShaped { .. } => Box::new(std::iter::empty()),
        }
    }

    fn fill(&self, route: &Route, request: &Request) -> Result<Check, RouteError> {
        match self {
            Check::Tree(tree) => route.fill(tree, request).map(Check::Tree),
            shaped => Ok(shaped.clone()),
        }
    }
}

/// Whether `grant` splits on `.` into exactly `first`, one dot-free segment, `last`.
fn shaped(grant: &str, first: &str, last: &str) -> bool {
    let parts: Vec<&str> = grant.split('.').collect();
    matches!(parts.as_slice(), [f, _, l] if *f == first && *l == last)
}

/// One check of a request: the main check or an option's, with the values filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// Its name: `main`, or the option's stage (`decrypt`, `scope:keys:read`).
    pub name: String,
    /// The option that adds it; `None` for the main check.
    pub option: Option<String>,
    /// The check.
    pub check: Check,
    /// The answer when it fails.
    pub denied: Denial,
}

/// How Unkey answers a request to a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteDecision {
    /// Whether every check passes.
    pub allowed: bool,
    /// 200, or the status of the first failing stage (keys.verifyKey denies with 200).
    pub status: u16,
    /// The stage that failed.
    pub stage: Option<String>,
    /// The body's `code` of a denial answered with 200 (keys.verifyKey's `NOT_FOUND`).
    pub code: Option<&'static str>,
    /// Unkey's message for the denial.
    pub message: Option<String>,
    /// The arm of the main check that passed.
    pub arm: Option<Arm>,
}

impl RouteDecision {
    fn allowed(arm: Option<Arm>) -> Self {
        RouteDecision {
            allowed: true,
            status: 200,
            stage: None,
            code: None,
            message: None,
            arm,
        }
    }
}

impl Route {
    /// The option called `name`.
    pub fn option(&self, name: &str) -> Option<&RouteOption> {
        self.options.iter().find(|option| option.name == name)
    }

    /// Every check the route can run: the main check, the stages options add, and the
    /// checks options change stages to.
    pub fn checks(&self) -> impl Iterator<Item = &Check> {
        self.named_checks().map(|(_, check)| check)
    }

    /// Every check with the option whose stage it is (`None`: the main check).
    pub fn named_checks(&self) -> impl Iterator<Item = (Option<&str>, &Check)> {
        let main = match &self.authorization {
            Authorization::Checked { check, .. } => Some((None, check)),
            Authorization::Unchecked { .. } => None,
        };
        let options = self.options.iter().flat_map(|option| {
            let name = Some(option.name.as_str());
            let added = option.adds.iter().map(move |stage| (name, &stage.check));
            added.chain(option.changes.iter().map(move |(_, check)| (name, check)))
        });
        main.into_iter().chain(options)
    }

    /// Whether the route's checks have any URN leaf.
    pub fn has_urn_arm(&self) -> bool {
        self.checks()
            .any(|check| check.leaves().any(|(kind, _)| kind == Arm::Urn))
    }

    /// Whether the route checks a root key's grants at all.
    pub fn is_checked(&self) -> bool {
        matches!(self.authorization, Authorization::Checked { .. })
    }

    /// The checks of `request`, in Unkey's order, with its values filled in: none for a
    /// route that checks no root key, or a page that is empty without a param.
    pub fn stages(&self, request: &Request) -> Result<Vec<Stage>, RouteError> {
        self.validate(request)?;
        let Authorization::Checked { check, denied } = &self.authorization else {
            return Ok(Vec::new());
        };
        if let Some(param) = &self.empty_without
            && request.value(param).is_none()
        {
            return Ok(Vec::new());
        }
        let set = self.options_set(request);
        if !self.at_least_one_option.is_empty()
            && !self
                .at_least_one_option
                .iter()
                .any(|name| set.contains(&name.as_str()))
        {
            return Err(RouteError::NeedsOption {
                route: self.name.clone(),
                options: self.at_least_one_option.clone(),
            });
        }
        // A stage's check, as the options set change it.
        let changed = |stage: &str, check: &Check| -> Check {
            let changes = set.iter().filter_map(|name| self.option(name));
            let change = changes
                .flat_map(|option| &option.changes)
                .rfind(|(changed, _)| changed == stage);
            change.map_or_else(|| check.clone(), |(_, check)| check.clone())
        };
        let mut before = Vec::new();
        let mut after = Vec::new();
        for option in self
            .options
            .iter()
            .filter(|option| set.contains(&option.name.as_str()))
        {
            let Some(added) = &option.adds else { continue };
            let stage = Stage {
                name: added.stage.clone(),
                option: Some(option.name.clone()),
                check: changed(&added.stage, &added.check).fill(self, request)?,
                denied: added.denied,
            };
            if added.before {
                before.push(stage);
            } else {
                after.push(stage);
            }
        }
        let main = Stage {
            name: MAIN.to_owned(),
            option: None,
            check: changed(MAIN, check).fill(self, request)?,
            denied: *denied,
        };
        Ok(before.into_iter().chain([main]).chain(after).collect())
    }

    /// The options `request` sets, with those they imply, in the table's order.
    fn options_set(&self, request: &Request) -> Vec<&str> {
        let mut set: Vec<&str> = Vec::new();
        let mut pending: Vec<&str> = request.options.iter().map(String::as_str).collect();
        while let Some(name) = pending.pop() {
            if set.contains(&name) {
                continue;
            }
            set.push(name);
            if let Some(option) = self.option(name) {
                pending.extend(option.implies.iter().map(String::as_str));
            }
        }
        (self.options.iter())
            .map(|option| option.name.as_str())
            .filter(|name| set.contains(name))
            .collect()
    }

    /// Refuses params permspec does not know, values that are not ids, and options the
    /// route does not have.
    fn validate(&self, request: &Request) -> Result<(), RouteError> {
        for (name, value) in &request.values {
            if !PARAMS.contains(&name.as_str()) {
                return Err(RouteError::UnknownParam {
                    name: name.clone(),
                    hint: crate::suggest::did_you_mean(name, PARAMS.iter().copied()),
                });
            }
            let id_like = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            let any = value == ANY_ID && request.is_any_id(name);
            if !any && (value.is_empty() || !value.chars().all(id_like)) {
                return Err(RouteError::BadValue {
                    param: name.clone(),
                    value: value.clone(),
                });
            }
        }
        for option in &request.options {
            if self.option(option).is_none() {
                return Err(RouteError::UnknownOption {
                    route: self.name.clone(),
                    option: option.clone(),
                });
            }
        }
        Ok(())
    }

    /// Decides `request` against a root key's `grants` as Unkey's handler does.
    pub fn decide<G: AsRef<str>>(
        &self,
        request: &Request,
        grants: &[G],
    ) -> Result<RouteDecision, RouteError> {
        let stages = self.stages(request)?;
        if let Authorization::Unchecked { status } = self.authorization
            && status != 200
        {
            return Ok(RouteDecision {
                allowed: false,
                status,
                stage: None,
                code: None,
                message: Some(format!(
                    "`{}` is called with a portal session, not a root key: Unkey answers \
                     {status} to a root key, whatever its grants",
                    self.name
                )),
                arm: None,
            });
        }
        let grants = UrnGrants::new(grants);
        let mut arm = None;
        for stage in &stages {
            if let Some(message) = stage.check.evaluate(&grants) {
                return Ok(RouteDecision {
                    allowed: false,
                    status: stage.denied.status(),
                    stage: Some(stage.name.clone()),
                    code: stage.denied.code(),
                    message: Some(message),
                    arm: None,
                });
            }
            if stage.option.is_none() {
                arm = Some(passing_arm(&stage.check, &grants));
            }
        }
        Ok(RouteDecision::allowed(arm))
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
    /// The option whose stage holds the leaf (`None`: the main check).
    pub option: Option<String>,
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
    /// URN grant and why it misses: what a failure report shows. A grant-shape gate is one
    /// report of its own, of the arm [`Arm::Shape`].
    pub fn explain<G: AsRef<str>>(
        &self,
        request: &Request,
        grants: &[G],
    ) -> Result<Vec<LeafReport>, RouteError> {
        let stages = self.stages(request)?;
        let parsed = UrnGrants::new(grants);
        let mut reports = Vec::new();
        for stage in &stages {
            let option = stage.option.clone();
            if let Check::GrantShaped { first, last } = &stage.check {
                reports.push(LeafReport {
                    option,
                    arm: Arm::Shape,
                    required: format!("{first}.X.{last}"),
                    matched: stage.check.shaped_grant(&parsed).map(str::to_owned),
                    near_miss: None,
                });
                continue;
            }
            for (arm, required) in stage.check.leaves() {
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
                    option: option.clone(),
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
fn passing_arm(check: &Check, grants: &UrnGrants<'_>) -> Arm {
    let check = match check {
        Check::Tree(tree) => tree,
        Check::GrantShaped { .. } => return Arm::Shape,
    };
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
        for route in table.routes() {
            assert!(
                route.name.contains('.') || route.name == "liveness",
                "{}",
                route.name
            );
            for param in &route.params {
                assert!(PARAMS.contains(&param.as_str()), "{}: {param}", route.name);
            }
            if !route.is_checked() {
                assert!(route.options.is_empty() && route.params.is_empty());
                continue;
            }
            // Every param a leaf names is listed (a listed one may only find the resource,
            // as keys.rerollKey's keyId does).
            for (_, leaf) in route.checks().flat_map(Check::leaves) {
                let mut rest = leaf;
                while let Some(start) = rest.find('{') {
                    let end = start + rest[start..].find('}').unwrap();
                    let param = &rest[start + 1..end];
                    assert!(
                        param == "workspaceId" || route.params.iter().any(|p| p == param),
                        "{}: {param}",
                        route.name
                    );
                    rest = &rest[end..];
                }
            }
            let request = (route.options.iter()).fold(request_for(route), |request, option| {
                request.option(&option.name)
            });
            let stages = route.stages(&request).unwrap();
            let added = route.options.iter().filter(|option| option.adds.is_some());
            assert_eq!(stages.len(), 1 + added.count(), "{}", route.name);
            for stage in &stages {
                for (kind, leaf) in stage.check.leaves() {
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
        assert_eq!(table.routes().count(), 83);
        assert_eq!(
            table.routes().filter(|route| route.is_checked()).count(),
            78
        );
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
        let option = request_for(route).option("decrypt");
        assert_eq!(
            route.stages(&option).unwrap_err().to_string(),
            "`keys.deleteKey` has no option `decrypt`"
        );
        let unknown = table().get("keys.getkey").unwrap_err().to_string();
        assert!(unknown.contains("did you mean `keys.getKey`?"), "{unknown}");
    }

    #[test]
    fn a_grant_shape_is_no_tree() {
        let route = table().get("analytics.getVerifications").unwrap();
        let request = Request::new().param("workspaceId", "ws_1");
        for shaped in [
            "api.*.read_analytics",
            "api..read_analytics",
            "api.anything.read_analytics",
        ] {
            let decision = route.decide(&request, &[shaped]).unwrap();
            assert_eq!(
                (decision.allowed, decision.arm),
                (true, Some(Arm::Shape)),
                "{shaped}"
            );
        }
        for other in [
            "api.a.b.read_analytics",
            "api.*.read_analytic",
            "ratelimit.*.read_analytics",
        ] {
            assert_eq!(
                route.decide(&request, &[other]).unwrap().status,
                403,
                "{other}"
            );
        }
    }
}
