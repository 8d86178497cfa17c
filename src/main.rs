fn main() -> std::process::ExitCode {
    // Like any Unix filter, stop quietly when the reader of our output goes away
    // (`permspec test | head`), instead of panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    permspec::cli::main()
}
