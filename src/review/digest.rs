//! The digest of a reviewed access state, and the comparison with the review before: a
//! quarter's report can say its access is unchanged since the review signed last time, or
//! name the keys whose access differs.

use super::{KeyRow, Review, RootKeyRow};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Sets every key's digest and the review's: a key's covers its file, name, kind, state,
/// expiry, roles, grants, effective access with provenance and, for a root key, its route
/// calls; the review's covers every key's digest in order, so order and the time of
/// generation do not change it.
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
    let mut sorted: Vec<(&str, &str, &str)> = (review.keys.iter())
        .map(|key| (key.policy.as_str(), key.name.as_str(), key.digest.as_str()))
        .collect();
    sorted.sort_unstable();
    review.digest = hex(&serde_json::to_vec(&sorted).expect("strings serialize"));
}

fn key_digest(key: &KeyRow, routes: Option<&Vec<super::RouteRow>>) -> String {
    let state = (
        &key.policy,
        &key.name,
        key.kind,
        key.state,
        &key.expires,
        &key.roles,
        &key.direct,
        &*key.effective,
        routes,
    );
    hex(&serde_json::to_vec(&state).expect("the state serializes"))
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

/// How the access state compares with the review before.
#[derive(Clone, Debug, Serialize)]
pub struct Previous {
    /// When the review before was made.
    pub generated: String,
    /// Its digest.
    pub digest: String,
    /// The access state is the same.
    pub unchanged: bool,
    /// Keys in this review and not in the one before.
    pub added: Vec<String>,
    /// Keys in the one before and not in this review.
    pub removed: Vec<String>,
    /// Keys in both whose access state differs.
    pub changed: Vec<String>,
}

impl PreviousReview {
    /// This review before `review`: what differs, key by key (`file: key`).
    pub fn compare(&self, review: &Review) -> Previous {
        let label = |policy: &str, name: &str| format!("{policy}: {name}");
        let before: BTreeMap<String, &str> = (self.keys.iter())
            .map(|key| (label(&key.policy, &key.name), key.digest.as_str()))
            .collect();
        let after: BTreeMap<String, &str> = (review.keys.iter())
            .map(|key| (label(&key.policy, &key.name), key.digest.as_str()))
            .collect();
        let only = |a: &BTreeMap<String, &str>, b: &BTreeMap<String, &str>| -> Vec<String> {
            a.keys()
                .filter(|key| !b.contains_key(*key))
                .cloned()
                .collect()
        };
        let changed = (after.iter())
            .filter(|(key, digest)| before.get(*key).is_some_and(|old| old != *digest))
            .map(|(key, _)| key.clone())
            .collect();
        Previous {
            generated: self.generated.clone(),
            digest: self.digest.clone(),
            unchanged: self.digest == review.digest,
            added: only(&after, &before),
            removed: only(&before, &after),
            changed,
        }
    }
}
