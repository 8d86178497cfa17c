#!/usr/bin/env bash
# `permspec scan` on a generated repository of about a million lines of TypeScript, TSX,
# JavaScript, Go and Python, shaped as an application is: one file in six is a module of
# route handlers that verify keys with Unkey's SDKs (a query every 14 lines or so), the
# others are models, helpers and views, a third of which mention roles or permissions in
# passing (so they are parsed, and hold no site). Lines average about 38 bytes. It prints
# lines, files, sites, the best wall-clock seconds of three runs and the peak memory.
#   bash benches/scan.sh                      (from the repository root)
#   SCAN_LINES=200000 bash benches/scan.sh    another size
#   SCAN_HANDLERS=1 bash benches/scan.sh      every file a module of handlers (the worst case)
#   PERMSPEC_BIN=path bash benches/scan.sh    times that binary instead of building one
set -euo pipefail
if [ -n "${PERMSPEC_BIN:-}" ]; then
  bin="$(realpath "$PERMSPEC_BIN")"
else
  cargo build --release --quiet
  bin="$PWD/target/release/permspec"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$work" "${SCAN_LINES:-1000000}" "${SCAN_HANDLERS:-6}" <<'PY'
import os, random, sys
root, target, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
resources = [f"res{i}" for i in range(60)]
actions = ["read", "write", "delete", "list", "manage"]
perms = [f"{r}.{a}" for r in resources for a in actions]
os.makedirs(f"{root}/policies")
with open(f"{root}/policies/policy.yaml", "w") as out:
    out.write("version: 1\nsemantics: literal\npermissions:\n")
    out.writelines(f"  - {p}\n" for p in perms)
    out.write("roles:\n")
    for i in range(30):
        out.write(f"  role{i}: {{permissions: [{', '.join(rng.sample(perms, 12))}]}}\n")
    out.write("keys:\n")
    for i in range(300):
        out.write(f"  key{i}: {{roles: [role{rng.randrange(30)}], permissions: [{rng.choice(perms)}]}}\n")

def query():
    a, b = rng.sample(perms, 2)
    return rng.choice([a, f"{a} AND {b}", f"{a} OR {b}"])

def ts_handler(i, typed):
    t = (lambda text: text) if typed else (lambda text: "")
    return [
        f"export async function get{i}(c{t(': Context')}) {{",
        f"  const key = c.req.header(\"x-api-key\");",
        f"  const {{ data }} = await unkey.keys.verifyKey({{",
        f"    key,",
        f"    permissions: \"{query()}\",",
        f"  }});",
        f"  if (!data.valid) {{",
        f"    return c.json({{ error: \"forbidden\" }}, 403);",
        f"  }}",
        f"  const rows = await db.list{i % 7}(data.identity);",
        f"  const total = sum(rows, (r) => r.amount);",
        f"  return c.json({{ rows, total }});",
        f"}}",
        "",
    ]

def ts_plain(i, typed, decoy):
    t = (lambda text: text) if typed else (lambda text: "")
    lines = [f"// {'Shows the roles a member holds.' if decoy else 'Formats the rows of a table.'}"]
    lines += [
        f"export function format{i}(row{t(': Row')}, width{t(': number')}) {{",
        f"  const name = row.name.padEnd(width);",
        f"  const cells = row.cells.map((cell) => {{",
        f"    if (cell.kind === \"number\") {{",
        f"      return cell.value.toFixed({i % 4});",
        f"    }}",
        f"    return String(cell.value);",
        f"  }});",
        f"  return [name, ...cells].join(\" | \");",
        f"}}",
        "",
    ]
    return lines

def go_handler(i):
    return [
        f"func Get{i}(w http.ResponseWriter, r *http.Request) {{",
        f"\tbody := components.V2KeysVerifyKeyRequestBody{{",
        f"\t\tKey:         r.Header.Get(\"X-Api-Key\"),",
        f"\t\tPermissions: unkey.String(\"{query()}\"),",
        f"\t}}",
        f"\tres, err := client.Keys.VerifyKey(r.Context(), body)",
        f"\tif err != nil || !res.Data.Valid {{",
        f"\t\thttp.Error(w, \"forbidden\", 403)",
        f"\t\treturn",
        f"\t}}",
        f"\twriteJSON(w, store.List{i % 7}(r.Context()))",
        f"}}",
        "",
    ]

def go_plain(i, decoy):
    return [
        f"// Sum{i} {'counts the roles of each member.' if decoy else 'adds the amounts of the rows.'}",
        f"func Sum{i}(rows []Row) int {{",
        f"\ttotal := 0",
        f"\tfor _, row := range rows {{",
        f"\t\tif row.Amount > {i % 50} {{",
        f"\t\t\ttotal += row.Amount",
        f"\t\t}}",
        f"\t}}",
        f"\treturn total",
        f"}}",
        "",
    ]

def py_handler(i):
    return [
        f"@app.get(\"/items/{i}\")",
        f"def get_{i}(request: Request):",
        f"    key = request.headers.get(\"x-api-key\")",
        f"    res = unkey.keys.verify_key(",
        f"        key=key,",
        f"        permissions=\"{query()}\",",
        f"    )",
        f"    if not res.data.valid:",
        f"        raise HTTPException(403)",
        f"    return store.list_{i % 7}(res.data.identity)",
        "",
        "",
    ]

def py_plain(i, decoy):
    return [
        f"def total_{i}(rows):",
        f"    \"\"\"{'Counts the roles of each member.' if decoy else 'Adds the amounts of the rows.'}\"\"\"",
        f"    total = 0",
        f"    for row in rows:",
        f"        if row.amount > {i % 50}:",
        f"            total += row.amount",
        f"    return total",
        "",
        "",
    ]

headers = {
    "ts": "import { Unkey } from \"@unkey/api\";\n\nconst unkey = new Unkey({ rootKey: env.ROOT_KEY });\n\n",
    "tsx": "import { Unkey } from \"@unkey/api\";\n\nconst unkey = new Unkey({ rootKey: env.ROOT_KEY });\n\n",
    "js": "const { Unkey } = require(\"@unkey/api\");\n\nconst unkey = new Unkey({ rootKey: env.ROOT_KEY });\n\n",
    "go": "package handlers\n\nimport (\n\t\"net/http\"\n\n\tunkey \"github.com/unkeyed/sdks/api/go/v2\"\n)\n\n",
    "py": "from fastapi import HTTPException, Request\nfrom unkey.py import Unkey\n\nunkey = Unkey(root_key=ROOT_KEY)\n\n\n",
}
plain_headers = {"go": "package util\n\n", "py": "import math\n\n\n"}
lines = files = 0
while lines < target:
    ext = ["ts", "tsx", "js", "go", "py"][files % 5]
    handlers = files % every == 0
    decoy = files % 3 == 0
    header = headers[ext] if handlers else plain_headers.get(ext, "import { sum } from \"./math\";\n\n")
    body = [header]
    count = header.count("\n")
    for i in range(20):
        n = files * 100 + i
        if ext == "go":
            part = go_handler(n) if handlers else go_plain(n, decoy)
        elif ext == "py":
            part = py_handler(n) if handlers else py_plain(n, decoy)
        else:
            part = ts_handler(n, ext != "js") if handlers else ts_plain(n, ext != "js", decoy)
        body.append("\n".join(part) + "\n")
        count += len(part)
    directory = f"{root}/src/module{files // 50}"
    os.makedirs(directory, exist_ok=True)
    with open(f"{directory}/file{files}.{ext}", "w") as out:
        out.write("".join(body))
    lines += count
    files += 1
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(f"{root}/src") for f in fs)
print(f"{lines} lines, {size / 1e6:.1f} MB in {files} files", file=sys.stderr)
PY

best=999
peak=0
for _ in 1 2 3; do
  /usr/bin/time -f '%e %M' -o "$work/time" "$bin" scan "$work/src" --policy "$work/policies" \
    --format json > "$work/out.json" 2>/dev/null || true
  read -r seconds kib < <(tail -n 1 "$work/time")
  best=$(python3 -c "print(min($best, $seconds))")
  peak=$(( kib > peak ? kib : peak ))
done
python3 - "$work/out.json" "$best" "$peak" <<'PY'
import json, sys
scan = json.load(open(sys.argv[1]))
print(f"files {scan['walked']}, sites {len(scan['sites'])}, findings {len(scan['findings'])}: "
      f"best of 3 {float(sys.argv[2]):.2f} s, peak {int(sys.argv[3]) // 1024} MiB")
PY
