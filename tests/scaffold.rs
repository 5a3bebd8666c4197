//! `explainer init` starts a story that builds and checks clean at once;
//! `explainer new` adds sections, events and actors with fresh readable ids.

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use support::{Site, Story, stderr};

fn explainer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_explainer"))
        .args(args)
        .output()
        .expect("run explainer")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A new story made by `explainer init` in a temp folder.
fn init(title: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("my-story");
    let mut args = vec!["init", path(&root)];
    if let Some(title) = title {
        args.extend(["--title", title]);
    }
    let output = explainer(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    (dir, root)
}

fn new(root: &Path, args: &[&str]) -> Output {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    all.extend(["--root", path(root)]);
    explainer(&all)
}

/// A story fresh from `init` builds and checks without an error, but each
/// placeholder is a warning at its line, so `check --deny-warnings` (what a
/// deploy should run) fails until the story's own texts replace them.
#[test]
fn the_scaffold_builds_and_checks_but_warns_of_every_placeholder() {
    let (_dir, root) = init(None);
    let check = explainer(&["check", "--root", path(&root)]);
    assert!(check.status.success(), "{}", stderr(&check));
    insta::assert_snapshot!("scaffold_placeholders", stderr(&check));
    let deny = explainer(&["check", "--deny-warnings", "--root", path(&root)]);
    assert_eq!(deny.status.code(), Some(1), "{}", stderr(&deny));

    let build = explainer(&["build", "--root", path(&root)]);
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(stderr(&build).lines().count() <= 60, "{}", stderr(&build));
    let site = Site::read(&root.join("public"));
    for page in [
        "index.html",
        "timeline/index.html",
        "events/first-event/index.html",
        "events/second-event/index.html",
        "actors/person-a/index.html",
        "actors/organization-b/index.html",
        "data/events.json",
    ] {
        assert!(site.has(page), "missing {page}");
    }
    assert_eq!(site.broken_links(), Vec::<String>::new());
    // One section, two events, two actors, and a README for editors.
    let files: Vec<String> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&root).expect("inside");
            rel.to_string_lossy().replace('\\', "/")
        })
        .filter(|p| !p.starts_with("public/"))
        .collect();
    assert_eq!(
        files,
        [
            ".gitignore",
            "README.md",
            "content/actors/organization-b.md",
            "content/actors/person-a.md",
            "content/events/events.toml",
            "content/site.toml",
            "content/sources.toml",
            "content/story/01-what-happened.md",
        ]
    );
    let readme = fs::read_to_string(root.join("README.md")).expect("README");
    assert!(readme.starts_with("# Working title\n"));
    assert!(readme.contains("explainer check"));
}

#[test]
fn init_writes_the_given_title_and_a_base_url_from_the_folder() {
    let (_dir, root) = init(Some("Baku's \"answer\" to Moscow"));
    let site = fs::read_to_string(root.join("content/site.toml")).expect("site.toml");
    assert!(
        site.contains("title = \"Baku's \\\"answer\\\" to Moscow\"\n"),
        "{site}"
    );
    assert!(
        site.contains("base_url = \"https://example.invalid/my-story/\"\n"),
        "{site}"
    );
    let check = explainer(&["check", "--root", path(&root)]);
    assert!(check.status.success(), "{}", stderr(&check));
    // The title given is the story's own; the address is still a placeholder.
    assert!(
        !stderr(&check).contains("content/site.toml:2:"),
        "{}",
        stderr(&check)
    );
    assert!(
        stderr(&check).contains("content/site.toml:6:13"),
        "{}",
        stderr(&check)
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let output = explainer(&["init", path(dir.path())]);
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output),
        format!(
            "error: {} is not empty (it holds notes.txt); `explainer init` never overwrites anything\n  = help: choose a new folder, like `explainer init my-story`\n",
            dir.path().display()
        )
    );
    assert_eq!(
        fs::read_dir(dir.path()).expect("read").count(),
        1,
        "nothing was written"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.txt")).expect("read"),
        "mine"
    );
}

#[test]
fn new_items_get_ids_from_their_titles_and_print_their_paths() {
    let (_dir, root) = init(None);
    let section = new(&root, &["section", "Why it matters"]);
    assert!(section.status.success(), "{}", stderr(&section));
    let section_path = root.join("content/story/02-why-it-matters.md");
    assert_eq!(stdout(&section), format!("{}\n", section_path.display()));
    assert_eq!(
        stderr(&section),
        "Added section `why-it-matters`: link to it with [Why it matters](section:why-it-matters)\n"
    );
    let text = fs::read_to_string(&section_path).expect("section");
    assert!(
        text.starts_with("+++\ntitle = \"Why it matters\"\nweight = 20\n+++\n"),
        "placed after the last section: {text}"
    );

    let actor = new(&root, &["actor", "Hüseyn Səfərov", "--kind", "person"]);
    assert!(actor.status.success(), "{}", stderr(&actor));
    let actor_path = root.join("content/actors/huseyn-seferov.md");
    assert_eq!(stdout(&actor), format!("{}\n", actor_path.display()));
    let text = fs::read_to_string(&actor_path).expect("actor");
    assert!(text.starts_with("+++\nname = \"Hüseyn Səfərov\"\nkind = \"person\"\n"));

    let russian = new(&root, &["actor", "Зиядин Сафаров", "--kind", "person"]);
    assert!(russian.status.success(), "{}", stderr(&russian));
    assert!(root.join("content/actors/ziiadin-safarov.md").is_file());

    let event = new(
        &root,
        &[
            "event",
            "Talks in Baku",
            "--date",
            "2025-07",
            "--end-date",
            "2025-08",
        ],
    );
    assert!(event.status.success(), "{}", stderr(&event));
    assert_eq!(
        stdout(&event),
        format!("{}\n", root.join("content/events/events.toml").display())
    );
    let events = fs::read_to_string(root.join("content/events/events.toml")).expect("events");
    assert!(
        events.ends_with("stance = \"disputes\"\n\n[[event]]\nid = \"talks-in-baku\"\ndate = \"2025-07\"\nend_date = \"2025-08\"\ntitle = \"Talks in Baku\"\n# summary = \"What happened, in Markdown.\"\n# actors = [\"actor-id\"]            # file names in content/actors/, without .md\n# place = \"City, Country\"\n# sources = [\"source-id\"]          # ids from content/sources.toml\n"),
        "{events}"
    );

    // Everything added is well formed: only the reminders to fill it in remain.
    let check = explainer(&["check", "--format", "json", "--root", path(&root)]);
    let diagnostics: serde_json::Value =
        serde_json::from_slice(&check.stdout).expect("check prints JSON");
    let mut messages: Vec<String> = diagnostics
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d["severity"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("")
            )
        })
        .filter(|m| !m.contains("placeholder"))
        .collect();
    messages.sort();
    assert_eq!(
        messages,
        [
            "warning: actor `huseyn-seferov` is referenced nowhere",
            "warning: actor `ziiadin-safarov` is referenced nowhere",
            "warning: event `talks-in-baku` cites no source",
            "warning: this section links to no actor, event or other section",
        ]
    );
}

#[test]
fn taken_ids_get_the_next_free_number() {
    let (_dir, root) = init(None);
    let actor = new(&root, &["actor", "Person A", "--kind", "person"]);
    assert!(actor.status.success(), "{}", stderr(&actor));
    assert!(stdout(&actor).ends_with("content/actors/person-a-2.md\n"));
    let actor = new(&root, &["actor", "Person  A!", "--kind", "group"]);
    assert!(stdout(&actor).ends_with("content/actors/person-a-3.md\n"));
    assert_eq!(
        fs::read_to_string(root.join("content/actors/person-a.md"))
            .expect("actor")
            .lines()
            .nth(1),
        Some("name = \"Person A\""),
        "the existing actor is untouched"
    );

    let event = new(&root, &["event", "First event", "--date", "2025"]);
    assert!(event.status.success(), "{}", stderr(&event));
    assert_eq!(
        stderr(&event),
        "Added event `first-event-2` (2025): link to it with [First event](event:first-event-2)\n"
    );
    let section = new(&root, &["section", "What happened"]);
    assert!(stdout(&section).ends_with("content/story/02-what-happened-2.md\n"));
}

#[test]
fn a_new_event_goes_into_the_file_chosen_among_several() {
    let story = Story::small().file(
        "content/events/later.toml",
        "[[event]]\nid = \"later\"\ndate = \"2025\"\ntitle = \"Later\"\nsources = [\"report\"]\n",
    );
    let output = story.run(&["new", "event", "Vote recount", "--date", "2024-06-10"]);
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output),
        "error: the story has 2 events files; which one should the event go into?\n  = help: choose with --file, one of: content/events/all.toml, content/events/later.toml\n"
    );

    let output = story.run(&[
        "new",
        "event",
        "Vote recount",
        "--date",
        "2024-06-10",
        "--file",
        "later.toml",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let later = fs::read_to_string(story.root().join("content/events/later.toml")).expect("file");
    assert!(later.contains("\n\n[[event]]\nid = \"vote-recount\"\ndate = \"2024-06-10\"\n"));

    let output = story.run(&[
        "new",
        "event",
        "Elsewhere",
        "--date",
        "2024",
        "--file",
        "notes/x.txt",
    ]);
    assert!(!output.status.success());
    assert!(stderr(&output).starts_with("error: notes/x.txt is not an events file\n"));
}

#[test]
fn a_new_event_needs_a_date_explainer_reads() {
    let story = Story::small();
    for (date, message) in [
        (
            "June 2025",
            "error: --date `June 2025` is not a date explainer reads\n",
        ),
        ("2025-13", "error: --date `2025-13` has no such month\n"),
        (
            "2025-02-29",
            "error: --date `2025-02-29` has no such day: that month has 28 days\n",
        ),
    ] {
        let output = story.run(&["new", "event", "Talks", "--date", date]);
        assert!(!output.status.success());
        assert_eq!(
            stderr(&output),
            format!(
                "{message}  = help: write \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\", like 2025, 2025-06 or 2025-06-27\n"
            )
        );
    }
    let before = fs::read_to_string(story.root().join("content/events/all.toml")).expect("events");
    let output = story.run(&[
        "new",
        "event",
        "Talks",
        "--date",
        "2025-06",
        "--end-date",
        "2025-05",
    ]);
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output),
        "error: the end date May 2025 is before the date June 2025\n  = help: swap --date and --end-date, or correct one of them\n"
    );
    assert_eq!(
        fs::read_to_string(story.root().join("content/events/all.toml")).expect("events"),
        before
    );
}

#[test]
fn new_outside_a_story_says_how_to_start_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = new(dir.path(), &["section", "Intro"]);
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output),
        format!(
            "error: no content/ folder in {}: this is not a story folder\n  = help: run it in a story folder, point --root at one, or start one with `explainer init DIR`\n",
            dir.path().display()
        )
    );
}

#[test]
fn a_new_story_built_for_a_sub_path_keeps_every_link_inside_it() {
    let (_dir, root) = init(None);
    let out = root.join("dist/news/2025/story");
    let build = explainer(&[
        "build",
        "--root",
        path(&root),
        "--base-url",
        "https://example.org/news/2025/story",
        "--output",
        path(&out),
    ]);
    assert!(build.status.success(), "{}", stderr(&build));
    let site = Site::read(&out);
    assert_eq!(site.broken_links(), Vec::<String>::new());

    // The 404 page is shown at any depth: its links start at the site's path.
    let not_found = site.page("404.html");
    let mut checked = 0;
    for href in support::attribute_values(&not_found, &["href", "src"]) {
        if href.starts_with('#') {
            continue;
        }
        if let Some(rest) = href.strip_prefix("https://example.org/news/2025/story/") {
            assert!(
                site.has(rest),
                "404.html links to {href}, which is not built"
            );
            continue;
        }
        let rest = href
            .strip_prefix("/news/2025/story/")
            .unwrap_or_else(|| panic!("404.html links outside the sub-path: {href}"));
        let file = if rest.is_empty() || rest.ends_with('/') {
            format!("{rest}index.html")
        } else {
            rest.to_string()
        };
        assert!(
            site.has(&file),
            "404.html links to {href}, which is not built"
        );
        checked += 1;
    }
    assert!(
        checked >= 3,
        "the 404 page links home, to the stylesheet and more"
    );

    let data: serde_json::Value =
        serde_json::from_str(&site.page("data/events.json")).expect("events.json");
    assert_eq!(data["story"]["url"], "https://example.org/news/2025/story/");
    assert_eq!(
        data["events"][0]["url"],
        "https://example.org/news/2025/story/events/first-event/"
    );
}

/// `new source`, `new update` and `new correction` write correctly formed
/// tables (ids from the title, today's date unless told) into
/// content/sources.toml and content/updates.toml, making them if missing,
/// and the story still checks.
#[test]
fn new_sources_updates_and_corrections_are_appended_as_tables() {
    let story = Story::small();
    let root = story.root();
    let source = new(
        root,
        &[
            "source",
            "The Report",
            "--url",
            "https://example.org/report",
            "--publisher",
            "Example News",
            "--accessed",
            "2025-07-03",
        ],
    );
    assert!(source.status.success(), "{}", stderr(&source));
    assert_eq!(
        stderr(&source),
        "Added source `the-report`: cite it from an event or account with sources = [\"the-report\"]\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("content/sources.toml")).expect("sources"),
        "[[source]]\nid = \"report\"\ntitle = \"The report\"\n\n\
         [[source]]\nid = \"the-report\"\ntitle = \"The Report\"\npublisher = \"Example News\"\nurl = \"https://example.org/report\"\naccessed = 2025-07-03\n"
    );

    assert!(!root.join("content/updates.toml").exists());
    let update = new(
        root,
        &[
            "update",
            "Added the vote.",
            "--event",
            "vote",
            "--event",
            "meeting",
            "--date",
            "2025-07-04",
        ],
    );
    assert!(update.status.success(), "{}", stderr(&update));
    assert_eq!(
        stdout(&update).trim_end(),
        root.join("content/updates.toml").display().to_string()
    );
    let correction = new(root, &["correction", "The meeting was in June, not July."]);
    assert!(correction.status.success(), "{}", stderr(&correction));
    let updates = fs::read_to_string(root.join("content/updates.toml")).expect("updates");
    let today = updates
        .lines()
        .filter_map(|line| line.strip_prefix("date = "))
        .nth(1)
        .expect("the correction's date");
    assert_eq!(
        updates,
        format!(
            "[[update]]\ndate = 2025-07-04\nkind = \"update\"\nnote = \"Added the vote.\"\nevents = [\"vote\", \"meeting\"]\n\n\
             [[update]]\ndate = {today}\nkind = \"correction\"\nnote = \"The meeting was in June, not July.\"\n"
        )
    );
    assert!(today.len() == 10 && today.starts_with("20"), "{today}");

    let checked = story.run(&["check"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    assert!(
        stderr(&checked).contains("source `the-report` is cited by nothing"),
        "{}",
        stderr(&checked)
    );
}

#[test]
fn an_update_of_an_unknown_event_or_with_a_bad_url_or_date_is_refused() {
    let story = Story::small();
    let root = story.root();
    let cases: [(&[&str], &str); 4] = [
        (
            &["update", "Changed.", "--event", "meting"],
            "error: there is no event `meting`\n  = help: did you mean --event meeting?\n",
        ),
        (
            &["correction", "Changed.", "--date", "2025-07"],
            "error: --date `2025-07` is not a whole day\n  = help: write the day as YYYY-MM-DD, like 2025-07-03\n",
        ),
        (
            &["source", "A page", "--url", "example.org/page"],
            "error: --url `example.org/page` is not a web address\n  = help: give the whole address, starting with https:// or http://\n",
        ),
        (
            &["update", "  "],
            "error: the note is empty\n  = help: give the note in quotes, like \"Talks in Baku\"\n",
        ),
    ];
    for (args, expected) in cases {
        let output = new(root, args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&output), expected, "{args:?}");
    }
    assert!(!root.join("content/updates.toml").exists());
}
