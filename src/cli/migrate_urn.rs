//! `permspec migrate-urn FILE`: URN grants for each root key that open the same route calls
//! as its legacy tuples, proven with the route probes; `--write` puts them in the file.

use super::error::CliError;
use super::output;
use super::{Exit, Format};
use permspec::atomic_write::replace_file;
use permspec::eval::urn::is_urn;
use permspec::least_privilege::migrate::{Migration, migrate};
use permspec::lint::Fix;
use permspec::policy::{Key, KeyKind, Loader};
use permspec::printable::{escaped, json};
use serde_json::json;
use std::path::PathBuf;

/// Arguments of `permspec migrate-urn`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file whose root keys to migrate.
    file: PathBuf,

    /// Only these root keys (repeatable; default: every root key holding a legacy tuple).
    #[arg(long = "key", value_name = "NAME")]
    keys: Vec<String>,

    /// Replace the grants of each key in the file (only when every proposal is proven to
    /// open nothing new; through a temporary file renamed over it).
    #[arg(long)]
    write: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: &Args) -> Exit {
    let loaded = match Loader::default().load(&args.file) {
        Ok(loaded) => loaded,
        Err(error) => {
            output::report(&error);
            return Exit::BadInput;
        }
    };
    let policy = &loaded.policy;
    for name in &args.keys {
        if !policy
            .keys
            .iter()
            .any(|key| key.kind == KeyKind::Root && key.name.value == *name)
        {
            return CliError::usage(format!(
                "`{}` declares no root key `{name}`",
                args.file.display()
            ))
            .report();
        }
    }
    let chosen: Vec<&Key> = (policy.keys.iter())
        .filter(|key| key.kind == KeyKind::Root)
        .filter(|key| args.keys.is_empty() || args.keys.contains(&key.name.value))
        .filter(|key| !args.keys.is_empty() || key.permissions.iter().any(|g| !is_urn(&g.value)))
        .collect();
    let mut migrations = Vec::new();
    for key in &chosen {
        match migrate(policy, key) {
            Ok(migration) => migrations.push(migration),
            Err(error) => {
                return CliError::usage(format!("{}: {error}", args.file.display())).report();
            }
        }
    }
    let proven = migrations.iter().all(Migration::proven);
    let written = if args.write && proven {
        match write(args, loaded.source.text(), &chosen, &migrations) {
            Ok(written) => written,
            Err(exit) => return exit,
        }
    } else {
        0
    };
    match args.format {
        Format::Json => outln!(
            "{}",
            json(
                &json!({"file": args.file.display().to_string(), "proven": proven,
                         "written": written, "keys": migrations})
            )
        ),
        Format::Human => out!("{}", text(&migrations, proven, written, args.write)),
    }
    if proven { Exit::Success } else { Exit::Failure }
}

/// Replaces the grants of each changed key in the file; the number of keys written.
fn write(args: &Args, text: &str, keys: &[&Key], migrations: &[Migration]) -> Result<usize, Exit> {
    let mut fixes = Vec::new();
    for (key, migration) in keys.iter().zip(migrations).filter(|(_, m)| m.changes()) {
        let after: Vec<&str> = (migration.after.iter())
            .map(|grant| grant.grant.as_str())
            .collect();
        let fix = match (key.permissions.first(), key.permissions.last()) {
            (Some(first), Some(last)) => Fix::replace_sequence(
                text,
                first.span,
                last.span,
                &after,
                format!("migrate `{}`", key.name.value),
            ),
            _ => None,
        };
        let Some(fix) = fix else {
            return Err(CliError::usage(format!(
                "cannot rewrite the grants of `{}` in place (an anchor, an alias, or a \
                 layout permspec does not edit): nothing written",
                key.name.value
            ))
            .report());
        };
        fixes.push(fix);
    }
    if fixes.is_empty() {
        return Ok(0);
    }
    let (new_text, applied) = permspec::lint::apply(text, &fixes.iter().collect::<Vec<_>>());
    // The new file must load, with each key holding exactly the proposal.
    let reloaded = Loader::default().load_text(&args.file, new_text.clone());
    let faithful = reloaded.as_ref().is_ok_and(|file| {
        keys.iter().zip(migrations).all(|(key, migration)| {
            let after: Vec<&str> = (migration.after.iter())
                .map(|grant| grant.grant.as_str())
                .collect();
            file.policy
                .key(&key.name.value)
                .is_some_and(|written| written.grant_texts() == after || !migration.changes())
        })
    });
    if !faithful || applied.iter().any(|done| !done) {
        return Err(CliError::usage(format!(
            "the rewritten `{}` would not hold the proposed grants: nothing written",
            args.file.display()
        ))
        .report());
    }
    if let Err(error) = replace_file(&args.file, text.as_bytes(), new_text.as_bytes()) {
        return Err(
            CliError::io(format!("cannot write `{}`: {error}", args.file.display())).report(),
        );
    }
    Ok(fixes.len())
}

fn text(migrations: &[Migration], proven: bool, written: usize, write: bool) -> String {
    let mut out = String::new();
    if migrations.is_empty() {
        out.push_str("no root key holds a legacy tuple: nothing to migrate\n");
    }
    for migration in migrations {
        out.push_str(&migration_text(migration));
    }
    match (proven, write) {
        (true, true) => out.push_str(&format!("wrote the grants of {written} keys\n")),
        (true, false) if !migrations.is_empty() => {
            out.push_str("proven for every key; `--write` puts the proposals in the file\n")
        }
        (false, _) => out.push_str("not proven for every key: nothing written\n"),
        _ => {}
    }
    out.lines()
        .map(|line| escaped(line).into_owned() + "\n")
        .collect()
}

/// `words` with `{}` replaced by `items`, appended to `out` when there are items.
fn listed(out: &mut String, items: &[String], words: &str) {
    if !items.is_empty() {
        out.push_str(&words.replace("{}", &escaped(&items.join(", "))));
    }
}

/// One key's proposal: the grants before and after, what stays legacy and why, and the
/// proof.
fn migration_text(migration: &Migration) -> String {
    // The key's name and its grants are the policy's text: escaped before the lines are.
    let mut out = format!(
        "root key `{}`\n  before: {}\n",
        escaped(&migration.key),
        escaped(&migration.before.join(", "))
    );
    listed(
        &mut out,
        &migration.not_compared,
        "  not proven: too many ids to compare on {} (name fewer APIs or keyspaces)\n",
    );
    if migration.after.is_empty() {
        if migration.not_compared.is_empty() {
            out.push_str("  opens no route call: left as it is\n");
        }
        return out;
    }
    out.push_str("  after:\n");
    for grant in &migration.after {
        let kept = if is_urn(&grant.grant) {
            ""
        } else {
            "  (legacy tuple kept)"
        };
        out.push_str(&format!("    {}{kept}\n", grant.grant));
        for serves in &grant.serves {
            out.push_str(&format!("        for {serves}\n"));
        }
    }
    listed(
        &mut out,
        &migration.legacy_only,
        "  calls with no URN equivalent (Unkey checks legacy tuples only): {}\n",
    );
    listed(
        &mut out,
        &migration.widening_urn,
        "  calls kept legacy because their URN grant would open more: {}\n",
    );
    listed(
        &mut out,
        &migration.dropped,
        "  dropped (they open no route call): {}\n",
    );
    listed(
        &mut out,
        &migration.undeclared_apis,
        "  hint: declare the keyspace of {} under `apis:`: URN grants name keyspaces, and \
         without it they could only name every keyspace\n",
    );
    listed(
        &mut out,
        &migration.lost,
        "  narrower: no longer opens {}\n",
    );
    if migration.gained.is_empty() {
        out.push_str("  proven: opens no call the old grants did not\n");
    } else {
        listed(
            &mut out,
            &migration.gained,
            "  WIDER: also opens {} (declare each API's keyspace under `apis:` so URN grants \
             can name it)\n",
        );
    }
    out
}
