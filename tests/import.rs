//! `permspec import unkey` on responses shaped like Unkey's v2 API documents them.

mod support;

use support::cli::permspec;

const DIR: &str = "fixtures/import/unkey";

fn import(extra: &[&str]) -> support::cli::Run {
    let keys = format!("{DIR}/keys-page-1.json");
    let keys2 = format!("{DIR}/keys-page-2.json");
    let get_key = format!("{DIR}/get-key-decrypted.json");
    let roles = format!("{DIR}/roles.json");
    let permissions = format!("{DIR}/permissions.json");
    let mut args = vec![
        "import",
        "unkey",
        "--keys",
        &keys,
        &keys2,
        &get_key,
        "--roles",
        &roles,
        "--permissions",
        &permissions,
    ];
    args.extend_from_slice(extra);
    permspec(&args)
}

/// `permspec import unkey` of the keys saved at `path`, with the fixture's roles.
fn import_keys_with_roles(path: &std::path::Path) -> support::cli::Run {
    let roles = format!("{DIR}/roles.json");
    permspec(&[
        "import",
        "unkey",
        "--keys",
        path.to_str().unwrap(),
        "--roles",
        &roles,
    ])
}

#[test]
fn pages_of_keys_roles_and_permissions_become_one_policy() {
    let run = import(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(without_import_time(&run.stdout));
}

/// `text` with the time of the import (in `now:` and the header) replaced by a placeholder.
fn without_import_time(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix("now: ") {
            Some(_) => "now: <import time>".to_owned(),
            None if line.starts_with("# Imported from Unkey") => line
                .split_once(" at ")
                .map(|(head, tail)| format!("{head} at <import time>{}", &tail[20..]))
                .unwrap_or_else(|| line.to_owned()),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn key_material_is_dropped_with_a_warning() {
    let run = import(&[]);
    assert!(
        !run.stdout.contains("sk_prod"),
        "no key material is written"
    );
    assert_eq!(
        run.stderr.trim(),
        "warning: dropped `plaintext` of key `key_6gKOfQbVcMdlGbs5Mhnd2u`: permspec never \
         writes key material\nwarning: dropped `credits` (1 key), `meta` (1 key): permspec \
         models permissions, roles, `enabled` and `expires` only"
    );
}

#[test]
fn key_material_is_never_shown_around_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(format!("{DIR}/get-key-decrypted.json")).unwrap();
    // A role the roles read do not list: the error shows the key's part of the file.
    let broken = text.replace("\"roles\": [", "\"roles\": [\"ghost\", ");
    assert_ne!(broken, text, "the fixture lists roles");
    let path = dir.path().join("key.json");
    std::fs::write(&path, broken).unwrap();
    let run = import_keys_with_roles(&path);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("ghost"), "{}", run.stderr);
    assert!(
        run.stderr.contains("\"plaintext\": \"****"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("5e8f2a9c1b7d"), "{}", run.stderr);
}

#[test]
fn the_imported_policy_loads_lints_and_takes_cases() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("unkey.yaml");
    let run = import(&["--output", policy.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());

    let lint = permspec(&["lint", "--format", "json", policy.to_str().unwrap()]);
    assert_ne!(lint.code, 2, "{}", lint.stderr);
    let findings: serde_json::Value = serde_json::from_str(&lint.stdout).unwrap();
    assert!(
        lint.stdout.contains("documents.*"),
        "the wildcard grant is linted: {findings}"
    );

    let cases = dir.path().join("cases.yaml");
    std::fs::write(
        &cases,
        "version: 1\npolicy: unkey.yaml\ncases:\n\
         - {key: ci-bot, query: documents.read, expect: allow}\n\
         - {key: ci-bot, query: documents.write, expect: deny}\n\
         - {key: ops, query: documents.read, expect: deny, code: DISABLED}\n\
         - {key: docs-service, query: documents.write AND users.view, expect: allow}\n",
    )
    .unwrap();
    let test = permspec(&["test", cases.to_str().unwrap()]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
}

#[test]
fn bad_responses_are_refused_with_a_diagnostic() {
    for (file, roles) in [
        ("malformed.json", None),
        ("not-a-key.json", None),
        ("unknown-role.json", Some("roles.json")),
    ] {
        let keys = format!("{DIR}/{file}");
        let roles = roles.map(|roles| format!("{DIR}/{roles}"));
        let mut args = vec!["import", "unkey", "--keys", &keys];
        if let Some(roles) = &roles {
            args.extend(["--roles", roles]);
        }
        let run = permspec(&args);
        assert_eq!(run.code, 2, "{file}");
        assert!(run.stdout.is_empty(), "{file}: nothing is written");
        insta::assert_snapshot!(file, run.stderr);
    }
}

#[test]
fn an_error_body_is_reported_as_unkeys_error() {
    let keys = format!("{DIR}/error-403.json");
    let run = permspec(&["import", "unkey", "--keys", &keys]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("this is Unkey's error 403 (Insufficient Permissions)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("api.*.read_key"), "{}", run.stderr);
}

#[test]
fn a_missing_page_is_refused_unless_partial_is_accepted() {
    let keys = format!("{DIR}/keys-more-to-come.json");
    let run = permspec(&["import", "unkey", "--keys", &keys]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("says more follow"), "{}", run.stderr);
    assert!(run.stderr.contains("--partial"), "{}", run.stderr);

    let run = permspec(&["import", "unkey", "--keys", &keys, "--partial"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("# PARTIAL IMPORT"), "{}", run.stdout);
}

#[test]
fn an_error_in_a_minified_response_points_at_the_key_in_a_short_report() {
    let mut keys: Vec<String> = (0..300)
        .map(|index| {
            format!(r#"{{"keyId":"key_{index:05}","start":"sk_1","enabled":true,"createdAt":1,"name":"k{index}","roles":["reader"]}}"#)
        })
        .collect();
    keys[150] = r#"{"keyId":"key_bad","enabled":true,"roles":["auditor"]}"#.to_owned();
    let text = format!(
        r#"{{"meta":{{"requestId":"r"}},"data":[{}],"pagination":{{"hasMore":false}}}}"#,
        keys.join(",")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.json");
    std::fs::write(&path, &text).unwrap();
    let run = import_keys_with_roles(&path);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("key `key_bad` holds role `auditor`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.len() < 2_000,
        "{} bytes for one error",
        run.stderr.len()
    );
}

/// A chain of saved pages, each naming the first key of the next as its cursor.
fn key_pages(dir: &std::path::Path, pages: usize) -> Vec<String> {
    (0..pages)
        .map(|page| {
            let pagination = if page + 1 < pages {
                format!(r#"{{"cursor": "key_p{}", "hasMore": true}}"#, page + 1)
            } else {
                r#"{"hasMore": false}"#.to_owned()
            };
            let text = format!(
                r#"{{"data": [{{"keyId": "key_p{page}", "name": "k{page}", "permissions": ["documents.read"]}}], "pagination": {pagination}}}"#
            );
            let path = dir.join(format!("keys-{page}.json"));
            std::fs::write(&path, text).unwrap();
            path.to_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn a_missing_middle_page_is_found_and_the_partial_file_says_so_to_test_and_lint() {
    let dir = tempfile::tempdir().unwrap();
    let pages = key_pages(dir.path(), 3);
    let all = permspec(&["import", "unkey", "--keys", &pages[0], &pages[1], &pages[2]]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert!(!all.stdout.contains("partial"), "{}", all.stdout);

    let gap = permspec(&["import", "unkey", "--keys", &pages[0], &pages[2]]);
    assert_eq!(gap.code, 2, "{}", gap.stdout);
    assert!(
        gap.stderr.contains("the page that starts at `key_p1`"),
        "{}",
        gap.stderr
    );

    let output = dir.path().join("partial.yaml");
    let out = output.to_str().unwrap();
    let run = permspec(&[
        "import",
        "unkey",
        "--keys",
        &pages[0],
        &pages[2],
        "--partial",
        "-o",
        out,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&output).unwrap();
    assert!(text.starts_with("# PARTIAL IMPORT"), "{text}");
    assert!(text.contains("\npartial: true\n"), "{text}");
    let lint = permspec(&["lint", out]);
    assert!(
        lint.stdout.contains("X005(partial-import)"),
        "{} {}{}",
        lint.code,
        lint.stdout,
        lint.stderr
    );
    let test = permspec(&["test", out, "--no-tests", "pass"]);
    assert!(
        test.stderr.contains("is a partial import of Unkey's state"),
        "{}",
        test.stderr
    );
}

#[test]
fn a_role_listed_twice_is_reported_and_keeps_every_permission() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.json");
    std::fs::write(
        &keys,
        r#"{"data": [{"keyId": "key_1", "name": "ci", "roles": ["reader"], "permissions": ["documents.read"]}]}"#,
    )
    .unwrap();
    let role = |slug: &str| {
        format!(
            r#"{{"data": [{{"id": "role_1", "name": "reader", "permissions": [{{"id": "p", "name": "{slug}", "slug": "{slug}"}}]}}]}}"#
        )
    };
    let (first, second) = (
        dir.path().join("roles-1.json"),
        dir.path().join("roles-2.json"),
    );
    std::fs::write(&first, role("documents.read")).unwrap();
    std::fs::write(&second, role("documents.delete")).unwrap();
    let (keys, first, second) = (
        keys.to_str().unwrap(),
        first.to_str().unwrap(),
        second.to_str().unwrap(),
    );
    let same = permspec(&["import", "unkey", "--keys", keys, "--roles", first, first]);
    assert!(
        same.stderr
            .contains("role `reader` is listed more than once; it is written once"),
        "{}",
        same.stderr
    );
    let differing = permspec(&["import", "unkey", "--keys", keys, "--roles", first, second]);
    assert!(
        differing.stderr.contains("with different permissions"),
        "{}",
        differing.stderr
    );
    assert!(
        differing
            .stdout
            .contains("- documents.delete\n    - documents.read"),
        "{}",
        differing.stdout
    );
}

#[test]
fn a_key_listed_twice_keeps_the_access_of_every_listing() {
    let dir = tempfile::tempdir().unwrap();
    let page = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let roles = page(
        "roles.json",
        r#"{"data": [{"name": "admin", "permissions": [{"slug": "documents.delete"}]}]}"#,
    );
    let first = page(
        "keys-1.json",
        r#"{"data": [{"keyId": "key_1", "name": "ci", "enabled": false, "expires": 1000,
                      "permissions": ["documents.read"]}]}"#,
    );
    let second = page(
        "keys-2.json",
        r#"{"data": [{"keyId": "key_1", "name": "ci", "roles": ["admin"],
                      "permissions": ["documents.delete"]}]}"#,
    );
    let run = permspec(&[
        "import", "unkey", "--keys", &first, &second, "--roles", &roles,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("key `key_1` is listed more than once, with different data"),
        "{}",
        run.stderr
    );
    let policy: serde_yaml::Value = serde_yaml::from_str(&run.stdout).unwrap();
    let key = &policy["keys"]["ci"];
    assert_eq!(
        key["roles"],
        serde_yaml::to_value(["admin"]).unwrap(),
        "{}",
        run.stdout
    );
    assert_eq!(
        key["permissions"],
        serde_yaml::to_value(["documents.read"]).unwrap()
    );
    assert!(
        key["enabled"].is_null(),
        "enabled in one listing: {}",
        run.stdout
    );
    assert!(
        key["expires"].is_null(),
        "no expiry in one listing: {}",
        run.stdout
    );
}

#[test]
fn a_name_made_distinct_by_a_counter_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.json");
    std::fs::write(
        &keys,
        r#"{"data": [{"keyId": "key_3", "name": "alice"}, {"keyId": "key_4", "name": "alice"},
                     {"keyId": "key_5", "name": "alice (key_3)"}]}"#,
    )
    .unwrap();
    let run = permspec(&["import", "unkey", "--keys", keys.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "key `key_3` is written as `alice (key_3) 2`: `alice (key_3)` is another key's name"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_response_given_to_the_wrong_flag_names_the_right_one() {
    let run = permspec(&[
        "import",
        "unkey",
        "--keys",
        "fixtures/import/unkey/roles.json",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("this is not a key: `permissions[0]`: invalid type: map"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("this looks like a role: pass its file with `--roles`"),
        "{}",
        run.stderr
    );
    let run = permspec(&[
        "import",
        "unkey",
        "--keys",
        "fixtures/import/unkey/keys-page-2.json",
        "--permissions",
        "fixtures/import/unkey/keys-page-2.json",
    ]);
    assert!(
        run.stderr
            .contains("this looks like a key: pass its file with `--keys`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_saved_page_with_a_cursor_and_no_has_more_wants_its_next_page() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(format!("{DIR}/keys-page-1.json")).unwrap();
    assert!(
        text.contains(", \"hasMore\": true}"),
        "the first page says more follow"
    );
    // `hasMore` null, then left out: the cursor says more follow.
    for has_more in [", \"hasMore\": null}", "}"] {
        let without = text.replace(", \"hasMore\": true}", has_more);
        let path = dir.path().join("keys.json");
        std::fs::write(&path, &without).unwrap();
        let run = import_keys_with_roles(&path);
        assert_eq!(run.code, 2, "{has_more}: {}", run.stdout);
        assert!(run.stderr.contains("says more follow"), "{}", run.stderr);
    }
}
