//! X005 partial-import: a policy imported from Unkey with pages missing.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::span::Span;

/// The documentation of X005.
pub(crate) static DOC: Doc = Doc {
    summary: "an import of Unkey's state with pages missing (`partial: true`)",
    what: "Finds policy files that `permspec import unkey --partial` wrote from responses with \
pages missing, which it marks `partial: true`.",
    why: "Keys, roles or permissions of the workspace may be missing from the file: lint, \
cases and diffs say nothing about them, and a clean run means less than it seems.",
    example: r#"partial: true
keys:
  ci_bot: {permissions: [documents.read]}

# Fix: import again with every page, then drop `partial: true`"#,
};

/// Checks the policy a file declares.
pub fn policy(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let policy = cx.policy();
    if !policy.partial {
        return;
    }
    let text = policy.source.text();
    let span = text
        .find("partial:")
        .map_or(Span::default(), |at| Span::new(at, at + "partial".len()));
    out.push(Finding::new(
        RuleId::X005.rule(),
        cx.policy_source(),
        span,
        "this file is a partial import of Unkey's state: keys, roles or permissions may be \
         missing, and nothing checks them",
        "pages of Unkey's responses were missing",
        "import again with every page (`permspec import unkey`), then remove `partial: true`",
    ));
}
