//! `permspec rules [RULES]`: list the lint rules, or show one rule's documentation.

use super::Exit;
use permspec::lint::{Rule, Selector, rules};

/// Arguments of `permspec rules`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule code or name (`W001`, `global-wildcard`) for its documentation, or a code
    /// prefix (`W`) for the rules it selects.
    rule: Option<Selector>,

    /// `markdown`: the whole reference, as committed in `docs/rules.md`.
    #[arg(long, value_enum, default_value_t)]
    format: RulesFormat,
}

/// Output formats of `permspec rules`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    /// A table, or one rule's documentation.
    #[default]
    Text,
    /// The reference of every rule, as Markdown.
    Markdown,
}

pub fn run(args: &Args) -> Exit {
    if args.format == RulesFormat::Markdown {
        out!("{}", permspec::lint::reference_markdown());
        return Exit::Success;
    }
    let selected: Vec<&Rule> = match &args.rule {
        None => rules::ALL.iter().collect(),
        Some(selector) => selector.rules().collect(),
    };
    match selected.as_slice() {
        [rule] if args.rule.is_some() => out!("{}", rule.documentation()),
        _ => {
            for rule in selected {
                outln!(
                    "{:<5} {:<28} {:<8} {}",
                    rule.code,
                    rule.name,
                    rule.level,
                    rule.doc.summary
                );
            }
        }
    }
    Exit::Success
}
