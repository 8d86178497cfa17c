//! `permspec import unkey --api`: the real client against a real HTTP server on 127.0.0.1
//! that serves Unkey-shaped responses (pages, errors, injected 429 and 500), started on a
//! free port for each test and stopped when the test ends (or after a minute, whatever
//! happens).

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::unkey::{Fixture, ROOT_KEY, Server, error};

/// Runs `permspec import unkey` against `server` with `args`, the root key in the
/// environment unless `root_key` is `None`.
fn import(server: &Server, args: &[&str], root_key: Option<&str>) -> support::cli::Run {
    let url = server.url();
    let mut command = assert_cmd::Command::cargo_bin("permspec").unwrap();
    command
        .args(["import", "unkey", "--base-url", &url])
        .args(args);
    command.env_remove("UNKEY_ROOT_KEY");
    if let Some(key) = root_key {
        command.env("UNKEY_ROOT_KEY", key);
    }
    let output = command.output().unwrap();
    let run = support::cli::Run::of(output);
    assert!(
        !run.stdout.contains(ROOT_KEY) && !run.stderr.contains(ROOT_KEY),
        "the root key is never printed"
    );
    run
}

#[test]
fn a_workspace_of_several_pages_is_imported_key_by_key() {
    let fixture = Arc::new(Fixture::new());
    let server = {
        let fixture = Arc::clone(&fixture);
        Server::start(Box::new(move |endpoint, body| {
            fixture.answer(endpoint, body)
        }))
    };
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("unkey.yaml");
    let run = import(
        &server,
        &[
            "--api",
            "api_1",
            "--api",
            "api_2",
            "-o",
            output.to_str().unwrap(),
            "--format",
            "json",
        ],
        Some(ROOT_KEY),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        server.calls("apis.listKeys"),
        4,
        "three pages of api_1, one of api_2"
    );
    assert_eq!(server.calls("permissions.listRoles"), 2);

    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["keys"], 251);
    assert_eq!(summary["roles"], 131);
    assert_eq!(summary["permissions"], 197);
    assert_eq!(summary["partial"], false);
    let warnings: Vec<&str> = summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("2 keys are named `service-1` (key_a0001, key_b0001)")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("dropped `identity` (251 keys), `meta` (251 keys)")),
        "{warnings:?}"
    );

    let text = std::fs::read_to_string(&output).unwrap();
    assert!(!text.contains(ROOT_KEY) && !text.contains("sk_live"));
    assert!(text.contains("semantics: literal"));
    assert!(text.contains("minus those its\n# roles give"));
    let policy: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let keys = policy["keys"].as_mapping().unwrap();
    let by_id: BTreeMap<String, &serde_yaml::Value> = keys
        .values()
        .map(|key| {
            let description = key["description"].as_str().unwrap();
            (description.split(' ').nth(2).unwrap().to_owned(), key)
        })
        .collect();
    assert_eq!(by_id.len(), 251);
    for (api, stored) in &fixture.keys {
        for key in stored {
            let written = by_id[&key.id];
            assert!(
                written["description"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("of API {api}"))
            );
            assert_eq!(
                written["enabled"].as_bool().unwrap_or(true),
                key.enabled,
                "{}",
                key.id
            );
            let expires = key
                .expires
                .map(|ms| jiff::Timestamp::from_millisecond(ms).unwrap().to_string());
            assert_eq!(
                written["expires"].as_str().map(str::to_owned),
                expires,
                "{}",
                key.id
            );
            let strings = |value: &serde_yaml::Value| -> Vec<String> {
                value.as_sequence().map_or(Vec::new(), |list| {
                    list.iter()
                        .map(|item| item.as_str().unwrap().to_owned())
                        .collect()
                })
            };
            let mut roles = key.roles.clone();
            roles.sort();
            assert_eq!(strings(&written["roles"]), roles, "{}", key.id);
            // Direct grants that a role also gives cannot be told apart; the rest must be.
            let from_roles: Vec<&String> = key
                .roles
                .iter()
                .flat_map(|role| &fixture.roles[role])
                .collect();
            let mut direct: Vec<String> = key
                .direct
                .iter()
                .filter(|grant| !from_roles.contains(grant))
                .cloned()
                .collect();
            direct.sort();
            assert_eq!(strings(&written["permissions"]), direct, "{}", key.id);
        }
    }

    // What import writes passes its own lint: key IDs are not key material.
    let lint = support::cli::permspec(&["lint", output.to_str().unwrap()]);
    assert_eq!(lint.code, 0, "{}{}", lint.stdout, lint.stderr);
    assert!(!lint.stdout.contains("X001"), "{}", lint.stdout);
    let test = support::cli::permspec(&["test", output.to_str().unwrap(), "--list"]);
    assert_eq!(test.code, 0, "{}", test.stderr);
}

#[test]
fn rate_limits_and_server_errors_are_retried() {
    let fixture = Fixture::new();
    let attempts = Arc::new(Mutex::new(BTreeMap::<String, u32>::new()));
    let server = Server::start(Box::new(move |endpoint, body| {
        let mut attempts = attempts.lock().unwrap();
        let seen = attempts.entry(endpoint.to_owned()).or_default();
        *seen += 1;
        match (endpoint, *seen) {
            ("apis.listKeys", 1) => {
                let (status, _, body) = error(
                    429,
                    "Too Many Requests",
                    "This workspace has exceeded its API rate limit of 100/1m0s. Please try again later.",
                );
                (
                    status,
                    vec![
                        ("Retry-After", "0".to_owned()),
                        ("RateLimit-Reset", "0".to_owned()),
                    ],
                    body,
                )
            }
            ("permissions.listRoles", 1 | 2) => {
                error(503, "Service Unavailable", "Failed to retrieve roles.")
            }
            _ => fixture.answer(endpoint, body),
        }
    }));
    let run = import(&server, &["--api", "api_2"], Some(ROOT_KEY));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("service-1:"), "{}", run.stdout);
    assert_eq!(server.calls("apis.listKeys"), 2);
    assert_eq!(
        server.calls("permissions.listRoles"),
        4,
        "two failures, then two pages"
    );
}

#[test]
fn a_rate_limit_that_never_lifts_ends_with_exit_2() {
    let server = Server::start(Box::new(|_, _| {
        let (status, _, body) = error(429, "Too Many Requests", "rate limited");
        (status, vec![("Retry-After", "0".to_owned())], body)
    }));
    let run = import(&server, &["--api", "api_1"], Some(ROOT_KEY));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("rate-limited `apis.getApi` (429) on all 6 attempts"),
        "{}",
        run.stderr
    );
}

#[test]
fn errors_name_their_cause() {
    let fixture = Arc::new(Fixture::new());
    let forbidden = |endpoint: &str| endpoint == "permissions.listRoles";
    let server = {
        let fixture = Arc::clone(&fixture);
        Server::start(Box::new(move |endpoint, body| {
            if forbidden(endpoint) {
                return error(
                    403,
                    "Insufficient Permissions",
                    "Missing one of these permissions: rbac.*.read_role",
                );
            }
            if endpoint == "apis.listKeys" && body["apiId"] == "api_2" {
                return error(
                    404,
                    "Not Found",
                    "The requested API does not exist or has been deleted.",
                );
            }
            fixture.answer(endpoint, body)
        }))
    };
    let cases = [
        (
            vec!["--api", "api_1"],
            Some("unkey_root_wrong"),
            "Unkey does not accept the root key in UNKEY_ROOT_KEY (401)",
        ),
        (vec!["--api", "api_1"], None, "set UNKEY_ROOT_KEY"),
        (
            vec!["--api", "api_1"],
            Some(ROOT_KEY),
            "may not call `permissions.listRoles` (403): Missing one of these permissions: rbac.*.read_role",
        ),
        (
            vec!["--api", "api_404"],
            Some(ROOT_KEY),
            "there is no API `api_404` in this workspace (404)",
        ),
        (
            vec!["--api", "api_2"],
            Some(ROOT_KEY),
            "or the root key lacks `api.*.read_key` or `api.*.read_api`",
        ),
    ];
    for (args, key, expected) in cases {
        let run = import(&server, &args, key);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.said.contains(expected), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "nothing is written");
    }
}

#[test]
fn an_unreachable_server_is_an_error_after_retries() {
    // A port nothing listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = assert_cmd::Command::cargo_bin("permspec")
        .unwrap()
        .args([
            "import",
            "unkey",
            "--api",
            "api_1",
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
        ])
        .env("UNKEY_ROOT_KEY", ROOT_KEY)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot reach Unkey for `apis.getApi`"),
        "{stderr}"
    );
    assert!(!stderr.contains(ROOT_KEY));
}

#[test]
fn a_redirect_is_never_followed() {
    // The other origin would answer, unauthenticated, with a key that holds `*`.
    let elsewhere = Server::start(Box::new(|_, _| {
        let key = json!({"keyId": "key_x", "name": "attacker-chosen", "permissions": ["*"]});
        (
            200,
            Vec::new(),
            json!({"data": [key], "pagination": {"hasMore": false}}),
        )
    }));
    let target = format!("{}/v2/apis.getApi", elsewhere.url());
    let server = Server::start(Box::new(move |_, _| {
        (302, vec![("Location", target.clone())], json!({}))
    }));
    let run = import(&server, &["--api", "api_1"], Some(ROOT_KEY));
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.is_empty());
    assert!(
        run.said
            .contains("answered 302 with a redirect to `http://")
            && run.said.contains("which import does not follow"),
        "{}",
        run.stderr
    );
    assert_eq!(
        elsewhere.calls("apis.getApi"),
        0,
        "the other origin is never asked"
    );
}

/// A server whose `apis.listKeys` says more follow on every page, with a fresh cursor.
fn endless() -> Server {
    let fixture = Fixture::new();
    let page = Arc::new(Mutex::new(0usize));
    Server::start(Box::new(move |endpoint, body| {
        if endpoint != "apis.listKeys" {
            return fixture.answer(endpoint, body);
        }
        let mut page = page.lock().unwrap();
        *page += 1;
        let key = json!({"keyId": format!("key_e{page}"), "name": format!("k{page}")});
        let pagination = json!({"hasMore": true, "cursor": format!("c_{page}")});
        (
            200,
            Vec::new(),
            json!({"data": [key], "pagination": pagination}),
        )
    }))
}

#[test]
fn endless_pagination_stops_at_a_cap_with_an_error() {
    for (flag, value, message) in [
        ("--max-pages", "25", "stopped after 25 pages"),
        ("--max-keys", "10", "stopped after 10 keys"),
    ] {
        let server = endless();
        let run = import(&server, &["--api", "api_1", flag, value], Some(ROOT_KEY));
        assert_eq!(run.code, 2, "{flag}: {}", run.stdout);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains(message), "{flag}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("raise {flag}")),
            "{}",
            run.stderr
        );
        assert!(server.calls("apis.listKeys") <= 26, "{flag}");
    }
}

#[test]
fn the_root_key_is_never_sent_in_clear_text_to_another_host() {
    let mut command = assert_cmd::Command::cargo_bin("permspec").unwrap();
    let output = command
        .args([
            "import",
            "unkey",
            "--api",
            "api_1",
            "--base-url",
            "http://unkey.example.com",
        ])
        .env("UNKEY_ROOT_KEY", ROOT_KEY)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("would send the root key in clear text"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-insecure-http"), "{stderr}");
}

/// A body that a server sends one byte every half second.
struct Dripping(usize);

impl std::io::Read for Dripping {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.0 == 0 || buffer.is_empty() {
            return Ok(0);
        }
        std::thread::sleep(Duration::from_millis(500));
        self.0 -= 1;
        buffer[0] = b' ';
        Ok(1)
    }
}

#[test]
fn a_server_that_answers_a_byte_at_a_time_is_cut_off_at_max_time() {
    // A server of its own: this one answers with a body that never ends in time.
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let url = format!("http://{}", server.server_addr().to_ip().unwrap());
    let serving = Arc::clone(&server);
    std::thread::spawn(move || {
        while let Ok(request) = serving.recv() {
            std::thread::spawn(move || {
                let response =
                    tiny_http::Response::new(200.into(), Vec::new(), Dripping(10_000), None, None);
                let _ = request.respond(response);
            });
        }
    });
    let started = Instant::now();
    let output = assert_cmd::Command::cargo_bin("permspec")
        .unwrap()
        .args([
            "import",
            "unkey",
            "--api",
            "api_1",
            "--base-url",
            &url,
            "--max-time",
            "2",
        ])
        .env("UNKEY_ROOT_KEY", ROOT_KEY)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    server.unblock();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("stopped after 2 seconds"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[cfg(unix)]
#[test]
fn output_that_is_no_regular_file_is_refused() {
    let fixture = Arc::new(Fixture::new());
    let server = {
        let fixture = Arc::clone(&fixture);
        Server::start(Box::new(move |endpoint, body| {
            fixture.answer(endpoint, body)
        }))
    };
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("null.yaml");
    std::os::unix::fs::symlink("/dev/null", &device).unwrap();
    let run = import(
        &server,
        &["--api", "api_2", "-o", device.to_str().unwrap()],
        Some(ROOT_KEY),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn a_page_whose_has_more_is_no_boolean_or_that_holds_an_error_is_refused() {
    for pagination in [
        json!({"hasMore": "true", "cursor": "c_1"}),
        json!({"hasMore": 1, "cursor": "c_1"}),
        json!({"hasMore": null}),
        json!({"cursor": "c_1"}),
        json!(null),
        json!("more"),
    ] {
        let server = serving_pages(
            json!({"meta": {"requestId": "r"}, "data": [], "pagination": pagination.clone()}),
        );
        let run = import(&server, &["--api", "api_1"], Some(ROOT_KEY));
        assert_eq!(run.code, 2, "{pagination}: {}", run.stdout);
        assert!(run.stderr.contains("hasMore"), "{}", run.stderr);
    }
    let server = serving_pages(
        json!({"meta": {"requestId": "r"}, "data": [], "error": {"title": "Forbidden"}}),
    );
    let run = import(&server, &["--api", "api_1"], Some(ROOT_KEY));
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("an `error` beside its data"),
        "{}",
        run.stderr
    );
}

/// A server that knows `api_1` and answers every list with `page`.
fn serving_pages(page: Value) -> Server {
    Server::start(Box::new(move |endpoint, _| match endpoint {
        "apis.getApi" => (
            200,
            Vec::new(),
            json!({"meta": {"requestId": "r"}, "data": {"id": "api_1"}}),
        ),
        _ => (200, Vec::new(), page.clone()),
    }))
}
