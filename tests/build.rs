//! Builds real stories into temp folders and asserts what readers get.

mod support;

use std::fs;
use std::path::Path;

use support::{Site, Story, attribute_values, default_story, stderr};

fn ids_in(dir: &str, ext: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut ids: Vec<String> = fs::read_dir(root)
        .expect("content folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
        // Translations (`russia.ru.md`) are not items of their own.
        .filter(|stem| !stem.contains('.'))
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_default_story_has_a_page_for_every_event_and_actor() {
    let site = default_story();
    for page in [
        "index.html",
        "timeline/index.html",
        "actors/index.html",
        "404.html",
        "style.css",
    ] {
        assert!(site.has(page), "missing {page}");
    }
    let actors = ids_in("content/actors", "md");
    assert!(
        actors.len() >= 10,
        "the default story has at least 10 actors"
    );
    for id in &actors {
        assert!(
            site.has(&format!("actors/{id}/index.html")),
            "no page for actor {id}"
        );
    }
    let timeline = site.page("timeline/index.html");
    let events: Vec<String> = attribute_values(&timeline, &["href"])
        .into_iter()
        .filter_map(|h| {
            h.strip_prefix("../events/")
                .map(|s| s.trim_end_matches('/').to_string())
        })
        .collect();
    assert!(
        events.len() >= 10,
        "the default story has at least 10 events"
    );
    for id in &events {
        assert!(
            site.has(&format!("events/{id}/index.html")),
            "no page for event {id}"
        );
    }
}

#[test]
fn every_internal_link_of_the_default_story_resolves() {
    let site = default_story();
    assert_eq!(site.broken_links(), Vec::<String>::new());
}

#[test]
fn the_default_story_shows_both_accounts_of_the_deaths_without_taking_sides() {
    let site = default_story();
    let page = site.page("events/brothers-die-in-custody/index.html");
    assert!(page.contains("Competing accounts"));
    assert!(page.contains(">Russian investigators</a>"));
    assert!(page.contains(">State prosecutor in Baku</a>"));
    assert!(page.contains("heart failure"));
    assert!(page.contains("torture and murder with extreme cruelty"));
}

#[test]
fn the_timeline_is_in_date_order_with_dates_at_their_precision() {
    let site = Story::small().build(&[]);
    let timeline = site.page("timeline/index.html");
    let order: Vec<usize> = ["The club is founded", "Anna meets Bob", "The club votes"]
        .iter()
        .map(|title| {
            timeline
                .find(title)
                .unwrap_or_else(|| panic!("{title} not on the timeline"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "events out of order: {order:?}"
    );
    assert!(timeline.contains(r#"<time datetime="2024-06">June 2024</time>"#));
    assert!(timeline.contains(r#"<time datetime="1991">1991</time>"#));
    assert!(timeline.contains(r#"<time datetime="2024-06-03">3 June 2024</time>"#));
    assert!(
        !timeline.contains("1 June 2024"),
        "a month is never shown as a day"
    );
    assert!(timeline.contains(r#"<h2 class="year-heading" id="year-1991">1991</h2>"#));
}

#[test]
fn cross_references_resolve_to_the_right_pages() {
    let site = Story::small().build(&[]);
    let story = site.page("index.html");
    assert!(story.contains(r#"<a href="./actors/anna/">Anna</a>"#));
    assert!(story.contains(r#"<a href="./events/meeting/">the meeting</a>"#));
    assert!(story.contains(r#"<a href="./#what-happened">said above</a>"#));
    let event = site.page("events/meeting/index.html");
    assert!(event.contains(r#"see <a href="../../actors/anna/">Anna</a>."#));
    let actor = site.page("actors/anna/index.html");
    assert!(actor.contains(r#"<a href="../../actors/club/">the club</a>"#));
    assert_eq!(site.broken_links(), Vec::<String>::new());
}

#[test]
fn actor_pages_list_events_sections_accounts_and_relations_both_ways() {
    let site = Story::small().build(&[]);
    let anna = site.page("actors/anna/index.html");
    let meeting = anna.find("Anna meets Bob").expect("meeting listed");
    let vote = anna.find("The club votes").expect("vote listed");
    assert!(meeting < vote, "an actor's events are in date order");
    assert!(anna.contains(r#"<a href="../../#what-happened">What happened</a>"#));
    assert!(anna.contains("It was <em>friendly</em>."));
    assert!(anna.contains(r#"Anna — chair of — <a href="../../actors/club/">The Club</a>"#));
    let club = site.page("actors/club/index.html");
    assert!(club.contains(r#"<a href="../../actors/anna/">Anna</a> — chair of — The Club"#));
}

#[test]
fn event_pages_link_previous_and_next_in_time() {
    let site = Story::small().build(&[]);
    let meeting = site.page("events/meeting/index.html");
    assert!(meeting.contains(r#"rel="prev" href="../../events/founding/""#));
    assert!(meeting.contains(r#"rel="next" href="../../events/vote/""#));
    let first = site.page("events/founding/index.html");
    assert!(!first.contains(r#"rel="prev""#));
}

#[test]
fn a_story_template_overrides_the_built_in_one() {
    let story = Story::small().file(
        "templates/actors.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Our cast</h1>{% endblock main %}",
    );
    let site = story.build(&[]);
    assert!(site.page("actors/index.html").contains("<h1>Our cast</h1>"));
    assert!(
        site.page("timeline/index.html")
            .contains("<h1>Timeline</h1>")
    );
}

/// `template` with the definition of its component `name`, from
/// `{% component NAME(` to the end of its `endcomponent` tag, replaced by `with`.
fn swap_component(template: &str, name: &str, with: &str) -> String {
    let start = template
        .find(&format!("{{% component {name}("))
        .expect(name);
    let closing = format!("endcomponent {name}");
    let end = start + template[start..].find(&closing).expect("endcomponent");
    let end = end + template[end..].find("%}").expect("%}") + 2;
    format!("{}{with}{}", &template[..start], &template[end..])
}

/// Builds `story`, then again with `path` holding `text`: the second build
/// must fail with exactly `error` (what is printed before the summary line)
/// and leave the first build's site as it was.
fn fails_with_template(story: Story, path: &str, text: &str, error: &str) {
    let previous = story.build(&[]).files;
    let story = story.file(path, text);
    let output = story.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "{error}\nBuild failed: 1 error. {} was left as it was.\n",
            story.public().display()
        )
    );
    assert_eq!(Site::read(&story.public()).files, previous);
}

/// The built-in components.html with its `when` component replaced by `when`.
fn components_with_when(when: &str) -> String {
    let built_in = include_str!("../templates/components.html");
    swap_component(built_in, "when", when)
}

#[test]
fn every_date_is_printed_by_the_story_s_own_when_component() {
    let when =
        "{% component when(when) %}<span class=\"d\">{{ when.text }}</span>{% endcomponent when %}";
    let story = Story::small().file("templates/components.html", &components_with_when(when));
    let site = story.build(&[]);
    // Once on the event's page, and in the lists of an actor, the timeline
    // and the disputed accounts.
    let pages = [
        (
            "events/meeting/index.html",
            "<p class=\"event-meta\"><span class=\"d\">June 2024</span>",
        ),
        (
            "actors/anna/index.html",
            "<span class=\"event-list-date\"><span class=\"d\">June 2024</span></span>",
        ),
        (
            "timeline/index.html",
            "<p class=\"timeline-date\"><span class=\"d\">3 June 2024</span></p>",
        ),
        (
            "accounts/index.html",
            "<p class=\"event-meta\"><span class=\"d\">June 2024</span>",
        ),
    ];
    for (page, date) in pages {
        assert!(site.page(page).contains(date), "{page} lacks {date}");
        assert!(!site.page(page).contains("<time"), "{page}");
    }
}

#[test]
fn a_story_without_a_when_component_is_told_to_define_it_again() {
    fails_with_template(
        Story::small(),
        "templates/components.html",
        &components_with_when(""),
        "error: template: no template defines the `when` component, which prints the date of every event on the built-in pages\n  --> templates/components.html\n  = help: define it again, as the built-in components.html does: {% component when(when) %} ... {% endcomponent when %} (see docs/templates.md, Components)\n",
    );
}

/// The built-in `base.html` with its `site_header` and `site_footer`
/// components defined as `header` and `footer`.
fn base_with(header: &str, footer: &str) -> String {
    let built_in = include_str!("../templates/base.html");
    let base = swap_component(built_in, "site_header", header);
    swap_component(&base, "site_footer", footer)
}

#[test]
fn every_page_prints_the_header_and_footer_its_root_and_part_of_the_site_call_for() {
    let header = "{% component site_header(section, @root) -%}\n<p class=\"h\">{{ section }} {{ root }}</p>\n{% endcomponent site_header -%}\n";
    let footer = "{% component site_footer(@root, @last_change) -%}\n<p class=\"f\">{{ root }} {% if last_change %}changes{% else %}none{% endif %}</p>\n{% endcomponent site_footer -%}\n";
    let story = Story::small().file("templates/base.html", &base_with(header, footer));
    let site = story.build(&[]);
    // Each page has its own part of the site and depth: a header or footer
    // rendered for one page is never another's.
    let pages = [
        ("index.html", "story ./", "./"),
        ("timeline/index.html", "timeline ../", "../"),
        ("events/meeting/index.html", "event ../../", "../../"),
        ("actors/index.html", "actors ../", "../"),
        ("actors/anna/index.html", "actor ../../", "../../"),
        ("accounts/index.html", "accounts ../", "../"),
    ];
    for (page, header, root) in pages {
        let html = site.page(page);
        let header =
            format!("<div class=\"wrap site-header-inner\">\n<p class=\"h\">{header}</p>\n</div>");
        assert!(html.contains(&header), "{page} lacks {header}");
        let footer = format!("</main>\n<p class=\"f\">{root} none</p>\n\n</body>");
        assert!(html.contains(&footer), "{page} lacks {footer}");
    }
}

#[test]
fn a_site_header_that_cannot_be_printed_fails_the_build_at_its_line() {
    let header = "{% component site_header(section, @root) -%}\n<p>{{ section.missing.field }}</p>\n{% endcomponent site_header -%}";
    let built_in = include_str!("../templates/base.html");
    let base = swap_component(built_in, "site_header", header);
    // Once, at the component's line, though every page prints the header.
    fails_with_template(
        Story::small(),
        "templates/base.html",
        &base,
        "error: template: Field `missing` is not defined.\n --> templates/base.html:5:15\n  |\n5 | <p>{{ section.missing.field }}</p>\n  |               ^^^^^^^\n  = help: see docs/templates.md for the variables each template receives and the Tera 2 syntax\n",
    );
}

#[test]
fn a_footer_is_not_told_the_part_of_the_site_it_is_kept_for_all_of() {
    // One footer serves every part of the site at a depth: one that asks
    // which part it is on is refused, not printed with the first page's.
    let footer = "{% component site_footer(section) -%}\n<p>{{ section }}</p>\n{% endcomponent site_footer -%}";
    let built_in = include_str!("../templates/base.html");
    let base = swap_component(built_in, "site_footer", footer);
    fails_with_template(
        Story::small(),
        "templates/base.html",
        &base,
        "error: template: the `site_footer` component asks for `section`, which it cannot be given\n  --> templates/base.html:15:1\n   |\n15 | {% component site_footer(section) -%}\n   | ^^^^^^^^^^^^^^^^^^^^^^^^^\n   = help: it is printed once for every page at a depth, so it may declare only root, routes, site, t and last_change; anything that differs from page to page goes in base.html itself (docs/templates.md, base.html)\n",
    );
}

#[test]
fn a_story_s_own_base_html_without_the_header_components_still_builds() {
    // An older base.html of a story's own: its navigation written out, no
    // `site_header` or `site_footer`.
    let base = base_with("", "")
        .replace(
            "{{ site_header }}",
            "<nav class=\"mine\">{{ t.nav_story }}</nav>\n",
        )
        .replace(
            "{{ site_footer }}",
            "<footer class=\"mine\">{{ site.title }}</footer>\n",
        );
    let site = Story::small().file("templates/base.html", &base).build(&[]);
    let html = site.page("events/meeting/index.html");
    assert!(html.contains("<nav class=\"mine\">Story</nav>"), "{html}");
    assert!(
        html.contains("<footer class=\"mine\">Fixture story</footer>"),
        "{html}"
    );
}

/// The built-in `components.html` with its `source` component defined as `source`.
fn components_with_source(source: &str) -> String {
    let built_in = include_str!("../templates/components.html");
    swap_component(built_in, "source", source)
}

#[test]
fn every_list_of_sources_prints_the_story_s_own_source_component() {
    let source =
        "{% component source(s) %}<li class=\"mine\">{{ s.title }}</li>{% endcomponent source %}";
    let story = Story::small().file("templates/components.html", &components_with_source(source));
    let html = story.build(&[]).page("events/meeting/index.html");
    let list = "<ul class=\"source-list\">\n<li class=\"mine\">The report</li>\n</ul>";
    assert!(html.contains(list), "{html}");
}

#[test]
fn a_story_s_own_older_sources_component_still_lists_every_source() {
    // Before `source`, `sources` wrote each item itself.
    let older = "{% component sources(sources) -%}\n<ol class=\"old\">\n{%- for s in sources %}\n<li>{{ s.title }}</li>\n{%- endfor %}\n</ol>\n{%- endcomponent sources %}";
    let components = swap_component(&components_with_source(""), "sources", older);
    let story = Story::small().file("templates/components.html", &components);
    let html = story.build(&[]).page("events/meeting/index.html");
    assert!(
        html.contains("<ol class=\"old\">\n<li>The report</li>\n</ol>"),
        "{html}"
    );
}

#[test]
fn an_event_s_neighbours_are_introduced_by_the_story_s_own_words_escaped() {
    let story = Story::small().file(
        "i18n/en.toml",
        "previous_event = \"<Before> {when} & {when} {other}\"\nnext_event = \"Then, {when}\"\n",
    );
    let html = story.build(&[]).page("events/meeting/index.html");
    let previous = "<span>&lt;Before&gt; 1991 &amp; 1991 {other}</span> The club is founded</a>";
    assert!(html.contains(previous), "{html}");
    assert!(
        html.contains("<span>Then, 3 June 2024</span> The club votes</a>"),
        "{html}"
    );
}

#[test]
fn a_site_title_with_markup_is_escaped_on_every_page() {
    let story = Story::small().file(
        "content/site.toml",
        "title = \"Q&A: <script>alert(1)</script> 'it'\"\nbase_url = \"https://example.org/fixture/\"\n",
    );
    let site = story.build(&[]);
    for page in [
        "index.html",
        "events/meeting/index.html",
        "actors/anna/index.html",
    ] {
        let html = site.page(page);
        assert!(!html.contains("<script>alert"), "{page}");
        assert!(
            html.contains("Q&amp;A: &lt;script&gt;alert(1)&lt;/script&gt; &#39;it&#39;"),
            "{page}"
        );
    }
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let story = Story::small().file(
        "content/story/03-draft.md",
        "+++\ntitle = \"Not yet\"\nweight = 30\ndraft = true\n+++\nAbout [Anna](actor:anna).\n",
    );
    let site = story.build(&[]);
    assert!(!site.page("index.html").contains("Not yet"));
    let site = story.build(&["--drafts"]);
    assert!(site.page("index.html").contains("Not yet"));
}

#[test]
fn base_url_sets_canonical_links_but_internal_links_stay_relative() {
    let site = Story::small().build(&["--base-url", "https://news.example/story"]);
    let event = site.page("events/meeting/index.html");
    assert!(
        event.contains(
            r#"<link rel="canonical" href="https://news.example/story/events/meeting/">"#
        )
    );
    assert!(event.contains(r#"<link rel="stylesheet" href="../../style.css">"#));
    let not_found = site.page("404.html");
    assert!(not_found.contains(r#"<link rel="stylesheet" href="/story/style.css">"#));
}

#[test]
fn a_base_url_given_on_the_command_line_is_checked_like_site_tomls() {
    let story = Story::small();
    let previous = story.build(&[]).files;
    let cases = [
        (
            "javascript:alert(1)",
            "error: `--base-url` must be a full http(s) address\n  = help: write where the site will be published, like \"https://example.org/my-story/\"\n",
        ),
        (
            "",
            "error: `--base-url` must be a full http(s) address\n  = help: write where the site will be published, like \"https://example.org/my-story/\"\n",
        ),
        (
            "https://example.org/\"><script>alert(1)</script>",
            "error: `--base-url` cannot contain '\"'\n  = help: write the address as a browser shows it, like \"https://example.org/my-story/\"\n",
        ),
    ];
    for (given, error) in cases {
        let output = story.run(&["build", "--base-url", given]);
        assert_eq!(output.status.code(), Some(1), "{given:?}");
        let public = story.public();
        assert_eq!(
            stderr(&output),
            format!(
                "{error}\nBuild failed: 1 error. {} was left as it was.\n",
                public.display()
            ),
            "{given:?}"
        );
        assert_eq!(Site::read(&public).files, previous, "{given:?}");
    }
}

#[test]
fn static_files_are_copied_as_is_and_override_built_in_ones() {
    let story = Story::small()
        .file("static/images/map.svg", "<svg/>")
        .file("static/style.css", "body{}");
    let site = story.build(&[]);
    assert_eq!(site.files["images/map.svg"], b"<svg/>");
    assert_eq!(site.files["style.css"], b"body{}");
}

#[test]
fn two_builds_of_the_same_story_are_byte_identical() {
    let story = Story::small();
    let first = story.build(&[]).files;
    let second = story.build(&[]).files;
    assert_eq!(first, second);
}

#[test]
fn a_story_without_templates_or_static_folders_builds_with_the_built_in_ones() {
    let site = Story::small().build(&[]);
    assert!(site.has("style.css"));
    assert!(site.has("favicon.svg"));
    assert!(site.page("index.html").contains("<h1>Fixture story</h1>"));
}

#[test]
fn data_fields_are_escaped_and_markdown_keeps_its_html() {
    let story = Story::small().file(
        "content/actors/bob.md",
        "+++\nname = \"Bob <script>alert(1)</script>\"\nkind = \"person\"\n+++\nBob <span class=\"x\">raw</span>.\n",
    );
    let site = story.build(&[]);
    let bob = site.page("actors/bob/index.html");
    assert!(
        bob.contains("Bob &lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || bob.contains("Bob &lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!bob.contains("<script>alert(1)"));
    assert!(bob.contains(r#"<span class="x">raw</span>"#));
}

#[test]
fn pages_name_a_share_image_that_the_site_has() {
    let story = Story::small().file(
        "content/events/pic.toml",
        "[[event]]\nid = \"pic\"\ndate = \"2024-07\"\ntitle = \"Pictured\"\nsources = [\"report\"]\n\n[event.media]\nsrc = \"images/pic.png\"\nalt = \"A picture\"\n",
    ).file("static/images/pic.png", "png");
    let site = story.build(&[]);
    assert!(site.has("share.png"));
    // The story's picture is drawn with its title (tests/newsroom.rs), and the site has it.
    let index = site.page("index.html");
    let image = index
        .split(r#"<meta property="og:image" content="https://example.org/fixture/"#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("og:image");
    assert!(image.starts_with("share/") && site.has(image), "{image}");
    let event = site.page("events/pic/index.html");
    assert!(event.contains(
        r#"<meta property="og:image" content="https://example.org/fixture/images/pic.png">"#
    ));
    assert!(event.contains(r#"<meta property="og:image:alt" content="A picture">"#));
    assert!(event.contains(r#"<img src="../../images/pic.png" alt="A picture""#));
}

#[test]
fn a_static_file_in_the_place_of_a_page_folder_is_a_clear_error() {
    let story = Story::small().file("static/events", "not a folder");
    let output = story.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("error: this static file has the name of a folder the built pages need\n  --> static/events\n"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_under_templates_is_reported() {
    let story = Story::small().file("templates/ok.html", "x");
    std::os::unix::fs::symlink(
        story.root().join("templates"),
        story.root().join("templates/loop"),
    )
    .expect("symlink");
    let output = story.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("error: this link points back to a folder that contains it (a symlink loop)\n  --> templates/loop\n"), "{}", stderr(&output));
}

/// A folder beside the story, holding what must never reach the site.
#[cfg(unix)]
fn secrets() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::write(root.join("secret.txt"), "SECRET-TOKEN=hunter2\n").expect("write");
    fs::write(
        root.join("secret.css"),
        "body { color: red } /* SECRET */\n",
    )
    .expect("write");
    fs::write(
        root.join("secret.toml"),
        "[[event]]\nid = \"leak\"\nSECRET-TOKEN = hunter2\n",
    )
    .expect("write");
    fs::write(root.join("secret.md"), "+++\nname = SECRET-TOKEN\n+++\n").expect("write");
    fs::write(root.join("secret.html"), "{{ SECRET-TOKEN }").expect("write");
    fs::create_dir(root.join("folder")).expect("folder");
    fs::write(root.join("folder/secret.txt"), "SECRET-TOKEN=hunter2\n").expect("write");
    dir
}

/// Every link out of the story folder, of a file or a folder, in content/,
/// static/ or templates/, is refused where it is, and nothing is read through
/// it: `check` and `build` fail with the same error, the build writes nothing,
/// and no line of the linked file is shown.
#[cfg(unix)]
#[test]
fn links_that_lead_out_of_the_story_are_refused_and_nothing_is_written() {
    let outside = secrets();
    let out = |name: &str| outside.path().join(name).display().to_string();
    let environ = "/proc/self/environ".to_string();
    let cases = [
        ("static/env.txt", environ, "file"),
        ("static/shared", out("folder"), "folder"),
        ("static/style.css", out("secret.css"), "file"),
        ("content/site.toml", out("secret.toml"), "file"),
        ("content/events/leak.toml", out("secret.toml"), "file"),
        ("content/actors/dana.md", out("secret.md"), "file"),
        ("content/story", out("folder"), "folder"),
        ("templates/event.html", out("secret.html"), "file"),
        ("templates/partials", out("folder"), "folder"),
    ];
    for (link, target, what) in cases {
        // minify = true: a linked stylesheet must be refused before it is minified.
        let story = Story::small().file(
            "content/site.toml",
            &format!("{}minify = true\n", support::SITE),
        );
        let path = story.root().join(link);
        fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        if path.is_dir() {
            fs::remove_dir_all(&path).expect("remove the folder the link replaces");
        } else if path.exists() {
            fs::remove_file(&path).expect("remove the file the link replaces");
        }
        std::os::unix::fs::symlink(&target, &path).expect("symlink");
        let expected = format!(
            "error: this link points outside the story folder, to {target}\n  --> {link}\n  = help: explainer reads nothing outside the story folder: put a copy of the {what} here instead of the link\n\n"
        );
        let check = story.run(&["check"]);
        assert_eq!(check.status.code(), Some(1), "{link}");
        assert_eq!(
            stderr(&check),
            format!("{expected}Found 1 error.\n"),
            "{link}"
        );
        let build = story.run(&["build"]);
        let err = stderr(&build);
        assert_eq!(build.status.code(), Some(1), "{link}: {err}");
        assert!(err.starts_with(&expected), "{link}: {err}");
        assert!(!err.contains("SECRET"), "{link}: {err}");
        assert!(!story.public().exists(), "{link}: nothing is written");
    }
}

/// A link to a hidden file or folder of the story (`.git/config`, which a CI
/// checkout may fill with a token; `.env`) is refused like a link out of it.
#[cfg(unix)]
#[test]
fn links_to_hidden_files_of_the_story_are_refused() {
    let story = Story::small()
        .file(
            ".git/config",
            "[http]\n\textraheader = AUTHORIZATION: basic SECRET-TOKEN\n",
        )
        .file(".env", "SECRET-TOKEN=hunter2\n");
    let root = story.root();
    fs::create_dir_all(root.join("static")).expect("folder");
    for (link, target) in [
        ("static/config.txt", "../.git/config"),
        ("static/dotgit", "../.git"),
        ("static/env.txt", "../.env"),
    ] {
        std::os::unix::fs::symlink(target, root.join(link)).expect("symlink");
    }
    let check = story.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let expected = |link: &str, target: &str, what: &str| {
        format!(
            "error: this link points to {target}, a hidden {what} of the story folder\n  --> {link}\n  = help: hidden files and folders (like .git/ and .env) can hold passwords and keys, and are never published: put a copy of the {what} here instead of the link\n\n"
        )
    };
    assert_eq!(
        stderr(&check),
        [
            expected("static/config.txt", ".git/config", "file"),
            expected("static/dotgit", ".git", "folder"),
            expected("static/env.txt", ".env", "file"),
            "Found 3 errors.\n".to_string(),
        ]
        .concat()
    );
    let build = story.run(&["build"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(!stderr(&build).contains("SECRET"));
    assert!(!story.public().exists(), "nothing is written");
}

/// Links that stay inside the story folder are followed: a folder of pictures
/// shared with static/, a stylesheet, an actor file kept elsewhere in the story.
#[cfg(unix)]
#[test]
fn links_that_stay_inside_the_story_are_followed() {
    use std::os::unix::fs::symlink;
    let story = Story::small()
        .file("pictures/map.svg", "<svg/>")
        .file("shared/style.css", "body{}")
        .file(
            "shared/dana.md",
            "+++\nname = \"Dana\"\nkind = \"person\"\n+++\nDana, with [Anna](actor:anna).\n",
        );
    let root = story.root();
    fs::create_dir_all(root.join("static")).expect("folder");
    symlink("../pictures", root.join("static/images")).expect("symlink");
    symlink(root.join("shared/style.css"), root.join("static/style.css")).expect("symlink");
    symlink("../../shared/dana.md", root.join("content/actors/dana.md")).expect("symlink");
    let site = story.build(&[]);
    assert_eq!(site.files["images/map.svg"], b"<svg/>");
    assert_eq!(site.files["style.css"], b"body{}");
    assert!(site.page("actors/dana/index.html").contains("Dana"));
}

#[test]
fn markdown_images_need_alt_text_and_a_file_in_static() {
    let story = Story::small().file(
        "content/story/02-why.md",
        "+++\ntitle = \"Why it matters\"\nweight = 20\n+++\nAs [said above](section:what-happened).\n\n![](images/map.png)\n\n![A chart](images/chrat.png)\n",
    ).file("static/images/map.png", "png").file("static/images/chart.png", "png");
    let output = story.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("error: this image has no alt text\n --> content/story/02-why.md:7:5\n"),
        "{err}"
    );
    assert!(
        err.contains(
            "error: there is no file static/images/chrat.png\n --> content/story/02-why.md:9:12\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("= help: did you mean \"images/chart.png\"? paths are relative to static/"),
        "{err}"
    );
}

#[test]
fn markdown_images_load_lazily_and_event_media_may_be_a_document() {
    let story = Story::small()
        .file(
            "content/story/02-why.md",
            "+++\ntitle = \"Why it matters\"\nweight = 20\n+++\nAs [said above](section:what-happened).\n\n![A map](images/map.png)\n",
        )
        .file(
            "content/events/doc.toml",
            "[[event]]\nid = \"doc\"\ndate = \"2024-07\"\ntitle = \"The ruling\"\nsources = [\"report\"]\n\n[event.media]\nsrc = \"/files/ruling.pdf\"\ncaption = \"The ruling\"\n",
        )
        .file("static/images/map.png", "png")
        .file("static/files/ruling.pdf", "pdf");
    let site = story.build(&[]);
    assert!(
        site.page("index.html").contains(
            r#"<img src="./images/map.png" alt="A map" loading="lazy" decoding="async">"#
        )
    );
    let event = site.page("events/doc/index.html");
    assert!(
        event.contains(r#"<a href="../../files/ruling.pdf">View the media</a>"#),
        "{event}"
    );
    assert_eq!(site.broken_links(), Vec::<String>::new());
}

#[test]
fn minify_makes_pages_and_stylesheets_smaller_with_the_same_content() {
    let plain = Story::small().build(&[]);
    let story = Story::small().file(
        "content/site.toml",
        &format!("{}minify = true\n", support::SITE),
    );
    let small = story.build(&[]);
    assert_eq!(
        plain.files.keys().collect::<Vec<_>>(),
        small.files.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for page in [
        "index.html",
        "timeline/index.html",
        "events/meeting/index.html",
        "style.css",
    ] {
        assert!(
            small.files[page].len() < plain.files[page].len(),
            "{page} is smaller"
        );
    }
    let css = small.page("style.css");
    assert!(
        !css.contains("/*") && !css.contains("\n  "),
        "no comments or indentation"
    );
    let words = |html: &str| html.split_whitespace().collect::<Vec<_>>().join(" ");
    let event = small.page("events/meeting/index.html");
    assert_eq!(
        words(&event),
        words(&plain.page("events/meeting/index.html")),
        "only white space differs"
    );
    assert_eq!(small.broken_links(), Vec::<String>::new());
}

#[test]
fn an_event_picture_offers_the_sizes_the_editor_gives() {
    let story = Story::small()
        .file(
            "content/events/pic.toml",
            "[[event]]\nid = \"pic\"\ndate = \"2024-07\"\ntitle = \"Pictured\"\nsources = [\"report\"]\n\n[event.media]\nsrc = \"images/pic.jpg\"\nalt = \"A picture\"\nsrcset = [\"images/pic-480.jpg 480w\", \"/images/pic.jpg 1200w\"]\n",
        )
        .file("static/images/pic.jpg", "jpg")
        .file("static/images/pic-480.jpg", "jpg");
    let site = story.build(&[]);
    let event = site.page("events/pic/index.html");
    assert!(event.contains(r#"<img src="../../images/pic.jpg" srcset="../../images/pic-480.jpg 480w, ../../images/pic.jpg 1200w" sizes="(min-width: 44rem) 40rem, calc(100vw - 2.5rem)" alt="A picture" decoding="async">"#), "{event}");
    let story = story.file(
        "content/events/pic.toml",
        "[[event]]\nid = \"pic\"\ndate = \"2024-07\"\ntitle = \"Pictured\"\nsources = [\"report\"]\n\n[event.media]\nsrc = \"images/pic.jpg\"\nalt = \"A picture\"\nsrcset = [\"images/pic-480.jpg\", \"images/pic-960.jpg 960w\"]\n",
    );
    let output = story.run(&["check"]);
    let err = stderr(&output);
    assert!(err.contains("error: `images/pic-480.jpg` is not a size of the picture\n  --> content/events/pic.toml:10:11\n"), "{err}");
    assert!(err.contains("error: there is no file static/images/pic-960.jpg\n  --> content/events/pic.toml:10:33\n"), "{err}");
}

/// The rendered HTML of a small fixture, pinned: any change to the templates or
/// the page contexts shows up here, to be read and accepted on purpose.
#[test]
fn the_rendered_pages_of_a_small_story_are_pinned() {
    let site = Story::small().build(&[]);
    insta::assert_snapshot!("event_page", site.page("events/meeting/index.html"));
    insta::assert_snapshot!("actor_page", site.page("actors/anna/index.html"));
    let timeline = site.page("timeline/index.html");
    let list = &timeline[timeline
        .find("<section class=\"year\"")
        .expect("the year list")..];
    insta::assert_snapshot!("timeline_list", list);
}

/// `build --output ~/Documents/site` replaced a folder holding an index.html
/// whole, deleting an editor's thesis.docx without a word. A folder explainer did not make is
/// now refused, naming what it holds, unless `--force` says it may go; a
/// folder a build made carries `.explainer-output` and is replaced freely.
#[test]
fn an_output_folder_explainer_did_not_make_is_replaced_only_with_force() {
    let story = Story::small();
    let documents = tempfile::tempdir().expect("temp dir");
    let site = documents.path().join("site");
    fs::create_dir_all(site.join("notes")).expect("folder");
    fs::write(site.join("thesis.docx"), "four years").expect("file");
    fs::write(site.join("notes/todo.txt"), "submit").expect("file");
    // A page of the editor's own: an index.html was all the old check asked for.
    fs::write(site.join("index.html"), "<h1>My thesis</h1>").expect("file");
    let before = Site::read(&site);
    let given = site.to_str().expect("UTF-8 path");
    let shown = fs::canonicalize(&site).expect("canonical path");
    let shown = shown.display();

    let refused = story.run(&["build", "--output", given]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        stderr(&refused),
        format!(
            "error: the output folder {shown} was not made by explainer (it has no .explainer-output file) and holds index.html, notes/ and thesis.docx: building would delete them\n  \
             = help: choose another folder with --output (a new or empty one), or, if everything in {shown} may be deleted, build again with --force\n\n\
             Build failed: 1 error. {given} was left as it was.\n"
        )
    );
    assert_eq!(Site::read(&site).files, before.files, "nothing was touched");

    // Told, the build replaces the folder and marks it as its own.
    let forced = story.run(&["build", "--output", given, "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let built = Site::read(&site);
    assert!(!built.has("thesis.docx") && built.has("index.html"));
    assert_eq!(
        built.page(".explainer-output"),
        "This folder is a site built by explainer. The next `explainer build` into it replaces everything in it.\n"
    );
    let again = story.run(&["build", "--output", given]);
    assert!(again.status.success(), "{}", stderr(&again));

    // A site built before the marker existed is recognised by its own data
    // files, so editors who upgrade are not asked for --force; it is marked.
    fs::remove_file(site.join(".explainer-output")).expect("remove the marker");
    let upgraded = story.run(&["build", "--output", given]);
    assert!(upgraded.status.success(), "{}", stderr(&upgraded));
    assert!(site.join(".explainer-output").is_file());
}

/// 231 events without a source printed 1,387 lines of warnings on every
/// build. `build` shows the first few of each kind, counts the rest and says
/// where to see them all, in at most 60 lines; `check` still lists every one.
#[test]
fn build_groups_repeated_warnings_in_at_most_sixty_lines() {
    let mut events = String::new();
    for n in 1..=40 {
        events.push_str(&format!(
            "[[event]]\nid = \"event-{n}\"\ndate = \"2024-01-{:02}\"\ntitle = \"Event {n}\"\nactors = [\"anna\"]\n\n",
            n % 28 + 1
        ));
    }
    let story = Story::small().file("content/events/more.toml", &events);
    let built = story.run(&["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let printed = stderr(&built);
    assert!(printed.lines().count() <= 60, "{printed}");
    insta::assert_snapshot!("grouped_warnings", printed);
    let checked = story.run(&["check"]);
    let all = stderr(&checked);
    assert_eq!(all.matches("cites no source").count(), 40, "{all}");
}

/// With one account confirmed and another retracted, the event page said
/// "This site does not say which is true". The sentence follows the
/// statuses, and an event's `accounts_note` replaces it.
#[test]
fn the_sentence_on_competing_accounts_follows_their_statuses() {
    let events = |meeting_statuses: (&str, &str), note: &str| {
        format!(
            "[[event]]\nid = \"meeting\"\ndate = \"2024-06\"\ntitle = \"Anna meets Bob\"\nactors = [\"anna\", \"bob\"]\nsources = [\"report\"]\n{note}\n\
             [[event.accounts]]\nactor = \"anna\"\nclaim = \"It was friendly.\"\nstatus = \"{}\"\n\n\
             [[event.accounts]]\nactor = \"bob\"\nclaim = \"It was tense.\"\nstance = \"disputes\"\nstatus = \"{}\"\n",
            meeting_statuses.0, meeting_statuses.1
        )
    };
    let note = |statuses: (&str, &str), line: &str| -> String {
        let story = Story::small().file("content/events/all.toml", &events(statuses, line));
        let page = story.build(&[]).page("events/meeting/index.html");
        let start = page.find("<p class=\"note\">").expect("the note") + "<p class=\"note\">".len();
        page[start..start + page[start..].find("</p>").expect("its end")].to_string()
    };
    assert_eq!(
        note(("unverified", "unverified"), ""),
        "These accounts disagree. This site does not say which is true; each is attributed to whoever gave it."
    );
    assert_eq!(
        note(("confirmed", "retracted"), ""),
        "These accounts disagree. This site has confirmed the account of Anna; that of Bob was retracted. Each is attributed to whoever gave it."
    );
    assert_eq!(
        note(("unverified", "retracted"), ""),
        "These accounts disagree. The account of Bob was retracted; this site does not say whether the others are true."
    );
    assert_eq!(
        note(
            ("confirmed", "retracted"),
            "accounts_note = \"Bob withdrew his account on 3 June.\""
        ),
        "Bob withdrew his account on 3 June."
    );
}

/// A correction of the story text names its sections: the story page shows
/// it at the top of each, and the story's JSON-LD says which part it corrects.
#[test]
fn a_correction_naming_a_section_is_shown_at_that_section() {
    let story = Story::small().file(
        "content/updates.toml",
        "[[update]]\ndate = 2024-06-10\nkind = \"correction\"\nnote = \"The meeting was in June, not July.\"\nsections = [\"what-happened\"]\n",
    );
    let page = story.build(&[]).page("index.html");
    let section = &page[page.find("id=\"what-happened\"").expect("the section")..];
    let section = &section[..section.find("</section>").expect("its end")];
    assert!(
        section.contains("<p class=\"banner banner-correction\"><strong>Correction, <time datetime=\"2024-06-10\">10 June 2024</time>:</strong> The meeting was in June, not July.</p>"),
        "{section}"
    );
    let other = &page[page.find("id=\"why\"").expect("the other section")..];
    assert!(!other[..other.find("</section>").expect("end")].contains("banner"));
    assert!(
        page.contains("\"about\":[{\"@id\":\"https://example.org/fixture/#what-happened\",\"@type\":\"WebPageElement\",\"name\":\"What happened\"}]"),
        "{page}"
    );
}

/// On a phone the timeline chart scrolls sideways; it opened on the oldest
/// events, with the news off-screen. Its scroller is right-to-left, so it
/// opens on the latest end, and the chart inside reads left to right.
#[test]
fn the_timeline_chart_opens_on_its_latest_events() {
    let site = Story::small().build(&[]);
    let timeline = site.page("timeline/index.html");
    assert!(
        timeline.contains("<div class=\"chart-scroll\" dir=\"rtl\" tabindex=\"0\" role=\"region\" aria-label=\"Timeline chart, scrolls sideways\"><svg"),
        "{timeline}"
    );
    assert!(
        site.page("style.css")
            .contains(".chart-scroll[dir=\"rtl\"] > * { direction: ltr; }")
    );
}

#[test]
fn the_build_line_counts_pages_other_files_and_static_files_as_the_output_holds_them() {
    let story = Story::small().file("static/notes/readme.txt", "copied as it is");
    let output = story.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let site = Site::read(&story.root().join("public"));
    // What the build keeps for itself beside the site is neither.
    let own = [".explainer-manifest", ".explainer-output"];
    let pages = site.files.keys().filter(|p| p.ends_with(".html")).count();
    // The four built-in static files and the story's one.
    let statics = 5;
    let others = site.files.len() - pages - statics - own.len();
    assert!(
        pages > 10 && others > 3,
        "{pages} pages, {others} other files"
    );
    let line = String::from_utf8_lossy(&output.stdout).into_owned();
    let said =
        format!("Built {pages} pages, {others} other files and {statics} static files into ");
    assert!(
        line.starts_with(&said),
        "{line}\nexpected it to start with: {said}"
    );
    for file in own {
        assert!(site.files.contains_key(file), "{file}");
    }
}
