//! A route call a root key makes: `keys.getKey(keyId=key_1, decrypt=true)`, where `*`
//! stands for every id.

use crate::eval::routes::{self, ANY_ID, Request, Route, RouteError};
use std::fmt;

/// A call's values and options as `name=value` pairs, as written.
pub type Pairs = Vec<(String, String)>;

/// One route call: a route, its ids (`*`: any id), the options it sets.
#[derive(Clone, Debug)]
pub struct Call {
    /// The route.
    pub route: &'static Route,
    /// Its values and options; a `*` value stands for every id.
    pub request: Request,
}

/// Why a call cannot be asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// A call that is not `route` or `route(name=value, ...)`.
    #[error("`{text}` is no route call: {why}")]
    Syntax {
        /// The text given.
        text: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The route refuses the request.
    #[error("{0}")]
    Route(#[from] RouteError),
    /// A value the route does not take.
    #[error("`{route}` takes no `{param}` (it takes {takes})")]
    NotTaken {
        /// The route.
        route: String,
        /// The param given.
        param: String,
        /// What it takes, `, `-separated.
        takes: String,
    },
    /// Ids the route's checks name that the call does not give.
    #[error(
        "`{route}` needs {}: give each an id (or `*` for every id; the workspace is always \
         one id)",
        params.iter().map(|param| format!("`{param}`")).collect::<Vec<_>>().join(", ")
    )]
    Missing {
        /// The route.
        route: String,
        /// The params it needs, in the route's order.
        params: Vec<String>,
    },
}

impl Call {
    /// The call `text` (`keys.getKey` or `keys.getKey(keyId=key_1, decrypt=true)`), its
    /// values completed from `defaults` where it does not give them (a default the route
    /// does not take is ignored).
    pub fn parse(text: &str, defaults: &[(String, String)]) -> Result<Call, CallError> {
        let (name, pairs) = Call::split(text)?;
        Call::new(name, pairs, defaults)
    }

    /// The route name and the `name=value` pairs of the call `text`, unchecked.
    pub fn split(text: &str) -> Result<(&str, Pairs), CallError> {
        let syntax = |why| CallError::Syntax {
            text: text.to_owned(),
            why,
        };
        let text = text.trim();
        let (name, inner) = match text.split_once('(') {
            None => (text, ""),
            Some((name, rest)) => (
                name.trim(),
                rest.strip_suffix(')')
                    .ok_or_else(|| syntax("it opens `(` without closing it at the end"))?,
            ),
        };
        if inner.contains(['(', ')']) {
            return Err(syntax("a call has one pair of parentheses"));
        }
        let mut pairs = Vec::new();
        for pair in inner
            .split(',')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
        {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| syntax("each value is written `name=value`"))?;
            pairs.push((key.trim().to_owned(), value.trim().to_owned()));
        }
        Ok((name, pairs))
    }

    /// The call to the route `name` with the values and options `pairs` (`*`: every id),
    /// completed from `defaults`.
    pub fn new(
        name: &str,
        mut pairs: Vec<(String, String)>,
        defaults: &[(String, String)],
    ) -> Result<Call, CallError> {
        let route = routes::table().get(name)?;
        // A name given twice is ambiguous: which value did the caller mean?
        for (at, (param, _)) in pairs.iter().enumerate() {
            if pairs[..at].iter().any(|(earlier, _)| earlier == param) {
                return Err(RouteError::Repeated {
                    name: param.clone(),
                }
                .into());
            }
        }
        if let Some((param, _)) = pairs.iter().find(|(param, _)| {
            param != "workspaceId" && !route.params.contains(param) && route.option(param).is_none()
        }) {
            let takes: Vec<&str> = (route.params.iter().map(String::as_str))
                .chain(route.options.iter().map(|option| option.name.as_str()))
                .collect();
            return Err(CallError::NotTaken {
                route: route.name.clone(),
                param: param.clone(),
                takes: if takes.is_empty() {
                    "nothing".to_owned()
                } else {
                    takes.join(", ")
                },
            });
        }
        for (key, value) in defaults {
            let taken = route.params.contains(key)
                || route.option(key).is_some()
                || (key == "workspaceId" && names_workspace(route));
            if taken && !pairs.iter().any(|(given, _)| given == key) {
                pairs.push((key.clone(), value.clone()));
            }
        }
        let set: Vec<&str> = (pairs.iter())
            .filter(|(name, value)| value == "true" && route.option(name).is_some())
            .map(|(name, _)| name.as_str())
            .collect();
        // Without the param a page is empty and runs no check: a call all the same.
        let missing: Vec<String> = needed_params(route, &set)
            .into_iter()
            .filter(|param| route.empty_without.as_ref() != Some(param))
            .filter(|param| !pairs.iter().any(|(given, _)| given == param))
            .collect();
        if !missing.is_empty() && route.is_checked() {
            return Err(CallError::Missing {
                route: route.name.clone(),
                params: missing,
            });
        }
        let (any, given): (Vec<_>, Vec<_>) = pairs
            .iter()
            .partition(|(key, value)| value == ANY_ID && route.option(key).is_none());
        let mut request =
            Request::build(route, given.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        for (key, _) in any {
            if key == "workspaceId" {
                // A root key calls in its own workspace, which a URN names.
                return Err(RouteError::BadValue {
                    param: key.clone(),
                    value: ANY_ID.to_owned(),
                }
                .into());
            }
            request = request.any_id(key);
        }
        route.stages(&request)?;
        Ok(Call { route, request })
    }

    /// Whether this call asks for `request` to `route`: the same route, every id this call
    /// names the same (a `*` here takes any), and no option this call does not set.
    pub fn includes(&self, route: &Route, request: &Request) -> bool {
        self.route.name == route.name
            && request.values().all(|(name, value)| {
                self.request.is_any_id(name) || self.request.value(name) == Some(value)
            })
            && request
                .options()
                .iter()
                .all(|option| self.request.has_option(option))
    }

    /// Whether `request` to `route` is this call: [`Call::includes`], with the same
    /// options (a case without `decrypt` tests no call with it).
    pub fn asks(&self, route: &Route, request: &Request) -> bool {
        self.includes(route, request)
            && (self.request.options().iter()).all(|option| request.has_option(option))
    }
}

impl fmt::Display for Call {
    /// The call as it is written: `keys.getKey(keyId=*, decrypt=true)`, without the
    /// workspace.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<String> = (self.route.params.iter())
            .filter_map(|param| Some(format!("{param}={}", self.request.value(param)?)))
            .chain((self.request.options().iter()).map(|option| format!("{option}=true")))
            .collect();
        if shown.is_empty() {
            write!(f, "{}", self.route.name)
        } else {
            write!(f, "{}({})", self.route.name, shown.join(", "))
        }
    }
}

/// Whether the route's checks name the workspace (its URN leaves do).
fn names_workspace(route: &Route) -> bool {
    route
        .checks()
        .flat_map(|check| check.leaves())
        .any(|(_, leaf)| leaf.contains("{workspaceId}"))
}

/// The params the checks of a call to `route` setting the options `set` name: the
/// workspace first when a URN leaf names it, then the route's, in its order.
fn needed_params(route: &Route, set: &[&str]) -> Vec<String> {
    let checks = route
        .named_checks()
        .filter(|(option, _)| option.is_none_or(|option| set.contains(&option)));
    let leaves: Vec<&str> = checks
        .flat_map(|(_, check)| check.leaves().map(|(_, leaf)| leaf))
        .collect();
    std::iter::once("workspaceId")
        .chain(route.params.iter().map(String::as_str))
        .filter(|param| {
            let placeholder = format!("{{{param}}}");
            leaves.iter().any(|leaf| leaf.contains(&placeholder))
        })
        .map(str::to_owned)
        .collect()
}
