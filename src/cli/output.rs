//! Standard output and standard error for the commands, written without panicking: a write
//! to standard output that fails (a full disk, a closed pipe) is remembered and the rest of
//! the output dropped, and [`finish`] reports it, so that the command ends with exit 2
//! rather than a panic or a silent success. Standard error is written as well as it can be:
//! where it fails, there is nowhere left to say so.

use super::line_guard::LineGuard;
use miette::Diagnostic;
use permspec::report::Renderer;
use std::fmt;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// The first failure to write standard output, if any.
static FAILED: Mutex<Option<String>> = Mutex::new(None);

/// The line starts of standard output and standard error, each guarded.
static STDOUT_GUARD: Mutex<LineGuard> = Mutex::new(LineGuard::new());
static STDERR_GUARD: Mutex<LineGuard> = Mutex::new(LineGuard::new());

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
    error(&renderer().render(diagnostic));
}

/// The renderer of what goes to standard error.
pub fn renderer() -> &'static Renderer {
    RENDERER.get_or_init(|| Renderer::new(false))
}

/// Writes `text` to standard output, unless an earlier write failed; a failure is
/// remembered.
pub fn write(text: fmt::Arguments<'_>) {
    write_bytes(text.to_string().as_bytes());
}

/// Writes `bytes` to standard output, as [`write`] does, a command start at a line's start
/// escaped (see [`LineGuard`]).
pub fn write_bytes(bytes: &[u8]) {
    let guarded = lock(&STDOUT_GUARD).filter(bytes);
    write_unguarded(&guarded);
}

fn lock(guard: &Mutex<LineGuard>) -> std::sync::MutexGuard<'_, LineGuard> {
    guard.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Writes `bytes` to standard output unguarded (lines that are permspec's own CI
/// commands, or what the guard already passed); otherwise as [`write`] does.
pub fn write_unguarded(bytes: &[u8]) {
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

/// Runs `run`, which prints to standard output by means that panic when a write fails
/// (libtest-mimic's printer), with standard output pointed at a pipe that cannot fail: a
/// thread copies its bytes to the real standard output, a failure remembered as by
/// [`write`]. `None`, with the failure remembered, when the pipe cannot be set up: the
/// command then ends with exit 2 rather than risk a panic.
#[cfg(unix)]
pub fn piped<T>(run: impl FnOnce() -> T) -> Option<T> {
    let redirect = match Redirect::start() {
        Ok(redirect) => redirect,
        Err(error) => {
            failed(format!("cannot set up standard output: {error}"));
            return None;
        }
    };
    let result = run();
    redirect.finish();
    Some(result)
}

/// Runs `run`, which prints to standard output itself.
#[cfg(not(unix))]
pub fn piped<T>(run: impl FnOnce() -> T) -> Option<T> {
    Some(run())
}

/// Standard output pointed at a pipe, and the thread copying it to the real one.
#[cfg(unix)]
struct Redirect {
    /// The real standard output, to point descriptor 1 back at.
    original: std::os::fd::OwnedFd,
    copier: std::thread::JoinHandle<()>,
}

#[cfg(unix)]
impl Redirect {
    fn start() -> std::io::Result<Redirect> {
        use std::os::fd::AsFd;
        std::io::stdout().lock().flush()?;
        let original = std::io::stdout().as_fd().try_clone_to_owned()?;
        let destination = std::fs::File::from(original.try_clone()?);
        let (reader, writer) = std::io::pipe()?;
        let copier = std::thread::spawn(move || copy(reader, destination));
        // On failure `writer` is dropped: the copier reads the end and stops.
        rustix::stdio::dup2_stdout(&writer)?;
        Ok(Redirect { original, copier })
    }

    /// Points standard output back at the real one, which closes the pipe, and waits
    /// for the copier to write what is left.
    fn finish(self) {
        let _ = std::io::stdout().lock().flush();
        match rustix::stdio::dup2_stdout(&self.original) {
            Ok(()) => {
                if self.copier.join().is_err() {
                    failed("the output could not be copied");
                }
            }
            // Descriptor 1 still holds the pipe open: the copier cannot end, and is left.
            Err(error) => failed(format!("cannot restore standard output: {error}")),
        }
    }
}

/// Copies `reader` to `destination` until the pipe ends; after a failed write it keeps
/// reading, so that a writer never waits on a full pipe.
#[cfg(unix)]
fn copy(mut reader: std::io::PipeReader, mut destination: std::fs::File) {
    use std::io::Read;
    let mut buffer = vec![0; 64 * 1024];
    let mut writing = true;
    let mut guard = LineGuard::default();
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => {
                if writing && let Err(error) = destination.write_all(&guard.finish()) {
                    failed(error);
                }
                return;
            }
            Ok(read) if writing => {
                if let Err(error) = destination.write_all(&guard.filter(&buffer[..read])) {
                    failed(error);
                    writing = false;
                }
            }
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => {
                failed(error);
                return;
            }
        }
    }
}

/// Writes `text` to standard error, a command start at a line's start escaped; a failure
/// there cannot be reported anywhere.
pub fn error(text: &str) {
    let guarded = lock(&STDERR_GUARD).filter(text.as_bytes());
    let _ = std::io::stderr().lock().write_all(&guarded);
}

/// Flushes standard output: the first failure to write it, if any.
pub fn finish() -> Result<(), String> {
    let held = lock(&STDOUT_GUARD).finish();
    write_unguarded(&held);
    let held = lock(&STDERR_GUARD).finish();
    let _ = std::io::stderr().lock().write_all(&held);
    if let Err(error) = std::io::stdout().lock().flush() {
        failed(error);
    }
    let failed = FAILED.lock().unwrap_or_else(|poison| poison.into_inner());
    match failed.as_ref() {
        Some(error) => Err(error.clone()),
        None => Ok(()),
    }
}
