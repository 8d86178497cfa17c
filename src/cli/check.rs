//! `permspec check`: decide one query against grants, or against a key of a policy file,
//! and explain the decision.

use super::error::CliError;
use super::output;
use super::{Exit, Format};
use permspec::eval::routes::{self, Request};
use permspec::eval::urn::{self, UrnPermission};
use permspec::eval::{Access, Decision, Semantics};
use permspec::lint::{Config, RuleId, lint_query, syntax_diagnostic, whole};
use permspec::policy::{
    KeyDecision, KeyKind, Loader, Resolved, RootDecision, Source, completed_params, contradiction,
    root_key_stopped,
};
use permspec::printable::{escaped, escaped_but, json};
use permspec::query::{self, Query, unkey_limits};
use permspec::report::{
    decision_json, decision_text, gate_json, gate_text, route_json, route_text,
};
use permspec::suggest::did_you_mean;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Arguments of `permspec check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The permission query, e.g. "admin OR (documents.read AND documents.write)".
    #[arg(required_unless_present_any = ["urn", "route", "batch"])]
    query: Option<String>,

    /// Instead of a query: a root key's required URN permission, e.g.
    /// `unkey:v1:ws_1:keyspaces/ks_1/keys/key_1#read_key`, decided against the grants as
    /// Unkey decides a URN leaf.
    #[arg(long, value_name = "PERMISSION", conflicts_with_all = ["query", "forbidden", "semantics"])]
    urn: Option<String>,

    /// Instead of a query: an Unkey API route, e.g. `keys.getKey`, decided for a root key
    /// with the grants as Unkey's handler decides it (`permspec routes` lists them).
    #[arg(long, value_name = "ROUTE", conflicts_with_all = ["query", "urn", "forbidden", "semantics"])]
    route: Option<String>,

    /// A request value of `--route` as `name=value` in Unkey's field names (`workspaceId`,
    /// `apiId`, `keyAuthId`, `keyId`, ...) or an option such as `decrypt=true` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", requires = "route")]
    params: Vec<String>,

    /// Many checks: JSON lines from FILE (`-` for standard input), each with `grants` and one
    /// of `query` (and `semantics`), `urn`, `root_query` or `route` (and `params`); one JSON
    /// line out per line in.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["query", "urn", "route", "grants", "forbidden", "key", "semantics", "format"])]
    batch: Option<PathBuf>,

    /// A permission the key holds (repeat, or separate with commas).
    #[arg(
        long = "grant",
        value_name = "PERMISSION",
        value_delimiter = ',',
        conflicts_with = "key"
    )]
    grants: Vec<String>,

    /// A permission no key may use: a query that needs it is FORBIDDEN (repeatable).
    #[arg(
        long = "forbid",
        value_name = "PATTERN",
        value_delimiter = ',',
        conflicts_with = "key"
    )]
    forbidden: Vec<String>,

    /// A policy file whose key to check (with `--key`).
    #[arg(long, value_name = "FILE", requires = "key")]
    role_file: Option<PathBuf>,

    /// The key of `--role-file` to check: its roles, grants, state and the policy's forbid
    /// rules; with `--route` or `--urn`, a root key, with the file's workspace and APIs.
    #[arg(long, value_name = "KEY", requires = "role_file")]
    key: Option<String>,

    /// What `*` in a grant means (default: the policy's mode, else wildcard).
    #[arg(long, value_enum)]
    semantics: Option<Semantics>,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &Args) -> Exit {
    if let Some(path) = &args.batch {
        return super::batch::run(path);
    }
    let config = match super::configuration(&[]) {
        Ok(config) => config,
        Err(exit) => return exit,
    };
    if args.route.is_some() || args.urn.is_some() {
        let root = match (&args.role_file, &args.key) {
            (Some(file), Some(key)) => match root_key(file, key) {
                Some(root) => Some(root),
                None => return Exit::BadInput,
            },
            _ => None,
        };
        return check_root(args, root.as_ref());
    }
    let Some(query_text) = &args.query else {
        unreachable!("clap asks for a query, a URN or a route");
    };
    let source = Source::new(Path::new("query"), query_text.clone());
    let text = whole(&source);
    let parsed = match query::parse(query_text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let diagnostic = syntax_diagnostic(&source, &text, &error);
            output::report(&diagnostic);
            return Exit::BadInput;
        }
    };
    if !report_query_findings(&source, &parsed, &config) {
        return Exit::BadInput;
    }
    let (allowed, text, json_value) = match (&args.role_file, &args.key) {
        (Some(file), Some(key)) => match decide_for_key(args, &parsed, file, key) {
            Some((decision, semantics, resolved)) => (
                decision.allowed(),
                gate_text(&decision, key, &resolved),
                gate_json(&decision, semantics),
            ),
            None => return Exit::BadInput,
        },
        _ => {
            let semantics = args.semantics.unwrap_or_default();
            let decision = Decision::new(&parsed, semantics, |matching| {
                Access::new(&args.grants, &args.forbidden, matching)
            });
            (
                decision.allowed(),
                decision_text(&decision),
                decision_json(&decision),
            )
        }
    };
    match args.format {
        Format::Human => out!("{}", escaped_but(&text, &['\n'])),
        Format::Json => outln!("{}", json(&json_value)),
    }
    if allowed {
        Exit::Success
    } else {
        Exit::Failure
    }
}

/// Prints the lint findings of the query in `source`; false when the query is over Unkey's
/// limits, which Unkey's API refuses: there is no decision to report, whether or not the
/// configuration reports N005.
fn report_query_findings(source: &Source, parsed: &query::Query, config: &Config) -> bool {
    let query_text = source.text();
    let findings = lint_query(source, &whole(source), parsed, config);
    for finding in &findings {
        output::report(&finding.diagnostic());
    }
    let violations = unkey_limits(query_text, parsed);
    if violations.is_empty() {
        return true;
    }
    if !findings
        .iter()
        .any(|finding| finding.rule.id == RuleId::N005)
    {
        for violation in violations {
            output::error(&output::renderer().render_in(violation, "query", query_text));
        }
    }
    false
}

/// A root key of a policy file, with the file's policy (its workspace and APIs complete a
/// route's request) and clock.
struct RootKey {
    policy: Arc<permspec::policy::Policy>,
    name: String,
    now: jiff::Timestamp,
}

/// Loads `file` and finds its root key `key`; says why not on standard error.
fn root_key(file: &Path, key: &str) -> Option<RootKey> {
    let loaded = match Loader::default().load(file) {
        Ok(loaded) => loaded,
        Err(error) => {
            output::report(&error);
            return None;
        }
    };
    let policy = Arc::clone(&loaded.policy);
    match policy.key(key) {
        Some(declared) if declared.kind == KeyKind::Root => Some(RootKey {
            name: key.to_owned(),
            now: loaded.now.unwrap_or_else(jiff::Timestamp::now),
            policy,
        }),
        Some(_) => {
            let message = format!(
                "`{key}` is an API key: routes and URN permissions are checked for root keys \
                 (`root_keys:`)"
            );
            CliError::usage(message).report();
            None
        }
        None => {
            let names = policy.keys.iter().filter(|k| k.kind == KeyKind::Root);
            let names = names.map(|key| key.name.value.as_str());
            let message = format!("`{}` declares no root key `{key}`", loaded.source.name());
            (CliError::usage(message))
                .with_help(key_hint(key, "root keys", names))
                .report();
            None
        }
    }
}

/// Decides `--route` or `--urn` for `--grant`s, or for a root key of a policy file: a
/// disabled or expired key is stopped before any check, as Unkey stops it.
fn check_root(args: &Args, root: Option<&RootKey>) -> Exit {
    let Some(root) = root else {
        return match &args.route {
            Some(route) => check_route(route, &args.params, &args.grants, args.format),
            None => check_urn(
                args.urn.as_deref().unwrap_or_default(),
                &args.grants,
                args.format,
            ),
        };
    };
    let key = root.policy.key(&root.name).expect("the key was found");
    // A route that checks no root key answers before the key is looked at.
    let checked = (args.route.as_deref()).is_none_or(|name| {
        routes::table()
            .get(name)
            .is_ok_and(|route| route.is_checked())
    });
    if checked && let Some(stopped) = root_key_stopped(&root.policy, key, root.now) {
        return gated(&stopped, args);
    }
    let grants: Vec<String> = key.grant_texts().into_iter().map(str::to_owned).collect();
    match &args.route {
        Some(route) => {
            let given = args.params.iter().filter_map(|pair| pair.split_once('='));
            let given = given.map(|(name, value)| (name.to_owned(), value.to_owned()));
            let completed = completed_params(&root.policy, given.collect());
            if let Some(why) = contradiction(&root.policy, &completed) {
                return CliError::usage(why).report();
            }
            let mut params: Vec<String> = completed
                .into_iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            // A malformed `--param` is reported as such, not dropped.
            params.extend(
                args.params
                    .iter()
                    .filter(|pair| !pair.contains('='))
                    .cloned(),
            );
            check_route(route, &params, &grants, args.format)
        }
        None => check_urn(
            args.urn.as_deref().unwrap_or_default(),
            &grants,
            args.format,
        ),
    }
}

/// The answer to a root key stopped by its state before any check.
fn gated(outcome: &RootDecision, args: &Args) -> Exit {
    let message = outcome.message.as_deref().unwrap_or_default();
    match (args.format, &args.route) {
        // The answer has every field a decided one has, as docs/cli.md gives them.
        (Format::Json, Some(route)) => {
            let decision = routes::RouteDecision {
                allowed: false,
                status: outcome.status,
                stage: None,
                code: None,
                message: Some(message.to_owned()),
                arm: None,
            };
            outln!("{}", json(&route_json(route, &decision)));
        }
        (Format::Json, None) => {
            let required = args.urn.as_deref().unwrap_or_default();
            outln!(
                "{}",
                json(&serde_json::json!({"allowed": false,
                                   "valid": UrnPermission::parse(required).is_ok(),
                                   "error": null, "grant": null, "status": outcome.status,
                                   "message": message}))
            );
        }
        (Format::Human, _) => outln!("deny ({}): {}", outcome.status, escaped(message)),
    }
    Exit::Failure
}

/// Decides a required URN permission against `grants`, as Unkey decides a URN leaf: the
/// grant that covers it, whether it parses, and the grants Unkey would ignore.
fn check_urn(required: &str, grants: &[String], format: Format) -> Exit {
    let grant = urn::covered(required, grants);
    let parsed = UrnPermission::parse(required);
    match format {
        Format::Json => outln!(
            "{}",
            json(&serde_json::json!({
                "allowed": grant.is_some(),
                "valid": parsed.is_ok(),
                "error": parsed.as_ref().err().map(ToString::to_string),
                "grant": grant,
            }))
        ),
        Format::Human => {
            let required = escaped(required);
            match grant {
                Some(grant) => outln!("allow: `{}` covers `{required}`", escaped(grant)),
                None => outln!("deny: no grant covers `{required}`"),
            }
            if let Err(error) = &parsed {
                let error = escaped(&error.to_string()).into_owned();
                outln!(
                    "  `{required}` is not a valid URN permission ({error}): only an identical grant matches it"
                );
            }
            for grant in grants.iter().filter(|grant| grant.starts_with("unkey:")) {
                if let Err(error) = UrnPermission::parse(grant) {
                    let note = format!("Unkey ignores the grant `{grant}`: {error}");
                    outln!("  note: {}", escaped(&note));
                }
            }
        }
    }
    if grant.is_some() {
        Exit::Success
    } else {
        Exit::Failure
    }
}

/// Decides a request to an Unkey route for a root key holding `grants`, and shows each
/// leaf of the route's checks with the grant that satisfies it or the near miss.
fn check_route(name: &str, params: &[String], grants: &[String], format: Format) -> Exit {
    if let Some(bare) = params.iter().find(|pair| !pair.contains('=')) {
        return CliError::usage(format!(
            "`--param {bare}`: give NAME=VALUE, e.g. `--param keyId=key_123`"
        ))
        .report();
    }
    // Every missing param at once, when the given ones are the route's (an unknown one gets
    // its did-you-mean from the request).
    if let Ok(route) = routes::table().get(name) {
        let given: Vec<&str> = (params.iter())
            .filter_map(|pair| pair.split_once('=').map(|(name, _)| name))
            .collect();
        let known = |param: &&str| {
            *param == "workspaceId"
                || route.params.iter().any(|known| known == param)
                || route.option(param).is_some()
        };
        let missing: Vec<String> = (route.params.iter())
            .filter(|param| !given.contains(&param.as_str()))
            .map(|param| format!("`{param}`"))
            .collect();
        if given.iter().all(known) && missing.len() > 1 {
            return CliError::usage(format!("`{name}` needs {}", missing.join(", ")))
                .with_help("give each with `--param NAME=VALUE` (`--role-file` and `--key` fill in the workspace and the APIs' keyspaces)")
                .report();
        }
    }
    let answer = (|| {
        let route = routes::table().get(name)?;
        let pairs = params.iter().filter_map(|pair| pair.split_once('='));
        let request = Request::build(route, pairs)?;
        Ok::<_, routes::RouteError>((
            route.decide(&request, grants)?,
            route.explain(&request, grants)?,
        ))
    })();
    let (decision, leaves) = match answer {
        Ok(answer) => answer,
        Err(error) => {
            return CliError::usage(error.to_string()).report();
        }
    };
    match format {
        Format::Json => outln!("{}", json(&route_json(name, &decision))),
        Format::Human => {
            let text = route_text(name, &decision, &leaves);
            out!("{}", escaped_but(&text, &['\n']));
            let urn_grant = grants.iter().any(|grant| grant.starts_with("unkey:"));
            if urn_grant
                && !routes::table()
                    .get(name)
                    .is_ok_and(|route| route.has_urn_arm())
            {
                outln!(
                    "  note: `{name}` has no URN arm: URN grants, even `**#*`, do nothing there"
                );
            }
        }
    }
    if decision.allowed {
        Exit::Success
    } else {
        Exit::Failure
    }
}

fn decide_for_key(
    args: &Args,
    parsed: &Query,
    file: &std::path::Path,
    key: &str,
) -> Option<(KeyDecision, Semantics, Resolved)> {
    let loaded = match Loader::default().load(file) {
        Ok(loaded) => loaded,
        Err(error) => {
            output::report(&error);
            return None;
        }
    };
    let resolved = Resolved::new(Arc::clone(&loaded.policy));
    if resolved.key_index(key).is_none() {
        let names = loaded.policy.keys.iter().map(|key| key.name.value.as_str());
        let message = format!("`{}` declares no key `{key}`", loaded.source.name());
        (CliError::usage(message))
            .with_help(key_hint(key, "keys", names))
            .report();
        return None;
    }
    let semantics = args.semantics.unwrap_or(loaded.semantics);
    let now = loaded.now.unwrap_or_else(jiff::Timestamp::now);
    let decision = resolved.decide(key, parsed, semantics, now);
    Some((decision, semantics, resolved))
}

/// What to say of a key name the file does not declare: the name it is likely a typo of,
/// else the names it declares (the first few).
fn key_hint<'a>(key: &str, kind: &str, names: impl Iterator<Item = &'a str> + Clone) -> String {
    const SHOWN: usize = 8;
    if let Some(hint) = did_you_mean(key, names.clone()) {
        return hint;
    }
    let all: Vec<&str> = names.collect();
    if all.is_empty() {
        return format!("it declares no {kind}");
    }
    let shown: Vec<String> = all
        .iter()
        .take(SHOWN)
        .map(|name| format!("`{name}`"))
        .collect();
    let more = match all.len().saturating_sub(SHOWN) {
        0 => String::new(),
        rest => format!(" and {rest} more"),
    };
    format!("it declares the {kind} {}{more}", shown.join(", "))
}
