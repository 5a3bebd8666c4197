//! Reads `content/` into raw structs that remember where each value came from.
//!
//! Steps: find the files (refusing links out of the story folder), read each
//! one (UTF-8, byte-order mark, empty files, control characters), split front
//! matter from Markdown, and deserialize TOML strictly: every `[[event]]`,
//! `[[source]]`... table on its own, so that one bad table does not hide the
//! problems in the next. Nothing here knows whether an id exists; that is
//! `resolve`'s job.
//!
//! This file: what a load gives (the `Raw*` structs, and [`StringMap`] for
//! places inside their TOML strings), and putting the files together in a
//! fixed order once each has been parsed on its own, in parallel. `read` finds,
//! reads and parses each file; `controls` finds the control characters in its
//! text; `explain` turns the TOML and serde libraries' errors into diagnostics
//! an editor can act on.

mod controls;
pub(crate) use controls::{has_control_byte, is_control, name as control_name};
mod explain;
mod placeholders;
mod read;
mod translations;

use std::fs;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::{FastMap, FastSet};
use read::{list, parse_file, refuse_link, story_folder, warn_about_unknown_entries};

pub use translations::{
    InOrder, Stamps, TrAccount, TrActor, TrEra, TrEvent, TrItems, TrKind, TrMedia, TrRelation,
    TrSection, TrSource, TrUpdate, Translation, is_language_tag, split_language,
};

pub use read::{
    FrontMatterError, file_stem, files_under, is_editor_litter, relative, split_front_matter,
};

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
    /// Other sites readers' browsers may load pictures from.
    #[serde(default)]
    pub allowed_hosts: Vec<Spanned<String>>,
    /// How the timeline is split into pages: "auto", "none", "year" or "month".
    pub timeline_split: Option<Spanned<String>>,
    /// At most this many items on a page of the timeline or of a listing.
    pub per_page: Option<Spanned<i64>>,
    /// A page per tag (`tags/ID/`).
    #[serde(default)]
    pub tag_pages: bool,
    /// What readers see for each tag: `[tags]` with `custody = "Custody"`.
    #[serde(default)]
    pub tags: std::collections::BTreeMap<String, Spanned<String>>,
    /// The other editions: `["az", "ru"]`, or a table per language (read
    /// by `resolve`, which knows what each may hold).
    pub languages: Option<Spanned<toml::Value>>,
    /// Who wrote the story: `authors = [{ name = "…", url = "…" }]`.
    #[serde(default)]
    pub authors: Vec<RawAuthor>,
    /// The newsroom: `publisher = { name = "…", url = "…", logo = "…" }`.
    pub publisher: Option<RawPublisher>,
    /// A share picture with its title for every event too (`event_share_cards = true`).
    #[serde(default)]
    pub event_share_cards: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuthor {
    pub name: Spanned<String>,
    pub url: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPublisher {
    pub name: Spanned<String>,
    pub url: Option<Spanned<String>>,
    /// A picture in static/, by its path there.
    pub logo: Option<Spanned<String>>,
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
    /// What the page says of its accounts, in place of the sentence their
    /// statuses give.
    pub accounts_note: Option<String>,
    /// A key event of the story, shown on the timeline overview.
    #[serde(default)]
    pub key: bool,
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
    /// A picture of the actor: `image = { src = "actors/anna.jpg", alt = "…" }`.
    pub image: Option<Spanned<RawImage>>,
}

/// A picture in static/ and its text for readers who cannot see it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawImage {
    pub src: Spanned<String>,
    pub alt: Option<String>,
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
    pub id: Option<Spanned<String>>,
    pub date: Spanned<Datetime>,
    pub kind: Spanned<String>,
    pub note: Spanned<String>,
    #[serde(default)]
    pub events: Vec<Spanned<String>>,
    /// The story sections it concerns, by slug.
    #[serde(default)]
    pub sections: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEra {
    pub id: Option<Spanned<String>>,
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
    /// Shared with the load cache: a file read once is not copied again.
    pub files: Vec<Arc<SourceFile>>,
    pub site: Option<(FileId, RawSite)>,
    pub sections: Vec<Document<RawSection>>,
    pub events: Vec<(FileId, std::sync::Arc<RawEvent>)>,
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
    /// The translation files, in path order.
    pub translations: Vec<Translation>,
    /// The story's overrides of the interface's strings (`i18n/LANG.toml`).
    pub strings: Vec<(
        FileId,
        String,
        std::collections::BTreeMap<String, Spanned<crate::i18n::Entry>>,
    )>,
}

#[derive(Debug, Default)]
pub struct BrokenIds {
    pub sections: Vec<String>,
    pub events: Vec<String>,
    pub actors: Vec<String>,
    pub sources: Vec<String>,
    /// Every word of the files that have a part that could not be read:
    /// an actor, source or tag named there is not reported as unused.
    pub mentioned: std::collections::HashSet<String>,
}

impl RawStory {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }
}

/// Reads the story under `root`. Problems go to `diagnostics`; what could be read is returned.
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> RawStory {
    load_with(root, diagnostics, None)
}

/// [`load`], reusing what `cache` holds for files whose bytes have not
/// changed since it was filled, and filling it with what was parsed now. A
/// file whose settled stamp has not moved is not read ([`Stamp::settled`]).
pub fn load_cached(root: &Path, diagnostics: &mut Diagnostics, cache: &mut LoadCache) -> RawStory {
    load_with(root, diagnostics, Some((cache, seconds_now())))
}

/// The time, in seconds since 1970: what a file's stamp is compared with.
fn seconds_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Files are parsed in parallel, then put together in a fixed order. The
/// cache comes with the time the build started (see [`Stamp::settled`]).
fn load_with(
    root: &Path,
    diagnostics: &mut Diagnostics,
    cached: Option<(&mut LoadCache, i64)>,
) -> RawStory {
    let (mut cache, now) = match cached {
        Some((cache, now)) => (Some(cache), now),
        None => (None, 0),
    };
    let mut story = RawStory::default();
    let content = root.join("content");
    if !root.is_dir() {
        let shown = root.display();
        let (message, help) = match root.exists() {
            false => (
                format!("the story folder {shown} does not exist"),
                format!(
                    "point --root at the folder holding content/, or start a story there with `explainer init {shown}`"
                ),
            ),
            true => (
                format!("the story folder {shown} is a file, not a folder"),
                "point --root at the folder holding content/".to_string(),
            ),
        };
        diagnostics.push(Diagnostic::whole_file(Severity::Error, "", message).help(help));
        return story;
    }
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::whole_file(Severity::Error, "content", "no `content/` folder here")
                .help("run explainer in a story folder, point --root at one, or start one with `explainer init DIR`"),
        );
        return story;
    }
    // The files opened by name are checked here; `list` checks what it walks.
    let real = story_folder(root);
    if refuse_link(root, &real, "content", diagnostics) {
        return story;
    }
    warn_about_unknown_entries(&content, diagnostics);

    let mut jobs: Vec<(String, Kind)> = Vec::new();
    if !content.join("site.toml").exists() {
        diagnostics.push(
            Diagnostic::whole_file(Severity::Error, "content/site.toml", "the site file is missing")
                .help("create content/site.toml with at least two lines:\ntitle = \"The story's title\"\nbase_url = \"https://example.org/my-story/\""),
        );
    } else if !refuse_link(root, &real, "content/site.toml", diagnostics) {
        jobs.push(("content/site.toml".into(), Kind::Site));
    }
    for (folder, ext, kind, translated) in [
        ("content/story", "md", Kind::Section, TrKind::Section),
        ("content/events", "toml", Kind::Events, TrKind::Events),
        ("content/actors", "md", Kind::Actor, TrKind::Actor),
    ] {
        let paths = list(root, folder, ext, diagnostics);
        jobs.extend(paths.into_iter().map(|path| match split_language(&path) {
            Some(_) => (path, Kind::Tr(translated)),
            None => (path, kind),
        }));
    }
    for (name, kind) in [
        ("sources.toml", Kind::Sources),
        ("updates.toml", Kind::Updates),
        ("eras.toml", Kind::Eras),
    ] {
        let path = format!("content/{name}");
        if !refuse_link(root, &real, &path, diagnostics) && content.join(name).exists() {
            jobs.push((path, kind));
        }
    }
    // Their translations: `sources.ru.toml`..., beside them in content/.
    let mut names: Vec<String> = fs::read_dir(&content)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            // Files, or links to files, as the walk of content/ found them.
            let entry = entry.ok()?;
            let file = fs::metadata(entry.path()).is_ok_and(|m| m.is_file());
            file.then(|| entry.file_name().into_string().ok())?
        })
        .collect();
    names.sort_unstable();
    for path in names {
        let Some((_, original)) = split_language(&path) else {
            continue;
        };
        let kind = match original.as_str() {
            "sources.toml" => TrKind::Sources,
            "updates.toml" => TrKind::Updates,
            "eras.toml" => TrKind::Eras,
            _ => continue,
        };
        let path = format!("content/{path}");
        if !refuse_link(root, &real, &path, diagnostics) {
            jobs.push((path, Kind::Tr(kind)));
        }
    }
    jobs.sort_by(|a, b| a.0.cmp(&b.0));
    jobs.dedup_by(|a, b| a.0 == b.0);

    // A file's path says what kind it is, so its bytes alone decide reuse;
    // a file whose stamp has not moved since a settled read is not read again.
    let (seen, touched) = match cache.as_deref() {
        Some(cache) => (Some(&cache.files), Some(&cache.touched)),
        None => (None, None),
    };
    type Read = (String, Parsed, Option<Arc<Seen>>);
    // A few files at a time, so that neither core is left alone with a
    // long run of them at the end.
    let parsed: Vec<Read> = jobs
        .into_par_iter()
        .with_max_len(8)
        .map(|(path, kind)| {
            let full = root.join(&path);
            let before = seen.and_then(|files| files.get(&path));
            if let Some(before) = before
                && before.stamp.is_some()
                && !touched.is_some_and(|touched| touched.contains(&path))
                && fs::metadata(&full).ok().and_then(|m| Stamp::of(&m)) == before.stamp
            {
                return (
                    path,
                    Parsed::clone(&before.parsed),
                    Some(Arc::clone(before)),
                );
            }
            let read = read_stamped(&full, now);
            let reused = match (&read, before) {
                (Ok((bytes, _)), Some(before)) if before.bytes == *bytes => {
                    Some(Arc::clone(&before.parsed))
                }
                _ => None,
            };
            let bytes = read.as_ref().map(|(bytes, _)| bytes.as_slice());
            let (parsed, shared) = match reused {
                Some(shared) => (Parsed::clone(&shared), Some(shared)),
                None => (parse_file(&path, kind, bytes), None),
            };
            // The bytes and the parse are kept only for the cache, and only
            // of a file that could be read.
            let kept = match (seen, read) {
                (Some(_), Ok((bytes, stamp))) => Some(Arc::new(Seen {
                    stamp,
                    bytes,
                    parsed: shared.unwrap_or_else(|| Arc::new(parsed.clone())),
                })),
                _ => None,
            };
            (path, parsed, kept)
        })
        .collect();

    let mut kept = FastMap::default();
    for (path, parsed, cached) in parsed {
        if let Some(cached) = cached {
            kept.insert(path.clone(), cached);
        }
        story.add(&path, parsed, diagnostics);
    }
    if let Some(cache) = cache.as_deref_mut() {
        cache.files = kept;
        cache.touched.clear();
    }
    placeholders::warn(
        &story.files,
        diagnostics,
        cache.map(|c| &mut c.placeholders),
    );
    read_strings(root, &mut story, diagnostics);
    story
}

/// The story's overrides of the interface's strings: `i18n/LANG.toml`, each
/// key one of the built-in English table's.
fn read_strings(root: &Path, story: &mut RawStory, diagnostics: &mut Diagnostics) {
    if !root.join("i18n").is_dir() {
        return;
    }
    let keys = crate::i18n::Locale::keys();
    for (name, full) in files_under(root, "i18n", diagnostics) {
        let path = format!("i18n/{name}");
        let Some(lang) = name.strip_suffix(".toml").filter(|l| is_language_tag(l)) else {
            diagnostics.push(
                Diagnostic::whole_file(
                    Severity::Warning,
                    &path,
                    "this file is ignored: i18n/ holds one LANG.toml per language",
                )
                .help("name it after its language, like i18n/ru.toml"),
            );
            continue;
        };
        let Ok(text) = fs::read_to_string(&full) else {
            diagnostics.push(Diagnostic::whole_file(
                Severity::Error,
                &path,
                "cannot read this file as UTF-8 text",
            ));
            continue;
        };
        let file = SourceFile::new(path, text);
        let table: Result<std::collections::BTreeMap<String, Spanned<crate::i18n::Entry>>, _> =
            toml::from_str(&file.text);
        match table {
            Ok(table) => {
                for (key, value) in &table {
                    if !keys.contains(key) {
                        let help =
                            match crate::diagnostics::closest(key, keys.iter().map(String::as_str))
                            {
                                Some(near) => format!(
                                    "did you mean `{near}`? the keys are those of src/i18n/en.toml"
                                ),
                                None => {
                                    "use a key of the built-in table, src/i18n/en.toml".to_string()
                                }
                            };
                        diagnostics.push(
                            file.diagnostic(
                                Severity::Warning,
                                value.span(),
                                format!("`{key}` is not a string of the interface"),
                            )
                            .help(help),
                        );
                    }
                }
                let id = story.files.len();
                story.files.push(Arc::new(file));
                story.strings.push((id, lang.to_string(), table));
            }
            Err(error) => {
                let span = error.span().unwrap_or(0..0);
                diagnostics.push(
                    file.diagnostic(Severity::Error, span, format!("this strings table cannot be read: {}", error.message()))
                        .help("write each string as key = \"text\", and each count as key = { one = \"{n} event\", other = \"{n} events\" }"),
                );
            }
        }
    }
}

/// What [`load_cached`] keeps between builds: each file's bytes and what they gave.
#[derive(Debug, Default)]
pub struct LoadCache {
    /// Shared: a file's parse is copied once per build, into the story.
    files: FastMap<String, Arc<Seen>>,
    /// Files said to have changed since the last build (by `serve`'s
    /// watcher): read again whatever their stamps say.
    touched: FastSet<String>,
    /// The placeholder warnings of each file.
    placeholders: placeholders::Found,
}

impl LoadCache {
    /// Reads `paths` (relative to the story's root) again in the next
    /// build, whatever their stamps say.
    pub fn touch(&mut self, paths: impl IntoIterator<Item = String>) {
        self.touched.extend(paths);
    }

    /// Reads every file again in the next build.
    pub fn touch_all(&mut self) {
        let files = self.files.keys().cloned();
        self.touched.extend(files);
    }
}

/// A file as the last build read it.
#[derive(Debug)]
struct Seen {
    /// Its stamp when read, if the stamp can be trusted to move with the
    /// next change ([`Stamp::settled`]): while it has not moved, the file
    /// is not read again.
    stamp: Option<Stamp>,
    bytes: Vec<u8>,
    parsed: Arc<Parsed>,
}

/// What the file system says of a file: a write changes its size or its
/// times (the change time cannot be set back); a file put in its place
/// changes its inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    device: u64,
}

/// How old, in seconds, a file's times must be when it is read for its
/// stamp to be trusted: file systems keep times in ticks (2 s on FAT), so
/// a file written again within the tick of the read could keep its stamp.
/// Git calls such a file "racily clean" and reads it again; so do we.
const SETTLED_AFTER: i64 = 3;

impl Stamp {
    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        Some(Stamp {
            len: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
            device: meta.dev(),
        })
    }

    /// Elsewhere every file is read on every build.
    #[cfg(not(unix))]
    fn of(_: &fs::Metadata) -> Option<Stamp> {
        None
    }

    /// The stamp, if both its times are [`SETTLED_AFTER`] seconds older
    /// than `now` (seconds since 1970): any later write moves it.
    fn settled(self, now: i64) -> Option<Stamp> {
        let old = |(seconds, _): (i64, i64)| seconds.saturating_add(SETTLED_AFTER) <= now;
        (old(self.modified) && old(self.changed)).then_some(self)
    }
}

/// A file's bytes, and its stamp as it was when they were read, if settled
/// by `now` (seconds since 1970, taken before the read).
fn read_stamped(path: &Path, now: i64) -> std::io::Result<(Vec<u8>, Option<Stamp>)> {
    use std::io::Read;
    let mut file = fs::File::open(path)?;
    // Taken before the bytes: a write while they are read moves it.
    let stamp = file.metadata().ok().and_then(|m| Stamp::of(&m));
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok((bytes, stamp.and_then(|s| s.settled(now))))
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
    /// A translation of a file of one of those kinds.
    Tr(TrKind),
}

/// What one file gave, before it has a [`FileId`].
#[derive(Debug, Clone)]
struct Parsed {
    kind: Kind,
    file: Option<Arc<SourceFile>>,
    items: Items,
    /// Ids of the items it defines that could not be read.
    broken: Vec<String>,
    /// The words of a file with a part that could not be read.
    mentioned: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone)]
enum Items {
    Site(Option<Box<RawSite>>),
    Section(Option<Document<RawSection>>),
    /// Shared: a file the cache kept gives its events without copying them.
    Events(Vec<std::sync::Arc<RawEvent>>),
    Actor(Option<Document<RawActor>>),
    Sources(Vec<RawSource>),
    Updates(Vec<RawUpdate>),
    Eras(Vec<RawEra>),
    Tr(TrItems),
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
            Kind::Tr(TrKind::Section) => Items::Tr(TrItems::Section(None)),
            Kind::Tr(TrKind::Actor) => Items::Tr(TrItems::Actor(None)),
            Kind::Tr(TrKind::Events) => Items::Tr(TrItems::Events(Vec::new())),
            Kind::Tr(TrKind::Sources) => Items::Tr(TrItems::Sources(Vec::new())),
            Kind::Tr(TrKind::Updates) => Items::Tr(TrItems::Updates(Vec::new())),
            Kind::Tr(TrKind::Eras) => Items::Tr(TrItems::Eras(Vec::new())),
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
            Items::Site(site) => self.site = site.map(|site| (id, *site)),
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
            Items::Tr(items) => {
                if let Some((lang, original)) = split_language(path) {
                    let items = match items {
                        TrItems::Section(doc) => {
                            TrItems::Section(doc.map(|d| Document { file: id, ..d }))
                        }
                        TrItems::Actor(doc) => {
                            TrItems::Actor(doc.map(|d| Document { file: id, ..d }))
                        }
                        other => other,
                    };
                    self.translations.push(Translation {
                        file: id,
                        lang: lang.to_string(),
                        original,
                        items,
                    });
                }
            }
        }
        let broken = parsed.broken;
        self.broken.mentioned.extend(parsed.mentioned);
        match parsed.kind {
            Kind::Section => self.broken.sections.extend(broken),
            Kind::Events => self.broken.events.extend(broken),
            Kind::Actor => self.broken.actors.extend(broken),
            Kind::Sources => self.broken.sources = broken,
            Kind::Site | Kind::Updates | Kind::Eras | Kind::Tr(_) => {}
        }
    }
}

/// Maps byte offsets in a TOML string's value back to the file, across
/// escapes (`\"`, `\u00e9`, a line-ending backslash) and CRLF line breaks, so
/// a Markdown span inside the value points at its exact line and column.
#[derive(Debug, Clone)]
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
        let mut marks = vec![(0, start)];
        // Written as it reads, the usual case: the walk below would add no
        // mark (an escape always reads shorter than it is written).
        if source == decoded {
            return Some(StringMap { marks });
        }
        let (mut i, mut j) = (0, 0);
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

    const EVENT: &str = "content/events/one.toml";

    fn story(title: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        fs::create_dir_all(root.join("content/events")).expect("content/events");
        fs::write(
            root.join("content/site.toml"),
            "title = \"T\"\nbase_url = \"https://example.org/\"\n",
        )
        .expect("site.toml");
        write_event(root, title);
        dir
    }

    fn write_event(root: &Path, title: &str) {
        let text = format!("[[event]]\nid = \"one\"\ndate = \"2025-06-27\"\ntitle = \"{title}\"\n");
        fs::write(root.join(EVENT), text).expect("the event file");
    }

    /// Loads with the clock at `now`, and returns the event's title and how
    /// the cache holds its file.
    fn load_at(root: &Path, cache: &mut LoadCache, now: i64) -> (String, Arc<Seen>) {
        let mut diagnostics = Diagnostics::default();
        let story = load_with(root, &mut diagnostics, Some((cache, now)));
        let errors: Vec<_> = diagnostics
            .into_sorted()
            .into_iter()
            .map(|d| d.message)
            .collect();
        let title = story.events.first().map(|(_, e)| e.title.get_ref().clone());
        let title = title.unwrap_or_else(|| panic!("no event: {errors:?}"));
        (title, Arc::clone(&cache.files[EVENT]))
    }

    #[test]
    #[cfg(unix)]
    fn a_file_is_trusted_unread_only_while_its_settled_stamp_stays() {
        let dir = story("First");
        let root = dir.path();
        let mut cache = LoadCache::default();
        // Just written: its times are within the tick of the read.
        let (_, seen) = load_at(root, &mut cache, seconds_now());
        assert_eq!(seen.stamp, None);
        // Later, the same file is read again and its stamp kept.
        let later = seconds_now() + 60;
        let (_, seen) = load_at(root, &mut cache, later);
        assert!(seen.stamp.is_some());
        let (title, again) = load_at(root, &mut cache, later);
        assert_eq!(title, "First");
        assert!(
            Arc::ptr_eq(&seen, &again),
            "a settled file is not read again"
        );
        // A write moves the stamp: its length here, and its times past the
        // file system's tick.
        std::thread::sleep(std::time::Duration::from_millis(50));
        write_event(root, "The second title");
        let (title, after) = load_at(root, &mut cache, later);
        assert_eq!(title, "The second title");
        assert!(!Arc::ptr_eq(&seen, &after));
        // A file said to have changed is read again, its parse reused.
        let (_, settled) = load_at(root, &mut cache, later);
        cache.touch([EVENT.to_string()]);
        let (title, touched) = load_at(root, &mut cache, later);
        assert_eq!(title, "The second title");
        assert!(!Arc::ptr_eq(&settled, &touched));
        assert!(Arc::ptr_eq(&settled.parsed, &touched.parsed));
        let (_, unread) = load_at(root, &mut cache, later);
        assert!(Arc::ptr_eq(&touched, &unread), "touched once, not for ever");
    }

    #[test]
    fn a_stamp_settles_once_both_its_times_are_three_seconds_old() {
        let stamp = Stamp {
            len: 1,
            modified: (100, 5),
            changed: (101, 7),
            inode: 2,
            device: 3,
        };
        assert_eq!(stamp.settled(103), None);
        assert_eq!(stamp.settled(104), Some(stamp));
        let modified_late = Stamp {
            modified: (102, 0),
            ..stamp
        };
        assert_eq!(modified_late.settled(104), None);
    }
}
