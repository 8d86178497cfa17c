//! Reading the format: a file's text, parsed once into a YAML tree with spans, and the
//! format's types deserialized from it; every error placed at its node.

use super::LoadError;
use super::Source;
use super::file_errors::{MAX_ERRORS, all_of};
use super::nodes::span_of;
use super::raw::RawFile;
use crate::error_code::ErrorCode;
use crate::input::ReadError;
use crate::span::MAX_TEXT_BYTES;
use crate::span::Span;
use crate::suggest::did_you_mean;
use crate::yaml::content::{self, ContentError, Mismatch};
use crate::yaml::spans::{Node, NodeKind, StructureError, read_structure};
use crate::yaml::{Limit, Limits};
use std::path::Path;

/// A file's text, the shape of its YAML with spans, and its deserialized content.
pub(super) struct Document {
    pub source: Source,
    pub root: Node,
    pub raw: RawFile,
}

/// The document in the file at `path`, read within `limits`.
pub(super) fn read_document(path: &Path, limits: &Limits) -> Result<Document, LoadError> {
    parse_document(read_source(path, limits)?, limits)
}

/// The text of the file at `path`, read within the limit on its size.
pub(super) fn read_source(path: &Path, limits: &Limits) -> Result<Source, LoadError> {
    let name = Source::new(path, String::new()).name().to_owned();
    let text = crate::input::read_text(path, limits.file_bytes).map_err(|error| match error {
        ReadError::TooLarge { limit } => too_large(&name, limit),
        error => LoadError::unreadable(&name, format!("cannot read `{name}`: {error}")),
    })?;
    Ok(Source::new(path, text))
}

/// `text`, as if read from the file at `path` (made, not read, so not held to the limit
/// on a file's size), unless it is too long for its spans to point into.
pub(super) fn given_source(path: &Path, text: String) -> Result<Source, LoadError> {
    if text.len() as u64 > MAX_TEXT_BYTES {
        let name = Source::new(path, String::new()).name().to_owned();
        let message = format!("`{name}` is longer than any text permspec reads (4 GiB)");
        return Err(LoadError::unreadable(&name, message).with_code(ErrorCode::PolicyLimit));
    }
    Ok(Source::new(path, text))
}

/// The error for the file `name`, over the limit on the size of a policy file.
fn too_large(name: &str, limit: u64) -> LoadError {
    LoadError::unreadable(
        name,
        format!("`{name}` is over the limit on the size of a policy file ({limit} bytes)"),
    )
    .with_code(ErrorCode::PolicyLimit)
    .with_help(format!(
        "split the suite into several files (cases can refer to a shared policy with \
         `policy:`), or {}",
        Limit::FileBytes.how_to_raise(limit)
    ))
}

/// The document `source` holds: its YAML parsed once into a tree with spans, and the
/// format's types read from it; every independent error of its items at once.
pub(super) fn parse_document(source: Source, limits: &Limits) -> Result<Document, LoadError> {
    let root = match read_structure(source.text(), limits) {
        Ok(Some(root)) => root,
        Ok(None) => {
            return Err(LoadError::at(
                ErrorCode::PolicyEmptyFile,
                &source,
                Span::default(),
                "policy file is empty",
                "expected `version: 1`",
            )
            .with_help("start the file with `version: 1`, then declare roles, keys and cases"));
        }
        Err(error) => return Err(structure_error(&source, error)),
    };
    if !matches!(root.kind, NodeKind::Mapping(_)) {
        return Err(LoadError::at(
            ErrorCode::PolicyInvalidType,
            &source,
            root.span,
            "a policy file must be a mapping",
            "expected `version: 1` and sections such as `roles:` and `keys:`",
        ));
    }
    refuse_nulls(&source, &root, false)?;
    let raw = match content::deserialize::<RawFile>(&root) {
        Ok(raw) => raw,
        Err(first) => return Err(every_content_error(&source, root.clone(), first)),
    };
    if raw.version != 1 {
        return Err(LoadError::at(
            ErrorCode::PolicyUnsupportedVersion,
            &source,
            span_of(root.get("version"), root.span),
            format!("unsupported policy format version {}", raw.version),
            "this permspec reads version 1",
        )
        .with_help("write `version: 1`, or upgrade permspec"));
    }
    Ok(Document { source, root, raw })
}

/// Every independent error of `tree`, whose reading stopped at `first`: the item of a
/// section (a case, a role, a key) that holds an error is set aside and the rest read again,
/// so that three typos in three cases are three errors of one run. An error outside any item
/// ends the reading.
fn every_content_error(source: &Source, mut tree: Node, first: ContentError) -> LoadError {
    let mut errors = Vec::new();
    let mut set_aside: Vec<(&'static str, usize)> = Vec::new();
    let mut next = Some(first);
    while let Some(mut error) = next.take() {
        error.path = original_path(&error.path, &set_aside);
        let span = error.span;
        errors.push(content_error(source, error));
        if errors.len() < MAX_ERRORS
            && let Some(removed) = set_aside_item_at(&mut tree, span)
        {
            if let Some(index) = removed.1 {
                set_aside.push((removed.0, original_index(index, removed.0, &set_aside)));
            }
            next = content::deserialize::<RawFile>(&tree).err();
        }
    }
    all_of(errors)
}

/// `path` (`cases[2].expect`) as it reads in the file before the items in `set_aside` were
/// removed from their lists.
fn original_path(path: &str, set_aside: &[(&str, usize)]) -> String {
    let Some((section, rest)) = path.split_once('[') else {
        return path.to_owned();
    };
    let Some((index, rest)) = rest.split_once(']') else {
        return path.to_owned();
    };
    match index.parse::<usize>() {
        Ok(index) => {
            let original = original_index(index, section, set_aside);
            format!("{section}[{original}]{rest}")
        }
        Err(_) => path.to_owned(),
    }
}

/// The index in the file of the item now at `index` of `section`.
fn original_index(index: usize, section: &str, set_aside: &[(&str, usize)]) -> usize {
    let mut removed: Vec<usize> = set_aside
        .iter()
        .filter(|(of, _)| *of == section)
        .map(|(_, at)| *at)
        .collect();
    removed.sort_unstable();
    removed
        .into_iter()
        .fold(index, |at, gone| if gone <= at { at + 1 } else { at })
}

/// Removes from `tree` the item of a section that holds `span`: the section, and the item's
/// index in its list (a mapping's entries keep their names); `None` if no item holds it.
fn set_aside_item_at(tree: &mut Node, span: Span) -> Option<(&'static str, Option<usize>)> {
    let within = |outer: Span| outer.start() <= span.start() && span.end() <= outer.end();
    let NodeKind::Mapping(sections) = &mut tree.kind else {
        return None;
    };
    for section in [
        "cases",
        "access",
        "forbid",
        "roles",
        "keys",
        "root_keys",
        "apis",
    ] {
        let Some((_, node)) = sections.get_mut(section) else {
            continue;
        };
        match &mut node.kind {
            NodeKind::Sequence(items) => {
                if let Some(index) = items.iter().position(|item| within(item.span)) {
                    items.remove(index);
                    return Some((section, Some(index)));
                }
            }
            NodeKind::Mapping(entries) => {
                let found = entries
                    .iter()
                    .position(|(_, (key, value))| within(*key) || within(value.span));
                if let Some(index) = found {
                    entries.shift_remove_index(index);
                    return Some((section, None));
                }
            }
            _ => {}
        }
    }
    None
}

/// Refuses a null (`~`, `null`, nothing) in a list or as a `permission`, `key` or `query`:
/// a text field reads it as that text, and a forbid rule for `~` protects nothing.
pub(super) fn refuse_nulls(
    source: &Source,
    node: &Node,
    names_a_thing: bool,
) -> Result<(), LoadError> {
    match &node.kind {
        NodeKind::Null(text) if names_a_thing => Err(LoadError::at(
            ErrorCode::PolicyInvalidType,
            source,
            node.span,
            format!(
                "expected a name or permission, found a null (`{}`)",
                if text.is_empty() { "nothing" } else { text }
            ),
            "null",
        )
        .with_help("write the value; quote it (`\"~\"`) if you mean the text itself")),
        NodeKind::Sequence(items) => items
            .iter()
            .try_for_each(|item| refuse_nulls(source, item, true)),
        NodeKind::Mapping(entries) => entries.iter().try_for_each(|(key, (_, value))| {
            refuse_nulls(
                source,
                value,
                matches!(key.as_str(), "permission" | "key" | "query"),
            )
        }),
        _ => Ok(()),
    }
}

/// The diagnostic of a file whose YAML structure cannot be read. One arm per kind of
/// [`StructureError`], each with its own words and hint: the function is as long as that
/// list, which reads best in one place.
fn structure_error(source: &Source, error: StructureError) -> LoadError {
    match error {
        StructureError::Syntax { message, at } => {
            let bare_star = source.text()[at.start().min(source.text().len())..]
                .trim_start()
                .starts_with('*')
                || source.text()[..at.start().min(source.text().len())]
                    .trim_end()
                    .ends_with('*');
            let error = LoadError::at(
                ErrorCode::PolicyYamlSyntax,
                source,
                at,
                format!("invalid YAML: {message}"),
                "here",
            );
            if bare_star {
                error.with_help("a bare `*` starts an alias in YAML; quote wildcard grants: \"*\", \"documents.*\"")
            } else {
                error.with_help("check the indentation and quoting around this point")
            }
        }
        StructureError::DuplicateKey { key, first, second } => LoadError::at(
            ErrorCode::PolicyDuplicateKey,
            source,
            second,
            format!("duplicate key `{key}`"),
            "declared again here",
        )
        .with_label(first, "first declared here")
        .with_help(
            "YAML would silently keep only the last one: merge the two entries or rename one",
        ),
        StructureError::TooDeep { at, limit } => over_limit(
            (source, at),
            format!("YAML nests more than {limit} lists and mappings deep"),
            "one level too deep",
            "policy files need a handful of levels: flatten the document",
            (Limit::YamlDepth, limit as u64),
        ),
        StructureError::AliasExpansion { at, limit } => over_limit(
            (source, at),
            format!("aliases repeat more than {limit} YAML nodes"),
            "this alias crosses the limit",
            "write the repeated lists out",
            (Limit::AliasExpansion, limit as u64),
        ),
        StructureError::AliasBytes { at, limit } => over_limit(
            (source, at),
            format!("aliases expand the document past {limit} bytes"),
            "this alias crosses the limit",
            "write the repeated text out",
            (Limit::FileBytes, limit),
        ),
        StructureError::ComplexKey { at } => LoadError::at(
            ErrorCode::PolicyInvalidType,
            source,
            at,
            "mapping keys must be plain strings",
            "a list or mapping used as a key",
        ),
        StructureError::SeveralDocuments { at } => LoadError::at(
            ErrorCode::PolicyYamlSyntax,
            source,
            at,
            "a policy file holds one YAML document, this one has several",
            "a second document starts here",
        )
        .with_help("split the documents into separate files"),
        StructureError::Tag { at } => LoadError::at(
            ErrorCode::PolicyYamlTag,
            source,
            at,
            "policy files do not use YAML tags",
            "a tag",
        )
        .with_help("remove the tag; quote the value if it should be read as text"),
        StructureError::RecursiveAlias { at } => LoadError::at(
            ErrorCode::PolicyRecursiveAlias,
            source,
            at,
            "this alias refers to a node that contains it, which would repeat forever",
            "inside its own anchor",
        )
        .with_help("write the repeated part out"),
    }
}

/// The diagnostic for a value that does not fit the format, with a did-you-mean for unknown
/// fields and values.
fn content_error(source: &Source, error: ContentError) -> LoadError {
    let message = error.to_string();
    let (code, label, help) = match &error.mismatch {
        Mismatch::UnknownField { field, expected } => (
            ErrorCode::PolicyUnknownField,
            "unknown field",
            did_you_mean(field, expected.iter().copied()).or_else(|| {
                (!expected.is_empty()).then(|| {
                    let names: Vec<String> =
                        expected.iter().map(|name| format!("`{name}`")).collect();
                    format!("the fields allowed here are {}", names.join(", "))
                })
            }),
        ),
        Mismatch::UnknownVariant { variant, expected } => (
            ErrorCode::PolicyInvalidValue,
            "not one of the allowed values",
            did_you_mean(variant, expected.iter().copied()),
        ),
        Mismatch::MissingField { field } => (
            ErrorCode::PolicyMissingField,
            "this entry is incomplete",
            Some(format!("add `{field}:` to this entry")),
        ),
        Mismatch::Quoted(_) => (
            ErrorCode::PolicyInvalidType,
            "quoted, so text",
            Some("remove the quotes: YAML reads a quoted value as text".to_owned()),
        ),
        Mismatch::InvalidType(_) | Mismatch::Other(_) => {
            (ErrorCode::PolicyInvalidType, "unexpected value", None)
        }
    };
    LoadError::at(code, source, error.span, message, label).with_optional_help(help)
}

/// A limit crossed at `at`: what and where, then what to do instead or how to raise it.
fn over_limit(
    (source, at): (&Source, Span),
    message: String,
    label: &str,
    instead: &str,
    (limit, value): (Limit, u64),
) -> LoadError {
    LoadError::at(ErrorCode::PolicyLimit, source, at, message, label)
        .with_help(format!("{instead}, or {}", limit.how_to_raise(value)))
}
