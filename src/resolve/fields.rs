//! Markdown fields: every one is rendered ahead, on all cores (rendering
//! needs only the ids); then each is checked where its converter reaches it,
//! for unknown cross-references, images without alt text or missing files,
//! and shortcodes outside story sections.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;
use toml::Spanned;

use super::ids::{Ids, listing};
use super::{Resolve, ResolveOptions};
use crate::diagnostics::{SourceFile, closest};
use crate::load::{Document, FileId, RawStory, StringMap};
use crate::markdown::{self, RefKind, Rendered};

/// Rendered Markdown kept between builds (by `serve`): a field whose text,
/// place and kind are unchanged is not rendered again while the story's ids
/// are the same, since rendering depends on nothing else.
#[derive(Debug, Default)]
pub struct MarkdownCache {
    ids: u64,
    fields: HashMap<(String, String, bool), Rendered>,
}

impl Resolve<'_> {
    /// Renders a Markdown field and reports the cross-references it cannot
    /// resolve; shortcodes are an error unless `embeds` (story sections).
    /// `place` maps the field's byte offsets to the file's, when known
    /// exactly; it is asked for only when [`prerender`] did not find it.
    pub(super) fn markdown_in(
        &mut self,
        file: FileId,
        text: &str,
        place: impl FnOnce() -> Place,
        inline: bool,
        embeds: bool,
    ) -> Rendered {
        let (place, rendered) = match self.prerendered.remove(&field_key(text, inline)) {
            Some(prerendered) => prerendered,
            None => {
                let place = place();
                let rendered = render_field(file, text, &place, inline, &self.ids);
                (place, rendered)
            }
        };
        let to_file = |span: &Range<usize>| place.to_file(span);
        if !embeds {
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
            if self
                .ids
                .broken
                .contains(&(reference.kind, reference.id.clone()))
            {
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
        rendered
    }

    /// A Markdown field held in a TOML string.
    pub(super) fn markdown_value(
        &mut self,
        file: FileId,
        value: &Spanned<String>,
        inline: bool,
    ) -> Rendered {
        let raw = self.raw;
        let place = || Place::of_value(raw.file(file), value);
        self.markdown_in(file, value.get_ref(), place, inline, false)
    }

    /// A Markdown document's body.
    pub(super) fn markdown_body<T>(&mut self, doc: &Document<T>, embeds: bool) -> Rendered {
        let text = &self.raw.file(doc.file).text[doc.body.clone()];
        let place = || Place::At(doc.body.start);
        self.markdown_in(doc.file, text, place, false, embeds)
    }
}

/// Where a Markdown field's text sits in its file.
pub(super) enum Place {
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

/// A Markdown field by where its text lives in the raw story, and how it is rendered.
pub(super) type FieldKey = (usize, usize, bool);

fn field_key(text: &str, inline: bool) -> FieldKey {
    (text.as_ptr() as usize, text.len(), inline)
}

/// Renders one Markdown field. Footnote ids are keyed by the field's place in
/// its file, so they are unique on a page that shows several fields.
fn render_field(file: FileId, text: &str, place: &Place, inline: bool, ids: &Ids) -> Rendered {
    if inline {
        markdown::render_inline(text, ids)
    } else {
        markdown::render_keyed(text, ids, &footnote_key(file, place))
    }
}

fn footnote_key(file: FileId, place: &Place) -> String {
    format!("{file}-{}", place.to_file(&(0..0)).start)
}

/// Renders every Markdown field of the story at once, on all cores: rendering
/// needs only the ids, and is most of resolving's work. What is not found here
/// (nothing should be) is rendered when it is reached.
pub(super) fn prerender(
    raw: &RawStory,
    ids: &Ids,
    options: ResolveOptions,
    mut cache: Option<&mut MarkdownCache>,
) -> HashMap<FieldKey, (Place, Rendered)> {
    /// Where a field's text is: a document's body from this offset, or a
    /// TOML string, whose offsets are mapped on a worker.
    enum At<'r> {
        Body(usize),
        Value(&'r Spanned<String>),
    }
    /// A field: its file, text, where the text is and whether it is inline.
    type Field<'r> = (FileId, &'r str, At<'r>, bool);
    fn body<'r>(raw: &'r RawStory, file: FileId, range: &Range<usize>) -> Field<'r> {
        let text = &raw.file(file).text[range.clone()];
        (file, text, At::Body(range.start), false)
    }
    fn value(file: FileId, value: &Spanned<String>, inline: bool) -> Field<'_> {
        (file, value.get_ref().as_str(), At::Value(value), inline)
    }
    let mut fields: Vec<Field<'_>> = Vec::new();
    for doc in &raw.sections {
        if options.drafts || !doc.front.draft {
            fields.push(body(raw, doc.file, &doc.body));
        }
    }
    for (_, doc) in &raw.actors {
        fields.push(body(raw, doc.file, &doc.body));
    }
    for (file, event) in &raw.events {
        fields.extend(event.summary.as_ref().map(|s| value(*file, s, false)));
        let accounts = event.accounts.iter().map(Spanned::get_ref);
        fields.extend(accounts.map(|a| value(*file, &a.claim, true)));
        let media = event.media.as_ref().map(Spanned::get_ref);
        let caption = media.and_then(|m| m.caption.as_ref());
        fields.extend(caption.map(|c| value(*file, c, true)));
    }
    for (file, update) in &raw.updates {
        fields.push(value(*file, &update.note, true));
    }
    if let Some(cache) = cache.as_deref_mut() {
        let fingerprint = ids.fingerprint();
        if cache.ids != fingerprint {
            cache.fields.clear();
            cache.ids = fingerprint;
        }
    }
    let seen = cache.as_deref().map(|cache| &cache.fields);
    type Made = (FieldKey, Option<(String, String, bool)>, Place, Rendered);
    let made: Vec<Made> = fields
        .into_par_iter()
        .map(|(file, text, at, inline)| {
            let place = match at {
                At::Body(start) => Place::At(start),
                At::Value(value) => Place::of_value(raw.file(file), value),
            };
            // Only a build that keeps its Markdown needs the owned key.
            let key = seen.map(|_| (text.to_string(), footnote_key(file, &place), inline));
            let reused = seen.zip(key.as_ref()).and_then(|(seen, key)| seen.get(key));
            let rendered = match reused {
                Some(rendered) => rendered.clone(),
                None => render_field(file, text, &place, inline, ids),
            };
            (field_key(text, inline), key, place, rendered)
        })
        .collect();
    let mut prerendered = HashMap::with_capacity(made.len());
    let mut kept = HashMap::new();
    for (field, key, place, rendered) in made {
        if let Some(key) = key {
            kept.insert(key, rendered.clone());
        }
        prerendered.insert(field, (place, rendered));
    }
    if let Some(cache) = cache {
        cache.fields = kept;
    }
    prerendered
}
