//! The promise of a safe fix: every key gets the same decision for every permission of the
//! catalog and of the cases, under every semantics the policy is tested in, by any case
//! file. `--fix` checks it on the fixed text before writing anything.

use super::context::is_wildcard;
use crate::eval::Semantics;
use crate::policy::{Policy, Resolved, TestFile};
use crate::query::{self, Query};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a policy's decisions are checked over: the semantics its cases run in and the
/// permissions they ask for.
#[derive(Debug, Default)]
pub struct Probe {
    semantics: BTreeSet<Semantics>,
    permissions: BTreeSet<String>,
}

/// The probes of every policy that `files` test, by the policy file's canonical path. With
/// `every_mode` (a file that may test one of them could not be read), each policy is
/// checked in every way of matching, so that no fix whose meaning depends on the semantics
/// passes as safe.
pub fn probes(files: &[TestFile], every_mode: bool) -> HashMap<PathBuf, Probe> {
    let mut probes: HashMap<PathBuf, Probe> = HashMap::new();
    for file in files {
        if every_mode {
            let probe = probes
                .entry(identity(file.policy.source.path()))
                .or_default();
            probe
                .semantics
                .extend([Semantics::Wildcard, Semantics::Literal]);
        }
        let probe = probes
            .entry(identity(file.policy.source.path()))
            .or_default();
        probe.semantics.insert(file.semantics);
        probe.semantics.insert(file.policy.semantics);
        for text in file.queries() {
            if let Ok(parsed) = query::parse(&text.text) {
                let named = parsed
                    .permissions()
                    .into_iter()
                    .map(|(name, _)| name.to_owned());
                probe.permissions.extend(named);
            }
        }
    }
    probes
}

/// A probe for a policy no loaded file tests: its own semantics, or every mode.
pub fn fallback(every_mode: bool) -> Probe {
    let mut probe = Probe::default();
    if every_mode {
        probe
            .semantics
            .extend([Semantics::Wildcard, Semantics::Literal]);
    }
    probe
}

/// The case files that may test the policies in `files` from elsewhere: the policy files
/// under the configured `paths` and under the root of the git repository of each file (its
/// own directory outside a repository) that declare a top-level `policy:`, other than
/// `files` themselves. A case file of another mode of matching would make a fix that is
/// safe under the policy's own semantics change its decisions.
pub fn case_files_beside(files: &[PathBuf], configured: &[PathBuf]) -> Vec<PathBuf> {
    let own: HashSet<PathBuf> = files.iter().map(|path| identity(path)).collect();
    let mut roots: Vec<PathBuf> = configured
        .iter()
        .filter(|path| path.exists())
        .cloned()
        .collect();
    for file in files {
        let directory = identity(file)
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_owned);
        let root = directory
            .ancestors()
            .find(|ancestor| ancestor.join(".git").exists())
            .unwrap_or(&directory)
            .to_owned();
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    let Ok(candidates) = crate::policy::policy_files(&roots) else {
        return Vec::new();
    };
    candidates
        .into_iter()
        .filter(|path| !own.contains(&identity(path)))
        .filter(|path| declares_policy(path))
        .collect()
}

/// Whether the file at `path` has a top-level `policy:` key, read cheaply without loading
/// it (a file that cannot be read is taken to have one, so that it is not overlooked).
fn declares_policy(path: &Path) -> bool {
    match crate::input::read_text(path, crate::policy::Limits::default().file_bytes) {
        Ok(text) => text
            .lines()
            .any(|line| line.starts_with("policy:") || line.starts_with("\u{feff}policy:")),
        Err(_) => true,
    }
}

/// The path that identifies a file, however it was named.
pub fn identity(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

/// The first decision that differs between `before` and `after`, in words; `None` when
/// every key decides every probed permission alike.
pub(crate) fn changed_decision(
    before: &Arc<Policy>,
    after: &Arc<Policy>,
    probe: &Probe,
) -> Option<String> {
    let names = |policy: &Policy| -> Vec<String> {
        policy
            .keys
            .iter()
            .map(|key| key.name.value.clone())
            .collect()
    };
    if names(before) != names(after) {
        return Some("the keys would change".to_owned());
    }
    // The catalog, the cases' permissions, and every permission granted or forbidden by
    // name (a wildcard pattern asked for as such is no permission anyone checks).
    let mut permissions = probe.permissions.clone();
    for policy in [before, after] {
        let catalog = policy.catalog.iter().flatten();
        let forbidden = policy.forbid.iter().map(|rule| &rule.permission);
        let roles = policy.roles.iter().flat_map(|role| &role.permissions);
        let keys = policy.keys.iter().flat_map(|key| &key.permissions);
        let named = catalog
            .chain(forbidden)
            .chain(roles)
            .chain(keys)
            .map(|permission| &permission.value)
            .filter(|permission| !is_wildcard(permission));
        permissions.extend(named.cloned());
    }
    let mut semantics = probe.semantics.clone();
    semantics.extend([before.semantics, after.semantics]);
    let now = before.now.unwrap_or_else(jiff::Timestamp::now);
    let (old, new) = (
        Resolved::new(Arc::clone(before)),
        Resolved::new(Arc::clone(after)),
    );
    for key in names(before) {
        for permission in &permissions {
            let query = Query::permission(permission.as_str());
            for &mode in &semantics {
                let (was, would) = (
                    old.verdict(&key, &query, mode, now),
                    new.verdict(&key, &query, mode, now),
                );
                if was != would {
                    return Some(format!(
                        "key `{key}` asking for `{permission}` ({} semantics) would get {} \
                         instead of {}",
                        mode.name(),
                        would.code(),
                        was.code()
                    ));
                }
            }
        }
    }
    None
}
