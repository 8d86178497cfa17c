#!/usr/bin/env python3
"""Differential check of permspec's query parser and evaluator against Unkey's own.

Unkey's parser and evaluator (`pkg/rbac`), built as a binary that reads
`{"query": ..., "perms": [...]}` lines and answers `{"ok", "allowed", "ast"}` lines, decides
the same generated queries as `permspec check --batch` (literal semantics, which is how
Unkey's engine matches) and `permspec parse --format json`. Every query is compared on
whether it parses, whether it is allowed, and its tree (Unkey's binary tree flattened as
permspec's is). The queries are generated text: permissions, keywords in any case, whitespace,
parentheses, NUL and other control characters, non-ASCII characters (Latin-1 letters and
others), random code points, and nesting up to the deepest 1,000 characters allow.

    tests/differential/unkey-engine.py [ENGINE] [--count N] [--seed S] [--permspec BINARY]

ENGINE defaults to $UNKEY_ENGINE. Without an engine the check skips itself (exit 0, saying
so); CI does not run it. Exit 1 lists the first disagreements.
"""
import argparse
import json
import os
import random
import subprocess
import sys

PERMISSIONS = ["a", "b", "documents.read", "api.*", "*", "x-y_z:1/2", "ANDROID", "oracle",
               "ê", "µ.x", "rêad"]
PIECES = (["a", "b", "documents.read", "api.*", "*", "ANDROID", "ORACLE", "and.read"]
          + ["AND", "and", "And", "OR", "or", "oR"]
          + ["(", ")", "((", "))", " ", "  ", "\t", "\n", "\r"]
          + ["\0", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"]
          + ["ê", "é", "µ", "ª", "º", "Ã", "ÿ", "×", "а", "\u00a0", "😀", "Ī", "ſ", "ı"]
          + ["@", ",", "&&", "||", "\"", "'", "-", ".", "_", ":", "/"])
# What Rust's `str::trim_start` takes for whitespace (the White_Space property).
RUST_WHITESPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
                   + "\u2028\u2029\u202f\u205f\u3000")
LIMIT = 1000  # characters: Unkey's API refuses longer queries before parsing them


def generated(rng):
    """One query: pieces, random code points, or deep nesting."""
    shape = rng.random()
    if shape < 0.55:
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
    elif shape < 0.7:
        alphabet = [chr(rng.randint(0, 0x2FF)) for _ in range(12)] + ["a", " ", "(", ")"]
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
    elif shape < 0.85:
        depth = rng.randint(0, 499)
        inner = rng.choice(["a", "a AND b", "b OR a", "ê", "a\0)", ""])
        text = "(" * depth + inner + ")" * rng.choice([depth, depth, max(depth - 1, 0)])
    else:
        depth = rng.randint(1, 60)
        text = "(b AND (a OR " * depth + "c" + "))" * depth
    return text[:LIMIT]


def flattened(tree):
    """Unkey's binary tree with nested chains of one operator merged, as permspec keeps it."""
    if "value" in tree:
        return {"value": tree["value"]}
    children = []
    for child in tree["children"]:
        child = flattened(child)
        if child.get("operation") == tree["operation"]:
            children.extend(child["children"])
        else:
            children.append(child)
    return {"operation": tree["operation"], "children": children}


def run(command, lines):
    done = subprocess.run(command, input="".join(line + "\n" for line in lines),
                          capture_output=True, text=True, encoding="utf-8")
    # Only "\n" ends a line: answers may hold U+0085 or U+2028 raw, which splitlines() splits.
    return done.stdout.split("\n")[:-1]


def main():
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("engine", nargs="?", default=os.environ.get("UNKEY_ENGINE"))
    arguments.add_argument("--count", type=int, default=20000)
    arguments.add_argument("--seed", type=int, default=7)
    arguments.add_argument("--permspec", default="target/release/permspec")
    options = arguments.parse_args()
    if not options.engine or not os.access(options.engine, os.X_OK):
        print(f"skipped: no Unkey engine at {options.engine or '$UNKEY_ENGINE'}")
        return 0

    rng = random.Random(options.seed)
    cases = [(generated(rng), rng.sample(PERMISSIONS, rng.randint(0, 4)))
             for _ in range(options.count)]
    unkey = run([options.engine],
                [json.dumps({"query": query, "perms": perms}) for query, perms in cases])
    batch = run([options.permspec, "check", "--batch", "-"],
                [json.dumps({"grants": perms, "query": query, "semantics": "literal"})
                 for query, perms in cases])
    # `parse` reads one query per line, and skips blank and `#` lines: other queries are
    # compared by batch only.
    one_line = [query for query, _ in cases if "\n" not in query and "\r" not in query
                and query.lstrip(RUST_WHITESPACE)[:1] not in ("", "#")]
    parsed = dict(zip(one_line, run([options.permspec, "parse", "--format", "json"], one_line)))
    if len(unkey) != len(cases) or len(batch) != len(cases):
        print(f"answers: {len(unkey)} from Unkey, {len(batch)} from permspec, "
              f"for {len(cases)} queries")
        return 1

    disagreements = []
    over_documented_limit = 0
    for (query, perms), theirs, ours in zip(cases, unkey, batch):
        theirs, ours = json.loads(theirs), json.loads(ours)
        mine = {"ok": ours["valid"], "allowed": ours["allowed"]}
        expected = {"ok": theirs["ok"], "allowed": theirs.get("allowed", False)}
        if ours["valid"] and "at most 100" in (ours.get("error") or ""):
            # Unkey documents at most 100 permissions a query; its engine decides more, and
            # permspec refuses them (docs/semantics.md): only the parse is compared.
            over_documented_limit += 1
            del mine["allowed"], expected["allowed"]
        if query in parsed and theirs["ok"]:
            tree = json.loads(parsed[query]).get("ast")
            mine["ast"], expected["ast"] = tree, flattened(theirs["ast"])
        if mine != expected:
            disagreements.append((query, perms, expected, mine))
    compared = len(cases)
    accepted = sum(json.loads(line)["ok"] for line in unkey)
    print(f"{compared} queries ({accepted} accepted by Unkey, {len(parsed)} trees compared, "
          f"{over_documented_limit} over the documented 100 permissions): "
          f"{len(disagreements)} disagreements")
    for query, perms, expected, mine in disagreements[:20]:
        print(f"  {query!r} with {perms}: Unkey {expected}, permspec {mine}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
