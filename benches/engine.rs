//! Parse and evaluation throughput: `cargo bench`. End-to-end timings of the release binary
//! on generated suites are in `benches/e2e.sh`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use permspec::eval::{Access, Matching, decide, decide_code};
use permspec::query::parse;
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

fn parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(QUERY.len() as u64));
    group.bench_function("8-permission query", |b| b.iter(|| parse(black_box(QUERY))));
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

criterion_group!(benches, parsing, evaluation);
criterion_main!(benches);
