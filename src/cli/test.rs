//! `permspec test`: run the cases of policy files, with cargo test's output, filters and
//! exit codes.

use super::error::CliError;
use super::{Context, Exit, output};
use permspec::error_code::ErrorCode;
use permspec::eval::Semantics;
use permspec::printable::json;
use permspec::report::{
    coverage_json, coverage_text, junit, mutation_json, mutation_text, suite_finished,
    suite_started, test_events,
};
use permspec::runner::{
    Executed, LoadedFile, PolicyCoverage, PolicyMutation, Selection, Tally, Test, collect,
    coverage, execute, mutation_test, run_libtest,
};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Output formats of `permspec test`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    /// cargo test's output, with a miette report for each failure.
    #[default]
    Human,
    /// libtest's JSON events, one per line, with file, line, column, expected, actual, code.
    Json,
    /// A JUnit XML report for CI test dashboards.
    Junit,
}

/// Arguments of `permspec test`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files or directories of them (default: the configuration's `paths`, else
    /// `policies`).
    paths: Vec<PathBuf>,

    /// Run only tests whose name contains this.
    #[arg(long)]
    filter: Option<String>,

    /// Match `--filter` and `--skip` against whole test names.
    #[arg(long)]
    exact: bool,

    /// Leave out tests whose name contains this (repeatable).
    #[arg(long, value_name = "FILTER")]
    skip: Vec<String>,

    /// List the tests instead of running them.
    #[arg(long)]
    list: bool,

    /// Run only cases marked `ignore: true`.
    #[arg(long)]
    ignored: bool,

    /// Run cases marked `ignore: true` as well.
    #[arg(long)]
    include_ignored: bool,

    /// Number of threads to run tests on (at least 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    test_threads: Option<u16>,

    /// One character per test instead of one line.
    #[arg(long, short)]
    quiet: bool,

    /// Decide every case in this mode, whatever the files say.
    #[arg(long, value_enum)]
    semantics: Option<Semantics>,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TestFormat,

    /// Report which keys, roles, grants and catalog permissions the cases exercise.
    #[arg(long)]
    coverage: bool,

    /// Mutate the policies (drop or widen grants, drop roles, flip `enabled`, remove forbid
    /// rules) and fail when a mutant survives every case.
    #[arg(long)]
    mutate: bool,

    /// Fail when the coverage of any policy file is under this percentage, from 0 to 100
    /// (implies `--coverage`).
    #[arg(long, value_name = "PERCENT", value_parser = percentage)]
    fail_under: Option<f64>,

    /// Fail when a root key's `uses:` lists a call that no allowed route case asks
    /// (implies `--coverage`).
    #[arg(long)]
    require_uses: bool,

    /// What a run in which no case ran does: `fail` (the default, unless a filter left
    /// every case out) or `pass`.
    #[arg(long, value_enum, value_name = "ACTION")]
    no_tests: Option<NoTests>,

    /// Run again whenever a policy file under the paths changes.
    #[arg(long)]
    watch: bool,
}

/// What a run in which no case ran does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NoTests {
    /// Fail: a run that checked nothing is not a pass.
    Fail,
    /// Pass, as `cargo test` does.
    Pass,
}

pub fn run(args: &Args, context: &Context) -> Exit {
    if args.watch {
        let paths = match super::configuration(&args.paths) {
            Ok(config) if args.paths.is_empty() => config.default_paths(),
            Ok(_) => args.paths.clone(),
            Err(exit) => return exit,
        };
        return super::watch::watch(&paths, || run_once(args, context));
    }
    run_once(args, context)
}

fn run_once(args: &Args, context: &Context) -> Exit {
    let config = match super::configuration(&args.paths) {
        Ok(config) => config,
        Err(exit) => return exit,
    };
    let paths = if args.paths.is_empty() {
        config.default_paths()
    } else {
        args.paths.clone()
    };
    if let Some(refused) = refused(args) {
        return refused.report();
    }
    let files = match super::policy_files_in(&paths, true) {
        Ok(files) => files,
        Err(exit) => return exit,
    };
    let collected = collect(
        &files,
        args.semantics,
        jiff::Timestamp::now(),
        &config.limits,
    );
    let (loaded, tests) = (collected.files, collected.tests);
    warn_of_partial_imports(&loaded);
    let unloadable = tests.iter().any(|test| test.is_load_failure());
    let total = tests.len();
    let mut deferred_junit = None;
    let (mut failed, passed, ran) = match args.format {
        TestFormat::Human => {
            let arguments = libtest_arguments(args, context.color);
            let Some(run) = output::piped(|| run_libtest(tests, &arguments, context.color)) else {
                return Exit::BadInput;
            };
            let ran = run.conclusion.num_passed + run.conclusion.num_failed;
            (run.conclusion.has_failed(), run.passed, ran as usize)
        }
        TestFormat::Json | TestFormat::Junit => match run_for_machines(args, tests) {
            Ok((run, junit)) => {
                deferred_junit = junit;
                run
            }
            Err(exit) => return exit,
        },
    };
    // A file that does not load is bad input, whether its tests ran or were listed.
    if unloadable {
        return Exit::BadInput;
    }
    if args.list {
        return Exit::Success;
    }
    let covering = args.coverage || args.fail_under.is_some() || args.require_uses;
    let gated = covering || args.mutate;
    if ran == 0 {
        if let Some(executed) = &deferred_junit {
            out!("{}", junit(executed, &[]));
        }
        if let Some(why) = nothing_ran(args, total, gated) {
            return CliError::failed(ErrorCode::TestNothingRan, format!("no case ran: {why}"))
                .report();
        }
        return Exit::Success;
    }
    if covering {
        failed |= !report_coverage(args, &coverage(&loaded, &passed));
    }
    if args.mutate {
        let mutations = report_mutation(args, &loaded, &passed, context);
        failed |= mutations.iter().any(|policy| policy.survived() > 0);
        if let Some(executed) = &deferred_junit {
            out!("{}", junit(executed, &mutations));
        }
    }
    super::leave((loaded, passed), args.watch);
    if failed { Exit::Failure } else { Exit::Success }
}

/// Why the arguments cannot make a run, if they cannot: `--list` in a machine format (it
/// would run the tests), `--skip ''` (it skips them all).
fn refused(args: &Args) -> Option<CliError> {
    if args.list && args.format != TestFormat::Human {
        return Some(
            CliError::usage("`--list` lists the tests as cargo test does, in human output")
                .with_help("leave out `--format`, or leave out `--list` to run the tests"),
        );
    }
    args.skip.iter().any(String::is_empty).then(|| {
        CliError::usage("`--skip ''` would skip every test")
            .with_help("give `--skip` a part of the names to leave out")
    })
}

/// What a run found: whether a case failed, the tests that passed, and how many ran.
type Ran = (bool, Vec<Test>, usize);

/// A run whose results are JSON events or JUnit: what it found, and the results kept back
/// when mutation testing's survivors join the JUnit report.
fn run_for_machines(args: &Args, tests: Vec<Test>) -> Result<(Ran, Option<Vec<Executed>>), Exit> {
    let selection = selection(args);
    let (tally, deferred_junit) = if args.format == TestFormat::Json {
        (json_events(&selection, &tests, threads(args))?, None)
    } else {
        let (executed, tally) = execute(&tests, &selection, threads(args));
        if !args.mutate || args.list {
            out!("{}", junit(&executed, &[]));
            (tally, None)
        } else {
            // Mutation testing's survivors join the report as failures.
            (tally, Some(executed))
        }
    };
    let (failed, ran) = (tally.failed > 0, tally.ran);
    let passed = tally.keep_passed(tests);
    Ok(((failed, passed, ran), deferred_junit))
}

/// Runs the selected tests and writes libtest's JSON events as they are decided, each
/// share of tests rendered on the thread that ran it; what the run found, or the exit for
/// standard output that could not be written.
fn json_events(selection: &Selection, tests: &[Test], threads: usize) -> Result<Tally, Exit> {
    let started = Instant::now();
    let selected = selection.select(tests);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = suite_started(&mut out, selected.count()).and_then(|()| {
        let rendered = |batch: Vec<Executed>| test_events(&batch);
        let tally = selected.run(threads, rendered, |events| out.write_all(&events))?;
        suite_finished(&mut out, &tally, started.elapsed().as_secs_f64())?;
        out.flush()?;
        Ok(tally)
    });
    written.map_err(|error| {
        output::failed(error);
        Exit::BadInput
    })
}

/// Why a run in which no case ran fails, or `None` when it may pass: a filter (a name,
/// `--skip`, `--ignored`) chose the cases, or `--no-tests pass` allows it, and nothing
/// needs cases that ran (coverage, mutation testing).
fn nothing_ran(args: &Args, total: usize, gated: bool) -> Option<String> {
    if gated {
        let asked = if args.mutate {
            "mutation testing"
        } else {
            "coverage"
        };
        return Some(format!(
            "{asked} counts only cases that ran and passed, and there were none"
        ));
    }
    let filtered = args.filter.is_some() || !args.skip.is_empty() || args.ignored;
    let allowed = match args.no_tests {
        Some(NoTests::Pass) => true,
        Some(NoTests::Fail) => false,
        None => filtered,
    };
    if allowed {
        return None;
    }
    Some(if total == 0 {
        "the files hold no cases (pass `--no-tests pass` to allow a run that checks nothing)"
            .to_owned()
    } else if filtered {
        format!("the filters left out all {total}")
    } else {
        format!(
            "all {total} are marked `ignore: true` (run them with `--include-ignored`, or pass \
             `--no-tests pass` to allow a run that checks nothing)"
        )
    })
}

/// Says, on standard error, which policies are partial imports of Unkey's state: their
/// cases pass or fail on a workspace with keys, roles or permissions missing.
fn warn_of_partial_imports(loaded: &[Arc<LoadedFile>]) {
    let mut warned = std::collections::BTreeSet::new();
    for file in loaded {
        let policy = &file.file.policy;
        if policy.partial && warned.insert(policy.source.path().to_owned()) {
            eprintln_escaped!(
                "warning: `{}` is a partial import of Unkey's state (`partial: true`): keys, \
                 roles or permissions may be missing, and no case checks them",
                policy.source.name()
            );
        }
    }
}

/// Prints the coverage in the run's format; false if it is under `--fail-under`, or a
/// `uses:` entry has no allowed case under `--require-uses`.
fn report_coverage(args: &Args, policies: &[PolicyCoverage]) -> bool {
    match args.format {
        TestFormat::Human => out!("{}", coverage_text(policies)),
        TestFormat::Json => outln!("{}", json(&coverage_json(policies))),
        TestFormat::Junit => output::error(&coverage_text(policies)),
    }
    let mut under = false;
    if args.require_uses {
        let uses = (policies.iter().flat_map(|policy| &policy.categories))
            .filter(|category| category.name == "uses");
        for (call, _) in uses.flat_map(|category| &category.never) {
            let message = format!("no allowed route case asks {call} (--require-uses)");
            CliError::failed(ErrorCode::TestUseUntested, message).report();
            under = true;
        }
    }
    let Some(minimum) = args.fail_under else {
        return !under;
    };
    // Each policy must reach the threshold: a well-tested file must not carry an untested
    // one (and the whole suite's coverage, an average, is then above it too).
    for policy in policies.iter().filter(|policy| policy.percent() < minimum) {
        let message = format!(
            "coverage of `{}` is {:.1}%, under --fail-under {minimum}",
            policy.source.name(),
            policy.percent()
        );
        CliError::failed(ErrorCode::TestCoverageUnder, message).report();
        under = true;
    }
    !under
}

/// The threads a run uses: `--test-threads`, else one per core.
fn threads(args: &Args) -> usize {
    args.test_threads
        .map(usize::from)
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
}

/// Runs and prints mutation testing in the run's format (JUnit: its text on standard
/// error, its survivors in the report); says on standard error when a mutant survives.
fn report_mutation(
    args: &Args,
    loaded: &[Arc<LoadedFile>],
    passed: &[Test],
    context: &Context,
) -> Vec<PolicyMutation> {
    let policies = mutation_test(loaded, passed, threads(args));
    match args.format {
        TestFormat::Json => outln!("{}", json(&mutation_json(&policies))),
        TestFormat::Human => out!("{}", mutation_text(&policies, &context.renderer)),
        TestFormat::Junit => output::error(&mutation_text(&policies, output::renderer())),
    }
    let survived: usize = policies.iter().map(|policy| policy.survived()).sum();
    if survived > 0 {
        let plural = if survived == 1 { "" } else { "s" };
        let message = format!(
            "{survived} mutant{plural} survived every case: the suite would not notice those \
             changes to the policy"
        );
        CliError::failed(ErrorCode::MutationSurvived, message)
            .with_help("add the suggested cases")
            .report();
    }
    policies
}

/// A percentage from 0 to 100; NaN, infinities and anything outside are refused.
fn percentage(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=100.0).contains(&value) => Ok(value),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

fn selection(args: &Args) -> Selection {
    Selection {
        filter: args.filter.clone(),
        exact: args.exact,
        skip: args.skip.clone(),
        ignored: args.ignored,
        include_ignored: args.include_ignored,
    }
}

fn libtest_arguments(args: &Args, color: bool) -> libtest_mimic::Arguments {
    let mut argv = vec!["permspec".to_owned()];
    let mut flag = |on: bool, name: &str| {
        if on {
            argv.push(name.to_owned());
        }
    };
    flag(args.exact, "--exact");
    flag(args.list, "--list");
    flag(args.ignored, "--ignored");
    flag(args.include_ignored, "--include-ignored");
    flag(args.quiet, "--quiet");
    argv.push(format!(
        "--color={}",
        if color { "always" } else { "never" }
    ));
    for skip in &args.skip {
        argv.push(format!("--skip={skip}"));
    }
    if let Some(threads) = args.test_threads {
        argv.push(format!("--test-threads={threads}"));
    }
    if let Some(filter) = &args.filter {
        argv.push("--".to_owned());
        argv.push(filter.clone());
    }
    libtest_mimic::Arguments::from_iter(argv)
}
