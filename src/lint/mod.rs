//! The linter: rules over a loaded policy and its cases, each finding a diagnostic on the
//! exact YAML node, with inline suppressions and per-project configuration.
//!
//! Every rule is one module under [`rules`] with a stable code, a name, a default level and
//! three-part documentation; [`rules::ALL`] lists them. Adding a rule is adding one module,
//! its entry in that list, and its fixture under `fixtures/lint/`.

mod apply;
mod code;
mod config;
mod context;
mod finding;
mod fix;
mod preserve;
mod queries;
pub(crate) mod root_keys;
pub mod rules;
mod run;
mod selector;
mod urn_reach;

pub use apply::{FixReport, fix_files};
pub use code::{
    CodeContext, KeyPass, NewAsk, Passing, ProjectPolicy, SiteQuery, lint_code, new_asks,
};
pub use config::{Config, LevelSetting};
pub use context::LintContext;
pub use finding::{FileFindings, Finding, Owner};
pub use fix::{Edit, Fix, Safety, apply};
pub use queries::{lint_query, lint_query_file, query_lines, syntax_diagnostic, whole};
pub use rules::RuleId;
pub use run::{lint_files, lint_files_and_queries, lint_loaded};
pub use selector::Selector;

use crate::policy::{QueryText, Source};
use crate::query::Query;
use std::fmt;

/// How serious a finding is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth knowing.
    Info,
    /// Probably wrong.
    Warning,
    /// Wrong, or a security risk.
    Error,
}

impl Level {
    /// The level's name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// A lint rule: identity, default level, documentation and its checks. Rules are declared in
/// one table, in [`rules`].
pub struct Rule {
    /// Its identity.
    pub id: RuleId,
    /// Stable code, e.g. `W001`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `global-wildcard`.
    pub name: &'static str,
    /// Level unless configured otherwise.
    pub level: Level,
    /// What it finds, why it matters, and an example.
    pub doc: &'static Doc,
    /// What it checks, scope by scope.
    pub checks: Checks,
}

/// A rule's documentation in three parts (with a one-line summary), as `permspec rules`
/// prints it.
pub struct Doc {
    /// One line: what it finds.
    pub summary: &'static str,
    /// What it does.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A violation and its fix.
    pub example: &'static str,
}

/// One rule's check of one file.
pub type Check = fn(&LintContext<'_>, &mut Vec<Finding>);

/// One rule applied to one parsed query, wherever the query is written.
pub type QueryCheck = fn(&Source, &QueryText, &Query, &mut Vec<Finding>);

/// One rule's check of the sites a scan found in application code.
pub type CodeCheck = fn(&CodeContext<'_>, &mut Vec<Finding>);

/// What a rule checks, by scope (see [`rules`]).
#[derive(Clone, Copy)]
pub struct Checks {
    /// The policy a file declares.
    pub policy: Option<Check>,
    /// Every file: cases, access assertions, text.
    pub file: Option<Check>,
    /// A bare query.
    pub query: Option<QueryCheck>,
    /// After suppressions.
    pub suppressions: Option<Check>,
    /// Application code, as `permspec scan` reads it.
    pub code: Option<CodeCheck>,
}

impl Checks {
    /// No check at all: the base the registry fills in.
    pub const NONE: Checks = Checks {
        policy: None,
        file: None,
        query: None,
        suppressions: None,
        code: None,
    };
}

impl Rule {
    /// `W001(global-wildcard)`.
    pub fn label(&self) -> String {
        format!("{}({})", self.code, self.name)
    }

    /// The rule's documentation as `permspec rules CODE` prints it.
    pub fn documentation(&self) -> String {
        format!(
            "{} ({}) — {}\ndefault level: {}\n\n## What it does\n{}\n\n## Why it matters\n{}\n\n## Example\n{}\n",
            self.code,
            self.name,
            self.doc.summary,
            self.level,
            self.doc.what.trim(),
            self.doc.why.trim(),
            self.doc.example.trim()
        )
    }
}

/// The reference of every rule as Markdown: a table, then each rule's documentation. It is
/// committed as `docs/rules.md`, and a test keeps the two equal.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Lint rules\n\n\
         Generated from permspec's rule registry by `permspec rules --format markdown`; do \
         not edit by hand. Select rules by code (`W001`), code prefix (`W`) or name \
         (`global-wildcard`) on the command line, in `permspec.toml` and in inline \
         `lint: {allow: [...]}` suppressions.\n\n\
         | code | name | default | finds |\n|---|---|---|---|\n",
    );
    for rule in rules::ALL {
        out.push_str(&format!(
            "| [{code}](#{anchor}) | `{name}` | {level} | {summary} |\n",
            code = rule.code,
            anchor = rule.code.to_ascii_lowercase(),
            name = rule.name,
            level = rule.level,
            summary = rule.doc.summary.replace('|', "\\|"),
        ));
    }
    for rule in rules::ALL {
        out.push_str(&format!(
            "\n## {}\n\n`{}`, {} by default: {}.\n\n### What it does\n\n{}\n\n### Why it matters\n\n{}\n\n### Example\n\n```{}\n{}\n```\n",
            rule.code,
            rule.name,
            rule.level,
            rule.doc.summary,
            rule.doc.what.trim(),
            rule.doc.why.trim(),
            if rule.checks.code.is_some() { "ts" } else { "yaml" },
            rule.doc.example.trim()
        ));
    }
    out
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}
