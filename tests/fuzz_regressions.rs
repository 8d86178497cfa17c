//! Every input a fuzzer crashed on (`fuzz/regressions/<target>/`) is run through the
//! binary as the target ran it: any outcome but a panic is a pass.

mod support;

use support::cli::permspec;

#[test]
fn crashing_inputs_are_handled() {
    let mut seen = 0;
    for target in ["policy_bytes", "policy_structured"] {
        let directory = std::path::Path::new("fuzz/regressions").join(target);
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let path = path.to_str().unwrap();
            for command in ["test", "lint"] {
                let run = permspec(&[command, path]);
                assert!(
                    [0, 1, 2].contains(&run.code) && !run.stderr.contains("panicked"),
                    "{command} {path}: exit {}\n{}",
                    run.code,
                    run.stderr
                );
            }
            seen += 1;
        }
    }
    assert!(seen > 0, "the regression inputs are found");
}

/// The query inputs the fuzzer starts from (`fuzz/seeds/query_parser/`) and any it crashed
/// on (`fuzz/regressions/query_parser/`) keep the target's properties: no panic, an error
/// points inside the text, and what parses prints to a canonical form that parses to the
/// same tree.
#[test]
fn query_inputs_keep_the_fuzz_targets_properties() {
    use permspec::query::{parse, unkey_limits};
    let mut seen = 0;
    for directory in ["fuzz/seeds/query_parser", "fuzz/regressions/query_parser"] {
        let Ok(entries) = std::fs::read_dir(directory) else {
            continue;
        };
        for entry in entries {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            // The target takes text: inputs that are not UTF-8 never reach the parser.
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            match parse(text) {
                Ok(query) => {
                    let _ = unkey_limits(text, &query);
                    let printed = query.to_string();
                    let reparsed = parse(&printed).expect("the canonical form parses");
                    assert_eq!(reparsed.to_json(), query.to_json(), "{text:?}");
                    assert_eq!(reparsed.to_string(), printed, "{text:?}");
                }
                Err(error) => {
                    let span = error.span();
                    assert!(
                        span.start() <= span.end() && span.end() <= text.len(),
                        "{text:?}"
                    );
                    assert!(
                        text.is_char_boundary(span.start()) && text.is_char_boundary(span.end())
                    );
                }
            }
            let run = support::cli::permspec_with_input(&["parse"], text);
            assert!([0, 1, 2].contains(&run.code) && !run.stderr.contains("panicked"));
            seen += 1;
        }
    }
    assert!(seen > 0, "the query inputs are found");
}
