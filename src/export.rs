//! Data files written beside the pages, for reuse by other tools.
//!
//! - `data/events.json` and `data/actors.json`: the whole structured story in
//!   a versioned schema (`explainer/events@1`, `explainer/actors@1`, see
//!   docs/data.md), Markdown fields as HTML with absolute links.
//! - `data/timelinejs.json`: the timeline in TimelineJS's JSON format, for its
//!   embeddable widget.
//! - `data/events.csv`: the timeline in the columns of TimelineJS's
//!   spreadsheet template, which `explainer import timelinejs` reads back.
//!
//! Every file is a pure function of the story: two builds write the same bytes.

use serde::Serialize;

use crate::markdown::escape_html;
use crate::model::{ActorIx, Event, Media, PartialDate, Precision, SourceIx, Story};
use crate::plan::{Kind, Route};
use crate::render::Page;
use crate::timelinejs::{Column, cell, html_text, is_image_path};

pub const EVENTS_SCHEMA: &str = "explainer/events@1";
pub const ACTORS_SCHEMA: &str = "explainer/actors@1";

/// Where [`files`] puts each data file, in order.
pub const PATHS: [&str; 4] = crate::plan::DATA_FILES;

/// The story's data files, at [`PATHS`].
pub fn files(story: &Story) -> Vec<Page> {
    (0..PATHS.len()).map(|at| file(story, at)).collect()
}

/// The data file at `PATHS[at]`. Made one at a time, a build holds only one
/// of them in memory (at L, each is 6 to 14 MB).
pub fn file(story: &Story, at: usize) -> Page {
    // Room for what the files usually hold (about 1.4 KB an event and 2 KB an
    // actor, with a margin), so they are written without growing: room never
    // written is never touched, and costs no memory.
    let (events, actors) = (story.events.len(), story.actors.len());
    match at {
        0 => json_page(PATHS[0], &events_file(story), 2048 * events),
        1 => json_page(PATHS[1], &actors_file(story), 3072 * actors),
        2 => json_page(PATHS[2], &timeline(story), 2048 * events),
        _ => Page {
            path: PATHS[3].to_string(),
            bytes: events_csv(story).into(),
        },
    }
}

fn json_page(path: &str, value: &impl Serialize, room: usize) -> Page {
    let mut bytes = Vec::with_capacity(room + 4096);
    // Serializing plain structs of strings and numbers into memory cannot fail.
    let _ = serde_json::to_writer_pretty(&mut bytes, value);
    bytes.push(b'\n');
    Page {
        path: path.to_string(),
        bytes: bytes.into(),
    }
}

/// Absolute addresses, made from `base_url` (which ends with a slash).
struct Urls<'a> {
    base: &'a str,
    /// The site's own root, where pictures are: `base` in the default
    /// edition, without the edition's folder in another.
    assets: &'a str,
    /// The words of a footnote's way back to the text, in the story's language.
    back: &'a str,
}

impl Urls<'_> {
    /// A Markdown field with absolute links: pages in this edition, files from the site.
    fn html<'h>(&self, html: &'h crate::markdown::Html) -> std::borrow::Cow<'h, str> {
        html.at_in(self.base, self.assets, self.back)
    }

    fn event(&self, id: &str) -> String {
        Route::event(id).permalink(self.base)
    }

    fn actor(&self, id: &str) -> String {
        Route::actor(id).permalink(self.base)
    }

    fn section(&self, slug: &str) -> String {
        format!("{}{}", self.base, Route::one(Kind::Story).anchor(slug))
    }

    /// A media `src`: web addresses as they are, static files under the site.
    fn media(&self, src: &str) -> String {
        if src.starts_with("https://") || src.starts_with("http://") {
            src.to_string()
        } else {
            format!("{}{src}", self.base)
        }
    }
}

fn precision(date: &PartialDate) -> &'static str {
    match date.precision() {
        Precision::Year => "year",
        Precision::Month => "month",
        Precision::Day => "day",
    }
}

// ---------------------------------------------------------------------------
// data/events.json and data/actors.json

#[derive(Serialize)]
struct StoryInfo<'a> {
    title: &'a str,
    subtitle: Option<&'a str>,
    description: Option<&'a str>,
    url: &'a str,
    language: &'a str,
    published: Option<String>,
    updated: Option<String>,
}

fn story_info(story: &Story) -> StoryInfo<'_> {
    let site = &story.site;
    StoryInfo {
        title: &site.title,
        subtitle: site.subtitle.as_deref(),
        description: site.description.as_deref(),
        url: &site.base_url,
        language: &site.language,
        published: site.published.map(|d| d.iso()),
        updated: site.updated.map(|d| d.iso()),
    }
}

#[derive(Serialize)]
struct EventsFile<'a> {
    schema: &'static str,
    story: StoryInfo<'a>,
    events: Vec<EventData<'a>>,
    sources: Vec<SourceData<'a>>,
    eras: Vec<EraData<'a>>,
    updates: Vec<UpdateData<'a>>,
}

#[derive(Serialize)]
struct EventData<'a> {
    id: &'a str,
    url: String,
    date: String,
    date_precision: &'static str,
    end_date: Option<String>,
    end_date_precision: Option<&'static str>,
    approximate: bool,
    when: String,
    title: &'a str,
    summary_html: Option<String>,
    place: Option<&'a str>,
    tags: &'a [String],
    actors: Vec<&'a str>,
    sources: Vec<&'a str>,
    media: Option<MediaData<'a>>,
    accounts: Vec<AccountData<'a>>,
}

#[derive(Serialize)]
struct MediaData<'a> {
    url: String,
    is_image: bool,
    alt: Option<&'a str>,
    caption_html: Option<String>,
    credit: Option<&'a str>,
}

#[derive(Serialize)]
struct AccountData<'a> {
    actor: &'a str,
    claim_html: String,
    stance: &'static str,
    status: &'static str,
    sources: Vec<&'a str>,
}

#[derive(Serialize)]
struct SourceData<'a> {
    id: &'a str,
    title: &'a str,
    publisher: Option<&'a str>,
    url: Option<&'a str>,
    accessed: Option<String>,
    archive_url: Option<&'a str>,
    language: Option<&'a str>,
}

#[derive(Serialize)]
struct EraData<'a> {
    title: &'a str,
    start: String,
    start_precision: &'static str,
    end: Option<String>,
    end_precision: Option<&'static str>,
}

#[derive(Serialize)]
struct UpdateData<'a> {
    date: String,
    kind: &'static str,
    note_html: String,
    events: Vec<&'a str>,
}

fn events_file(story: &Story) -> EventsFile<'_> {
    let urls = Urls {
        base: &story.site.base_url,
        assets: story.site_url(),
        back: story.locale.text("footnote_back"),
    };
    let actor_id = |i: &ActorIx| story.actors[*i].id.as_str();
    let source_id = |i: &SourceIx| story.sources[*i].id.as_str();
    let events = story
        .events
        .iter()
        .map(|event| EventData {
            id: &event.id,
            url: urls.event(&event.id),
            date: event.date.iso(),
            date_precision: precision(&event.date),
            end_date: event.end_date.map(|d| d.iso()),
            end_date_precision: event.end_date.as_ref().map(precision),
            approximate: event.approximate,
            when: story
                .locale
                .when(&event.date, event.end_date.as_ref(), event.approximate),
            title: &event.title,
            summary_html: event.summary.as_ref().map(|s| urls.html(s).into_owned()),
            place: event.place.as_deref(),
            tags: &event.tags,
            actors: event.actors.iter().map(actor_id).collect(),
            sources: event.sources.iter().map(source_id).collect(),
            media: event.media.as_ref().map(|m| media_data(m, &urls)),
            accounts: event
                .accounts
                .iter()
                .map(|a| AccountData {
                    actor: actor_id(&a.actor),
                    claim_html: urls.html(&a.claim).into_owned(),
                    stance: a.stance.name(),
                    status: a.status.name(),
                    sources: a.sources.iter().map(source_id).collect(),
                })
                .collect(),
        })
        .collect();
    EventsFile {
        schema: EVENTS_SCHEMA,
        story: story_info(story),
        events,
        sources: story
            .sources
            .iter()
            .map(|s| SourceData {
                id: &s.id,
                title: &s.title,
                publisher: s.publisher.as_deref(),
                url: s.url.as_deref(),
                accessed: s.accessed.map(|d| d.iso()),
                archive_url: s.archive_url.as_deref(),
                language: s.language.as_deref(),
            })
            .collect(),
        eras: story
            .eras
            .iter()
            .map(|e| EraData {
                title: &e.title,
                start: e.start.iso(),
                start_precision: precision(&e.start),
                end: e.end.map(|d| d.iso()),
                end_precision: e.end.as_ref().map(precision),
            })
            .collect(),
        updates: story
            .updates
            .iter()
            .map(|u| UpdateData {
                date: u.date.iso(),
                kind: u.kind.name(),
                note_html: urls.html(&u.note).into_owned(),
                events: u
                    .events
                    .iter()
                    .map(|i| story.events[*i].id.as_str())
                    .collect(),
            })
            .collect(),
    }
}

fn media_data<'a>(media: &'a Media, urls: &Urls) -> MediaData<'a> {
    MediaData {
        url: urls.media(&media.src),
        is_image: media.is_image || is_image_path(&media.src),
        alt: media.alt.as_deref(),
        caption_html: media.caption.as_ref().map(|c| urls.html(c).into_owned()),
        credit: media.credit.as_deref(),
    }
}

#[derive(Serialize)]
struct ActorsFile<'a> {
    schema: &'static str,
    story: StoryInfo<'a>,
    actors: Vec<ActorData<'a>>,
}

#[derive(Serialize)]
struct ActorData<'a> {
    id: &'a str,
    url: String,
    name: &'a str,
    kind: &'static str,
    role: Option<&'a str>,
    country: Option<&'a str>,
    aliases: &'a [String],
    relations: Vec<RelationData<'a>>,
    bio_html: String,
    events: Vec<&'a str>,
    sections: Vec<SectionRef<'a>>,
}

#[derive(Serialize)]
struct RelationData<'a> {
    to: &'a str,
    kind: &'a str,
}

#[derive(Serialize)]
struct SectionRef<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
}

fn actors_file(story: &Story) -> ActorsFile<'_> {
    let urls = Urls {
        base: &story.site.base_url,
        assets: story.site_url(),
        back: story.locale.text("footnote_back"),
    };
    let actors = story
        .actors
        .indexed()
        .map(|(i, actor)| ActorData {
            id: &actor.id,
            url: urls.actor(&actor.id),
            name: &actor.name,
            kind: actor.kind.name(),
            role: actor.role.as_deref(),
            country: actor.country.as_deref(),
            aliases: &actor.aliases,
            relations: actor
                .relations
                .iter()
                .map(|r| RelationData {
                    to: &story.actors[r.to].id,
                    kind: &r.kind,
                })
                .collect(),
            bio_html: urls.html(&actor.bio).into_owned(),
            events: story
                .index
                .actor_events
                .get(i)
                .map(|events| {
                    events
                        .iter()
                        .map(|e| story.events[*e].id.as_str())
                        .collect()
                })
                .unwrap_or_default(),
            sections: story
                .index
                .actor_sections
                .get(i)
                .map(|sections| {
                    sections
                        .iter()
                        .map(|s| {
                            let section = &story.sections[*s];
                            SectionRef {
                                id: &section.slug,
                                title: &section.title,
                                url: urls.section(&section.slug),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    ActorsFile {
        schema: ACTORS_SCHEMA,
        story: story_info(story),
        actors,
    }
}

// ---------------------------------------------------------------------------
// data/timelinejs.json: https://timeline.knightlab.com/docs/json-format.html

#[derive(Serialize)]
struct Timeline {
    /// The story's language, for TimelineJS's `language` option (TimelineJS
    /// itself reads it from the embed's options, not from this file).
    language: String,
    title: Slide,
    events: Vec<Slide>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    eras: Vec<TlEra>,
}

#[derive(Serialize)]
struct Slide {
    #[serde(skip_serializing_if = "Option::is_none")]
    unique_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<TlDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<TlDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_date: Option<String>,
    text: TlText,
    #[serde(skip_serializing_if = "Option::is_none")]
    media: Option<TlMedia>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
}

#[derive(Serialize)]
struct TlDate {
    year: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    month: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    day: Option<u8>,
    display_date: String,
}

impl TlDate {
    fn new(date: &PartialDate) -> TlDate {
        TlDate {
            year: date.year,
            month: date.month,
            day: date.day,
            display_date: date.to_string(),
        }
    }
}

#[derive(Serialize)]
struct TlText {
    headline: String,
    text: String,
}

#[derive(Serialize)]
struct TlMedia {
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alt: Option<String>,
}

#[derive(Serialize)]
struct TlEra {
    start_date: TlDate,
    end_date: TlDate,
    text: TlText,
}

fn timeline(story: &Story) -> Timeline {
    let urls = Urls {
        base: &story.site.base_url,
        assets: story.site_url(),
        back: story.locale.text("footnote_back"),
    };
    let title = Slide {
        unique_id: None,
        start_date: None,
        end_date: None,
        display_date: None,
        text: TlText {
            headline: escape_html(&story.site.title),
            text: story
                .site
                .subtitle
                .as_deref()
                .map(|s| format!("<p>{}</p>", escape_html(s)))
                .unwrap_or_default(),
        },
        media: None,
        group: None,
    };
    let events = story
        .events
        .iter()
        .map(|event| Slide {
            unique_id: Some(event.id.clone()),
            start_date: Some(TlDate::new(&event.date)),
            end_date: event.end_date.as_ref().map(TlDate::new),
            display_date: Some(story.locale.when(
                &event.date,
                event.end_date.as_ref(),
                event.approximate,
            )),
            text: TlText {
                headline: escape_html(&event.title),
                text: slide_text(story, event, &urls),
            },
            media: event.media.as_ref().map(|m| TlMedia {
                url: urls.media(&m.src),
                caption: m.caption.as_ref().map(|c| urls.html(c).into_owned()),
                credit: m.credit.as_deref().map(escape_html),
                alt: m.alt.clone().filter(|a| !a.is_empty()),
            }),
            group: event.tags.first().cloned(),
        })
        .collect();
    // TimelineJS needs an end for every era: an open one ends with the story's last date.
    let last = story
        .events
        .iter()
        .map(|e| e.end_date.unwrap_or(e.date))
        .max();
    let eras = story
        .eras
        .iter()
        .map(|era| {
            let end = era
                .end
                .or_else(|| last.filter(|l| !l.entirely_before(&era.start)))
                .unwrap_or(era.start);
            TlEra {
                start_date: TlDate::new(&era.start),
                end_date: TlDate::new(&end),
                text: TlText {
                    headline: escape_html(&era.title),
                    text: String::new(),
                },
            }
        })
        .collect();
    Timeline {
        language: story.site.language.clone(),
        title,
        events,
        eras,
    }
}

/// The slide's text: the summary, where it happened, then each account
/// attributed to whoever gave it, then the sources.
fn slide_text(story: &Story, event: &Event, urls: &Urls) -> String {
    let mut html = event
        .summary
        .as_ref()
        .map(|s| urls.html(s).into_owned())
        .unwrap_or_default();
    if let Some(place) = &event.place {
        html.push_str(&format!("<p>Place: {}</p>\n", escape_html(place)));
    }
    for account in &event.accounts {
        let actor = &story.actors[account.actor];
        let claim = urls.html(&account.claim);
        let claim = if account.status == crate::model::Status::Retracted {
            format!("<del>{claim}</del>")
        } else {
            claim.into_owned()
        };
        html.push_str(&format!(
            "<p><strong><a href=\"{}\">{}</a></strong> ({}, {}): {claim}</p>\n",
            urls.actor(&actor.id),
            escape_html(&actor.name),
            account.stance.name(),
            account.status.name(),
        ));
    }
    let sources: Vec<String> = event
        .sources
        .iter()
        .map(|s| {
            let source = &story.sources[*s];
            match &source.url {
                Some(url) => format!(
                    "<a href=\"{}\">{}</a>",
                    escape_html(url),
                    escape_html(&source.title)
                ),
                None => format!("<cite>{}</cite>", escape_html(&source.title)),
            }
        })
        .collect();
    if !sources.is_empty() {
        html.push_str(&format!("<p>Sources: {}</p>\n", sources.join("; ")));
    }
    html
}

// ---------------------------------------------------------------------------
// data/events.csv: TimelineJS's spreadsheet template, then Alt Text

/// The timeline as rows of the spreadsheet template: the title row, the
/// eras, then the events. Markdown fields are HTML, as TimelineJS reads them;
/// titles, credits and alt text are plain text, as spreadsheets show them
/// (see [`html_text`]). No cell starts as a formula (see [`cell::protect`]).
fn events_csv(story: &Story) -> Vec<u8> {
    let urls = Urls {
        base: &story.site.base_url,
        assets: story.site_url(),
        back: story.locale.text("footnote_back"),
    };
    let mut rows: Vec<Vec<(Column, String)>> = Vec::new();
    let mut title = vec![
        (Column::Headline, html_text(&story.site.title).into_owned()),
        (Column::Type, "title".to_string()),
    ];
    if let Some(subtitle) = &story.site.subtitle {
        title.push((Column::Text, html_text(subtitle).into_owned()));
    }
    rows.push(title);
    for era in &story.eras {
        let mut row = date_cells(&era.start, [Column::Year, Column::Month, Column::Day]);
        if let Some(end) = &era.end {
            row.extend(date_cells(
                end,
                [Column::EndYear, Column::EndMonth, Column::EndDay],
            ));
        }
        row.push((Column::Headline, html_text(&era.title).into_owned()));
        row.push((Column::Type, "era".to_string()));
        rows.push(row);
    }
    for event in &story.events {
        let mut row = date_cells(&event.date, [Column::Year, Column::Month, Column::Day]);
        if let Some(end) = &event.end_date {
            row.extend(date_cells(
                end,
                [Column::EndYear, Column::EndMonth, Column::EndDay],
            ));
        }
        row.push((
            Column::DisplayDate,
            story
                .locale
                .when(&event.date, event.end_date.as_ref(), event.approximate),
        ));
        row.push((Column::Headline, html_text(&event.title).into_owned()));
        if let Some(summary) = &event.summary {
            row.push((Column::Text, urls.html(summary).trim_end().to_string()));
        }
        if let Some(media) = &event.media {
            row.push((Column::Media, urls.media(&media.src)));
            if let Some(credit) = &media.credit {
                row.push((Column::MediaCredit, html_text(credit).into_owned()));
            }
            if let Some(caption) = &media.caption {
                row.push((
                    Column::MediaCaption,
                    urls.html(caption).trim_end().to_string(),
                ));
            }
            if let Some(alt) = &media.alt {
                row.push((Column::AltText, html_text(alt).into_owned()));
            }
        }
        if let Some(group) = event.tags.first() {
            row.push((Column::Group, group.clone()));
        }
        row.push((Column::UniqueId, event.id.clone()));
        rows.push(row);
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing into memory cannot fail.
    writer
        .write_record(Column::ALL.iter().map(|c| c.name()))
        .ok();
    for row in rows {
        for column in Column::ALL {
            let value = row
                .iter()
                .find(|(c, _)| *c == column)
                .map_or("", |(_, v)| v.as_str());
            writer.write_field(cell::protect(value).as_bytes()).ok();
        }
        // An empty record ends the row of fields written one by one.
        writer.write_record(None::<&[u8]>).ok();
    }
    writer.into_inner().unwrap_or_default()
}

fn date_cells(date: &PartialDate, [year, month, day]: [Column; 3]) -> Vec<(Column, String)> {
    let mut cells = vec![(year, date.year.to_string())];
    if let Some(m) = date.month {
        cells.push((month, m.to_string()));
    }
    if let Some(d) = date.day {
        cells.push((day, d.to_string()));
    }
    cells
}
