//! A living story: updates, corrections, sources, the feed and structured data.

mod support;

use support::{Story, attribute_values};

fn with_log() -> Story {
    Story::small()
        .file(
            "content/updates.toml",
            r#"[[update]]
date = 2024-07-01
kind = "update"
note = "First published."
events = ["meeting", "founding"]

[[update]]
date = 2024-07-03
kind = "correction"
note = "The vote was in June, not May."
events = ["vote"]

[[update]]
date = 2024-07-05
kind = "clarification"
note = "Bob's account is *his own*."
events = ["vote"]
"#,
        )
        .file(
            "content/sources.toml",
            "[[source]]\nid = \"report\"\ntitle = \"The report\"\npublisher = \"The Gazette\"\nurl = \"https://example.org/report\"\naccessed = 2024-07-01\narchive_url = \"https://archive.example/report\"\n",
        )
}

#[test]
fn the_changes_page_lists_every_entry_newest_first_with_its_events() {
    let site = with_log().build(&[]);
    let changes = site.page("changes/index.html");
    let clarification = changes
        .find(r#"id="2024-07-05-clarification""#)
        .expect("clarification");
    let correction = changes
        .find(r#"id="2024-07-03-correction""#)
        .expect("correction");
    let update = changes.find(r#"id="2024-07-01-update""#).expect("update");
    assert!(
        clarification < correction && correction < update,
        "newest first"
    );
    assert!(changes.contains(r#"<time datetime="2024-07-03">3 July 2024</time>"#));
    assert!(changes.contains(r#"<a href="../events/vote/">The club votes</a>"#));
    assert!(changes.contains("Bob’s account is <em>his own</em>."));
}

#[test]
fn a_touched_event_shows_its_latest_change_and_every_correction() {
    let site = with_log().build(&[]);
    let vote = site.page("events/vote/index.html");
    assert!(vote.contains(r#"<p class="banner banner-clarification"><strong>Clarification, <time datetime="2024-07-05">5 July 2024</time>:</strong>"#));
    assert!(vote.contains(r#"<p class="banner banner-correction"><strong>Correction, <time datetime="2024-07-03">3 July 2024</time>:</strong> The vote was in June, not May.</p>"#));
    let timeline = site.page("timeline/index.html");
    assert!(
        timeline.contains("The vote was in June, not May."),
        "corrections show on the timeline too"
    );
}

#[test]
fn the_story_page_says_when_it_was_updated_and_links_the_changes() {
    let site = with_log()
        .file(
            "content/site.toml",
            &format!("{}published = 2024-06-30\n", support::SITE),
        )
        .build(&[]);
    let story = site.page("index.html");
    assert!(story.contains(r#"Published <time datetime="2024-06-30">30 June 2024</time> · Updated <a href="./changes/"><time datetime="2024-07-05">5 July 2024</time></a>"#));
}

#[test]
fn the_feed_is_valid_atom_with_one_stable_entry_per_update() {
    let site = with_log().build(&[]);
    let feed = site.page("feed.xml");
    let doc = roxmltree::Document::parse(&feed).expect("the feed is well-formed XML");
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let text_of = |node: roxmltree::Node, name: &str| {
        node.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(text_of(root, "updated"), "2024-07-05T00:00:00Z");
    let entries: Vec<roxmltree::Node> = root
        .children()
        .filter(|c| c.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 3);
    let ids: Vec<String> = entries.iter().map(|e| text_of(*e, "id")).collect();
    assert_eq!(
        ids,
        [
            "https://example.org/fixture/changes/#2024-07-05-clarification",
            "https://example.org/fixture/changes/#2024-07-03-correction",
            "https://example.org/fixture/changes/#2024-07-01-update",
        ]
    );
    assert_eq!(text_of(entries[1], "title"), "Correction, 3 July 2024");
    let content = text_of(entries[1], "content");
    assert!(
        content
            .contains(r#"<a href="https://example.org/fixture/events/vote/">The club votes</a>"#)
    );
}

#[test]
fn feed_ids_survive_a_newer_entry_on_the_same_day() {
    let story = with_log();
    let before = story.build(&[]).page("feed.xml");
    let log = std::fs::read_to_string(story.root().join("content/updates.toml")).expect("log");
    let story = story.file(
        "content/updates.toml",
        &format!(
            "{log}\n[[update]]\ndate = 2024-07-05\nkind = \"clarification\"\nnote = \"Another.\"\n"
        ),
    );
    let after = story.build(&[]).page("feed.xml");
    assert!(
        before.contains("<id>https://example.org/fixture/changes/#2024-07-05-clarification</id>")
    );
    assert!(
        after.contains("<id>https://example.org/fixture/changes/#2024-07-05-clarification</id>")
    );
    assert!(
        after.contains("<id>https://example.org/fixture/changes/#2024-07-05-clarification-2</id>")
    );
}

fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").expect("end of JSON-LD");
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses as JSON")
}

#[test]
fn structured_data_describes_the_article_its_events_and_actors() {
    let site = with_log()
        .file(
            "content/site.toml",
            &format!("{}published = 2024-06-30\n", support::SITE),
        )
        .build(&[]);
    let article = json_ld(&site.page("index.html"));
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(article["datePublished"], "2024-06-30");
    assert_eq!(article["dateModified"], "2024-07-05");
    assert_eq!(article["correction"][0]["@type"], "CorrectionComment");
    assert_eq!(
        article["correction"][0]["text"],
        "The vote was in June, not May."
    );
    let event = json_ld(&site.page("events/meeting/index.html"));
    assert_eq!(event["@type"], "Event");
    assert_eq!(event["startDate"], "2024-06");
    assert_eq!(event["about"][0]["name"], "Anna");
    let anna = json_ld(&site.page("actors/anna/index.html"));
    assert_eq!(anna["@type"], "Person");
    let club = json_ld(&site.page("actors/club/index.html"));
    assert_eq!(club["@type"], "Organization");
}

#[test]
fn the_sources_page_lists_what_cites_each_source_and_links_back() {
    let site = with_log().build(&[]);
    let sources = site.page("sources/index.html");
    assert!(sources.contains(r#"<a href="https://example.org/report">The report</a>"#));
    assert!(
        sources.contains("The Gazette · Accessed <time datetime=\"2024-07-01\">1 July 2024</time>")
    );
    assert!(sources.contains(r#"<a href="https://archive.example/report">Archived copy</a>"#));
    for event in ["founding", "meeting", "vote"] {
        assert!(
            sources.contains(&format!(r#"<a href="../events/{event}/">"#)),
            "{event} cites the report"
        );
    }
    assert!(sources.contains(
        r#"<a href="../actors/anna/">Anna</a> on <a href="../events/meeting/">Anna meets Bob</a>"#
    ));
    assert_eq!(site.broken_links(), Vec::<String>::new());
}

#[test]
fn who_says_what_sets_competing_accounts_side_by_side_with_their_authors() {
    let site = with_log().build(&[]);
    let page = site.page("accounts/index.html");
    assert!(page.contains(
        r#"<h2 id="dispute-meeting"><a href="../events/meeting/">Anna meets Bob</a></h2>"#
    ));
    let anna = page
        .find(r#"<a href="../actors/anna/">Anna</a> <span class="badge stance">asserts</span>"#)
        .expect("Anna's account");
    let bob = page
        .find(r#"<a href="../actors/bob/">Bob</a> <span class="badge stance">disputes</span>"#)
        .expect("Bob's account");
    assert!(anna < bob);
    assert!(
        !page.contains("The club votes"),
        "only contested events are listed"
    );
}

#[test]
fn a_retracted_account_stays_visible_and_marked() {
    let story = with_log();
    let events =
        std::fs::read_to_string(story.root().join("content/events/all.toml")).expect("events");
    let story = story.file(
        "content/events/all.toml",
        &events.replace(
            "claim = \"It was tense.\"",
            "claim = \"It was tense.\"\nstatus = \"retracted\"",
        ),
    );
    let site = story.build(&[]);
    let meeting = site.page("events/meeting/index.html");
    assert!(meeting.contains(r#"<span class="badge status status-retracted">retracted</span>"#));
    assert!(meeting.contains("<del>It was tense.</del>"));
}

#[test]
fn the_sitemap_and_robots_name_every_page_from_base_url() {
    let site = with_log().build(&[]);
    let sitemap = site.page("sitemap.xml");
    roxmltree::Document::parse(&sitemap).expect("the sitemap is well-formed XML");
    let locs: Vec<&str> = sitemap
        .match_indices("<loc>")
        .map(|(i, _)| &sitemap[i + 5..i + 5 + sitemap[i + 5..].find('<').unwrap_or(0)])
        .collect();
    assert!(locs.contains(&"https://example.org/fixture/"));
    assert!(locs.contains(&"https://example.org/fixture/events/vote/"));
    assert!(locs.contains(&"https://example.org/fixture/actors/club/"));
    assert!(!locs.iter().any(|l| l.contains("404")));
    assert_eq!(
        site.page("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/fixture/sitemap.xml\n"
    );
    let feed_links = attribute_values(&site.page("index.html"), &["href"]);
    assert!(feed_links.contains(&"./feed.xml".to_string()));
}
