//! The smallest grant set that lets a set of route calls through: each stage of each call
//! passed by its narrowest alternative in the form asked for (URN leaves, or legacy tuples),
//! then every grant another one makes redundant dropped, and the result decided again.

use crate::eval::root_query::RootQuery;
use crate::eval::route_call::Call;
use crate::eval::routes::{Arm, Authorization, Check, MAIN};
use crate::eval::urn::UrnGrants;
use serde::Serialize;

/// The kind of grant a set prefers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    /// URN permissions, with legacy tuples only where a route checks no URN.
    Urn,
    /// Legacy tuples, with URN permissions only where a route checks no tuple.
    Legacy,
}

impl Form {
    /// How well an alternative of `kind` suits the form: lower is better.
    fn rank(self, kind: Arm) -> u8 {
        match (self, kind) {
            (Form::Urn, Arm::Urn) | (Form::Legacy, Arm::Legacy | Arm::Shape) => 0,
            (_, Arm::Mixed) => 1,
            _ => 2,
        }
    }
}

/// One grant of a minimal set and the calls it serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NeededGrant {
    /// The grant, as a root key holds it.
    pub grant: String,
    /// `urn`, `legacy`, or `shape` (the analytics routes' gate).
    pub kind: Arm,
    /// The calls it lets through, with the stage (`main`, `decrypt`, ...) it passes.
    pub serves: Vec<String>,
    /// The form asked for URN grants, yet some call's stage checks no URN leaf.
    pub no_urn_arm: bool,
}

/// What a call needs beyond grants, or why no grant helps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallNote {
    /// The call.
    pub call: String,
    /// What Unkey does with it.
    pub note: String,
    /// No root key can make this call.
    pub unreachable: bool,
}

/// The smallest grants, of one form, that let the calls through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MinimalSet {
    /// The form.
    pub form: Form,
    /// The grants, in the order the calls need them.
    pub grants: Vec<NeededGrant>,
}

impl MinimalSet {
    /// The grant texts.
    pub fn texts(&self) -> Vec<&str> {
        self.grants
            .iter()
            .map(|grant| grant.grant.as_str())
            .collect()
    }
}

/// What each call needs beyond grants, or why no grant helps it: routes without a root-key
/// check, pages empty without a param, calls that attach permissions to keys, and options
/// the call does not set that would add a check.
pub fn notes(calls: &[Call]) -> Vec<CallNote> {
    calls.iter().flat_map(call_notes).collect()
}

fn call_notes(call: &Call) -> Vec<CallNote> {
    let note = |note: String, unreachable| CallNote {
        call: call.to_string(),
        note,
        unreachable,
    };
    let mut notes = Vec::new();
    match call.route.authorization {
        Authorization::Unchecked { status: 200 } => {
            notes.push(note(
                "checks no root key: Unkey answers 200 to anyone".to_owned(),
                false,
            ));
            return notes;
        }
        Authorization::Unchecked { status } => {
            notes.push(note(
                format!(
                    "is called with a portal session, not a root key: Unkey answers {status} \
                     to a root key, whatever its grants"
                ),
                true,
            ));
            return notes;
        }
        Authorization::Checked { .. } => {}
    }
    if call
        .route
        .stages(&call.request)
        .unwrap_or_default()
        .is_empty()
    {
        notes.push(note(
            "runs no check without its filter: Unkey answers 200 with an empty page".to_owned(),
            false,
        ));
    } else if super::escalates(call.route) {
        notes.push(note(
            "attaches the permissions and roles a request names to a key: a root key that \
             makes it can give a key any permission"
                .to_owned(),
            false,
        ));
    }
    let unasked: Vec<&str> = (call.route.options.iter())
        .filter(|option| option.adds.is_some() || !option.changes.is_empty())
        .map(|option| option.name.as_str())
        .filter(|name| !call.request.has_option(name))
        .collect();
    let named: Vec<String> = unasked.iter().map(|name| format!("`{name}`")).collect();
    match named.as_slice() {
        [] => {}
        [one] => notes.push(note(
            format!(
                "does not set {one}, which adds a check: add `{}=true` to the call if the \
                 service sets it",
                unasked[0]
            ),
            false,
        )),
        many => notes.push(note(
            format!(
                "does not set {}, each of which adds a check: add `name=true` to the call for \
                 those the service sets",
                many.join(", ")
            ),
            false,
        )),
    }
    notes
}

/// The smallest set of grants of `form` that lets every call that a root key can make
/// through; `None` if the set found does not (a fault in the table, reported, never hidden).
pub fn minimal(calls: &[Call], form: Form) -> Option<MinimalSet> {
    minimal_by(calls, form, |_| form)
}

/// [`minimal`] with each call's grants in the form `form_of` gives it; the set reports
/// `form` as its own.
pub(crate) fn minimal_by(
    calls: &[Call],
    form: Form,
    form_of: impl Fn(&Call) -> Form,
) -> Option<MinimalSet> {
    let mut chosen: Vec<(String, Arm)> = Vec::new();
    for call in calls.iter().filter(|call| call.route.is_checked()) {
        for stage in call.route.stages(&call.request).ok()? {
            for leaf in cheapest(&stage.check, form_of(call))? {
                if !chosen.iter().any(|(grant, _)| *grant == leaf.1) {
                    chosen.push((leaf.1, leaf.0));
                }
            }
        }
    }
    let decided: Vec<&Call> = calls
        .iter()
        .filter(|call| call.route.is_checked())
        .collect();
    let chosen = pruned(chosen, &decided);
    let texts: Vec<&str> = chosen.iter().map(|(grant, _)| grant.as_str()).collect();
    if !decided.iter().all(|call| allowed(call, &texts)) {
        return None;
    }
    let serves = served(&decided, &texts)?;
    let grants = (chosen.into_iter().zip(serves))
        .map(|((grant, kind), serves)| NeededGrant {
            grant,
            kind,
            serves,
            // URN alternatives rank first: a grant of another kind is there because a
            // stage has no URN alternative.
            no_urn_arm: form == Form::Urn && kind != Arm::Urn,
        })
        .collect();
    Some(MinimalSet { form, grants })
}

fn allowed(call: &Call, grants: &[&str]) -> bool {
    (call.route.decide(&call.request, grants)).is_ok_and(|decision| decision.allowed)
}

/// `chosen` without the grants the others make redundant, narrowest first: a broad grant
/// another call needs stays, the narrow one it covers goes. Removing a grant re-decides
/// only the calls it can matter to: those with a leaf it passes on its own.
fn pruned(chosen: Vec<(String, Arm)>, decided: &[&Call]) -> Vec<(String, Arm)> {
    let leaves: Vec<Vec<String>> = (decided.iter())
        .map(|call| {
            let stages = call.route.stages(&call.request).unwrap_or_default();
            (stages.iter())
                .flat_map(|stage| stage_leaves(&stage.check))
                .collect()
        })
        .collect();
    let relevant = |grant: &str| -> Vec<usize> {
        let alone = UrnGrants::new(std::slice::from_ref(&grant));
        (0..decided.len())
            .filter(|&at| {
                leaves[at].iter().any(|leaf| {
                    alone.literally(leaf)
                        || alone.covering(leaf).is_some()
                        || shaped_by(leaf, grant)
                })
            })
            .collect()
    };
    let mut order: Vec<usize> = (0..chosen.len()).collect();
    order.sort_by_key(|&at| breadth(&chosen[at].0));
    let mut kept = vec![true; chosen.len()];
    for at in order {
        kept[at] = false;
        let rest: Vec<&str> = (chosen.iter().zip(&kept))
            .filter(|(_, keep)| **keep)
            .map(|((grant, _), _)| grant.as_str())
            .collect();
        if !(relevant(&chosen[at].0).into_iter()).all(|call| allowed(decided[call], &rest)) {
            kept[at] = true;
        }
    }
    (chosen.into_iter().zip(kept))
        .filter_map(|(grant, keep)| keep.then_some(grant))
        .collect()
}

/// For each of `texts`, the calls and stages it passes, from one explanation per call.
fn served(decided: &[&Call], texts: &[&str]) -> Option<Vec<Vec<String>>> {
    let mut serves: Vec<Vec<String>> = vec![Vec::new(); texts.len()];
    for call in decided {
        for report in call.route.explain(&call.request, texts).ok()? {
            let Some(at) = (report.matched.as_deref())
                .and_then(|matched| texts.iter().position(|grant| *grant == matched))
            else {
                continue;
            };
            let stage = report.option.as_deref().unwrap_or(MAIN);
            let label = format!("{call} [{stage}]");
            if !serves[at].contains(&label) {
                serves[at].push(label);
            }
        }
    }
    Some(serves)
}

/// The leaves of a stage's check; a grant shape as its `first.*.last` form.
fn stage_leaves(check: &Check) -> Vec<String> {
    match check {
        Check::GrantShaped { first, last } => vec![format!("{first}.*.{last}")],
        Check::Tree(_) => check.leaves().map(|(_, leaf)| leaf.to_owned()).collect(),
    }
}

/// Whether `grant` passes the grant-shape gate whose `first.*.last` form is `leaf`.
fn shaped_by(leaf: &str, grant: &str) -> bool {
    let (Some((first, _)), Some((_, last))) = (leaf.split_once('.'), leaf.rsplit_once('.')) else {
        return false;
    };
    let parts: Vec<&str> = grant.split('.').collect();
    matches!(parts.as_slice(), [f, _, l] if *f == first && *l == last)
}

/// The narrowest way to pass `check` in `form`: the leaves of its alternative that suits
/// the form best, with the fewest wildcards, then the fewest leaves, then the first.
pub(super) fn cheapest(check: &Check, form: Form) -> Option<Vec<(Arm, String)>> {
    alternatives(check)
        .into_iter()
        .enumerate()
        .min_by_key(|(position, way)| {
            let stars: usize = way.iter().map(|(_, leaf)| breadth(leaf)).sum();
            (form.rank(kind_of(way)), stars, way.len(), *position)
        })
        .map(|(_, way)| way)
}

/// Every way to pass `check`: sets of leaves (each with its kind), one per alternative.
fn alternatives(check: &Check) -> Vec<Vec<(Arm, String)>> {
    match check {
        Check::GrantShaped { first, last } => vec![vec![(Arm::Shape, format!("{first}.*.{last}"))]],
        Check::Tree(tree) => ways(tree),
    }
}

/// The ways to pass `query`: an OR's are its children's, an AND's every combination.
fn ways(query: &RootQuery) -> Vec<Vec<(Arm, String)>> {
    match query {
        RootQuery::Tuple(leaf) | RootQuery::Literal(leaf) => {
            vec![vec![(Arm::Legacy, leaf.clone())]]
        }
        RootQuery::Urn(leaf) => vec![vec![(Arm::Urn, leaf.clone())]],
        RootQuery::Or(children) => children.iter().flat_map(ways).collect(),
        RootQuery::And(children) => children.iter().fold(vec![Vec::new()], |acc, child| {
            let child_ways = ways(child);
            acc.iter()
                .flat_map(|way| {
                    child_ways.iter().map(move |more| {
                        let mut joined = way.clone();
                        joined.extend(more.iter().filter(|leaf| !way.contains(leaf)).cloned());
                        joined
                    })
                })
                .collect()
        }),
    }
}

/// The kind of an alternative's leaves.
fn kind_of(way: &[(Arm, String)]) -> Arm {
    let mut kinds = way.iter().map(|(kind, _)| *kind);
    match kinds.next() {
        None => Arm::Legacy,
        Some(first) if kinds.all(|kind| kind == first) => first,
        Some(_) => Arm::Mixed,
    }
}

/// How broad a grant is: its wildcards (`*` ids, `**` paths).
fn breadth(grant: &str) -> usize {
    grant.matches('*').count()
}
