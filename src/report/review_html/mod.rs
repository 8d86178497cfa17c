//! The access review as one self-contained HTML page: inline style and script, pinned by a
//! Content-Security-Policy that allows nothing else (no request leaves the page, and a
//! script that policy text smuggled in would not run). Every table is complete without
//! the script, which adds filtering, sorting and paging. Policy text is HTML-escaped by
//! the templates and its control characters are shown escaped.

// Names a reviewer compares are shown so that no two look alike for want of a visible character.
use crate::printable::escaped_unambiguous as shown;
use crate::review::{
    HolderGroup, Holding, KeyRow, KeyState, Pattern, PermissionRow, Review, RoleRow, Source,
};
use base64::Engine;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

const STYLE: &str = include_str!("review.css");
const SCRIPT: &str = include_str!("review.js");

/// Names listed in a cell before the rest go behind a disclosure.
const LISTED: usize = 12;

/// Most names one cell lists: a policy of many overlapping wildcards would otherwise make
/// the page grow with grants × permissions.
const CELL: usize = 500;

/// Most grants a row of "Who can" lists.
const GROUPS: usize = 50;

/// Names a cell that refers to another table's list shows before it links there instead.
const REFERRED: usize = 5;

/// Rows a table shows per page when the script runs.
const PAGE: usize = 200;

/// The review as an HTML document.
pub fn review_html(review: &Review) -> String {
    let anchors = Anchors::new(review);
    let policies = review.summary.policies;
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(policy());
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Access review, " (review.generated) }
                style { (PreEscaped(STYLE)) }
                script { (PreEscaped(SCRIPT)) }
            }
            body {
                header.top {
                    h1 { "Access review" }
                    p.meta {
                        "Generated " (review.generated) " by permspec " (review.permspec)
                        " \u{b7} access digest " code { (review.digest) }
                    }
                }
                nav.sections aria-label="Sections" {
                    ul {
                        @for (id, title) in sections(review) {
                            li { a href={ "#" (id) } { (title) } }
                        }
                    }
                }
                main {
                    (summary(review))
                    (who_can(review, &anchors, policies > 1))
                    (what_can(review, &anchors))
                    (roles(review, &anchors))
                    (grants(review, &anchors))
                    (root_keys(review, &anchors))
                    @if review.changes.is_some() { (changes(review)) }
                    (findings(review))
                    (sign_off(review))
                }
            }
        }
    }
    .into_string()
}

/// The page's Content-Security-Policy: its own style and script, by hash; nothing else.
fn policy() -> String {
    let hash = |text: &str| {
        let digest = Sha256::digest(text.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    };
    format!(
        "default-src 'none'; style-src {}; script-src {}; base-uri 'none'; form-action 'none'",
        hash(STYLE),
        hash(SCRIPT)
    )
}

/// The sections, by id and title, in order.
fn sections(review: &Review) -> Vec<(&'static str, &'static str)> {
    let mut sections = vec![
        ("summary", "Summary"),
        ("who-can", "Who can"),
        ("what-can", "What can (keys)"),
        ("roles", "Roles"),
        ("grants", "Grants"),
        ("root-keys", "Root keys \u{d7} routes"),
    ];
    if review.changes.is_some() {
        sections.push(("changes", "Changes"));
    }
    sections.extend([("findings", "Findings"), ("sign-off", "Sign-off")]);
    sections
}

/// Element ids of keys and roles, for links between the tables.
struct Anchors {
    keys: HashMap<(String, String), String>,
    roles: HashMap<(String, String), String>,
    grants: HashMap<(String, String), String>,
}

impl Anchors {
    fn new(review: &Review) -> Self {
        let keys = (review.keys.iter().enumerate())
            .map(|(index, key)| {
                (
                    (key.policy.clone(), key.name.clone()),
                    format!("key-{index}"),
                )
            })
            .collect();
        let roles = (review.roles.iter().enumerate())
            .map(|(index, role)| {
                let id = format!("role-{index}");
                ((role.policy.clone(), role.name.clone()), id)
            })
            .collect();
        let grants = (review.grants.iter().enumerate())
            .map(|(index, grant)| {
                let id = format!("grant-{index}");
                ((grant.policy.clone(), grant.grant.clone()), id)
            })
            .collect();
        Anchors {
            keys,
            roles,
            grants,
        }
    }

    fn grant_id(&self, policy: &str, grant: &str) -> Option<&String> {
        self.grants.get(&(policy.to_owned(), grant.to_owned()))
    }

    fn role_id(&self, policy: &str, role: &str) -> Option<&String> {
        self.roles.get(&(policy.to_owned(), role.to_owned()))
    }

    /// Links to the rows of `names`, keys of `policy`.
    fn keys(&self, policy: &str, names: &[String]) -> Vec<Markup> {
        names.iter().map(|name| self.key(policy, name)).collect()
    }

    /// Links to the rows of `names`, roles of `policy`.
    fn roles(&self, policy: &str, names: &[String]) -> Vec<Markup> {
        names.iter().map(|name| self.role(policy, name)).collect()
    }

    fn key(&self, policy: &str, name: &str) -> Markup {
        link(self.keys.get(&(policy.to_owned(), name.to_owned())), name)
    }

    fn role(&self, policy: &str, name: &str) -> Markup {
        link(self.role_id(policy, name), name)
    }
}

fn link(id: Option<&String>, text: &str) -> Markup {
    html! {
        @match id {
            Some(id) => a href={ "#" (id) } { (shown(text)) },
            None => (shown(text)),
        }
    }
}

/// Each of `texts` as code.
fn codes(texts: &[String]) -> Vec<Markup> {
    (texts.iter())
        .map(|text| html! { code { (shown(text)) } })
        .collect()
}

/// A cell's list of names: the first [`LISTED`] inline, the rest behind a disclosure.
fn names(items: &[Markup], noun: &str) -> Markup {
    let shown = &items[..items.len().min(CELL)];
    html! {
        @if items.len() <= LISTED {
            ul.inline { @for item in items { li { (item) } } }
        } @else {
            details {
                summary { (items.len()) " " (noun) }
                ul.plain {
                    @for item in shown { li { (item) } }
                    @if items.len() > CELL { li { (more(items.len() - CELL, noun)) } }
                }
            }
        }
    }
}

/// The words for `count` items (`noun`) a cell leaves out.
fn more(count: usize, noun: &str) -> String {
    format!("and {count} more {noun}: the JSON report lists them all")
}

/// A cell's names when they are few; else their count, linking to the row of another
/// table that lists them.
fn few_or_link(items: &[Markup], noun: &str, target: Option<&String>) -> Markup {
    html! {
        @if items.len() <= REFERRED {
            ul.inline { @for item in items { li { (item) } } }
        } @else {
            @let counted = count(items.len(), noun);
            @match target {
                Some(id) => a href={ "#" (id) } { (counted) },
                None => (counted),
            }
        }
    }
}

/// A data table: a caption, header cells with scopes, and the rows; with a filter, sort
/// and pages when the script runs.
fn table(
    id: &str,
    noun: &str,
    caption: &str,
    header: &[&str],
    rows: usize,
    body: Markup,
) -> Markup {
    html! {
        table.data.paged[rows > PAGE] id=(id) data-interactive data-noun=(noun) {
            caption { (caption) }
            thead { tr { @for cell in header { th scope="col" { (cell) } } } }
            tbody { (body) }
        }
    }
}

fn summary(review: &Review) -> Markup {
    let summary = &review.summary;
    let counts = [
        ("Policy files", summary.policies),
        ("API keys", summary.api_keys),
        ("Root keys", summary.root_keys),
        ("Roles", summary.roles),
        ("Disabled keys", summary.disabled),
        ("Expired keys", summary.expired),
        ("Permissions", summary.permissions),
    ];
    let findings = [
        ("Errors", summary.findings.error, "level-error"),
        ("Warnings", summary.findings.warning, "level-warning"),
        ("Infos", summary.findings.info, ""),
    ];
    html! {
        section #summary aria-labelledby="summary-title" {
            h2 #summary-title { "Summary" }
            (previous(review))
            div.summary-grid {
                table.data {
                    caption { "Access" }
                    tbody { @for (name, count) in counts {
                        tr { th scope="row" { (name) } td.num { (count) } }
                    } }
                }
                table.data {
                    caption { "Lint findings" }
                    tbody { @for (name, count, class) in findings {
                        tr { th scope="row" { (name) } td class={ "num " (class) } { (count) } }
                    } }
                }
                (suite(review))
            }
            (files(review))
        }
    }
}

fn previous(review: &Review) -> Markup {
    let Some(previous) = &review.previous else {
        return html! {};
    };
    let lists = [
        ("Keys added", &previous.added),
        ("Keys removed", &previous.removed),
        ("Keys whose access changed", &previous.changed),
    ];
    html! {
        @if previous.unchanged {
            p.ok { strong { "\u{2714} Unchanged" } " since the review of " (shown(&previous.generated))
                " (digest " code { (shown(&previous.digest)) } ")." }
        } @else {
            p.caution { strong { "\u{26a0} Changed" } " since the review of " (shown(&previous.generated))
                " (digest " code { (shown(&previous.digest)) } "):" }
            @for (title, keys) in lists {
                @if !keys.is_empty() {
                    h3 { (title) " (" (keys.len()) ")" }
                    (names(&keys.iter().map(|key| html! { (shown(&key.name)) " (" (shown(&key.policy)) ")" }).collect::<Vec<_>>(), "keys"))
                }
            }
        }
    }
}

fn suite(review: &Review) -> Markup {
    let summary = &review.summary;
    html! {
        table.data {
            caption { "Cases" }
            tbody {
                @match &summary.cases {
                    Some(cases) => {
                        tr { th scope="row" { "Passed" } td.num.ok { (cases.passed) } }
                        tr { th scope="row" { "Failed" } td.num.level-error[cases.failed > 0] { (cases.failed) } }
                        tr { th scope="row" { "Ignored" } td.num { (cases.ignored) } }
                        @if let Some(coverage) = summary.coverage {
                            tr { th scope="row" { "Coverage" } td.num { (format!("{coverage:.1}%")) } }
                        }
                    }
                    None => tr { td { "The files have no cases." } },
                }
            }
        }
    }
}

fn files(review: &Review) -> Markup {
    html! {
        table.data {
            caption { "Files reviewed" }
            thead { tr { @for cell in ["File", "Declares", "Cases", "Cases decided at", "Git commit"] { th scope="col" { (cell) } } } }
            tbody { @for file in &review.files {
                tr {
                    th scope="row" { code { (shown(&file.file)) } }
                    td { @if file.policy { "a policy" } @else { "cases" } }
                    td.num { (file.cases) }
                    td { @match &file.now {
                        Some(now) => { "its " code { "now:" } " " (shown(now)) },
                        None => "the time of the review",
                    } }
                    td { @match &file.commit {
                        Some(commit) => @match &commit.commit {
                            Some(hash) => {
                                code { (shown(hash)) }
                                @if commit.modified { " " span.caution { "\u{26a0} modified since" } }
                            }
                            None => span.caution { "\u{26a0} not committed" },
                        },
                        None => "not in a git repository",
                    } }
                }
            } }
        }
    }
}

/// A grant in words: its text, its kind when not exact, the role it comes through.
fn source(source: &Source, anchors: &Anchors, policy: &str) -> Markup {
    html! {
        @match &source.role {
            Some(role) => { "role " (anchors.role(policy, role)) " " }
            None => { span.tag { "direct" } " " }
        }
        code { (shown(&source.grant)) }
        (pattern_tag(source.pattern))
    }
}

fn who_can(review: &Review, anchors: &Anchors, show_policy: bool) -> Markup {
    let mut header = vec!["Permission", "Destructive", "Keys", "Granted through"];
    if show_policy {
        header.insert(1, "Policy file");
    }
    let rows =
        html! { @for row in &review.permissions { (permission_row(row, anchors, show_policy)) } };
    html! {
        section #who-can aria-labelledby="who-can-title" {
            h2 #who-can-title { "Who can, per permission" }
            p.note { "Every permission of the catalog (or granted, where a policy has no catalog), the API keys \
                that hold it at the time of the review, and the grant each holds it through. Disabled and expired \
                keys hold nothing; under " code { "semantics: strict" } ", a permission either reading of " code { "*" }
                " allows is shown as held. Root keys are in " a href="#root-keys" { "Root keys \u{d7} routes" } "." }
            (table("who-can-table", "permissions", "Who can", &header, review.permissions.len(), rows))
        }
    }
}

fn permission_row(row: &PermissionRow, anchors: &Anchors, show_policy: bool) -> Markup {
    html! {
        tr {
            th scope="row" { code { (shown(&row.permission)) } }
            @if show_policy { td { code { (shown(&row.policy)) } } }
            td { @if row.destructive { span.danger { span aria-hidden="true" { "\u{26a0} " } "destructive" } } @else { "no" } }
            td.num { (row.holders) }
            td {
                @if let Some(reason) = &row.forbidden {
                    p.danger { span aria-hidden="true" { "\u{26a0} " } "forbidden to every key"
                        @if !reason.is_empty() { ": " (shown(reason)) } }
                }
                ul.plain {
                    @for group in row.sources.iter().take(GROUPS) { li { (holder_group(group, anchors, &row.policy)) } }
                    @if row.sources.len() > GROUPS { li { (more(row.sources.len() - GROUPS, "grants")) } }
                    @if row.unnamed > 0 { li { "and " (count(row.unnamed, "more grant")) " behind the holders' permissions, not named (a key names 32 at most)" } }
                }
            }
        }
    }
}

fn holder_group(group: &HolderGroup, anchors: &Anchors, policy: &str) -> Markup {
    let keys = anchors.keys(policy, &group.keys);
    // The role's row lists its holders; the grant's row, the keys granted it directly.
    let listed = match &group.source.role {
        Some(role) => anchors.role_id(policy, role),
        None => anchors.grant_id(policy, &group.source.grant),
    };
    html! {
        (source(&group.source, anchors, policy)) ": "
        (few_or_link(&keys, "key", listed))
    }
}

fn what_can(review: &Review, anchors: &Anchors) -> Markup {
    let header = [
        "Key",
        "Kind",
        "State",
        "Roles",
        "Effective permissions",
        "Cases",
        "Findings",
    ];
    // Keys with the same grants share their effective access: its cell is made once.
    let mut effective: HashMap<(String, *const Vec<Holding>), Markup> = HashMap::new();
    let calls: HashMap<(&str, &str), usize> = (review.root_keys.iter())
        .map(|key| ((key.policy.as_str(), key.key.as_str()), key.routes.len()))
        .collect();
    let rows = html! { @for (index, key) in review.keys.iter().enumerate() {
        @let cell = effective
            .entry((key.policy.clone(), std::sync::Arc::as_ptr(&key.effective)))
            .or_insert_with(|| holdings(&key.effective, anchors, &key.policy))
            .clone();
        @let calls = calls.get(&(key.policy.as_str(), key.name.as_str()));
        @let cell = html! {
            (cell)
            @if let Some(calls) = calls { a href="#root-keys" { (count(*calls, "route call")) } }
        };
        (key_row(index, key, anchors, cell))
    } };
    html! {
        section #what-can aria-labelledby="what-can-title" {
            h2 #what-can-title { "What can, per key" }
            p.note { "Each key's effective permissions now, grouped by the role or direct grant that gives \
                them; its roles, state, the cases that name it and the lint findings on it." }
            (table("what-can-table", "keys", "What can", &header, review.keys.len(), rows))
        }
    }
}

fn key_row(index: usize, key: &KeyRow, anchors: &Anchors, effective: Markup) -> Markup {
    let roles = anchors.roles(&key.policy, &key.roles);
    html! {
        tr {
            th scope="row" id={ "key-" (index) } {
                (shown(&key.name))
                br; span.meta.mono { (shown(&key.policy)) ":" (key.line) }
                (description(key.description.as_deref()))
            }
            td { (key.kind) }
            td { (state(key.state, key.expires.as_deref())) }
            td { (names(&roles, "roles")) }
            td data-sort=(key.effective.len()) { (effective) }
            td { (cases(key)) }
            td { ul.plain { @for finding in &key.findings {
                li class={ "level-" (finding.level) } { (finding.code) " " (finding.level) ", line " (finding.line) }
            } } }
        }
    }
}

/// A key's or role's description, under its name.
fn description(description: Option<&str>) -> Markup {
    html! { @if let Some(description) = description { br; span.description { (shown(description)) } } }
}

fn state(state: KeyState, expires: Option<&str>) -> Markup {
    html! {
        @match state {
            KeyState::Active => span.ok { "active" },
            other => span.caution { span aria-hidden="true" { "\u{26a0} " } (other.name()) },
        }
        @if let Some(expires) = expires { br; span.meta { "expires " (shown(expires)) } }
    }
}

/// A key's effective permissions, grouped by the role they come through (with the
/// broadest kind of grant among them), then those granted directly by name, then by the
/// direct wildcard that gives them.
fn holdings(holdings: &[Holding], anchors: &Anchors, policy: &str) -> Markup {
    let mut roles: BTreeMap<&str, (Pattern, Vec<Markup>)> = BTreeMap::new();
    let mut direct: BTreeMap<&Source, Vec<Markup>> = BTreeMap::new();
    let mut exact = Vec::new();
    for holding in holdings {
        let name = html! { code { (shown(&holding.permission)) } };
        let mut through: Vec<(&str, Pattern)> = (holding.via.iter())
            .filter_map(|via| Some((via.role.as_deref()?, via.pattern)))
            .collect();
        through.sort_unstable();
        through.dedup_by_key(|(role, _)| *role);
        for (role, pattern) in through {
            let (broadest, permissions) = roles.entry(role).or_insert((pattern, Vec::new()));
            *broadest = (*broadest).max(pattern);
            permissions.push(name.clone());
        }
        for via in holding.via.iter().filter(|via| via.role.is_none()) {
            match via.pattern {
                Pattern::Exact => exact.push(name.clone()),
                _ => direct.entry(via).or_default().push(name.clone()),
            }
        }
    }
    let unnamed: usize = holdings.iter().map(|holding| holding.more).sum();
    html! {
        (count(holdings.len(), "permission"))
        @if unnamed > 0 { " (" (count(unnamed, "more grant")) " behind them not named)" }
        ul.plain {
            @for (role, (pattern, permissions)) in &roles {
                li {
                    "role " (anchors.role(policy, role)) (pattern_tag(*pattern)) ": "
                    (few_or_link(permissions, "permission", anchors.role_id(policy, role)))
                }
            }
            @if !exact.is_empty() {
                li { span.tag { "direct" } " " (names(&exact, "permissions")) }
            }
            @for (via, permissions) in &direct {
                li {
                    (source(via, anchors, policy)) ": "
                    (few_or_link(permissions, "permission", anchors.grant_id(policy, &via.grant)))
                }
            }
        }
    }
}

/// A tag for a wildcard or `*` grant; nothing for an exact one.
fn pattern_tag(pattern: Pattern) -> Markup {
    html! {
        @match pattern {
            Pattern::Exact => {},
            Pattern::Wildcard => { " " span.tag { "wildcard" } },
            Pattern::Global => { " " span.tag.danger { "\u{26a0} * (everything)" } },
        }
    }
}

/// `count` and `noun`, plural unless one.
fn count(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        count => format!("{count} {noun}s"),
    }
}

fn cases(key: &KeyRow) -> Markup {
    let count = |result: &str| {
        key.cases
            .iter()
            .filter(|case| case.result == result)
            .count()
    };
    let failed: Vec<Markup> = (key.cases.iter())
        .filter(|case| case.result == "failed")
        .map(|case| html! { (shown(&case.name)) })
        .collect();
    html! {
        @if key.cases.is_empty() {
            span.caution { "untested" }
        } @else {
            span.ok { (count("passed")) " passed" }
            @if !failed.is_empty() { ", " span.level-error { (failed.len()) " failed:" } (names(&failed, "cases")) }
            @if count("ignored") > 0 { ", " (count("ignored")) " ignored" }
        }
    }
}

fn roles(review: &Review, anchors: &Anchors) -> Markup {
    let header = ["Role", "Grants", "Reaches", "Held by"];
    let rows = html! { @for (index, role) in review.roles.iter().enumerate() { (role_row(index, role, anchors)) } };
    html! {
        section #roles aria-labelledby="roles-title" {
            h2 #roles-title { "Roles" }
            p.note { "Each role's grants, the permissions they reach, and the keys that hold the role." }
            (table("roles-table", "roles", "Roles", &header, review.roles.len(), rows))
        }
    }
}

fn role_row(index: usize, role: &RoleRow, anchors: &Anchors) -> Markup {
    let (grants, reaches) = (codes(&role.grants), codes(&role.reaches));
    let members = anchors.keys(&role.policy, &role.members);
    html! {
        tr {
            th scope="row" id={ "role-" (index) } {
                (shown(&role.name)) br; span.meta.mono { (shown(&role.policy)) ":" (role.line) }
                (description(role.description.as_deref()))
            }
            td { (names(&grants, "grants")) }
            td data-sort=(reaches.len()) { (names(&reaches, "permissions")) }
            td data-sort=(members.len()) { (names(&members, "keys")) }
        }
    }
}

fn grants(review: &Review, anchors: &Anchors) -> Markup {
    let header = [
        "Grant",
        "Kind",
        "Reaches",
        "In roles",
        "Granted directly to",
    ];
    let rows = html! { @for (index, grant) in review.grants.iter().enumerate() {
        @let reaches = codes(&grant.reaches);
        @let roles = anchors.roles(&grant.policy, &grant.roles);
        @let keys = anchors.keys(&grant.policy, &grant.keys);
        tr {
            th scope="row" id={ "grant-" (index) } {
                code { (shown(&grant.grant)) } br; span.meta.mono { (shown(&grant.policy)) }
            }
            td { @match grant.pattern {
                Pattern::Exact => "exact",
                Pattern::Wildcard => span.caution { "wildcard" },
                Pattern::Global => span.danger { span aria-hidden="true" { "\u{26a0} " } "* (everything)" },
            } }
            td data-sort=(reaches.len()) { (names(&reaches, "permissions")) }
            td data-sort=(roles.len()) { (names(&roles, "roles")) }
            td data-sort=(keys.len()) { (names(&keys, "keys")) }
        }
    } };
    html! {
        section #grants aria-labelledby="grants-title" {
            h2 #grants-title { "Grants" }
            p.note { "Every grant of API keys and roles as written: the permissions it reaches, the roles that \
                have it and the keys granted it directly." }
            (table("grants-table", "grants", "Grants", &header, review.grants.len(), rows))
        }
    }
}

fn root_keys(review: &Review, anchors: &Anchors) -> Markup {
    let header = ["Root key", "Flags", "Family", "Route", "Call", "Opened by"];
    let count: usize = (review.root_keys.iter())
        .map(|key| key.routes.len().max(1))
        .sum();
    let rows = html! { @for key in &review.root_keys {
        @let flags = html! { @for flag in &key.flags {
            span.danger { span aria-hidden="true" { "\u{26a0} " } (flag) " " (flag_name(flag)) } " "
        } };
        @let name = html! { (anchors.key(&key.policy, &key.key)) @if key.state != KeyState::Active { br; (state(key.state, None)) } };
        @if key.routes.is_empty() {
            tr { th scope="row" { (name) } td { (flags) } td colspan="4" { "no route call" } }
        }
        @for route in &key.routes {
            tr {
                th scope="row" { (name) }
                td { (flags) }
                td { (shown(&route.family)) }
                td { code { (shown(&route.route)) } }
                td { code { (shown(&route.call)) } }
                td { ul.plain { @for grant in &route.grants { li { code { (shown(grant)) } } } } }
            }
        }
    } };
    html! {
        section #root-keys aria-labelledby="root-keys-title" {
            h2 #root-keys-title { "Root keys \u{d7} Unkey routes" }
            @if review.root_keys.is_empty() {
                p.note { "The policies declare no root keys." }
            } @else {
                p.note { "The calls each root key may make on Unkey's API, by family, with the grants that open \
                    them. " code { "<other>" } " stands for any id the policy does not name. R002 (the admin grant) \
                    and R008 (a grant that lets a key give itself any permission) are flagged." }
                (table("root-keys-table", "route calls", "Root keys \u{d7} routes", &header, count, rows))
                details {
                    summary { "Routes where URN grants do nothing (" (review.urn_inert_routes.len()) ")" }
                    p.note { "These routes check legacy tuples only: a URN grant, even " code { "**#*" } ", opens none of them." }
                    ul.inline { @for route in &review.urn_inert_routes { li { code { (route) } } } }
                }
            }
        }
    }
}

fn flag_name(code: &str) -> &'static str {
    match code {
        "R002" => "admin grant",
        _ => "escalation",
    }
}

fn changes(review: &Review) -> Markup {
    let Some(changes) = &review.changes else {
        return html! {};
    };
    let header = [
        "Key",
        "Presence",
        "Change",
        "Permission or call",
        "Through",
        "Asserted by a case",
    ];
    let rows = html! { @for key in &changes.keys {
        @let key_cell = html! { (shown(&key.key)) br; span.meta.mono { (shown(&key.policy)) } };
        @for gain in &key.gained {
            tr {
                th scope="row" { (key_cell) } td { (key.presence) }
                td.caution { span aria-hidden="true" { "+ " } "gained" }
                td { code { (shown(&gain.permission)) } }
                td { ul.plain { @for via in &gain.via { li {
                    @if let Some(role) = &via.role { "role " (shown(role)) " " }
                    code { (shown(&via.grant)) }
                } } } }
                td { @if gain.acknowledged { span.ok { "yes" } } @else { span.level-error { "\u{26a0} no" } } }
            }
        }
        @for (change, items) in [("lost", &key.lost), ("role added", &key.roles_added), ("role removed", &key.roles_removed)] {
            @for item in items {
                tr {
                    th scope="row" { (key_cell) } td { (key.presence) }
                    td { span aria-hidden="true" { @if change == "lost" { "\u{2212} " } @else { "\u{b1} " } } (change) }
                    td { code { (shown(item)) } } td {} td {}
                }
            }
        }
    } };
    let count: usize = (changes.keys.iter())
        .map(|key| {
            key.gained.len() + key.lost.len() + key.roles_added.len() + key.roles_removed.len()
        })
        .sum();
    html! {
        section #changes aria-labelledby="changes-title" {
            h2 #changes-title { "Changes since " code { (shown(&changes.base)) } }
            p.note { (changes.keys.len()) " keys changed; " (changes.unacknowledged)
                " gained permissions no case asserts." }
            (table("changes-table", "changes", "Changes", &header, count, rows))
        }
    }
}

fn findings(review: &Review) -> Markup {
    let header = ["Level", "Code", "Rule", "Where", "About", "Message"];
    let rows = html! { @for finding in &review.findings {
        tr {
            td class={ "level-" (finding.level) } {
                @if finding.level == "error" { span aria-hidden="true" { "\u{2716} " } }
                @if finding.level == "warning" { span aria-hidden="true" { "\u{26a0} " } }
                (finding.level)
            }
            th scope="row" { (finding.code) }
            td { (finding.rule) }
            td.mono data-sort={ (shown(&finding.file)) ":" (format!("{:08}", finding.line)) } {
                (shown(&finding.file)) ":" (finding.line) ":" (finding.column)
            }
            td { @if let Some(owner) = &finding.owner { (shown(owner)) } }
            td { (shortened(&finding.message)) }
        }
    } };
    html! {
        section #findings aria-labelledby="findings-title" {
            h2 #findings-title { "Lint findings" }
            @if review.findings.is_empty() {
                p { "No findings." }
            } @else {
                (table("findings-table", "findings", "Findings", &header, review.findings.len(), rows))
            }
            (exceptions(review))
        }
    }
}

/// The accepted risks: suppressions with their reasons, and the rules turned off.
fn exceptions(review: &Review) -> Markup {
    let header = ["Key or role", "Rules excused", "Reason", "Until", "Where"];
    let rows = html! { @for exception in &review.exceptions {
        tr {
            th scope="row" { (shown(&exception.owner)) }
            td { (names(&codes(&exception.rules), "rules")) }
            td { (shown(&exception.reason)) }
            td { @match &exception.until { Some(until) => (shown(until)), None => "no end" } }
            td.mono { (shown(&exception.policy)) ":" (exception.line) }
        }
    } };
    html! {
        h3 { "Accepted exceptions" }
        @if review.exceptions.is_empty() {
            p { "No key or role suppresses a rule." }
        } @else {
            (table("exceptions-table", "exceptions", "Suppressions", &header, review.exceptions.len(), rows))
        }
        @if review.rules_off.is_empty() {
            p { "The configuration runs every rule." }
        } @else {
            p.caution {
                span aria-hidden="true" { "\u{26a0} " }
                "The configuration does not run " (count(review.rules_off.len(), "rule")) ": "
                @for (index, rule) in review.rules_off.iter().enumerate() {
                    @if index > 0 { ", " }
                    code { (rule.code) } " " (rule.name)
                }
                "."
            }
        }
    }
}

/// Longest finding message shown whole; the JSON report has every message whole.
const MESSAGE: usize = 400;

/// `message` (permspec's own words, which show names escaped already), cut after
/// [`MESSAGE`] characters.
fn shortened(message: &str) -> Markup {
    match message.char_indices().nth(MESSAGE) {
        None => html! { (crate::printable::escaped(message)) },
        Some((end, _)) => html! {
            (crate::printable::escaped(&message[..end])) "\u{2026} " span.meta { "(shortened: the JSON report has it whole)" }
        },
    }
}

fn sign_off(review: &Review) -> Markup {
    html! {
        section #sign-off aria-labelledby="sign-off-title" {
            h2 #sign-off-title { "Sign-off" }
            p { "This review covers the access state with digest " code { (review.digest) }
                ". A later report with the same digest grants the same access to the same keys." }
            table.data.signoff {
                caption { "Reviewer's decision" }
                tbody {
                    tr { th scope="row" { "Reviewer" } td {} }
                    tr { th scope="row" { "Date" } td {} }
                    tr { th scope="row" { "Decision" } td { "\u{2610} Approved \u{a0}\u{a0} \u{2610} Changes required" } }
                    tr { th scope="row" { "Notes" } td {} }
                    tr { th scope="row" { "Signature" } td {} }
                }
            }
        }
    }
}
