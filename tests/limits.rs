//! The loader's hard limits: each is refused with a diagnostic that names the limit and how
//! to raise it, from the defaults or from `[limits]` in `permspec.toml`.

mod support;

use permspec::policy::{Limits, Loader};
use permspec::report::Renderer;
use std::path::Path;
use support::cli::{permspec, permspec_in};

fn load_error(path: &str, limits: Limits) -> String {
    let error = Loader::new(limits)
        .load(Path::new(path))
        .expect_err("the limit is crossed");
    assert_eq!(error.kind(), "policy::limit");
    Renderer::new(false).render(&error)
}

#[test]
fn nesting_past_the_yaml_depth_is_refused() {
    insta::assert_snapshot!(load_error("fixtures/limits/deep.yaml", Limits::default()));
}

#[test]
fn aliases_that_expand_past_the_limit_are_refused_before_expansion() {
    insta::assert_snapshot!(load_error(
        "fixtures/limits/alias-bomb.yaml",
        Limits::default()
    ));
}

#[test]
fn more_cases_than_the_limit_are_refused_before_expansion() {
    let five = Limits {
        cases: 5,
        ..Limits::default()
    };
    insta::assert_snapshot!(load_error("fixtures/limits/six-cases.yaml", five));
    let six = Limits {
        cases: 6,
        ..Limits::default()
    };
    let file = Loader::new(six)
        .load(Path::new("fixtures/limits/six-cases.yaml"))
        .unwrap();
    assert_eq!(file.checks.len(), 6);
}

#[test]
fn a_file_over_the_size_limit_is_not_read() {
    let small = Limits {
        file_bytes: 100,
        ..Limits::default()
    };
    insta::assert_snapshot!(load_error("fixtures/limits/six-cases.yaml", small));
}

#[test]
fn nesting_far_past_the_parser_s_own_limit_is_the_same_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.yaml");
    let depth = 100_000;
    let text = format!(
        "version: 1\nroles:\n  r:\n    permissions: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    std::fs::write(&path, text).unwrap();
    let error = Loader::default().load(&path).unwrap_err();
    assert_eq!(error.kind(), "policy::limit");
    assert!(error.to_string().contains("more than 32"), "{error}");
}

#[test]
fn the_limits_come_from_permspec_toml_and_a_refusal_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/limits/six-cases.yaml");
    std::fs::copy(&fixture, dir.path().join("six-cases.yaml")).unwrap();
    let config = dir.path().join("permspec.toml");

    std::fs::write(&config, "[limits]\ncases = 5\n").unwrap();
    for command in ["test", "lint"] {
        let run = permspec_in(dir.path(), &[command, "six-cases.yaml"]);
        assert_eq!(run.code, 2, "{command}: {}{}", run.stdout, run.stderr);
        let output = format!("{}{}", run.stdout, run.stderr);
        assert!(output.contains("more than 5 cases"), "{command}: {output}");
        assert!(output.contains("`cases = 10`"), "{command}: {output}");
    }

    std::fs::write(&config, "[limits]\ncases = 6\n").unwrap();
    let run = permspec_in(dir.path(), &["test", "six-cases.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn impossible_limits_are_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.yaml"), "version: 1\n").unwrap();
    let config = dir.path().join("permspec.toml");
    for (setting, message) in [
        (
            "yaml-depth = 500",
            "`limits.yaml-depth` can be at most 120, not 500",
        ),
        ("cases = 0", "`limits.cases` must be at least 1"),
        ("case = 3", "unknown field `case`"),
        (
            "file-bytes = 4294967296",
            "`limits.file-bytes` can be at most 4294967295, not 4294967296",
        ),
        (
            "cases = 99999999999999999999",
            "`limits.cases` must be a whole number from 1 to 4294967295",
        ),
        (
            "file-bytes = \"big\"",
            "`limits.file-bytes` must be a whole number from 1 to 4294967295",
        ),
    ] {
        std::fs::write(&config, format!("[limits]\n{setting}\n")).unwrap();
        let run = permspec_in(dir.path(), &["test", "."]);
        assert_eq!(run.code, 2);
        let unwrapped = run.stderr.replace("\n  │ ", " ");
        assert!(unwrapped.contains(message), "{setting}: {}", run.stderr);
        // Placed at the setting's line, under its section.
        assert!(
            run.stderr.contains("permspec.toml:2:"),
            "{setting}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn the_query_nesting_limit_names_itself() {
    let query = format!("{}a{}", "(".repeat(501), ")".repeat(501));
    let run = permspec(&["parse", &query]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("deeper than 500 levels"),
        "{}",
        run.stderr
    );
}
