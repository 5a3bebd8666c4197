//! The data files every build writes: data/events.json and data/actors.json
//! (explainer's own versioned schema), data/timelinejs.json (TimelineJS's JSON
//! format) and data/events.csv (TimelineJS's spreadsheet columns), and the
//! round trip from that CSV back into a story.

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};
use support::{Site, Story, stderr};

/// A small story with every field the exports carry: media (a static image
/// and a link), accounts, ranges, an approximate date, eras and an update.
fn story() -> Story {
    Story::small()
        .file(
            "content/events/all.toml",
            r#"[[event]]
id = "meeting"
date = "2024-06"
title = "Anna meets Bob"
summary = "They meet; see [Anna](actor:anna) and *the vote*."
actors = ["anna", "bob"]
place = "Town hall"
tags = ["talks", "club"]
sources = ["report"]

[event.media]
src = "images/meeting.jpg"
alt = "Anna and Bob at a table"
caption = "The meeting, *as reported*"
credit = "Photo: Anna & Co"

[[event.accounts]]
actor = "anna"
claim = "It was *friendly*."
sources = ["report"]

[[event.accounts]]
actor = "bob"
claim = "It was tense."
stance = "disputes"
status = "retracted"

[[event]]
id = "founding"
date = "1991"
approximate = true
title = "The club is founded"
actors = ["club"]
sources = ["report"]

[[event]]
id = "vote"
date = "2024-06-03"
end_date = "2024-06-05"
title = "The club votes"
summary = """The vote runs three days.

| For | Against |
| --- | --- |
| 12 | 3 |
"""
actors = ["club", "anna"]
tags = ["club"]
sources = ["report"]

[event.media]
src = "https://www.youtube.com/watch?v=abcdefghijk"
caption = "The count"
credit = "Club TV"
"#,
        )
        .file("static/images/meeting.jpg", "not really a JPEG")
        .file(
            "content/eras.toml",
            "[[era]]\ntitle = \"Early years\"\nstart = \"1991\"\nend = \"2000\"\n\n[[era]]\ntitle = \"Now\"\nstart = \"2024-06\"\n",
        )
        .file(
            "content/updates.toml",
            "[[update]]\ndate = 2024-07-01\nkind = \"correction\"\nnote = \"Bob's account was [retracted](event:meeting).\"\nevents = [\"meeting\"]\n",
        )
        .file(
            "content/sources.toml",
            "[[source]]\nid = \"report\"\ntitle = \"The report\"\npublisher = \"Town Gazette\"\nurl = \"https://example.com/report\"\naccessed = 2024-07-01\n",
        )
}

fn json(site: &Site, path: &str) -> Value {
    serde_json::from_str(&site.page(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn explainer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_explainer"))
        .args(args)
        .output()
        .expect("run explainer")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn events_json_holds_the_whole_timeline_with_partial_dates_and_absolute_links() {
    let site = story().build(&[]);
    let data = json(&site, "data/events.json");
    assert_eq!(data["schema"], "explainer/events@1");
    assert_eq!(
        data["story"],
        json!({
            "title": "Fixture story",
            "subtitle": null,
            "description": null,
            "url": "https://example.org/fixture/",
            "language": "en",
            "published": null,
            "updated": null
        })
    );
    let events = data["events"].as_array().expect("events");
    let ids: Vec<&str> = events
        .iter()
        .map(|e| e["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["founding", "meeting", "vote"], "in date order");
    assert_eq!(
        events[1],
        json!({
            "id": "meeting",
            "url": "https://example.org/fixture/events/meeting/",
            "date": "2024-06",
            "date_precision": "month",
            "end_date": null,
            "end_date_precision": null,
            "approximate": false,
            "when": "June 2024",
            "title": "Anna meets Bob",
            "summary_html": "<p>They meet; see <a href=\"https://example.org/fixture/actors/anna/\">Anna</a> and <em>the vote</em>.</p>\n",
            "place": "Town hall",
            "tags": ["talks", "club"],
            "actors": ["anna", "bob"],
            "sources": ["report"],
            "media": {
                "url": "https://example.org/fixture/images/meeting.jpg",
                "is_image": true,
                "alt": "Anna and Bob at a table",
                "caption_html": "The meeting, <em>as reported</em>",
                "credit": "Photo: Anna & Co"
            },
            "accounts": [
                {
                    "actor": "anna",
                    "claim_html": "It was <em>friendly</em>.",
                    "stance": "asserts",
                    "status": "unverified",
                    "sources": ["report"]
                },
                {
                    "actor": "bob",
                    "claim_html": "It was tense.",
                    "stance": "disputes",
                    "status": "retracted",
                    "sources": []
                }
            ]
        })
    );
    assert_eq!(events[0]["date"], "1991");
    assert_eq!(events[0]["date_precision"], "year");
    assert_eq!(events[0]["approximate"], true);
    assert_eq!(events[0]["when"], "around 1991");
    assert_eq!(events[2]["end_date"], "2024-06-05");
    assert_eq!(events[2]["end_date_precision"], "day");
    assert_eq!(events[2]["when"], "3 – 5 June 2024");
    assert_eq!(events[2]["media"]["is_image"], false);
    assert_eq!(events[2]["media"]["alt"], Value::Null);
    assert_eq!(
        data["sources"],
        json!([{
            "id": "report",
            "title": "The report",
            "publisher": "Town Gazette",
            "url": "https://example.com/report",
            "accessed": "2024-07-01",
            "archive_url": null,
            "language": null
        }])
    );
    assert_eq!(
        data["eras"],
        json!([
            {"title": "Early years", "start": "1991", "start_precision": "year", "end": "2000", "end_precision": "year"},
            {"title": "Now", "start": "2024-06", "start_precision": "month", "end": null, "end_precision": null}
        ])
    );
    assert_eq!(
        data["updates"],
        json!([{
            "date": "2024-07-01",
            "kind": "correction",
            "note_html": "Bob’s account was <a href=\"https://example.org/fixture/events/meeting/\">retracted</a>.",
            "events": ["meeting"]
        }])
    );
}

#[test]
fn actors_json_holds_each_actor_with_relations_events_and_mentions() {
    let site = story().build(&[]);
    let data = json(&site, "data/actors.json");
    assert_eq!(data["schema"], "explainer/actors@1");
    let actors = data["actors"].as_array().expect("actors");
    let anna = actors
        .iter()
        .find(|a| a["id"] == "anna")
        .expect("anna is in actors.json");
    assert_eq!(
        *anna,
        json!({
            "id": "anna",
            "url": "https://example.org/fixture/actors/anna/",
            "name": "Anna",
            "kind": "person",
            "role": "Chair",
            "country": null,
            "aliases": [],
            "relations": [{"to": "club", "kind": "chair of"}],
            "bio_html": "<p>Anna chairs <a href=\"https://example.org/fixture/actors/club/\">the club</a>.</p>\n",
            "events": ["meeting", "vote"],
            "sections": [{
                "id": "what-happened",
                "title": "What happened",
                "url": "https://example.org/fixture/#what-happened"
            }]
        })
    );
    assert_eq!(actors.len(), 3);
}

#[test]
fn timelinejs_json_keeps_each_date_at_its_precision() {
    let site = story().build(&[]);
    let data = json(&site, "data/timelinejs.json");
    let events = data["events"].as_array().expect("events");
    // Year precision: the year only. Month precision: year and month, never a day.
    assert_eq!(
        events[0]["start_date"],
        json!({"year": 1991, "display_date": "1991"})
    );
    assert_eq!(events[0]["display_date"], "around 1991");
    assert_eq!(
        events[1]["start_date"],
        json!({"year": 2024, "month": 6, "display_date": "June 2024"})
    );
    assert_eq!(
        events[2]["end_date"],
        json!({"year": 2024, "month": 6, "day": 5, "display_date": "5 June 2024"})
    );
    assert_eq!(events[1]["unique_id"], "meeting");
    assert_eq!(events[1]["group"], "talks", "the first tag is the group");
    assert_eq!(events[0].get("media"), None, "no media, no media object");
    assert_eq!(
        events[1]["media"],
        json!({
            "url": "https://example.org/fixture/images/meeting.jpg",
            "caption": "The meeting, <em>as reported</em>",
            "credit": "Photo: Anna &amp; Co",
            "alt": "Anna and Bob at a table"
        })
    );
    // Accounts become attributed paragraphs; a retracted claim is struck out.
    assert_eq!(
        events[1]["text"]["text"],
        "<p>They meet; see <a href=\"https://example.org/fixture/actors/anna/\">Anna</a> and <em>the vote</em>.</p>\n\
         <p>Place: Town hall</p>\n\
         <p><strong><a href=\"https://example.org/fixture/actors/anna/\">Anna</a></strong> (asserts, unverified): It was <em>friendly</em>.</p>\n\
         <p><strong><a href=\"https://example.org/fixture/actors/bob/\">Bob</a></strong> (disputes, retracted): <del>It was tense.</del></p>\n\
         <p>Sources: <a href=\"https://example.com/report\">The report</a></p>\n"
    );
    assert_eq!(data["title"]["text"]["headline"], "Fixture story");
    // TimelineJS needs an end for every era: an open era ends with the story.
    assert_eq!(
        data["eras"],
        json!([
            {
                "start_date": {"year": 1991, "display_date": "1991"},
                "end_date": {"year": 2000, "display_date": "2000"},
                "text": {"headline": "Early years", "text": ""}
            },
            {
                "start_date": {"year": 2024, "month": 6, "display_date": "June 2024"},
                "end_date": {"year": 2024, "month": 6, "day": 5, "display_date": "5 June 2024"},
                "text": {"headline": "Now", "text": ""}
            }
        ])
    );
}

#[test]
fn events_csv_uses_the_spreadsheet_template_s_columns() {
    let site = story().build(&[]);
    insta::assert_snapshot!("events_csv", site.page("data/events.csv"));
    let csv = site.page("data/events.csv");
    assert!(csv.starts_with("Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background,Alt Text,Unique ID\r\n"));
}

#[test]
fn data_files_are_byte_identical_across_builds() {
    let story = story();
    let first = story.build(&[]);
    let second = story.build(&[]);
    for file in [
        "data/events.json",
        "data/actors.json",
        "data/timelinejs.json",
        "data/events.csv",
    ] {
        assert_eq!(first.files[file], second.files[file], "{file} changed");
    }
}

#[test]
fn links_in_the_data_follow_the_base_url_given_to_the_build() {
    let site = story().build(&["--base-url", "https://news.example.com/stories/club"]);
    let data = json(&site, "data/events.json");
    assert_eq!(
        data["story"]["url"],
        "https://news.example.com/stories/club/"
    );
    assert_eq!(
        data["events"][1]["url"],
        "https://news.example.com/stories/club/events/meeting/"
    );
    assert!(data["events"][1]["summary_html"].as_str().is_some_and(|s| {
        s.contains("href=\"https://news.example.com/stories/club/actors/anna/\"")
    }));
    for file in [
        "data/events.json",
        "data/actors.json",
        "data/timelinejs.json",
        "data/events.csv",
    ] {
        assert!(
            !site.page(file).contains("example.org/fixture"),
            "{file} still names the configured base_url"
        );
    }
}

/// The fields that the spreadsheet and explainer's format both have.
fn shared_fields(event: &Value) -> Value {
    let mut media = event["media"].clone();
    if let Some(media) = media.as_object_mut() {
        media.remove("is_image");
    }
    json!({
        "date": event["date"],
        "date_precision": event["date_precision"],
        "end_date": event["end_date"],
        "end_date_precision": event["end_date_precision"],
        "approximate": event["approximate"],
        "when": event["when"],
        "title": event["title"],
        "summary_html": event["summary_html"],
        "group": event["tags"].get(0),
        "media": media,
    })
}

/// Imports `csv` into `copy`, builds it, and asserts that every field both
/// formats have came back; returns the exported and imported events.json
/// and the imported site.
fn import_and_compare_with(exported: &Site, copy: &Story, csv: &[u8]) -> (Value, Value, Site) {
    let sheet = copy.root().join("events.csv");
    fs::write(&sheet, csv).expect("write the CSV");
    let import = explainer(&[
        "import",
        "timelinejs",
        path(&sheet),
        "--root",
        path(copy.root()),
    ]);
    assert!(import.status.success(), "{}", stderr(&import));
    let imported = copy.build(&[]);
    let before = json(exported, "data/events.json");
    let after = json(&imported, "data/events.json");
    let fields = |data: &Value| -> Vec<Value> {
        data["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(shared_fields)
            .collect()
    };
    assert_eq!(fields(&after), fields(&before));
    (before, after, imported)
}

#[test]
fn a_csv_export_imported_again_keeps_every_field_both_formats_have() {
    let original = story();
    let exported = original.build(&[]);
    let copy = Story::new().file("static/images/meeting.jpg", "not really a JPEG");
    let (before, after, imported) =
        import_and_compare_with(&exported, &copy, &exported.files["data/events.csv"]);
    assert_eq!(after["eras"], before["eras"]);
    assert_eq!(after["story"]["title"], before["story"]["title"]);
    // The round trip is stable: exporting the imported story gives the same sheet.
    assert_eq!(
        imported.page("data/events.csv"),
        exported.page("data/events.csv")
    );
}

/// A story whose plain-text fields start the way spreadsheet formulas do, or
/// hold what would read as HTML.
fn hostile_story() -> Story {
    Story::new()
        .file(
            "content/site.toml",
            "title = \"@Fixture story\"\nsubtitle = \"-1 dek\"\nbase_url = \"https://example.org/fixture/\"\n",
        )
        .file(
            "content/events/all.toml",
            r#"[[event]]
id = "formula"
date = "2024-06"
title = "=1+2"
tags = ["+cmd|' /C calc'!A0"]

[event.media]
src = "images/x.jpg"
alt = "@SUM(7+8)"
credit = "-2+3"

[[event]]
id = "quoted"
date = "2024-07"
title = "'=already quoted"

[[event]]
id = "nineties"
date = "2024-08"
title = "'90s revival"

[[event]]
id = "riverton"
date = "2024-09"
title = "Riverton's budget: AT&T, Q&A and 1 < 2"

[[event]]
id = "markup"
date = "2024-10"
title = "How <b> and &amp; are written"
"#,
        )
        .file(
            "content/eras.toml",
            "[[era]]\ntitle = \"=HYPERLINK(\\\"https://evil.example\\\")\"\nstart = \"2024\"\n",
        )
        .file("static/images/x.jpg", "not really a JPEG")
}

/// The CSV's rows as cells, without the header.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV row").iter().map(String::from).collect())
        .collect()
}

#[test]
fn csv_cells_never_start_as_formulas_hold_no_entities_and_come_back_as_they_were() {
    let exported = hostile_story().build(&[]);
    let csv = exported.page("data/events.csv");
    let rows = csv_rows(&csv);
    // Year, ..., Headline (9), Text (10), Media Credit (12), Group (16), Alt Text (18).
    let cells = |row: &Vec<String>| [9, 10, 12, 16, 18].map(|i| row[i].clone());
    assert_eq!(
        rows.iter().map(cells).collect::<Vec<_>>(),
        [
            ["'@Fixture story", "'-1 dek", "", "", ""],
            ["'=HYPERLINK(\"https://evil.example\")", "", "", "", ""],
            ["'=1+2", "", "'-2+3", "'+cmd|' /C calc'!A0", "'@SUM(7+8)"],
            ["''=already quoted", "", "", "", ""],
            ["'90s revival", "", "", "", ""],
            ["Riverton's budget: AT&T, Q&A and 1 < 2", "", "", "", ""],
            ["How &lt;b&gt; and &amp;amp; are written", "", "", "", ""],
        ]
        .map(|row| row.map(String::from))
    );
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a spreadsheet runs {cell:?}"
        );
    }

    // The import takes the quotes off again: the round trip loses nothing.
    let copy = Story::new()
        .file(
            "content/site.toml",
            "title = \"Working title\"\nbase_url = \"https://example.org/fixture/\"\n",
        )
        .file("static/images/x.jpg", "not really a JPEG");
    let (before, after, imported) = import_and_compare_with(&exported, &copy, csv.as_bytes());
    let titles: Vec<&str> = after["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["title"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        titles,
        [
            "=1+2",
            "'=already quoted",
            "'90s revival",
            "Riverton's budget: AT&T, Q&A and 1 < 2",
            "How <b> and &amp; are written"
        ]
    );
    assert_eq!(after["eras"], before["eras"]);
    assert_eq!(after["story"]["title"], "@Fixture story");
    assert_eq!(after["story"]["subtitle"], "-1 dek");
    assert_eq!(imported.page("data/events.csv"), csv);
}
