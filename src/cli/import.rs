//! `permspec import unkey`: write a policy file from Unkey's API, live or from saved
//! responses.

use super::error::CliError;
use super::output;
use super::{Exit, Format};
use permspec::import::live::{Caps, Client, DEFAULT_BASE_URL, Progress, Retry};
use permspec::import::{
    Imported, Responses, Workspace, from_responses, policy, without_key_material,
};
use permspec::policy::{Limits, Source};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Arguments of `permspec import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    from: From,
}

#[derive(Debug, clap::Subcommand)]
enum From {
    /// From Unkey's v2 API: live with `--api` (the root key in `UNKEY_ROOT_KEY`), or from
    /// response bodies saved with e.g. `curl` (`--keys`, `--roles`, `--permissions`).
    ///
    /// A saved file holds one response, several concatenated, or the bare `data`; pass every
    /// page. Key material (`plaintext` and the like) is never written.
    Unkey(UnkeyArgs),
}

#[derive(Debug, clap::Args)]
struct UnkeyArgs {
    #[command(flatten)]
    source: SourceArgs,

    /// Write the policy here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    /// `json` prints a summary (counts and warnings) on standard output; it needs `-o`.
    #[arg(long, value_enum, default_value_t, requires = "output")]
    format: Format,
}

/// Where a workspace's state is read: live from Unkey's API, or from saved responses.
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// Read the keys of this API live (repeatable); the root key comes from `UNKEY_ROOT_KEY`.
    #[arg(long = "api", value_name = "API_ID", required_unless_present = "keys")]
    apis: Vec<String>,

    /// Unkey's API.
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE_URL, requires = "apis")]
    base_url: String,

    /// Send the root key over plain `http://` to a host other than this machine.
    #[arg(long, requires = "apis")]
    allow_insecure_http: bool,

    /// Stop with an error after this many pages.
    #[arg(long, value_name = "N", default_value_t = Caps::default().pages, requires = "apis")]
    max_pages: usize,

    /// Stop with an error after this many keys.
    #[arg(long, value_name = "N", default_value_t = Caps::default().keys, requires = "apis")]
    max_keys: usize,

    /// Stop with an error after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = Caps::default().time.as_secs(), requires = "apis")]
    max_time: u64,

    /// Saved `apis.listKeys` pages or `keys.getKey` bodies.
    #[arg(long, num_args = 1.., value_name = "FILE", conflicts_with = "apis")]
    keys: Vec<PathBuf>,

    /// Saved `permissions.listRoles` pages.
    #[arg(long, num_args = 1.., value_name = "FILE", requires = "keys")]
    roles: Vec<PathBuf>,

    /// Saved `permissions.listPermissions` pages: the catalog.
    #[arg(long, num_args = 1.., value_name = "FILE", requires = "keys")]
    permissions: Vec<PathBuf>,

    /// Accept saved pages that say more follow when none does: the file says at the top that
    /// the import is partial.
    #[arg(long, requires = "keys")]
    partial: bool,
}

impl SourceArgs {
    /// For saved responses, the kind of page missing for a complete picture of the
    /// workspace: roles (`--roles`) or the catalog (`--permissions`); a live read has both.
    pub fn without_roles_or_catalog(&self) -> Option<&'static str> {
        if !self.apis.is_empty() {
            None
        } else if self.roles.is_empty() {
            Some("`permissions.listRoles` (`--roles`)")
        } else if self.permissions.is_empty() {
            Some("`permissions.listPermissions` (`--permissions`)")
        } else {
            None
        }
    }
}

/// The environment variable that holds the root key.
const ROOT_KEY: &str = "UNKEY_ROOT_KEY";

pub fn run(args: &Args) -> Exit {
    let From::Unkey(args) = &args.from;
    let Some(imported) = imported(&args.source, args.format == Format::Human) else {
        return Exit::BadInput;
    };
    match &args.output {
        None => out!("{}", imported.yaml),
        Some(path) => {
            if let Err(error) = permspec::atomic_write::write_file(path, imported.yaml.as_bytes()) {
                return CliError::io(format!("cannot write `{}`: {error}", path.display()))
                    .report();
            }
            report(&imported, path, args.format);
        }
    }
    Exit::Success
}

/// The policy file the workspace `source` names would be written as, its warnings printed
/// if `warn`; `None` once the problem is printed.
pub fn imported(source: &SourceArgs, warn: bool) -> Option<Imported> {
    let workspace = if source.apis.is_empty() {
        saved(source)
    } else {
        live(source)
    }?;
    let imported = match policy(&workspace) {
        Ok(imported) => imported,
        Err(errors) => {
            for error in &errors {
                output::report(error);
            }
            return None;
        }
    };
    if warn {
        for warning in &imported.warnings {
            eprintln_escaped!("warning: {}", permspec::printable::escaped(warning));
        }
    }
    Some(imported)
}

/// What was written, on standard error for people or as JSON for CI.
fn report(imported: &Imported, path: &Path, format: Format) {
    let summary = &imported.summary;
    match format {
        Format::Human => eprintln_escaped!(
            "wrote {}: {}{}",
            path.display(),
            summary.counts(),
            if summary.partial { " (partial)" } else { "" }
        ),
        Format::Json => outln!(
            "{}",
            permspec::printable::json(&serde_json::json!({
                "output": path.display().to_string(),
                "keys": summary.keys,
                "roles": summary.roles,
                "permissions": summary.permissions,
                "apis": summary.apis,
                "partial": summary.partial,
                "warnings": imported.warnings,
            }))
        ),
    }
}

fn live(args: &SourceArgs) -> Option<Workspace> {
    let root_key = match std::env::var(ROOT_KEY) {
        Ok(key) if !key.trim().is_empty() => key.trim().to_owned(),
        _ => {
            CliError::usage(format!("set {ROOT_KEY} to a root key that may read the APIs, their keys, roles and permissions")).report();
            return None;
        }
    };
    if let Err(error) = safe_to_send(&args.base_url, args.allow_insecure_http) {
        CliError::usage(error.to_string()).report();
        return None;
    }
    let caps = Caps {
        pages: args.max_pages,
        keys: args.max_keys,
        time: std::time::Duration::from_secs(args.max_time),
    };
    let client = Client::new(&args.base_url, root_key, Retry::default(), caps);
    let bar = ProgressBar::for_stderr();
    let result = client.workspace(&args.apis, &bar);
    bar.finish();
    result
        .map_err(|error| CliError::service(error.to_string()).report())
        .ok()
}

/// Whether the root key may go to `base_url`: over TLS, or in clear text to this machine
/// only, unless `insecure` allows any host.
fn safe_to_send(base_url: &str, insecure: bool) -> Result<(), String> {
    let uri: ureq::http::Uri = base_url
        .parse()
        .map_err(|error| format!("`{base_url}` is not a URL: {error}"))?;
    let host = uri.host().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback());
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if loopback || insecure => Ok(()),
        Some("http") => Err(format!(
            "`{base_url}` would send the root key in clear text to `{host}`: use https://, or \
             pass --allow-insecure-http if the network between is trusted"
        )),
        _ => Err(format!("`{base_url}` is not an http:// or https:// URL")),
    }
}

fn saved(args: &SourceArgs) -> Option<Workspace> {
    let read = |paths: &[PathBuf]| -> Result<Vec<Source>, String> {
        paths.iter().map(|path| read_source(path)).collect()
    };
    let responses = match (read(&args.keys), read(&args.roles), read(&args.permissions)) {
        (Ok(keys), Ok(roles), Ok(permissions)) => Responses {
            keys,
            roles,
            permissions,
        },
        (Err(error), ..) | (_, Err(error), _) | (.., Err(error)) => {
            CliError::io(error.to_string()).report();
            return None;
        }
    };
    match from_responses(&responses, args.partial, jiff::Timestamp::now()) {
        Ok(workspace) => Some(workspace),
        Err(errors) => {
            for error in &errors {
                output::report(error);
            }
            None
        }
    }
}

fn read_source(path: &Path) -> Result<Source, String> {
    permspec::input::read_text(path, Limits::default().file_bytes)
        .map(|text| Source::new(path, without_key_material(&text)))
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))
}

/// Pages and keys fetched, drawn on standard error when it is a terminal.
struct ProgressBar(Option<indicatif::ProgressBar>);

impl ProgressBar {
    fn for_stderr() -> Self {
        ProgressBar(std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        }))
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Progress for ProgressBar {
    fn page(&self, pages: usize, keys: usize) {
        if let Some(bar) = &self.0 {
            bar.set_message(format!("fetched {pages} pages, {keys} keys"));
        }
    }
}
