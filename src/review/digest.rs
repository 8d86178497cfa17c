//! The digest of a reviewed access state, and the comparison with the review before: a
//! quarter's report can say its access is unchanged since the review signed last time, or
//! name the keys whose access differs.

use super::{KeyRow, Review, RootKeyRow};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Sets every key's digest and the review's: a key's covers its file (as reviewed: its path
/// in its repository), name, kind, state, expiry, roles, grants, effective access with
/// provenance and, for a root key, its route calls, each list in a fixed order; the
/// review's covers every key's digest in order of file and name, so no order in the files
/// and not the time of the review change it.
pub fn seal(review: &mut Review) {
    let routes: HashMap<(&str, &str), &RootKeyRow> = (review.root_keys.iter())
        .map(|row| ((row.policy.as_str(), row.key.as_str()), row))
        .collect();
    let keys: Vec<&KeyRow> = review.keys.iter().collect();
    let digests = crate::parallel::map_small(keys, 64, |key| {
        let calls = routes.get(&(key.policy.as_str(), key.name.as_str()));
        key_digest(key, calls.map(|row| &row.routes))
    });
    for (key, digest) in review.keys.iter_mut().zip(digests) {
        key.digest = digest;
    }
    let keys = review.keys.iter();
    review.digest =
        digest_of(keys.map(|key| (key.policy.as_str(), key.name.as_str(), key.digest.as_str())));
}

/// The digest of a review whose keys have these files, names and digests.
fn digest_of<'k>(keys: impl Iterator<Item = (&'k str, &'k str, &'k str)>) -> String {
    let mut sorted: Vec<(&str, &str, &str)> = keys.collect();
    sorted.sort_unstable();
    hex(&serde_json::to_vec(&sorted).expect("strings serialize"))
}

fn key_digest(key: &KeyRow, routes: Option<&Vec<super::RouteRow>>) -> String {
    // Lists whose order is not access are sorted: roles, grants, the grants behind a
    // permission or a route call.
    let effective: Vec<(&String, Vec<&super::Source>, usize)> = (key.effective.iter())
        .map(|holding| {
            let mut via: Vec<&super::Source> = holding.via.iter().collect();
            via.sort_unstable();
            (&holding.permission, via, holding.more)
        })
        .collect();
    let mut calls: Vec<(&String, Vec<&String>)> = (routes.into_iter().flatten())
        .map(|route| (&route.call, sorted(&route.grants)))
        .collect();
    calls.sort_unstable();
    let state = (
        &key.policy,
        &key.name,
        key.kind,
        key.state,
        &key.expires,
        sorted(&key.roles),
        sorted(&key.direct),
        effective,
        calls,
    );
    hex(&serde_json::to_vec(&state).expect("the state serializes"))
}

/// `items` in order.
fn sorted(items: &[String]) -> Vec<&String> {
    let mut items: Vec<&String> = items.iter().collect();
    items.sort_unstable();
    items
}

fn hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256:{hex}")
}

/// What a review needs of the one before it: its JSON report's time, digest and keys.
#[derive(Clone, Debug, Deserialize)]
pub struct PreviousReview {
    /// When it was made.
    pub generated: String,
    /// Its digest.
    pub digest: String,
    /// Its keys' digests.
    pub keys: Vec<PreviousKey>,
}

/// A key of the review before.
#[derive(Clone, Debug, Deserialize)]
pub struct PreviousKey {
    /// Its policy file.
    pub policy: String,
    /// Its name.
    pub name: String,
    /// Its digest.
    pub digest: String,
}

/// A key of a review: its file and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct KeyId {
    /// The policy file, as reviewed.
    pub policy: String,
    /// The key's name.
    pub name: String,
}

/// How the access state compares with the review before.
#[derive(Clone, Debug, Serialize)]
pub struct Previous {
    /// When the review before was made.
    pub generated: String,
    /// Its digest.
    pub digest: String,
    /// The access state is the same: the same digest, and no key added, removed or changed.
    pub unchanged: bool,
    /// Keys in this review and not in the one before.
    pub added: Vec<KeyId>,
    /// Keys in the one before and not in this review.
    pub removed: Vec<KeyId>,
    /// Keys in both whose access state differs.
    pub changed: Vec<KeyId>,
}

/// Why the JSON report of the review before cannot be compared with.
#[derive(Debug, thiserror::Error)]
pub enum PreviousError {
    /// Its digest is not the digest of its keys.
    #[error("its digest {stated} is not the digest of its keys ({computed}): it was edited")]
    Edited {
        /// The digest it states.
        stated: String,
        /// The digest of its keys.
        computed: String,
    },
    /// It names a key twice.
    #[error("it names the key `{}` of `{}` twice", .0.name, .0.policy)]
    Repeated(KeyId),
}

impl PreviousReview {
    /// Checks that the report is one permspec wrote: its digest is the digest of its keys,
    /// and no key is named twice.
    pub fn verify(&self) -> Result<(), PreviousError> {
        let mut seen = std::collections::BTreeSet::new();
        for key in &self.keys {
            let id = KeyId {
                policy: key.policy.clone(),
                name: key.name.clone(),
            };
            if !seen.insert(id.clone()) {
                return Err(PreviousError::Repeated(id));
            }
        }
        let keys = self.keys.iter();
        let computed = digest_of(
            keys.map(|key| (key.policy.as_str(), key.name.as_str(), key.digest.as_str())),
        );
        if computed != self.digest {
            return Err(PreviousError::Edited {
                stated: self.digest.clone(),
                computed,
            });
        }
        Ok(())
    }

    /// This review before `review`: what differs, key by key.
    pub fn compare(&self, review: &Review) -> Previous {
        let id = |policy: &str, name: &str| KeyId {
            policy: policy.to_owned(),
            name: name.to_owned(),
        };
        let before: BTreeMap<KeyId, &str> = (self.keys.iter())
            .map(|key| (id(&key.policy, &key.name), key.digest.as_str()))
            .collect();
        let after: BTreeMap<KeyId, &str> = (review.keys.iter())
            .map(|key| (id(&key.policy, &key.name), key.digest.as_str()))
            .collect();
        let only = |a: &BTreeMap<KeyId, &str>, b: &BTreeMap<KeyId, &str>| -> Vec<KeyId> {
            a.keys()
                .filter(|key| !b.contains_key(*key))
                .cloned()
                .collect()
        };
        let changed: Vec<KeyId> = (after.iter())
            .filter(|(key, digest)| before.get(*key).is_some_and(|old| old != *digest))
            .map(|(key, _)| key.clone())
            .collect();
        let (added, removed) = (only(&after, &before), only(&before, &after));
        Previous {
            generated: self.generated.clone(),
            digest: self.digest.clone(),
            unchanged: self.digest == review.digest
                && added.is_empty()
                && removed.is_empty()
                && changed.is_empty(),
            added,
            removed,
            changed,
        }
    }
}
