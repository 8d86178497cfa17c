//! Hostile input, file-system faults and hostile names: permspec fails closed (exit 2, a
//! named cause), never passes what it could not check, never damages a file, never hangs
//! and never panics. Each test holds one finding of an attack on an earlier version.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use support::cli::{Run, permspec, permspec_in, permspec_with_input};
use support::git::git;

const PASSING: &str = "version: 1\nkeys:\n  k: {permissions: [a.read]}\n\
                       cases:\n  - {key: k, query: a.read, expect: allow}\n";

/// A directory holding `files` (relative path, text).
fn suite(files: &[(&str, &str)]) -> tempfile::TempDir {
    support::directory_with(files)
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[allow(unsafe_code)] // mkfifo, to make a FIFO to refuse
fn mkfifo(path: &Path) {
    let name = std::ffi::CString::new(arg(path)).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
}

/// Runs `permspec args` in the shell `script` prefix (e.g. `ulimit -f 1;`).
fn permspec_under(script: &str, args: &[&str]) -> Run {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{script} exec '{}' {}",
            env!("CARGO_BIN_EXE_permspec"),
            quoted.join(" ")
        ))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run::of(output)
}

// 1. A fix never changes a decision unless unsafe fixes are asked for.

#[test]
fn a_typo_fix_never_turns_one_action_into_another() {
    let policy = "version: 1\npermissions: [documents.read, documents.delete, documents.write]\n\
                  roles:\n  r: {permissions: [documents.update, documents.purge, documents.edit]}\n\
                  keys:\n  k: {roles: [r]}\n\
                  cases:\n  - {key: k, query: documents.archive, expect: deny}\n";
    let dir = suite(&[("p.yaml", policy)]);
    let path = dir.path().join("p.yaml");
    let run = permspec(&["lint", "--fix", "--unsafe-fixes", arg(&path)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        policy,
        "nothing rewritten"
    );
    assert!(
        !run.stdout.contains("did you mean `documents.delete`"),
        "{}",
        run.stdout
    );
}

#[test]
fn typo_fixes_are_unsafe_and_a_query_is_never_rewritten() {
    let policy = "version: 1\npermissions: [documents.read, documents.write]\n\
                  roles:\n  r: {permissions: [documents.raed]}\n\
                  keys:\n  k: {roles: [r]}\n\
                  cases:\n  - {key: k, query: documents.raed, expect: allow}\n";
    let dir = suite(&[("p.yaml", policy)]);
    let path = dir.path().join("p.yaml");
    let run = permspec(&["lint", arg(&path)]);
    assert!(
        run.stdout
            .contains("unsafe fix: replace `documents.raed` by `documents.read`")
    );
    assert_eq!(permspec(&["lint", "--fix", arg(&path)]).code, 1);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        policy,
        "--fix alone is safe"
    );

    let run = permspec(&["lint", "--fix", "--unsafe-fixes", arg(&path)]);
    assert!(
        run.stderr.starts_with("fixed 1 finding in "),
        "{}",
        run.stderr
    );
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(fixed.contains("permissions: [documents.read]}"), "{fixed}");
    assert!(
        fixed.contains("query: documents.raed"),
        "the case still asks what it asked"
    );
    assert_eq!(
        permspec(&["lint", "--unsafe-fixes", arg(&path)]).code,
        2,
        "needs --fix"
    );
}

// 2, 21. Anything that cannot be read is exit 2; so is a directory without policies.

#[test]
#[allow(unsafe_code)] // geteuid, to tell whether the test runs as root
fn an_unreadable_directory_in_a_suite_is_an_error_not_a_skip() {
    let dir = suite(&[("ok.yaml", PASSING), ("locked/p.yaml", PASSING)]);
    let binary = dir.path().join("permspec");
    std::fs::copy(env!("CARGO_BIN_EXE_permspec"), &binary).unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(dir.path(), 0o755);
    mode(&dir.path().join("locked"), 0o000);
    // Root reads any directory: run as nobody.
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let suite_path = arg(dir.path()).to_owned();
    let commands: [&[&str]; 3] = [
        &["test", &suite_path],
        &["lint", &suite_path],
        &["diff", &suite_path, &suite_path],
    ];
    for args in commands {
        let mut run = if root {
            let mut run = Command::new("setpriv");
            run.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
            run.arg(&binary);
            run
        } else {
            Command::new(&binary)
        };
        let output = run.args(args).current_dir(dir.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("locked") && stderr.contains("ermission denied"),
            "{stderr}"
        );
    }
    mode(&dir.path().join("locked"), 0o755);
}

#[test]
fn lint_and_test_refuse_a_directory_without_policy_files_alike() {
    let dir = suite(&[("notes.txt", "nothing")]);
    for command in ["test", "lint"] {
        let run = permspec(&[command, arg(dir.path())]);
        assert_eq!(run.code, 2, "{command}");
        assert!(run.stderr.contains("no policy files"), "{}", run.stderr);
    }
}

#[test]
fn upper_case_extensions_are_policy_files_too() {
    let failing = PASSING.replace("expect: allow", "expect: deny");
    let dir = suite(&[("A.YAML", &failing), ("b.Yml", PASSING)]);
    let run = permspec(&["test", arg(dir.path())]);
    assert_eq!(run.code, 1, "the failing `.YAML` file runs: {}", run.stdout);
    assert!(run.stdout.contains("1 passed; 1 failed"), "{}", run.stdout);
}

// 3. Times: RFC 3339 with an offset, or a bare date.

#[test]
fn times_without_an_offset_or_with_a_zone_annotation_are_refused() {
    for (now, accepted) in [
        ("2026-11-01T23:59:59", false),
        ("2026-11-01T23:59:59+25:00", false),
        ("2026-11-01T23:59:59Z[America/New_York]", false),
        ("2026-11-01T23:59:59+01:00", true),
        ("2026-11-01", true),
    ] {
        let text = format!("now: \"{now}\"\n{PASSING}");
        let dir = suite(&[("p.yaml", &text)]);
        let run = permspec(&["test", arg(dir.path())]);
        assert_eq!(run.code == 0, accepted, "{now}: {}", run.stdout);
        if !accepted {
            assert!(run.stdout.contains("invalid date"), "{}", run.stdout);
        }
    }
    let far = PASSING.replace(
        "{permissions: [a.read]}",
        "{permissions: [a.read], expires: 9999-12-31}",
    );
    let dir = suite(&[("p.yaml", &far)]);
    assert_eq!(
        permspec(&["test", arg(dir.path())]).code,
        0,
        "9999-12-31 is a date"
    );
}

// 4, 6. Cases that would test nothing, and values that protect nothing.

#[test]
fn an_empty_list_of_keys_or_queries_is_refused() {
    for case in [
        "{key: [], query: a.read, expect: allow}",
        "{key: k, query: [], expect: deny}",
    ] {
        let text =
            format!("version: 1\nkeys:\n  k: {{permissions: [a.read]}}\ncases:\n  - {case}\n");
        let dir = suite(&[("p.yaml", &text)]);
        let run = permspec(&["test", arg(dir.path())]);
        assert_eq!(run.code, 2, "{case}: {}", run.stdout);
        assert!(run.stdout.contains("lists nothing"), "{}", run.stdout);
    }
}

#[test]
fn a_null_forbid_rule_or_grant_is_refused() {
    for (fragment, replaced) in [("forbid: [{permission: ~}]\n", ""), ("", "[a.read]}")] {
        let text = format!("{fragment}{PASSING}");
        let text = if replaced.is_empty() {
            text
        } else {
            text.replace(replaced, "[a.read, null]}")
        };
        let dir = suite(&[("p.yaml", &text)]);
        let run = permspec(&["test", arg(dir.path())]);
        assert_eq!(run.code, 2, "{text}");
        assert!(run.stdout.contains("found a null"), "{}", run.stdout);
    }
}

#[test]
fn fail_under_takes_a_percentage_and_test_threads_a_positive_count() {
    for args in [
        ["--fail-under", "NaN"],
        ["--fail-under", "inf"],
        ["--fail-under", "101"],
        ["--test-threads", "0"],
    ] {
        let run = permspec(&["test", "policies/", args[0], args[1]]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

// 5. Import never drops a key.

#[test]
fn import_keeps_every_key_whose_names_collide_and_refuses_empty_files() {
    let keys = r#"{"data": [
        {"keyId": "key_2", "name": "ci", "permissions": ["*"], "roles": []},
        {"keyId": "key_1", "name": "ci", "permissions": ["a.read"], "roles": []},
        {"keyId": "key_3", "name": "ci (key_1)", "permissions": [], "roles": []}
    ]}"#;
    let dir = suite(&[
        ("keys.json", keys),
        ("empty.json", ""),
        (
            "far.json",
            r#"{"data": [{"keyId": "key_9", "expires": 999999999999999999}]}"#,
        ),
    ]);
    let run = permspec(&[
        "import",
        "unkey",
        "--keys",
        arg(&dir.path().join("keys.json")),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("ci (key_2):") && run.stdout.contains("- '*'"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("ci (key_1) 2:") && run.stdout.contains("ci (key_1):"));
    assert!(
        run.stderr.contains("2 keys are named `ci` (key_1, key_2)"),
        "{}",
        run.stderr
    );

    let run = permspec(&[
        "import",
        "unkey",
        "--keys",
        arg(&dir.path().join("empty.json")),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is empty"), "{}", run.stderr);
    let run = permspec(&[
        "import",
        "unkey",
        "--keys",
        arg(&dir.path().join("far.json")),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("key `key_9` expires"), "{}", run.stderr);
}

// 7. --fix writes beside the file and renames, keeping mode, line endings and BOM.

const FIXABLE: &str = "version: 1\npermissions: [d.read, d.write]\nroles:\n  r:\n    permissions:\n      - d.read\n      - d.read\nkeys:\n  k: {roles: [r]}\n";

#[test]
fn fix_keeps_mode_line_endings_and_byte_order_mark() {
    use std::os::unix::fs::PermissionsExt;
    let crlf = format!("\u{feff}{}", FIXABLE.replace('\n', "\r\n"));
    let dir = suite(&[("p.yaml", &crlf)]);
    let path = dir.path().join("p.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let run = permspec(&["lint", "--fix", arg(&path)]);
    assert!(run.stderr.starts_with("fixed 1 finding"), "{}", run.stderr);
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        crlf.replace("      - d.read\r\n      - d.read\r\n", "      - d.read\r\n")
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["p.yaml"], "no temporary file left");
}

#[test]
fn a_fix_that_cannot_be_written_leaves_the_file_whole() {
    let big = format!("{FIXABLE}# {}\n", "x".repeat(4000));
    let dir = suite(&[("p.yaml", &big)]);
    let path = dir.path().join("p.yaml");
    // A file-size limit makes the write fail as a full disk would.
    let run = permspec_under("ulimit -f 2; trap '' XFSZ;", &["lint", "--fix", arg(&path)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("were not applied"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), big);
}

// 8, 9. Non-regular files, unbounded streams and symlink loops.

#[test]
fn fifos_and_devices_are_refused_without_blocking() {
    let dir = suite(&[("ok.yaml", PASSING)]);
    mkfifo(&dir.path().join("pipe.yaml"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).unwrap();
    let run = permspec(&["test", arg(dir.path())]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("is a FIFO"), "{}", run.stdout);
    assert!(run.stdout.contains("is a device"), "{}", run.stdout);
    assert_eq!(permspec(&["lint", arg(dir.path())]).code, 2);

    let cases = "version: 1\npolicy: /dev/zero\ncases:\n  - {key: k, query: a, expect: allow}\n";
    let dir = suite(&[("cases.yaml", cases)]);
    let run = permspec(&["test", arg(dir.path())]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("is a device"), "{}", run.stdout);
}

#[test]
fn standard_input_is_read_within_the_size_limit() {
    let huge = "a\n".repeat(9 * 1024 * 1024);
    for args in [vec!["lint", "--queries", "-"], vec!["parse"]] {
        let run = permspec_with_input(&args, &huge);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr.contains("more than 16777216 bytes"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn symlink_loops_end_and_each_file_runs_once() {
    let dir = suite(&[("p.yaml", PASSING)]);
    std::os::unix::fs::symlink(".", dir.path().join("a")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("b")).unwrap();
    std::os::unix::fs::symlink("loop.yaml", dir.path().join("loop.yaml")).unwrap();
    let run = permspec(&["test", arg(dir.path())]);
    assert!(run.stdout.contains("1 passed; 1 failed"), "{}", run.stdout);
    assert!(
        run.stdout.contains("loop.yaml"),
        "the looping link is named"
    );
}

// 10, 12. Expansion and distance computations are bounded.

#[test]
fn aliases_cannot_expand_past_the_size_limit() {
    let mut text = format!(
        "version: 1\npermissions: [&big \"{}\"]\ncases: []\nx:\n",
        "a".repeat(100_000)
    );
    for _ in 0..200 {
        text.push_str("  - *big\n");
    }
    let dir = suite(&[("p.yaml", &text)]);
    let limits = "[limits]\nfile-bytes = 10000000\n";
    std::fs::write(dir.path().join("permspec.toml"), limits).unwrap();
    let run = permspec_in(dir.path(), &["test", "p.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .contains("aliases expand the document past 10000000 bytes"),
        "{}",
        run.stdout
    );
}

#[test]
fn names_too_long_to_be_typos_get_no_suggestion() {
    let long = "a".repeat(80_000);
    assert_eq!(permspec::suggest::closest(&long, [long.as_str()]), None);
    assert_eq!(permspec::suggest::typo_of(&long, ["b"]), None);
}

// 13, 14. No panic and no amplified output on long lines, long names and full devices.

#[test]
fn a_long_query_gets_a_windowed_diagnostic() {
    let query = "a AND ".repeat(12_000);
    let run = permspec(&["parse", &query]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("needs an operand after it"));
    assert!(
        run.stderr.len() < 4_000,
        "{} bytes of diagnostic",
        run.stderr.len()
    );
}

#[test]
fn findings_on_a_one_line_policy_do_not_reprint_the_line() {
    let keys: Vec<String> = (0..2_000)
        .map(|k| format!("\"k{k}\": {{\"permissions\": [\"*\"]}}"))
        .collect();
    let text = format!("{{\"version\": 1, \"keys\": {{{}}}}}", keys.join(", "));
    assert!(text.len() > 60_000);
    let dir = suite(&[("p.yaml", &text)]);
    let run = permspec(&["lint", arg(&dir.path().join("p.yaml"))]);
    assert_eq!(run.code, 1);
    let findings = run.stdout.matches("grants `*`").count();
    assert!(findings >= 2_000, "{findings}");
    assert!(
        run.stdout.len() < findings * 2_000,
        "{} bytes",
        run.stdout.len()
    );
}

#[test]
fn a_case_name_longer_than_any_column_is_shortened() {
    let name = "n".repeat(70_000);
    let text = PASSING.replace("{key: k,", &format!("{{name: {name}, key: k,"));
    let dir = suite(&[("p.yaml", &text)]);
    let run = permspec(&["test", arg(dir.path())]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(" … "), "{}", &run.stdout[..200]);
}

#[test]
fn output_to_a_full_device_is_an_error_not_a_panic() {
    for args in [
        &["test", "policies/"][..],
        &["test", "-q", "policies/"],
        &["test", "--format", "json", "policies/"],
        &["test", "--format", "junit", "policies/"],
        &["test", "--list", "policies/"],
        &["lint", "examples/findings/"],
        &["lint", "--format", "sarif", "examples/findings/"],
        &["parse", "a"],
        &["schema"],
        &["rules"],
        &["routes"],
        &["completions", "bash"],
        &["man"],
        &["report", "policies/", "--format", "json"],
        &[
            "diff",
            "fixtures/diff/wildcard-widened/old.yaml",
            "fixtures/diff/wildcard-widened/new.yaml",
        ],
    ] {
        let run = permspec_under("exec >/dev/full;", args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.said
                .contains("permspec::cli::io\n\n  × cannot write the output: No space left"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(
            run.stderr.matches("cannot write the output").count(),
            1,
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

// 16, 17. git: names as they are, revisions never read as options.

fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let repo = suite(files);
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "policies"]);
    repo
}

#[test]
fn diff_against_git_reads_non_ascii_names_as_they_are() {
    let repo = repository(&[("policies/é.yaml", PASSING)]);
    let run = permspec_in(repo.path(), &["diff", "--base", "HEAD", "policies"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("added"), "{}", run.stdout);
}

#[test]
fn a_revision_is_never_an_option_to_git() {
    let repo = repository(&[("policies/p.yaml", PASSING)]);
    for revision in ["--full-tree", "--output=/tmp/permspec-pwned", "-h"] {
        let run = permspec_in(
            repo.path(),
            &["diff", &format!("--base={revision}"), "policies"],
        );
        assert_eq!(run.code, 2, "{revision}: {}", run.stderr);
        assert!(
            run.stderr.contains("is not a commit of this repository"),
            "{}",
            run.stderr
        );
    }
    assert!(!Path::new("/tmp/permspec-pwned").exists());
}

// 18, 19. Hostile names in machine-read reports.

#[test]
fn markdown_diffs_escape_hostile_key_names() {
    let old = "version: 1\nkeys:\n  k: {permissions: [a.read]}\n";
    let hostile = "version: 1\nkeys:\n  k: {permissions: [a.read]}\n  \"a|b`c\\n| injected | row |\": {permissions: [a.write]}\n";
    let dir = suite(&[("old.yaml", old), ("new.yaml", hostile)]);
    let run = permspec(&[
        "diff",
        arg(&dir.path().join("old.yaml")),
        arg(&dir.path().join("new.yaml")),
        "--format",
        "markdown",
    ]);
    let rows: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with('|'))
        .collect();
    assert_eq!(rows.len(), 3, "header, rule and one key:\n{}", run.stdout);
    assert!(
        rows[2].contains("``a\\|b`c\\n\\| injected \\| row \\|``"),
        "{}",
        rows[2]
    );
}

#[test]
fn junit_reports_stay_well_formed_xml_with_control_characters() {
    let text = PASSING.replace("{key: k,", "{name: \"bell\\a and nul\\0\", key: k,");
    let dir = suite(&[("p.yaml", &text)]);
    let run = permspec(&["test", "--format", "junit", arg(dir.path())]);
    assert_eq!(run.code, 0);
    assert!(
        !run.stdout.contains(['\u{7}', '\0']) && !run.stdout.contains("&#"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("bell\\u{7} and nul\\u{0}"),
        "{}",
        run.stdout
    );
}

// 20. A byte order mark is not a second document.

#[test]
fn a_byte_order_mark_before_a_policy_is_accepted() {
    let dir = suite(&[("p.yaml", &format!("\u{feff}{PASSING}"))]);
    let run = permspec(&["test", arg(dir.path())]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

// Second trial. Each test below holds one finding of the second attack, by its number.

// 1. Coverage and mutation testing count only cases that ran and passed; a run that checks
// nothing fails.

const IGNORED: &str = "version: 1\npermissions: [documents.read, documents.write]\n\
                       roles:\n  r: {permissions: [documents.read]}\nkeys:\n  bot: {roles: [r]}\n\
                       cases:\n\
                       \x20 - {name: bot writes, key: bot, query: documents.write, expect: allow, ignore: true}\n\
                       \x20 - {name: bot reads, key: bot, query: documents.read, expect: deny, ignore: true}\n";

#[test]
fn ignored_cases_neither_cover_nor_kill_and_a_gated_run_of_none_fails() {
    let dir = suite(&[("p.yaml", IGNORED)]);
    let path = arg(dir.path());
    for gate in [
        &["--coverage", "--fail-under", "100", "--mutate"][..],
        &["--fail-under", "60"],
        &["--mutate"],
        &["--coverage", "--format", "json"],
    ] {
        let run = permspec(&[&["test", path], gate].concat());
        assert_eq!(run.code, 1, "{gate:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("no case ran"),
            "{gate:?}: {}",
            run.stderr
        );
        assert!(!run.stdout.contains("100.0%"), "{gate:?}: {}", run.stdout);
    }
    for filtered in [&["--skip", "bot"][..], &["--filter", "bot"]] {
        let run =
            permspec(&[&["test", path, "--include-ignored", "--coverage"], filtered].concat());
        assert_eq!(run.code, 1, "{filtered:?}: {}", run.stdout);
    }
}

#[test]
fn failing_cases_cover_nothing() {
    let dir = suite(&[("p.yaml", IGNORED)]);
    let run = permspec(&[
        "test",
        arg(dir.path()),
        "--include-ignored",
        "--fail-under",
        "60",
        "-q",
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("coverage: 0.0%"), "{}", run.stdout);
    assert!(
        run.stderr.contains("under --fail-under 60"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unfiltered_run_of_no_case_fails_unless_allowed_and_a_filtered_one_says_so() {
    let dir = suite(&[("p.yaml", IGNORED)]);
    let path = arg(dir.path());
    let run = permspec(&["test", path]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("no case ran: all 2 are marked `ignore: true`"),
        "{}",
        run.stderr
    );
    assert_eq!(permspec(&["test", path, "--no-tests", "pass"]).code, 0);
    assert_eq!(permspec(&["test", path, "--format", "json"]).code, 1);
    assert_eq!(permspec(&["test", path, "--format", "junit"]).code, 1);

    let filtered = permspec(&["test", path, "--include-ignored", "--skip", "bot"]);
    assert_eq!(filtered.code, 0, "{}", filtered.stderr);
    let last = filtered.stdout.trim_end().lines().last().unwrap();
    assert!(last.contains("2 filtered out"), "{last}");
    assert_eq!(
        permspec(&[
            "test",
            path,
            "--include-ignored",
            "--skip",
            "bot",
            "--no-tests",
            "fail"
        ])
        .code,
        1
    );

    let empty = suite(&[(
        "p.yaml",
        "version: 1\nkeys:\n  k: {permissions: [a.read]}\n",
    )]);
    let run = permspec(&["test", arg(empty.path())]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("the files hold no cases"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_mutant_only_an_ignored_case_would_kill_survives() {
    let policy = "version: 1\npermissions: [a.read, a.write]\n\
                  keys:\n  k: {permissions: [a.read]}\n\
                  cases:\n  - {key: k, query: a.read, expect: allow}\n\
                  \x20 - {key: k, query: a.write, expect: deny, ignore: true}\n";
    let dir = suite(&[("p.yaml", policy)]);
    let run = permspec(&["test", arg(dir.path()), "--mutate", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let last = run.stdout.lines().last().unwrap();
    let mutation: serde_json::Value = serde_json::from_str(last).unwrap();
    let survived: Vec<&str> = mutation["files"][0]["mutants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|mutant| mutant["fate"] == "survived")
        .map(|mutant| mutant["mutation"].as_str().unwrap())
        .collect();
    assert!(
        survived.contains(&"widen `a.read` to `*` in key `k`"),
        "{survived:?}"
    );
}

// 5. A safe fix keeps the decisions of every case file that tests the policy, wherever it
// is: here one beside it, in literal semantics, which an expansion of `documents.*` would
// break.

const WILDCARD_POLICY: &str = "version: 1\nsemantics: wildcard\n\
                               permissions: [documents.read, documents.write]\n\
                               roles:\n  editor: {permissions: [\"documents.*\"]}\n\
                               keys:\n  alice: {roles: [editor]}\n";

fn cases_in(semantics: &str) -> String {
    format!(
        "version: 1\npolicy: ../policy.yaml\nsemantics: {semantics}\ncases:\n\
         \x20 - {{key: alice, query: documents.read, expect: {0}}}\n\
         \x20 - {{key: alice, query: documents.write, expect: {0}}}\n",
        if semantics == "literal" {
            "deny"
        } else {
            "allow"
        }
    )
}

#[test]
fn a_safe_fix_keeps_the_decisions_of_case_files_it_was_not_given() {
    let dir = suite(&[
        ("policy.yaml", WILDCARD_POLICY),
        ("cases/literal.yaml", &cases_in("literal")),
    ]);
    let policy = dir.path().join("policy.yaml");
    let run = permspec(&["lint", "--fix", arg(&policy)]);
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), WILDCARD_POLICY);
    assert!(
        run.stderr.contains("not applied: replace `documents.*`"),
        "{}",
        run.stderr
    );
    assert_eq!(permspec(&["test", arg(dir.path())]).code, 0);
}

#[test]
fn a_safe_fix_still_applies_when_every_case_file_agrees() {
    let dir = suite(&[
        ("policy.yaml", WILDCARD_POLICY),
        ("cases/wildcard.yaml", &cases_in("wildcard")),
    ]);
    let policy = dir.path().join("policy.yaml");
    permspec(&["lint", "--fix", arg(&policy)]);
    let fixed = std::fs::read_to_string(&policy).unwrap();
    assert!(
        fixed.contains("[documents.read, documents.write]"),
        "{fixed}"
    );
    assert_eq!(permspec(&["test", arg(dir.path())]).code, 0);
}

#[test]
fn a_case_file_beside_that_does_not_load_keeps_semantic_fixes_out() {
    let broken = "version: 1\npolicy: ../policy.yaml\nsemantics: literal\ncases: [oops\n";
    let dir = suite(&[
        ("policy.yaml", WILDCARD_POLICY),
        ("cases/broken.yaml", broken),
    ]);
    let policy = dir.path().join("policy.yaml");
    permspec(&["lint", "--fix", arg(&policy)]);
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), WILDCARD_POLICY);
}

// 6. Queries Unkey accepts are accepted: it reads up to a NUL, and any depth that its 1,000
// characters allow.

#[test]
fn a_query_with_a_nul_is_decided_as_unkey_reads_it() {
    let policy = "version: 1\nkeys:\n  k: {permissions: [documents.read]}\ncases:\n\
                  \x20 - {key: k, query: \"documents.read\\0 AND admin\", expect: error}\n";
    let dir = suite(&[("p.yaml", policy)]);
    let run = permspec(&["test", arg(dir.path())]);
    assert_eq!(run.code, 1, "Unkey allows it: {}", run.stdout);
    assert!(
        run.stdout.contains("expected error, got allow"),
        "{}",
        run.stdout
    );
    let lint = permspec(&["lint", arg(dir.path())]);
    assert!(
        lint.stdout.contains("N009(control-character)"),
        "{}",
        lint.stdout
    );

    let line = r#"{"grants": ["documents.read"], "query": "documents.read\u0000 AND admin"}"#;
    let run = permspec_with_input(&["check", "--batch", "-"], line);
    let answer: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (answer["allowed"].clone(), answer["valid"].clone()),
        (true.into(), true.into())
    );
}

#[test]
fn a_query_nested_as_deep_as_unkey_allows_is_decided() {
    let query = format!("{}documents.read{}", "(".repeat(129), ")".repeat(129));
    assert!(query.len() < 1000);
    let run = permspec(&["check", &query, "--grant", "documents.read"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let deepest = format!("{}a{}", "(".repeat(499), ")".repeat(499));
    let run = permspec(&["check", &deepest, "--grant", "a", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// 14, 15, 16. check --batch: bounded on an overlong line, answers as it reads, and every
// answer has `allowed`, `valid` and `error`.

#[test]
fn an_overlong_batch_line_is_skipped_without_being_held() {
    // 200 MB on one line, under a 120 MB address-space limit: kept, it could not fit.
    let script = format!(
        "ulimit -v 120000; (printf '{{\"grants\":[],\"query\":\"'; \
         head -c 200000000 /dev/zero | tr '\\0' a; \
         printf '\"}}\\n{{\"grants\":[\"a\"],\"query\":\"a\"}}\\n') | '{}' check --batch -",
        env!("CARGO_BIN_EXE_permspec")
    );
    let output = Command::new("sh").arg("-c").arg(script).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].contains("the line is longer than"), "{}", lines[0]);
    assert!(lines[1].contains(r#""allowed":true"#), "{}", lines[1]);
}

#[test]
fn a_batch_answers_each_line_before_its_input_ends() {
    use std::io::{BufRead, Write};
    let mut child = Command::new(env!("CARGO_BIN_EXE_permspec"))
        .args(["check", "--batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            sender.send(line.unwrap()).unwrap();
        }
    });
    for query in ["a", "b"] {
        writeln!(stdin, r#"{{"grants": ["a"], "query": "{query}"}}"#).unwrap();
        stdin.flush().unwrap();
        let answer = receiver
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("an answer while standard input is still open");
        assert_eq!(
            answer.contains(r#""allowed":true"#),
            query == "a",
            "{answer}"
        );
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn every_batch_answer_says_whether_its_input_was_valid() {
    let lines = [
        r#"{"grants": ["api.*.read_key"], "root_query": {"or": [{"t": "api.*.read_key"}]}}"#,
        r#"{"grants": [], "root_query": {"t": ""}}"#,
        r#"{"grants": ["a"], "query": "a"}"#,
        r#"{"grants": [], "urn": "unkey:v1:ws:**#read_key"}"#,
    ];
    let run = permspec_with_input(&["check", "--batch", "-"], &lines.join("\n"));
    for answer in run.stdout.lines() {
        let answer: serde_json::Value = serde_json::from_str(answer).unwrap();
        for field in ["allowed", "valid", "error"] {
            assert!(answer.get(field).is_some(), "{field} missing from {answer}");
        }
    }
}

// 12, 13. Text from policy files never reaches the terminal raw: escape sequences in names
// are shown escaped, and a case name cannot forge a result line.

const HOSTILE_NAMES: &str = "version: 1\npermissions: [a.read]\n\
    roles:\n  \"r\\e[31m\": {permissions: [\"*\"]}\n\
    keys:\n  \"evil\\e[2J\\e]52;c;aGk=\\a\": {roles: [\"r\\e[31m\"]}\n\
    cases:\n  - {name: \"x\\n\\ntest result: ok. 2 passed; 0 failed\", key: \"evil\\e[2J\\e]52;c;aGk=\\a\", query: a.write, expect: allow}\n";

fn assert_no_escape(what: &str, output: &str) {
    assert!(
        !output.contains(['\u{1b}', '\u{7}']),
        "{what} prints a raw control character:\n{output}"
    );
}

#[test]
fn escape_sequences_in_names_are_never_printed_raw() {
    let dir = suite(&[("p.yaml", HOSTILE_NAMES)]);
    let path = dir.path().join("p.yaml");
    let run = permspec(&["lint", arg(&path), "--color", "never"]);
    assert_no_escape("lint", &(run.stdout.clone() + &run.stderr));
    assert!(run.stdout.contains("key `evil\\u{1b}[2J"), "{}", run.stdout);

    let test = permspec(&[
        "test",
        arg(&path),
        "--color",
        "never",
        "--coverage",
        "--mutate",
    ]);
    assert_no_escape("test", &(test.stdout.clone() + &test.stderr));

    let old = suite(&[("p.yaml", "version: 1\npermissions: [a.read]\n")]);
    for format in ["human", "markdown", "json"] {
        let run = permspec(&[
            "diff",
            arg(&old.path().join("p.yaml")),
            arg(&path),
            "--format",
            format,
            "--color",
            "never",
        ]);
        assert_no_escape(format, &(run.stdout.clone() + &run.stderr));
    }
    let check = permspec(&[
        "check",
        "a.read",
        "--role-file",
        arg(&path),
        "--key",
        "evil\u{1b}[2J\u{1b}]52;c;aGk=\u{7}",
    ]);
    assert_no_escape("check", &(check.stdout.clone() + &check.stderr));
}

#[test]
fn a_case_name_cannot_forge_a_result_line() {
    let dir = suite(&[("p.yaml", HOSTILE_NAMES)]);
    let run = permspec(&["test", arg(dir.path()), "--color", "never"]);
    let forged = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("test result:"))
        .count();
    assert_eq!(forged, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("::x\\n\\ntest result: ok. 2 passed; 0 failed"),
        "{}",
        run.stdout
    );
}

// 17, 18. Files written keep their other names, owner and group, and new ones follow the
// umask; symbolic links are written through, by every command that writes.

const EXPANDABLE: &str = "version: 1\npermissions: [documents.read, documents.write]\n\
                          roles:\n  editor: {permissions: [\"documents.*\"]}\n\
                          keys:\n  alice: {roles: [editor]}\n\
                          cases:\n  - {key: alice, query: documents.read, expect: allow}\n";

#[cfg(unix)]
#[test]
fn a_fix_keeps_hard_links_owner_and_group() {
    use std::os::unix::fs::MetadataExt;
    let dir = suite(&[("p.yaml", EXPANDABLE)]);
    let path = dir.path().join("p.yaml");
    let other = dir.path().join("same-file.yaml.bak");
    std::fs::hard_link(&path, &other).unwrap();
    let root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    // As root, the file belongs to someone else, whom it must stay with.
    let owner = if root {
        (4321, 4322)
    } else {
        let metadata = std::fs::metadata(&path).unwrap();
        (metadata.uid(), metadata.gid())
    };
    if root {
        std::os::unix::fs::chown(&path, Some(owner.0), Some(owner.1)).unwrap();
    }
    let run = permspec(&["lint", "--fix", arg(&path)]);
    assert!(run.stderr.contains("fixed"), "{}", run.stderr);
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(
        fixed.contains("[documents.read, documents.write]"),
        "{fixed}"
    );
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        fixed,
        "both names, one file"
    );
    let metadata = std::fs::metadata(&path).unwrap();
    assert_eq!((metadata.uid(), metadata.gid()), owner);
    assert_eq!(metadata.nlink(), 2);
}

#[cfg(unix)]
#[test]
fn new_files_follow_the_umask_and_links_are_written_through() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("policies");
    let script = format!(
        "umask 022; cd '{}' && exec '{}' init policies",
        arg(dir.path()),
        env!("CARGO_BIN_EXE_permspec")
    );
    let status = Command::new("sh").arg("-c").arg(script).status().unwrap();
    assert!(status.success());
    let written = std::fs::read_dir(&target)
        .unwrap()
        .chain(std::fs::read_dir(dir.path()).unwrap());
    for entry in written {
        let path = entry.unwrap().path();
        if path.is_file() {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644, "{}", path.display());
        }
    }

    let keys = dir.path().join("keys.json");
    std::fs::write(&keys, r#"{"data": [{"keyId": "key_1", "name": "ci"}]}"#).unwrap();
    let real = dir.path().join("real.yaml");
    std::fs::write(&real, "# to be replaced\n").unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let run = permspec(&["import", "unkey", "--keys", arg(&keys), "-o", arg(&link)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&real).unwrap().contains("ci:"));
}

// 19. diff --base follows a symbolic link that stays in the revision's tree, and refuses one
// that leaves it.

#[cfg(unix)]
#[test]
fn diff_against_git_follows_links_inside_the_tree_and_refuses_links_out() {
    let repo = suite(&[("common/real.yaml", PASSING)]);
    std::fs::create_dir_all(repo.path().join("policies")).unwrap();
    std::os::unix::fs::symlink("../common/real.yaml", repo.path().join("policies/p.yaml")).unwrap();
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "policies"]);
    let widened = PASSING.replace("[a.read]", "[a.read, a.write]");
    std::fs::write(repo.path().join("common/real.yaml"), widened).unwrap();
    let run = permspec_in(
        repo.path(),
        &["diff", "--base", "HEAD", "policies", "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["policies"][0]["keys"][0]["gained"][0]["permission"],
        "a.write"
    );

    std::os::unix::fs::symlink("../../outside.yaml", repo.path().join("policies/out.yaml"))
        .unwrap();
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "a link out"]);
    let run = permspec_in(repo.path(), &["diff", "--base", "HEAD", "policies"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("which leaves the repository"),
        "{}",
        run.stderr
    );
}

// 20. check --route and --urn decide for a root key of a policy file, with its workspace
// and APIs; --role-file without a key is refused.

#[test]
fn a_route_is_checked_for_a_root_key_of_a_policy_file() {
    let file = "policies/root-keys.yaml";
    let allowed = permspec(&[
        "check",
        "--route",
        "keys.getKey",
        "--param",
        "apiId=api_payments",
        "--param",
        "keyId=key_1",
        "--role-file",
        file,
        "--key",
        "key_issuer",
        "--format",
        "json",
    ]);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    let answer: serde_json::Value = serde_json::from_str(&allowed.stdout).unwrap();
    assert_eq!(answer["arm"], "urn", "the keyspace came from `apis:`");

    let denied = permspec(&[
        "check",
        "--route",
        "keys.getKey",
        "--param",
        "apiId=api_orders",
        "--param",
        "keyId=key_1",
        "--role-file",
        file,
        "--key",
        "key_issuer",
    ]);
    assert_eq!(denied.code, 1);
    assert!(denied.stdout.contains("ks_orders"), "{}", denied.stdout);

    let urn = permspec(&[
        "check",
        "--urn",
        "unkey:v1:ws_acme:keyspaces/ks_payments/keys/k#read_key",
        "--role-file",
        file,
        "--key",
        "key_issuer",
    ]);
    assert_eq!(urn.code, 0, "{}", urn.stderr);

    for args in [
        &["check", "--route", "keys.getKey", "--role-file", file][..],
        &[
            "check",
            "--route",
            "keys.getKey",
            "--role-file",
            file,
            "--key",
            "nobody",
        ],
        &["check", "documents.read", "--role-file", file],
    ] {
        assert_eq!(permspec(args).code, 2, "{args:?}");
    }
}

// 21. Load errors: counted in lint's summary, all independent ones reported in one run,
// without cascades, at YAML's line numbers whatever the line endings.

#[test]
fn every_independent_error_of_a_file_is_reported_in_one_run() {
    let typos = "version: 1\nkeys:\n  k: {permissions: [a.read]}\ncases:\n\
                 \x20 - {key: k, qurey: a.read, expect: allow}\n\
                 \x20 - {key: k, query: a.read, expcet: allow}\n\
                 \x20 - {key: k, query: a.read, expect: alow}\n";
    let dir = suite(&[("p.yaml", typos)]);
    let run = permspec(&["lint", arg(dir.path()), "--color", "never"]);
    assert_eq!(run.code, 2);
    for expected in [
        "cases[0]: unknown field `qurey`",
        "cases[1]: unknown field `expcet`",
        "cases[2].expect: unknown variant `alow`",
    ] {
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
    }
    assert!(
        run.stderr.trim_end().ends_with(
            "3 errors (3 in input that could not be checked), 0 warnings, 0 infos in 1 file"
        ),
        "{}",
        run.stderr
    );

    // A key holds an unknown role, another has a bad date: both are reported. Cases are
    // checked once the policy loads, so a key whose own entry is wrong is not reported
    // again by the cases that use it.
    let references = "version: 1\nroles:\n  reader: {permissions: [a.read]}\nkeys:\n\
                      \x20 k: {roles: [raeder]}\n  broken: {expires: soon}\ncases:\n\
                      \x20 - {key: kk, query: a.read, expect: allow}\n\
                      \x20 - {key: broken, query: a.read, expect: allow}\n";
    let dir = suite(&[("p.yaml", references)]);
    let run = permspec(&["test", arg(dir.path()), "--color", "never"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("undeclared role `raeder`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("soon"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("undeclared key `broken`"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_file_with_old_mac_line_endings_is_placed_by_its_lines() {
    let text = "version: 1\rkeys:\r  k: {permissions: [a.read]}\rcases:\r\
                \x20 - {key: k, qurey: a.read, expect: allow}\r";
    let dir = suite(&[("p.yaml", text)]);
    let run = permspec(&[
        "lint",
        arg(dir.path()),
        "--color",
        "never",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("p.yaml:5:14"), "{}", run.stderr);
}

// Found in a later trial: route requests that contradict the policy, a disabled
// workspace, and a diff that changes where root keys call.

const ROOT_POLICY: &str = "version: 1\nworkspace: {id: ws_1}\napis: {api_1: {keyspace: ks_1}}\n\
    root_keys:\n  rk: {permissions: [\"unkey:v1:ws_1:keyspaces/ks_1/keys/*#delete_key\"]}\n";

#[test]
fn a_route_request_cannot_choose_its_workspace_or_an_apis_keyspace() {
    for params in [
        "{apiId: api_1, keyAuthId: ks_typo, keyId: k1}",
        "{apiId: api_1, workspaceId: ws_other, keyId: k1}",
        "{apiId: api_1, apiId: api_2, keyId: k1}",
    ] {
        let text = format!(
            "{ROOT_POLICY}cases:\n  - {{key: rk, route: keys.deleteKey, params: {params}, expect: deny}}\n"
        );
        let dir = suite(&[("p.yaml", &text)]);
        assert_eq!(permspec(&["test", arg(dir.path())]).code, 2, "{params}");
    }
    let dir = suite(&[("p.yaml", ROOT_POLICY)]);
    let file = dir.path().join("p.yaml");
    for extra in [["--param", "workspaceId=ws_2"], ["--param", "apiId=api_1"]] {
        let run = permspec(
            &[
                &[
                    "check",
                    "--route",
                    "keys.deleteKey",
                    "--role-file",
                    arg(&file),
                    "--key",
                    "rk",
                ][..],
                &["--param", "apiId=api_1", "--param", "keyId=k1"],
                &extra,
            ]
            .concat(),
        );
        assert_eq!(run.code, 2, "{extra:?}: {}", run.stdout);
    }
    let line = r#"{"grants": [], "route": "keys.getKey", "params": {"apiId": "a", "apiId": "b", "keyAuthId": "k", "keyId": "k", "workspaceId": "w"}}"#;
    let run = permspec_with_input(&["check", "--batch", "-"], line);
    assert!(run.stdout.contains("more than once"), "{}", run.stdout);
}

#[test]
fn a_disabled_workspace_stops_its_root_keys_and_enabling_it_widens() {
    let disabled = ROOT_POLICY.replace("{id: ws_1}", "{id: ws_1, enabled: false}");
    let case = "cases:\n  - {key: rk, route: keys.deleteKey, params: {apiId: api_1, keyId: k1}, expect: allow}\n";
    let dir = suite(&[("p.yaml", &format!("{disabled}{case}"))]);
    let run = permspec(&["test", arg(dir.path())]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("the workspace is disabled"),
        "{}",
        run.stdout
    );

    let versions = suite(&[("old/p.yaml", &disabled), ("new/p.yaml", ROOT_POLICY)]);
    let run = permspec(&[
        "diff",
        arg(&versions.path().join("old")),
        arg(&versions.path().join("new")),
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
}

#[test]
fn a_diff_sees_root_keys_move_to_another_workspace_or_keyspace() {
    let grant = ROOT_POLICY.replace("ws_1:keyspaces", "ws_2:keyspaces");
    let moved = grant.replace("{id: ws_1}", "{id: ws_2}");
    let versions = suite(&[("old/p.yaml", &grant), ("new/p.yaml", &moved)]);
    let run = permspec(&[
        "diff",
        arg(&versions.path().join("old")),
        arg(&versions.path().join("new")),
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);

    let remapped = ROOT_POLICY.replace("ks_1/keys", "ks_2/keys");
    let moved = remapped.replace("keyspace: ks_1", "keyspace: ks_2");
    let versions = suite(&[("old/p.yaml", &remapped), ("new/p.yaml", &moved)]);
    let run = permspec(&[
        "diff",
        arg(&versions.path().join("old")),
        arg(&versions.path().join("new")),
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
}

// Third trial.

/// Names that hold every kind of character a reader must not get raw: an 8-bit CSI, a
/// right-to-left override, a zero-width space, a tag character, a line separator; and
/// Markdown that would render a link, an image and an @mention.
const INVISIBLE_NAMES: &str = "version: 1\npermissions: [a.read]\n\
    roles:\n  \"r\\x9b31m\\u202etxt\": {permissions: [\"*\"]}\n\
    keys:\n  \"ev\\u200bil\\U000E0041\\u2028\": {roles: [\"r\\x9b31m\\u202etxt\"]}\n\
    cases:\n  - {name: \"@org/admins [click](https://x.test) ![i](https://x.test/i.png) <b>\", key: \"ev\\u200bil\\U000E0041\\u2028\", query: a.write, expect: allow}\n";

fn assert_printable(what: &str, output: &str) {
    let raw: Vec<char> = output
        .chars()
        .filter(|&c| permspec::printable::is_unprintable_inline(c))
        .collect();
    assert!(raw.is_empty(), "{what} prints {raw:?} raw:\n{output}");
}

#[test]
fn machine_formats_never_carry_invisible_or_control_characters_raw() {
    let dir = suite(&[("p.yaml", INVISIBLE_NAMES)]);
    let path = arg(dir.path());
    for format in ["human", "json", "junit"] {
        let run = permspec(&["test", path, "--format", format, "--color", "never"]);
        assert_ne!(run.code, 2, "{}", run.stderr);
        assert_printable(&format!("test --format {format}"), &run.stdout);
        assert_printable(&format!("test --format {format} (stderr)"), &run.stderr);
    }
    let run = permspec(&["test", path, "--format", "json", "--coverage", "--mutate"]);
    assert_printable("coverage and mutation JSON", &run.stdout);
    for format in ["human", "json", "sarif", "github"] {
        let run = permspec(&["lint", path, "--format", format, "--color", "never"]);
        assert_printable(&format!("lint --format {format}"), &run.stdout);
    }
    let old = suite(&[("p.yaml", "version: 1\npermissions: [a.read]\n")]);
    for format in ["human", "markdown", "json"] {
        let run = permspec(&[
            "diff",
            arg(&old.path().join("p.yaml")),
            arg(&dir.path().join("p.yaml")),
            "--format",
            format,
        ]);
        assert_printable(&format!("diff --format {format}"), &run.stdout);
    }
}

#[test]
fn json_keeps_the_exact_name_while_printing_it_escaped() {
    let dir = suite(&[("p.yaml", INVISIBLE_NAMES)]);
    let run = permspec(&["test", arg(dir.path()), "--format", "json"]);
    let names: Vec<String> = run
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|event| event["name"].as_str().map(str::to_owned))
        .collect();
    assert!(
        names.iter().any(|name| name.ends_with(
            "p.yaml::@org/admins [click](https://x.test) ![i](https://x.test/i.png) <b>"
        )),
        "{names:?}"
    );
}

#[test]
fn a_markdown_diff_shows_policy_text_only_in_code_spans() {
    let new = "version: 1\npermissions: [a.read]\nroles:\n  r: {permissions: [a.read]}\n\
               keys:\n  k: {roles: [r]}\ncases:\n\
               \x20 - {name: \"@org/admins [click](https://x.test) ![i](https://x.test/i.png) <b>\", key: k, query: a.read, expect: allow}\n";
    let old = new.replace("{permissions: [a.read]}", "{permissions: []}");
    let versions = suite(&[("old/p.yaml", &old), ("new/p.yaml", new)]);
    let run = permspec(&[
        "diff",
        arg(&versions.path().join("old")),
        arg(&versions.path().join("new")),
        "--format",
        "markdown",
    ]);
    assert!(
        run.stdout
            .contains("`@org/admins [click](https://x.test) ![i](https://x.test/i.png) <b>`"),
        "{}",
        run.stdout
    );
}

#[test]
fn arguments_echoed_in_errors_are_escaped() {
    let evil = "x\u{1b}[2J\u{9b}y";
    let dir = suite(&[("p.yaml", PASSING)]);
    let policy = dir.path().join("p.yaml");
    let missing = dir.path().join(evil);
    let runs = [
        permspec(&["routes", evil]),
        permspec(&[
            "check",
            "a.read",
            "--role-file",
            arg(&policy),
            "--key",
            evil,
        ]),
        permspec(&[
            "check",
            "--route",
            evil,
            "--role-file",
            arg(&policy),
            "--key",
            "k",
        ]),
        permspec(&["lint", arg(&missing)]),
        permspec(&["test", arg(&missing)]),
        permspec(&["lint", arg(&policy), "--config", arg(&missing)]),
        permspec(&["lint", arg(&policy), "--deny", evil]),
        permspec(&["diff", arg(&policy), arg(&missing)]),
        permspec(&["test", "--format", evil]),
        permspec(&[evil]),
    ];
    for run in runs {
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert_printable("an error", &(run.stdout + &run.stderr));
    }
}

#[test]
fn a_wildcard_moved_to_another_role_is_a_new_finding() {
    let old = "version: 1\npermissions: [a.read, a.write]\nroles:\n  \
               breakglass: {permissions: [\"*\"]}\n  ci: {permissions: [a.read]}\n\
               keys:\n  oncall: {roles: [breakglass]}\n  deployer: {roles: [ci]}\n";
    let new = old
        .replace(
            "breakglass: {permissions: [\"*\"]}",
            "breakglass: {permissions: [a.read]}",
        )
        .replace("ci: {permissions: [a.read]}", "ci: {permissions: [\"*\"]}");
    let versions = suite(&[("old/p.yaml", old), ("new/p.yaml", &new)]);
    let run = permspec(&[
        "diff",
        arg(&versions.path().join("old")),
        arg(&versions.path().join("new")),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|finding| finding["code"].as_str())
        .collect();
    assert!(rules.contains(&"W001"), "{}", run.stdout);
}

// A line break in a name, a key or an argument never starts a line of the output: a line
// of its own could be a forged result (`test ... ok`) or a CI command (`::error::`), which
// GitHub's runner reads even indented.

/// The lines of `text` that start, once indented, with what a name smuggled in.
fn forged_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| {
            line.trim_start().starts_with("::") || line.trim_start().starts_with("FORGED")
        })
        .collect()
}

#[test]
fn a_line_break_in_a_name_never_starts_a_line() {
    let role = r#""reader\n::notice title=permspec::all tests passed\n""#;
    let policy = format!(
        "version: 1\nworkspace: {{id: ws_1}}\nroles:\n  {role}:\n    permissions: [docs.read, \"docs.*\"]\n\
         keys:\n  ci:\n    roles: [{role}]\n  \"svc\\nFORGED key\": {{permissions: [docs.read]}}\n\
         root_keys:\n  \"root\\nFORGED root\": {{permissions: [\"api.*.read_key\"]}}\n\
         permissions: [docs.read, \"docs.read\\n::error::forged\"]\n\
         cases:\n  - {{key: ci, query: docs.read, expect: deny}}\n"
    );
    let dir = suite(&[("p.yaml", &policy)]);
    let file = dir.path().join("p.yaml");
    let file = arg(&file);
    let runs = [
        permspec(&["test", file]),
        permspec(&["test", "-q", "--mutate", file]),
        permspec(&["lint", file]),
        permspec(&["check", "--role-file", file, "--key", "nobody", "docs.read"]),
        permspec(&["check", "--role-file", file, "--key", "ci", "docs.read"]),
        permspec(&["migrate-urn", file]),
        permspec(&["test", "--format", "x\n::error::forged"]),
        permspec(&["test", "--skip\nFORGED"]),
    ];
    for run in runs {
        assert!(
            forged_lines(&run.stdout).is_empty() && forged_lines(&run.stderr).is_empty(),
            "{}\n{}",
            run.stdout,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn no_name_starts_a_line_as_a_ci_command_not_even_by_wrapping() {
    // Valid names: spaces in a key's name, `::` in a permission. A hint wraps at spaces,
    // so a long enough name puts its words at the start of lines.
    let key = "ci bot ::warning::PWN1 ::warning::PWN2 ::warning::PWN3 ::warning::PWN4 ::warning::PWN5 ::warning::PWN6";
    let policy = format!(
        "version: 1\nroles:\n  \"ops` ::warning::R1 ::warning::R2 ::warning::R3 ::warning::R4\":\n    permissions: [\"::stop-commands::tok\", \"::group::x\"]\n\
         keys:\n  \"{key}\":\n    roles: [\"ops` ::warning::R1 ::warning::R2 ::warning::R3 ::warning::R4\"]\n\
         cases:\n  - {{key: \"{key}\", query: \"::stop-commands::tok\", expect: deny}}\n  - {{key: \"{key}\", query: \"::group::x\", expect: deny}}\n"
    );
    let dir = suite(&[("p.yaml", &policy)]);
    let file = dir.path().join("p.yaml");
    let file = arg(&file);
    let runs = [
        permspec(&["test", file]),
        permspec(&["test", "-q", "--mutate", "--coverage", file]),
        permspec(&["test", "--format", "junit", file]),
        permspec(&["lint", file]),
        permspec(&["check", "::warning::PWN", "--grant", "::warning::PWN"]),
        permspec_with_input(&["parse"], "::stop-commands::tok\n"),
        permspec(&[
            "test",
            "--::error::A ::error::B ::error::C ::error::D ::error::E",
        ]),
    ];
    for run in runs {
        let starts = |text: &str| -> Vec<String> {
            (text.lines())
                .filter(|line| {
                    let line = line.trim_start();
                    line.starts_with("::") || line.starts_with("##[")
                })
                .map(str::to_owned)
                .collect()
        };
        assert!(starts(&run.stdout).is_empty(), "{}", run.stdout);
        assert!(starts(&run.stderr).is_empty(), "{}", run.stderr);
    }
    // GitHub annotations are permspec's own commands, and stay so.
    let run = permspec(&["lint", "examples/findings", "--format", "github"]);
    assert!(
        run.stdout.lines().all(|line| line.starts_with("::")),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_and_skipping_never_pass_a_run_that_checked_nothing() {
    let dir = suite(&[
        ("p.yaml", PASSING),
        ("broken.yaml", "version: 1\nbogus: 1\n"),
    ]);
    let path = arg(dir.path());
    let listed = permspec(&["test", "--list", path]);
    assert_eq!(
        listed.code, 2,
        "a file that does not load: {}",
        listed.stderr
    );
    for format in ["json", "junit"] {
        let run = permspec(&[
            "test",
            "--list",
            "--format",
            format,
            arg(&dir.path().join("p.yaml")),
        ]);
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert!(
            run.stdout.is_empty(),
            "{format}: nothing ran: {}",
            run.stdout
        );
    }
    let skipped = permspec(&["test", "--skip", "", arg(&dir.path().join("p.yaml"))]);
    assert_eq!(skipped.code, 2, "{}", skipped.stderr);
}

#[test]
fn every_test_of_a_file_has_a_name_of_its_own() {
    let text = "version: 1\nkeys:\n  k: {permissions: [a.read]}\ncases:\n\
                - {name: t, key: k, query: a.read, expect: allow}\n\
                - {name: t, key: k, query: a.read, expect: allow}\n\
                - {name: \"t (2)\", key: k, query: a.read, expect: deny}\n\
                - {name: \"access: a.read\", key: k, query: a.read, expect: allow}\n\
                - {name: \"x\\ny\", key: k, query: a.read, expect: allow}\n\
                - {name: \"x\\\\ny\", key: k, query: a.read, expect: allow}\n\
                access:\n  - {query: a.read, keys: [k]}\n";
    let dir = suite(&[("d.yaml", &text.replace("\n- ", "\n  - "))]);
    let run = permspec(&["test", "--list", arg(&dir.path().join("d.yaml"))]);
    let names: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .collect();
    assert_eq!(names.len(), 7, "{}{}", run.stdout, run.stderr);
    let unique: std::collections::BTreeSet<&&str> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
}

#[test]
fn two_files_never_show_as_one() {
    use std::os::unix::ffi::OsStrExt;
    let dir = suite(&[
        ("policies/documents.yaml", PASSING),
        ("policies\\documents.yaml", PASSING),
    ]);
    for name in [&b"p\xff.yaml"[..], b"p\xfe.yaml"] {
        let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, PASSING).unwrap();
    }
    let run = permspec_in(dir.path(), &["test", "--list", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .collect();
    let files: std::collections::BTreeSet<&str> = names
        .iter()
        .filter_map(|name| name.split("::").next())
        .collect();
    assert_eq!(files.len(), 4, "{names:?}");
    assert!(
        files.contains("p\\x{ff}.yaml") && files.contains("policies\\documents.yaml"),
        "{files:?}"
    );
}

#[test]
fn a_write_into_a_missing_directory_names_the_file_asked_for_only() {
    let dir = suite(&[("p.yaml", PASSING)]);
    let target = dir.path().join("missing/review.html");
    let run = permspec(&[
        "report",
        arg(&dir.path().join("p.yaml")),
        "-o",
        arg(&target),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.said.contains("review.html"), "{}", run.stderr);
    assert!(
        !run.stderr.contains(".permspec-"),
        "no temporary file: {}",
        run.stderr
    );
}
