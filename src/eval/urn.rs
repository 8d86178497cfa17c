//! Unkey's URN resource permissions for root keys, as Unkey's code checks them (snapshot of
//! August 2026): `unkey:v1:<workspace>:<path>#<action>`, where a granted `*` segment matches
//! one path segment, a trailing `**` the base path and everything below it, and
//! `unkey:v1:<workspace>:**#*` is the admin grant.
//!
//! Parsing follows Unkey's validation order and reports its error texts word for word.
//! Deciding a required permission against grants (a `U()` leaf) follows Unkey's rules: a
//! literal match first (any string, valid or not); an invalid required permission matches
//! only literally; unparsable grants are skipped; workspaces must be equal (a `*` workspace
//! is literal); wildcards on the required side compare literally.
//!
//! ```
//! use permspec::eval::urn;
//! let grants = ["unkey:v1:ws_1:keyspaces/*/keys/*#read_key"];
//! assert!(urn::covered("unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#read_key", &grants).is_some());
//! assert!(urn::covered("unkey:v1:ws_1:keyspaces/ks_1#read_key", &grants).is_none());
//! assert_eq!(
//!     urn::UrnPermission::parse("unkey:v1:ws_1:portals/*#*").unwrap_err().to_string(),
//!     "invalid urn permission: action wildcard requires the global resource pattern \"**\""
//! );
//! ```

use std::fmt;

/// A parsed URN permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrnPermission<'a> {
    /// The workspace id (a `*` here is an ordinary character).
    pub workspace: &'a str,
    /// The path: `/`-separated segments, each a name, `*`, or a last `**`.
    pub path: &'a str,
    /// The action, or `*` (only with the path `**`).
    pub action: &'a str,
}

/// Why a string is not a URN permission, in Unkey's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrnError {
    /// No `#`, or more than one.
    ActionSeparator,
    /// Fewer than four `:`-separated fields.
    Fields,
    /// The first field is not `unkey`.
    Prefix,
    /// The second field is not `v1`.
    Version,
    /// The workspace is empty.
    EmptyWorkspace,
    /// The workspace holds `:`, `#` or `/`.
    WorkspaceCharacters,
    /// A path segment is empty.
    EmptySegment,
    /// A path segment holds `:` or `#`.
    SegmentCharacters,
    /// `**` before the last segment.
    DoubleStarNotLast,
    /// `*` inside a segment with other characters.
    PartialStar,
    /// The action is empty.
    EmptyAction,
    /// The action holds `:`, `#`, `/` or `*`.
    ActionCharacters,
    /// The action starts or ends with `_`.
    ActionUnderscore,
    /// The action `*` on a path other than `**`.
    ActionWildcard,
}

impl fmt::Display for UrnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let resource = "invalid urn permission: invalid resource name";
        let path = "invalid urn permission: invalid resource name: invalid resource path";
        let action = "invalid urn permission: invalid action";
        match self {
            UrnError::ActionSeparator => {
                f.write_str("invalid urn permission: expected exactly one action separator")
            }
            UrnError::Fields => write!(f, "{resource}: expected 4 colon-separated fields"),
            UrnError::Prefix => write!(f, "{resource}: prefix must be \"unkey\""),
            UrnError::Version => write!(f, "{resource}: version must be \"v1\""),
            UrnError::EmptyWorkspace => write!(f, "{resource}: invalid workspace id: must not be empty"),
            UrnError::WorkspaceCharacters => write!(
                f,
                "{resource}: invalid workspace id: must not contain \":\", \"#\", or \"/\""
            ),
            UrnError::EmptySegment => write!(f, "{path}: must not contain empty segments"),
            UrnError::SegmentCharacters => write!(f, "{path}: must not contain \":\" or \"#\""),
            UrnError::DoubleStarNotLast => write!(f, "{path}: \"**\" must be the last segment"),
            UrnError::PartialStar => write!(f, "{path}: \"*\" must be a whole segment"),
            UrnError::EmptyAction => write!(f, "{action}: must not be empty"),
            UrnError::ActionCharacters => {
                write!(f, "{action}: must not contain \":\", \"#\", \"/\", or \"*\"")
            }
            UrnError::ActionUnderscore => write!(f, "{action}: must not start or end with \"_\""),
            UrnError::ActionWildcard => f.write_str(
                "invalid urn permission: action wildcard requires the global resource pattern \"**\"",
            ),
        }
    }
}

impl std::error::Error for UrnError {}

impl<'a> UrnPermission<'a> {
    /// Parses `value` in Unkey's order of checks; the first failure is the error.
    pub fn parse(value: &'a str) -> Result<Self, UrnError> {
        let (urn, action) = value.split_once('#').ok_or(UrnError::ActionSeparator)?;
        if action.contains('#') {
            return Err(UrnError::ActionSeparator);
        }
        let mut fields = urn.splitn(4, ':');
        let (Some(prefix), Some(version), Some(workspace), Some(path)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(UrnError::Fields);
        };
        if prefix != "unkey" {
            return Err(UrnError::Prefix);
        }
        if version != "v1" {
            return Err(UrnError::Version);
        }
        if workspace.is_empty() {
            return Err(UrnError::EmptyWorkspace);
        }
        if workspace.contains([':', '#', '/']) {
            return Err(UrnError::WorkspaceCharacters);
        }
        let mut segments = path.split('/').peekable();
        while let Some(segment) = segments.next() {
            if segment.is_empty() {
                return Err(UrnError::EmptySegment);
            }
            if segment.contains([':', '#']) {
                return Err(UrnError::SegmentCharacters);
            }
            match segment {
                "*" => {}
                "**" if segments.peek().is_none() => {}
                "**" => return Err(UrnError::DoubleStarNotLast),
                other if other.contains('*') => return Err(UrnError::PartialStar),
                _ => {}
            }
        }
        if action != "*" {
            if action.is_empty() {
                return Err(UrnError::EmptyAction);
            }
            if action.contains([':', '#', '/', '*']) {
                return Err(UrnError::ActionCharacters);
            }
            if action.starts_with('_') || action.ends_with('_') {
                return Err(UrnError::ActionUnderscore);
            }
        } else if path != "**" {
            return Err(UrnError::ActionWildcard);
        }
        Ok(UrnPermission {
            workspace,
            path,
            action,
        })
    }

    /// Whether this permission, granted, covers `required` (both parsed).
    pub fn covers(&self, required: &UrnPermission<'_>) -> bool {
        (self.action == "*" || self.action == required.action)
            && self.workspace == required.workspace
            && path_covers(self.path, required.path)
    }
}

/// Whether the granted path `pattern` covers the required path `target`: `*` matches one
/// segment, a last `**` the base and every descendant; required wildcards are literal.
/// (Both are valid paths; nothing is allocated.)
fn path_covers(pattern: &str, target: &str) -> bool {
    let (base, subtree) = match pattern.strip_suffix("**") {
        Some("") => ("", true),
        Some(base) => (base.strip_suffix('/').unwrap_or(base), true),
        None => (pattern, false),
    };
    let mut targets = target.split('/');
    if !base.is_empty() {
        for granted in base.split('/') {
            match targets.next() {
                Some(required) if granted == "*" || granted == required => {}
                _ => return false,
            }
        }
    }
    subtree || targets.next().is_none()
}

/// Whether a root key's grant is meant as a URN permission (valid or not): it starts with
/// `unkey:`; anything else is a legacy tuple.
pub fn is_urn(grant: &str) -> bool {
    grant.starts_with("unkey:")
}

/// The grant of `grants` that satisfies `required` as a URN leaf, if any: an identical
/// string first, then (if `required` parses) a parsable grant that covers it.
pub fn covered<'g, G: AsRef<str>>(required: &str, grants: &'g [G]) -> Option<&'g str> {
    UrnGrants::new(grants).covering(required)
}

/// A root key's grants, for deciding many URN leaves. A grant is parsed only when its text
/// already covers the leaf (same workspace, same action or `*`, a covering path), to make
/// sure Unkey would not skip it as invalid.
pub struct UrnGrants<'g> {
    all: Vec<&'g str>,
}

impl<'g> UrnGrants<'g> {
    /// The grants; those that are not URN permissions can only match literally.
    pub fn new<G: AsRef<str>>(grants: &'g [G]) -> Self {
        UrnGrants {
            all: grants.iter().map(AsRef::as_ref).collect(),
        }
    }

    /// Every grant, as written.
    pub fn texts(&self) -> impl Iterator<Item = &'g str> + '_ {
        self.all.iter().copied()
    }

    /// Whether a grant is `value`, word for word (a literal leaf).
    pub fn literally(&self, value: &str) -> bool {
        self.all.contains(&value)
    }

    /// The grant that satisfies `required` as a URN leaf, if any.
    pub fn covering(&self, required: &str) -> Option<&'g str> {
        if let Some(same) = self.all.iter().find(|grant| **grant == required) {
            return Some(same);
        }
        let required = UrnPermission::parse(required).ok()?;
        self.all.iter().copied().find(|grant| {
            text_covers(grant, &required)
                && UrnPermission::parse(grant).is_ok_and(|grant| grant.covers(&required))
        })
    }
}

/// Whether the text of `grant`, read as a URN permission without validating it, covers
/// `required`. Exact for valid grants; an invalid one may pass, so a caller parses the
/// grants that do.
fn text_covers(grant: &str, required: &UrnPermission<'_>) -> bool {
    let Some((workspace, rest)) = grant
        .strip_prefix("unkey:v1:")
        .and_then(|rest| rest.split_once(':'))
    else {
        return false;
    };
    let Some((path, action)) = rest.rsplit_once('#') else {
        return false;
    };
    (action == required.action || action == "*")
        && workspace == required.workspace
        && !path.is_empty()
        && path_covers(path, required.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unkey's own test table (pkg/rbac, pkg/urn and the route tests): required, granted,
    /// whether the grant covers it.
    const TABLE: &[(&str, &str, bool)] = &[
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            true,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/*#read_override",
            true,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/*/overrides/*#read_override",
            true,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_123:ratelimits/**#read_override",
            true,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_123:**#*",
            true,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_456:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#delete_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/ns_456/overrides/*#read_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123#read_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/**/nested#read_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "ratelimit.ns_123.read_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_456:ratelimits/namespaces/ns_123/overrides/*#read_override",
            false,
        ),
        (
            "unkey:v1:ws_1:portals/pc_abc#create_portal_session",
            "unkey:v1:ws_1:portals/pc_abc#create_portal_session",
            true,
        ),
        (
            "unkey:v1:ws_1:portals/pc_abc#create_portal_session",
            "unkey:v1:ws_1:portals/*#create_portal_session",
            true,
        ),
        (
            "unkey:v1:ws_1:portals/pc_abc#create_portal_session",
            "unkey:v1:ws_1:**#*",
            true,
        ),
        (
            "unkey:v1:ws_1:portals/pc_abc#create_portal_session",
            "unkey:v1:ws_1:portals/pc_xyz#create_portal_session",
            false,
        ),
        (
            "unkey:v1:ws_1:portals/pc_abc#create_portal_session",
            "unkey:v1:ws_2:portals/pc_abc#create_portal_session",
            false,
        ),
        (
            "unkey:v1:ws_1:portals/pc_abc#create_portal_session",
            "unkey:v1:ws_1:portals/*#read_portal",
            false,
        ),
        (
            "unkey:v1:ws_1:portals/pc_abc#create_portal_session",
            "unkey:v1:ws_1:portals/*#*",
            false,
        ),
        (
            "unkey:v1:ws_1:portals/pc_abc/sessions/ps_1#create_portal_session",
            "unkey:v1:ws_1:portals/**#create_portal_session",
            true,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123#read_override",
            "unkey:v1:ws_123:**#read_override",
            true,
        ),
        (
            "unkey:v1:ws_123:settings#read_override",
            "unkey:v1:ws_123:**#read_override",
            true,
        ),
        (
            "unkey:v1:ws_123:settings#read_override",
            "unkey:v1:ws_123:*#read_override",
            true,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123#read_override",
            "unkey:v1:ws_123:*#read_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/*#read_override",
            true,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123#read_override",
            "unkey:v1:ws_123:ratelimits/**#read_override",
            true,
        ),
        (
            "unkey:v1:ws_123:ratelimits#read_override",
            "unkey:v1:ws_123:ratelimits/**#read_override",
            true,
        ),
        (
            "unkey:v1:ws_123:ratelimits#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/**#read_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123#read_override",
            "unkey:v1:ws_123:identities/**#read_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123#read_override",
            "unkey:v1:ws_123:ratelimits/*#read_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123#read_override",
            "unkey:v1:ws_123:ratelimits#read_override",
            false,
        ),
        (
            "unkey:v1:ws_123:ratelimits#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123#read_override",
            false,
        ),
        (
            "unkey:v1:ws_456:ratelimits/namespaces/ns_123#read_override",
            "unkey:v1:ws_123:**#read_override",
            false,
        ),
        (
            "unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#read_key",
            "unkey:v1:ws_1:keyspaces/*/keys/*#read_key",
            true,
        ),
        (
            "unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#read_key",
            "unkey:v1:ws_1:keyspaces/ks_1/**#read_key",
            true,
        ),
        (
            "unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#read_key",
            "unkey:v1:ws_1:keyspaces/ks_1#read_key",
            false,
        ),
        (
            "unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#read_key",
            "unkey:v1:ws_1:keyspaces/*#read_key",
            false,
        ),
        (
            "unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#read_key",
            "unkey:v1:ws_1:*#read_key",
            false,
        ),
        (
            "unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#read_key",
            "unkey:v1:ws_2:**#read_key",
            false,
        ),
        (
            "unkey:v1:W:projects/P/apps/*#create_app",
            "unkey:v1:W:projects/*/apps/*#create_app",
            true,
        ),
        (
            "unkey:v1:W:projects/P/apps/*#create_app",
            "unkey:v1:W:projects/P/apps/*#create_app",
            true,
        ),
        (
            "unkey:v1:W:projects/P/apps/*#create_app",
            "unkey:v1:W:projects/*/apps/*#read_app",
            false,
        ),
        (
            "unkey:v1:W:projects/P/apps/*#create_app",
            "unkey:v1:W:projects/OTHER/apps/*#create_app",
            false,
        ),
        (
            "unkey:v1:W:projects/P/apps/*#create_app",
            "unkey:v1:W:projects/*#create_app",
            false,
        ),
        (
            "unkey:v1:W:ratelimits/namespaces/NS/overrides/OV#read_override",
            "unkey:v1:W:ratelimits/namespaces/NS/**#read_override",
            true,
        ),
        (
            "unkey:v1:W:ratelimits/namespaces/NS/overrides/OV#read_override",
            "unkey:v1:ws_other:ratelimits/namespaces/NS/overrides/OV#read_override",
            false,
        ),
        (
            "unkey:v1:W:keyspaces/KS/keys/K#delete_key",
            "unkey:v1:W:keyspaces/KS/keys/*#delete_key",
            true,
        ),
        (
            "unkey:v1:W:keyspaces/KS#create_key",
            "unkey:v1:W:keyspaces/*#create_key",
            true,
        ),
        (
            "unkey:v1:W:keyspaces/KS#create_key",
            "unkey:v1:W:keyspaces/KS#read_keyspace",
            false,
        ),
        (
            "unkey:v1:ws_123:projects/proj_123#delete_deployment",
            "unkey:v1:ws_123:projects/proj_123/**#delete_deployment",
            true,
        ),
        // §4.3: literal first, even for an invalid required permission; required wildcards
        // are literal; a granted `*` covers a required `**` segment.
        (
            "unkey:v1:ws_1:keyspaces/ks_*#read_key",
            "unkey:v1:ws_1:keyspaces/ks_*#read_key",
            true,
        ),
        (
            "unkey:v1:ws_1:keyspaces/ks_*#read_key",
            "unkey:v1:ws_1:**#*",
            false,
        ),
        (
            "unkey:v1:ws_1:**#read_key",
            "unkey:v1:ws_1:*#read_key",
            true,
        ),
        (
            "unkey:v1:ws_1:keyspaces/*#read_key",
            "unkey:v1:ws_1:keyspaces/ks_1#read_key",
            false,
        ),
        ("unkey:v1:ws_1:**#*", "unkey:v1:ws_1:**#read_key", false),
        ("unkey:v1:*:settings#read", "unkey:v1:ws_1:**#*", false),
        (
            "unkey:v1:ws_1:keyspaces/ks_1#read_key ",
            "unkey:v1:ws_1:keyspaces/ks_1#read_key",
            false,
        ),
        (
            "unkey:v1:ws_1:KS_1#read_key",
            "unkey:v1:ws_1:ks_1#read_key",
            false,
        ),
    ];

    #[test]
    fn unkeys_own_table() {
        for (required, granted, expected) in TABLE {
            assert_eq!(
                covered(required, &[granted]).is_some(),
                *expected,
                "{required} by {granted}"
            );
        }
    }

    // Unkey's own table of valid URNs and of refused ones with its error texts, kept whole
    // and in Unkey's order so that it can be compared with the source line by line.
    #[test]
    fn unkeys_parse_table_with_its_error_texts() {
        let valid = [
            "unkey:v1:ws_123:ratelimits/namespaces/ns_123/overrides/ov_123#read_override",
            "unkey:v1:ws_123:ratelimits/namespaces/*/overrides/*#read_override",
            "unkey:v1:ws_123:ratelimits/**#read_override",
            "unkey:v1:ws_123:**#*",
            "unkey:v1:*:x#A b-c.1",
        ];
        for value in valid {
            assert!(UrnPermission::parse(value).is_ok(), "{value}");
        }
        let invalid = [
            (
                "unkey:v1:ws_123:ratelimits",
                "invalid urn permission: expected exactly one action separator",
            ),
            (
                "unkey:v1:ws_123:#read_override",
                "invalid urn permission: invalid resource name: invalid resource path: must not contain empty segments",
            ),
            (
                "unkey:v1:ws_123:ratelimits#",
                "invalid urn permission: invalid action: must not be empty",
            ),
            (
                "unkey:v1:ws_123:ratelimits#read#override",
                "invalid urn permission: expected exactly one action separator",
            ),
            (
                "urn:v1:ws_123:ratelimits#read_override",
                "invalid urn permission: invalid resource name: prefix must be \"unkey\"",
            ),
            (
                "unkey:v2:ws_123:ratelimits#read_override",
                "invalid urn permission: invalid resource name: version must be \"v1\"",
            ),
            (
                "unkey:v1:ws_123#read_override",
                "invalid urn permission: invalid resource name: expected 4 colon-separated fields",
            ),
            (
                "unkey:v1::ratelimits#read_override",
                "invalid urn permission: invalid resource name: invalid workspace id: must not be empty",
            ),
            (
                "unkey:v1:ws/123:ratelimits#read_override",
                "invalid urn permission: invalid resource name: invalid workspace id: must not contain \":\", \"#\", or \"/\"",
            ),
            (
                "unkey:v1:ws_123:ratelimits:namespaces#read_override",
                "invalid urn permission: invalid resource name: invalid resource path: must not contain \":\" or \"#\"",
            ),
            (
                "unkey:v1:ws_123:/ratelimits#read_override",
                "invalid urn permission: invalid resource name: invalid resource path: must not contain empty segments",
            ),
            (
                "unkey:v1:ws_123:ratelimits/#read_override",
                "invalid urn permission: invalid resource name: invalid resource path: must not contain empty segments",
            ),
            (
                "unkey:v1:ws_123:ratelimits//ns#read_override",
                "invalid urn permission: invalid resource name: invalid resource path: must not contain empty segments",
            ),
            (
                "unkey:v1:ws_123:ratelimits/namespaces/ns_*#read_override",
                "invalid urn permission: invalid resource name: invalid resource path: \"*\" must be a whole segment",
            ),
            (
                "unkey:v1:ws_123:ratelimits/**/overrides/*#read_override",
                "invalid urn permission: invalid resource name: invalid resource path: \"**\" must be the last segment",
            ),
            (
                "unkey:v1:ws_123:ratelimits#read/override",
                "invalid urn permission: invalid action: must not contain \":\", \"#\", \"/\", or \"*\"",
            ),
            (
                "unkey:v1:ws_123:ratelimits#read:override",
                "invalid urn permission: invalid action: must not contain \":\", \"#\", \"/\", or \"*\"",
            ),
            (
                "unkey:v1:ws_123:ratelimits/namespaces/ns_123#*",
                "invalid urn permission: action wildcard requires the global resource pattern \"**\"",
            ),
            (
                "unkey:v1:ws_123:*#*",
                "invalid urn permission: action wildcard requires the global resource pattern \"**\"",
            ),
            (
                "unkey:v1:ws_123:ratelimits#_read_override",
                "invalid urn permission: invalid action: must not start or end with \"_\"",
            ),
            (
                "unkey:v1:ws_123:ratelimits#read_override_",
                "invalid urn permission: invalid action: must not start or end with \"_\"",
            ),
        ];
        for (value, error) in invalid {
            assert_eq!(
                UrnPermission::parse(value).unwrap_err().to_string(),
                error,
                "{value}"
            );
        }
    }

    #[test]
    fn legacy_tuples_and_urns_never_satisfy_each_other() {
        assert!(covered("unkey:v1:ws_1:keyspaces/ks_1#read_key", &["api.*.read_key"]).is_none());
        assert_eq!(
            covered("unkey:v1:ws_1:x#a", &["junk", "unkey:v1:ws_1:*#a"]),
            Some("unkey:v1:ws_1:*#a"),
            "unparsable grants are skipped"
        );
    }
}
