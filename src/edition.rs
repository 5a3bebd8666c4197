//! The story in another language: each edition is the default story with
//! what its translations give laid over it ([`edition`]); what they do not
//! give stays in the default language, marked so that pages can say so.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::i18n::Locale;
use crate::markdown::Html;
use crate::model::{EditionInfo, Mark, Marks, Story};

/// A translated field, and whether its original changed since it was translated.
#[derive(Debug, Clone)]
pub struct Translated<T> {
    pub value: T,
    pub stale: bool,
}

pub type Text = Option<Translated<String>>;
pub type Markup = Option<Translated<Html>>;

#[derive(Debug, Clone, Default)]
pub struct SectionTr {
    pub title: Text,
    pub summary: Text,
    pub body: Markup,
}

#[derive(Debug, Clone, Default)]
pub struct ActorTr {
    pub name: Text,
    pub role: Text,
    pub country: Text,
    pub aliases: Option<Translated<Vec<String>>>,
    pub bio: Markup,
    /// By the relation's place in the original's list.
    pub relations: BTreeMap<usize, Translated<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct EventTr {
    pub title: Text,
    pub summary: Markup,
    pub place: Text,
    pub accounts_note: Text,
    pub alt: Text,
    pub caption: Markup,
    pub credit: Text,
    /// By the account's place in the original's list.
    pub claims: BTreeMap<usize, Translated<Html>>,
}

#[derive(Debug, Clone, Default)]
pub struct SourceTr {
    pub title: Text,
    pub publisher: Text,
}

/// What the translations into one language give, by the originals' ids
/// (a section's slug).
#[derive(Debug, Clone, Default)]
pub struct Texts {
    pub lang: String,
    pub sections: HashMap<String, SectionTr>,
    pub actors: HashMap<String, ActorTr>,
    pub events: HashMap<String, EventTr>,
    pub sources: HashMap<String, SourceTr>,
    pub updates: HashMap<String, Translated<Html>>,
    pub eras: HashMap<String, Translated<String>>,
}

/// What an edition shows in the default language, for `check` and
/// `explainer translations`: "event `x`: title, summary".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Missing {
    pub items: Vec<String>,
}

/// Tracks one item's mark while its fields are laid over.
struct Marking {
    mark: Mark,
    fields: Vec<&'static str>,
}

impl Marking {
    fn new() -> Marking {
        Marking {
            mark: Mark::default(),
            fields: Vec::new(),
        }
    }

    /// A field the original has: translated (its value replaces `slot`) or not.
    fn text(&mut self, name: &'static str, slot: &mut String, tr: &Text) {
        match tr {
            Some(t) => {
                *slot = t.value.clone();
                self.mark.stale |= t.stale;
            }
            None => self.missing(name),
        }
    }

    fn optional(&mut self, name: &'static str, slot: &mut Option<String>, tr: &Text) {
        if let Some(value) = slot {
            self.text(name, value, tr);
        }
    }

    /// A Markdown field: untranslated, it is kept and marked with its language.
    fn html(&mut self, name: &'static str, slot: &mut Html, tr: &Markup, lang: &str, block: bool) {
        match tr {
            Some(t) => {
                *slot = t.value.clone();
                self.mark.stale |= t.stale;
            }
            None => {
                self.missing(name);
                *slot = slot.in_language(lang, block);
            }
        }
    }

    fn missing(&mut self, name: &'static str) {
        self.mark.untranslated = true;
        self.fields.push(name);
    }

    fn done(self, what: String, missing: &mut Missing) -> Mark {
        if !self.fields.is_empty() {
            missing
                .items
                .push(format!("{what}: {}", self.fields.join(", ")));
        }
        self.mark
    }
}

/// The default story as the edition `index` of `editions` shows it: every
/// translated field in place of the original's, every other one kept and
/// marked. Also says what is not translated.
pub fn edition(
    story: &Story,
    texts: &Texts,
    locale: Arc<Locale>,
    editions: Arc<Vec<EditionInfo>>,
    index: usize,
) -> (Story, Missing) {
    let default_lang = story.locale.tag.clone();
    let lang = default_lang.as_str();
    let mut ed = story.clone();
    let mut missing = Missing::default();
    let mut marks = Marks {
        default_lang: default_lang.clone(),
        ..Marks::default()
    };
    let prefix = editions[index].prefix.clone();
    ed.site.base_url = format!("{}{prefix}", story.site.base_url);
    if let Some(language) = story.site.languages.iter().find(|l| l.tag == texts.lang) {
        if let Some(title) = &language.title {
            ed.site.title = title.clone();
        }
        if language.subtitle.is_some() {
            ed.site.subtitle = language.subtitle.clone();
        }
        if language.description.is_some() {
            ed.site.description = language.description.clone();
        }
        ed.site.tag_labels.extend(
            language
                .tag_labels
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
    }
    ed.site.language = texts.lang.clone();
    let none_section = SectionTr::default();
    for section in ed.sections.iter_mut() {
        let tr = texts.sections.get(&section.slug).unwrap_or(&none_section);
        let mut m = Marking::new();
        m.text("title", &mut section.title, &tr.title);
        m.mark.title = tr.title.is_none();
        m.optional("summary", &mut section.summary, &tr.summary);
        m.html("text", &mut section.body, &tr.body, lang, true);
        marks
            .sections
            .push(m.done(format!("section `{}`", section.slug), &mut missing));
    }
    let none_actor = ActorTr::default();
    for actor in ed.actors.iter_mut() {
        let tr = texts.actors.get(&actor.id).unwrap_or(&none_actor);
        let mut m = Marking::new();
        m.text("name", &mut actor.name, &tr.name);
        m.mark.title = tr.name.is_none();
        m.optional("role", &mut actor.role, &tr.role);
        m.optional("country", &mut actor.country, &tr.country);
        if !actor.aliases.is_empty() {
            match &tr.aliases {
                Some(t) => actor.aliases = t.value.clone(),
                None => m.missing("aliases"),
            }
        }
        if !actor.bio.is_empty() {
            m.html("bio", &mut actor.bio, &tr.bio, lang, true);
        }
        for (n, relation) in actor.relations.iter_mut().enumerate() {
            match tr.relations.get(&n) {
                Some(t) => {
                    relation.kind = t.value.clone();
                    m.mark.stale |= t.stale;
                }
                None => m.missing("relations"),
            }
        }
        marks
            .actors
            .push(m.done(format!("actor `{}`", actor.id), &mut missing));
    }
    let none_event = EventTr::default();
    for event in ed.events.iter_mut() {
        let tr = texts.events.get(&event.id).unwrap_or(&none_event);
        let mut m = Marking::new();
        m.text("title", &mut event.title, &tr.title);
        m.mark.title = tr.title.is_none();
        if let Some(summary) = &mut event.summary {
            m.html("summary", summary, &tr.summary, lang, true);
        }
        m.optional("place", &mut event.place, &tr.place);
        m.optional("accounts_note", &mut event.accounts_note, &tr.accounts_note);
        if let Some(media) = &mut event.media {
            m.optional("media.alt", &mut media.alt, &tr.alt);
            if let Some(caption) = &mut media.caption {
                m.html("media.caption", caption, &tr.caption, lang, false);
            }
            m.optional("media.credit", &mut media.credit, &tr.credit);
        }
        for (n, account) in event.accounts.iter_mut().enumerate() {
            let claim = tr.claims.get(&n).cloned();
            m.html("claim", &mut account.claim, &claim, lang, false);
        }
        marks
            .events
            .push(m.done(format!("event `{}`", event.id), &mut missing));
    }
    let none_source = SourceTr::default();
    for source in ed.sources.iter_mut() {
        let tr = texts.sources.get(&source.id).unwrap_or(&none_source);
        // A source's title is in its own language: it is translated only
        // when the story gave it (like "Public record").
        let mut m = Marking::new();
        if let Some(title) = &tr.title {
            source.title = title.value.clone();
            m.mark.stale |= title.stale;
        } else if source.language.is_none() {
            m.missing("title");
            m.mark.title = true;
        }
        if let (Some(publisher), Some(t)) = (&mut source.publisher, &tr.publisher) {
            *publisher = t.value.clone();
        }
        marks
            .sources
            .push(m.done(format!("source `{}`", source.id), &mut missing));
    }
    for update in ed.updates.iter_mut() {
        let mut m = Marking::new();
        let tr = update
            .id
            .as_ref()
            .and_then(|id| texts.updates.get(id))
            .cloned();
        m.html("note", &mut update.note, &tr, lang, false);
        let what = match &update.id {
            Some(id) => format!("update `{id}`"),
            None => format!(
                "the update of {} (give it an `id` to translate it)",
                update.date.iso()
            ),
        };
        marks.updates.push(m.done(what, &mut missing));
    }
    for era in ed.eras.iter_mut() {
        let mut m = Marking::new();
        let tr = era.id.as_ref().and_then(|id| texts.eras.get(id)).cloned();
        m.text("title", &mut era.title, &tr);
        m.mark.title = tr.is_none();
        let what = match &era.id {
            Some(id) => format!("era `{id}`"),
            None => format!("the era “{}” (give it an `id` to translate it)", era.title),
        };
        marks.eras.push(m.done(what, &mut missing));
    }
    ed.locale = locale;
    ed.editions = editions;
    ed.edition = index;
    ed.marks = marks;
    (ed, missing)
}
