//! Unkey's root-key permission catalog (`type.id.action` tuples), kept as data in
//! `root_key_catalog.txt` so that new resource types and actions are one line away.

const CATALOG: &str = include_str!("root_key_catalog.txt");

/// The resource types and their actions; `None` actions means not enumerated (any).
pub(crate) fn resource_types() -> impl Iterator<Item = (&'static str, Option<Vec<&'static str>>)> {
    CATALOG
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, actions)| {
            let actions: Vec<&str> = actions.split_whitespace().collect();
            let open = actions.contains(&"*");
            (kind.trim(), (!open).then_some(actions))
        })
}

/// What is wrong with a root-key permission, if anything.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TupleProblem {
    /// `*` outside the resource-id position, or a wildcard tuple of the wrong shape.
    InertWildcard,
    /// Not three `.`-separated parts.
    NotATuple,
    /// A resource type the catalog does not know.
    UnknownType(String),
    /// An action the type does not have.
    UnknownAction(String),
}

/// Checks `permission` against the tuple rules and the catalog.
pub(crate) fn check_tuple(permission: &str) -> Option<TupleProblem> {
    let parts: Vec<&str> = permission.split('.').collect();
    let wildcard_outside_id = parts.iter().enumerate().any(|(index, part)| {
        part.contains('*') && !(index == 1 && parts.len() == 3 && *part == "*")
    });
    if wildcard_outside_id {
        return Some(TupleProblem::InertWildcard);
    }
    let [kind, _, action] = parts.as_slice() else {
        return Some(TupleProblem::NotATuple);
    };
    match resource_types().find(|(known, _)| known == kind) {
        None => Some(TupleProblem::UnknownType(kind.to_string())),
        Some((_, Some(actions))) if !actions.contains(action) => {
            Some(TupleProblem::UnknownAction(action.to_string()))
        }
        Some(_) => None,
    }
}

/// The actions known for `kind`.
pub(crate) fn actions_of(kind: &str) -> Vec<&'static str> {
    resource_types()
        .find(|(known, _)| *known == kind)
        .and_then(|(_, actions)| actions)
        .unwrap_or_default()
}
