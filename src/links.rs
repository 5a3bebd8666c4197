//! `explainer check --links`: is every link to another website still there?
//!
//! Steps: take the story's links (each address once, remembering every place
//! that cites it); take the answers younger than a day from the cache; ask for
//! the rest over HTTP with a few workers, at most two requests at a time per
//! host (HEAD, then GET when HEAD is refused), following redirects by hand so
//! a permanent move can be told from a temporary one; report each failure at
//! every place that cites the address; save the successes to
//! `.explainer/links.json`. Nothing here runs unless `--links` was given.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use ureq::http::{Response, Uri};
use ureq::typestate::WithoutBody;
use ureq::{Agent, Body, RequestBuilder};

use crate::BuildOptions;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::model::LinkSite;

/// How links are checked.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// The most time one link may take, redirects and the GET fallback included.
    pub timeout: Duration,
    /// Requests in flight at once, over all hosts.
    pub workers: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            timeout: Duration::from_secs(10),
            workers: 8,
            per_host: 2,
            max_redirects: 10,
        }
    }
}

/// What a link check found.
#[derive(Debug)]
pub struct LinkReport {
    /// One per failing place, sorted like every other diagnostic.
    pub diagnostics: Vec<Diagnostic>,
    /// Different addresses checked (an address cited twice counts once).
    pub checked: usize,
    /// How many of them were answered from the cache.
    pub from_cache: usize,
    pub elapsed: Duration,
    /// Why the cache could not be saved, if it could not.
    pub cache_problem: Option<String>,
}

impl LinkReport {
    /// `found` and the links' problems together, in the usual order.
    pub fn add_to(self, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut all = Diagnostics::default();
        found
            .into_iter()
            .chain(self.diagnostics)
            .for_each(|d| all.push(d));
        all.into_sorted()
    }
}

/// Loads the story and checks its links. `None` when the story has errors:
/// its links are only known once it loads cleanly.
pub fn check_story(options: &BuildOptions, link_options: &LinkOptions) -> Option<LinkReport> {
    let (story, _) = crate::load_story(options);
    story.map(|story| check(&options.root, &story.links, link_options))
}

/// Checks every address in `sites` once, and reports each failure at every
/// place that cites it. Successes are cached under `root/.explainer/`.
pub fn check(root: &Path, sites: &[LinkSite], options: &LinkOptions) -> LinkReport {
    let started = Instant::now();
    let now = unix_now();
    let cache_path = cache_path(root);
    let mut cache = read_cache(&cache_path, now);

    // Each address once, in a stable order; the places citing it in story order.
    let mut places: BTreeMap<String, Vec<&LinkSite>> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut jobs = Vec::new();
    for site in sites {
        let (key, job) = match request_url(&site.url) {
            Ok(job) => (job.url.clone(), Some(job)),
            Err(problem) => {
                outcomes.insert(site.url.clone(), Outcome::Failed(problem));
                (site.url.clone(), None)
            }
        };
        let cited = places.entry(key.clone()).or_default();
        cited.push(site);
        if cited.len() > 1 {
            continue;
        }
        if let Some(entry) = cache.get(&key) {
            outcomes.insert(key, Outcome::Fine(entry.clone()));
        } else if let Some(job) = job {
            jobs.push(job);
        }
    }
    let from_cache = outcomes
        .values()
        .filter(|o| matches!(o, Outcome::Fine(_)))
        .count();

    let asked_any = !jobs.is_empty();
    let asked = ask_all(&jobs, options);
    for (job, outcome) in jobs.into_iter().zip(asked) {
        if let Outcome::Fine(entry) = &outcome {
            cache.insert(job.url.clone(), entry.clone());
        }
        outcomes.insert(job.url, outcome);
    }
    let cache_problem = if asked_any {
        write_cache(&cache_path, &cache)
            .err()
            .map(|error| format!("{}: {error}", cache_path.display()))
    } else {
        None
    };

    let mut diagnostics = Diagnostics::default();
    for (url, outcome) in &outcomes {
        let Some(problem) = outcome.problem(options) else {
            continue;
        };
        for site in places.get(url).into_iter().flatten() {
            let mut at = site.at.clone();
            at.severity = problem.severity;
            at.message = problem.message.clone();
            at.help = Some(problem.help.clone());
            diagnostics.push(at);
        }
    }
    LinkReport {
        diagnostics: diagnostics.into_sorted(),
        checked: places.len(),
        from_cache,
        elapsed: started.elapsed(),
        cache_problem,
    }
}

/// One address to ask for.
#[derive(Debug, Clone)]
struct Job {
    /// Without its `#fragment`, with characters outside ASCII percent-encoded.
    url: String,
    /// Lowercase, without the port: the unit of politeness.
    host: String,
}

/// A successful answer, as cached.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    status: u16,
    /// Where the redirects, if any, ended.
    final_url: String,
    /// The address the link moved to for good (301 or 308), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    moved_to: Option<String>,
    /// Unix seconds.
    checked_at: u64,
}

#[derive(Debug)]
enum Outcome {
    Fine(Entry),
    Failed(Problem),
    TimedOut,
}

/// What is wrong with a link, ready to become a diagnostic.
#[derive(Debug, Clone)]
struct Problem {
    severity: Severity,
    message: String,
    help: String,
}

impl Problem {
    fn error(message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            message: message.into(),
            help: help.into(),
        }
    }

    fn warning(message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(message, help)
        }
    }
}

impl Outcome {
    fn problem(&self, options: &LinkOptions) -> Option<Problem> {
        match self {
            Outcome::Fine(Entry {
                moved_to: Some(new),
                ..
            }) => Some(Problem::warning(
                format!("the link moved to {new}"),
                "write the new address, so readers skip the redirect",
            )),
            Outcome::Fine(_) => None,
            Outcome::Failed(problem) => Some(problem.clone()),
            Outcome::TimedOut => Some(Problem::error(
                format!(
                    "this link did not answer within {}",
                    seconds(options.timeout)
                ),
                "the site may be down or slow: run the check again later, or allow more time with --link-timeout",
            )),
        }
    }
}

/// "1 s", "2.5 s".
fn seconds(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds.fract() == 0.0 {
        format!("{seconds:.0} s")
    } else {
        format!("{seconds:.1} s")
    }
}

/// Characters a browser would encode before sending the address.
const ENCODED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^');

/// The address to ask for, or why it cannot be asked for.
fn request_url(url: &str) -> Result<Job, Problem> {
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let not_web = || {
        Problem::error(
            "this address cannot be checked: it is not a full web address",
            "write the full address, like https://example.org/page",
        )
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(not_web)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(not_web());
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    if !authority.is_ascii() {
        return Err(Problem::warning(
            "this link was not checked: its host name is not plain ASCII",
            "write the host name in its xn-- form to have the link checked",
        ));
    }
    let url = format!(
        "{scheme}://{authority}{}",
        utf8_percent_encode(path, ENCODED)
    );
    let uri: Uri = url.parse().map_err(|_| not_web())?;
    let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(not_web)?;
    Ok(Job {
        host: host.to_ascii_lowercase(),
        url,
    })
}

/// The address a `Location` header points at, seen from `base`.
fn join(base: &str, location: &str) -> String {
    let location = location.trim();
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let has_scheme = location.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme {
        location.to_string()
    } else if location.starts_with("//") {
        format!("{scheme}:{location}")
    } else if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else {
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        if location.starts_with('?') || location.is_empty() {
            format!("{scheme}://{authority}{path}{location}")
        } else {
            let folder = path.rfind('/').map_or("/", |i| &path[..=i]);
            format!("{scheme}://{authority}{folder}{location}")
        }
    }
}

/// Asks for every job, `options.workers` at a time and `options.per_host` at a
/// time per host. The outcomes come back in the order of `jobs`.
fn ask_all(jobs: &[Job], options: &LinkOptions) -> Vec<Outcome> {
    if jobs.is_empty() {
        return Vec::new();
    }
    let agent = agent();
    let queue = Mutex::new(Queue {
        pending: (0..jobs.len()).collect(),
        busy: HashMap::new(),
    });
    let ready = Condvar::new();
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..options.workers.clamp(1, jobs.len()) {
            scope.spawn(|| {
                while let Some(index) = next_job(&queue, &ready, jobs, options.per_host) {
                    let job = &jobs[index];
                    let outcome = ask(&agent, &job.url, options);
                    lock(&results)[index] = Some(outcome);
                    if let Some(busy) = lock(&queue).busy.get_mut(&job.host) {
                        *busy -= 1;
                    }
                    ready.notify_all();
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .map(|o| {
            o.unwrap_or_else(|| {
                Outcome::Failed(Problem::error(
                    "this link could not be checked",
                    "run the check again",
                ))
            })
        })
        .collect()
}

struct Queue {
    /// Indices of the jobs not started yet, in order.
    pending: VecDeque<usize>,
    /// Requests in flight per host.
    busy: HashMap<String, usize>,
}

/// The next job whose host has room, waiting for one if need be; `None` when
/// every job has been taken.
fn next_job(queue: &Mutex<Queue>, ready: &Condvar, jobs: &[Job], per_host: usize) -> Option<usize> {
    let mut guard = lock(queue);
    loop {
        let state = &mut *guard;
        if state.pending.is_empty() {
            return None;
        }
        let free = state
            .pending
            .iter()
            .position(|&i| state.busy.get(&jobs[i].host).copied().unwrap_or(0) < per_host.max(1));
        if let Some(index) = free.and_then(|position| state.pending.remove(position)) {
            *state.busy.entry(jobs[index].host.clone()).or_default() += 1;
            return Some(index);
        }
        guard = ready.wait(guard).unwrap_or_else(PoisonError::into_inner);
    }
}

/// A panic in one worker should not hide the other workers' results.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn agent() -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        // Redirects are followed by hand, to tell a permanent move from a temporary one.
        .max_redirects(0)
        .max_redirects_will_error(false)
        .user_agent(concat!(
            "explainer/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .new_agent()
}

/// Connecting gets at most this long, so a dead host fails before the total timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Follows one address to its end: a success, a failure, or a timeout.
fn ask(agent: &Agent, url: &str, options: &LinkOptions) -> Outcome {
    let deadline = Instant::now() + options.timeout;
    let mut current = url.to_string();
    // The target of the permanent redirects at the start of the chain, if any.
    let mut moved_to = None;
    let mut permanent = true;
    for _ in 0..=options.max_redirects {
        let response = match head_or_get(agent, &current, deadline) {
            Ok(response) => response,
            Err(outcome) => return outcome,
        };
        let status = response.status().as_u16();
        if !response.status().is_redirection() {
            return answer(status, current, moved_to);
        }
        let Some(location) = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
        else {
            return Outcome::Failed(Problem::error(
                format!(
                    "this link answers {} without saying where to go",
                    reason(status)
                ),
                "open it in a browser to find where it leads, and write that address",
            ));
        };
        let next = join(&current, location);
        if permanent && matches!(status, 301 | 308) {
            moved_to = Some(next.clone());
        } else {
            permanent = false;
        }
        current = match request_url(&next) {
            Ok(job) => job.url,
            Err(_) => {
                return Outcome::Failed(Problem::error(
                    format!("this link redirects to `{next}`, which is not a web address"),
                    "open it in a browser to find where it leads, and write that address",
                ));
            }
        };
    }
    Outcome::Failed(Problem::error(
        format!(
            "this link redirects more than {} times",
            options.max_redirects
        ),
        "open it in a browser: the redirects may go round in a loop; write the address where it ends",
    ))
}

/// A final (not redirecting) answer.
fn answer(status: u16, final_url: String, moved_to: Option<String>) -> Outcome {
    match status {
        200..=299 => Outcome::Fine(Entry {
            status,
            final_url,
            moved_to,
            checked_at: unix_now(),
        }),
        401 | 403 | 429 => Outcome::Failed(Problem::warning(
            format!("the site turned the link checker away ({})", reason(status)),
            "open the link in a browser to check it: some sites refuse programs",
        )),
        404 | 410 => Outcome::Failed(Problem::error(
            format!("this link is broken: the site answers {}", reason(status)),
            "correct the address; if the page is gone, link to a copy in a web archive",
        )),
        500..=599 => Outcome::Failed(Problem::error(
            format!("this link fails: the site answers {}", reason(status)),
            "the site may be down for a while: run the check again later, or link to a copy in a web archive",
        )),
        _ => Outcome::Failed(Problem::error(
            format!("this link fails: the site answers {}", reason(status)),
            "open it in a browser to see what is wrong, then correct the address",
        )),
    }
}

/// "404 Not Found".
fn reason(status: u16) -> String {
    let phrase = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason());
    match phrase {
        Some(phrase) => format!("{status} {phrase}"),
        None => status.to_string(),
    }
}

/// HEAD first; GET when the server refuses HEAD or drops the connection on it.
/// The GET's body is never read.
fn head_or_get(agent: &Agent, url: &str, deadline: Instant) -> Result<Response<Body>, Outcome> {
    let time_left = || deadline.saturating_duration_since(Instant::now());
    match send(agent.head(url), time_left()) {
        Ok(response) if !matches!(response.status().as_u16(), 403 | 405 | 501) => {
            return Ok(response);
        }
        Ok(_) => {}
        Err(error) if !retry_with_get(&error) => return Err(failure(error, url)),
        Err(_) => {}
    }
    let time = time_left();
    if time.is_zero() {
        return Err(Outcome::TimedOut);
    }
    send(agent.get(url), time).map_err(|error| failure(error, url))
}

fn send(
    request: RequestBuilder<WithoutBody>,
    time: Duration,
) -> Result<Response<Body>, ureq::Error> {
    request
        .config()
        .timeout_global(Some(time))
        .timeout_connect(Some(time.min(CONNECT_TIMEOUT)))
        .build()
        .call()
}

/// What went wrong on the network, as far as a reader of the report cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trouble {
    TimedOut,
    NoSuchHost,
    Refused,
    Tls,
    Other,
}

fn trouble(error: &ureq::Error) -> Trouble {
    use std::io::ErrorKind;
    match error {
        ureq::Error::Timeout(_) => Trouble::TimedOut,
        ureq::Error::HostNotFound => Trouble::NoSuchHost,
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::TimedOut => Trouble::TimedOut,
            ErrorKind::ConnectionRefused => Trouble::Refused,
            // std reports a failed name lookup with this text and no kind of its own.
            _ if io.to_string().starts_with("failed to lookup address") => Trouble::NoSuchHost,
            _ => Trouble::Other,
        },
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => Trouble::Tls,
        _ => Trouble::Other,
    }
}

/// A failure after the connection was made may be the server's trouble with
/// HEAD; a timeout, a refused connection or an unknown host would fail again.
fn retry_with_get(error: &ureq::Error) -> bool {
    trouble(error) == Trouble::Other
}

fn failure(error: ureq::Error, url: &str) -> Outcome {
    let host = url
        .parse::<Uri>()
        .ok()
        .and_then(|u| u.authority().map(|a| a.to_string()))
        .unwrap_or_default();
    let problem = match trouble(&error) {
        Trouble::TimedOut => return Outcome::TimedOut,
        Trouble::NoSuchHost => Problem::error(
            format!("this link is broken: the host `{host}` was not found"),
            "check the spelling of the address; if the site is gone, link to a copy in a web archive",
        ),
        Trouble::Refused => Problem::error(
            format!("this link is broken: `{host}` refused the connection"),
            "the site may be down: run the check again later, or link to a copy in a web archive",
        ),
        Trouble::Tls => Problem::error(
            format!("this link's secure connection failed: {error}"),
            "the site's certificate may be expired or wrong: open the link in a browser to see",
        ),
        Trouble::Other => Problem::error(
            format!("this link could not be reached: {error}"),
            "run the check again later; if it keeps failing, open the link in a browser",
        ),
    };
    Outcome::Failed(problem)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Answers older than this are asked again.
const CACHE_AGE: u64 = 24 * 60 * 60;

fn cache_path(root: &Path) -> PathBuf {
    root.join(".explainer").join("links.json")
}

/// The cached answers younger than a day. A missing or unreadable cache is an
/// empty one: it is only a shortcut.
fn read_cache(path: &Path, now: u64) -> BTreeMap<String, Entry> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    let mut cache: BTreeMap<String, Entry> = serde_json::from_str(&text).unwrap_or_default();
    cache.retain(|_, entry| entry.checked_at <= now && now - entry.checked_at < CACHE_AGE);
    cache
}

/// Writes the cache to a temp file beside it and renames it into place, so a
/// run that is stopped half-way leaves the old cache whole.
fn write_cache(path: &Path, cache: &BTreeMap<String, Entry>) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let mut text = serde_json::to_string_pretty(cache)?;
    text.push('\n');
    let temp = folder.join(format!(".links.json.{}.tmp", std::process::id()));
    let written = std::fs::write(&temp, text).and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_are_resolved_against_the_address_that_sent_them() {
        let base = "https://example.org/news/2024/story?page=2";
        assert_eq!(join(base, "/ok"), "https://example.org/ok");
        assert_eq!(join(base, "other"), "https://example.org/news/2024/other");
        assert_eq!(
            join(base, "?page=3"),
            "https://example.org/news/2024/story?page=3"
        );
        assert_eq!(
            join(base, "//cdn.example.net/x"),
            "https://cdn.example.net/x"
        );
        assert_eq!(join(base, "http://example.com/"), "http://example.com/");
        assert_eq!(join("http://example.org", "a"), "http://example.org/a");
    }

    #[test]
    fn addresses_lose_their_fragment_and_encode_what_browsers_encode() {
        let job = request_url("HTTPS://Example.org/Bakı yolu?q=a b#part").expect("a web address");
        assert_eq!(job.url, "https://Example.org/Bak%C4%B1%20yolu?q=a%20b");
        assert_eq!(job.host, "example.org");
        assert!(request_url("https://bakı.az/").is_err_and(|p| p.severity == Severity::Warning));
        assert!(request_url("mailto:someone@example.org").is_err());
    }

    #[test]
    fn timeouts_print_as_whole_or_decimal_seconds() {
        assert_eq!(seconds(Duration::from_secs(1)), "1 s");
        assert_eq!(seconds(Duration::from_millis(2500)), "2.5 s");
    }
}
