//! Publishing inside a newsroom: embeds and their oEmbed answers, the
//! hosting headers, bylines and the publisher, the data in sight.

mod support;

use serde_json::Value;
use support::{SITE, Site, Story, default_story, stderr};

/// The small story with tags, tag pages and a site that names hosts.
fn tagged() -> Story {
    let site = format!(
        "{SITE}tag_pages = true\nallowed_hosts = [\"img.example.net\", \"*.cdn.example.com\"]\n"
    );
    let story = Story::small().file("content/site.toml", &site);
    let events = std::fs::read_to_string(story.root().join("content/events/all.toml"))
        .expect("events")
        .replace(
            "title = \"Anna meets Bob\"\n",
            "title = \"Anna meets Bob\"\ntags = [\"talks\"]\n",
        );
    story.file("content/events/all.toml", &events)
}

/// How many times `needle` is in `text`.
fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

#[test]
fn the_timeline_embed_shows_every_event_as_text_linking_in_the_top_window() {
    let site = default_story();
    let embed = site.page("embed/timeline/index.html");
    let timeline = site.page("timeline/index.html");
    let events = count(&timeline, "<li class=\"timeline-event");
    assert!(events > 10, "{events} events on the timeline");
    assert_eq!(count(&embed, "<li>") + count(&embed, "<li class"), events);
    // Every link but the skip link opens in the top window; each event links to its own page.
    assert_eq!(count(&embed, "<a ") - 1, count(&embed, "target=\"_top\""));
    assert!(embed.contains("<a class=\"skip-link\" href=\"#main\">"));
    assert_eq!(count(&embed, "href=\"../../events/"), events);
    // Its canonical address is the full timeline's; nothing from other sites,
    // one script of our own, small.
    let canonical =
        "<link rel=\"canonical\" href=\"https://example.org/azerbaijan-russia/timeline/\">";
    assert!(embed.contains(canonical), "{embed}");
    assert_eq!(embed.matches("://").count(), 1, "{embed}");
    assert_eq!(count(&embed, "<script"), 1);
    assert!(embed.contains("<script src=\"../../embed.js\" defer></script>"));
    assert!(embed.len() < 100_000);
    let script = &site.files["embed.js"];
    assert!(script.len() <= 2048, "embed.js is {} bytes", script.len());
    let script = String::from_utf8_lossy(script);
    for format in [
        "xPYMx",
        "datawrapper-height",
        "sentinel: 'amp'",
        "embed-size",
    ] {
        assert!(script.contains(format), "embed.js lacks {format}");
    }
}

#[test]
fn the_embed_of_a_small_story_is_pinned() {
    let site = tagged().build(&[]);
    insta::assert_snapshot!("embed_page", site.page("embed/actors/anna/index.html"));
}

#[test]
fn every_embeddable_page_offers_its_code_and_names_its_oembed_answer() {
    let site = tagged().build(&[]);
    let base = "https://example.org/fixture/";
    for (page, embed, title, height) in [
        ("timeline/index.html", "embed/timeline/", "Timeline", 288),
        ("actors/anna/index.html", "embed/actors/anna/", "Anna", 240),
        ("tags/talks/index.html", "embed/tags/talks/", "talks", 240),
    ] {
        let html = site.page(page);
        let oembed = format!("{base}{embed}oembed.json");
        let link = format!(
            "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"{oembed}\" title=\"{title}\">"
        );
        assert!(html.contains(&link), "{page} lacks {link}");
        let iframe = format!(
            "<iframe src=\"{base}{embed}\" title=\"{title} · Fixture story\" width=\"100%\" height=\"{height}\" loading=\"lazy\" style=\"border:0\"></iframe>"
        );
        let shown = iframe
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        let details = html
            .split("<details class=\"embed-code\">")
            .nth(1)
            .expect(page);
        assert!(details.contains(&shown), "{page}: {details}");
        assert!(details.contains("<summary>Embed these events on your site</summary>"));
        // The oEmbed answer, a static file beside the embed.
        let answer: Value = serde_json::from_slice(&site.files[&format!("{embed}oembed.json")])
            .expect("oEmbed JSON");
        assert_eq!(answer["version"], "1.0");
        assert_eq!(answer["type"], "rich");
        assert_eq!(answer["html"], iframe.as_str());
        assert_eq!(answer["width"], 640);
        assert_eq!(answer["height"], height);
        assert_eq!(answer["provider_name"], "Fixture story");
        assert_eq!(answer["provider_url"], base);
        assert!(site.has(&format!("{embed}index.html")));
    }
    // No embed of a tag without its page.
    let untagged = Story::small().build(&[]);
    assert!(!untagged.files.keys().any(|f| f.starts_with("embed/tags/")));
    assert!(untagged.has("embed/timeline/index.html"));
    // Other pages offer none.
    for page in [
        "index.html",
        "events/meeting/index.html",
        "actors/index.html",
    ] {
        let html = site.page(page);
        assert!(!html.contains("json+oembed"), "{page}");
        assert!(!html.contains("embed-code"), "{page}");
    }
}

#[test]
fn an_actor_in_no_event_has_no_embed() {
    let site = Story::small()
        .file(
            "content/actors/dana.md",
            "+++\nname = \"Dana\"\nkind = \"person\"\n+++\nDana.\n",
        )
        .file(
            "content/story/03-dana.md",
            "+++\ntitle = \"Dana\"\nweight = 30\n+++\n[Dana](actor:dana) watched.\n",
        )
        .build(&[]);
    assert!(site.has("actors/dana/index.html"));
    assert!(!site.has("embed/actors/dana/index.html"));
    assert!(!site.page("actors/dana/index.html").contains("embed-code"));
}

#[test]
fn a_long_timelines_embed_shows_its_latest_hundred_events_in_under_100_kb() {
    let mut events = String::new();
    for n in 0..400 {
        events.push_str(&format!(
            "[[event]]\nid = \"e{n:03}\"\ndate = \"{}-{:02}-{:02}\"\ntitle = \"A rather long title for the event number {n}, as newsrooms write them\"\nsources = [\"report\"]\n\n",
            1900 + n / 12,
            n % 12 + 1,
            n % 28 + 1
        ));
    }
    let site = Story::small()
        .file("content/events/many.toml", &events)
        .build(&[]);
    let embed = site.page("embed/timeline/index.html");
    assert_eq!(count(&embed, "<li>") + count(&embed, "<li class"), 100);
    assert!(embed.contains("The latest 100 of 403 events."), "{embed}");
    assert!(embed.contains("e399/"));
    assert!(!embed.contains("e302/"));
    assert!(embed.len() < 100_000, "{} bytes", embed.len());
}

#[test]
fn embeds_are_not_in_the_sitemap() {
    let site = tagged().build(&[]);
    let sitemap = site.page("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/fixture/timeline/</loc>"));
    assert!(!sitemap.contains("embed"), "{sitemap}");
}

#[test]
fn the_headers_close_framing_but_for_embeds_and_allow_the_named_hosts() {
    let site = tagged().build(&[]);
    insta::assert_snapshot!("headers", site.page("_headers"));
}

#[test]
fn the_headers_give_every_page_one_policy() {
    let site = default_story();
    let headers = site.page("_headers");
    // Rules by path: the path, then its headers indented.
    let mut rules: Vec<(String, Vec<String>)> = Vec::new();
    for line in headers.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        match line.strip_prefix("  ") {
            Some(header) => rules
                .last_mut()
                .expect("a header after a path")
                .1
                .push(header.to_string()),
            None => rules.push((line.to_string(), Vec::new())),
        }
    }
    let prefix = "/azerbaijan-russia/";
    let matches = |pattern: &str, path: &str| match pattern.strip_suffix('*') {
        Some(start) => path.starts_with(start),
        None => pattern == path,
    };
    for (file, _) in site.html_pages() {
        let path = format!(
            "{prefix}{}",
            file.strip_suffix("index.html").unwrap_or(file)
        );
        let policies: Vec<&String> = rules
            .iter()
            .filter(|(pattern, _)| matches(pattern, &path))
            .flat_map(|(_, headers)| headers)
            .filter(|h| h.starts_with("Content-Security-Policy:"))
            .collect();
        assert_eq!(policies.len(), 1, "{path}: {policies:?}");
        // An embed, in the default edition or another (`ru/embed/...`).
        let embed = file.starts_with("embed/")
            || file
                .split_once('/')
                .is_some_and(|(edition, rest)| edition.len() <= 3 && rest.starts_with("embed/"));
        let framing = match embed {
            true => "frame-ancestors *",
            false => "frame-ancestors 'none'",
        };
        assert!(policies[0].ends_with(framing), "{path}: {}", policies[0]);
        assert!(policies[0].contains("script-src 'self';"));
    }
    let everything = &rules[0];
    assert_eq!(everything.0, format!("{prefix}*"));
    assert!(
        everything
            .1
            .contains(&"X-Content-Type-Options: nosniff".to_string())
    );
    assert!(
        everything
            .1
            .iter()
            .any(|h| h.starts_with("Referrer-Policy: "))
    );
}

const NEWSROOM: &str = r#"authors = [
  { name = "Leyla Aliyeva", url = "https://news.example.org/people/leyla" },
  { name = "Ivan Petrov", url = "https://news.example.org/people/ivan" },
  { name = "Sam Doe" },
]
publisher = { name = "The Example Post", url = "https://news.example.org/", logo = "logo.svg" }
"#;

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>\n";

#[test]
fn the_story_page_shows_its_authors_and_publisher_and_its_json_ld_names_them() {
    let site = Story::small()
        .file("content/site.toml", &format!("{SITE}{NEWSROOM}"))
        .file("static/logo.svg", LOGO)
        .build(&[]);
    let story = site.page("index.html");
    assert!(story.contains(
        "<p class=\"byline\">By <a href=\"https://news.example.org/people/leyla\">Leyla Aliyeva</a>, <a href=\"https://news.example.org/people/ivan\">Ivan Petrov</a> and Sam Doe</p>"
    ), "{story}");
    assert!(story.contains(
        "<p class=\"publisher\"><a href=\"https://news.example.org/\"><img src=\"./logo.svg\" alt=\"\" height=\"32\"><span>The Example Post</span></a></p>"
    ));
    let json_ld = story
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("JSON-LD");
    let article: Value = serde_json::from_str(json_ld).expect("JSON");
    assert_eq!(
        article["author"],
        serde_json::json!([
            { "@type": "Person", "name": "Leyla Aliyeva", "url": "https://news.example.org/people/leyla" },
            { "@type": "Person", "name": "Ivan Petrov", "url": "https://news.example.org/people/ivan" },
            { "@type": "Person", "name": "Sam Doe" },
        ])
    );
    assert_eq!(
        article["publisher"],
        serde_json::json!({
            "@type": "Organization",
            "name": "The Example Post",
            "url": "https://news.example.org/",
            "logo": { "@type": "ImageObject", "url": "https://example.org/fixture/logo.svg" },
        })
    );
    // Other pages do not repeat the byline.
    assert!(!site.page("timeline/index.html").contains("byline"));
}

#[test]
fn the_default_story_names_no_author() {
    let site = default_story();
    let story = site.page("index.html");
    assert!(!story.contains("byline"));
    assert!(!story.contains("\"author\""));
    assert!(!story.contains("\"publisher\""));
}

#[test]
fn a_byline_address_that_is_not_http_and_a_missing_logo_are_errors_at_their_place() {
    let story = Story::small().file(
        "content/site.toml",
        &format!(
            "{SITE}authors = [{{ name = \"Leyla\", url = \"javascript:alert(1)\" }}]\npublisher = {{ name = \"Post\", url = \"news.example.org\", logo = \"static/logo.png\" }}\n"
        ),
    );
    let output = story.run(&["check"]);
    assert!(!output.status.success());
    let printed = stderr(&output);
    for expected in [
        "error: `javascript:alert(1)` is not an http(s) address",
        "--> content/site.toml:3:",
        "help: write the full web address, starting with https://",
        "error: `news.example.org` is not an http(s) address",
        "help: write the full web address: \"https://news.example.org\"",
        "error: there is no file static/logo.png",
        "--> content/site.toml:4:",
    ] {
        assert!(printed.contains(expected), "no {expected:?} in:\n{printed}");
    }
}

#[test]
fn the_story_and_the_timeline_link_the_data_downloads_with_what_each_is_for() {
    let site = default_story();
    for (page, root) in [("index.html", "./"), ("timeline/index.html", "../")] {
        let html = site.page(page);
        for (file, line) in [
            (
                "events.csv",
                "every event as a spreadsheet row, to sort, filter and chart",
            ),
            (
                "events.json",
                "the events with their accounts, sources and updates, for programs",
            ),
            (
                "actors.json",
                "the people, states and organizations, their relations and events",
            ),
            (
                "timelinejs.json",
                "the timeline in TimelineJS’s format, to show it with TimelineJS",
            ),
        ] {
            let link = format!("<li><a href=\"{root}data/{file}\">{file}</a>: {line}</li>");
            assert!(html.contains(&link), "{page} lacks {link}");
            assert!(site.has(&format!("data/{file}")));
        }
    }
    assert!(
        site.page("index.html")
            .contains("<li>The data, to download and reuse: <ul class=\"downloads\">")
    );
}

#[test]
fn the_explore_box_names_the_kinds_of_actors_the_story_has() {
    let site = Story::small().build(&[]);
    assert!(
        site.page("index.html")
            .contains("Who’s who</a>: 3 people and organizations</li>")
    );
    let default = default_story();
    assert!(
        default
            .page("index.html")
            .contains("Who’s who</a>: 12 people, states, organizations, groups and media</li>")
    );
}

#[test]
fn an_actors_picture_shows_on_its_page_and_in_the_whos_who_with_its_alt_text() {
    let site = Story::small()
        .file(
            "content/actors/bob.md",
            "+++\nname = \"Bob\"\nkind = \"person\"\nimage = { src = \"people/bob.svg\", alt = \"Bob at the meeting, smiling\" }\n+++\nBob.\n",
        )
        .file("static/people/bob.svg", LOGO)
        .build(&[]);
    assert!(site.page("actors/bob/index.html").contains(
        "<img class=\"actor-image\" src=\"../../people/bob.svg\" alt=\"Bob at the meeting, smiling\" width=\"128\" height=\"128\">\n<h1>Bob</h1>"
    ));
    assert!(site.page("actors/index.html").contains(
        "<img class=\"actor-image\" src=\"../people/bob.svg\" alt=\"Bob at the meeting, smiling\" width=\"64\" height=\"64\" loading=\"lazy\">"
    ));
    assert!(!site.page("actors/anna/index.html").contains("actor-image"));
}

#[test]
fn an_actors_picture_needs_alt_text_and_a_file_in_static() {
    let story = Story::small().file(
        "content/actors/bob.md",
        "+++\nname = \"Bob\"\nkind = \"person\"\nimage = { src = \"people/bob.jpg\" }\n+++\nBob.\n",
    );
    let printed = stderr(&story.run(&["check"]));
    for expected in [
        "error: there is no file static/people/bob.jpg",
        "error: this picture has no alt text",
        "--> content/actors/bob.md:4:9",
        "help: add `alt = \"...\"` beside `src`",
    ] {
        assert!(printed.contains(expected), "no {expected:?} in:\n{printed}");
    }
}

#[test]
fn the_timeline_shows_an_update_touching_many_events_once_and_each_event_page_shows_it() {
    let site = default_story();
    let timeline = site.page("timeline/index.html");
    let banner = "<p class=\"banner banner-update\"><strong>Update, <time datetime=\"2025-07-04\">";
    assert_eq!(count(&timeline, banner), 1);
    let on_events = site
        .html_pages()
        .filter(|(path, html)| path.starts_with("events/") && html.contains(banner))
        .count();
    assert!(on_events >= 2, "the update is on {on_events} event pages");
}

#[test]
fn headlines_get_the_bodys_quotes_and_dashes_and_the_data_keeps_them_as_written() {
    let story = Story::small();
    let events = std::fs::read_to_string(story.root().join("content/events/all.toml"))
        .expect("events")
        .replace(
            "title = \"Anna meets Bob\"",
            "title = \"Anna's \\\"red line\\\" -- Bob meets her\"",
        );
    let site = story
        .file("content/events/all.toml", &events)
        .file(
            "content/story/02-why.md",
            "+++\ntitle = \"Why it's \\\"vital\\\"\"\nweight = 20\n+++\nAs [said above](section:what-happened), it matters.\n",
        )
        .build(&[]);
    let smart = "Anna’s “red line” – Bob meets her";
    assert!(
        site.page("events/meeting/index.html")
            .contains(&format!("<h1>{smart}</h1>"))
    );
    assert!(
        site.page("timeline/index.html")
            .contains(&format!(">{smart}</a></h3>"))
    );
    assert!(
        site.page("index.html")
            .contains("<h2>Why it’s “vital”</h2>")
    );
    let data = String::from_utf8(site.files["data/events.json"].clone()).expect("UTF-8");
    assert!(
        data.contains(r#""title": "Anna's \"red line\" -- Bob meets her""#),
        "{data}"
    );
}

#[test]
fn a_footnote_links_back_to_where_it_was_cited_even_beside_raw_html() {
    for extra in [
        "",
        "\n<b>Raw</b> HTML makes the field go through the sanitizer.\n",
    ] {
        let site = Story::small()
            .file(
                "content/story/02-why.md",
                &format!("+++\ntitle = \"Why\"\nweight = 20\n+++\nA claim.[^src]\n{extra}\n[^src]: Where it comes from.\n"),
            )
            .build(&[]);
        let story = site.page("index.html");
        let id = story
            .split("<sup class=\"footnote-reference\" id=\"")
            .nth(1)
            .and_then(|rest| rest.split("-ref\"").next())
            .expect("a footnote reference");
        assert!(
            story.contains(&format!("id=\"{id}-ref\"><a href=\"#{id}\">1</a></sup>")),
            "{story}"
        );
        assert!(story.contains(&format!(
            "<div class=\"footnote-definition\" id=\"{id}\"><sup class=\"footnote-definition-label\">1</sup>\n<p>Where it comes from.</p>\n<a href=\"#{id}-ref\">↩<span class=\"visually-hidden\"> back to the text</span></a></div>"
        )), "{story}");
    }
}

#[test]
fn a_footnote_is_left_out_of_the_descriptions_search_engines_and_shares_show() {
    let site = Story::small()
        .file(
            "content/events/more.toml",
            "[[event]]\nid = \"note\"\ndate = \"2024-07\"\ntitle = \"A noted event\"\nsummary = \"\"\"\nA claim[^1] stands.\n\n[^1]: Where it <div>comes</div> from.\n\nAnd a second paragraph.\n\"\"\"\nactors = [\"bob\"]\n",
        )
        .file(
            "content/actors/bob.md",
            "+++\nname = \"Bob\"\nkind = \"person\"\n+++\nBob[^who] writes.\n\n[^who]: As he says.\n",
        )
        .build(&[]);
    for (page, description) in [
        (
            "events/note/index.html",
            "A claim stands. And a second paragraph.",
        ),
        ("actors/bob/index.html", "Bob writes."),
    ] {
        let html = site.page(page);
        for tag in [
            format!("<meta name=\"description\" content=\"{description}\">"),
            format!("<meta property=\"og:description\" content=\"{description}\">"),
        ] {
            assert!(html.contains(&tag), "{tag} in {page}:\n{html}");
        }
        assert!(!html.contains("~~explainer-"), "{page}:\n{html}");
    }
    let event = site.page("events/note/index.html");
    assert!(
        event.contains("\"description\":\"A claim stands. And a second paragraph.\""),
        "{event}"
    );
}

#[test]
fn placeholder_names_typed_in_a_field_are_published_as_typed() {
    // The fixed names the renderer's placeholders once had, typed where
    // Markdown keeps them as text: escaped, in code, in a link's address
    // and title, and in raw HTML (which sends the field through the sanitizer).
    let summary = r#"Escaped \~\~explainer-root\~\~a, code `~~explainer-pages~~b`, a [link](https://e.example/~~explainer-root~~c "~~explainer-pages~~d") and \~\~explainer-back\~\~.

<div>~~explainer-root~~e <a href="https://e.example/~~explainer-pages~~f">g</a></div>
"#;
    let site = Story::small()
        .file(
            "content/events/more.toml",
            &format!(
                "[[event]]\nid = \"typed\"\ndate = \"2024-07\"\ntitle = \"Typed\"\nsummary = '''\n{summary}'''\n"
            ),
        )
        .build(&[]);
    let page = site.page("events/typed/index.html");
    for typed in [
        "Escaped ~~explainer-root~~a, code <code>~~explainer-pages~~b</code>",
        "<a href=\"https://e.example/~~explainer-root~~c\" title=\"~~explainer-pages~~d\">link</a>",
        " and ~~explainer-back~~.",
        "<div>~~explainer-root~~e <a href=\"https://e.example/~~explainer-pages~~f\">g</a></div>",
    ] {
        assert!(page.contains(typed), "{typed} in:\n{page}");
    }
    let data = site.page("data/events.json");
    for typed in [
        "Escaped ~~explainer-root~~a",
        "<code>~~explainer-pages~~b</code>",
        "https://e.example/~~explainer-root~~c",
        "<div>~~explainer-root~~e",
    ] {
        assert!(data.contains(typed), "{typed} in:\n{data}");
    }
}

/// The path from the site root of the share picture a page names.
fn share_picture(site: &Site, page: &str) -> String {
    let html = site.page(page);
    let image = html
        .split("<meta property=\"og:image\" content=\"https://example.org/fixture/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{page} names no picture of the site"));
    image.to_string()
}

/// A PNG's width and height.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    let number =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (number(16), number(20))
}

#[test]
fn pages_share_a_picture_with_their_title_drawn_named_by_its_hash() {
    let story = Story::small();
    let site = story.build(&[]);
    let pictures: Vec<String> = [
        "index.html",
        "timeline/index.html",
        "actors/index.html",
        "actors/anna/index.html",
        "actors/bob/index.html",
    ]
    .iter()
    .map(|page| share_picture(&site, page))
    .collect();
    for picture in &pictures {
        assert!(
            picture.starts_with("share/") && picture.ends_with(".png"),
            "{picture}"
        );
        assert_eq!(png_size(&site.files[picture.as_str()]), (1200, 630));
    }
    let distinct: std::collections::BTreeSet<&String> = pictures.iter().collect();
    assert_eq!(distinct.len(), pictures.len(), "{pictures:?}");
    // Other pages show the story's; events have none of their own unless asked.
    assert_eq!(share_picture(&site, "sources/index.html"), pictures[0]);
    assert_eq!(share_picture(&site, "events/vote/index.html"), pictures[0]);
    assert!(
        site.page("_headers")
            .contains("/fixture/share/*\n  Cache-Control: public, max-age=31536000, immutable\n")
    );
    // Built again, nothing changes; a new title makes a new picture for the story only.
    let again = story.build(&[]);
    assert_eq!(again.files, site.files);
    let renamed = story
        .file(
            "content/site.toml",
            &SITE.replace("Fixture story", "Another story"),
        )
        .build(&[]);
    assert_ne!(share_picture(&renamed, "index.html"), pictures[0]);
    assert!(!renamed.has(&pictures[0]), "the old picture is removed");
}

#[test]
fn event_cards_are_opt_in_and_a_storys_own_share_png_replaces_the_drawn_pictures() {
    let site = Story::small()
        .file(
            "content/site.toml",
            &format!("{SITE}event_share_cards = true\n"),
        )
        .build(&[]);
    let event = share_picture(&site, "events/vote/index.html");
    assert_ne!(event, share_picture(&site, "index.html"));
    assert_eq!(png_size(&site.files[event.as_str()]), (1200, 630));
    let own = Story::small()
        .file("static/share.png", "our own picture")
        .build(&[]);
    for page in [
        "index.html",
        "timeline/index.html",
        "actors/anna/index.html",
    ] {
        assert_eq!(share_picture(&own, page), "share.png");
    }
    assert!(!own.files.keys().any(|f| f.starts_with("share/")));
    assert!(!own.page("_headers").contains("share/*"));
}
