//! Shared by the property tests: generators and the naive reference evaluator.
#![allow(dead_code)] // each test crate uses a different part

pub mod cli;
pub mod git;
pub mod naive;
pub mod source;
pub mod strategies;
pub mod unkey;

/// A directory holding `files` (path relative to it, contents).
pub fn directory_with<T: AsRef<[u8]>>(files: &[(&str, T)]) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        let path = directory.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    directory
}
