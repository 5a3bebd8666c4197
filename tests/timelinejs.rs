//! `explainer import timelinejs`: a spreadsheet in the template's exact columns
//! becomes events, eras and the site title, and every row that cannot be
//! converted is reported with its spreadsheet row number.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{Site, Story, stderr};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/timelinejs")
        .join(name)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A story made by `explainer init` (its title is the placeholder) at the
/// fixture's base URL.
fn fresh_story() -> Story {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_explainer"))
        .arg("init")
        .arg(dir.path().join("story"))
        .output()
        .expect("run explainer init");
    assert!(output.status.success(), "{}", stderr(&output));
    let story = Story { dir };
    let site = story.root().join("story/content/site.toml");
    let text = fs::read_to_string(&site).expect("site.toml");
    let text = text
        .lines()
        .map(|line| {
            if line.starts_with("base_url") {
                "base_url = \"https://example.org/fixture/\"".to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&site, text + "\n").expect("write site.toml");
    story
}

fn import(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_explainer"))
        .args(["import", "timelinejs"])
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("run explainer import")
}

fn check(root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_explainer"))
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .output()
        .expect("run explainer check")
}

#[test]
fn every_column_of_the_template_is_imported() {
    let story = fresh_story();
    let root = story.root().join("story");
    let output = import(&root, &[fixture("newsroom.csv").to_str().expect("UTF-8")]);
    let events = fs::read_to_string(root.join("content/events/newsroom.toml")).expect("events");
    insta::assert_snapshot!("newsroom_events", events);

    // Dates keep their precision; approximate display dates mark the event.
    assert!(events.contains("# Row 5\n[[event]]\nid = \"the-soviet-union-is-dissolved\"\ndate = \"1991\"\napproximate = true\n"));
    assert!(events.contains("date = \"2025-06\"\nend_date = \"2025-07\"\n"));
    // HTML in Text becomes Markdown; Media Caption's is kept; quoted cells keep their lines.
    assert!(events.contains("It comes [two days](https://example.com/report) before"));
    assert!(events.contains("caption = \"<i>The signing</i> in Moscow\""));
    assert!(
        events.contains("A relative says: \"He was healthy.\"\nThe family asks for an inquiry.\n")
    );
    // Group becomes a tag; non-image media become links with their credit.
    assert!(events.contains("tags = [\"Custody\"]"));
    assert!(events.contains("src = \"https://www.youtube.com/watch?v=abcdefghijk\"\ncaption = \"Interview with a relative\"\ncredit = \"Family channel\""));
    assert!(events.contains("src = \"https://en.wikipedia.org/wiki/Dissolution_of_the_Soviet_Union\"\ncredit = \"Wikipedia\""));
    assert!(events.contains(
        "src = \"https://www.google.com/maps/place/Yekaterinburg/@56.8389,60.6057,12z\""
    ));
    // An image's alt text is left empty, with a note that says where to write it.
    assert!(events.contains("alt = \"\"  # Describe what the picture shows"));
    // Cells the format has no place for are kept as comments, not lost.
    assert!(events.contains("# Not used (explainer has no place for it): Time = \"10:30\""));
    assert!(events.contains("Media Thumbnail = \"https://example.com/thumb.jpg\""));
    assert!(events.contains("Background = \"#333333\""));
    // Non-ASCII titles get readable ids; a repeated title gets the next number.
    assert!(events.contains("id = \"huseyn-seferov-dies-in-custody\""));
    assert!(events.contains("id = \"ziiadin-safarov-pokhorony-v-baku\""));
    assert!(events.contains("id = \"raids-in-yekaterinburg-2\""));
    // The story's own address becomes a path under static/.
    assert!(events.contains("src = \"images/court.png\""));

    let site = fs::read_to_string(root.join("content/site.toml")).expect("site");
    assert!(site.contains("title = \"Rising tensions: a timeline\"\n"));
    assert!(site.contains("subtitle = \"How a custody case became a diplomatic crisis.\"\n"));
    let eras = fs::read_to_string(root.join("content/eras.toml")).expect("eras");
    assert!(eras.contains(
        "[[era]]\ntitle = \"Post-Soviet partnership\"\nstart = \"1991-12\"\nend = \"2022-02\"\n"
    ));
    assert!(eras.contains("[[era]]\ntitle = \"Crisis\"\nstart = \"2025-06\"\n"));

    let out = stdout(&output);
    assert!(
        out.contains("Imported 9 events into content/events/newsroom.toml."),
        "{out}"
    );
    assert!(out.contains("Added 2 eras to content/eras.toml."), "{out}");
    assert!(
        out.contains("Set the site's title from row 2: Rising tensions: a timeline"),
        "{out}"
    );
}

#[test]
fn rows_that_cannot_be_converted_are_reported_with_their_row_numbers() {
    let story = fresh_story();
    let root = story.root().join("story");
    let output = import(&root, &[fixture("newsroom.csv").to_str().expect("UTF-8")]);
    assert!(
        !output.status.success(),
        "skipped rows make the import fail"
    );
    insta::assert_snapshot!("newsroom_problems", stderr(&output));
    let err = stderr(&output);
    for (row, column) in [
        (13, "Month"),
        (14, "Day"),
        (15, "Headline"),
        (16, "Year"),
        (17, "End Year"),
    ] {
        assert!(
            err.contains(&format!("error: row {row} not imported: "))
                && err.contains(&format!("--> newsroom.csv: row {row}, column {column}\n")),
            "row {row} is not reported at {column}:\n{err}"
        );
    }
    assert!(err.contains("Not imported: 5 rows (13, 14, 15, 16, 17)."));
    // Notes for rows imported with a change; the quoted multi-line cell of
    // row 7 and the blank row 18 do not shift the numbers.
    // The same note for several rows is given once, with every row.
    assert!(err.contains(
        "note: rows 6, 19: the image has no alt text yet\n  --> newsroom.csv: rows 6, 19, column Media\n"
    ));
    assert!(err.contains("note: row 11: the Media cell holds text, not an address"));
}

#[test]
fn check_reports_the_alt_text_the_import_left_empty_and_nothing_else_is_wrong() {
    let story = fresh_story();
    let root = story.root().join("story");
    import(&root, &[fixture("newsroom.csv").to_str().expect("UTF-8")]);
    // The sheet's one picture of the site's own: the editor puts its file in static/.
    fs::create_dir_all(root.join("static/images")).expect("static folder");
    fs::write(root.join("static/images/court.png"), "png").expect("picture");
    let output = check(&root);
    let diagnostics: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("check prints JSON");
    let errors: Vec<(String, u64, String)> = diagnostics
        .as_array()
        .expect("a list")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["path"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let events = fs::read_to_string(root.join("content/events/newsroom.toml")).expect("events");
    let media_lines: Vec<u64> = events
        .lines()
        .enumerate()
        .filter(|(i, line)| {
            *line == "[event.media]"
                && events
                    .lines()
                    .nth(i + 2)
                    .is_some_and(|l| l.starts_with("alt = \"\""))
        })
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let expected: Vec<(String, u64, String)> = media_lines
        .iter()
        .map(|line| {
            (
                "content/events/newsroom.toml".to_string(),
                *line,
                "this image has no alt text".to_string(),
            )
        })
        .collect();
    assert_eq!(errors, expected);
}

#[test]
fn the_title_row_never_replaces_a_title_the_story_has() {
    let story = Story::small();
    let sheet = "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n\
                 ,,,,,,,,,Another title,Another dek,,,,,title,,\n\
                 2024,6,10,,,,,,,Anna resigns,,,,,,,,\n";
    let story = story.file("sheet.csv", sheet);
    let before = fs::read_to_string(story.root().join("content/site.toml")).expect("site");
    let output = import(
        story.root(),
        &[story.root().join("sheet.csv").to_str().expect("UTF-8")],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let after = fs::read_to_string(story.root().join("content/site.toml")).expect("site");
    let out = stdout(&output);
    assert!(
        out.contains("Kept the site's title (Fixture story); the title in row 2 (Another title) was not used."),
        "{out}"
    );
    // The story had no dek: the sheet's is added, the title stays.
    assert_eq!(
        after,
        before.replace(
            "title = \"Fixture story\"\n",
            "title = \"Fixture story\"\nsubtitle = \"Another dek\"\n"
        )
    );
}

#[test]
fn imported_ids_never_collide_with_the_story_s_events() {
    let story = Story::small().file(
        "sheet.csv",
        "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n\
         2024,6,,,,,,,,Meeting,,,,,,,,\n\
         2024,7,,,,,,,,Meeting,,,,,,,,\n",
    );
    let sheet = story.root().join("sheet.csv");
    let output = import(story.root(), &[sheet.to_str().expect("UTF-8")]);
    assert!(output.status.success(), "{}", stderr(&output));
    let events =
        fs::read_to_string(story.root().join("content/events/sheet.toml")).expect("events");
    assert!(events.contains("id = \"meeting-2\""), "{events}");
    assert!(events.contains("id = \"meeting-3\""), "{events}");
    assert!(!events.contains("id = \"meeting\""), "{events}");
}

#[test]
fn an_existing_events_file_is_replaced_only_when_told() {
    let story = Story::small().file(
        "sheet.csv",
        "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n\
         2024,6,,,,,,,,Talks,,,,,,,,\n",
    );
    let sheet = story.root().join("sheet.csv");
    let sheet = sheet.to_str().expect("UTF-8");
    let all = story.root().join("content/events/all.toml");
    let before = fs::read_to_string(&all).expect("events");

    let output = import(
        story.root(),
        &[sheet, "--output", "content/events/all.toml"],
    );
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output),
        "error: content/events/all.toml already exists\n  = help: import again with --force to replace it, or choose another file with --output\n"
    );
    assert_eq!(fs::read_to_string(&all).expect("events"), before);

    // Importing the same sheet twice with --force gives the same ids again.
    let first = import(story.root(), &[sheet]);
    assert!(first.status.success(), "{}", stderr(&first));
    let written =
        fs::read_to_string(story.root().join("content/events/sheet.toml")).expect("events");
    let again = import(story.root(), &[sheet, "--force"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(
        fs::read_to_string(story.root().join("content/events/sheet.toml")).expect("events"),
        written
    );
    assert!(written.contains("id = \"talks\""));
}

#[test]
fn a_file_that_is_not_a_timelinejs_sheet_is_refused_with_the_columns_to_use() {
    let story = Story::small().file("people.csv", "Name,Born\nAnna,1970\n");
    fs::write(
        story.root().join("latin1.csv"),
        b"Year,Headline\n2024,Caf\xe9 opens\n",
    )
    .expect("write");
    let people = import(
        story.root(),
        &[story.root().join("people.csv").to_str().expect("UTF-8")],
    );
    assert!(!people.status.success());
    assert_eq!(
        stderr(&people),
        "error: the first row does not hold the TimelineJS template's column names (it needs at least Year and Headline)\n  = help: export the sheet made from TimelineJS's template as CSV; its first row is: Year, Month, Day, Time, End Year, End Month, End Day, End Time, Display Date, Headline, Text, Media, Media Credit, Media Caption, Media Thumbnail, Type, Group, Background\n"
    );
    let latin1 = import(
        story.root(),
        &[story.root().join("latin1.csv").to_str().expect("UTF-8")],
    );
    assert!(!latin1.status.success());
    let err = stderr(&latin1);
    assert!(
        err.contains("latin1.csv is not UTF-8 text (at byte 22)"),
        "{err}"
    );
    assert!(err.contains("= help: save it as CSV in UTF-8"), "{err}");
    assert!(
        !story.root().join("content/events/people.toml").exists()
            && !story.root().join("content/events/latin1.toml").exists()
    );
}

#[test]
fn semicolon_separated_sheets_with_a_byte_order_mark_and_alt_text_are_read() {
    let story = Story::small().file(
        "excel.csv",
        "\u{feff}Year;Month;Day;Headline;Media;Alt Text;Media Credit\r\n2024;6;;Café opens;https://example.com/cafe.jpg;A café front with a red awning;Anna\r\n",
    );
    let output = import(
        story.root(),
        &[story.root().join("excel.csv").to_str().expect("UTF-8")],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let events =
        fs::read_to_string(story.root().join("content/events/excel.toml")).expect("events");
    assert!(
        events.contains("id = \"cafe-opens\"\ndate = \"2024-06\"\ntitle = \"Café opens\"\n"),
        "{events}"
    );
    assert!(
        events.contains("alt = \"A café front with a red awning\"\n"),
        "{events}"
    );
    assert_eq!(stderr(&output), "", "nothing to report");
}

/// A stray quote made the lenient CSV reader run every later row into one
/// cell and import what was left with exit 0. Every stray quote is now
/// reported where it opens its cell, and nothing is written.
#[test]
fn a_stray_quote_is_reported_where_its_cell_starts_and_nothing_is_imported() {
    let story = fresh_story();
    let root = story.root().join("story");
    let before = Site::read(&root);
    let output = Command::new(env!("CARGO_BIN_EXE_explainer"))
        .args(["import", "timelinejs", "stray-quotes.csv", "--root"])
        .arg(&root)
        .current_dir(fixture(""))
        .output()
        .expect("run explainer import");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    let help = "a cell that starts with a quote ends at the next quote, which must come before a comma or the end of the line: add the closing quote, or write each quote inside the text twice (\"\")";
    assert_eq!(
        stderr(&output),
        format!(
            "\
error: the quote that opens this cell (row 4, column Headline) is closed only at line 7, column 24, before `H`, so lines 5 to 7 would be read into this one cell
 --> stray-quotes.csv:5:16
  |
5 | 2025,6,2,,,,,,,\"Talks stall,,,,,,,,
  |                ^
  = help: {help}

error: the quote that opens this cell (row 8, column Headline) is closed at column 24, but `i` follows it, not the end of the cell
 --> stray-quotes.csv:9:16
  |
9 | 2025,6,6,,,,,,,\"Protest\" in Baku,,,,,,,,
  |                ^
  = help: {help}

error: the quote that opens this cell (row 9, column Text) is never closed, so the rest of the sheet would be read into this one cell
  --> stray-quotes.csv:10:24
   |
10 | 2025,6,7,,,,,,,Arrests,\"<p>Six arrested.,,,,,,,
   |                        ^
   = help: {help}

Nothing was imported: 3 errors in stray-quotes.csv. Correct the sheet and import it again.
"
        )
    );
    assert_eq!(Site::read(&root).files, before.files, "nothing was written");
}

/// Not told where, an import never replaces an events file: it takes the
/// next free name and says so.
#[test]
fn an_import_next_to_an_events_file_of_its_name_takes_a_free_one() {
    let story = Story::small().file(
        "all.csv",
        "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n\
         2024,6,,,,,,,,Talks,,,,,,,,\n",
    );
    let all = story.root().join("content/events/all.toml");
    let before = fs::read_to_string(&all).expect("events");
    let sheet = story.root().join("all.csv");
    let output = import(story.root(), &[sheet.to_str().expect("UTF-8")]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with(
            "content/events/all.toml already exists: the events go into content/events/all-2.toml instead.\n\
             Imported 1 event into content/events/all-2.toml.\n"
        ),
        "{}",
        stdout(&output)
    );
    assert_eq!(fs::read_to_string(&all).expect("events"), before);
    assert!(story.root().join("content/events/all-2.toml").is_file());
}

/// The default story's own `data/events.csv`, imported into the story in
/// place of its events files, gives a story that checks without an error:
/// the same ids (from the Unique ID column), Markdown summaries, and links
/// to its actors, events and sections as `actor:`, `event:` and `section:`.
#[test]
fn the_default_story_s_csv_imports_back_with_its_ids_and_links() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = tempfile::tempdir().expect("temp dir");
    for entry in walkdir::WalkDir::new(repo.join("content")) {
        let entry = entry.expect("walk content");
        let relative = entry.path().strip_prefix(repo).expect("inside");
        let target = copy.path().join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("folder");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
    let built = Command::new(env!("CARGO_BIN_EXE_explainer"))
        .args(["build", "--root"])
        .arg(copy.path())
        .output()
        .expect("build");
    assert!(built.status.success(), "{}", stderr(&built));
    let csv = copy.path().join("events.csv");
    fs::copy(copy.path().join("public/data/events.csv"), &csv).expect("the CSV");
    for entry in fs::read_dir(copy.path().join("content/events")).expect("events") {
        fs::remove_file(entry.expect("entry").path()).expect("remove an events file");
    }

    let output = import(copy.path(), &[csv.to_str().expect("UTF-8")]);
    assert!(output.status.success(), "{}", stderr(&output));
    let checked = check(copy.path());
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    let events = fs::read_to_string(copy.path().join("content/events/events.toml"))
        .expect("the imported events");
    assert!(
        events.contains("id = \"brothers-die-in-custody\""),
        "{events}"
    );
    assert!(events.contains("(actor:"), "{events}");
    assert!(events.contains("(section:"), "{events}");
    assert!(!events.contains("<a href"), "{events}");
}
