//! From a file on disk to a checked [`TestFile`]: read, parse the YAML once into a tree with
//! spans, deserialize the format's types from that tree, then check references and attach
//! spans.

use super::LoadError;
use super::Source;
use super::items::{Checking, build_access, build_case};
use super::model::{
    Api, Check, ForbidRule, Key, KeyKind, Policy, Role, Spanned, Suppression, TestFile,
};
use super::nodes::{span_of, spanned_strings};
use super::raw::{OneOrMany, RawCase, RawFile, RawKey, RawRootKey, RawSuppression};
use super::root_checks;
use crate::error_code::ErrorCode;
use crate::input::ReadError;
use crate::span::Span;
use crate::suggest::did_you_mean;
use crate::yaml::content::{self, ContentError, Mismatch};
use crate::yaml::spans::{Node, NodeKind, StructureError, read_structure};
use crate::yaml::{Limit, Limits, split};
use jiff::Timestamp;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Loads policy files, reading each policy that case files refer to only once.
#[derive(Default)]
pub struct Loader {
    limits: Limits,
    /// Each policy file by canonical path, loaded by the first file that needs it; files
    /// loaded at the same time wait for it.
    policies: Mutex<HashMap<PathBuf, Arc<PolicySlot>>>,
}

/// A policy file, once loaded.
type PolicySlot = OnceLock<Result<Arc<Policy>, LoadError>>;

/// A file's text, the shape of its YAML with spans, and its deserialized content.
struct Document {
    source: Source,
    root: Node,
    raw: RawFile,
}

impl Loader {
    /// A loader that enforces `limits` on every file.
    pub fn new(limits: Limits) -> Self {
        Loader {
            limits,
            policies: Mutex::default(),
        }
    }

    /// Loads the file at `path` with the policy it tests.
    pub fn load(&self, path: &Path) -> Result<TestFile, LoadError> {
        self.load_source(read_source(path, &self.limits)?)
    }

    /// Loads the files at `paths`, in order, each on the next free core: a file is parsed,
    /// built and its YAML dropped before the core takes another.
    pub fn load_all(&self, paths: &[PathBuf]) -> Vec<Result<TestFile, LoadError>> {
        crate::parallel::map(paths.iter().collect(), |path| self.load(path))
    }

    /// Loads `text` as if it were the file at `path` (say, a fixed version not yet written),
    /// with the policy it tests.
    pub fn load_text(&self, path: &Path, text: String) -> Result<TestFile, LoadError> {
        self.load_source(Source::new(path, text))
    }

    /// A big file whose cases all build is read piece by piece; any other file, or any
    /// error, is read whole, which reports every error as one parse finds them.
    fn load_source(&self, source: Source) -> Result<TestFile, LoadError> {
        if let Some(file) = self.load_in_pieces(&source) {
            return Ok(file);
        }
        let document = parse_document(source, &self.limits)?;
        let policy = self.policy_of(&document)?;
        build_test_file(&document, policy, &self.limits)
    }

    /// The test file in `source`, its `cases:` list read and built piece by piece on every
    /// core, each piece's YAML dropped once its cases are built; `None` if the file cannot
    /// be read so, or holds any error (the whole read reports it).
    fn load_in_pieces(&self, source: &Source) -> Option<TestFile> {
        let (root, pieces) = split::read_parts(source.text(), &self.limits, split::PIECE_BYTES)?;
        refuse_nulls(source, &root, false).ok()?;
        let raw = content::deserialize::<RawFile>(&root).ok()?;
        let document = (raw.version == 1).then(|| Document {
            source: source.clone(),
            root,
            raw,
        })?;
        let policy = self.policy_of(&document).ok()?;
        let checking = Checking::new(source, &policy);
        let built = crate::parallel::map((0..pieces.count()).collect(), |index| {
            let (_, items) = pieces.read(index)?;
            (items.iter())
                .map(|item| build_case_quietly(&checking, item))
                .collect::<Option<Vec<_>>>()
        });
        let built = built.into_iter().collect::<Option<Vec<_>>>()?;
        let total = built.iter().flatten().map(|(count, _)| count).sum();
        let mut checks = Vec::with_capacity(total);
        for (count, built) in built.into_iter().flatten() {
            if checks.len().saturating_add(count) > self.limits.cases {
                return None;
            }
            checks.extend(built);
        }
        complete_test_file(&document, &checking, checks, Errors::default()).ok()
    }

    /// The policy `document` tests: its own, or the one its `policy:` refers to.
    fn policy_of(&self, document: &Document) -> Result<Arc<Policy>, LoadError> {
        Ok(match &document.raw.policy {
            Some(reference) => self.referenced_policy(document, reference)?,
            None => {
                let policy = Arc::new(build_policy(document)?);
                // Cases elsewhere that refer to this file share one copy of it, whichever
                // of the files loading at the same time read it first.
                match self
                    .slot(canonical(document.source.path()))
                    .get_or_init(|| Ok(Arc::clone(&policy)))
                {
                    Ok(shared) => Arc::clone(shared),
                    Err(_) => policy,
                }
            }
        })
    }

    fn slot(&self, path: PathBuf) -> Arc<PolicySlot> {
        let mut policies = self
            .policies
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        Arc::clone(policies.entry(path).or_default())
    }

    fn referenced_policy(
        &self,
        document: &Document,
        reference: &str,
    ) -> Result<Arc<Policy>, LoadError> {
        let reference_span = span_of(document.root.get("policy"), Span::default());
        for section in [
            "permissions",
            "roles",
            "keys",
            "root_keys",
            "forbid",
            "workspace",
        ] {
            if let Some(span) = document.root.key_span(section) {
                return Err(LoadError::at(
                    ErrorCode::PolicyReference,
                    &document.source,
                    span,
                    format!("a file with `policy:` holds only cases, but this one declares `{section}`"),
                    "declared here",
                )
                .with_label(reference_span, "cases refer to this policy")
                .with_help(format!(
                    "move `{section}` into the policy file, or remove `policy:` to make this file its own policy"
                )));
            }
        }
        let path = document
            .source
            .path()
            .parent()
            .unwrap_or(Path::new("."))
            .join(reference);
        let slot = self.slot(canonical(&path));
        let loaded = slot.get_or_init(|| {
            read_document(&path, &self.limits).and_then(|referenced| {
                match referenced.root.get("policy") {
                    Some(node) => Err(LoadError::at(
                        ErrorCode::PolicyReference,
                        &referenced.source,
                        node.span,
                        "a policy referred to by `policy:` must declare the policy itself",
                        "this file refers to yet another policy",
                    )),
                    None => build_policy(&referenced).map(Arc::new),
                }
            })
        });
        match loaded {
            Ok(policy) => Ok(Arc::clone(policy)),
            Err(error) => Err(LoadError::at(
                ErrorCode::PolicyReference,
                &document.source,
                reference_span,
                format!("cannot load the policy `{reference}` that these cases test"),
                "this policy",
            )
            .with_help(format!("{}: {error}", error.file()))),
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

fn read_document(path: &Path, limits: &Limits) -> Result<Document, LoadError> {
    parse_document(read_source(path, limits)?, limits)
}

fn read_source(path: &Path, limits: &Limits) -> Result<Source, LoadError> {
    let name = Source::new(path, String::new()).name().to_owned();
    let text = crate::input::read_text(path, limits.file_bytes).map_err(|error| match error {
        ReadError::TooLarge { limit } => LoadError::unreadable(
            &name,
            format!("`{name}` is over the limit on the size of a policy file ({limit} bytes)"),
        )
        .with_code(ErrorCode::PolicyLimit)
        .with_help(format!(
            "split the suite into several files (cases can refer to a shared policy with \
             `policy:`), or {}",
            Limit::FileBytes.how_to_raise(limit)
        )),
        error => LoadError::unreadable(&name, format!("cannot read `{name}`: {error}")),
    })?;
    Ok(Source::new(path, text))
}

fn parse_document(source: Source, limits: &Limits) -> Result<Document, LoadError> {
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

/// At most this many errors of one file are reported at once: more would repeat them.
const MAX_ERRORS: usize = 50;

/// The errors found in one file as it is built, each item in error left out.
#[derive(Default)]
struct Errors(Vec<LoadError>);

impl Errors {
    /// The value built, or `None` with its error kept.
    fn kept<T>(&mut self, built: Result<T, LoadError>) -> Option<T> {
        built.map_err(|error| self.push(error)).ok()
    }

    fn push(&mut self, error: LoadError) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(error);
        }
    }

    /// Every error found, as one diagnostic; `Ok` if there was none.
    fn finish(self) -> Result<(), LoadError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(all_of(self.0))
        }
    }
}

/// The errors of one file as one diagnostic: the first, with the others after it.
fn all_of(mut errors: Vec<LoadError>) -> LoadError {
    let first = errors.remove(0);
    errors.into_iter().fold(first, LoadError::with_related)
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
    let within = |outer: Span| outer.start <= span.start && span.end <= outer.end;
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
fn refuse_nulls(source: &Source, node: &Node, names_a_thing: bool) -> Result<(), LoadError> {
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
            let bare_star = source.text()[at.start.min(source.text().len())..]
                .trim_start()
                .starts_with('*')
                || source.text()[..at.start.min(source.text().len())]
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
        StructureError::TooDeep { at, limit } => LoadError::at(
            ErrorCode::PolicyLimit,
            source,
            at,
            format!("YAML nests more than {limit} lists and mappings deep"),
            "one level too deep",
        )
        .with_help(format!(
            "policy files need a handful of levels: flatten the document, or {}",
            Limit::YamlDepth.how_to_raise(limit as u64)
        )),
        StructureError::AliasExpansion { at, limit } => LoadError::at(
            ErrorCode::PolicyLimit,
            source,
            at,
            format!("aliases repeat more than {limit} YAML nodes"),
            "this alias crosses the limit",
        )
        .with_help(format!(
            "write the repeated lists out, or {}",
            Limit::AliasExpansion.how_to_raise(limit as u64)
        )),
        StructureError::AliasBytes { at, limit } => LoadError::at(
            ErrorCode::PolicyLimit,
            source,
            at,
            format!("aliases expand the document past {limit} bytes"),
            "this alias crosses the limit",
        )
        .with_help(format!(
            "write the repeated text out, or {}",
            Limit::FileBytes.how_to_raise(limit)
        )),
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

/// The policy `document` declares, or every independent error in it: a role or key in
/// error is left out, and references to it are not reported again.
fn build_policy(document: &Document) -> Result<Policy, LoadError> {
    let Document { source, root, raw } = document;
    let mut errors = Errors::default();
    let roles = build_roles(document, &mut errors);
    let mut keys = build_keys(document, &mut errors);
    undeclared_roles(document, &keys, &mut errors);
    let now = errors
        .kept(timestamp(source, root.get("now"), raw.now.as_deref()))
        .flatten();
    let workspace_id = errors
        .kept(root_checks::workspace_id(
            source,
            root.get("workspace"),
            raw.workspace
                .as_ref()
                .and_then(|workspace| workspace.id.as_ref()),
        ))
        .flatten();
    let apis = errors
        .kept(root_checks::apis(source, root.get("apis"), &raw.apis))
        .unwrap_or_default();
    build_uses(
        document,
        &mut keys,
        workspace_id.as_ref(),
        &apis,
        &mut errors,
    );
    errors.finish()?;
    Ok(Policy {
        source: source.clone(),
        semantics: raw.semantics.unwrap_or_default(),
        now,
        workspace_enabled: raw
            .workspace
            .as_ref()
            .is_none_or(|workspace| workspace.enabled),
        workspace_id,
        apis,
        catalog: raw
            .permissions
            .as_ref()
            .map(|catalog| spanned_strings(root.get("permissions"), catalog, Span::default())),
        roles,
        keys,
        forbid: build_forbid(document),
        partial: raw.partial,
    })
}

/// The roles; one whose suppression is in error is left out (and its error kept).
fn build_roles(document: &Document, errors: &mut Errors) -> Vec<Role> {
    let Document { source, root, raw } = document;
    let roles_node = root.get("roles");
    let mut roles = Vec::new();
    for (name, role) in &raw.roles {
        let node = roles_node.and_then(|roles| roles.get(name));
        let name_span = roles_node
            .and_then(|roles| roles.key_span(name))
            .unwrap_or_default();
        let Some(suppression) = errors.kept(suppression(source, node, role.lint.as_ref())) else {
            continue;
        };
        roles.push(Role {
            name: Spanned {
                value: name.clone(),
                span: name_span,
            },
            description: role.description.clone(),
            permissions: spanned_strings(
                node.and_then(|n| n.get("permissions")),
                &role.permissions,
                name_span,
            ),
            suppression,
        });
    }
    roles
}

/// API keys, then root keys; a name declared as both is an error, and the root key is left
/// out.
fn build_keys(document: &Document, errors: &mut Errors) -> Vec<Key> {
    let Document { source, root, raw } = document;
    let mut keys = Vec::new();
    let keys_node = root.get("keys");
    for (name, key) in &raw.keys {
        let built = build_key(source, keys_node, name, KeyKind::Api, KeyFields::from(key));
        keys.extend(errors.kept(built));
    }
    let root_keys_node = root.get("root_keys");
    for (name, key) in &raw.root_keys {
        if let Some(span) = keys_node.and_then(|keys| keys.key_span(name)) {
            let second = root_keys_node
                .and_then(|n| n.key_span(name))
                .unwrap_or_default();
            errors.push(
                LoadError::at(
                    ErrorCode::PolicyDuplicateKey,
                    source,
                    second,
                    format!("`{name}` is declared both as a key and as a root key"),
                    "root key",
                )
                .with_label(span, "key")
                .with_help("cases name keys by name, so each name must be unique: rename one"),
            );
            continue;
        }
        let built = build_key(
            source,
            root_keys_node,
            name,
            KeyKind::Root,
            KeyFields::from(key),
        );
        keys.extend(errors.kept(built));
    }
    keys
}

/// An error for each role a key holds that `roles:` does not declare. A role left out for
/// its own error is declared all the same: no error for holding it.
fn undeclared_roles(document: &Document, keys: &[Key], errors: &mut Errors) {
    let role_names: HashSet<&str> = document.raw.roles.keys().map(String::as_str).collect();
    for key in keys {
        for role in &key.roles {
            if !role_names.contains(role.value.as_str()) {
                errors.push(
                    LoadError::at(
                        ErrorCode::PolicyUndeclaredRole,
                        &document.source,
                        role.span,
                        format!(
                            "key `{}` holds undeclared role `{}`",
                            key.name.value, role.value
                        ),
                        "no such role",
                    )
                    .with_help(
                        did_you_mean(&role.value, role_names.iter().copied())
                            .unwrap_or_else(|| format!("declare `{}` under `roles:`", role.value)),
                    ),
                );
            }
        }
    }
}

/// The forbid rules, each at its `permission` node.
fn build_forbid(document: &Document) -> Vec<ForbidRule> {
    let forbid_node = document.root.get("forbid");
    (document.raw.forbid.iter().enumerate())
        .map(|(index, rule)| {
            let item = forbid_node.and_then(|list| list.item(index));
            ForbidRule {
                permission: Spanned {
                    value: rule.permission.clone(),
                    span: span_of(
                        item.and_then(|item| item.get("permission")),
                        span_of(item, Span::default()),
                    ),
                },
                reason: rule.reason.clone(),
            }
        })
        .collect()
}

/// The `uses:` of each root key, completed from the policy's workspace and APIs.
fn build_uses(
    document: &Document,
    keys: &mut [Key],
    workspace_id: Option<&Spanned<String>>,
    apis: &[Api],
    errors: &mut Errors,
) {
    let root_keys_node = document.root.get("root_keys");
    for key in keys.iter_mut().filter(|key| key.kind == KeyKind::Root) {
        let Some(raw_key) = document.raw.root_keys.get(&key.name.value) else {
            continue;
        };
        let node = root_keys_node
            .and_then(|keys| keys.get(&key.name.value))
            .and_then(|node| node.get("uses"));
        for (at, text) in spanned_strings(node, &raw_key.uses, key.name.span)
            .into_iter()
            .enumerate()
        {
            let call = root_checks::declared_use(
                &document.source,
                workspace_id,
                apis,
                &text,
                &raw_key.uses[..at],
            );
            key.uses.extend(errors.kept(call));
        }
    }
}

/// The fields API keys and root keys share.
struct KeyFields<'a> {
    description: &'a Option<String>,
    roles: &'a [String],
    permissions: &'a [String],
    enabled: bool,
    expires: &'a Option<String>,
    lint: Option<&'a RawSuppression>,
}

impl<'a> From<&'a RawKey> for KeyFields<'a> {
    fn from(key: &'a RawKey) -> Self {
        KeyFields {
            description: &key.description,
            roles: &key.roles,
            permissions: &key.permissions,
            enabled: key.enabled,
            expires: &key.expires,
            lint: key.lint.as_ref(),
        }
    }
}

impl<'a> From<&'a RawRootKey> for KeyFields<'a> {
    fn from(key: &'a RawRootKey) -> Self {
        KeyFields {
            description: &key.description,
            roles: &[],
            permissions: &key.permissions,
            enabled: key.enabled,
            expires: &key.expires,
            lint: key.lint.as_ref(),
        }
    }
}

fn build_key(
    source: &Source,
    section: Option<&Node>,
    name: &str,
    kind: KeyKind,
    fields: KeyFields<'_>,
) -> Result<Key, LoadError> {
    let node = section.and_then(|keys| keys.get(name));
    let name_span = section
        .and_then(|keys| keys.key_span(name))
        .unwrap_or_default();
    let field = |field: &str| node.and_then(|node| node.get(field));
    Ok(Key {
        name: Spanned {
            value: name.to_owned(),
            span: name_span,
        },
        kind,
        description: fields.description.clone(),
        roles: spanned_strings(field("roles"), fields.roles, name_span),
        permissions: spanned_strings(field("permissions"), fields.permissions, name_span),
        enabled: Spanned {
            value: fields.enabled,
            span: span_of(field("enabled"), name_span),
        },
        expires: timestamp(source, field("expires"), fields.expires.as_deref())?.map(|value| {
            Spanned {
                value,
                span: span_of(field("expires"), name_span),
            }
        }),
        suppression: suppression(source, node, fields.lint)?,
        uses: Vec::new(),
    })
}

fn suppression(
    source: &Source,
    owner: Option<&Node>,
    raw: Option<&RawSuppression>,
) -> Result<Option<Suppression>, LoadError> {
    let Some(raw) = raw else { return Ok(None) };
    let node = owner.and_then(|owner| owner.get("lint"));
    let span = span_of(node, Span::default());
    let until_node = node.and_then(|node| node.get("until"));
    let until = match &raw.until {
        None => None,
        Some(text) => Some(Spanned {
            value: parse_time(text)
                .filter(|_| text.len() == 10)
                .map(|at| at.to_zoned(jiff::tz::TimeZone::UTC).date())
                .ok_or_else(|| invalid_date(source, span_of(until_node, span), text))?,
            span: span_of(until_node, span),
        }),
    };
    if raw.reason.trim().is_empty() {
        return Err(LoadError::at(
            ErrorCode::PolicyMissingField,
            source,
            span_of(node.and_then(|node| node.get("reason")), span),
            "a lint suppression needs a reason",
            "empty reason",
        )
        .with_help("say why the finding is acceptable here, for the next reviewer"));
    }
    Ok(Some(Suppression {
        rules: spanned_strings(node.and_then(|node| node.get("allow")), &raw.allow, span),
        reason: raw.reason.clone(),
        until,
        span,
    }))
}

fn timestamp(
    source: &Source,
    node: Option<&Node>,
    text: Option<&str>,
) -> Result<Option<Timestamp>, LoadError> {
    let Some(text) = text else { return Ok(None) };
    parse_time(text).map(Some).ok_or_else(|| {
        LoadError::at(
            ErrorCode::PolicyInvalidDate,
            source,
            span_of(node, Span::default()),
            format!("invalid date `{text}`"),
            "not an RFC 3339 timestamp or date",
        )
        .with_help(
            "write an RFC 3339 timestamp with its offset, such as `2026-11-01T00:00:00Z` or \
             `2026-11-01T09:00:00+02:00`, or a date such as `2026-11-01` (midnight UTC)",
        )
    })
}

/// An RFC 3339 timestamp with its offset (`Z` or `±HH:MM`), or a bare date read as midnight
/// UTC. Anything else is refused: a time without an offset is ambiguous, and a time zone
/// annotation is not RFC 3339. Instants past the last one permspec represents
/// (9999-12-30T22:00:00Z) count as that one, so `9999-12-31` means "never".
fn parse_time(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    if bytes.len() < 10 || !(bytes[4] == b'-' && bytes[7] == b'-') {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return None;
    }
    let date: jiff::civil::Date = text[..10].parse().ok()?;
    let (time, offset) = if bytes.len() == 10 {
        (jiff::civil::Time::midnight(), jiff::tz::Offset::UTC)
    } else {
        if !matches!(bytes[10], b'T' | b't' | b' ') {
            return None;
        }
        let (time, offset) = text[11..].split_at(
            text[11..]
                .find(['Z', 'z', '+', '-'])
                .unwrap_or(text.len() - 11),
        );
        (parse_clock(time)?, parse_offset(offset)?)
    };
    let at = date.to_datetime(time);
    Some(offset.to_timestamp(at).unwrap_or(if date.year() > 0 {
        Timestamp::MAX
    } else {
        Timestamp::MIN
    }))
}

/// `HH:MM:SS` with an optional fraction of up to nine digits.
fn parse_clock(text: &str) -> Option<jiff::civil::Time> {
    let (clock, fraction) = text.split_once('.').unwrap_or((text, ""));
    let shaped = clock.len() == 8
        && clock.bytes().enumerate().all(|(index, byte)| match index {
            2 | 5 => byte == b':',
            _ => byte.is_ascii_digit(),
        })
        && fraction.len() <= 9
        && fraction.bytes().all(|byte| byte.is_ascii_digit())
        && (fraction.is_empty() != text.contains('.'));
    if !shaped {
        return None;
    }
    let field = |range: std::ops::Range<usize>| clock[range].parse::<i8>().ok();
    let nanos = format!("{fraction:0<9}").parse::<i32>().ok()?;
    jiff::civil::Time::new(field(0..2)?, field(3..5)?, field(6..8)?, nanos).ok()
}

/// `Z`, or `+HH:MM` / `-HH:MM` within a day.
fn parse_offset(text: &str) -> Option<jiff::tz::Offset> {
    if text.eq_ignore_ascii_case("z") {
        return Some(jiff::tz::Offset::UTC);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = text[1..].split_once(':')?;
    let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(hours) || !two_digits(minutes) {
        return None;
    }
    let hours: i32 = hours.parse().ok().filter(|hours| *hours <= 23)?;
    let minutes: i32 = minutes.parse().ok().filter(|minutes| *minutes <= 59)?;
    jiff::tz::Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

fn invalid_date(source: &Source, span: Span, text: &str) -> LoadError {
    LoadError::at(
        ErrorCode::PolicyInvalidDate,
        source,
        span,
        format!("invalid date `{text}`"),
        "not a date",
    )
    .with_help("write a date such as `2026-11-01`")
}

/// The checks of one `cases:` item and how many the limit counts, if the item holds no
/// error; errors are left to the whole read, which names the item by its index.
fn build_case_quietly(checking: &Checking<'_>, item: &Node) -> Option<(usize, Vec<Check>)> {
    refuse_nulls(checking.source, item, true).ok()?;
    let raw_case = content::deserialize_item::<RawCase>(item, "cases", 0).ok()?;
    let queries = raw_case.query.as_ref().map_or(1, OneOrMany::len);
    let count = raw_case.key.len().saturating_mul(queries);
    let built = build_case(checking, 0, Some(item), &raw_case).ok()?;
    Some((count, built))
}

/// The test file `document` declares, for `policy`, or every independent error in its cases
/// and assertions (each item in error is left out).
fn build_test_file(
    document: &Document,
    policy: Arc<Policy>,
    limits: &Limits,
) -> Result<TestFile, LoadError> {
    let Document { source, root, raw } = document;
    let checking = Checking::new(source, &policy);
    let mut errors = Errors::default();
    let cases_node = root.get("cases");
    let mut checks = Vec::new();
    for (index, raw_case) in raw.cases.iter().enumerate() {
        let item = cases_node.and_then(|cases| cases.item(index));
        let queries = raw_case.query.as_ref().map_or(1, OneOrMany::len);
        let count = raw_case.key.len().saturating_mul(queries);
        if checks.len().saturating_add(count) > limits.cases {
            return Err(LoadError::at(
                ErrorCode::PolicyLimit,
                source,
                span_of(item, Span::default()),
                format!("the file holds more than {} cases", limits.cases),
                "this case crosses the limit",
            )
            .with_help(format!(
                "split the cases into several files that refer to the policy with `policy:`, \
                 or {}",
                Limit::Cases.how_to_raise(limits.cases as u64)
            )));
        }
        if let Some(built) = errors.kept(build_case(&checking, index, item, raw_case)) {
            checks.extend(built);
        }
    }
    complete_test_file(document, &checking, checks, errors)
}

/// The test file `document` declares, from its checks (named apart where names repeat), its
/// assertions and its `now:`, or every error of them and of `errors`, those found before.
fn complete_test_file(
    document: &Document,
    checking: &Checking<'_>,
    mut checks: Vec<Check>,
    mut errors: Errors,
) -> Result<TestFile, LoadError> {
    let Document { source, root, raw } = document;
    checks.shrink_to_fit();
    let mut names = HashMap::new();
    for name in checks.iter_mut().map(|check| &mut check.name) {
        let seen: &mut usize = names.entry(name.clone()).or_default();
        *seen += 1;
        if *seen > 1 {
            *name = format!("{name} ({seen})");
        }
    }

    let access_node = root.get("access");
    let mut assertions = Vec::new();
    for (index, assertion) in raw.access.iter().enumerate() {
        let item = access_node.and_then(|list| list.item(index));
        assertions.extend(errors.kept(build_access(checking, index, item, assertion)));
    }
    let now = errors.kept(timestamp(source, root.get("now"), raw.now.as_deref()));
    errors.finish()?;
    let policy = Arc::clone(checking.policy);
    Ok(TestFile {
        source: source.clone(),
        semantics: raw.semantics.unwrap_or(policy.semantics),
        now: now.flatten().or(policy.now),
        policy,
        checks,
        assertions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every bundled file with a `cases:` list, its list repeated until the file is read in
    /// pieces.
    fn inflated_suites() -> Vec<(PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut suites = Vec::new();
        for folder in ["policies", "examples/findings", "fixtures/migrate"] {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(folder))
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                let Some(list_start) = text.find("\ncases:\n").map(|at| at + "\ncases:\n".len())
                else {
                    continue;
                };
                let list_end = (text[list_start..].match_indices('\n'))
                    .map(|(at, _)| list_start + at + 1)
                    .find(|&at| text[at..].starts_with(|c: char| !matches!(c, ' ' | '#' | '\n')))
                    .unwrap_or(text.len());
                let list = &text[list_start..list_end];
                let times = 2 * 4 * split::PIECE_BYTES / list.len().max(1) + 1;
                let inflated = format!(
                    "{}{}{}",
                    &text[..list_start],
                    list.repeat(times),
                    &text[list_end..]
                );
                suites.push((path, inflated));
            }
        }
        suites
    }

    #[test]
    fn a_file_read_in_pieces_is_the_file_read_whole() {
        let mut read_in_pieces = 0;
        for (path, text) in inflated_suites() {
            let loader = Loader::default();
            let source = Source::new(&path, text);
            let whole = parse_document(source.clone(), &loader.limits).and_then(|document| {
                let policy = loader.policy_of(&document)?;
                build_test_file(&document, policy, &loader.limits)
            });
            match (loader.load_in_pieces(&source), whole) {
                (Some(pieces), Ok(whole)) => {
                    assert_eq!(format!("{pieces:?}"), format!("{whole:?}"), "{path:?}");
                    read_in_pieces += 1;
                }
                (Some(_), Err(error)) => panic!("{path:?} read in pieces, but whole: {error}"),
                (None, _) => {}
            }
        }
        assert!(
            read_in_pieces >= 5,
            "only {read_in_pieces} files read in pieces"
        );
    }

    #[test]
    fn a_file_with_any_error_is_left_to_the_whole_read() {
        let (path, text) = inflated_suites()
            .into_iter()
            .find(|(path, _)| path.ends_with("policies/documents.yaml"))
            .unwrap();
        // Just before an item in the middle of the list.
        let at = text.len() / 2 + text[text.len() / 2..].find("\n  - name:").unwrap();
        for error in [
            "\n  - {name: bad, key: nobody, query: documents.read, expect: allow}",
            "\n  - {name: bad, key: ci_bot, query: documents.read, expect: allw}",
            "\n  - {name: bad, key: ci_bot, query: documents.read, expect: allow, x: 1}",
            "\n  - {name: bad, key: [], query: documents.read, expect: allow}",
            "\n  - {name: bad, key: ~, query: documents.read, expect: allow}",
            "\n  - {name: bad, key: ci_bot, expect: allow}",
        ] {
            let text = format!("{}{error}{}", &text[..at], &text[at..]);
            let loader = Loader::default();
            let source = Source::new(&path, text.clone());
            assert!(loader.load_in_pieces(&source).is_none(), "{error}");
            assert!(loader.load_text(&path, text).is_err(), "{error}");
        }
        let loader = Loader::new(Limits {
            cases: 1000,
            ..Limits::default()
        });
        assert!(
            loader
                .load_in_pieces(&Source::new(&path, text.clone()))
                .is_none()
        );
        assert!(loader.load_text(&path, text).is_err());
    }

    #[test]
    fn times_are_rfc_3339_with_an_offset_or_bare_dates() {
        let at = |text: &str| parse_time(text).map(|at| at.to_string());
        assert_eq!(at("2026-11-01"), Some("2026-11-01T00:00:00Z".into()));
        assert_eq!(
            at("2026-11-01T23:59:59Z"),
            Some("2026-11-01T23:59:59Z".into())
        );
        assert_eq!(
            at("2026-11-01t23:59:59.5z"),
            Some("2026-11-01T23:59:59.5Z".into())
        );
        assert_eq!(
            at("2026-11-01T10:00:00+02:00"),
            Some("2026-11-01T08:00:00Z".into())
        );
        assert_eq!(
            at("2026-11-01 10:00:00-00:30"),
            Some("2026-11-01T10:30:00Z".into())
        );
        assert_eq!(at("9999-12-31"), Some(jiff::Timestamp::MAX.to_string()));
        for refused in [
            "2026-11-01T23:59:59",
            "2026-11-01T23:59:59+25:00",
            "2026-11-01T23:59:59+23:60",
            "2026-11-01T23:59:59++1:00",
            "2026-11-01T23:59:59Z[America/New_York]",
            "2026-11-01T23:59:59-05:00[America/New_York]",
            "2026-11-01T24:00:00Z",
            "2026-11-01T23:59:59.Z",
            "2026-11-01T23:59:59.1234567890Z",
            "2026-02-30",
            "2026-11-1",
            "+2026-11-01",
            "2026-11-01T",
            "tomorrow",
            "",
        ] {
            assert_eq!(at(refused), None, "{refused}");
        }
    }
}
