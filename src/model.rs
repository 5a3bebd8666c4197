//! The validated story: plain data that every later step reads.
//!
//! `resolve` builds it from the raw files; nothing downstream re-checks it.
//! Ids are replaced by typed indices into the story's collections
//! ([`EventIx`] into [`Story::events`], [`ActorIx`] into [`Story::actors`],
//! ...), and the derived indexes (actor -> events, actor -> sections, ...)
//! are built once here.

use std::cmp::Ordering;
use std::fmt;

use crate::markdown::Html;

mod ix;

pub use ix::{ActorIx, EventIx, Ix, IxVec, SectionIx, SourceIx, UpdateIx};

/// A date known to a year, a month or a day: "2025", "2025-06", "2025-06-27".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// English month names, for the house style of plain `en` (see `i18n::Dates`).
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the date exists.
    /// Read byte by byte, without splitting into a list: every event's date
    /// is parsed on every save in `serve` (about 600 instructions a date
    /// that way, 13 M of a save at L).
    pub fn parse(text: &str) -> Result<PartialDate, DateError> {
        let bytes = text.as_bytes();
        // The number written in `bytes[range]`, if all of it is ASCII digits.
        let number = |range: std::ops::Range<usize>| -> Result<u16, DateError> {
            (bytes[range].iter())
                .try_fold(0u16, |n, &b| {
                    b.is_ascii_digit().then(|| n * 10 + u16::from(b - b'0'))
                })
                .ok_or(DateError::Form)
        };
        let (year, month, day) = match (bytes.len(), bytes.get(4), bytes.get(7)) {
            (4, ..) => (number(0..4)?, None, None),
            (7, Some(b'-'), _) => (number(0..4)?, Some(number(5..7)?), None),
            (10, Some(b'-'), Some(b'-')) => {
                (number(0..4)?, Some(number(5..7)?), Some(number(8..10)?))
            }
            _ => return Err(DateError::Form),
        };
        PartialDate::checked(year, month, day)
    }

    /// The date of these numbers, if its month is one of the year's and its
    /// day one of the month's.
    fn checked(year: u16, month: Option<u16>, day: Option<u16>) -> Result<PartialDate, DateError> {
        let year = i32::from(year);
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(DateError::Month);
        }
        if let (Some(m), Some(d)) = (month, day)
            && !(1..=days_in_month(year, m as u8)).contains(&(d as u8))
        {
            return Err(DateError::Day {
                days: days_in_month(year, m as u8),
            });
        }
        Ok(PartialDate {
            year,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }

    /// The date as HTML's `datetime` wants it, at its own precision.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (None, _) => format!("{:04}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
        }
    }

    /// The first day of the period: partial dates sort at the start of it.
    fn start(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The day after the period ends, as (year, month, day), for drawing spans.
    pub fn end_exclusive(&self) -> (i32, u8, u8) {
        match (self.month, self.day) {
            (None, _) => (self.year + 1, 1, 1),
            (Some(12), None) => (self.year + 1, 1, 1),
            (Some(m), None) => (self.year, m + 1, 1),
            (Some(m), Some(d)) if d == days_in_month(self.year, m) => {
                if m == 12 {
                    (self.year + 1, 1, 1)
                } else {
                    (self.year, m + 1, 1)
                }
            }
            (Some(m), Some(d)) => (self.year, m, d + 1),
        }
    }

    /// True when this whole period is over before `other` begins: an `end_date`
    /// may end inside the period its range starts in ("2025" to "2025-06").
    pub fn entirely_before(&self, other: &PartialDate) -> bool {
        let (y, m, d) = self.end_exclusive();
        (y, m, d) <= other.start()
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.start(), self.precision()).cmp(&(other.start(), other.precision()))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PartialDate {
    /// "2025", "June 2025", "22 February 2022": never more precise than known.
    /// Written piece by piece, the numbers by `itoa`: the English dates of
    /// every page are made here (`write!` took 780 instructions a date).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut digits = itoa::Buffer::new();
        if let Some(month) = self.month {
            if let Some(day) = self.day {
                f.write_str(digits.format(day))?;
                f.write_str(" ")?;
            }
            f.write_str(MONTHS[month as usize - 1])?;
            f.write_str(" ")?;
        }
        f.write_str(digits.format(self.year))
    }
}

/// What is wrong with a date string, for the diagnostic's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    Form,
    Month,
    Day { days: u8 },
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date or a range, worded for readers: "June – July 2025", "around 1991".
pub fn when_label(start: &PartialDate, end: Option<&PartialDate>, approximate: bool) -> String {
    let prefix = if approximate { "around " } else { "" };
    let first = range_start_label(start, end);
    match end {
        Some(end) => format!("{prefix}{first} – {end}"),
        None => format!("{prefix}{first}"),
    }
}

/// The start of a range without what the end repeats: "June" in "June – July 2025".
pub fn range_start_label(start: &PartialDate, end: Option<&PartialDate>) -> String {
    let Some(end) = end else {
        return start.to_string();
    };
    let same_year = start.year == end.year;
    let shortened = match (start.precision(), end.precision()) {
        (Precision::Month, Precision::Month) if same_year => {
            Some(MONTHS[start.month.unwrap_or(1) as usize - 1].to_string())
        }
        (Precision::Day, Precision::Day) if same_year && start.month == end.month => {
            Some(start.day.unwrap_or(1).to_string())
        }
        (Precision::Day, Precision::Day) if same_year => Some(format!(
            "{} {}",
            start.day.unwrap_or(1),
            MONTHS[start.month.unwrap_or(1) as usize - 1]
        )),
        _ => None,
    };
    shortened.unwrap_or_else(|| start.to_string())
}

/// The kinds of actor the content format knows, in the order the actors index shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActorKind {
    Person,
    State,
    Organization,
    Group,
    Media,
}

impl ActorKind {
    pub const ALL: [ActorKind; 5] = [
        ActorKind::Person,
        ActorKind::State,
        ActorKind::Organization,
        ActorKind::Group,
        ActorKind::Media,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::State => "state",
            ActorKind::Organization => "organization",
            ActorKind::Group => "group",
            ActorKind::Media => "media",
        }
    }

    /// The heading of this kind's group on the actors index.
    pub fn plural_label(self) -> &'static str {
        match self {
            ActorKind::Person => "People",
            ActorKind::State => "States",
            ActorKind::Organization => "Organizations",
            ActorKind::Group => "Groups",
            ActorKind::Media => "Media",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stance {
    Asserts,
    Denies,
    Disputes,
}

impl Stance {
    pub const ALL: [Stance; 3] = [Stance::Asserts, Stance::Denies, Stance::Disputes];

    pub fn name(self) -> &'static str {
        match self {
            Stance::Asserts => "asserts",
            Stance::Denies => "denies",
            Stance::Disputes => "disputes",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Unverified,
    Confirmed,
    Retracted,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Unverified, Status::Confirmed, Status::Retracted];

    pub fn name(self) -> &'static str {
        match self {
            Status::Unverified => "unverified",
            Status::Confirmed => "confirmed",
            Status::Retracted => "retracted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UpdateKind {
    Update,
    Correction,
    Clarification,
}

impl UpdateKind {
    pub const ALL: [UpdateKind; 3] = [
        UpdateKind::Update,
        UpdateKind::Correction,
        UpdateKind::Clarification,
    ];

    pub fn name(self) -> &'static str {
        match self {
            UpdateKind::Update => "update",
            UpdateKind::Correction => "correction",
            UpdateKind::Clarification => "clarification",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Site {
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    /// Always ends with a slash.
    pub base_url: String,
    pub language: String,
    pub published: Option<PartialDate>,
    pub updated: Option<PartialDate>,
    /// Minify the HTML and CSS the build writes (`minify = true`).
    pub minify: bool,
    /// Hosts readers' browsers may load pictures from, lowercased:
    /// `cdn.example.org`, or `*.example.org` for any of its subdomains.
    pub allowed_hosts: Vec<String>,
    /// How the timeline is split into pages (`timeline_split`).
    pub timeline_split: Split,
    /// At most this many items a page (`per_page`), in the timeline and the listings.
    pub per_page: usize,
    /// A page per tag (`tag_pages = true`), linked from its events' pages.
    pub tag_pages: bool,
    /// What readers see for a tag (`[tags]`); a tag without one shows as written.
    pub tag_labels: std::collections::BTreeMap<String, String>,
    /// The other editions' languages, in the order of the switcher.
    pub languages: Vec<Language>,
    /// Who wrote the story (`authors`), in the byline's order.
    pub authors: Vec<Author>,
    /// The newsroom that publishes it (`publisher`).
    pub publisher: Option<Publisher>,
    /// Share pictures with the page's title drawn on them; off when the
    /// story's static/ has its own `share.png`.
    pub share_cards: bool,
    /// Such a picture for every event too (`event_share_cards = true`).
    pub event_share_cards: bool,
}

/// Another edition's language and what site.toml translates for it.
#[derive(Debug, Clone, Default)]
pub struct Language {
    pub tag: String,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub tag_labels: std::collections::BTreeMap<String, String>,
}

/// An author of the story: a name, and a page about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    /// An http(s) address.
    pub url: Option<String>,
}

/// The newsroom that publishes the story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    pub name: String,
    /// Its site, an http(s) address.
    pub url: Option<String>,
    /// Its logo: a path in static/.
    pub logo: Option<String>,
}

/// How the timeline is split into pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// One page while every event fits `per_page`; else a page a year, and a
    /// page a month in the years with more than `per_page` events.
    Auto,
    /// One page, however many events.
    None,
    /// A page a year.
    Year,
    /// A page a month.
    Month,
}

impl Split {
    pub const ALL: [(&'static str, Split); 4] = [
        ("auto", Split::Auto),
        ("none", Split::None),
        ("year", Split::Year),
        ("month", Split::Month),
    ];
}

/// The number of items a page holds unless site.toml says otherwise.
pub const PER_PAGE: usize = 100;

impl Site {
    /// Whether readers' browsers may load a picture from `host` (lowercased).
    pub fn allows(&self, host: &str) -> bool {
        host_allowed(&self.allowed_hosts, host)
    }
}

/// Whether `host` (lowercased) is one of `allowed`, or a subdomain of a `*.` entry.
pub fn host_allowed(allowed: &[String], host: &str) -> bool {
    allowed
        .iter()
        .any(|allowed| match allowed.strip_prefix("*.") {
            Some(domain) => host
                .strip_suffix(domain)
                .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1),
            None => allowed == host,
        })
}

#[derive(Debug, Clone, Hash)]
pub struct Section {
    pub slug: String,
    pub title: String,
    pub weight: i64,
    pub summary: Option<String>,
    pub draft: bool,
    pub body: Html,
    /// The actors its text cross-references, in actor order.
    pub mentions: Vec<ActorIx>,
    /// The events its text cross-references, in date order.
    pub cites: Vec<EventIx>,
    /// The pictures its shortcodes embed; picture `n` replaces `embed_marker(n)` in `body`.
    pub embeds: Vec<Embed>,
}

/// A picture embedded in a section.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Embed {
    /// The visual timeline of the events with this tag, or of this actor, or all.
    Timeline {
        tag: Option<String>,
        actor: Option<ActorIx>,
    },
    /// The map around one actor, or of all of them.
    Map { actor: Option<ActorIx> },
}

#[derive(Debug, Clone, Hash)]
pub struct Media {
    /// A path under static/ (no leading slash) or an http(s) URL.
    pub src: String,
    pub is_image: bool,
    /// An http(s) address rather than a file of the site.
    pub external: bool,
    pub alt: Option<String>,
    pub caption: Option<Html>,
    pub credit: Option<String>,
    /// Other sizes of a picture in static/: (path, width in pixels).
    pub srcset: Vec<(String, u32)>,
}

#[derive(Debug, Clone, Hash)]
pub struct Account {
    pub actor: ActorIx,
    pub claim: Html,
    pub stance: Stance,
    pub status: Status,
    pub sources: Vec<SourceIx>,
}

#[derive(Debug, Clone, Hash)]
pub struct Event {
    pub id: String,
    pub date: PartialDate,
    pub end_date: Option<PartialDate>,
    pub approximate: bool,
    pub title: String,
    pub summary: Option<Html>,
    pub actors: Vec<ActorIx>,
    pub place: Option<String>,
    pub tags: Vec<String>,
    pub sources: Vec<SourceIx>,
    pub media: Option<Media>,
    pub accounts: Vec<Account>,
    /// The editor's own sentence on the accounts (`accounts_note`).
    pub accounts_note: Option<String>,
    /// Marked `key = true`: shown among the key events of the timeline overview.
    pub key: bool,
}

#[derive(Debug, Clone, Hash)]
pub struct Relation {
    pub to: ActorIx,
    pub kind: String,
}

#[derive(Debug, Clone, Hash)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    pub role: Option<String>,
    pub country: Option<String>,
    pub aliases: Vec<String>,
    pub relations: Vec<Relation>,
    pub bio: Html,
    /// A picture of the actor in static/.
    pub image: Option<Image>,
}

/// A picture in static/, by its path there, and its alt text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Image {
    pub src: String,
    pub alt: String,
}

#[derive(Debug, Clone, Hash)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub accessed: Option<PartialDate>,
    pub archive_url: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, Clone, Hash)]
pub struct Update {
    /// Names the update for its translations (`updates.LANG.toml`).
    pub id: Option<String>,
    pub date: PartialDate,
    pub kind: UpdateKind,
    pub note: Html,
    pub events: Vec<EventIx>,
    /// The slugs of the story sections it concerns (drafts left out unless built).
    pub sections: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Era {
    /// Names the era for its translations (`eras.LANG.toml`).
    pub id: Option<String>,
    pub title: String,
    pub start: PartialDate,
    pub end: Option<PartialDate>,
}

/// The whole story, validated, ordered, with its derived indexes.
#[derive(Debug, Clone)]
pub struct Story {
    pub site: Site,
    /// In reading order (weight, then file name); drafts only with `--drafts`.
    pub sections: IxVec<SectionIx, Section>,
    /// In date order (start of period, then less precise first); equal dates
    /// keep the order they were written in (files by name, then tables).
    pub events: IxVec<EventIx, Event>,
    /// By name.
    pub actors: IxVec<ActorIx, Actor>,
    pub sources: IxVec<SourceIx, Source>,
    /// Newest first.
    pub updates: IxVec<UpdateIx, Update>,
    pub eras: Vec<Era>,
    pub index: Index,
    /// Every link to another website (sources and Markdown), where it is written.
    pub links: Vec<LinkSite>,
    /// How the timeline is split into pages, by the site settings: worked
    /// out once the events are known, read by the plan and the pages.
    pub timeline: crate::plan::Timeline,
    /// The language readers of this edition read: its strings and dates.
    pub locale: std::sync::Arc<crate::i18n::Locale>,
    /// Every edition of the site, the default first (one when the story
    /// has no other languages), and which of them this story is.
    pub editions: std::sync::Arc<Vec<EditionInfo>>,
    /// Every edition's locale, in the order of `editions`.
    pub locales: std::sync::Arc<Vec<std::sync::Arc<crate::i18n::Locale>>>,
    pub edition: usize,
    /// What of this edition is shown in the default language or may be out
    /// of date; empty in the default edition.
    pub marks: Marks,
    /// What the translations give, one per other edition (see `edition`);
    /// read by the default edition's story to make the others.
    pub texts: std::sync::Arc<Vec<crate::edition::Texts>>,
}

/// One edition of the site, as the others link to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionInfo {
    /// The language tag: `en`, `ru`.
    pub lang: String,
    /// Its name in its own language, for the switcher: "Русский".
    pub name: String,
    /// Its folder from the site root: `""` for the default edition, `ru/`.
    pub prefix: String,
}

/// How much of an item an edition shows in its own language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Mark {
    /// Its title (or name) is the original's, in the default language.
    pub title: bool,
    /// Some field of it is shown in the default language.
    pub untranslated: bool,
    /// Some field's original changed since it was translated.
    pub stale: bool,
}

/// The [`Mark`]s of an edition's items, by index; empty lists in the default edition.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    /// The default language's tag, for `lang` attributes on what falls back.
    pub default_lang: String,
    pub sections: Vec<Mark>,
    pub events: Vec<Mark>,
    pub actors: Vec<Mark>,
    pub sources: Vec<Mark>,
    pub updates: Vec<Mark>,
    pub eras: Vec<Mark>,
}

impl Marks {
    /// The `lang` of an item's title when it is shown in the default language.
    pub fn title_lang(&self, marks: &[Mark], at: usize) -> Option<&str> {
        marks
            .get(at)
            .filter(|m| m.title)
            .map(|_| self.default_lang.as_str())
    }
}

impl Story {
    /// The site's own root address, where the static files are: `base_url`
    /// without this edition's folder.
    pub fn site_url(&self) -> &str {
        let prefix = &self.editions[self.edition].prefix;
        self.site
            .base_url
            .strip_suffix(prefix.as_str())
            .unwrap_or(&self.site.base_url)
    }

    /// This edition's folder from the site root: `""` or `ru/`.
    pub fn prefix(&self) -> &str {
        &self.editions[self.edition].prefix
    }
}

/// A link to another website and its place, for `explainer check --links`:
/// `at` is a diagnostic pointing at the address, waiting for its message.
#[derive(Debug, Clone)]
pub struct LinkSite {
    pub url: String,
    pub at: crate::diagnostics::Diagnostic,
}

/// Who is linked to what, computed once in linear time.
#[derive(Debug, Clone, Default, Hash)]
pub struct Index {
    /// For each actor, its events, in date order.
    pub actor_events: IxVec<ActorIx, Vec<EventIx>>,
    /// For each actor, the sections that cross-reference it.
    pub actor_sections: IxVec<ActorIx, Vec<SectionIx>>,
    /// For each actor, the accounts it gave.
    pub actor_accounts: IxVec<ActorIx, Vec<AccountIx>>,
    /// For each actor, the relations other actors have to it.
    pub relations_to: IxVec<ActorIx, Vec<RelationIx>>,
    /// For each event, the updates that touched it, newest first.
    pub event_updates: IxVec<EventIx, Vec<UpdateIx>>,
    /// For each section, the updates that name it, newest first.
    pub section_updates: IxVec<SectionIx, Vec<UpdateIx>>,
    /// For each tag, by tag, its events in date order.
    pub tag_events: std::collections::BTreeMap<String, Vec<EventIx>>,
}

/// An account of an event: the `n`th in its `accounts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountIx {
    pub event: EventIx,
    pub n: usize,
}

/// A relation of an actor: the `n`th in its `relations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelationIx {
    pub actor: ActorIx,
    pub n: usize,
}

impl Story {
    pub fn account(&self, ix: AccountIx) -> &Account {
        &self.events[ix.event].accounts[ix.n]
    }

    pub fn relation(&self, ix: RelationIx) -> &Relation {
        &self.actors[ix.actor].relations[ix.n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    #[test]
    fn month_precision_dates_are_never_shown_as_days() {
        assert_eq!(d("2025-06").to_string(), "June 2025");
        assert_eq!(d("2025").to_string(), "2025");
        assert_eq!(d("2022-02-22").to_string(), "22 February 2022");
    }

    /// How `PartialDate::parse` read a date's numbers before it read bytes:
    /// split at every dash, each part's width and digits checked.
    fn parse_by_parts(text: &str) -> Result<PartialDate, DateError> {
        let parts: Vec<&str> = text.split('-').collect();
        let widths_ok = match parts.as_slice() {
            [y] => y.len() == 4,
            [y, m] => y.len() == 4 && m.len() == 2,
            [y, m, d] => y.len() == 4 && m.len() == 2 && d.len() == 2,
            _ => false,
        };
        if !widths_ok || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(DateError::Form);
        }
        let number = |s: &str| s.parse::<u16>().map_err(|_| DateError::Form);
        let month = parts.get(1).map(|m| number(m)).transpose()?;
        let day = parts.get(2).map(|d| number(d)).transpose()?;
        PartialDate::checked(number(parts[0])?, month, day)
    }

    proptest::proptest! {
        #[test]
        fn dates_are_read_as_splitting_at_dashes_read_them(
            text in "[0-9]{4}([-x0][0-9]{2}([-x0][0-9]{2})?)?|[0-9-]{0,11}|[0-9 +Ù١-]{0,11}|[0-9]{4}-(0[0-9]|1[0-3])-[0-3][0-9]"
        ) {
            proptest::prop_assert_eq!(PartialDate::parse(&text), parse_by_parts(&text));
        }
    }

    proptest::proptest! {
        #[test]
        fn dates_are_written_as_write_wrote_them(
            year in proptest::prelude::any::<i32>(),
            month in proptest::option::of(1u8..=12),
            day in proptest::option::of(1u8..=31),
        ) {
            let date = PartialDate { year, month, day };
            let old = match (month, day) {
                (None, _) => format!("{year}"),
                (Some(m), None) => format!("{} {year}", MONTHS[m as usize - 1]),
                (Some(m), Some(d)) => format!("{d} {} {year}", MONTHS[m as usize - 1]),
            };
            proptest::prop_assert_eq!(date.to_string(), old);
        }
    }

    #[test]
    fn partial_dates_sort_at_the_start_of_their_period() {
        let mut dates = [d("2025-06-02"), d("2025-06"), d("2025"), d("2024-12-31")];
        dates.sort();
        let shown: Vec<String> = dates.iter().map(PartialDate::iso).collect();
        assert_eq!(shown, ["2024-12-31", "2025", "2025-06", "2025-06-02"]);
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(
            PartialDate::parse("2025-02-29"),
            Err(DateError::Day { days: 28 })
        );
        assert!(PartialDate::parse("2024-02-29").is_ok());
        assert_eq!(PartialDate::parse("2025-13"), Err(DateError::Month));
        assert_eq!(PartialDate::parse("25-06"), Err(DateError::Form));
        assert_eq!(PartialDate::parse("2025-6"), Err(DateError::Form));
        assert_eq!(PartialDate::parse("June 2025"), Err(DateError::Form));
    }

    #[test]
    fn ranges_are_worded_without_repeating_the_year() {
        assert_eq!(
            when_label(&d("2025-06"), Some(&d("2025-07")), false),
            "June – July 2025"
        );
        assert_eq!(
            when_label(&d("2022-02-22"), Some(&d("2022-02-24")), false),
            "22 – 24 February 2022"
        );
        assert_eq!(
            when_label(&d("1991"), Some(&d("2022-02")), true),
            "around 1991 – February 2022"
        );
        assert_eq!(when_label(&d("2025-06"), None, true), "around June 2025");
    }

    #[test]
    fn an_end_inside_the_start_period_is_not_before_it() {
        assert!(!d("2025-06").entirely_before(&d("2025")));
        assert!(!d("2025-06").entirely_before(&d("2025-06")));
        assert!(d("2025-05").entirely_before(&d("2025-06")));
        assert!(d("2025-06-09").entirely_before(&d("2025-06-10")));
    }
}
