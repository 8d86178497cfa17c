//! `permspec routes [ROUTE]`: the Unkey routes permspec decides for root keys, or one
//! route's checks.

use super::{Exit, Format};
use permspec::eval::routes::{self, Route};
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
                eprintln!("error: {error}");
                return Exit::BadInput;
            }
        },
    };
    match args.format {
        Format::Json => {
            let routes: Vec<_> = selected.iter().map(|route| route_json(route)).collect();
            let unkey =
                json!({"repository": table.repository, "commit": table.commit, "date": table.date});
            println!("{}", json!({"unkey": unkey, "routes": routes}));
        }
        Format::Human if args.route.is_some() => print!("{}", route_text(selected[0])),
        Format::Human => {
            println!(
                "Unkey {} at {} ({})",
                table.repository, table.commit, table.date
            );
            for route in selected {
                let arms = match (&route.check, route.has_urn_arm()) {
                    (None, _) => "legacy only, not modelled",
                    (Some(_), true) => "legacy or URN",
                    (Some(_), false) => "legacy only",
                };
                println!("{:<42} {arms}", route.name);
            }
        }
    }
    Exit::Success
}

fn route_json(route: &Route) -> serde_json::Value {
    let flags: Vec<_> = route
        .flags
        .iter()
        .map(|flag| json!({"name": flag.name, "check": flag.check.grouped(), "before": flag.before, "denied": flag.denied}))
        .collect();
    json!({
        "route": route.name,
        "params": route.params,
        "modelled": route.check.is_some(),
        "urn_arm": route.has_urn_arm(),
        "check": route.check.as_ref().map(|check| check.grouped()),
        "denied": route.denied,
        "options": flags,
    })
}

fn route_text(route: &Route) -> String {
    let Some(check) = &route.check else {
        return format!(
            "{}: legacy only (URN grants do nothing); its check is not modelled\n",
            route.name
        );
    };
    let mut out = format!("{}\n  params: workspaceId", route.name);
    for param in &route.params {
        out.push_str(", ");
        out.push_str(param);
    }
    out.push_str(&format!(
        "\n  check: {}\n  denied: {}\n",
        check.grouped(),
        route.denied
    ));
    for flag in &route.flags {
        let order = if flag.before { "before" } else { "after" };
        out.push_str(&format!(
            "  option {}=true adds, {order} the check: {} (denied: {})\n",
            flag.name,
            flag.check.grouped(),
            flag.denied
        ));
    }
    out
}
