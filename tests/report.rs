//! `permspec report`: the access review of a fixture in each format, the escaping of policy
//! text, the comparison with the review before and with a base, and bad input.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use support::cli::{Run, permspec_in};
use support::git::{git, git_with_input};

const NOW: &str = "2026-12-01T00:00:00Z";

/// A directory outside any repository holding the report fixture as `policy.yaml`.
fn fixture() -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("fixtures/report/policy.yaml").unwrap();
    std::fs::write(directory.path().join("policy.yaml"), text).unwrap();
    directory
}

/// `permspec report policy.yaml` at [`NOW`] (unless `extra` sets `--now`) in `directory`.
fn report(directory: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["report", "policy.yaml"];
    if !extra.contains(&"--now") {
        args.extend(["--now", NOW]);
    }
    args.extend(extra);
    permspec_in(directory, &args)
}

fn json(directory: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend(extra);
    let run = report(directory, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// The policy file of `directory` with `from` replaced by `to`.
fn edit(directory: &Path, from: &str, to: &str) {
    let path = directory.join("policy.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_review_as_json() {
    let directory = fixture();
    insta::assert_json_snapshot!(json(directory.path(), &[]));
}

#[test]
fn the_review_as_html() {
    let directory = fixture();
    let run = report(directory.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A line per row and section, for a reviewable snapshot.
    let lines = (run.stdout.replace("<tr>", "\n<tr>")).replace("<section", "\n<section");
    insta::assert_snapshot!(lines);
}

#[test]
fn the_review_as_csv_tables() {
    let directory = fixture();
    let run = report(directory.path(), &["--format", "csv", "-o", "tables"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut names: Vec<PathBuf> = std::fs::read_dir(directory.path().join("tables"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    names.sort();
    let tables: Vec<String> = (names.iter())
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            format!("== {name}\n{}", std::fs::read_to_string(path).unwrap())
        })
        .collect();
    insta::assert_snapshot!(tables.join("\n"));
}

#[test]
fn policy_text_never_becomes_markup_a_formula_or_a_control_sequence() {
    let directory = fixture();
    let html = report(directory.path(), &[]).stdout;
    assert!(
        !html.contains("<script>window"),
        "a key name became a script"
    );
    assert!(html.contains("&lt;script&gt;window.pwned = 1&lt;/script&gt;"));
    assert!(!html.contains('\u{7}') && !html.contains('\u{1b}'));
    assert!(html.contains(r"bell\u{7}\u{1b}[31mred"));
    // Only the page's own style and script may run, by hash.
    let policy = html
        .split("Content-Security-Policy\" content=\"")
        .nth(1)
        .unwrap();
    let policy = policy.split('"').next().unwrap();
    assert!(
        policy.starts_with("default-src 'none'; style-src 'sha256-"),
        "{policy}"
    );
    assert_eq!(html.matches("<script>").count(), 1);

    report(directory.path(), &["--format", "csv", "-o", "tables"]);
    let keys = std::fs::read_to_string(directory.path().join("tables/keys.csv")).unwrap();
    assert!(
        keys.contains(r#"'=HYPERLINK(""http://attacker.example"")"#),
        "{keys}"
    );
    assert!(!keys.contains(",=HYPERLINK"));
    assert!(!keys.contains('\u{1b}') && keys.contains(r"bell\u{7}\u{1b}[31mred"));
}

/// A grant and the role it comes through.
type Via<'a> = (&'a str, Option<&'a str>);

#[test]
fn holdings_name_every_grant_that_gives_them() {
    let review = json(fixture().path(), &[]);
    let key = |name: &str| -> Value {
        let keys = review["keys"].as_array().unwrap();
        keys.iter().find(|key| key["name"] == name).unwrap().clone()
    };
    let alice = key("alice");
    let held: Vec<(&str, Vec<Via>)> = (alice["effective"].as_array().unwrap())
        .iter()
        .map(|holding| {
            let via = (holding["via"].as_array().unwrap().iter())
                .map(|via| (via["grant"].as_str().unwrap(), via["role"].as_str()))
                .collect();
            (holding["permission"].as_str().unwrap(), via)
        })
        .collect();
    assert_eq!(
        held,
        [
            ("documents.delete", vec![("documents.*", Some("editor"))]),
            ("documents.read", vec![("documents.*", Some("editor"))]),
            ("documents.write", vec![("documents.*", Some("editor"))]),
            ("users.view", vec![("users.view", None)]),
        ]
    );
    // Disabled and expired keys hold nothing now, whatever their roles give.
    for name in ["ops", "temp"] {
        assert_eq!(key(name)["effective"], serde_json::json!([]), "{name}");
    }
    assert_eq!(key("ops")["state"], "disabled");
    assert_eq!(key("temp")["state"], "expired");
    // The URN admin grant opens routes and is flagged.
    let roots = review["root_keys"].as_array().unwrap();
    let owner = roots.iter().find(|key| key["key"] == "owner").unwrap();
    assert_eq!(owner["flags"], serde_json::json!(["R002"]));
    assert!(owner["routes"].as_array().unwrap().len() > 10);
}

#[test]
fn the_digest_is_the_access_state_and_nothing_else() {
    let directory = fixture();
    let first = json(directory.path(), &[]);
    let later = json(directory.path(), &["--now", "2026-12-02T00:00:00Z"]);
    assert_eq!(first["digest"], later["digest"], "the time of the review");
    // Keys in another order, a comment: the same access.
    edit(
        directory.path(),
        "  alice:\n    roles: [editor]\n    permissions: [users.view]\n",
        "",
    );
    edit(
        directory.path(),
        "keys:\n",
        "keys:\n  # moved\n  alice:\n    roles: [editor]\n    permissions: [users.view]\n",
    );
    assert_eq!(first["digest"], json(directory.path(), &[])["digest"]);
    edit(
        directory.path(),
        "permissions: [users.view]",
        "permissions: [users.view, billing.read]",
    );
    assert_ne!(first["digest"], json(directory.path(), &[])["digest"]);
}

#[test]
fn a_review_says_what_changed_since_the_one_before() {
    let directory = fixture();
    let before = report(directory.path(), &["--format", "json", "-o", "before.json"]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    let same = json(directory.path(), &["--previous", "before.json"]);
    assert_eq!(same["previous"]["unchanged"], true);
    assert_eq!(same["previous"]["generated"], NOW);

    edit(
        directory.path(),
        "  bob:\n    roles: [reader]",
        "  bob:\n    roles: [editor]",
    );
    edit(
        directory.path(),
        "  temp:",
        "  carol:\n    roles: [reader]\n  temp:",
    );
    let changed = json(directory.path(), &["--previous", "before.json"]);
    let previous = &changed["previous"];
    assert_eq!(previous["unchanged"], false);
    let key = |name: &str| serde_json::json!([{"policy": "policy.yaml", "name": name}]);
    assert_eq!(previous["changed"], key("bob"));
    assert_eq!(previous["added"], key("carol"));
    assert_eq!(previous["removed"], serde_json::json!([]));
    let html = report(directory.path(), &["--previous", "before.json"]).stdout;
    assert!(html.contains("Changed</strong> since the review of 2026-12-01T00:00:00Z"));
}

#[test]
fn changes_since_an_old_version_or_a_git_revision() {
    let directory = fixture();
    std::fs::create_dir(directory.path().join("old")).unwrap();
    std::fs::copy(
        directory.path().join("policy.yaml"),
        directory.path().join("old/policy.yaml"),
    )
    .unwrap();
    git(directory.path(), &["init", "-q"]);
    git(directory.path(), &["add", "policy.yaml"]);
    git(directory.path(), &["commit", "-q", "-m", "reviewed"]);
    edit(
        directory.path(),
        "  bob:\n    roles: [reader]",
        "  bob:\n    roles: [editor]",
    );
    for base in [["--old", "old/policy.yaml"], ["--base", "HEAD"]] {
        let review = json(directory.path(), &base);
        let changes = &review["changes"];
        assert!(changes["base"].as_str().unwrap().starts_with(base[1]));
        let bob = &changes["keys"][0];
        assert_eq!(bob["key"], "bob");
        assert_eq!(bob["roles_added"], serde_json::json!(["editor"]));
        let gained: Vec<&str> = (bob["gained"].as_array().unwrap().iter())
            .map(|gain| gain["permission"].as_str().unwrap())
            .collect();
        assert_eq!(gained, ["documents.delete", "documents.write"]);
        assert_eq!(changes["unacknowledged"], 2);
    }
    let review = json(directory.path(), &[]);
    let commit = &review["files"][0]["commit"];
    assert_eq!(commit["commit"].as_str().unwrap().len(), 40);
    assert_eq!(commit["modified"], true);
}

#[test]
fn bad_input_writes_nothing_and_exits_2() {
    let directory = fixture();
    edit(directory.path(), "roles:\n  reader:", "roles:\n  reader: [");
    let run = report(directory.path(), &["-o", "review.html"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("policy.yaml"), "{}", run.stderr);
    assert!(!directory.path().join("review.html").exists());

    let directory = fixture();
    std::fs::write(directory.path().join("before.json"), "not json").unwrap();
    let run = report(
        directory.path(),
        &["--previous", "before.json", "-o", "review.html"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a JSON report"), "{}", run.stderr);
    assert!(!directory.path().join("review.html").exists());

    let run = report(directory.path(), &["--format", "csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("-o DIRECTORY"), "{}", run.stderr);

    let run = permspec_in(directory.path(), &["report", "missing.yaml"]);
    assert_eq!(run.code, 2);
    let run = report(directory.path(), &["--base", "no-such-revision"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// Every holding of every key of the bundled policies: the permissions the evaluator allows
/// the key (under either reading of `*` in `strict`), each with exactly the grants that
/// `diff` names for it.
#[test]
fn holdings_are_the_evaluators_decisions_with_the_grants_diff_names() {
    use permspec::eval::Semantics;
    use permspec::policy::{Limits, Probes, provenance};
    use permspec::query::Query;
    let mut files = permspec::runner::policy_files(&[PathBuf::from("policies")]).unwrap();
    files.push(PathBuf::from("fixtures/report/policy.yaml"));
    files.extend(permspec::runner::policy_files(&[PathBuf::from("fixtures/diff")]).unwrap());
    let now = jiff::Timestamp::now();
    let collected = permspec::runner::collect(&files, None, now, &Limits::default());
    assert!(collected.files.len() > 10);
    let review = permspec::review::build(&permspec::review::Input {
        files: &collected.files,
        executed: &[],
        coverage: &[],
        diff: None,
        generated: now,
        previous: None,
        config: &permspec::lint::Config::default(),
    });
    let mut checked = 0;
    for loaded in collected
        .files
        .iter()
        .filter(|loaded| loaded.file.owns_policy())
    {
        let policy = &loaded.file.policy;
        let mut probes = Probes::default();
        probes.add(policy, policy.catalog.is_some());
        let readings = match policy.semantics {
            Semantics::Strict => vec![Semantics::Wildcard, Semantics::Literal],
            own => vec![own],
        };
        for (index, key) in policy.keys.iter().enumerate() {
            let row = (review.keys.iter())
                .find(|row| row.policy == policy.source.name() && row.name == key.name.value)
                .unwrap();
            let asked = match key.kind {
                permspec::policy::KeyKind::Api => &probes.api,
                permspec::policy::KeyKind::Root => &probes.root,
            };
            let allowed: Vec<&String> = (asked.iter())
                .filter(|probe| {
                    let query = Query::permission(probe.to_string());
                    readings.iter().any(|&reading| {
                        let verdict =
                            loaded
                                .resolved
                                .verdict(&key.name.value, &query, reading, loaded.now);
                        verdict.allowed()
                    })
                })
                .collect();
            let held: Vec<&String> = row
                .effective
                .iter()
                .map(|holding| &holding.permission)
                .collect();
            assert_eq!(
                held,
                allowed,
                "{}: {}",
                policy.source.name(),
                key.name.value
            );
            for holding in row.effective.iter() {
                let mut expected: Vec<(String, Option<String>)> = Vec::new();
                for via in provenance(&loaded.resolved, index, &holding.permission) {
                    if !expected.contains(&(via.grant.clone(), via.role.clone())) {
                        expected.push((via.grant, via.role));
                    }
                }
                let actual: Vec<(String, Option<String>)> = (holding.via.iter())
                    .map(|via| (via.grant.clone(), via.role.clone()))
                    .collect();
                assert_eq!(
                    actual, expected,
                    "{} {}",
                    key.name.value, holding.permission
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "{checked} holdings checked");
}

#[test]
fn an_edited_review_before_is_refused() {
    let directory = fixture();
    let written = report(directory.path(), &["--format", "json", "-o", "before.json"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let path = directory.path().join("before.json");
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // A key's digest changed by hand, or its state, or a root key's route calls: the file
    // is not trusted.
    let mut digest = original.clone();
    digest["keys"][0]["digest"] = Value::from("sha256:00");
    let mut roles = original.clone();
    roles["keys"][0]["roles"] = serde_json::json!(["hacked"]);
    let mut routes = original.clone();
    routes["root_keys"][0]["routes"] = serde_json::json!([]);
    for edited in [digest, roles, routes] {
        std::fs::write(&path, edited.to_string()).unwrap();
        let args = ["--previous", "before.json", "-o", "review.html"];
        let run = report(directory.path(), &args);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("it was edited"), "{}", run.stderr);
        assert!(!directory.path().join("review.html").exists());
    }
    std::fs::write(&path, original.to_string()).unwrap();
    let run = report(directory.path(), &["--previous", "before.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_files_own_clock_is_for_its_cases_not_for_the_review() {
    let directory = fixture();
    // A file that says it is 2099 would show every key with an `expires` as expired.
    edit(
        directory.path(),
        "now: 2026-11-01T00:00:00Z",
        "now: 2099-01-01T00:00:00Z",
    );
    let review = json(directory.path(), &[]);
    let alice = (review["keys"].as_array().unwrap().iter())
        .find(|key| key["name"] == "alice")
        .unwrap();
    assert_eq!(alice["state"], "active");
    assert_eq!(review["files"][0]["now"], "2099-01-01T00:00:00Z");
}

#[test]
fn the_same_files_are_the_same_review_from_any_directory() {
    let directory = fixture();
    git(directory.path(), &["init", "-q"]);
    git(directory.path(), &["add", "policy.yaml"]);
    git(directory.path(), &["commit", "-q", "-m", "reviewed"]);
    let here = json(directory.path(), &[]);
    let absolute = directory.path().join("policy.yaml");
    let run = support::cli::permspec(&[
        "report",
        absolute.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let there: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(here["digest"], there["digest"]);
    assert_eq!(there["files"][0]["file"], "policy.yaml");
    assert_eq!(there["files"][0]["commit"]["modified"], false);
    // Lists in another order are the same access.
    edit(
        directory.path(),
        "permissions: [api.*.create_key, api.api_1.read_key]",
        "permissions: [api.api_1.read_key, api.*.create_key]",
    );
    assert_eq!(here["digest"], json(directory.path(), &[])["digest"]);
}

#[test]
fn git_runs_no_program_of_the_repository_and_reads_names_literally() {
    let directory = fixture();
    git(directory.path(), &["init", "-q"]);
    git(directory.path(), &["add", "policy.yaml"]);
    git(directory.path(), &["commit", "-q", "-m", "reviewed"]);
    let marker = directory.path().join("ran");
    let hook = format!("touch {}; false", marker.display());
    git(directory.path(), &["config", "core.fsmonitor", &hook]);
    // A file never committed, whose name reads as pathspec magic.
    let magic = directory.path().join(":(exclude)x.yaml");
    std::fs::copy(directory.path().join("policy.yaml"), &magic).unwrap();
    let run = permspec_in(
        directory.path(),
        &["report", ".", "--format", "json", "--now", NOW],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!marker.exists(), "the repository's fsmonitor hook ran");
    let review: Value = serde_json::from_str(&run.stdout).unwrap();
    let files = review["files"].as_array().unwrap();
    let magic = files
        .iter()
        .find(|file| file["file"] == ":(exclude)x.yaml")
        .unwrap();
    assert_eq!(
        magic["commit"],
        serde_json::json!({"commit": null, "modified": true})
    );
    let committed = files
        .iter()
        .find(|file| file["file"] == "policy.yaml")
        .unwrap();
    assert_eq!(committed["commit"]["modified"], false);

    // A partial clone missing the file's blob: git would fetch it through the remote's
    // transport, here a command of the repository's.
    let blob = git_with_input(directory.path(), &["rev-parse", "HEAD:policy.yaml"], b"");
    let objects = directory.path().join(".git/objects").join(&blob[..2]);
    std::fs::remove_file(objects.join(&blob[2..])).unwrap();
    let fetched = directory.path().join("fetched");
    for (key, value) in [
        ("core.repositoryformatversion", "1".to_owned()),
        ("extensions.partialClone", "origin".to_owned()),
        ("remote.origin.promisor", "true".to_owned()),
        ("remote.origin.url", "ssh://attacker.example/x".to_owned()),
        (
            "core.sshCommand",
            format!("touch {}; false", fetched.display()),
        ),
    ] {
        git(directory.path(), &["config", key, &value]);
    }
    let args = ["report", "policy.yaml", "--format", "json", "--now", NOW];
    let run = permspec_in(directory.path(), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !fetched.exists(),
        "git fetched through the repository's ssh command"
    );
}

#[test]
fn csv_tables_are_written_all_or_none_and_nothing_else_is_replaced() {
    let directory = fixture();
    let tables = directory.path().join("tables");
    std::fs::create_dir(&tables).unwrap();
    std::fs::write(tables.join("notes.txt"), "mine").unwrap();
    let run = report(directory.path(), &["--format", "csv", "-o", "tables"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("notes.txt"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_dir(&tables).unwrap().count(),
        1,
        "nothing written"
    );
    std::fs::remove_file(tables.join("notes.txt")).unwrap();
    // A directory of tables a report wrote is replaced whole.
    std::fs::write(tables.join("keys.csv"), "last quarter").unwrap();
    let run = report(directory.path(), &["--format", "csv", "-o", "tables"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_dir(&tables).unwrap().count(), 10);
    assert!(
        std::fs::read_to_string(tables.join("keys.csv"))
            .unwrap()
            .starts_with("policy,key")
    );
    let leftovers = std::fs::read_dir(directory.path()).unwrap();
    let leftovers: Vec<_> = leftovers
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".permspec"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn look_alike_names_repeated_grants_and_turned_off_flags() {
    let directory = fixture();
    edit(
        directory.path(),
        "  temp:",
        "  \"ci_bot\\u00a0\":\n    roles: [admin]\n  \"ci\\\\u{a0}bot\":\n    roles: [reader, reader]\n  temp:",
    );
    edit(
        directory.path(),
        "permissions: [\"documents.*\"]",
        "permissions: [\"documents.*\", \"documents.*\"]",
    );
    std::fs::write(
        directory.path().join("permspec.toml"),
        "[lint.rules]\nurn-admin-grant = \"off\"\n",
    )
    .unwrap();
    let run = report(directory.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = run.stdout;
    assert!(html.contains(r"ci_bot\u{a0}"), "a no-break space is shown");
    assert!(
        html.contains(r"ci\\u{a0}bot"),
        "a backslash written in a name is doubled"
    );
    let review = json(directory.path(), &[]);
    let roots = review["root_keys"].as_array().unwrap();
    let owner = roots.iter().find(|key| key["key"] == "owner").unwrap();
    assert_eq!(
        owner["flags"],
        serde_json::json!(["R002"]),
        "flagged though lint allows it"
    );
    // Nor does the key's own suppression hide it: the suppression is shown beside.
    edit(
        directory.path(),
        "  owner:\n    permissions: [\"unkey:v1:ws_1:**#*\"]\n",
        "  owner:\n    permissions: [\"unkey:v1:ws_1:**#*\"]\n    lint: {allow: [R002], reason: \"the workspace owner\"}\n",
    );
    let suppressed = json(directory.path(), &[]);
    let roots = suppressed["root_keys"].as_array().unwrap();
    let owner = roots.iter().find(|key| key["key"] == "owner").unwrap();
    assert_eq!(
        owner["flags"],
        serde_json::json!(["R002"]),
        "flagged though suppressed"
    );
    assert_eq!(suppressed["exceptions"][0]["reason"], "the workspace owner");
    let alice = (review["keys"].as_array().unwrap().iter())
        .find(|key| key["name"] == "alice")
        .unwrap();
    assert_eq!(alice["effective"][0]["via"].as_array().unwrap().len(), 1);
    let read = (review["permissions"].as_array().unwrap().iter())
        .find(|row| row["permission"] == "documents.read")
        .unwrap();
    for group in read["sources"].as_array().unwrap() {
        let keys = group["keys"].as_array().unwrap();
        let mut unique = keys.clone();
        unique.dedup();
        assert_eq!(&unique, keys, "a key listed once per grant");
    }
}

#[test]
fn a_permission_many_grants_reach_names_the_first_and_counts_the_rest() {
    use permspec::eval::Matching;
    let directory = tempfile::tempdir().unwrap();
    // Every pattern of `a.b.c.d.e` with `*` for some of its parts, and with a trailing `*`
    // after a prefix of it: each reaches `a.b.c.d.e`.
    let mut grants = std::collections::BTreeSet::new();
    for mask in 0..32u32 {
        let parts: Vec<&str> = (["a", "b", "c", "d", "e"].iter().enumerate())
            .map(|(bit, part)| if mask & (1 << bit) == 0 { *part } else { "*" })
            .collect();
        for length in 1..=5 {
            let mut grant = parts[..length].join(".");
            if length < 5 {
                grant.push_str(".*");
            }
            grants.insert(grant);
        }
    }
    let reaching = (grants.iter())
        .filter(|grant| support::naive::matches(grant, "a.b.c.d.e", Matching::Wildcard))
        .count();
    assert!(reaching > 32, "{reaching}");
    let quoted: Vec<String> = grants.iter().map(|grant| format!("\"{grant}\"")).collect();
    let policy = format!(
        "version: 1\nsemantics: wildcard\npermissions: [a.b.c.d.e]\nroles:\n  wide:\n    permissions: [{}]\nkeys:\n  k:\n    roles: [wide]\n",
        quoted.join(", ")
    );
    std::fs::write(directory.path().join("policy.yaml"), policy).unwrap();
    let review = json(directory.path(), &[]);
    let holding = &review["keys"][0]["effective"][0];
    assert_eq!(holding["permission"], "a.b.c.d.e");
    assert_eq!(holding["via"].as_array().unwrap().len(), 32);
    assert_eq!(holding["more"], reaching - 32, "{holding}");
    let row = &review["permissions"][0];
    assert_eq!(row["unnamed"], reaching - 32, "{row}");
    let html = report(directory.path(), &[]).stdout;
    assert!(html.contains(&format!("and {} more grants behind", reaching - 32)));
}

#[test]
fn accepted_risks_are_shown_with_their_reasons() {
    let directory = fixture();
    edit(
        directory.path(),
        "  admin:\n    permissions: [\"*\"]\n",
        "  admin:\n    permissions: [\"*\"]\n    lint: {allow: [global-wildcard], reason: \"break-glass role\", until: 2027-06-30}\n",
    );
    std::fs::write(
        directory.path().join("permspec.toml"),
        "[lint.rules]\nuntested-key = \"off\"\n",
    )
    .unwrap();
    let review = json(directory.path(), &[]);
    let exceptions = review["exceptions"].as_array().unwrap();
    assert_eq!(exceptions.len(), 1);
    assert_eq!(exceptions[0]["owner"], "role admin");
    assert_eq!(
        exceptions[0]["rules"],
        serde_json::json!(["global-wildcard"])
    );
    assert_eq!(exceptions[0]["reason"], "break-glass role");
    assert_eq!(exceptions[0]["until"], "2027-06-30");
    assert_eq!(
        review["rules_off"],
        serde_json::json!([{"code": "S006", "name": "untested-key"}])
    );
    let html = report(directory.path(), &[]).stdout;
    assert!(html.contains("break-glass role"));
    assert!(
        html.contains("The configuration does not run 1 rule: <code>S006</code> untested-key.")
    );
}
