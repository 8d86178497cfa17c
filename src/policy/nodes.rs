//! Spans read off the YAML nodes of a policy file, for the parts of the model built from
//! them.

use super::model::Spanned;
use crate::span::Span;
use crate::yaml::spans::Node;

/// The span of `node`, or `fallback` where the node is missing.
pub(super) fn span_of(node: Option<&Node>, fallback: Span) -> Span {
    node.map_or(fallback, |node| node.span)
}

/// `values`, each with the span of its item in the sequence `list` (the sequence's, or
/// `fallback`, where an item has none).
pub(super) fn spanned_strings(
    list: Option<&Node>,
    values: &[String],
    fallback: Span,
) -> Vec<Spanned<String>> {
    values
        .iter()
        .enumerate()
        .map(|(index, value)| Spanned {
            value: value.clone(),
            span: span_of(
                list.and_then(|list| list.item(index)),
                span_of(list, fallback),
            ),
        })
        .collect()
}
