//! Suppressions written in code comments: `// permspec: allow(C003) reason: ...`, with the
//! rules of YAML suppressions (a reason is required, `until:` ends it).

use crate::policy::Spanned;
use crate::span::Span;

/// One `permspec: allow(...)` comment. It excuses findings on its own line and the next.
#[derive(Clone, Debug)]
pub struct CodeSuppression {
    /// The rules excused, as written (codes, code prefixes or names).
    pub rules: Vec<Spanned<String>>,
    /// Why.
    pub reason: String,
    /// After this date the suppression stops working.
    pub until: Option<Spanned<jiff::civil::Date>>,
    /// The comment.
    pub span: Span,
}

const MARKER: &str = "permspec:";

/// The suppression a comment holds: `None` when it says nothing to permspec, an error (at
/// its place, with what is wrong) when it says something permspec cannot read. `start` is
/// the comment's offset in the file.
pub fn suppressions_in_comment(
    comment: &str,
    start: usize,
) -> Option<Result<CodeSuppression, (Span, String)>> {
    let body = comment.trim_start_matches(['/', '#', '*', ' ', '\t']);
    let rest = body.strip_prefix(MARKER)?.trim_start();
    let span = Span::new(start, start + comment.len());
    let error = |message: &str| Some(Err((span, message.to_owned())));
    let Some(rest) = rest.strip_prefix("allow(") else {
        return error("a permspec comment reads `permspec: allow(RULES) reason: WHY`");
    };
    let Some(close) = rest.find(')') else {
        return error("`allow(` is not closed");
    };
    let place = |part: &str| {
        let first = start + (part.as_ptr() as usize - comment.as_ptr() as usize);
        Span::new(first, first + part.len())
    };
    let rules: Vec<Spanned<String>> = (rest[..close].split(','))
        .map(str::trim)
        .filter(|rule| !rule.is_empty())
        .map(|rule| Spanned {
            value: rule.to_owned(),
            span: place(rule),
        })
        .collect();
    if rules.is_empty() {
        return error("`allow()` names no rule");
    }
    let after = rest[close + 1..].trim_start();
    let Some(after) = after.strip_prefix("reason:") else {
        return error("a suppression needs a reason: `permspec: allow(RULES) reason: WHY`");
    };
    let comment_end = after.trim_end().trim_end_matches("*/").trim_end();
    let (reason, until) = match comment_end.rfind("until:") {
        Some(position) => {
            let date = comment_end[position + "until:".len()..].trim();
            let Ok(value) = date.parse::<jiff::civil::Date>() else {
                return error("`until:` takes a date, YYYY-MM-DD");
            };
            let until = Spanned {
                value,
                span: place(date),
            };
            (comment_end[..position].trim(), Some(until))
        }
        None => (comment_end.trim(), None),
    };
    if reason.is_empty() {
        return error("a suppression's reason cannot be empty");
    }
    Some(Ok(CodeSuppression {
        rules,
        reason: reason.to_owned(),
        until,
        span,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rules_reason_and_date_with_their_places() {
        let comment =
            "// permspec: allow(C009, code-dead-query) reason: built at run time until: 2027-01-31";
        let found = suppressions_in_comment(comment, 10).unwrap().unwrap();
        let rules: Vec<&str> = found.rules.iter().map(|rule| rule.value.as_str()).collect();
        assert_eq!(rules, ["C009", "code-dead-query"]);
        let first = found.rules[0].span;
        assert_eq!(&comment[first.start() - 10..first.end() - 10], "C009");
        let second = found.rules[1].span;
        assert_eq!(
            &comment[second.start() - 10..second.end() - 10],
            "code-dead-query"
        );
        assert_eq!(found.reason, "built at run time");
        let until = found.until.unwrap();
        assert_eq!(until.value.to_string(), "2027-01-31");
        assert_eq!(
            &comment[until.span.start() - 10..until.span.end() - 10],
            "2027-01-31"
        );
    }

    #[test]
    fn other_comments_say_nothing() {
        assert!(suppressions_in_comment("// checks permissions", 0).is_none());
        assert!(suppressions_in_comment("// see the permspec: docs", 0).is_none());
    }

    #[test]
    fn a_suppression_without_reason_rules_or_date_is_refused() {
        for comment in [
            "# permspec: allow(C001)",
            "# permspec: allow() reason: x",
            "# permspec: allow(C001 reason: x",
            "# permspec: ignore(C001) reason: x",
            "# permspec: allow(C001) reason: x until: soon",
            "/* permspec: allow(C001) reason: */",
        ] {
            assert!(
                matches!(suppressions_in_comment(comment, 0), Some(Err(_))),
                "{comment}"
            );
        }
    }

    #[test]
    fn a_block_comment_end_is_not_part_of_the_reason() {
        let found = suppressions_in_comment("/* permspec: allow(C1) reason: ok */", 0);
        assert_eq!(found.unwrap().unwrap().reason, "ok");
    }
}
