//! What templates see: typed views borrowed from the [`Story`].
//!
//! Each page's context is one of the `*Page` structs; every field is documented
//! for template authors in `docs/templates.md`. [`Views`] builds the parts for
//! pages at one depth, so internal links in Markdown fields are made relative.

use std::borrow::Cow;
use std::sync::{OnceLock, PoisonError};

use serde::Serialize;
use tera::Value;

use crate::markdown::{Html, smart_text};
use crate::model::*;
use crate::plan::{DATA_FILES, Kind, Route};

#[derive(Serialize)]
pub(super) struct DateView {
    /// For `<time datetime>`: "2025", "2025-06" or "2025-06-27".
    pub(super) iso: String,
    /// For readers: "2025", "June 2025", "27 June 2025".
    pub(super) label: String,
    pub(super) precision: &'static str,
}

impl DateView {
    pub(super) fn new(date: &PartialDate, locale: &crate::i18n::Locale) -> DateView {
        DateView {
            iso: date.iso(),
            label: locale.date(date),
            precision: match date.precision() {
                Precision::Year => "year",
                Precision::Month => "month",
                Precision::Day => "day",
            },
        }
    }
}

/// A date or range for `<time>` elements and for reading.
#[derive(Serialize)]
pub(super) struct WhenView {
    /// The whole label: "around June – July 2025".
    pub(super) text: String,
    pub(super) approximate: bool,
    /// What the language says before and after the dates of an approximate
    /// one: "around " and "".
    pub(super) before: String,
    pub(super) after: String,
    /// The start as shown in a range ("June"), with its `datetime`.
    pub(super) start: DateView,
    pub(super) end: Option<DateView>,
}

impl WhenView {
    pub(super) fn new(
        date: &PartialDate,
        end: Option<&PartialDate>,
        approximate: bool,
        locale: &crate::i18n::Locale,
    ) -> WhenView {
        let mut start = DateView::new(date, locale);
        start.label = locale.range_start(date, end);
        let (before, after) = match approximate {
            true => {
                let around = locale.text("around");
                let (before, after) = around.split_once("{when}").unwrap_or(("", ""));
                (before.to_string(), after.to_string())
            }
            false => (String::new(), String::new()),
        };
        WhenView {
            text: locale.when(date, end, approximate),
            approximate,
            before,
            after,
            start,
            end: end.map(|end| DateView::new(end, locale)),
        }
    }

    pub(super) fn of(event: &Event, locale: &crate::i18n::Locale) -> WhenView {
        WhenView::new(
            &event.date,
            event.end_date.as_ref(),
            event.approximate,
            locale,
        )
    }
}

#[derive(Serialize)]
pub(super) struct SiteView<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) subtitle: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    pub(super) base_url: &'a str,
    pub(super) language: &'a str,
    pub(super) published: Option<DateView>,
    pub(super) updated: Option<DateView>,
    /// Who wrote the story, in the byline's order: [`AuthorView`]s.
    pub(super) authors: Vec<AuthorView<'a>>,
    /// The newsroom that publishes it.
    pub(super) publisher: Option<PublisherView<'a>>,
}

#[derive(Serialize)]
pub(super) struct AuthorView<'a> {
    pub(super) name: &'a str,
    /// Their page, a full address; none if site.toml gives none.
    pub(super) url: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct PublisherView<'a> {
    pub(super) name: &'a str,
    /// Its site, a full address.
    pub(super) url: Option<&'a str>,
    /// Its logo, a path from the site root (a file of static/).
    pub(super) logo: Option<&'a str>,
}

/// The addresses, from the site root, of the pages of which there is one:
/// templates link to them as `{{ root }}{{ routes.timeline }}`.
#[derive(Serialize)]
pub(super) struct RoutesView {
    pub(super) story: String,
    pub(super) timeline: String,
    pub(super) actors: String,
    pub(super) accounts: String,
    pub(super) sources: String,
    /// The log of updates and corrections; a page only when the story has updates.
    pub(super) changes: String,
    pub(super) feed: String,
    /// The data files, for the downloads: `data/events.csv`, ...
    pub(super) events_csv: &'static str,
    pub(super) events_json: &'static str,
    pub(super) actors_json: &'static str,
    pub(super) timelinejs_json: &'static str,
}

impl RoutesView {
    fn new() -> RoutesView {
        let href = |kind| Route::one(kind).href();
        RoutesView {
            story: href(Kind::Story),
            timeline: href(Kind::Timeline),
            actors: href(Kind::Actors),
            accounts: href(Kind::Accounts),
            sources: href(Kind::Sources),
            changes: href(Kind::Changes),
            feed: href(Kind::Feed),
            events_csv: DATA_FILES[3],
            events_json: DATA_FILES[0],
            actors_json: DATA_FILES[1],
            timelinejs_json: DATA_FILES[2],
        }
    }
}

#[derive(Serialize)]
pub(super) struct PageMeta {
    /// The `<title>` text, without the site title.
    pub(super) title: String,
    pub(super) description: String,
    /// The page's own full URL from `base_url`.
    pub(super) canonical: String,
    /// Which part of the site it belongs to: story, timeline, event, actors, actor,
    /// accounts, sources, tag, changes or 404.
    pub(super) section: &'static str,
    /// The share image's full URL: the event's own image, or `share.png` from static/.
    pub(super) image: String,
    /// Its alt text.
    pub(super) image_alt: String,
}

#[derive(Serialize)]
pub(super) struct Common<'a> {
    /// A [`SiteView`].
    pub(super) site: Kept,
    /// A [`RoutesView`].
    pub(super) routes: Kept,
    /// The way back to the site root from this page: prefix every internal link with it.
    pub(super) root: String,
    /// The way back to the folder of the static files (the stylesheet,
    /// pictures): `root`, but in another edition one folder further.
    pub(super) assets: String,
    /// The interface's strings in the page's language.
    pub(super) t: Kept,
    /// The page's language tag, for `<html lang>`.
    pub(super) lang: &'a str,
    /// The same page in every edition, this one included, when the site has
    /// several; empty otherwise.
    pub(super) alternates: Vec<Alternate<'a>>,
    /// What readers are told first: parts not yet translated, or out of date.
    pub(super) notices: Vec<Notice>,
    pub(super) page: PageMeta,
    /// Structured data (schema.org JSON-LD), ready to print inside its script tag.
    pub(super) json_ld: Option<String>,
    /// The latest update or correction of the story, if it has a log: an [`UpdateView`].
    pub(super) last_change: Option<Kept>,
    pub(super) live_reload: Option<&'a str>,
    /// On the timeline, an actor's and a tag's pages, their embed: an
    /// [`super::embeds::EmbedCode`].
    pub(super) embed: Option<super::embeds::EmbedCode>,
    /// What `base.html`'s `site_header` component prints here (the site's
    /// title and navigation), and its `site_footer`: the same on every page
    /// at this depth (in this part of the site, for the header), so each is
    /// rendered once for all of them. Absent when no template defines it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) site_header: Option<Kept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) site_footer: Option<Kept>,
}

/// The same page in one edition.
#[derive(Serialize)]
pub(super) struct Alternate<'a> {
    pub(super) lang: &'a str,
    /// The language's name in that language.
    pub(super) name: &'a str,
    /// The page's full address in that edition.
    pub(super) url: String,
    /// Its address from this page.
    pub(super) path: String,
    pub(super) current: bool,
}

/// A line that tells readers something about the page as a whole.
#[derive(Serialize)]
pub(super) struct Notice {
    /// `untranslated` or `stale`.
    pub(super) kind: &'static str,
    pub(super) text: String,
}

#[derive(Serialize)]
pub(super) struct ActorLink<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    /// The language of the name when it is the original's, in another edition.
    pub(super) lang: Option<&'a str>,
    pub(super) kind: &'static str,
    pub(super) path: String,
}

#[derive(Serialize)]
pub(super) struct SourceView<'a> {
    pub(super) id: &'a str,
    pub(super) title: &'a str,
    /// The title's language, when it differs from the page's.
    pub(super) lang: Option<&'a str>,
    pub(super) publisher: Option<&'a str>,
    pub(super) url: Option<&'a str>,
    pub(super) accessed: Option<DateView>,
    pub(super) archive_url: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct AccountView<'a> {
    /// An [`ActorLink`].
    pub(super) actor: Kept,
    pub(super) claim: Cow<'a, str>,
    pub(super) stance: &'static str,
    pub(super) status: &'static str,
    /// [`SourceView`]s.
    pub(super) sources: Vec<Kept>,
}

#[derive(Serialize)]
pub(super) struct MediaView<'a> {
    /// The `srcset` attribute's value, with paths from this page; empty when the editor gave no sizes.
    pub(super) srcset: String,
    /// Where a link to it points from this page: `root` + the path, or the full URL.
    pub(super) href: String,
    /// A path from the site root for images; the full URL for other media.
    pub(super) src: &'a str,
    pub(super) is_image: bool,
    pub(super) alt: Option<&'a str>,
    pub(super) caption: Option<Cow<'a, str>>,
    pub(super) credit: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct UpdateView<'a> {
    /// Stable within the changes page and the feed: "2025-07-04-correction".
    pub(super) anchor: String,
    pub(super) date: DateView,
    /// update, correction or clarification.
    pub(super) kind: &'static str,
    pub(super) note: Cow<'a, str>,
    /// The events it touched: [`EventLink`]s.
    pub(super) events: Vec<Kept>,
}

#[derive(Serialize)]
pub(super) struct EventLink<'a> {
    pub(super) id: &'a str,
    pub(super) title: Cow<'a, str>,
    /// The title's language when it is the original's, in another edition.
    pub(super) lang: Option<&'a str>,
    pub(super) path: String,
    /// A [`WhenView`].
    pub(super) when: Kept,
}

#[derive(Serialize)]
pub(super) struct EventView<'a> {
    pub(super) id: &'a str,
    pub(super) title: Cow<'a, str>,
    /// The title's language when it is the original's, in another edition.
    pub(super) lang: Option<&'a str>,
    pub(super) path: String,
    /// The date or range, worded at its precision: "around June – July 2025".
    /// A [`WhenView`].
    pub(super) when: Kept,
    pub(super) place: Option<&'a str>,
    /// The event's tags as readers see them: their labels in site.toml's
    /// `[tags]` (or the edition's), or the tags as written.
    pub(super) tags: Vec<&'a str>,
    pub(super) summary: Option<Cow<'a, str>>,
    /// [`ActorLink`]s.
    pub(super) actors: Vec<Kept>,
    /// Two or more accounts: the event is disputed.
    pub(super) contested: bool,
    pub(super) accounts: Vec<AccountView<'a>>,
    /// Who gave the accounts the newsroom confirmed, and those retracted:
    /// "Anna", "Anna and Bob"; the page's sentence on the dispute follows them.
    pub(super) confirmed_by: Option<String>,
    pub(super) retracted_by: Option<String>,
    /// The editor's own sentence on the accounts, in place of that one.
    pub(super) accounts_note: Option<&'a str>,
    /// [`SourceView`]s.
    pub(super) sources: Vec<Kept>,
    pub(super) media: Option<MediaView<'a>>,
    /// Updates and corrections that touched it, newest first.
    pub(super) updates: Vec<UpdateView<'a>>,
}

#[derive(Serialize)]
pub(super) struct SectionView<'a> {
    pub(super) slug: &'a str,
    pub(super) title: Cow<'a, str>,
    pub(super) summary: Option<&'a str>,
    pub(super) draft: bool,
    pub(super) html: Cow<'a, str>,
    /// Updates and corrections that name it, newest first.
    pub(super) updates: Vec<UpdateView<'a>>,
}

#[derive(Serialize)]
pub(super) struct StoryPage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    pub(super) sections: Vec<SectionView<'a>>,
    pub(super) event_count: usize,
    pub(super) actor_count: usize,
    /// The kinds of actors the story has, for "12 people, states and
    /// organizations": plural, lowercase, joined with commas and "and".
    pub(super) actor_kinds: String,
    /// Events with two or more accounts.
    pub(super) dispute_count: usize,
    /// [`EventLink`]s.
    pub(super) first_event: Option<Kept>,
    pub(super) last_event: Option<Kept>,
}

#[derive(Serialize)]
pub(super) struct Year {
    pub(super) year: i32,
    /// [`EventView`]s on the timeline; [`EventLink`]s on an actor's page.
    pub(super) events: Vec<Kept>,
}

#[derive(Serialize)]
pub(super) struct EraView<'a> {
    pub(super) title: &'a str,
    pub(super) lang: Option<&'a str>,
    /// A [`WhenView`].
    pub(super) when: Kept,
}

#[derive(Serialize)]
pub(super) struct TimelinePage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    pub(super) years: Vec<Year>,
    /// [`EraView`]s.
    pub(super) eras: Kept,
    /// The visual timeline, an inline SVG (print it with `| safe`).
    pub(super) timeline_svg: String,
    /// For each update that touches events of this page, by its anchor, the
    /// first of them (its id): the page shows the update's banner there only.
    pub(super) update_places: std::collections::BTreeMap<String, &'a str>,
    /// On a period's page of a split timeline, the period and this page of
    /// it; none on a timeline of one page.
    pub(super) period: Option<PeriodView>,
    /// The pages before and after this one, on a period's page: [`PageLink`]s.
    pub(super) previous: Option<PageLink>,
    pub(super) next: Option<PageLink>,
}

/// A period of a split timeline (a year or a month), or one page of it.
#[derive(Serialize)]
pub(super) struct PeriodView {
    /// "2025", "June 2025".
    pub(super) label: String,
    /// Within its year: "June" for a month; the year for a year.
    pub(super) short: String,
    /// For `<time datetime>`: "2025", "2025-06".
    pub(super) iso: String,
    /// Its first page, from the site root.
    pub(super) path: String,
    /// How many events it has, on all its pages.
    pub(super) count: usize,
    /// Which of its pages this is (1 for the first), and how many it has.
    pub(super) number: usize,
    pub(super) pages: usize,
}

/// A tag, by its label, and its page.
#[derive(Serialize)]
pub(super) struct TagLink<'a> {
    /// As events write it: `custody`.
    pub(super) id: &'a str,
    /// Its label in site.toml's `[tags]`, or the tag as written.
    pub(super) label: &'a str,
    /// From the site root: `tags/custody/`.
    pub(super) path: String,
}

/// A tag's page: its events, by year.
#[derive(Serialize)]
pub(super) struct TagPage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    pub(super) tag: TagLink<'a>,
    /// How many events have it, on all pages.
    pub(super) event_count: usize,
    /// This page's events by year, as [`Year`]s of [`EventLink`]s.
    pub(super) years: Vec<Year>,
    pub(super) pager: Option<Pager>,
}

/// The way through a listing too long for one page (`per_page` in site.toml).
#[derive(Serialize)]
pub(super) struct Pager {
    /// This page's number (1 for the first) and how many there are.
    pub(super) number: usize,
    pub(super) pages: usize,
    /// The pages before and after this one, from the site root.
    pub(super) previous: Option<String>,
    pub(super) next: Option<String>,
    /// Every page of the listing, in order.
    pub(super) links: Vec<PagerLink>,
}

#[derive(Serialize)]
pub(super) struct PagerLink {
    pub(super) number: usize,
    /// From the site root.
    pub(super) path: String,
    /// Whether it is this page.
    pub(super) current: bool,
}

impl Pager {
    /// The pager of the page at `route`, a listing of `pages` pages; none
    /// when it has one page.
    pub(super) fn new(route: &Route, pages: usize) -> Option<Pager> {
        if pages <= 1 {
            return None;
        }
        let number = route.number;
        let path = |n: usize| route.page(n).href();
        Some(Pager {
            number,
            pages,
            previous: (number > 1).then(|| path(number - 1)),
            next: (number < pages).then(|| path(number + 1)),
            links: (1..=pages)
                .map(|n| PagerLink {
                    number: n,
                    path: path(n),
                    current: n == number,
                })
                .collect(),
        })
    }
}

/// A row of the overview's list of periods.
#[derive(Serialize)]
pub(super) struct PeriodRow {
    /// For a year split by month: the year, with its count of events and,
    /// when some of them are known only to the year, its own page.
    pub(super) year: Option<RowYear>,
    /// The row's periods: the year's months, or whole years.
    pub(super) periods: Vec<PeriodView>,
}

#[derive(Serialize)]
pub(super) struct RowYear {
    pub(super) year: i32,
    pub(super) count: usize,
    /// The events known only to the year: how many, and their page from the site root.
    pub(super) year_only: usize,
    pub(super) path: Option<String>,
}

/// A link to another page of a paged listing.
#[derive(Serialize)]
pub(super) struct PageLink {
    /// What the listing is called, like "June 2025" for a period of the timeline.
    pub(super) label: String,
    /// The page's number (1 for the first) and how many pages the listing has.
    pub(super) number: usize,
    pub(super) pages: usize,
    /// From the site root.
    pub(super) path: String,
}

/// The overview of a split timeline, at `timeline/`.
#[derive(Serialize)]
pub(super) struct TimelineOverviewPage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    /// The chart of the whole story, a bar per period, an inline SVG (print it with `| safe`).
    pub(super) timeline_svg: String,
    /// Every period, in date order, with its count: [`PeriodView`]s.
    pub(super) periods: Vec<PeriodView>,
    /// The same periods in rows: a row for each year split by month, headed
    /// by the year, and a row for each run of years of one period each.
    pub(super) period_rows: Vec<PeriodRow>,
    pub(super) event_count: usize,
    /// The key events, in date order: [`EventLink`]s.
    pub(super) key_events: Vec<Kept>,
    /// Whether the editor marked them (`key = true`); if not, they are the
    /// contested events and those the story's sections cite.
    pub(super) key_marked: bool,
    /// How many more there would be, beyond the page's budget.
    pub(super) key_left_out: usize,
    /// [`EraView`]s.
    pub(super) eras: Kept,
}

#[derive(Serialize)]
pub(super) struct EventPage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    /// The event on the timeline, from the site root: `timeline/#ID`, or
    /// its period's page (`timeline/2025/#ID`) when the timeline is split.
    pub(super) timeline_path: String,
    /// With `tag_pages = true`, its tags and their pages: [`TagLink`]s; else empty.
    pub(super) tag_links: Vec<TagLink<'a>>,
    /// [`EventView`], made once for this page and its period's.
    pub(super) event: Kept,
    /// [`EventLink`]s.
    pub(super) previous: Option<Kept>,
    pub(super) next: Option<Kept>,
    /// The words before each neighbour's title: `t.previous_event` and
    /// `t.next_event` with its date filled in ("Previous: 3 June 2024").
    pub(super) previous_label: Option<String>,
    pub(super) next_label: Option<String>,
}

#[derive(Serialize)]
pub(super) struct ActorCard<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) lang: Option<&'a str>,
    /// The role's language when it is the original's, in another edition.
    pub(super) role_lang: Option<&'a str>,
    pub(super) path: String,
    pub(super) role: Option<&'a str>,
    pub(super) country: Option<&'a str>,
    pub(super) event_count: usize,
    pub(super) image: Option<ImageView<'a>>,
}

#[derive(Serialize)]
pub(super) struct KindGroup<'a> {
    pub(super) kind: &'static str,
    pub(super) label: String,
    pub(super) actors: Vec<ActorCard<'a>>,
}

#[derive(Serialize)]
pub(super) struct ActorsPage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    pub(super) groups: Vec<KindGroup<'a>>,
    /// The map of all actors and their links, an inline SVG (print it with `| safe`).
    pub(super) actor_map: String,
    /// How many actors the map shows, and how many it leaves out (it shows the most connected ones).
    pub(super) map_shown: usize,
    pub(super) map_left_out: usize,
    /// When the actors take more than one page (`per_page`): the way to the
    /// others. The map is on the first page only.
    pub(super) pager: Option<Pager>,
}

#[derive(Serialize)]
pub(super) struct RelationView<'a> {
    /// "out": this actor is `kind` the other; "in": the other is `kind` this actor.
    pub(super) direction: &'static str,
    pub(super) kind: &'a str,
    /// An [`ActorLink`].
    pub(super) actor: Kept,
}

#[derive(Serialize)]
pub(super) struct SectionLink<'a> {
    pub(super) slug: &'a str,
    pub(super) title: Cow<'a, str>,
    /// From the site root: `#slug` on the story page.
    pub(super) path: String,
}

#[derive(Serialize)]
pub(super) struct GivenAccount<'a> {
    /// An [`EventLink`].
    pub(super) event: Kept,
    pub(super) claim: Cow<'a, str>,
    pub(super) stance: &'static str,
    pub(super) status: &'static str,
}

#[derive(Serialize)]
pub(super) struct ActorView<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) lang: Option<&'a str>,
    pub(super) role_lang: Option<&'a str>,
    pub(super) kind: &'static str,
    pub(super) role: Option<&'a str>,
    pub(super) country: Option<&'a str>,
    pub(super) aliases: &'a [String],
    pub(super) bio: Cow<'a, str>,
    pub(super) path: String,
    /// Its picture: `src`, a path from the site root, and `alt`.
    pub(super) image: Option<ImageView<'a>>,
}

#[derive(Serialize)]
pub(super) struct ImageView<'a> {
    /// From the site root: print it after `{{ root }}`.
    pub(super) src: &'a str,
    pub(super) alt: &'a str,
}

impl<'a> ImageView<'a> {
    pub(super) fn of(image: &'a Option<Image>) -> Option<ImageView<'a>> {
        image.as_ref().map(|image| ImageView {
            src: &image.src,
            alt: &image.alt,
        })
    }
}

#[derive(Serialize)]
pub(super) struct ActorPage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    pub(super) actor: ActorView<'a>,
    /// The events on this page, in date order: [`EventLink`]s. All of them
    /// unless the actor has more than `per_page`.
    pub(super) events: Vec<Kept>,
    /// When the events take more than one page: this page's events by year,
    /// as [`Year`]s of [`EventLink`]s; empty otherwise.
    pub(super) event_years: Vec<Year>,
    /// How many events the actor takes part in, on all pages.
    pub(super) event_count: usize,
    /// When the events take more than one page: the way to the others. The
    /// biography, relations, map, accounts and sections are on the first page.
    pub(super) pager: Option<Pager>,
    pub(super) sections: Vec<SectionLink<'a>>,
    pub(super) accounts: Vec<GivenAccount<'a>>,
    pub(super) relations: Vec<RelationView<'a>>,
    /// This actor and its neighbours, an inline SVG; empty when it has none.
    pub(super) neighbourhood_map: String,
}

#[derive(Serialize)]
pub(super) struct NotFoundPage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
}

/// Builds views of one story for pages at one root.
pub(super) struct Views<'a> {
    pub(super) story: &'a Story,
    pub(super) root: String,
    /// See [`Common::assets`].
    pub(super) assets: String,
    pub(super) live_reload: Option<&'a str>,
    pub(super) shared: &'a Shared,
    /// The story's templates, for the dates' `html` (see [`Shared::keep_when`]).
    pub(super) tera: &'a tera::Tera,
}

/// Views many pages show, turned into Tera values once and shared: cloning
/// a value only counts a reference. An event's link appears on its
/// neighbours' pages, on each of its actors' pages and in the sources; an
/// actor's link and a source on every event that names them; the site and
/// the latest change on every page.
pub(super) struct Shared {
    /// Whether pages are fingerprinted (see `RenderMemo`), and so kept views too.
    fingerprints: bool,
    site: OnceLock<Kept>,
    routes: OnceLock<Kept>,
    strings: OnceLock<Kept>,
    /// The story's share picture, from the site root.
    story_card: OnceLock<String>,
    /// Views whose paths start from the root, the same on every page, by index.
    whens: IxVec<EventIx, OnceLock<Kept>>,
    /// The same, by date: events on one date share one (the component is
    /// rendered once for each).
    dates: std::sync::Mutex<crate::FastMap<DateKey, Kept>>,
    /// Why the story's `when` component could not print a date, if it could not.
    broken_when: OnceLock<tera::Error>,
    /// What the `site_header` and `site_footer` components print, by
    /// component, root and (for the header) part of the site.
    chrome: std::sync::Mutex<crate::FastMap<ChromeKey, Option<Kept>>>,
    /// Why one of them, or the `source` component, could not print, if one
    /// could not: the first such error.
    broken: OnceLock<tera::Error>,
    /// A header or footer that asks for an argument it cannot be given (it
    /// is printed once for many pages): the component and the argument.
    asks: OnceLock<(&'static str, String)>,
    /// The [`EraView`]s, the same on every page of the timeline.
    eras: OnceLock<Kept>,
    event_links: IxVec<EventIx, OnceLock<Kept>>,
    actor_links: IxVec<ActorIx, OnceLock<Kept>>,
    sources: IxVec<SourceIx, OnceLock<Kept>>,
    /// Views with links from the page, for pages at the root, one folder
    /// down, two folders down... as deep as the plan's deepest page.
    depths: Vec<Depth>,
}

/// What an event's [`WhenView`] is made from: its date, end and whether it
/// is approximate.
type DateKey = (PartialDate, Option<PartialDate>, bool);

/// What the site's header or footer is printed for: the component, the
/// page's `root`, and its part of the site (none for the footer).
type ChromeKey = (&'static str, String, Option<&'static str>);

struct Depth {
    last_change: OnceLock<Option<Kept>>,
    events: IxVec<EventIx, OnceLock<Kept>>,
}

impl Shared {
    /// Cells for the views of `story`'s pages, the deepest `deepest` folders down.
    pub(super) fn new(story: &Story, fingerprints: bool, deepest: usize) -> Shared {
        let depth = || Depth {
            last_change: OnceLock::new(),
            events: story.events.map(|_| OnceLock::new()),
        };
        Shared {
            fingerprints,
            site: OnceLock::new(),
            routes: OnceLock::new(),
            strings: OnceLock::new(),
            story_card: OnceLock::new(),
            whens: story.events.map(|_| OnceLock::new()),
            dates: Default::default(),
            broken_when: OnceLock::new(),
            chrome: Default::default(),
            broken: OnceLock::new(),
            asks: OnceLock::new(),
            eras: OnceLock::new(),
            event_links: story.events.map(|_| OnceLock::new()),
            actor_links: story.actors.map(|_| OnceLock::new()),
            sources: story.sources.map(|_| OnceLock::new()),
            depths: (0..=deepest).map(|_| depth()).collect(),
        }
    }
}

/// A view made into a Tera value once, to be shown on many pages, with its
/// fingerprint taken once too (see [`super::fingerprint::serialize_kept`]).
#[derive(Clone)]
pub(super) struct Kept {
    value: Value,
    fingerprint: u128,
}

impl Serialize for Kept {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        super::fingerprint::serialize_kept(self.fingerprint, &self.value, serializer)
    }
}

impl Shared {
    /// Why the story's `when` component could not print a date, if it could not.
    pub(super) fn broken_when(&self) -> Option<&tera::Error> {
        self.broken_when.get()
    }

    /// Why the site's header or footer, or a source, could not be printed.
    pub(super) fn broken(&self) -> Option<&tera::Error> {
        self.broken.get()
    }

    /// The header or footer component that asks for an argument it cannot
    /// be given, and that argument.
    pub(super) fn asks(&self) -> Option<&(&'static str, String)> {
        self.asks.get()
    }

    /// What the component `name` (`site_header` or `site_footer`, defined in
    /// the built-in `base.html`) prints on a page like `common`'s, as a safe
    /// string; `None` when no template defines it (a story's own older
    /// `base.html`). Its arguments are the same on every page with the same
    /// `root` (and part of the site, for the header's `section`), so it is
    /// rendered once for them: on every page it was a twentieth of a build.
    pub(super) fn chrome(
        &self,
        tera: &tera::Tera,
        name: &'static str,
        common: &Common,
    ) -> Option<Kept> {
        let section = (name == "site_header").then_some(common.page.section);
        let key: ChromeKey = (name, common.root.clone(), section);
        let lock = || self.chrome.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = lock().get(&key) {
            return kept.clone();
        }
        // Rendered outside the lock: the other cores go on with their pages.
        let kept = tera.get_component_definition(name).map(|component| {
            let last_change = common.last_change.as_ref().map(|kept| kept.value.clone());
            // The footer is kept for every part of the site: it is not told which.
            let given = [
                ("root", Some(Value::from(common.root.as_str()))),
                ("routes", Some(common.routes.value.clone())),
                ("site", Some(common.site.value.clone())),
                ("t", Some(common.t.value.clone())),
                ("last_change", Some(last_change.unwrap_or_else(Value::none))),
                ("section", section.map(Value::from)),
            ];
            let unknown = (component.args().iter()).find(|a| {
                a.is_required() && !given.iter().any(|(n, v)| *n == a.name() && v.is_some())
            });
            if let Some(arg) = unknown {
                let _ = self.asks.set((name, arg.name().to_string()));
            }
            // Only what it asks for: Tera refuses an argument it does not declare.
            let mut args = tera::Context::new();
            for (arg, value) in given {
                if let Some(value) = value
                    && component.args().iter().any(|a| a.name() == arg)
                {
                    args.insert_value(arg, value);
                }
            }
            let html = print(tera, name, &args, &self.broken);
            Kept {
                fingerprint: match self.fingerprints {
                    true => super::fingerprint::of("", &html),
                    false => 0,
                },
                value: Value::safe_string(&html),
            }
        });
        lock().entry(key).or_insert(kept).clone()
    }

    /// The [`EraView`]s `make` makes, made once.
    pub(super) fn eras<'a>(&self, make: impl FnOnce() -> Vec<EraView<'a>>) -> Kept {
        self.eras.get_or_init(|| self.keep(&make())).clone()
    }

    /// A [`WhenView`] kept as a Tera value, with `html`: what the story's
    /// `when` component prints for it, as a safe string. The pages that list
    /// events print that, not a call of the component for each date: those
    /// calls were a twentieth of a large story's build. When the component
    /// fails, its error is the build's, and `html` is empty.
    pub(super) fn keep_when(&self, tera: &tera::Tera, when: &WhenView) -> Kept {
        let Kept { value, fingerprint } = self.keep(when);
        let mut args = tera::Context::new();
        args.insert_value("when", value.clone());
        let html = print(tera, "when", &args, &self.broken_when);
        drop(args);
        Kept {
            value: with_html(value, &html),
            fingerprint,
        }
    }

    /// A kept [`SourceView`] with `html`: what the story's `source` component
    /// prints for it, as a safe string. A list of sources prints that (the
    /// built-in `sources` component does), so each source is rendered once
    /// however many events cite it. Without a `source` component (a story's
    /// own older `components.html`), the view is as it was.
    fn keep_source(&self, tera: &tera::Tera, kept: Kept, t: Kept) -> Kept {
        let Some(component) = tera.get_component_definition("source") else {
            return kept;
        };
        let mut args = tera::Context::new();
        args.insert_value("s", kept.value.clone());
        if component.args().iter().any(|arg| arg.name() == "t") {
            args.insert_value("t", t.value);
        }
        let html = print(tera, "source", &args, &self.broken);
        drop(args);
        Kept {
            value: with_html(kept.value, &html),
            fingerprint: kept.fingerprint,
        }
    }

    /// [`Shared::keep`] for a view every page shows many times: its plain
    /// strings marked safe (see [`mark_plain`]).
    fn keep_plain<T: Serialize>(&self, view: &T) -> Kept {
        let Kept { value, fingerprint } = self.keep(view);
        Kept {
            value: mark_plain(value),
            fingerprint,
        }
    }

    /// A view kept as a Tera value, fingerprinted when pages are. The views
    /// are plain structs of strings, numbers and lists, which always serialize.
    fn keep<T: Serialize>(&self, view: &T) -> Kept {
        Kept {
            value: Value::try_from_serializable(view).unwrap_or_else(|_| Value::none()),
            fingerprint: match self.fingerprints {
                true => super::fingerprint::of("", view),
                false => 0,
            },
        }
    }
}

/// What the component `name` prints with `args`; nothing when it fails, and
/// its error (the first of a build) kept in `broken`, to be the build's.
fn print(
    tera: &tera::Tera,
    name: &str,
    args: &tera::Context,
    broken: &OnceLock<tera::Error>,
) -> String {
    tera.render_component(name, args, None, true)
        .unwrap_or_else(|error| {
            let _ = broken.set(error);
            String::new()
        })
}

/// A kept view's map with `html`, what a component printed for it, added
/// as a safe string.
fn with_html(value: Value, html: &str) -> Value {
    match value.into_map() {
        Some(mut map) => {
            map.insert("html".into(), Value::safe_string(html));
            Value::from(map)
        }
        None => Value::none(),
    }
}

/// `value` with each string that escaping would leave as it is marked safe,
/// so that Tera writes it as it is on every page that shows it rather than
/// escape it each time: only strings without `&`, `<`, `>`, `"` or `'`, for
/// which the output is the same.
fn mark_plain(value: Value) -> Value {
    if let Some(text) = value.as_str() {
        let plain = !(text.bytes()).any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''));
        return if plain { value.mark_safe() } else { value };
    }
    if value.is_map() {
        let mut map = value.into_map().unwrap_or_default();
        for entry in map.values_mut() {
            *entry = mark_plain(std::mem::replace(entry, Value::none()));
        }
        return Value::from(map);
    }
    match value.as_array() {
        Some(items) => Value::from(items.iter().cloned().map(mark_plain).collect::<Vec<_>>()),
        None => value,
    }
}

impl<'a> Views<'a> {
    /// The shared values for pages at this root, unless the root is unusual
    /// (the feed's absolute URL, the 404 page's path).
    fn depth(&self) -> Option<&'a Depth> {
        let index = crate::plan::depth_of_root(&self.root)?;
        self.shared.depths.get(index)
    }

    /// What `make` makes, made once for all pages at this depth and kept in
    /// the cell `at` picks; made each time at an unusual root.
    fn kept<T: Clone + 'a>(
        &self,
        at: impl Fn(&'a Depth) -> &'a OnceLock<T>,
        make: impl Fn() -> T,
    ) -> T {
        match self.depth() {
            Some(depth) => at(depth).get_or_init(make).clone(),
            None => make(),
        }
    }

    /// Links to `events` (in date order), grouped by year: the list of an
    /// actor's or a tag's page.
    pub(super) fn link_years(&self, events: impl IntoIterator<Item = EventIx>) -> Vec<Year> {
        let mut years: Vec<Year> = Vec::new();
        for e in events {
            let year = self.story.events[e].date.year;
            if years.last().is_none_or(|y| y.year != year) {
                years.push(Year {
                    year,
                    events: Vec::new(),
                });
            }
            if let Some(last) = years.last_mut() {
                last.events.push(self.event_link_value(e));
            }
        }
        years
    }

    /// An event's [`EventLink`], made once for every page.
    pub(super) fn event_link_value(&self, index: EventIx) -> Kept {
        let make = || {
            let event = &self.story.events[index];
            self.shared.keep(&EventLink {
                id: &event.id,
                title: smart_text(&event.title),
                lang: self
                    .story
                    .marks
                    .title_lang(&self.story.marks.events, index.position()),
                path: Route::event(&event.id).href(),
                when: self.when_value(index),
            })
        };
        self.shared.event_links[index].get_or_init(make).clone()
    }

    /// An event's [`WhenView`], made once for every page.
    fn when_value(&self, index: EventIx) -> Kept {
        let make = || {
            let event = &self.story.events[index];
            let key = (event.date, event.end_date, event.approximate);
            let known = (self.shared.dates.lock())
                .ok()
                .and_then(|d| d.get(&key).cloned());
            known.unwrap_or_else(|| {
                let when = WhenView::of(event, &self.story.locale);
                let kept = self.shared.keep_when(self.tera, &when);
                if let Ok(mut dates) = self.shared.dates.lock() {
                    dates.insert(key, kept.clone());
                }
                kept
            })
        };
        self.shared.whens[index].get_or_init(make).clone()
    }

    /// An actor's [`ActorLink`], made once for every page.
    pub(super) fn actor_link_value(&self, index: ActorIx) -> Kept {
        let make = || self.shared.keep(&self.actor_link(index));
        self.shared.actor_links[index].get_or_init(make).clone()
    }

    /// A [`SourceView`], made once for every page.
    pub(super) fn source_value(&self, index: SourceIx) -> Kept {
        let make = || {
            let kept = self.shared.keep(&self.source(index));
            self.shared.keep_source(self.tera, kept, self.strings())
        };
        self.shared.sources[index].get_or_init(make).clone()
    }

    /// The interface's strings in the story's language, made once: `t`.
    fn strings(&self) -> Kept {
        let make = || self.shared.keep_plain(&self.story.locale.table());
        self.shared.strings.get_or_init(make).clone()
    }

    /// [`Views::event`] as a shared value.
    pub(super) fn event_value(&self, index: EventIx) -> Kept {
        self.kept(
            |depth| &depth.events[index],
            || self.shared.keep(&self.event(index)),
        )
    }

    fn last_change_value(&self) -> Option<Kept> {
        let make = || {
            let newest = self.story.updates.indices().next();
            newest.map(|u| self.shared.keep(&self.update(u)))
        };
        self.kept(|depth| &depth.last_change, make)
    }

    fn actor_link(&self, index: ActorIx) -> ActorLink<'a> {
        let actor = &self.story.actors[index];
        ActorLink {
            id: &actor.id,
            name: &actor.name,
            lang: self
                .story
                .marks
                .title_lang(&self.story.marks.actors, index.position()),
            kind: actor.kind.name(),
            path: Route::actor(&actor.id).href(),
        }
    }

    fn source(&self, index: SourceIx) -> SourceView<'a> {
        let source = &self.story.sources[index];
        let marks = &self.story.marks;
        let lang = match (
            &source.language,
            marks.title_lang(&marks.sources, index.position()),
        ) {
            (Some(own), _) if !own.eq_ignore_ascii_case(&self.story.site.language) => {
                Some(own.as_str())
            }
            (_, fallback) => fallback,
        };
        SourceView {
            id: &source.id,
            title: &source.title,
            lang,
            publisher: source.publisher.as_deref(),
            url: source.url.as_deref(),
            accessed: source
                .accessed
                .as_ref()
                .map(|d| DateView::new(d, &self.story.locale)),
            archive_url: source.archive_url.as_deref(),
        }
    }

    pub(super) fn html(&self, html: &'a Html) -> Cow<'a, str> {
        html.at_in(
            &self.root,
            &self.assets,
            self.story.locale.text("footnote_back"),
        )
    }

    /// A date worded in the page's language.
    pub(super) fn date(&self, date: &PartialDate) -> DateView {
        DateView::new(date, &self.story.locale)
    }

    /// What to tell readers of a page that shows an item marked `mark`.
    pub(super) fn notices(&self, marks: &[Mark]) -> Vec<Notice> {
        let locale = &self.story.locale;
        let mut notices = Vec::new();
        if marks.iter().any(|m| m.untranslated) {
            notices.push(Notice {
                kind: "untranslated",
                text: locale.text("untranslated_page").to_string(),
            });
        }
        if marks.iter().any(|m| m.stale) {
            notices.push(Notice {
                kind: "stale",
                text: locale.text("stale_page").to_string(),
            });
        }
        notices
    }

    pub(super) fn update(&self, index: UpdateIx) -> UpdateView<'a> {
        let update = &self.story.updates[index];
        UpdateView {
            anchor: update_anchor(self.story, index),
            date: self.date(&update.date),
            kind: update.kind.name(),
            note: self.html(&update.note),
            events: update
                .events
                .iter()
                .map(|&e| self.event_link_value(e))
                .collect(),
        }
    }

    pub(super) fn event(&self, index: EventIx) -> EventView<'a> {
        let story = self.story;
        let event = &story.events[index];
        let accounts = event
            .accounts
            .iter()
            .map(|a| AccountView {
                actor: self.actor_link_value(a.actor),
                claim: self.html(&a.claim),
                stance: a.stance.name(),
                status: a.status.name(),
                sources: a.sources.iter().map(|&s| self.source_value(s)).collect(),
            })
            .collect();
        EventView {
            id: &event.id,
            title: smart_text(&event.title),
            lang: story
                .marks
                .title_lang(&story.marks.events, index.position()),
            path: Route::event(&event.id).href(),
            when: self.when_value(index),
            place: event.place.as_deref(),
            tags: event
                .tags
                .iter()
                .map(|t| {
                    story
                        .site
                        .tag_labels
                        .get(t)
                        .map_or(t.as_str(), String::as_str)
                })
                .collect(),
            summary: event.summary.as_ref().map(|s| self.html(s)),
            actors: event
                .actors
                .iter()
                .map(|&a| self.actor_link_value(a))
                .collect(),
            contested: event.accounts.len() >= 2,
            accounts,
            confirmed_by: self.account_givers(event, Status::Confirmed),
            retracted_by: self.account_givers(event, Status::Retracted),
            accounts_note: event.accounts_note.as_deref(),
            sources: event
                .sources
                .iter()
                .map(|&s| self.source_value(s))
                .collect(),
            media: event.media.as_ref().map(|m| MediaView {
                srcset: m
                    .srcset
                    .iter()
                    .map(|(path, width)| format!("{}{path} {width}w", self.assets))
                    .collect::<Vec<_>>()
                    .join(", "),
                href: if m.external {
                    m.src.clone()
                } else {
                    format!("{}{}", self.assets, m.src)
                },
                src: &m.src,
                is_image: m.is_image,
                alt: m.alt.as_deref(),
                caption: m.caption.as_ref().map(|c| self.html(c)),
                credit: m.credit.as_deref(),
            }),
            updates: story.index.event_updates[index]
                .iter()
                .map(|&u| self.update(u))
                .collect(),
        }
    }

    /// The names of those whose accounts of `event` have `status`, joined
    /// as a sentence says them ("Anna, Bob and the Club"); `None` for none.
    fn account_givers(&self, event: &Event, status: Status) -> Option<String> {
        let mut names: Vec<&str> = Vec::new();
        for account in event.accounts.iter().filter(|a| a.status == status) {
            let name = self.story.actors[account.actor].name.as_str();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        match names.as_slice() {
            [] => None,
            [one] => Some(one.to_string()),
            [rest @ .., last] => Some(
                self.story
                    .locale
                    .fill("list_and", &[("rest", &rest.join(", ")), ("last", last)]),
            ),
        }
    }

    pub(super) fn site(&self) -> SiteView<'a> {
        let site = &self.story.site;
        SiteView {
            title: smart_text(&site.title),
            subtitle: site.subtitle.as_deref(),
            description: site.description.as_deref(),
            base_url: &site.base_url,
            language: &site.language,
            published: site.published.as_ref().map(|d| self.date(d)),
            updated: last_modified(self.story).as_ref().map(|d| self.date(d)),
            authors: site
                .authors
                .iter()
                .map(|a| AuthorView {
                    name: &a.name,
                    url: a.url.as_deref(),
                })
                .collect(),
            publisher: site.publisher.as_ref().map(|p| PublisherView {
                name: &p.name,
                url: p.url.as_deref(),
                logo: p.logo.as_deref(),
            }),
        }
    }

    /// The share picture of the page at `route`, from the site root: its
    /// drawn card, or `share.png` when the story has its own.
    fn share_picture(&self, route: &Route) -> String {
        let own = match route.kind {
            Kind::Timeline | Kind::Period | Kind::Actors | Kind::Actor => true,
            Kind::Event => self.story.site.event_share_cards,
            _ => false,
        };
        let story_card = || {
            super::share::card_for(self.story, &Route::one(Kind::Story))
                .map_or_else(|| "share.png".to_string(), |card| card.path.clone())
        };
        match own {
            true => super::share::card_for(self.story, route)
                .map_or_else(|| "share.png".to_string(), |card| card.path.clone()),
            false => self.shared.story_card.get_or_init(story_card).clone(),
        }
    }

    /// The same page in every edition, when the site has several.
    fn alternates(&self, route: &Route) -> Vec<Alternate<'a>> {
        let story = self.story;
        let editions = &story.editions;
        if editions.len() < 2 || matches!(route.kind, Kind::Sitemap | Kind::Robots) {
            return Vec::new();
        }
        let site_url = story.site_url();
        // The way to the site root from this page, for relative links.
        let to_site = match route.kind {
            Kind::NotFound => crate::plan::url_path(site_url),
            Kind::Feed => site_url.to_string(),
            _ => self.assets.clone(),
        };
        editions
            .iter()
            .enumerate()
            .map(|(n, edition)| Alternate {
                lang: &edition.lang,
                name: &edition.name,
                url: format!("{site_url}{}{}", edition.prefix, route.href()),
                path: format!("{to_site}{}{}", edition.prefix, route.href()),
                current: n == story.edition,
            })
            .collect()
    }

    pub(super) fn common(
        &self,
        route: &Route,
        title: String,
        description: Option<&str>,
        section: &'static str,
    ) -> Common<'a> {
        let site = &self.story.site;
        let mut common = Common {
            site: self
                .shared
                .site
                .get_or_init(|| self.shared.keep_plain(&self.site()))
                .clone(),
            routes: self
                .shared
                .routes
                .get_or_init(|| self.shared.keep_plain(&RoutesView::new()))
                .clone(),
            root: self.root.clone(),
            assets: self.assets.clone(),
            t: self.strings(),
            lang: &site.language,
            alternates: self.alternates(route),
            notices: Vec::new(),
            page: PageMeta {
                title,
                description: description
                    .or(site.description.as_deref())
                    .or(site.subtitle.as_deref())
                    .unwrap_or(&site.title)
                    .to_string(),
                canonical: route.permalink(&site.base_url),
                section,
                image: match self.share_picture(route) {
                    // The story's own picture is the site's, in every edition.
                    own if own == "share.png" => format!("{}{own}", self.story.site_url()),
                    card => format!("{}{card}", site.base_url),
                },
                image_alt: self
                    .story
                    .locale
                    .fill("share_alt", &[("title", &site.title)]),
            },
            json_ld: None,
            last_change: self.last_change_value(),
            live_reload: self.live_reload,
            embed: super::embeds::code(self.story, route),
            site_header: None,
            site_footer: None,
        };
        common.site_header = self.shared.chrome(self.tera, "site_header", &common);
        common.site_footer = self.shared.chrome(self.tera, "site_footer", &common);
        common
    }
}

/// When the story last changed: `updated` in site.toml or the newest update, whichever is later.
pub(super) fn last_modified(story: &Story) -> Option<PartialDate> {
    let logged = story.updates.first().map(|u| u.date);
    story.site.updated.max(logged)
}

/// "2025-07-04-correction", with "-2", "-3" for repeats counted from the oldest,
/// so adding a newer entry never changes an older entry's anchor (or feed id).
pub(super) fn update_anchor(story: &Story, index: UpdateIx) -> String {
    let update = &story.updates[index];
    let base = format!("{}-{}", update.date.iso(), update.kind.name());
    // Updates are newest first: the same-day, same-kind entries after this one are older.
    let older = story
        .updates
        .after(index)
        .iter()
        .filter(|u| u.date == update.date && u.kind == update.kind)
        .count();
    if older == 0 {
        base
    } else {
        format!("{base}-{}", older + 1)
    }
}

/// The text of an HTML fragment, for meta descriptions: tags dropped, the
/// entities Markdown writes decoded, spaces folded, and cut at a word after
/// `limit` characters. One pass, which stops once past the limit.
pub(super) fn plain_text(html: &str, limit: usize) -> String {
    const BLOCKS: [&str; 6] = ["p", "br", "li", "blockquote", "h3", "h4"];
    const ENTITIES: [(&str, &str); 5] = [
        ("&amp;", "&"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&lt;", "<"),
        ("&gt;", ">"),
    ];
    let mut text = Folded {
        limit,
        ..Folded::default()
    };
    let mut rest = html;
    while !rest.is_empty() && text.chars <= limit {
        // Text up to the next tag or entity goes in as a run (found with
        // SIMD: a body's first paragraph is searched whole).
        let run = memchr::memchr2(b'<', b'&', rest.as_bytes()).unwrap_or(rest.len());
        if run > 0 {
            text.push_str(&rest[..run]);
            rest = &rest[run..];
            continue;
        }
        if rest.starts_with('<') {
            // A footnote's number and its note are left out: the text reads
            // as it does without them, and the note's way back is a link.
            if let Some(after) = after_footnote(rest) {
                rest = after;
                continue;
            }
            let Some(close) = rest.find('>') else {
                break;
            };
            let name = rest[1..close]
                .trim_start_matches('/')
                .split([' ', '/'])
                .next()
                .unwrap_or("");
            if BLOCKS.contains(&name) {
                text.push_str(" ");
            }
            rest = &rest[close + 1..];
            continue;
        }
        match ENTITIES.iter().find(|(name, _)| rest.starts_with(name)) {
            Some((name, decoded)) => {
                text.push_str(decoded);
                rest = &rest[name.len()..];
            }
            None => {
                text.push_str("&");
                rest = &rest[1..];
            }
        }
    }
    if text.chars <= limit {
        return text.text;
    }
    let end = text
        .text
        .char_indices()
        .nth(limit)
        .map_or(text.text.len(), |(at, _)| at);
    let cut = &text.text[..end];
    let cut = cut.rsplit_once(' ').map_or(cut, |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// What follows the footnote number (`<sup class="footnote-reference">`) or
/// note (`<div class="footnote-definition">`, with any `div` inside it) that
/// `html` starts with; `None` when it starts with neither. A note not closed
/// runs to the end.
fn after_footnote(html: &str) -> Option<&str> {
    if html.starts_with("<sup class=\"footnote-reference\"") {
        let end = html
            .find("</sup>")
            .map_or(html.len(), |at| at + "</sup>".len());
        return Some(&html[end..]);
    }
    if !html.starts_with("<div class=\"footnote-definition\"") {
        return None;
    }
    let mut depth = 0_usize;
    for (at, _) in html.match_indices('<') {
        let tag = &html[at..];
        if tag.starts_with("</div>") {
            depth -= 1;
            if depth == 0 {
                return Some(&html[at + "</div>".len()..]);
            }
        } else if tag.starts_with("<div") && tag[4..].starts_with([' ', '>']) {
            depth += 1;
        }
    }
    Some("")
}

/// Text with its runs of white space folded into one space and none at either end.
#[derive(Default)]
struct Folded {
    text: String,
    /// Characters in `text`.
    chars: usize,
    /// White space was seen after the last character.
    space: bool,
    /// Past this many characters the rest is cut: words after the one
    /// that goes past it are not taken.
    limit: usize,
}

impl Folded {
    /// Takes `run` word by word (its pieces between white-space characters,
    /// as `str::split(char::is_whitespace)` cuts it), in one pass over its
    /// bytes: a description is made for every page.
    fn push_str(&mut self, run: &str) {
        let bytes = run.as_bytes();
        let mut at = 0;
        let mut first = true;
        loop {
            if self.chars > self.limit {
                return;
            }
            // Between two pieces stood one white-space character.
            if !std::mem::take(&mut first) {
                self.space = !self.text.is_empty();
            }
            let start = at;
            let mut chars = 0;
            // The length of the white-space character that ends the piece.
            let mut gap = 0;
            while let Some(&byte) = bytes.get(at) {
                gap = match byte {
                    b' ' | b'\t'..=b'\r' => 1,
                    // The lead bytes of the other white space (U+0085, U+00A0,
                    // U+1680, U+2000 to U+3000), each a char boundary.
                    0xC2 | 0xE1..=0xE3 => (run[at..].chars().next())
                        .filter(|c| c.is_whitespace())
                        .map_or(0, char::len_utf8),
                    _ => 0,
                };
                if gap > 0 {
                    break;
                }
                // A character is counted at its first byte.
                chars += usize::from(byte & 0xC0 != 0x80);
                at += 1;
            }
            if at > start {
                if std::mem::take(&mut self.space) {
                    self.text.push(' ');
                    self.chars += 1;
                }
                self.text.push_str(&run[start..at]);
                self.chars += chars;
            }
            if gap == 0 {
                return;
            }
            at += gap;
        }
    }
}

#[derive(Serialize)]
pub(super) struct ChangesPage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    /// Newest first.
    pub(super) updates: Vec<UpdateView<'a>>,
}

#[derive(Serialize)]
pub(super) struct CitedAccount {
    /// An [`EventLink`].
    pub(super) event: Kept,
    /// An [`ActorLink`].
    pub(super) actor: Kept,
}

#[derive(Serialize)]
pub(super) struct SourceEntry {
    /// A [`SourceView`].
    pub(super) source: Kept,
    /// Events that cite it, in date order: [`EventLink`]s. Empty when the
    /// sources page is split: then they are on the source's own page.
    pub(super) events: Vec<Kept>,
    /// Accounts that cite it; empty when the sources page is split.
    pub(super) accounts: Vec<CitedAccount>,
    /// When the sources page is split, the source's own page, from the site
    /// root; none when nothing cites it, and on a page of every citation.
    pub(super) path: Option<String>,
    /// How many events and accounts cite it.
    pub(super) event_count: usize,
    pub(super) account_count: usize,
}

/// A source's own page, when the sources page is split: what cites it.
#[derive(Serialize)]
pub(super) struct SourcePage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    /// A [`SourceView`].
    pub(super) source: Kept,
    /// The events on this page that cite it, in date order: [`EventLink`]s.
    pub(super) events: Vec<Kept>,
    /// The accounts on this page that cite it, in date order.
    pub(super) accounts: Vec<CitedAccount>,
    /// How many events and accounts cite it, on all of its pages.
    pub(super) event_count: usize,
    pub(super) account_count: usize,
    /// Its entry on the sources page, from the site root.
    pub(super) sources_path: String,
    pub(super) pager: Option<Pager>,
}

#[derive(Serialize)]
pub(super) struct SourcesPage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    /// The sources on this page, in the order of `sources.toml`.
    pub(super) sources: Vec<SourceEntry>,
    /// Whether the citations are on the sources' own pages.
    pub(super) split: bool,
    pub(super) pager: Option<Pager>,
}

#[derive(Serialize)]
pub(super) struct AccountsPage<'a> {
    #[serde(flatten)]
    pub(super) common: Common<'a>,
    /// The events with two or more accounts on this page, in date order: [`EventView`]s.
    pub(super) disputes: Vec<Kept>,
    /// When they take more than one page: which one this is, and the way to the others.
    pub(super) pager: Option<Pager>,
}

#[derive(Serialize)]
pub(super) struct FeedEntry {
    /// Stable: the changes page URL with the update's anchor.
    pub(super) id: String,
    pub(super) title: String,
    /// RFC 3339, midnight UTC of the update's date.
    pub(super) updated: String,
    pub(super) link: String,
    /// The note and the events it touched, as HTML with absolute links.
    pub(super) content: String,
}

#[derive(Serialize)]
pub(super) struct FeedContext<'a> {
    pub(super) site: SiteView<'a>,
    /// The interface's strings in the feed's language.
    pub(super) t: std::collections::BTreeMap<&'a str, tera::Value>,
    /// The feed's own URL.
    pub(super) feed_url: String,
    pub(super) changes_url: String,
    pub(super) updated: String,
    pub(super) entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
pub(super) struct SitemapUrl {
    pub(super) loc: String,
    pub(super) lastmod: Option<String>,
    /// The same page in every edition, when the site has several.
    pub(super) alternates: Vec<SitemapAlternate>,
}

#[derive(Serialize, Clone)]
pub(super) struct SitemapAlternate {
    pub(super) lang: String,
    pub(super) href: String,
}

#[derive(Serialize)]
pub(super) struct SitemapContext {
    pub(super) urls: Vec<SitemapUrl>,
    /// Whether the site has several editions (and the sitemap names them).
    pub(super) multilingual: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_strings_escaping_leaves_as_they_are_are_marked_safe() {
        let view = serde_json::json!({
            "plain": "events/a-b/ 2025",
            "marks": ["Q&A", "<b>", "\"x\"", "it's", "ok"],
            "nested": { "title": "Tom & Jerry", "path": "../../" },
        });
        let value = mark_plain(Value::from_serializable(&view));
        let safe = |path: &str| value.get_from_path(path).map(Value::is_safe);
        assert_eq!(safe("plain"), Some(true));
        for at in 0..4 {
            assert_eq!(safe(&format!("marks.{at}")), Some(false), "{at}");
        }
        assert_eq!(safe("marks.4"), Some(true));
        assert_eq!(safe("nested.title"), Some(false));
        assert_eq!(safe("nested.path"), Some(true));
    }

    #[test]
    fn descriptions_are_plain_text_cut_at_a_word() {
        let html = "<p>One brother died of <em>heart failure</em>; the cause &amp; more.</p>";
        assert_eq!(
            plain_text(html, 200),
            "One brother died of heart failure; the cause & more."
        );
        assert_eq!(plain_text(html, 28), "One brother died of heart…");
    }

    /// How [`Folded::push_str`] took its text before it read bytes: the
    /// pieces of `str::split(char::is_whitespace)`.
    fn folded_by_split(runs: &[String], limit: usize) -> (String, usize, bool) {
        let mut folded = Folded {
            limit,
            ..Folded::default()
        };
        for run in runs {
            for (i, word) in run.split(char::is_whitespace).enumerate() {
                if folded.chars > folded.limit {
                    break;
                }
                if i > 0 {
                    folded.space = !folded.text.is_empty();
                }
                if word.is_empty() {
                    continue;
                }
                if std::mem::take(&mut folded.space) {
                    folded.text.push(' ');
                    folded.chars += 1;
                }
                folded.text.push_str(word);
                folded.chars += word.chars().count();
            }
        }
        (folded.text, folded.chars, folded.space)
    }

    proptest::proptest! {
        #[test]
        fn folding_by_bytes_takes_the_words_splitting_took(
            runs in proptest::collection::vec(
                "[a ё\t\n\u{0b}\u{85}\u{a0}\u{1680}\u{2009}\u{2028}\u{202f}\u{3000}\u{205f}\u{2010}“–©·]{0,12}",
                0..5,
            ),
            limit in 0usize..30,
        ) {
            let mut folded = Folded {
                limit,
                ..Folded::default()
            };
            for run in &runs {
                folded.push_str(run);
            }
            let now = (folded.text, folded.chars, folded.space);
            proptest::prop_assert_eq!(now, folded_by_split(&runs, limit));
        }
    }

    #[test]
    fn descriptions_fold_space_decode_once_and_keep_a_short_text_whole() {
        let html = "<h3>Why</h3>\n<p>  A&lt;B &quot;C&quot;\tD&#39;s   <a href=\"x\">link</a></p>\n<ul>\n<li>one</li><li>two</li></ul>\n";
        assert_eq!(plain_text(html, 200), "Why A<B \"C\" D's link one two");
        // An entity written as text stays as it was written.
        assert_eq!(plain_text("<p>&amp;lt; is how</p>", 200), "&lt; is how");
        // Exactly at the limit: whole; one over: cut at a word, trailing punctuation dropped.
        assert_eq!(plain_text("<p>abc def</p>", 7), "abc def");
        assert_eq!(plain_text("<p>abc, def</p>", 7), "abc…");
        assert_eq!(plain_text("<p>Ünïcödé wörds here</p>", 12), "Ünïcödé…");
        assert_eq!(plain_text("no tags at all", 200), "no tags at all");
        assert_eq!(plain_text("<p>unclosed <b", 200), "unclosed");
    }
}
