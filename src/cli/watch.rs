//! `--watch` for `test` and `lint`: run, then run again whenever a policy file or
//! `permspec.toml` under the watched paths changes (changes within a short window count as
//! one, for two seconds at most), clearing the terminal first. Ends on Ctrl-C.

use super::Exit;
use super::error::CliError;
use notify::{Event, EventKind, RecursiveMode, Watcher};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Changes closer together than this are one change.
const DEBOUNCE: Duration = Duration::from_millis(200);
/// The longest a run waits for a burst of changes to settle.
const MAX_DELAY: Duration = Duration::from_secs(2);

/// Runs `run`, then again after every change to the files under `paths`. Returns only if
/// the paths cannot be watched.
pub fn watch(paths: &[PathBuf], mut run: impl FnMut() -> Exit) -> Exit {
    let (sender, events) = mpsc::channel::<notify::Result<Event>>();
    let mut watcher = match notify::recommended_watcher(sender) {
        Ok(watcher) => watcher,
        Err(error) => {
            return CliError::io(format!("cannot watch for changes: {error}")).report();
        }
    };
    for path in paths {
        // A file is watched through its directory, so that editors that replace the file
        // on save are seen too.
        let (target, mode) = if path.is_dir() {
            (path.as_path(), RecursiveMode::Recursive)
        } else {
            let parent = path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty());
            (
                parent.unwrap_or(Path::new(".")),
                RecursiveMode::NonRecursive,
            )
        };
        if let Err(error) = watcher.watch(target, mode) {
            return CliError::io(format!("cannot watch `{}`: {error}", path.display())).report();
        }
    }
    run();
    announce_waiting();
    while let Ok(event) = events.recv() {
        if !changes_a_watched_file(&event, paths) {
            continue;
        }
        // Let the burst of a save (write, rename, chmod) settle into one run. Only relevant
        // changes extend the wait, and never past the cap: unrelated writes every few
        // milliseconds (a log, a build) must not postpone the run forever.
        let deadline = Instant::now() + MAX_DELAY;
        let mut quiet_until = Instant::now() + DEBOUNCE;
        loop {
            let now = Instant::now();
            let wait = quiet_until.min(deadline).saturating_duration_since(now);
            if wait.is_zero() {
                break;
            }
            match events.recv_timeout(wait) {
                Ok(event) if changes_a_watched_file(&event, paths) => {
                    quiet_until = Instant::now() + DEBOUNCE;
                }
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Exit::Success,
            }
        }
        if std::io::stdout().is_terminal() {
            out!("\x1b[2J\x1b[H");
        } else {
            outln!("\n--- files changed: running again ---\n");
        }
        run();
        announce_waiting();
    }
    Exit::Success
}

fn announce_waiting() {
    eprintln_escaped!("[watching for changes; Ctrl-C ends]");
    let _ = std::io::stdout().flush();
}

/// A write, creation or removal (not a read) of a policy file, of configuration, or of a
/// file named on the command line; not of editor swap files and the like.
fn changes_a_watched_file(event: &notify::Result<Event>, named: &[PathBuf]) -> bool {
    let Ok(event) = event else { return false };
    let writes = matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    );
    writes
        && event.paths.iter().any(|changed| {
            let policy_or_config = changed
                .extension()
                .is_some_and(|extension| ["yaml", "yml", "toml"].iter().any(|e| extension == *e));
            policy_or_config || named.iter().any(|path| changed.ends_with(path))
        })
}
