//! Standard output and standard error for the commands, written without panicking: a write
//! to standard output that fails (a full disk, a closed pipe) is remembered and the rest of
//! the output dropped, and [`finish`] reports it, so that the command ends with exit 2
//! rather than a panic or a silent success. Standard error is written as well as it can be:
//! where it fails, there is nowhere left to say so.

use miette::Diagnostic;
use permspec::report::Renderer;
use std::fmt;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// The first failure to write standard output, if any.
static FAILED: Mutex<Option<String>> = Mutex::new(None);

/// Renders the diagnostics written to standard error (in colour or not, as the command
/// line chose), once chosen.
static RENDERER: OnceLock<Renderer> = OnceLock::new();

/// Chooses colour, or none, for the diagnostics of [`report`]; the first choice holds.
pub fn set_color(color: bool) {
    let _ = RENDERER.set(Renderer::new(color));
}

/// Writes `diagnostic` to standard error as a miette report: the one way every error and
/// failure of a command reaches a reader.
pub fn report(diagnostic: &dyn Diagnostic) {
    let renderer = RENDERER.get_or_init(|| Renderer::new(false));
    error(&renderer.render(diagnostic));
}

/// Writes `text` to standard output, unless an earlier write failed; a failure is
/// remembered.
pub fn write(text: fmt::Arguments<'_>) {
    let mut failed = FAILED.lock().unwrap_or_else(|poison| poison.into_inner());
    if failed.is_some() {
        return;
    }
    if let Err(error) = std::io::stdout().lock().write_fmt(text) {
        *failed = Some(error.to_string());
    }
}

/// Writes `bytes` to standard output, as [`write`] does.
pub fn write_bytes(bytes: &[u8]) {
    let mut failed = FAILED.lock().unwrap_or_else(|poison| poison.into_inner());
    if failed.is_some() {
        return;
    }
    if let Err(error) = std::io::stdout().lock().write_all(bytes) {
        *failed = Some(error.to_string());
    }
}

/// Remembers that output written by other means (libtest-mimic's, a buffered writer's)
/// failed with `error`.
pub fn failed(error: impl fmt::Display) {
    let mut failed = FAILED.lock().unwrap_or_else(|poison| poison.into_inner());
    failed.get_or_insert_with(|| error.to_string());
}

/// Runs `write`, which writes to a file it is given the path of: a pipe whose bytes are
/// copied to standard output, a failure remembered as by [`write`]. This is how output
/// that another crate writes to a file of its own (libtest-mimic's) is checked. Where no
/// such path can be opened (no `/dev/fd`), `write` gets `None` and writes standard output
/// itself.
#[cfg(unix)]
pub fn piped<T>(write: impl FnOnce(Option<String>) -> T) -> T {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    let Ok((mut reader, writer)) = std::io::pipe() else {
        return write(None);
    };
    let path = format!("/dev/fd/{}", writer.as_raw_fd());
    if std::fs::OpenOptions::new().write(true).open(&path).is_err() {
        return write(None);
    }
    // Every byte is read until the last writer closes the pipe, even after standard output
    // failed: a writer must never wait on a full pipe.
    let copier = std::thread::spawn(move || {
        let mut buffer = vec![0; 64 * 1024];
        loop {
            match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => write_bytes(&buffer[..read]),
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => {
                    failed(error);
                    break;
                }
            }
        }
    });
    let result = write(Some(path));
    drop(writer);
    if copier.join().is_err() {
        failed("the output could not be copied");
    }
    result
}

/// Runs `write`, which writes standard output itself.
#[cfg(not(unix))]
pub fn piped<T>(write: impl FnOnce(Option<String>) -> T) -> T {
    write(None)
}

/// Writes `text` to standard error; a failure there cannot be reported anywhere.
pub fn error(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Flushes standard output: the first failure to write it, if any.
pub fn finish() -> Result<(), String> {
    if let Err(error) = std::io::stdout().lock().flush() {
        failed(error);
    }
    let failed = FAILED.lock().unwrap_or_else(|poison| poison.into_inner());
    match failed.as_ref() {
        Some(error) => Err(error.clone()),
        None => Ok(()),
    }
}
