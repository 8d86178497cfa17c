//! `permspec schema`: the JSON Schema of policy files, derived from the loader's types.

use super::Exit;
use permspec::policy::schema_text;

/// Arguments of `permspec schema` (none).
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_: &Args) -> Exit {
    out!("{}", schema_text());
    Exit::Success
}
