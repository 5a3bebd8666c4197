//! Every built page through the Nu Html Checker (vnu.jar from the npm package
//! `vnu-jar`, run on the machine's Java): zero errors in HTML, CSS and SVG, for the
//! default story and for a fixture that reaches every branch of the templates.
//!
//! Where Java or vnu.jar is missing, each test prints a loud `SKIPPED:` line and
//! passes, except in CI (`CI=true`), where that is a failure. `.ci/run` installs both
//! (`default-jre-headless`, `npm ci --prefix tests/browser`).

mod support;

use std::env;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use support::Story;

#[derive(Debug, Deserialize)]
struct VnuReport {
    messages: Vec<Message>,
}

#[derive(Debug, Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    #[serde(rename = "subType")]
    sub_type: Option<String>,
    url: Option<String>,
    #[serde(rename = "lastLine")]
    line: Option<u32>,
    #[serde(rename = "firstColumn")]
    column: Option<u32>,
    message: String,
    extract: Option<String>,
}

impl Message {
    fn is_error(&self) -> bool {
        self.kind == "error" || self.kind == "non-document-error"
    }

    fn is_warning(&self) -> bool {
        self.kind == "info" && self.sub_type.as_deref() == Some("warning")
    }

    /// `page:line:column: message [extract]`, with the page relative to `root`.
    fn display(&self, root: &Path) -> String {
        let url = self.url.as_deref().unwrap_or("?");
        let path = url.strip_prefix("file:").unwrap_or(url);
        let root = root.to_string_lossy();
        let page = path.strip_prefix(root.as_ref()).map_or(path, |p| {
            p.trim_start_matches(['/', '.']).trim_start_matches('/')
        });
        let extract = self.extract.as_deref().unwrap_or("").replace('\n', "⏎");
        format!(
            "{page}:{}:{}: {} [{extract}]",
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.message
        )
    }
}

fn ci() -> bool {
    env::var("CI").is_ok_and(|v| v == "true")
}

/// Says loudly that `test` did not run; in CI, fails instead.
fn skip(test: &str, why: &str) {
    if ci() {
        panic!("{test}: {why}; CI=true requires the HTML validator (.ci/run installs it)");
    }
    // Straight to stderr: the test harness hides eprintln! output of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED: validator test {test}: {why} ***\n"
    );
}

/// Java and vnu.jar, or why they cannot be used.
fn validator() -> Result<(PathBuf, PathBuf), String> {
    let java = env::var_os("JAVA_HOME")
        .map(|home| PathBuf::from(home).join("bin/java"))
        .filter(|p| p.is_file())
        .or_else(|| {
            env::split_paths(&env::var_os("PATH")?)
                .map(|dir| dir.join("java"))
                .find(|p| p.is_file())
        })
        .ok_or("no `java` on PATH (Debian: apt-get install default-jre-headless)")?;
    let jar = match env::var_os("VNU_JAR") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar"),
    };
    if !jar.is_file() {
        return Err(format!(
            "no {} (run: npm ci --ignore-scripts --prefix tests/browser)",
            jar.display()
        ));
    }
    Ok((java, jar))
}

/// Every file under `dir` that the checker reads: HTML, CSS and SVG.
fn checkable_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk output").into_path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "html" || e == "css" || e == "svg")
        })
        .collect();
    files.sort();
    files
}

/// Runs the checker over every page and SVG under `dir`, then over its stylesheets.
/// Two runs, because with `--also-check-css` the checker counts HTML lines from 0.
fn validate(test: &str, dir: &Path) -> Option<Vec<Message>> {
    let (java, jar) = match validator() {
        Ok(tools) => tools,
        Err(why) => {
            skip(test, &why);
            return None;
        }
    };
    let (css, documents): (Vec<PathBuf>, Vec<PathBuf>) = checkable_files(dir)
        .into_iter()
        .partition(|f| f.extension().is_some_and(|e| e == "css"));
    assert!(
        documents
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "html")),
        "no HTML under {}",
        dir.display()
    );
    let mut messages = vnu(&java, &jar, "--also-check-svg", &documents);
    if !css.is_empty() {
        messages.extend(vnu(&java, &jar, "--also-check-css", &css));
    }
    eprintln!(
        "{test}: vnu.jar checked {} files",
        documents.len() + css.len()
    );
    Some(messages)
}

fn vnu(java: &Path, jar: &Path, also: &str, files: &[PathBuf]) -> Vec<Message> {
    let output = Command::new(java)
        .arg("-jar")
        .arg(jar)
        .args(["--format", "json", "--stdout", also])
        .args(files)
        .output()
        .expect("run java");
    let report: VnuReport = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "vnu printed no JSON report ({e}); exit {}; stderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report.messages
}

/// CSS the checker does not know but every current browser does; each with why.
const CHECKER_CSS_GAPS: [(&str, &str); 1] = [(
    "Property “paint-order” doesn't exist.",
    "paint-order is in CSS Fill and Stroke 3 and SVG 2, supported by every current browser",
)];

/// Zero errors; warnings are printed for people to read but do not fail.
fn assert_valid(test: &str, dir: &Path) {
    let Some(messages) = validate(test, dir) else {
        return;
    };
    for warning in messages.iter().filter(|m| m.is_warning()) {
        eprintln!("vnu warning: {}", warning.display(dir));
    }
    let mut errors = Vec::new();
    for error in messages.iter().filter(|m| m.is_error()) {
        match CHECKER_CSS_GAPS
            .iter()
            .find(|(message, _)| error.message.ends_with(message))
        {
            Some((_, why)) => eprintln!("vnu error ignored ({why}): {}", error.display(dir)),
            None => errors.push(error.display(dir)),
        }
    }
    assert!(
        errors.is_empty(),
        "the Nu Html Checker found {} error(s):\n  {}",
        errors.len(),
        errors.join("\n  ")
    );
}

#[test]
fn every_page_of_the_default_story_is_valid_html_css_and_svg() {
    let out = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let built = support::explainer(
        &[
            "build",
            "--output",
            out.path().to_str().expect("UTF-8 path"),
        ],
        root,
    );
    assert!(built.status.success(), "{}", support::stderr(&built));
    assert_valid(
        "every_page_of_the_default_story_is_valid_html_css_and_svg",
        out.path(),
    );
}

/// A story that uses every optional field, so every branch of the templates renders.
fn every_branch() -> Story {
    Story::new()
        .file(
            "content/site.toml",
            r#"title = "Every branch"
subtitle = "A story that uses every field"
description = "A fixture that reaches every branch of the built-in templates."
base_url = "https://example.org/every-branch/"
language = "en-GB"
published = 2024-06-01
updated = 2024-06-05
tag_pages = true
authors = [{ name = "Leyla Aliyeva", url = "https://news.example.org/people/leyla" }, { name = "Sam Doe" }]
publisher = { name = "The Example Post", url = "https://news.example.org/", logo = "images/map.svg" }
"#,
        )
        .file(
            "content/story/01-what.md",
            r#"+++
title = "What happened"
weight = 10
summary = "The short version."
+++
[Anna](actor:anna) met [Bob](actor:bob) at [the meeting](event:meeting).

| Who | What |
| --- | --- |
| Anna | chairs |

A claim with a footnote.[^1] ~~Struck~~ "quoted" -- dashes.

> A quotation.

[^1]: The footnote.
"#,
        )
        .file(
            "content/story/02-why.md",
            "+++\ntitle = \"Why it matters\"\nweight = 20\n+++\nAs [said above](section:what), it matters.\n\n1. one\n2. two\n\n- a\n- b\n",
        )
        .file(
            "content/events/all.toml",
            r#"[[event]]
id = "meeting"
date = "2024-06"
approximate = true
end_date = "2024-07"
title = "Anna meets Bob"
summary = "They meet; see [Anna](actor:anna)."
actors = ["anna", "bob"]
place = "Town hall"
tags = ["meeting", "club"]
sources = ["report", "bare"]

[event.media]
src = "images/map.svg"
alt = "A map of the town"
caption = "The *town*"
credit = "Fixture maps"

[[event.accounts]]
actor = "anna"
claim = "It was *friendly*."
stance = "asserts"
status = "confirmed"
sources = ["report"]

[[event.accounts]]
actor = "bob"
claim = "It was tense."
stance = "disputes"
status = "retracted"

[[event.accounts]]
actor = "club"
claim = "No comment."
stance = "denies"

[[event]]
id = "founding"
date = "1991"
title = "The club is founded"
actors = ["club"]
sources = ["report"]

[event.media]
src = "https://video.example/founding"
caption = "A film"

[[event]]
id = "vote"
date = "2024-06-03"
title = "The club votes"
actors = ["club", "anna"]
"#,
        )
        .file(
            "content/actors/anna.md",
            "+++\nname = \"Anna\"\nkind = \"person\"\nrole = \"Chair\"\ncountry = \"Utopia\"\naliases = [\"Annie\", \"A.\"]\n\n[[relations]]\nto = \"club\"\nkind = \"chair of\"\n+++\nAnna chairs [the club](actor:club).\n",
        )
        .file("content/actors/bob.md", "+++\nname = \"Bob\"\nkind = \"media\"\nimage = { src = \"images/map.svg\", alt = \"Bob's logo\" }\n+++\nBob.\n")
        .file(
            "content/actors/club.md",
            "+++\nname = \"The Club\"\nkind = \"organization\"\n+++\nA club.\n",
        )
        .file(
            "content/sources.toml",
            r#"[[source]]
id = "report"
title = "The report"
publisher = "The Paper"
url = "https://paper.example/report"
accessed = 2024-06-04
archive_url = "https://archive.example/report"
language = "en"

[[source]]
id = "bare"
title = "A bare source"
"#,
        )
        .file(
            "content/updates.toml",
            r#"[[update]]
date = 2024-06-04
kind = "update"
note = "Added the vote."
events = ["vote", "meeting"]

[[update]]
date = 2024-06-05
kind = "correction"
note = "Corrected the *date* of the meeting."
events = ["meeting"]

[[update]]
date = 2024-06-05
kind = "clarification"
note = "Clarified who chairs."
events = ["meeting"]
"#,
        )
        .file(
            "content/eras.toml",
            "[[era]]\ntitle = \"Before\"\nstart = \"1990\"\nend = \"2000\"\n\n[[era]]\ntitle = \"Now\"\nstart = \"2024-01\"\n",
        )
        .file(
            "static/images/map.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>\n",
        )
}

#[test]
fn every_branch_of_the_templates_renders_valid_html() {
    let story = every_branch();
    let site = story.build(&[]);
    // The fixture really reaches the branches it is for.
    let meeting = site.page("events/meeting/index.html");
    for needle in [
        "<img ",
        "<figcaption>",
        "<del>",
        "Correction",
        "archived copy",
    ] {
        assert!(meeting.contains(needle), "the meeting page lacks {needle}");
    }
    assert!(
        site.page("events/founding/index.html")
            .contains("https://video.example/founding")
    );
    assert!(site.page("actors/anna/index.html").contains("Annie"));
    assert_valid(
        "every_branch_of_the_templates_renders_valid_html",
        &story.public(),
    );
}

#[test]
fn the_validator_reports_the_errors_of_a_broken_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("broken.html"),
        "<!doctype html><html lang=\"en\"><head><title>x</title></head><body><p><div>x</div></p><img src=\"a.png\"></body></html>\n",
    )
    .expect("write page");
    std::fs::write(dir.path().join("broken.css"), "body { colour: red; }\n").expect("write css");
    let Some(messages) = validate(
        "the_validator_reports_the_errors_of_a_broken_page",
        dir.path(),
    ) else {
        return;
    };
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| m.is_error())
        .map(|m| m.display(dir.path()))
        .collect();
    for expected in [
        "broken.html:1:",
        "No “p” element in scope but a “p” end tag seen.",
        "An “img” element must have an “alt” attribute",
        "broken.css:1:",
        "Property “colour” doesn't exist.",
    ] {
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "no error mentions {expected:?}; got:\n  {}",
            errors.join("\n  ")
        );
    }
}
