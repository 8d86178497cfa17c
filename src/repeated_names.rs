//! Which of many names repeat, found without holding them all: each name is hashed as it is
//! made and dropped, and only the names whose hashes meet are made again and compared.
//! A big suite's names are mostly derived (`key: query`), and holding them all at once
//! would cost as much as the suite's text.

use rustc_hash::{FxBuildHasher, FxHashMap};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::hash::BuildHasher;
use std::ops::Range;

/// Names made and hashed per task: a name takes a fraction of a microsecond.
const NAMES_PER_TASK: usize = 16 * 1024;

/// The names at positions `0..count`, by hash (`S` builds the hasher).
pub struct RepeatedNames<F, S = FxBuildHasher> {
    name: F,
    hasher: S,
    /// The first position of each hash.
    first: FxHashMap<u64, usize>,
    /// The later positions of the hashes that meet (few: most names are told apart by
    /// their hashes alone).
    later: FxHashMap<u64, Vec<usize>>,
}

impl<'a, F: Fn(usize) -> Cow<'a, str> + Sync> RepeatedNames<F> {
    /// The names `name(0)`, …, `name(count - 1)`.
    pub fn new(count: usize, name: F) -> Self {
        Self::hashed_by(count, name)
    }
}

impl<'a, F, S> RepeatedNames<F, S>
where
    F: Fn(usize) -> Cow<'a, str> + Sync,
    S: BuildHasher + Default + Sync,
{
    /// The names `name(0)`, …, `name(count - 1)`, made and hashed by `S`'s hasher on every
    /// core.
    fn hashed_by(count: usize, name: F) -> Self {
        let hasher = S::default();
        let runs = (0..count.div_ceil(NAMES_PER_TASK))
            .map(|run| run * NAMES_PER_TASK..((run + 1) * NAMES_PER_TASK).min(count))
            .collect();
        let hashes = crate::parallel::map(runs, |run: Range<usize>| {
            run.map(|position| hasher.hash_one(name(position)))
                .collect::<Vec<u64>>()
        });
        let mut first = FxHashMap::with_capacity_and_hasher(count, FxBuildHasher);
        let mut later: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
        for (position, hash) in hashes.into_iter().flatten().enumerate() {
            match first.entry(hash) {
                Entry::Vacant(vacant) => _ = vacant.insert(position),
                Entry::Occupied(_) => later.entry(hash).or_default().push(position),
            }
        }
        RepeatedNames {
            name,
            hasher,
            first,
            later,
        }
    }

    /// The positions whose hash is `hash`, in order.
    fn with_hash(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        let later = self.later.get(&hash).into_iter().flatten();
        self.first.get(&hash).into_iter().chain(later).copied()
    }

    /// Each position whose name an earlier position already has, in order, with how many
    /// times the name has been seen up to it (2 for its first repeat).
    pub fn repeats(&self) -> Vec<(usize, usize)> {
        let mut meeting: Vec<usize> = (self.later.keys())
            .flat_map(|&hash| self.with_hash(hash))
            .collect();
        meeting.sort_unstable();
        let mut seen: FxHashMap<Cow<'a, str>, usize> = FxHashMap::default();
        meeting
            .into_iter()
            .filter_map(|position| {
                let count = seen.entry((self.name)(position)).or_default();
                *count += 1;
                (*count > 1).then_some((position, *count))
            })
            .collect()
    }

    /// True if some position has the name `text`.
    pub fn contains(&self, text: &str) -> bool {
        let hash = self.hasher.hash_one(text);
        (self.with_hash(hash)).any(|position| (self.name)(position) == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;
    use std::hash::BuildHasherDefault;

    /// A hasher under which every name meets every other.
    #[derive(Default)]
    struct Meeting;

    impl std::hash::Hasher for Meeting {
        fn finish(&self) -> u64 {
            0
        }

        fn write(&mut self, _: &[u8]) {}
    }

    /// The repeats found by holding every name.
    fn naive_repeats(names: &[String]) -> Vec<(usize, usize)> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        (names.iter().enumerate())
            .filter_map(|(position, name)| {
                let count = seen.entry(name).or_default();
                *count += 1;
                (*count > 1).then_some((position, *count))
            })
            .collect()
    }

    #[test]
    fn repeats_are_numbered_in_order_from_two() {
        let names = ["a", "b", "a", "c", "a", "b"].map(String::from);
        let repeated = RepeatedNames::new(names.len(), |at| Cow::Borrowed(names[at].as_str()));
        assert_eq!(repeated.repeats(), [(2, 2), (4, 3), (5, 2)]);
        assert!(repeated.contains("c") && !repeated.contains("d"));
    }

    proptest! {
        #[test]
        fn repeats_and_membership_agree_with_holding_every_name(
            names in prop::collection::vec("[ab]{0,3}", 0..40),
            probe in "[ab]{0,4}",
        ) {
            // Derived names, made anew on each call as a suite's are.
            let name = |at: usize| Cow::Owned(names[at].clone());
            let repeated = RepeatedNames::new(names.len(), name);
            prop_assert_eq!(repeated.repeats(), naive_repeats(&names));
            prop_assert_eq!(repeated.contains(&probe), names.contains(&probe));
            // Names whose hashes all meet are still told apart by their text.
            let meeting: RepeatedNames<_, BuildHasherDefault<Meeting>> =
                RepeatedNames::hashed_by(names.len(), name);
            prop_assert_eq!(meeting.repeats(), naive_repeats(&names));
            prop_assert_eq!(meeting.contains(&probe), names.contains(&probe));
        }
    }
}
