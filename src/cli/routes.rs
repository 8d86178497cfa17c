//! `permspec routes [ROUTE]`: every Unkey route and what it checks of a root key, or one
//! route's stages and options.

use super::error::CliError;
use super::{Exit, Format};
use permspec::eval::routes::{self, Arm, Authorization, Check, Denial, Route};
use permspec::printable;
use serde_json::json;

/// Arguments of `permspec routes`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A route (`keys.getKey`) for its checks and options.
    route: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &Args) -> Exit {
    let table = routes::table();
    let selected: Vec<&Route> = match &args.route {
        None => table.routes().collect(),
        Some(name) => match table.get(name) {
            Ok(route) => vec![route],
            Err(error) => {
                return CliError::usage(error.to_string()).report();
            }
        },
    };
    match args.format {
        Format::Json => {
            let routes: Vec<_> = selected.iter().map(|route| route_json(route)).collect();
            let unkey =
                json!({"repository": table.repository, "commit": table.commit, "date": table.date});
            outln!(
                "{}",
                printable::json(&json!({"unkey": unkey, "routes": routes}))
            );
        }
        Format::Human if args.route.is_some() => out!("{}", route_text(selected[0])),
        Format::Human => {
            outln!(
                "Unkey {} at {} ({})",
                table.repository,
                table.commit,
                table.date
            );
            for route in selected {
                outln!("{:<42} {}", route.name, kind(route));
            }
        }
    }
    Exit::Success
}

/// What a route checks, in a few words, for the list of routes.
fn kind(route: &Route) -> String {
    match &route.authorization {
        Authorization::Unchecked { status: 200 } => "no root-key check: 200 for anyone".to_owned(),
        Authorization::Unchecked { status } => {
            format!("portal session only: {status} for a root key")
        }
        Authorization::Checked {
            check: Check::GrantShaped { .. },
            ..
        } => "legacy only, a grant shape".to_owned(),
        Authorization::Checked { check, .. } if check.leaves().any(|(arm, _)| arm == Arm::Urn) => {
            "legacy or URN".to_owned()
        }
        Authorization::Checked { .. } => {
            let with_urn: Vec<&str> = (route.named_checks())
                .filter(|(_, check)| check.leaves().any(|(arm, _)| arm == Arm::Urn))
                .filter_map(|(option, _)| option)
                .collect();
            match with_urn.as_slice() {
                [] => "legacy only".to_owned(),
                options => format!(
                    "legacy only, but for the URN arm of the option {}",
                    options.join(", ")
                ),
            }
        }
    }
}

/// A denial in words: `403`, or keys.verifyKey's `200 {valid: false, code: NOT_FOUND}`.
fn denial(denied: Denial) -> String {
    match denied.code() {
        Some(code) => format!("{} {{valid: false, code: {code}}}", denied.status()),
        None => denied.status().to_string(),
    }
}

/// The params a request names: `workspaceId` (the root key's own), then the route's.
fn params(route: &Route) -> Vec<&str> {
    let own = route.is_checked().then_some("workspaceId");
    own.into_iter()
        .chain(route.params.iter().map(String::as_str))
        .collect()
}

fn route_json(route: &Route) -> serde_json::Value {
    let options: Vec<_> = route
        .options
        .iter()
        .map(|option| {
            let adds = option.adds.as_ref().map(|stage| {
                json!({"stage": stage.stage, "check": stage.check.grouped(),
                       "before": stage.before, "denied": stage.denied.status(),
                       "denied_code": stage.denied.code()})
            });
            let changes: Vec<_> = (option.changes.iter())
                .map(|(stage, check)| json!({"stage": stage, "check": check.grouped()}))
                .collect();
            json!({"name": option.name, "adds": adds, "changes": changes, "implies": option.implies})
        })
        .collect();
    let (check, kind, denied, code, answers) = match &route.authorization {
        Authorization::Checked { check, denied } => {
            let kind = match check {
                Check::Tree(_) => "tree",
                Check::GrantShaped { .. } => "grant_shape",
            };
            (
                Some(check.grouped()),
                Some(kind),
                Some(denied.status()),
                denied.code(),
                None,
            )
        }
        Authorization::Unchecked { status } => (None, None, None, None, Some(*status)),
    };
    json!({
        "route": route.name,
        "params": params(route),
        "checked": route.is_checked(),
        "answers": answers,
        "urn_arm": route.has_urn_arm(),
        "check": check,
        "check_kind": kind,
        "denied": denied,
        "denied_code": code,
        "options": options,
        "at_least_one_option": route.at_least_one_option,
        "empty_without": route.empty_without,
    })
}

fn route_text(route: &Route) -> String {
    let (check, denied) = match &route.authorization {
        Authorization::Unchecked { status } => {
            return format!("{}: {}\n  answers {status}\n", route.name, kind(route));
        }
        Authorization::Checked { check, denied } => (check, denied),
    };
    let mut out = format!("{}\n  params: {}", route.name, params(route).join(", "));
    out.push_str(&format!(
        "\n  check: {}\n  denied: {}\n",
        check.grouped(),
        denial(*denied)
    ));
    if let Check::GrantShaped { first, last } = check {
        out.push_str(&format!(
            "  (no tree: any grant that splits on `.` into exactly `{first}`, one segment \
             without a dot, `{last}` lets the request through)\n"
        ));
    }
    if let Some(param) = &route.empty_without {
        out.push_str(&format!(
            "  without `{param}`: an empty page, 200, and no check runs\n"
        ));
    }
    for option in &route.options {
        if let Some(stage) = &option.adds {
            let order = if stage.before { "before" } else { "after" };
            out.push_str(&format!(
                "  option {}=true adds the stage `{}`, {order} the main check: {} (denied: {})\n",
                option.name,
                stage.stage,
                stage.check.grouped(),
                denial(stage.denied)
            ));
        }
        for (stage, check) in &option.changes {
            out.push_str(&format!(
                "  option {}=true makes the stage `{stage}`: {}\n",
                option.name,
                check.grouped()
            ));
        }
        if !option.implies.is_empty() {
            out.push_str(&format!(
                "  option {}=true sets {} too\n",
                option.name,
                option.implies.join(", ")
            ));
        }
    }
    if !route.at_least_one_option.is_empty() {
        out.push_str(&format!(
            "  a request sets at least one of {} (else 400)\n",
            route.at_least_one_option.join(", ")
        ));
    }
    out
}
