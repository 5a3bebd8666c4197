//! Raw content -> validated [`Story`]: ids, references, dates, ordering.
//!
//! Steps: read the site settings (`site`); put actors and events in the
//! story's order (`order`), so that each id is given its final index; give
//! every section, event, actor and source its id, checking syntax and
//! duplicates (`ids`); render every Markdown field ahead, on all cores
//! (`fields`); then convert each item, resolving the ids it names and
//! checking its Markdown and dates (`sections`, `actors`, `events`,
//! `sources`, `dates`); then warn about loose ends; then sort the rest and
//! build the derived indexes once (`assembly`). Every problem becomes a
//! diagnostic; nothing stops at the first one.
//! This module holds what every step shares: the run's state and helpers.

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;

use crate::diagnostics::{Diagnostics, Severity, SourceFile, closest};
use crate::load::{FileId, RawStory};
use crate::model::{ActorIx, IxVec, LinkSite, SourceIx, Story};
use crate::plan::{DATA_FILES, Kind, Route};
use crate::{FastMap, FastSet};

mod actors;
mod assembly;
mod dates;
mod events;
mod fields;
mod ids;
mod order;
mod sections;
mod site;
mod sources;
mod translations;

pub use dates::guess_date;
pub use events::is_image_path;
pub use fields::MarkdownCache;
pub use ids::{is_valid_id, section_slug, suggest_id};
pub use translations::stamp;

use assembly::assemble;
use fields::{Field, Prerendered, prerender};
use ids::Ids;
use order::Order;

/// What the build was asked to include.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveOptions {
    pub drafts: bool,
}

/// One run: the raw story, its ids, and what the steps gather on the way.
struct Resolve<'a> {
    raw: &'a RawStory,
    order: &'a Order,
    /// Shared with the workers that resolve events side by side.
    ids: Arc<Ids>,
    diagnostics: &'a mut Diagnostics,
    /// How often each actor (by story index) and source is named anywhere,
    /// for warnings.
    actor_uses: IxVec<ActorIx, usize>,
    source_uses: IxVec<SourceIx, usize>,
    /// Every link to another website, where it is written.
    links: Vec<LinkSite>,
    /// Markdown fields rendered ahead, in parallel: see [`prerender`].
    prerendered: Arc<FastMap<Field, Prerendered>>,
    /// site.toml's `allowed_hosts`: other sites pictures may come from.
    allowed_hosts: Vec<String>,
    /// Links written as paths on the site, checked once every page is known.
    internal: Vec<InternalSite>,
    /// Links to pages that exist or not by how the story is paged (a period
    /// of the timeline, a source's or tag's page, a later page of a listing):
    /// checked against the plan once the story is put together.
    paged: Vec<InternalSite>,
}

/// A link written as a path on the site, and where it is written.
struct InternalSite {
    file: FileId,
    span: Range<usize>,
    /// From the site root, without query or fragment.
    path: String,
    /// As the editor wrote it.
    written: String,
}

/// Validates the raw story. Returns `None` when any error was found.
pub fn resolve(
    raw: &RawStory,
    options: ResolveOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Story> {
    resolve_cached(raw, options, diagnostics, None)
}

/// [`resolve`], taking Markdown rendered by an earlier build from `cache`
/// where it can, and leaving this build's in it.
pub fn resolve_cached(
    raw: &RawStory,
    options: ResolveOptions,
    diagnostics: &mut Diagnostics,
    cache: Option<&mut MarkdownCache>,
) -> Option<Story> {
    let order = Order::of(raw);
    let mut r = Resolve::new(raw, &order, diagnostics);
    let site = r.site();
    if let Some(site) = &site {
        r.allowed_hosts = site.allowed_hosts.clone();
    }
    r.collect_ids(options);
    r.prerendered = Arc::new(prerender(raw, &r.ids, options, cache));
    let sections = r.sections();
    let actors = r.actors();
    let events = r.events();
    r.check_tags();
    let sources = r.sources();
    let updates = r.updates();
    let eras = r.eras();
    let texts = match &site {
        Some(site) => r.translations(site),
        None => Vec::new(),
    };
    let languages = site.as_ref().map(|site| r.locales(site));
    // Every field is resolved: what the story did not take of the rendered
    // Markdown is many small strings, freed on another core meanwhile (at L,
    // freeing them here kept the other core idle for 5 ms).
    let prerendered = std::mem::take(&mut r.prerendered);
    rayon::spawn(move || drop(prerendered));
    r.check_internal_links();
    r.warn_unused_actors();
    r.warn_unused_sources();
    if r.diagnostics.has_errors() {
        return None;
    }
    let (locales, editions) = languages?;
    let mut story = assemble(
        (site?, (locales, editions, texts)),
        sections,
        events,
        actors,
        sources,
        updates,
        eras,
    );
    r.check_paged_links(&story);
    if r.diagnostics.has_errors() {
        return None;
    }
    r.links.sort_by(|a, b| {
        (&a.at.path, a.at.line, a.at.column).cmp(&(&b.at.path, b.at.line, b.at.column))
    });
    story.links = r.links;
    Some(story)
}

/// How many events one worker resolves at a time ([`Resolve::events`]).
const EVENTS_A_CHUNK: usize = 256;

/// What a worker gathered besides its items, to put into the whole run's.
struct Worked {
    actor_uses: IxVec<ActorIx, usize>,
    source_uses: IxVec<SourceIx, usize>,
    links: Vec<LinkSite>,
    internal: Vec<InternalSite>,
    paged: Vec<InternalSite>,
}

impl<'a> Resolve<'a> {
    /// A run of `raw` with nothing gathered yet: no ids, no rendered
    /// fields, no problems, no tallies.
    fn new(raw: &'a RawStory, order: &'a Order, diagnostics: &'a mut Diagnostics) -> Resolve<'a> {
        Resolve {
            raw,
            order,
            ids: Arc::default(),
            diagnostics,
            actor_uses: vec![0; raw.actors.len()].into(),
            source_uses: vec![0; raw.sources.len()].into(),
            links: Vec::new(),
            prerendered: Arc::default(),
            allowed_hosts: Vec::new(),
            internal: Vec::new(),
            paged: Vec::new(),
        }
    }

    /// A run for some of the items, sharing this run's story, ids and
    /// rendered fields, with its own problems and tallies, starting empty.
    fn worker<'w>(&'w self, diagnostics: &'w mut Diagnostics) -> Resolve<'w> {
        Resolve {
            ids: Arc::clone(&self.ids),
            prerendered: Arc::clone(&self.prerendered),
            allowed_hosts: self.allowed_hosts.clone(),
            ..Resolve::new(self.raw, self.order, diagnostics)
        }
    }
}

impl Resolve<'_> {
    /// What a worker gathered, but its problems, which its caller holds.
    fn worked(self) -> Worked {
        Worked {
            actor_uses: self.actor_uses,
            source_uses: self.source_uses,
            links: self.links,
            internal: self.internal,
            paged: self.paged,
        }
    }

    /// Puts what a worker gathered, and its problems, after what this run has.
    fn absorb(&mut self, worked: Worked, diagnostics: Diagnostics) {
        self.diagnostics.extend(diagnostics);
        for (total, uses) in self.actor_uses.iter_mut().zip(worked.actor_uses.iter()) {
            *total += uses;
        }
        for (total, uses) in self.source_uses.iter_mut().zip(worked.source_uses.iter()) {
            *total += uses;
        }
        self.links.extend(worked.links);
        self.internal.extend(worked.internal);
        self.paged.extend(worked.paged);
    }
}

impl Resolve<'_> {
    /// The default language's locale, and every edition's name and folder.
    fn locales(
        &mut self,
        site: &crate::model::Site,
    ) -> (
        Vec<std::sync::Arc<crate::i18n::Locale>>,
        std::sync::Arc<Vec<crate::model::EditionInfo>>,
    ) {
        let (locale, _) = self.locale(&site.language);
        let mut locales = Vec::new();
        let mut editions = vec![crate::model::EditionInfo {
            lang: site.language.clone(),
            name: locale.text("language_name").to_string(),
            prefix: String::new(),
        }];
        locales.push(std::sync::Arc::new(locale));
        for language in &site.languages {
            let (other, _) = self.locale(&language.tag);
            editions.push(crate::model::EditionInfo {
                lang: language.tag.clone(),
                name: other.text("language_name").to_string(),
                prefix: format!("{}/", language.tag.to_ascii_lowercase()),
            });
            locales.push(std::sync::Arc::new(other));
        }
        (locales, std::sync::Arc::new(editions))
    }

    /// A language's locale, with the story's overrides; a language with no
    /// built-in strings is a warning (its pages show English words).
    pub(crate) fn locale(&mut self, tag: &str) -> (crate::i18n::Locale, bool) {
        let raw = self.raw;
        let overrides: std::collections::BTreeMap<String, crate::i18n::Entry> = raw
            .strings
            .iter()
            .filter(|(_, lang, _)| lang == tag)
            .flat_map(|(_, _, table)| table.iter().map(|(k, v)| (k.clone(), v.get_ref().clone())))
            .collect();
        let (locale, troubles) = crate::i18n::Locale::new(tag, &overrides);
        let overridden = raw.strings.iter().any(|(_, lang, _)| lang == tag);
        let mut fine = true;
        for trouble in troubles {
            if trouble == crate::i18n::Trouble::NoTable && !overridden {
                fine = false;
                if let Some((file, _)) = raw.site {
                    let path = self.file(file).path.clone();
                    self.diagnostics.push(
                        crate::diagnostics::Diagnostic::whole_file(
                            Severity::Warning,
                            &path,
                            format!("explainer has no interface strings for `{tag}`: its pages show English words around the story"),
                        )
                        .help(format!("translate them in i18n/{tag}.toml, with the keys of the built-in English table (docs/translations.md)")),
                    );
                }
            }
        }
        (locale, fine)
    }

    fn file(&self, id: FileId) -> &SourceFile {
        self.raw.file(id)
    }

    fn error(&mut self, file: FileId, span: Range<usize>, message: String, help: String) {
        let file = self.raw.file(file);
        self.diagnostics.error_help(file, span, message, help);
    }

    /// A value from a fixed list (`kind`, `stance`, `status`), with the list in the help.
    fn enumerated<T: Copy>(
        &mut self,
        file: FileId,
        value: &Spanned<String>,
        all: &[T],
        name: fn(T) -> &'static str,
        what: &str,
    ) -> Option<T> {
        let text = value.get_ref();
        if let Some(found) = all.iter().copied().find(|v| name(*v) == text) {
            return Some(found);
        }
        let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
        let help = match closest(&text.to_lowercase(), names.iter().copied()) {
            Some(near) => format!(
                "did you mean \"{near}\"? write one of: {}",
                names.join(", ")
            ),
            None => format!("write one of: {}", names.join(", ")),
        };
        self.error(file, value.span(), format!("`{text}` is not {what}"), help);
        None
    }

    /// Remembers where a link to another website is written, for `check --links`.
    fn link_site(&mut self, file: FileId, span: Range<usize>, url: &str) {
        let at = self.raw.file(file).diagnostic(Severity::Error, span, "");
        self.links.push(LinkSite {
            url: url.to_string(),
            at,
        });
    }

    /// Every link written as a path on the site must lead to a page of the
    /// plan or a file: the routes say which addresses there are.
    fn check_internal_links(&mut self) {
        let links = std::mem::take(&mut self.internal);
        if links.is_empty() {
            return;
        }
        let statics = &self.raw.static_paths;
        let has_updates = !self.raw.updates.is_empty();
        let exists = |path: &str| {
            if statics.contains(path)
                || statics.contains(&format!("{path}index.html"))
                || DATA_FILES.contains(&path)
            {
                return true;
            }
            match Route::from_href(path) {
                Some(route) => match route.kind {
                    Kind::Event => self.ids.events.contains_key(route.key),
                    Kind::Actor => self.ids.actors.contains_key(route.key),
                    Kind::Changes | Kind::Feed => has_updates,
                    _ => true,
                },
                None => false,
            }
        };
        let (paged, links): (Vec<InternalSite>, Vec<InternalSite>) =
            links.into_iter().partition(|l| {
                Route::from_href(&l.path).is_some_and(|route| {
                    route.number > 1
                        || matches!(
                            route.kind,
                            Kind::Period
                                | Kind::Source
                                | Kind::Tag
                                | Kind::Embed(_)
                                | Kind::Oembed(_)
                        )
                })
            });
        self.paged = paged;
        let broken: Vec<InternalSite> = links.into_iter().filter(|l| !exists(&l.path)).collect();
        if broken.is_empty() {
            return;
        }
        let mut known: Vec<String> = [
            Kind::Story,
            Kind::Timeline,
            Kind::Actors,
            Kind::Accounts,
            Kind::Sources,
        ]
        .into_iter()
        .map(|kind| Route::one(kind).href())
        .collect();
        if has_updates {
            known.push(Route::one(Kind::Changes).href());
        }
        known.extend(self.ids.events.keys().map(|id| Route::event(id).href()));
        known.extend(self.ids.actors.keys().map(|id| Route::actor(id).href()));
        known.extend(statics.iter().cloned());
        for link in broken {
            let near = closest(&link.path, known.iter().map(String::as_str))
                .filter(|near| !near.is_empty() || link.path.len() < 4);
            let help = match near {
                Some(near) => format!("did you mean `/{near}`?"),
                None => "link to a page of the story, like `/timeline/`, or a file in static/; for an event or an actor write `event:ID` or `actor:ID`".to_string(),
            };
            self.error(
                link.file,
                link.span,
                format!("`{}` leads to no page or file of this site", link.written),
                help,
            );
        }
    }

    /// Links to pages that exist by how the story is paged must lead to a
    /// page of its plan.
    fn check_paged_links(&mut self, story: &Story) {
        let links = std::mem::take(&mut self.paged);
        if links.is_empty() {
            return;
        }
        let planned: FastSet<String> = crate::plan::plan(story)
            .iter()
            .map(|page| page.route.href())
            .collect();
        for link in links {
            let href = Route::from_href(&link.path).map(|route| route.href());
            if href.is_some_and(|href| planned.contains(&href)) {
                continue;
            }
            self.error(
                link.file,
                link.span,
                format!("`{}` leads to no page of this site", link.written),
                "this story has no such page: periods of the timeline, sources' and tags' own pages and later pages of a list exist only when the story is long enough to need them (or, for tags, with `tag_pages = true`); link to `/timeline/`, `/sources/` or an `event:ID` instead".to_string(),
            );
        }
    }

    /// A file the site shows from static/ must be there.
    fn check_static(&mut self, file: FileId, span: Range<usize>, path: &str) {
        let statics = &self.raw.static_paths;
        if statics.contains(path) {
            return;
        }
        let help = match closest(path, statics.iter().map(String::as_str)) {
            Some(near) => format!("did you mean \"{near}\"? paths are relative to static/"),
            None => format!(
                "put the file at static/{path}, or correct the path (it is relative to static/)"
            ),
        };
        self.error(file, span, format!("there is no file static/{path}"), help);
    }
}
