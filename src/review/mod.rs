//! The access review a security team signs: who can do what and why, which root keys can
//! call which of Unkey's routes, what changed since a base revision and since the last
//! review, as one data model. `permspec report` writes it as HTML, JSON or CSV; the JSON
//! shape is documented in docs/report.md.

mod access;
mod commits;
mod digest;
mod exceptions;
mod findings;
mod routes;

pub use commits::FileCommit;
pub use digest::{KeyId, Previous, PreviousError, PreviousReview};
pub use findings::{FLAGGED, with_findings};

use crate::diff::Diff;
use crate::policy::{Key, KeyKind, Policy};
use crate::runner::{Executed, LoadedFile, PolicyCoverage};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Everything a review shows.
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    /// The permspec version that made it.
    pub permspec: String,
    /// When it was made (RFC 3339).
    pub generated: String,
    /// The digest of the reviewed access state: every key's state, roles and effective
    /// access with its provenance, and every root key's route calls (`sha256:` hex).
    pub digest: String,
    /// The comparison with the review this one follows, when given.
    pub previous: Option<Previous>,
    /// Counts.
    pub summary: Summary,
    /// The files read, with their git commits.
    pub files: Vec<FileRow>,
    /// Who can, per permission: API keys' permissions (catalog entries, or the permissions
    /// granted when a policy has no catalog).
    pub permissions: Vec<PermissionRow>,
    /// What can, per key: API keys and root keys.
    pub keys: Vec<KeyRow>,
    /// Roles, their grants, what those reach, and who holds them.
    pub roles: Vec<RoleRow>,
    /// Every distinct grant of API keys and roles: what it reaches, who holds it.
    pub grants: Vec<GrantRow>,
    /// Root keys and the Unkey routes they can call.
    pub root_keys: Vec<RootKeyRow>,
    /// Unkey's routes that check only legacy tuples, where URN grants do nothing (listed
    /// when the policies declare root keys).
    pub urn_inert_routes: Vec<String>,
    /// Lint findings.
    pub findings: Vec<FindingRow>,
    /// The `lint:` suppressions of keys and roles: accepted risks, with their reasons.
    pub exceptions: Vec<ExceptionRow>,
    /// The rules the configuration does not run.
    pub rules_off: Vec<RuleOff>,
    /// Gained and lost access since a base, when one is given.
    pub changes: Option<Changes>,
    /// The name each file is reviewed under (its path in its git repository, else its
    /// name as given), by path.
    #[serde(skip)]
    pub names: HashMap<PathBuf, String>,
}

/// Counts for the summary.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Policy files.
    pub policies: usize,
    /// API keys.
    pub api_keys: usize,
    /// Root keys.
    pub root_keys: usize,
    /// Roles.
    pub roles: usize,
    /// Keys that are disabled (or in a disabled workspace).
    pub disabled: usize,
    /// Keys whose `expires` has passed.
    pub expired: usize,
    /// Permissions asked about (rows of `permissions`).
    pub permissions: usize,
    /// Lint findings by level.
    pub findings: LevelCounts,
    /// Case results, when the files have cases.
    pub cases: Option<CaseCounts>,
    /// Coverage of the policies by their cases, in percent, when they have cases.
    pub coverage: Option<f64>,
}

/// Findings by level.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LevelCounts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

/// Case results.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CaseCounts {
    /// Every case and access assertion.
    pub total: usize,
    /// Held.
    pub passed: usize,
    /// Did not hold.
    pub failed: usize,
    /// Marked `ignore`.
    pub ignored: usize,
}

/// A file read.
#[derive(Clone, Debug, Serialize)]
pub struct FileRow {
    /// Its name.
    pub file: String,
    /// It declares a policy (else it only holds cases for one).
    pub policy: bool,
    /// Its cases and access assertions.
    pub cases: usize,
    /// The git commit it was last changed in, and whether the working tree differs.
    pub commit: Option<FileCommit>,
    /// Its `now:`: the clock its cases are decided at (the review's access is decided at
    /// the time of the review).
    pub now: Option<String>,
}

/// Whether a permission comes from a grant naming it, a wildcard, or `*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pattern {
    /// The grant names the permission.
    Exact,
    /// A grant with `*` in it that is not `*` alone.
    Wildcard,
    /// `*`.
    Global,
}

impl Pattern {
    /// The pattern's name: `exact`, `wildcard` or `global`.
    pub fn name(self) -> &'static str {
        match self {
            Pattern::Exact => "exact",
            Pattern::Wildcard => "wildcard",
            Pattern::Global => "global",
        }
    }

    /// The pattern of `grant`.
    pub fn of(grant: &str) -> Pattern {
        match grant {
            "*" => Pattern::Global,
            grant if grant.contains('*') => Pattern::Wildcard,
            _ => Pattern::Exact,
        }
    }
}

/// A grant a key holds a permission through.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Source {
    /// The grant as written.
    pub grant: String,
    /// The role it comes through; `None`: granted to the key directly.
    pub role: Option<String>,
    /// What kind of grant it is.
    pub pattern: Pattern,
}

/// A permission a key holds, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Holding {
    /// The permission (for a root key, a legacy tuple).
    pub permission: String,
    /// The grants that give it: the first [`MAX_VIA`] in the key's order (its roles', then
    /// its own).
    pub via: Vec<Source>,
    /// How many more grants give it (absent when none): a policy of many overlapping
    /// wildcards would otherwise make the review grow with keys × permissions × grants.
    #[serde(skip_serializing_if = "is_zero")]
    pub more: usize,
}

/// Most grants a review names behind one permission of one key.
pub const MAX_VIA: usize = 32;

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// Whether a key can use its grants now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KeyState {
    /// Enabled and not expired.
    Active,
    /// `enabled: false`.
    Disabled,
    /// Its `expires` has passed.
    Expired,
    /// The policy's workspace is disabled.
    WorkspaceDisabled,
}

impl KeyState {
    /// The state of `key` of `policy` at `now`.
    pub fn of(policy: &Policy, key: &Key, now: Timestamp) -> KeyState {
        if !policy.workspace_enabled {
            KeyState::WorkspaceDisabled
        } else if !key.enabled.value {
            KeyState::Disabled
        } else if key.expires.as_ref().is_some_and(|at| at.value <= now) {
            KeyState::Expired
        } else {
            KeyState::Active
        }
    }

    /// The state in words.
    pub fn name(self) -> &'static str {
        match self {
            KeyState::Active => "active",
            KeyState::Disabled => "disabled",
            KeyState::Expired => "expired",
            KeyState::WorkspaceDisabled => "workspace disabled",
        }
    }
}

/// Who holds one permission.
#[derive(Clone, Debug, Serialize)]
pub struct PermissionRow {
    /// The policy file.
    pub policy: String,
    /// The permission.
    pub permission: String,
    /// Its action reads as destructive (delete, admin, manage, ...), as lint classifies it.
    pub destructive: bool,
    /// A `forbid` rule of the policy denies it to every key: the rule's reason, or `""`.
    pub forbidden: Option<String>,
    /// How many keys hold it.
    pub holders: usize,
    /// Grants behind the holders' holdings that are not named in `sources` (a holding names
    /// [`MAX_VIA`] at most).
    pub unnamed: usize,
    /// The keys, grouped by the grant they hold it through.
    pub sources: Vec<HolderGroup>,
}

/// The keys that hold a permission through one grant.
#[derive(Clone, Debug, Serialize)]
pub struct HolderGroup {
    /// The grant.
    #[serde(flatten)]
    pub source: Source,
    /// The keys, by name.
    pub keys: Vec<String>,
}

/// One key's access.
#[derive(Clone, Debug, Serialize)]
pub struct KeyRow {
    /// The policy file.
    pub policy: String,
    /// The key's name.
    pub name: String,
    /// `api` or `root`.
    pub kind: &'static str,
    /// Its description.
    pub description: Option<String>,
    /// The line that declares it.
    pub line: usize,
    /// Whether it can use its grants now.
    pub state: KeyState,
    /// Its `expires`, if set.
    pub expires: Option<String>,
    /// The roles it holds.
    pub roles: Vec<String>,
    /// Its own grants.
    pub direct: Vec<String>,
    /// What it is allowed now, with provenance (shared by keys with the same grants).
    pub effective: Arc<Vec<Holding>>,
    /// The cases and access assertions that name it.
    pub cases: Vec<CaseRow>,
    /// Lint findings on it.
    pub findings: Vec<FindingRef>,
    /// The digest of its reviewed state.
    pub digest: String,
}

/// A case that names a key.
#[derive(Clone, Debug, Serialize)]
pub struct CaseRow {
    /// The test's name.
    pub name: String,
    /// The file it is in.
    pub file: String,
    /// Its line.
    pub line: usize,
    /// `passed`, `failed` or `ignored`.
    pub result: &'static str,
}

/// A finding on a key or role.
#[derive(Clone, Debug, Serialize)]
pub struct FindingRef {
    /// The rule's code.
    pub code: &'static str,
    /// Its level.
    pub level: &'static str,
    /// The line it points at.
    pub line: usize,
}

/// A role.
#[derive(Clone, Debug, Serialize)]
pub struct RoleRow {
    /// The policy file.
    pub policy: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// The line that declares it.
    pub line: usize,
    /// Its grants as written.
    pub grants: Vec<String>,
    /// The permissions of the rows of `permissions` its grants reach.
    pub reaches: Vec<String>,
    /// The keys that hold it.
    pub members: Vec<String>,
}

/// A grant as written, wherever it is held.
#[derive(Clone, Debug, Serialize)]
pub struct GrantRow {
    /// The policy file.
    pub policy: String,
    /// The grant.
    pub grant: String,
    /// What kind of grant it is.
    pub pattern: Pattern,
    /// The permissions of the rows of `permissions` it reaches.
    pub reaches: Vec<String>,
    /// The roles that have it.
    pub roles: Vec<String>,
    /// The API keys granted it directly.
    pub keys: Vec<String>,
}

/// A root key and the routes it can call.
#[derive(Clone, Debug, Serialize)]
pub struct RootKeyRow {
    /// The policy file.
    pub policy: String,
    /// The root key's name.
    pub key: String,
    /// The line that declares it.
    pub line: usize,
    /// Whether it can call anything now.
    pub state: KeyState,
    /// R002 (the admin grant) and R008 (escalation) findings on it, by code.
    pub flags: Vec<&'static str>,
    /// The route calls it may make, by family and route.
    pub routes: Vec<RouteRow>,
}

/// A route call a root key may make.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RouteRow {
    /// The route's family (`keys`, `apis`, ...).
    pub family: String,
    /// The route (`keys.getKey`).
    pub route: String,
    /// The call, with the ids of the policy (`<other>`: any id it does not name).
    pub call: String,
    /// The key's grants that open it.
    pub grants: Vec<String>,
}

/// A key's or role's suppression of lint rules.
#[derive(Clone, Debug, Serialize)]
pub struct ExceptionRow {
    /// The policy file.
    pub policy: String,
    /// `key NAME` or `role NAME`.
    pub owner: String,
    /// The rules excused, as written.
    pub rules: Vec<String>,
    /// Why.
    pub reason: String,
    /// The date it stops working, if set.
    pub until: Option<String>,
    /// Its line.
    pub line: usize,
}

/// A rule the configuration does not run.
#[derive(Clone, Debug, Serialize)]
pub struct RuleOff {
    /// Its code.
    pub code: &'static str,
    /// Its name.
    pub name: &'static str,
}

/// A lint finding.
#[derive(Clone, Debug, Serialize)]
pub struct FindingRow {
    /// The file.
    pub file: String,
    /// Its line.
    pub line: usize,
    /// Its column.
    pub column: usize,
    /// The rule's code.
    pub code: &'static str,
    /// The rule's name.
    pub rule: &'static str,
    /// `error`, `warning` or `info`.
    pub level: &'static str,
    /// What it found.
    pub message: String,
    /// The key or role it is about.
    pub owner: Option<String>,
}

/// Access gained and lost since a base.
#[derive(Clone, Debug, Serialize)]
pub struct Changes {
    /// The base: a git revision or a path.
    pub base: String,
    /// Keys whose access or roles changed.
    pub keys: Vec<ChangeRow>,
    /// Gains no case asserts (what `diff` fails on).
    pub unacknowledged: usize,
}

/// One key's change since the base.
#[derive(Clone, Debug, Serialize)]
pub struct ChangeRow {
    /// The policy file.
    pub policy: String,
    /// The key.
    pub key: String,
    /// `added`, `removed` or `kept`.
    pub presence: &'static str,
    /// Permissions or route calls gained.
    pub gained: Vec<Gained>,
    /// Permissions or route calls lost.
    pub lost: Vec<String>,
    /// Roles it holds now and did not.
    pub roles_added: Vec<String>,
    /// Roles it held and does not now.
    pub roles_removed: Vec<String>,
}

/// A permission or route call gained.
#[derive(Clone, Debug, Serialize)]
pub struct Gained {
    /// The permission or call.
    pub permission: String,
    /// The grants that give it.
    pub via: Vec<Source>,
    /// A case of the new version asserts it.
    pub acknowledged: bool,
}

/// What a review is made of.
pub struct Input<'a> {
    /// The loaded files.
    pub files: &'a [Arc<LoadedFile>],
    /// Every test with its result (`None`: ignored).
    pub executed: &'a [Executed],
    /// The coverage of each policy.
    pub coverage: &'a [PolicyCoverage],
    /// The change since a base, and the base's name.
    pub diff: Option<(&'a Diff, String)>,
    /// When the review is made.
    pub generated: Timestamp,
    /// The review this one follows.
    pub previous: Option<&'a PreviousReview>,
    /// The configuration the findings were made with.
    pub config: &'a crate::lint::Config,
}

/// Builds the review of `input`.
/// Its lint findings join it after, with [`with_findings`] (so the linter can run beside).
pub fn build(input: &Input<'_>) -> Review {
    let (files, names) = commits::file_rows(input.files);
    let mut review = Review {
        permspec: env!("CARGO_PKG_VERSION").to_owned(),
        generated: input.generated.to_string(),
        digest: String::new(),
        previous: None,
        summary: Summary::default(),
        files,
        permissions: Vec::new(),
        keys: Vec::new(),
        roles: Vec::new(),
        grants: Vec::new(),
        root_keys: Vec::new(),
        urn_inert_routes: Vec::new(),
        findings: Vec::new(),
        exceptions: Vec::new(),
        rules_off: exceptions::rules_off(input.config),
        changes: input.diff.as_ref().map(|(diff, base)| changes(diff, base)),
        names,
    };
    for loaded in input
        .files
        .iter()
        .filter(|loaded| loaded.file.owns_policy())
    {
        let name = review.names[loaded.file.source.path()].clone();
        let access = access::of_policy(loaded, &name, input);
        review.permissions.extend(access.permissions);
        review.keys.extend(access.keys);
        review.roles.extend(access.roles);
        review.grants.extend(access.grants);
        let policy = &loaded.file.policy;
        review
            .exceptions
            .extend(exceptions::of_policy(policy, &name));
        review
            .root_keys
            .extend(routes::of_policy(loaded, &name, input.generated));
    }
    if !review.root_keys.is_empty() {
        review.urn_inert_routes = routes::urn_inert();
    }
    digest::seal(&mut review);
    review.previous = input.previous.map(|previous| previous.compare(&review));
    review.summary = summary(&review, input);
    review
}

fn summary(review: &Review, input: &Input<'_>) -> Summary {
    let api_keys = review.keys.iter().filter(|key| key.kind == "api").count();
    let count = |state: &[KeyState]| {
        let states = review.keys.iter().map(|key| key.state);
        states.filter(|own| state.contains(own)).count()
    };
    let cases = (!input.executed.is_empty()).then(|| {
        let mut counts = CaseCounts {
            total: input.executed.len(),
            ..CaseCounts::default()
        };
        for (_, result) in input.executed {
            match result {
                Some(result) if result.passed => counts.passed += 1,
                Some(_) => counts.failed += 1,
                None => counts.ignored += 1,
            }
        }
        counts
    });
    let coverage = (cases.is_some() && !input.coverage.is_empty()).then(|| {
        let categories = input.coverage.iter().flat_map(|policy| &policy.categories);
        crate::runner::percent(categories)
    });
    Summary {
        policies: review.files.iter().filter(|file| file.policy).count(),
        api_keys,
        root_keys: review.keys.len() - api_keys,
        roles: review.roles.len(),
        disabled: count(&[KeyState::Disabled, KeyState::WorkspaceDisabled]),
        expired: count(&[KeyState::Expired]),
        permissions: review.permissions.len(),
        findings: LevelCounts::default(),
        cases,
        coverage,
    }
}

/// The key changes of `diff`.
fn changes(diff: &Diff, base: &str) -> Changes {
    let keys = diff.policies.iter().flat_map(|policy| {
        policy.keys.iter().map(|change| ChangeRow {
            policy: policy.file.clone(),
            key: change.key.clone(),
            presence: match change.presence {
                crate::diff::Presence::Added => "added",
                crate::diff::Presence::Removed => "removed",
                crate::diff::Presence::Kept => "kept",
            },
            gained: (change.gained.iter())
                .map(|gain| Gained {
                    permission: gain.permission.clone(),
                    via: gain.via.iter().map(source_of).collect(),
                    acknowledged: gain.acknowledged,
                })
                .collect(),
            lost: change.lost.clone(),
            roles_added: change.roles_added.clone(),
            roles_removed: change.roles_removed.clone(),
        })
    });
    Changes {
        base: base.to_owned(),
        keys: keys.collect(),
        unacknowledged: diff.unacknowledged(),
    }
}

/// A grant of the policy as a review names it.
fn source_of(via: &crate::policy::Via) -> Source {
    Source {
        pattern: Pattern::of(&via.grant),
        grant: via.grant.clone(),
        role: via.role.clone(),
    }
}

/// `api` or `root`.
fn kind_name(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Api => "api",
        KeyKind::Root => "root",
    }
}
