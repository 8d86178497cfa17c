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

#[test]
fn crashing_queries_are_handled() {
    let directory = std::path::Path::new("fuzz/regressions/query_parser");
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries {
        let query = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let run = permspec(&["parse", &query]);
        assert!([0, 1, 2].contains(&run.code) && !run.stderr.contains("panicked"));
    }
}
