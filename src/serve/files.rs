//! What the server holds of each file of a build, and how it reads it.
//!
//! Pages are bytes in memory, shared by every response. Static files stay on
//! disk and are opened when asked for, never through a link that leaves the
//! story folder: the folder may have changed since the build, so the check is
//! made as the file is opened, not trusted from the build.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};

use crate::render::BUILD_STAND_IN;
use futures_util::stream::try_unfold;
use tokio::io::AsyncReadExt;

use crate::DataFiles;

/// One file of the served site.
#[derive(Debug, Clone)]
pub(super) enum Served {
    Memory(Bytes),
    BuiltIn(&'static [u8]),
    /// A static file, read when asked for, like `build` copies it.
    File(StoryFile),
    /// A data file, made when first asked for.
    Data(Arc<DataFile>),
}

/// A file as it goes out: its length, and its bytes or where to read them.
pub(super) struct Opened {
    pub(super) len: u64,
    pub(super) body: Body,
}

/// A page's bytes with `build` named in its live-reload address, which
/// pages are rendered with a stand-in for (see [`BUILD_STAND_IN`]), so that
/// a page the build reused from the one before is not copied per build;
/// other files as they are, shared.
fn named(bytes: &Bytes, build: &str) -> Bytes {
    let url = format!("{}?build={BUILD_STAND_IN}\"", super::SCRIPT);
    // The script is the last thing in the body: look from the end.
    let found = bytes.windows(url.len()).rposition(|w| w == url.as_bytes());
    let Some(at) = found else {
        return bytes.clone();
    };
    let start = at + url.len() - 1 - BUILD_STAND_IN.len();
    let mut named = Vec::with_capacity(bytes.len() + build.len());
    named.extend_from_slice(&bytes[..start]);
    named.extend_from_slice(build.as_bytes());
    named.extend_from_slice(&bytes[start + BUILD_STAND_IN.len()..]);
    Bytes::from(named)
}

/// How much of a static file one read takes, and one response holds at a time.
const CHUNK: usize = 64 * 1024;

impl Served {
    /// The file, ready to send; `None` when it can no longer be read, or is
    /// refused. Pages and data files are shared bytes, never copied per
    /// request; static files are streamed, so a hundred readers of a large
    /// file hold a chunk each, not the whole file.
    pub(super) async fn open(&self, build: &str) -> Option<Opened> {
        let bytes = match self {
            Served::Memory(bytes) => named(bytes, build),
            Served::BuiltIn(bytes) => Bytes::from_static(bytes),
            Served::Data(data) => data.bytes().await?,
            Served::File(file) => {
                let file = file.clone();
                let opened = tokio::task::spawn_blocking(move || {
                    let file = file.open()?;
                    Ok::<_, io::Error>((file.metadata()?.len(), file))
                });
                let (len, file) = opened.await.ok()?.ok()?;
                let chunks = try_unfold(tokio::fs::File::from_std(file), |mut file| async move {
                    let mut chunk = vec![0; CHUNK];
                    let read = file.read(&mut chunk).await?;
                    chunk.truncate(read);
                    Ok::<_, io::Error>((read > 0).then(|| (Bytes::from(chunk), file)))
                });
                let body = Body::from_stream(chunks);
                return Some(Opened { len, body });
            }
        };
        Some(Opened {
            len: bytes.len() as u64,
            body: Body::from(bytes),
        })
    }
}

/// One data file of a build, made with the others when one is first asked
/// for, then lent to every response.
#[derive(Debug)]
pub(super) struct DataFile {
    files: Arc<DataFiles>,
    path: &'static str,
    bytes: OnceLock<Option<Bytes>>,
}

impl DataFile {
    pub(super) fn new(files: &Arc<DataFiles>, path: &'static str) -> DataFile {
        DataFile {
            files: Arc::clone(files),
            path,
            bytes: OnceLock::new(),
        }
    }

    async fn bytes(self: &Arc<DataFile>) -> Option<Bytes> {
        if let Some(made) = self.bytes.get() {
            return made.clone();
        }
        // Making them takes a while on a large story: off the server's thread.
        let file = Arc::clone(self);
        let made = tokio::task::spawn_blocking(move || {
            let made = file.files.get(file.path).map(|_| {
                Bytes::from_owner(Lent {
                    files: Arc::clone(&file.files),
                    path: file.path,
                })
            });
            file.bytes.get_or_init(|| made).clone()
        });
        made.await.ok().flatten()
    }
}

/// A data file's bytes where the build made them, kept alive by whoever
/// holds a response.
struct Lent {
    files: Arc<DataFiles>,
    path: &'static str,
}

impl AsRef<[u8]> for Lent {
    fn as_ref(&self) -> &[u8] {
        // Lent only for paths that have bytes.
        self.files.get(self.path).unwrap_or_default()
    }
}

/// A file of the story folder, by its path inside it.
#[derive(Debug, Clone)]
pub(super) struct StoryFile {
    /// The story folder, canonical.
    root: Arc<Path>,
    /// Relative to `root`, as the build found it (links not resolved).
    path: PathBuf,
}

impl StoryFile {
    /// The file at `full`, which must be under `root`.
    pub(super) fn new(root: &Arc<Path>, full: &Path) -> Option<StoryFile> {
        let path = full.strip_prefix(root).ok()?.to_path_buf();
        Some(StoryFile {
            root: Arc::clone(root),
            path,
        })
    }

    /// Opens the file for reading, if it is a regular file inside the story
    /// folder once every link on the way is followed.
    pub(super) fn open(&self) -> io::Result<File> {
        let file = open_within(&self.root, &self.path)?;
        if !file.metadata()?.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        Ok(file)
    }
}

/// Opens `root/path`, refusing any path, or link on it, that resolves outside
/// `root`. On Linux the kernel resolves it (`openat2` with `RESOLVE_BENEATH`),
/// so a folder swapped for a link halfway cannot slip through.
#[cfg(target_os = "linux")]
fn open_within(root: &Path, path: &Path) -> io::Result<File> {
    use rustix::fs::{Mode, OFlags, ResolveFlags, open, openat2};
    use rustix::io::Errno;

    let folder = open(
        root,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    // NONBLOCK: opening a named pipe must not wait for a writer.
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
    match openat2(&folder, path, flags, Mode::empty(), resolve) {
        Ok(fd) => Ok(File::from(fd)),
        // Kernels before 5.6, and sandboxes that filter the call.
        Err(Errno::NOSYS | Errno::PERM) => open_canonical_within(root, path),
        Err(error) => Err(error.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn open_within(root: &Path, path: &Path) -> io::Result<File> {
    open_canonical_within(root, path)
}

/// [`open_within`] by resolving the links first: a link made between the
/// check and the opening could still be followed.
fn open_canonical_within(root: &Path, path: &Path) -> io::Result<File> {
    let full = root.join(path).canonicalize()?;
    if !full.starts_with(root) {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the path leads out of the story folder",
        ));
    }
    File::open(full)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A story folder with `static/ok.txt`, next to a secret outside it.
    fn story() -> (tempfile::TempDir, Arc<Path>, PathBuf) {
        let temp = tempfile::tempdir().expect("temp dir");
        let root = temp.path().join("story");
        std::fs::create_dir_all(root.join("static")).expect("static");
        std::fs::write(root.join("static/ok.txt"), "ok").expect("ok");
        std::fs::create_dir(temp.path().join("outside")).expect("outside");
        let secret = temp.path().join("outside/secret.txt");
        std::fs::write(&secret, "secret").expect("secret");
        let root: Arc<Path> = root.canonicalize().expect("canonical").into();
        (temp, root, secret)
    }

    fn read(root: &Arc<Path>, path: &str) -> io::Result<String> {
        let file = StoryFile::new(root, &root.join(path)).expect("under the root");
        io::read_to_string(file.open()?)
    }

    #[test]
    fn files_and_links_inside_the_story_are_read() {
        let (_temp, root, _) = story();
        symlink("ok.txt", root.join("static/same.txt")).expect("link");
        symlink("../static", root.join("static/again")).expect("link");
        assert_eq!(read(&root, "static/ok.txt").expect("read"), "ok");
        assert_eq!(read(&root, "static/same.txt").expect("read"), "ok");
        assert_eq!(read(&root, "static/again/ok.txt").expect("read"), "ok");
        let fallback = open_canonical_within(&root, Path::new("static/again/ok.txt"));
        assert!(fallback.is_ok(), "without openat2");
    }

    #[test]
    fn links_out_of_the_story_are_never_followed() {
        let (temp, root, secret) = story();
        symlink(&secret, root.join("static/absolute.txt")).expect("link");
        symlink("../../outside/secret.txt", root.join("static/relative.txt")).expect("link");
        symlink(temp.path().join("outside"), root.join("static/folder")).expect("link");
        symlink("/etc/passwd", root.join("static/passwd")).expect("link");
        for path in [
            "static/absolute.txt",
            "static/relative.txt",
            "static/folder/secret.txt",
            "static/passwd",
        ] {
            assert!(read(&root, path).is_err(), "{path} was read");
            let fallback = open_canonical_within(&root, Path::new(path));
            assert!(fallback.is_err(), "{path} was read without openat2");
        }
    }

    #[test]
    fn a_file_replaced_by_a_link_after_the_build_is_not_followed() {
        let (_temp, root, secret) = story();
        let file = StoryFile::new(&root, &root.join("static/ok.txt")).expect("under the root");
        std::fs::remove_file(root.join("static/ok.txt")).expect("remove");
        symlink(&secret, root.join("static/ok.txt")).expect("link");
        assert!(file.open().is_err());
        // Nor the fallback for kernels without openat2.
        assert!(open_canonical_within(&root, Path::new("static/ok.txt")).is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn only_regular_files_are_opened() {
        let (_temp, root, _) = story();
        let folder = StoryFile::new(&root, &root.join("static")).expect("under the root");
        assert!(folder.open().is_err());
        let pipe = root.join("static/pipe");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &pipe,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .expect("a named pipe");
        let pipe = StoryFile::new(&root, &pipe).expect("under the root");
        assert!(pipe.open().is_err(), "a pipe, and opening it did not hang");
    }
}
