//! Building a test file's checks (`cases:`) and assertions (`access:`) for its policy,
//! with every independent error of its items.

use super::LoadError;
use super::document::{Document, refuse_nulls};
use super::file_errors::Errors;
use super::items::{Checking, build_access, build_case};
use super::model::{Check, Policy, TestFile};
use super::nodes::span_of;
use super::raw::{OneOrMany, RawCase};
use super::time::timestamp;
use crate::error_code::ErrorCode;
use crate::repeated_names::RepeatedNames;
use crate::span::Span;
use crate::yaml::content::{self};
use crate::yaml::spans::Node;
use crate::yaml::{Limit, Limits};
use std::sync::Arc;

/// The checks of one `cases:` item and how many the limit counts, if the item holds no
/// error; errors are left to the whole read, which names the item by its index.
pub(super) fn build_case_quietly(
    checking: &Checking<'_>,
    item: &Node,
) -> Option<(usize, Vec<Check>)> {
    refuse_nulls(checking.source, item, true).ok()?;
    let raw_case = content::deserialize_item::<RawCase>(item, "cases", 0).ok()?;
    let queries = raw_case.query.as_ref().map_or(1, OneOrMany::len);
    let count = raw_case.key.len().saturating_mul(queries);
    let built = build_case(checking, 0, Some(item), &raw_case).ok()?;
    Some((count, built))
}

/// The test file `document` declares, for `policy`, or every independent error in its cases
/// and assertions (each item in error is left out).
pub(super) fn build_test_file(
    document: &Document,
    policy: Arc<Policy>,
    limits: &Limits,
) -> Result<TestFile, LoadError> {
    let Document { source, root, raw } = document;
    let checking = Checking::new(source, &policy);
    let mut errors = Errors::default();
    let cases_node = root.get("cases");
    let mut checks = Vec::new();
    for (index, raw_case) in raw.cases.iter().enumerate() {
        let item = cases_node.and_then(|cases| cases.item(index));
        let queries = raw_case.query.as_ref().map_or(1, OneOrMany::len);
        let count = raw_case.key.len().saturating_mul(queries);
        if checks.len().saturating_add(count) > limits.cases {
            return Err(LoadError::at(
                ErrorCode::PolicyLimit,
                source,
                span_of(item, Span::default()),
                format!("the file holds more than {} cases", limits.cases),
                "this case crosses the limit",
            )
            .with_help(format!(
                "split the cases into several files that refer to the policy with `policy:`, \
                 or {}",
                Limit::Cases.how_to_raise(limits.cases as u64)
            )));
        }
        if let Some(built) = errors.kept(build_case(&checking, index, item, raw_case)) {
            checks.extend(built);
        }
    }
    complete_test_file(document, &checking, checks, errors)
}

/// The test file `document` declares, from its checks (named apart where names repeat), its
/// assertions and its `now:`, or every error of them and of `errors`, those found before.
pub(super) fn complete_test_file(
    document: &Document,
    checking: &Checking<'_>,
    mut checks: Vec<Check>,
    mut errors: Errors,
) -> Result<TestFile, LoadError> {
    let Document { source, root, raw } = document;
    checks.shrink_to_fit();
    let repeats = RepeatedNames::new(checks.len(), |index| checks[index].name()).repeats();
    for (index, count) in repeats {
        let check = &mut checks[index];
        check.name = Some(compact_str::format_compact!("{} ({count})", check.name()));
    }

    let access_node = root.get("access");
    let mut assertions = Vec::new();
    for (index, assertion) in raw.access.iter().enumerate() {
        let item = access_node.and_then(|list| list.item(index));
        assertions.extend(errors.kept(build_access(checking, index, item, assertion)));
    }
    let now = errors.kept(timestamp(source, root.get("now"), raw.now.as_deref()));
    errors.finish()?;
    let policy = Arc::clone(checking.policy);
    Ok(TestFile {
        source: source.clone(),
        semantics: raw.semantics.unwrap_or(policy.semantics),
        now: now.flatten().or(policy.now),
        policy,
        checks,
        assertions,
    })
}
