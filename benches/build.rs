//! `cargo bench`: full builds of the synthetic S, M and L stories, and the
//! serve loop's edit-to-reload latency for one changed event in S, M and L.
//!
//! The stories come from `support/story.rs` (also behind `examples/gen_story.rs`)
//! with its default seed, written once into a temporary folder. `build` times
//! `explainer::build` in this process, writing into a temporary output folder
//! as the command does. `edit_to_reload` starts the real binary
//! (`explainer serve --port 0`), listens to its reload events like an open tab,
//! and times, for each save of one event file: the write, the reload event for
//! the new build, and the fetch of that event's page, which must already show
//! the edit (a stale page fails the benchmark). Whole-process figures (CPU
//! time, peak memory, pages, bytes): `scripts/bench.sh`.
//!
//! Run one: `cargo bench --bench build -- build`, `... -- edit_to_reload`.
//! `EXPLAINER=<binary> cargo bench --bench build -- edit_to_reload` times that
//! binary's `serve` instead (the same stories and edits), to compare two builds.

#[path = "../tests/support/sse.rs"]
mod sse;
#[path = "support/story.rs"]
mod story;

use std::cell::Cell;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

use divan::Bencher;
use explainer::BuildOptions;

fn main() {
    divan::main();
}

/// One generated story and what to edit in it.
struct Generated {
    root: PathBuf,
    written: story::Written,
}

struct Stories {
    _folder: tempfile::TempDir,
    sizes: Vec<(&'static str, Generated)>,
}

/// The three stories, generated on first use.
fn stories() -> &'static Stories {
    static STORIES: OnceLock<Stories> = OnceLock::new();
    STORIES.get_or_init(|| {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let sizes = story::SIZES
            .iter()
            .map(|&(name, shape)| {
                let root = folder.path().join(name);
                let written = story::generate(shape, story::DEFAULT_SEED, &root)
                    .expect("write the synthetic story");
                (name, Generated { root, written })
            })
            .collect();
        Stories {
            _folder: folder,
            sizes,
        }
    })
}

fn story(size: &str) -> &'static Generated {
    stories()
        .sizes
        .iter()
        .find(|(name, _)| *name == size)
        .map(|(_, generated)| generated)
        .expect("a known size")
}

#[divan::bench(args = ["S", "M", "L"], sample_count = 10, sample_size = 1)]
fn build(bencher: Bencher, size: &str) {
    let generated = story(size);
    let output = generated.root.with_extension("public");
    let mut options = BuildOptions::new(&generated.root);
    options.output = Some(output);
    bencher.bench_local(|| {
        let built = explainer::build(&options).expect("the synthetic story builds");
        assert!(built.warnings.is_empty(), "{:?}", built.warnings);
        built.pages
    });
}

#[divan::bench(args = ["S", "M", "L"], sample_count = 40, sample_size = 1)]
fn edit_to_reload(bencher: Bencher, size: &str) {
    let generated = story(size);
    let file = generated.root.join(&generated.written.event_file);
    let id = &generated.written.first_event;
    let original = fs::read_to_string(&file).expect("read the event file");
    let title_line = story::title_line(&original, id).expect("the event's title");
    let server = Server::start(&generated.root);
    let events = sse::subscribe(server.address);
    // Generous: the first build of M on a loaded machine.
    let wait = Duration::from_secs(600);
    let mut build = sse::next_build(&events, None, wait);
    let saves = Cell::new(0);
    bencher
        .with_inputs(|| {
            // Let the previous rebuild settle, as between two real saves.
            thread::sleep(Duration::from_millis(150));
            saves.set(saves.get() + 1);
            let marker = format!("edit {}", saves.get());
            let title = format!("{} ({marker})\"", title_line.trim_end_matches('"'));
            (original.replacen(&title_line, &title, 1), marker)
        })
        .bench_local_values(|(text, marker)| {
            fs::write(&file, text).expect("save the event file");
            build = sse::next_build(&events, Some(&build), wait);
            let page = server.get(&format!("/events/{id}/"));
            assert!(page.contains(&marker), "stale page after {marker}");
        });
    fs::write(&file, original).expect("restore the event file");
}

/// `explainer serve` on a story, on a free port.
struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    fn start(root: &Path) -> Server {
        // `EXPLAINER=<binary>` measures another build of explainer (an older
        // one, say) side by side with this one.
        let binary =
            std::env::var_os("EXPLAINER").unwrap_or_else(|| env!("CARGO_BIN_EXE_explainer").into());
        let mut child = Command::new(binary)
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start explainer serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("the server prints where it serves")
                .expect("read the server's output");
            if let Some(at) = line.find("http://") {
                let rest = &line[at + "http://".len()..];
                let end = rest.find('/').expect("a URL");
                break rest[..end].parse().expect("an address");
            }
        };
        // Keep reading, or the server blocks once the pipe is full.
        thread::spawn(move || lines.for_each(drop));
        Server { child, address }
    }

    /// The body of a page.
    fn get(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(self.address).expect("connect");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .expect("ask for the page");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read the page");
        assert!(response.starts_with("HTTP/1.1 200"), "{path}: {response}");
        response
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
