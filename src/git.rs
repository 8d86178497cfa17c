//! Running git on repositories permspec reads but does not trust: a repository's own
//! configuration can name programs for git to run (an fsmonitor hook, a signature
//! verifier, a pager, the transport of a partial clone's lazy fetch), and a file's name can
//! read as pathspec magic (`:(exclude)*`).

use std::path::Path;
use std::process::Command;

/// `git` in `directory`, with the configured programs it could run turned off, no object
/// fetched, no optional locks taken, and every path taken literally.
pub fn command(directory: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(directory)
        .env("GIT_LITERAL_PATHSPECS", "1")
        // A partial clone fetches a missing object on demand, through the remote's
        // transport: an ssh command, an upload-pack program or an `ext::` URL.
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_PAGER", "cat")
        .args([
            "--no-optional-locks",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "log.showSignature=false",
            "-c",
            "core.pager=cat",
            "-c",
            "protocol.allow=never",
        ]);
    command
}
