//! Stories that grow: generated stories of a thousand events and more stay
//! light on every page but the story itself, and every event stays reachable
//! from the timeline's pages.
//!
//! The stories come from the generator behind `examples/gen_story.rs`. L
//! (10,000 events) is too slow for a debug build: it is `#[ignore]`d; run it
//! with `cargo test --release --test growing -- --ignored`.

mod support;

#[path = "../benches/support/story.rs"]
#[allow(dead_code)]
mod story;

use std::collections::BTreeSet;

use story::{DEFAULT_SEED, SIZES, Shape};
use support::{SITE, Site, attribute_values, explainer, stderr};
use tempfile::TempDir;

/// The most HTML a page but the story page may weigh.
const PAGE_BUDGET: usize = 250_000;
/// The most one inline chart may weigh.
const SVG_BUDGET: usize = 150_000;

fn size(name: &str) -> Shape {
    SIZES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, shape)| *shape)
        .expect("a size of the generator")
}

/// Generates a story of `shape`, builds it, and reads the site back.
fn build(shape: Shape) -> (TempDir, Site) {
    build_with(shape, "")
}

/// The same, with `settings` added to its site.toml.
fn build_with(shape: Shape, settings: &str) -> (TempDir, Site) {
    let dir = tempfile::tempdir().expect("temp dir");
    story::generate(shape, DEFAULT_SEED, dir.path()).expect("generate the story");
    let site_toml = dir.path().join("content/site.toml");
    let mut text = std::fs::read_to_string(&site_toml).expect("site.toml");
    text.push_str(settings);
    std::fs::write(&site_toml, text).expect("write site.toml");
    let output = explainer(&["build"], dir.path());
    assert!(output.status.success(), "build: {}", stderr(&output));
    let site = Site::read(&dir.path().join("public"));
    (dir, site)
}

/// Every HTML page but the story page, over the budget: "path (bytes)".
fn heavy_pages(site: &Site) -> Vec<String> {
    site.files
        .iter()
        .filter(|(path, bytes)| {
            path.ends_with(".html") && *path != "index.html" && bytes.len() > PAGE_BUDGET
        })
        .map(|(path, bytes)| format!("{path} ({} bytes)", bytes.len()))
        .collect()
}

/// Every inline SVG over its budget: "path (bytes)".
fn heavy_charts(site: &Site) -> Vec<String> {
    let mut heavy = Vec::new();
    for (path, html) in site.html_pages() {
        let mut rest = html.as_str();
        while let Some(start) = rest.find("<svg") {
            let end = rest[start..]
                .find("</svg>")
                .map_or(rest.len(), |e| start + e);
            if end - start > SVG_BUDGET {
                heavy.push(format!("{path} ({} bytes)", end - start));
            }
            rest = &rest[end..];
        }
    }
    heavy
}

/// The timeline's pages: the timeline or its overview, and every period's pages.
fn timeline_pages(site: &Site) -> Vec<&String> {
    site.files
        .keys()
        .filter(|path| path.starts_with("timeline/") && path.ends_with("index.html"))
        .collect()
}

/// Event pages no timeline page links to, and links on the timeline pages
/// that lead nowhere.
fn unreachable_events(site: &Site) -> (Vec<String>, Vec<String>) {
    let mut linked = BTreeSet::new();
    let mut broken = Vec::new();
    for page in timeline_pages(site) {
        let html = site.page(page);
        for href in attribute_values(&html, &["href"]) {
            if href.contains("://") {
                continue;
            }
            match site.resolve(page, &href) {
                Ok(target) => {
                    linked.insert(target);
                }
                Err(reason) => broken.push(format!("{page}: {href} ({reason})")),
            }
        }
    }
    let unlinked = site
        .files
        .keys()
        .filter(|path| path.starts_with("events/") && !linked.contains(*path))
        .cloned()
        .collect();
    (unlinked, broken)
}

/// What every grown story must keep: light pages and charts, every event reachable,
/// and each event page's way back to its place on the timeline.
fn assert_grows_gracefully(site: &Site) {
    assert_eq!(heavy_pages(site), Vec::<String>::new());
    assert_eq!(heavy_charts(site), Vec::<String>::new());
    let (unlinked, broken) = unreachable_events(site);
    assert_eq!(broken, Vec::<String>::new());
    assert_eq!(unlinked, Vec::<String>::new());
    let events: Vec<&String> = site
        .files
        .keys()
        .filter(|p| p.starts_with("events/"))
        .collect();
    for page in events.iter().step_by(37) {
        let html = site.page(page);
        let back = attribute_values(&html, &["href"])
            .into_iter()
            .find(|href| href.contains("timeline/") && href.contains('#'))
            .unwrap_or_else(|| panic!("{page} links back to the timeline"));
        site.resolve(page, &back)
            .unwrap_or_else(|reason| panic!("{page}: {back} ({reason})"));
    }
}

#[test]
fn a_thousand_events_over_34_years_get_a_page_a_year_and_an_overview() {
    let (_dir, site) = build(size("M"));
    assert_grows_gracefully(&site);
    let overview = site.page("timeline/index.html");
    for year in 1992..=2025 {
        let page = format!("timeline/{year}/index.html");
        assert!(site.has(&page), "{page}");
        assert!(overview.contains(&format!("href=\"../timeline/{year}/\"")));
    }
    assert!(overview.contains("<h2 id=\"key-title\">Key events</h2>"));
    // A period links to its neighbours and back to the overview.
    let period = site.page("timeline/2013/index.html");
    assert!(period.contains(r#"<a class="prev" rel="prev" href="../../timeline/2012/">"#));
    assert!(period.contains(r#"<a class="next" rel="next" href="../../timeline/2014/">"#));
    assert!(period.contains(r#"<a href="../../timeline/">Timeline</a>"#));
    let sitemap = site.page("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/synthetic/timeline/2013/</loc>"));
}

#[test]
fn a_thousand_events_in_one_year_get_a_page_a_month_and_later_pages() {
    let shape = Shape {
        years: 1,
        ..size("M")
    };
    let (_dir, site) = build(shape);
    assert_grows_gracefully(&site);
    assert!(site.has("timeline/2025-06/index.html"));
    // The events known only to the year keep its page, over the budget here.
    assert!(site.has("timeline/2025/page/2/index.html"));
    let second = site.page("timeline/2025/page/2/index.html");
    assert!(second.contains("2025</time>, page 2 of"), "{second}");
    // Its last page leads on to January.
    let next = r#"<a class="next" rel="next" href="../../../../timeline/2025-01/">"#;
    let last = site.page("timeline/2025/page/3/index.html");
    assert!(last.contains(next), "{last}");
}

#[test]
fn a_story_within_the_budget_keeps_one_page_of_each_listing() {
    let (_dir, site) = build(size("S"));
    assert_grows_gracefully(&site);
    assert_eq!(timeline_pages(&site), ["timeline/index.html"]);
    let paged: Vec<&String> = site
        .files
        .keys()
        .filter(|p| p.contains("/page/") || (p.starts_with("sources/") && p.len() > 19))
        .collect();
    assert_eq!(paged, Vec::<&String>::new());
}

#[test]
fn a_small_budget_pages_every_listing_and_each_page_links_the_others() {
    let (_dir, site) = build_with(size("S"), "per_page = 10\n");
    assert_grows_gracefully(&site);
    assert!(site.has("timeline/2025/index.html"));
    // The who's who, an actor's events, the sources and a source's citations.
    let actors = site.page("actors/page/2/index.html");
    assert!(actors.contains(r#"<a class="prev" rel="prev" href="../../../actors/">"#));
    let actor = site.page("actors/azerbaijan/page/2/index.html");
    assert!(actor.contains("events, page 2 of"), "{actor}");
    assert!(actor.contains("<h3 id=\"year-"), "events grouped by year");
    assert!(
        !actor.contains("id=\"relations-title\""),
        "the rest is on page 1"
    );
    let sources = site.page("sources/index.html");
    assert!(sources.contains(r#"<a href="../sources/caspian-report-2/">Cited by"#));
    assert!(site.has("sources/caspian-report-2/index.html"));
    assert!(site.has("sources/page/2/index.html"));
    // Every page of every listing is linked from the one before it.
    for (page, html) in site.html_pages() {
        let Some((listing, number)) = page
            .strip_suffix("/index.html")
            .and_then(|p| p.rsplit_once("/page/"))
        else {
            continue;
        };
        let number: usize = number.parse().expect("a page number");
        let before = match number {
            2 => format!("{listing}/index.html"),
            n => format!("{listing}/page/{}/index.html", n - 1),
        };
        let linked = attribute_values(&site.page(&before), &["href"])
            .iter()
            .any(|href| site.resolve(&before, href).as_deref() == Ok(page.as_str()));
        assert!(linked, "{before} links to {page}");
        assert!(html.contains("rel=\"prev\""), "{page}");
    }
}

#[test]
fn tag_pages_list_their_events_under_the_editors_name_for_the_tag() {
    let settings =
        "per_page = 10\ntag_pages = true\n\n[tags]\ncustody = \"Custody and detention\"\n";
    let (_dir, site) = build_with(size("S"), settings);
    let tag = site.page("tags/custody/index.html");
    assert!(tag.contains("<h1>Custody and detention</h1>"), "{tag}");
    assert!(tag.contains("tagged “Custody and detention”"));
    // Each event with the tag links to it, by its name.
    let tagged: Vec<String> = site
        .html_pages()
        .filter(|(path, html)| path.starts_with("events/") && html.contains("tags/custody/"))
        .map(|(path, _)| path.clone())
        .collect();
    assert!(!tagged.is_empty());
    for page in &tagged {
        let html = site.page(page);
        assert!(html.contains(r#"<a href="../../tags/custody/">Custody and detention</a>"#));
    }
    // And the tag's pages list every one of them.
    let mut listed = BTreeSet::new();
    for (path, html) in site.html_pages() {
        if path.starts_with("tags/custody/") {
            for href in attribute_values(&html, &["href"]) {
                listed.extend(site.resolve(path, &href));
            }
        }
    }
    let unlisted: Vec<&String> = tagged.iter().filter(|p| !listed.contains(*p)).collect();
    assert_eq!(unlisted, Vec::<&String>::new());
}

#[test]
fn a_link_to_a_period_checks_against_the_pages_the_story_has() {
    let linked = |site: &str| {
        support::Story::small()
            .file("content/site.toml", site)
            .file(
                "content/story/03-more.md",
                "+++\ntitle = \"More\"\nweight = 30\n+++\nSee [2024](/timeline/2024/) and [the club](actor:club).\n",
            )
    };
    let one_page = linked(SITE);
    let check = one_page.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stderr(&check).contains("error: `/timeline/2024/` leads to no page of this site"),
        "{}",
        stderr(&check)
    );
    let by_year = linked(&format!("{SITE}timeline_split = \"year\"\n"));
    let site = by_year.build(&[]);
    assert!(site.has("timeline/2024/index.html"));
    assert!(site.has("timeline/1991/index.html"));
}

#[test]
#[ignore = "10,000 events: run in release"]
fn ten_thousand_events_stay_light_on_every_page() {
    let (_dir, site) = build(size("L"));
    assert_grows_gracefully(&site);
}
