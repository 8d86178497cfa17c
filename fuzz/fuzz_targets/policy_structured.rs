//! The loader, runner and linter on well-formed policy files built from generated roles,
//! keys, grants, forbid rules and cases: valid YAML of the right shape reaches every rule,
//! and every safe fix, whose round trip must keep every decision.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::fmt::Write as _;

/// Grants, from a small alphabet of real-looking permissions and wildcards.
const GRANTS: [&str; 12] = [
    "documents.read",
    "documents.write",
    "documents.*",
    "*",
    "users.view",
    "users.*.edit",
    "billing.refund",
    "api.*.read_api",
    "api.api_1.read_api",
    "api.*",
    "documnets.read",
    "Documents.Read",
];
const QUERIES: [&str; 8] = [
    "documents.read",
    "documents.read AND documents.write",
    "documents.read OR users.view",
    "(billing.refund OR users.view) AND documents.write",
    "api.api_1.read_api",
    "users.a.edit",
    "documents.read AND (",
    "*",
];
const SEMANTICS: [&str; 3] = ["wildcard", "literal", "strict"];
const EXPECT: [&str; 4] = ["allow", "deny", "error", "{wildcard: allow, literal: deny}"];

#[derive(Arbitrary, Debug)]
struct Policy {
    semantics: u8,
    catalog: Vec<u8>,
    roles: Vec<Vec<u8>>,
    keys: Vec<Key>,
    forbid: Vec<u8>,
    cases: Vec<Case>,
}

#[derive(Arbitrary, Debug)]
struct Key {
    roles: Vec<u8>,
    grants: Vec<u8>,
    enabled: bool,
    expired: bool,
    root: bool,
}

#[derive(Arbitrary, Debug)]
struct Case {
    key: u8,
    query: u8,
    expect: u8,
}

fn pick<'a>(choices: &[&'a str], byte: u8) -> &'a str {
    choices[usize::from(byte) % choices.len()]
}

fn list(bytes: &[u8]) -> String {
    let items: Vec<String> = bytes
        .iter()
        .take(6)
        .map(|byte| format!("\"{}\"", pick(&GRANTS, *byte)))
        .collect();
    format!("[{}]", items.join(", "))
}

impl Policy {
    fn yaml(&self) -> String {
        let mut out = format!(
            "version: 1\nsemantics: {}\n",
            pick(&SEMANTICS, self.semantics)
        );
        out.push_str("now: 2026-01-01T00:00:00Z\n");
        if !self.catalog.is_empty() {
            let _ = writeln!(out, "permissions: {}", list(&self.catalog));
        }
        let roles = self.roles.len().min(4);
        out.push_str("roles:\n");
        for (index, grants) in self.roles.iter().take(roles).enumerate() {
            let _ = writeln!(out, "  role{index}: {{permissions: {}}}", list(grants));
        }
        if roles == 0 {
            out.push_str("  empty: {permissions: []}\n");
        }
        let mut api = String::new();
        let mut root = String::new();
        for (index, key) in self.keys.iter().take(5).enumerate() {
            let held: Vec<String> = key
                .roles
                .iter()
                .take(3)
                .map(|byte| format!("role{}", usize::from(*byte) % roles.max(1)))
                .filter(|_| roles > 0)
                .collect();
            let mut entry = format!(
                "  key{index}:\n    permissions: {}\n    enabled: {}\n",
                list(&key.grants),
                key.enabled
            );
            if key.expired {
                entry.push_str("    expires: 2025-01-01T00:00:00Z\n");
            }
            if key.root {
                root.push_str(&entry);
            } else {
                let _ = writeln!(entry, "    roles: [{}]", held.join(", "));
                api.push_str(&entry);
            }
        }
        if !api.is_empty() {
            let _ = write!(out, "keys:\n{api}");
        }
        if !root.is_empty() {
            let _ = write!(out, "root_keys:\n{root}");
        }
        if !self.forbid.is_empty() {
            out.push_str("forbid:\n");
            for byte in self.forbid.iter().take(2) {
                let _ = writeln!(
                    out,
                    "  - {{permission: \"{}\", reason: fuzz}}",
                    pick(&GRANTS, *byte)
                );
            }
        }
        let keys = self.keys.len().min(5);
        if keys > 0 && !self.cases.is_empty() {
            out.push_str("cases:\n");
            for case in self.cases.iter().take(8) {
                let _ = writeln!(
                    out,
                    "  - {{key: key{}, query: \"{}\", expect: {}}}",
                    usize::from(case.key) % keys,
                    pick(&QUERIES, case.query),
                    pick(&EXPECT, case.expect)
                );
            }
        }
        out
    }
}

fuzz_target!(|policy: Policy| {
    let yaml = policy.yaml();
    permspec_fuzz::exercise_policy(yaml.as_bytes());
    permspec_fuzz::fix_round_trip(yaml.as_bytes());
});
