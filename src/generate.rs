//! Synthetic suites for benchmarks and scaling tests: deterministic from a seed, written as
//! ordinary policy files that `permspec test` and `permspec lint` accept. The expectations
//! are the evaluator's own decisions, so a generated suite passes.

use crate::eval::Semantics;
use crate::policy::{AccessMap, Loader, Probes, Resolved};
use crate::query::{self, Query};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The shape of a generated suite.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Shape {
    /// Seed: the same seed and shape give the same files.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 1))]
    pub seed: u64,
    /// Number of roles.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 100))]
    pub roles: usize,
    /// Number of API keys.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 1000))]
    pub keys: usize,
    /// Number of cases.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 100_000))]
    pub cases: usize,
    /// Number of catalog permissions.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 500))]
    pub catalog: usize,
    /// Grants per role.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 8))]
    pub grants_per_role: usize,
    /// Share of grants that are wildcards (`ns.*`, `ns.res.*`), from 0 to 1.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 0.2))]
    pub wildcard_share: f64,
    /// Nesting depth of queries (1: a single permission or one operator).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 2))]
    pub query_depth: usize,
    /// Operands per operator in queries.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 3))]
    pub query_width: usize,
    /// Files the cases are spread over (each names the policy with `policy:`).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 4))]
    pub case_files: usize,
}

/// Writes `policy.yaml` and the case files into `directory`; returns the files written.
pub fn generate(shape: &Shape, directory: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut rng = ChaCha8Rng::seed_from_u64(shape.seed);
    std::fs::create_dir_all(directory)?;
    let catalog = catalog(shape.catalog);
    let policy_path = directory.join("policy.yaml");
    std::fs::write(&policy_path, policy_text(shape, &catalog, &mut rng))?;

    let loaded = Loader::default()
        .load(&policy_path)
        .map_err(|error| std::io::Error::other(error.to_string()))?;
    let resolved = Resolved::new(Arc::clone(&loaded.policy));
    let now = jiff::Timestamp::UNIX_EPOCH;
    // Queries lean on what each key holds, so that about half the cases allow.
    let mut probes = Probes::default();
    probes.add(&loaded.policy, true);
    let access = AccessMap::new(&resolved, Semantics::Wildcard, now, &probes);
    let files = shape.case_files.max(1);
    let mut written = vec![policy_path];
    for file in 0..files {
        let mut text = String::from("version: 1\npolicy: policy.yaml\ncases:\n");
        let count = shape.cases / files + usize::from(file < shape.cases % files);
        for _ in 0..count {
            let key = format!("k{}", rng.random_range(0..shape.keys.max(1)));
            let held: Vec<&String> = access
                .keys
                .get(&key)
                .map(|access| access.allowed.iter().collect())
                .unwrap_or_default();
            let leaves = Leaves {
                held: &held,
                catalog: &catalog,
            };
            let query = query_tree(shape, &leaves, shape.query_depth, &mut rng).to_string();
            let parsed = query::parse(&query).expect("generated queries parse");
            let allowed = resolved
                .verdict(&key, &parsed, Semantics::Wildcard, now)
                .allowed();
            let expect = if allowed { "allow" } else { "deny" };
            writeln!(
                text,
                "  - {{key: {key}, query: \"{query}\", expect: {expect}}}"
            )
            .expect("writing to a String");
        }
        let path = directory.join(format!("cases-{file:02}.yaml"));
        std::fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}

/// `ns{a}.res{b}.act{c}`, spread over ten namespaces of ten resources.
fn catalog(size: usize) -> Vec<String> {
    (0..size)
        .map(|index| {
            format!(
                "ns{}.res{}.act{}",
                index % 10,
                (index / 10) % 10,
                index / 100
            )
        })
        .collect()
}

fn grant(shape: &Shape, catalog: &[String], rng: &mut ChaCha8Rng) -> String {
    let permission = &catalog[rng.random_range(0..catalog.len())];
    if rng.random_bool(shape.wildcard_share.clamp(0.0, 1.0)) {
        let segments: Vec<&str> = permission.split('.').collect();
        let kept = rng.random_range(1..=2);
        format!("{}.*", segments[..kept].join("."))
    } else {
        permission.clone()
    }
}

fn policy_text(shape: &Shape, catalog: &[String], rng: &mut ChaCha8Rng) -> String {
    let mut text = String::from("version: 1\nsemantics: wildcard\npermissions:\n");
    for permission in catalog {
        writeln!(text, "  - {permission}").expect("writing to a String");
    }
    text.push_str("roles:\n");
    for role in 0..shape.roles {
        let grants: Vec<String> = (0..shape.grants_per_role)
            .map(|_| grant(shape, catalog, rng))
            .collect();
        writeln!(text, "  r{role}:\n    permissions: {}", flow_list(&grants))
            .expect("writing to a String");
    }
    text.push_str("keys:\n");
    for key in 0..shape.keys {
        let held: Vec<String> = (0..rng.random_range(0..=2))
            .filter(|_| shape.roles > 0)
            .map(|_| format!("r{}", rng.random_range(0..shape.roles)))
            .collect();
        let own: Vec<String> = (0..rng.random_range(0..=2))
            .map(|_| grant(shape, catalog, rng))
            .collect();
        writeln!(
            text,
            "  k{key}:\n    roles: {}\n    permissions: {}",
            flow_list(&dedup(held)),
            flow_list(&own)
        )
        .expect("writing to a String");
    }
    text
}

/// `["a", "b"]`: a YAML flow sequence of quoted strings.
fn flow_list(items: &[String]) -> String {
    serde_json::to_string(items).expect("strings serialize")
}

fn dedup(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items.dedup();
    items
}

/// Where query leaves come from: mostly what the key holds, else anything in the catalog.
struct Leaves<'a> {
    held: &'a [&'a String],
    catalog: &'a [String],
}

impl Leaves<'_> {
    fn pick(&self, rng: &mut ChaCha8Rng) -> String {
        if !self.held.is_empty() && rng.random_bool(0.8) {
            self.held[rng.random_range(0..self.held.len())].clone()
        } else if self.catalog.is_empty() {
            "p".to_owned()
        } else {
            self.catalog[rng.random_range(0..self.catalog.len())].clone()
        }
    }
}

fn query_tree(shape: &Shape, leaves: &Leaves<'_>, depth: usize, rng: &mut ChaCha8Rng) -> Query {
    if depth == 0 || rng.random_bool(0.3) {
        return Query::permission(leaves.pick(rng));
    }
    let width = rng.random_range(2..=shape.query_width.max(2));
    let children = (0..width)
        .map(|_| query_tree(shape, leaves, depth - 1, rng))
        .collect();
    let span = crate::span::Span::default();
    if rng.random_bool(0.5) {
        Query::And { children, span }
    } else {
        Query::Or { children, span }
    }
}

/// The reference workload's shape: one file holding the policy and its cases, under
/// `semantics: literal`, as Unkey's engine matches. Namespaces of eight actions (and owned
/// variants of three), roles of 1 to 12 grants, keys of up to 3 roles and 5 grants of their
/// own, queries up to two operators deep over the catalog.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Seed: the same seed and shape give the same file.
    pub seed: u64,
    /// Number of roles.
    pub roles: usize,
    /// Number of API keys.
    pub keys: usize,
    /// Number of cases.
    pub cases: usize,
    /// Share of grants that are wildcards (`ns3.*`, `ns1.*.own`), from 0 to 1.
    pub wildcard_share: f64,
}

impl Default for Reference {
    /// Seed 7, 100 roles, 1,000 keys, 100,000 cases, a fifth of the grants wildcards: about
    /// 10 MB.
    fn default() -> Self {
        Reference {
            seed: 7,
            roles: 100,
            keys: 1000,
            cases: 100_000,
            wildcard_share: 0.2,
        }
    }
}

/// Writes the reference workload to `path`: one policy file with its cases, each expecting
/// what the evaluator decides under `semantics: literal`.
pub fn generate_reference(shape: &Reference, path: &Path) -> std::io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(shape.seed);
    let catalog = reference_catalog();
    let mut text = reference_policy(shape, &catalog, &mut rng);
    // The policy alone decides the expectations, then the cases follow it in the same file.
    let policy = Loader::default()
        .load_text(path, text.clone())
        .map_err(|error| std::io::Error::other(error.to_string()))?;
    let resolved = Resolved::new(Arc::clone(&policy.policy));
    let now = jiff::Timestamp::UNIX_EPOCH;
    text.push_str("cases:\n");
    for case in 0..shape.cases {
        let key = format!("key{}", rng.random_range(0..shape.keys.max(1)));
        let query = reference_query(&catalog, 0, &mut rng);
        let parsed = query::parse(&query).expect("generated queries parse");
        let allowed = resolved
            .verdict(&key, &parsed, Semantics::Literal, now)
            .allowed();
        let expect = if allowed { "allow" } else { "deny" };
        writeln!(
            text,
            "  - {{name: c{case}, key: {key}, query: \"{query}\", expect: {expect}}}"
        )
        .expect("writing to a String");
    }
    std::fs::write(path, text)
}

/// Forty namespaces of eight actions, and owned variants of three actions in ten of them.
fn reference_catalog() -> Vec<String> {
    let actions = [
        "read", "write", "delete", "list", "admin", "update", "create", "view",
    ];
    let mut catalog: Vec<String> = (0..40)
        .flat_map(|ns| actions.iter().map(move |action| format!("ns{ns}.{action}")))
        .collect();
    catalog.extend((0..10).flat_map(|ns| {
        actions[..3]
            .iter()
            .map(move |action| format!("ns{ns}.{action}.own"))
    }));
    catalog
}

/// The policy part of the reference workload: catalog, roles of 1 to 12 grants, keys of
/// up to 3 roles and 5 grants of their own.
fn reference_policy(shape: &Reference, catalog: &[String], rng: &mut ChaCha8Rng) -> String {
    let grant = |rng: &mut ChaCha8Rng| {
        if rng.random_bool(shape.wildcard_share.clamp(0.0, 1.0)) {
            if rng.random_bool(0.5) {
                format!("ns{}.*", rng.random_range(0..40))
            } else {
                format!("ns{}.*.own", rng.random_range(0..10))
            }
        } else {
            catalog[rng.random_range(0..catalog.len())].clone()
        }
    };
    let mut text = String::from("version: 1\nsemantics: literal\npermissions:\n");
    for permission in catalog {
        writeln!(text, "  - {permission}").expect("writing to a String");
    }
    text.push_str("roles:\n");
    for role in 0..shape.roles {
        let grants: Vec<String> = (0..rng.random_range(1..=12)).map(|_| grant(rng)).collect();
        writeln!(
            text,
            "  role{role}: {{permissions: {}}}",
            flow_list(&dedup(grants))
        )
        .expect("writing to a String");
    }
    text.push_str("keys:\n");
    for key in 0..shape.keys {
        let held: Vec<String> = (0..rng.random_range(0..=3))
            .filter(|_| shape.roles > 0)
            .map(|_| format!("role{}", rng.random_range(0..shape.roles)))
            .collect();
        let own: Vec<String> = (0..rng.random_range(0..=5)).map(|_| grant(rng)).collect();
        writeln!(
            text,
            "  key{key}: {{roles: [{}], permissions: {}}}",
            dedup(held).join(", "),
            flow_list(&dedup(own))
        )
        .expect("writing to a String");
    }
    text
}

/// A query of the reference shape: a catalog permission, or up to two levels of 2 or 3
/// operands joined by one operator.
fn reference_query(catalog: &[String], depth: usize, rng: &mut ChaCha8Rng) -> String {
    if depth >= 2 || rng.random_bool(0.4) {
        return catalog[rng.random_range(0..catalog.len())].clone();
    }
    let operator = if rng.random_bool(0.5) {
        " AND "
    } else {
        " OR "
    };
    let operands: Vec<String> = (0..rng.random_range(2..=3))
        .map(|_| reference_query(catalog, depth + 1, rng))
        .collect();
    format!("({})", operands.join(operator))
}
