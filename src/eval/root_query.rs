//! Root-key checks as Unkey's API handlers build them: trees of AND and OR over literal
//! leaves (legacy tuples `T`, strings `S`: exact equality, `*` an ordinary character) and URN
//! leaves (`U`: see [`super::urn`]), evaluated left to right as Unkey's `evaluateQueryV1`
//! does, with its messages for a denial.
//!
//! ```
//! use permspec::eval::root_query::RootQuery;
//! let query = RootQuery::Or(vec![
//!     RootQuery::Tuple("api.*.read_key".into()),
//!     RootQuery::Urn("unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#read_key".into()),
//! ]);
//! assert_eq!(query.evaluate(&["unkey:v1:ws_1:keyspaces/*/keys/*#read_key"]), Ok(None));
//! assert_eq!(
//!     query.evaluate(&["api.api_1.read_key"]),
//!     Ok(Some("Missing one of these permissions: api.*.read_key or \
//!              unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#read_key".to_owned()))
//! );
//! ```

use super::urn::UrnGrants;
use serde::Deserialize;

/// A root-key check: leaves and the operators over them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RootQuery {
    /// Every child must pass (none: passes).
    #[serde(rename = "and")]
    And(Vec<RootQuery>),
    /// One child must pass (none: fails).
    #[serde(rename = "or")]
    Or(Vec<RootQuery>),
    /// A legacy tuple, matched literally.
    #[serde(rename = "t")]
    Tuple(String),
    /// A string, matched literally.
    #[serde(rename = "s")]
    Literal(String),
    /// A URN permission, matched with URN wildcards.
    #[serde(rename = "u")]
    Urn(String),
}

/// A check Unkey's evaluator refuses to decide.
pub(crate) const INVALID_STRUCTURE: &str = "query has invalid structure: a leaf without a value";

impl RootQuery {
    /// `Ok(None)` when `grants` pass the check; `Ok(Some(message))` with Unkey's message when
    /// they do not; `Err` when the check cannot be evaluated (a leaf without a value).
    pub fn evaluate<G: AsRef<str>>(&self, grants: &[G]) -> Result<Option<String>, &'static str> {
        self.evaluate_grants(&UrnGrants::new(grants))
    }

    /// [`RootQuery::evaluate`] against grants parsed once.
    pub fn evaluate_grants(&self, grants: &UrnGrants<'_>) -> Result<Option<String>, &'static str> {
        match self {
            RootQuery::Tuple(value) | RootQuery::Literal(value) | RootQuery::Urn(value)
                if value.is_empty() =>
            {
                Err(INVALID_STRUCTURE)
            }
            RootQuery::Tuple(value) | RootQuery::Literal(value) => {
                let held = grants.literally(value);
                Ok((!held).then(|| format!("Missing permission: '{value}'")))
            }
            RootQuery::Urn(value) => {
                let held = grants.covering(value).is_some();
                Ok((!held).then(|| format!("Missing permission: '{value}'")))
            }
            RootQuery::And(children) => {
                for child in children {
                    if let Some(message) = child.evaluate_grants(grants)? {
                        return Ok(Some(message));
                    }
                }
                Ok(None)
            }
            RootQuery::Or(children) => {
                for child in children {
                    if child.evaluate_grants(grants)?.is_none() {
                        return Ok(None);
                    }
                }
                let listed: Vec<String> = children.iter().map(RootQuery::format).collect();
                Ok(Some(format!(
                    "Missing one of these permissions: {}",
                    listed.join(" or ")
                )))
            }
        }
    }

    /// The check with parentheses around every operator below the top, for people.
    pub fn grouped(&self) -> String {
        match self {
            RootQuery::And(children) | RootQuery::Or(children) => {
                let word = if matches!(self, RootQuery::And(_)) {
                    " and "
                } else {
                    " or "
                };
                let parts: Vec<String> = children
                    .iter()
                    .map(|child| match child {
                        RootQuery::And(_) | RootQuery::Or(_) => format!("({})", child.grouped()),
                        leaf => leaf.grouped(),
                    })
                    .collect();
                parts.join(word)
            }
            leaf => leaf.format(),
        }
    }

    /// The check written as Unkey's messages write it (no parentheses).
    pub fn format(&self) -> String {
        let join = |children: &[RootQuery], word: &str| {
            let parts: Vec<String> = children.iter().map(RootQuery::format).collect();
            parts.join(word)
        };
        match self {
            RootQuery::Tuple(value) | RootQuery::Literal(value) | RootQuery::Urn(value) => {
                value.clone()
            }
            RootQuery::And(children) => join(children, " and "),
            RootQuery::Or(children) => join(children, " or "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> RootQuery {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn literal_leaves_never_use_urn_wildcards_and_urn_leaves_do() {
        let urn = "unkey:v1:ws_1:keyspaces/ks_1#create_key";
        let wide = ["unkey:v1:ws_1:keyspaces/*#create_key"];
        assert!(
            RootQuery::Literal(urn.into())
                .evaluate(&wide)
                .unwrap()
                .is_some()
        );
        assert!(
            RootQuery::Urn(urn.into())
                .evaluate(&wide)
                .unwrap()
                .is_none()
        );
        assert!(
            RootQuery::Tuple("api.api_1.read_key".into())
                .evaluate(&["api.*.read_key"])
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn operators_follow_unkeys_evaluator() {
        let add_permissions = parse(
            r#"{"or": [{"and": [{"or": [{"t": "api.*.update_key"}, {"t": "api.api_1.update_key"}]},
                                 {"t": "rbac.*.add_permission_to_key"}]},
                        {"u": "unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#update_key"}]}"#,
        );
        assert_eq!(
            add_permissions.evaluate(&["unkey:v1:ws_1:keyspaces/ks_1/keys/*#update_key"]),
            Ok(None)
        );
        assert_eq!(
            add_permissions.evaluate(&["api.*.update_key", "rbac.*.add_permission_to_key"]),
            Ok(None)
        );
        assert_eq!(
            add_permissions.evaluate(&["api.*.update_key"]),
            Ok(Some(
                "Missing one of these permissions: api.*.update_key or api.api_1.update_key and \
                 rbac.*.add_permission_to_key or unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#update_key"
                    .to_owned()
            ))
        );
        assert_eq!(parse(r#"{"and": []}"#).evaluate(&[""; 0]), Ok(None));
        assert!(parse(r#"{"or": []}"#).evaluate(&[""; 0]).unwrap().is_some());
        assert_eq!(
            parse(r#"{"and": [{"t": ""}]}"#).evaluate(&["x"]),
            Err(INVALID_STRUCTURE)
        );
        assert_eq!(
            parse(r#"{"and": [{"t": "a"}, {"t": "b"}]}"#).evaluate(&["a"]),
            Ok(Some("Missing permission: 'b'".to_owned()))
        );
    }
}
