//! Policy files: loading YAML with the span of every node, and the model they describe.

mod access_map;
pub(crate) mod content;
mod limits;
mod load;
mod model;
mod raw;
mod resolve;
mod root_checks;
mod root_decision;
mod route_probes;
mod source;
mod spans;

/// A policy file that cannot be used.
pub type LoadError = crate::diagnostic::FileDiagnostic;
pub use access_map::{AccessMap, KeyAccess, Probes};
pub use limits::{Limit, Limits, MAX_YAML_DEPTH};
pub use load::Loader;
pub use model::{
    AccessAssertion, Api, Case, ForbidRule, Key, KeyKind, Policy, QueryText, Role, RootCase,
    RootCheck, RouteAccess, Spanned, Suppression, TestFile,
};
pub use raw::{Expect, Expectation, PerMode, RawFile, RawParam};
pub use resolve::{Grant, GrantList, KeyDecision, Resolved, SharedResolution, Verdict};
pub use root_checks::{completed_params, contradiction};
pub use root_decision::{RootOutcome, decide_root, grants_used, root_key_stopped, root_leaves};
pub use route_probes::{OTHER, Probe, RouteProbes, route_case};
pub use source::{Source, SourceFile};

/// The JSON Schema of policy files, pretty-printed, as `schema/policy-v1.schema.json` holds
/// it: derived from the types the loader reads.
pub fn schema_text() -> String {
    let schema = schemars::schema_for!(RawFile);
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}
