//! From paths to tests: walk directories in a stable order, load each file, and name one
//! test per case and access assertion (or one failing test per file that does not load).

use super::{Test, shown};
use crate::eval::Semantics;
use crate::policy::{Limits, Loader, Resolved, SharedResolution, TestFile};
use crate::repeated_names::RepeatedNames;
use jiff::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

/// A loaded file, ready to run its cases.
#[derive(Debug)]
pub struct LoadedFile {
    /// What the file declares.
    pub file: TestFile,
    /// The policy under test, resolved (once for all the files that test it).
    pub resolved: Arc<Resolved>,
    /// The semantics the cases run under (the file's, unless forced).
    pub semantics: Semantics,
    /// The clock for `expires` (the file's `now`, else the time of the run).
    pub now: Timestamp,
    /// The file's display name, escaped once for all its tests.
    pub(super) name: Box<str>,
    /// The names shown after `file::` for the tests (checks, then assertions) whose own
    /// repeat another's in the file.
    renamed: FxHashMap<usize, Box<str>>,
}

impl LoadedFile {
    fn new(file: TestFile, resolved: Arc<Resolved>, semantics: Semantics, now: Timestamp) -> Self {
        let mut loaded = LoadedFile {
            name: crate::printable::escaped(file.source.name()).into(),
            resolved,
            semantics,
            now,
            file,
            renamed: FxHashMap::default(),
        };
        loaded.renamed = loaded.named_apart();
        loaded
    }

    /// The name shown after `file::` for the test at `position` among the file's checks,
    /// then its assertions: escaped and shortened.
    pub(super) fn case_name(&self, position: usize) -> Cow<'_, str> {
        if let Some(renamed) = self.renamed.get(&position) {
            return Cow::Borrowed(renamed);
        }
        match self.file.checks.get(position) {
            Some(check) => match check.name() {
                Cow::Borrowed(name) => shown(name),
                // A derived name shown as it is needs no second copy.
                Cow::Owned(name) if matches!(shown(&name), Cow::Borrowed(_)) => Cow::Owned(name),
                Cow::Owned(name) => Cow::Owned(shown(&name).into_owned()),
            },
            None => {
                let assertion = &self.file.assertions[position - self.file.checks.len()];
                let name = format!("access: {}", assertion.subject.describe());
                Cow::Owned(shown(&name).into_owned())
            }
        }
    }

    /// How many tests the file makes.
    fn test_count(&self) -> usize {
        self.file.checks.len() + self.file.assertions.len()
    }
}

/// What a run checks: the loaded files (those without cases too), and their tests.
#[derive(Debug, Default)]
pub struct Collected {
    /// Every file that loaded, in order.
    pub files: Vec<Arc<LoadedFile>>,
    /// One test per case and access assertion, in file order, and one failing test per file
    /// that did not load.
    pub tests: Vec<Test>,
}

/// Loads `files` within `limits`: each file, and one test per case and access assertion, in
/// file order.
pub fn collect(
    files: &[PathBuf],
    forced: Option<Semantics>,
    now: Timestamp,
    limits: &Limits,
) -> Collected {
    let mut tests = Vec::new();
    let mut loaded_files = Vec::new();
    let mut resolution = SharedResolution::default();
    for loaded in Loader::new(*limits).load_all(files) {
        match loaded {
            Ok(file) => {
                let (resolved, semantics) = (resolution.of(&file.policy), file.semantics);
                let now = file.now.unwrap_or(now);
                let loaded = LoadedFile::new(file, resolved, forced.unwrap_or(semantics), now);
                let loaded = Arc::new(loaded);
                tests.extend(Test::of(&loaded));
                loaded_files.push(loaded);
            }
            Err(error) => tests.push(Test::load_failure(error)),
        }
    }
    Collected {
        files: loaded_files,
        tests,
    }
}

impl LoadedFile {
    /// A name of its own for each test of the file, as it is shown: a repeated name (a case
    /// named like an access assertion, a written ` (2)`, two names that escape alike) gets
    /// the first free ` (n)`. A filter must pick exactly one test, and a report tell them
    /// apart. The renamed tests, by position.
    fn named_apart(&self) -> FxHashMap<usize, Box<str>> {
        let names = RepeatedNames::new(self.test_count(), |position| self.case_name(position));
        let repeated = names.repeats();
        let mut renamed = FxHashMap::default();
        // The names given, beside the file's own.
        let mut taken: FxHashSet<String> = FxHashSet::default();
        // Where the search for a name's next free number starts: the numbers below it are
        // taken, so many names shown alike cost one search each, not one per name before.
        let mut next_free: FxHashMap<String, usize> = FxHashMap::default();
        for (position, _) in repeated {
            let name = self.case_name(position).into_owned();
            let start = next_free.get(&name).copied().unwrap_or(2);
            let (number, unique) = (start..)
                .map(|n| (n, format!("{name} ({n})")))
                .find(|(_, candidate)| !taken.contains(candidate) && !names.contains(candidate))
                .expect("some number is free");
            next_free.insert(name, number + 1);
            taken.insert(unique.clone());
            renamed.insert(position, unique.into());
        }
        renamed
    }
}
