//! From files on disk to checked [`TestFile`]s: the [`Loader`] reads each file's document
//! (document.rs), builds the policy it declares (build_policy.rs) or shares the one its
//! `policy:` names, then its checks and assertions (test_file.rs); a big file's `cases:` are
//! read in pieces on every core.

use super::LoadError;
use super::Source;
use super::build_policy::build_policy;
use super::document::{
    Document, given_source, parse_document, read_document, read_source, refuse_nulls,
};
use super::file_errors::Errors;
use super::items::Checking;
use super::model::{Policy, TestFile};
use super::nodes::span_of;
use super::raw::RawFile;
use super::test_file::{build_case_quietly, build_test_file, complete_test_file};
use crate::error_code::ErrorCode;
use crate::span::Span;
use crate::yaml::content;
use crate::yaml::{Limits, split};
use std::collections::HashMap;
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
        self.load_source(given_source(path, text)?)
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
        // Each piece's checks are gathered where they are built, and joined to the file's
        // as soon as the pieces before it are: only a few pieces' checks exist twice.
        let (mut count, mut checks) = (0usize, Vec::new());
        let threads = crate::parallel::cores();
        let indices = (0..pieces.count()).collect();
        let built = crate::parallel::map_in_order(
            threads,
            2 * threads,
            indices,
            |index| {
                let (_, items) = pieces.read(index)?;
                let (mut count, mut checks) = (0usize, Vec::with_capacity(items.len()));
                for item in &items {
                    let (counted, built) = build_case_quietly(&checking, item)?;
                    count = count.saturating_add(counted);
                    checks.extend(built);
                }
                Some((count, checks))
            },
            |built| {
                let (counted, built) = built.ok_or(())?;
                count = count.saturating_add(counted);
                if count > self.limits.cases {
                    return Err(());
                }
                checks.extend(built);
                Ok(())
            },
        );
        built.ok()?;
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
}
