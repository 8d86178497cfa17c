//! The registry of diagnostic codes: one per kind of error permspec reports about a file it
//! was given (a policy, a case file, `permspec.toml`, a saved response) and per kind of
//! failure it reports in one (a case, an assertion, a mutant, a widening), each with what
//! it means. `docs/errors.md` is generated from it and checked by a test; lint findings
//! carry their rule's code instead (`docs/rules.md`).

/// Declares the codes: for each, its variant, its code as reports print it (after
/// `permspec::`), and one line on what it means. It yields [`ErrorCode`] and its table.
macro_rules! registry {
    ($($variant:ident $code:literal $meaning:literal;)+) => {
        /// A kind of input error or failure.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(
                #[doc = $meaning]
                $variant,
            )+
        }

        impl ErrorCode {
            /// Every code, in the table's order.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The code as reports print it after `permspec::`: `policy::unknown-field`.
            pub fn code(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }

            /// What the error means.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $meaning,)+
                }
            }
        }
    };
}

registry! {
    PolicyIo "policy::io" "A file could not be read: missing, not a regular file (a directory, a FIFO, a device), unreadable, too large, or not UTF-8.";
    PolicyEmptyFile "policy::empty-file" "The file holds no YAML document.";
    PolicyYamlSyntax "policy::yaml-syntax" "The file is not well-formed YAML, or holds more than one document.";
    PolicyYamlTag "policy::yaml-tag" "A YAML tag (`!!str`, `!custom`): policy files are read without tags.";
    PolicyRecursiveAlias "policy::recursive-alias" "A YAML alias used inside the node its anchor marks.";
    PolicyLimit "policy::limit" "A file past one of the limits (bytes, nesting depth, nodes, cases, keys, roles, grants; `[limits]` in `permspec.toml`).";
    PolicyUnsupportedVersion "policy::unsupported-version" "A `version` other than 1.";
    PolicyMissingField "policy::missing-field" "A required field is missing (`version`, a case's `key` or `expect`, a suppression's `reason`).";
    PolicyUnknownField "policy::unknown-field" "A field the format does not have, with a did-you-mean.";
    PolicyInvalidType "policy::invalid-type" "A value of the wrong kind: a list where a string belongs, a number where text belongs, a null.";
    PolicyInvalidValue "policy::invalid-value" "A value of the right kind that the format refuses (an empty name, an unknown mode, a status Unkey never sends).";
    PolicyInvalidDate "policy::invalid-date" "A time without an offset, with a zone annotation, or not a date at all.";
    PolicyEmptyList "policy::empty-list" "`key: []` or `query: []`: a case that would test nothing.";
    PolicyDuplicateKey "policy::duplicate-key" "A mapping key given twice, or a name declared both as a key and as a root key.";
    PolicyUndeclaredRole "policy::undeclared-role" "A key holds a role the policy does not declare.";
    PolicyUndeclaredKey "policy::undeclared-key" "A case or assertion names a key the policy does not declare.";
    PolicyNotARootKey "policy::not-a-root-key" "A route or URN case names an API key: routes are called with root keys.";
    PolicyReference "policy::reference" "A case file's `policy:` that cannot be used (missing, unreadable, not a policy), or a case file that declares a policy of its own.";
    PolicyUnknownRoute "policy::unknown-route" "A route Unkey's API does not have.";
    PolicyInvalidRequest "policy::invalid-request" "A route request Unkey refuses or permspec cannot decide: an unknown or missing param, an id that is not one, another workspace or keyspace than the policy's.";
    PolicyInvalidUse "policy::invalid-use" "A root key's `uses:` entry that is no call: an unknown route, a missing or foreign param, another workspace or keyspace, or an entry listed twice.";
    QuerySyntax "query::syntax" "A permission query Unkey's parser rejects.";
    ConfigUnreadable "config::unreadable" "`permspec.toml` could not be read.";
    ConfigInvalid "config::invalid" "`permspec.toml` is not valid TOML or holds an unknown or invalid setting.";
    CliUsage "cli::usage" "An argument, or a combination of arguments, the command cannot use: a malformed `--param`, a key or route the policy does not declare, a format without the `-o` it needs.";
    CliIo "cli::io" "A path given on the command line, or the command's output, that cannot be read or written: missing, a directory where a file belongs, a full disk.";
    CliNothingChecked "cli::nothing-checked" "A command given nothing to check: no policy files under the paths, no route call to find grants for, no source file or site for `scan` (or every scan rule switched off).";
    CliService "cli::service" "A service that cannot be used: Unkey's API unreachable, refusing the root key, or answering out of shape; a git revision that cannot be read.";
    CliSelector "cli::selector" "A rule selector on the command line (`--select`, `--ignore`, `--deny`, `--warn`, `--allow`) that names no rule.";
    LintUnknownRule "lint::unknown-rule" "A suppression (`lint: allow:`) that names no rule.";
    ScanUnreadable "scan::unreadable" "A source path `permspec scan` cannot use: missing, unreadable, a file in a language permspec does not read, larger than `[scan] max-file-bytes`, or not UTF-8 while it holds text a sink could use.";
    ScanSuppression "scan::suppression" "A `permspec:` comment in code that is not `permspec: allow(RULES) reason: WHY [until: YYYY-MM-DD]`, or names no rule.";
    ImportJson "import::json" "A saved response that is not JSON.";
    ImportShape "import::shape" "A response whose shape is not Unkey's (a missing or mistyped field).";
    ImportUnkeyError "import::unkey-error" "Unkey answered with an error instead of data.";
    ImportEmpty "import::empty" "A saved response file that holds nothing.";
    ImportIncomplete "import::incomplete" "A listing with pages missing: the import would be partial.";
    ImportUnknownRole "import::unknown-role" "A key holds a role the workspace does not list.";
    ImportRoundTrip "import::round-trip" "The written policy would not read back as the state imported (a fault of permspec, reported, never written).";
    TestCaseFailed "test::case-failed" "A case whose outcome is not the one expected.";
    TestAccessFailed "test::access-failed" "An `access:` assertion whose keys are not exactly the ones allowed.";
    TestQueryRejected "test::query-rejected" "A case's query that Unkey's parser rejects, where the case expects an outcome.";
    TestDecidedBy "test::decided-by" "Where the policy decides a failing case (a note beside the failure, in the policy file).";
    TestNothingRan "test::nothing-ran" "A test run in which no case ran: the files hold none, every case is `ignore: true`, or coverage or mutation testing was asked and nothing passed (a run the filters leave empty fails only with `--no-tests fail`).";
    TestCoverageUnder "test::coverage-under" "A policy whose coverage is under `--fail-under`.";
    TestUseUntested "test::use-untested" "A root key's `uses:` entry that no allowed route case asks (`--require-uses`).";
    GrantsForUnreachable "grants-for::unreachable" "A route call no root key can make: Unkey refuses a root key there, whatever its grants.";
    MutationSurvived "mutation::survived" "A change to the policy that no case notices.";
    DiffWidened "diff::widened" "A change that widens access: a key may do what it could not.";
}

/// The reference of every code, as `docs/errors.md` holds it.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Error codes\n\n\
         Every error and failure permspec reports carries one of these codes, printed as \
         `permspec::<code>` at the head of its report on standard error, then the message \
         and, where there is one, a hint; a report about a file also shows the file, line \
         and column with a label on the node. An error ends the command with exit 2; a \
         check that does not hold (`test::*`, `mutation::survived`, `diff::widened`, \
         `grants-for::unreachable`) with exit 1. Lint findings carry their rule's code \
         instead: see [rules.md](rules.md).\n\n\
         Generated from the registry in `src/error_code.rs`.\n\n\
         | code | meaning |\n|---|---|\n",
    );
    for code in ErrorCode::ALL {
        out.push_str(&format!("| `{}` | {} |\n", code.code(), code.meaning()));
    }
    out
}
