//! The loader, runner, linter and `lint --fix` on arbitrary bytes: anything may be rejected,
//! nothing may panic, and a safe fix never changes a decision.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    permspec_fuzz::exercise_policy(bytes);
    permspec_fuzz::fix_round_trip(bytes);
});
