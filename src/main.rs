//! The `permspec` command: policy tests and lints for API-key permissions in the style of
//! Unkey. The command line (`cli`) is a thin layer over the library.

mod cli;

#[allow(unsafe_code)] // one libc call, before any other thread exists
fn main() -> std::process::ExitCode {
    // Like any Unix filter, stop quietly when the reader of our output goes away
    // (`permspec test | head`), instead of panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    cli::main()
}
