//! Assembly: the sections, updates and eras put in the story's order, and
//! the derived indexes (actor -> events, sections, accounts; event ->
//! updates) built, each in one pass. Actors and events come in their order
//! already (see `order`).

use crate::model::{
    AccountIx, Actor, Era, Event, Index, IxVec, RelationIx, Section, Site, Source, Story, Update,
};

/// Every edition's locale and name, and what the translations give.
pub(super) type Editions = (
    Vec<std::sync::Arc<crate::i18n::Locale>>,
    std::sync::Arc<Vec<crate::model::EditionInfo>>,
    Vec<crate::edition::Texts>,
);

/// Orders what no index points into yet and builds the derived indexes,
/// each in one pass.
pub(super) fn assemble(
    (site, (locales, editions, texts)): (Site, Editions),
    mut sections: Vec<Section>,
    events: Vec<Event>,
    actors: Vec<Actor>,
    sources: Vec<Source>,
    mut updates: Vec<Update>,
    mut eras: Vec<Era>,
) -> Story {
    // Files were read in name order; a stable sort keeps it among equal weights.
    sections.sort_by_key(|s| s.weight);

    updates.sort_by_key(|u| std::cmp::Reverse(u.date));
    eras.sort_by_key(|e| e.start);
    // Every collection is in its order: each item's position is its index.
    let (sections, updates) = (IxVec::from(sections), IxVec::from(updates));
    let (events, actors) = (IxVec::from(events), IxVec::from(actors));

    let mut index = Index {
        actor_events: actors.map(|_| Vec::new()),
        actor_sections: actors.map(|_| Vec::new()),
        actor_accounts: actors.map(|_| Vec::new()),
        relations_to: actors.map(|_| Vec::new()),
        event_updates: events.map(|_| Vec::new()),
        section_updates: sections.map(|_| Vec::new()),
        tag_events: Default::default(),
    };
    for (e, event) in events.indexed() {
        for tag in &event.tags {
            let tagged = index.tag_events.entry(tag.clone()).or_default();
            if tagged.last() != Some(&e) {
                tagged.push(e);
            }
        }
        for &a in &event.actors {
            index.actor_events[a].push(e);
        }
        for (n, account) in event.accounts.iter().enumerate() {
            index.actor_accounts[account.actor].push(AccountIx { event: e, n });
            if !event.actors.contains(&account.actor) {
                index.actor_events[account.actor].push(e);
            }
        }
    }
    for (s, section) in sections.indexed() {
        for &a in &section.mentions {
            index.actor_sections[a].push(s);
        }
    }
    for (a, actor) in actors.indexed() {
        for (n, relation) in actor.relations.iter().enumerate() {
            index.relations_to[relation.to].push(RelationIx { actor: a, n });
        }
    }
    for (u, update) in updates.indexed() {
        for &e in &update.events {
            index.event_updates[e].push(u);
        }
        for slug in &update.sections {
            if let Some((s, _)) = sections
                .indexed()
                .find(|(_, section)| section.slug == *slug)
            {
                index.section_updates[s].push(u);
            }
        }
    }
    for list in &mut index.actor_events {
        list.dedup();
    }

    let mut story = Story {
        site,
        sections,
        events,
        actors,
        sources: sources.into(),
        updates,
        eras,
        index,
        links: Vec::new(),
        timeline: crate::plan::Timeline::default(),
        locale: locales[0].clone(),
        editions,
        locales: std::sync::Arc::new(locales),
        edition: 0,
        marks: crate::model::Marks::default(),
        texts: std::sync::Arc::new(texts),
    };
    story.timeline = crate::plan::Timeline::of(&story);
    story
}
