//! Which pages an edit can change, so that `serve` makes only those.
//!
//! Each build that keeps its pages for the next (see [`super::RenderMemo`])
//! takes a [`Prints`] of what its pages were made from: one hash of
//! everything but the events (the frame), and two per event, one of what
//! places it in the site (its id, dates, actors, tags, sources, the actors
//! and sources of its accounts, whether it is a key event) and one of all
//! of it. When the next build's frame and every event's place are the same,
//! only the text of some events changed (a title, a summary, a place, a
//! claim), and the pages that can show that text are known: see
//! [`Dirty::needs`]. Every other page keeps last build's bytes without its
//! context being built. Anything else changes every page's make-up, and
//! every page is made again (and reused only if its context is the same).
//!
//! The frame is hashed through derived `Hash` (the story's items, the
//! indexes) or, for what has none, its `Debug` form (the settings, the
//! locale), so a field added to the model is in it without being listed
//! here; the event's place is listed field by field, and adding a field to
//! [`Event`] fails to compile here until it is put on one side or the other.

use std::collections::BTreeSet;
use std::fmt::{self, Write};

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use crate::model::{Event, EventIx, Ix, Story};
use crate::plan::{Embeddable, Item, Kind, Planned};

/// Where `build` keeps an edition's [`Prints`], in its folder of the output,
/// published with the site like the manifest: the next build reads them
/// back and leaves alone the files of pages the edit cannot have changed.
pub(super) const FILE: &str = ".explainer-prints";

/// What a build's pages were made from, in hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Prints {
    /// What made the pages: this program and the templates.
    maker: u128,
    /// Everything but the events, with the live-reload address.
    frame: u128,
    /// By position: where the event stands in the site, and all of it.
    events: Vec<(u128, u128)>,
}

impl Prints {
    pub(super) fn of(story: &Story, live_reload: Option<&str>, templates: u64) -> Prints {
        let (frame, events) = rayon::join(
            || frame(story, live_reload),
            || {
                story
                    .events
                    .indexed()
                    .collect::<Vec<_>>()
                    .par_iter()
                    .map(|&(at, event)| {
                        let mark = story.marks.events.get(at.position());
                        (place(event), digest(&(event, mark)))
                    })
                    .collect()
            },
        );
        Prints {
            maker: maker(templates),
            frame,
            events,
        }
    }

    /// The prints as `build` keeps them: a line naming the format, then
    /// every hash, 16 bytes each, little-endian.
    pub(super) fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(HEADER.len() + 16 * (2 + 2 * self.events.len()));
        bytes.extend_from_slice(HEADER);
        for hash in [self.maker, self.frame]
            .into_iter()
            .chain(self.events.iter().flat_map(|&(place, all)| [place, all]))
        {
            bytes.extend_from_slice(&hash.to_le_bytes());
        }
        bytes
    }

    /// Prints kept by [`Prints::to_bytes`]; `None` for anything else.
    pub(super) fn from_bytes(bytes: &[u8]) -> Option<Prints> {
        let rest = bytes.strip_prefix(HEADER)?;
        if rest.len() % 32 != 0 || rest.len() < 32 {
            return None;
        }
        let mut hashes = rest
            .chunks_exact(16)
            .map(|chunk| u128::from_le_bytes(chunk.try_into().unwrap_or_default()));
        let (maker, frame) = (hashes.next()?, hashes.next()?);
        let mut events = Vec::with_capacity(rest.len() / 32 - 1);
        while let (Some(place), Some(all)) = (hashes.next(), hashes.next()) {
            events.push((place, all));
        }
        Some(Prints {
            maker,
            frame,
            events,
        })
    }
}

const HEADER: &[u8] = b"explainer prints 1\n";

/// A hash of what renders the pages besides the story: the templates, and
/// this program (its version, and the size and time of its file, so that a
/// program built again from changed code makes every page again).
fn maker(templates: u64) -> u128 {
    let program = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .map(|m| (m.len(), m.modified().ok()));
    digest(&(env!("CARGO_PKG_VERSION"), program, templates))
}

/// The pages of a build that may differ from the last one's.
#[derive(Debug)]
pub(super) enum Dirty {
    /// Any of them.
    All,
    /// Only the text of some events changed: the pages that show it.
    Some(Shown),
}

/// What shows the text of the changed events.
#[derive(Debug, Default)]
pub(super) struct Shown {
    events: BTreeSet<EventIx>,
    actors: BTreeSet<crate::model::ActorIx>,
    actor_ids: BTreeSet<String>,
    sources: BTreeSet<crate::model::SourceIx>,
    periods: BTreeSet<usize>,
    tags: BTreeSet<String>,
    /// Whether one of them is on the accounts' pages.
    contested: bool,
}

impl Dirty {
    /// What differs between the build printed `before` and `story`, printed `now`.
    pub(super) fn between(before: Option<&Prints>, now: &Prints, story: &Story) -> Dirty {
        let Some(before) = before else {
            return Dirty::All;
        };
        if before.maker != now.maker
            || before.frame != now.frame
            || before.events.len() != now.events.len()
        {
            return Dirty::All;
        }
        let mut changed = Vec::new();
        for (at, (was, is)) in before.events.iter().zip(&now.events).enumerate() {
            if was.0 != is.0 {
                return Dirty::All;
            }
            if was.1 != is.1 {
                changed.push(EventIx::new(at));
            }
        }
        // The latest change, and the titles of the events it names, are on every page.
        let newest = story.updates.iter().next();
        if newest.is_some_and(|u| u.events.iter().any(|e| changed.contains(e))) {
            return Dirty::All;
        }
        Dirty::Some(Shown::of(story, &changed))
    }

    /// Whether `page` may read differently from last build.
    pub(super) fn needs(&self, page: &Planned) -> bool {
        let Dirty::Some(shown) = self else {
            return true;
        };
        match page.item {
            Some(Item::Event(e)) => shown.events.contains(&e),
            Some(Item::Actor(a)) => shown.actors.contains(&a),
            Some(Item::Source(s)) => shown.sources.contains(&s),
            Some(Item::Period(p)) => shown.periods.contains(&p.period),
            None => match page.route.kind {
                Kind::Embed(Embeddable::Actor) | Kind::Oembed(Embeddable::Actor) => {
                    shown.actor_ids.contains(page.route.key)
                }
                Kind::Tag | Kind::Embed(Embeddable::Tag) | Kind::Oembed(Embeddable::Tag) => {
                    shown.tags.contains(page.route.key)
                }
                // Made of the frame and the events' places only.
                Kind::Actors | Kind::Sitemap | Kind::Robots | Kind::Headers | Kind::NotFound => {
                    false
                }
                Kind::Accounts => shown.contested,
                // The other lists of the whole story: few, and made again.
                _ => true,
            },
        }
    }
}

impl Shown {
    /// What shows the text of the events `changed`: each is on its own page,
    /// its neighbours' (as their previous or next), and with every event an
    /// update names beside it (in the update's box); those events are on
    /// their actors', sources', tags' and periods' pages.
    fn of(story: &Story, changed: &[EventIx]) -> Shown {
        let mut shown = Shown::default();
        let mut with = BTreeSet::new();
        for &e in changed {
            with.insert(e);
            for &u in &story.index.event_updates[e] {
                with.extend(story.updates[u].events.iter().copied());
            }
            shown.events.extend(story.events.previous(e));
            shown.events.extend(story.events.next(e));
        }
        for &e in &with {
            let event = &story.events[e];
            shown.events.insert(e);
            shown.actors.extend(event.actors.iter().copied());
            shown.sources.extend(event.sources.iter().copied());
            for account in &event.accounts {
                shown.actors.insert(account.actor);
                shown.sources.extend(account.sources.iter().copied());
            }
            shown.tags.extend(event.tags.iter().cloned());
            shown.contested |= event.accounts.len() >= 2;
            let at = e.position();
            let periods = &story.timeline.periods;
            shown
                .periods
                .insert(periods.partition_point(|p| p.events.end <= at));
        }
        shown.actor_ids = shown
            .actors
            .iter()
            .map(|&a| story.actors[a].id.clone())
            .collect();
        shown
    }
}

/// Where an event stands in the site: everything of it but its text.
fn place(event: &Event) -> u128 {
    // No `..`: a new field must be put here or named as text below.
    let Event {
        id,
        date,
        end_date,
        approximate,
        title: _,
        summary: _,
        actors,
        place: _,
        tags,
        sources,
        media,
        accounts,
        accounts_note: _,
        key,
    } = event;
    // Whether it has a picture: the page's share image. The rest is text.
    let picture = media.as_ref().map(|m| m.is_image);
    let accounts: Vec<_> = accounts
        .iter()
        .map(|a| (a.actor, &a.sources, a.stance, a.status))
        .collect();
    digest(&(
        id,
        date,
        end_date,
        approximate,
        actors,
        tags,
        sources,
        picture,
        accounts,
        key,
    ))
}

/// Everything of the story but its events, and the live-reload address.
fn frame(story: &Story, live_reload: Option<&str>) -> u128 {
    let Story {
        site,
        sections,
        events: _,
        actors,
        sources,
        updates,
        eras,
        index,
        // Where each outside link is written: read by `check --links`, not by pages.
        links: _,
        timeline,
        locale,
        editions,
        locales,
        edition,
        marks,
        // The translations, read to make the other editions, not by pages.
        texts: _,
    } = story;
    let crate::model::Marks {
        default_lang,
        sections: section_marks,
        events: _,
        actors: actor_marks,
        sources: source_marks,
        updates: update_marks,
        eras: era_marks,
    } = marks;
    let tags: Vec<&str> = locales.iter().map(|l| l.tag.as_str()).collect();
    let marks = (
        default_lang,
        section_marks,
        actor_marks,
        source_marks,
        update_marks,
        era_marks,
    );
    let rest = (
        eras,
        timeline,
        locale,
        editions,
        tags,
        edition,
        marks,
        live_reload,
    );
    // The settings and the rest by their `Debug` form (they have no `Hash`);
    // the story's items and the indexes by `Hash`, far quicker than a
    // `Debug` form, which escapes every letter of every text.
    let (debugged, hashed) = rayon::join(
        || [hash(site), hash(&rest)],
        || digest(&(sections, actors, sources, updates, index)),
    );
    digest(&(debugged, hashed))
}

/// A 128-bit hash of a value, by its `Hash`.
fn digest(value: &impl std::hash::Hash) -> u128 {
    let mut hasher = Xxh3::new();
    value.hash(&mut hasher);
    hasher.digest128()
}

/// A 128-bit hash of a value's `Debug` form.
fn hash(value: &impl fmt::Debug) -> u128 {
    let mut hasher = Hasher(Xxh3::new());
    // Writing into a hasher cannot fail.
    let _ = write!(hasher, "{value:?}");
    hasher.0.digest128()
}

struct Hasher(Xxh3);

impl Write for Hasher {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}
