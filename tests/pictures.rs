//! The pictures drawn at build time: the visual timeline and the actor maps.

mod support;

use std::path::Path;

use explainer::BuildOptions;
use explainer::render::actor_map::{ActorMap, any_overlap, links};
use explainer::render::timeline_svg::is_break;
use support::{Story, attribute_values};

fn svg_in<'a>(html: &'a str, class: &str) -> &'a str {
    let start = html
        .find(&format!("<svg class=\"{class}\""))
        .unwrap_or_else(|| panic!("no {class} svg"));
    let end = start + html[start..].find("</svg>").expect("closed svg") + 6;
    &html[start..end]
}

#[test]
fn the_timeline_draws_one_linked_mark_per_event_with_a_text_alternative() {
    let site = Story::small().build(&[]);
    let page = site.page("timeline/index.html");
    let svg = svg_in(&page, "timeline-svg");
    assert_eq!(svg.matches("<rect class=\"tl-mark").count(), 3);
    assert!(svg.contains(
        r#"<a href="../events/meeting/"><title>June 2024: Anna meets Bob (contested)</title>"#
    ));
    let links: Vec<String> = attribute_values(svg, &["href"]);
    assert_eq!(
        links,
        [
            "../events/founding/",
            "../events/meeting/",
            "../events/vote/"
        ]
    );
    assert!(svg.contains(r#"aria-labelledby="timeline-chart-title timeline-chart-desc""#));
    assert!(svg.contains(r#"<title id="timeline-chart-title">Timeline of 3 events</title>"#));
    assert!(svg.contains("<desc id=\"timeline-chart-desc\">From 1991 to 3 June 2024. Scale break: 32 years with no event. 1 contested."));
    assert!(
        svg.contains("tl-mark tl-contested"),
        "the disputed meeting is marked"
    );
    assert_eq!(site.broken_links(), Vec::<String>::new());
}

#[test]
fn decades_with_nothing_become_visible_scale_breaks_on_the_default_story() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("temp dir");
    let output = support::explainer(
        &["build", "--output", out.path().to_str().expect("path")],
        root,
    );
    assert!(output.status.success(), "{}", support::stderr(&output));
    let page = std::fs::read_to_string(out.path().join("timeline/index.html")).expect("timeline");
    let svg = svg_in(&page, "timeline-svg");
    let breaks: Vec<&str> = svg
        .match_indices("<g class=\"tl-break\">")
        .map(|(i, _)| &svg[i..i + svg[i..].find("</g>").unwrap_or(0)])
        .collect();
    assert_eq!(breaks.len(), 2, "1991 -> 2022 and 2022 -> 2025 are breaks");
    assert!(breaks[0].ends_with(">30 years</text>"));
    assert!(breaks[1].ends_with(">3 years</text>"));
    // Each era is drawn, and the month-precision December 1991 is a span, not a dot.
    for era in ["Post-Soviet partnership", "Allied interaction", "Crisis"] {
        assert!(
            svg.contains(&format!(">{era}</text>")),
            "era {era} is labelled"
        );
    }
}

#[test]
fn the_break_rule_is_the_documented_one() {
    assert!(is_break(366, 0, 0));
    assert!(!is_break(365, 0, 0));
    assert!(!is_break(800, 400, 401));
    assert!(is_break(802, 400, 401));
}

#[test]
fn short_gaps_stay_on_one_honest_scale() {
    let story = Story::new()
        .file("content/events/e.toml", "[[event]]\nid = \"a\"\ndate = \"2025-01\"\ntitle = \"A\"\n\n[[event]]\nid = \"b\"\ndate = \"2025-09-10\"\ntitle = \"B\"\n");
    let site = story.build(&[]);
    let page = site.page("timeline/index.html");
    assert!(!svg_in(&page, "timeline-svg").contains("tl-break"));
}

#[test]
fn the_actor_map_links_every_actor_and_draws_relations_and_shared_events() {
    let site = Story::small().build(&[]);
    let page = site.page("actors/index.html");
    let svg = svg_in(&page, "actor-map");
    let links = attribute_values(svg, &["href"]);
    assert_eq!(
        links,
        ["../actors/anna/", "../actors/bob/", "../actors/club/"]
    );
    assert!(svg.contains("<title>Anna — chair of — The Club</title>"));
    assert!(
        svg.contains(r#"<a href="../actors/anna/"><title>Anna: 2 events</title>"#),
        "node links carry their name"
    );
    assert!(
        !svg.contains("role=\"img\""),
        "an image role would hide the links inside"
    );
    assert!(svg.contains("<title>Anna and Bob: 1 shared event</title>"));
    assert!(svg.contains(">chair of</text>"), "the relation is labelled");
    let anna = site.page("actors/anna/index.html");
    assert!(svg_in(&anna, "actor-map").contains(
        "<title id=\"neighbourhood-map-title\">Anna and the actors linked to them</title>"
    ));
}

#[test]
fn the_default_story_map_has_no_overlapping_labels() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (story, diagnostics) = explainer::load_story(&BuildOptions::new(root));
    let story = story.unwrap_or_else(|| panic!("{diagnostics:?}"));
    let links = links(&story);
    let map = ActorMap {
        story: &story,
        links: &links,
        center: None,
        root: "../",
        id: "m",
    }
    .render();
    assert_eq!(
        map.labels
            .iter()
            .filter(|l| story.actors.iter().any(|a| a.name == l.text))
            .count(),
        story.actors.len()
    );
    assert_eq!(any_overlap(&map.labels), None);
    for center in story.actors.indices() {
        let map = ActorMap {
            story: &story,
            links: &links,
            center: Some(center),
            root: "../../",
            id: "m",
        }
        .render();
        assert_eq!(
            any_overlap(&map.labels),
            None,
            "around {}",
            story.actors[center].name
        );
    }
}

#[test]
fn pictures_are_drawn_the_same_way_every_time() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (story, _) = explainer::load_story(&BuildOptions::new(root));
    let story = story.expect("default story loads");
    let links = links(&story);
    let draw = || {
        ActorMap {
            story: &story,
            links: &links,
            center: None,
            root: "../",
            id: "m",
        }
        .render()
        .svg
    };
    assert_eq!(draw(), draw());
}

fn with_section(body: &str) -> Story {
    Story::small()
        .file("content/events/more.toml", "[[event]]\nid = \"rally\"\ndate = \"2024-08\"\ntitle = \"A rally\"\ntags = [\"street\"]\nactors = [\"bob\"]\nsources = [\"report\"]\n")
        .file(
            "content/story/02-why.md",
            &format!("+++\ntitle = \"Why it matters\"\nweight = 20\n+++\nAs [said above](section:what-happened).\n\n{body}\n"),
        )
}

#[test]
fn sections_embed_a_timeline_of_one_tag_or_one_actor_and_a_map() {
    let site = with_section("{{ timeline(tag=\"street\") }}\n\n{{ timeline(actor=\"anna\") }}\n\n{{ map(actor=\"anna\") }}").build(&[]);
    let story = site.page("index.html");
    assert!(!story.contains("{{"), "no shortcode is left as text");
    let first = svg_in(&story, "timeline-svg");
    assert_eq!(attribute_values(first, &["href"]), ["./events/rally/"]);
    assert!(first.contains(r#"aria-labelledby="embed-why-0-title embed-why-0-desc""#));
    let rest = &story[story.find(first).expect("first") + first.len()..];
    let second = svg_in(rest, "timeline-svg");
    assert_eq!(
        attribute_values(second, &["href"]),
        ["./events/meeting/", "./events/vote/"]
    );
    assert!(story.contains("<figcaption>Timeline of the events involving Anna. <a href=\"./timeline/\">See the full timeline</a>.</figcaption>"));
    let map = svg_in(&story, "actor-map");
    assert!(
        map.contains("<title id=\"embed-why-2-title\">Anna and the actors linked to them</title>")
    );
    assert_eq!(site.broken_links(), Vec::<String>::new());
}

#[test]
fn a_wrong_shortcode_is_an_error_at_its_line() {
    let story =
        with_section("{{ timeline(tag=\"stret\") }}\n\n{{ map(actor=\"ana\") }}\n\n{{ chart() }}");
    let output = story.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let err = support::stderr(&output);
    assert!(
        err.contains("error: no event has the tag `stret`\n --> content/story/02-why.md:7:1\n"),
        "{err}"
    );
    assert!(
        err.contains("= help: use one of the events' tags: street"),
        "{err}"
    );
    assert!(
        err.contains(
            "error: unknown actor `ana` in the shortcode\n --> content/story/02-why.md:9:1\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("= help: did you mean actor=\"anna\"?"),
        "{err}"
    );
    assert!(err.contains("error: `chart` is not a picture this tool can embed\n  --> content/story/02-why.md:11:1\n"), "{err}");
}

#[test]
fn shortcodes_belong_in_sections_only() {
    let story = Story::small().file(
        "content/actors/bob.md",
        "+++\nname = \"Bob\"\nkind = \"person\"\n+++\n{{ map() }}\n",
    );
    let output = story.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(support::stderr(&output).contains("error: pictures can be embedded only in story sections\n --> content/actors/bob.md:5:1\n"), "{}", support::stderr(&output));
}
