//! The editors' safety net: a corpus of broken stories, one fault each.
//!
//! Each case is a folder under `tests/fixtures/broken/` holding only the files
//! that differ from `base/` (a small valid story); an empty `NAME.remove` file
//! deletes `NAME`. For every error case, `check` must exit 1 with exactly the
//! snapshotted diagnostics, and `build` must report the same ones, exit 1 and
//! leave a previous `public/` byte for byte as it was, with no temp folder
//! beside it. Warning cases exit 0, or 1 with `--deny-warnings`, and build.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use support::{Site, Story, explainer, stderr};
use tempfile::TempDir;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken")
}

/// Copies `from` into `to`, file by file; `NAME.remove` deletes `NAME` instead.
fn overlay(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(from).expect("inside fixture");
        let target = to.join(rel);
        if let Some(removed) = target.to_str().and_then(|t| t.strip_suffix(".remove")) {
            fs::remove_file(removed).expect("remove a base file");
            continue;
        }
        fs::create_dir_all(target.parent().expect("parent")).expect("create folders");
        fs::copy(entry.path(), &target).expect("copy fixture file");
    }
}

/// A temp story: the base, then the case on top.
fn story(case: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    overlay(&fixtures().join("base"), dir.path());
    overlay(&fixtures().join(case), dir.path());
    dir
}

/// The base story built once: the "previous output" every failed build must keep.
fn previous_output() -> &'static Site {
    static BUILT: OnceLock<(TempDir, Site)> = OnceLock::new();
    let (_, site) = BUILT.get_or_init(|| {
        let dir = story("base");
        let output = explainer(&["build"], dir.path());
        assert!(
            output.status.success(),
            "the base story builds: {}",
            stderr(&output)
        );
        let site = Site::read(&dir.path().join("public"));
        (dir, site)
    });
    site
}

fn write_site(site: &Site, dir: &Path) {
    for (path, bytes) in &site.files {
        let target = dir.join(path);
        fs::create_dir_all(target.parent().expect("parent")).expect("create folders");
        fs::write(target, bytes).expect("write previous output");
    }
}

/// Names in the story folder, so a leftover `.public.building-*` shows.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("story folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn snapshot(case: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => fixtures().join("snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(case, text);
    });
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

/// The check's diagnostics, and its summary from the closing "Found ...." line.
fn split_report(check: &str) -> (&str, &str) {
    let (diagnostics, summary) = check.rsplit_once("Found ").unwrap_or((check, ""));
    (diagnostics, summary.trim_end().trim_end_matches('.'))
}

fn assert_error_case(case: &str) {
    let dir = story(case);
    let check = explainer(&["check"], dir.path());
    let report = stderr(&check);
    assert_eq!(code(&check), Some(1), "check must fail:\n{report}");
    snapshot(case, &report);

    // The build runs the same checks and keeps the previous site.
    let previous = previous_output();
    write_site(previous, &dir.path().join("public"));
    let before = entries(dir.path());
    let build = explainer(&["build"], dir.path());
    let built = stderr(&build);
    assert_eq!(code(&build), Some(1), "build must fail:\n{built}");
    let (diagnostics, summary) = split_report(&report);
    let public = dir.path().join("public");
    let expected = format!(
        "{diagnostics}Build failed: {summary}. {} was left as it was.\n",
        public.display()
    );
    assert_eq!(built, expected, "build and check report the same problems");
    assert_eq!(Site::read(&dir.path().join("public")).files, previous.files);
    assert_eq!(entries(dir.path()), before, "no temp folder is left behind");
}

fn assert_warning_case(case: &str) {
    let dir = story(case);
    let check = explainer(&["check"], dir.path());
    let report = stderr(&check);
    assert_eq!(code(&check), Some(0), "warnings alone pass:\n{report}");
    assert!(report.contains("warning: "), "{report}");
    assert!(!report.contains("error: "), "{report}");
    snapshot(case, &report);
    let strict = explainer(&["check", "--deny-warnings"], dir.path());
    assert_eq!(code(&strict), Some(1));
    assert!(stderr(&strict).ends_with("--deny-warnings makes warnings fail the check.\n"));
    let build = explainer(&["build"], dir.path());
    assert_eq!(code(&build), Some(0), "{}", stderr(&build));
}

fn assert_clean_case(case: &str) -> TempDir {
    let dir = story(case);
    let check = explainer(&["check", "--deny-warnings"], dir.path());
    assert_eq!(code(&check), Some(0), "{}", stderr(&check));
    assert_eq!(
        String::from_utf8_lossy(&check.stdout),
        "No problems found.\n"
    );
    dir
}

macro_rules! cases {
    ($check:ident: $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                $check(stringify!($case));
            }
        )*
    };
}

cases!(assert_error_case:
    // TOML and front matter syntax
    an_unquoted_title_in_site_toml_says_to_add_quotes,
    a_text_without_its_closing_quote_is_pointed_at,
    typographic_quotes_get_a_help_in_straight_ones,
    one_broken_event_hides_nothing_else_in_its_file,
    an_unclosed_multi_line_text_is_reported_where_it_opens,
    a_key_set_twice_in_one_event_suggests_a_missing_header,
    a_list_without_commas_is_pointed_at,
    front_matter_never_closed_is_reported_at_its_first_line,
    a_section_without_front_matter_shows_what_to_write,
    yaml_front_matter_is_named_and_plus_signs_suggested,
    key_colon_value_in_front_matter_is_rewritten_with_an_equals_sign,
    // Required fields and unknown keys
    an_event_without_a_title_names_the_missing_key,
    an_actor_without_a_kind_names_the_missing_key,
    a_site_without_base_url_is_reported_for_the_whole_file,
    an_account_without_a_claim_points_at_its_header,
    a_misspelt_event_key_suggests_the_right_one_and_lists_the_allowed_keys,
    an_unknown_key_in_front_matter_is_an_error_not_ignored,
    an_unknown_table_in_sources_toml_suggests_the_right_header,
    // Values of the wrong kind
    a_list_written_as_text_says_to_add_brackets,
    an_update_date_in_quotes_says_to_remove_them,
    draft_written_as_yes_says_true_or_false,
    // Ids
    an_event_id_with_capitals_and_spaces_suggests_a_valid_one,
    an_actor_file_name_that_is_not_an_id_suggests_a_new_name,
    a_duplicate_event_id_in_another_file_names_the_first_place,
    a_duplicate_source_id_names_the_first_place,
    ids_longer_than_80_characters_are_cut_at_a_word_boundary,
    an_update_naming_an_unknown_section_suggests_the_closest,
    a_shortened_event_id_suggests_the_full_one,
    an_actor_file_named_in_another_script_suggests_the_id_new_would_write,
    // Dates
    a_date_in_words_suggests_the_iso_form,
    a_day_that_does_not_exist_suggests_the_month_alone,
    day_and_month_swapped_are_put_back_in_order,
    an_end_date_before_the_date_is_an_error,
    an_era_that_ends_before_it_starts_is_an_error,
    // Enumerated values
    an_unknown_actor_kind_lists_the_kinds,
    a_misspelt_stance_and_status_suggest_the_right_values,
    an_unknown_update_kind_lists_the_kinds,
    // References and cross-references
    an_unknown_actor_in_an_event_suggests_the_closest_id,
    an_unknown_source_cited_by_an_account_suggests_the_closest_id,
    an_update_naming_an_unknown_event_suggests_the_closest_id,
    a_relation_to_an_unknown_actor_lists_the_actors,
    a_broken_actor_cross_reference_is_reported_at_its_line,
    a_broken_event_cross_reference_in_an_escaped_summary_is_reported_at_its_line,
    a_broken_section_cross_reference_suggests_the_slug,
    a_misspelt_cross_reference_scheme_is_an_error,
    a_link_to_a_draft_section_says_how_to_publish_it,
    // Addresses and media
    a_source_url_without_https_suggests_the_full_address,
    a_javascript_archive_url_is_refused,
    a_base_url_that_could_break_out_of_its_attribute_is_refused,
    a_timeline_split_that_is_not_a_choice_lists_the_choices,
    a_tag_that_cannot_be_an_address_with_tag_pages_suggests_one,
    links_that_lead_nowhere_or_run_scripts_are_refused,
    an_image_without_alt_text_is_an_error,
    a_picture_missing_from_static_suggests_the_closest_file,
    // Templates
    a_template_syntax_error_points_at_the_template_line,
    a_template_using_a_variable_that_does_not_exist_is_an_error,
    an_unknown_template_filter_names_the_built_in_ones,
    // Files
    a_file_that_is_not_utf8_points_at_the_first_bad_character,
    an_event_file_that_is_not_utf8_does_not_make_its_ids_unknown,
    a_utf16_file_says_to_save_as_utf8,
    an_empty_event_file_shows_the_least_it_needs,
    a_missing_site_toml_shows_what_to_write,
    a_crlf_file_with_a_bom_reports_columns_as_the_editor_sees_them,
    control_characters_raw_or_escaped_are_errors_at_their_place,
    // All at once
    many_mistakes_across_files_are_all_reported_in_one_run_in_file_order,
);

cases!(assert_warning_case:
    an_event_without_sources_is_a_warning,
    an_actor_referenced_nowhere_is_a_warning,
    a_section_without_cross_references_is_a_warning,
    an_event_with_one_account_is_a_warning,
    a_source_nothing_cites_is_a_warning,
    stray_files_in_content_are_warnings,
    raw_html_and_pictures_from_other_sites_are_dropped_with_a_warning,
);

#[test]
fn hostile_html_in_every_kind_of_markdown_field_never_reaches_readers() {
    let dir = story("raw_html_and_pictures_from_other_sites_are_dropped_with_a_warning");
    let build = explainer(&["build"], dir.path());
    assert_eq!(code(&build), Some(0), "{}", stderr(&build));
    let site = Site::read(&dir.path().join("public"));
    let mut pages = 0;
    for (path, html) in site.html_pages() {
        pages += 1;
        let lower = html.to_lowercase();
        let scripts = lower.matches("<script").count();
        let structured = lower
            .matches("<script type=\"application/ld+json\">")
            .count();
        // An embed's own script, from the site: it only posts its height.
        let embed = lower
            .matches("<script src=\"../../../embed.js\" defer>")
            .count()
            + lower
                .matches("<script src=\"../../embed.js\" defer>")
                .count();
        assert_eq!(scripts, structured + embed, "{path} runs a script:\n{html}");
        for bad in [
            "javascript:",
            "onclick",
            "onload",
            "<iframe",
            "<svg onload",
            "steal()",
        ] {
            assert!(!lower.contains(bad), "{path} publishes {bad}:\n{html}");
        }
    }
    assert!(pages > 5, "the fixture builds its pages");
    let story = site.page("index.html");
    assert!(story.contains("They were <b>very</b> clear."), "{story}");
    let anna = site.page("actors/anna/index.html");
    assert!(anna.contains("Anna chairs"), "{anna}");
}

#[test]
fn a_story_with_a_bom_and_crlf_line_endings_checks_clean() {
    let dir = assert_clean_case("a_story_with_a_bom_and_crlf_line_endings_checks_clean");
    let build = explainer(&["build"], dir.path());
    assert_eq!(code(&build), Some(0), "{}", stderr(&build));
    let index = Site::read(&dir.path().join("public")).page("index.html");
    assert!(index.contains("<h1>Fixture story</h1>"), "{index}");
    assert!(
        !index.contains('\u{feff}'),
        "the byte-order mark is not content"
    );
}

#[test]
fn odd_unicode_in_titles_checks_clean() {
    let dir = assert_clean_case("odd_unicode_in_titles_checks_clean");
    let build = explainer(&["build"], dir.path());
    assert_eq!(code(&build), Some(0), "{}", stderr(&build));
    let site = Site::read(&dir.path().join("public"));
    let event = site.page("events/unicode/index.html");
    assert!(
        event.contains("Ünïcödé 🎉 été “quoted” &lt;script&gt;"),
        "{event}"
    );
    assert!(!event.contains("<script>alert"), "titles are escaped");
    let bob = site.page("actors/bob/index.html");
    assert!(bob.contains("\u{202e}evil\u{202c} Bøb 👩🏽\u{200d}⚖️"));
    assert!(bob.contains("&lt;b&gt;&amp;amp;&lt;"), "names are escaped");
    // Tab, line break and CRLF escapes, and backslashes that make no
    // control character, are text.
    let escapes = site.page("events/escapes/index.html");
    assert!(
        escapes.contains("Tab\there, C:\\new\\bridge and été\u{a0}ok"),
        "{escapes}"
    );
    assert!(
        escapes.contains(r"A literal \u0000 \b \e stays text"),
        "{escapes}"
    );
}

/// Every fixture folder is a case some test runs: none is forgotten.
#[test]
fn every_fixture_folder_is_a_tested_case() {
    let source = fs::read_to_string(file!()).expect("this test's source");
    let mut missing = Vec::new();
    for entry in fs::read_dir(fixtures()).expect("fixtures") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let listed =
            source.contains(&format!("    {name},")) || source.contains(&format!("\"{name}\""));
        if name != "base" && name != "snapshots" && !listed {
            missing.push(name);
        }
    }
    assert_eq!(missing, Vec::<String>::new());
}

/// docs/errors.md shows every diagnostic of the corpus, as it is printed.
#[test]
fn every_diagnostic_of_the_corpus_is_documented() {
    let docs = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md");
    let mut missing = Vec::new();
    for entry in fs::read_dir(fixtures().join("snapshots")).expect("snapshots") {
        let text = fs::read_to_string(entry.expect("entry").path()).expect("snapshot");
        missing.extend(
            text.lines()
                .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
                .filter(|l| !docs.contains(&format!("\n{l}\n")))
                .map(str::to_string),
        );
    }
    assert_eq!(missing, Vec::<String>::new());
}

#[test]
fn diagnostics_are_printed_in_the_same_order_every_run() {
    let dir = story("many_mistakes_across_files_are_all_reported_in_one_run_in_file_order");
    let first = stderr(&explainer(&["check"], dir.path()));
    let second = stderr(&explainer(&["check"], dir.path()));
    assert_eq!(first, second);
    let files: Vec<&str> = first
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .collect();
    let mut sorted = files.clone();
    sorted.sort_by_key(|place| place.split(':').next().unwrap_or("").to_string());
    assert_eq!(files, sorted, "grouped by file, in file order");
}

#[test]
fn json_diagnostics_carry_the_place_the_message_and_the_help() {
    let dir = story("an_unknown_actor_in_an_event_suggests_the_closest_id");
    let output = explainer(&["check", "--format", "json"], dir.path());
    assert_eq!(code(&output), Some(1));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("check prints JSON");
    assert_eq!(
        json,
        serde_json::json!([{
            "severity": "error",
            "path": "content/events/more.toml",
            "line": 5,
            "column": 11,
            "end_column": 16,
            "message": "unknown actor `ana`",
            "help": "did you mean `anna`?"
        }])
    );
    let clean = explainer(&["check", "--format", "json"], story("base").path());
    assert_eq!(code(&clean), Some(0));
    assert_eq!(String::from_utf8_lossy(&clean.stdout), "[]\n");
}

#[test]
fn a_usage_error_exits_with_2() {
    let dir = story("base");
    let output = explainer(&["check", "--no-such-flag"], dir.path());
    assert_eq!(code(&output), Some(2));
    let output = explainer(&["check", "--format", "yaml"], dir.path());
    assert_eq!(code(&output), Some(2));
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_under_content_is_an_error_not_a_hang() {
    let dir = story("base");
    let events = dir.path().join("content/events");
    std::os::unix::fs::symlink(&events, events.join("again")).expect("symlink");
    let check = explainer(&["check"], dir.path());
    let report = stderr(&check);
    assert_eq!(code(&check), Some(1));
    assert!(
        report.starts_with(
            "error: this link points back to a folder that contains it (a symlink loop)\n  --> content/events/again\n"
        ),
        "{report}"
    );
}

/// The output may never be the story, one of its folders, or someone's files.
#[test]
fn the_build_refuses_output_folders_that_would_destroy_the_story() {
    let dir = story("base");
    let root = dir.path();
    fs::create_dir_all(root.join("notes")).expect("folder");
    fs::write(root.join("notes/todo.txt"), "call Bob").expect("file");
    fs::create_dir_all(root.join("repo/.git")).expect("folder");
    let before = Site::read(root);
    let cases = [
        (".", "is the story folder or contains it"),
        ("..", "is the story folder or contains it"),
        ("content", "is the story's content/ folder or inside it"),
        (
            "content/public",
            "is the story's content/ folder or inside it",
        ),
        ("static", "is the story's static/ folder or inside it"),
        ("templates", "is the story's templates/ folder or inside it"),
        (
            "notes",
            "was not made by explainer (it has no .explainer-output file) and holds todo.txt: building would delete it",
        ),
        ("repo", "holds a `.git/` folder"),
    ];
    for (output, reason) in cases {
        let target = root.join(output);
        let out = explainer(
            &["build", "--output", target.to_str().expect("UTF-8")],
            root,
        );
        let report = stderr(&out);
        assert_eq!(code(&out), Some(1), "{output}: {report}");
        assert!(report.contains(reason), "{output}: {report}");
        assert!(
            report.contains("help: choose another folder with --output"),
            "{report}"
        );
    }
    assert_eq!(Site::read(root).files, before.files, "nothing was touched");
}

/// A build that fails while writing (a static file where a page folder must
/// go) keeps the previous site and leaves no temp folder.
#[test]
fn a_build_that_fails_while_writing_keeps_the_previous_site() {
    let dir = story("base");
    let root = dir.path();
    write_site(previous_output(), &root.join("public"));
    fs::create_dir_all(root.join("static")).expect("folder");
    fs::write(root.join("static/events"), "not a folder").expect("file");
    let before = entries(root);
    let build = explainer(&["build"], root);
    assert_eq!(code(&build), Some(1), "{}", stderr(&build));
    assert_eq!(
        Site::read(&root.join("public")).files,
        previous_output().files
    );
    assert_eq!(entries(root), before);
}

/// Pages are written as they are rendered: a template that fails on one kind
/// of page, after others were written, still leaves the previous site and no
/// temp folder.
#[test]
fn a_build_that_fails_while_rendering_keeps_the_previous_site() {
    let dir = story("base");
    let root = dir.path();
    write_site(previous_output(), &root.join("public"));
    let actor = include_str!("../templates/actor.html");
    fs::create_dir_all(root.join("templates")).expect("folder");
    let broken = actor.replacen("{{ actor.name }}", "{{ actor.nickname }}", 1);
    assert_ne!(broken, actor, "the template names the actor");
    fs::write(root.join("templates/actor.html"), broken).expect("template");
    let before = entries(root);
    let build = explainer(&["build"], root);
    assert_eq!(code(&build), Some(1), "{}", stderr(&build));
    assert!(stderr(&build).contains("nickname"), "{}", stderr(&build));
    assert_eq!(
        Site::read(&root.join("public")).files,
        previous_output().files
    );
    assert_eq!(entries(root), before);
}

#[test]
fn a_successful_build_leaves_exactly_the_new_site() {
    let dir = story("base");
    let root = dir.path();
    write_site(previous_output(), &root.join("public"));
    fs::write(root.join("public/stale.html"), "from an old build").expect("file");
    let build = explainer(&["build"], root);
    assert_eq!(code(&build), Some(0), "{}", stderr(&build));
    let site = Site::read(&root.join("public"));
    assert!(!site.has("stale.html"), "what no build makes is removed");
    // The manifest records when each file was written: only it differs.
    let without_manifest = |site: &Site| {
        let mut files = site.files.clone();
        files.remove(".explainer-manifest").expect("a manifest");
        files
    };
    assert_eq!(without_manifest(&site), without_manifest(previous_output()));
    assert_eq!(entries(root), ["content", "public"]);
}

/// A 20 MB Markdown section, deep nesting and a flood of bad links: no panic,
/// no hang, and output that stays proportional to the problems.
#[test]
fn huge_and_deeply_nested_input_is_checked_without_panic() {
    let dir = story("base");
    let root = dir.path();
    let mut big = String::from("+++\ntitle = \"Big\"\nweight = 30\n+++\n");
    let paragraph = "A paragraph of the kind editors write, about [Anna](actor:anna) and the club, \
        with *emphasis*, a quotation \u{201c}in curly quotes\u{201d}, Unicode such as Bak\u{131} and \
        \u{415}\u{43a}\u{430}\u{442}\u{435}\u{440}\u{438}\u{43d}\u{431}\u{443}\u{440}\u{433}, \
        and enough plain words after that to make it as long as a real paragraph is.\n\n";
    while big.len() < 20_000_000 {
        big.push_str(paragraph);
    }
    big.push_str(&"> ".repeat(10_000));
    big.push_str(&"[".repeat(10_000));
    fs::write(root.join("content/story/03-big.md"), &big).expect("write");
    let deep = format!(
        "[[event]]\nid = \"deep\"\ndate = \"2024\"\ntitle = \"Deep\"\ntags = {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000),
    );
    fs::write(root.join("content/events/deep.toml"), deep).expect("write");
    let flood = format!(
        "[[event]]\nid = \"flood\"\ndate = \"2024\"\ntitle = \"Flood\"\nsources = [\"report\"]\nsummary = \"{}\"\n",
        "[x](actor:nobody) ".repeat(500)
    );
    fs::write(root.join("content/events/flood.toml"), flood).expect("write");
    let check = explainer(&["check"], root);
    let report = stderr(&check);
    let start = &report[..report.len().min(2000)];
    assert_eq!(code(&check), Some(1), "{start}");
    assert!(
        report.contains("invalid TOML: this value is nested too deeply"),
        "{start}"
    );
    assert_eq!(
        report
            .matches("error: cross-reference to unknown actor `nobody`")
            .count(),
        500
    );
    assert!(
        report.len() < 500 * 600,
        "long lines are cut: {} bytes",
        report.len()
    );
}

/// `--root` at a folder that is not there said "no `content/` folder here",
/// as if the folder existed: name the folder and say it is missing.
#[test]
fn a_story_folder_that_does_not_exist_is_named_as_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("stroy");
    let shown = missing.display();
    let output = explainer(&["check"], &missing);
    assert_eq!(code(&output), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "error: the story folder {shown} does not exist\n  \
             = help: point --root at the folder holding content/, or start a story there with `explainer init {shown}`\n\n\
             Found 1 error.\n"
        )
    );
}

/// Events are resolved side by side in chunks of a few hundred: a story of
/// 700 gets the same problems, tallies and order as one resolved one by one.
#[test]
fn a_story_of_many_events_is_resolved_in_order_with_every_problem() {
    let mut events = String::new();
    for n in 0..700 {
        let (actors, sources) = match n {
            5 => ("\"anne\"", "\"report\""),
            300 => ("\"anna\"", ""),
            650 => ("\"anna\"", "\"rapport\""),
            // The only event that names dave: his page is not unused.
            690 => ("\"dave\"", "\"report\""),
            _ => ("\"anna\"", "\"report\""),
        };
        let day = n % 28 + 1;
        let month = n / 28 % 12 + 1;
        let year = 1900 + n / 336;
        events.push_str(&format!(
            "[[event]]\nid = \"event-{n}\"\ndate = \"{year}-{month:02}-{day:02}\"\ntitle = \"Event {n}\"\nactors = [{actors}]\nsources = [{sources}]\n\n"
        ));
    }
    let story = Story::small()
        .file("content/events/many.toml", &events)
        .file(
            "content/actors/dave.md",
            "+++\nname = \"Dave\"\nkind = \"person\"\n+++\nDave.\n",
        )
        .file(
            "content/actors/eve.md",
            "+++\nname = \"Eve\"\nkind = \"person\"\n+++\nEve.\n",
        );
    let options = explainer::BuildOptions::new(story.root());
    let (_, diagnostics) = explainer::load_story(&options);
    let found: Vec<String> = diagnostics
        .iter()
        .map(|d| format!("{}:{} {}", d.path, d.line, d.message))
        .collect();
    assert_eq!(
        found,
        [
            // Each event takes 7 lines: event n's id is on line 7n + 2.
            "content/actors/eve.md:2 actor `eve` is referenced nowhere",
            "content/events/many.toml:40 unknown actor `anne`",
            "content/events/many.toml:2102 event `event-300` cites no source",
            "content/events/many.toml:4556 unknown source `rapport`",
        ]
    );
    // Without the errors, the events come in date order, every chunk's.
    let fixed = events
        .replace("\"anne\"", "\"anna\"")
        .replace("\"rapport\"", "\"report\"");
    let story = story.file("content/events/many.toml", &fixed);
    let (resolved, diagnostics) =
        explainer::load_story(&explainer::BuildOptions::new(story.root()));
    let resolved = resolved.unwrap_or_else(|| panic!("{diagnostics:?}"));
    let ids: Vec<&str> = resolved.events.iter().map(|e| e.id.as_str()).collect();
    // The dates rise with n, all before the small story's three events.
    let mut expected: Vec<String> = (0..700).map(|n| format!("event-{n}")).collect();
    expected.extend(["founding", "meeting", "vote"].map(String::from));
    assert_eq!(ids, expected);
}
