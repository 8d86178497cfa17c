//! One side of a diff: the policy files of a path, or of a git revision read with
//! `git cat-file` (no checkout), each under the name that pairs it with the other side.

use crate::policy::{PathError, is_policy_file_name, policy_files};
use std::path::{Path, PathBuf};

/// Why one side of a diff cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SideError {
    /// A path given cannot be walked for policy files.
    #[error("{0}")]
    Paths(#[from] PathError),
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// git could not be run at all.
    #[error("cannot run git: {0}")]
    NoGit(std::io::Error),
    /// git ran and failed.
    #[error("`git {command}` failed: {said}")]
    Git {
        /// The git command's arguments.
        command: String,
        /// What git said on standard error.
        said: String,
    },
    /// git printed text that is not UTF-8.
    #[error("git printed non-UTF-8 text")]
    NotUtf8,
    /// The revision names no commit.
    #[error("`{0}` is not a commit of this repository")]
    NotACommit(String),
    /// A path outside the repository.
    #[error("`{}` is outside the git repository", .0.display())]
    Outside(PathBuf),
    /// A chain of symbolic links of the revision longer than the kernel follows.
    #[error("`{link}` at {commit}: too many symbolic links")]
    TooManyLinks {
        /// The link's path.
        link: String,
        /// The commit.
        commit: String,
    },
    /// A path of the revision that names no file inside it (`..`, `.` or an empty part):
    /// a crafted tree, never written.
    #[error("`{path}` at {commit} is not a path inside the repository: the revision is refused")]
    UnsafePath {
        /// The path as the tree names it.
        path: String,
        /// The commit.
        commit: String,
    },
    /// A file name that is not UTF-8.
    #[error("`{}`: the file name is not UTF-8", .0.display())]
    NotUtf8Name(PathBuf),
    /// Two files that would be compared under the same name.
    #[error("`{}` and `{}` would both be compared as `{name}`", .first.display(), .second.display())]
    SameName {
        /// The name.
        name: String,
        /// One file.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
    /// A symbolic link of the revision that leaves the repository.
    #[error(
        "`{link}` at {commit} is a symbolic link to `{target}`, which leaves the repository: it is not followed"
    )]
    LinkLeaves {
        /// The link's path.
        link: String,
        /// The commit.
        commit: String,
        /// Where it points.
        target: String,
    },
}

/// The policy files of one version, each with the name that pairs it with the other version
/// (its path relative to the side's root).
#[derive(Debug)]
pub struct Side {
    /// (pairing name, file to load), sorted by name.
    pub files: Vec<(String, PathBuf)>,
    /// True when the side is one file given as such: it pairs with the other side's one file
    /// whatever their names.
    pub single_file: bool,
    /// The commit the files were read from, for a side of a git revision.
    pub commit: Option<String>,
    /// Holds the files read from git for as long as the side lives.
    _checkout: Option<tempfile::TempDir>,
}

impl Side {
    /// The policy files at `path`: the file itself, or every policy file under the directory.
    pub fn from_path(path: &Path) -> Result<Side, SideError> {
        let files = policy_files(&[path.to_owned()])?;
        let files = files
            .into_iter()
            .map(|file| {
                let name = file.strip_prefix(path).unwrap_or(&file);
                let name = if name.as_os_str().is_empty() {
                    file.file_name().map(Path::new).unwrap_or(&file)
                } else {
                    name
                };
                Ok((slashed(name)?, file))
            })
            .collect::<Result<Vec<_>, SideError>>()?;
        Ok(Side {
            files,
            single_file: path.is_file(),
            commit: None,
            _checkout: None,
        })
    }

    /// The working tree's policy files under `paths`, named by their path in the repository.
    pub fn working_tree(paths: &[PathBuf]) -> Result<Side, SideError> {
        let top = toplevel()?;
        let files = policy_files(paths)?;
        let files = files
            .into_iter()
            .map(|file| Ok((repository_path(&top, &file)?, file)))
            .collect::<Result<Vec<_>, SideError>>()?;
        let files = paired(files)?;
        Ok(Side {
            files,
            single_file: false,
            commit: None,
            _checkout: None,
        })
    }

    /// The policy files under `paths` as they are at git revision `revision`, written to a
    /// temporary directory with the repository's layout (so `policy:` references resolve).
    pub fn at_revision(revision: &str, paths: &[PathBuf]) -> Result<Side, SideError> {
        Side::files_at_revision(revision, paths, is_policy_file_name)
    }

    /// The files under `paths` whose path `keep` picks, as they are at git revision
    /// `revision`, written to a temporary directory with the repository's layout.
    pub fn files_at_revision(
        revision: &str,
        paths: &[PathBuf],
        keep: fn(&str) -> bool,
    ) -> Result<Side, SideError> {
        let top = toplevel()?;
        // The revision is the user's text: never let git read it as an option.
        let commit = git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &format!("{revision}^{{commit}}"),
            ],
        )
        .map_err(|_| SideError::NotACommit(revision.to_owned()))?;
        let commit = commit.trim();
        let checkout = tempfile::tempdir()?;
        let tree = Tree {
            top: &top,
            commit,
            walked: Default::default(),
        };
        let mut files = Vec::new();
        for path in paths {
            let absolute = std::path::absolute(path)?;
            let relative = repository_path(&top, &absolute)?;
            for name in tree.files(&relative, 0, keep)? {
                let text = git(&top, &["cat-file", "blob", &format!("{commit}:{name}")])?;
                let file = checkout.path().join(&name);
                let parts = Path::new(&name).components();
                if !parts
                    .into_iter()
                    .all(|part| matches!(part, std::path::Component::Normal(_)))
                {
                    return Err(SideError::UnsafePath {
                        path: name,
                        commit: commit.to_owned(),
                    });
                }
                if let Some(parent) = file.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&file, text)?;
                files.push((name, file));
            }
        }
        files.sort();
        files.dedup();
        Ok(Side {
            files,
            single_file: false,
            commit: Some(commit.to_owned()),
            _checkout: Some(checkout),
        })
    }
}

impl Side {
    /// Where the files read from git were written, for a side of a git revision.
    pub fn checkout(&self) -> Option<&Path> {
        self._checkout.as_ref().map(tempfile::TempDir::path)
    }
}

/// The root of the git repository the current directory is in.
pub fn repository_root() -> Result<PathBuf, SideError> {
    toplevel()
}

/// Most symbolic links followed from one path of a revision, as the kernel allows.
const MAX_LINKS: usize = 40;

/// The files of one commit, read with `git ls-tree` and `git show`.
struct Tree<'a> {
    top: &'a Path,
    commit: &'a str,
    /// The link targets already walked.
    walked: std::cell::RefCell<std::collections::HashSet<String>>,
}

/// One entry of `git ls-tree`: its mode and path.
struct Entry {
    mode: String,
    path: String,
}

impl Tree<'_> {
    /// The files `keep` picks at `path` in the commit, named by their own path: a symbolic link is
    /// followed to what it names in the same tree, as the working tree's walk follows it
    /// (and names the file by the path it leads to); a link that leaves the tree is refused.
    fn files(
        &self,
        path: &str,
        followed: usize,
        keep: fn(&str) -> bool,
    ) -> Result<Vec<String>, SideError> {
        let mut files = Vec::new();
        for entry in self.entries(path)? {
            if entry.mode == "120000" {
                let target = self.link_target(&entry.path)?;
                // A target walked once gives the same files again: links that fan out to
                // the same places would otherwise be walked exponentially often.
                if !self.walked.borrow_mut().insert(target.clone()) {
                    continue;
                }
                if followed >= MAX_LINKS {
                    return Err(SideError::TooManyLinks {
                        link: entry.path,
                        commit: self.commit.to_owned(),
                    });
                }
                files.extend(self.files(&target, followed + 1, keep)?);
            } else if keep(&entry.path) {
                files.push(entry.path);
            }
        }
        Ok(files)
    }

    /// Every file and link under `path` (or `path` itself), recursively.
    fn entries(&self, path: &str) -> Result<Vec<Entry>, SideError> {
        // NUL-separated, so that git does not quote names with unusual characters.
        let listed = git(self.top, &["ls-tree", "-r", "-z", self.commit, "--", path])?;
        let entries = listed.split('\0').filter(|line| !line.is_empty());
        entries
            .map(|line| {
                let (meta, path) = line.split_once('\t').ok_or_else(|| SideError::Git {
                    command: "ls-tree".to_owned(),
                    said: format!("unexpected output: {line}"),
                })?;
                let mode = meta.split(' ').next().unwrap_or_default().to_owned();
                // Git refuses such names, but a crafted tree may hold them: written under
                // the checkout, `..` would reach any file of the machine.
                let inside = |part: &str| !matches!(part, "" | "." | "..");
                if !path.split('/').all(inside) {
                    return Err(SideError::UnsafePath {
                        path: path.to_owned(),
                        commit: self.commit.to_owned(),
                    });
                }
                Ok(Entry {
                    mode,
                    path: path.to_owned(),
                })
            })
            .collect()
    }

    /// The path in the tree that the link at `link` names, or an error if it leaves it.
    fn link_target(&self, link: &str) -> Result<String, SideError> {
        let blob = format!("{}:{link}", self.commit);
        let target = git(self.top, &["cat-file", "blob", &blob])?;
        let leaves = || SideError::LinkLeaves {
            link: link.to_owned(),
            commit: self.commit.to_owned(),
            target: target.clone(),
        };
        if target.starts_with('/') {
            return Err(leaves());
        }
        let mut parts: Vec<&str> = link.split('/').collect();
        parts.pop();
        for part in target.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop().ok_or_else(leaves)?;
                }
                part => parts.push(part),
            }
        }
        Ok(parts.join("/"))
    }
}

/// `path` as a pairing name: its text, with `/` separators on Windows. A name that is not
/// UTF-8 is refused, as any lossy form of it could be another file's name.
fn slashed(path: &Path) -> Result<String, SideError> {
    let text = path
        .to_str()
        .ok_or_else(|| SideError::NotUtf8Name(path.to_owned()))?;
    Ok(if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.to_owned()
    })
}

/// `files`, each file once, or an error when two different files have the same pairing
/// name (one would hide the other's changes).
fn paired(files: Vec<(String, PathBuf)>) -> Result<Vec<(String, PathBuf)>, SideError> {
    let mut seen: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    let mut kept = Vec::with_capacity(files.len());
    for (name, file) in files {
        match seen.get(&name) {
            None => {
                seen.insert(name.clone(), file.clone());
                kept.push((name, file));
            }
            // The same file reached by two paths (a link and its target).
            Some(first) if same_file(first, &file) => {}
            Some(first) => {
                return Err(SideError::SameName {
                    name,
                    first: first.clone(),
                    second: file,
                });
            }
        }
    }
    Ok(kept)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The root of the git work tree around the current directory.
fn toplevel() -> Result<PathBuf, SideError> {
    let here = std::env::current_dir()?;
    let top = git(&here, &["rev-parse", "--show-toplevel"])?;
    Ok(std::fs::canonicalize(top.trim())?)
}

/// `path` relative to the repository root `top`, with `/` separators.
fn repository_path(top: &Path, path: &Path) -> Result<String, SideError> {
    let absolute = match std::fs::canonicalize(path) {
        Ok(absolute) => absolute,
        // A path deleted from the work tree may still exist in the revision.
        Err(_) => std::path::absolute(path)?,
    };
    absolute
        .strip_prefix(top)
        .map_err(|_| SideError::Outside(path.to_owned()))
        .and_then(slashed)
}

/// Runs git in `directory`; its standard output, or what it said went wrong.
fn git(directory: &Path, args: &[&str]) -> Result<String, SideError> {
    let output = crate::git::command(directory)
        .args(args)
        .output()
        .map_err(SideError::NoGit)?;
    if output.status.success() {
        String::from_utf8(output.stdout).map_err(|_| SideError::NotUtf8)
    } else {
        Err(SideError::Git {
            command: args.join(" "),
            said: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}
