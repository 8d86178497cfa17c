#!/usr/bin/env bash
# The access report at scale: 10,000 keys and a catalog of 1,000 permissions (100 roles of
# 8 grants, a fifth of grants wildcards, 20,000 cases in two files; about 89 effective
# permissions per key). Times `report` in each format (wall-clock seconds and peak memory),
# gives the HTML's size, then how fast it opens and answers in headless Chromium.
#   bash benches/report.sh         (from the repository root; needs /usr/bin/chromium)
set -euo pipefail
cargo build --release --quiet
bin="$PWD/target/release/permspec"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" generate "$work/suite" --keys 10000 --catalog 1000 --roles 100 --cases 20000 \
  --case-files 2 >/dev/null

measure() { # label command...
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null
  read -r seconds kib < <(tail -n 1 "$work/time")
  printf '%-14s %8s s %8d MiB\n' "$label" "$seconds" $((kib / 1024))
}
for run in 1 2 3; do
  measure "report html" "$bin" report "$work/suite" -o "$work/review.html"
done
measure "report json" "$bin" report "$work/suite" --format json -o "$work/review.json"
measure "report csv" "$bin" report "$work/suite" --format csv -o "$work/csv"
printf '%-14s %8s MB\n' "html size" "$(du -m --apparent-size "$work/review.html" | cut -f1)"
printf '%-14s %8s MB\n' "json size" "$(du -m --apparent-size "$work/review.json" | cut -f1)"
cargo bench --quiet --bench report_open -- "$work/review.html"
