//! The digest of a reviewed access state, and the comparison with the review before: a
//! quarter's report can say its access is unchanged since the review signed last time, or
//! name the keys whose access differs.

use super::{KeyRow, Review, RootKeyRow, RouteRow, Source};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Sets every key's digest and the review's: a key's covers its file (as reviewed: its path
/// in its repository), name, kind, state, expiry, roles, grants, effective access with
/// provenance and, for a root key, its route calls, each list in a fixed order; the
/// review's covers every key's digest in order of file and name, so no order in the files
/// and not the time of the review change it.
pub(crate) fn seal(review: &mut Review) {
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

fn key_digest(key: &KeyRow, routes: Option<&Vec<RouteRow>>) -> String {
    let state = serde_json::to_value(key.state).expect("a state serializes");
    let effective = key.effective.iter();
    Reviewed {
        policy: &key.policy,
        name: &key.name,
        kind: key.kind,
        state: state.as_str().unwrap_or_default(),
        expires: key.expires.as_deref(),
        roles: strs(&key.roles),
        direct: strs(&key.direct),
        effective: holdings(effective.map(|held| (&held.permission, &held.via, held.more))),
        calls: calls(routes),
    }
    .digest()
}

/// Each permission, the grants named behind it, and how many more, as a digest covers them.
fn holdings<'a>(
    held: impl Iterator<Item = (&'a String, &'a Vec<Source>, usize)>,
) -> Vec<(&'a str, Vec<Via<'a>>, usize)> {
    held.map(|(permission, via, more)| {
        let via = via.iter().map(|source| {
            let role = source.role.as_deref();
            (source.grant.as_str(), role, source.pattern.name())
        });
        (permission.as_str(), via.collect(), more)
    })
    .collect()
}

/// Each route call and the grants that open it, as a digest covers them.
fn calls(routes: Option<&Vec<RouteRow>>) -> Vec<(&str, Vec<&str>)> {
    (routes.into_iter().flatten())
        .map(|route| (route.call.as_str(), strs(&route.grants)))
        .collect()
}

fn strs(items: &[String]) -> Vec<&str> {
    items.iter().map(String::as_str).collect()
}

/// A grant behind a permission: the grant, its role, its pattern.
type Via<'a> = (&'a str, Option<&'a str>, &'a str);

/// What a key's digest covers, as this review holds it or as a review before wrote it.
struct Reviewed<'a> {
    policy: &'a str,
    name: &'a str,
    kind: &'a str,
    state: &'a str,
    expires: Option<&'a str>,
    roles: Vec<&'a str>,
    direct: Vec<&'a str>,
    /// Each permission, the grants named behind it, how many more.
    effective: Vec<(&'a str, Vec<Via<'a>>, usize)>,
    /// Each route call and the grants that open it.
    calls: Vec<(&'a str, Vec<&'a str>)>,
}

impl Reviewed<'_> {
    /// The digest: lists whose order is not access (roles, grants, the grants behind a
    /// permission or a call) sorted first.
    fn digest(mut self) -> String {
        self.roles.sort_unstable();
        self.direct.sort_unstable();
        for (_, via, _) in &mut self.effective {
            via.sort_unstable();
        }
        self.effective.sort_unstable();
        for (_, grants) in &mut self.calls {
            grants.sort_unstable();
        }
        self.calls.sort_unstable();
        let state = (
            self.policy,
            self.name,
            self.kind,
            self.state,
            self.expires,
            self.roles,
            self.direct,
            self.effective,
            self.calls,
        );
        hex(&serde_json::to_vec(&state).expect("the state serializes"))
    }
}

fn hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256:{hex}")
}

/// What a review needs of the one before it: its JSON report's time, digest, and each
/// key's reviewed state with its digest (so that an edited file is refused).
#[derive(Clone, Debug, Deserialize)]
pub struct PreviousReview {
    /// When it was made.
    pub generated: String,
    /// Its digest.
    pub digest: String,
    /// Its keys.
    pub keys: Vec<PreviousKey>,
    /// Its root keys' route calls.
    #[serde(default)]
    pub root_keys: Vec<PreviousRootKey>,
}

/// A key of the review before, as its report states it.
#[derive(Clone, Debug, Deserialize)]
pub struct PreviousKey {
    /// Its policy file.
    pub policy: String,
    /// Its name.
    pub name: String,
    /// `api` or `root`.
    pub kind: String,
    /// Its state.
    pub state: String,
    /// Its expiry.
    pub expires: Option<String>,
    /// Its roles.
    pub roles: Vec<String>,
    /// Its own grants.
    pub direct: Vec<String>,
    /// What it was allowed.
    pub effective: Vec<PreviousHolding>,
    /// Its digest.
    pub digest: String,
}

/// A permission a key of the review before held.
#[derive(Clone, Debug, Deserialize)]
pub struct PreviousHolding {
    /// The permission.
    pub permission: String,
    /// The grants named behind it.
    pub via: Vec<Source>,
    /// How many more.
    #[serde(default)]
    pub more: usize,
}

/// A root key of the review before and its route calls.
#[derive(Clone, Debug, Deserialize)]
pub struct PreviousRootKey {
    /// Its policy file.
    pub policy: String,
    /// Its name.
    pub key: String,
    /// Its route calls.
    pub routes: Vec<RouteRow>,
}

impl PreviousKey {
    /// The digest of the state the report gives the key, with its route calls.
    fn recomputed(&self, routes: Option<&Vec<RouteRow>>) -> String {
        let effective = self.effective.iter();
        Reviewed {
            policy: &self.policy,
            name: &self.name,
            kind: &self.kind,
            state: &self.state,
            expires: self.expires.as_deref(),
            roles: strs(&self.roles),
            direct: strs(&self.direct),
            effective: holdings(effective.map(|held| (&held.permission, &held.via, held.more))),
            calls: calls(routes),
        }
        .digest()
    }
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
#[non_exhaustive]
pub enum PreviousError {
    /// Its digest is not the digest of its keys.
    #[error("its digest {stated} is not the digest of its keys ({computed}): it was edited")]
    Edited {
        /// The digest it states.
        stated: String,
        /// The digest of its keys.
        computed: String,
    },
    /// A key's stated state is not the state its digest covers.
    #[error("the key `{}` of `{}` is not in the state its digest covers: it was edited", .0.name, .0.policy)]
    KeyEdited(KeyId),
    /// It names a key twice.
    #[error("it names the key `{}` of `{}` twice", .0.name, .0.policy)]
    Repeated(KeyId),
}

impl PreviousReview {
    /// Checks that the report is one permspec wrote: each key's digest is the digest of the
    /// state it states, the report's is the digest of its keys, and no key is named twice.
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
        let routes: HashMap<(&str, &str), &Vec<RouteRow>> = (self.root_keys.iter())
            .map(|root| ((root.policy.as_str(), root.key.as_str()), &root.routes))
            .collect();
        for key in &self.keys {
            let calls = routes
                .get(&(key.policy.as_str(), key.name.as_str()))
                .copied();
            if key.recomputed(calls) != key.digest {
                return Err(PreviousError::KeyEdited(KeyId {
                    policy: key.policy.clone(),
                    name: key.name.clone(),
                }));
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
