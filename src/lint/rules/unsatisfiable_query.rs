//! N006 unsatisfiable-query: a query that no declared key can satisfy.

use crate::eval::{Matching, decide_code};
use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::policy::{Expect, KeyKind};
use crate::query::Query;
use fixedbitset::FixedBitSet;
use std::collections::{HashMap, HashSet};

/// The documentation of N006.
pub static DOC: Doc = Doc {
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
    let allowed_cases = cx.file.cases.iter().filter(|case| {
        [Matching::Wildcard, Matching::Literal]
            .iter()
            .any(|&matching| case.expect.value.under(matching) == Expect::Allow)
    });
    let granted_access = cx
        .file
        .access
        .iter()
        .filter(|assertion| !assertion.keys.is_empty());
    let mut seen = HashSet::new();
    let texts = allowed_cases
        .map(|case| &case.query)
        .chain(granted_access.map(|assertion| &assertion.query))
        .filter(|text| seen.insert((text.span.start, text.text.as_str())));
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

/// For each permission a query names, the keys granted it, as a bit set over the keys.
struct Holders<'a> {
    cx: &'a LintContext<'a>,
    matchings: Vec<Matching>,
    by_permission: HashMap<String, FixedBitSet>,
}

impl<'a> Holders<'a> {
    fn new(cx: &'a LintContext<'a>) -> Self {
        let keys = &cx.policy().keys;
        let matchings = keys
            .iter()
            .map(|key| match key.kind {
                KeyKind::Root => Matching::RootKey,
                KeyKind::Api => Matching::Wildcard,
            })
            .collect();
        Holders {
            cx,
            matchings,
            by_permission: HashMap::new(),
        }
    }

    fn holding(&mut self, permission: &str) -> &FixedBitSet {
        let (cx, matchings) = (self.cx, &self.matchings);
        self.by_permission
            .entry(permission.to_owned())
            .or_insert_with(|| {
                let mut set = FixedBitSet::with_capacity(matchings.len());
                for (index, &matching) in matchings.iter().enumerate() {
                    let grants = &cx.resolved.access(index, matching).grants;
                    set.set(index, grants.find(permission).is_some());
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
