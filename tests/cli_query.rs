//! `permspec parse` and `permspec check` through the binary: outputs and exit codes.

mod support;

use support::cli::permspec_with_input as permspec;

#[test]
fn parse_prints_the_canonical_form() {
    let run = permspec(
        &["parse", "admin or (documents.read and documents.write)"],
        "",
    );
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "admin OR documents.read AND documents.write\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn parse_reports_a_syntax_error_with_exit_2() {
    let run = permspec(&["parse", "documents.read AND (users.view OR"], "");
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!("parse_error_human", run.stderr);
}

#[test]
fn parse_json_follows_the_contract() {
    let run = permspec(&["parse", "--format", "json", "a OR b AND c", "a AND"], "");
    assert_eq!(run.code, 2);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    insta::assert_json_snapshot!("parse_json", lines);
}

#[test]
fn parse_reads_queries_from_stdin_as_json_lines_in_order() {
    let run = permspec(&["parse", "--format", "json"], "a and b\n\n(c\r\nx OR y\n");
    assert_eq!(run.code, 2);
    let oks: Vec<bool> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["ok"] == true)
        .collect();
    assert_eq!(oks, [true, false, true]);
}

#[test]
fn parse_of_no_query_checked_nothing_and_fails() {
    for input in ["", "\n  \n"] {
        let run = permspec(&["parse"], input);
        assert_eq!(run.code, 2, "{input:?}");
        assert!(
            run.stderr.starts_with("permspec::cli::nothing-checked"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn parse_reports_the_query_rules_and_fails_on_errors() {
    let query = vec!["p"; 101].join(" OR ");
    let run = permspec(&["parse", &query], "");
    assert_eq!(run.code, 1, "N005 is an error");
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "the canonical form is printed"
    );
    assert!(run.stderr.contains("N005(query-limits)"), "{}", run.stderr);
    assert!(run.stderr.contains("Unkey allows at most 100"));

    let run = permspec(&["parse", "documents.* OR documents/read"], "");
    assert_eq!(run.code, 1, "N002 is an error");
    insta::assert_snapshot!("parse_query_rules", run.stderr);
}

#[test]
fn parse_passes_with_warnings_only() {
    let run = permspec(&["parse", "documents.*"], "");
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "documents.*\n");
    assert!(run.stderr.contains("W007(wildcard-in-query)"));
}

#[test]
fn parse_points_into_standard_input_by_line_and_skips_comments() {
    let run = permspec(&["parse"], "# reads\ndocuments.read\n\n  a AND\n");
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "documents.read\n");
    assert!(run.stderr.contains("[<stdin>:4:5]"), "{}", run.stderr);
}

#[test]
fn check_allows_and_explains() {
    let run = permspec(
        &[
            "check",
            "documents.read AND users.view",
            "--grant",
            "documents.*,users.view",
        ],
        "",
    );
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("check_allow_human", run.stdout);
}

#[test]
fn check_denies_with_exit_1_and_says_what_is_missing() {
    let run = permspec(
        &[
            "check",
            "(a OR b) AND (c OR d)",
            "--grant",
            "a",
            "--grant",
            "x",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("check_deny_human", run.stdout);
}

#[test]
fn check_strict_shows_both_ways_of_matching() {
    let run = permspec(
        &[
            "check",
            "documents.read",
            "--grant",
            "documents.*",
            "--semantics",
            "strict",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("check_strict_human", run.stdout);
}

#[test]
fn check_json_follows_the_contract() {
    let run = permspec(
        &[
            "check",
            "billing.read AND billing.manage",
            "--grant",
            "billing.*",
            "--forbid",
            "billing.manage",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    insta::assert_json_snapshot!("check_forbidden_json", json);
}

#[test]
fn check_rejects_bad_queries_and_queries_over_unkeys_limits_with_exit_2() {
    let run = permspec(&["check", "a AND", "--grant", "a"], "");
    assert_eq!((run.code, run.stdout.as_str()), (2, ""));
    assert!(
        run.stderr
            .contains("operator AND has no right-hand operand")
    );

    let long = "p".repeat(1001);
    let run = permspec(&["check", &long, "--grant", "p"], "");
    assert_eq!((run.code, run.stdout.as_str()), (2, ""));
    assert!(
        run.stderr
            .contains("Unkey rejects queries over 1000 characters")
    );
}

#[test]
fn check_reports_the_query_rules_and_still_decides() {
    let run = permspec(&["check", "documents.*", "--grant", "documents.*"], "");
    assert_eq!(run.code, 0, "the literal grant satisfies it");
    assert!(
        run.stderr.contains("W007(wildcard-in-query)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.starts_with("allow: VALID"));
}

#[test]
fn bad_flags_exit_2() {
    let run = permspec(&["check", "a", "--semantics", "fuzzy"], "");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("fuzzy"));
}

#[test]
fn check_decides_a_urn_permission_as_unkey_does() {
    let required = "unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#read_key";
    let run = permspec(
        &[
            "check",
            "--urn",
            required,
            "--grant",
            "unkey:v1:ws_1:keyspaces/*/keys/*#read_key",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("allow: `unkey:v1:ws_1:keyspaces/*/keys/*#read_key` covers")
    );

    // The API id where the keyspace id belongs, and an admin grant that is not one.
    let run = permspec(
        &[
            "check",
            "--urn",
            required,
            "--format",
            "json",
            "--grant",
            "unkey:v1:ws_1:keyspaces/api_1/keys/*#read_key,unkey:v1:ws_1:portals/*#*",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    let answer: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        answer,
        serde_json::json!({"allowed": false, "valid": true, "error": null, "grant": null})
    );

    let run = permspec(
        &[
            "check",
            "--urn",
            "unkey:v1:ws_1:keyspaces/ks_*#read_key",
            "--grant",
            "unkey:v1:ws_1:**#*",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("\"*\" must be a whole segment"),
        "{}",
        run.stdout
    );
    let run = permspec(
        &[
            "check",
            "--urn",
            required,
            "--grant",
            "unkey:v1:ws_1:portals/*#*",
        ],
        "",
    );
    assert!(
        run.stdout
            .contains("note: Unkey ignores the grant `unkey:v1:ws_1:portals/*#*`"),
        "{}",
        run.stdout
    );
    assert_eq!(
        permspec(&["check", "--urn", required, "a.read"], "").code,
        2,
        "a query or a URN, not both"
    );
}

#[test]
fn check_batch_answers_each_line_in_order_and_reports_malformed_ones() {
    let input = [
        r#"{"grants": ["documents.*"], "query": "documents.read"}"#,
        r#"{"grants": ["documents.*"], "query": "documents.read", "semantics": "literal"}"#,
        r#"{"grants": [], "query": "a AND"}"#,
        r#"{"grants": ["unkey:v1:ws_1:keyspaces/*/keys/*#read_key"], "urn": "unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#read_key"}"#,
        r#"{"grants": ["unkey:v1:ws_1:**#*"], "urn": "unkey:v1:ws_1:keyspaces/ks_*#read_key"}"#,
        r#"{"grants": ["api.*.update_key"], "root_query": {"or": [{"and": [{"t": "api.*.update_key"}, {"t": "rbac.*.add_permission_to_key"}]}, {"u": "unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#update_key"}]}}"#,
        "not json",
        r#"{"grants": [], "urn": "x", "query": "y"}"#,
        r#"{"grants": [], "root_query": {"and": [{"s": ""}]}}"#,
        r#"{"grants": ["unkey:v1:ws_1:keyspaces/ks_1/keys/*#read_key"], "route": "keys.getKey", "params": {"workspaceId": "ws_1", "apiId": "api_1", "keyAuthId": "ks_1", "keyId": "k_1"}}"#,
        r#"{"grants": ["unkey:v1:ws_1:**#*"], "route": "apis.listKeys", "params": {"workspaceId": "ws_1", "apiId": "api_1", "keyAuthId": "ks_1", "decrypt": true}}"#,
        r#"{"grants": ["unkey:v1:ws_1:**#*"], "route": "apis.createApi", "params": {"workspaceId": "ws_1"}}"#,
        r#"{"grants": [], "route": "keys.getKey", "params": {"workspaceId": "ws_1"}}"#,
        r#"{"grants": [], "route": "keys.getkey", "params": {}}"#,
    ]
    .join("\n");
    let run = permspec(&["check", "--batch", "-"], &input);
    assert_eq!(run.code, 2, "a malformed line makes the run exit 2");
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 14, "one answer per line, in order");
    assert_eq!(lines[0]["allowed"], true);
    assert_eq!(lines[1]["allowed"], false);
    assert_eq!(lines[1]["code"], "INSUFFICIENT_PERMISSIONS");
    assert_eq!(lines[2]["valid"], false);
    assert_eq!(lines[2]["error"], "operator AND has no right-hand operand");
    assert_eq!(lines[3]["allowed"], true);
    assert_eq!(lines[3]["valid"], true);
    assert_eq!(lines[4]["allowed"], false);
    assert_eq!(lines[4]["valid"], false);
    assert_eq!(lines[5]["allowed"], false);
    assert_eq!(
        lines[5]["message"],
        "Missing one of these permissions: api.*.update_key and rbac.*.add_permission_to_key \
         or unkey:v1:ws_1:keyspaces/ks_1/keys/k_1#update_key"
    );
    assert!(lines[6]["error"].is_string() && lines[6].get("allowed").is_none());
    assert_eq!(
        lines[7]["error"],
        "give exactly one of `query`, `urn`, `root_query` and `route`"
    );
    assert_eq!(lines[9]["allowed"], true);
    assert_eq!(lines[9]["arm"], "urn");
    assert_eq!(lines[9]["status"], 200);
    assert_eq!(
        lines[10]["allowed"], true,
        "the admin grant covers listKeys and decrypt"
    );
    assert_eq!(lines[11]["allowed"], false, "apis.createApi has no URN arm");
    assert_eq!(lines[11]["status"], 403);
    assert_eq!(
        lines[11]["message"],
        "Missing permission: 'api.*.create_api'"
    );
    assert_eq!(lines[12]["allowed"], false);
    assert_eq!(lines[12]["error"], "`keys.getKey` needs the param `apiId`");
    assert!(
        lines[13].get("allowed").is_none(),
        "an unknown route is a malformed line"
    );
    assert!(
        lines[13]["error"]
            .as_str()
            .unwrap()
            .contains("did you mean `keys.getKey`?")
    );
    assert_eq!(lines[8]["allowed"], false);
    assert!(
        lines[8]["error"]
            .as_str()
            .unwrap()
            .starts_with("query has invalid structure")
    );

    let run = permspec(
        &["check", "--batch", "-"],
        &input.lines().take(6).collect::<Vec<_>>().join("\n"),
    );
    assert_eq!(run.code, 0, "decided lines, denied or not, exit 0");
}

#[test]
fn check_route_shows_each_leaf_and_refuses_what_it_cannot_decide() {
    let request = [
        "check",
        "--route",
        "keys.getKey",
        "--param",
        "workspaceId=ws_1",
        "--param",
        "apiId=api_1",
        "--param",
        "keyAuthId=ks_1",
        "--param",
        "keyId=key_1",
    ];
    let near_miss = [
        &request[..],
        &["--grant", "unkey:v1:ws_1:keyspaces/api_1/keys/*#read_key"],
    ]
    .concat();
    let run = permspec(&near_miss, "");
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("check_route_near_miss", run.stdout);
    let allowed = [
        &request[..],
        &["--grant", "api.*.read_key", "--format", "json"],
    ]
    .concat();
    let run = permspec(&allowed, "");
    assert_eq!(run.code, 0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["arm"], "legacy");
    assert_eq!(json["status"], 200);

    let admin_on_legacy_only = permspec(
        &[
            "check",
            "--route",
            "apis.createApi",
            "--grant",
            "unkey:v1:ws_1:**#*",
        ],
        "",
    );
    assert_eq!(admin_on_legacy_only.code, 1);
    assert!(
        admin_on_legacy_only
            .stdout
            .contains("has no URN arm: URN grants, even `**#*`, do nothing there"),
        "{}",
        admin_on_legacy_only.stdout
    );
    let bare = permspec(&["check", "--route", "keys.getKey", "--grant", "x"], "");
    assert_eq!(bare.code, 2);
    assert!(
        bare.said
            .contains("`keys.getKey` needs `apiId`, `keyAuthId`, `keyId`"),
        "every missing param at once: {}",
        bare.stderr
    );
    for (args, error) in [
        (&["--param", "keyId"][..], "give NAME=VALUE"),
        (&["--param", "keyID=k"][..], "did you mean `keyId`?"),
        (&["--param", "decrypt=yes"][..], "give `true` or `false`"),
    ] {
        let run = permspec(&[&request[..], args, &["--grant", "x"]].concat(), "");
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains(error), "{args:?}: {}", run.stderr);
    }
    let long = format!("keyId={}", "é".repeat(10_000));
    let run = permspec(
        &[
            "check",
            "--route",
            "keys.getKey",
            "--param",
            &long,
            "--grant",
            "x",
        ],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.len() < 400,
        "a long value is clipped: {}",
        run.stderr.len()
    );
    // Every route is decided; portal.createSession needs a scope, as Unkey's API does.
    let run = permspec(
        &["check", "--route", "permissions.createRole", "--grant", "x"],
        "",
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let run = permspec(
        &[
            "check",
            "--route",
            "portal.createSession",
            "--param",
            "portalId=pt_1",
            "--param",
            "apiId=api_1",
            "--grant",
            "x",
        ],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("needs one of the options"),
        "{}",
        run.stderr
    );
    let run = permspec(&["check", "--route", "keys.getkey", "--grant", "x"], "");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `keys.getKey`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_batch_answers_a_route_line_for_every_route_with_unkeys_status() {
    let table: serde_json::Value =
        serde_json::from_str(&permspec(&["routes", "--format", "json"], "").stdout).unwrap();
    let routes = table["routes"].as_array().unwrap();
    let lines: Vec<String> = routes
        .iter()
        .map(|route| {
            let mut params = serde_json::Map::new();
            for param in route["params"].as_array().unwrap() {
                let param = param.as_str().unwrap();
                params.insert(param.to_owned(), format!("{param}_1").into());
            }
            if let Some(needed) = route["at_least_one_option"].as_array().unwrap().first() {
                params.insert(needed.as_str().unwrap().to_owned(), true.into());
            }
            serde_json::json!({"grants": [], "route": route["route"], "params": params}).to_string()
        })
        .collect();
    let run = permspec(&["check", "--batch", "-"], &lines.join("\n"));
    assert_eq!(run.code, 0, "{}", run.stdout);
    let answers: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(answers.len(), routes.len());
    for (route, answer) in routes.iter().zip(&answers) {
        assert_eq!(answer["error"], serde_json::Value::Null, "{answer}");
        let expected = match (&route["answers"], &route["denied"]) {
            (serde_json::Value::Number(status), _) => status.as_u64().unwrap(),
            (_, denied) => denied.as_u64().unwrap(),
        };
        // No grant: each route answers as it answers a denial (or its fixed answer).
        assert_eq!(
            answer["status"].as_u64(),
            Some(expected),
            "{} {answer}",
            route["route"]
        );
    }
}

#[test]
fn check_for_a_key_names_the_role_each_grant_comes_through() {
    let run = permspec(
        &[
            "check",
            "documents.read",
            "--role-file",
            "policies/documents.yaml",
            "--key",
            "alice",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("documents.read granted by `documents.read` via role `editor`"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_route_or_key_not_found_points_at_what_exists() {
    let run = permspec(&["routes", "verifyKey"], "");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no Unkey route `verifyKey`; did you mean `keys.verifyKey`?"),
        "{}",
        run.stderr
    );
    let run = permspec(
        &[
            "check",
            "documents.read",
            "--role-file",
            "policies/documents.yaml",
            "--key",
            "dashboard",
        ],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("help: it declares the keys `ci_bot`, `alice`,"),
        "{}",
        run.stderr
    );
    let run = permspec(
        &[
            "check",
            "--route",
            "keys.getKey",
            "--param",
            "keyId=key_1",
            "--role-file",
            "policies/documents.yaml",
            "--key",
            "ci_bot",
        ],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`ci_bot` is an API key"),
        "{}",
        run.stderr
    );
}
