//! Reading source files for sites: the files under the paths (as ripgrep walks them), each
//! read within bounds, parsed with tree-sitter on every core, and matched against the SDKs'
//! call shapes and the project's sinks.

mod go;
mod grammar;
mod python;
mod scopes;
mod shapes;
mod typescript;
mod walk;

use super::{CodeSuppression, Language, ScanConfig, ScannedFile, suppressions_in_comment};
use crate::diagnostic::FileDiagnostic;
use crate::error_code::ErrorCode;
use crate::input::ReadError;
use crate::policy::Source;
use crate::span::Span;
use grammar::{Grammar, KindTable, Kinds, preorder, span};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What a scan read.
#[derive(Debug, Default)]
pub struct Scan {
    /// The files that could hold a site, parsed, in path order.
    pub files: Vec<ScannedFile>,
    /// How many source files were walked, those without any text a site needs included.
    pub walked: usize,
    /// What could not be read or understood.
    pub errors: Vec<FileDiagnostic>,
}

/// Scans `paths` (files or directories) with `config`.
pub fn scan(paths: &[PathBuf], config: &ScanConfig) -> Scan {
    let (sources, mut errors) = walk::source_files(paths, config);
    let walked = sources.len();
    let mut needles: Vec<&str> = shapes::TRIGGERS.to_vec();
    needles.extend(config.sinks.iter().map(|sink| sink.function.as_str()));
    let finder = Needles::new(&needles);
    let read = crate::parallel::map(sources, |(path, language)| {
        read_and_scan(&path, language, config, &finder)
    });
    let mut files = Vec::new();
    for outcome in read {
        match outcome {
            Ok(Some((file, mut comment_errors))) => {
                files.push(file);
                errors.append(&mut comment_errors);
            }
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    Scan {
        files,
        walked,
        errors,
    }
}

/// Substrings any one of which a file needs to hold a site.
struct Needles(Vec<memchr::memmem::Finder<'static>>);

impl Needles {
    fn new(needles: &[&str]) -> Self {
        Needles(
            needles
                .iter()
                .map(|needle| memchr::memmem::Finder::new(needle.as_bytes()).into_owned())
                .collect(),
        )
    }

    fn any_in(&self, haystack: &[u8]) -> bool {
        self.0.iter().any(|finder| finder.find(haystack).is_some())
    }
}

fn read_and_scan(
    path: &Path,
    language: Language,
    config: &ScanConfig,
    needles: &Needles,
) -> Result<Option<(ScannedFile, Vec<FileDiagnostic>)>, FileDiagnostic> {
    let unreadable = |error: &dyn std::fmt::Display| {
        let name = crate::printable::escaped(&path.display().to_string()).into_owned();
        FileDiagnostic::unreadable(name.clone(), format!("cannot read `{name}`: {error}"))
            .with_code(ErrorCode::ScanUnreadable)
    };
    let bytes = match crate::input::read_bytes(path, config.max_file_bytes) {
        Ok(bytes) => bytes,
        Err(error @ ReadError::TooLarge { .. }) => {
            return Err(unreadable(&error).with_help(
                "leave generated or vendored code out with `[scan] exclude`, or raise `[scan] max-file-bytes`",
            ));
        }
        Err(error) => return Err(unreadable(&error)),
    };
    // UTF-16 hides every needle from a byte search: refused, not passed over.
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(unreadable(&"it is UTF-16 text, not UTF-8")
            .with_help("save it as UTF-8, or leave it out with `[scan] exclude`"));
    }
    if !needles.any_in(&bytes) {
        return Ok(None);
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            return Err(unreadable(&ReadError::NotUtf8 { offset })
                .with_help("a source file must be UTF-8; leave it out with `[scan] exclude`"));
        }
    };
    let text = match text.strip_prefix(crate::input::BOM) {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if language == Language::Python
        && let Some(encoding) = python_encoding(&text).filter(|name| !is_utf8_name(name))
    {
        let encoding = crate::printable::escaped(encoding).into_owned();
        return Err(unreadable(&format!(
            "it declares the encoding `{encoding}`, which Python would read otherwise than as UTF-8"
        ))
        .with_help("declare `utf-8` (or nothing), or leave the file out with `[scan] exclude`"));
    }
    let source = Source::new(path, text);
    Ok(Some(scan_source(source, language, config)))
}

/// The encoding a Python file declares in its first two lines (PEP 263), if any.
fn python_encoding(text: &str) -> Option<&str> {
    for line in text.lines().take(2) {
        let comment = line.trim_start_matches([' ', '\t', '\x0c']);
        if !comment.starts_with('#') {
            continue;
        }
        let at = comment.find("coding")?;
        let rest = &comment[at + "coding".len()..];
        let rest = rest
            .strip_prefix([':', '='])?
            .trim_start_matches([' ', '\t']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(rest.len());
        return Some(&rest[..end]).filter(|name| !name.is_empty());
    }
    None
}

/// Whether an encoding's name means UTF-8 (or ASCII, which UTF-8 text of only ASCII is).
fn is_utf8_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace('_', "-");
    matches!(name.as_str(), "utf-8" | "utf8" | "ascii" | "us-ascii") || name.starts_with("utf-8-")
}

/// The syntax of `language`.
fn grammar_of(language: Language) -> &'static dyn Grammar {
    match language {
        Language::TypeScript | Language::Tsx | Language::JavaScript => &typescript::TypeScript,
        Language::Go => &go::Go,
        Language::Python => &python::Python,
    }
}

/// Scans one source text: its sites, suppressions and damage, and what is wrong with its
/// `permspec:` comments.
pub fn scan_source(
    source: Source,
    language: Language,
    config: &ScanConfig,
) -> (ScannedFile, Vec<FileDiagnostic>) {
    let grammar = grammar_of(language);
    // Python ends a line at a lone carriage return, as the grammar does not: the parser
    // reads it as a line feed, as reports count lines (one byte for another: every offset
    // stays).
    let text = if language == Language::Python {
        source.shown()
    } else {
        source.text()
    };
    let Some((tree, table)) = parse(language, grammar.kinds(), text) else {
        let file = ScannedFile {
            source: source.clone(),
            language,
            sites: Vec::new(),
            suppressions: Vec::new(),
            damage: vec![Span::new(0, 0)],
        };
        return (file, Vec::new());
    };
    let root = tree.root_node();
    let table = &*table;
    let mut comments = Vec::new();
    let mut candidates = Vec::new();
    let scopes = scopes::Scopes::build(root, grammar, table, text, |node, bits| {
        if bits & KindTable::COMMENT != 0 {
            comments.push(node);
        } else {
            candidates.push(node);
        }
    });
    let damage = if root.has_error() {
        damage(root)
    } else {
        Vec::new()
    };
    let mut shapes = shapes::Shapes::new(grammar, language, text, &config.sinks, scopes);
    for node in candidates {
        shapes.visit(node);
    }
    let mut sites = shapes.sites;
    sites.sort_by_key(|site| (site.span.start(), site.call.start()));
    let mut suppressions: Vec<CodeSuppression> = Vec::new();
    let mut errors = Vec::new();
    for comment in comments {
        match suppressions_in_comment(&text[comment.byte_range()], comment.start_byte()) {
            Some(Ok(suppression)) => suppressions.push(suppression),
            Some(Err((at, message))) => errors.push(
                FileDiagnostic::at(ErrorCode::ScanSuppression, &source, at, message, "here")
                .with_help("write `permspec: allow(RULES) reason: WHY`, optionally ending `until: YYYY-MM-DD`"),
            ),
            None => {}
        }
    }
    let file = ScannedFile {
        source: source.clone(),
        language,
        sites,
        suppressions,
        damage,
    };
    (file, errors)
}

thread_local! {
    /// One parser and kind table per language per thread, made on first use.
    static PARSERS: RefCell<Vec<(Language, tree_sitter::Parser, Rc<KindTable>)>> =
        const { RefCell::new(Vec::new()) };
}

/// `text` parsed as `language`, and the language's kind table for `kinds`.
fn parse(
    language: Language,
    kinds: &Kinds,
    text: &str,
) -> Option<(tree_sitter::Tree, Rc<KindTable>)> {
    PARSERS.with_borrow_mut(|parsers| {
        let position = match parsers.iter().position(|(known, ..)| *known == language) {
            Some(position) => position,
            None => {
                let grammar = tree_sitter_language(language);
                let mut parser = tree_sitter::Parser::new();
                parser
                    .set_language(&grammar)
                    .expect("the grammar crates match the tree-sitter version");
                let table = Rc::new(KindTable::new(&grammar, kinds));
                parsers.push((language, parser, table));
                parsers.len() - 1
            }
        };
        let (_, parser, table) = &mut parsers[position];
        Some((parser.parse(text, None)?, Rc::clone(table)))
    })
}

fn tree_sitter_language(language: Language) -> tree_sitter::Language {
    match language {
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::Go => tree_sitter_go::LANGUAGE.into(),
        Language::Python => tree_sitter_python::LANGUAGE.into(),
    }
}

/// Each place the parser could not read (an error, or a token it assumed missing), those
/// inside another left out.
fn damage(root: tree_sitter::Node<'_>) -> Vec<Span> {
    let mut places: Vec<Span> = Vec::new();
    preorder(root, |node, _| {
        let inside = places
            .last()
            .is_some_and(|last| node.start_byte() < last.end());
        if !inside && (node.is_error() || node.is_missing()) {
            places.push(span(node));
        }
    });
    if places.is_empty() {
        places.push(span(root));
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_the_grammars_name_is_a_kind_of_their_language() {
        for language in [
            Language::TypeScript,
            Language::Tsx,
            Language::JavaScript,
            Language::Go,
            Language::Python,
        ] {
            let unknown = KindTable::knows_all(
                &tree_sitter_language(language),
                grammar_of(language).kinds(),
            );
            // JavaScript has no TypeScript-only kinds; the others must know every name.
            let unknown: Vec<_> = unknown
                .into_iter()
                .filter(|_| language != Language::JavaScript)
                .collect();
            assert!(unknown.is_empty(), "{language:?}: {unknown:?}");
        }
    }
}
