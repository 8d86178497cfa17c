//! The query parser on arbitrary text: it never panics, every error points inside the text,
//! and whatever parses prints to a canonical form that parses to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use permspec::query::{parse, unkey_limits};

fuzz_target!(|text: &str| {
    match parse(text) {
        Ok(query) => {
            let _ = unkey_limits(text, &query);
            let printed = query.to_string();
            let reparsed = parse(&printed).expect("the canonical form parses");
            assert_eq!(reparsed.to_json(), query.to_json());
            assert_eq!(reparsed.to_string(), printed);
        }
        Err(error) => {
            let span = error.span();
            assert!(span.start() <= span.end() && span.end() <= text.len());
            assert!(text.is_char_boundary(span.start()) && text.is_char_boundary(span.end()));
        }
    }
});
