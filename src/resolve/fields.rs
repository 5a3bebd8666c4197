//! Markdown fields: one list of every field in the story ([`fields`]), which
//! [`prerender`] renders ahead on all cores (rendering needs only the ids);
//! then each converter takes its fields back by [`Field`] and each is checked
//! there, for unknown cross-references, images without alt text or missing
//! files, and shortcodes outside story sections.

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use toml::Spanned;

use super::ids::{Ids, listing};
use super::{InternalSite, Resolve, ResolveOptions};
use crate::FastMap;
use crate::diagnostics::{Severity, SourceFile, closest};
use crate::load::{Document, FileId, RawStory, StringMap, TrItems};
use crate::markdown::{self, RefKind, Rendered};
use crate::model::host_allowed;

/// A Markdown field, by the position in the raw story of what holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Field {
    /// A story section's body.
    Section(usize),
    /// An actor's biography: the body of its file.
    Bio(usize),
    /// An event's summary.
    Summary(usize),
    /// The claim of an event's account: (event, account).
    Claim(usize, usize),
    /// The caption of an event's media.
    Caption(usize),
    /// An update's note.
    Note(usize),
    /// A field of a translation: the translation file's index in the raw
    /// story's list, and which of its fields.
    Tr(usize, TrField),
}

/// A Markdown field of a translation file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum TrField {
    /// A section's or an actor's body.
    Body,
    /// Of the n-th table: an event's summary.
    Summary(usize),
    /// An event's account's claim: (table, account).
    Claim(usize, usize),
    Caption(usize),
    Note(usize),
}

/// How a field is rendered and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Paragraphs whose shortcodes embed pictures: a story section.
    Story,
    /// Paragraphs, lists, footnotes.
    Block,
    /// A line of text, without a paragraph around it.
    Inline,
}

/// Every Markdown field of the story, with its text: the one list that
/// [`prerender`] renders and the converters take back with
/// [`Resolve::markdown`]. A new field is a variant of [`Field`] and a line here.
fn fields<'a>(raw: &'a RawStory, options: ResolveOptions) -> Vec<(Field, Text<'a>)> {
    let mut fields = Vec::new();
    for (n, doc) in raw.sections.iter().enumerate() {
        if options.drafts || !doc.front.draft {
            fields.push((Field::Section(n), Text::body(raw, doc, Kind::Story)));
        }
    }
    for (n, (_, doc)) in raw.actors.iter().enumerate() {
        fields.push((Field::Bio(n), Text::body(raw, doc, Kind::Block)));
    }
    for (n, (file, event)) in raw.events.iter().enumerate() {
        if let Some(summary) = &event.summary {
            fields.push((Field::Summary(n), Text::value(*file, summary, Kind::Block)));
        }
        for (a, account) in event.accounts.iter().enumerate() {
            let claim = &account.get_ref().claim;
            fields.push((Field::Claim(n, a), Text::value(*file, claim, Kind::Inline)));
        }
        let media = event.media.as_ref().map(Spanned::get_ref);
        if let Some(caption) = media.and_then(|m| m.caption.as_ref()) {
            fields.push((Field::Caption(n), Text::value(*file, caption, Kind::Inline)));
        }
    }
    for (n, (file, update)) in raw.updates.iter().enumerate() {
        fields.push((
            Field::Note(n),
            Text::value(*file, &update.note, Kind::Inline),
        ));
    }
    for (t, translation) in raw.translations.iter().enumerate() {
        let file = translation.file;
        let mut add = |field, value: &'a Spanned<String>, kind| {
            fields.push((Field::Tr(t, field), Text::value(file, value, kind)));
        };
        match &translation.items {
            TrItems::Section(Some(doc)) => {
                fields.push((
                    Field::Tr(t, TrField::Body),
                    Text::body(raw, doc, Kind::Story),
                ));
            }
            TrItems::Actor(Some(doc)) if !doc.body.is_empty() => {
                fields.push((
                    Field::Tr(t, TrField::Body),
                    Text::body(raw, doc, Kind::Block),
                ));
            }
            TrItems::Events(events) => {
                for (n, event) in events.iter().enumerate() {
                    if let Some(summary) = &event.summary {
                        add(TrField::Summary(n), summary, Kind::Block);
                    }
                    for (a, account) in event.accounts.iter().enumerate() {
                        add(TrField::Claim(n, a), &account.claim, Kind::Inline);
                    }
                    if let Some(caption) = event.media.as_ref().and_then(|m| m.caption.as_ref()) {
                        add(TrField::Caption(n), caption, Kind::Inline);
                    }
                }
            }
            TrItems::Updates(updates) => {
                for (n, update) in updates.iter().enumerate() {
                    if let Some(note) = &update.note {
                        add(TrField::Note(n), note, Kind::Inline);
                    }
                }
            }
            _ => {}
        }
    }
    fields
}

/// A field's text, where it is and how it is rendered.
struct Text<'r> {
    file: FileId,
    text: &'r str,
    at: At<'r>,
    kind: Kind,
}

/// Where a field's text is: a document's body from this offset, or a TOML
/// string, whose offsets are mapped on a worker.
enum At<'r> {
    Body(usize),
    Value(&'r Spanned<String>),
}

impl<'r> Text<'r> {
    fn body<T>(raw: &'r RawStory, doc: &Document<T>, kind: Kind) -> Text<'r> {
        Text {
            file: doc.file,
            text: &raw.file(doc.file).text[doc.body.clone()],
            at: At::Body(doc.body.start),
            kind,
        }
    }

    fn value(file: FileId, value: &'r Spanned<String>, kind: Kind) -> Text<'r> {
        Text {
            file,
            text: value.get_ref(),
            at: At::Value(value),
            kind,
        }
    }
}

/// A field rendered ahead, waiting for its converter to check it.
#[derive(Clone)]
pub(super) struct Prerendered {
    file: FileId,
    kind: Kind,
    /// Shared with the cache of `serve`: not copied when reused.
    shared: Arc<(Rendered, Place)>,
}

/// A rendered field, as [`Resolve::markdown`] hands it over: shared, not copied.
pub(super) struct Shared(Arc<(Rendered, Place)>);

impl std::ops::Deref for Shared {
    type Target = Rendered;

    fn deref(&self) -> &Rendered {
        &self.0.0
    }
}

/// Rendered Markdown kept between builds (by `serve`): a field whose text,
/// place and kind are unchanged is not rendered again while the story's ids
/// are the same, since rendering depends on nothing else.
#[derive(Debug, Default)]
pub struct MarkdownCache {
    ids: u64,
    /// By [`cache_key`]: each field's rendering, and where its text is in its
    /// file (a TOML string's escapes mapped once, not on every build).
    fields: FastMap<u128, Arc<(Rendered, Place)>>,
}

/// A field's key in the [`MarkdownCache`]: a 128-bit hash of its text as
/// written in its file (a TOML string with its quotes and escapes, which
/// decide both its text and where each of its characters is), where that
/// starts, and whether it is inline. Hashing the text once is cheaper than
/// keeping and hashing a copy.
fn cache_key(written: &str, file: FileId, start: usize, inline: bool) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&(written.len() as u64).to_le_bytes());
    hasher.update(written.as_bytes());
    hasher.update(&(file as u64).to_le_bytes());
    hasher.update(&(start as u64).to_le_bytes());
    hasher.update(&[u8::from(inline)]);
    hasher.digest128()
}

impl Resolve<'_> {
    /// A field's rendering, checked: unknown cross-references, images
    /// without alt text or file, shortcodes outside story sections. `None`
    /// when the story has no such field (an event without a summary, a draft
    /// left out of this build).
    pub(super) fn markdown(&mut self, field: Field) -> Option<Shared> {
        let Prerendered { file, kind, shared } = self.prerendered.get(&field)?.clone();
        let (rendered, place) = &*shared;
        let to_file = |span: &Range<usize>| place.to_file(span);
        if kind != Kind::Story {
            for embed in &rendered.embeds {
                self.error(
                    file,
                    to_file(&embed.span),
                    "pictures can be embedded only in story sections".into(),
                    "move the shortcode to a file in content/story/, or remove it".into(),
                );
            }
        }
        for (url, span) in &rendered.links {
            self.link_site(file, to_file(span), url);
        }
        for problem in &rendered.problems {
            let diagnostic = self
                .file(file)
                .diagnostic(
                    problem.severity,
                    to_file(&problem.span),
                    problem.message.clone(),
                )
                .help(problem.help.clone());
            self.diagnostics.push(diagnostic);
        }
        for remote in &rendered.remote {
            if !host_allowed(&self.allowed_hosts, &remote.host) {
                let host = &remote.host;
                let diagnostic = self
                    .file(file)
                    .diagnostic(
                        Severity::Warning,
                        to_file(&remote.span),
                        format!("this picture is loaded from {host}, another site, which learns of every reader who opens the page"),
                    )
                    .help(format!(
                        "save it in static/images/ and write its path, or trust the host in content/site.toml: allowed_hosts = [\"{host}\"]"
                    ));
                self.diagnostics.push(diagnostic);
            }
        }
        for link in &rendered.internal {
            self.internal.push(InternalSite {
                file,
                span: to_file(&link.span),
                path: link.path.clone(),
                written: link.written.clone(),
            });
        }
        for image in &rendered.images {
            let span = to_file(&image.span);
            if !image.has_alt {
                self.error(
                    file,
                    span.clone(),
                    "this image has no alt text".into(),
                    format!("describe the picture between the brackets, for readers who cannot see it: ![A map of ...]({})", image.path),
                );
            }
            self.check_static(file, span, &image.path);
        }
        for reference in &rendered.refs {
            let span = to_file(&reference.span);
            let scheme = reference.kind.scheme();
            let id = &reference.id;
            if let Some(written) = &reference.misspelt {
                self.error(
                    file,
                    span,
                    format!("`{written}:` is not a kind of cross-reference"),
                    format!(
                        "write `{scheme}:{id}`: links to the story use actor:, event: or section:"
                    ),
                );
                continue;
            }
            if self.ids.is_broken(reference.kind, &reference.id) {
                continue;
            }
            if reference.resolved {
                if reference.kind == RefKind::Actor
                    && let Some(index) = self.ids.actors.get(&reference.id)
                {
                    self.actor_uses[*index] += 1;
                }
                continue;
            }
            let (message, help) = if reference.kind == RefKind::Section
                && self.ids.draft_sections.contains_key(id)
            {
                (
                    format!("section `{id}` is a draft and is left out of this build"),
                    "publish the section (write draft = false), build with --drafts, or remove the link"
                        .to_string(),
                )
            } else {
                let candidates: Vec<&str> = match reference.kind {
                    RefKind::Actor => self.ids.actors.keys().map(String::as_str).collect(),
                    RefKind::Event => self.ids.events.keys().map(String::as_str).collect(),
                    RefKind::Section => self.ids.sections.keys().map(String::as_str).collect(),
                };
                let help = match closest(id, candidates.iter().copied()) {
                    Some(near) => format!("did you mean `{scheme}:{near}`?"),
                    None => format!(
                        "write the id of an existing {scheme}: {}",
                        listing(candidates, scheme)
                    ),
                };
                (format!("cross-reference to unknown {scheme} `{id}`"), help)
            };
            self.error(file, span, message, help);
        }
        Some(Shared(shared))
    }
}

/// Where a Markdown field's text sits in its file.
#[derive(Debug, Clone)]
enum Place {
    /// Verbatim from this offset (a document's body).
    At(usize),
    /// In a TOML string, through its escapes.
    Mapped(StringMap),
    /// Somewhere in this span, when the string cannot be followed.
    Around(Range<usize>),
}

impl Place {
    /// Where a TOML string value's text is.
    fn of_value(file: &SourceFile, value: &Spanned<String>) -> Place {
        StringMap::new(file, value).map_or_else(|| Place::Around(value.span()), Place::Mapped)
    }

    /// A span of the field's text as a span of its file.
    fn to_file(&self, span: &Range<usize>) -> Range<usize> {
        match self {
            Place::At(start) => start + span.start..start + span.end,
            Place::Mapped(map) => map.to_file(span.start)..map.to_file(span.end),
            Place::Around(fallback) => fallback.clone(),
        }
    }
}

/// Renders one Markdown field. Footnote ids are keyed by the field's place in
/// its file, so they are unique on a page that shows several fields.
fn render_field(file: FileId, text: &str, place: &Place, kind: Kind, ids: &Ids) -> Rendered {
    if kind == Kind::Inline {
        markdown::render_inline(text, ids)
    } else {
        markdown::render_keyed(text, ids, &footnote_key(file, place))
    }
}

fn footnote_key(file: FileId, place: &Place) -> String {
    format!("{file}-{}", place.to_file(&(0..0)).start)
}

/// Renders every Markdown field of the story at once, on all cores: rendering
/// needs only the ids, and is most of resolving's work.
pub(super) fn prerender(
    raw: &RawStory,
    ids: &Ids,
    options: ResolveOptions,
    mut cache: Option<&mut MarkdownCache>,
) -> FastMap<Field, Prerendered> {
    if let Some(cache) = cache.as_deref_mut() {
        let fingerprint = ids.fingerprint();
        if cache.ids != fingerprint {
            cache.fields.clear();
            cache.ids = fingerprint;
        }
    }
    let seen = cache.as_deref().map(|cache| &cache.fields);
    type Made = (Field, Option<(u128, Arc<(Rendered, Place)>)>, Prerendered);
    // A few fields at a time: handed out in long runs, the last run kept
    // one core at work alone for milliseconds at L.
    let made: Vec<Made> = fields(raw, options)
        .into_par_iter()
        .with_max_len(16)
        .map(|(field, text)| {
            let Text {
                file,
                text,
                at,
                kind,
            } = text;
            let place = || match at {
                At::Body(start) => Place::At(start),
                At::Value(value) => Place::of_value(raw.file(file), value),
            };
            let inline = kind == Kind::Inline;
            // Only a build that keeps its Markdown needs the key.
            let key = seen.map(|_| match at {
                At::Body(start) => cache_key(text, file, start, inline),
                At::Value(value) => {
                    let span = value.span();
                    let written = raw.file(file).text.get(span.clone()).unwrap_or(text);
                    cache_key(written, file, span.start, inline)
                }
            });
            let reused = seen.zip(key).and_then(|(seen, key)| seen.get(&key));
            let shared = match reused {
                Some(kept) => Arc::clone(kept),
                None => {
                    let place = place();
                    let rendered = render_field(file, text, &place, kind, ids);
                    Arc::new((rendered, place))
                }
            };
            let key = key.map(|key| (key, Arc::clone(&shared)));
            let prerendered = Prerendered { file, kind, shared };
            (field, key, prerendered)
        })
        .collect();
    let mut prerendered = FastMap::with_capacity_and_hasher(made.len(), Default::default());
    let mut kept = FastMap::default();
    for (field, key, made) in made {
        if let Some((key, rendered)) = key {
            kept.insert(key, rendered);
        }
        prerendered.insert(field, made);
    }
    if let Some(cache) = cache {
        cache.fields = kept;
    }
    prerendered
}
