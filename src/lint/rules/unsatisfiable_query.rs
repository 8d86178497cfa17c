//! N006 unsatisfiable-query: a query that no declared key can satisfy.

use crate::eval::{Matching, decide_code, grant_matches};
use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::policy::{Expect, Grant, KeyKind};
use crate::query::Query;
use fixedbitset::FixedBitSet;
use std::collections::{HashMap, HashSet};

/// The documentation of N006.
pub(crate) static DOC: Doc = Doc {
    summary: "a query no key can satisfy",
    what: "Evaluates each query that some key is expected to pass (a case expecting allow, \
an access assertion naming keys) for every declared key (ignoring whether the key is \
enabled or expired) and reports the queries that none of them can pass. Deliberate denials \
(cases expecting deny or an error, `keys: []`) are not reported.",
    why: "A check nobody passes is either a typo in the query or access that was removed by \
accident: the endpoint behind it is closed to everyone.",
    example: r#"keys:
  alice: {permissions: [documents.read]}
cases:
  - key: alice
    query: documents.read AND documents.approve   # N006: no key holds documents.approve
    expect: allow"#,
};

/// Checks a file's cases, access assertions and text, whether or not it declares its policy.
pub fn file(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let policy = cx.policy();
    if policy.keys.is_empty() {
        return;
    }
    // Only a query some key is expected to pass: a case expecting allow (in some way of
    // matching), or an access assertion naming keys. "Nobody may" is a deliberate denial.
    let allowed_cases = cx.file.query_checks().filter(|(case, _)| {
        [Matching::Wildcard, Matching::Literal]
            .iter()
            .any(|&matching| case.expect.value.under(matching) == Expect::Allow)
    });
    let granted_access = (cx.file.assertions.iter())
        .filter(|assertion| !assertion.keys.is_empty())
        .filter_map(|assertion| assertion.subject.query());
    let mut seen = HashSet::new();
    let texts = allowed_cases
        .map(|(_, query)| query)
        .chain(granted_access)
        .filter(|text| seen.insert((text.span.start(), text.text.as_str())));
    let mut holders = Holders::new(cx);
    for text in texts {
        let Some(parsed) = cx.parsed(text) else {
            continue;
        };
        // Only keys granted enough leaves can satisfy the query; the evaluator decides
        // for those (forbid rules included).
        let candidates = holders.could_satisfy(parsed);
        let satisfiable = candidates.ones().any(|index| {
            decide_code(parsed, cx.resolved.access(index, holders.matchings[index])).allows()
        });
        if !satisfiable {
            out.push(Finding::new(
                RuleId::N006.rule(),
                &cx.file.source,
                text.span,
                format!("no declared key can satisfy `{}`", text.text),
                "unsatisfiable",
                "check the query for typos, or grant its permissions to the keys that need them",
            ));
        }
    }
}

/// A part of the keys' grants, and the keys that hold it.
type PartHolders<'a> = (&'a [Grant], Vec<usize>);

/// For each permission a query names, the keys granted it, as a bit set over the keys:
/// the union of the holders of each distinct grant pattern that matches it. The patterns'
/// holders are gathered once from the resolved grants, so that no key's grants need
/// compiling to know who holds what.
struct Holders {
    matchings: Vec<Matching>,
    /// Each distinct grant pattern, per way of matching, with the keys holding it.
    patterns: Vec<(Matching, String, FixedBitSet)>,
    by_permission: HashMap<String, FixedBitSet>,
}

impl Holders {
    fn new(cx: &LintContext<'_>) -> Self {
        let keys = &cx.policy().keys;
        let matchings: Vec<Matching> = keys
            .iter()
            .map(|key| match key.kind {
                KeyKind::Root => Matching::RootKey,
                KeyKind::Api => Matching::Wildcard,
            })
            .collect();
        // The holders of each part of the grants (a role's, a key's own) are gathered
        // first, so that a role's grants are walked once however many keys hold it.
        let mut groups: HashMap<(usize, Matching), PartHolders> = HashMap::new();
        for (key, &matching) in matchings.iter().enumerate() {
            for (part, grants) in cx.resolved.grants(key).parts() {
                groups
                    .entry((part, matching))
                    .or_insert_with(|| (grants, Vec::new()))
                    .1
                    .push(key);
            }
        }
        let mut index: HashMap<(Matching, &str), FixedBitSet> = HashMap::new();
        for ((_, matching), (grants, holders)) in &groups {
            // A part of many holders adds them as a set; a key's own part, one by one.
            let many = (holders.len() > 64).then(|| holders.iter().copied().collect());
            for grant in *grants {
                let set = index
                    .entry((*matching, grant.permission.as_str()))
                    .or_insert_with(|| FixedBitSet::with_capacity(keys.len()));
                match &many {
                    Some(all) => set.union_with(all),
                    None => holders.iter().for_each(|&key| set.insert(key)),
                }
            }
        }
        let patterns = index
            .into_iter()
            .map(|((matching, pattern), holders)| (matching, pattern.to_owned(), holders))
            .collect();
        Holders {
            matchings,
            patterns,
            by_permission: HashMap::new(),
        }
    }

    fn holding(&mut self, permission: &str) -> &FixedBitSet {
        let (patterns, keys) = (&self.patterns, self.matchings.len());
        self.by_permission
            .entry(permission.to_owned())
            .or_insert_with(|| {
                let mut set = FixedBitSet::with_capacity(keys);
                for (matching, pattern, holders) in patterns {
                    if grant_matches(pattern, permission, *matching) {
                        set.union_with(holders);
                    }
                }
                set
            })
    }

    /// The keys granted enough of the query's permissions to satisfy it, forbid rules aside.
    fn could_satisfy(&mut self, query: &Query) -> FixedBitSet {
        match query {
            Query::Permission { name, .. } => self.holding(name).clone(),
            Query::And { children, .. } => {
                let mut sets = children.iter().map(|child| self.could_satisfy(child));
                let first = sets.next().unwrap_or_default();
                sets.fold(first, |mut all, set| {
                    all.intersect_with(&set);
                    all
                })
            }
            Query::Or { children, .. } => {
                let mut any = FixedBitSet::with_capacity(self.matchings.len());
                for child in children {
                    any.union_with(&self.could_satisfy(child));
                }
                any
            }
        }
    }
}
