//! Benchmark of `explainer serve`: time from an editor's save to the reload event.
//!
//! Run it with `scripts/bench-reload.sh` (it builds the release binary and this
//! file, which uses only the standard library). For each story it starts
//! `explainer serve --port 0`, listens to `/__explainer/events` like an open
//! tab, then saves a file many times, waiting a while between saves, and
//! measures from just before the write to the arrival of the event announcing
//! the new build. Stories: a copy of the default story (this repository's
//! `content/`, `templates/` and `static/`), and a synthetic one with 1,000
//! events over 20 files, 100 actors, sections and cross-references, generated
//! from a fixed seed.
//!
//! Usage: bench-reload EXPLAINER_BINARY REPOSITORY [SAVES]
//!        bench-reload generate DIR     (only write the synthetic story into DIR)

#[path = "../tests/support/sse.rs"]
mod sse;

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = env::args().collect();
    if args.len() == 3 && args[1] == "generate" {
        generate(Path::new(&args[2]), 1000, SEED);
        return;
    }
    if args.len() < 3 {
        eprintln!("usage: bench-reload EXPLAINER_BINARY REPOSITORY [SAVES]");
        std::process::exit(2);
    }
    let binary = PathBuf::from(&args[1]);
    let repository = PathBuf::from(&args[2]);
    let saves: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(60);
    let scratch = env::temp_dir().join(format!("explainer-bench-reload-{}", std::process::id()));

    let default = scratch.join("default");
    for folder in ["content", "templates", "static"] {
        if repository.join(folder).is_dir() {
            copy_tree(&repository.join(folder), &default.join(folder));
        }
    }
    let section = "content/story/01-what-happened.md";
    measure(&binary, "default story", &default, section, saves);

    let synthetic = scratch.join("synthetic");
    generate(&synthetic, 1000, SEED);
    measure(
        &binary,
        "synthetic story, 1,000 events",
        &synthetic,
        "content/events/events-07.toml",
        saves,
    );
    fs::remove_dir_all(&scratch).ok();
}

const SEED: u64 = 0x5eed_2025;

/// Saves `file` `saves` times and prints the save-to-event latency figures.
fn measure(binary: &Path, name: &str, root: &Path, file: &str, saves: usize) {
    let mut server = Server::start(binary, root);
    let events = server.events();
    let wait = Duration::from_secs(30);
    let mut build = sse::next_build(&events, None, wait);
    let path = root.join(file);
    let original = fs::read_to_string(&path).expect("read the file to edit");
    let mut latencies = Vec::with_capacity(saves);
    let cpu_before = server.cpu_ms();
    for n in 0..saves {
        // Let the previous rebuild settle, as between two real saves.
        thread::sleep(Duration::from_millis(150));
        let text = format!("{original}\n# benchmark save {n}\n");
        let text = if file.ends_with(".md") {
            format!("{original}\nBenchmark save {n}.\n")
        } else {
            text
        };
        let started = Instant::now();
        fs::write(&path, text).expect("save");
        build = sse::next_build(&events, Some(&build), wait);
        latencies.push(started.elapsed());
    }
    let builds = server.build_times();
    let cpu = cpu_before
        .zip(server.cpu_ms())
        .map(|(before, after)| (after - before) / saves as f64);
    server.stop();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    let mut line = format!("{name}: {saves} saves, save to reload event: ");
    write!(
        line,
        "median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(at(0.5)),
        ms(at(0.9)),
        ms(latencies[0]),
        ms(latencies[latencies.len() - 1])
    )
    .ok();
    if let Some(median) = median(builds) {
        write!(
            line,
            "; rebuild (as the server reports it) median {median} ms"
        )
        .ok();
    }
    if let Some(cpu) = cpu {
        write!(line, "; server CPU time per save {cpu:.0} ms").ok();
    }
    println!("{line}");
}

fn median(mut values: Vec<u64>) -> Option<u64> {
    values.sort_unstable();
    values.get(values.len() / 2).copied()
}

struct Server {
    child: Child,
    address: SocketAddr,
    stdout: mpsc::Receiver<String>,
}

impl Server {
    fn start(binary: &Path, root: &Path) -> Server {
        let mut child = Command::new(binary)
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start explainer serve");
        let (sender, stdout) = mpsc::channel();
        let pipe = child.stdout.take().expect("stdout");
        thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        let address = loop {
            let line = stdout
                .recv_timeout(Duration::from_secs(60))
                .expect("the server starts");
            if let Some(at) = line.find("http://") {
                let rest = &line[at + "http://".len()..];
                break rest[..rest.find('/').expect("url")]
                    .parse()
                    .expect("address");
            }
        };
        Server {
            child,
            address,
            stdout,
        }
    }

    fn events(&self) -> mpsc::Receiver<(String, String)> {
        sse::subscribe(self.address)
    }

    /// The rebuild times the server printed ("Rebuilt ... in 7 ms ...").
    fn build_times(&self) -> Vec<u64> {
        self.stdout
            .try_iter()
            .filter(|line| line.starts_with("Rebuilt "))
            .filter_map(|line| {
                let before = line.split(" ms").next()?;
                before.rsplit(' ').next()?.parse().ok()
            })
            .collect()
    }

    /// The server's CPU time so far (user and system), in ms, where Linux tells it.
    /// Unlike latency it hardly depends on what else the machine is doing.
    fn cpu_ms(&self) -> Option<f64> {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
        let ticks: f64 =
            fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
        // Clock ticks are 1/100 s on Linux.
        Some(ticks * 10.0)
    }

    fn stop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A small deterministic generator (xorshift64*).
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

/// Writes a valid story with `events` events over 20 files, 100 actors, 12
/// sections and 20 sources, cross-referenced at random from `seed`.
fn generate(root: &Path, events: usize, seed: u64) {
    const ACTORS: usize = 100;
    const SECTIONS: usize = 12;
    const SOURCES: usize = 20;
    const FILES: usize = 20;
    const KINDS: [&str; 5] = ["person", "state", "organization", "media", "group"];
    let mut random = Random(seed);
    let content = root.join("content");
    for folder in ["story", "events", "actors"] {
        fs::create_dir_all(content.join(folder)).expect("create folder");
    }
    fs::write(
        content.join("site.toml"),
        "title = \"A synthetic story\"\nbase_url = \"https://example.org/synthetic/\"\n",
    )
    .expect("site");
    let mut sources = String::new();
    for s in 0..SOURCES {
        writeln!(
            sources,
            "[[source]]\nid = \"source-{s}\"\ntitle = \"Source number {s}\"\npublisher = \"Publisher {}\"\nurl = \"https://example.org/source/{s}\"\n",
            s % 5
        )
        .ok();
    }
    fs::write(content.join("sources.toml"), sources).expect("sources");
    for a in 0..ACTORS {
        let other = random.below(ACTORS);
        let relation = if other == a {
            String::new()
        } else {
            format!("\n[[relations]]\nto = \"actor-{other}\"\nkind = \"works with\"\n")
        };
        let text = format!(
            "+++\nname = \"Actor {a}\"\nkind = \"{}\"\nrole = \"Role of actor {a}\"\n{relation}+++\nActor {a} appears in [event {}](event:event-{}) and works with [actor {other}](actor:actor-{other}).\n\nA second paragraph of biography, long enough to be a real one, with *emphasis* and a list:\n\n- one point\n- another point\n",
            KINDS[a % KINDS.len()],
            random.below(events),
            random.below(events)
        );
        // Both event numbers come from the generator; keep the link and its text apart.
        fs::write(content.join(format!("actors/actor-{a}.md")), text).expect("actor");
    }
    for s in 0..SECTIONS {
        let mut text = format!(
            "+++\ntitle = \"Section {s}\"\nweight = {}\nsummary = \"What section {s} is about.\"\n+++\n",
            (s + 1) * 10
        );
        for p in 0..6 {
            writeln!(
                text,
                "Paragraph {p} of section {s} names [actor {a}](actor:actor-{a}), recalls [event {e}](event:event-{e}) and points back to [the first section](section:section-0).\n",
                a = random.below(ACTORS),
                e = random.below(events),
            )
            .ok();
        }
        fs::write(content.join(format!("story/{s:02}-section-{s}.md")), text).expect("section");
    }
    let per_file = events.div_ceil(FILES);
    for f in 0..FILES {
        let mut text = String::new();
        for e in f * per_file..((f + 1) * per_file).min(events) {
            let year = 1990 + e * 35 / events;
            let month = 1 + random.below(12);
            let day = 1 + random.below(28);
            let date = match e % 3 {
                0 => format!("{year}"),
                1 => format!("{year}-{month:02}"),
                _ => format!("{year}-{month:02}-{day:02}"),
            };
            let (a, b) = (random.below(ACTORS), random.below(ACTORS));
            let actors = if a == b {
                format!("\"actor-{a}\"")
            } else {
                format!("\"actor-{a}\", \"actor-{b}\"")
            };
            writeln!(
                text,
                "[[event]]\nid = \"event-{e}\"\ndate = \"{date}\"\ntitle = \"Event number {e} happens\"\nsummary = \"\"\"\n[Actor {a}](actor:actor-{a}) acts; compare [event {r}](event:event-{r}).\n\"\"\"\nactors = [{actors}]\nplace = \"Place {}\"\ntags = [\"tag-{}\"]\nsources = [\"source-{}\"]\n",
                random.below(30),
                random.below(8),
                random.below(SOURCES),
                r = random.below(events),
            )
            .ok();
            if e % 10 == 0 {
                writeln!(
                    text,
                    "[[event.accounts]]\nactor = \"actor-{a}\"\nclaim = \"Actor {a} says it went *well*.\"\nstance = \"asserts\"\nsources = [\"source-{}\"]\n\n[[event.accounts]]\nactor = \"actor-{b}\"\nclaim = \"Actor {b} disagrees.\"\nstance = \"disputes\"\n",
                    random.below(SOURCES)
                )
                .ok();
            }
        }
        fs::write(content.join(format!("events/events-{f:02}.toml")), text).expect("events");
    }
}
