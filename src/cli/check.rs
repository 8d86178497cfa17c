//! `permspec check`: decide one query against grants, or against a key of a policy file,
//! and explain the decision.

use super::{Context, Exit, Format};
use permspec::eval::routes::{self, Request};
use permspec::eval::urn::{self, UrnPermission};
use permspec::eval::{Access, Decision, Semantics};
use permspec::lint::{RuleId, lint_query, syntax_diagnostic, whole};
use permspec::policy::{KeyDecision, Loader, Resolved, Source};
use permspec::printable::{escaped, escaped_but};
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
    #[arg(long, value_name = "PERMISSION", conflicts_with_all = ["query", "forbidden", "key", "semantics"])]
    urn: Option<String>,

    /// Instead of a query: an Unkey API route, e.g. `keys.getKey`, decided for a root key
    /// with the grants as Unkey's handler decides it (`permspec routes` lists them).
    #[arg(long, value_name = "ROUTE", conflicts_with_all = ["query", "urn", "forbidden", "key", "semantics"])]
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

    /// The key of `--role-file` to check: its roles, grants, state and the policy's forbid rules.
    #[arg(long, value_name = "KEY", requires = "role_file")]
    key: Option<String>,

    /// What `*` in a grant means (default: the policy's mode, else wildcard).
    #[arg(long, value_enum)]
    semantics: Option<Semantics>,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &Args, context: &Context) -> Exit {
    if let Some(path) = &args.batch {
        return super::batch::run(path);
    }
    let config = match super::configuration(None, &[]) {
        Ok(config) => config,
        Err(exit) => return exit,
    };
    if let Some(route) = &args.route {
        return check_route(route, &args.params, &args.grants, args.format);
    }
    let Some(query_text) = &args.query else {
        let required = args.urn.as_deref().unwrap_or_default();
        return check_urn(required, &args.grants, args.format);
    };
    let source = Source::new(Path::new("query"), query_text.clone());
    let text = whole(&source);
    let parsed = match query::parse(query_text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let diagnostic = syntax_diagnostic(&source, &text, &error);
            eprint!("{}", context.renderer.render(&diagnostic));
            return Exit::BadInput;
        }
    };
    let findings = lint_query(&source, &text, &parsed, &config);
    for finding in &findings {
        eprint!("{}", context.renderer.render(&finding.diagnostic()));
    }
    // Unkey's API refuses a query over its limits: there is no decision to report, whether
    // or not the configuration reports N005.
    let violations = unkey_limits(query_text, &parsed);
    if !violations.is_empty() {
        if !findings
            .iter()
            .any(|finding| finding.rule.id == RuleId::N005)
        {
            for violation in violations {
                eprint!(
                    "{}",
                    context.renderer.render_in(violation, "query", query_text)
                );
            }
        }
        return Exit::BadInput;
    }
    let (allowed, text, json) = match (&args.role_file, &args.key) {
        (Some(file), Some(key)) => match decide_for_key(args, &parsed, file, key, context) {
            Some((decision, semantics)) => (
                decision.allowed(),
                gate_text(&decision, key),
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
        Format::Human => print!("{}", escaped_but(&text, &['\n'])),
        Format::Json => println!("{json}"),
    }
    if allowed {
        Exit::Success
    } else {
        Exit::Failure
    }
}

/// Decides a required URN permission against `grants`, as Unkey decides a URN leaf: the
/// grant that covers it, whether it parses, and the grants Unkey would ignore.
fn check_urn(required: &str, grants: &[String], format: Format) -> Exit {
    let grant = urn::covered(required, grants);
    let parsed = UrnPermission::parse(required);
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "allowed": grant.is_some(),
                "valid": parsed.is_ok(),
                "error": parsed.as_ref().err().map(ToString::to_string),
                "grant": grant,
            })
        ),
        Format::Human => {
            let required = escaped(required);
            match grant {
                Some(grant) => println!("allow: `{}` covers `{required}`", escaped(grant)),
                None => println!("deny: no grant covers `{required}`"),
            }
            if let Err(error) = &parsed {
                let error = escaped(&error.to_string()).into_owned();
                println!(
                    "  `{required}` is not a valid URN permission ({error}): only an identical grant matches it"
                );
            }
            for grant in grants.iter().filter(|grant| grant.starts_with("unkey:")) {
                if let Err(error) = UrnPermission::parse(grant) {
                    let note = format!("Unkey ignores the grant `{grant}`: {error}");
                    println!("  note: {}", escaped(&note));
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
        eprintln!("error: `--param {bare}`: give NAME=VALUE, e.g. `--param keyId=key_123`");
        return Exit::BadInput;
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
            eprintln!("error: {error}");
            return Exit::BadInput;
        }
    };
    match format {
        Format::Json => println!("{}", route_json(name, &decision)),
        Format::Human => {
            let text = route_text(name, &decision, &leaves);
            print!("{}", escaped_but(&text, &['\n']));
            let urn_grant = grants.iter().any(|grant| grant.starts_with("unkey:"));
            if urn_grant
                && !routes::table()
                    .get(name)
                    .is_ok_and(|route| route.has_urn_arm())
            {
                println!(
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
    context: &Context,
) -> Option<(KeyDecision, Semantics)> {
    let loaded = match Loader::default().load(file) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprint!("{}", context.renderer.render(&error));
            return None;
        }
    };
    let resolved = Resolved::new(Arc::clone(&loaded.policy));
    if resolved.key_index(key).is_none() {
        let names = loaded.policy.keys.iter().map(|key| key.name.value.as_str());
        eprintln!("error: `{}` declares no key `{key}`", loaded.source.name());
        if let Some(hint) = did_you_mean(key, names) {
            eprintln!("  help: {hint}");
        }
        return None;
    }
    let semantics = args.semantics.unwrap_or(loaded.semantics);
    let now = loaded.now.unwrap_or_else(jiff::Timestamp::now);
    Some((resolved.decide(key, parsed, semantics, now), semantics))
}
