//! C006 code-semantics-divergence: a check in code whose outcome depends on the reading
//! of `*`.

use crate::lint::code::CodeContext;
use crate::lint::{Doc, Finding, RuleId, SiteQuery};
use crate::printable::escaped;

/// The documentation of C006.
pub(crate) static DOC: Doc = Doc {
    summary: "a query in code whose outcome differs between Unkey's docs and Unkey's engine",
    what: "Decides every query and permission check in code for every API key both ways: \
with `*` in grants as Unkey's docs describe it (`documents.*` grants `documents.read`) and \
as Unkey's engine matches customer permissions (exactly). Reports those where some key's \
outcome differs, naming the keys.",
    why: "A key that passes only under the docs' reading is refused by Unkey in production; \
one that passes only literally holds a grant named with a `*`. Either way the code and the \
policy disagree about who may call the endpoint.",
    example: r#"// The auditor key holds "audit.*"; Unkey's engine does not expand it.
await unkey.keys.verifyKey({ key, permissions: "audit.read" }); // C006

// Fix: grant audit.read itself (in the policy)"#,
};

/// At most this many keys are named in a message.
const NAMED: usize = 5;

/// Checks every query and permission site.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    for (file, site, asked) in cx.sites() {
        let SiteQuery::Query(_, passing) = asked else {
            continue;
        };
        if passing.diverging.is_empty() {
            continue;
        }
        let only_wildcard: Vec<String> = (passing.diverging.iter())
            .filter(|(_, _, wildcard)| *wildcard)
            .map(|(policy, key, _)| format!("`{}`", escaped(cx.key_name(*policy, *key))))
            .collect();
        let only_literal = passing.diverging.len() - only_wildcard.len();
        let mut named: Vec<String> = only_wildcard.iter().take(NAMED).cloned().collect();
        if only_wildcard.len() > NAMED {
            named.push(format!("{} more", only_wildcard.len() - NAMED));
        }
        let message = if only_wildcard.is_empty() {
            let keys = if only_literal == 1 { "key passes" } else { "keys pass" };
            format!("{only_literal} {keys} this query only when `*` in a grant is read literally")
        } else {
            let (who, verb) = match only_wildcard.len() {
                1 => ("it", "passes"),
                _ => ("them", "pass"),
            };
            format!(
                "{} {verb} this query only under the docs' reading of `*`; Unkey's engine refuses {who}",
                named.join(", ")
            )
        };
        out.push(Finding::new(
            RuleId::C006.rule(),
            &file.source,
            site.span,
            message,
            "outcome depends on the reading of `*`",
            "grant the exact permission the code asks for, rather than a wildcard",
        ));
    }
}
