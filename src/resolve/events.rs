//! Events: each event's dates, actors, sources, summary, media and accounts;
//! then the updates, which name events, and the eras, which frame them.

use rayon::prelude::*;
use toml::Spanned;

use super::fields::Field;
use super::{EVENTS_A_CHUNK, Resolve, Worked};
use crate::diagnostics::Diagnostics;
use crate::load::{FileId, RawMedia};
use crate::model::{
    Account, ActorIx, Era, Event, EventIx, Media, SourceIx, Stance, Status, Update, UpdateKind,
};

impl Resolve<'_> {
    /// The events in story order. They are resolved side by side, in
    /// chunks: each chunk's worker gathers its own problems and tallies,
    /// put together in order, so the result is the same as one by one.
    pub(super) fn events(&mut self) -> Vec<Event> {
        let positions: Vec<usize> = self.order.events.raw().collect();
        let this = &*self;
        let chunks: Vec<(Vec<Event>, Worked, Diagnostics)> = positions
            .par_chunks(EVENTS_A_CHUNK)
            .map(|chunk| {
                let mut diagnostics = Diagnostics::default();
                let mut worker = this.worker(&mut diagnostics);
                let events = chunk.iter().filter_map(|&at| worker.event(at)).collect();
                let worked = worker.worked();
                (events, worked, diagnostics)
            })
            .collect();
        let mut events = Vec::with_capacity(positions.len());
        for (chunk, worked, diagnostics) in chunks {
            events.extend(chunk);
            self.absorb(worked, diagnostics);
        }
        events
    }

    /// The event at `at` in the raw story, if its date can be read.
    fn event(&mut self, at: usize) -> Option<Event> {
        let raw = self.raw;
        let (file, rawe) = &raw.events[at];
        let file = *file;
        let (date, end_date) =
            self.date_range(file, &rawe.date, rawe.end_date.as_ref(), |start, end| {
                (
                    format!("`end_date` ({end}) is before `date` ({start})"),
                    "the end of a range cannot come before its start: swap the two dates or correct one".into(),
                )
            });
        let actors = self.references::<ActorIx>(file, &rawe.actors);
        let sources = self.references::<SourceIx>(file, &rawe.sources);
        let summary = self.markdown(Field::Summary(at));
        let media = rawe.media.as_ref().and_then(|m| self.media(at, file, m));
        let mut accounts = Vec::new();
        for (n, account) in rawe.accounts.iter().enumerate() {
            let account = account.get_ref();
            let actor = self.reference::<ActorIx>(file, &account.actor);
            let stance = account.stance.as_ref().map_or(Some(Stance::Asserts), |s| {
                self.enumerated(file, s, &Stance::ALL, Stance::name, "a stance")
            });
            let status = account
                .status
                .as_ref()
                .map_or(Some(Status::Unverified), |s| {
                    self.enumerated(file, s, &Status::ALL, Status::name, "a status")
                });
            let sources = self.references::<SourceIx>(file, &account.sources);
            let claim = self.markdown(Field::Claim(at, n));
            if let (Some(actor), Some(stance), Some(status), Some(claim)) =
                (actor, stance, status, claim)
            {
                accounts.push(Account {
                    actor,
                    claim: claim.html.clone(),
                    stance,
                    status,
                    sources,
                });
            }
        }
        if rawe.sources.is_empty() {
            let help = match raw.sources.first() {
                Some((_, source)) => format!(
                    "add a line sources = [\"{}\"] with the ids of the sources it comes from, declared in content/sources.toml",
                    source.id.get_ref()
                ),
                None => "declare its source in content/sources.toml ([[source]] with an id and a title), then add a line sources = [\"that-id\"]".to_string(),
            };
            self.diagnostics.warning_help(
                raw.file(file),
                rawe.id.span(),
                format!("event `{}` cites no source", rawe.id.get_ref()),
                help,
            );
        }
        if rawe.accounts.len() == 1 {
            self.diagnostics.warning_help(
                raw.file(file),
                rawe.accounts[0].span().start..rawe.accounts[0].span().start + 18,
                format!("event `{}` has only one account", rawe.id.get_ref()),
                "a dispute has at least two sides: add the other [[event.accounts]], or state the fact in the summary with its source",
            );
        }
        let date = date?;
        Some(Event {
            id: rawe.id.get_ref().clone(),
            date,
            end_date,
            approximate: rawe.approximate,
            title: rawe.title.get_ref().clone(),
            summary: summary.map(|s| s.html.clone()),
            actors,
            place: rawe.place.clone(),
            tags: rawe.tags.clone(),
            sources,
            media,
            accounts,
            accounts_note: rawe.accounts_note.clone().filter(|n| !n.trim().is_empty()),
            key: rawe.key,
        })
    }

    /// An event's media; `event` is the event's position, for its caption.
    fn media(&mut self, event: usize, file: FileId, media: &Spanned<RawMedia>) -> Option<Media> {
        let raw = media.get_ref();
        let written = raw.src.get_ref().trim();
        let external = written.starts_with("http://") || written.starts_with("https://");
        // Written from the site root or from static/: the same file either way.
        let src = if external {
            written
        } else {
            written.trim_start_matches('/')
        };
        let is_image = is_image_path(src);
        if !external && (src.contains("://") || src.split('/').any(|p| p == ".." || p.is_empty())) {
            self.error(
                file,
                raw.src.span(),
                format!("`{written}` is neither a path under static/ nor an http(s) address"),
                "write a path relative to static/, like \"images/photo.jpg\", or a full https:// address".into(),
            );
            return None;
        }
        if !external {
            self.check_static(file, raw.src.span(), src);
        }
        if is_image && raw.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            let header = media.span().start..media.span().start + "[event.media]".len();
            self.error(
                file,
                header,
                "this image has no alt text".into(),
                "add `alt = \"...\"`: a short description of the picture for readers who cannot see it".into(),
            );
        }
        let caption = self.markdown(Field::Caption(event)).map(|c| c.html.clone());
        let mut srcset = Vec::new();
        for entry in &raw.srcset {
            let text = entry.get_ref().trim();
            let parsed = text.rsplit_once(' ').and_then(|(path, width)| {
                let width: u32 = width.strip_suffix('w')?.parse().ok()?;
                Some((path.trim().trim_start_matches('/'), width))
            });
            match parsed {
                Some((path, width)) if is_image && !external && width > 0 => {
                    self.check_static(file, entry.span(), path);
                    srcset.push((path.to_string(), width));
                }
                Some(_) if !is_image || external => self.error(
                    file,
                    entry.span(),
                    "`srcset` gives other sizes of a picture in static/, and `src` is not one".into(),
                    "remove `srcset`, or make `src` a picture under static/".into(),
                ),
                _ => self.error(
                    file,
                    entry.span(),
                    format!("`{text}` is not a size of the picture"),
                    "write the path and the picture's width in pixels, like \"images/photo-480.jpg 480w\"".into(),
                ),
            }
        }
        Some(Media {
            src: src.to_string(),
            is_image: is_image && !external,
            external,
            alt: raw.alt.clone(),
            caption,
            credit: raw.credit.clone(),
            srcset,
        })
    }

    pub(super) fn updates(&mut self) -> Vec<Update> {
        let raw = self.raw;
        let mut updates = Vec::new();
        for (index, (file, update)) in raw.updates.iter().enumerate() {
            let file = *file;
            let date = self.toml_date(file, &update.date);
            let kind = self.enumerated(
                file,
                &update.kind,
                &UpdateKind::ALL,
                UpdateKind::name,
                "an update kind",
            );
            let events = self.references::<EventIx>(file, &update.events);
            let sections = self.section_slugs(file, &update.sections);
            let note = self.markdown(Field::Note(index));
            if let (Some(date), Some(kind), Some(note)) = (date, kind, note) {
                updates.push(Update {
                    id: update.id.as_ref().map(|id| id.get_ref().clone()),
                    date,
                    kind,
                    note: note.html.clone(),
                    events,
                    sections,
                });
            }
        }
        updates
    }

    /// The sections an update names, by slug: an unknown one is an error
    /// with the closest slug; a draft left out of this build is skipped.
    fn section_slugs(&mut self, file: FileId, slugs: &[Spanned<String>]) -> Vec<String> {
        let mut known = Vec::new();
        for slug in slugs {
            let id = slug.get_ref();
            if self.ids.sections.contains_key(id) {
                known.push(id.clone());
                continue;
            }
            if self.ids.draft_sections.contains_key(id) {
                continue;
            }
            let all = self.ids.sections.keys().map(String::as_str);
            let help = match crate::diagnostics::closest(id, all) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "write the slug of a section: its file name without the number, like `what-happened` for content/story/01-what-happened.md ({})",
                    super::ids::listing(
                        self.ids.sections.keys().map(String::as_str).collect(),
                        "section"
                    )
                ),
            };
            self.error(file, slug.span(), format!("unknown section `{id}`"), help);
        }
        known
    }

    pub(super) fn eras(&mut self) -> Vec<Era> {
        let raw = self.raw;
        let mut eras = Vec::new();
        for (file, era) in &raw.eras {
            let file = *file;
            let (start, end) = self.date_range(file, &era.start, era.end.as_ref(), |s, e| {
                (
                    format!("the era ends ({e}) before it starts ({s})"),
                    "swap `start` and `end`, or correct one of them".into(),
                )
            });
            if let Some(start) = start {
                eras.push(Era {
                    id: era.id.as_ref().map(|id| id.get_ref().clone()),
                    title: era.title.clone(),
                    start,
                    end,
                });
            }
        }
        eras
    }
}

pub fn is_image_path(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or("");
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"]
        .iter()
        .any(|ext| path.ends_with(ext))
}
