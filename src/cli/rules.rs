//! `permspec rules [RULE]`: list the lint rules, or show one rule's documentation.

use super::Exit;
use crate::lint::{rule, rules};

/// Arguments of `permspec rules`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule code or name, e.g. `W001` or `global-wildcard`.
    rule: Option<String>,
}

pub fn run(args: &Args) -> Exit {
    match &args.rule {
        None => {
            for rule in rules::ALL {
                println!(
                    "{:<5} {:<28} {:<8} {}",
                    rule.code, rule.name, rule.level, rule.summary
                );
            }
            Exit::Success
        }
        Some(selector) => match rule(selector) {
            Some(rule) => {
                print!("{}", rule.documentation());
                Exit::Success
            }
            None => {
                eprintln!("error: {}", crate::lint::config_resolve_error(selector));
                Exit::BadInput
            }
        },
    }
}
