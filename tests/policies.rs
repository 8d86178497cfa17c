//! Runs every suite under `policies/` and `fixtures/suites/` with permspec's own runner, so
//! `cargo test` checks the bundled examples and the fixture suites. Takes libtest's flags:
//! `cargo test --test policies -- documents --exact`.

use permspec::runner::{collect, policy_files, run_libtest};
use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let arguments = libtest_mimic::Arguments::from_args();
    let roots = [PathBuf::from("policies"), PathBuf::from("fixtures/suites")];
    let files = policy_files(&roots).expect("the suite folders exist");
    let tests = collect(&files, None, jiff::Timestamp::now(), &Default::default()).tests;
    run_libtest(tests, &arguments, false).conclusion.exit_code()
}
