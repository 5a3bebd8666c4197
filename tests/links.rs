//! `explainer check --links` against a tiny HTTP server on 127.0.0.1.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use support::Story;

/// Answers HEAD and GET, one request per connection, and remembers what it was asked.
struct Server {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
    /// The most `/pause/` requests being answered at once.
    most_at_once: Arc<AtomicUsize>,
}

/// Requests being answered now, and the most seen at once.
#[derive(Default)]
struct Load {
    now: AtomicUsize,
    most: Arc<AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("address").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let load = Arc::new(Load::default());
        let (log_, most_at_once) = (log.clone(), load.most.clone());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, load) = (log_.clone(), load.clone());
                thread::spawn(move || answer(stream, &log, &load));
            }
        });
        Server {
            port,
            log,
            most_at_once,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The requests so far, as "HEAD /ok", in the order they came; clears the log.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().expect("log"))
    }
}

fn answer(stream: TcpStream, log: &Mutex<Vec<String>>, load: &Load) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let mut words = first.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    log.lock().expect("log").push(format!("{method} {path}"));
    let (status, location) = match (method, path) {
        (_, "/ok") => ("200 OK", None),
        (_, "/missing") => ("404 Not Found", None),
        (_, "/moved") => ("301 Moved Permanently", Some("/ok")),
        (_, "/found") => ("302 Found", Some("/ok")),
        (_, "/loop") => ("301 Moved Permanently", Some("/loop")),
        ("HEAD", "/no-head") => ("405 Method Not Allowed", None),
        ("GET", "/no-head") => ("200 OK", None),
        (_, "/slow") => {
            thread::sleep(Duration::from_secs(3));
            ("200 OK", None)
        }
        (_, p) if p.starts_with("/pause/") => {
            // Counted only before the answer is sent, so the client cannot
            // have started its next request while this one still counts.
            let busy = load.now.fetch_add(1, Ordering::SeqCst) + 1;
            load.most.fetch_max(busy, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(300));
            load.now.fetch_sub(1, Ordering::SeqCst);
            ("200 OK", None)
        }
        _ => ("404 Not Found", None),
    };
    let mut response = format!("HTTP/1.1 {status}\r\nContent-Length: 3\r\nConnection: close\r\n");
    if let Some(location) = location {
        response.push_str(&format!("Location: {location}\r\n"));
    }
    response.push_str("\r\n");
    if method == "GET" {
        response.push_str("ok\n");
    }
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
}

/// A port where nothing listens: bound, then let go.
fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.local_addr().expect("address").port()
}

/// The small story, citing the server from its sources and from Markdown.
fn story(server: &Server, dead: u16) -> Story {
    Story::small()
        .file(
            "content/sources.toml",
            &format!(
                "[[source]]\nid = \"report\"\ntitle = \"The report\"\nurl = \"{}\"\narchive_url = \"{}\"\n",
                server.url("/ok"),
                server.url("/missing"),
            ),
        )
        .file(
            "content/story/02-why.md",
            &format!(
                "+++\ntitle = \"Why it matters\"\nweight = 20\n+++\nAs [said above](section:what-happened), it matters.\n\n\
                 See [the ruling]({}),\n[the statement]({}),\n[the hearing]({}),\n[the page]({}),\n\
                 [a loop]({}),\n[the report again]({}) and\n[a dead server](http://127.0.0.1:{dead}/).\n",
                server.url("/moved"),
                server.url("/no-head"),
                server.url("/slow"),
                server.url("/found#top"),
                server.url("/loop"),
                server.url("/missing"),
            ),
        )
}

/// Runs explainer on the story with no proxy in the way of 127.0.0.1.
fn run(story: &Story, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_explainer"));
    command.args(args).arg("--root").arg(story.root());
    for proxy in ["http_proxy", "https_proxy", "all_proxy"] {
        command.env_remove(proxy).env_remove(proxy.to_uppercase());
    }
    command.output().expect("run explainer")
}

/// Stderr with the ports written as PORT and DEAD, and the time as T.
fn stderr(output: &Output, server: &Server, dead: u16) -> String {
    let text = String::from_utf8_lossy(&output.stderr)
        .replace(&format!("127.0.0.1:{}", server.port), "127.0.0.1:PORT")
        .replace(&format!("127.0.0.1:{dead}"), "127.0.0.1:DEAD");
    text.lines()
        .map(|line| match line.strip_prefix("Checked ") {
            Some(rest) => format!(
                "Checked {} in T s",
                rest.split(" in ").next().unwrap_or(rest)
            ),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn cache(story: &Story) -> serde_json::Value {
    let text = fs::read_to_string(story.root().join(".explainer/links.json")).expect("cache file");
    serde_json::from_str(&text).expect("cache is JSON")
}

const FIRST_RUN: &str = r#"Checked 8 links (0 from cache) in T s
error: this link is broken: the site answers 404 Not Found
 --> content/sources.toml:5:15
  |
5 | archive_url = "http://127.0.0.1:PORT/missing"
  |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: correct the address; if the page is gone, link to a copy in a web archive

warning: the link moved to http://127.0.0.1:PORT/ok
 --> content/story/02-why.md:7:18
  |
7 | See [the ruling](http://127.0.0.1:PORT/moved),
  |                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: write the new address, so readers skip the redirect

error: this link did not answer within 1 s
 --> content/story/02-why.md:9:15
  |
9 | [the hearing](http://127.0.0.1:PORT/slow),
  |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: the site may be down or slow: run the check again later, or allow more time with --link-timeout

error: this link redirects more than 10 times
  --> content/story/02-why.md:11:10
   |
11 | [a loop](http://127.0.0.1:PORT/loop),
   |          ^^^^^^^^^^^^^^^^^^^^^^^^^^^
   = help: open it in a browser: the redirects may go round in a loop; write the address where it ends

error: this link is broken: the site answers 404 Not Found
  --> content/story/02-why.md:12:20
   |
12 | [the report again](http://127.0.0.1:PORT/missing) and
   |                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
   = help: correct the address; if the page is gone, link to a copy in a web archive

error: this link is broken: `127.0.0.1:DEAD` refused the connection
  --> content/story/02-why.md:13:17
   |
13 | [a dead server](http://127.0.0.1:DEAD/).
   |                 ^^^^^^^^^^^^^^^^^^^^^^^
   = help: the site may be down: run the check again later, or link to a copy in a web archive

Found 5 errors and 1 warning."#;

#[test]
fn every_failing_link_is_reported_where_it_is_written_and_only_successes_are_cached() {
    let server = Server::start();
    assert!(
        server.port >= 10000,
        "the expected carets assume a 5-digit port"
    );
    let dead = dead_port();
    let story = story(&server, dead);

    let output = run(&story, &["check", "--links", "--link-timeout", "1"]);
    assert_eq!(stderr(&output, &server, dead), FIRST_RUN);
    assert_eq!(output.status.code(), Some(1));

    // Each address once, though /missing is cited twice; HEAD first, GET only
    // where HEAD was refused; the 301s of /loop followed 10 times, then given up.
    let requests = server.take();
    let count = |r: &str| requests.iter().filter(|x| *x == r).count();
    assert_eq!(count("HEAD /missing"), 1, "{requests:?}");
    assert_eq!(count("GET /missing"), 0, "{requests:?}");
    assert_eq!(count("HEAD /no-head"), 1, "{requests:?}");
    assert_eq!(count("GET /no-head"), 1, "{requests:?}");
    assert_eq!(count("HEAD /loop"), 11, "{requests:?}");
    assert_eq!(
        count("GET /slow"),
        0,
        "a timeout is not tried again with GET"
    );

    let cached = cache(&story);
    let urls: BTreeSet<String> = cached
        .as_object()
        .expect("an object of addresses")
        .keys()
        .map(|k| k.replace(&server.port.to_string(), "PORT"))
        .collect();
    let expected = ["/found", "/moved", "/no-head", "/ok"]
        .map(|p| format!("http://127.0.0.1:PORT{p}"))
        .into_iter()
        .collect::<BTreeSet<_>>();
    assert_eq!(urls, expected, "only the successes are cached");
    let moved = &cached[server.url("/moved")];
    assert_eq!(moved["status"], 200);
    assert_eq!(moved["final_url"], server.url("/ok"));
    assert_eq!(moved["moved_to"], server.url("/ok"));
    let found = &cached[server.url("/found")];
    assert_eq!(found["final_url"], server.url("/ok"));
    assert!(found.get("moved_to").is_none(), "a 302 is not a move");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let checked_at = moved["checked_at"].as_u64().expect("unix seconds");
    assert!(checked_at <= now && now - checked_at < 60);

    // Within a day, the successes come from the cache: only failures are asked again.
    let again = run(&story, &["check", "--links", "--link-timeout", "1"]);
    assert_eq!(
        stderr(&again, &server, dead),
        FIRST_RUN.replace("(0 from cache)", "(4 from cache)")
    );
    assert_eq!(again.status.code(), Some(1));
    let asked: BTreeSet<String> = server.take().into_iter().collect();
    let failures = ["HEAD /loop", "HEAD /missing", "HEAD /slow"];
    assert_eq!(asked, failures.map(String::from).into_iter().collect());
}

#[test]
fn answers_older_than_a_day_are_asked_again() {
    let server = Server::start();
    let story = Story::small().file(
        "content/sources.toml",
        &format!(
            "[[source]]\nid = \"report\"\ntitle = \"The report\"\nurl = \"{}\"\narchive_url = \"{}\"\n",
            server.url("/ok"),
            server.url("/no-head"),
        ),
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let old = serde_json::json!({
        server.url("/ok"): { "status": 200, "final_url": server.url("/ok"), "checked_at": now - 25 * 3600 },
        server.url("/no-head"): { "status": 200, "final_url": server.url("/no-head"), "checked_at": now - 3600 },
    });
    fs::create_dir_all(story.root().join(".explainer")).expect("folder");
    fs::write(story.root().join(".explainer/links.json"), old.to_string()).expect("old cache");

    let output = run(&story, &["check", "--links", "--link-timeout", "1"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        support::stderr(&output)
    );
    assert!(support::stderr(&output).contains("Checked 2 links (1 from cache) in "));
    assert_eq!(server.take(), ["HEAD /ok"]);
    let refreshed = cache(&story)[server.url("/ok")]["checked_at"]
        .as_u64()
        .expect("unix seconds");
    assert!(
        refreshed >= now,
        "the answer was saved again with its new time"
    );
}

#[test]
fn at_most_two_requests_at_a_time_go_to_one_host() {
    let server = Server::start();
    let links: String = (1..=6)
        .map(|n| format!("[part {n}]({})\n", server.url(&format!("/pause/{n}"))))
        .collect();
    let story = Story::small().file(
        "content/story/02-why.md",
        &format!(
            "+++\ntitle = \"Why it matters\"\nweight = 20\n+++\nAs [said above](section:what-happened), it matters.\n\n{links}"
        ),
    );
    let output = run(&story, &["check", "--links"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        support::stderr(&output)
    );
    assert_eq!(server.take().len(), 6);
    assert_eq!(server.most_at_once.load(Ordering::SeqCst), 2);
}

#[test]
fn plain_check_makes_no_request() {
    let server = Server::start();
    let dead = dead_port();
    let story = story(&server, dead);
    let output = run(&story, &["check"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        support::stderr(&output)
    );
    assert_eq!(server.take(), Vec::<String>::new());
    assert!(!story.root().join(".explainer").exists());
}

#[test]
fn a_story_with_errors_has_its_links_left_unchecked_and_says_so() {
    let server = Server::start();
    let dead = dead_port();
    let story = story(&server, dead).file(
        "content/actors/bob.md",
        "+++\nname = \"Bob\"\nkind = \"persn\"\n+++\nBob.\n",
    );
    let output = run(&story, &["check", "--links", "--link-timeout", "1"]);
    assert_eq!(output.status.code(), Some(1));
    let text = support::stderr(&output);
    assert!(
        text.contains("error: `persn` is not a known actor kind"),
        "{text}"
    );
    assert!(
        text.contains("Links were not checked: the story has errors; fix them first.\n"),
        "{text}"
    );
    assert_eq!(server.take(), Vec::<String>::new());
}

#[test]
fn a_link_timeout_without_links_is_a_usage_error() {
    let story = Story::small();
    let output = run(&story, &["check", "--link-timeout", "1"]);
    assert_eq!(output.status.code(), Some(2));
    let bad = run(&story, &["check", "--links", "--link-timeout", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(support::stderr(&bad).contains("`soon` is not a number of seconds"));
}
