//! Raw content -> validated [`Story`]: ids, references, dates, ordering.
//!
//! Steps: read the site settings; give every section, event, actor and source
//! its id (checking syntax and duplicates); then convert each item, resolving
//! the ids it names and rendering its Markdown with cross-references; then
//! warn about loose ends; then sort and build the derived indexes once.
//! Every problem becomes a diagnostic; nothing stops at the first one.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use crate::diagnostics::{Diagnostics, Severity, SourceFile, closest};
use crate::load::{FileId, RawStory};
use crate::markdown::Rendered;
use crate::model::*;

mod actors;
mod dates;
mod events;
mod fields;
mod ids;
mod sections;
mod site;
mod sources;

pub use dates::guess_date;
pub use events::is_image_path;
pub use fields::MarkdownCache;
pub use ids::{section_slug, suggest_id};

use fields::{FieldKey, Place, prerender};
use ids::Ids;

/// What the build was asked to include.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveOptions {
    pub drafts: bool,
}

struct Resolve<'a> {
    raw: &'a RawStory,
    ids: Ids,
    diagnostics: &'a mut Diagnostics,
    /// How often each actor and source is named anywhere, for warnings.
    actor_uses: Vec<usize>,
    source_uses: Vec<usize>,
    /// Every link to another website, where it is written.
    links: Vec<LinkSite>,
    /// Markdown fields rendered ahead, in parallel: see [`prerender`].
    prerendered: HashMap<FieldKey, (Place, Rendered)>,
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
    let mut r = Resolve {
        raw,
        ids: Ids::default(),
        diagnostics,
        actor_uses: vec![0; raw.actors.len()],
        source_uses: vec![0; raw.sources.len()],
        links: Vec::new(),
        prerendered: HashMap::new(),
    };
    let site = r.site();
    r.collect_ids(options);
    r.prerendered = prerender(raw, &r.ids, options, cache);
    let sections = r.sections(options);
    let actors = r.actors();
    let events = r.events();
    let sources = r.sources();
    let updates = r.updates();
    let eras = r.eras();
    r.warn_unused_actors();
    r.warn_unused_sources();
    if r.diagnostics.has_errors() {
        return None;
    }
    let mut story = assemble(site?, sections, events, actors, sources, updates, eras);
    r.links.sort_by(|a, b| {
        (&a.at.path, a.at.line, a.at.column).cmp(&(&b.at.path, b.at.line, b.at.column))
    });
    story.links = r.links;
    Some(story)
}

impl Resolve<'_> {
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

/// Orders everything and builds the derived indexes, each in one pass.
fn assemble(
    site: Site,
    sections: Vec<(Section, bool)>,
    events: Vec<Event>,
    actors: Vec<Actor>,
    sources: Vec<Source>,
    mut updates: Vec<Update>,
    mut eras: Vec<Era>,
) -> Story {
    let mut sections: Vec<Section> = sections.into_iter().map(|(s, _)| s).collect();
    // Files were read in name order; a stable sort keeps it among equal weights.
    sections.sort_by_key(|s| s.weight);

    // Events are kept in load order (file name, then table order) among equal dates.
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| events[i].date);
    let mut new_index = vec![0; events.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Event>> = events.into_iter().map(Some).collect();
    let mut events: Vec<Event> = order
        .iter()
        .map(|&i| slots[i].take().expect("each event moved once"))
        .collect();
    for update in &mut updates {
        for e in &mut update.events {
            *e = new_index[*e];
        }
    }

    // Actors are shown by name; remap every actor index to the new order.
    let mut actor_order: Vec<usize> = (0..actors.len()).collect();
    actor_order.sort_by(|&a, &b| {
        actors[a]
            .name
            .to_lowercase()
            .cmp(&actors[b].name.to_lowercase())
    });
    let mut actor_new = vec![0; actors.len()];
    for (new, &old) in actor_order.iter().enumerate() {
        actor_new[old] = new;
    }
    let mut actor_slots: Vec<Option<Actor>> = actors.into_iter().map(Some).collect();
    let mut actors: Vec<Actor> = actor_order
        .iter()
        .map(|&i| actor_slots[i].take().expect("each actor moved once"))
        .collect();
    for actor in &mut actors {
        for relation in &mut actor.relations {
            relation.to = actor_new[relation.to];
        }
    }
    for event in &mut events {
        for a in &mut event.actors {
            *a = actor_new[*a];
        }
        for account in &mut event.accounts {
            account.actor = actor_new[account.actor];
        }
    }
    for section in &mut sections {
        for a in &mut section.mentions {
            *a = actor_new[*a];
        }
        for embed in &mut section.embeds {
            match embed {
                Embed::Timeline { actor, .. } | Embed::Map { actor } => {
                    if let Some(a) = actor {
                        *a = actor_new[*a];
                    }
                }
            }
        }
        section.mentions.sort_unstable();
    }

    updates.sort_by_key(|u| std::cmp::Reverse(u.date));
    eras.sort_by_key(|e| e.start);

    let mut index = Index {
        actor_events: vec![Vec::new(); actors.len()],
        actor_sections: vec![Vec::new(); actors.len()],
        actor_accounts: vec![Vec::new(); actors.len()],
        relations_to: vec![Vec::new(); actors.len()],
        event_updates: vec![Vec::new(); events.len()],
    };
    for (e, event) in events.iter().enumerate() {
        for &a in &event.actors {
            index.actor_events[a].push(e);
        }
        for (n, account) in event.accounts.iter().enumerate() {
            index.actor_accounts[account.actor].push((e, n));
            if !event.actors.contains(&account.actor) {
                index.actor_events[account.actor].push(e);
            }
        }
    }
    for (s, section) in sections.iter().enumerate() {
        for &a in &section.mentions {
            index.actor_sections[a].push(s);
        }
    }
    for (a, actor) in actors.iter().enumerate() {
        for (r, relation) in actor.relations.iter().enumerate() {
            index.relations_to[relation.to].push((a, r));
        }
    }
    for (u, update) in updates.iter().enumerate() {
        for &e in &update.events {
            index.event_updates[e].push(u);
        }
    }
    for list in &mut index.actor_events {
        list.dedup();
    }

    Story {
        site,
        sections,
        events,
        actors,
        sources,
        updates,
        eras,
        index,
        links: Vec::new(),
    }
}
