//! C012 code-unparsed-region: part of a source file the parser could not read.

use crate::lint::code::CodeContext;
use crate::lint::{Doc, Finding, RuleId};

/// The documentation of C012.
pub(crate) static DOC: Doc = Doc {
    summary: "a part of a source file the parser could not read, where sites may be missed",
    what: "Reports each place in a scanned file where the language's parser found a syntax \
error or had to assume a missing token. It is an error: the scan cannot vouch for a file it \
could not read.",
    why: "Calls inside a region the parser could not read are not found, so the scan's \
silence about that file is weaker. It is often syntax newer than the grammar permspec \
uses, or a file that is not really source.",
    example: r#"await unkey.keys.verifyKey({ key, permissions: "documents.read" ); // C012

// Fix: valid syntax, or leave the file out with `[scan] exclude`
await unkey.keys.verifyKey({ key, permissions: "documents.read" });"#,
};

/// Checks every scanned file.
pub fn code(cx: &CodeContext<'_>, out: &mut Vec<Finding>) {
    for file in cx.files {
        for damage in &file.damage {
            out.push(Finding::new(
                RuleId::C012.rule(),
                &file.source,
                *damage,
                "the parser could not read this part of the file: calls in it may be missed",
                "syntax error",
                "fix the syntax, or leave the file out with `[scan] exclude`",
            ));
        }
    }
}
