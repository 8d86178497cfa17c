//! Did-you-mean: the closest known name to a misspelt one.

/// The candidate closest to `wrong` by edit distance, if it is close enough to be a likely
/// typo (at most a third of the longer name, and at least one edit allowed).
///
/// ```
/// assert_eq!(permspec::suggest::closest("editr", ["reader", "editor"]), Some("editor"));
/// assert_eq!(permspec::suggest::closest("zzz", ["reader", "editor"]), None);
/// ```
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| {
            let distance =
                strsim::damerau_levenshtein(&wrong.to_lowercase(), &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, candidate)| *distance <= (wrong.len().max(candidate.len()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `did you mean `x`?`, or nothing.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(wrong, candidates).map(|name| format!("did you mean `{name}`?"))
}
