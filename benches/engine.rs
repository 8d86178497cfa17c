//! Parse and evaluation throughput: `cargo bench`. End-to-end timings of the release binary
//! on generated suites are in `benches/e2e.sh`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use permspec::eval::{Access, Matching, decide};
use permspec::query::parse;
use std::hint::black_box;

/// Eight permissions, the shape of a real check.
const QUERY: &str = "admin OR (documents.read AND documents.write AND users.view) OR \
                     (billing.read AND billing.refund AND api.keys.read AND api.keys.create)";

fn grants(count: usize) -> Vec<String> {
    let mut grants: Vec<String> = (0..count)
        .map(|index| format!("ns{}.res{}.act{index}", index % 10, index % 97))
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
    let query = parse(QUERY).unwrap();
    let mut group = c.benchmark_group("decide");
    group.throughput(Throughput::Elements(1));
    for count in [50, 10_000] {
        let access = Access::new(grants(count), Vec::<String>::new(), Matching::Wildcard);
        group.bench_function(format!("{count} grants"), |b| {
            b.iter(|| decide(black_box(&query), black_box(&access)))
        });
    }
    group.finish();
}

criterion_group!(benches, parsing, evaluation);
criterion_main!(benches);
