//! One function per kind of page: each builds the page's typed context.
//!
//! Every function returns [`Job`]s (output path, template, context); `render`
//! renders them. Structured data (JSON-LD) is built here too, with serde_json,
//! so it is always valid JSON whatever the content.

use std::borrow::Cow;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value as Json, json};
use tera::Context;

use super::actor_map::{ActorMap, Drawn};
use super::listings::tag_link;
use super::timeline_svg::TimelineSvg;
use super::views::*;
use crate::markdown::embed_marker;
use crate::markdown::{escape_html, smart_text};
use crate::model::*;
use crate::plan::{self, Item, Kind, Planned, Route};

/// A page to render: its output path, template and context.
pub(super) struct Job {
    pub(super) path: String,
    pub(super) template: &'static str,
    pub(super) made: Made,
    /// Tells this page's template and context apart from others', when the
    /// build keeps pages for the next one (see [`super::RenderMemo`]).
    pub(super) fingerprint: Option<u128>,
}

/// What a job needs rendered, or its bytes made already: rendered by an
/// earlier build from the same context, or made without a template.
pub(super) enum Made {
    Context(Result<Context, tera::Error>),
    Reused(bytes::Bytes),
}

/// Builds the jobs of every page of one story.
pub(super) struct Pages<'a> {
    pub(super) story: &'a Story,
    /// The pages of this edition's plan (`_headers` lists their folders).
    pub(super) plan: &'a [Planned<'a>],
    pub(super) live_reload: Option<&'a str>,
    pub(super) tera: &'a tera::Tera,
    pub(super) links: std::sync::OnceLock<std::sync::Arc<super::actor_map::Links>>,
    pub(super) shared: Shared,
    /// The previous build's pages by path, with their fingerprints.
    pub(super) memo: Option<&'a super::RenderMemo>,
    /// What this story's maps are drawn from, once asked for.
    pub(super) map_inputs: std::sync::OnceLock<u64>,
    /// What cites each source, worked out once for the sources' pages.
    pub(super) citations: std::sync::OnceLock<plan::Citations>,
}

impl<'a> Pages<'a> {
    fn links(&self) -> &super::actor_map::Links {
        self.links
            .get_or_init(|| std::sync::Arc::new(super::actor_map::links(self.story)))
    }

    /// Views for the page at `route`, its links made from its root.
    pub(super) fn views(&self, route: &Route) -> Views<'_> {
        let story = self.story;
        let root = route.root(&story.site.base_url);
        let assets = match route.kind {
            Kind::NotFound => plan::url_path(story.site_url()),
            Kind::Feed | Kind::Sitemap | Kind::Robots => story.site_url().to_string(),
            _ => plan::root_for(&format!("{}{}", story.prefix(), route.file())),
        };
        Views {
            story,
            root,
            assets,
            live_reload: self.live_reload,
            shared: &self.shared,
            tera: self.tera,
        }
    }

    /// An actor map, or the same map drawn by an earlier build from the same inputs.
    fn draw(&self, center: Option<ActorIx>, root: &str, id: &str) -> Drawn {
        let map = ActorMap {
            story: self.story,
            links: self.links(),
            center,
            root,
            id,
        };
        let Some(memo) = self.memo else {
            return map.render();
        };
        let inputs = *self
            .map_inputs
            .get_or_init(|| self.links().inputs(self.story));
        let key = (inputs, center, root.to_string(), id.to_string());
        let drawn = memo
            .maps
            .lock()
            .ok()
            .and_then(|maps| maps.get(&key).cloned());
        drawn.unwrap_or_else(|| {
            let drawn = map.render();
            if let Ok(mut maps) = memo.maps.lock() {
                maps.insert(key, drawn.clone());
            }
            drawn
        })
    }

    /// A job for `page`, rendered with `template` at `route`; when the previous
    /// build rendered the same template from the same context, its bytes.
    pub(super) fn job<T: Serialize>(&self, route: &Route, template: &'static str, page: &T) -> Job {
        let path = format!("{}{}", self.story.prefix(), route.file());
        let Some(memo) = self.memo else {
            return Job {
                path,
                template,
                made: Made::Context(super::context::of(page)),
                fingerprint: None,
            };
        };
        let fingerprint = super::fingerprint::of(template, page);
        let made = match memo.pages.get(&path) {
            Some((seen, bytes)) if *seen == fingerprint => Made::Reused(bytes.clone()),
            _ => Made::Context(super::context::of(page)),
        };
        Job {
            path,
            template,
            made,
            fingerprint: Some(fingerprint),
        }
    }

    /// The page the previous build made at `path`, as it was, if it kept
    /// it: for a page an edit cannot have changed (see `depends`).
    pub(super) fn kept(&self, path: &str) -> Option<Job> {
        let (fingerprint, bytes) = self.memo?.pages.get(path)?;
        Some(Job {
            path: path.to_string(),
            template: "",
            made: Made::Reused(bytes.clone()),
            fingerprint: Some(*fingerprint),
        })
    }

    /// Builds one page's context; independent of every other page, so pages
    /// can be built and rendered in parallel.
    pub(super) fn make(&self, page: &Planned) -> Job {
        let route = &page.route;
        match page.item {
            Some(Item::Event(e)) => self.event(route, e),
            Some(Item::Actor(a)) => self.actor(route, a),
            Some(Item::Period(p)) => self.period(route, p),
            Some(Item::Source(s)) => self.source(route, s),
            None => match route.kind {
                Kind::Story => self.story_page(route),
                Kind::Timeline if self.story.timeline.is_split() => self.overview(route),
                Kind::Timeline => self.timeline(route),
                Kind::Actors => self.actors(route),
                Kind::Accounts => self.accounts(route),
                Kind::Sources => self.sources(route),
                Kind::Tag => self.tag(route),
                Kind::Changes => self.changes(route),
                Kind::Feed => self.feed(route),
                Kind::NotFound => self.not_found(route),
                Kind::Sitemap => self.sitemap(route),
                Kind::Robots => self.robots(route),
                Kind::Embed(_) => self.embed(route),
                Kind::Oembed(_) => self.oembed(route),
                Kind::Headers => self.headers(route),
                // `plan` gives every event's, actor's and period's page its item.
                Kind::Event | Kind::Actor | Kind::Period | Kind::Source => self.not_found(route),
            },
        }
    }

    fn story_page(&self, route: &Route) -> Job {
        let story = self.story;
        let v = self.views(route);
        let mut common = v.common(
            route,
            smart_text(&story.site.title).into_owned(),
            None,
            "story",
        );
        common.json_ld = Some(script_json(&self.article_json_ld()));
        let page = StoryPage {
            common,
            sections: story
                .sections
                .indexed()
                .map(|(at, s)| SectionView {
                    slug: &s.slug,
                    title: smart_text(&s.title),
                    summary: s.summary.as_deref(),
                    draft: s.draft,
                    html: self.with_embeds(&v, s),
                    updates: story.index.section_updates[at]
                        .iter()
                        .map(|&u| v.update(u))
                        .collect(),
                })
                .collect(),
            event_count: story.events.len(),
            actor_count: story.actors.len(),
            actor_kinds: actor_kinds(story),
            dispute_count: story
                .events
                .iter()
                .filter(|e| e.accounts.len() >= 2)
                .count(),
            first_event: story.events.indices().next().map(|e| v.event_link_value(e)),
            last_event: story
                .events
                .indices()
                .next_back()
                .map(|e| v.event_link_value(e)),
        };
        self.job(route, "story.html", &page)
    }

    /// A section's HTML with its shortcodes drawn in place.
    fn with_embeds(&self, v: &Views<'a>, section: &'a Section) -> Cow<'a, str> {
        let mut html = v.html(&section.body);
        for (n, embed) in section.embeds.iter().enumerate() {
            let id = format!("embed-{}-{n}", section.slug);
            let figure = self.embed_figure(v, embed, &id);
            html = Cow::Owned(html.replace(&embed_marker(n), &figure));
        }
        html
    }

    fn embed_figure(&self, v: &Views<'a>, embed: &Embed, id: &str) -> String {
        let story = self.story;
        let (svg, label, caption) = match embed {
            Embed::Timeline { tag, actor } => {
                let events: Vec<&Event> = story
                    .events
                    .indexed()
                    .filter(|(_, e)| tag.as_ref().is_none_or(|t| e.tags.contains(t)))
                    .filter(|(i, _)| actor.is_none_or(|a| story.index.actor_events[a].contains(i)))
                    .map(|(_, e)| e)
                    .collect();
                let locale = &story.locale;
                let mut about = Vec::new();
                if let Some(tag) = tag {
                    let label = story.site.tag_labels.get(tag).unwrap_or(tag);
                    about.push(locale.fill("chart_embed_tagged", &[("tag", label)]));
                }
                if let Some(a) = actor {
                    about.push(locale.fill(
                        "chart_embed_involving",
                        &[("actor", &story.actors[*a].name)],
                    ));
                }
                let about = if about.is_empty() {
                    String::new()
                } else {
                    format!(" {}", about.join(", "))
                };
                let svg = TimelineSvg {
                    events,
                    eras: &story.eras,
                    root: &v.root,
                    id,
                    locale,
                }
                .render();
                let caption = format!(
                    "{} <a href=\"{}{}\">{}</a>.",
                    escape_html(&locale.fill("chart_embed_timeline", &[("about", &about)])),
                    v.root,
                    Route::one(Kind::Timeline).href(),
                    escape_html(locale.text("chart_embed_full")),
                );
                let label = format!("{}{about}", locale.text("timeline_title"));
                (
                    svg,
                    locale.fill("chart_scrolls", &[("label", &label)]),
                    caption,
                )
            }
            Embed::Map { actor } => {
                let svg = self.draw(*actor, &v.root, id).svg;
                let locale = &story.locale;
                let (label, page) = match actor {
                    Some(a) => (
                        locale.fill("map_of", &[("actor", &story.actors[*a].name)]),
                        Route::actor(&story.actors[*a].id).href(),
                    ),
                    None => (
                        locale.text("map_all").to_string(),
                        Route::one(Kind::Actors).href(),
                    ),
                };
                let caption = format!(
                    "{}. <a href=\"{}{page}\">More on who’s who</a>.",
                    escape_html(&label),
                    v.root
                );
                (
                    svg,
                    locale.fill("chart_scrolls", &[("label", &label)]),
                    caption,
                )
            }
        };
        format!(
            "<figure class=\"chart embed\"><div class=\"chart-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">{svg}</div><figcaption>{caption}</figcaption></figure>",
            escape_html(&label)
        )
    }

    fn timeline(&self, route: &Route) -> Job {
        let story = self.story;
        let v = self.views(route);
        let description = story
            .locale
            .count("timeline_description", story.events.len(), &[]);
        let (years, timeline_svg) = self.timeline_list(&v, 0..story.events.len());
        let page = TimelinePage {
            update_places: self.update_places(0..story.events.len()),
            common: v.common(
                route,
                story.locale.text("timeline_title").into(),
                Some(&description),
                "timeline",
            ),
            timeline_svg,
            years,
            eras: self.era_views(),
            period: None,
            previous: None,
            next: None,
        };
        self.job(route, "timeline.html", &page)
    }

    /// Where each update touching the events at positions `events` is shown
    /// on their page: its anchor, and the first of them it touches. A list
    /// shows an update's banner once, at that event; each event's own page
    /// shows it again.
    pub(super) fn update_places(
        &self,
        events: std::ops::Range<usize>,
    ) -> std::collections::BTreeMap<String, &'a str> {
        let story = self.story;
        let mut places = std::collections::BTreeMap::new();
        for e in story.events.indices().skip(events.start).take(events.len()) {
            for &u in &story.index.event_updates[e] {
                places
                    .entry(update_anchor(story, u))
                    .or_insert(story.events[e].id.as_str());
            }
        }
        places
    }

    /// The events at positions `events` grouped by year, and their chart.
    pub(super) fn timeline_list(
        &self,
        v: &Views<'a>,
        events: std::ops::Range<usize>,
    ) -> (Vec<Year>, String) {
        let story = self.story;
        let shown: Vec<EventIx> = story
            .events
            .indices()
            .skip(events.start)
            .take(events.len())
            .collect();
        // The longest pages: their events are made on every core.
        let values: Vec<Kept> = shown.par_iter().map(|&e| v.event_value(e)).collect();
        let mut years: Vec<Year> = Vec::new();
        for (&e, value) in shown.iter().zip(values) {
            let event = &story.events[e];
            if years.last().is_none_or(|y| y.year != event.date.year) {
                years.push(Year {
                    year: event.date.year,
                    events: Vec::new(),
                });
            }
            if let Some(year) = years.last_mut() {
                year.events.push(value);
            }
        }
        let timeline_svg = TimelineSvg {
            events: shown.iter().map(|&e| &story.events[e]).collect(),
            eras: &story.eras,
            root: &v.root,
            id: "timeline-chart",
            locale: &story.locale,
        }
        .render();
        (years, timeline_svg)
    }

    /// The story's eras, made once for every page that shows them.
    pub(super) fn era_views(&self) -> Kept {
        let story = self.story;
        self.shared.eras(|| {
            (story.eras.iter().enumerate())
                .map(|(n, e)| EraView {
                    title: &e.title,
                    lang: story.marks.title_lang(&story.marks.eras, n),
                    when: (self.shared).keep_when(
                        self.tera,
                        &WhenView::new(&e.start, e.end.as_ref(), false, &story.locale),
                    ),
                })
                .collect()
        })
    }

    fn event(&self, route: &Route, index: EventIx) -> Job {
        let story = self.story;
        let event = &story.events[index];
        let v = self.views(route);
        let description = event
            .summary
            .as_ref()
            .map(|s| plain_text(&s.at(""), 160))
            .filter(|d| !d.is_empty());
        let mut common = v.common(
            route,
            smart_text(&event.title).into_owned(),
            description.as_deref(),
            "event",
        );
        if let Some(media) = event.media.as_ref().filter(|m| m.is_image) {
            common.page.image = format!("{}{}", story.site_url(), media.src);
            common.page.image_alt = media.alt.clone().unwrap_or_default();
        }
        common.json_ld = Some(script_json(&event_json_ld(story, event, &common.page)));
        common.notices = v.notices(
            story
                .marks
                .events
                .get(index.position())
                .map_or(&[], std::slice::from_ref),
        );
        // "Previous: 3 June 2024": the words filled in once here, not by a
        // filter on every page (a `replace` in Tera costs some 5,000 instructions).
        let neighbour = |key: &str, e: EventIx| {
            let e = &story.events[e];
            let when = story
                .locale
                .when(&e.date, e.end_date.as_ref(), e.approximate);
            story.locale.fill(key, &[("when", &when)])
        };
        let page = EventPage {
            common,
            timeline_path: story.timeline.page_of(index).anchor(&event.id),
            tag_links: match story.site.tag_pages {
                true => event.tags.iter().map(|t| tag_link(story, t)).collect(),
                false => Vec::new(),
            },
            event: v.event_value(index),
            previous: story.events.previous(index).map(|e| v.event_link_value(e)),
            next: story.events.next(index).map(|e| v.event_link_value(e)),
            previous_label: story
                .events
                .previous(index)
                .map(|e| neighbour("previous_event", e)),
            next_label: story.events.next(index).map(|e| neighbour("next_event", e)),
        };
        self.job(route, "event.html", &page)
    }

    fn actors(&self, route: &Route) -> Job {
        let story = self.story;
        let v = self.views(route);
        let per_page = story.site.per_page;
        // By kind, then by name: a page of a long who's who takes its share in that order.
        let ordered: Vec<ActorIx> = ActorKind::ALL
            .iter()
            .flat_map(|&kind| {
                story
                    .actors
                    .indexed()
                    .filter(move |(_, a)| a.kind == kind)
                    .map(|(i, _)| i)
            })
            .collect();
        let pager = Pager::new(route, plan::pages_for(ordered.len(), per_page));
        let shown = ordered
            .iter()
            .skip((route.number - 1) * per_page)
            .take(per_page);
        let mut groups: Vec<KindGroup> = Vec::new();
        for &i in shown {
            let a = &story.actors[i];
            if groups.last().is_none_or(|g| g.kind != a.kind.name()) {
                groups.push(KindGroup {
                    kind: a.kind.name(),
                    label: story
                        .locale
                        .text(&format!("kinds_{}", a.kind.name()))
                        .to_string(),
                    actors: Vec::new(),
                });
            }
            if let Some(group) = groups.last_mut() {
                group.actors.push(ActorCard {
                    id: &a.id,
                    name: &a.name,
                    lang: story.marks.title_lang(&story.marks.actors, i.position()),
                    role_lang: actor_role_lang(story, i),
                    path: Route::actor(&a.id).href(),
                    role: a.role.as_deref(),
                    country: a.country.as_deref(),
                    event_count: story.index.actor_events[i].len(),
                    image: ImageView::of(&a.image),
                });
            }
        }
        let description = story
            .locale
            .count("actors_description", story.actors.len(), &[]);
        // The map of the whole cast opens the first page only.
        let (actor_map, left_out) = match route.number {
            1 => {
                let map = self.draw(None, &v.root, "actor-map");
                (map.svg, map.left_out)
            }
            _ => (String::new(), 0),
        };
        let page = ActorsPage {
            common: v.common(
                route,
                paged_title(
                    &story.locale,
                    story.locale.text("actors_title"),
                    pager.as_ref(),
                ),
                Some(&description),
                "actors",
            ),
            groups,
            actor_map,
            map_shown: story.actors.len() - left_out,
            map_left_out: left_out,
            pager,
        };
        self.job(route, "actors.html", &page)
    }

    fn actor(&self, route: &Route, index: ActorIx) -> Job {
        let story = self.story;
        let actor = &story.actors[index];
        let v = self.views(route);
        let mut relations: Vec<RelationView> = actor
            .relations
            .iter()
            .map(|r| RelationView {
                direction: "out",
                kind: &r.kind,
                actor: v.actor_link_value(r.to),
            })
            .collect();
        relations.extend(
            story.index.relations_to[index]
                .iter()
                .map(|&from| RelationView {
                    direction: "in",
                    kind: &story.relation(from).kind,
                    actor: v.actor_link_value(from.actor),
                }),
        );
        let description = actor
            .role
            .clone()
            .unwrap_or_else(|| plain_text(&actor.bio.at(""), 160));
        let per_page = story.site.per_page;
        let all_events = &story.index.actor_events[index];
        let pager = Pager::new(route, plan::pages_for(all_events.len(), per_page));
        let first = route.number == 1;
        let mut common = v.common(
            route,
            paged_title(&story.locale, &actor.name, pager.as_ref()),
            Some(&description),
            "actor",
        );
        common.json_ld = Some(script_json(&actor_json_ld(actor, &common.page)));
        let events: Vec<EventIx> = all_events
            .iter()
            .skip((route.number - 1) * per_page)
            .take(per_page)
            .copied()
            .collect();
        // A long list is grouped by year; the rest of the page is on the first page only.
        let event_years = match pager {
            Some(_) => v.link_years(events.iter().copied()),
            None => Vec::new(),
        };
        if !first {
            relations.clear();
        }
        let neighbourhood = match first {
            true => {
                let drawn = self.draw(Some(index), &v.root, "neighbourhood-map");
                // A map of the actor alone says nothing.
                match drawn.labels.len() > 1 {
                    true => drawn.svg,
                    false => String::new(),
                }
            }
            false => String::new(),
        };
        let page = ActorPage {
            common,
            neighbourhood_map: neighbourhood,
            event_count: all_events.len(),
            event_years,
            pager,
            actor: ActorView {
                id: &actor.id,
                name: &actor.name,
                lang: story
                    .marks
                    .title_lang(&story.marks.actors, index.position()),
                role_lang: actor_role_lang(story, index),
                kind: actor.kind.name(),
                role: actor.role.as_deref(),
                country: actor.country.as_deref(),
                aliases: &actor.aliases,
                bio: match first {
                    true => v.html(&actor.bio),
                    false => Cow::Borrowed(""),
                },
                path: route.href(),
                image: ImageView::of(&actor.image),
            },
            events: events.iter().map(|&e| v.event_link_value(e)).collect(),
            sections: story.index.actor_sections[index]
                .iter()
                .filter(|_| first)
                .map(|&s| {
                    let section = &story.sections[s];
                    SectionLink {
                        slug: &section.slug,
                        title: smart_text(&section.title),
                        path: Route::one(Kind::Story).anchor(&section.slug),
                    }
                })
                .collect(),
            accounts: story.index.actor_accounts[index]
                .iter()
                .filter(|_| first)
                .map(|&given| {
                    let account = story.account(given);
                    GivenAccount {
                        event: v.event_link_value(given.event),
                        claim: v.html(&account.claim),
                        stance: account.stance.name(),
                        status: account.status.name(),
                    }
                })
                .collect(),
            relations,
        };
        self.job(route, "actor.html", &page)
    }

    fn accounts(&self, route: &Route) -> Job {
        let story = self.story;
        let v = self.views(route);
        let per_page = story.site.per_page;
        let disputed: Vec<EventIx> = story
            .events
            .indexed()
            .filter(|(_, event)| event.accounts.len() >= 2)
            .map(|(e, _)| e)
            .collect();
        let count = disputed.len();
        let disputes: Vec<Kept> = disputed
            .into_iter()
            .skip((route.number - 1) * per_page)
            .take(per_page)
            .map(|e| v.event_value(e))
            .collect();
        let description = story.locale.count("accounts_description", count, &[]);
        let pager = Pager::new(route, plan::pages_for(count, per_page));
        let page = AccountsPage {
            common: v.common(
                route,
                paged_title(
                    &story.locale,
                    story.locale.text("accounts_title"),
                    pager.as_ref(),
                ),
                Some(&description),
                "accounts",
            ),
            disputes,
            pager,
        };
        self.job(route, "accounts.html", &page)
    }

    fn changes(&self, route: &Route) -> Job {
        let story = self.story;
        let v = self.views(route);
        let locale = &story.locale;
        let description = locale.text("changes_description");
        let page = ChangesPage {
            common: v.common(
                route,
                locale.text("changes_title").into(),
                Some(description),
                "changes",
            ),
            updates: story.updates.indices().map(|u| v.update(u)).collect(),
        };
        self.job(route, "changes.html", &page)
    }

    /// The Atom feed: one entry per update, links absolute from `base_url`.
    fn feed(&self, route: &Route) -> Job {
        let story = self.story;
        let base = &story.site.base_url;
        let v = Views {
            live_reload: None,
            ..self.views(route)
        };
        let changes_url = Route::one(Kind::Changes).permalink(base);
        let entries = story
            .updates
            .indices()
            .map(|u| {
                let update = v.update(u);
                let kind = capitalized(story.locale.text(&format!("change_{}", update.kind)));
                let mut content = update.note.into_owned();
                let events = &story.updates[u].events;
                if !events.is_empty() {
                    let links: Vec<String> = events
                        .iter()
                        .map(|&e| {
                            let event = &story.events[e];
                            let title = escape_html(&event.title);
                            let url = Route::event(&event.id).permalink(base);
                            format!("<a href=\"{url}\">{title}</a>")
                        })
                        .collect();
                    let heading = escape_html(story.locale.text("changes_events"));
                    content.push_str(&format!("<p>{heading} {}</p>", links.join("; ")));
                }
                FeedEntry {
                    id: format!("{changes_url}#{}", update.anchor),
                    title: format!("{kind}, {}", update.date.label),
                    updated: rfc3339(&story.updates[u].date),
                    link: format!("{changes_url}#{}", update.anchor),
                    content,
                }
            })
            .collect();
        let updated = last_modified(story)
            .or(story.site.published)
            .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| rfc3339(&d));
        let context = FeedContext {
            site: v.site(),
            t: story.locale.table(),
            feed_url: route.permalink(base),
            changes_url,
            updated,
            entries,
        };
        self.job(route, "feed.xml", &context)
    }

    pub(super) fn not_found(&self, route: &Route) -> Job {
        // A 404 page is served at any depth: its route's root is the site's own path.
        let v = self.views(route);
        let page = NotFoundPage {
            common: v.common(
                route,
                self.story.locale.text("not_found_title").into(),
                None,
                "404",
            ),
        };
        self.job(route, "404.html", &page)
    }

    /// Every page of the plan that readers land on, with when it last changed
    /// where that is known.
    fn sitemap(&self, route: &Route) -> Job {
        let story = self.story;
        let base = &story.site.base_url;
        let modified = last_modified(story).map(|d| d.iso());
        let urls = plan::plan(story)
            .into_iter()
            .filter_map(|page| {
                let lastmod = match page.route.kind {
                    Kind::Story | Kind::Timeline | Kind::Period | Kind::Changes => modified.clone(),
                    Kind::Event => match page.item {
                        Some(Item::Event(e)) => story.index.event_updates[e]
                            .first()
                            .map(|&u| story.updates[u].date.iso()),
                        _ => None,
                    },
                    Kind::Actors
                    | Kind::Actor
                    | Kind::Accounts
                    | Kind::Sources
                    | Kind::Source
                    | Kind::Tag => None,
                    // Embeds are for other sites' pages; their canonical address is their full page's.
                    Kind::Feed
                    | Kind::NotFound
                    | Kind::Sitemap
                    | Kind::Robots
                    | Kind::Embed(_)
                    | Kind::Oembed(_)
                    | Kind::Headers => return None,
                };
                let editions = story.editions.iter();
                let alternates: Vec<SitemapAlternate> = match story.editions.len() {
                    1 => Vec::new(),
                    _ => editions
                        .map(|e| SitemapAlternate {
                            lang: e.lang.clone(),
                            href: format!("{base}{}{}", e.prefix, page.route.href()),
                        })
                        .collect(),
                };
                // Every edition has every page: one entry per edition, each
                // naming all of them.
                let urls: Vec<SitemapUrl> = story
                    .editions
                    .iter()
                    .map(|e| SitemapUrl {
                        loc: format!("{base}{}{}", e.prefix, page.route.href()),
                        lastmod: lastmod.clone(),
                        alternates: alternates.clone(),
                    })
                    .collect();
                Some(urls)
            })
            .flatten()
            .collect();
        let multilingual = story.editions.len() > 1;
        self.job(route, "sitemap.xml", &SitemapContext { urls, multilingual })
    }

    /// robots.txt: everything may be crawled; the sitemap is named. No template makes it.
    fn robots(&self, route: &Route) -> Job {
        let sitemap = Route::one(Kind::Sitemap).permalink(&self.story.site.base_url);
        let text = format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n");
        Job {
            path: format!("{}{}", self.story.prefix(), route.file()),
            template: "",
            made: Made::Reused(text.into_bytes().into()),
            fingerprint: None,
        }
    }

    /// schema.org NewsArticle for the story, with its corrections.
    fn article_json_ld(&self) -> Json {
        let story = self.story;
        let site = &story.site;
        let corrections: Vec<Json> = story
            .updates
            .iter()
            .filter(|u| u.kind == UpdateKind::Correction)
            .map(|u| {
                let mut correction = json!({
                    "@type": "CorrectionComment",
                    "text": plain_text(&u.note.at(&site.base_url), 500),
                    "datePublished": u.date.iso(),
                });
                // The sections it corrects, as parts of the page.
                let about: Vec<Json> = u
                    .sections
                    .iter()
                    .filter_map(|slug| story.sections.iter().find(|s| s.slug == *slug))
                    .map(|s| {
                        json!({
                            "@type": "WebPageElement",
                            "@id": Route::one(Kind::Story).permalink(&site.base_url) + "#" + &s.slug,
                            "name": s.title,
                        })
                    })
                    .collect();
                if !about.is_empty() {
                    correction["about"] = Json::Array(about);
                }
                correction
            })
            .collect();
        let mut article = json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": site.title,
            "url": site.base_url,
            "mainEntityOfPage": site.base_url,
            "inLanguage": site.language,
        });
        let fields = [
            (
                "description",
                site.description.clone().or(site.subtitle.clone()),
            ),
            ("datePublished", site.published.map(|d| d.iso())),
            ("dateModified", last_modified(story).map(|d| d.iso())),
        ];
        for (key, value) in fields {
            if let Some(value) = value {
                article[key] = Json::String(value);
            }
        }
        if !corrections.is_empty() {
            article["correction"] = Json::Array(corrections);
        }
        if !site.authors.is_empty() {
            let authors = site.authors.iter().map(|author| {
                let mut person = json!({ "@type": "Person", "name": author.name });
                if let Some(url) = &author.url {
                    person["url"] = Json::String(url.clone());
                }
                person
            });
            article["author"] = Json::Array(authors.collect());
        }
        if let Some(publisher) = &site.publisher {
            let mut organization = json!({ "@type": "Organization", "name": publisher.name });
            if let Some(url) = &publisher.url {
                organization["url"] = Json::String(url.clone());
            }
            if let Some(logo) = &publisher.logo {
                organization["logo"] = json!({
                    "@type": "ImageObject",
                    "url": format!("{}{logo}", story.site_url()),
                });
            }
            article["publisher"] = organization;
        }
        // Every edition names the others: the original names its
        // translations, a translation names what it translates.
        let site_url = story.site_url();
        let work = |prefix: &str, lang: &str| json!({"@type": "NewsArticle", "url": format!("{site_url}{prefix}"), "inLanguage": lang});
        let editions = &story.editions;
        if story.edition == 0 && editions.len() > 1 {
            let translations: Vec<Json> = editions[1..]
                .iter()
                .map(|e| work(&e.prefix, &e.lang))
                .collect();
            article["workTranslation"] = Json::Array(translations);
        } else if story.edition > 0 {
            article["translationOfWork"] = work("", &editions[0].lang);
        }
        article
    }
}

/// An event's JSON-LD. Its keys are in alphabetical order, as serde_json's
/// maps write them for the story page's.
#[derive(Serialize)]
struct EventLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<ThingLd<'a>>,
    description: &'a str,
    #[serde(rename = "endDate", skip_serializing_if = "Option::is_none")]
    end_date: Option<String>,
    #[serde(rename = "eventStatus")]
    event_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<ThingLd<'a>>,
    name: &'a str,
    #[serde(rename = "startDate")]
    start_date: String,
    url: &'a str,
}

/// A place, person or organization named in JSON-LD.
#[derive(Serialize)]
struct ThingLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// An actor's JSON-LD, keys in alphabetical order like [`EventLd`]'s.
#[derive(Serialize)]
struct ActorLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "alternateName", skip_serializing_if = "<[String]>::is_empty")]
    alternate_name: &'a [String],
    description: &'a str,
    name: &'a str,
    url: &'a str,
}

fn event_json_ld<'a>(story: &'a Story, event: &'a Event, page: &'a PageMeta) -> EventLd<'a> {
    EventLd {
        context: "https://schema.org",
        kind: "Event",
        about: event
            .actors
            .iter()
            .map(|&a| {
                let actor = &story.actors[a];
                ThingLd {
                    kind: schema_type(actor.kind),
                    name: &actor.name,
                    url: Some(Route::actor(&actor.id).permalink(&story.site.base_url)),
                }
            })
            .collect(),
        description: &page.description,
        end_date: event.end_date.map(|end| end.iso()),
        event_status: "https://schema.org/EventScheduled",
        location: event.place.as_deref().map(|place| ThingLd {
            kind: "Place",
            name: place,
            url: None,
        }),
        name: &event.title,
        start_date: event.date.iso(),
        url: &page.canonical,
    }
}

fn actor_json_ld<'a>(actor: &'a Actor, page: &'a PageMeta) -> ActorLd<'a> {
    ActorLd {
        context: "https://schema.org",
        kind: schema_type(actor.kind),
        alternate_name: &actor.aliases,
        description: &page.description,
        name: &actor.name,
        url: &page.canonical,
    }
}

fn schema_type(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::Person => "Person",
        ActorKind::State => "Country",
        ActorKind::Organization | ActorKind::Group | ActorKind::Media => "Organization",
    }
}

/// JSON for a `<script type="application/ld+json">`: no `<`, `>` or `&` can end
/// the script early or change how the HTML parser reads it. They can only
/// stand inside strings, where their escapes mean the same.
fn script_json(value: &impl Serialize) -> String {
    // Serializing these views into memory cannot fail.
    let json = serde_json::to_string(value).unwrap_or_default();
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    let mut safe = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            c => safe.push(c),
        }
    }
    safe
}

fn rfc3339(date: &PartialDate) -> String {
    format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        date.year,
        date.month.unwrap_or(1),
        date.day.unwrap_or(1)
    )
}

/// A listing's title, with its page number on the pages after the first.
pub(super) fn paged_title(
    locale: &crate::i18n::Locale,
    title: &str,
    pager: Option<&Pager>,
) -> String {
    match pager {
        Some(pager) if pager.number > 1 => locale.fill(
            "paged_title",
            &[
                ("title", title),
                ("number", &pager.number.to_string()),
                ("pages", &pager.pages.to_string()),
            ],
        ),
        _ => title.to_string(),
    }
}

/// The `lang` of an actor's role when it is the original's, in another edition.
fn actor_role_lang(story: &Story, index: ActorIx) -> Option<&str> {
    let marks = &story.marks;
    marks
        .actors
        .get(index.position())
        .filter(|m| m.untranslated && m.title)
        .map(|_| marks.default_lang.as_str())
}

/// The kinds of the story's actors, in the who's who's order: "people,
/// states and organizations"; "person" for a story of one person.
fn actor_kinds(story: &Story) -> String {
    let present: Vec<ActorKind> = ActorKind::ALL
        .iter()
        .copied()
        .filter(|&kind| story.actors.iter().any(|a| a.kind == kind))
        .collect();
    let locale = &story.locale;
    if story.actors.len() == 1 {
        return present.first().map_or(String::new(), |k| {
            locale.text(&format!("kind_{}", k.name())).to_string()
        });
    }
    let words: Vec<String> = present
        .iter()
        .map(|k| locale.text(&format!("kinds_{}", k.name())).to_lowercase())
        .collect();
    match words.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => {
            locale.fill("list_and", &[("rest", &rest.join(", ")), ("last", last)])
        }
        None => String::new(),
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_data_cannot_end_its_script_and_reads_back_the_same() {
        let value = json!({ "name": "</script><b>Tom & Jerry</b>", "n": [1, "<>"] });
        let script = script_json(&value);
        assert!(!script.contains(['<', '>', '&']), "{script}");
        assert_eq!(
            script,
            r#"{"n":[1,"\u003c\u003e"],"name":"\u003c/script\u003e\u003cb\u003eTom \u0026 Jerry\u003c/b\u003e"}"#
        );
        let back: Json = serde_json::from_str(&script).unwrap();
        assert_eq!(back, value);
    }
}
