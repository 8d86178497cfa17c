//! `permspec schema`: the JSON Schema of policy files, derived from the loader's types.

use super::Exit;
use crate::policy::RawFile;

/// Arguments of `permspec schema` (none).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// The schema, pretty-printed, as `schema/policy-v1.schema.json` holds it.
pub fn schema_text() -> String {
    let schema = schemars::schema_for!(RawFile);
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}

pub fn run(_: &Args) -> Exit {
    print!("{}", schema_text());
    Exit::Success
}
