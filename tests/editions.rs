//! Editions in other languages: every page in every edition, the interface
//! and dates in the reader's language, what is not translated shown in the
//! original and said so, and translations that know when they are out of date.

mod support;

use std::collections::BTreeMap;
use std::fs;

use support::{Story, stderr};

/// The small story with a Russian edition that translates the meeting, the
/// club's vote is left untranslated.
fn bilingual() -> Story {
    Story::small()
        .file(
            "content/site.toml",
            &format!(
                "{}language = \"en\"\n\n[languages.ru]\ntitle = \"История для проверки\"\n",
                support::SITE
            ),
        )
        .file(
            "content/events/all.ru.toml",
            "# Translated by hand.\n[[event]]\nid = \"meeting\"\ntitle = \"Анна встречается с Бобом\"\nsummary = \"Они встречаются; см. [Анну](actor:anna).\"\n\n[[event.accounts]]\nactor = \"bob\"\nclaim = \"Было напряжённо.\"\n\n[[event]]\nid = \"founding\"\ntitle = \"Основан клуб\"\n",
        )
        .file(
            "content/story/01-what-happened.ru.md",
            "+++\ntitle = \"Что произошло\"\n+++\n[Анна](actor:anna) встретила [Боба](actor:bob) на [встрече](event:meeting).\n",
        )
        .file(
            "content/actors/anna.ru.md",
            "+++\nname = \"Анна\"\nrole = \"Председатель\"\n\n[[relations]]\nto = \"club\"\nkind = \"председатель\"\n+++\nАнна возглавляет [клуб](actor:club).\n",
        )
}

#[test]
fn every_page_has_its_twin_in_every_edition_with_hreflang_alternates() {
    let story = bilingual();
    let site = story.build(&[]);
    let pages: Vec<String> = site.files.keys().cloned().collect();
    let english: Vec<&String> = pages
        .iter()
        .filter(|p| p.ends_with(".html") && !p.starts_with("ru/"))
        .collect();
    assert!(english.len() > 10);
    for page in &english {
        assert!(site.has(&format!("ru/{page}")), "no ru/{page}");
    }
    // One sitemap and robots.txt, for the whole site.
    assert!(!site.has("ru/sitemap.xml") && !site.has("ru/robots.txt"));
    // Embeds are framed by other sites and name their full page instead.
    for (path, html) in site.html_pages().filter(|(p, _)| !p.contains("embed/")) {
        let href = path
            .trim_start_matches("ru/")
            .trim_end_matches("index.html");
        let href = href.trim_end_matches("404.html");
        for (lang, prefix) in [("en", ""), ("ru", "ru/"), ("x-default", "")] {
            let link = format!(
                "<link rel=\"alternate\" hreflang=\"{lang}\" href=\"https://example.org/fixture/{prefix}{href}"
            );
            assert!(html.contains(&link), "{path} has no {lang} alternate");
        }
    }
    let sitemap = site.page("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/fixture/ru/events/meeting/</loc>"));
    assert!(sitemap.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"ru\" href=\"https://example.org/fixture/ru/events/meeting/\"/>"
    ));
    assert_eq!(site.broken_links(), Vec::<String>::new());
}

#[test]
fn a_translated_page_speaks_the_readers_language_in_its_words_and_dates() {
    let site = bilingual().build(&[]);
    let page = site.page("ru/events/meeting/index.html");
    assert!(page.contains("<html lang=\"ru\">"));
    assert!(page.contains("<h1>Анна встречается с Бобом</h1>"));
    // A month alone, in the nominative; the narrow space CLDR puts before "г.".
    assert!(page.contains("<time datetime=\"2024-06\">июнь 2024\u{202f}г.</time>"));
    assert!(
        page.contains(">Хронология</a>"),
        "the navigation is in Russian"
    );
    // Links in the translated text lead to the Russian pages; the stylesheet is the site's.
    assert!(page.contains("href=\"../../actors/anna/\""));
    assert!(page.contains("href=\"../../../style.css\""));
    // The language switcher leads to the same page in each edition.
    assert!(
        page.contains(
            "<a href=\"../../../events/meeting/\" hreflang=\"en\" lang=\"en\">English</a>"
        )
    );
    assert!(page.contains("aria-current=\"page\">Русский</a>"));
    let story = site.page("ru/index.html");
    assert!(story.contains("<h1>История для проверки</h1>"));
    assert!(site.has("ru/data/events.json"));
    let timeline = site.page("ru/data/timelinejs.json");
    assert!(timeline.contains("\"language\": \"ru\""));
}

#[test]
fn what_is_not_translated_is_shown_in_the_original_marked_and_reported() {
    let story = bilingual();
    let site = story.build(&[]);
    // The vote has no translation: its title is the English one, marked.
    let vote = site.page("ru/events/vote/index.html");
    assert!(vote.contains("<h1 lang=\"en\">The club votes</h1>"));
    assert!(vote.contains(
        "<p class=\"notice notice-untranslated\">Часть этой страницы ещё не переведена и показана по-английски.</p>"
    ) || vote.contains("notice notice-untranslated"));
    let timeline = site.page("ru/timeline/index.html");
    assert!(
        timeline.contains("lang=\"en\">The club votes</a> <span class=\"badge untranslated\">")
    );
    // Anna's account has no translation: the claim stays English, marked.
    let meeting = site.page("ru/events/meeting/index.html");
    assert!(meeting.contains("<span lang=\"en\">It was <em>friendly</em>.</span>"));
    let output = story.run(&["check"]);
    let text = stderr(&output);
    for expected in [
        "warning: 6 items are not yet translated into `ru`, shown in the `ru` edition in en: section `why`: title, text;",
        "event `meeting`: claim; event `vote`: title;",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn a_translation_whose_original_changed_is_reported_at_its_line_and_flagged_to_readers() {
    let story = bilingual();
    let output = story.run(&["translations", "stamp"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stamped = fs::read_to_string(story.root().join("content/events/all.ru.toml")).unwrap();
    assert!(
        stamped.starts_with("# Translated by hand.\n"),
        "comments are kept"
    );
    assert!(stamped.contains("from = { title = \""), "{stamped}");
    let listing = String::from_utf8_lossy(&story.run(&["translations"]).stdout).into_owned();
    assert!(
        listing.contains("ru: 6 not translated, 0 out of date, 0 fields not stamped"),
        "{listing}"
    );
    // The original title changes: the translation is older than it.
    let events = fs::read_to_string(story.root().join("content/events/all.toml")).unwrap();
    let story = story.file(
        "content/events/all.toml",
        &events.replacen("Anna meets Bob", "Anna meets Bob again", 1),
    );
    let text = stderr(&story.run(&["check"]));
    assert!(
        text.contains("warning: the original `title` has changed since this was translated\n --> content/events/all.ru.toml:4:9"),
        "{text}"
    );
    let site = story.build(&[]);
    assert!(
        site.page("ru/events/meeting/index.html")
            .contains("notice notice-stale")
    );
    assert!(
        !site
            .page("ru/events/founding/index.html")
            .contains("notice-stale")
    );
}

#[test]
fn a_translation_of_nothing_is_an_error_at_its_line() {
    let story = bilingual()
        .file(
            "content/events/extra.ru.toml",
            "[[event]]\nid = \"meting\"\ntitle = \"Встреча\"\n\n[[event]]\nid = \"vote\"\ndate = \"2024-06-04\"\n",
        )
        .file("content/actors/bob.de.md", "+++\nname = \"Bob\"\n+++\n")
        .file(
            "content/story/02-why.ru.md",
            "+++\ntitle = \"Почему это важно\"\n+++\nЭто важно.\n\n{{ timeline() }}\n",
        );
    let output = story.run(&["check"]);
    assert!(!output.status.success());
    let text = stderr(&output);
    for expected in [
        "error: there is no event `meting` to translate\n --> content/events/extra.ru.toml:2:6",
        "= help: did you mean `meeting`?",
        "error: unknown key `date` in `[[event]]`",
        "error: this file translates into `de`, a language content/site.toml does not name\n  --> content/actors/bob.de.md",
        "error: the translation's pictures ({{ timeline() }}) are not the original's (none)\n --> content/story/02-why.ru.md:4:1",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn the_default_storys_other_editions_show_no_english_interface_words() {
    let site = support::default_story();
    let table = |lang: &str| -> BTreeMap<String, toml::Value> {
        let path = format!("{}/src/i18n/{lang}.toml", env!("CARGO_MANIFEST_DIR"));
        toml::from_str(&fs::read_to_string(path).unwrap()).unwrap()
    };
    let english = table("en");
    // Every run of words of an English string long enough to be telling.
    let mut phrases: Vec<String> = Vec::new();
    // And every short one, as the whole text of an element: `>Sources<`.
    let mut labels: Vec<(String, String)> = Vec::new();
    for (key, value) in &english {
        let texts: Vec<String> = match value {
            toml::Value::String(text) => vec![text.clone()],
            toml::Value::Table(forms) => forms
                .values()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        };
        if key == "language_name" {
            continue;
        }
        for text in texts {
            if !text.contains('{') && text.len() >= 4 {
                labels.push((key.clone(), format!(">{}<", text.replace('&', "&amp;"))));
            }
            for part in text.split(['{', '}']) {
                let part = part.trim();
                if part.len() >= 12 && !part.contains('_') {
                    phrases.push(part.to_string());
                }
            }
        }
    }
    assert!(phrases.len() > 50);
    for lang in ["az", "ru"] {
        // A word both languages share ("media" in Azerbaijani) is no slip.
        let theirs = table(lang);
        let labels: Vec<&String> = labels
            .iter()
            .filter(|(key, _)| theirs.get(key) != english.get(key))
            .map(|(_, label)| label)
            .collect();
        for (path, html) in site
            .html_pages()
            .filter(|(p, _)| p.starts_with(&format!("{lang}/")))
        {
            // What readers read: the text between tags, and the attributes
            // screen readers and browsers show.
            let mut text = String::new();
            for (n, part) in html.split('<').enumerate() {
                let (tag, after) = part.split_once('>').unwrap_or(("", part));
                if n == 0 {
                    text.push_str(part);
                    continue;
                }
                for name in ["aria-label=\"", "title=\"", "content=\"", "alt=\""] {
                    if let Some(rest) = tag.split(name).nth(1) {
                        text.push_str(rest.split('"').next().unwrap_or(""));
                        text.push('\n');
                    }
                }
                text.push_str(after);
            }
            let text = text
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#39;", "'");
            for phrase in &phrases {
                assert!(
                    !text.contains(phrase.as_str()),
                    "{path} shows the English {phrase:?}"
                );
            }
            for label in &labels {
                assert!(
                    !html.contains(label.as_str()),
                    "{path} shows the English {label:?}"
                );
            }
        }
    }
    let ru = site.page("ru/events/declaration-on-allied-interaction/index.html");
    assert!(ru.contains(">22 февраля 2022\u{202f}г.</time>"));
    let ru = site.page("ru/events/yekaterinburg-raids/index.html");
    assert!(ru.contains(">июнь 2025\u{202f}г.</time>") && !ru.contains(">июня 2025"));
    let az = site.page("az/events/declaration-on-allied-interaction/index.html");
    assert!(az.contains(">22 fevral 2022</time>"));
}

#[test]
fn a_story_overrides_the_interface_strings_and_a_language_without_any_says_so() {
    let story = bilingual()
        .file(
            "content/site.toml",
            &format!(
                "{}language = \"en\"\n\n[languages.ru]\ntitle = \"История\"\n\n[languages.fr]\ntitle = \"Histoire\"\n",
                support::SITE
            ),
        )
        .file(
            "i18n/ru.toml",
            "nav_timeline = \"Хроника событий\"\nnav_timline = \"Хроника\"\n",
        );
    let text = stderr(&story.run(&["check"]));
    for expected in [
        "warning: explainer has no interface strings for `fr`: its pages show English words around the story",
        "= help: translate them in i18n/fr.toml, with the keys of the built-in English table (docs/translations.md)",
        "warning: `nav_timline` is not a string of the interface\n --> i18n/ru.toml:2:15",
        "= help: did you mean `nav_timeline`?",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let site = story.build(&[]);
    assert!(site.page("ru/index.html").contains(">Хроника событий</a>"));
    let french = site.page("fr/events/meeting/index.html");
    assert!(french.contains("<html lang=\"fr\">") && french.contains(">Timeline</a>"));
    // The switcher names a language with no strings of its own by its tag.
    assert!(french.contains("hreflang=\"fr\" lang=\"fr\" aria-current=\"page\">fr</a>"));
    // Dates still come in French: ICU4X knows the language even when our table does not.
    assert!(french.contains(">juin 2024</time>"), "{french}");
}

#[test]
fn a_story_with_pictures_is_stamped_as_a_build_reads_it() {
    let story = bilingual()
        .file("static/images/map.png", "not really a png")
        .file(
            "content/story/02-why.md",
            "+++\ntitle = \"Why it matters\"\nweight = 20\n+++\n![A map](images/map.png)\n",
        );
    let output = story.run(&["translations", "stamp"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("stamped content/events/all.ru.toml"));
}

#[test]
fn a_static_file_in_the_place_of_another_editions_page_is_a_clear_error() {
    // `ru/` is the Russian edition's folder: its pages and folders are the
    // build's as much as the first edition's are.
    let story = bilingual()
        .file("static/ru/sitemap.xml", "not a page of the edition")
        .file("static/ru/index.html", "not the edition's home page")
        .file("static/ru/actors", "not a folder");
    let output = story.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("error: this static file has the path of a page the build writes\n  --> static/ru/index.html\n"), "{err}");
    assert!(err.contains("error: this static file has the name of a folder the built pages need\n  --> static/ru/actors\n"), "{err}");
    // One sitemap for the whole site, at its root: `ru/sitemap.xml` is no page.
    assert!(!err.contains("static/ru/sitemap.xml"), "{err}");
    assert!(!story.root().join("public").exists(), "nothing was written");
}
