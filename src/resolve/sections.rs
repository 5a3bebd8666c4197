//! Story sections: each section's body with its cross-references, the
//! actors it mentions, and its shortcodes checked into pictures to embed.

use super::Resolve;
use super::fields::Field;
use super::ids::{Ids, section_slug};
use crate::diagnostics::closest;
use crate::load::{Document, RawSection};
use crate::markdown::{RefKind, Rendered};
use crate::model::{ActorIx, Embed, EventIx, Section};

impl Resolve<'_> {
    /// A section's shortcodes as pictures to draw, each checked.
    fn embeds(&mut self, doc: &Document<RawSection>, rendered: &Rendered) -> Vec<Embed> {
        let mut embeds = Vec::new();
        for embed in &rendered.embeds {
            let span = doc.body.start + embed.span.start..doc.body.start + embed.span.end;
            let allowed: &[&str] = match embed.name.as_str() {
                "timeline" => &["tag", "actor"],
                "map" => &["actor"],
                other => {
                    self.error(
                        doc.file,
                        span,
                        format!("`{other}` is not a picture this tool can embed"),
                        "write {{ timeline() }}, {{ timeline(tag=\"...\") }}, {{ timeline(actor=\"...\") }}, {{ map() }} or {{ map(actor=\"...\") }}".into(),
                    );
                    continue;
                }
            };
            if let Some(problem) = &embed.problem {
                self.error(
                    doc.file,
                    span,
                    format!("this shortcode cannot be read: {problem}"),
                    format!("write it like {{{{ {}(actor=\"russia\") }}}}", embed.name),
                );
                continue;
            }
            let mut tag = None;
            let mut actor = None;
            let mut ok = true;
            for (key, value) in &embed.args {
                match key.as_str() {
                    "tag" if allowed.contains(&"tag") => {
                        let tags: std::collections::BTreeSet<&str> = self
                            .raw
                            .events
                            .iter()
                            .flat_map(|(_, e)| e.tags.iter().map(String::as_str))
                            .collect();
                        // A tag of an event that could not be read is not unknown.
                        let maybe = self.raw.broken.mentioned.contains(value.as_str());
                        if !tags.contains(value.as_str()) && !maybe {
                            ok = false;
                            let list: Vec<&str> = tags.iter().copied().collect();
                            self.error(
                                doc.file,
                                span.clone(),
                                format!("no event has the tag `{value}`"),
                                format!("use one of the events' tags: {}", list.join(", ")),
                            );
                        }
                        tag = Some(value.clone());
                    }
                    "actor" => match self.ids.actors.get(value) {
                        Some(&index) => actor = Some(index),
                        None => {
                            ok = false;
                            let help = match closest(value, self.ids.actors.keys().map(String::as_str)) {
                                Some(near) => format!("did you mean actor=\"{near}\"?"),
                                None => "write the id of an existing actor (its file name in content/actors/)".to_string(),
                            };
                            self.error(
                                doc.file,
                                span.clone(),
                                format!("unknown actor `{value}` in the shortcode"),
                                help,
                            );
                        }
                    },
                    other => {
                        ok = false;
                        self.error(
                            doc.file,
                            span.clone(),
                            format!("`{other}` is not an argument of {}", embed.name),
                            format!("{} takes: {}", embed.name, allowed.join(", ")),
                        );
                    }
                }
            }
            if ok {
                embeds.push(match embed.name.as_str() {
                    "map" => Embed::Map { actor },
                    _ => Embed::Timeline { tag, actor },
                });
            }
        }
        embeds
    }

    pub(super) fn sections(&mut self) -> Vec<Section> {
        let raw = self.raw;
        let mut sections = Vec::new();
        for (index, doc) in raw.sections.iter().enumerate() {
            let slug = section_slug(&raw.file(doc.file).path).to_string();
            // A draft left out of this build is not among the fields.
            let Some(rendered) = self.markdown(Field::Section(index)) else {
                continue;
            };
            let embeds = self.embeds(doc, &rendered);
            // A broken link is reported as an error: the warning would be noise.
            let has_refs = !rendered.refs.is_empty();
            let mentions = mentioned_actors(&rendered, &self.ids);
            let cites = cited_events(&rendered, &self.ids);
            let front = &doc.front;
            sections.push(Section {
                slug,
                title: front.title.get_ref().clone(),
                weight: front.weight.unwrap_or(0),
                summary: front.summary.clone(),
                draft: front.draft,
                body: rendered.html.clone(),
                mentions,
                cites,
                embeds,
            });
            if !has_refs {
                let file = raw.file(doc.file);
                let (id, name) = raw
                    .actors
                    .first()
                    .map_or(("huseyn-safarov", "Huseyn Safarov"), |(id, doc)| {
                        (id.as_str(), doc.front.name.get_ref().as_str())
                    });
                self.diagnostics.warning_help(
                    file,
                    doc.front.title.span(),
                    "this section links to no actor, event or other section",
                    format!(
                        "link what it mentions, like [{name}](actor:{id}), so readers can follow it"
                    ),
                );
            }
        }
        sections
    }
}

fn mentioned_actors(rendered: &Rendered, ids: &Ids) -> Vec<ActorIx> {
    let mut mentions: Vec<ActorIx> = rendered
        .refs
        .iter()
        .filter(|r| r.kind == RefKind::Actor)
        .filter_map(|r| ids.actors.get(&r.id).copied())
        .collect();
    mentions.sort_unstable();
    mentions.dedup();
    mentions
}

fn cited_events(rendered: &Rendered, ids: &Ids) -> Vec<EventIx> {
    let mut cites: Vec<EventIx> = rendered
        .refs
        .iter()
        .filter(|r| r.kind == RefKind::Event)
        .filter_map(|r| ids.events.get(&r.id).copied())
        .collect();
    cites.sort_unstable();
    cites.dedup();
    cites
}
