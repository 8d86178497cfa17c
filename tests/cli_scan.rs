//! `permspec scan` as users run it: a small project of policy and code end to end, every
//! SDK shape, exit codes, and hostile source that must be bounded and reported.

mod support;

use std::path::Path;
use support::cli::{Run, permspec_in};
use support::directory_with as project;

/// A copy of the fixture directory `from` (its `.gitignore` included, no `.git`).
fn copy_of(from: &Path) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    copy_into(from, directory.path());
    directory
}

fn copy_into(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_into(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const POLICY: &[u8] = b"version: 1\nsemantics: literal\npermissions: [documents.read, documents.write]\n\
keys:\n  reader: {permissions: [documents.read]}\n  writer: {permissions: [documents.read, documents.write]}\n";

fn scan_in(directory: &Path, args: &[&str]) -> Run {
    let mut all = vec!["scan"];
    all.extend(args);
    permspec_in(directory, &all)
}

#[test]
fn a_project_shows_its_dead_endpoint_dead_grant_and_misnamed_permissions() {
    let directory = copy_of(Path::new("fixtures/scan/project"));
    let run = scan_in(directory.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("project_human", run.stdout);
    let summary = run.stderr.lines().last().unwrap();
    insta::assert_snapshot!("project_summary", summary);
    for expected in [
        "C003(code-dead-query)",
        "src/routes/reports.tsx:35:33",
        "C008(dead-grant)",
        "`webhooks.manage` is held by 1 key",
        "`documents:read` is in no policy's catalog",
        "did you mean `documents.read`?",
        "`documents.raed` is in no policy's catalog",
        "`auditor` passes this query only under the docs' reading",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected}:\n{}",
            run.stdout
        );
    }
    // `dist/` is in .gitignore and `vendor/` in `[scan] exclude`: neither is read.
    assert!(!run.stdout.contains("dist/") && !run.stdout.contains("vendor/"));
    // The suppressed dynamic query is not reported, and its comment is used.
    assert!(!run.stdout.contains("documents.ts:38"), "{}", run.stdout);
    assert!(!run.stdout.contains("S007"), "{}", run.stdout);
}

#[test]
fn json_lists_every_site_with_who_passes_it() {
    let directory = copy_of(Path::new("fixtures/scan/project"));
    let run = scan_in(directory.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    insta::assert_json_snapshot!("project_json", json);
    let sites = json["sites"].as_array().unwrap();
    let write = sites
        .iter()
        .find(|site| site["value"] == "documents.read AND documents.write")
        .unwrap();
    assert_eq!(write["passed_by"]["keys"][0]["key"], "alice");
    assert_eq!(write["passed_by"]["keys"][0]["grants"][0]["role"], "editor");
}

#[test]
fn every_sdk_shape_is_found() {
    let run = permspec_in(
        Path::new("fixtures/scan/shapes"),
        &["scan", ".", "--policy", "policy.yaml", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let table: Vec<String> = json["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|site| {
            format!(
                "{}:{} {} {} {} => {}",
                site["file"].as_str().unwrap(),
                site["line"],
                site["kind"].as_str().unwrap(),
                site["version"].as_str().unwrap(),
                site["shape"].as_str().unwrap(),
                site.get("query")
                    .or(site.get("value"))
                    .or(site.get("not_checked"))
                    .unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!("shapes", table.join("\n"));
    let human = permspec_in(
        Path::new("fixtures/scan/shapes"),
        &["scan", ".", "--policy", "policy.yaml"],
    );
    insta::assert_snapshot!("shapes_human", human.stdout);
}

#[test]
fn exit_codes_follow_lint() {
    let clean = project(&[
        ("policies/p.yaml", POLICY),
        (
            "src/a.ts",
            b"await unkey.keys.verifyKey({ key, permissions: \"documents.write\" });\n",
        ),
    ]);
    let run = scan_in(clean.path(), &["src"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("1 site checked"), "{}", run.stderr);

    let failing = project(&[
        ("policies/p.yaml", POLICY),
        (
            "src/a.ts",
            b"await unkey.keys.verifyKey({ key, permissions: \"documents.raed\" });\n",
        ),
    ]);
    assert_eq!(scan_in(failing.path(), &["src"]).code, 1);
    // Warnings fail with `--deny warnings`, as in lint.
    let warning = project(&[
        ("policies/p.yaml", POLICY),
        (
            "src/a.ts",
            b"await unkey.keys.verifyKey({ key, permissions: \"documents.read\" });\n",
        ),
    ]);
    assert_eq!(scan_in(warning.path(), &["src"]).code, 0);
    assert_eq!(
        scan_in(warning.path(), &["src", "--deny", "warnings"]).code,
        1
    );
    assert_eq!(
        scan_in(warning.path(), &["src", "--select", "C001"]).code,
        0
    );
}

#[test]
fn a_scan_that_checks_nothing_does_not_pass() {
    let empty = project(&[("policies/p.yaml", POLICY), ("src/readme.md", b"hi")]);
    let run = scan_in(empty.path(), &["src"]);
    assert_eq!(run.code, 2);
    assert!(run.said.contains("no source files"), "{}", run.said);

    let no_sites = project(&[
        ("policies/p.yaml", POLICY),
        ("src/a.ts", b"export const x = 1;\n"),
    ]);
    let run = scan_in(no_sites.path(), &["src"]);
    assert_eq!(run.code, 2);
    assert!(run.said.contains("no permission query"), "{}", run.said);

    let no_policy = project(&[(
        "src/a.ts",
        b"await unkey.keys.verifyKey({ key, permissions: \"documents.read\" });\n",
    )]);
    assert_eq!(scan_in(no_policy.path(), &["src"]).code, 2);
    assert_eq!(scan_in(no_policy.path(), &["missing"]).code, 2);
}

#[test]
fn suppressions_in_comments_follow_the_rules_of_yaml_suppressions() {
    let code = |comment: &str| {
        format!(
            "{comment}\nawait unkey.keys.verifyKey({{ key, permissions: `documents.${{x}}` }});\n\
             await unkey.keys.verifyKey({{ key, permissions: \"documents.write\" }});\n"
        )
    };
    let used = code("// permspec: allow(C009) reason: the action is validated above");
    let directory = project(&[("policies/p.yaml", POLICY), ("src/a.ts", used.as_bytes())]);
    let run = scan_in(directory.path(), &["src", "--deny", "C009"]);
    assert_eq!(run.code, 0, "{}", run.stdout);

    let expired = code("// permspec: allow(C009) reason: until the refactor until: 2020-01-01");
    let directory = project(&[
        ("policies/p.yaml", POLICY),
        ("src/a.ts", expired.as_bytes()),
    ]);
    let run = scan_in(directory.path(), &["src"]);
    assert!(
        run.stdout.contains("C009") && run.stdout.contains("has expired"),
        "{}",
        run.stdout
    );

    for (comment, said) in [
        ("// permspec: allow(C009)", "needs a reason"),
        ("// permspec: allow(C999) reason: x", "C999"),
        ("# permspec: alow(C009) reason: x", ""),
    ] {
        let text = code(comment);
        let directory = project(&[("policies/p.yaml", POLICY), ("src/a.ts", text.as_bytes())]);
        let run = scan_in(directory.path(), &["src"]);
        if said.is_empty() {
            // Not a comment in TypeScript: a syntax error, not a suppression.
            assert!(run.stdout.contains("C012"), "{}", run.stdout);
            continue;
        }
        assert_eq!(run.code, 2, "{comment}: {}", run.stderr);
        assert!(run.said.contains(said), "{comment}: {}", run.said);
    }
}

#[test]
fn hostile_source_is_bounded_and_reported() {
    let call = "unkey.keys.verifyKey({ key, permissions: \"documents.write\" })";
    // Deep nesting: a query inside 50,000 nested arrays.
    let deep = format!(
        "const x = {}{call}{};\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    // A minified bundle: one line of 200,000 calls.
    let minified = format!("{};\n", vec![call; 20_000].join(";"));
    let mut binary = b"\x00\x01\xffpermissions\xfe".to_vec();
    binary.extend(std::iter::repeat_n(0u8, 1000));
    let directory = project(&[
        ("policies/p.yaml", POLICY),
        ("src/deep.ts", deep.as_bytes()),
        ("src/bundle.min.js", minified.as_bytes()),
        ("src/b/clean.ts", format!("{call};\n").as_bytes()),
    ]);
    let run = scan_in(directory.path(), &["src", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(json["sites"].as_array().unwrap().len() >= 20_002);

    // Binary named `.ts`: not UTF-8 while it holds text a sink could use, exit 2 and named;
    // without such text it cannot hold a site and is passed over.
    std::fs::write(directory.path().join("src/blob.ts"), &binary).unwrap();
    let run = scan_in(directory.path(), &["src"]);
    assert_eq!(run.code, 2);
    assert!(
        run.said.contains("src/blob.ts") && run.said.contains("not UTF-8"),
        "{}",
        run.said
    );
    std::fs::write(directory.path().join("src/blob.ts"), b"\x00\xff\xfe").unwrap();
    assert_eq!(scan_in(directory.path(), &["src"]).code, 0);

    // Past `[scan] max-file-bytes`: refused with the setting named.
    std::fs::write(
        directory.path().join("permspec.toml"),
        "[scan]\nmax-file-bytes = 1000\n",
    )
    .unwrap();
    let run = scan_in(directory.path(), &["src"]);
    assert_eq!(run.code, 2);
    assert!(run.said.contains("max-file-bytes"), "{}", run.said);
}

#[cfg(unix)]
#[test]
fn links_and_special_files_do_not_trap_the_walk() {
    let directory = project(&[
        ("policies/p.yaml", POLICY),
        (
            "src/a.ts",
            b"await unkey.keys.verifyKey({ key, permissions: \"documents.write\" });\n",
        ),
    ]);
    std::os::unix::fs::symlink("..", directory.path().join("src/loop")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", directory.path().join("src/zero.ts")).unwrap();
    let run = scan_in(directory.path(), &["src"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("1 site checked"), "{}", run.stderr);
}

#[test]
fn lint_reports_dead_grants_when_the_project_scans_its_code() {
    let code = b"await unkey.keys.verifyKey({ key, permissions: \"documents.read\" });\n";
    let directory = project(&[("policies/p.yaml", POLICY), ("src/a.ts", code)]);
    let run = permspec_in(directory.path(), &["lint"]);
    assert!(
        !run.stdout.contains("C008"),
        "no [scan], no dead grants: {}",
        run.stdout
    );
    std::fs::write(
        directory.path().join("permspec.toml"),
        "paths = [\"policies\"]\n[scan]\npaths = [\"src\"]\n",
    )
    .unwrap();
    let run = permspec_in(directory.path(), &["lint"]);
    assert!(
        run.stdout.contains("C008(dead-grant)")
            && run.stdout.contains("`documents.write` is held by 1 key"),
        "{}",
        run.stdout
    );
    // Code that cannot be read leaves the dead grants unknown: the run cannot pass.
    std::fs::write(directory.path().join("src/b.ts"), b"\xffpermissions").unwrap();
    assert_eq!(permspec_in(directory.path(), &["lint"]).code, 2);
}

#[test]
fn diff_reports_new_code_asking_for_what_no_key_holds() {
    let ask =
        |query: &str| format!("await unkey.keys.verifyKey({{ key, permissions: \"{query}\" }});\n");
    let repo = project(&[("src/app.ts", ask("documents.read").as_bytes())]);
    let init = permspec_in(repo.path(), &["init", "policies", "--scan", "src"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    support::git::git(repo.path(), &["init", "-q"]);
    support::git::git(repo.path(), &["add", "."]);
    support::git::git(repo.path(), &["commit", "-q", "-m", "base"]);

    let app = repo.path().join("src/app.ts");
    std::fs::write(&app, ask("documents.read") + &ask("users.view")).unwrap();
    let run = permspec_in(repo.path(), &["diff", "--base", "HEAD", "policies"]);
    assert_eq!(
        run.code, 0,
        "a permission keys hold: {}{}",
        run.stdout, run.stderr
    );

    std::fs::write(&app, ask("documents.read") + &ask("documents.export")).unwrap();
    let run = permspec_in(repo.path(), &["diff", "--base", "HEAD", "policies"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("code asks for permissions no key holds")
            && run.stdout.contains("src/app.ts:2:")
            && run.stdout.contains("`documents.export`"),
        "{}",
        run.stdout
    );
    let run = permspec_in(
        repo.path(),
        &["diff", "--base", "HEAD", "policies", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["code"][0]["permission"], "documents.export");
    assert_eq!(json["code"][0]["line"], 2);
    let run = permspec_in(
        repo.path(),
        &["diff", "--base", "HEAD", "policies", "--format", "markdown"],
    );
    assert!(
        run.stdout
            .contains("### Code asks for permissions no key holds"),
        "{}",
        run.stdout
    );

    // Asked before the change: not new, whoever holds it.
    support::git::git(repo.path(), &["commit", "-q", "-am", "export"]);
    let run = permspec_in(repo.path(), &["diff", "--base", "HEAD", "policies"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn sinks_by_position_or_keyword_and_built_urls_are_found_and_nothing_is_passed_over() {
    let config = b"paths = [\"policies\"]\n[scan]\npaths = [\"src\"]\n\
[[scan.sinks]]\nfunction = \"require_permission\"\nargument = 0\nfield = \"permission\"\n";
    let app = b"require_permission(\"documents.read\")\n\
require_permission(permission=\"documents.write\")\n\
require_permission(**options)\n\
requests.post(f\"{BASE}/v2/keys.verifyKey\", json={\"key\": k, \"permissions\": \"documents.raed\"})\n";
    let directory = project(&[
        ("policies/p.yaml", POLICY),
        ("permspec.toml", config),
        ("src/app.py", app),
    ]);
    let run = scan_in(directory.path(), &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<String> = (json["sites"].as_array().unwrap().iter())
        .map(|site| {
            let value = site.get("value").or(site.get("not_checked")).unwrap();
            format!("{}: {}", site["line"], value.as_str().unwrap())
        })
        .collect();
    assert_eq!(
        found,
        [
            "1: documents.read",
            "2: documents.write",
            "3: a spread may set it",
            "4: documents.raed",
        ]
    );
    assert_eq!(run.code, 1, "the typo behind a built URL is an error");

    // A selection that leaves no scan rule checks nothing: not a pass.
    std::fs::write(
        directory.path().join("permspec.toml"),
        "[lint]\nselect = [\"W\", \"N\"]\n[scan]\npaths = [\"src\"]\n",
    )
    .unwrap();
    let run = scan_in(directory.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(run.said.contains("every rule of scan"), "{}", run.said);
}

#[test]
fn code_that_cannot_be_read_leaves_dead_grants_unreported() {
    let directory = project(&[
        ("policies/p.yaml", POLICY),
        (
            "src/a.ts",
            b"await unkey.keys.verifyKey({ key, permissions: \"documents.read\" });\n".as_slice(),
        ),
        ("src/b.ts", b"\xffpermissions".as_slice()),
    ]);
    let run = scan_in(directory.path(), &["src"]);
    assert_eq!(run.code, 2);
    assert!(!run.stdout.contains("C008"), "{}", run.stdout);
}
