//! The site over HTTP: each request path mapped to a file of the last good
//! build, the live-reload script, and the stream of build events it listens to.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use tokio::sync::watch;

use super::files::Opened;
use super::{EVENTS, PREFIX, SCRIPT, Snapshot};

pub(super) type Snapshots = watch::Receiver<Arc<Snapshot>>;

pub(super) fn router(snapshots: Snapshots) -> Router {
    Router::new()
        .route(SCRIPT, get(script))
        .route(EVENTS, get(events))
        .fallback(site)
        .with_state(snapshots)
}

/// Every response: never cached, so a reload always shows the latest build.
/// (The guard adds the headers that keep other sites out.)
fn respond(status: StatusCode, content_type: &str, body: impl Into<Body>) -> Response {
    let headers: [(HeaderName, &str); 2] = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "no-store"),
    ];
    (status, headers, body.into()).into_response()
}

/// A file of the site, with its length: a streamed one has none of its own.
fn send(status: StatusCode, content_type: &str, file: Opened) -> Response {
    let mut response = respond(status, content_type, file.body);
    (response.headers_mut()).insert(header::CONTENT_LENGTH, HeaderValue::from(file.len));
    response
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
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let snapshot = snapshots.borrow().clone();
    if snapshot.files.is_empty() {
        return not_built(&snapshot);
    }
    let has = |path: &str| snapshot.files.contains_key(path);
    match locate(uri.path(), &snapshot.base_path, has) {
        Located::File(path) => match snapshot.files[&path].open(&snapshot.build).await {
            Some(file) => send(StatusCode::OK, content_type(&path), file),
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
            if let Ok(value) = HeaderValue::from_str(&location) {
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

/// The site's own 404 page where it has one.
async fn not_found(snapshot: &Snapshot) -> Response {
    if let Some(page) = snapshot.files.get("404.html")
        && let Some(file) = page.open(&snapshot.build).await
    {
        return send(StatusCode::NOT_FOUND, "text/html; charset=utf-8", file);
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
const RELOAD_JS: &str = include_str!("reload.js");

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
}
