//! From paths to tests: walk directories in a stable order, load each file, and name one
//! test per case and access assertion (or one failing test per file that does not load).

use super::Test;
use crate::eval::Semantics;
use crate::policy::{Limits, Loader, Resolved, SharedResolution, TestFile};
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
                let loaded = Arc::new(LoadedFile {
                    resolved: resolution.of(&file.policy),
                    semantics: forced.unwrap_or(file.semantics),
                    now: file.now.unwrap_or(now),
                    file,
                });
                // The name the file's tests carry, escaped once for all of them.
                let file: Arc<str> = crate::printable::escaped(loaded.file.source.name()).into();
                let first = tests.len();
                tests.extend(
                    (0..loaded.file.checks.len()).map(|index| Test::check(&loaded, &file, index)),
                );
                tests.extend(
                    (0..loaded.file.assertions.len())
                        .map(|index| Test::assertion(&loaded, &file, index)),
                );
                named_apart(&mut tests[first..]);
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

/// Gives each test of one file a name of its own, as it is shown: a repeated name (a case
/// named like an access assertion, a written ` (2)`, two names that escape alike) gets the
/// first free ` (n)`. A filter must pick exactly one test, and a report tell them apart.
fn named_apart(tests: &mut [Test]) {
    let repeated: Vec<usize> = {
        let mut seen: FxHashSet<Cow<'_, str>> =
            FxHashSet::with_capacity_and_hasher(tests.len(), Default::default());
        (0..tests.len())
            .filter(|&index| !seen.insert(tests[index].case_name()))
            .collect()
    };
    if repeated.is_empty() {
        return;
    }
    let mut taken: FxHashSet<String> = (tests.iter())
        .map(|test| test.case_name().into_owned())
        .collect();
    // Where the search for a name's next free number starts: the numbers below it are
    // taken, so many names shown alike cost one search each, not one per name before.
    let mut next_free: FxHashMap<String, usize> = FxHashMap::default();
    for index in repeated {
        let name = tests[index].case_name().into_owned();
        let start = next_free.get(&name).copied().unwrap_or(2);
        let (number, unique) = (start..)
            .map(|n| (n, format!("{name} ({n})")))
            .find(|(_, candidate)| !taken.contains(candidate))
            .expect("some number is free");
        next_free.insert(name, number + 1);
        taken.insert(unique.clone());
        tests[index].renamed = Some(unique.into());
    }
}
