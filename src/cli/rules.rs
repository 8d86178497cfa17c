//! `permspec rules [RULES]`: list the lint rules, or show one rule's documentation.

use super::Exit;
use crate::lint::{Rule, Selector, rules};

/// Arguments of `permspec rules`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule code or name (`W001`, `global-wildcard`) for its documentation, or a code
    /// prefix (`W`) for the rules it selects.
    rule: Option<Selector>,
}

pub fn run(args: &Args) -> Exit {
    let selected: Vec<&Rule> = match &args.rule {
        None => rules::ALL.to_vec(),
        Some(selector) => selector.rules().collect(),
    };
    match selected.as_slice() {
        [rule] if args.rule.is_some() => print!("{}", rule.documentation()),
        _ => {
            for rule in selected {
                println!(
                    "{:<5} {:<28} {:<8} {}",
                    rule.code, rule.name, rule.level, rule.summary
                );
            }
        }
    }
    Exit::Success
}
