//! What a scan finds in one source file: its sites, suppressions and damage.

use super::CodeSuppression;
use crate::policy::{QueryText, Source};
use crate::query::Query;
use crate::span::Span;

/// A language permspec reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// TypeScript (`.ts`, `.mts`, `.cts`).
    TypeScript,
    /// TypeScript with JSX (`.tsx`).
    Tsx,
    /// JavaScript, JSX included (`.js`, `.jsx`, `.mjs`, `.cjs`).
    JavaScript,
    /// Go (`.go`).
    Go,
    /// Python (`.py`, `.pyi`).
    Python,
}

impl Language {
    /// The language of a file, by its extension.
    pub fn of(path: &std::path::Path) -> Option<Language> {
        let extension = path.extension()?.to_str()?;
        Some(match extension {
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "js" | "jsx" | "mjs" | "cjs" => Language::JavaScript,
            "go" => Language::Go,
            "py" | "pyi" => Language::Python,
            _ => return None,
        })
    }

    /// What a line comment starts with.
    pub fn comment_start(self) -> &'static str {
        match self {
            Language::Python => "#",
            _ => "//",
        }
    }
}

/// Which API version a call belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Version {
    /// v1: `authorization.permissions`, a structured `and`/`or` object.
    V1,
    /// v2: `permissions`, one query string.
    V2,
}

/// What the value at a site is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteKind {
    /// A permission query Unkey checks (`keys.verifyKey`'s `permissions`).
    Query,
    /// One permission name the application checks itself (`permissions.includes(x)`).
    Permission,
    /// A permission granted to a key or role (`createKey({ permissions: [...] })`).
    Grant,
    /// A role given to a key (`createKey({ roles: [...] })`).
    Role,
}

/// The value written at a site.
#[derive(Clone, Debug)]
pub enum SiteValue {
    /// A string known from the source alone: a literal, or a constant of the same file.
    Text {
        /// The string, with the place it is written (the literal) and, when the literal
        /// holds it verbatim, where its first byte stands.
        text: QueryText,
        /// The constant followed to reach it, if any.
        via: Option<String>,
    },
    /// A v1 query object, as the query it means; its leaves' spans are in the source file.
    Structured(Query),
    /// A value known only at run time, and why (a template with substitutions, ...).
    Dynamic(String),
    /// No value: a v2 call that passes no `permissions`, only v1 fields.
    Absent,
}

/// One place where code asks for, checks or grants a permission.
#[derive(Clone, Debug)]
pub struct Site {
    /// What the value is.
    pub kind: SiteKind,
    /// The API version of the call (v2 unless the shape is v1's).
    pub version: Version,
    /// The call shape, in words: ``"`keys.verifyKey` field `permissions`"``.
    pub shape: String,
    /// The value.
    pub value: SiteValue,
    /// Where the value is written.
    pub span: Span,
    /// The call (or check) it belongs to.
    pub call: Span,
    /// v1-only fields (`apiId`, `authorization`) passed to this v2 call.
    pub v1_fields: Vec<(String, Span)>,
}

/// One source file as scanned.
#[derive(Debug)]
pub struct ScannedFile {
    /// The file.
    pub source: Source,
    /// Its language.
    pub language: Language,
    /// Its sites, in position order.
    pub sites: Vec<Site>,
    /// Its `permspec: allow(...)` comments.
    pub suppressions: Vec<CodeSuppression>,
    /// The places the parser could not read (outermost first): sites there may be missed.
    pub damage: Vec<Span>,
}
