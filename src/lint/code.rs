//! Linting application code: the sites a scan found, checked against the project's
//! policies by the rules with a `code` check (the `C` family), with `permspec:` comments
//! in code as suppressions.

use super::{Config, FileFindings, Finding, Selector, rules};
use crate::diagnostic::FileDiagnostic;
use crate::error_code::ErrorCode;
use crate::eval::{Matching, Semantics};
use crate::policy::{Key, KeyKind, Policy, Resolved, SharedResolution, Spanned, TestFile};
use crate::query::{self, Query, SyntaxError};
use crate::scan::{ScannedFile, Site, SiteKind, SiteValue};
use crate::span::Span;
use jiff::Timestamp;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// One policy of the project, ready to decide what code asks.
pub struct ProjectPolicy {
    /// The policy, resolved.
    pub resolved: Arc<Resolved>,
    /// One enabled key per role, holding that role alone: which roles pass a query.
    roles_alone: Resolved,
    /// The permissions it knows: its catalog, else every grant written.
    pub known: BTreeSet<String>,
    /// The time its keys are decided at: its `now:`, else the present.
    pub now: Timestamp,
}

/// A key that passes a query, and the grants that let it.
#[derive(Clone, Debug)]
pub struct KeyPass {
    /// Index into the context's policies.
    pub policy: usize,
    /// Index into that policy's keys.
    pub key: usize,
    /// Each grant that satisfied a permission, and the role it came through.
    pub grants: Vec<(String, Option<String>)>,
}

/// Who passes one query, over every policy of the project.
#[derive(Clone, Debug, Default)]
pub struct Passing {
    /// The API keys it allows, under each policy's semantics.
    pub keys: Vec<KeyPass>,
    /// The roles that alone would let an enabled key pass: (policy, role).
    pub roles: Vec<(usize, usize)>,
    /// Keys whose outcome differs between the docs' wildcard reading and Unkey's literal
    /// matching: (policy, key, allowed under wildcard).
    pub diverging: Vec<(usize, usize, bool)>,
}

/// What a site asks, once read.
#[derive(Clone, Debug)]
pub enum SiteQuery {
    /// Not a query or permission check, or a value known only at run time.
    Nothing,
    /// A query Unkey's parser rejects.
    Rejected(SyntaxError),
    /// A query (or one permission), and who passes it (shared by the sites that ask it).
    Query(Query, Arc<Passing>),
}

/// Everything the code rules see.
pub struct CodeContext<'a> {
    /// The scanned files.
    pub files: &'a [ScannedFile],
    /// The project's policies, each once.
    pub policies: Vec<ProjectPolicy>,
    /// The permissions some case's query names.
    pub tested: HashSet<String>,
    /// Each file's sites, read: `asked[file][site]`.
    pub asked: Vec<Vec<SiteQuery>>,
    /// Levels.
    pub config: &'a Config,
}

impl<'a> CodeContext<'a> {
    /// Reads every site of `files` and decides it against the policies of `loaded`.
    pub fn new(files: &'a [ScannedFile], loaded: &[&TestFile], config: &'a Config) -> Self {
        let mut resolution = SharedResolution::default();
        let mut seen = HashSet::new();
        let mut policies = Vec::new();
        let mut tested = HashSet::new();
        for file in loaded {
            for (_, text) in file.query_checks() {
                if let Ok(parsed) = query::parse(&text.text) {
                    tested.extend(
                        parsed
                            .permissions()
                            .into_iter()
                            .map(|(name, _)| name.to_owned()),
                    );
                }
            }
            if seen.insert(Arc::as_ptr(&file.policy) as usize) {
                policies.push(ProjectPolicy::new(resolution.of(&file.policy)));
            }
        }
        // Each distinct query is decided once, on every core, however many sites ask it.
        let read: Vec<Vec<Read>> = files
            .iter()
            .map(|file| file.sites.iter().map(read).collect())
            .collect();
        let mut distinct: HashMap<String, usize> = HashMap::new();
        let mut queries: Vec<&Query> = Vec::new();
        for query in read.iter().flatten().filter_map(Read::query) {
            distinct.entry(query.to_string()).or_insert_with(|| {
                queries.push(query);
                queries.len() - 1
            });
        }
        let decided: Vec<Arc<Passing>> =
            crate::parallel::map(queries, |query| Arc::new(passing(query, &policies)));
        let asked = read
            .into_iter()
            .map(|sites| {
                sites
                    .into_iter()
                    .map(|site| match site {
                        Read::Nothing => SiteQuery::Nothing,
                        Read::Rejected(error) => SiteQuery::Rejected(error),
                        Read::Query(query) => {
                            let passing = Arc::clone(&decided[distinct[&query.to_string()]]);
                            SiteQuery::Query(query, passing)
                        }
                    })
                    .collect()
            })
            .collect();
        CodeContext {
            files,
            policies,
            tested,
            asked,
            config,
        }
    }

    /// Every site with what it asks, file by file.
    pub fn sites(&self) -> impl Iterator<Item = (&'a ScannedFile, &'a Site, &SiteQuery)> + '_ {
        self.files
            .iter()
            .zip(&self.asked)
            .flat_map(|(file, asked)| {
                file.sites
                    .iter()
                    .zip(asked)
                    .map(move |(site, asked)| (file, site, asked))
            })
    }

    /// Whether any policy knows `permission` (lists it, or grants it when it has no
    /// catalog).
    pub fn knows(&self, permission: &str) -> bool {
        self.policies
            .iter()
            .any(|policy| policy.known.contains(permission))
    }

    /// A did-you-mean for a permission no policy knows: the same name with `:` and `.`
    /// swapped, else a close name.
    pub fn suggestion(&self, permission: &str) -> Option<String> {
        let known = || {
            self.policies
                .iter()
                .flat_map(|policy| policy.known.iter().map(String::as_str))
        };
        let swapped: [String; 2] = [permission.replace(':', "."), permission.replace('.', ":")];
        if let Some(meant) = swapped.iter().find(|name| self.knows(name)) {
            return Some(meant.clone());
        }
        // Only a near-certain typo: `documents.delete` is never "meant" as `documents.write`.
        crate::suggest::typo_of(permission, known()).map(str::to_owned)
    }

    /// Whether some API key of some policy passes a check of `permission` alone.
    pub fn held(&self, permission: &str) -> bool {
        !passing(&Query::permission(permission), &self.policies)
            .keys
            .is_empty()
    }

    /// A key's name.
    pub fn key_name(&self, policy: usize, key: usize) -> &str {
        &self.policies[policy].resolved.policy.keys[key].name.value
    }

    /// A role's name.
    pub fn role_name(&self, policy: usize, role: usize) -> &str {
        &self.policies[policy].resolved.policy.roles[role].name.value
    }
}

impl ProjectPolicy {
    fn new(resolved: Arc<Resolved>) -> Self {
        let policy = &resolved.policy;
        let known = match &policy.catalog {
            Some(catalog) => catalog.iter().map(|entry| entry.value.clone()).collect(),
            None => {
                let roles = policy.roles.iter().flat_map(|role| &role.permissions);
                let keys = (policy.keys.iter())
                    .filter(|key| key.kind == KeyKind::Api)
                    .flat_map(|key| &key.permissions);
                let written = roles.chain(keys).map(|grant| grant.value.clone());
                written.collect()
            }
        };
        let holders = policy.roles.iter().map(|role| Key {
            name: role.name.clone(),
            kind: KeyKind::Api,
            description: None,
            roles: vec![role.name.clone()],
            permissions: Vec::new(),
            enabled: Spanned {
                value: true,
                span: Span::default(),
            },
            expires: None,
            suppression: None,
            uses: Vec::new(),
        });
        let mut alone = policy.with_keys_where(|_| false);
        alone.keys = holders.collect();
        alone.workspace_enabled = true;
        ProjectPolicy {
            now: policy.now.unwrap_or_else(Timestamp::now),
            roles_alone: Resolved::new(Arc::new(alone)),
            known,
            resolved,
        }
    }

    fn policy(&self) -> &Policy {
        &self.resolved.policy
    }
}

/// A permission that changed code asks for, which the code before did not, and which no key
/// of the policies holds: a new endpoint that refuses everyone.
#[derive(Clone, Debug)]
pub struct NewAsk {
    /// The source file.
    pub source: crate::policy::Source,
    /// The site's value.
    pub span: Span,
    /// The permission.
    pub permission: String,
    /// The site's shape.
    pub shape: String,
}

/// The permissions that the sites of `after` ask for, that those of `before` do not, and that
/// no key of `after`'s policies holds, each at its first site.
pub fn new_asks(before: &[ScannedFile], after: &CodeContext<'_>) -> Vec<NewAsk> {
    let asked_before: HashSet<String> = (before.iter())
        .flat_map(|file| &file.sites)
        .flat_map(asked_permissions)
        .collect();
    let mut reported = HashSet::new();
    let mut asks = Vec::new();
    for file in after.files {
        for site in &file.sites {
            for permission in asked_permissions(site) {
                if asked_before.contains(&permission)
                    || reported.contains(&permission)
                    || after.held(&permission)
                {
                    continue;
                }
                reported.insert(permission.clone());
                asks.push(NewAsk {
                    source: file.source.clone(),
                    span: site.span,
                    permission,
                    shape: site.shape.clone(),
                });
            }
        }
    }
    asks
}

/// The permissions `site` asks for: those a query names (a v1 object's too), or the one a
/// check names; none for a grant or a value known only at run time.
fn asked_permissions(site: &Site) -> Vec<String> {
    match read(site) {
        Read::Query(query) => (query.permissions().into_iter())
            .map(|(name, _)| name.to_owned())
            .collect(),
        Read::Nothing | Read::Rejected(_) => Vec::new(),
    }
}

/// What a site asks, before it is decided.
enum Read {
    Nothing,
    Rejected(SyntaxError),
    Query(Query),
}

impl Read {
    fn query(&self) -> Option<&Query> {
        match self {
            Read::Query(query) => Some(query),
            _ => None,
        }
    }
}

/// What `site` asks: a query (a permission check as a query of one permission), parsed.
fn read(site: &Site) -> Read {
    match (&site.kind, &site.value) {
        (SiteKind::Query, SiteValue::Text { text, .. }) => match query::parse(&text.text) {
            Ok(parsed) => Read::Query(parsed),
            Err(error) => Read::Rejected(error),
        },
        (SiteKind::Query, SiteValue::Structured(query)) => Read::Query(query.clone()),
        (SiteKind::Permission, SiteValue::Text { text, .. }) => Read::Query(Query::Permission {
            name: text.text.to_string(),
            span: Span::new(0, text.text.len()),
        }),
        _ => Read::Nothing,
    }
}

fn passing(query: &Query, policies: &[ProjectPolicy]) -> Passing {
    let mut passing = Passing::default();
    for (index, project) in policies.iter().enumerate() {
        let policy = project.policy();
        for (key, declared) in policy.keys.iter().enumerate() {
            if declared.kind != KeyKind::Api {
                continue;
            }
            let name = &declared.name.value;
            // Both ways of matching at once: the policy's semantics reads its verdict off them.
            let both = project
                .resolved
                .verdict(name, query, Semantics::Strict, project.now);
            let allows = |wanted: Matching| {
                both.codes()
                    .iter()
                    .any(|(matching, code)| *matching == wanted && code.allows())
            };
            let (wildcard, literal) = (allows(Matching::Wildcard), allows(Matching::Literal));
            if wildcard != literal {
                passing.diverging.push((index, key, wildcard));
            }
            let allowed = match policy.semantics {
                Semantics::Wildcard => wildcard,
                Semantics::Literal => literal,
                Semantics::Strict => wildcard && literal,
            };
            if !allowed {
                continue;
            }
            // Only a key that passes is decided again, for the grants that let it.
            let decided = project
                .resolved
                .decide(name, query, policy.semantics, project.now);
            let grants = (decided.decision.iter())
                .flat_map(|decision| &decision.primary().explanation.satisfied_by)
                .map(|leaf| {
                    let role = project.resolved.role_of(key, leaf.grant_index);
                    (leaf.grant.clone(), role.map(str::to_owned))
                })
                .collect();
            passing.keys.push(KeyPass {
                policy: index,
                key,
                grants,
            });
        }
        for (role, holder) in project.roles_alone.policy.keys.iter().enumerate() {
            let verdict = project.roles_alone.verdict(
                &holder.name.value,
                query,
                policy.semantics,
                project.now,
            );
            if verdict.allowed() {
                passing.roles.push((index, role));
            }
        }
    }
    passing
}

/// The place of `inner` (a span within the site's query text) in the source file: inside
/// the literal when it holds the text verbatim at the site, else the site's value.
pub fn place(site: &Site, inner: Span) -> Span {
    match &site.value {
        SiteValue::Text { text, via: None } => text.span_in_file(inner),
        SiteValue::Structured(_) => inner,
        _ => site.span,
    }
}

/// Runs the code rules over `context`, applies the `permspec:` comments of the code, and
/// reports the comments that excused nothing (S007); findings come grouped by file, in
/// position order. A comment that names no rule is an error.
pub fn lint_code(
    context: &CodeContext<'_>,
    today: jiff::civil::Date,
) -> (Vec<FileFindings>, Vec<FileDiagnostic>) {
    let config = context.config;
    let run = |rule: &'static super::Rule| -> Vec<Finding> {
        let (Some(check), Some(level)) = (rule.checks.code, config.level(rule)) else {
            return Vec::new();
        };
        let mut findings = Vec::new();
        check(context, &mut findings);
        for finding in &mut findings {
            finding.level = finding.cap.map_or(level, |cap| level.min(cap));
        }
        findings
    };
    let mut findings: Vec<Finding> = crate::parallel::map(rules::ALL.iter().collect(), run)
        .into_iter()
        .flatten()
        .collect();
    let mut errors = Vec::new();
    for file in context.files {
        let mut used = vec![false; file.suppressions.len()];
        for (index, suppression) in file.suppressions.iter().enumerate() {
            for rule in &suppression.rules {
                if let Err(error) = Selector::parse(&rule.value) {
                    errors.push(
                        FileDiagnostic::at(
                            ErrorCode::ScanSuppression,
                            &file.source,
                            rule.span,
                            error.to_string(),
                            "no such rule",
                        )
                        .with_help("`permspec rules` lists the rules; a suppression names a code, a code prefix or a name"),
                    );
                }
            }
            let line = |offset: usize| file.source.line_column(offset).0;
            let comment_line = line(suppression.span.start());
            let expired = suppression
                .until
                .as_ref()
                .is_some_and(|until| until.value < today);
            findings.retain(|finding| {
                let excused = !expired
                    && finding.source.path() == file.source.path()
                    && (comment_line..=comment_line + 1).contains(&line(finding.span.start()))
                    && suppression.rules.iter().any(|rule| {
                        Selector::parse(&rule.value)
                            .is_ok_and(|selector| selector.matches(finding.rule))
                    });
                used[index] |= excused;
                !excused
            });
        }
        let unused = rules::RuleId::S007.rule();
        if let Some(level) = config.level(unused) {
            for (suppression, _) in file
                .suppressions
                .iter()
                .zip(&used)
                .filter(|(_, used)| !**used)
            {
                let expired = suppression
                    .until
                    .as_ref()
                    .is_some_and(|until| until.value < today);
                let (message, help) = if expired {
                    (
                        "this `permspec: allow` has expired",
                        "review the finding again: fix it, or renew `until:` with the reason",
                    )
                } else {
                    (
                        "this `permspec: allow` excuses no finding",
                        "remove the comment, or move it onto the line before the finding",
                    )
                };
                let mut finding = Finding::new(
                    unused,
                    &file.source,
                    suppression.span,
                    message,
                    "unused suppression",
                    help,
                );
                finding.level = level;
                findings.push(finding);
            }
        }
    }
    (group(findings), errors)
}

/// Findings grouped by file in the order files first appear, each group in position order.
fn group(findings: Vec<Finding>) -> Vec<FileFindings> {
    let mut grouped: Vec<FileFindings> = Vec::new();
    for finding in findings {
        match grouped
            .iter_mut()
            .find(|group| group.source.path() == finding.source.path())
        {
            Some(group) => group.findings.push(finding),
            None => grouped.push(FileFindings {
                source: finding.source.clone(),
                findings: vec![finding],
            }),
        }
    }
    grouped.sort_by(|a, b| a.source.name().cmp(b.source.name()));
    for group in &mut grouped {
        group
            .findings
            .sort_by_key(|finding| (finding.span.start(), finding.rule.code));
    }
    grouped
}
