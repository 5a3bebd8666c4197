//! Rebuilds that reuse earlier work (what `serve` does) make exactly what a
//! fresh build makes, after any sequence of edits: the same pages, byte for
//! byte, and the same problems. The rebuilds also defer the data files, as
//! `serve` does; made when asked for, they are the build's too.

mod support;

use std::collections::BTreeMap;
use std::fs;

use explainer::render::RenderOptions;
use explainer::{BuildOptions, Cache, DataFiles, make_site, make_site_cached};
use proptest::prelude::*;
use support::Story;

/// One editor's change to the small fixture story.
#[derive(Debug, Clone)]
enum Edit {
    /// A new title for the first event.
    EventTitle(String),
    /// The first event's summary names this actor id (which may not exist).
    SummaryNames(&'static str),
    /// An actor file appears or goes: the set of ids changes.
    ActorDave(bool),
    /// The events file is broken, or written back whole.
    BreakEvents(bool),
    /// A footnote in a section.
    Footnote(String),
    /// The second section goes, or comes back.
    SecondSection(bool),
    /// A template override of the event page comes or goes.
    EventTemplate(bool),
    /// A new site title: every page changes.
    SiteTitle(String),
    /// An update log appears or goes.
    Updates(bool),
    /// The reload script's address changes (each `serve` build has its own).
    LiveReload(u8),
    /// The first event involves other actors: the actor maps change.
    EventActors(&'static str),
    /// An actor is renamed: every page naming them, and the maps, change.
    ActorName(String),
    /// A Russian edition comes, its translation of the first event changes,
    /// or the edition goes.
    Russian(Option<String>),
}

fn edit() -> impl Strategy<Value = Edit> {
    let words = "[A-Za-z][A-Za-z &<>\"é]{0,20}";
    prop_oneof![
        words.prop_map(Edit::EventTitle),
        prop::sample::select(vec!["anna", "bob", "club", "dave"]).prop_map(Edit::SummaryNames),
        any::<bool>().prop_map(Edit::ActorDave),
        any::<bool>().prop_map(Edit::BreakEvents),
        words.prop_map(Edit::Footnote),
        any::<bool>().prop_map(Edit::SecondSection),
        any::<bool>().prop_map(Edit::EventTemplate),
        words.prop_map(Edit::SiteTitle),
        any::<bool>().prop_map(Edit::Updates),
        any::<u8>().prop_map(Edit::LiveReload),
        prop::sample::select(vec!["\"anna\", \"bob\"", "\"anna\", \"club\"", "\"bob\""])
            .prop_map(Edit::EventActors),
        words.prop_map(Edit::ActorName),
        prop::option::of(words).prop_map(Edit::Russian),
    ]
}

const EVENTS: &str = "content/events/all.toml";
const SECOND: &str = "content/story/02-why.md";
const ANNA: &str = "content/actors/anna.md";

/// Applies an edit to the story on disk, from the small story's own files.
fn apply(story: &Story, original: &BTreeMap<&str, String>, edit: &Edit, live: &mut String) {
    let root = story.root();
    let write = |path: &str, text: &str| {
        let target = root.join(path);
        fs::create_dir_all(target.parent().expect("parent")).expect("folders");
        fs::write(target, text).expect("write");
    };
    let remove = |path: &str| {
        let _ = fs::remove_file(root.join(path));
    };
    let events = || fs::read_to_string(root.join(EVENTS)).unwrap_or_default();
    match edit {
        Edit::EventTitle(title) => {
            let text = original[EVENTS].replacen("Anna meets Bob", &title.replace('"', "'"), 1);
            write(EVENTS, &text);
        }
        Edit::SummaryNames(id) => {
            let text = events().replacen("(actor:anna)", &format!("(actor:{id})"), 1);
            write(EVENTS, &text);
        }
        Edit::ActorDave(true) => write(
            "content/actors/dave.md",
            "+++\nname = \"Dave\"\nkind = \"person\"\n+++\nDave.\n",
        ),
        Edit::ActorDave(false) => remove("content/actors/dave.md"),
        Edit::BreakEvents(true) => write(EVENTS, &format!("{}\n[[event]\n", events())),
        Edit::BreakEvents(false) => write(EVENTS, &original[EVENTS]),
        Edit::Footnote(note) => write(
            "content/story/01-what-happened.md",
            &format!(
                "{}\nA claim.[^1]\n\n[^1]: {note}\n",
                original["content/story/01-what-happened.md"]
            ),
        ),
        Edit::SecondSection(true) => write(SECOND, &original[SECOND]),
        Edit::SecondSection(false) => remove(SECOND),
        Edit::EventTemplate(true) => write(
            "templates/event.html",
            "{% extends \"base.html\" %}{% block main %}<h1>{{ event.title }}</h1>{% endblock main %}",
        ),
        Edit::EventTemplate(false) => remove("templates/event.html"),
        Edit::SiteTitle(title) => write(
            "content/site.toml",
            &original["content/site.toml"].replacen("Fixture story", &title.replace('"', "'"), 1),
        ),
        Edit::Updates(true) => write(
            "content/updates.toml",
            "[[update]]\ndate = 2024-07-01\nkind = \"correction\"\nnote = \"Fixed [the vote](event:vote).\"\nevents = [\"vote\"]\n",
        ),
        Edit::Updates(false) => remove("content/updates.toml"),
        Edit::LiveReload(n) => *live = format!("/__explainer/reload.js?build={n}"),
        Edit::EventActors(list) => {
            let text = events().replacen(
                "actors = [\"anna\", \"bob\"]",
                &format!("actors = [{list}]"),
                1,
            );
            write(EVENTS, &text);
        }
        Edit::Russian(Some(title)) => {
            write(
                "content/site.toml",
                &format!("{}languages = [\"ru\"]\n", original["content/site.toml"]),
            );
            write(
                "content/events/all.ru.toml",
                &format!(
                    "[[event]]\nid = \"meeting\"\ntitle = \"{}\"\nsummary = \"См. [Анну](actor:anna).\"\n",
                    title.replace('"', "'")
                ),
            );
        }
        Edit::Russian(None) => {
            write("content/site.toml", &original["content/site.toml"]);
            remove("content/events/all.ru.toml");
        }
        Edit::ActorName(name) => write(
            ANNA,
            &original[ANNA].replacen(
                "name = \"Anna\"",
                &format!("name = \"{}\"", name.replace('"', "'")),
                1,
            ),
        ),
    }
}

/// The small story's files that [`apply`] edits, as they were.
fn originals(story: &Story) -> BTreeMap<&'static str, String> {
    [
        EVENTS,
        SECOND,
        ANNA,
        "content/story/01-what-happened.md",
        "content/site.toml",
    ]
    .into_iter()
    .map(|path| {
        (
            path,
            fs::read_to_string(story.root().join(path)).expect("read"),
        )
    })
    .collect()
}

/// What a build made, comparable: every page and static path with its bytes,
/// and every problem as printed.
fn made(
    site: Option<explainer::Site>,
    diagnostics: &[explainer::diagnostics::Diagnostic],
) -> (BTreeMap<String, Vec<u8>>, Vec<String>, bool) {
    let built = site.is_some();
    let mut files = BTreeMap::new();
    if let Some(site) = site {
        for page in site.pages {
            files.insert(page.path, page.bytes.to_vec());
        }
        for file in site.statics {
            files.insert(format!("static:{}", file.path), Vec::new());
        }
        // Deferred data files, made now: the same bytes a build writes.
        if let Some(data) = site.data {
            for path in DataFiles::paths() {
                let bytes = data.get(path).expect("every data file").to_vec();
                files.insert(path.to_string(), bytes);
            }
        }
    }
    let problems = diagnostics.iter().map(ToString::to_string).collect();
    (files, problems, built)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_rebuild_that_reuses_earlier_work_equals_a_fresh_build(
        edits in prop::collection::vec(edit(), 1..10)
    ) {
        let story = Story::small();
        let original = originals(&story);
        let options = BuildOptions::new(story.root());
        let mut cache = Cache::default();
        let mut live = "/__explainer/reload.js?build=0".to_string();
        for edit in &edits {
            apply(&story, &original, edit, &mut live);
            let render = RenderOptions {
                live_reload: Some(live.clone()),
                defer_data: true,
                previous_output: None,
                pictures: true,
            };
            let (site, diagnostics) = make_site_cached(&options, &render, &mut cache);
            let reused = made(site, &diagnostics);
            let render = RenderOptions {
                defer_data: false,
                ..render
            };
            let (site, diagnostics) = make_site(&options, &render);
            let fresh = made(site, &diagnostics);
            prop_assert_eq!(&reused.1, &fresh.1, "problems after {:?}", edit);
            prop_assert_eq!(reused.2, fresh.2, "built after {:?}", edit);
            let paths: Vec<&String> = reused.0.keys().collect();
            prop_assert_eq!(paths, fresh.0.keys().collect::<Vec<_>>(), "pages after {:?}", edit);
            for (path, bytes) in &fresh.0 {
                prop_assert!(reused.0[path] == *bytes, "{} differs after {:?}", path, edit);
            }
        }
    }
}

/// Every file under `dir`, by path, with its bytes.
fn tree(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    support::Site::read(dir).files
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// `build` over the previous output writes only what changed: after any
    /// sequence of edits, the output folder holds exactly what a clean build
    /// into an empty folder does, manifest included; a build that fails
    /// leaves it as it was.
    #[test]
    fn building_over_the_previous_output_equals_a_clean_build(
        edits in prop::collection::vec(edit(), 1..8)
    ) {
        let story = Story::small();
        let original = originals(&story);
        let clean_dir = tempfile::tempdir().expect("temp dir");
        let output = story.root().join("public");
        let mut options = BuildOptions::new(story.root());
        options.output = Some(output.clone());
        explainer::build(&options).expect("the small story builds");
        let mut live = String::new();
        for (n, edit) in edits.iter().enumerate() {
            apply(&story, &original, edit, &mut live);
            let before = tree(&output);
            let built = explainer::build(&options);
            let mut clean = BuildOptions::new(story.root());
            clean.output = Some(clean_dir.path().join(n.to_string()));
            let fresh = explainer::build(&clean);
            prop_assert_eq!(built.is_ok(), fresh.is_ok(), "built after {:?}", edit);
            match built {
                Ok(_) => {
                    let expected = tree(&clean_dir.path().join(n.to_string()));
                    let got = tree(&output);
                    prop_assert_eq!(
                        got.keys().collect::<Vec<_>>(),
                        expected.keys().collect::<Vec<_>>(),
                        "files after {:?}", edit
                    );
                    for (path, bytes) in &expected {
                        prop_assert!(got[path] == *bytes, "{} differs after {:?}", path, edit);
                    }
                }
                Err(_) => prop_assert!(tree(&output) == before, "a failed build changed the output"),
            }
        }
    }
}

/// The pages a rebuild made the context of, in the default edition.
fn made_pages(cache: &Cache) -> Vec<String> {
    cache.made_pages().into_iter().map(String::from).collect()
}

/// `serve`'s options for a build.
fn serving() -> RenderOptions {
    RenderOptions {
        live_reload: Some("/__explainer/reload.js?build=~build~".to_string()),
        defer_data: true,
        previous_output: None,
        pictures: true,
    }
}

/// A fresh build of the story at `options`, as `serve` would make it.
fn fresh(options: &BuildOptions) -> (BTreeMap<String, Vec<u8>>, Vec<String>, bool) {
    let (site, diagnostics) = make_site(options, &serving());
    made(site, &diagnostics)
}

/// The small story, its options, and a cache holding its first build, as
/// `serve` has them once it has started.
fn served_small() -> (Story, BuildOptions, Cache) {
    let story = Story::small();
    let options = BuildOptions::new(story.root());
    let mut cache = Cache::default();
    make_site_cached(&options, &serving(), &mut cache);
    (story, options, cache)
}

#[test]
fn an_edit_to_one_events_text_makes_only_the_pages_that_show_it() {
    let (story, options, mut cache) = served_small();
    let all = made_pages(&cache);
    assert!(all.len() > 15, "{all:?}");

    // The founding names the club and comes before the meeting; the vote is
    // neither, and Anna and Bob are not in it.
    let events = fs::read_to_string(story.root().join(EVENTS)).expect("read");
    let text = events.replacen("The club is founded", "The club is set up", 1);
    fs::write(story.root().join(EVENTS), text).expect("write");
    let (site, diagnostics) = make_site_cached(&options, &serving(), &mut cache);
    let made_now = made_pages(&cache);
    // Not the vote's page, Anna's or Bob's, the accounts (the founding has
    // none), the who's who, the sitemap or the 404 page.
    assert_eq!(
        made_now,
        [
            "actors/club/index.html",
            "embed/actors/club/index.html",
            "embed/timeline/index.html",
            "events/founding/index.html",
            "events/meeting/index.html",
            "index.html",
            "sources/index.html",
            "timeline/index.html",
        ]
    );
    assert_eq!(made(site, &diagnostics), fresh(&options));

    // A new site title is on every page: every page is made again.
    let site_toml = fs::read_to_string(story.root().join("content/site.toml")).expect("read");
    let retitled = site_toml.replacen("Fixture story", "Another story", 1);
    fs::write(story.root().join("content/site.toml"), retitled).expect("write");
    let (site, diagnostics) = make_site_cached(&options, &serving(), &mut cache);
    assert_eq!(made_pages(&cache), all);
    assert_eq!(made(site, &diagnostics), fresh(&options));
}

/// The actor maps' words are the interface's strings: a story that changes
/// them in `i18n/` gets maps in its words on the next rebuild, as a fresh
/// build would draw them.
#[test]
fn the_maps_follow_the_interface_strings_across_rebuilds() {
    let (story, options, mut cache) = served_small();
    fs::create_dir_all(story.root().join("i18n")).expect("i18n/");
    let strings = |word: &str| {
        format!(
            "map_node = {{ one = \"{{actor}}: {{n}} {word}\", other = \"{{actor}}: {{n}} {word}s\" }}\n"
        )
    };
    for word in ["happening", "moment"] {
        fs::write(story.root().join("i18n/en.toml"), strings(word)).expect("write");
        let (site, diagnostics) = make_site_cached(&options, &serving(), &mut cache);
        let reused = made(site, &diagnostics);
        let page = String::from_utf8_lossy(&reused.0["actors/anna/index.html"]).into_owned();
        assert!(page.contains(&format!(" {word}")), "{word} not on the map");
        assert_eq!(reused, fresh(&options));
    }
}

/// Copies the repository's story (content/ and static/) into a temp folder.
fn copy_of_the_default_story() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["content", "static"] {
        for entry in walkdir::WalkDir::new(repo.join(folder)) {
            let entry = entry.expect("walk the story");
            let rel = entry
                .path()
                .strip_prefix(repo)
                .expect("inside the repository");
            let target = dir.path().join(rel);
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target).expect("folder");
            } else {
                fs::copy(entry.path(), &target).expect("copy");
            }
        }
    }
    dir
}

/// The text of events, one field at a time, in the default story made
/// richer: three editions, updates that name several events (shown by an
/// event template of the story's own), accounts,
/// sources, tag pages, and a timeline split into pages of ten events, so
/// that an event is on its period's, actors', sources', tags' and
/// neighbours' pages and in other events' update boxes. After each edit the
/// rebuild, which makes only the pages the edit can change, equals a fresh
/// build.
#[test]
fn editing_the_text_of_any_event_remakes_every_page_that_shows_it() {
    let dir = copy_of_the_default_story();
    let root = dir.path();
    let site = root.join("content/site.toml");
    let settings = fs::read_to_string(&site).expect("read site.toml");
    // The settings go before the first table.
    let (head, tables) = settings.split_at(settings.find("\n[").unwrap_or(settings.len()));
    let richer = format!("{head}\nper_page = 10\ntag_pages = true\n{tables}");
    fs::write(&site, richer).expect("write site.toml");
    // An older update naming events the latest does not: their update
    // boxes show each other's titles.
    let updates = root.join("content/updates.toml");
    let mut log = fs::read_to_string(&updates).expect("read updates.toml");
    log.push_str("\n[[update]]\nid = \"background\"\ndate = 2025-07-01\nkind = \"update\"\nnote = \"Background added.\"\nevents = [\"soviet-union-dissolves\", \"russia-invades-ukraine\"]\n");
    fs::write(&updates, log).expect("write updates.toml");
    // The built-in event page does not list an update's other events; a
    // story's own template may.
    fs::create_dir_all(root.join("templates")).expect("templates/");
    fs::write(
        root.join("templates/event.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>{{ event.title }}</h1>{% for u in event.updates %}{% for e in u.events %}<a href=\"{{ root }}{{ e.path }}\">{{ e.title }}</a>{% endfor %}{% endfor %}{% endblock main %}",
    )
    .expect("write the event template");
    let options = BuildOptions::new(root);
    let mut cache = Cache::default();
    let (site, diagnostics) = make_site_cached(&options, &serving(), &mut cache);
    assert!(site.is_some(), "{diagnostics:?}");
    let mut edits = 0;
    let mut fewer = 0;
    let files: Vec<_> = fs::read_dir(root.join("content/events"))
        .expect("events")
        .map(|entry| entry.expect("entry").path())
        .collect();
    for file in files {
        let text = fs::read_to_string(&file).expect("read");
        let fields: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, line)| {
                ["title = \"", "summary = \"", "claim = \"", "place = \""]
                    .iter()
                    .any(|field| line.starts_with(field) && !line.starts_with("summary = \"\"\""))
            })
            .map(|(n, _)| n)
            .collect();
        // The originals' every field, and a translation's every other.
        let step = if file.to_string_lossy().matches('.').count() > 1 {
            2
        } else {
            1
        };
        for &n in fields.iter().step_by(step) {
            edits += 1;
            let now = fs::read_to_string(&file).expect("read");
            let lines: Vec<String> = now
                .lines()
                .enumerate()
                .map(|(at, line)| match at == n {
                    true => line.replacen(" = \"", &format!(" = \"Edit {edits}: "), 1),
                    false => line.to_string(),
                })
                .collect();
            fs::write(&file, lines.join("\n") + "\n").expect("write");
            let (site, diagnostics) = make_site_cached(&options, &serving(), &mut cache);
            let all = site.as_ref().map_or(0, |s| s.pages.len());
            if made_pages(&cache).len() < all {
                fewer += 1;
            }
            let rebuilt = made(site, &diagnostics);
            let expected = fresh(&options);
            assert_eq!(
                rebuilt.1, expected.1,
                "problems after edit {edits} of {file:?}"
            );
            assert_eq!(
                rebuilt.0.keys().collect::<Vec<_>>(),
                expected.0.keys().collect::<Vec<_>>()
            );
            for (path, bytes) in &expected.0 {
                assert!(
                    rebuilt.0[path] == *bytes,
                    "{path} differs after edit {edits} (line {} of {file:?})",
                    n + 1
                );
            }
        }
    }
    assert!(edits > 25, "{edits} edits");
    // Most edits are not to events the latest update names, which is on every page.
    assert!(
        fewer > edits / 2,
        "only {fewer} of {edits} edits made fewer pages"
    );
}

/// The placeholder warnings of a file are kept with its text: a rebuild
/// gives them while the text is the same, and drops them once it is not.
#[test]
fn placeholder_warnings_follow_each_files_text_across_rebuilds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("story");
    let root_arg = root.to_str().expect("UTF-8 path");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_explainer"))
        .args(["init", root_arg])
        .output()
        .expect("run explainer init");
    assert!(output.status.success(), "{}", support::stderr(&output));
    let options = BuildOptions::new(&root);
    let mut cache = Cache::default();
    let problems = |cache: &mut Cache| {
        let (_, diagnostics) = make_site_cached(&options, &serving(), cache);
        let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(shown, fresh(&options).1);
        shown
    };
    let first = problems(&mut cache);
    assert!(first.iter().any(|p| p.contains("placeholder")), "{first:?}");
    assert_eq!(problems(&mut cache), first);
    // Every placeholder line of the events gets the story's own words.
    let events = fs::read_dir(root.join("content/events"))
        .expect("events")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "toml"))
        .expect("an events file");
    let rel = events
        .strip_prefix(&root)
        .expect("in the story")
        .to_string_lossy()
        .to_string();
    let before = first.iter().filter(|p| p.contains(&rel)).count();
    assert!(before > 0, "{first:?}");
    let text = fs::read_to_string(&events).expect("read");
    let rewritten: String = text
        .lines()
        .map(|line| match line.split_once(" = \"") {
            Some((key, _)) if key == "title" || key == "summary" => {
                format!("{key} = \"Our own words\"\n")
            }
            _ => format!("{line}\n"),
        })
        .collect();
    fs::write(&events, rewritten).expect("write");
    let after = problems(&mut cache);
    assert!(
        after.iter().filter(|p| p.contains(&rel)).count() < before,
        "{after:?}"
    );
}
