//! The only module that writes output: a sibling temp folder, then a swap.
//!
//! Steps: refuse output folders that would destroy the story; write every page
//! and static file into a new folder beside the output; when all of it is
//! written, put it in place of the old output as a whole. If anything fails,
//! the temp folder is removed and the previous output is left as it was.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::Page;

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum Bytes {
    BuiltIn(&'static [u8]),
    File(PathBuf),
}

/// A file copied as is into the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Relative to the output folder.
    pub path: String,
    pub bytes: Bytes,
}

/// Why an output folder may not be written.
pub fn refuse_output(root: &Path, output: &Path) -> Option<String> {
    let root = fs::canonicalize(root).ok()?;
    let output = absolute(output);
    if root.starts_with(&output) {
        return Some(format!(
            "the output folder {} is the story folder or contains it: building would replace the story",
            output.display()
        ));
    }
    for guarded in ["content", ".git"] {
        if output.join(guarded).exists() {
            return Some(format!(
                "the output folder {} holds a `{guarded}/` folder: it looks like a story or a repository, not a built site",
                output.display()
            ));
        }
    }
    None
}

/// The path made absolute and canonical as far as it exists.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(canonical) = fs::canonicalize(path) {
        return canonical;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            absolute(parent).join(name)
        }
        _ => path.to_path_buf(),
    }
}

/// Writes the site into `output`, replacing what was there only when everything is written.
pub fn publish(output: &Path, pages: &[Page], statics: &[StaticFile]) -> io::Result<()> {
    let output = absolute(output);
    let parent = output.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| with_path(e, parent))?;
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.building-"))
        .tempdir_in(parent)
        .map_err(|e| with_path(e, parent))?;
    for file in statics {
        let target = staging.path().join(&file.path);
        create_parent(&target)?;
        match &file.bytes {
            Bytes::BuiltIn(bytes) => {
                fs::write(&target, bytes).map_err(|e| with_path(e, &target))?
            }
            Bytes::File(source) => {
                fs::copy(source, &target).map_err(|e| with_path(e, source))?;
            }
        }
    }
    for page in pages {
        let target = staging.path().join(&page.path);
        create_parent(&target)?;
        fs::write(&target, &page.bytes).map_err(|e| with_path(e, &target))?;
    }
    swap_in(staging, &output, parent, &name)
}

/// Puts the staged folder at `output`; the old output is removed only after.
fn swap_in(staging: tempfile::TempDir, output: &Path, parent: &Path, name: &str) -> io::Result<()> {
    if !output.exists() {
        let staged = staging.keep();
        return fs::rename(&staged, output).map_err(|e| with_path(e, output));
    }
    let old = tempfile::Builder::new()
        .prefix(&format!(".{name}.old-"))
        .tempdir_in(parent)
        .map_err(|e| with_path(e, parent))?;
    let aside = old.path().join(name);
    fs::rename(output, &aside).map_err(|e| with_path(e, output))?;
    let staged = staging.keep();
    if let Err(error) = fs::rename(&staged, output) {
        // Put the old output back so the reader's site is untouched.
        fs::rename(&aside, output).ok();
        fs::remove_dir_all(&staged).ok();
        return Err(with_path(error, output));
    }
    drop(old);
    Ok(())
}

fn create_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent).map_err(|e| with_path(e, parent)),
        None => Ok(()),
    }
}

fn with_path(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}
