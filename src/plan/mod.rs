//! The map of the site: which pages exist, and at what address.
//!
//! Every page and data file of a built site has a [`Route`]: what it shows
//! ([`Kind`]) and, for pages of one item, the item's id. A route alone knows
//! its output file, its address from the site root, the way back to the root
//! from it and its permalink. No other module spells a page path: templates,
//! SVG marks, JSON-LD, the sitemap, the feed and the data files all ask a
//! route. [`plan`] lists the routes of one story in output order.

mod periods;

pub use periods::{Period, PeriodPage, Timeline, pages_for};

use std::fmt::Write;

use crate::model::{AccountIx, ActorIx, EventIx, IxVec, SourceIx, Story};

/// What a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The story itself, at the site root.
    Story,
    /// The whole timeline, or, when it is split, its overview.
    Timeline,
    /// One period of a split timeline: a year or a month (`timeline/2025-06/`).
    Period,
    Event,
    /// The who's-who index.
    Actors,
    Actor,
    /// "Who says what": the competing accounts.
    Accounts,
    Sources,
    /// One source and what cites it, when the sources page is too long
    /// to list every citation (see [`Citations`]).
    Source,
    /// The events with one tag (`tag_pages = true` in site.toml).
    Tag,
    /// The log of updates and corrections.
    Changes,
    /// The Atom feed of the changes.
    Feed,
    /// The page a host serves for unknown addresses.
    NotFound,
    Sitemap,
    Robots,
    /// A compact page of a timeline, an actor's or a tag's events, made to
    /// be put in an iframe on other sites (`embed/timeline/`).
    Embed(Embeddable),
    /// The oEmbed answer for an embed (`embed/timeline/oembed.json`).
    Oembed(Embeddable),
    /// The hosting headers, in the `_headers` format of Netlify and Cloudflare Pages.
    Headers,
}

/// What an embed shows: the events of the timeline, of an actor (its key
/// the actor's id), or of a tag (its key the tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Embeddable {
    Timeline,
    Actor,
    Tag,
}

/// One page of the built site: what it shows, for pages of one item (an
/// event, an actor, a period) which one, and which of its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route<'a> {
    pub kind: Kind,
    /// The item's id (an event's or actor's id, a period's `2025-06`); empty
    /// for the kinds of which there is one page.
    pub key: &'a str,
    /// Which page of a listing too long for one: 1 for the first, which has
    /// the listing's own address; page 2 is at `page/2/` under it.
    pub number: usize,
}

/// The data files, by path (see `docs/data.md`): made from the story by
/// `export`, not from templates; the story and the timeline link them.
pub const DATA_FILES: [&str; 4] = [
    "data/events.json",
    "data/actors.json",
    "data/timelinejs.json",
    "data/events.csv",
];

impl<'a> Route<'a> {
    /// The route of a page of which there is one (not an event's, an actor's or a data file).
    pub const fn one(kind: Kind) -> Route<'static> {
        Route {
            kind,
            key: "",
            number: 1,
        }
    }

    pub const fn event(id: &'a str) -> Route<'a> {
        Route {
            kind: Kind::Event,
            key: id,
            number: 1,
        }
    }

    pub const fn actor(id: &'a str) -> Route<'a> {
        Route {
            kind: Kind::Actor,
            key: id,
            number: 1,
        }
    }

    /// A source's own page, when the sources page is split (see [`Citations`]).
    pub const fn source(id: &'a str) -> Route<'a> {
        Route {
            kind: Kind::Source,
            key: id,
            number: 1,
        }
    }

    /// A tag's page: `tag` is the tag as events write it.
    pub const fn tag(tag: &'a str) -> Route<'a> {
        Route {
            kind: Kind::Tag,
            key: tag,
            number: 1,
        }
    }

    /// A period's page of the timeline: `key` is `2025` or `2025-06`.
    pub const fn period(key: &'a str) -> Route<'a> {
        Route {
            kind: Kind::Period,
            key,
            number: 1,
        }
    }

    /// The same listing's page `number` (1 for the first).
    pub const fn page(self, number: usize) -> Route<'a> {
        Route { number, ..self }
    }

    /// Its address from the site root, as links write it: `""` for the
    /// story, `timeline/`, `events/ID/`, `feed.xml`.
    pub fn href(&self) -> String {
        let key = self.key;
        // Spelled piece by piece, room left for `index.html` or a page's
        // number: every page asks for its own and many others'.
        let spell = |pieces: &[&str]| {
            let length: usize = pieces.iter().map(|p| p.len()).sum();
            let mut href = String::with_capacity(length + 16);
            for piece in pieces {
                href.push_str(piece);
            }
            href
        };
        let mut href: String = match self.kind {
            Kind::Story => String::new(),
            Kind::Timeline => spell(&["timeline/"]),
            Kind::Period => spell(&["timeline/", key, "/"]),
            Kind::Event => spell(&["events/", key, "/"]),
            Kind::Actors => spell(&["actors/"]),
            Kind::Actor => spell(&["actors/", key, "/"]),
            Kind::Accounts => spell(&["accounts/"]),
            Kind::Sources => spell(&["sources/"]),
            Kind::Source => spell(&["sources/", key, "/"]),
            Kind::Tag => spell(&["tags/", key, "/"]),
            Kind::Changes => spell(&["changes/"]),
            Kind::Feed => spell(&["feed.xml"]),
            Kind::NotFound => spell(&["404.html"]),
            Kind::Sitemap => spell(&["sitemap.xml"]),
            Kind::Robots => spell(&["robots.txt"]),
            Kind::Embed(of) => {
                let [folder, key, end] = embed_folder(of, key);
                spell(&["embed/", folder, key, end])
            }
            Kind::Oembed(of) => {
                let [folder, key, end] = embed_folder(of, key);
                spell(&["embed/", folder, key, end, "oembed.json"])
            }
            Kind::Headers => spell(&["_headers"]),
        };
        if self.number > 1 && href.ends_with('/') {
            let _ = write!(href, "page/{}/", self.number);
        }
        href
    }

    /// The route at an address from the site root, the inverse of
    /// [`Route::href`]: `events/raids/` is the event `raids`'s page. The
    /// address may also name the page's file (`timeline/index.html`) or leave
    /// out a folder's last slash (`timeline`), as links written by hand do.
    /// Whether the story has that event, actor or changes page is the caller's to know.
    pub fn from_href(href: &'a str) -> Option<Route<'a>> {
        let href = href.strip_suffix("index.html").unwrap_or(href);
        let folder = href.strip_suffix('/').unwrap_or(href);
        // A later page of a listing: `sources/page/2`.
        if let Some((listing, number)) = folder.rsplit_once("/page/") {
            let number: usize = number
                .parse()
                .ok()
                .filter(|n| *n > 1 && !number.starts_with('0'))?;
            let route = Route::from_href(listing)?;
            return matches!(
                route.kind,
                Kind::Period
                    | Kind::Actors
                    | Kind::Actor
                    | Kind::Accounts
                    | Kind::Sources
                    | Kind::Source
                    | Kind::Tag
            )
            .then_some(route.page(number));
        }
        let kind = match folder {
            "" => Kind::Story,
            "timeline" => Kind::Timeline,
            "actors" => Kind::Actors,
            "accounts" => Kind::Accounts,
            "sources" => Kind::Sources,
            "changes" => Kind::Changes,
            "feed.xml" => Kind::Feed,
            "404.html" => Kind::NotFound,
            "sitemap.xml" => Kind::Sitemap,
            "robots.txt" => Kind::Robots,
            "_headers" => Kind::Headers,
            "embed/timeline" => Kind::Embed(Embeddable::Timeline),
            "embed/timeline/oembed.json" => Kind::Oembed(Embeddable::Timeline),
            _ => {
                if let Some(rest) = folder.strip_prefix("embed/") {
                    let (of, rest) = match rest.split_once('/')? {
                        ("actors", rest) => (Embeddable::Actor, rest),
                        ("tags", rest) => (Embeddable::Tag, rest),
                        _ => return None,
                    };
                    let (key, kind) = match rest.strip_suffix("/oembed.json") {
                        Some(key) => (key, Kind::Oembed(of)),
                        None => (rest, Kind::Embed(of)),
                    };
                    return (!key.is_empty() && !key.contains('/')).then_some(Route {
                        kind,
                        key,
                        number: 1,
                    });
                }
                let (kind, key) = match folder.split_once('/') {
                    Some(("events", key)) => (Kind::Event, key),
                    Some(("actors", key)) => (Kind::Actor, key),
                    Some(("sources", key)) => (Kind::Source, key),
                    Some(("tags", key)) => (Kind::Tag, key),
                    Some(("timeline", key)) if is_period_key(key) => (Kind::Period, key),
                    _ => return None,
                };
                return (!key.is_empty() && !key.contains('/')).then_some(Route {
                    kind,
                    key,
                    number: 1,
                });
            }
        };
        Some(Route::one(kind))
    }

    /// Its file in the output folder: `index.html`, `events/ID/index.html`, `feed.xml`.
    pub fn file(&self) -> String {
        let mut file = self.href();
        if file.is_empty() || file.ends_with('/') {
            file.push_str("index.html");
        }
        file
    }

    /// How many folders down its file is: 0 for the story, 2 for an event.
    /// Counted as [`Route::file`] spells the path, without spelling it: every
    /// build asks it of every page.
    pub fn depth(&self) -> usize {
        // `name/KEY/`: the key is one folder, or more if it has slashes.
        let keyed = |folder: usize| folder + 1 + self.key.matches('/').count();
        let folders = match self.kind {
            // At the root, and never paged (their paths end with no slash).
            Kind::Story
            | Kind::Feed
            | Kind::NotFound
            | Kind::Sitemap
            | Kind::Robots
            | Kind::Headers => {
                return 0;
            }
            Kind::Oembed(of) => return self.embed_depth(of),
            Kind::Timeline | Kind::Actors | Kind::Accounts | Kind::Sources | Kind::Changes => 1,
            Kind::Period | Kind::Event | Kind::Actor | Kind::Source | Kind::Tag => keyed(1),
            Kind::Embed(of) => self.embed_depth(of),
        };
        // A later page of a listing is at `page/N/` under it.
        match self.number > 1 {
            true => folders + 2,
            false => folders,
        }
    }

    /// How many folders down the embed of `of` is: `embed/` and
    /// [`embed_folder`]'s folders.
    fn embed_depth(&self, of: Embeddable) -> usize {
        match of {
            Embeddable::Timeline => 2,
            Embeddable::Actor | Embeddable::Tag => 3 + self.key.matches('/').count(),
        }
    }

    /// Its full address: `base_url` (which ends with a slash) and [`Route::href`].
    pub fn permalink(&self, base_url: &str) -> String {
        format!("{base_url}{}", self.href())
    }

    /// What this page's links to other pages start with, so that the site
    /// works from any folder of any host: the way back to the root (`./`,
    /// `../`, `../../`) for pages served at their own address; the site's
    /// absolute path for the 404 page, which a host serves at any address;
    /// `base_url` for the feed, which is read away from the site.
    pub fn root(&self, base_url: &str) -> String {
        match self.kind {
            Kind::NotFound => url_path(base_url),
            Kind::Feed | Kind::Sitemap | Kind::Robots => base_url.to_string(),
            _ => root_for(&self.file()),
        }
    }

    /// The embed of this page's events, for the pages that have one: the
    /// timeline (or its overview), an actor's page, a tag's page.
    pub fn embed(&self) -> Option<Route<'a>> {
        let of = match self.kind {
            Kind::Timeline => Embeddable::Timeline,
            Kind::Actor => Embeddable::Actor,
            Kind::Tag => Embeddable::Tag,
            _ => return None,
        };
        Some(Route {
            kind: Kind::Embed(of),
            key: self.key,
            number: 1,
        })
    }

    /// The full page an embed or its oEmbed answer shows the events of.
    pub fn full(&self) -> Option<Route<'a>> {
        let (Kind::Embed(of) | Kind::Oembed(of)) = self.kind else {
            return None;
        };
        Some(match of {
            Embeddable::Timeline => Route::one(Kind::Timeline),
            Embeddable::Actor => Route::actor(self.key),
            Embeddable::Tag => Route::tag(self.key),
        })
    }

    /// The oEmbed answer of an embed.
    pub fn oembed(&self) -> Option<Route<'a>> {
        let Kind::Embed(of) = self.kind else {
            return None;
        };
        Some(Route {
            kind: Kind::Oembed(of),
            ..*self
        })
    }

    /// A link to a place on this page, like `#history` on the story page: its
    /// address from the site root.
    pub fn anchor(&self, fragment: &str) -> String {
        format!("{}#{fragment}", self.href())
    }
}

/// The folder under `embed/` of an embed's page and oEmbed file, in three
/// pieces: `actors/`, `KEY`, `/`; the timeline's is `timeline/` alone.
fn embed_folder(of: Embeddable, key: &str) -> [&str; 3] {
    match of {
        Embeddable::Timeline => ["timeline/", "", ""],
        Embeddable::Actor => ["actors/", key, "/"],
        Embeddable::Tag => ["tags/", key, "/"],
    }
}

/// `2025` or `2025-06`: the key of a period of the timeline.
fn is_period_key(key: &str) -> bool {
    let (year, month) = key.split_once('-').unwrap_or((key, "01"));
    let digits = |text: &str| text.bytes().all(|b| b.is_ascii_digit());
    year.len() == 4
        && digits(year)
        && month.len() == 2
        && digits(month)
        && matches!(month.parse::<u8>(), Ok(1..=12))
}

/// A route and the item it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned<'a> {
    pub route: Route<'a>,
    /// The event or actor an event's or actor's page shows; `None` for the
    /// kinds of which there is one page.
    pub item: Option<Item>,
}

/// The one item of the story a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Event(EventIx),
    Actor(ActorIx),
    /// A page of a period of the timeline (see [`Timeline`]).
    Period(PeriodPage),
    /// A source's own page (see [`Citations`]).
    Source(SourceIx),
}

/// What cites each source: the events and the accounts, by source. The
/// sources page lists every citation while the sources and their citations
/// fit `per_page` lines; past that, it lists the sources alone, `per_page`
/// a page, and each cited source gets its own page of citations
/// (`sources/ID/`), paged the same way.
#[derive(Debug, Clone)]
pub struct Citations {
    pub events: IxVec<SourceIx, Vec<EventIx>>,
    pub accounts: IxVec<SourceIx, Vec<AccountIx>>,
    /// Whether the sources page is split: sources on it, citations on their own pages.
    pub split: bool,
}

impl Citations {
    pub fn of(story: &Story) -> Citations {
        let mut events: IxVec<SourceIx, Vec<EventIx>> = story.sources.map(|_| Vec::new());
        let mut accounts: IxVec<SourceIx, Vec<AccountIx>> = story.sources.map(|_| Vec::new());
        for (e, event) in story.events.indexed() {
            for &s in &event.sources {
                events[s].push(e);
            }
            for (n, account) in event.accounts.iter().enumerate() {
                for &s in &account.sources {
                    accounts[s].push(AccountIx { event: e, n });
                }
            }
        }
        let lines = story.sources.len()
            + events.iter().map(Vec::len).sum::<usize>()
            + accounts.iter().map(Vec::len).sum::<usize>();
        Citations {
            events,
            accounts,
            split: lines > story.site.per_page,
        }
    }

    /// How many events and accounts cite `source`.
    pub fn count(&self, source: SourceIx) -> usize {
        self.events[source].len() + self.accounts[source].len()
    }
}

/// Every page of the story, in output order: the story, the timeline, the
/// pages of its periods when it is split (see [`Timeline`]), each event, the who's who, each actor, the accounts, the sources, the changes
/// and their feed (when the story has updates), the 404 page, the sitemap and
/// robots.txt. The data files are not pages: see [`DATA_FILES`].
pub fn plan(story: &Story) -> Vec<Planned<'_>> {
    let timeline = &story.timeline;
    let one = |kind| Planned {
        route: Route::one(kind),
        item: None,
    };
    let mut pages = Vec::with_capacity(story.events.len() + story.actors.len() + 10);
    pages.extend([one(Kind::Story), one(Kind::Timeline)]);
    pages.extend(timeline.pages().map(|page| Planned {
        route: timeline.route(page),
        item: Some(Item::Period(page)),
    }));
    pages.extend(story.events.indexed().map(|(e, event)| Planned {
        route: Route::event(&event.id),
        item: Some(Item::Event(e)),
    }));
    let per_page = story.site.per_page;
    pages.extend(
        (1..=pages_for(story.actors.len(), per_page)).map(|n| Planned {
            route: Route::one(Kind::Actors).page(n),
            item: None,
        }),
    );
    for (a, actor) in story.actors.indexed() {
        let events = story.index.actor_events[a].len();
        pages.extend((1..=pages_for(events, per_page)).map(|n| Planned {
            route: Route::actor(&actor.id).page(n),
            item: Some(Item::Actor(a)),
        }));
    }
    let disputes = story.events.iter().filter(|e| e.accounts.len() >= 2);
    pages.extend(
        (1..=pages_for(disputes.count(), per_page)).map(|n| Planned {
            route: Route::one(Kind::Accounts).page(n),
            item: None,
        }),
    );
    let citations = Citations::of(story);
    let listed = match citations.split {
        true => story.sources.len(),
        false => 0,
    };
    pages.extend((1..=pages_for(listed, per_page)).map(|n| Planned {
        route: Route::one(Kind::Sources).page(n),
        item: None,
    }));
    if citations.split {
        for (s, source) in story.sources.indexed() {
            let count = citations.count(s);
            if count == 0 {
                continue;
            }
            pages.extend((1..=pages_for(count, per_page)).map(|n| Planned {
                route: Route::source(&source.id).page(n),
                item: Some(Item::Source(s)),
            }));
        }
    }
    if story.site.tag_pages {
        for (tag, events) in &story.index.tag_events {
            pages.extend((1..=pages_for(events.len(), per_page)).map(|n| Planned {
                route: Route::tag(tag).page(n),
                item: None,
            }));
        }
    }
    if !story.updates.is_empty() {
        pages.extend([one(Kind::Changes), one(Kind::Feed)]);
    }
    // Embeds, each with its oEmbed answer: the timeline's, each actor's and,
    // where tags have pages, each tag's.
    // An embed of no events would be empty: actors in no event have none.
    let mut embeds = Vec::new();
    if !story.events.is_empty() {
        embeds.push(Route::one(Kind::Timeline));
    }
    embeds.extend(
        story
            .actors
            .indexed()
            .filter(|(a, _)| !story.index.actor_events[*a].is_empty())
            .map(|(_, actor)| Route::actor(&actor.id)),
    );
    if story.site.tag_pages {
        embeds.extend(story.index.tag_events.keys().map(|tag| Route::tag(tag)));
    }
    for full in embeds {
        if let Some(embed) = full.embed() {
            pages.extend(
                [embed, embed.oembed().unwrap_or(embed)].map(|route| Planned { route, item: None }),
            );
        }
    }
    pages.extend([
        one(Kind::NotFound),
        one(Kind::Sitemap),
        one(Kind::Robots),
        one(Kind::Headers),
    ]);
    pages
}

/// Why a text cannot be a site's `base_url`: what is wrong, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBaseUrl {
    pub message: String,
    pub help: String,
}

/// A site's address, as `base_url` in site.toml or `--base-url` gives it
/// (`name` says which, for the message), checked and ending with a slash.
/// Every permalink starts with it, in attributes, the feed and the sitemap,
/// so it must be a plain http(s) address: a host, maybe a port and a path,
/// nothing a page could be made to run, no query or fragment.
pub fn check_base_url(text: &str, name: &str) -> Result<String, BadBaseUrl> {
    const EXAMPLE: &str = "\"https://example.org/my-story/\"";
    let url = text.trim();
    let bad = |message: String, help: String| Err(BadBaseUrl { message, help });
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        let help = if url.contains("://") || !url.contains('.') {
            format!("write where the site will be published, like {EXAMPLE}")
        } else {
            web_address_help(url)
        };
        return bad(format!("{name} must be a full http(s) address"), help);
    };
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`{}|^".contains(*c))
    {
        return bad(
            format!("{name} cannot contain {c:?}"),
            format!("write the address as a browser shows it, like {EXAMPLE}"),
        );
    }
    if url.contains(['?', '#']) {
        return bad(
            format!("{name} cannot have a query (`?`) or a fragment (`#`)"),
            format!("end it with the folder the site is published in, like {EXAMPLE}"),
        );
    }
    let host = rest.split('/').next().unwrap_or("");
    let name_part = host.rsplit_once(':').map_or(host, |(name, port)| {
        match port.bytes().all(|b| b.is_ascii_digit()) {
            true => name,
            false => host,
        }
    });
    let host_ok = !name_part.is_empty()
        && !name_part.contains('@')
        && name_part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b));
    if !host_ok {
        return bad(
            format!("{name} has no usable host name after the `://`"),
            format!("write the site's full address, like {EXAMPLE}"),
        );
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

/// What to write for an address that is not http(s): "www.x.org" -> "https://www.x.org".
pub fn web_address_help(text: &str) -> String {
    let bare = text.trim();
    if bare.contains("://") || bare.contains(':') || bare.contains(' ') || !bare.contains('.') {
        "write the full web address, starting with https://".to_string()
    } else {
        format!(
            "write the full web address: \"https://{}\"",
            bare.trim_start_matches('/')
        )
    }
}

/// The way from a file at `path` back to the site root: `./`, `../`, `../../`.
pub fn root_for(path: &str) -> String {
    match path.matches('/').count() {
        0 => "./".to_string(),
        depth => "../".repeat(depth),
    }
}

/// How many folders down a page with this root is: `./` 0, `../../` 2;
/// `None` for a root that is not a way back ([`Route::root`] of the 404
/// page and the feed).
pub fn depth_of_root(root: &str) -> Option<usize> {
    if root == "./" {
        return Some(0);
    }
    let depth = root.len() / 3;
    (depth > 0 && root.len().is_multiple_of(3) && root.as_bytes().chunks(3).all(|c| c == b"../"))
        .then_some(depth)
}

/// The path part of an absolute URL: "https://example.org/story/" -> "/story/".
pub fn url_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(at) => after_scheme[at..].to_string(),
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_one_file_and_one_address() {
        let cases = [
            (Route::one(Kind::Story), "", "index.html"),
            (
                Route::one(Kind::Timeline),
                "timeline/",
                "timeline/index.html",
            ),
            (
                Route::event("raids"),
                "events/raids/",
                "events/raids/index.html",
            ),
            (Route::one(Kind::Actors), "actors/", "actors/index.html"),
            (
                Route::actor("russia"),
                "actors/russia/",
                "actors/russia/index.html",
            ),
            (
                Route::one(Kind::Accounts),
                "accounts/",
                "accounts/index.html",
            ),
            (Route::one(Kind::Sources), "sources/", "sources/index.html"),
            (Route::one(Kind::Changes), "changes/", "changes/index.html"),
            (Route::one(Kind::Feed), "feed.xml", "feed.xml"),
            (Route::one(Kind::NotFound), "404.html", "404.html"),
            (Route::one(Kind::Sitemap), "sitemap.xml", "sitemap.xml"),
            (Route::one(Kind::Robots), "robots.txt", "robots.txt"),
        ];
        for (route, href, file) in cases {
            assert_eq!((route.href().as_str(), route.file().as_str()), (href, file));
        }
    }

    #[test]
    fn every_address_leads_back_to_its_route() {
        for route in [
            Route::one(Kind::Story),
            Route::one(Kind::Timeline),
            Route::event("raids"),
            Route::one(Kind::Actors),
            Route::actor("russia"),
            Route::one(Kind::Changes),
            Route::one(Kind::Feed),
            Route::one(Kind::Robots),
        ] {
            let href = route.href();
            assert_eq!(Route::from_href(&href), Some(route), "{href}");
            let file = route.file();
            assert_eq!(Route::from_href(&file), Some(route), "{file}");
        }
        assert_eq!(
            Route::from_href("timeline"),
            Some(Route::one(Kind::Timeline))
        );
        assert_eq!(
            Route::from_href("events/raids"),
            Some(Route::event("raids"))
        );
        for nowhere in [
            "timelin/",
            "events/",
            "events/a/b/",
            "people/dana/",
            "style.css",
        ] {
            assert_eq!(Route::from_href(nowhere), None, "{nowhere}");
        }
    }

    #[test]
    fn periods_and_later_pages_have_their_own_addresses_and_lead_back() {
        let cases = [
            (Route::period("2025"), "timeline/2025/"),
            (Route::period("2025-06"), "timeline/2025-06/"),
            (Route::period("2025-06").page(2), "timeline/2025-06/page/2/"),
            (Route::one(Kind::Sources).page(3), "sources/page/3/"),
            (Route::actor("russia").page(2), "actors/russia/page/2/"),
            (Route::one(Kind::Sources).page(1), "sources/"),
        ];
        for (route, href) in cases {
            assert_eq!(route.href(), href);
            assert_eq!(Route::from_href(href), Some(route), "{href}");
            assert_eq!(route.file(), format!("{href}index.html"));
        }
        assert_eq!(Route::period("2025-06").page(2).depth(), 4);
        for nowhere in [
            "timeline/2025-13/",
            "timeline/25/",
            "timeline/2025/page/1/",
            "timeline/2025/page/02/",
            "sources/page/x/",
            "changes/page/2/",
        ] {
            assert_eq!(Route::from_href(nowhere), None, "{nowhere}");
        }
    }

    /// Every kind of page there is.
    fn every_kind() -> impl Iterator<Item = Kind> {
        let embeddable = [Embeddable::Timeline, Embeddable::Actor, Embeddable::Tag];
        [
            Kind::Story,
            Kind::Timeline,
            Kind::Period,
            Kind::Event,
            Kind::Actors,
            Kind::Actor,
            Kind::Accounts,
            Kind::Sources,
            Kind::Source,
            Kind::Tag,
            Kind::Changes,
            Kind::Feed,
            Kind::NotFound,
            Kind::Sitemap,
            Kind::Robots,
            Kind::Headers,
        ]
        .into_iter()
        .chain(embeddable.map(Kind::Embed))
        .chain(embeddable.map(Kind::Oembed))
    }

    /// `_headers` takes one page of each kind for the folders it lists.
    #[test]
    fn every_kind_of_page_keeps_its_top_folder_and_file_type_whatever_its_key() {
        for kind in every_kind() {
            let top = |key, number| {
                let file = Route { kind, key, number }.file();
                let folder = file.split_once('/').map(|(folder, _)| folder.to_string());
                (folder, file.ends_with(".html"))
            };
            let first = top("x", 1);
            for key in ["2025-06", "a/b", "page"] {
                for number in [1, 3] {
                    assert_eq!(top(key, number), first, "{kind:?} {key} {number}");
                }
            }
        }
    }

    #[test]
    fn every_kind_of_page_is_as_deep_as_its_file_says() {
        for kind in every_kind() {
            for key in ["x", "2025-06", "a/b"] {
                for number in [1, 3] {
                    let route = Route { kind, key, number };
                    let file = route.file();
                    assert_eq!(route.depth(), file.matches('/').count(), "{file}");
                }
            }
        }
    }

    #[test]
    fn every_page_finds_its_way_back_to_the_root() {
        let base = "https://example.org/story/";
        assert_eq!(Route::one(Kind::Story).root(base), "./");
        assert_eq!(Route::one(Kind::Timeline).root(base), "../");
        assert_eq!(Route::event("x").root(base), "../../");
        assert_eq!(Route::one(Kind::Feed).root(base), base);
        assert_eq!(Route::one(Kind::NotFound).root(base), "/story/");
        assert_eq!(
            Route::event("x").permalink(base),
            "https://example.org/story/events/x/"
        );
        assert_eq!(Route::one(Kind::Story).anchor("history"), "#history");
        for route in [
            Route::one(Kind::Story),
            Route::one(Kind::Timeline),
            Route::event("x"),
        ] {
            assert_eq!(depth_of_root(&route.root(base)), Some(route.depth()));
        }
        assert_eq!(depth_of_root("/story/"), None);
        assert_eq!(depth_of_root(base), None);
    }

    #[test]
    fn base_urls_are_plain_web_addresses_ending_with_a_slash() {
        let ok = |text: &str| check_base_url(text, "`base_url`").unwrap();
        assert_eq!(
            ok("https://example.org/story"),
            "https://example.org/story/"
        );
        assert_eq!(ok(" http://localhost:1111/ "), "http://localhost:1111/");
        assert_eq!(ok("https://[::1]:8080/a/b/"), "https://[::1]:8080/a/b/");
        let wrong = |text: &str| check_base_url(text, "`--base-url`").unwrap_err().message;
        for text in [
            "javascript:alert(1)",
            "",
            "  ",
            "example.org/story",
            "ftp://example.org/",
        ] {
            assert_eq!(
                wrong(text),
                "`--base-url` must be a full http(s) address",
                "{text:?}"
            );
        }
        assert_eq!(
            wrong("https://example.org/\"><script>alert(1)</script>"),
            "`--base-url` cannot contain '\"'"
        );
        assert_eq!(
            wrong("https://example.org/a b/"),
            "`--base-url` cannot contain ' '"
        );
        assert_eq!(
            wrong("https://example.org/?utm=1"),
            "`--base-url` cannot have a query (`?`) or a fragment (`#`)"
        );
        for text in [
            "https://",
            "https:///story/",
            "https://user@evil.example/",
            "http://:80/",
        ] {
            assert_eq!(
                wrong(text),
                "`--base-url` has no usable host name after the `://`",
                "{text:?}"
            );
        }
        assert_eq!(
            check_base_url("example.org/story", "`base_url`")
                .unwrap_err()
                .help,
            "write the full web address: \"https://example.org/story\""
        );
    }

    #[test]
    fn the_404_page_links_from_the_sites_own_path() {
        assert_eq!(
            url_path("https://example.org/azerbaijan-russia/"),
            "/azerbaijan-russia/"
        );
        assert_eq!(url_path("https://example.org/"), "/");
    }
}
