//! `permspec drift`: a workspace served by a real HTTP server on 127.0.0.1, read with the
//! import's client, against the policy file committed for it.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use support::unkey::{Fixture, ROOT_KEY, Server, StoredKey};

fn key(id: &str, name: &str, roles: &[&str], direct: &[&str]) -> StoredKey {
    StoredKey {
        id: id.to_owned(),
        name: Some(name.to_owned()),
        enabled: true,
        expires: None,
        roles: roles.iter().map(|role| role.to_string()).collect(),
        direct: direct.iter().map(|grant| grant.to_string()).collect(),
    }
}

/// A small workspace: two roles, three keys of one API.
fn workspace() -> Fixture {
    let strings = |list: &[&str]| list.iter().map(|item| item.to_string()).collect();
    Fixture {
        roles: BTreeMap::from([
            ("reader".to_owned(), strings(&["documents.read"])),
            (
                "editor".to_owned(),
                strings(&["documents.read", "documents.write"]),
            ),
        ]),
        keys: BTreeMap::from([(
            "api_1".to_owned(),
            vec![
                key("key_1", "ci-bot", &["reader"], &[]),
                StoredKey {
                    expires: Some(1_900_000_000_000),
                    ..key("key_2", "docs-service", &["editor"], &["billing.refund"])
                },
                StoredKey {
                    enabled: false,
                    ..key("key_3", "retired", &[], &["documents.read"])
                },
            ],
        )]),
    }
}

/// A server answering from `fixture`, which the test may change between runs.
fn serve(fixture: &Arc<Mutex<Fixture>>) -> Server {
    let fixture = Arc::clone(fixture);
    Server::start(Box::new(move |endpoint, body| {
        fixture.lock().unwrap().answer(endpoint, body)
    }))
}

/// `permspec COMMAND --base-url URL ARGS...` in `dir`, with the root key in the environment.
fn permspec(dir: &Path, server: &Server, command: &[&str], args: &[&str]) -> support::cli::Run {
    let output = assert_cmd::Command::cargo_bin("permspec")
        .unwrap()
        .current_dir(dir)
        .env("UNKEY_ROOT_KEY", ROOT_KEY)
        .args(command)
        .args(["--base-url", &server.url()])
        .args(args)
        .output()
        .unwrap();
    support::cli::Run::of(output)
}

/// A directory holding `committed.yaml`, imported from `server`.
fn committed(server: &Server) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let import = &["import", "unkey"];
    let run = permspec(
        dir.path(),
        server,
        import,
        &["--api", "api_1", "-o", "committed.yaml"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    dir
}

fn drift(dir: &Path, server: &Server, format: &str) -> support::cli::Run {
    let args = ["committed.yaml", "--api", "api_1", "--format", format];
    permspec(dir, server, &["drift"], &args)
}

#[test]
fn a_workspace_that_matches_its_file_is_no_drift_whatever_the_order_and_the_time() {
    let fixture = Arc::new(Mutex::new(workspace()));
    let server = serve(&fixture);
    let dir = committed(&server);
    let run = drift(dir.path(), &server, "human");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "committed.yaml: matches the workspace\n");

    // The file's own additions, another `now:`, and the workspace listing its keys, roles and
    // grants in another order are not drift.
    let path = dir.path().join("committed.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let (head, now) = text.split_once("\nnow: ").unwrap();
    let (_, tail) = now.split_once('\n').unwrap();
    let edited = format!(
        "{head}\nnow: 2020-01-01T00:00:00Z\n{}\ncases:\n  - {{key: ci-bot, query: documents.read, expect: allow}}\n",
        tail.replace(
            "description: Unkey key key_1",
            "description: the CI bot, reviewed"
        )
    );
    std::fs::write(&path, edited).unwrap();
    {
        let mut fixture = fixture.lock().unwrap();
        fixture.keys.get_mut("api_1").unwrap().reverse();
        for permissions in fixture.roles.values_mut() {
            permissions.reverse();
        }
    }
    let run = drift(dir.path(), &server, "markdown");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "### permspec drift\n\n`committed.yaml` matches the workspace.\n"
    );
}

#[test]
fn every_kind_of_drift_is_listed_and_fails_the_job() {
    let fixture = Arc::new(Mutex::new(workspace()));
    let server = serve(&fixture);
    let dir = committed(&server);
    {
        let mut fixture = fixture.lock().unwrap();
        fixture
            .roles
            .get_mut("reader")
            .unwrap()
            .push("documents.export".to_owned());
        fixture
            .roles
            .insert("auditor".to_owned(), vec!["audit.read".to_owned()]);
        let keys = fixture.keys.get_mut("api_1").unwrap();
        keys.retain(|key| key.id != "key_3");
        keys[0].enabled = false;
        keys[1].expires = Some(1_950_000_000_000);
        keys[1].direct.push("billing.*".to_owned());
        keys[1].roles.push("auditor".to_owned());
        keys.push(key("key_4", "intruder", &["editor"], &["*"]));
    }
    let human = drift(dir.path(), &server, "human");
    assert_eq!(human.code, 1, "{}", human.stderr);
    insta::assert_snapshot!("drift_human", human.stdout);
    let markdown = drift(dir.path(), &server, "markdown");
    assert_eq!(markdown.code, 1, "{}", markdown.stderr);
    insta::assert_snapshot!("drift_markdown", markdown.stdout);

    let json = drift(dir.path(), &server, "json");
    assert_eq!(json.code, 1, "{}", json.stderr);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["matches"], false);
    let drift = &report["drift"];
    assert_eq!(drift["added_keys"][0]["key"], "intruder");
    assert_eq!(drift["added_keys"][0]["permissions"][0], "*");
    assert_eq!(drift["removed_keys"][0]["key"], "retired");
    assert_eq!(drift["added_roles"][0]["role"], "auditor");
    assert_eq!(
        drift["changed_roles"][0]["permissions"]["added"][0],
        "documents.export"
    );
    let changed: Vec<&str> = (drift["changed_keys"].as_array().unwrap().iter())
        .map(|key| key["key"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["ci-bot", "docs-service"]);
}

#[test]
fn names_from_the_workspace_cannot_forge_output() {
    let fixture = Arc::new(Mutex::new(workspace()));
    let server = serve(&fixture);
    let dir = committed(&server);
    fixture
        .lock()
        .unwrap()
        .keys
        .get_mut("api_1")
        .unwrap()
        .push(key(
            "key_9",
            "evil\u{1b}[32m| ok |`",
            &[],
            &["documents.read\nmatches the workspace"],
        ));
    let human = drift(dir.path(), &server, "human");
    assert_eq!(human.code, 1, "{}", human.stderr);
    assert!(!human.stdout.contains('\u{1b}'), "{}", human.stdout);
    assert_eq!(human.stdout.lines().count(), 3, "{}", human.stdout);
    let markdown = drift(dir.path(), &server, "markdown");
    let row = (markdown.stdout.lines())
        .find(|line| line.starts_with("| added | key"))
        .unwrap()
        .to_owned();
    insta::assert_snapshot!("drift_forged_name", row);
}

#[test]
fn a_workspace_or_file_that_cannot_be_read_is_exit_2() {
    let fixture = Arc::new(Mutex::new(workspace()));
    let server = serve(&fixture);
    let dir = committed(&server);
    let missing = permspec(
        dir.path(),
        &server,
        &["drift"],
        &["absent.yaml", "--api", "api_1"],
    );
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.stdout.is_empty());

    let unknown_api = drift_of(dir.path(), &server, "api_404");
    assert_eq!(unknown_api.code, 2, "{}", unknown_api.stderr);
    assert!(unknown_api.stdout.is_empty());

    let output = assert_cmd::Command::cargo_bin("permspec")
        .unwrap()
        .current_dir(dir.path())
        .env("UNKEY_ROOT_KEY", "unkey_wrong")
        .args([
            "drift",
            "committed.yaml",
            "--api",
            "api_1",
            "--base-url",
            &server.url(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

fn drift_of(dir: &Path, server: &Server, api: &str) -> support::cli::Run {
    permspec(dir, server, &["drift"], &["committed.yaml", "--api", api])
}

#[test]
fn a_name_moved_to_another_key_is_drift() {
    let fixture = Arc::new(Mutex::new(workspace()));
    let server = serve(&fixture);
    let dir = committed(&server);
    {
        // The CI bot's name now belongs to the key that edits, and the other way round.
        let mut fixture = fixture.lock().unwrap();
        let keys = fixture.keys.get_mut("api_1").unwrap();
        let (first, second) = (keys[0].name.clone(), keys[1].name.clone());
        keys[0].name = second;
        keys[1].name = first;
        keys[0].expires = keys[1].expires.take();
        keys[1].expires = None;
        let roles = std::mem::take(&mut keys[0].roles);
        keys[0].roles = std::mem::replace(&mut keys[1].roles, roles);
        let direct = std::mem::take(&mut keys[0].direct);
        keys[0].direct = std::mem::replace(&mut keys[1].direct, direct);
    }
    let run = drift(dir.path(), &server, "human");
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("~ key `ci-bot` (line 25): Unkey key id `key_1` → `key_2`"),
        "{}",
        run.stdout
    );
}

#[test]
fn lines_are_those_of_the_policy_a_case_file_names() {
    let fixture = Arc::new(Mutex::new(workspace()));
    let server = serve(&fixture);
    let dir = committed(&server);
    std::fs::write(
        dir.path().join("cases.yaml"),
        "version: 1\npolicy: committed.yaml\ncases:\n  - {key: ci-bot, query: documents.read, expect: allow}\n",
    )
    .unwrap();
    fixture.lock().unwrap().keys.get_mut("api_1").unwrap()[0].enabled = false;
    let run = permspec(
        dir.path(),
        &server,
        &["drift"],
        &["cases.yaml", "--api", "api_1"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("committed.yaml: differs"),
        "{}",
        run.stdout
    );
}

#[test]
fn saved_responses_without_roles_or_catalog_cannot_show_a_match() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/import/unkey");
    let page = |name: &str| fixtures.join(name).to_str().unwrap().to_owned();
    let (keys, roles) = (page("keys-page-2.json"), page("roles.json"));
    std::fs::write(dir.path().join("p.yaml"), "version: 1\n").unwrap();
    for args in [
        vec!["drift", "p.yaml", "--keys", &keys],
        vec!["drift", "p.yaml", "--keys", &keys, "--roles", &roles],
    ] {
        let output = assert_cmd::Command::cargo_bin("permspec")
            .unwrap()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("pass the saved"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

/// The reviewer's quarter on an imported workspace: import, report, and drift once the
/// workspace changes.
#[test]
fn an_imported_workspace_is_reported_and_its_drift_found() {
    let fixture = Arc::new(Mutex::new(workspace()));
    let server = serve(&fixture);
    let dir = committed(&server);
    let args = [
        "report",
        "committed.yaml",
        "--format",
        "json",
        "-o",
        "review.json",
    ];
    let run = support::cli::permspec_in(dir.path(), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("review.json")).unwrap();
    let review: Value = serde_json::from_str(&text).unwrap();
    let holdings = |name: &str| -> Vec<String> {
        let keys = review["keys"].as_array().unwrap();
        let key = keys.iter().find(|key| key["name"] == name).unwrap();
        (key["effective"].as_array().unwrap().iter())
            .map(|holding| holding["permission"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(holdings("ci-bot"), ["documents.read"]);
    assert_eq!(
        holdings("docs-service"),
        ["billing.refund", "documents.read", "documents.write"]
    );
    assert!(
        holdings("retired").is_empty(),
        "a disabled key holds nothing"
    );

    fixture
        .lock()
        .unwrap()
        .roles
        .get_mut("reader")
        .unwrap()
        .push("documents.write".into());
    let run = drift(dir.path(), &server, "human");
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("reader"), "{}", run.stdout);
}
