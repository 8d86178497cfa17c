#!/usr/bin/env bash
# End-to-end timings of the release binary on generated suites: wall-clock seconds and
# peak memory of `test --format json`, `lint`, `diff` and `test --mutate` at three sizes
# (keys grow with cases), `lint` of 10,000 keys, and 10,000 keys of which about two thirds
# hold one 1,000-grant role (most with a grant or two of their own).
#   bash benches/e2e.sh                 (from the repository root; 2 minutes on 2 cores)
#   E2E_LARGE=1 bash benches/e2e.sh     adds a million cases and 100,000 keys of the shared
#                                       role (several minutes, and about 2 GB of memory)
#   PERMSPEC_BIN=path bash benches/e2e.sh   times that binary instead of building one (say,
#                                       two builds one after the other, to compare them)
set -euo pipefail
if [ -n "${PERMSPEC_BIN:-}" ]; then
  bin="$(realpath "$PERMSPEC_BIN")"
else
  cargo build --release --quiet
  bin="$PWD/target/release/permspec"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

measure() { # label cases keys command...
  local cases=$1 keys=$2 label=$3
  shift 3
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1 || true
  read -r seconds kib < <(tail -n 1 "$work/time")
  printf '%-8s %-6s %-16s %8s %10d\n' "$cases" "$keys" "$label" "$seconds" $((kib / 1024))
}

printf '%-8s %-6s %-16s %8s %10s\n' cases keys command seconds peak-MiB
for size in 1000 10000 100000; do
  keys=$((size / 100))
  dir="$work/$size"
  "$bin" generate "$dir" --cases "$size" --keys "$keys" --roles 100 >/dev/null
  # The same suite with one role widened to a wildcard, for `diff`.
  cp -r "$dir" "$dir-widened"
  sed -i '0,/^  r0:$/{n;s/permissions: \[/permissions: ["ns9.*",/}' "$dir-widened/policy.yaml"
  measure "$size" "$keys" "test --format json" "$bin" test --format json "$dir"
  measure "$size" "$keys" "lint" "$bin" lint "$dir"
  measure "$size" "$keys" "diff" "$bin" diff "$dir" "$dir-widened"
  measure "$size" "$keys" "test --mutate" "$bin" test -q --mutate "$dir"
done

dir="$work/keys"
"$bin" generate "$dir" --cases 10000 --keys 10000 --roles 100 >/dev/null
measure 10000 10000 "lint" "$bin" lint "$dir"

large="${E2E_LARGE:-0}"
if [ "$large" = 1 ]; then
  dir="$work/million"
  # 16 files keep each under the 16 MiB limit on a policy file.
  "$bin" generate "$dir" --cases 1000000 --keys 10000 --roles 100 --case-files 16 >/dev/null
  measure 1000000 10000 "test --format json" "$bin" test --format json "$dir"
  rm -rf "$dir"
fi

# One role of 1,000 grants: keys that hold it and nothing else share one compiled copy.
for keys in 10000 $([ "$large" = 1 ] && echo 100000); do
  dir="$work/shared-$keys"
  "$bin" generate "$dir" --cases 10000 --keys "$keys" --roles 1 --grants-per-role 1000 >/dev/null
  measure 10000 "$keys" "shared role: test" "$bin" test -q "$dir"
  measure 10000 "$keys" "shared role: lint" "$bin" lint "$dir"
done
