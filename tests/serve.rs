//! Starts `explainer serve` on a free port of 127.0.0.1 in temp stories, edits
//! files the ways editors save them, and asserts what the server serves and
//! announces: pages, reload events, errors for the overlay, and that the served
//! site always ends equal to a clean `explainer build`.

#[path = "support/sse.rs"]
mod sse;
mod support;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{Story, explainer, stderr};

/// Long enough for a debug build on two busy cores; every wait polls and returns early.
const PATIENCE: Duration = Duration::from_secs(20);

const SECTION: &str = "content/story/01-what-happened.md";

fn section(title: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nweight = 10\n+++\n[Anna](actor:anna) met [Bob](actor:bob) at [the meeting](event:meeting).\n"
    )
}

/// A running `explainer serve`, killed when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(story: &Story) -> Server {
        Server::start_with(story, &[])
    }

    fn start_with(story: &Story, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_explainer"))
            .args(["serve", "--port", "0", "--root"])
            .arg(story.root())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start explainer serve");
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        let address = wait_for(|| {
            let out = stdout.lock().expect("stdout lock");
            let at = out.find("http://")?;
            let rest = &out[at + "http://".len()..];
            rest[..rest.find('/')?].parse::<SocketAddr>().ok()
        })
        .unwrap_or_else(|| {
            panic!(
                "the server did not start:\n{}",
                stderr.lock().expect("stderr lock")
            )
        });
        Server {
            child,
            address,
            stdout,
            stderr,
        }
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path)
    }

    fn request(&self, method: &str, path: &str) -> Reply {
        let mut stream = TcpStream::connect(self.address).expect("connect");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("read timeout");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .expect("send request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read reply");
        Reply::parse(&raw)
    }

    /// The page at `path`, asserting it is served.
    fn page(&self, path: &str) -> String {
        let reply = self.get(path);
        assert_eq!(reply.status, 200, "GET {path}");
        String::from_utf8(reply.body).expect("UTF-8 page")
    }

    /// Waits until the page at `path` contains `needle`; panics with the page and
    /// the terminal output if it never does.
    fn wait_for_page(&self, path: &str, needle: &str) -> String {
        let mut last = String::new();
        let found = wait_for(|| {
            last = String::from_utf8_lossy(&self.get(path).body).into_owned();
            last.contains(needle).then(|| last.clone())
        });
        found.unwrap_or_else(|| {
            panic!(
                "{path} never contained {needle:?}; last:\n{last}\nterminal:\n{}{}",
                self.stdout(),
                self.stderr()
            )
        })
    }

    fn events(&self) -> Events {
        Events::open(self.address)
    }

    fn stdout(&self) -> String {
        self.stdout.lock().expect("stdout lock").clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr lock").clone()
    }

    fn rebuilds(&self) -> usize {
        self.stdout().matches("Rebuilt ").count()
    }

    /// The number of rebuilds once none has come for a while (a save's last
    /// events can come late on a busy machine).
    fn settled_rebuilds(&self) -> usize {
        let mut count = self.rebuilds();
        loop {
            thread::sleep(Duration::from_millis(300));
            let now = self.rebuilds();
            if now == count {
                return count;
            }
            count = now;
        }
    }

    /// Asserts that every file of a clean build of `story` is served with the same
    /// bytes, once the live-reload script is taken out of pages.
    fn assert_serves_a_clean_build_of(&self, story: &Story) {
        let built = story.build(&[]);
        assert!(
            built.files.len() > 10,
            "too few files: {:?}",
            built.files.keys()
        );
        for (path, bytes) in &built.files {
            let kept = [
                ".explainer-output",
                ".explainer-manifest",
                ".explainer-prints",
            ];
            if kept
                .iter()
                .any(|name| path.rsplit('/').next() == Some(*name))
            {
                // The mark, record and prints of a folder a build wrote: the preview writes none.
                continue;
            }
            let url = format!("/{}", path.strip_suffix("index.html").unwrap_or(path));
            let reply = self.get(&url);
            let expected_status = if path == "404.html" { 404 } else { 200 };
            if path == "404.html" {
                // 404.html is what any missing path gets.
                let missing = self.get("/no/such/page/");
                assert_eq!(missing.status, expected_status);
                assert_eq!(without_reload_script(&missing.body), *bytes, "404 page");
                continue;
            }
            assert_eq!(reply.status, expected_status, "GET {url}");
            assert!(
                without_reload_script(&reply.body) == *bytes,
                "{url} differs from the build:\nserved:\n{}\nbuilt:\n{}",
                String::from_utf8_lossy(&reply.body),
                String::from_utf8_lossy(bytes)
            );
        }
        fs::remove_dir_all(story.public()).expect("remove the clean build");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn collect(pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            let mut text = sink.lock().expect("output lock");
            text.push_str(&line);
            text.push('\n');
        }
    });
    text
}

/// Polls `check` until it gives a value or `PATIENCE` runs out.
fn wait_for<T>(mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if Instant::now() > deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Served HTML carries `<script src="/__explainer/reload.js?build=ID" defer></script>`;
/// built HTML does not. Everything else must be equal.
fn without_reload_script(bytes: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    let start = "<script src=\"/__explainer/reload.js?build=";
    match text.find(start) {
        None => bytes.to_vec(),
        Some(at) => {
            let end = at + text[at..].find("</script>").expect("closed script") + "</script>".len();
            assert!(
                !text[end..].contains(start),
                "two reload scripts in one page"
            );
            format!("{}{}", &text[..at], &text[end..]).into_bytes()
        }
    }
}

/// The build id a served page names in its reload script.
fn page_build(html: &str) -> String {
    let start = "reload.js?build=";
    let at = html.find(start).expect("a reload script") + start.len();
    html[at..][..html[at..].find('"').expect("end of src")].to_string()
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("end of headers");
        let head = String::from_utf8_lossy(&raw[..split]);
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("status line");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let body = raw[split + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked { dechunk(&body) } else { body };
        Reply {
            status,
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16)
            .expect("chunk size");
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
    out
}

/// The server-sent events of one connection, read on a thread.
struct Events {
    received: mpsc::Receiver<(String, String)>,
}

impl Events {
    fn open(address: SocketAddr) -> Events {
        Events {
            received: sse::subscribe(address),
        }
    }

    fn next(&self) -> Value {
        let (name, data) = self
            .received
            .recv_timeout(PATIENCE)
            .expect("a server-sent event in time");
        assert_eq!(name, "build");
        serde_json::from_str(&data).expect("event data is JSON")
    }

    /// Skips events until one matches `wanted`.
    fn until(&self, mut wanted: impl FnMut(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            let (_, data) = self
                .received
                .recv_timeout(wait)
                .expect("the awaited event in time");
            let value = serde_json::from_str(&data).expect("event data is JSON");
            if wanted(&value) {
                return value;
            }
        }
    }

    /// Skips events until one announces a good build other than `than`.
    fn next_good_build(&self, than: &str) -> String {
        let event = self.until(|e| e["build"] != than && no_errors(e));
        event["build"].as_str().expect("build id").to_string()
    }
}

fn no_errors(event: &Value) -> bool {
    event["errors"].as_array().is_some_and(Vec::is_empty)
}

fn write(story: &Story, path: &str, text: &str) {
    let target = story.root().join(path);
    fs::create_dir_all(target.parent().expect("parent")).expect("create folders");
    fs::write(target, text).expect("write");
}

#[test]
fn serving_renders_exactly_what_build_renders_plus_the_reload_script() {
    let story = Story::small();
    let server = Server::start(&story);
    let events = server.events();
    let first = events.next();
    assert!(no_errors(&first), "{first}");
    let index = server.page("/");
    assert_eq!(
        page_build(&index),
        first["build"].as_str().expect("build id"),
        "a page names the build it came from, so a stale tab reloads on connect"
    );
    assert!(index.contains("<script src=\"/__explainer/reload.js?build="));
    server.assert_serves_a_clean_build_of(&story);
    let built = story.build(&[]);
    for (path, html) in built.html_pages() {
        assert!(
            !html.contains("__explainer"),
            "{path} of `build` has the reload script"
        );
    }
}

#[test]
fn every_way_editors_save_is_picked_up() {
    let story = Story::small();
    let server = Server::start(&story);
    let events = server.events();
    let mut build = events.next()["build"].as_str().expect("id").to_string();
    let file = story.root().join(SECTION);
    let folder = file.parent().expect("story folder").to_path_buf();
    // Write in place.
    fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&file)
        .and_then(|mut f| f.write_all(section("In place").as_bytes()))
        .expect("write in place");
    saved(&server, &events, &mut build, "In place", "write in place");

    // Vim: probe with 4913, keep a backup~, write a new file, drop the backup.
    fs::write(folder.join("4913"), "").expect("probe");
    fs::remove_file(folder.join("4913")).expect("probe gone");
    let backup = folder.join("01-what-happened.md~");
    fs::rename(&file, &backup).expect("backup");
    fs::write(&file, section("Vim")).expect("vim write");
    fs::remove_file(&backup).expect("drop backup");
    saved(&server, &events, &mut build, "Vim", "vim");

    // VS Code and others: write a temp file beside it, rename it over.
    let temp = folder.join(".01-what-happened.md.tmp");
    fs::write(&temp, section("Renamed over")).expect("temp file");
    fs::rename(&temp, &file).expect("rename over");
    saved(
        &server,
        &events,
        &mut build,
        "Renamed over",
        "temp file renamed over",
    );

    // JetBrains safe write.
    let jb_tmp = folder.join("01-what-happened.md___jb_tmp___");
    let jb_old = folder.join("01-what-happened.md___jb_old___");
    fs::write(&jb_tmp, section("JetBrains")).expect("jb temp");
    fs::rename(&file, &jb_old).expect("jb old");
    fs::rename(&jb_tmp, &file).expect("jb rename");
    fs::remove_file(&jb_old).expect("jb drop old");
    saved(
        &server,
        &events,
        &mut build,
        "JetBrains",
        "JetBrains safe write",
    );

    // Delete and recreate.
    fs::remove_file(&file).expect("delete");
    fs::write(&file, section("Recreated")).expect("recreate");
    saved(
        &server,
        &events,
        &mut build,
        "Recreated",
        "delete and recreate",
    );

    // A new nested folder with a new file in it.
    write(
        &story,
        "content/events/more/deeper/new.toml",
        "[[event]]\nid = \"late-event\"\ndate = \"2025-01-02\"\ntitle = \"A late event\"\nactors = [\"bob\"]\n",
    );
    let next = events.next_good_build(&build);
    server.wait_for_page("/events/late-event/", "A late event");
    build = next;

    // Folders that did not exist when the server started: templates/ and static/.
    write(&story, "static/notes.txt", "static notes\n");
    build = events.next_good_build(&build);
    assert_eq!(server.page("/notes.txt"), "static notes\n");
    let footer = "<p>Overridden footer</p>";
    let base =
        include_str!("../templates/base.html").replace("<footer", &format!("{footer}<footer"));
    write(&story, "templates/base.html", &base);
    build = events.next_good_build(&build);
    server.wait_for_page("/", footer);

    // Swap files and backups alone rebuild nothing.
    let rebuilds = server.settled_rebuilds();
    fs::write(folder.join(".01-what-happened.md.swp"), "swap").expect("swap");
    fs::write(folder.join("01-what-happened.md~"), "backup").expect("backup");
    fs::write(folder.join(".#01-what-happened.md"), "lock").expect("lock");
    thread::sleep(Duration::from_millis(300));
    assert_eq!(server.rebuilds(), rebuilds, "{}", server.stdout());
    assert!(!build.is_empty());

    server.assert_serves_a_clean_build_of(&story);
}

/// Waits for the build after a save and checks that its page shows `title`.
fn saved(server: &Server, events: &Events, build: &mut String, title: &str, what: &str) {
    let next = events.next_good_build(build);
    let page = server.wait_for_page("/", title);
    assert_eq!(
        page_build(&page),
        next,
        "{what}: the page of the announced build"
    );
    *build = next;
}

#[test]
fn a_broken_file_is_shown_over_the_last_good_build_until_it_is_fixed() {
    let story = Story::small();
    let server = Server::start(&story);
    let events = server.events();
    let good = events.next()["build"].as_str().expect("id").to_string();
    let before = server.page("/timeline/");

    let events_file = "content/events/all.toml";
    let text = fs::read_to_string(story.root().join(events_file)).expect("events");
    let broken = text.replace("actors = [\"club\"]", "actors = [\"clubb\"]");
    assert_ne!(broken, text);
    write(&story, events_file, &broken);

    let failed = events.until(|e| !no_errors(e));
    assert_eq!(failed["build"], good.as_str(), "the last good build stays");
    let error = &failed["errors"][0];
    assert_eq!(error["path"], events_file);
    assert!(error["line"].as_u64().is_some_and(|l| l > 1), "{error}");
    assert!(error["column"].as_u64().is_some_and(|c| c > 1), "{error}");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("clubb")),
        "{error}"
    );
    assert_eq!(
        server.page("/timeline/"),
        before,
        "the last good build is served"
    );

    // The terminal shows what `check` shows.
    let check = stderr(&explainer(&["check"], story.root()));
    let diagnostics = check
        .split("\nFound ")
        .next()
        .expect("diagnostics before the summary");
    assert!(diagnostics.contains("clubb"), "{check}");
    assert!(
        wait_for(|| server.stderr().contains(diagnostics).then_some(())).is_some(),
        "serve's terminal:\n{}\ncheck:\n{check}",
        server.stderr()
    );
    // The overlay shows the same text.
    assert!(
        error["text"]
            .as_str()
            .is_some_and(|t| diagnostics.contains(t.trim_end())),
        "{error}\n{check}"
    );

    write(&story, events_file, &text);
    let fixed = events.next_good_build(&good);
    let page = server.page("/timeline/");
    assert_eq!(page_build(&page), fixed);
    assert_eq!(
        without_reload_script(page.as_bytes()),
        without_reload_script(before.as_bytes())
    );
}

#[test]
fn a_first_build_that_fails_shows_the_problems_until_fixed() {
    let story = Story::small().file(SECTION, "+++\ntitle = \"Unclosed\n+++\nText\n");
    let server = Server::start(&story);
    let events = server.events();
    let failed = events.next();
    assert_eq!(failed["errors"][0]["path"], SECTION, "{failed}");
    let reply = server.get("/timeline/");
    assert_eq!(reply.status, 503);
    let page = String::from_utf8(reply.body).expect("UTF-8");
    assert!(page.contains("reload.js?build="), "{page}");

    write(&story, SECTION, &section("Fixed"));
    events.next_good_build(&page_build(&page));
    server.wait_for_page("/", "Fixed");
    server.assert_serves_a_clean_build_of(&story);
}

#[test]
fn a_burst_of_twenty_saves_in_a_second_ends_with_the_last_one() {
    let story = Story::small();
    let server = Server::start(&story);
    let events = server.events();
    let first = events.next()["build"].as_str().expect("id").to_string();
    for n in 0..20 {
        write(&story, SECTION, &section(&format!("Save {n} of 20")));
        thread::sleep(Duration::from_millis(50));
    }
    let page = server.wait_for_page("/", "Save 19 of 20");
    let last = page_build(&page);
    assert_ne!(last, first);
    // Every build announced on the way was whole: no save was caught half-written.
    let mut announced = 0;
    events.until(|e| {
        assert!(no_errors(e), "a save was built half-written: {e}");
        announced += 1;
        e["build"] == last.as_str()
    });
    assert!(announced >= 1);
    assert!(server.rebuilds() >= 1, "{}", server.stdout());
    server.assert_serves_a_clean_build_of(&story);
}

#[test]
fn readers_get_whole_pages_while_rebuilds_run() {
    let story = Story::small();
    let server = Arc::new(Server::start(&story));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let server = Arc::clone(&server);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                let mut seen = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let reply = server.get("/");
                    assert_eq!(reply.status, 200);
                    let html = String::from_utf8(reply.body).expect("UTF-8");
                    assert!(html.ends_with("</html>\n"), "a cut page:\n{html}");
                    assert!(
                        html.contains("Version ") || html.contains("What happened"),
                        "a page of no build:\n{html}"
                    );
                    seen += 1;
                }
                seen
            })
        })
        .collect();
    for n in 0..10 {
        write(&story, SECTION, &section(&format!("Version {n}")));
        thread::sleep(Duration::from_millis(60));
    }
    server.wait_for_page("/", "Version 9");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let served: usize = readers
        .into_iter()
        .map(|r| r.join().expect("a reader failed"))
        .sum();
    assert!(
        served > 20,
        "only {served} pages served during the rebuilds"
    );
}

#[test]
fn nothing_outside_the_site_is_served() {
    let story = Story::small().file("static/ok.txt", "ok\n");
    let outside = tempfile::tempdir().expect("temp dir");
    fs::write(outside.path().join("secret.txt"), "secret\n").expect("secret");
    let server = Server::start(&story);
    for path in [
        "/../content/site.toml",
        "/%2e%2e/content/site.toml",
        "/%2E%2E%2Fcontent%2Fsite.toml",
        "/timeline/..%2f..%2fcontent/site.toml",
        "/..%5ccontent%5csite.toml",
        "/ok.txt%00.html",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 400, "GET {path}");
        assert!(!String::from_utf8_lossy(&reply.body).contains("base_url"));
    }
    let secret = outside.path().join("secret.txt");
    for path in [
        "/content/site.toml".to_string(),
        format!("/{}", secret.display()),
        format!("/{}", secret.display().to_string().replace('/', "%2F")),
        "//etc/passwd".to_string(),
    ] {
        let reply = server.get(&path);
        assert_eq!(reply.status, 404, "GET {path}");
        let body = String::from_utf8_lossy(&reply.body);
        assert!(
            !body.contains("secret") && !body.contains("root:"),
            "GET {path}"
        );
    }
    assert_eq!(server.page("/ok.txt"), "ok\n");
}

#[test]
fn responses_have_the_right_types_and_are_never_cached() {
    let story = Story::small();
    let server = Server::start(&story);
    for (path, status, kind) in [
        ("/", 200, "text/html; charset=utf-8"),
        ("/timeline/", 200, "text/html; charset=utf-8"),
        ("/style.css", 200, "text/css; charset=utf-8"),
        ("/favicon.svg", 200, "image/svg+xml"),
        (
            "/__explainer/reload.js",
            200,
            "text/javascript; charset=utf-8",
        ),
        ("/nothing/here/", 404, "text/html; charset=utf-8"),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, status, "GET {path}");
        assert_eq!(reply.header("content-type"), Some(kind), "GET {path}");
        assert_eq!(
            reply.header("cache-control"),
            Some("no-store"),
            "GET {path}"
        );
    }
    let missing = String::from_utf8(server.get("/nothing/here/").body).expect("UTF-8");
    assert!(
        missing.contains("Page not found"),
        "the site's own 404 page"
    );
    // The 404 page's links start at the base URL's path; the site is served there too.
    assert_eq!(server.get("/fixture/timeline/").status, 200);
    assert_eq!(server.get("/fixture/style.css").status, 200);

    let folder = server.get("/timeline");
    assert_eq!(folder.status, 308);
    assert_eq!(folder.header("location"), Some("/timeline/"));

    let head = server.request("HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(server.request("POST", "/").status, 405);
    let events = server.get_head_of_events();
    assert!(events.contains("text/event-stream"), "{events}");
    assert!(events.contains("cache-control: no-store"), "{events}");
}

impl Server {
    /// The response head of the event stream, which never ends by itself.
    fn get_head_of_events(&self) -> String {
        let mut stream = TcpStream::connect(self.address).expect("connect");
        write!(
            stream,
            "GET /__explainer/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.address
        )
        .expect("send");
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("read head");
            if line == "\r\n" || line.is_empty() {
                return head.to_ascii_lowercase();
            }
            head.push_str(&line);
        }
    }
}

#[test]
fn a_taken_port_is_reported_with_a_free_one_to_use() {
    let story = Story::small();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port().to_string();
    let output = explainer(&["serve", "--port", &port], story.root());
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(
        text.contains(&format!(
            "error: port {port} on 127.0.0.1 is already in use"
        )),
        "{text}"
    );
    assert!(text.contains("explainer serve --port "), "{text}");
}

#[test]
fn serving_a_folder_without_content_fails_clearly() {
    let empty = tempfile::tempdir().expect("temp dir");
    let output = explainer(&["serve", "--port", "0"], empty.path());
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("error: no `content/` folder in"),
        "{}",
        stderr(&output)
    );
    assert!(!Path::new(&empty.path().join("public")).exists());
}

/// Drives Chromium (through playwright-core from tests/browser) against a running
/// server: the script edits the story itself and reports what the page did.
const BROWSER_SCRIPT: &str = r#"
const { createRequire } = require('node:module');
const fs = require('node:fs');
const [packageJson, chromiumPath, url, file, broken, warned, fixed] = process.argv.slice(1);
const { chromium } = createRequire(packageJson)('playwright-core');
(async () => {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const report = { consoleErrors: [] };
  try {
    const page = await browser.newPage({ viewport: { width: 800, height: 300 } });
    page.on('console', (m) => { if (m.type() === 'error') report.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => report.consoleErrors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
    // Let the event stream connect and deliver the current build.
    await page.waitForTimeout(500);
    await page.evaluate(() => { window.scrollTo({ top: 250, behavior: 'instant' }); window.sameDocument = true; });
    report.scrollBefore = await page.evaluate(() => window.scrollY);

    fs.writeFileSync(file, broken);
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 15000 });
    report.overlay = await alert.innerText();
    report.overlayWhere = await page.locator('#explainer-serve-problems section > ol .where').allInnerTexts();
    report.sameDocumentDuringError = await page.evaluate(() => window.sameDocument === true);
    report.warningsWithErrors = await page.locator('#explainer-serve-problems summary').allInnerTexts();

    // Fixed but with a warning (unless none is given): the page reloads and
    // says so in a collapsed bar.
    if (warned !== '') {
      fs.writeFileSync(file, warned);
      await page.waitForFunction(() => window.sameDocument === undefined, null, { timeout: 15000 });
      await page.waitForLoadState('load');
      const status = page.getByRole('status');
      await status.waitFor({ timeout: 15000 });
      report.warningSummary = await page.locator('#explainer-serve-problems summary').innerText();
      report.warningOpen = await page.locator('#explainer-serve-problems details').evaluate((d) => d.open);
      await page.evaluate(() => { window.scrollTo({ top: 250, behavior: 'instant' }); window.sameDocument = true; });
    }

    fs.writeFileSync(file, fixed);
    await page.waitForFunction(() => window.sameDocument === undefined, null, { timeout: 15000 });
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    report.overlayAfterFix = await page.locator('#explainer-serve-problems').count();
    report.scrollAfter = await page.evaluate(() => window.scrollY);
    report.body = await page.locator('main').innerText();
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(report));
})().catch((e) => { console.error(e); process.exit(1); });
"#;

#[test]
fn open_pages_show_errors_in_an_overlay_then_reload_where_they_were() {
    let test = "open_pages_show_errors_in_an_overlay_then_reload_where_they_were";
    let story = Story::small();
    let server = Server::start(&story);
    let file = story.root().join("content/events/all.toml");
    let text = fs::read_to_string(&file).expect("events");
    // A broken actor id, and an event without a source (a warning).
    let warning = "\n[[event]]\nid = \"unsourced\"\ndate = \"2020\"\ntitle = \"Unsourced\"\nactors = [\"club\"]\n";
    let broken = text.replace("actors = [\"club\"]", "actors = [\"clubb\"]") + warning;
    let warned = text.clone() + warning;
    let fixed = text.replace("The club votes", "The club votes again");
    let Some(report) = browser_report(test, &server, &file, &broken, &warned, &fixed) else {
        return;
    };
    let overlay = report["overlay"].as_str().expect("overlay text");
    assert!(overlay.contains("The story has an error"), "{report}");
    assert!(overlay.contains("clubb"), "{report}");
    let where_ = report["overlayWhere"][0].as_str().expect("a place");
    assert!(
        where_.starts_with("content/events/all.toml:"),
        "file:line:column, not {where_}"
    );
    assert_eq!(
        report["sameDocumentDuringError"], true,
        "no reload on error"
    );
    assert_eq!(
        report["warningsWithErrors"],
        serde_json::json!(["1 warning"]),
        "warnings, collapsed under the errors: {report}"
    );
    assert_eq!(
        report["warningSummary"], "The story builds, with 1 warning",
        "{report}"
    );
    assert_eq!(report["warningOpen"], false, "collapsed: {report}");
    assert_eq!(report["overlayAfterFix"], 0, "{report}");
    assert!(
        report["body"]
            .as_str()
            .is_some_and(|b| b.contains("The club votes again")),
        "{report}"
    );
    assert_eq!(report["scrollBefore"], 250, "{report}");
    assert_eq!(report["scrollAfter"], 250, "the scroll position is kept");
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "{report}");
}

#[test]
fn a_replaced_watched_folder_is_watched_anew() {
    let story = Story::small().file("static/old.txt", "old\n");
    let server = Server::start(&story);
    let events = server.events();
    let mut build = events.next()["build"].as_str().expect("id").to_string();
    assert_eq!(server.page("/old.txt"), "old\n");

    // Like a checkout or a sync tool: the folder goes away and another takes its place.
    let folder = story.root().join("static");
    fs::rename(&folder, story.root().join("static-gone")).expect("move static away");
    build = events.next_good_build(&build);
    assert!(wait_for(|| (server.get("/old.txt").status == 404).then_some(())).is_some());
    fs::create_dir(&folder).expect("new static");
    fs::write(folder.join("new.txt"), "new\n").expect("new file");
    build = events.next_good_build(&build);
    assert_eq!(server.wait_for_page("/new.txt", "new"), "new\n");

    // A save inside the new folder is seen: it is watched, not only its parent.
    fs::write(folder.join("later.txt"), "later\n").expect("later file");
    events.next_good_build(&build);
    assert_eq!(server.wait_for_page("/later.txt", "later"), "later\n");
}

#[test]
fn polling_sees_saves_where_the_system_reports_none() {
    let story = Story::small();
    let server = Server::start_with(&story, &["--poll"]);
    let events = server.events();
    let build = events.next()["build"].as_str().expect("id").to_string();
    write(&story, SECTION, &section("Seen by polling"));
    events.next_good_build(&build);
    server.wait_for_page("/", "Seen by polling");
}

/// Asserts that no reply to `path`, for a while, gives away `secret`.
fn assert_never_leaks(server: &Server, path: &str, secret: &str, tries: usize) {
    for _ in 0..tries {
        let reply = server.get(path);
        let body = String::from_utf8_lossy(&reply.body);
        assert!(
            !body.contains(secret),
            "GET {path} ({}) served what a link points to outside the story:\n{body}",
            reply.status
        );
        assert_ne!(reply.status, 200, "GET {path}");
    }
}

#[cfg(unix)]
#[test]
fn links_out_of_the_story_folder_are_never_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("temp dir");
    let secret = outside.path().join("secret.txt");
    fs::write(&secret, "secret outside the story\n").expect("secret");
    fs::create_dir(outside.path().join("folder")).expect("folder");
    fs::write(
        outside.path().join("folder/inner.txt"),
        "secret in a linked folder\n",
    )
    .expect("inner secret");
    let story = Story::small().file("static/ok.txt", "ok\n");
    let statics = story.root().join("static");
    let server = Server::start(&story);
    let events = server.events();
    events.next();
    assert_eq!(server.page("/ok.txt"), "ok\n");

    // Links made while the server runs (a build refuses them: tests/build.rs).
    symlink(&secret, statics.join("secret.txt")).expect("link to a file");
    symlink("/etc/passwd", statics.join("passwd.txt")).expect("link to /etc/passwd");
    symlink(outside.path().join("folder"), statics.join("folder")).expect("link to a folder");
    for (path, secret) in [
        ("/secret.txt", "secret outside"),
        ("/passwd.txt", "root:"),
        ("/folder/inner.txt", "secret in a linked folder"),
    ] {
        assert_never_leaks(&server, path, secret, 1);
    }

    // A file served as the build found it, then swapped for a link: read at
    // once, before or after the rebuild the swap sets off.
    fs::remove_file(statics.join("ok.txt")).expect("remove ok.txt");
    symlink(&secret, statics.join("ok.txt")).expect("swap in a link");
    assert_never_leaks(&server, "/ok.txt", "secret outside", 20);
}

/// The server's resident memory, in bytes.
#[cfg(target_os = "linux")]
fn resident_memory(server: &Server) -> u64 {
    let status = fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .expect("the server's /proc status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("VmRSS");
    let kb: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("VmRSS in kB");
    kb * 1024
}

/// Opens `count` requests for `path` that read the status line and then
/// nothing more, as slow readers do, so the server holds every response.
fn slow_readers(server: &Server, path: &str, count: usize) -> Vec<BufReader<TcpStream>> {
    (0..count)
        .map(|_| {
            let mut stream = TcpStream::connect(server.address).expect("connect");
            stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
            write!(
                stream,
                "GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n",
                server.address
            )
            .expect("send");
            let mut reader = BufReader::new(stream);
            let mut status = String::new();
            reader.read_line(&mut status).expect("a status line");
            assert!(status.contains(" 200 "), "GET {path}: {status}");
            reader
        })
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn many_slow_readers_of_a_large_file_do_not_multiply_the_servers_memory() {
    const MB: usize = 1024 * 1024;
    const READERS: usize = 24;
    let summary = "A long summary that goes on. ".repeat(8 * MB / 29);
    let events = format!(
        "[[event]]\nid = \"long\"\ndate = \"2024-07\"\ntitle = \"A long event\"\nsummary = \"{summary}\"\nactors = [\"anna\"]\nsources = [\"report\"]\n"
    );
    let story = Story::small()
        .file("content/events/long.toml", &events)
        .file("static/large.bin", &"0123456789abcdef".repeat(8 * MB / 16));
    let server = Server::start(&story);
    for path in ["/data/events.json", "/large.bin"] {
        // Once whole, so that what a build makes on demand is made.
        let whole = server.get(path);
        assert_eq!(whole.status, 200, "GET {path}");
        let size = whole.body.len();
        assert!(size >= 8 * MB, "{path} is only {size} bytes");
        let before = resident_memory(&server);
        let readers = slow_readers(&server, path, READERS);
        thread::sleep(Duration::from_millis(500));
        let grown = resident_memory(&server).saturating_sub(before);
        drop(readers);
        assert!(
            grown < 4 * size as u64,
            "{READERS} readers of {path} ({} MB) grew the server by {} MB",
            size / MB,
            grown / MB as u64
        );
    }
}

/// `count` events that each name an actor who does not exist: `count` errors.
fn events_with_unknown_actors(count: usize) -> String {
    (0..count)
        .map(|n| {
            format!(
                "[[event]]\nid = \"bad-{n}\"\ndate = \"2024-01-01\"\ntitle = \"Bad {n}\"\nactors = [\"nobody\"]\n\n"
            )
        })
        .collect()
}

#[test]
fn a_file_with_thousands_of_errors_sends_the_overlay_fifty_and_a_count() {
    let story = Story::small();
    let server = Server::start(&story);
    let events = sse::subscribe(server.address);
    let (_, first) = events.recv_timeout(PATIENCE).expect("the first event");
    assert!(first.contains("\"errors\":[]"), "{first}");
    write(
        &story,
        "content/events/bad.toml",
        &events_with_unknown_actors(2000),
    );
    let deadline = Instant::now() + PATIENCE;
    let data = loop {
        let wait = deadline.saturating_duration_since(Instant::now());
        let (_, data) = events.recv_timeout(wait).expect("the failed build's event");
        if !data.contains("\"errors\":[]") {
            break data;
        }
    };
    assert!(
        data.len() < 64 * 1024,
        "each open tab gets {} KB for one build",
        data.len() / 1024
    );
    let event: Value = serde_json::from_str(&data).expect("JSON");
    let errors = event["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 50);
    assert!(
        errors
            .iter()
            .all(|e| e["path"] == "content/events/bad.toml" && e["message"].is_string()),
        "{event}"
    );
    assert_eq!(event["more"], 1950, "the errors not listed are counted");
    // The terminal still lists every one.
    assert!(
        wait_for(|| server
            .stderr()
            .contains("Build failed: 2000 errors.")
            .then_some(()))
        .is_some(),
        "{}",
        server.stderr()
    );
}

/// The tests/browser folder and Chromium's path, or `None` (and a note) when
/// node, Chromium or playwright-core is missing, which only CI forbids.
fn browser_tools(test: &str) -> Option<(std::path::PathBuf, String)> {
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let playwright = browser.join("node_modules/playwright-core/package.json");
    let node = Command::new("node").arg("--version").output();
    if !Path::new(&chromium).is_file() || !playwright.is_file() || node.is_err() {
        let why = "needs node, chromium and `npm ci --ignore-scripts --prefix tests/browser`";
        assert!(std::env::var_os("CI").is_none(), "{test}: {why}");
        eprintln!("SKIPPED {test}: {why}");
        return None;
    }
    Some((browser, chromium))
}

/// Runs [`BROWSER_SCRIPT`] against `server`: opens /timeline/, writes `broken`
/// to `file`, reads the overlay, writes `warned` (unless empty) and reads the
/// warnings, writes `fixed`. `None` when the browser tools are missing
/// (outside CI).
fn browser_report(
    test: &str,
    server: &Server,
    file: &Path,
    broken: &str,
    warned: &str,
    fixed: &str,
) -> Option<Value> {
    let (browser, chromium) = browser_tools(test)?;
    let output = Command::new("node")
        .arg("-e")
        .arg(BROWSER_SCRIPT)
        .arg(browser.join("package.json"))
        .arg(&chromium)
        .arg(format!("http://{}/timeline/", server.address))
        .arg(file)
        .arg(broken)
        .arg(warned)
        .arg(fixed)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "{}\nserver:\n{}",
        String::from_utf8_lossy(&output.stderr),
        server.stderr()
    );
    Some(serde_json::from_slice(&output.stdout).expect("a JSON report"))
}

#[test]
fn the_overlay_counts_the_errors_it_does_not_list() {
    let story = Story::small();
    let server = Server::start(&story);
    let file = story.root().join("content/events/all.toml");
    let text = fs::read_to_string(&file).expect("events");
    let broken = format!("{text}\n{}", events_with_unknown_actors(120));
    let fixed = text.replace("The club votes", "The club votes again");
    let test = "the_overlay_counts_the_errors_it_does_not_list";
    let Some(report) = browser_report(test, &server, &file, &broken, "", &fixed) else {
        return;
    };
    let overlay = report["overlay"].as_str().expect("overlay text");
    assert!(overlay.contains("The story has 120 errors"), "{report}");
    assert!(
        overlay.contains("and 70 more errors: run explainer check"),
        "{report}"
    );
    assert_eq!(
        report["overlayWhere"].as_array().map(Vec::len),
        Some(50),
        "{report}"
    );
    assert_eq!(report["overlayAfterFix"], 0, "{report}");
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "{report}");
}

impl Server {
    /// Sends `head` (a request line and headers, without the blank line that
    /// ends them) as it is, and reads the whole reply.
    fn raw(&self, head: &str) -> Reply {
        let mut stream = TcpStream::connect(self.address).expect("connect");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("read timeout");
        write!(stream, "{head}\r\nConnection: close\r\n\r\n").expect("send request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read reply");
        Reply::parse(&raw)
    }
}

#[test]
fn requests_for_other_hosts_are_refused_so_rebound_names_read_nothing() {
    let story = Story::small();
    let server = Server::start(&story);
    let port = server.address.port();
    for host in [
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("LOCALHOST:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let reply = server.raw(&format!("GET / HTTP/1.1\r\nHost: {host}"));
        assert_eq!(reply.status, 200, "Host: {host}");
    }
    for head in [
        format!("GET / HTTP/1.1\r\nHost: rebound.example:{port}"),
        format!("GET /data/events.json HTTP/1.1\r\nHost: rebound.example:{port}"),
        format!("GET /__explainer/events HTTP/1.1\r\nHost: rebound.example:{port}"),
        format!("GET / HTTP/1.1\r\nHost: localhost.rebound.example:{port}"),
        format!("GET / HTTP/1.1\r\nHost: 127.0.0.1.nip.io:{port}"),
        format!("GET http://rebound.example:{port}/ HTTP/1.1\r\nHost: localhost:{port}"),
        "GET / HTTP/1.0".to_string(),
    ] {
        let reply = server.raw(&head);
        assert_eq!(reply.status, 421, "{head}");
        let body = String::from_utf8_lossy(&reply.body);
        assert!(body.contains("answers only"), "{head}: {body}");
        assert!(!body.contains("<html"), "{head}: {body}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
}

#[test]
fn a_name_of_this_machine_can_be_given_as_the_interface() {
    let story = Story::small();
    let server = Server::start_with(&story, &["--interface", "localhost"]);
    assert!(server.address.ip().is_loopback(), "{}", server.address);
    let port = server.address.port();
    let reply = server.raw(&format!("GET / HTTP/1.1\r\nHost: localhost:{port}"));
    assert_eq!(reply.status, 200);
    let reply = server.raw(&format!("GET / HTTP/1.1\r\nHost: other.example:{port}"));
    assert_eq!(reply.status, 421);
}

#[test]
fn every_response_forbids_framing_sniffing_referrers_and_foreign_scripts() {
    let story = Story::small();
    let server = Server::start(&story);
    let port = server.address.port();
    let mut replies = vec![
        ("GET /".to_string(), server.get("/")),
        ("GET /timeline".to_string(), server.get("/timeline")),
        ("GET /style.css".to_string(), server.get("/style.css")),
        ("GET /favicon.svg".to_string(), server.get("/favicon.svg")),
        (
            "GET /data/events.json".to_string(),
            server.get("/data/events.json"),
        ),
        (
            "GET reload.js".to_string(),
            server.get("/__explainer/reload.js"),
        ),
        ("GET missing".to_string(), server.get("/no/such/page/")),
        (
            "GET refused".to_string(),
            server.get("/%2e%2e/content/site.toml"),
        ),
        ("POST /".to_string(), server.request("POST", "/")),
        (
            "POST reload.js".to_string(),
            server.request("POST", "/__explainer/reload.js"),
        ),
    ];
    replies.push((
        "other host".to_string(),
        server.raw(&format!("GET / HTTP/1.1\r\nHost: rebound.example:{port}")),
    ));
    let statuses: Vec<u16> = replies.iter().map(|(_, r)| r.status).collect();
    for status in [200, 308, 404, 400, 405, 421] {
        assert!(statuses.contains(&status), "no {status} among {statuses:?}");
    }
    let events = server.get_head_of_events();
    for (what, reply) in &replies {
        let policy = reply.header("content-security-policy").unwrap_or_default();
        for directive in [
            "default-src 'none'",
            "script-src 'self';",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(policy.contains(directive), "{what}: {policy:?}");
        }
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{what}");
        assert_eq!(
            reply.header("referrer-policy"),
            Some("no-referrer"),
            "{what}"
        );
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        let policy_line = format!("content-security-policy: {}", policy.to_ascii_lowercase());
        assert!(events.contains(&policy_line), "the event stream:\n{events}");
    }
    for header in [
        "x-frame-options: deny",
        "referrer-policy: no-referrer",
        "x-content-type-options: nosniff",
    ] {
        assert!(
            events.contains(header),
            "the event stream lacks {header}:\n{events}"
        );
    }
}

/// Whether the server has closed `stream`: it reads the end (or a reset)
/// within `wait`. Replies the server sends first are skipped.
fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    let mut buffer = [0; 1024];
    while Instant::now() < deadline {
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("read timeout");
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return true,
        }
    }
    false
}

#[test]
fn slow_and_idle_connections_are_closed_after_ten_seconds_but_event_streams_stay() {
    const SLOW: usize = 50;
    let story = Story::small();
    let server = Server::start(&story);
    let events = server.events();
    let first = events.next()["build"].as_str().expect("id").to_string();
    let opened = Instant::now();
    // Slowloris: a request's headers, a line every second, never the end.
    let mut slow: Vec<TcpStream> = (0..SLOW)
        .map(|_| {
            let mut stream = TcpStream::connect(server.address).expect("connect");
            write!(stream, "GET / HTTP/1.1\r\nHost: {}\r\n", server.address).expect("send");
            stream
        })
        .collect();
    // A kept-alive connection, idle after one request.
    let mut idle = TcpStream::connect(server.address).expect("connect");
    write!(idle, "HEAD / HTTP/1.1\r\nHost: {}\r\n\r\n", server.address).expect("send");
    let mut head = [0; 12];
    idle.set_read_timeout(Some(PATIENCE)).expect("timeout");
    idle.read_exact(&mut head).expect("a reply");
    assert_eq!(&head, b"HTTP/1.1 200");

    let mut open = SLOW;
    let mut line = 0;
    while open > 0 && opened.elapsed() < Duration::from_secs(16) {
        line += 1;
        open = 0;
        for stream in &mut slow {
            if write!(stream, "X-Slow-{line}: still sending\r\n").is_ok()
                && !closed_within(stream, Duration::from_millis(1))
            {
                open += 1;
            }
        }
        // Others are still served meanwhile.
        assert_eq!(server.get("/").status, 200);
        thread::sleep(Duration::from_secs(1));
    }
    let took = opened.elapsed();
    assert_eq!(
        open, 0,
        "{open} of {SLOW} slow connections still open after {took:?}"
    );
    assert!(took < Duration::from_secs(14), "closed only after {took:?}");
    assert!(
        closed_within(&mut idle, Duration::from_secs(2)),
        "an idle kept-alive connection still open after {:?}",
        opened.elapsed()
    );
    // The event stream, open all along, still tells of the next build.
    write(&story, SECTION, &section("After the slow clients"));
    events.next_good_build(&first);
}

/// Opens a page in Chromium and reports what ran in it.
const BROWSER_CSP_SCRIPT: &str = r#"
const { createRequire } = require('node:module');
const [packageJson, chromiumPath, url] = process.argv.slice(1);
const { chromium } = createRequire(packageJson)('playwright-core');
(async () => {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const report = { console: [] };
  try {
    const page = await browser.newPage();
    page.on('console', (m) => report.console.push(m.text()));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(500);
    report.inline = await page.evaluate(() => window.ranInline === true);
    report.handler = await page.evaluate(() => window.ranHandler === true);
    report.reloadScript = await page.evaluate(() =>
      performance.getEntriesByType('resource').some((e) => e.name.includes('/__explainer/reload.js')));
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(report));
})().catch((e) => { console.error(e); process.exit(1); });
"#;

#[test]
fn the_preview_runs_no_script_but_its_own_and_the_sites_files() {
    let test = "the_preview_runs_no_script_but_its_own_and_the_sites_files";
    let Some((browser, chromium)) = browser_tools(test) else {
        return;
    };
    // Templates are the editor's own HTML: nothing cleans them.
    let base = include_str!("../templates/base.html").replace(
        "</head>",
        "<script>window.ranInline = true</script>\n</head>",
    );
    let base = base.replace(
        "<main id=\"main\" tabindex=\"-1\">",
        "<main id=\"main\" tabindex=\"-1\"><img src=\"/no-such.png\" alt=\"\" onerror=\"window.ranHandler = true\">",
    );
    let story = Story::small().file("templates/base.html", &base);
    let server = Server::start(&story);
    assert!(server.page("/").contains("window.ranInline"));
    let output = Command::new("node")
        .arg("-e")
        .arg(BROWSER_CSP_SCRIPT)
        .arg(browser.join("package.json"))
        .arg(&chromium)
        .arg(format!("http://{}/", server.address))
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(report["inline"], false, "an inline script ran: {report}");
    assert_eq!(report["handler"], false, "an onerror handler ran: {report}");
    assert_eq!(
        report["reloadScript"], true,
        "the reload script was loaded: {report}"
    );
    let console = report["console"].to_string();
    assert!(console.contains("Content Security Policy"), "{report}");
}
