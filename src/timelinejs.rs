//! TimelineJS spreadsheets: `explainer import timelinejs FILE.csv`, and the
//! column layout that `export` writes back.
//!
//! Steps: read the CSV (UTF-8; comma, semicolon or tab separated), map its
//! header onto the template's columns, convert each row into an event, an era
//! or the title, and note every cell that cannot be kept with its spreadsheet
//! row number (the header is row 1). Then write the events as TOML under
//! `content/events/`, the eras into `content/eras.toml`, the title into
//! `content/site.toml` when the story has none, and say what was done in a
//! [`Report`] (the command line prints it, then checks the story).

pub mod cell;
mod html;
mod media;
mod quotes;
mod sheet;

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::path::Path;

pub use html::{html_text, plain_text};
pub use media::is_image_path;
pub use sheet::{
    Column, ConvertOptions, ImportedEra, ImportedEvent, ImportedMedia, Problem, Sheet, TitleRow,
    convert,
};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{self, RawStory};
use crate::scaffold::{
    self, Failure, PLACEHOLDER_SUBTITLE, PLACEHOLDER_TITLE, id_from_title, toml_string, toml_text,
};

/// The events as a TOML file of `[[event]]` tables, each naming its row.
pub fn events_toml(source_name: &str, events: &[ImportedEvent]) -> String {
    let mut out = format!(
        "# Imported from {source_name} by `explainer import timelinejs`: each event names\n\
         # its spreadsheet row. Add each event's `sources` and `actors`; `explainer check`\n\
         # lists what is missing.\n"
    );
    for event in events {
        out.push_str(&format!("\n# Row {}\n[[event]]\n", event.row));
        out.push_str(&format!("id = {}\n", toml_string(&event.id)));
        out.push_str(&format!("date = {}\n", toml_string(&event.date.iso())));
        if let Some(end) = &event.end_date {
            out.push_str(&format!("end_date = {}\n", toml_string(&end.iso())));
        }
        if event.approximate {
            out.push_str("approximate = true\n");
        }
        out.push_str(&format!("title = {}\n", toml_string(&event.title)));
        if let Some(summary) = &event.summary {
            // A block ending in a line break: HTML blocks keep it, as Markdown paragraphs do.
            out.push_str(&format!(
                "summary = {}\n",
                toml_text(&format!("{summary}\n"))
            ));
        }
        if !event.tags.is_empty() {
            let tags: Vec<String> = event.tags.iter().map(|t| toml_string(t)).collect();
            out.push_str(&format!("tags = [{}]\n", tags.join(", ")));
        }
        for (column, value) in &event.unused {
            out.push_str(&format!(
                "# Not used (explainer has no place for it): {} = {}\n",
                column.name(),
                toml_string(value)
            ));
        }
        if let Some(media) = &event.media {
            out.push_str(&format!(
                "\n[event.media]\nsrc = {}\n",
                toml_string(&media.src)
            ));
            match media.alt.as_deref() {
                Some("") => out.push_str(
                    "alt = \"\"  # Describe what the picture shows, for readers who cannot see it.\n",
                ),
                Some(alt) => out.push_str(&format!("alt = {}\n", toml_string(alt))),
                None => {}
            }
            if let Some(caption) = &media.caption {
                out.push_str(&format!("caption = {}\n", toml_text(caption)));
            }
            if let Some(credit) = &media.credit {
                out.push_str(&format!("credit = {}\n", toml_string(credit)));
            }
        }
    }
    out
}

fn era_toml(source_name: &str, era: &ImportedEra) -> String {
    let mut out = format!(
        "\n# Imported from {source_name}, row {}\n[[era]]\ntitle = {}\nstart = {}\n",
        era.row,
        toml_string(&era.title),
        toml_string(&era.start.iso())
    );
    if let Some(end) = &era.end {
        out.push_str(&format!("end = {}\n", toml_string(&end.iso())));
    }
    out
}

/// What an import wrote.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The spreadsheet's file name, for messages.
    pub source: String,
    /// The events file written, relative to the story root.
    pub events_file: Option<String>,
    /// The file the events would have gone to, had it not existed.
    pub renamed_from: Option<String>,
    pub events: usize,
    pub eras_added: usize,
    pub eras_already_there: usize,
    /// What happened to the `title` row, for the summary.
    pub title: Vec<String>,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn skipped_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = self
            .problems
            .iter()
            .filter(|p| p.skipped)
            .map(|p| p.row)
            .collect();
        rows.dedup();
        rows
    }

    /// The problems as the terminal shows them, each ending in a line break:
    /// a note said of several rows comes once, naming them all.
    pub fn grouped_problems(&self) -> Vec<impl fmt::Display + '_> {
        sheet::grouped(&self.problems, &self.source)
    }
}

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum ImportError {
    /// It cannot start or finish: no story, a file that is not a sheet, a write that failed.
    Failure(Failure),
    /// The sheet's text cannot be split into cells: every place that keeps it from it.
    Unreadable(Vec<Diagnostic>),
}

impl From<Failure> for ImportError {
    fn from(failure: Failure) -> ImportError {
        ImportError::Failure(failure)
    }
}

/// Imports the sheet at `file` into the story at `root`. Nothing is written
/// unless the whole sheet could be read.
pub fn import_file(
    root: &Path,
    file: &Path,
    output: Option<&Path>,
    force: bool,
) -> Result<Report, ImportError> {
    if !root.join("content").is_dir() {
        return Err(Failure::new(format!(
            "no content/ folder in {}: this is not a story folder",
            root.display()
        ))
        .help("start a story with `explainer init DIR`, then import into it with --root DIR")
        .into());
    }
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = read_sheet(file)?;
    let mut renamed_from = None;
    let events_file = match output {
        Some(path) => scaffold::events_path(path)?,
        None => {
            let stem = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let id = id_from_title(&stem);
            let id = if id.is_empty() { "imported" } else { &id };
            let named = format!("content/events/{id}.toml");
            // Not given a file: never replace one, take the next free name.
            if root.join(&named).exists() && !force {
                let taken: HashSet<String> = (2..)
                    .map(|n| format!("{id}-{n}"))
                    .take_while(|name| root.join(format!("content/events/{name}.toml")).exists())
                    .chain([id.to_string()])
                    .collect();
                let free = scaffold::unique_id(id, &taken);
                renamed_from = Some(named);
                format!("content/events/{free}.toml")
            } else {
                named
            }
        }
    };
    let target = root.join(&events_file);
    if target.exists() && !force {
        return Err(Failure::new(format!("{events_file} already exists"))
            .help("import again with --force to replace it, or choose another file with --output")
            .into());
    }
    let story = load::load(root, &mut Diagnostics::default());
    // The events of the file being replaced give up their ids.
    let taken: HashSet<String> = story
        .events
        .iter()
        .filter(|(f, _)| story.file(*f).path != events_file)
        .map(|(_, e)| e.id.get_ref().clone())
        .chain(story.broken.events.iter().cloned())
        .collect();
    let base_url = story.site.as_ref().map(|(_, s)| {
        let url = s.base_url.get_ref();
        if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        }
    });
    let sheet_path = file.display().to_string();
    let actors: HashSet<String> = story.actors.iter().map(|(id, _)| id.clone()).collect();
    let sections: HashSet<String> = story
        .sections
        .iter()
        .map(|doc| crate::resolve::section_slug(&story.file(doc.file).path).to_string())
        .collect();
    let options = ConvertOptions {
        taken_ids: &taken,
        actors: &actors,
        sections: &sections,
        base_url: base_url.as_deref(),
        events_file: &events_file,
        sheet: &sheet_path,
    };
    let sheet = convert(&text, &options)?;
    let mut report = Report {
        source: source.clone(),
        renamed_from,
        events: sheet.events.len(),
        problems: sheet.problems.clone(),
        ..Report::default()
    };
    if !sheet.events.is_empty() {
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Failure::new(format!("cannot create {}: {e}", parent.display())))?;
        }
        fs::write(&target, events_toml(&source, &sheet.events))
            .map_err(|e| Failure::new(format!("cannot write {events_file}: {e}")))?;
        report.events_file = Some(events_file);
    }
    add_eras(root, &story, &source, &sheet.eras, &mut report)?;
    if let Some(title) = &sheet.title {
        report.title = apply_title(root, &story, title)?;
    }
    Ok(report)
}

fn read_sheet(file: &Path) -> Result<String, Failure> {
    let bytes =
        fs::read(file).map_err(|e| Failure::new(format!("cannot read {}: {e}", file.display())))?;
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(Failure::new(format!(
            "{} is a workbook (Excel or OpenDocument), not a CSV file",
            file.display()
        ))
        .help(
            "save the sheet as CSV: in Google Sheets, File > Download > Comma-separated values",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        Failure::new(format!(
            "{} is not UTF-8 text (at byte {})",
            file.display(),
            e.utf8_error().valid_up_to()
        ))
        .help("save it as CSV in UTF-8: Google Sheets always does; in Excel choose \"CSV UTF-8\"")
    })
}

/// Appends the eras the story does not have yet to content/eras.toml.
fn add_eras(
    root: &Path,
    story: &RawStory,
    source: &str,
    eras: &[ImportedEra],
    report: &mut Report,
) -> Result<(), Failure> {
    let existing: HashSet<(String, String, Option<String>)> = story
        .eras
        .iter()
        .map(|(_, e)| {
            (
                e.title.clone(),
                e.start.get_ref().clone(),
                e.end.as_ref().map(|end| end.get_ref().clone()),
            )
        })
        .collect();
    let mut text = String::new();
    for era in eras {
        let key = (era.title.clone(), era.start.iso(), era.end.map(|e| e.iso()));
        if existing.contains(&key) {
            report.eras_already_there += 1;
        } else {
            text.push_str(&era_toml(source, era));
            report.eras_added += 1;
        }
    }
    if text.is_empty() {
        return Ok(());
    }
    let path = root.join("content/eras.toml");
    let mut current = match fs::read_to_string(&path) {
        Ok(current) => current,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "# Named periods drawn behind the timeline.\n".to_string()
        }
        Err(e) => return Err(Failure::new(format!("cannot read content/eras.toml: {e}"))),
    };
    if !current.is_empty() && !current.ends_with('\n') {
        current.push('\n');
    }
    current.push_str(&text);
    fs::write(&path, current)
        .map_err(|e| Failure::new(format!("cannot write content/eras.toml: {e}")))
}

/// Sets the site's title and dek from the `title` row, each only where the
/// story has none (or still has `init`'s placeholder). Returns what it did.
fn apply_title(root: &Path, story: &RawStory, row: &TitleRow) -> Result<Vec<String>, Failure> {
    let path = root.join("content/site.toml");
    let from = format!("row {}", row.row);
    if !path.exists() {
        let mut text = format!("title = {}\n", toml_string(&row.title));
        if let Some(subtitle) = &row.subtitle {
            text.push_str(&format!("subtitle = {}\n", toml_string(subtitle)));
        }
        text.push_str("# Where the site will be published: replace with the real address.\nbase_url = \"https://example.org/\"\n");
        scaffold::write_new_file(&path, &text)?;
        return Ok(vec![format!(
            "Wrote content/site.toml with the title from {from}; set its base_url."
        )]);
    }
    let Some((file, site)) = &story.site else {
        return Ok(vec![format!(
            "content/site.toml has errors, so the title from {from} was not used: run `explainer check`."
        )]);
    };
    let text = &story.file(*file).text;
    let mut said = Vec::new();
    // Edits as (byte range, replacement), applied from the end.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let current = site.title.get_ref().trim();
    if current.is_empty() || current == PLACEHOLDER_TITLE {
        edits.push((site.title.span(), toml_string(&row.title)));
        said.push(format!("Set the site's title from {from}: {}", row.title));
    } else if current != row.title {
        said.push(format!(
            "Kept the site's title ({current}); the title in {from} ({}) was not used.",
            row.title
        ));
    }
    if let Some(subtitle) = &row.subtitle {
        match site.subtitle.as_deref().map(str::trim) {
            None => {
                let title_line_end = text[site.title.span().end..]
                    .find('\n')
                    .map_or(text.len(), |i| site.title.span().end + i + 1);
                let line = format!("subtitle = {}\n", toml_string(subtitle));
                let line = if text[..title_line_end].ends_with('\n') {
                    line
                } else {
                    format!("\n{line}")
                };
                edits.push((title_line_end..title_line_end, line));
                said.push(format!("Set the site's dek from {from}."));
            }
            Some(current) if current.is_empty() || current == PLACEHOLDER_SUBTITLE => {
                let placeholder = toml_string(current);
                if let Some(at) = text.find(&placeholder) {
                    edits.push((at..at + placeholder.len(), toml_string(subtitle)));
                    said.push(format!("Set the site's dek from {from}."));
                }
            }
            Some(_) => said.push(format!(
                "Kept the site's dek; the one in {from} was not used."
            )),
        }
    }
    if edits.is_empty() {
        return Ok(said);
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut updated = text.clone();
    for (range, replacement) in edits {
        updated.replace_range(range, &replacement);
    }
    fs::write(&path, updated)
        .map_err(|e| Failure::new(format!("cannot write content/site.toml: {e}")))?;
    Ok(said)
}
