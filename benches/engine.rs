//! Parse and evaluation throughput: `cargo bench`. End-to-end timings of the release binary
//! on generated suites are in `benches/e2e.sh`.
#![allow(missing_docs)] // `criterion_group!` defines an undocumented function

extern crate alloc; // for pest_derive without `std`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use permspec::eval::{Access, Matching, decide, decide_code, routes, urn};
use permspec::query::parse;
use pest::Parser as _;
use std::hint::black_box;

/// Eight permissions, the shape of a real check; allowed by the second operand.
const QUERY: &str = "admin OR (documents.read AND documents.write AND users.view) OR \
                     (billing.read AND billing.refund AND api.keys.read AND api.keys.create)";
/// Eight permissions, denied: every leaf is looked up.
const DENIED: &str = "admin OR (documents.read AND billing.refund) OR (users.view AND users.edit) \
                      OR (api.keys.read AND api.keys.create AND billing.read)";

/// `count` grants, one in five a wildcard (trailing or inner), plus those the queries use.
fn grants(count: usize) -> Vec<String> {
    let mut grants: Vec<String> = (0..count)
        .map(|index| match index % 10 {
            0 => format!("ns{}.res{index}.*", index % 7),
            5 => format!("ns{}.*.act{index}", index % 7),
            _ => format!("ns{}.res{}.act{index}", index % 7, index % 97),
        })
        .collect();
    grants.extend(["documents.*", "users.view", "billing.read"].map(String::from));
    grants
}

/// The same grammar, for pest's own parse (the pairs, without permspec's AST).
#[derive(pest_derive::Parser)]
#[grammar = "grammar/query.pest"]
struct Grammar;

fn parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(QUERY.len() as u64));
    group.bench_function("8-permission query", |b| b.iter(|| parse(black_box(QUERY))));
    group.bench_function("8-permission query, pest's own parse", |b| {
        b.iter(|| Grammar::parse(Rule::query, black_box(QUERY)).map(|pairs| pairs.count()))
    });
    group.finish();
}

fn evaluation(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide");
    group.throughput(Throughput::Elements(1));
    for (name, text) in [("allowed", QUERY), ("denied", DENIED)] {
        let query = parse(text).unwrap();
        for count in [50, 10_000] {
            let access = Access::new(grants(count), Vec::<String>::new(), Matching::Wildcard);
            group.bench_function(format!("code, {name}, {count} grants"), |b| {
                b.iter(|| decide_code(black_box(&query), black_box(&access)))
            });
            group.bench_function(format!("explained, {name}, {count} grants"), |b| {
                b.iter(|| decide(black_box(&query), black_box(&access)))
            });
        }
    }
    group.finish();
}

/// Root-key URN leaves: a scoped root key of 21 grants (one in four a wildcard) checked
/// against a key route's URN leaf, allowed and denied, through `UrnGrants` and through
/// `urn::covered`. Target: a million leaf checks a second.
fn urn_leaves(c: &mut Criterion) {
    let mut grants: Vec<String> = (0..20)
        .map(|index| match index % 4 {
            0 => format!("unkey:v1:ws_1:keyspaces/ks_{index}/keys/*#read_key"),
            1 => format!("unkey:v1:ws_1:ratelimits/namespaces/ns_{index}/**#read_override"),
            _ => format!("unkey:v1:ws_1:keyspaces/ks_{index}/keys/key_{index}#update_key"),
        })
        .collect();
    grants.push("api.*.read_api".to_owned());
    let allowed = "unkey:v1:ws_1:keyspaces/ks_16/keys/key_9#read_key";
    let denied = "unkey:v1:ws_1:keyspaces/ks_99/keys/key_9#read_key";
    let mut group = c.benchmark_group("urn leaf");
    group.throughput(Throughput::Elements(1));
    let parsed = urn::UrnGrants::new(&grants);
    group.bench_function("allowed", |b| {
        b.iter(|| parsed.covering(black_box(allowed)))
    });
    group.bench_function("denied", |b| b.iter(|| parsed.covering(black_box(denied))));
    group.bench_function("denied, through urn::covered", |b| {
        b.iter(|| urn::covered(black_box(denied), black_box(&grants)))
    });
    group.finish();
}

/// A request to a route as a `route` line of `check --batch` decides it, values filled in,
/// grants parsed once per request: keys.getKey denied (three leaves checked) and
/// apis.listKeys allowed through its URN arm (six leaves). Throughput is in leaf checks.
fn route_requests(c: &mut Criterion) {
    let grants: Vec<String> = (0..20)
        .map(|index| format!("unkey:v1:ws_1:keyspaces/ks_{index}/keys/*#read_key"))
        .chain(["unkey:v1:ws_1:keyspaces/ks_1#read_keyspace".to_owned()])
        .collect();
    let request = routes::Request::new()
        .param("workspaceId", "ws_1")
        .param("apiId", "api_1")
        .param("keyAuthId", "ks_1")
        .param("keyId", "key_1");
    let mut group = c.benchmark_group("route request");
    let get_key = routes::table().get("keys.getKey").unwrap();
    let wrong = request.clone().param("keyAuthId", "ks_99");
    group.throughput(Throughput::Elements(3));
    group.bench_function("keys.getKey denied", |b| {
        b.iter(|| get_key.decide(black_box(&wrong), black_box(&grants)))
    });
    let list_keys = routes::table().get("apis.listKeys").unwrap();
    group.throughput(Throughput::Elements(6));
    group.bench_function("apis.listKeys allowed", |b| {
        b.iter(|| list_keys.decide(black_box(&request), black_box(&grants)))
    });
    group.finish();
}

criterion_group!(benches, parsing, evaluation, urn_leaves, route_requests);
criterion_main!(benches);
