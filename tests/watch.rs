//! `--watch`: a change to a policy file runs the command again.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const PASSING: &str = "version: 1\nkeys:\n  k: {permissions: [a.read]}\n\
                       cases:\n  - {key: k, query: a.read, expect: allow}\n";
const FAILING: &str = "version: 1\nkeys:\n  k: {permissions: [a.read]}\n\
                       cases:\n  - {key: k, query: a.read, expect: deny}\n";

/// Kills the watcher when the test ends, however it ends.
struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits up to 30 s for a line of standard output containing `wanted`.
fn wait_for(lines: &mpsc::Receiver<String>, wanted: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(wanted) => return,
            Ok(_) => {}
            Err(_) => panic!("no line with `{wanted}` within 30 s"),
        }
    }
}

fn start(args: &[&str], directory: &std::path::Path) -> (Watcher, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_permspec"))
        .args(args)
        .current_dir(directory)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    (Watcher(child), lines)
}

#[test]
fn test_runs_again_when_a_policy_changes() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, PASSING).unwrap();
    let (_watcher, lines) = start(&["test", "--watch", "."], dir.path());
    wait_for(&lines, "test result: ok. 1 passed");

    std::fs::write(&policy, FAILING).unwrap();
    wait_for(&lines, "files changed: running again");
    wait_for(&lines, "test result: FAILED. 0 passed; 1 failed");

    std::fs::write(&policy, PASSING).unwrap();
    wait_for(&lines, "test result: ok. 1 passed");
}

#[test]
fn lint_runs_again_when_a_policy_changes() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, PASSING).unwrap();
    let (_watcher, lines) = start(
        &["lint", "--watch", "--format", "json", "p.yaml"],
        dir.path(),
    );
    wait_for(&lines, "[]");

    std::fs::write(&policy, PASSING.replace("a.read]", "\"*\"]")).unwrap();
    wait_for(&lines, "files changed: running again");
    wait_for(&lines, "global-wildcard");
}

#[test]
fn unrelated_writes_do_not_postpone_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, PASSING).unwrap();
    let (_watcher, lines) = start(&["test", "--watch", "."], dir.path());
    wait_for(&lines, "test result: ok. 1 passed");

    // A log written every 20 ms, for longer than the test waits.
    let log = dir.path().join("build.log");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(40);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < deadline {
                std::fs::write(&log, "line\n").unwrap();
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    std::fs::write(&policy, FAILING).unwrap();
    wait_for(&lines, "test result: FAILED. 0 passed; 1 failed");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
}
