//! Reads `content/` into raw structs that remember where each value came from.
//!
//! Steps: find the files, read each one (UTF-8, byte-order mark, empty files),
//! split front matter from Markdown, and deserialize TOML strictly: every
//! `[[event]]`, `[[source]]`... table on its own, so that one bad table does not
//! hide the problems in the next. Nothing here knows whether an id exists;
//! that is `resolve`'s job.

use std::fs;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::value::Datetime;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile, closest};

/// Index of a file in [`RawStory::files`].
pub type FileId = usize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub title: Spanned<String>,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub base_url: Spanned<String>,
    pub language: Option<Spanned<String>>,
    pub published: Option<Spanned<Datetime>>,
    pub updated: Option<Spanned<Datetime>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub title: Spanned<String>,
    pub weight: Option<i64>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMedia {
    pub src: Spanned<String>,
    pub alt: Option<String>,
    pub caption: Option<Spanned<String>>,
    pub credit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccount {
    pub actor: Spanned<String>,
    pub claim: Spanned<String>,
    pub stance: Option<Spanned<String>>,
    pub status: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub id: Spanned<String>,
    pub date: Spanned<String>,
    #[serde(default)]
    pub approximate: bool,
    pub end_date: Option<Spanned<String>>,
    pub title: Spanned<String>,
    pub summary: Option<Spanned<String>>,
    #[serde(default)]
    pub actors: Vec<Spanned<String>>,
    pub place: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    pub media: Option<Spanned<RawMedia>>,
    #[serde(default)]
    pub accounts: Vec<Spanned<RawAccount>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    pub to: Spanned<String>,
    pub kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActor {
    pub name: Spanned<String>,
    pub kind: Spanned<String>,
    pub role: Option<String>,
    pub country: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub relations: Vec<RawRelation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: Spanned<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub url: Option<Spanned<String>>,
    pub accessed: Option<Spanned<Datetime>>,
    pub archive_url: Option<Spanned<String>>,
    pub language: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUpdate {
    pub date: Spanned<Datetime>,
    pub kind: Spanned<String>,
    pub note: Spanned<String>,
    #[serde(default)]
    pub events: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEra {
    pub title: String,
    pub start: Spanned<String>,
    pub end: Option<Spanned<String>>,
}

/// A Markdown file's parts: TOML front matter and the body, with the body's offset.
#[derive(Debug)]
pub struct Document<T> {
    pub file: FileId,
    pub front: T,
    pub body: Range<usize>,
}

/// Everything read from `content/`, unvalidated.
#[derive(Debug, Default)]
pub struct RawStory {
    pub files: Vec<SourceFile>,
    pub site: Option<(FileId, RawSite)>,
    pub sections: Vec<Document<RawSection>>,
    pub events: Vec<(FileId, RawEvent)>,
    /// Actor documents with their id, the file stem.
    pub actors: Vec<(String, Document<RawActor>)>,
    pub sources: Vec<(FileId, RawSource)>,
    pub updates: Vec<(FileId, RawUpdate)>,
    pub eras: Vec<(FileId, RawEra)>,
    /// Ids of items that exist but could not be read (their error is reported),
    /// so references to them do not pile up as more errors.
    pub broken: BrokenIds,
}

#[derive(Debug, Default)]
pub struct BrokenIds {
    pub sections: Vec<String>,
    pub events: Vec<String>,
    pub actors: Vec<String>,
    pub sources: Vec<String>,
}

impl RawStory {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }
}

const CONTENT_FILES: [&str; 4] = ["site.toml", "sources.toml", "updates.toml", "eras.toml"];
const CONTENT_FOLDERS: [&str; 3] = ["story", "events", "actors"];

/// Reads the story under `root`. Problems go to `diagnostics`; what could be read is returned.
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> RawStory {
    let mut story = RawStory::default();
    let content = root.join("content");
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::whole_file(Severity::Error, "content", "no `content/` folder here")
                .help("run explainer in a story folder, point --root at one, or start one with `explainer init DIR`"),
        );
        return story;
    }
    warn_about_unknown_entries(&content, diagnostics);

    match read(root, "content/site.toml", diagnostics) {
        Some(file) => {
            let id = story.push_file(file);
            if let Some(site) = parse_whole(story.file(id), diagnostics) {
                story.site = Some((id, site));
            }
        }
        None if !content.join("site.toml").exists() => diagnostics.push(
            Diagnostic::whole_file(Severity::Error, "content/site.toml", "the site file is missing")
                .help("create content/site.toml with at least `title = \"...\"` and `base_url = \"https://...\"`"),
        ),
        None => {}
    }

    for path in list(root, "content/story", "md", diagnostics) {
        if let Some(file) = read(root, &path, diagnostics) {
            let id = story.push_file(file);
            match parse_document(&story, id, diagnostics) {
                Some(doc) => story.sections.push(doc),
                None => story.broken.sections.push(path.clone()),
            }
        }
    }
    for path in list(root, "content/events", "toml", diagnostics) {
        if let Some(file) = read(root, &path, diagnostics) {
            let id = story.push_file(file);
            let (events, broken) = parse_tables(story.file(id), "event", diagnostics);
            story.events.extend(events.into_iter().map(|e| (id, e)));
            story.broken.events.extend(broken);
        }
    }
    for path in list(root, "content/actors", "md", diagnostics) {
        if let Some(file) = read(root, &path, diagnostics) {
            let id = story.push_file(file);
            let stem = file_stem(&path).to_string();
            match parse_document(&story, id, diagnostics) {
                Some(doc) => story.actors.push((stem, doc)),
                None => story.broken.actors.push(stem),
            }
        }
    }
    if let Some(id) = read_optional(&mut story, root, "content/sources.toml", diagnostics) {
        let (sources, broken) = parse_tables(story.file(id), "source", diagnostics);
        story.sources = sources.into_iter().map(|s| (id, s)).collect();
        story.broken.sources = broken;
    }
    if let Some(id) = read_optional(&mut story, root, "content/updates.toml", diagnostics) {
        let (updates, _) = parse_tables(story.file(id), "update", diagnostics);
        story.updates = updates.into_iter().map(|u| (id, u)).collect();
    }
    if let Some(id) = read_optional(&mut story, root, "content/eras.toml", diagnostics) {
        let (eras, _) = parse_tables(story.file(id), "era", diagnostics);
        story.eras = eras.into_iter().map(|e| (id, e)).collect();
    }
    story
}

impl RawStory {
    fn push_file(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        self.files.len() - 1
    }
}

fn read_optional(
    story: &mut RawStory,
    root: &Path,
    path: &str,
    diagnostics: &mut Diagnostics,
) -> Option<FileId> {
    if !root.join(path).exists() {
        return None;
    }
    read(root, path, diagnostics).map(|file| story.push_file(file))
}

pub fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Files an editor's tools leave beside the real ones.
pub fn is_editor_litter(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name == "4913"
}

/// The files with extension `ext` under `root/folder`, as story-relative paths, sorted.
fn list(root: &Path, folder: &str, ext: &str, diagnostics: &mut Diagnostics) -> Vec<String> {
    let dir = root.join(folder);
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut paths = Vec::new();
    let walker = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_editor_litter(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map_or_else(|| folder.to_string(), relative);
                let message = if error.loop_ancestor().is_some() {
                    "this link points back to a folder that contains it (a symlink loop)"
                        .to_string()
                } else {
                    format!("cannot read: {}", io_message(error.io_error()))
                };
                diagnostics.push(
                    Diagnostic::whole_file(Severity::Error, &path, message)
                        .help("remove the link or point it somewhere else"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = relative(rel);
        if rel.ends_with(&format!(".{ext}")) {
            paths.push(rel);
        } else {
            diagnostics.push(
                Diagnostic::whole_file(
                    Severity::Warning,
                    &rel,
                    format!("this file is ignored: files in {folder}/ must end in .{ext}"),
                )
                .help(format!(
                    "rename it to end in .{ext}, or move it out of {folder}/"
                )),
            );
        }
    }
    paths
}

fn io_message(error: Option<&std::io::Error>) -> String {
    error.map_or_else(|| "unknown error".to_string(), |e| e.to_string())
}

/// A story-relative path with forward slashes, whatever the platform.
pub fn relative(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn warn_about_unknown_entries(content: &Path, diagnostics: &mut Diagnostics) {
    let Ok(entries) = fs::read_dir(content) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !is_editor_litter(name))
        .collect();
    names.sort();
    for name in names {
        let known =
            CONTENT_FILES.contains(&name.as_str()) || CONTENT_FOLDERS.contains(&name.as_str());
        if known {
            continue;
        }
        let candidates = CONTENT_FILES.iter().chain(&CONTENT_FOLDERS).copied();
        let help = match closest(&name, candidates) {
            Some(near) => format!("did you mean `content/{near}`?"),
            None => format!(
                "content/ holds {} and the folders {}/",
                CONTENT_FILES.join(", "),
                CONTENT_FOLDERS.join("/, ")
            ),
        };
        diagnostics.push(
            Diagnostic::whole_file(
                Severity::Warning,
                &format!("content/{name}"),
                "explainer does not know this file or folder and ignores it",
            )
            .help(help),
        );
    }
}

/// Reads a text file: UTF-8 (a byte-order mark is dropped), not empty.
fn read(root: &Path, path: &str, diagnostics: &mut Diagnostics) -> Option<SourceFile> {
    let bytes = match fs::read(root.join(path)) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(Diagnostic::whole_file(
                Severity::Error,
                path,
                format!("cannot read this file: {error}"),
            ));
            return None;
        }
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.valid_up_to();
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let file = SourceFile::new(path, lossy);
            let at = String::from_utf8_lossy(&bytes[..valid]).len();
            diagnostics.push(
                file.diagnostic(Severity::Error, at..at + 1, "this file is not UTF-8 text")
                    .help("save it as UTF-8 (every editor has the option under \"Save as\" or \"Encoding\")"),
            );
            return None;
        }
    };
    if text.trim().is_empty() {
        diagnostics.push(
            Diagnostic::whole_file(Severity::Error, path, "this file is empty")
                .help("write its content, or delete the file"),
        );
        return None;
    }
    Some(SourceFile::new(path, text))
}

/// Splits `+++` front matter from the body: (front matter range, body range).
pub fn split_front_matter(text: &str) -> Result<(Range<usize>, Range<usize>), FrontMatterError> {
    let mut lines = line_ranges(text);
    let Some(first) = lines.next() else {
        return Err(FrontMatterError::Missing);
    };
    if text[first.clone()].trim_end() != "+++" {
        return Err(FrontMatterError::Missing);
    }
    let front_start = (first.end + 1).min(text.len());
    for line in lines {
        if text[line.clone()].trim_end() == "+++" {
            let body_start = text[line.end..]
                .strip_prefix("\r\n")
                .or_else(|| text[line.end..].strip_prefix('\n'))
                .map_or(line.end, |rest| text.len() - rest.len());
            return Ok((front_start..line.start, body_start..text.len()));
        }
    }
    Err(FrontMatterError::Unclosed)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontMatterError {
    Missing,
    Unclosed,
}

/// Byte ranges of each line, without the line break.
fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let range = start..end;
        start = end + 1;
        Some(range)
    })
}

fn parse_document<T: DeserializeOwned>(
    story: &RawStory,
    id: FileId,
    diagnostics: &mut Diagnostics,
) -> Option<Document<T>> {
    let file = story.file(id);
    let (front, body) = match split_front_matter(&file.text) {
        Ok(parts) => parts,
        Err(FrontMatterError::Missing) => {
            diagnostics.error_help(
                file,
                0..file.text.find('\n').unwrap_or(file.text.len()),
                "this file does not start with `+++` front matter",
                "put the settings first, between two lines of `+++`:\n+++\ntitle = \"...\"\n+++",
            );
            return None;
        }
        Err(FrontMatterError::Unclosed) => {
            diagnostics.error_help(
                file,
                0..3,
                "the front matter opened here is never closed",
                "add a line with only `+++` after the settings, before the text",
            );
            return None;
        }
    };
    let padded = blank_before(&file.text, front);
    let front = parse_value::<T>(file, &padded, diagnostics)?;
    Some(Document {
        file: id,
        front,
        body,
    })
}

/// The front matter with the `+++` line before it blanked, so that the TOML
/// parser's spans are offsets into the whole file.
fn blank_before(text: &str, front: Range<usize>) -> String {
    let mut padded: String = " ".repeat(front.start);
    padded.push_str(&text[front]);
    padded
}

fn parse_whole<T: DeserializeOwned>(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<T> {
    parse_value(file, &file.text, diagnostics)
}

fn parse_value<T: DeserializeOwned>(
    file: &SourceFile,
    text: &str,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    let table = parse_syntax(file, text, diagnostics)?;
    deserialize(
        file,
        Spanned::new(table.span(), DeValue::Table(table.into_inner())),
        "",
        diagnostics,
    )
}

fn parse_syntax<'t>(
    file: &SourceFile,
    text: &'t str,
    diagnostics: &mut Diagnostics,
) -> Option<Spanned<DeTable<'t>>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Some(table);
    }
    for error in errors {
        let span = error.span().unwrap_or(0..0);
        diagnostics.error_help(
            file,
            span,
            format!("this is not valid TOML: {}", first_line(error.message())),
            "values need quotes (`title = \"Text\"`), dates need the form 2025-07-03, lists need [ ]",
        );
    }
    None
}

/// Reads every `[[name]]` table of a file on its own, reporting each bad one.
/// Returns the good tables and the `id`s of the bad ones.
fn parse_tables<T: DeserializeOwned>(
    file: &SourceFile,
    name: &str,
    diagnostics: &mut Diagnostics,
) -> (Vec<T>, Vec<String>) {
    let Some(table) = parse_syntax(file, &file.text, diagnostics) else {
        return (Vec::new(), Vec::new());
    };
    let mut items = Vec::new();
    let mut broken = Vec::new();
    for (key, value) in table.into_inner() {
        if key.get_ref().as_ref() != name {
            let key_text = key.get_ref().as_ref();
            let help = if key_text.starts_with(name) || closest(key_text, [name]).is_some() {
                format!("did you mean `[[{name}]]`?")
            } else {
                format!("this file holds only `[[{name}]]` tables")
            };
            diagnostics.error_help(
                file,
                key.span(),
                format!("unknown table `{key_text}` in this file"),
                help,
            );
            continue;
        }
        let span = value.span();
        match value.into_inner() {
            DeValue::Array(array) => {
                for element in array {
                    let id = element
                        .get_ref()
                        .get("id")
                        .and_then(|id| id.get_ref().as_str())
                        .map(str::to_string);
                    match deserialize(file, element, name, diagnostics) {
                        Some(item) => items.push(item),
                        None => broken.extend(id),
                    }
                }
            }
            _ => diagnostics.error_help(
                file,
                span,
                format!("`{name}` must be written as `[[{name}]]` tables"),
                format!("start each entry with a line `[[{name}]]`"),
            ),
        }
    }
    (items, broken)
}

fn deserialize<T: DeserializeOwned>(
    file: &SourceFile,
    value: Spanned<DeValue<'_>>,
    table: &str,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    let whole = value.span();
    match T::deserialize(ValueDeserializer::from(value)) {
        Ok(item) => Some(item),
        Err(error) => {
            let span = error.span().unwrap_or(whole.clone());
            let (message, help) = explain_serde_error(error.message(), table);
            let span = if message.starts_with("missing") {
                // Point at the table's header, not its whole body.
                whole.start..whole.start + file.text[whole.clone()].find('\n').unwrap_or(1)
            } else {
                span
            };
            diagnostics.push(file.diagnostic(Severity::Error, span, message).help(help));
            None
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text).trim()
}

/// Turns serde's wording into an editor's: what is wrong and what to write.
fn explain_serde_error(message: &str, table: &str) -> (String, String) {
    let message = first_line(message);
    let place = if table.is_empty() {
        String::new()
    } else {
        format!(" in `[[{table}]]`")
    };
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((key, expected)) = rest.split_once('`')
    {
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let help = match closest(key, allowed.iter().copied()) {
            Some(near) => format!(
                "did you mean `{near}`? allowed keys: {}",
                allowed.join(", ")
            ),
            None => format!("allowed keys: {}", allowed.join(", ")),
        };
        return (format!("unknown key `{key}`{place}"), help);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.trim_end_matches('`');
        return (
            format!("missing required key `{key}`{place}"),
            format!("add a line `{key} = ...` to this table"),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let help = if rest.contains("expected a string") {
            "write the value in quotes, like \"2025-06\" or \"Text\""
        } else if rest.contains("a boolean") {
            "write true or false, without quotes"
        } else if rest.contains("sequence") {
            "write a list in brackets, like [\"a\", \"b\"]"
        } else if rest.contains("Datetime") || rest.contains("date") {
            "write a date without quotes, like 2025-07-03"
        } else {
            "check the value's form against docs/content-format.md"
        };
        return (
            format!("wrong kind of value{place}: {rest}"),
            help.to_string(),
        );
    }
    (
        format!("{message}{place}"),
        "check the value's form against docs/content-format.md".to_string(),
    )
}

/// Where the text of a TOML string value starts, if the file holds it verbatim
/// (no escapes), so Markdown spans inside it map to exact file positions.
pub fn string_content_start(file: &SourceFile, value: &Spanned<String>) -> Option<usize> {
    let span = value.span();
    let raw = file.text.get(span.clone())?;
    let (open, close) = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        (3, 3)
    } else {
        (1, 1)
    };
    let inner = raw.get(open..raw.len().checked_sub(close)?)?;
    let trimmed = if open == 3 {
        inner
            .strip_prefix("\r\n")
            .or_else(|| inner.strip_prefix('\n'))
            .unwrap_or(inner)
    } else {
        inner
    };
    let start = span.start + open + (inner.len() - trimmed.len());
    (trimmed == value.get_ref().as_str()).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_with_crlf_and_bom_free_text() {
        let text = "+++\r\ntitle = \"A\"\r\n+++\r\nBody\r\n";
        let (front, body) = split_front_matter(text).unwrap();
        assert_eq!(&text[front], "title = \"A\"\r\n");
        assert_eq!(&text[body], "Body\r\n");
    }

    #[test]
    fn front_matter_never_closed_is_an_error() {
        assert_eq!(
            split_front_matter("+++\ntitle = \"A\"\nBody"),
            Err(FrontMatterError::Unclosed)
        );
        assert_eq!(
            split_front_matter("title = 1"),
            Err(FrontMatterError::Missing)
        );
    }

    #[test]
    fn unknown_keys_name_the_closest_allowed_key() {
        let (message, help) = explain_serde_error(
            "unknown field `titel`, expected one of `id`, `date`, `title`",
            "event",
        );
        assert_eq!(message, "unknown key `titel` in `[[event]]`");
        assert_eq!(help, "did you mean `title`? allowed keys: id, date, title");
    }
}
