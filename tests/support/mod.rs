//! Shared by the property tests: generators and the naive reference evaluator.
#![allow(dead_code)] // each test crate uses a different part

pub mod cli;
pub mod git;
pub mod naive;
pub mod source;
pub mod strategies;
pub mod unkey;
