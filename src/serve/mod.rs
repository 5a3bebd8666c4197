//! `explainer serve`: build, serve the site from memory, rebuild on change.
//!
//! Steps: bind the port (before building, so a taken port fails fast); watch
//! the story; build it with [`crate::make_site`], pages naming the reload
//! script; serve the last good site from memory over HTTP; on each burst of
//! changes rebuild, and publish the new site, or the problems over the last
//! good one, as a [`Snapshot`] through a `tokio::sync::watch` channel (but not
//! the problems of a build whose files changed again while it ran: it may have
//! read them half-written). Readers hold an `Arc` to one snapshot, so they
//! never see a half-made site, and nothing is written to disk. Open pages
//! learn of each build over server-sent events and reload, or show the
//! problems in an overlay. What happens along the way is told to the caller
//! as [`Event`]s, which the command line puts into words.

use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr, TcpListener, ToSocketAddrs};
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tokio::sync::watch;

use crate::diagnostics::{Diagnostic, Severity};
use crate::render::{BUILD_STAND_IN, RenderOptions};
use crate::watch::{Change, Timing, Watcher};
use crate::write;
use crate::{BuildOptions, Cache, DataFiles, FastMap, Site};

mod files;
mod guard;
mod site;

use files::{DataFile, Served, StoryFile};
use guard::Hosts;
use site::router;

/// What to serve, and how.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The story folder (holding `content/`).
    pub root: PathBuf,
    pub drafts: bool,
    /// The interface to listen on, as given (`--interface`); anything but a
    /// loopback address exposes the preview.
    pub interface: String,
    /// 0 picks a free port.
    pub port: u16,
    /// Look for changes every 500 ms instead of asking the system.
    pub poll: bool,
}

/// What `serve` tells its caller as it goes, in this order: [`Event::Exposed`]
/// if it applies, the first [`Event::Built`], [`Event::Serving`], then one
/// `Built` per burst of changes. Rebuilds are told from the watcher's thread.
#[derive(Debug)]
pub enum Event<'a> {
    /// Listening on an interface other machines can reach: anyone there can
    /// read the preview, drafts included.
    Exposed(IpAddr),
    /// A build finished.
    Built(&'a BuildReport),
    /// The first build is done and the site is served at `http://{address}/`.
    Serving { root: &'a Path, address: SocketAddr },
    /// The file watcher stopped for good: saves are no longer seen.
    WatcherStopped,
}

/// One build, as [`Event::Built`] tells it.
#[derive(Debug)]
pub struct BuildReport {
    /// What set it off, files that are still there first; empty for the first
    /// build. [`Change::Lost`] means everything was rebuilt.
    pub changes: Vec<Change>,
    /// The build's problems, errors and warnings, in order.
    pub diagnostics: Vec<Diagnostic>,
    /// A good build whose warnings are those of the build told before, so
    /// they need not be shown again.
    pub same_warnings: bool,
    pub elapsed: Duration,
    pub result: BuildResult,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildResult {
    /// The new site is served. The deferred data files count among the
    /// pages, as `build` counts them.
    Served { pages: usize, static_files: usize },
    /// The browser shows the errors over the last good build, or on a page
    /// of their own when no build has succeeded yet (`still_serving` false).
    Failed { still_serving: bool },
}

impl BuildReport {
    pub fn failed(&self) -> bool {
        matches!(self.result, BuildResult::Failed { .. })
    }
}

/// Where the server's own files live; no site has a page under it.
const PREFIX: &str = "/__explainer/";
const SCRIPT: &str = "/__explainer/reload.js";

const EVENTS: &str = "/__explainer/events";

/// Serves the story until the server fails, telling `on_event` what happens.
/// Errors are single messages, some with a `\n  = help: ` line.
pub fn serve(
    options: &ServeOptions,
    on_event: impl Fn(Event<'_>) + Send + Sync + 'static,
) -> Result<(), String> {
    let on_event = Arc::new(on_event);
    let root = std::fs::canonicalize(&options.root).map_err(|e| {
        format!(
            "cannot open the story folder {}: {e}",
            options.root.display()
        )
    })?;
    if !root.join("content").is_dir() {
        return Err(format!(
            "no `content/` folder in {}\n  = help: run explainer in a story folder, point --root at one, or start one with `explainer init DIR`",
            root.display()
        ));
    }
    let listener = bind(&options.interface, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the address listened on: {e}"))?;
    if exposed(address.ip()) {
        on_event(Event::Exposed(address.ip()));
    }
    let hosts = Hosts::new(&options.interface, address);
    let watcher = Watcher::new(&root, Timing::default(), options.poll)
        .map_err(|e| {
            format!(
                "cannot watch {} for changes: {e}\n  = help: `--poll` looks for changes without the system's help",
                root.display()
            )
        })?;

    let mut builder = Builder::new(BuildOptions {
        drafts: options.drafts,
        ..BuildOptions::new(root.clone())
    });
    let first = builder.build(&Snapshot::empty(&builder.run), &[]);
    on_event(Event::Built(&first.report));
    builder.told(&first.report);
    let (sender, snapshots) = watch::channel(Arc::new(first.snapshot));
    let watcher_events = Arc::clone(&on_event);
    std::thread::spawn(move || {
        watcher.run(|saved| {
            // Clone the Arc: holding the borrow through a build would block readers.
            let previous = Arc::clone(&sender.borrow());
            let outcome = builder.build(&previous, &saved.changes);
            // A file saved again while this build ran may have been read half-written:
            // keep quiet about these errors, as the next build is on its way.
            if outcome.report.failed() && saved.changed_again() {
                return ControlFlow::Continue(());
            }
            watcher_events(Event::Built(&outcome.report));
            builder.told(&outcome.report);
            sender.send_replace(Arc::new(outcome.snapshot));
            ControlFlow::Continue(())
        });
        watcher_events(Event::WatcherStopped);
    });

    on_event(Event::Serving {
        root: &root,
        address,
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime
        .block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            guard::run(listener, router(snapshots), hosts).await
        })
        .map_err(|e| format!("the server stopped: {e}"))
}

/// Whether other machines can reach the preview.
fn exposed(ip: IpAddr) -> bool {
    !ip.is_loopback()
}

/// Binds `interface:port`, `interface` an IP address or a name of this
/// machine; a taken port names a free one to use instead.
fn bind(interface: &str, port: u16) -> Result<TcpListener, String> {
    let resolved = match interface.parse::<IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) => (interface, port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut found| found.next())
            .map(|address| address.ip()),
    };
    let ip = resolved.ok_or_else(|| {
        format!("--interface {interface} is neither an IP address nor a name of this machine\n  = help: write one like 127.0.0.1 (this machine only) or 0.0.0.0 (every network)")
    })?;
    let listener = TcpListener::bind(SocketAddr::new(ip, port)).map_err(|error| {
        if error.kind() != std::io::ErrorKind::AddrInUse {
            return format!("cannot listen on {}: {error}", SocketAddr::new(ip, port));
        }
        let free = (port.saturating_add(1)..port.saturating_add(100))
            .find(|&p| TcpListener::bind(SocketAddr::new(ip, p)).is_ok());
        let help = match free {
            Some(p) => format!("port {p} is free: `explainer serve --port {p}`"),
            None => "`--port 0` picks a free port".to_string(),
        };
        format!(
            "port {port} on {ip} is already in use (another `explainer serve`?)\n  = help: {help}"
        )
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot set up the listener: {e}"))?;
    Ok(listener)
}

// ---- Building ----

/// What the server shows: the last good site, and the problems of the latest build.
#[derive(Debug)]
struct Snapshot {
    /// Names the last good build; its pages carry it in their reload script's URL.
    build: String,
    /// The last good site, by path; empty until a build succeeds.
    files: Arc<FastMap<String, Served>>,
    /// The path of `base_url` (like `/story/`), where 404.html's links start.
    base_path: String,
    /// The reload event's data (JSON): the build and the latest build's errors.
    event: String,
}

impl Snapshot {
    fn empty(run: &str) -> Snapshot {
        Snapshot {
            build: format!("{run}-0"),
            files: Arc::default(),
            base_path: "/".into(),
            event: String::new(),
        }
    }
}

/// What the reload script receives after each build.
#[derive(Serialize)]
struct ReloadEvent<'a> {
    build: &'a str,
    /// The first [`OVERLAY_PROBLEMS`] errors.
    errors: Vec<Problem<'a>>,
    /// How many errors are not in `errors`.
    more: usize,
    /// The first [`OVERLAY_PROBLEMS`] warnings, shown collapsed.
    warnings: Vec<Problem<'a>>,
    /// How many warnings are not in `warnings`.
    more_warnings: usize,
}

/// An error or a warning as the overlay shows it.
#[derive(Serialize)]
struct Problem<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: Cow<'a, str>,
    /// As the terminal and `check` print it: place, source line, caret, help.
    text: String,
}

/// How many errors the overlay lists. Every open tab gets the whole event on
/// every build: a file with 20,000 errors made it 7 MB a tab. The terminal
/// and `explainer check` list them all.
const OVERLAY_PROBLEMS: usize = 50;

/// The most characters of one error's message, or text, that the overlay
/// shows: the source line quoted can be a whole minified file.
const OVERLAY_CHARS: usize = 2_000;

/// Makes snapshots: runs `make_site` and numbers the builds.
struct Builder {
    options: BuildOptions,
    /// Tells this server's builds from an earlier server's, so that tabs left open
    /// across a restart reload.
    run: String,
    count: u64,
    warnings: Vec<Diagnostic>,
    /// What the builds before made, to reuse where its inputs are unchanged.
    cache: Cache,
}

impl Builder {
    fn new(options: BuildOptions) -> Builder {
        let run = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        Builder {
            options,
            run: format!("{run:x}"),
            count: 0,
            warnings: Vec::new(),
            cache: Cache::default(),
        }
    }

    /// Builds the site; on failure keeps `previous`'s site with the problems.
    fn build(&mut self, previous: &Snapshot, changes: &[Change]) -> Outcome {
        let started = Instant::now();
        self.count += 1;
        let build = format!("{}-{}", self.run, self.count);
        let render = RenderOptions {
            live_reload: Some(format!("{SCRIPT}?build={BUILD_STAND_IN}")),
            defer_data: true,
            previous_output: None,
            pictures: true,
        };
        // What the watcher saw is read again, whatever the file system says;
        // everything when it lost track or content/ itself moved.
        let everything = changes.iter().any(|change| match change {
            Change::Lost(_) => true,
            Change::Folder(folder) => folder == "content" || folder.starts_with("content/"),
            Change::Source(_) => false,
        });
        match everything {
            true => self.cache.changed_all(),
            false => self
                .cache
                .changed(changes.iter().filter_map(|change| match change {
                    Change::Source(path) => Some(path.as_str()),
                    Change::Folder(_) | Change::Lost(_) => None,
                })),
        }
        let (site, diagnostics) = make_site(&self.options, &render, &mut self.cache);
        let base_path = base_path(&self.options.root).unwrap_or_else(|| previous.base_path.clone());
        let elapsed = started.elapsed();
        // Name files that are there first, not an editor's vanished temp file.
        let mut changes = changes.to_vec();
        changes
            .sort_by_key(|c| matches!(c, Change::Source(p) if !self.options.root.join(p).exists()));
        let Some(site) = site else {
            return Outcome {
                snapshot: Snapshot {
                    build: previous.build.clone(),
                    files: previous.files.clone(),
                    base_path,
                    event: event_json(&previous.build, &diagnostics),
                },
                report: BuildReport {
                    changes,
                    diagnostics,
                    same_warnings: false,
                    elapsed,
                    result: BuildResult::Failed {
                        still_serving: !previous.files.is_empty(),
                    },
                },
            };
        };
        let result = BuildResult::Served {
            pages: site.pages.len() + site.data.as_ref().map_or(0, |_| DataFiles::paths().len()),
            static_files: site.statics.len(),
        };
        let same_warnings = (self.warnings.iter()).eq(diagnostics.iter().filter(|d| !d.is_error()));
        Outcome {
            snapshot: Snapshot {
                event: event_json(&build, &diagnostics),
                files: Arc::new(files(site, &self.options.root)),
                build,
                base_path,
            },
            report: BuildReport {
                changes,
                diagnostics,
                same_warnings,
                elapsed,
                result,
            },
        }
    }

    /// Remembers the warnings of a build just told, so that a later good
    /// build with the same warnings need not show them again.
    fn told(&mut self, report: &BuildReport) {
        self.warnings = report
            .diagnostics
            .iter()
            .filter(|d| !d.is_error())
            .cloned()
            .collect();
    }
}

/// What one build made, before it is told and published.
struct Outcome {
    snapshot: Snapshot,
    report: BuildReport,
}

/// [`crate::make_site_cached`], with a bug's panic turned into an error, so the
/// server keeps serving the last good build instead of silently never
/// rebuilding again. After a panic the cache starts afresh.
fn make_site(
    options: &BuildOptions,
    render: &RenderOptions,
    cache: &mut Cache,
) -> (Option<Site>, Vec<Diagnostic>) {
    let built = std::panic::catch_unwind(AssertUnwindSafe(|| {
        crate::make_site_cached(options, render, cache)
    }));
    built.unwrap_or_else(|_| {
        *cache = Cache::default();
        let message =
            "explainer crashed while building (the panic is printed above); this is a bug";
        let diagnostic = Diagnostic::whole_file(Severity::Error, "", message)
            .help("please report it with the file you just changed; saving again retries");
        (None, vec![diagnostic])
    })
}

/// The site's files by path. Static files stay on disk, read from the story
/// folder `root` when asked for.
fn files(site: Site, root: &Path) -> FastMap<String, Served> {
    let root: Arc<Path> = Arc::from(root);
    let mut files = FastMap::with_capacity_and_hasher(
        site.pages.len() + site.statics.len(),
        Default::default(),
    );
    for file in site.statics {
        let served = match file.bytes {
            write::Bytes::BuiltIn(bytes) => Served::BuiltIn(bytes),
            write::Bytes::File(full) => match StoryFile::new(&root, &full) {
                Some(file) => Served::File(file),
                None => continue,
            },
        };
        files.insert(file.path, served);
    }
    for page in site.pages {
        files.insert(page.path, Served::Memory(page.bytes));
    }
    if let Some(data) = site.data {
        for path in DataFiles::paths() {
            files.insert(
                path.to_string(),
                Served::Data(Arc::new(DataFile::new(&data, path))),
            );
        }
    }
    files
}

fn event_json(build: &str, diagnostics: &[Diagnostic]) -> String {
    let problems = |errors: bool| {
        diagnostics
            .iter()
            .filter(move |d| d.is_error() == errors)
            .take(OVERLAY_PROBLEMS)
            .map(|d| Problem {
                path: &d.path,
                line: d.line,
                column: d.column,
                message: clip(&d.message),
                text: clip(&d.to_string()).into_owned(),
            })
            .collect::<Vec<_>>()
    };
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let event = ReloadEvent {
        build,
        errors: problems(true),
        more: errors.saturating_sub(OVERLAY_PROBLEMS),
        warnings: problems(false),
        more_warnings: warnings.saturating_sub(OVERLAY_PROBLEMS),
    };
    // Plain strings and numbers always serialize.
    serde_json::to_string(&event).unwrap_or_default()
}

/// `text`, cut to [`OVERLAY_CHARS`] characters with an ellipsis if longer.
fn clip(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(OVERLAY_CHARS) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
    }
}

/// The path of the story's `base_url`, where the 404 page's links start.
fn base_path(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("content/site.toml")).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    let url = table.get("base_url")?.as_str()?;
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
    Some(if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_gets_the_first_errors_and_a_count_of_the_rest() {
        let long = "x".repeat(OVERLAY_CHARS * 10);
        let errors: Vec<Diagnostic> = (0..OVERLAY_PROBLEMS + 7)
            .map(|n| Diagnostic::whole_file(Severity::Error, &format!("content/{n}.md"), &long))
            .collect();
        let event: serde_json::Value =
            serde_json::from_str(&event_json("b-1", &errors)).expect("JSON");
        let shown = event["errors"].as_array().expect("errors");
        assert_eq!(shown.len(), OVERLAY_PROBLEMS);
        assert_eq!(shown[0]["path"], "content/0.md");
        assert_eq!(event["more"], 7);
        let message = shown[0]["message"].as_str().expect("message");
        assert_eq!(message.chars().count(), OVERLAY_CHARS + 1);
        assert!(message.ends_with('…'));
        let text = shown[0]["text"].as_str().expect("text");
        assert!(text.chars().count() <= OVERLAY_CHARS + 1, "{}", text.len());

        let few = [Diagnostic::whole_file(
            Severity::Error,
            "content/a.md",
            "short",
        )];
        let few: serde_json::Value = serde_json::from_str(&event_json("b-1", &few)).expect("JSON");
        assert_eq!(few["more"], 0);
        assert_eq!(few["errors"][0]["message"], "short");
        assert_eq!(few["warnings"], serde_json::json!([]));
    }

    /// Warnings go to the overlay too, apart from the errors, with a count.
    #[test]
    fn the_overlay_gets_the_warnings_apart_from_the_errors() {
        let mut all = vec![Diagnostic::whole_file(
            Severity::Error,
            "content/a.md",
            "broken",
        )];
        all.extend(
            (0..OVERLAY_PROBLEMS + 2).map(|n| {
                Diagnostic::whole_file(Severity::Warning, &format!("content/{n}.md"), "odd")
            }),
        );
        let event: serde_json::Value =
            serde_json::from_str(&event_json("b-1", &all)).expect("JSON");
        assert_eq!(event["errors"].as_array().expect("errors").len(), 1);
        assert_eq!(event["more"], 0);
        let warnings = event["warnings"].as_array().expect("warnings");
        assert_eq!(warnings.len(), OVERLAY_PROBLEMS);
        assert_eq!(warnings[0]["path"], "content/0.md");
        assert_eq!(event["more_warnings"], 2);
    }

    #[test]
    fn only_loopback_interfaces_are_private() {
        for private in ["127.0.0.1", "::1"] {
            assert!(!exposed(private.parse().expect("IP")), "{private}");
        }
        for public in ["0.0.0.0", "192.168.1.20", "::"] {
            assert!(exposed(public.parse().expect("IP")), "{public}");
        }
    }
}
