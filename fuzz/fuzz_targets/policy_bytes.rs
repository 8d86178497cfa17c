//! The loader, runner and linter on arbitrary bytes: anything may be rejected, nothing may
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| permspec_fuzz::exercise_policy(bytes));
