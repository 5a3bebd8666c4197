//! The only module that writes output.
//!
//! Steps: refuse output folders that would destroy the story or someone's
//! files (a folder is ours when it holds the [`MARKER`] a build writes);
//! write each file that differs from what the output holds into a staging
//! folder beside the output, as soon as it is made; when all of it is made,
//! move those files into place one by one and remove the files no longer
//! made (see [`update`], which says how a build stopped half-way is
//! repaired by the next). A folder without a manifest (a first build, or an
//! older explainer's) is replaced as a whole by the staging folder, as is
//! every build in [`Mode::Swap`]. If anything fails before the site is put
//! in place, the staging folder is removed and the output is left byte for
//! byte as it was.
//!
//! The temp folders are named `.NAME.building-PID-RANDOM` and
//! `.NAME.old-PID-RANDOM`, so a later build can tell a dead build's leftovers
//! from a running one's.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;

use crate::FastSet;
use crate::diagnostics::{Diagnostic, Severity};

mod manifest;
mod update;

use manifest::{Manifest, Record};

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

/// The story's own folders, which the output may neither be nor sit inside.
const INPUTS: [&str; 3] = ["content", "templates", "static"];

/// The file every build writes at the top of the site, so that a later
/// build knows the folder is one explainer made and may replace it whole.
/// It is published with the site: it says nothing the data files do not.
pub const MARKER: &str = ".explainer-output";

const MARKER_TEXT: &str = "This folder is a site built by explainer. \
The next `explainer build` into it replaces everything in it.\n";

/// Files that file managers leave in any folder they show: a folder holding
/// only these is empty to an editor.
const LITTER: [&str; 3] = [".DS_Store", "Thumbs.db", "desktop.ini"];

/// How many of a folder's entries a refusal names.
const NAMED: usize = 5;

/// Why an output folder may not be written, if it may not. `force` allows a
/// folder explainer did not make (never the story, its folders or a repository).
pub fn refuse_output(root: &Path, output: &Path, force: bool) -> Option<Diagnostic> {
    let refuse = |message: String| {
        Some(
            Diagnostic::whole_file(Severity::Error, "", message)
                .help("choose another folder with --output, like `public`"),
        )
    };
    let root = fs::canonicalize(root).ok()?;
    let output = absolute(output);
    let shown = output.display();
    if root.starts_with(&output) {
        return refuse(format!(
            "the output folder {shown} is the story folder or contains it: building would replace the story"
        ));
    }
    for input in INPUTS {
        if output.starts_with(root.join(input)) {
            return refuse(format!(
                "the output folder {shown} is the story's {input}/ folder or inside it: building would replace what is written there"
            ));
        }
    }
    for guarded in ["content", ".git"] {
        if output.join(guarded).exists() {
            return refuse(format!(
                "the output folder {shown} holds a `{guarded}/` folder: it looks like a story or a repository, not a built site"
            ));
        }
    }
    if output.exists() && !output.is_dir() {
        return refuse(format!("the output {shown} is a file, not a folder"));
    }
    if force || made_by_explainer(&output) {
        return None;
    }
    let theirs = entries(&output);
    if theirs.is_empty() {
        return None;
    }
    let mut named: Vec<String> = theirs.iter().take(NAMED).cloned().collect();
    if theirs.len() > NAMED {
        named.push(format!("{} more", theirs.len() - NAMED));
    }
    let named = match named.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => named.join(""),
    };
    Some(
        Diagnostic::whole_file(
            Severity::Error,
            "",
            format!(
                "the output folder {shown} was not made by explainer (it has no {MARKER} file) and holds {named}: building would delete {}",
                if theirs.len() == 1 { "it" } else { "them" }
            ),
        )
        .help(format!(
            "choose another folder with --output (a new or empty one), or, if everything in {shown} may be deleted, build again with --force"
        )),
    )
}

/// True for a folder a build wrote: it has the [`MARKER`], or it is a site
/// built before the marker existed (an `index.html` and explainer's own
/// `data/events.json`), which the next build marks.
fn made_by_explainer(output: &Path) -> bool {
    if output.join(MARKER).is_file() {
        return true;
    }
    let mut start = Vec::with_capacity(64);
    let events = fs::File::open(output.join("data/events.json"))
        .and_then(|file| io::Read::read_to_end(&mut io::Read::take(file, 64), &mut start));
    output.join("index.html").is_file()
        && events.is_ok()
        && start.starts_with(b"{\n  \"schema\": \"explainer/events@1\"")
}

/// The names in a folder, sorted, folders ending with `/`, file managers'
/// litter left out.
fn entries(folder: &Path) -> Vec<String> {
    let Ok(read) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut names: Vec<String> = read
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            (!LITTER.contains(&name.as_str())).then(|| if is_dir { name + "/" } else { name })
        })
        .collect();
    names.sort();
    names
}

/// The path made absolute and canonical as far as it exists (a link to a
/// folder is followed, so the site replaces the folder, not the link).
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

/// How a build puts its site in place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Write only the files whose bytes changed, each moved into place on its
    /// own, and remove the files no longer made (see [`update`]). Readers of
    /// the folder during the build may see some pages old and some new.
    #[default]
    Update,
    /// Write the whole site into a new folder and put it in the output's
    /// place in one step: for a server that serves straight from the output
    /// folder. Every file is new, so uploads by date or inode send them all.
    Swap,
}

/// What a build did to the output folder, in files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub written: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// One file of the new site, as the writer left it.
#[derive(Debug, Clone)]
pub struct Entry {
    path: String,
    hash: u128,
    size: u64,
    /// Written into the staging folder, to be moved into place.
    staged: bool,
}

impl Entry {
    /// Whether the file is an HTML page (not a picture, data file or feed).
    pub fn is_page(&self) -> bool {
        self.path.ends_with(".html")
    }
}

/// Puts a new site in the output folder. Files are handed to it as they are
/// made, on any thread; what must be written goes into a folder beside the
/// output (made when the first such file comes), and nothing in the output
/// changes before [`Writer::publish`]. Dropped before that, the staging
/// folder is removed and the output is left as it was.
pub struct Writer {
    output: PathBuf,
    parent: PathBuf,
    name: String,
    /// What the output holds, when it is updated in place; `None` to swap.
    previous: Option<update::Previous>,
    staging: OnceLock<io::Result<tempfile::TempDir>>,
    /// The staging folder, open: files and folders are made in it by their
    /// paths from it, so the kernel does not walk the output's path for each.
    #[cfg(target_os = "linux")]
    staging_fd: OnceLock<Option<std::os::fd::OwnedFd>>,
    /// The folders made in the staging folder, from it (`events/x`): a
    /// folder of many files (`share/`) is made once, not asked for again
    /// for each of them.
    folders: Mutex<FastSet<String>>,
}

impl Writer {
    /// A writer into `output`. It only reads the output (its manifest and
    /// the names, sizes and times of its files): without a manifest it can trust,
    /// it swaps the whole folder, whatever `mode` says.
    pub fn new(output: &Path, mode: Mode) -> Writer {
        let output = absolute(output);
        let parent = output.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = output
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let previous = match mode {
            Mode::Update => update::Previous::read(&output),
            Mode::Swap => None,
        };
        Writer {
            output,
            parent,
            name,
            previous,
            staging: OnceLock::new(),
            #[cfg(target_os = "linux")]
            staging_fd: OnceLock::new(),
            folders: Mutex::default(),
        }
    }

    /// The staging folder, made beside the output the first time it is
    /// needed, after clearing what dead builds left there.
    fn staging(&self) -> io::Result<&Path> {
        let made = self.staging.get_or_init(|| {
            fs::create_dir_all(&self.parent).map_err(|e| with_path(e, &self.parent))?;
            clear_leftovers(&self.parent, &self.name, &self.output);
            let pid = std::process::id();
            tempfile::Builder::new()
                .prefix(&format!(".{}.building-{pid}-", self.name))
                .tempdir_in(&self.parent)
                .map_err(|e| with_path(e, &self.parent))
        });
        match made {
            Ok(folder) => Ok(folder.path()),
            Err(error) => Err(io::Error::new(error.kind(), error.to_string())),
        }
    }

    /// Takes one file at `path` (relative to the site root): stages it,
    /// unless the output already holds these bytes there. Each file is
    /// written as soon as it is made, so the site is never all in memory.
    pub fn write(&self, path: &str, bytes: &[u8]) -> io::Result<Entry> {
        let hash = manifest::hash(bytes);
        let size = bytes.len() as u64;
        let path = path.to_string();
        let unchanged = self
            .previous
            .as_ref()
            .is_some_and(|p| p.unchanged(&path, hash, size));
        if unchanged {
            return Ok(Entry {
                path,
                hash,
                size,
                staged: false,
            });
        }
        let staging = self.staging()?;
        #[cfg(target_os = "linux")]
        let at = self
            .staging_fd
            .get_or_init(|| open_folder(rustix::fs::CWD, staging).ok())
            .as_ref();
        if let Some((folder, _)) = path.rsplit_once('/') {
            let made = self.folders.lock().is_ok_and(|f| f.contains(folder));
            if !made {
                #[cfg(target_os = "linux")]
                let made = at.map(|at| make_folders(at, folder));
                #[cfg(not(target_os = "linux"))]
                let made: Option<io::Result<()>> = None;
                made.unwrap_or_else(|| fs::create_dir_all(staging.join(folder)))
                    .map_err(|e| with_path(e, &staging.join(folder)))?;
                if let Ok(mut folders) = self.folders.lock() {
                    folders.insert(folder.to_string());
                }
            }
        }
        #[cfg(target_os = "linux")]
        let written = at.map(|at| write_at(at, &path, bytes));
        #[cfg(not(target_os = "linux"))]
        let written: Option<io::Result<()>> = None;
        written
            .unwrap_or_else(|| fs::write(staging.join(&path), bytes))
            .map_err(|e| with_path(e, &staging.join(&path)))?;
        Ok(Entry {
            path,
            hash,
            size,
            staged: true,
        })
    }

    /// Takes the file the output holds at `path` as this build's, unwritten,
    /// if the manifest knows its bytes and the file system confirms them
    /// (see [`Writer::write`]): for a page a build need not make again.
    pub fn keep(&self, path: &str) -> Option<Entry> {
        let (hash, size) = self.previous.as_ref()?.known(path)?;
        Some(Entry {
            path: path.to_string(),
            hash,
            size,
            staged: false,
        })
    }

    /// Takes the static files, each from where its bytes are.
    pub fn copy(&self, statics: &[StaticFile]) -> io::Result<Vec<Entry>> {
        statics
            .par_iter()
            .map(|file| match &file.bytes {
                Bytes::BuiltIn(bytes) => self.write(&file.path, bytes),
                Bytes::File(source) => {
                    let bytes = fs::read(source).map_err(|e| with_path(e, source))?;
                    self.write(&file.path, &bytes)
                }
            })
            .collect()
    }

    /// Puts the site of `entries` (every file [`Writer::write`] and
    /// [`Writer::copy`] took) in the output folder, marked as explainer's
    /// (see [`MARKER`]) and with its manifest.
    pub fn publish(self, entries: Vec<Entry>) -> io::Result<Written> {
        self.publish_until(entries, usize::MAX)
    }

    /// [`Writer::publish`], stopping after `limit` changes to the output, as a
    /// killed build would (a limit only tests set).
    fn publish_until(self, entries: Vec<Entry>, limit: usize) -> io::Result<Written> {
        let Some(previous) = &self.previous else {
            let staging = self.staging()?;
            let records = entries.iter().map(|entry| {
                let record = Record::Known {
                    hash: entry.hash,
                    size: entry.size,
                };
                (entry.path.clone(), record)
            });
            let manifest = Manifest(records.collect());
            for (name, text) in [
                (MARKER, MARKER_TEXT.into()),
                (manifest::FILE, manifest.text()),
            ] {
                let target = staging.join(name);
                fs::write(&target, text).map_err(|e| with_path(e, &target))?;
            }
            let Some(Ok(folder)) = self.staging.into_inner() else {
                unreachable!("the staging folder was made above");
            };
            swap_in(folder, &self.output, &self.parent, &self.name)?;
            return Ok(Written {
                written: entries.len(),
                ..Written::default()
            });
        };
        clear_leftovers(&self.parent, &self.name, &self.output);
        let (ops, written) = update::changes(previous, &entries);
        if ops.is_empty() {
            return Ok(written);
        }
        let staging = match ops.iter().any(|op| matches!(op, update::Op::Move(_))) {
            true => self.staging()?.to_path_buf(),
            false => PathBuf::new(),
        };
        update::apply(&ops, &self.output, &staging, limit)?;
        Ok(written)
    }
}

/// Puts the staged folder at `output`; the old output is removed only after.
fn swap_in(
    mut staging: tempfile::TempDir,
    output: &Path,
    parent: &Path,
    name: &str,
) -> io::Result<()> {
    if !output.exists() {
        fs::rename(staging.path(), output).map_err(|e| with_path(e, output))?;
        // Moved into place: nothing is left to remove.
        staging.disable_cleanup(true);
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        // One atomic step: readers see the old site or the new one, never neither.
        match renameat_with(CWD, staging.path(), CWD, output, RenameFlags::EXCHANGE) {
            Ok(()) => {
                // The staging folder now holds the old site. If it cannot be
                // removed now, the next build clears it (its name says so).
                remove_tree(staging.path()).ok();
                staging.close().ok();
                return Ok(());
            }
            // File systems without exchange: move aside, move in, as below.
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            Err(error) => return Err(with_path(error.into(), output)),
        }
    }
    let pid = std::process::id();
    let mut old = tempfile::Builder::new()
        .prefix(&format!(".{name}.old-{pid}-"))
        .tempdir_in(parent)
        .map_err(|e| with_path(e, parent))?;
    let aside = old.path().join(name);
    fs::rename(output, &aside).map_err(|e| with_path(e, output))?;
    if let Err(error) = fs::rename(staging.path(), output) {
        // Put the old output back so readers' site is untouched; if even that
        // fails, keep it where it is, for the next build to put back.
        if fs::rename(&aside, output).is_err() {
            old.disable_cleanup(true);
        }
        return Err(with_path(error, output));
    }
    staging.disable_cleanup(true);
    old.close().map_err(|e| with_path(e, &aside))
}

/// Removes what builds that died half-way left beside `output`. A site such
/// a build had moved aside is put back first when `output` is missing.
/// Folders of builds still running are left alone. Only Linux can tell
/// (through /proc); elsewhere leftovers stay until removed by hand.
fn clear_leftovers(parent: &Path, name: &str, output: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let building = format!(".{name}.building-");
    let old = format!(".{name}.old-");
    let mut dead: Vec<(PathBuf, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let (rest, is_old) = match file_name.strip_prefix(&building) {
                Some(rest) => (rest.to_string(), false),
                None => (file_name.strip_prefix(&old)?.to_string(), true),
            };
            let pid: u32 = rest.split('-').next()?.parse().ok()?;
            (!is_running(pid)).then(|| (entry.path(), is_old))
        })
        .collect();
    dead.sort();
    for (path, is_old) in dead {
        let moved = path.join(name);
        if is_old && !output.exists() && moved.is_dir() {
            fs::rename(&moved, output).ok();
        }
        fs::remove_dir_all(&path).ok();
    }
}

#[cfg(target_os = "linux")]
fn is_running(pid: u32) -> bool {
    pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn is_running(_pid: u32) -> bool {
    true
}

/// Removes a folder and everything in it, many entries at a time: on a slow
/// disk, removing the previous site one file after another takes seconds.
#[cfg(not(target_os = "linux"))]
fn remove_tree(path: &Path) -> io::Result<()> {
    let entries: Vec<fs::DirEntry> = fs::read_dir(path)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(path)
}

/// Removes a folder and everything in it, many entries at a time: on a slow
/// disk, removing the previous site one file after another takes seconds.
/// Entries are named relative to their open folder, so no path is walked
/// twice, and symbolic links are removed, never followed.
#[cfg(target_os = "linux")]
fn remove_tree(path: &Path) -> io::Result<()> {
    use rustix::fs::{AtFlags, CWD, unlinkat};
    empty_folder(open_folder(CWD, path)?)?;
    Ok(unlinkat(CWD, path, AtFlags::REMOVEDIR)?)
}

/// Opens the folder at `path` (from `at`) for reading, never through a link.
#[cfg(target_os = "linux")]
fn open_folder(
    at: impl std::os::fd::AsFd,
    path: impl rustix::path::Arg,
) -> io::Result<std::os::fd::OwnedFd> {
    use rustix::fs::{Mode, OFlags, openat};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(openat(at, path, flags, Mode::empty())?)
}

/// Makes the folder at `path` (from `at`) and those it is in, as
/// `fs::create_dir_all` does.
#[cfg(target_os = "linux")]
fn make_folders(at: &std::os::fd::OwnedFd, path: &str) -> io::Result<()> {
    use rustix::fs::{Mode, mkdirat};
    use rustix::io::Errno;
    match mkdirat(at, path, Mode::from_bits_truncate(0o777)) {
        Ok(()) | Err(Errno::EXIST) => Ok(()),
        Err(Errno::NOENT) => {
            if let Some((parent, _)) = path.rsplit_once('/') {
                make_folders(at, parent)?;
            }
            match mkdirat(at, path, Mode::from_bits_truncate(0o777)) {
                Ok(()) | Err(Errno::EXIST) => Ok(()),
                Err(error) => Err(error.into()),
            }
        }
        Err(error) => Err(error.into()),
    }
}

/// Writes `bytes` to a new file at `path` (from `at`), as `fs::write` does.
#[cfg(target_os = "linux")]
fn write_at(at: &std::os::fd::OwnedFd, path: &str, bytes: &[u8]) -> io::Result<()> {
    use rustix::fs::{Mode, OFlags, openat};
    use std::io::Write;
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
    let file = openat(at, path, flags, Mode::from_bits_truncate(0o666))?;
    fs::File::from(file).write_all(bytes)
}

/// Removes everything in an open folder.
#[cfg(target_os = "linux")]
fn empty_folder(folder: std::os::fd::OwnedFd) -> io::Result<()> {
    use rustix::fs::{AtFlags, Dir, FileType, statat, unlinkat};
    use std::ffi::CString;
    let mut dir = Dir::new(folder)?;
    let mut entries: Vec<(CString, FileType)> = Vec::new();
    while let Some(entry) = dir.read() {
        let entry = entry?;
        let name = entry.file_name();
        if name != c"." && name != c".." {
            entries.push((name.to_owned(), entry.file_type()));
        }
    }
    let at = dir.fd()?;
    entries.par_iter().try_for_each(|(name, kind)| {
        let kind = match kind {
            FileType::Unknown => {
                FileType::from_raw_mode(statat(at, name, AtFlags::SYMLINK_NOFOLLOW)?.st_mode)
            }
            known => *known,
        };
        if kind != FileType::Directory {
            return Ok(unlinkat(at, name, AtFlags::empty())?);
        }
        // A page's folder holds its index.html alone: two calls, without reading it.
        let mut index = name.as_bytes().to_vec();
        index.extend_from_slice(b"/index.html");
        let index = CString::new(index).map_err(io::Error::other)?;
        if unlinkat(at, &index, AtFlags::empty()).is_ok()
            && unlinkat(at, name, AtFlags::REMOVEDIR).is_ok()
        {
            return Ok(());
        }
        empty_folder(open_folder(at, name)?)?;
        Ok(unlinkat(at, name, AtFlags::REMOVEDIR)?)
    })
}

fn with_path(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Page;

    /// Writes a whole site at once, as `build` does page by page, swapping it in.
    fn publish(output: &Path, pages: &[Page], statics: &[StaticFile]) -> io::Result<()> {
        let writer = Writer::new(output, Mode::Swap);
        let mut entries = pages
            .iter()
            .map(|page| writer.write(&page.path, &page.bytes))
            .collect::<io::Result<Vec<_>>>()?;
        entries.extend(writer.copy(statics)?);
        writer.publish(entries).map(drop)
    }

    fn page(path: &str, text: &str) -> Page {
        Page {
            path: path.to_string(),
            bytes: text.as_bytes().to_vec().into(),
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_site_replaces_the_previous_output_as_a_whole() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        publish(
            &output,
            &[page("index.html", "one"), page("old.html", "x")],
            &[],
        )
        .unwrap();
        publish(&output, &[page("index.html", "two")], &[]).unwrap();
        assert_eq!(names(&output), [manifest::FILE, MARKER, "index.html"]);
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "two"
        );
        assert_eq!(names(dir.path()), ["public"]);
    }

    #[test]
    fn removing_the_previous_site_takes_every_kind_of_folder_and_follows_no_link() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old");
        let kept = dir.path().join("kept");
        fs::create_dir_all(&kept).unwrap();
        fs::write(kept.join("precious.txt"), "x").unwrap();
        for (path, text) in [
            ("index.html", "home"),
            ("events/a/index.html", "a page folder"),
            ("events/b/index.html", "a page folder with more"),
            ("events/b/photo.jpg", "more"),
            ("events/c/notes.txt", "no index.html"),
            ("deep/er/still/index.html", "nested"),
            ("deep/er/still/more/x.txt", "nested"),
        ] {
            let file = old.join(path);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, text).unwrap();
        }
        fs::create_dir_all(old.join("empty")).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&kept, old.join("events/link")).unwrap();
            std::os::unix::fs::symlink(&kept, old.join("index.html.link")).unwrap();
        }
        remove_tree(&old).unwrap();
        assert!(!old.exists());
        assert_eq!(names(dir.path()), ["kept"]);
        assert_eq!(fs::read_to_string(kept.join("precious.txt")).unwrap(), "x");
    }

    #[test]
    fn a_failed_write_leaves_the_output_and_no_temp_folder() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        publish(&output, &[page("index.html", "one")], &[]).unwrap();
        // `a` is a file, so `a/b.html` cannot be written.
        let pages = [page("a", "file"), page("a/b.html", "x")];
        assert!(publish(&output, &pages, &[]).is_err());
        assert_eq!(names(&output), [manifest::FILE, MARKER, "index.html"]);
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "one"
        );
        assert_eq!(names(dir.path()), ["public"]);
    }

    #[test]
    fn only_folders_explainer_marked_or_built_are_replaced_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("story");
        fs::create_dir_all(root.join("content")).unwrap();
        let refused =
            |output: &Path, force: bool| refuse_output(&root, output, force).map(|d| d.message);
        // Missing, empty, or holding only a file manager's litter: nothing to lose.
        let output = dir.path().join("site");
        assert_eq!(refused(&output, false), None);
        fs::create_dir_all(&output).unwrap();
        fs::write(output.join(".DS_Store"), "x").unwrap();
        assert_eq!(refused(&output, false), None);
        // Someone's files: named, and replaced only with force.
        for name in ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt"] {
            fs::write(output.join(name), "x").unwrap();
        }
        fs::create_dir_all(output.join("notes")).unwrap();
        let message = refused(&output, false).expect("refused");
        assert!(
            message.ends_with(
                " holds a.txt, b.txt, c.txt, d.txt, e.txt and 2 more: building would delete them"
            ),
            "{message}"
        );
        assert_eq!(refused(&output, true), None);
        // A site an older explainer built has no marker, but its own data.
        fs::write(output.join("index.html"), "x").unwrap();
        assert!(
            refused(&output, false).is_some(),
            "index.html alone is not enough"
        );
        fs::create_dir_all(output.join("data")).unwrap();
        fs::write(
            output.join("data/events.json"),
            "{\n  \"schema\": \"explainer/events@1\",\n",
        )
        .unwrap();
        assert_eq!(refused(&output, false), None);
        // A marked folder is ours.
        let marked = dir.path().join("marked");
        fs::create_dir_all(&marked).unwrap();
        fs::write(marked.join(MARKER), MARKER_TEXT).unwrap();
        fs::write(marked.join("stale.html"), "x").unwrap();
        assert_eq!(refused(&marked, false), None);
        // Force never allows the story or a repository.
        fs::create_dir_all(marked.join(".git")).unwrap();
        assert!(refused(&marked, true).is_some());
        assert!(refused(&root.join("content"), true).is_some());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn leftovers_of_a_killed_build_are_cleared_and_its_moved_site_put_back() {
        let dir = tempfile::tempdir().unwrap();
        // A build (with a pid no process has) died after moving the site aside.
        let dead = 4_000_000_000u32;
        let aside = dir.path().join(format!(".public.old-{dead}-abc/public"));
        fs::create_dir_all(&aside).unwrap();
        fs::write(aside.join("index.html"), "previous").unwrap();
        let staged = dir.path().join(format!(".public.building-{dead}-def"));
        fs::create_dir_all(&staged).unwrap();
        // A build still running (this one) is left alone.
        let running = dir
            .path()
            .join(format!(".public.building-{}-ghi", std::process::id()));
        fs::create_dir_all(&running).unwrap();
        let output = dir.path().join("public");
        clear_leftovers(dir.path(), "public", &output);
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "previous"
        );
        let running = running.file_name().unwrap().to_string_lossy().into_owned();
        let mut expected = vec!["public".to_string(), running];
        expected.sort();
        assert_eq!(names(dir.path()), expected);
    }

    /// Every file of the output but the manifest, and the manifest's paths.
    fn site(output: &Path) -> (Vec<(String, String)>, Vec<String>) {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(output)
            .min_depth(1)
            .sort_by_file_name()
        {
            let entry = entry.unwrap();
            let path = entry.path().strip_prefix(output).unwrap();
            let path = path.to_string_lossy().into_owned();
            if entry.file_type().is_dir() {
                files.push((path + "/", String::new()));
            } else if path != manifest::FILE {
                files.push((path, fs::read_to_string(entry.path()).unwrap()));
            }
        }
        let text = fs::read_to_string(output.join(manifest::FILE)).unwrap();
        let manifest = Manifest::parse(&text).unwrap();
        (files, manifest.0.into_keys().collect())
    }

    fn update(output: &Path, pages: &[Page], limit: usize) -> io::Result<Written> {
        let writer = Writer::new(output, Mode::Update);
        let entries = pages
            .iter()
            .map(|page| writer.write(&page.path, &page.bytes))
            .collect::<io::Result<Vec<_>>>()?;
        writer.publish_until(entries, limit)
    }

    /// A build stopped after any number of its changes to the output (as a
    /// killed one is) leaves an output the next build turns into exactly
    /// the site a clean build makes: pages changed, added and removed, a
    /// file where a folder must go and a folder where a file must go.
    #[test]
    fn a_build_stopped_after_any_change_is_repaired_by_the_next() {
        let first = [
            page("index.html", "one"),
            page("events/a/index.html", "a"),
            page("events/b/index.html", "b"),
            page("gone/deep/index.html", "gone"),
            page("feed.xml", "feed"),
            page("style.css", "css"),
        ];
        let second = [
            page("index.html", "two"),
            page("events/a/index.html", "a"),
            page("events/c/index.html", "c"),
            page("feed.xml/index.html", "a folder now"),
            page("gone", "a file now"),
            page("style.css", "css"),
        ];
        let third = [
            page("index.html", "three"),
            page("events/a/index.html", "a"),
            page("feed.xml", "feed"),
        ];
        let dir = tempfile::tempdir().unwrap();
        let clean = dir.path().join("clean");
        publish(&clean, &third, &[]).unwrap();
        let expected = site(&clean);

        let probe = dir.path().join("probe");
        publish(&probe, &first, &[]).unwrap();
        let writer = Writer::new(&probe, Mode::Update);
        let entries: Vec<Entry> = second
            .iter()
            .map(|p| writer.write(&p.path, &p.bytes).unwrap())
            .collect();
        let previous = writer.previous.as_ref().unwrap();
        let (ops, written) = update::changes(previous, &entries);
        assert_eq!(
            written,
            Written {
                written: 4,
                removed: 3,
                unchanged: 2
            }
        );
        for limit in 0..=ops.len() {
            let output = dir.path().join(format!("site-{limit}"));
            publish(&output, &first, &[]).unwrap();
            update(&output, &second, limit).unwrap();
            if limit == ops.len() {
                let clean_second = dir.path().join("clean-second");
                publish(&clean_second, &second, &[]).unwrap();
                assert_eq!(site(&output), site(&clean_second));
            }
            update(&output, &third, usize::MAX).unwrap();
            assert_eq!(site(&output), expected, "stopped after {limit} changes");
        }
    }

    #[test]
    fn an_update_with_nothing_changed_makes_no_change() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let pages = [page("index.html", "one"), page("events/a/index.html", "a")];
        publish(&output, &pages, &[]).unwrap();
        let writer = Writer::new(&output, Mode::Update);
        let entries: Vec<Entry> = pages
            .iter()
            .map(|p| writer.write(&p.path, &p.bytes).unwrap())
            .collect();
        assert!(entries.iter().all(|entry| !entry.staged));
        let (ops, _) = update::changes(writer.previous.as_ref().unwrap(), &entries);
        assert_eq!(ops, []);
        assert_eq!(
            writer.publish(entries).unwrap(),
            Written {
                written: 0,
                removed: 0,
                unchanged: 2
            }
        );
        assert_eq!(names(dir.path()), ["public"], "no staging folder was made");
    }
}
