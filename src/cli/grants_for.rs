//! `permspec grants-for CALL...`: the smallest root-key grants that let these Unkey route
//! calls through, in URN and legacy form, and what else each set opens.

use super::Exit;
use super::error::CliError;
use super::output;
use permspec::error_code::ErrorCode;
use permspec::input;
use permspec::least_privilege::denial::{self, Diagnosis};
use permspec::least_privilege::{self, Call, Form, GrantsFor, Opening, OtherCall, uses_calls};
use permspec::policy::{KeyKind, Loader, Policy, completed_call};
use permspec::printable::{escaped, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Most bytes read from a file of calls or a denial body.
const MAX_INPUT: u64 = 1 << 20;

/// Most calls asked at once.
const MAX_CALLS: usize = 1000;

/// Arguments of `permspec grants-for`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Route calls: `keys.getKey` or `keys.getKey(keyId=key_1, decrypt=true)`; `*` for
    /// every id (`keyId=*`).
    #[arg(value_name = "CALL", required_unless_present_any = ["calls_file", "key"])]
    calls: Vec<String>,

    /// A value for every call whose route takes it, as `name=value` (`apiId=api_1`,
    /// `keyId=*`, `decrypt=true`); a call's own values win (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,

    /// The workspace the root key lives in (URN grants name it).
    #[arg(long, value_name = "ID")]
    workspace: Option<String>,

    /// Calls from FILE, one per line (`#` starts a comment); `-` for standard input.
    #[arg(long, value_name = "FILE")]
    calls_file: Option<PathBuf>,

    /// A policy file whose workspace and `apis:` complete the calls (`workspaceId`, and an
    /// API's `keyAuthId`).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,

    /// A root key of `--policy`: the calls of its `uses:`, besides any given.
    #[arg(long, value_name = "NAME", requires = "policy")]
    key: Option<String>,

    /// The body Unkey answered to the one CALL (`-` for standard input): a 403, a masked
    /// 404, or keys.verifyKey's `{valid: false, code: NOT_FOUND}`; says which grant would
    /// have let the call through.
    #[arg(long, value_name = "FILE", conflicts_with = "calls_file")]
    denial: Option<PathBuf>,

    /// The name of the root key in `--format yaml`.
    #[arg(long, value_name = "NAME", default_value = "service")]
    name: String,

    /// Output format: human, JSON, or a `root_keys:` entry to paste into a policy.
    #[arg(long, value_enum, default_value_t)]
    format: GrantsFormat,
}

/// Output formats of `grants-for`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum GrantsFormat {
    /// Text for people.
    #[default]
    Human,
    /// One JSON document.
    Json,
    /// A `root_keys:` entry with the URN form and its `uses:`.
    Yaml,
}

pub fn run(args: &Args) -> Exit {
    let policy = match &args.policy {
        None => None,
        Some(path) => match Loader::default().load(path) {
            Ok(loaded) => Some(Arc::clone(&loaded.policy)),
            Err(error) => {
                output::report(&error);
                return Exit::BadInput;
            }
        },
    };
    let Some(mut defaults) = defaults(args) else {
        return Exit::BadInput;
    };
    if let Some(id) = policy
        .as_ref()
        .and_then(|policy| policy.workspace_id.as_ref())
        && args.workspace.is_none()
    {
        defaults.push(("workspaceId".to_owned(), id.value.clone()));
    }
    // A denial is read before the calls: its message may name the workspace.
    let answer = match &args.denial {
        None => None,
        Some(path) => match read(path, "--denial") {
            Some(body) => Some(denial::read(&body)),
            None => return Exit::BadInput,
        },
    };
    if let Some(Ok(answer)) = &answer
        && let Some(named) = answer.workspace()
        && !defaults.iter().any(|(name, _)| name == "workspaceId")
    {
        defaults.push(("workspaceId".to_owned(), named.to_owned()));
    }
    let Some(calls) = calls(args, &defaults, policy.as_deref()) else {
        return Exit::BadInput;
    };
    let Some(workspace) = one_workspace(args, &calls) else {
        return Exit::BadInput;
    };
    if args.format == GrantsFormat::Yaml && !is_key_name(&args.name) {
        return CliError::usage(format!(
            "`--name {}` is no key name for a policy: letters, digits, `_`, `-` and `.`, \
             at most {MAX_NAME} of them",
            args.name
        ))
        .report();
    }
    let pairs = api_pairs(&calls, policy.as_deref());
    if let Some(answer) = answer {
        return explain_denial(args, answer, &calls, &pairs, workspace);
    }
    match least_privilege::grants_for(&calls, &pairs, workspace) {
        Ok(found) => report(args, &found),
        Err(error) => CliError::usage(error.to_string()).report(),
    }
}

/// The API and keyspace pairs the calls and the policy's `apis:` name.
fn api_pairs<'a>(calls: &'a [Call], policy: Option<&'a Policy>) -> Vec<(&'a str, &'a str)> {
    let mut pairs = least_privilege::call_pairs(calls);
    pairs.extend(
        (policy.iter().flat_map(|policy| &policy.apis))
            .map(|api| (api.id.value.as_str(), api.keyspace.value.as_str())),
    );
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Prints the sets in the format asked; a call no root key can make fails the run: it has
/// no grant, and asking for it is a mistake to see.
fn report(args: &Args, found: &GrantsFor) -> Exit {
    match args.format {
        GrantsFormat::Json => outln!("{}", json(found)),
        GrantsFormat::Yaml => out!("{}", yaml_entry(&args.name, found)),
        GrantsFormat::Human => out!("{}", text(found)),
    }
    let unreachable: Vec<&str> = (found.notes.iter())
        .filter(|note| note.unreachable)
        .map(|note| note.call.as_str())
        .collect();
    if unreachable.is_empty() {
        return Exit::Success;
    }
    let message = format!(
        "no root key can make {}: Unkey refuses a root key there, whatever its grants",
        unreachable.join(", ")
    );
    CliError::failed(ErrorCode::GrantsForUnreachable, message).report()
}

/// Most characters of a key name in `--format yaml`.
const MAX_NAME: usize = 128;

/// Whether `name` can name a root key in a policy, written plain or quoted.
fn is_key_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The one workspace the calls name, if any (`Some(None)`: none); `None`, reported, when
/// they name several, or another than `--workspace`: a root key calls in its own only.
fn one_workspace<'c>(args: &Args, calls: &'c [Call]) -> Option<Option<&'c str>> {
    let mut workspaces: Vec<&str> = (calls.iter())
        .filter_map(|call| call.request.value("workspaceId"))
        .collect();
    workspaces.sort_unstable();
    workspaces.dedup();
    let named = match workspaces.as_slice() {
        [] => None,
        [one] => Some(*one),
        many => {
            CliError::usage(format!(
                "the calls name the workspaces {}: a root key calls in its own \
                 workspace only",
                many.join(", ")
            ))
            .report();
            return None;
        }
    };
    if let (Some(given), Some(named)) = (&args.workspace, named)
        && given != named
    {
        CliError::usage(format!(
            "a call names the workspace `{named}`, `--workspace` names `{given}`: a root \
             key calls in its own workspace only"
        ))
        .report();
        return None;
    }
    Some(named)
}

/// The values `--param` and `--workspace` give every call; `None` (reported) when one is
/// malformed, repeated, or taken by no route named.
fn defaults(args: &Args) -> Option<Vec<(String, String)>> {
    let mut defaults: Vec<(String, String)> = Vec::new();
    for pair in &args.params {
        let Some((name, value)) = pair
            .split_once('=')
            .filter(|(name, value)| !name.trim().is_empty() && !value.trim().is_empty())
        else {
            CliError::usage(format!("`--param {pair}` is not `name=value`")).report();
            return None;
        };
        if defaults.iter().any(|(given, _)| given == name) {
            CliError::usage(format!("`--param {name}` is given more than once")).report();
            return None;
        }
        defaults.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    if let Some(workspace) = &args.workspace {
        let id_like = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if workspace.is_empty() || !workspace.chars().all(id_like) {
            CliError::usage(format!(
                "`--workspace {workspace}` is no workspace id: ids are made of letters, \
                 digits, `_` and `-` (a root key calls in its own workspace, never `*`)"
            ))
            .report();
            return None;
        }
        defaults.push(("workspaceId".to_owned(), workspace.clone()));
    }
    Some(defaults)
}

/// The calls of the arguments and `--calls-file`, each once, completed from `defaults`;
/// `None` (reported) when one cannot be asked, or a default fits none of them.
fn calls(args: &Args, defaults: &[(String, String)], policy: Option<&Policy>) -> Option<Vec<Call>> {
    let mut calls: Vec<Call> = Vec::new();
    if let (Some(policy), Some(name)) = (policy, &args.key) {
        match policy.key(name).filter(|key| key.kind == KeyKind::Root) {
            Some(key) if !key.uses.is_empty() => calls.extend(uses_calls(key)),
            Some(_) => {
                CliError::usage(format!("root key `{name}` declares no `uses:`")).report();
                return None;
            }
            None => {
                CliError::usage(format!("the policy declares no root key `{name}`")).report();
                return None;
            }
        }
    }
    let mut texts = args.calls.clone();
    if let Some(path) = &args.calls_file {
        let text = read(path, "--calls-file")?;
        texts.extend(
            text.lines()
                .map(|line| line.split('#').next().unwrap_or(line).trim())
                .filter(|line| !line.is_empty())
                .map(str::to_owned),
        );
    }
    if texts.is_empty() && calls.is_empty() {
        CliError::nothing_checked("no route calls to find grants for").report();
        return None;
    }
    if texts.len() > MAX_CALLS {
        CliError::usage(format!(
            "{} calls: at most {MAX_CALLS} are asked at once; split them by service",
            texts.len()
        ))
        .report();
        return None;
    }
    for text in &texts {
        match completed_call(text, defaults, policy.map_or(&[], |policy| &policy.apis)) {
            Ok(call) => {
                if !calls.iter().any(|known| {
                    known.route.name == call.route.name && known.request == call.request
                }) {
                    calls.push(call);
                }
            }
            Err(error) => {
                call_error(&error).report();
                return None;
            }
        }
    }
    for (name, _) in defaults.iter().filter(|(name, _)| name != "workspaceId") {
        let taken = calls
            .iter()
            .any(|call| call.route.params.contains(name) || call.route.option(name).is_some());
        if !taken {
            let known = calls.iter().flat_map(|call| {
                (call.route.params.iter().map(String::as_str))
                    .chain(call.route.options.iter().map(|option| option.name.as_str()))
            });
            let hint = permspec::suggest::did_you_mean(name, known)
                .map_or_else(String::new, |hint| format!("; {hint}"));
            CliError::usage(format!(
                "`--param {name}` fits none of the calls' routes{hint}"
            ))
            .report();
            return None;
        }
    }
    Some(calls)
}

/// The error of a call that cannot be asked, with how to give what it misses.
fn call_error(error: &least_privilege::CallError) -> CliError {
    let report = CliError::usage(error.to_string());
    let least_privilege::CallError::Missing { params, .. } = error else {
        return report;
    };
    let keyspace = if params.iter().any(|param| param == "keyAuthId") {
        "; `--policy FILE` takes an API's keyspace from its `apis:` (URN grants name \
         keyspaces, not APIs)"
    } else {
        ""
    };
    report.with_help(format!(
        "`--param name=value` gives a value to every call; `--workspace ws_...` names the \
         workspace{keyspace}"
    ))
}

/// The text of `path` (`-`: standard input), or `None` with the error reported.
fn read(path: &Path, flag: &str) -> Option<String> {
    let read = if path.as_os_str() == "-" {
        input::read_stdin(MAX_INPUT)
    } else {
        input::read_text(path, MAX_INPUT)
    };
    read.map_err(|error| {
        CliError::io(format!(
            "`{flag} {}`: {error} (`{flag} -` reads standard input)",
            path.display()
        ))
        .report()
    })
    .ok()
}

/// Says what would have let the one call through, given the answer Unkey sent.
fn explain_denial(
    args: &Args,
    answer: Result<denial::Answer, denial::DenialError>,
    calls: &[Call],
    pairs: &[(&str, &str)],
    workspace: Option<&str>,
) -> Exit {
    let [call] = calls else {
        CliError::usage(format!(
            "`--denial` explains the answer to one call; {} given",
            calls.len()
        ))
        .report();
        return Exit::BadInput;
    };
    let diagnosis = answer
        .and_then(|answer| denial::diagnose(call, answer, pairs, workspace))
        .map_err(|error| error.to_string());
    let diagnosis = match diagnosis {
        Ok(diagnosis) => diagnosis,
        Err(error) => {
            return CliError::usage(error.to_string()).report();
        }
    };
    match args.format {
        GrantsFormat::Json => outln!("{}", json(&diagnosis)),
        GrantsFormat::Human | GrantsFormat::Yaml => out!("{}", diagnosis_text(&diagnosis)),
    }
    Exit::Success
}

/// What a denial means, for people.
fn diagnosis_text(diagnosis: &Diagnosis) -> String {
    let mut out = format!("{}\n  {}\n", diagnosis.call, diagnosis.meaning);
    if let Some(failed) = &diagnosis.failed {
        out.push_str(&format!("  missing: {failed}\n"));
    }
    for (at, fix) in diagnosis.fixes.iter().enumerate() {
        let word = match (at, diagnosis.fixes.len()) {
            (_, 1) => "add:".to_owned(),
            (0, _) => format!("add ({} form):", form_name(fix.form)),
            _ => format!("or add ({} form):", form_name(fix.form)),
        };
        out.push_str(&format!("  {word} {}\n", fix.grants.join(", ")));
        out.push_str(&others_text(&fix.also_opens, "    "));
    }
    escaped_lines(&out)
}

/// The calls a set opens beyond those asked, indented.
fn others_text(others: &[OtherCall], indent: &str) -> String {
    if others.is_empty() {
        return format!("{indent}opens nothing else\n");
    }
    let mut out = format!("{indent}also opens:\n");
    for other in others {
        let flag = if other.escalates {
            "  (escalates: it attaches permissions or roles to a key)"
        } else {
            ""
        };
        out.push_str(&format!("{indent}  {}{flag}\n", other.call));
    }
    out
}

fn form_name(form: Form) -> &'static str {
    match form {
        Form::Urn => "URN",
        Form::Legacy => "legacy",
    }
}

/// The report for people.
pub fn text(found: &GrantsFor) -> String {
    let mut sections: Vec<String> = Vec::new();
    if !found.notes.is_empty() {
        let notes = found
            .notes
            .iter()
            .map(|note| format!("{} {}\n", note.call, note.note));
        sections.push(notes.collect());
    }
    sections.extend(found.sets.iter().map(set_text));
    if !found.legacy_only.is_empty() {
        sections.push(format!(
            "legacy only (the route checks no URN permission): {}\n",
            found.legacy_only.join(", ")
        ));
    }
    escaped_lines(&sections.join("\n"))
}

fn set_text(opening: &Opening) -> String {
    let set = &opening.set;
    let mut out = format!(
        "{} form: {}\n",
        form_name(set.form),
        count(set.grants.len(), "grant")
    );
    if set.grants.is_empty() {
        out.push_str("  (none: no call checks a root key's grants)\n");
    }
    for grant in &set.grants {
        let tag = if grant.no_urn_arm {
            "  (no URN arm)"
        } else {
            ""
        };
        out.push_str(&format!("  {}{tag}\n", grant.grant));
        for serves in &grant.serves {
            out.push_str(&format!("      for {serves}\n"));
        }
    }
    out.push_str(&others_text(&opening.also_opens, "  "));
    if !opening.not_compared.is_empty() {
        out.push_str(&format!(
            "  not compared (too many ids): {}\n",
            opening.not_compared.join(", ")
        ));
    }
    out
}

/// A `root_keys:` entry holding the URN form, with the calls as its `uses:`.
pub fn yaml_entry(name: &str, found: &GrantsFor) -> String {
    let quote = |text: &str| json(&text);
    let mut out = format!("root_keys:\n  {}:\n    permissions:\n", quote(name));
    let urn = found
        .sets
        .iter()
        .find(|opening| opening.set.form == Form::Urn);
    for grant in urn.iter().flat_map(|opening| &opening.set.grants) {
        out.push_str(&format!("      - {}\n", quote(&grant.grant)));
    }
    out.push_str("    uses:\n");
    for call in &found.calls {
        match found
            .notes
            .iter()
            .find(|note| note.call == *call && note.unreachable)
        {
            Some(_) => out.push_str(&format!("      # not {call}: no root key can make it\n")),
            None => out.push_str(&format!("      - {}\n", quote(call))),
        }
    }
    out
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn escaped_lines(text: &str) -> String {
    text.lines()
        .map(|line| escaped(line).into_owned() + "\n")
        .collect()
}
