//! Updating a built site in place: only the files whose bytes changed are
//! written, each moved into place on its own, and the files no build makes
//! any more are removed. Unchanged files keep their inode and modification
//! time, so `rsync`, `aws s3 sync` and caches upload only what changed.
//!
//! Every change is first noted in the manifest as unknown (the journal), so
//! a build stopped at any point (killed, out of disk) leaves a manifest that
//! names every file it may have touched. The next build writes those again
//! or removes them, and ends with exactly the site a clean build makes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::manifest::{self, Manifest, Record, Stamp};
use super::{Entry, MARKER, MARKER_TEXT, Written, with_path};

/// What a built output folder holds before the build.
#[derive(Debug)]
pub(super) struct Previous {
    manifest: Manifest,
    /// Every file, by path from the site root, with its stamp; the marker
    /// and the manifest left out.
    files: HashMap<String, Stamp>,
    /// When the manifest was written: every file the build wrote is older.
    recorded: i128,
    /// Entries whose names are not text: no build makes them.
    strays: Vec<PathBuf>,
    /// Every folder, by path from the site root.
    folders: Vec<String>,
    marked: bool,
}

impl Previous {
    /// The output's manifest and files, or `None` when it has no manifest a
    /// build can trust (a new folder, or one an older explainer built).
    pub(super) fn read(output: &Path) -> Option<Previous> {
        let path = output.join(manifest::FILE);
        let recorded = Stamp::of(&fs::symlink_metadata(&path).ok()?).modified;
        let manifest = Manifest::parse(&fs::read_to_string(&path).ok()?)?;
        let mut previous = Previous {
            manifest,
            recorded,
            files: HashMap::new(),
            strays: Vec::new(),
            folders: Vec::new(),
            marked: false,
        };
        for entry in walkdir::WalkDir::new(output).min_depth(1) {
            let entry = entry.ok()?;
            let relative = entry.path().strip_prefix(output).ok()?;
            let Some(path) = slashed(relative) else {
                previous.strays.push(relative.to_path_buf());
                continue;
            };
            if entry.file_type().is_dir() {
                previous.folders.push(path);
            } else if entry.depth() == 1 && path == MARKER {
                previous.marked = true;
            } else if entry.depth() > 1 || path != manifest::FILE {
                let stamp = Stamp::of(&entry.metadata().ok()?);
                previous.files.insert(path, stamp);
            }
        }
        Some(previous)
    }

    /// Whether the output holds these bytes at `path`, as the manifest says
    /// and the file system confirms: the file is there, of that size, and
    /// not modified since the manifest was written (as by hand).
    pub(super) fn unchanged(&self, path: &str, hash: u128, size: u64) -> bool {
        self.known(path) == Some((hash, size))
    }

    /// The hash and size of the file at `path`, when the manifest knows them
    /// and the file system confirms them: the file is there, of that size,
    /// and not modified since the manifest was written.
    pub(super) fn known(&self, path: &str) -> Option<(u128, u64)> {
        let Some(&Record::Known { hash, size }) = self.manifest.0.get(path) else {
            return None;
        };
        let stamp = self.files.get(path)?;
        (stamp.size == size && stamp.modified <= self.recorded).then_some((hash, size))
    }
}

/// A path relative to the site root, with `/` between its parts; `None`
/// unless every part is text.
fn slashed(relative: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = relative.iter().map(|part| part.to_str()).collect();
    Some(parts?.join("/"))
}

/// One change to the output folder, in the order they are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Op {
    /// Replace the manifest with this text.
    Record(String),
    /// Remove the file (or link) at this path from the site root.
    Remove(PathBuf),
    /// Remove this (by now empty) folder.
    RemoveFolder(PathBuf),
    /// Move the staged file at this path into place.
    Move(String),
    /// Write the marker the output lacks.
    Mark,
}

/// The changes that make the output hold `entries` and nothing else:
/// the journal, removals, moves, and the manifest last.
pub(super) fn changes(previous: &Previous, entries: &[Entry]) -> (Vec<Op>, Written) {
    let made: HashSet<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    let mut removed: Vec<&str> = previous
        .files
        .keys()
        .map(String::as_str)
        .filter(|path| !made.contains(path))
        .collect();
    removed.sort_unstable();
    let mut moved: Vec<&str> = entries
        .iter()
        .filter(|e| e.staged)
        .map(|e| e.path.as_str())
        .collect();
    moved.sort_unstable();
    let known = |entry: &Entry| Record::Known {
        hash: entry.hash,
        size: entry.size,
    };
    let done = Manifest(
        entries
            .iter()
            .map(|entry| (entry.path.clone(), known(entry)))
            .collect(),
    );
    let written = Written {
        written: moved.len(),
        removed: removed.len() + previous.strays.len(),
        unchanged: entries.len() - moved.len(),
    };
    if moved.is_empty() && written.removed == 0 && done == previous.manifest && previous.marked {
        return (Vec::new(), written);
    }

    let mut journal: BTreeMap<String, Record> = done.0.clone();
    for path in moved.iter().chain(&removed) {
        journal.insert(path.to_string(), Record::Unknown);
    }
    let mut ops = vec![Op::Record(Manifest(journal).text())];
    ops.extend(removed.iter().map(|path| Op::Remove(PathBuf::from(path))));
    ops.extend(previous.strays.iter().cloned().map(Op::Remove));
    // Folders no file of the new site is in, deepest first.
    let needed: HashSet<&str> = entries
        .iter()
        .flat_map(|entry| {
            let path = entry.path.as_str();
            path.match_indices('/').map(move |(at, _)| &path[..at])
        })
        .collect();
    let mut unneeded: Vec<&String> = previous
        .folders
        .iter()
        .filter(|folder| !needed.contains(folder.as_str()))
        .collect();
    unneeded.sort_by_key(|folder| std::cmp::Reverse((folder.matches('/').count(), *folder)));
    ops.extend(
        unneeded
            .into_iter()
            .map(|folder| Op::RemoveFolder(PathBuf::from(folder))),
    );
    ops.extend(moved.iter().map(|path| Op::Move(path.to_string())));
    if !previous.marked {
        ops.push(Op::Mark);
    }
    ops.push(Op::Record(done.text()));
    (ops, written)
}

/// Makes the changes in order; in tests, only the first `limit` of them,
/// as a build killed after them would have.
pub(super) fn apply(ops: &[Op], output: &Path, staging: &Path, limit: usize) -> io::Result<()> {
    for op in ops.iter().take(limit) {
        match op {
            Op::Record(text) => {
                let temp = output.join(format!(".{}.{}", manifest::FILE, std::process::id()));
                fs::write(&temp, text).map_err(|e| with_path(e, &temp))?;
                let target = output.join(manifest::FILE);
                fs::rename(&temp, &target).map_err(|e| with_path(e, &target))?;
            }
            Op::Remove(path) => {
                let target = output.join(path);
                match fs::remove_file(&target) {
                    Err(error) if error.kind() != io::ErrorKind::NotFound => {
                        return Err(with_path(error, &target));
                    }
                    _ => {}
                }
            }
            Op::RemoveFolder(path) => {
                let target = output.join(path);
                match fs::remove_dir(&target) {
                    Err(error) if error.kind() != io::ErrorKind::NotFound => {
                        return Err(with_path(error, &target));
                    }
                    _ => {}
                }
            }
            Op::Move(path) => {
                let target = output.join(path);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent).map_err(|e| with_path(e, parent))?;
                }
                fs::rename(staging.join(path), &target).map_err(|e| with_path(e, &target))?;
            }
            Op::Mark => {
                let target = output.join(MARKER);
                fs::write(&target, MARKER_TEXT).map_err(|e| with_path(e, &target))?;
            }
        }
    }
    Ok(())
}
