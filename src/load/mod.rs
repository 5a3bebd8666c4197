//! Reads `content/` into raw structs that remember where each value came from.
//!
//! Steps: find the files, read each one (UTF-8, byte-order mark, empty files),
//! split front matter from Markdown, and deserialize TOML strictly: every
//! `[[event]]`, `[[source]]`... table on its own, so that one bad table does not
//! hide the problems in the next. Nothing here knows whether an id exists;
//! that is `resolve`'s job.

use std::collections::HashMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeArray, DeString, DeTable, DeValue, ValueDeserializer};
use toml::value::Datetime;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile, closest};

/// Index of a file in [`RawStory::files`].
pub type FileId = usize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub title: Spanned<String>,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub base_url: Spanned<String>,
    pub language: Option<Spanned<String>>,
    pub published: Option<Spanned<Datetime>>,
    pub updated: Option<Spanned<Datetime>>,
    /// Minify the HTML and CSS the build writes.
    #[serde(default)]
    pub minify: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub title: Spanned<String>,
    pub weight: Option<i64>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMedia {
    pub src: Spanned<String>,
    pub alt: Option<String>,
    pub caption: Option<Spanned<String>>,
    pub credit: Option<String>,
    /// Other sizes of the same picture: `["images/x-480.jpg 480w", ...]`.
    #[serde(default)]
    pub srcset: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccount {
    pub actor: Spanned<String>,
    pub claim: Spanned<String>,
    pub stance: Option<Spanned<String>>,
    pub status: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    pub to: Spanned<String>,
    pub kind: String,
}

#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUpdate {
    pub date: Spanned<Datetime>,
    pub kind: Spanned<String>,
    pub note: Spanned<String>,
    #[serde(default)]
    pub events: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEra {
    pub title: String,
    pub start: Spanned<String>,
    pub end: Option<Spanned<String>>,
}

/// A Markdown file's parts: TOML front matter and the body, with the body's offset.
#[derive(Debug, Clone)]
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
    /// Every file the site will have from static/ (built-in or the story's), by path.
    pub static_paths: std::collections::BTreeSet<String>,
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
    load_with(root, diagnostics, None)
}

/// [`load`], reusing what `cache` holds for files whose bytes have not
/// changed since it was filled, and filling it with what was parsed now.
pub fn load_cached(root: &Path, diagnostics: &mut Diagnostics, cache: &mut LoadCache) -> RawStory {
    load_with(root, diagnostics, Some(cache))
}

/// Files are parsed in parallel, then put together in a fixed order.
fn load_with(
    root: &Path,
    diagnostics: &mut Diagnostics,
    cache: Option<&mut LoadCache>,
) -> RawStory {
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

    let mut jobs: Vec<(String, Kind)> = Vec::new();
    if !content.join("site.toml").exists() {
        diagnostics.push(
            Diagnostic::whole_file(Severity::Error, "content/site.toml", "the site file is missing")
                .help("create content/site.toml with at least two lines:\ntitle = \"The story's title\"\nbase_url = \"https://example.org/my-story/\""),
        );
    } else {
        jobs.push(("content/site.toml".into(), Kind::Site));
    }
    for (folder, ext, kind) in [
        ("content/story", "md", Kind::Section),
        ("content/events", "toml", Kind::Events),
        ("content/actors", "md", Kind::Actor),
    ] {
        let paths = list(root, folder, ext, diagnostics);
        jobs.extend(paths.into_iter().map(|path| (path, kind)));
    }
    for (name, kind) in [
        ("sources.toml", Kind::Sources),
        ("updates.toml", Kind::Updates),
        ("eras.toml", Kind::Eras),
    ] {
        if content.join(name).exists() {
            jobs.push((format!("content/{name}"), kind));
        }
    }

    // A file's path says what kind it is, so its bytes alone decide reuse.
    let seen = cache.as_deref().map(|c| &c.files);
    let parsed: Vec<(String, Option<Vec<u8>>, Parsed)> = jobs
        .into_par_iter()
        .map(|(path, kind)| {
            let bytes = fs::read(root.join(&path));
            let parsed = match (&bytes, seen.and_then(|files| files.get(&path))) {
                (Ok(bytes), Some((before, parsed))) if before == bytes => parsed.clone(),
                _ => parse_file(&path, kind, bytes.as_deref()),
            };
            // The bytes are kept only for the cache.
            let kept = seen.map(|_| bytes.unwrap_or_default());
            (path, kept, parsed)
        })
        .collect();

    let mut kept = HashMap::new();
    for (path, bytes, parsed) in parsed {
        match bytes {
            Some(bytes) => {
                story.add(&path, parsed.clone(), diagnostics);
                kept.insert(path, (bytes, parsed));
            }
            None => story.add(&path, parsed, diagnostics),
        }
    }
    if let Some(cache) = cache {
        cache.files = kept;
    }
    story
}

/// What [`load_cached`] keeps between builds: each file's bytes and what they gave.
#[derive(Debug, Default)]
pub struct LoadCache {
    files: HashMap<String, (Vec<u8>, Parsed)>,
}

/// Which kind of content a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Site,
    Section,
    Events,
    Actor,
    Sources,
    Updates,
    Eras,
}

/// What one file gave, before it has a [`FileId`].
#[derive(Debug, Clone)]
struct Parsed {
    kind: Kind,
    file: Option<SourceFile>,
    items: Items,
    /// Ids of the items it defines that could not be read.
    broken: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone)]
enum Items {
    Site(Option<RawSite>),
    Section(Option<Document<RawSection>>),
    Events(Vec<RawEvent>),
    Actor(Option<Document<RawActor>>),
    Sources(Vec<RawSource>),
    Updates(Vec<RawUpdate>),
    Eras(Vec<RawEra>),
}

/// Reads and parses one file on its own: nothing here depends on other files.
fn parse_file(path: &str, kind: Kind, bytes: Result<&[u8], &std::io::Error>) -> Parsed {
    let mut diagnostics = Diagnostics::default();
    let read = match bytes {
        Ok(bytes) => decode(path, bytes, &mut diagnostics),
        Err(error) => {
            diagnostics.push(
                Diagnostic::whole_file(Severity::Error, path, format!("cannot read this file: {error}"))
                    .help("make it readable (check its permissions, and that it is a file, not a folder), or remove it"),
            );
            Read::Unusable(None)
        }
    };
    let (file, items, broken) = match read {
        Read::Text(file) => {
            let d = &mut diagnostics;
            let (items, broken) = match kind {
                Kind::Site => (Items::Site(parse_whole(&file, d)), Vec::new()),
                Kind::Section => {
                    let doc = parse_document(&file, Front::Section, d);
                    let broken = if doc.is_none() {
                        vec![path.to_string()]
                    } else {
                        Vec::new()
                    };
                    (Items::Section(doc), broken)
                }
                Kind::Actor => {
                    let doc = parse_document(&file, Front::Actor, d);
                    let broken = if doc.is_none() {
                        vec![file_stem(path).to_string()]
                    } else {
                        Vec::new()
                    };
                    (Items::Actor(doc), broken)
                }
                Kind::Events => {
                    let (items, broken) = parse_tables(&file, "event", d);
                    (Items::Events(items), broken)
                }
                Kind::Sources => {
                    let (items, broken) = parse_tables(&file, "source", d);
                    (Items::Sources(items), broken)
                }
                Kind::Updates => (
                    Items::Updates(parse_tables(&file, "update", d).0),
                    Vec::new(),
                ),
                Kind::Eras => (Items::Eras(parse_tables(&file, "era", d).0), Vec::new()),
            };
            (Some(file), items, broken)
        }
        Read::Unusable(lossy) => {
            let broken = match kind {
                Kind::Section => vec![path.to_string()],
                Kind::Actor => vec![file_stem(path).to_string()],
                Kind::Events => lossy.map_or_else(Vec::new, |text| ids_in_text(&text, "event")),
                Kind::Sources => lossy.map_or_else(Vec::new, |text| ids_in_text(&text, "source")),
                Kind::Site | Kind::Updates | Kind::Eras => Vec::new(),
            };
            (None, Items::empty(kind), broken)
        }
    };
    Parsed {
        kind,
        file,
        items,
        broken,
        diagnostics: diagnostics.into_sorted(),
    }
}

impl Items {
    fn empty(kind: Kind) -> Items {
        match kind {
            Kind::Site => Items::Site(None),
            Kind::Section => Items::Section(None),
            Kind::Events => Items::Events(Vec::new()),
            Kind::Actor => Items::Actor(None),
            Kind::Sources => Items::Sources(Vec::new()),
            Kind::Updates => Items::Updates(Vec::new()),
            Kind::Eras => Items::Eras(Vec::new()),
        }
    }
}

impl RawStory {
    /// Adds what one file gave, numbering the file.
    fn add(&mut self, path: &str, parsed: Parsed, diagnostics: &mut Diagnostics) {
        for diagnostic in parsed.diagnostics {
            diagnostics.push(diagnostic);
        }
        let id = self.files.len();
        if let Some(file) = parsed.file {
            self.files.push(file);
        }
        match parsed.items {
            Items::Site(site) => self.site = site.map(|site| (id, site)),
            Items::Section(Some(doc)) => self.sections.push(Document { file: id, ..doc }),
            Items::Actor(Some(doc)) => {
                let stem = file_stem(path).to_string();
                self.actors.push((stem, Document { file: id, ..doc }));
            }
            Items::Section(None) | Items::Actor(None) => {}
            Items::Events(events) => self.events.extend(events.into_iter().map(|e| (id, e))),
            Items::Sources(sources) => {
                self.sources = sources.into_iter().map(|s| (id, s)).collect()
            }
            Items::Updates(updates) => {
                self.updates = updates.into_iter().map(|u| (id, u)).collect()
            }
            Items::Eras(eras) => self.eras = eras.into_iter().map(|e| (id, e)).collect(),
        }
        let broken = parsed.broken;
        match parsed.kind {
            Kind::Section => self.broken.sections.extend(broken),
            Kind::Events => self.broken.events.extend(broken),
            Kind::Actor => self.broken.actors.extend(broken),
            Kind::Sources => self.broken.sources = broken,
            Kind::Site | Kind::Updates | Kind::Eras => {}
        }
    }
}

/// The ids of a file's `[[name]]` tables, from text that is not valid TOML or UTF-8.
fn ids_in_text(text: &str, name: &str) -> Vec<String> {
    let (table, _) = DeTable::parse_recoverable(text);
    ids_in(table.get_ref(), name)
}

/// The `id` of every `[[name]]` table, read from a table that may be broken.
fn ids_in(table: &DeTable<'_>, name: &str) -> Vec<String> {
    let Some(DeValue::Array(array)) = table.get(name).map(Spanned::get_ref) else {
        return Vec::new();
    };
    array
        .iter()
        .filter_map(|element| element.get_ref().get("id"))
        .filter_map(|id| id.get_ref().as_str().map(str::to_string))
        .collect()
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

/// Every file under `root/folder`, following links, sorted by name, editor
/// litter skipped: (path relative to `folder`, full path). Entries that cannot
/// be read, symlink loops among them, are reported.
pub fn files_under(
    root: &Path,
    folder: &str,
    diagnostics: &mut Diagnostics,
) -> Vec<(String, PathBuf)> {
    let dir = root.join(folder);
    if !dir.is_dir() {
        return Vec::new();
    }
    let top = folder.split('/').next().unwrap_or(folder);
    let mut files = Vec::new();
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
                let (message, help) = if error.loop_ancestor().is_some() {
                    (
                        "this link points back to a folder that contains it (a symlink loop)"
                            .to_string(),
                        "remove the link or point it somewhere else".to_string(),
                    )
                } else {
                    (
                        format!("cannot read: {}", io_message(error.io_error())),
                        format!(
                            "make it readable (check its permissions and that a link points to a file that exists), or move it out of {top}/"
                        ),
                    )
                };
                diagnostics
                    .push(Diagnostic::whole_file(Severity::Error, &path, message).help(help));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        if let Ok(rel) = entry.path().strip_prefix(&dir) {
            files.push((relative(rel), entry.path().to_path_buf()));
        }
    }
    files
}

/// The files with extension `ext` under `root/folder`, as story-relative paths, sorted.
fn list(root: &Path, folder: &str, ext: &str, diagnostics: &mut Diagnostics) -> Vec<String> {
    let mut paths = Vec::new();
    for (rel, _) in files_under(root, folder, diagnostics) {
        let rel = format!("{folder}/{rel}");
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

/// A file as read: its text, or nothing usable (its error is reported).
enum Read {
    Text(SourceFile),
    /// The text with bad bytes replaced when it was not UTF-8, to find the ids it defines.
    Unusable(Option<String>),
}

/// A file's bytes as text: UTF-8 (a byte-order mark is dropped), not empty.
fn decode(path: &str, bytes: &[u8], diagnostics: &mut Diagnostics) -> Read {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        diagnostics.push(
            Diagnostic::whole_file(Severity::Error, path, "this file is saved as UTF-16, not UTF-8")
                .help("save it again choosing the encoding \"UTF-8\" (in the \"Save as\" or \"Encoding\" menu)"),
        );
        return Read::Unusable(None);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let at = error.valid_up_to();
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let file = SourceFile::new(path, lossy);
            diagnostics.push(
                file.diagnostic(Severity::Error, at..at + 1, "this file is not UTF-8 text: the character marked here cannot be read")
                    .help("save it again choosing the encoding \"UTF-8\" (in the \"Save as\" or \"Encoding\" menu), then check the marked character"),
            );
            return Read::Unusable(Some(file.text));
        }
    };
    if text.trim().is_empty() {
        diagnostics.push(
            Diagnostic::whole_file(Severity::Error, path, "this file is empty").help(format!(
                "write its content, or delete the file. The least it needs:\n{}",
                skeleton(path)
            )),
        );
        return Read::Unusable(None);
    }
    Read::Text(SourceFile::new(path, text))
}

/// The smallest valid content of a file at `path`, for help lines.
fn skeleton(path: &str) -> &'static str {
    let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
    match (folder, file_stem(path)) {
        ("content/story", _) => "+++\ntitle = \"The section's title\"\n+++\nThe text, in Markdown.",
        ("content/actors", _) => {
            "+++\nname = \"Full name\"\nkind = \"person\"\n+++\nA short biography, in Markdown."
        }
        ("content/events", _) => {
            "[[event]]\nid = \"short-id\"\ndate = \"2025-06-27\"\ntitle = \"What happened\""
        }
        (_, "sources") => "[[source]]\nid = \"short-id\"\ntitle = \"The source's title\"",
        (_, "updates") => {
            "[[update]]\ndate = 2025-07-04\nkind = \"update\"\nnote = \"What changed.\""
        }
        (_, "eras") => "[[era]]\ntitle = \"The era's name\"\nstart = \"1991-12\"",
        _ => "title = \"The story's title\"\nbase_url = \"https://example.org/my-story/\"",
    }
}

/// Splits `+++` front matter from the body: (front matter range, body range).
/// Blank lines before the opening `+++` are allowed.
pub fn split_front_matter(text: &str) -> Result<(Range<usize>, Range<usize>), FrontMatterError> {
    let mut lines = line_ranges(text).skip_while(|line| text[line.clone()].trim().is_empty());
    let Some(first) = lines.next() else {
        return Err(FrontMatterError::Missing);
    };
    match text[first.clone()].trim_end() {
        "+++" => {}
        "---" => return Err(FrontMatterError::Yaml),
        _ => return Err(FrontMatterError::Missing),
    }
    let front_start = (first.end + 1).min(text.len());
    for line in lines {
        if text[line.clone()].trim_end() == "+++" {
            let rest = &text[line.end..];
            let body_start = match rest.strip_prefix('\n') {
                Some(_) => line.end + 1,
                None => line.end,
            };
            return Ok((front_start..line.start, body_start..text.len()));
        }
    }
    Err(FrontMatterError::Unclosed)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontMatterError {
    /// The file does not start with a `+++` line.
    Missing,
    /// It starts with `---`, the YAML front matter of other tools.
    Yaml,
    /// The opening `+++` has no closing one.
    Unclosed,
}

/// Byte ranges of each line, without the line break (`\n`; a `\r` before it stays).
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

/// What a Markdown file describes, for wording its problems.
#[derive(Debug, Clone, Copy)]
enum Front {
    Section,
    Actor,
}

fn parse_document<T: DeserializeOwned>(
    file: &SourceFile,
    kind: Front,
    diagnostics: &mut Diagnostics,
) -> Option<Document<T>> {
    let example = match kind {
        Front::Section => "+++\ntitle = \"The section's title\"\n+++",
        Front::Actor => "+++\nname = \"Full name\"\nkind = \"person\"\n+++",
    };
    let first_line = |text: &str| {
        let start = text.len() - text.trim_start().len();
        let start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        start..text[start..].find('\n').map_or(text.len(), |i| start + i)
    };
    let (front, body) = match split_front_matter(&file.text) {
        Ok(parts) => parts,
        Err(FrontMatterError::Missing) => {
            diagnostics.error_help(
                file,
                first_line(&file.text),
                "this file does not start with `+++` front matter",
                format!(
                    "put the settings first, between two lines of `+++`, then the text:\n{example}"
                ),
            );
            return None;
        }
        Err(FrontMatterError::Yaml) => {
            diagnostics.error_help(
                file,
                first_line(&file.text),
                "front matter here is written between `+++` lines, not `---`",
                "replace both `---` lines with `+++`, and write each setting as key = \"value\"",
            );
            return None;
        }
        Err(FrontMatterError::Unclosed) => {
            diagnostics.error_help(
                file,
                first_line(&file.text),
                "the front matter opened here is never closed",
                "add a line with only `+++` after the last setting, before the text",
            );
            return None;
        }
    };
    // The opening `+++` line: where a missing key is reported.
    let opening = first_line(&file.text);
    let padded = blank_before(&file.text, front);
    let (table, ok) = parse_syntax(file, &padded, diagnostics);
    if !ok {
        return None;
    }
    let value = Spanned::new(table.span(), DeValue::Table(table.into_inner()));
    let front = deserialize(file, value, "", Some(opening), diagnostics)?;
    Some(Document {
        // Numbered when the story is put together: see `RawStory::add`.
        file: 0,
        front,
        body,
    })
}

/// The front matter with everything before it blanked, so that the TOML
/// parser's spans are offsets into the whole file.
fn blank_before(text: &str, front: Range<usize>) -> String {
    let mut padded: String = " ".repeat(front.start);
    padded.push_str(&text[front]);
    padded
}

fn parse_whole<T: DeserializeOwned>(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<T> {
    let (table, ok) = parse_syntax(file, &file.text, diagnostics);
    if !ok {
        return None;
    }
    let value = Spanned::new(table.span(), DeValue::Table(table.into_inner()));
    deserialize(file, value, "", None, diagnostics)
}

/// Parses TOML, reporting every syntax error. Returns the table (recovered as
/// well as possible when there were errors) and whether it was valid.
fn parse_syntax<'t>(
    file: &SourceFile,
    text: &'t str,
    diagnostics: &mut Diagnostics,
) -> (Spanned<DeTable<'t>>, bool) {
    let (table, mut errors) = DeTable::parse_recoverable(text);
    let ok = errors.is_empty();
    errors.sort_by_key(|e| e.span().map(|s| s.start));
    // One error a line is enough, and a run of keys set twice (a missing
    // header line) is one mistake.
    let mut last: Option<(usize, bool)> = None;
    for error in errors {
        let span = error.span().unwrap_or(0..0);
        let message = first_line(error.message());
        let line = text[..floor_boundary(text, span.start.min(text.len()))]
            .matches('\n')
            .count();
        let twice = message.starts_with("duplicate key");
        let follows = last.is_some_and(|(before, was_twice)| {
            before == line || (twice && was_twice && before + 1 == line)
        });
        last = Some((line, twice));
        if follows {
            continue;
        }
        let (message, help) = explain_syntax(message, &file.text, &span);
        diagnostics.error_help(file, span, message, help);
    }
    (table, ok)
}

/// Turns the TOML parser's wording into an editor's: what is wrong, what to write.
fn explain_syntax(message: &str, text: &str, span: &Range<usize>) -> (String, String) {
    let line = {
        let at = span.start.min(text.len());
        let at = floor_boundary(text, at);
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        text[start..end].trim()
    };
    let spanned = text.get(span.clone()).unwrap_or("");
    let key = line.split('=').next().unwrap_or("").trim();
    let value = line.split_once('=').map_or("", |(_, v)| v.trim());
    let (what, help): (&str, String) = if message.starts_with("string values must be quoted") {
        (
            "text must be in quotes",
            format!("write {key} = \"{}\"", value.trim_matches(['"', '\''])),
        )
    } else if message.starts_with("invalid basic string") {
        (
            "this text has no closing quote",
            "end the text with `\"` on the same line; for text over several lines, open and close it with three quotes: \"\"\"".into(),
        )
    } else if message.starts_with("invalid multi-line basic string")
        || message.starts_with("invalid multi-line literal string")
    {
        (
            "this text has no closing `\"\"\"`",
            "end the text with three quotes: \"\"\"".into(),
        )
    } else if message.starts_with("invalid literal string") {
        (
            "this text has no closing quote",
            "end the text with `'` on the same line, or put it in double quotes: \"...\"".into(),
        )
    } else if message.starts_with("missing escaped value") || message.starts_with("invalid escape")
    {
        (
            "a backslash in quoted text must start an escape like \\n or \\\"",
            "write \\\\ for a backslash, or put the text in single quotes: 'C:\\folder'".into(),
        )
    } else if message.starts_with("duplicate key") {
        (
            "this key is set twice",
            format!(
                "keep one `{spanned}` line; if a new entry starts here, add its header line (like [[event]]) before it"
            ),
        )
    } else if message.starts_with("unexpected key or value") {
        (
            "unexpected text after the value",
            "write one `key = value` a line; to put a `\"` inside text write \\\", or use single quotes around it: 'He said \"no\"'".into(),
        )
    } else if message.starts_with("key with no value") {
        (
            "this key has no value",
            format!("write {key} = \"...\", with ` = ` between the key and its value"),
        )
    } else if message.starts_with("invalid unquoted key") && line.contains(':') {
        (
            "settings are written `key = value`, not `key: value`",
            format!(
                "write {} = {}",
                line.split(':').next().unwrap_or("").trim(),
                line.split_once(':').map_or("", |(_, v)| v.trim())
            ),
        )
    } else if message.starts_with("invalid unquoted key") || message.starts_with("unquoted keys") {
        (
            "a key may hold only letters, digits, `-` and `_`",
            "write the key before ` = `, like title = \"Text\"; use `_` instead of spaces".into(),
        )
    } else if message.starts_with("missing comma between array elements") {
        (
            "list items must be separated by commas",
            "write a comma between items, like [\"anna\", \"bob\"]".into(),
        )
    } else if message.starts_with("unclosed array table") {
        (
            "this header is not closed",
            "end it with `]]`, like [[event]]".into(),
        )
    } else if message.starts_with("unclosed table") {
        (
            "this header is not closed",
            "end it with `]`, like [event.media]".into(),
        )
    } else if message.starts_with("unclosed array") {
        (
            "this list is not closed",
            "end the list with `]`, like [\"anna\", \"bob\"]".into(),
        )
    } else if message.starts_with("unclosed inline table") {
        (
            "this table is not closed",
            "end it with `}` on the same line".into(),
        )
    } else if message.starts_with("invalid date") || message.starts_with("invalid time") {
        (
            "this is not a real date",
            "write a date as YYYY-MM-DD with two-digit months and days, like 2025-07-03".into(),
        )
    } else if message.starts_with("invalid boolean") {
        (
            "true and false are written in lowercase",
            "write true or false, without quotes".into(),
        )
    } else if message.contains("recurs") {
        (
            "this value is nested too deeply",
            "write it with fewer levels of [ ] or { }".into(),
        )
    } else {
        return (
            format!("this is not valid TOML: {message}"),
            "write `key = value` a line, with text in quotes (title = \"Text\"), lists in [ ] and dates like 2025-07-03".into(),
        );
    };
    (format!("invalid TOML: {what}"), help)
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Reads every `[[name]]` table of a file on its own, reporting each bad one.
/// Returns the good tables and the `id`s of the bad ones.
fn parse_tables<T: DeserializeOwned>(
    file: &SourceFile,
    name: &str,
    diagnostics: &mut Diagnostics,
) -> (Vec<T>, Vec<String>) {
    let (table, ok) = parse_syntax(file, &file.text, diagnostics);
    if !ok {
        return (Vec::new(), ids_in(table.get_ref(), name));
    }
    let mut items = Vec::new();
    let mut broken = Vec::new();
    for (key, value) in table.into_inner() {
        if key.get_ref().as_ref() != name {
            let key_text = key.get_ref().as_ref();
            let near = key_text.starts_with(name) || closest(key_text, [name]).is_some();
            let (message, help) = match value.get_ref() {
                DeValue::Table(_) | DeValue::Array(_) if near => (
                    format!("unknown table `{key_text}` in this file"),
                    format!("write `[[{name}]]`"),
                ),
                DeValue::Table(_) | DeValue::Array(_) => (
                    format!("unknown table `{key_text}` in this file"),
                    format!(
                        "this file holds only `[[{name}]]` tables: start each entry with a line `[[{name}]]`"
                    ),
                ),
                _ => (
                    format!("`{key_text}` is outside any `[[{name}]]` table"),
                    format!("put it below a `[[{name}]]` line, with the entry it belongs to"),
                ),
            };
            diagnostics.error_help(file, key.span(), message, help);
            if near {
                // `[[sources]]` meant `[[source]]`: its ids are known, not unknown.
                let mut misnamed = DeTable::new();
                misnamed.insert(Spanned::new(0..0, name.to_string().into()), value);
                broken.extend(ids_in(&misnamed, name));
            }
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
                    let header = element.span();
                    match deserialize(file, element, name, Some(header), diagnostics) {
                        Some(item) => items.push(item),
                        None => broken.extend(id),
                    }
                }
            }
            _ => diagnostics.error_help(
                file,
                span,
                format!("`{name}` must be written as `[[{name}]]` tables"),
                format!("start each entry with a line `[[{name}]]`, with two brackets"),
            ),
        }
    }
    (items, broken)
}

/// Most problems reported in one table: past that, the table is given up.
const MAX_PROBLEMS: usize = 50;

/// The span given to a stand-in for a missing key: no text has it.
const STAND_IN: Range<usize> = usize::MAX - 1..usize::MAX;

/// Deserializes one table strictly, reporting every problem in it, not only
/// the first: each bad key or list item is reported and taken out, and each
/// missing key reported and given a stand-in, then the table is read again.
/// Returns the item unless a required key was missing; `header` is where a
/// missing key of the table itself is shown (`None`: the whole file).
fn deserialize<T: DeserializeOwned>(
    file: &SourceFile,
    mut value: Spanned<DeValue<'_>>,
    table: &str,
    header: Option<Range<usize>>,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    let top = value.span();
    let mut complete = true;
    // Keys taken out because their value was wrong: (table span, key).
    let mut taken: Vec<(Range<usize>, String)> = Vec::new();
    // The missing key being tried with stand-ins: (table span, key, stand-in number).
    let mut filling: Option<(Range<usize>, String, usize)> = None;
    for _ in 0..MAX_PROBLEMS {
        let error = match T::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(item) => return complete.then_some(item),
            Err(error) => error,
        };
        let message = first_line(error.message());
        let span = error.span();
        if span == Some(STAND_IN) {
            // The stand-in has the wrong type: try the next one.
            let (at, key, tried) = filling.take()?;
            let stand_in = stand_in(tried + 1)?;
            table_at(&mut value, &at)?.insert(owned_key(&key), Spanned::new(STAND_IN, stand_in));
            filling = Some((at, key, tried + 1));
            continue;
        }
        if let Some(key) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            complete = false;
            let at = span.unwrap_or(top.clone());
            if !taken.contains(&(at.clone(), key.to_string())) {
                let place = if at != top {
                    // A nested table's span is its header, like `[[event.accounts]]`.
                    file.text.get(at.clone()).unwrap_or("").to_string()
                } else if table.is_empty() {
                    String::new()
                } else {
                    format!("[[{table}]]")
                };
                let diagnostic = missing_key(file, key, &place, &at, &top, header.as_ref());
                diagnostics.push(diagnostic);
            }
            let stand_in = stand_in(0)?;
            table_at(&mut value, &at)?.insert(owned_key(key), Spanned::new(STAND_IN, stand_in));
            filling = Some((at, key.to_string(), 0));
            continue;
        }
        let Some(span) = span else {
            let (message, help) = explain_serde_error(message, table, None, "");
            diagnostics.push(located(file, header.as_ref(), message).help(help));
            return None;
        };
        let Some(found) = take_out(&mut value, &span) else {
            let (message, help) = explain_serde_error(message, table, None, "");
            diagnostics.push(file.diagnostic(Severity::Error, span, message).help(help));
            return None;
        };
        let source = file.text.get(span.clone()).unwrap_or("");
        let (what, help) = explain_serde_error(message, table, Some(&found), source);
        diagnostics.push(file.diagnostic(Severity::Error, span, what).help(help));
        if let Some((key, _)) = found.path.last() {
            taken.push((found.table.clone(), key.clone()));
        }
        // A misspelt required key is reported once, as the misspelling.
        if let Some(near) = misspelt(message) {
            taken.push((found.table.clone(), near.to_string()));
        }
    }
    None
}

/// The allowed key closest to an unknown one, from serde's "unknown field" message.
fn misspelt(message: &str) -> Option<&str> {
    let (unknown, expected) = message.strip_prefix("unknown field `")?.split_once('`')?;
    closest(unknown, expected.split('`').skip(1).step_by(2))
}

/// A diagnostic at `span`, or about the whole file when there is none.
fn located(file: &SourceFile, span: Option<&Range<usize>>, message: String) -> Diagnostic {
    match span {
        Some(span) => file.diagnostic(Severity::Error, span.clone(), message),
        None => Diagnostic::whole_file(Severity::Error, &file.path, message),
    }
}

fn missing_key(
    file: &SourceFile,
    key: &str,
    place: &str,
    at: &Range<usize>,
    top: &Range<usize>,
    header: Option<&Range<usize>>,
) -> Diagnostic {
    let inside = if place.starts_with('[') {
        format!(" in `{place}`")
    } else {
        String::new()
    };
    let message = format!("missing required key `{key}`{inside}");
    let diagnostic = if at == top {
        located(file, header, message)
    } else {
        file.diagnostic(Severity::Error, at.clone(), message)
    };
    let table = place.trim_matches(['[', ']']);
    diagnostic.help(format!("add a line {}", example(table, key)))
}

/// A line an editor can copy for a required key.
fn example(table: &str, key: &str) -> String {
    let value = match (table, key) {
        ("update", "date") => "2025-07-04",
        ("event", "date") => "\"2025-06-27\"",
        ("era", "start") => "\"1991-12\"",
        (_, "base_url") => "\"https://example.org/my-story/\"",
        (_, "id") => "\"a-short-id\"",
        ("update", "kind") => "\"update\"",
        ("", "kind") => "\"person\"",
        (_, "actor" | "to") => "\"an-actor-id\"",
        (_, "src") => "\"images/photo.jpg\"",
        _ => "\"...\"",
    };
    format!("{key} = {value}")
}

/// Stand-ins tried, in order, for a missing key, so the rest of the table can be checked.
fn stand_in(number: usize) -> Option<DeValue<'static>> {
    match number {
        0 => Some(DeValue::String(String::new().into())),
        1 => Some(DeValue::Datetime(Datetime {
            date: Some(toml::value::Date {
                year: 2000,
                month: 1,
                day: 1,
            }),
            time: None,
            offset: None,
        })),
        2 => Some(DeValue::Boolean(false)),
        3 => Some(DeValue::Array(DeArray::new())),
        4 => Some(DeValue::Table(DeTable::new())),
        _ => None,
    }
}

fn owned_key<'i>(key: &str) -> Spanned<DeString<'i>> {
    Spanned::new(STAND_IN, key.to_string().into())
}

/// The table whose span is `span`, at any depth.
fn table_at<'v, 'i>(
    value: &'v mut Spanned<DeValue<'i>>,
    span: &Range<usize>,
) -> Option<&'v mut DeTable<'i>> {
    // A list of tables has the span of its first table's header: look inside it.
    let here = value.span() == *span;
    match value.get_mut() {
        DeValue::Table(table) => {
            if here {
                return Some(table);
            }
            table.iter_mut().find_map(|(_, item)| table_at(item, span))
        }
        DeValue::Array(array) => array.iter_mut().find_map(|item| table_at(item, span)),
        _ => None,
    }
}

/// Where a bad key or list item was, once taken out of its table.
#[derive(Debug)]
struct Found {
    /// The keys from the table read down to the bad one, each with whether
    /// its value is a list.
    path: Vec<(String, bool)>,
    /// The span of the table that held the key.
    table: Range<usize>,
    /// An item of a list was taken out, not the key.
    item: bool,
    /// What the bad value was: "text", "a number"...
    found: &'static str,
}

/// Takes out the key (or list item) whose key or value has exactly `span`.
fn take_out(value: &mut Spanned<DeValue<'_>>, span: &Range<usize>) -> Option<Found> {
    let here = value.span();
    match value.get_mut() {
        DeValue::Table(table) => {
            let mut target = None;
            for (key, item) in table.iter_mut() {
                let name = key.get_ref().to_string();
                let is_list = matches!(item.get_ref(), DeValue::Array(_));
                if key.span() == *span || item.span() == *span {
                    target = Some((name, is_list, kind_of(item.get_ref())));
                    break;
                }
                if let Some(mut found) = take_out(item, span) {
                    found.path.insert(0, (name, is_list));
                    return Some(found);
                }
            }
            let (name, is_list, found) = target?;
            table.remove(name.as_str());
            Some(Found {
                path: vec![(name, is_list)],
                table: here,
                item: false,
                found,
            })
        }
        DeValue::Array(array) => {
            let position = array.iter().position(|item| item.span() == *span);
            let Some(position) = position else {
                return array.iter_mut().find_map(|item| take_out(item, span));
            };
            let found = kind_of(array[position].get_ref());
            let old = std::mem::replace(array, DeArray::new());
            for (index, item) in old.into_iter().enumerate() {
                if index != position {
                    array.push(item);
                }
            }
            Some(Found {
                path: Vec::new(),
                table: here,
                item: true,
                found,
            })
        }
        _ => None,
    }
}

fn kind_of(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "text",
        DeValue::Integer(_) | DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text).trim()
}

/// The header of the table a key sits in: `[[event]]`, `[[event.accounts]]`, `[event.media]`.
fn place_of(table: &str, found: Option<&Found>) -> String {
    let containers = found.map_or(&[][..], |f| &f.path[..f.path.len().saturating_sub(1)]);
    let mut names: Vec<&str> = Vec::new();
    if !table.is_empty() {
        names.push(table);
    }
    names.extend(containers.iter().map(|(name, _)| name.as_str()));
    if names.is_empty() {
        return String::new();
    }
    let list = containers
        .last()
        .map_or(!table.is_empty(), |(_, list)| *list);
    if list {
        format!("[[{}]]", names.join("."))
    } else {
        format!("[{}]", names.join("."))
    }
}

/// Turns serde's wording into an editor's: what is wrong and what to write.
/// `source` is the text of the bad key or value.
fn explain_serde_error(
    message: &str,
    table: &str,
    found: Option<&Found>,
    source: &str,
) -> (String, String) {
    let place = place_of(table, found);
    let inside = if place.is_empty() {
        String::new()
    } else {
        format!(" in `{place}`")
    };
    let key = found
        .and_then(|f| f.path.last())
        .map_or("", |(name, _)| name.as_str());
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((unknown, expected)) = rest.split_once('`')
    {
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let listed = allowed.join(", ");
        let help = match misspelt(message) {
            Some(near) => format!("did you mean `{near}`? the keys allowed here are: {listed}"),
            None => format!("remove it, or use one of the keys allowed here: {listed}"),
        };
        return (format!("unknown key `{unknown}`{inside}"), help);
    }
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return (
            format!("{message}{inside}"),
            "check the value's form against docs/content-format.md".to_string(),
        );
    };
    let expected = rest.rsplit_once("expected ").map_or("", |(_, e)| e);
    let found_kind = found.map_or("another kind of value", |f| f.found);
    let unquoted = source.trim_matches(['"', '\'']);
    let (wanted, help) = if expected.starts_with("a string") {
        let help = match found {
            Some(f) if f.item => format!("write each item in quotes, like [\"{unquoted}\"]"),
            _ if found_kind == "a list" || found_kind == "a table" => {
                format!("write a single value in quotes, like {key} = \"...\"")
            }
            _ => format!("write {key} = \"{unquoted}\""),
        };
        ("text in quotes", help)
    } else if expected.starts_with("a boolean") {
        (
            "true or false",
            format!("write {key} = true or {key} = false, without quotes"),
        )
    } else if expected.starts_with("a sequence") {
        let help = if found_kind == "text" {
            format!("write {key} = [{source}]")
        } else {
            format!("write {key} = [\"...\", \"...\"]")
        };
        ("a list in [ ]", help)
    } else if expected.contains("datetime") {
        let help = if found_kind == "text" && unquoted.len() == 10 && unquoted.as_bytes()[4] == b'-'
        {
            format!("write {key} = {unquoted}, without quotes")
        } else {
            format!("write a date like {key} = 2025-07-04, without quotes")
        };
        ("a date without quotes", help)
    } else if expected.starts_with('i') || expected.starts_with('u') {
        let help = if unquoted.bytes().all(|b| b.is_ascii_digit()) && !unquoted.is_empty() {
            format!("write {key} = {unquoted}, without quotes")
        } else {
            format!("write a whole number like {key} = 10, without quotes")
        };
        ("a whole number", help)
    } else if expected.starts_with("struct") || expected.starts_with("a map") {
        let header = if place.is_empty() {
            format!("[{key}]")
        } else {
            format!("[{}.{key}]", place.trim_matches(['[', ']']))
        };
        (
            "a table",
            format!("write it as a table: a line {header}, then its keys on the lines below"),
        )
    } else {
        return (
            format!("`{key}` has the wrong kind of value{inside}: {rest}"),
            "check the value's form against docs/content-format.md".to_string(),
        );
    };
    let subject = match found {
        Some(f) if f.item => format!("the items of `{key}`"),
        _ => format!("`{key}`"),
    };
    (
        format!("{subject}{inside} must be {wanted}, not {found_kind}"),
        help,
    )
}

/// Maps byte offsets in a TOML string's value back to the file, across
/// escapes (`\"`, `\u00e9`, a line-ending backslash) and CRLF line breaks, so
/// a Markdown span inside the value points at its exact line and column.
#[derive(Debug)]
pub struct StringMap {
    /// (offset in the value, offset in the file) at the start and after each
    /// place where the two stop advancing together.
    marks: Vec<(usize, usize)>,
}

impl StringMap {
    /// `None` when the value's source is not a string literal the map can follow.
    pub fn new(file: &SourceFile, value: &Spanned<String>) -> Option<StringMap> {
        let span = value.span();
        let raw = file.text.get(span.clone())?;
        let quote = raw.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let multi = raw.starts_with("\"\"\"") || raw.starts_with("'''");
        let open = if multi { 3 } else { 1 };
        let mut inner = raw.get(open..raw.len().checked_sub(open)?)?;
        let mut start = span.start + open;
        if multi {
            let trimmed = inner
                .strip_prefix("\r\n")
                .or_else(|| inner.strip_prefix('\n'))
                .unwrap_or(inner);
            start += inner.len() - trimmed.len();
            inner = trimmed;
        }
        let decoded = value.get_ref().as_bytes();
        let source = inner.as_bytes();
        let (mut i, mut j) = (0, 0);
        let mut marks = vec![(0, start)];
        while i < source.len() {
            if source[i..].starts_with(b"\r\n") && decoded[j..].starts_with(b"\n") {
                i += 2;
                j += 1;
            } else if quote == '"' && source[i] == b'\\' {
                let next = *source.get(i + 1)?;
                if next.is_ascii_whitespace() {
                    // A line-ending backslash drops the break and the spaces after it.
                    i += 1;
                    while i < source.len() && source[i].is_ascii_whitespace() {
                        i += 1;
                    }
                } else {
                    i += match next {
                        b'u' => 6,
                        b'U' => 10,
                        b'x' => 4,
                        _ => 2,
                    };
                    j += utf8_width(*decoded.get(j)?);
                }
            } else if source[i] == *decoded.get(j)? {
                i += 1;
                j += 1;
                continue;
            } else {
                return None;
            }
            marks.push((j, start + i));
        }
        (i == source.len() && j == decoded.len()).then_some(StringMap { marks })
    }

    /// The file offset of byte `offset` of the value.
    pub fn to_file(&self, offset: usize) -> usize {
        let index = self.marks.partition_point(|&(at, _)| at <= offset);
        let (at, file) = self.marks[index.saturating_sub(1)];
        file + (offset - at)
    }
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
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
    fn front_matter_may_follow_blank_lines_and_yaml_is_named() {
        let text = "\n  \n+++\ntitle = \"A\"\n+++\nBody";
        let (front, body) = split_front_matter(text).unwrap();
        assert_eq!(&text[front], "title = \"A\"\n");
        assert_eq!(&text[body], "Body");
        assert_eq!(
            split_front_matter("---\ntitle: A\n---\n"),
            Err(FrontMatterError::Yaml)
        );
    }

    fn problems<T: DeserializeOwned>(text: &str, table: &str) -> (Option<T>, Vec<String>) {
        let file = SourceFile::new("content/x.toml", text);
        let mut diagnostics = Diagnostics::default();
        let (value, _) = DeTable::parse_recoverable(text);
        let value = Spanned::new(value.span(), DeValue::Table(value.into_inner()));
        let item = deserialize(&file, value, table, Some(0..1), &mut diagnostics);
        let found = diagnostics
            .into_sorted()
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {} / {}",
                    d.line,
                    d.column,
                    d.message,
                    d.help.clone().unwrap_or_default()
                )
            })
            .collect();
        (item, found)
    }

    #[test]
    fn every_bad_key_of_a_table_is_reported_not_only_the_first() {
        let (item, found) = problems::<RawSource>(
            "id = \"a\"\ntitel = \"T\"\nurl = 5\nlanguage = [\"en\"]\n",
            "source",
        );
        assert!(item.is_none(), "`title` is missing");
        assert_eq!(
            found,
            [
                "2:1 unknown key `titel` in `[[source]]` / did you mean `title`? the keys allowed here are: id, title, publisher, url, accessed, archive_url, language",
                "3:7 `url` in `[[source]]` must be text in quotes, not a number / write url = \"5\"",
                "4:12 `language` in `[[source]]` must be text in quotes, not a list / write a single value in quotes, like language = \"...\"",
            ]
        );
    }

    #[test]
    fn a_table_with_only_unknown_keys_taken_out_is_still_read() {
        let (item, found) = problems::<RawSource>(
            "id = \"a\"\ntitle = \"T\"\npublisher = \"P\"\nnote = 1\n",
            "source",
        );
        assert_eq!(item.map(|s| s.title), Some("T".to_string()));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn missing_keys_are_each_reported_with_a_line_to_copy() {
        let (item, found) = problems::<RawUpdate>("events = []\n", "update");
        assert!(item.is_none());
        assert_eq!(
            found,
            [
                "1:1 missing required key `date` in `[[update]]` / add a line date = 2025-07-04",
                "1:1 missing required key `kind` in `[[update]]` / add a line kind = \"update\"",
                "1:1 missing required key `note` in `[[update]]` / add a line note = \"...\"",
            ]
        );
    }
}
