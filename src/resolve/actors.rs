//! Actors: each actor file converted, its kind checked and its relations
//! resolved; and a warning for each actor that nothing names.

use super::Resolve;
use super::fields::Field;
use crate::model::{Actor, ActorIx, ActorKind, Image, Relation};

impl Resolve<'_> {
    pub(super) fn actors(&mut self) -> Vec<Actor> {
        let (raw, order) = (self.raw, self.order);
        let mut actors = Vec::new();
        for at in order.actors.raw() {
            let (id, doc) = &raw.actors[at];
            let front = &doc.front;
            let kind = self.enumerated(
                doc.file,
                &front.kind,
                &ActorKind::ALL,
                ActorKind::name,
                "a known actor kind",
            );
            let mut relations = Vec::new();
            for relation in &front.relations {
                if let Some(to) = self.reference::<ActorIx>(doc.file, &relation.to) {
                    relations.push(Relation {
                        to,
                        kind: relation.kind.clone(),
                    });
                }
            }
            let bio = self.markdown(Field::Bio(at)).map(|r| r.html.clone());
            let bio = bio.unwrap_or_default();
            let image = front.image.as_ref().and_then(|image| {
                let raw = image.get_ref();
                let src = raw.src.get_ref().trim().trim_start_matches('/');
                let src = src.strip_prefix("static/").unwrap_or(src).to_string();
                if src.contains("://") || src.split('/').any(|p| p == "..") {
                    self.error(
                        doc.file,
                        raw.src.span(),
                        format!("`{src}` is not a path under static/"),
                        "put the picture in static/ and write its path there, like \"actors/anna.jpg\"".into(),
                    );
                    return None;
                }
                self.check_static(doc.file, raw.src.span(), &src);
                let alt = raw.alt.as_deref().map(str::trim).unwrap_or("");
                if alt.is_empty() {
                    self.error(
                        doc.file,
                        image.span(),
                        "this picture has no alt text".into(),
                        "add `alt = \"...\"` beside `src`: a short description of the picture for readers who cannot see it".into(),
                    );
                    return None;
                }
                Some(Image {
                    src,
                    alt: alt.to_string(),
                })
            });
            actors.push(Actor {
                id: id.clone(),
                name: front.name.get_ref().clone(),
                kind: kind.unwrap_or(ActorKind::Person),
                role: front.role.clone(),
                country: front.country.clone(),
                aliases: front.aliases.clone(),
                relations,
                bio,
                image,
            });
        }
        actors
    }

    /// Warns about each actor that nothing names.
    pub(super) fn warn_unused_actors(&mut self) {
        let raw = self.raw;
        for (at, (id, doc)) in raw.actors.iter().enumerate() {
            let index = self.order.actors.index(at);
            // Actors whose id is invalid or taken were reported already.
            let known = self.ids.actors.get(id) == Some(&index);
            let maybe_named = raw.broken.mentioned.contains(id);
            if known && self.actor_uses[index] == 0 && !maybe_named {
                let file = raw.file(doc.file);
                let name = doc.front.name.get_ref();
                self.diagnostics.warning_help(
                    file,
                    doc.front.name.span(),
                    format!("actor `{id}` is referenced nowhere"),
                    format!("name it in an event with actors = [\"{id}\"], or link it from a text with [{name}](actor:{id})"),
                );
            }
        }
    }
}
