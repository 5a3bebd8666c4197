//! Embeds: a compact page of the timeline's, an actor's or a tag's events
//! for other sites to put in an iframe (`embed/…/`), its oEmbed answer
//! (`embed/…/oembed.json`), and the code to copy that the full page offers.
//!
//! An embed reads without JavaScript; `embed.js` (a static file) only tells
//! the page around it how tall it is. Its links open in the top window, at
//! the event's own page. An embed names its full page as its canonical
//! address and is left out of the sitemap: the full page is the one to find
//! (see docs/deploy.md).

use serde::Serialize;

use super::pages::{Job, Made, Pages};
use super::views::*;
use crate::markdown::escape_html;
use crate::model::{ActorIx, EventIx, Story};
use crate::plan::{Embeddable, Kind, Route};

/// At most this many events on an embed, the latest, so that it stays small
/// (under 100 KB) however long the story grows.
pub(super) const EMBED_MOST: usize = 100;

/// An embed's page.
#[derive(Serialize)]
pub(super) struct EmbedPage<'a> {
    /// A [`SiteView`].
    pub(super) site: Kept,
    /// A [`RoutesView`].
    pub(super) routes: Kept,
    pub(super) root: String,
    /// See [`super::views::Common::assets`].
    pub(super) assets: String,
    /// The interface's strings, and the page's language.
    pub(super) t: Kept,
    pub(super) lang: &'a str,
    /// What it shows: "Timeline", the actor's name, the tag's label.
    pub(super) title: String,
    /// The full page, from the site root, and its full address (the
    /// embed's canonical address: search engines fold it into the page).
    pub(super) full_path: String,
    pub(super) full_url: String,
    /// How many events it has in all, and the latest of them, at most
    /// [`EMBED_MOST`]: [`EmbedEvent`]s.
    pub(super) event_count: usize,
    pub(super) events: Vec<EmbedEvent>,
    pub(super) live_reload: Option<&'a str>,
}

/// An event on an embed.
#[derive(Serialize)]
pub(super) struct EmbedEvent {
    /// An [`EventLink`].
    pub(super) event: Kept,
    /// Two or more accounts.
    pub(super) contested: bool,
}

/// What the full page offers to copy, and names in its head for oEmbed.
#[derive(Serialize)]
pub(super) struct EmbedCode {
    /// The embed's page, from the site root.
    pub(super) path: String,
    /// The oEmbed answer's full address.
    pub(super) oembed: String,
    /// The `<iframe>` to copy, as HTML (print it escaped, as text).
    pub(super) code: String,
}

/// The events an embed shows, in date order, and its title.
fn shown(story: &Story, route: &Route) -> Option<(String, Vec<EventIx>)> {
    let (Kind::Embed(of) | Kind::Oembed(of)) = route.kind else {
        return None;
    };
    Some(match of {
        Embeddable::Timeline => (
            story.locale.text("timeline_title").to_string(),
            story.events.indices().collect(),
        ),
        Embeddable::Actor => {
            let (a, actor) = actor_by_id(story, route.key)?;
            (actor.name.clone(), story.index.actor_events[a].clone())
        }
        Embeddable::Tag => {
            let events = story.index.tag_events.get(route.key)?.clone();
            let label = story.site.tag_labels.get(route.key);
            (label.map_or(route.key, String::as_str).to_string(), events)
        }
    })
}

fn actor_by_id<'s>(story: &'s Story, id: &str) -> Option<(ActorIx, &'s crate::model::Actor)> {
    story.actors.indexed().find(|(_, a)| a.id == id)
}

/// The iframe's height in pixels: enough for a few events, then it scrolls
/// (or grows, where the host page listens to `embed.js`).
fn height(events: usize) -> usize {
    (96 + 64 * events.min(EMBED_MOST)).clamp(240, 640)
}

/// The `<iframe>` for an embed, its title, and its height.
fn iframe(story: &Story, embed: &Route) -> Option<(String, String, usize)> {
    let (title, events) = shown(story, embed).filter(|(_, events)| !events.is_empty())?;
    let title = format!("{title} · {}", story.site.title);
    let height = height(events.len());
    let code = format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{height}\" loading=\"lazy\" style=\"border:0\"></iframe>",
        embed.permalink(&story.site.base_url),
        escape_html(&title)
    );
    Some((code, title, height))
}

/// The embed code a full page at `route` offers, if it has an embed.
pub(super) fn code(story: &Story, route: &Route) -> Option<EmbedCode> {
    let embed = route.embed()?;
    let (code, _, _) = iframe(story, &embed)?;
    Some(EmbedCode {
        path: embed.href(),
        oembed: embed.oembed()?.permalink(&story.site.base_url),
        code,
    })
}

/// The oEmbed answer of an embed (<https://oembed.com/>, a "rich" type).
#[derive(Serialize)]
struct Oembed<'a> {
    version: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    provider_name: &'a str,
    provider_url: &'a str,
    html: &'a str,
    width: usize,
    height: usize,
}

impl Pages<'_> {
    pub(super) fn embed(&self, route: &Route) -> Job {
        let story = self.story;
        let v = self.views(route);
        let (Some((title, events)), Some(full)) = (shown(story, route), route.full()) else {
            return self.not_found(route);
        };
        let count = events.len();
        let events = events
            .iter()
            .skip(count.saturating_sub(EMBED_MOST))
            .map(|&e| EmbedEvent {
                event: v.event_link_value(e),
                contested: story.events[e].accounts.len() >= 2,
            })
            .collect();
        let common = v.common(route, title.clone(), None, "embed");
        let page = EmbedPage {
            site: common.site,
            routes: common.routes,
            root: common.root,
            assets: common.assets,
            t: common.t,
            lang: common.lang,
            title,
            full_path: full.href(),
            full_url: full.permalink(&story.site.base_url),
            event_count: count,
            events,
            live_reload: common.live_reload,
        };
        self.job(route, "embed.html", &page)
    }

    pub(super) fn oembed(&self, route: &Route) -> Job {
        let story = self.story;
        let site = &story.site;
        let embed = Route {
            kind: match route.kind {
                Kind::Oembed(of) => Kind::Embed(of),
                kind => kind,
            },
            ..*route
        };
        let bytes = iframe(story, &embed).map(|(html, title, height)| {
            let answer = Oembed {
                version: "1.0",
                kind: "rich",
                title: &title,
                provider_name: &site.title,
                provider_url: &site.base_url,
                html: &html,
                width: 640,
                height,
            };
            // Serializing these strings and numbers cannot fail.
            serde_json::to_vec_pretty(&answer).unwrap_or_default()
        });
        Job {
            path: format!("{}{}", story.prefix(), route.file()),
            template: "",
            made: Made::Reused(bytes.unwrap_or_default().into()),
            fingerprint: None,
        }
    }
}
