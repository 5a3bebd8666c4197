//! Finding the files of `content/` and reading each one on its own.
//!
//! Steps: list the files of each content folder (editor litter skipped,
//! unknown names and wrong extensions warned about, links that lead out of the
//! story folder refused: [`files_under`] lists `static/` and `templates/`
//! too); decode a file's bytes as UTF-8 (a byte-order mark dropped; UTF-16,
//! bad bytes and empty files reported); report control characters, raw or
//! escaped (`controls`); split a Markdown file's `+++` front matter from its
//! body; parse the TOML and read it into raw structs: a whole file, a front
//! matter, or each `[[name]]` table on its own. The ids of what could not be
//! read are kept, so that references to it are not reported again.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::controls::{blank_controls, check_controls};
use super::explain::{deserialize, parse_syntax, unclosed_opening};
use super::translations::{TrItems, TrKind, split_language};
use super::{Document, Items, Kind, Parsed};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile, closest};

const CONTENT_FILES: [&str; 4] = ["site.toml", "sources.toml", "updates.toml", "eras.toml"];
const CONTENT_FOLDERS: [&str; 3] = ["story", "events", "actors"];

/// Reads and parses one file on its own: nothing here depends on other files.
pub(super) fn parse_file(path: &str, kind: Kind, bytes: Result<&[u8], &std::io::Error>) -> Parsed {
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
        Read::Text(mut file) => {
            let d = &mut diagnostics;
            let toml = match kind {
                Kind::Section | Kind::Actor | Kind::Tr(TrKind::Section | TrKind::Actor) => {
                    split_front_matter(&file.text).map_or(0..0, |(front, _)| front)
                }
                _ => 0..file.text.len(),
            };
            check_controls(&mut file, toml, d);
            let (items, broken) = match kind {
                Kind::Site => (Items::Site(parse_whole(&file, d).map(Box::new)), Vec::new()),
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
                    let items = items.into_iter().map(std::sync::Arc::new).collect();
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
                Kind::Tr(kind) => (Items::Tr(parse_translation(&file, kind, d)), Vec::new()),
            };
            (Some(file), items, broken)
        }
        Read::Unusable(lossy) => {
            let broken = match kind {
                Kind::Section => vec![path.to_string()],
                Kind::Actor => vec![file_stem(path).to_string()],
                Kind::Events => lossy.map_or_else(Vec::new, |text| ids_in_text(&text, "event")),
                Kind::Sources => lossy.map_or_else(Vec::new, |text| ids_in_text(&text, "source")),
                Kind::Site | Kind::Updates | Kind::Eras | Kind::Tr(_) => Vec::new(),
            };
            (None, Items::empty(kind), broken)
        }
    };
    // What a part that could not be read names may be all that uses an
    // actor, a source or a tag: their "unused" warnings would be follow-ons.
    let mentioned = match (&file, broken.is_empty()) {
        (_, true) => Vec::new(),
        (Some(file), false) => words(&file.text),
        (None, false) => bytes
            .ok()
            .map(|bytes| words(&String::from_utf8_lossy(bytes)))
            .unwrap_or_default(),
    };
    Parsed {
        kind,
        file: file.map(std::sync::Arc::new),
        items,
        broken,
        mentioned,
        diagnostics: diagnostics.into_sorted(),
    }
}

/// Every run of id characters in a text: the ids and tags it may name.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
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
    array.iter().filter_map(id_of).collect()
}

/// The `id` of one `[[name]]` table, when it is text.
fn id_of(table: &Spanned<DeValue<'_>>) -> Option<String> {
    let id = table.get_ref().get("id")?;
    id.get_ref().as_str().map(str::to_string)
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

/// Every file under `root/folder`, sorted by name, editor litter skipped:
/// (path relative to `folder`, full path). Links are followed while they stay
/// inside the story folder and out of its hidden files and folders; any other
/// link is reported and neither read nor listed, nor is anything under it.
/// Entries that cannot be read, symlink loops among them, are reported.
pub fn files_under(
    root: &Path,
    folder: &str,
    diagnostics: &mut Diagnostics,
) -> Vec<(String, PathBuf)> {
    let dir = root.join(folder);
    if !dir.is_dir() {
        return Vec::new();
    }
    let story = story_folder(root);
    let top = folder.split('/').next().unwrap_or(folder);
    let mut files = Vec::new();
    let mut walker = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_editor_litter(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
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
        let refused = match entry.path_is_symlink() {
            true => {
                let at = entry
                    .path()
                    .strip_prefix(root)
                    .map_or_else(|_| folder.to_string(), relative);
                refused_link(&story, entry.path(), &at)
            }
            false => None,
        };
        if let Some(refused) = refused {
            diagnostics.push(refused);
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if let Ok(rel) = entry.path().strip_prefix(&dir) {
            files.push((relative(rel), entry.path().to_path_buf()));
        }
    }
    files
}

/// The story folder as the file system names it, links resolved, so that
/// where a link leads can be compared with it.
pub(super) fn story_folder(root: &Path) -> PathBuf {
    fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf())
}

/// The error for the link at `path` (`at` from the story folder `story`,
/// canonical) when it must not be followed: it leads out of the story folder,
/// or to a hidden file or folder in it (`.git/config`, `.env`), which can
/// hold credentials and which explainer never publishes. A link that leads
/// nowhere is left to whoever reads it, which reports it.
fn refused_link(story: &Path, path: &Path, at: &str) -> Option<Diagnostic> {
    let real = fs::canonicalize(path).ok()?;
    let what = if real.is_dir() { "folder" } else { "file" };
    let (message, help) = match real.strip_prefix(story) {
        Ok(inside) => {
            let hidden = inside
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
            if !hidden {
                return None;
            }
            (
                format!(
                    "this link points to {}, a hidden {what} of the story folder",
                    relative(inside)
                ),
                format!(
                    "hidden files and folders (like .git/ and .env) can hold passwords and keys, and are never published: put a copy of the {what} here instead of the link"
                ),
            )
        }
        Err(_) => (
            format!(
                "this link points outside the story folder, to {}",
                written_target(path, &real)
            ),
            format!(
                "explainer reads nothing outside the story folder: put a copy of the {what} here instead of the link"
            ),
        ),
    };
    Some(Diagnostic::whole_file(Severity::Error, at, message).help(help))
}

/// Where the link at `path` points, as it is written; for a link to another
/// link, where the chain ends (`real`) too.
fn written_target(path: &Path, real: &Path) -> String {
    let Ok(written) = fs::read_link(path) else {
        return real.display().to_string();
    };
    let next = path.parent().unwrap_or(Path::new("")).join(&written);
    match fs::symlink_metadata(next).is_ok_and(|m| m.file_type().is_symlink()) {
        true => format!("{}, which leads to {}", written.display(), real.display()),
        false => written.display().to_string(),
    }
}

/// Whether `rel` (a path from the story folder) is a link that must not be
/// followed; when it is, the problem is reported. Only for the few paths the
/// loader opens by name: [`files_under`] checks what it walks.
pub(super) fn refuse_link(
    root: &Path,
    story: &Path,
    rel: &str,
    diagnostics: &mut Diagnostics,
) -> bool {
    let path = root.join(rel);
    let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    let Some(refused) = is_link.then(|| refused_link(story, &path, rel)).flatten() else {
        return false;
    };
    diagnostics.push(refused);
    true
}

/// The files with extension `ext` under `root/folder`, as story-relative paths, sorted.
pub(super) fn list(
    root: &Path,
    folder: &str,
    ext: &str,
    diagnostics: &mut Diagnostics,
) -> Vec<String> {
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

pub(super) fn warn_about_unknown_entries(content: &Path, diagnostics: &mut Diagnostics) {
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
        let translated = split_language(&name).is_some_and(|(_, original)| {
            CONTENT_FILES.contains(&original.as_str()) && original != "site.toml"
        });
        let known = translated
            || CONTENT_FILES.contains(&name.as_str())
            || CONTENT_FOLDERS.contains(&name.as_str());
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
            let mut lossy = String::from_utf8_lossy(bytes).into_owned();
            // Shown, not read: its control characters are not reported.
            blank_controls(&mut lossy);
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
    Translation,
}

/// A translation file's items, each table on its own like the originals'.
fn parse_translation(file: &SourceFile, kind: TrKind, d: &mut Diagnostics) -> TrItems {
    match kind {
        TrKind::Section => TrItems::Section(parse_document(file, Front::Translation, d)),
        TrKind::Actor => TrItems::Actor(parse_document(file, Front::Translation, d)),
        TrKind::Events => TrItems::Events(parse_tables(file, "event", d).0),
        TrKind::Sources => TrItems::Sources(parse_tables(file, "source", d).0),
        TrKind::Updates => TrItems::Updates(parse_tables(file, "update", d).0),
        TrKind::Eras => TrItems::Eras(parse_tables(file, "era", d).0),
    }
}

fn parse_document<T: DeserializeOwned>(
    file: &SourceFile,
    kind: Front,
    diagnostics: &mut Diagnostics,
) -> Option<Document<T>> {
    let example = match kind {
        Front::Section => "+++\ntitle = \"The section's title\"\n+++",
        Front::Actor => "+++\nname = \"Full name\"\nkind = \"person\"\n+++",
        Front::Translation => "+++\ntitle = \"The translated title\"\n+++",
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

/// Reads every `[[name]]` table of a file on its own, reporting each bad one.
/// Returns the good tables and the `id`s of the bad ones.
fn parse_tables<T: DeserializeOwned>(
    file: &SourceFile,
    name: &str,
    diagnostics: &mut Diagnostics,
) -> (Vec<T>, Vec<String>) {
    let (table, ok) = parse_syntax(file, &file.text, diagnostics);
    let mut items = Vec::new();
    let mut broken = Vec::new();
    if ok {
        collect_tables(file, table, name, diagnostics, &mut items, &mut broken);
        return (items, broken);
    }
    // One broken table does not hide the others: each `[[name]]` table (and
    // what comes before the first) is read again apart from the broken ones.
    // Runs of tables without a syntax error are parsed together, each table
    // with an error alone, so a large file with one mistake is parsed a few
    // times, not once a table. Their syntax errors were reported above; a
    // part that still does not parse only gives its ids, so nothing that
    // refers to it is reported as unknown.
    let header = format!("[[{name}]]");
    let mut starts: Vec<usize> = vec![0];
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        if offset > 0 && line.trim_end() == header {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts.push(file.text.len());
    let last = file.text.len().saturating_sub(1);
    let mut errors: Vec<usize> = DeTable::parse_recoverable(&file.text)
        .1
        .iter()
        .filter_map(|e| e.span().map(|span| span.start.min(last)))
        .collect();
    // A multi-line text never closed is reported at the end of the file: its
    // table is the one where it opens.
    errors.extend(
        ["\"\"\"", "\'\'\'"]
            .into_iter()
            .filter_map(|quotes| unclosed_opening(&file.text, quotes))
            .map(|(at, _)| at.start),
    );
    let mut parts: Vec<(Range<usize>, bool)> = Vec::new();
    for table in starts.windows(2).map(|w| w[0]..w[1]) {
        let clean = !errors.iter().any(|at| table.contains(at));
        match parts.last_mut() {
            Some((run, true)) if clean => run.end = table.end,
            _ => parts.push((table, clean)),
        }
    }
    // The tables of a part, or the ids it names when it does not parse.
    let mut read = |part: Range<usize>, items: &mut Vec<T>, broken: &mut Vec<String>| {
        let alone = alone(&file.text, part.clone());
        let mut quiet = Diagnostics::default();
        let (table, ok) = parse_syntax(file, &alone, &mut quiet);
        if ok {
            collect_tables(file, table, name, diagnostics, items, broken);
            return Ok(());
        }
        let mut ids = ids_in(table.get_ref(), name);
        ids.extend(id_lines(&file.text[part]));
        Err(ids)
    };
    for (part, clean) in parts {
        match read(part.clone(), &mut items, &mut broken) {
            Ok(()) => {}
            // A run that fails after all (an unclosed `"""` is reported at the
            // end of the file, not in the table that opens it) is read table by table.
            Err(_) if clean => {
                let tables = starts.windows(2).map(|w| w[0]..w[1]);
                for table in tables.filter(|t| part.contains(&t.start)) {
                    if let Err(ids) = read(table, &mut items, &mut broken) {
                        broken.extend(ids);
                    }
                }
            }
            Err(ids) => broken.extend(ids),
        }
    }
    (items, broken)
}

/// `text[part]` alone, at the same byte offsets: what comes before it is one
/// TOML comment of the same length (skipped at once, unlike blank lines),
/// what comes after it is left out. Spans into it are spans into `text`.
fn alone(text: &str, part: Range<usize>) -> String {
    let mut alone = String::with_capacity(part.end);
    match part.start {
        0 => {}
        1 => alone.push('\n'),
        n => {
            alone.push('#');
            alone.extend(std::iter::repeat_n(' ', n - 2));
            alone.push('\n');
        }
    }
    alone.push_str(&text[part]);
    alone
}

/// The ids of `id = "..."` lines, for a table that does not parse.
fn id_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.trim_start().strip_prefix("id"))
        .filter_map(|rest| rest.trim_start().strip_prefix('='))
        .filter_map(|value| {
            let value = value.trim();
            let quote = if value.starts_with('\'') { '\'' } else { '"' };
            value
                .strip_prefix(quote)?
                .split(quote)
                .next()
                .map(str::to_string)
        })
        .collect()
}

/// Takes the `[[name]]` tables of a parsed file: each one deserialized (its
/// problems reported), anything else reported as out of place.
fn collect_tables<T: DeserializeOwned>(
    file: &SourceFile,
    table: Spanned<DeTable<'_>>,
    name: &str,
    diagnostics: &mut Diagnostics,
    items: &mut Vec<T>,
    broken: &mut Vec<String>,
) {
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
                    let id = id_of(&element);
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
}
