//! The built default story in headless Chromium: every page loads cleanly, stays on
//! its own origin, is usable by keyboard, fits from 320 to 1920 px, passes axe-core,
//! renders non-blank screenshots and works with JavaScript off.
//!
//! One run of `tests/browser/check.mjs` (Node, playwright-core, Debian's Chromium)
//! visits every page and reports facts as JSON; each test here judges one kind of fact.
//! Where Chromium, Node or the npm packages are missing, each test prints a loud
//! `SKIPPED:` line and passes, except in CI (`CI=true`), where that is a failure.
//! Screenshots are kept in `target/tmp/browser-screenshots/` for people to look at.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde::Deserialize;

/// The page types whose screenshots must exist at both widths.
const PAGE_TYPES: [&str; 7] = [
    "story", "timeline", "actors", "event", "actor", "404", "embed",
];
const SCREENSHOT_WIDTHS: [u32; 2] = [390, 1280];
const NARROWEST: u32 = 320;

// ---------------------------------------------------------------------------------
// What check.mjs reports (only the fields judged here).

#[derive(Debug, Deserialize)]
struct Report {
    chromium: String,
    origin: String,
    pages: Vec<Page>,
    screenshots: Vec<Screenshot>,
    no_js: NoJs,
    not_found: NotFound,
    seconds: f64,
}

#[derive(Debug, Deserialize)]
struct Page {
    path: String,
    status: Option<u16>,
    console: Vec<String>,
    failed: Vec<String>,
    third_party: Vec<String>,
    requests: u32,
    structure: Structure,
    skip_link: SkipLink,
    keyboard: Keyboard,
    overflow: Vec<Overflow>,
    text_zoom: Vec<TextZoom>,
    axe: BTreeMap<String, Axe>,
}

#[derive(Debug, Deserialize)]
struct Structure {
    lang: Option<String>,
    title: String,
    h1: Vec<String>,
    main_count: u32,
    main_id: Option<String>,
    stylesheet_rules: u32,
    positive_tabindex: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct SkipLink {
    element: String,
    is_skip_link: bool,
    href: Option<String>,
    visible: bool,
    focused_after_enter: Option<String>,
    #[serde(default)]
    main_focused: bool,
    next_stop: Option<String>,
    next_stop_in_main: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Keyboard {
    stops: u32,
    problems: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Overflow {
    width: u32,
    scroll_width: u32,
    culprits: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct TextZoom {
    width: u32,
    scroll_width: u32,
    clipped: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Axe {
    version: String,
    violations: Vec<Violation>,
}

#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    nodes: Vec<AxeNode>,
}

#[derive(Debug, Deserialize)]
struct AxeNode {
    target: String,
    html: String,
    summary: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Screenshot {
    #[serde(rename = "type")]
    kind: String,
    path: String,
    width: u32,
    file: PathBuf,
    distinct_colours: u32,
    differing_share: f64,
}

#[derive(Debug, Deserialize)]
struct NoJs {
    script_ran: bool,
    pages: Vec<NoJsPage>,
    follow: Vec<Follow>,
}

#[derive(Debug, Deserialize)]
struct NoJsPage {
    path: String,
    #[serde(rename = "type")]
    kind: String,
    status: Option<u16>,
    console: Vec<String>,
    failed: Vec<String>,
    third_party: Vec<String>,
    h1: Vec<String>,
    main_text_length: u32,
    main_links: Vec<String>,
    event_links: Vec<String>,
    stylesheet_applied: bool,
}

#[derive(Debug, Deserialize)]
struct Follow {
    from: String,
    selector: String,
    error: Option<String>,
    link: Option<String>,
    target: Option<String>,
    landed: Option<String>,
    #[serde(default)]
    h1: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct NotFound {
    url: String,
    status: Option<u16>,
    console: Vec<String>,
    failed: Vec<String>,
    third_party: Vec<String>,
    h1: Vec<String>,
    stylesheet_rules: u32,
}

// ---------------------------------------------------------------------------------
// Finding the tools and running the driver.

fn ci() -> bool {
    env::var("CI").is_ok_and(|v| v == "true")
}

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// An executable on PATH, or None.
fn on_path(name: &str) -> Option<PathBuf> {
    env::split_paths(&env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

struct Tools {
    node: PathBuf,
    chromium: PathBuf,
}

/// Node, Chromium and the npm packages, or why they cannot be used.
fn tools() -> Result<Tools, String> {
    let chromium = match env::var_os("CHROMIUM") {
        Some(path) => PathBuf::from(path),
        None => {
            on_path("chromium").ok_or("no `chromium` on PATH (Debian: apt-get install chromium)")?
        }
    };
    if !chromium.is_file() {
        return Err(format!("CHROMIUM={} is not a file", chromium.display()));
    }
    let node = on_path("node").ok_or("no `node` on PATH (Debian: apt-get install nodejs npm)")?;
    let modules = browser_dir().join("node_modules");
    for package in ["playwright-core", "axe-core"] {
        if !modules.join(package).join("package.json").is_file() {
            return Err(format!(
                "npm package {package} is not installed (run: npm ci --ignore-scripts --prefix tests/browser)"
            ));
        }
    }
    Ok(Tools { node, chromium })
}

/// The path part of the default story's base URL: the 404 page's links start there.
fn mount_path() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = fs::read_to_string(root.join("content/site.toml")).expect("read content/site.toml");
    let table: toml::Table = toml::from_str(&site).expect("content/site.toml is TOML");
    let base = table["base_url"].as_str().expect("base_url is a string");
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

/// Runs check.mjs over `site` and parses its report.
fn drive(tools: &Tools, site: &Path, mount: &str, screenshots: &Path) -> Result<Report, String> {
    let out = [std::ffi::OsStr::new("--out"), screenshots.as_os_str()];
    run_script(tools, "check.mjs", site, mount, &out)
}

/// Runs one of the browser scripts over the built `site` served at `mount`,
/// with `more` arguments, and parses the JSON report it prints.
fn run_script<T: serde::de::DeserializeOwned>(
    tools: &Tools,
    script: &str,
    site: &Path,
    mount: &str,
    more: &[&std::ffi::OsStr],
) -> Result<T, String> {
    let output = Command::new(&tools.node)
        .arg(browser_dir().join(script))
        .arg("--site")
        .arg(site)
        .arg("--mount")
        .arg(mount)
        .args(more)
        .arg("--chromium")
        .arg(&tools.chromium)
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{script} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("{script} printed bad JSON: {e}"))
}

/// The report on the default story, made once for all tests of this binary; None
/// when the tools are missing outside CI (after a loud SKIPPED line).
fn report(test: &str) -> Option<&'static Report> {
    static REPORT: OnceLock<Result<Report, String>> = OnceLock::new();
    let outcome = REPORT.get_or_init(|| {
        let tools = tools().map_err(|why| format!("missing tool: {why}"))?;
        let out = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = out.path().join("site");
        let built = support::explainer(
            &["build", "--output", site.to_str().expect("UTF-8 path")],
            root,
        );
        assert!(built.status.success(), "{}", support::stderr(&built));
        let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
        // Only this run's pictures: a page type that is gone leaves none behind.
        let _ = fs::remove_dir_all(&screenshots);
        let report = drive(&tools, &site, &mount_path(), &screenshots)?;
        let _ = writeln!(
            std::io::stderr(),
            "browser: Chromium {} checked {} pages in {:.1} s; screenshots in {}",
            report.chromium,
            report.pages.len(),
            report.seconds,
            screenshots.display()
        );
        Ok(report)
    });
    made_or_skipped(test, outcome)
}

/// Says loudly that `test` did not run; in CI, fails instead.
/// A report made once for all tests of this binary; `None` after a loud
/// SKIPPED line when the tools are missing outside CI.
fn made_or_skipped<R>(test: &str, outcome: &'static Result<R, String>) -> Option<&'static R> {
    match outcome {
        Ok(report) => Some(report),
        Err(why) if why.starts_with("missing tool") => {
            skip(test, why);
            None
        }
        Err(why) => panic!("{why}"),
    }
}

fn skip(test: &str, why: &str) {
    if ci() {
        panic!("{test}: {why}; CI=true requires the browser tests (.ci/run installs the tools)");
    }
    // Straight to stderr: the test harness hides eprintln! output of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED: browser test {test}: {why} ***\n"
    );
}

/// A check: the problems it finds in a report, one a line.
type Check = fn(&Report) -> Vec<String>;

/// Fails with every problem, one a line.
fn assert_no_problems(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------
// The checks: each turns a report into a list of problems, so that the same check
// runs on the default story and, to prove it can fail, on a broken site.

fn load_problems(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for p in &r.pages {
        if p.status != Some(200) {
            problems.push(format!("{}: HTTP status {:?}", p.path, p.status));
        }
        for c in &p.console {
            problems.push(format!("{}: {c}", p.path));
        }
        for f in &p.failed {
            problems.push(format!("{}: failed request {f}", p.path));
        }
    }
    for p in &r.no_js.pages {
        for c in &p.console {
            problems.push(format!("{} (no JavaScript): {c}", p.path));
        }
        for f in &p.failed {
            problems.push(format!("{} (no JavaScript): failed request {f}", p.path));
        }
    }
    if r.pages.is_empty() {
        problems.push("no pages were checked".into());
    }
    problems
}

fn origin_problems(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for p in &r.pages {
        for url in &p.third_party {
            problems.push(format!("{}: request to another origin: {url}", p.path));
        }
        if p.requests == 0 {
            problems.push(format!("{}: no request was seen at all", p.path));
        }
    }
    for p in &r.no_js.pages {
        for url in &p.third_party {
            problems.push(format!(
                "{} (no JavaScript): request to another origin: {url}",
                p.path
            ));
        }
    }
    for url in &r.not_found.third_party {
        problems.push(format!("404 page: request to another origin: {url}"));
    }
    problems
}

fn structure_problems(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for p in &r.pages {
        let s = &p.structure;
        if s.h1.len() != 1 {
            problems.push(format!(
                "{}: {} h1 elements {:?}, want 1",
                p.path,
                s.h1.len(),
                s.h1
            ));
        }
        if s.lang.as_deref().is_none_or(|l| l.trim().is_empty()) {
            problems.push(format!("{}: <html> has no lang", p.path));
        }
        if s.title.trim().is_empty() {
            problems.push(format!("{}: empty <title>", p.path));
        }
        if s.main_count != 1 {
            problems.push(format!(
                "{}: {} main elements, want 1",
                p.path, s.main_count
            ));
        }
        if s.stylesheet_rules == 0 {
            problems.push(format!("{}: no stylesheet rules applied", p.path));
        }
    }
    problems
}

fn skip_link_problems(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for p in &r.pages {
        let s = &p.skip_link;
        if !s.is_skip_link {
            problems.push(format!(
                "{}: the first Tab stop is {}, not a skip link to #main",
                p.path, s.element
            ));
            continue;
        }
        if !s.visible {
            problems.push(format!(
                "{}: the focused skip link is not visible on screen",
                p.path
            ));
        }
        let target = s.href.as_deref().and_then(|h| h.strip_prefix('#'));
        if target.is_none() || target != p.structure.main_id.as_deref() {
            problems.push(format!(
                "{}: the skip link points at {:?}, but main's id is {:?}",
                p.path, s.href, p.structure.main_id
            ));
        }
        if !s.main_focused {
            problems.push(format!(
                "{}: after Enter on the skip link focus is on {:?}, not main",
                p.path, s.focused_after_enter
            ));
        }
        if s.next_stop_in_main != Some(true) {
            problems.push(format!(
                "{}: the Tab after the skip link goes to {:?}, outside main",
                p.path, s.next_stop
            ));
        }
    }
    problems
}

fn keyboard_problems(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for p in &r.pages {
        for problem in &p.keyboard.problems {
            problems.push(format!("{}: {problem}", p.path));
        }
        if p.keyboard.stops == 0 {
            problems.push(format!("{}: nothing to reach by keyboard", p.path));
        }
        for el in &p.structure.positive_tabindex {
            problems.push(format!(
                "{}: positive tabindex breaks the reading order: {el}",
                p.path
            ));
        }
    }
    problems
}

fn overflow_problems(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for p in &r.pages {
        let widths: BTreeSet<u32> = p.overflow.iter().map(|o| o.width).collect();
        if !widths.contains(&NARROWEST) || !widths.contains(&1920) {
            problems.push(format!(
                "{}: widths checked {widths:?} miss 320 or 1920",
                p.path
            ));
        }
        for o in &p.overflow {
            if o.scroll_width > o.width {
                problems.push(format!(
                    "{}: {} px wide at a {} px viewport; sticking out: {}",
                    p.path,
                    o.scroll_width,
                    o.width,
                    o.culprits.join("; ")
                ));
            }
        }
    }
    problems
}

fn zoom_problems(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for p in &r.pages {
        if p.text_zoom.is_empty() {
            problems.push(format!("{}: text zoom not checked", p.path));
        }
        for z in &p.text_zoom {
            if z.scroll_width > z.width {
                problems.push(format!(
                    "{}: with text at 200% the page is {} px wide at {} px",
                    p.path, z.scroll_width, z.width
                ));
            }
            for el in &z.clipped {
                problems.push(format!(
                    "{}: with text at 200% at {} px, {el} clips its content",
                    p.path, z.width
                ));
            }
        }
    }
    problems
}

fn axe_problems(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for p in &r.pages {
        if p.axe.is_empty() {
            problems.push(format!("{}: axe did not run", p.path));
        }
        for (mode, run) in &p.axe {
            for v in &run.violations {
                for n in &v.nodes {
                    problems.push(format!(
                        "{} [{mode}, axe {}]: {} ({}, {}): {} at `{}`: {}",
                        p.path,
                        run.version,
                        v.id,
                        v.impact.as_deref().unwrap_or("?"),
                        v.help,
                        n.html,
                        n.target,
                        n.summary.as_deref().unwrap_or("").replace('\n', " ")
                    ));
                }
            }
        }
    }
    problems
}

fn screenshot_problems(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for kind in PAGE_TYPES {
        for width in SCREENSHOT_WIDTHS {
            let Some(shot) = r
                .screenshots
                .iter()
                .find(|s| s.kind == kind && s.width == width)
            else {
                problems.push(format!("no screenshot of a {kind} page at {width} px"));
                continue;
            };
            match png_width(&shot.file) {
                Ok(w) if w == width => {}
                Ok(w) => problems.push(format!(
                    "{}: screenshot at {width} px is {w} px wide",
                    shot.path
                )),
                Err(why) => problems.push(format!("{}: {why}", shot.file.display())),
            }
            if shot.distinct_colours < 16 || shot.differing_share < 0.001 {
                problems.push(format!(
                    "{} ({kind}) at {width} px looks blank: {} colours, {:.2}% of pixels unlike the corner",
                    shot.path,
                    shot.distinct_colours,
                    shot.differing_share * 100.0
                ));
            }
        }
    }
    problems
}

/// The width recorded in a PNG file's header.
fn png_width(file: &Path) -> Result<u32, String> {
    let bytes = fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return Err("not a PNG file".into());
    }
    Ok(u32::from_be_bytes([
        bytes[16], bytes[17], bytes[18], bytes[19],
    ]))
}

fn no_js_problems(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    let js = &r.no_js;
    if js.script_ran {
        problems.push("a script ran in the context that should have JavaScript disabled".into());
    }
    let url_of = |path: &str| format!("{}{}", r.origin, path.trim_end_matches("index.html"));
    let events: BTreeSet<String> = js
        .pages
        .iter()
        .filter(|p| p.kind == "event")
        .map(|p| url_of(&p.path))
        .collect();
    let actors: BTreeSet<String> = js
        .pages
        .iter()
        .filter(|p| p.kind == "actor")
        .map(|p| url_of(&p.path))
        .collect();
    match js.pages.iter().find(|p| p.kind == "timeline") {
        None => problems.push("no timeline page".into()),
        Some(timeline) => {
            let linked: BTreeSet<String> = timeline.event_links.iter().cloned().collect();
            for missing in events.difference(&linked) {
                problems.push(format!("timeline without JavaScript: no link to {missing}"));
            }
            if events.is_empty() {
                problems.push("timeline without JavaScript: no events at all".into());
            }
        }
    }
    match js.pages.iter().find(|p| p.kind == "actors") {
        None => problems.push("no actors page".into()),
        Some(index) => {
            let linked: BTreeSet<String> = index.main_links.iter().cloned().collect();
            for missing in actors.difference(&linked) {
                problems.push(format!(
                    "actors page without JavaScript: no link to {missing}"
                ));
            }
        }
    }
    if actors.is_empty() {
        problems.push("no actor pages".into());
    }
    for p in &js.pages {
        if !["timeline", "actors", "actor"].contains(&p.kind.as_str()) {
            continue;
        }
        if p.status != Some(200) {
            problems.push(format!(
                "{} without JavaScript: HTTP status {:?}",
                p.path, p.status
            ));
        }
        if p.h1.len() != 1 || p.h1[0].is_empty() {
            problems.push(format!(
                "{} without JavaScript: headings {:?}",
                p.path, p.h1
            ));
        }
        if p.main_text_length < 20 {
            problems.push(format!(
                "{} without JavaScript: only {} characters in main",
                p.path, p.main_text_length
            ));
        }
        if !p.stylesheet_applied {
            problems.push(format!(
                "{} without JavaScript: the stylesheet is not applied",
                p.path
            ));
        }
    }
    if js.follow.len() < 3 {
        problems.push(format!(
            "only {} links were followed without JavaScript, want 3 (timeline, actors, an actor)",
            js.follow.len()
        ));
    }
    for f in &js.follow {
        if let Some(error) = &f.error {
            problems.push(format!(
                "{} `{}` without JavaScript: {error}",
                f.from, f.selector
            ));
            continue;
        }
        if f.landed != f.target {
            problems.push(format!(
                "{}: following {:?} without JavaScript landed on {:?}, not {:?}",
                f.from, f.link, f.landed, f.target
            ));
        }
        if f.h1.len() != 1 {
            problems.push(format!(
                "{}: the page behind {:?} has headings {:?}",
                f.from, f.link, f.h1
            ));
        }
    }
    problems
}

fn not_found_problems(r: &Report) -> Vec<String> {
    let n = &r.not_found;
    let mut problems = Vec::new();
    if n.status != Some(404) {
        problems.push(format!("{}: status {:?}, want 404", n.url, n.status));
    }
    if n.h1.len() != 1 {
        problems.push(format!("{}: headings {:?}, want one h1", n.url, n.h1));
    }
    if n.stylesheet_rules == 0 {
        problems.push(format!(
            "{}: the 404 page is unstyled (its stylesheet did not load)",
            n.url
        ));
    }
    for c in &n.console {
        problems.push(format!("{}: {c}", n.url));
    }
    for f in &n.failed {
        problems.push(format!("{}: failed request {f}", n.url));
    }
    problems
}

// ---------------------------------------------------------------------------------
// The default story.

#[test]
fn pages_load_without_console_errors_or_failed_requests() {
    let Some(r) = report("pages_load_without_console_errors_or_failed_requests") else {
        return;
    };
    assert_no_problems("loading", load_problems(r));
}

#[test]
fn every_request_goes_to_the_local_origin() {
    let Some(r) = report("every_request_goes_to_the_local_origin") else {
        return;
    };
    assert_no_problems("third-party requests", origin_problems(r));
}

#[test]
fn every_page_has_one_h1_a_title_a_language_and_one_main() {
    let Some(r) = report("every_page_has_one_h1_a_title_a_language_and_one_main") else {
        return;
    };
    assert_no_problems("page structure", structure_problems(r));
}

#[test]
fn the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main() {
    let Some(r) = report("the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main") else {
        return;
    };
    assert_no_problems("skip link", skip_link_problems(r));
}

#[test]
fn every_link_is_reached_by_tab_in_order_with_a_visible_focus_indicator() {
    let Some(r) = report("every_link_is_reached_by_tab_in_order_with_a_visible_focus_indicator")
    else {
        return;
    };
    assert_no_problems("keyboard", keyboard_problems(r));
}

#[test]
fn no_page_overflows_horizontally_from_320_to_1920_px() {
    let Some(r) = report("no_page_overflows_horizontally_from_320_to_1920_px") else {
        return;
    };
    assert_no_problems("horizontal overflow", overflow_problems(r));
}

#[test]
fn text_at_200_percent_neither_overflows_nor_clips() {
    let Some(r) = report("text_at_200_percent_neither_overflows_nor_clips") else {
        return;
    };
    assert_no_problems("200% text", zoom_problems(r));
}

#[test]
fn axe_core_finds_no_violations_in_light_dark_or_narrow_layouts() {
    let Some(r) = report("axe_core_finds_no_violations_in_light_dark_or_narrow_layouts") else {
        return;
    };
    assert_no_problems("axe-core", axe_problems(r));
}

#[test]
fn screenshots_of_every_page_type_at_390_and_1280_px_are_not_blank() {
    let Some(r) = report("screenshots_of_every_page_type_at_390_and_1280_px_are_not_blank") else {
        return;
    };
    assert_no_problems("screenshots", screenshot_problems(r));
}

#[test]
fn the_timeline_and_actor_pages_work_with_javascript_disabled() {
    let Some(r) = report("the_timeline_and_actor_pages_work_with_javascript_disabled") else {
        return;
    };
    assert_no_problems("without JavaScript", no_js_problems(r));
}

#[test]
fn an_unknown_address_gets_the_styled_404_page() {
    let Some(r) = report("an_unknown_address_gets_the_styled_404_page") else {
        return;
    };
    assert_no_problems("404", not_found_problems(r));
}

// ---------------------------------------------------------------------------------
// Every check above can fail: a hand-made broken site trips each one.

const BROKEN_INDEX: &str = r##"<!doctype html>
<html>
<head><meta charset="utf-8"><title>Broken</title><link rel="stylesheet" href="missing.css"></head>
<body>
<style>a:focus { outline: none; }</style>
<a href="timeline/">Timeline</a>
<h1>One</h1><h1>Two</h1>
<div style="width:600px">Too wide for a phone.</div>
<p style="color:#bbb;background:#fff">Too faint to read.</p>
<p style="height:1.6em;overflow:hidden;width:10em">A box too small for its words at twice the size.</p>
<img src="https://third-party.example/pixel.png">
<script>console.error("boom")</script>
</body>
</html>
"##;

const BROKEN_TIMELINE: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Timeline</title></head>
<body><main id="main"><h1>Timeline</h1><div id="list"></div></main>
<script>document.getElementById("list").innerHTML = '<a href="../events/one/">One</a>';</script>
</body></html>
"##;

const FINE_EVENT: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>One</title></head>
<body><a href="#main">Skip</a><main id="main" tabindex="-1"><h1>One</h1><p>An event.</p></main></body></html>
"##;

const BLANK: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Blank</title></head><body></body></html>
"##;

const BROKEN_404: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gone</title><link rel="stylesheet" href="/nowhere.css"></head>
<body><p>Gone.</p></body></html>
"##;

#[test]
fn every_check_catches_its_problem_on_a_broken_site() {
    let test = "every_check_catches_its_problem_on_a_broken_site";
    let tools = match tools() {
        Ok(tools) => tools,
        Err(why) => return skip(test, &format!("missing tool: {why}")),
    };
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let site = dir.path().join("site");
    for (path, html) in [
        ("index.html", BROKEN_INDEX),
        ("timeline/index.html", BROKEN_TIMELINE),
        ("events/one/index.html", FINE_EVENT),
        ("actors/index.html", BLANK),
        ("404.html", BROKEN_404),
    ] {
        let file = site.join(path);
        fs::create_dir_all(file.parent().expect("parent")).expect("create folders");
        fs::write(file, html).expect("write page");
    }
    let report =
        drive(&tools, &site, "/", &dir.path().join("shots")).unwrap_or_else(|e| panic!("{e}"));
    let checks: [(&str, Check); 11] = [
        ("load", load_problems),
        ("origin", origin_problems),
        ("structure", structure_problems),
        ("skip link", skip_link_problems),
        ("keyboard", keyboard_problems),
        ("overflow", overflow_problems),
        ("200% text", zoom_problems),
        ("axe", axe_problems),
        ("screenshots", screenshot_problems),
        ("no JavaScript", no_js_problems),
        ("404", not_found_problems),
    ];
    for (name, check) in checks {
        let problems = check(&report);
        assert!(
            !problems.is_empty(),
            "the {name} check found nothing wrong with the broken site"
        );
    }
    let everything: Vec<String> = checks
        .iter()
        .flat_map(|(_, check)| check(&report))
        .collect();
    for expected in [
        "console.error: boom",
        "missing.css: HTTP 404",
        "request to another origin: https://third-party.example/pixel.png",
        "2 h1 elements",
        "<html> has no lang",
        "not a skip link",
        "shows no focus indicator",
        "at a 320 px viewport",
        "clips its content",
        "html-has-lang",
        "color-contrast",
        "image-alt",
        "(actors) at 390 px looks blank",
        "no screenshot of a actor page at 390 px",
        "timeline without JavaScript: no link to",
        "the 404 page is unstyled",
    ] {
        assert!(
            everything.iter().any(|p| p.contains(expected)),
            "no problem mentions {expected:?}; got:\n  {}",
            everything.join("\n  ")
        );
    }
}

// ---------------------------------------------------------------------------------
// The site as a newsroom hosts it: served with its own `_headers`, its embed
// framed by a page of another origin (tests/browser/newsroom.mjs).

#[derive(Debug, Deserialize)]
struct NewsroomReport {
    pages: Vec<PolicedPage>,
    strict_violations: Vec<String>,
    embed: Framed,
}

#[derive(Debug, Deserialize)]
struct PolicedPage {
    path: String,
    policy: Option<String>,
    violations: Vec<String>,
    console: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Framed {
    origin: String,
    frame_url: Option<String>,
    frame_text: u32,
    document_height: u32,
    received: Vec<Received>,
}

#[derive(Debug, Deserialize)]
struct Received {
    origin: String,
    data: serde_json::Value,
}

/// The newsroom report on the default story, made once; None when the tools are missing.
fn newsroom_report(test: &str) -> Option<&'static NewsroomReport> {
    static REPORT: OnceLock<Result<NewsroomReport, String>> = OnceLock::new();
    let outcome = REPORT.get_or_init(|| {
        let tools = tools().map_err(|why| format!("missing tool: {why}"))?;
        let out = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
        let site = out.path().join("site");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let built = support::explainer(
            &["build", "--output", site.to_str().expect("UTF-8 path")],
            root,
        );
        assert!(built.status.success(), "{}", support::stderr(&built));
        run_script(&tools, "newsroom.mjs", &site, &mount_path(), &[])
    });
    made_or_skipped(test, outcome)
}

#[test]
fn every_page_served_with_the_sites_own_headers_breaks_no_content_security_policy() {
    let Some(r) = newsroom_report("every_page_served_with_the_sites_own_headers") else {
        return;
    };
    let mut problems = Vec::new();
    for p in &r.pages {
        match &p.policy {
            None => problems.push(format!(
                "{}: served with no Content-Security-Policy",
                p.path
            )),
            Some(policy) if !policy.contains("script-src 'self'") => problems.push(format!(
                "{}: policy without script-src 'self': {policy}",
                p.path
            )),
            Some(_) => {}
        }
        for v in &p.violations {
            problems.push(format!("{}: {v}", p.path));
        }
        for c in &p.console {
            problems.push(format!("{}: console: {c}", p.path));
        }
    }
    assert!(
        r.pages
            .iter()
            .any(|p| p.path == "embed/timeline/index.html")
    );
    assert!(r.pages.len() > 30, "{} pages checked", r.pages.len());
    assert_no_problems("pages under their own policy", problems);
    // The listener does hear violations: without style attributes, the actor map breaks the policy.
    assert!(
        r.strict_violations
            .iter()
            .any(|v| v.starts_with("style-src-attr blocked inline")),
        "{:?}",
        r.strict_violations
    );
}

#[test]
fn the_timeline_embed_framed_by_another_site_posts_its_height_in_three_formats() {
    let Some(r) = newsroom_report("the_timeline_embed_framed_by_another_site") else {
        return;
    };
    let e = &r.embed;
    assert!(
        e.frame_url
            .as_deref()
            .is_some_and(|u| u.contains("/embed/timeline/?childId=example")),
        "{e:?}"
    );
    assert!(
        e.frame_text > 200,
        "the framed embed shows {} characters",
        e.frame_text
    );
    let height = e.document_height;
    assert!(height > 100, "{e:?}");
    let from_embed: Vec<&serde_json::Value> = e
        .received
        .iter()
        .filter(|m| m.origin == e.origin)
        .map(|m| &m.data)
        .collect();
    let pym = serde_json::Value::String(format!("xPYMxexamplexPYMxheightxPYMx{height}"));
    let datawrapper = serde_json::json!({ "datawrapper-height": { "example": height } });
    let amp = serde_json::json!({ "sentinel": "amp", "type": "embed-size", "height": height });
    for message in [pym, datawrapper, amp] {
        assert!(
            from_embed.contains(&&message),
            "the embed did not post {message}; it posted {from_embed:?}"
        );
    }
}
