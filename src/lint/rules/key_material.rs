//! X001 key-material-in-policy: something that looks like a real API key in a policy file.

use crate::lint::context::LintContext;
use crate::lint::{Doc, Finding, RuleId};
use crate::span::Span;

/// The documentation of X001.
pub(crate) static DOC: Doc = Doc {
    summary: "something that looks like a real API or root key in any value",
    what: "Scans the whole file for tokens that look like key material: Unkey-style prefixed \
keys (`unkey_...`, `sk_...`, `pk_...` and other `prefix_` keys with a long random tail) and \
long high-entropy strings. Unkey's IDs (`key_...`, `api_...`, `ks_...` and the other \
prefixes Unkey generates IDs with) name things without opening them, and are left alone.",
    why: "Policy files are committed and reviewed in the open. A real key pasted into a \
description or a key name leaks with the repository: rotate it, and refer to keys by name.",
    example: r#"keys:
  ci_bot:
    description: "token unkey_3ZkYv8pQm2LwXr9TnB4sHd7Fj6"    # X001

# Fix: rotate the key, then describe it without the secret
keys:
  ci_bot:
    description: CI token for the docs service"#,
};

/// Prefixes of key material: Unkey's root keys, and the usual prefixes of API keys.
const KNOWN_PREFIXES: &[&str] = &["unkey_", "sk_", "pk_", "rk_", "api_key_", "root_"];

/// The prefixes of the identifiers Unkey generates (`pkg/uid`): `key_15p3gnlc21eh0s6f` is a
/// key's ID, which names the key in Unkey's API and dashboard and opens nothing. Such
/// tokens are never reported.
const ID_PREFIXES: &[&str] = &[
    "key", "api", "req", "ws", "ks", "role", "test", "rlns", "rlor", "perm", "id", "rl", "log",
    "cor", "ins", "fl", "net", "cls", "rgn", "org", "pst", "pat", "ps", "pc", "oas", "proj",
    "env", "evr", "app", "dom", "d", "flr", "cert", "pol", "asp",
];

/// Whether `token` has the shape of an Unkey ID: a known prefix, `_`, and letters and digits.
fn is_unkey_id(token: &str) -> bool {
    token.split_once('_').is_some_and(|(prefix, tail)| {
        ID_PREFIXES.contains(&prefix)
            && !tail.is_empty()
            && tail.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Bits of entropy per character of `text`.
fn entropy(text: &str) -> f64 {
    let mut counts = [0usize; 128];
    for byte in text.bytes() {
        counts[usize::from(byte & 0x7f)] += 1;
    }
    let length = text.len() as f64;
    counts
        .iter()
        .filter(|&&count| count > 0)
        .map(|&count| {
            let p = count as f64 / length;
            -p * p.log2()
        })
        .sum()
}

/// Whether a token looks like key material rather than a name or an Unkey ID.
pub(crate) fn looks_like_key(token: &str) -> bool {
    if is_unkey_id(token) {
        return false;
    }
    let mixed =
        token.chars().any(|c| c.is_ascii_digit()) && token.chars().any(|c| c.is_ascii_alphabetic());
    let prefixed = KNOWN_PREFIXES
        .iter()
        .find_map(|prefix| token.strip_prefix(prefix));
    match prefixed {
        Some(tail) => tail.len() >= 16 && mixed && entropy(tail) > 3.5,
        None => token.len() >= 32 && mixed && entropy(token) > 4.0,
    }
}

/// Checks a file's cases, access assertions and text, whether or not it declares its policy.
pub fn file(cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let source = &cx.file.source;
    let text = source.text();
    let mut start = None;
    for (offset, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, is_token_char(c)) {
            (None, true) => start = Some(offset),
            (Some(begin), false) => {
                let token = &text[begin..offset];
                if looks_like_key(token) {
                    out.push(Finding::new(
                        RuleId::X001.rule(),
                        source,
                        Span::new(begin, offset),
                        "this looks like a real API key: policy files are committed and must not hold secrets",
                        "possible key material",
                        "rotate the key in Unkey now, then refer to it by name or key ID only",
                    ));
                }
                start = None;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_key;

    #[test]
    fn unkey_ids_are_not_key_material() {
        for id in [
            "key_15p3gnlc21eh0s6f",
            "key_2cGKbMxRyIzhCxo1Idjz8q9Xw3vT5pL",
            "api_1WmLQkvkB8gMbT4n3s",
            "ks_9f8e7d6c5b4a3f2e1d0c",
            "ws_4Kq8Zr2Lm9Tx3Vn7Pw",
        ] {
            assert!(!looks_like_key(id), "{id}");
        }
    }

    #[test]
    fn real_keys_are_key_material() {
        for key in [
            "unkey_3ZkYv8pQm2LwXr9TnB4sHd7Fj6",
            "sk_live_9Xk2mP7qR4tV8wY3zB6nC1dF",
            "pk_3ZkYv8pQm2LwXr9TnB4sHd7Fj6",
            "3ZkYv8pQm2LwXr9TnB4sHd7Fj6Kq8Zr2Lm9T",
        ] {
            assert!(looks_like_key(key), "{key}");
        }
    }
}
