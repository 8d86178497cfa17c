//! Did-you-mean: the closest known name to a misspelt one.

/// Names longer than this get no suggestion: the edit distance is quadratic in length, and
/// nothing that long is a typo of a name people type.
const MAX_COMPARED: usize = 256;

/// The candidate closest to `wrong` by edit distance, if it is close enough to be a likely
/// typo (at most a third of the longer name, and at least one edit allowed); of equally
/// close candidates, the first in order.
///
/// ```
/// assert_eq!(permspec::suggest::closest("editr", ["reader", "editor"]), Some("editor"));
/// assert_eq!(permspec::suggest::closest("zzz", ["reader", "editor"]), None);
/// ```
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if wrong.len() > MAX_COMPARED {
        return None;
    }
    candidates
        .into_iter()
        .filter(|candidate| candidate.len() <= MAX_COMPARED)
        .map(|candidate| {
            let distance =
                strsim::damerau_levenshtein(&wrong.to_lowercase(), &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, candidate)| *distance <= (wrong.len().max(candidate.len()) / 3).max(1))
        // Among equally close names the first in order wins, whatever order the candidates
        // come in (a hash set's differs from run to run): the output is the same every run.
        .min_by_key(|(distance, candidate)| (*distance, *candidate))
        .map(|(_, candidate)| candidate)
}

/// `did you mean `x`?`, or nothing.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(wrong, candidates).map(|name| format!("did you mean `{name}`?"))
}

/// `did you mean ...?` for dotted names (`keys.verifyKey`): a name given without its
/// prefix (`verifyKey`, `verifykey`) or with a typo in it finds every full name it may be.
///
/// ```
/// use permspec::suggest::did_you_mean_dotted;
/// let routes = ["keys.verifyKey", "keys.getKey", "apis.getApi"];
/// assert_eq!(did_you_mean_dotted("verifyKey", routes).unwrap(), "did you mean `keys.verifyKey`?");
/// assert_eq!(did_you_mean_dotted("keys.verifyKye", routes).unwrap(), "did you mean `keys.verifyKey`?");
/// assert_eq!(did_you_mean_dotted("verifyKye", routes).unwrap(), "did you mean `keys.verifyKey`?");
/// assert_eq!(did_you_mean_dotted("listThings", routes), None);
/// ```
pub fn did_you_mean_dotted<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<String> {
    if let Some(hint) = did_you_mean(wrong, candidates.clone()) {
        return Some(hint);
    }
    let tail = |name: &'a str| name.rsplit('.').next().unwrap_or(name);
    let tails: Vec<&str> = candidates.clone().into_iter().map(tail).collect();
    let wanted = closest(wrong, tails)?;
    let names: Vec<String> = (candidates.into_iter())
        .filter(|name| tail(name) == wanted)
        .map(|name| format!("`{name}`"))
        .collect();
    match names.as_slice() {
        [one] => Some(format!("did you mean {one}?")),
        many => Some(format!("did you mean one of {}?", many.join(", "))),
    }
}

/// The one candidate that `wrong` is a near-certain misspelling of: the same dotted segments
/// but one, and that one within a keystroke or two of the candidate's (a letter per four).
/// `documents.raed` is a typo of `documents.read`; `documents.update` is not one of
/// `documents.delete`, however close the strings, because those are different words. Two
/// equally close candidates give none.
///
/// ```
/// use permspec::suggest::typo_of;
/// assert_eq!(typo_of("documents.raed", ["documents.read", "documents.delete"]), Some("documents.read"));
/// assert_eq!(typo_of("documents.update", ["documents.read", "documents.delete"]), None);
/// ```
pub fn typo_of<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Slugs are at most 128 characters; comparing longer names only costs time.
    if wrong.len() > MAX_COMPARED {
        return None;
    }
    let wrong_segments: Vec<&str> = wrong.split('.').collect();
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for candidate in candidates {
        let segments: Vec<&str> = candidate.split('.').collect();
        if candidate == wrong || segments.len() != wrong_segments.len() {
            continue;
        }
        let mut differing = wrong_segments.iter().zip(&segments).filter(|(a, b)| a != b);
        let (Some((a, b)), None) = (differing.next(), differing.next()) else {
            continue;
        };
        let distance = strsim::damerau_levenshtein(&a.to_lowercase(), &b.to_lowercase());
        if distance > (a.len().min(b.len()) / 4).max(1) {
            continue;
        }
        match best {
            Some((closest, _)) if distance > closest => {}
            Some((closest, _)) if distance == closest => tied = true,
            _ => {
                best = Some((distance, candidate));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn equally_close_names_give_the_same_suggestion_in_any_order() {
        assert_eq!(closest("k3", ["k2", "k1"]), Some("k1"));
        assert_eq!(closest("k3", ["k1", "k2"]), Some("k1"));
        let names: std::collections::HashSet<&str> = ["key_b", "key_a", "key_c"].into();
        assert_eq!(closest("key_d", names.iter().copied()), Some("key_a"));
    }
}
