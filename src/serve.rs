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

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderName, Method, StatusCode, Uri, header};
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use serde::Serialize;
use tokio::sync::watch;

use crate::diagnostics::{Diagnostic, Severity};
use crate::render::{BUILD_STAND_IN, RenderOptions};
use crate::watch::{Change, Timing, Watcher};
use crate::write;
use crate::{BuildOptions, Cache, DataFiles, Site};

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
            axum::serve(listener, router(snapshots)).await
        })
        .map_err(|e| format!("the server stopped: {e}"))
}

/// Whether other machines can reach the preview.
fn exposed(ip: IpAddr) -> bool {
    !ip.is_loopback()
}

/// Binds `interface:port`; a taken port names a free one to use instead.
fn bind(interface: &str, port: u16) -> Result<TcpListener, String> {
    let ip: IpAddr = interface.parse().map_err(|_| {
        format!("--interface {interface} is not an IP address\n  = help: write one like 127.0.0.1 (this machine only) or 0.0.0.0 (every network)")
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

/// One file of the served site.
#[derive(Debug, Clone)]
enum Served {
    Memory(Bytes),
    BuiltIn(&'static [u8]),
    /// A static file, read when asked for, like `build` copies it.
    File(PathBuf),
    /// A data file, made when first asked for.
    Data(Arc<DataFiles>, &'static str),
}

/// What the server shows: the last good site, and the problems of the latest build.
#[derive(Debug)]
struct Snapshot {
    /// Names the last good build; its pages carry it in their reload script's URL.
    build: String,
    /// The last good site, by path; empty until a build succeeds.
    files: Arc<HashMap<String, Served>>,
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
    errors: Vec<Problem<'a>>,
}

/// An error as the overlay shows it.
#[derive(Serialize)]
struct Problem<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
    /// As the terminal and `check` print it: place, source line, caret, help.
    text: String,
}

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
            build_name: Some(build.clone()),
            defer_data: true,
        };
        let (site, diagnostics) = make_site(&self.options, &render, &mut self.cache);
        let base_path = base_path(&self.options.root).unwrap_or_else(|| previous.base_path.clone());
        let elapsed = started.elapsed();
        // Name files that are there first, not an editor's vanished temp file.
        let mut changes = changes.to_vec();
        changes
            .sort_by_key(|c| matches!(c, Change::Source(p) if !self.options.root.join(p).exists()));
        let Some(site) = site else {
            let errors: Vec<Diagnostic> = diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            return Outcome {
                snapshot: Snapshot {
                    build: previous.build.clone(),
                    files: previous.files.clone(),
                    base_path,
                    event: event_json(&previous.build, &errors),
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
                event: event_json(&build, &[]),
                files: Arc::new(files(site)),
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

fn files(site: Site) -> HashMap<String, Served> {
    let mut files = HashMap::with_capacity(site.pages.len() + site.statics.len());
    for file in site.statics {
        let served = match file.bytes {
            write::Bytes::BuiltIn(bytes) => Served::BuiltIn(bytes),
            write::Bytes::File(path) => Served::File(path),
        };
        files.insert(file.path, served);
    }
    for page in site.pages {
        files.insert(page.path, Served::Memory(page.bytes.into()));
    }
    if let Some(data) = site.data {
        for path in DataFiles::paths() {
            files.insert(path.to_string(), Served::Data(Arc::clone(&data), path));
        }
    }
    files
}

fn event_json(build: &str, errors: &[Diagnostic]) -> String {
    let event = ReloadEvent {
        build,
        errors: errors
            .iter()
            .map(|d| Problem {
                path: &d.path,
                line: d.line,
                column: d.column,
                message: &d.message,
                text: d.to_string(),
            })
            .collect(),
    };
    // Plain strings and numbers always serialize.
    serde_json::to_string(&event).unwrap_or_default()
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

// ---- Serving ----

type Snapshots = watch::Receiver<Arc<Snapshot>>;

fn router(snapshots: Snapshots) -> Router {
    Router::new()
        .route(SCRIPT, get(script))
        .route(EVENTS, get(events))
        .fallback(site)
        .with_state(snapshots)
}

/// Every response: never cached, so a reload always shows the latest build.
fn respond(status: StatusCode, content_type: &str, body: impl Into<Body>) -> Response {
    let headers: [(HeaderName, &str); 3] = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (status, headers, body.into()).into_response()
}

async fn script() -> Response {
    respond(StatusCode::OK, "text/javascript; charset=utf-8", RELOAD_JS)
}

/// Server-sent events: the current build at once, then one event per build.
async fn events(State(snapshots): State<Snapshots>) -> Response {
    let stream = build_events(snapshots);
    let sse = Sse::new(stream).keep_alive(KeepAlive::default());
    ([(header::CACHE_CONTROL, "no-store")], sse).into_response()
}

fn build_events(snapshots: Snapshots) -> impl Stream<Item = Result<sse::Event, Infallible>> {
    futures_util::stream::unfold((snapshots, true), |(mut snapshots, first)| async move {
        if !first {
            // Err: the builder is gone, so no build will ever come.
            snapshots.changed().await.ok()?;
        }
        let data = snapshots.borrow_and_update().event.clone();
        let event = sse::Event::default().event("build").data(data);
        Some((Ok(event), (snapshots, false)))
    })
}

async fn site(State(snapshots): State<Snapshots>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = respond(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "Only GET and HEAD are allowed here.\n",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let snapshot = snapshots.borrow().clone();
    if snapshot.files.is_empty() {
        return not_built(&snapshot);
    }
    let has = |path: &str| snapshot.files.contains_key(path);
    match locate(uri.path(), &snapshot.base_path, has) {
        Located::File(path) => match read(&snapshot.files[&path]).await {
            Some(bytes) => respond(StatusCode::OK, content_type(&path), bytes),
            None => not_found(&snapshot).await,
        },
        Located::Folder => {
            let query = uri.query().map_or(String::new(), |q| format!("?{q}"));
            let mut response = respond(
                StatusCode::PERMANENT_REDIRECT,
                "text/plain; charset=utf-8",
                "",
            );
            let location = format!("{}/{query}", uri.path());
            if let Ok(value) = header::HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Located::Missing => not_found(&snapshot).await,
        Located::Refused => respond(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            "This path is not allowed.\n",
        ),
    }
}

async fn read(served: &Served) -> Option<Bytes> {
    match served {
        Served::Memory(bytes) => Some(bytes.clone()),
        Served::BuiltIn(bytes) => Some(Bytes::from_static(bytes)),
        Served::File(path) => tokio::fs::read(path).await.ok().map(Bytes::from),
        Served::Data(data, path) => {
            let (data, path) = (Arc::clone(data), *path);
            let made =
                tokio::task::spawn_blocking(move || data.get(path).map(Bytes::copy_from_slice));
            made.await.ok().flatten()
        }
    }
}

/// The site's own 404 page where it has one.
async fn not_found(snapshot: &Snapshot) -> Response {
    if let Some(page) = snapshot.files.get("404.html")
        && let Some(bytes) = read(page).await
    {
        return respond(StatusCode::NOT_FOUND, "text/html; charset=utf-8", bytes);
    }
    respond(
        StatusCode::NOT_FOUND,
        "text/plain; charset=utf-8",
        "Not found.\n",
    )
}

/// Before the first good build: a page that shows the problems and reloads when fixed.
fn not_built(snapshot: &Snapshot) -> Response {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Not built yet</title>\n</head>\n<body>\n<h1>The story is not built yet</h1>\n<p>The first build failed. The problems are listed in the terminal and here; this page reloads when they are fixed.</p>\n<script src=\"{SCRIPT}?build={}\" defer></script>\n</body>\n</html>\n",
        snapshot.build
    );
    respond(
        StatusCode::SERVICE_UNAVAILABLE,
        "text/html; charset=utf-8",
        page,
    )
}

/// Where a request path leads in the site.
#[derive(Debug, PartialEq, Eq)]
enum Located {
    /// The site's file at this path.
    File(String),
    /// A folder asked for without its trailing slash: redirect, so relative links work.
    Folder,
    Missing,
    /// Not a path inside the site (`..`, backslashes, NUL, bad encoding).
    Refused,
}

/// Maps a request path to a file of the site. The site is served both at `/`
/// and at `base_path`, the path of its `base_url`, where the 404 page's links
/// start. Only files the site holds can ever be found.
fn locate(raw: &str, base_path: &str, has: impl Fn(&str) -> bool) -> Located {
    let Ok(path) = percent_encoding::percent_decode_str(raw).decode_utf8() else {
        return Located::Refused;
    };
    let Some(path) = path.strip_prefix('/') else {
        return Located::Refused;
    };
    let refused = path.contains(['\\', '\0'])
        || path
            .split('/')
            .any(|segment| segment == ".." || segment == ".");
    if refused || path.starts_with(&PREFIX[1..]) {
        return if refused {
            Located::Refused
        } else {
            Located::Missing
        };
    }
    let base = base_path.trim_start_matches('/');
    if !base.is_empty() && base.strip_suffix('/') == Some(path) {
        return Located::Folder;
    }
    let mut tries = vec![path];
    if !base.is_empty()
        && let Some(under) = path.strip_prefix(base)
    {
        tries.push(under);
    }
    for path in tries {
        if path.is_empty() || path.ends_with('/') {
            let index = format!("{path}index.html");
            if has(&index) {
                return Located::File(index);
            }
        } else if has(path) {
            return Located::File(path.to_string());
        } else if has(&format!("{path}/index.html")) {
            return Located::Folder;
        }
    }
    Located::Missing
}

fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "jsonld" => "application/ld+json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "vtt" => "text/vtt; charset=utf-8",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The live-reload client every served page loads. It reloads when the last
/// good build is not the one the page came from, keeping the scroll position,
/// and shows the latest build's errors over the page until they are fixed.
const RELOAD_JS: &str = r#"// explainer serve: live reload and build problems. Not part of built sites.
(() => {
  "use strict";
  const me = document.currentScript;
  const pageBuild = me ? new URL(me.src, location.href).searchParams.get("build") : null;
  const scrollKey = "explainer-serve-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const [x, y] = saved.split(",").map(Number);
    // Instantly: a smooth-scrolling site would otherwise glide there on every reload.
    const restore = () => window.scrollTo({ left: x, top: y, behavior: "instant" });
    restore();
    // Images and fonts can move the page after this script runs.
    addEventListener("load", restore, { once: true });
  }

  let source = null;
  const connect = () => {
    source = new EventSource("/__explainer/events");
    source.addEventListener("build", (message) => {
      const state = JSON.parse(message.data);
      if (state.build !== pageBuild) {
        sessionStorage.setItem(scrollKey, window.scrollX + "," + window.scrollY);
        location.reload();
        return;
      }
      if (state.errors.length > 0) show(state.errors); else hide();
    });
  };
  // Browsers allow few connections per host: let go of this one when leaving.
  addEventListener("pagehide", () => { if (source) { source.close(); source = null; } });
  addEventListener("pageshow", () => { if (!source) connect(); });
  connect();

  const HOST_ID = "explainer-serve-problems";
  const hide = () => { const host = document.getElementById(HOST_ID); if (host) host.remove(); };
  const show = (errors) => {
    hide();
    const host = document.createElement("div");
    host.id = HOST_ID;
    const root = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = `
      section { position: fixed; inset: auto 0 0 0; max-height: 70vh; overflow: auto; z-index: 2147483647;
        margin: 0; padding: 1rem 1.25rem; background: #1d1d1f; color: #f5f5f7; border-top: 4px solid #e5484d;
        font: 15px/1.45 system-ui, sans-serif; box-shadow: 0 -4px 24px rgba(0,0,0,.35); }
      h2 { margin: 0 0 .25rem; font-size: 1.1rem; }
      p { margin: 0 0 .75rem; color: #d0d0d5; }
      ol { margin: 0; padding: 0 0 0 1.25rem; }
      li { margin: 0 0 .75rem; }
      .where { font-weight: 600; color: #ffb3b5; }
      pre { margin: .35rem 0 0; padding: .5rem .75rem; overflow-x: auto; background: #000; color: #f5f5f7;
        font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; white-space: pre; }
      button { position: absolute; top: .75rem; right: 1rem; font: inherit; color: inherit; background: #3a3a3c;
        border: 1px solid #8e8e93; border-radius: 4px; padding: .15rem .6rem; cursor: pointer; }
      button:focus-visible { outline: 3px solid #ffb3b5; outline-offset: 2px; }`;
    const section = document.createElement("section");
    section.setAttribute("role", "alert");
    section.setAttribute("aria-labelledby", "title");
    const title = document.createElement("h2");
    title.id = "title";
    title.textContent = errors.length === 1
      ? "The story has an error" : "The story has " + errors.length + " errors";
    const note = document.createElement("p");
    note.textContent = "This page is the last good build. Fix the problem and save: the page reloads by itself.";
    const list = document.createElement("ol");
    for (const error of errors) {
      const item = document.createElement("li");
      const where = document.createElement("span");
      where.className = "where";
      where.textContent = error.path + (error.line > 0 ? ":" + error.line + ":" + error.column : "");
      const what = document.createTextNode(" " + error.message);
      const text = document.createElement("pre");
      text.textContent = error.text;
      item.append(where, what, text);
      list.append(item);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.setAttribute("aria-label", "Hide the errors");
    close.addEventListener("click", hide);
    section.append(title, note, list, close);
    root.append(style, section);
    document.body.append(host);
  };
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Located {
        let site = [
            "index.html",
            "style.css",
            "timeline/index.html",
            "events/a b/index.html",
            "static/é.txt",
        ];
        locate(raw, "/story/", |p| site.contains(&p))
    }

    #[test]
    fn paths_lead_to_the_sites_files_at_the_root_and_at_the_base_path() {
        let file = |p: &str| Located::File(p.to_string());
        assert_eq!(at("/"), file("index.html"));
        assert_eq!(at("/style.css"), file("style.css"));
        assert_eq!(at("/timeline/"), file("timeline/index.html"));
        assert_eq!(at("/events/a%20b/"), file("events/a b/index.html"));
        assert_eq!(at("/static/%C3%A9.txt"), file("static/é.txt"));
        assert_eq!(at("/story/"), file("index.html"));
        assert_eq!(at("/story/timeline/"), file("timeline/index.html"));
        assert_eq!(at("/story/style.css"), file("style.css"));
    }

    #[test]
    fn folders_without_a_slash_redirect_and_unknown_paths_are_missing() {
        assert_eq!(at("/timeline"), Located::Folder);
        assert_eq!(at("/story/timeline"), Located::Folder);
        assert_eq!(at("/story"), Located::Folder);
        assert_eq!(at("/nothing/"), Located::Missing);
        assert_eq!(at("/index.html/"), Located::Missing);
        assert_eq!(at("//style.css"), Located::Missing);
        assert_eq!(at("/__explainer/style.css"), Located::Missing);
    }

    #[test]
    fn paths_that_leave_the_site_are_refused_in_every_spelling() {
        for raw in [
            "/../style.css",
            "/timeline/../style.css",
            "/%2e%2e/style.css",
            "/%2E%2E%2Fstyle.css",
            "/timeline/%2e%2e%2f%2e%2e%2fetc/passwd",
            "/..%5cstyle.css",
            "/./style.css",
            "/style.css%00.html",
            "/%ff",
            "style.css",
        ] {
            assert_eq!(at(raw), Located::Refused, "{raw}");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("img/A.JPG"), "image/jpeg");
        assert_eq!(content_type("feed.xml"), "application/xml");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
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
