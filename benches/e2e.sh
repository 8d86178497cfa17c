#!/usr/bin/env bash
# End-to-end timings of the release binary on generated suites at three sizes:
# wall-clock seconds and peak memory of `test`, `lint` and `test --mutate`.
#   bash benches/e2e.sh            (from the repository root)
set -euo pipefail
cargo build --release --quiet
bin="$PWD/target/release/permspec"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%-8s %-6s %-16s %8s %10s\n' cases keys command seconds peak-MiB
for size in 1000 10000 100000; do
  keys=$((size / 100))
  dir="$work/$size"
  "$bin" generate "$dir" --cases "$size" --keys "$keys" --roles 100 >/dev/null
  for command in "test -q" "lint" "test -q --mutate"; do
    /usr/bin/time -f '%e %M' -o "$work/time" "$bin" $command "$dir" >/dev/null 2>&1 || true
    read -r seconds kib < <(tail -n 1 "$work/time")
    printf '%-8s %-6s %-16s %8s %10d\n' "$size" "$keys" "$command" "$seconds" $((kib / 1024))
  done
done
