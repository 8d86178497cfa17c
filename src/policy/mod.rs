//! Policy files: loading YAML with the span of every node, and the model they describe.

mod access_map;
mod asked;
mod build_policy;
mod document;
mod file_errors;
mod files;
mod items;
mod load;
mod model;
mod nodes;
mod provenance;
mod raw;
mod resolve;
mod root_checks;
mod root_decision;
mod route_probes;
mod test_file;
mod time;

/// A policy file that cannot be used.
pub type LoadError = crate::diagnostic::FileDiagnostic;
pub use crate::source::{Source, SourceFile};
pub use crate::yaml::{Limit, Limits, LimitsError};
pub use access_map::{AccessMap, KeyAccess, Probes};
pub use asked::{Asked, Response};
pub use files::{PathError, policy_files};
pub use load::Loader;
pub use model::{
    Api, Assertion, Check, ForbidRule, Key, KeyKind, Pin, Policy, QueryText, Role, RootCheck,
    RouteRequest, Spanned, Subject, Suppression, TestFile,
};
pub use provenance::{Via, provenance};
pub use raw::{Expect, Expectation, PerMode, RawFile, RawParam};
pub use resolve::{Grant, GrantList, KeyDecision, Resolved, SharedResolution, Verdict};
pub use root_checks::{completed_call, completed_params, contradiction};
pub use root_decision::{RootDecision, root_key_stopped};

pub(crate) use files::is_policy_file_name;
pub(crate) use provenance::matchings_of;
pub(crate) use root_decision::decide_root;
pub(crate) use root_decision::grants_used;
pub(crate) use root_decision::root_leaves;
pub(crate) use root_decision::unknown_root_key;
pub(crate) use route_probes::route_case;
pub use route_probes::{Probe, RouteProbes};

/// The JSON Schema of policy files, pretty-printed, as `schema/policy-v1.schema.json` holds
/// it: derived from the types the loader reads.
pub fn schema_text() -> String {
    let schema = schemars::schema_for!(RawFile);
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}
