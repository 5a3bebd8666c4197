//! Assembly: the converted items put in the story's order, and the derived
//! indexes (actor -> events, sections, accounts; event -> updates) built,
//! each in one pass.

use crate::model::{Actor, Embed, Era, Event, Index, Section, Site, Source, Story, Update};

/// Orders everything and builds the derived indexes, each in one pass.
pub(super) fn assemble(
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
