//! `permspec grants-for CALL...`: the smallest root-key grants that let these Unkey route
//! calls through, in URN and legacy form, and what else each set opens.

use super::Exit;
use permspec::input;
use permspec::least_privilege::denial::{self, Diagnosis};
use permspec::least_privilege::{self, Call, Form, GrantsFor, Opening, OtherCall};
use permspec::printable::{escaped, json};
use std::path::{Path, PathBuf};

/// Most bytes read from a file of calls.
const MAX_CALLS_FILE: u64 = 1 << 20;

/// Arguments of `permspec grants-for`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Route calls: `keys.getKey` or `keys.getKey(keyId=key_1, decrypt=true)`; `*` for
    /// every id (`keyId=*`).
    #[arg(value_name = "CALL", required_unless_present = "calls_file")]
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
    let mut defaults = Vec::new();
    for pair in &args.params {
        let Some((name, value)) = pair.split_once('=') else {
            eprintln_escaped!("error: `--param {pair}` is not `name=value`");
            return Exit::BadInput;
        };
        defaults.push((name.to_owned(), value.to_owned()));
    }
    if let Some(workspace) = &args.workspace {
        let id_like = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if workspace.is_empty() || !workspace.chars().all(id_like) {
            eprintln_escaped!(
                "error: `--workspace {workspace}` is no workspace id: ids are made of letters, \
                 digits, `_` and `-` (a root key calls in its own workspace, never `*`)"
            );
            return Exit::BadInput;
        }
        defaults.push(("workspaceId".to_owned(), workspace.clone()));
    }
    let mut texts = args.calls.clone();
    if let Some(path) = &args.calls_file {
        let read = if path.as_os_str() == "-" {
            input::read_stdin(MAX_CALLS_FILE)
        } else {
            input::read_text(path, MAX_CALLS_FILE)
        };
        match read {
            Ok(text) => texts.extend(
                text.lines()
                    .map(|line| line.split('#').next().unwrap_or(line).trim())
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned),
            ),
            Err(error) => {
                eprintln_escaped!("error: {error}");
                return Exit::BadInput;
            }
        }
    }
    if texts.is_empty() {
        eprintln_escaped!("error: no route calls to find grants for");
        return Exit::BadInput;
    }
    let mut calls = Vec::new();
    for text in &texts {
        match Call::parse(text, &defaults) {
            Ok(call) => calls.push(call),
            Err(error) => {
                eprintln_escaped!("error: {error}");
                if matches!(error, least_privilege::CallError::Missing { .. }) {
                    eprintln_escaped!(
                        "  help: `--param name=value` gives a value to every call; \
                         `--workspace ws_...` names the workspace"
                    );
                }
                return Exit::BadInput;
            }
        }
    }
    let pairs: Vec<(&str, &str)> = calls
        .iter()
        .filter_map(|call| {
            Some((
                call.request.value("apiId")?,
                call.request.value("keyAuthId")?,
            ))
        })
        .filter(|(api, keyspace)| *api != "*" && *keyspace != "*")
        .collect();
    if let Some(path) = &args.denial {
        return denial(args, path, &calls, &pairs);
    }
    let found = match least_privilege::grants_for(&calls, &pairs, args.workspace.as_deref()) {
        Ok(found) => found,
        Err(error) => {
            eprintln_escaped!("error: {error}");
            return Exit::BadInput;
        }
    };
    match args.format {
        GrantsFormat::Json => println!("{}", json(&found)),
        GrantsFormat::Yaml => print!("{}", yaml_entry(&args.name, &found)),
        GrantsFormat::Human => print!("{}", text(&found)),
    }
    Exit::Success
}

/// Reads the denial at `path` and says what would have let the one call through.
fn denial(args: &Args, path: &Path, calls: &[Call], pairs: &[(&str, &str)]) -> Exit {
    let [call] = calls else {
        eprintln_escaped!(
            "error: `--denial` explains the answer to one call; {} given",
            calls.len()
        );
        return Exit::BadInput;
    };
    let read = if path.as_os_str() == "-" {
        input::read_stdin(MAX_CALLS_FILE)
    } else {
        input::read_text(path, MAX_CALLS_FILE)
    };
    let diagnosis = read
        .map_err(|error| error.to_string())
        .and_then(|body| denial::read(&body).map_err(|error| error.to_string()))
        .and_then(|answer| {
            denial::diagnose(call, answer, pairs, args.workspace.as_deref())
                .map_err(|error| error.to_string())
        });
    let diagnosis = match diagnosis {
        Ok(diagnosis) => diagnosis,
        Err(error) => {
            eprintln_escaped!("error: {error}");
            return Exit::BadInput;
        }
    };
    match args.format {
        GrantsFormat::Json => println!("{}", json(&diagnosis)),
        GrantsFormat::Human | GrantsFormat::Yaml => print!("{}", diagnosis_text(&diagnosis)),
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
            "  (escalates: it attaches permissions or roles to keys)"
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
    let mut out = String::new();
    for note in &found.notes {
        out.push_str(&format!("{} {}\n", note.call, note.note));
    }
    for opening in &found.sets {
        out.push_str(&set_text(opening));
    }
    if !found.legacy_only.is_empty() {
        out.push_str(&format!(
            "\nlegacy only (the route checks no URN permission): {}\n",
            found.legacy_only.join(", ")
        ));
    }
    escaped_lines(&out)
}

fn set_text(opening: &Opening) -> String {
    let set = &opening.set;
    let mut out = format!(
        "\n{} form: {}\n",
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
        out.push_str(&format!("      - {}\n", quote(call)));
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
