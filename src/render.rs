//! Tera setup and the typed contexts each template receives; pages in memory.
//!
//! Steps: load the built-in templates and the story's overrides into one Tera
//! instance (parsed once); build one borrowed context per page from the
//! [`Story`]; render every page into memory. Nothing here touches the output
//! folder: `write` does. The variables are documented in `docs/templates.md`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::Serialize;
use tera::{Context, ErrorKind, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::load::{is_editor_litter, relative};
use crate::model::*;

/// The templates that ship inside the binary, overridable by name.
const BUILT_IN: [(&str, &str); 8] = [
    ("base.html", include_str!("../templates/base.html")),
    ("story.html", include_str!("../templates/story.html")),
    ("timeline.html", include_str!("../templates/timeline.html")),
    ("event.html", include_str!("../templates/event.html")),
    ("actors.html", include_str!("../templates/actors.html")),
    ("actor.html", include_str!("../templates/actor.html")),
    ("404.html", include_str!("../templates/404.html")),
    (
        "components.html",
        include_str!("../templates/components.html"),
    ),
];

/// The parsed templates, with their sources kept for pointing at errors.
pub struct Templates {
    tera: Tera,
    sources: BTreeMap<String, SourceFile>,
}

impl Templates {
    /// The built-in templates, each replaced by `root/templates/NAME` where the story has one.
    pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Option<Templates> {
        let mut sources: BTreeMap<String, SourceFile> = BUILT_IN
            .iter()
            .map(|(name, text)| {
                let path = format!("templates/{name} (built-in)");
                (name.to_string(), SourceFile::new(path, *text))
            })
            .collect();
        let folder = root.join("templates");
        if folder.is_dir() {
            for entry in walkdir::WalkDir::new(&folder)
                .sort_by_file_name()
                .follow_links(true)
            {
                let Ok(entry) = entry else { continue };
                let name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file() || is_editor_litter(&name) {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(&folder) else {
                    continue;
                };
                let name = relative(rel);
                let path = format!("templates/{name}");
                match fs::read_to_string(entry.path()) {
                    Ok(text) => {
                        sources.insert(name, SourceFile::new(path, text));
                    }
                    Err(error) => diagnostics.push(Diagnostic::whole_file(
                        Severity::Error,
                        &path,
                        format!("cannot read this template: {error}"),
                    )),
                }
            }
        }
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml", ".svg"]);
        let batch: Vec<(&str, &str)> = sources
            .iter()
            .map(|(name, file)| (name.as_str(), file.text.as_str()))
            .collect();
        match tera.add_raw_templates(batch) {
            Ok(()) => Some(Templates { tera, sources }),
            Err(error) => {
                diagnostics.push(template_diagnostic(&error, &sources));
                None
            }
        }
    }
}

/// A Tera error as a diagnostic at the template's file, line and column.
fn template_diagnostic(error: &tera::Error, sources: &BTreeMap<String, SourceFile>) -> Diagnostic {
    let help = "see docs/templates.md for the variables and syntax templates can use";
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            match sources.get(report.filename()) {
                Some(file) => file
                    .diagnostic(
                        Severity::Error,
                        report.span().range.clone(),
                        format!("template: {}", report.message()),
                    )
                    .help(help),
                None => Diagnostic::whole_file(
                    Severity::Error,
                    &format!("templates/{}", report.filename()),
                    report.message(),
                )
                .help(help),
            }
        }
        _ => Diagnostic::whole_file(Severity::Error, "templates", format!("template: {error}"))
            .help(help),
    }
}

/// One file of the built site, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Relative to the output folder, like `events/x/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What differs between `build` and `serve`.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The live-reload script's URL, set only by `serve`.
    pub live_reload: Option<String>,
}

/// The way from a page at `path` back to the site root: `./`, `../`, `../../`.
pub fn root_for(path: &str) -> String {
    match path.matches('/').count() {
        0 => "./".to_string(),
        depth => "../".repeat(depth),
    }
}

// ---- Views: what templates see. Documented in docs/templates.md. ----

#[derive(Serialize)]
struct DateView {
    /// For `<time datetime>`: "2025", "2025-06" or "2025-06-27".
    iso: String,
    /// For readers: "2025", "June 2025", "27 June 2025".
    label: String,
    precision: &'static str,
}

impl DateView {
    fn new(date: &PartialDate) -> DateView {
        DateView {
            iso: date.iso(),
            label: date.to_string(),
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
struct WhenView {
    /// The whole label: "around June – July 2025".
    text: String,
    approximate: bool,
    /// The start as shown in a range ("June"), with its `datetime`.
    start: DateView,
    end: Option<DateView>,
}

impl WhenView {
    fn new(date: &PartialDate, end: Option<&PartialDate>, approximate: bool) -> WhenView {
        let mut start = DateView::new(date);
        start.label = range_start_label(date, end);
        WhenView {
            text: when_label(date, end, approximate),
            approximate,
            start,
            end: end.map(DateView::new),
        }
    }

    fn of(event: &Event) -> WhenView {
        WhenView::new(&event.date, event.end_date.as_ref(), event.approximate)
    }
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    subtitle: Option<&'a str>,
    description: Option<&'a str>,
    base_url: &'a str,
    language: &'a str,
    published: Option<DateView>,
    updated: Option<DateView>,
}

#[derive(Serialize)]
struct PageMeta {
    /// The `<title>` text, without the site title.
    title: String,
    description: String,
    /// The page's own full URL from `base_url`.
    canonical: String,
    /// Which part of the site it belongs to: story, timeline, actors, event, actor, 404.
    section: &'static str,
}

#[derive(Serialize)]
struct Common<'a> {
    site: SiteView<'a>,
    /// The way back to the site root from this page: prefix every internal link with it.
    root: String,
    page: PageMeta,
    live_reload: Option<&'a str>,
}

#[derive(Serialize)]
struct ActorLink<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    path: String,
}

#[derive(Serialize)]
struct SourceView<'a> {
    id: &'a str,
    title: &'a str,
    publisher: Option<&'a str>,
    url: Option<&'a str>,
    accessed: Option<DateView>,
    archive_url: Option<&'a str>,
}

#[derive(Serialize)]
struct AccountView<'a> {
    actor: ActorLink<'a>,
    claim: Cow<'a, str>,
    stance: &'static str,
    status: &'static str,
    sources: Vec<SourceView<'a>>,
}

#[derive(Serialize)]
struct MediaView<'a> {
    /// A path from the site root for images; the full URL for other media.
    src: &'a str,
    is_image: bool,
    alt: Option<&'a str>,
    caption: Option<Cow<'a, str>>,
    credit: Option<&'a str>,
}

#[derive(Serialize)]
struct UpdateView<'a> {
    date: DateView,
    kind: &'static str,
    note: Cow<'a, str>,
}

#[derive(Serialize)]
struct EventLink<'a> {
    id: &'a str,
    title: &'a str,
    path: String,
    when: WhenView,
}

#[derive(Serialize)]
struct EventView<'a> {
    id: &'a str,
    title: &'a str,
    path: String,
    /// The date or range, worded at its precision: "around June – July 2025".
    when: WhenView,
    place: Option<&'a str>,
    tags: &'a [String],
    summary: Option<Cow<'a, str>>,
    actors: Vec<ActorLink<'a>>,
    /// Two or more accounts: the event is disputed.
    contested: bool,
    accounts: Vec<AccountView<'a>>,
    sources: Vec<SourceView<'a>>,
    media: Option<MediaView<'a>>,
    /// Updates and corrections that touched it, newest first.
    updates: Vec<UpdateView<'a>>,
}

#[derive(Serialize)]
struct SectionView<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    draft: bool,
    html: Cow<'a, str>,
}

#[derive(Serialize)]
struct StoryPage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    sections: Vec<SectionView<'a>>,
    event_count: usize,
    actor_count: usize,
    first_event: Option<EventLink<'a>>,
    last_event: Option<EventLink<'a>>,
}

#[derive(Serialize)]
struct Year<'a> {
    year: i32,
    events: Vec<EventView<'a>>,
}

#[derive(Serialize)]
struct EraView<'a> {
    title: &'a str,
    when: WhenView,
}

#[derive(Serialize)]
struct TimelinePage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    years: Vec<Year<'a>>,
    eras: Vec<EraView<'a>>,
}

#[derive(Serialize)]
struct EventPage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    event: EventView<'a>,
    previous: Option<EventLink<'a>>,
    next: Option<EventLink<'a>>,
}

#[derive(Serialize)]
struct ActorCard<'a> {
    id: &'a str,
    name: &'a str,
    path: String,
    role: Option<&'a str>,
    country: Option<&'a str>,
    event_count: usize,
}

#[derive(Serialize)]
struct KindGroup<'a> {
    kind: &'static str,
    label: &'static str,
    actors: Vec<ActorCard<'a>>,
}

#[derive(Serialize)]
struct ActorsPage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    groups: Vec<KindGroup<'a>>,
}

#[derive(Serialize)]
struct RelationView<'a> {
    /// "out": this actor is `kind` the other; "in": the other is `kind` this actor.
    direction: &'static str,
    kind: &'a str,
    actor: ActorLink<'a>,
}

#[derive(Serialize)]
struct SectionLink<'a> {
    slug: &'a str,
    title: &'a str,
    /// From the site root: `#slug` on the story page.
    path: String,
}

#[derive(Serialize)]
struct GivenAccount<'a> {
    event: EventLink<'a>,
    claim: Cow<'a, str>,
    stance: &'static str,
    status: &'static str,
}

#[derive(Serialize)]
struct ActorView<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    role: Option<&'a str>,
    country: Option<&'a str>,
    aliases: &'a [String],
    bio: Cow<'a, str>,
    path: String,
}

#[derive(Serialize)]
struct ActorPage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
    actor: ActorView<'a>,
    events: Vec<EventLink<'a>>,
    sections: Vec<SectionLink<'a>>,
    accounts: Vec<GivenAccount<'a>>,
    relations: Vec<RelationView<'a>>,
}

#[derive(Serialize)]
struct NotFoundPage<'a> {
    #[serde(flatten)]
    common: Common<'a>,
}

/// Builds views of one story for pages at one root.
struct Views<'a> {
    story: &'a Story,
    root: String,
    live_reload: Option<&'a str>,
}

impl<'a> Views<'a> {
    fn actor_link(&self, index: usize) -> ActorLink<'a> {
        let actor = &self.story.actors[index];
        ActorLink {
            id: &actor.id,
            name: &actor.name,
            kind: actor.kind.name(),
            path: format!("actors/{}/", actor.id),
        }
    }

    fn source(&self, index: usize) -> SourceView<'a> {
        let source = &self.story.sources[index];
        SourceView {
            id: &source.id,
            title: &source.title,
            publisher: source.publisher.as_deref(),
            url: source.url.as_deref(),
            accessed: source.accessed.as_ref().map(DateView::new),
            archive_url: source.archive_url.as_deref(),
        }
    }

    fn html(&self, html: &'a crate::markdown::Html) -> Cow<'a, str> {
        html.at(&self.root)
    }

    fn event_link(&self, index: usize) -> EventLink<'a> {
        let event = &self.story.events[index];
        EventLink {
            id: &event.id,
            title: &event.title,
            path: format!("events/{}/", event.id),
            when: WhenView::of(event),
        }
    }

    fn update(&self, index: usize) -> UpdateView<'a> {
        let update = &self.story.updates[index];
        UpdateView {
            date: DateView::new(&update.date),
            kind: update.kind.name(),
            note: self.html(&update.note),
        }
    }

    fn event(&self, index: usize) -> EventView<'a> {
        let story = self.story;
        let event = &story.events[index];
        let accounts = event
            .accounts
            .iter()
            .map(|a| AccountView {
                actor: self.actor_link(a.actor),
                claim: self.html(&a.claim),
                stance: a.stance.name(),
                status: a.status.name(),
                sources: a.sources.iter().map(|&s| self.source(s)).collect(),
            })
            .collect();
        EventView {
            id: &event.id,
            title: &event.title,
            path: format!("events/{}/", event.id),
            when: WhenView::of(event),
            place: event.place.as_deref(),
            tags: &event.tags,
            summary: event.summary.as_ref().map(|s| self.html(s)),
            actors: event.actors.iter().map(|&a| self.actor_link(a)).collect(),
            contested: event.accounts.len() >= 2,
            accounts,
            sources: event.sources.iter().map(|&s| self.source(s)).collect(),
            media: event.media.as_ref().map(|m| MediaView {
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

    fn common(
        &self,
        path: &str,
        title: String,
        description: Option<&str>,
        section: &'static str,
    ) -> Common<'a> {
        let site = &self.story.site;
        let canonical_path = path.strip_suffix("index.html").unwrap_or(path);
        Common {
            site: SiteView {
                title: &site.title,
                subtitle: site.subtitle.as_deref(),
                description: site.description.as_deref(),
                base_url: &site.base_url,
                language: &site.language,
                published: site.published.as_ref().map(DateView::new),
                updated: site.updated.as_ref().map(DateView::new),
            },
            root: self.root.clone(),
            page: PageMeta {
                title,
                description: description
                    .or(site.description.as_deref())
                    .or(site.subtitle.as_deref())
                    .unwrap_or(&site.title)
                    .to_string(),
                canonical: format!("{}{canonical_path}", site.base_url),
                section,
            },
            live_reload: self.live_reload,
        }
    }
}

/// The text of an HTML fragment, for meta descriptions: tags dropped, spaces folded.
fn plain_text(html: &str, limit: usize) -> String {
    const BLOCKS: [&str; 6] = ["p", "br", "li", "blockquote", "h3", "h4"];
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        if BLOCKS.contains(&name) {
            text.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    let text = text
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= limit {
        return folded;
    }
    let cut: String = folded.chars().take(limit).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// A page to render: its output path, template and context.
struct Job {
    path: String,
    template: &'static str,
    context: Result<Context, tera::Error>,
}

fn job<T: Serialize>(path: String, template: &'static str, page: &T) -> Job {
    Job {
        path,
        template,
        context: Context::from_serialize(page),
    }
}

/// Renders every page of the story into memory, in a stable order.
pub fn render(
    story: &Story,
    templates: &Templates,
    options: &RenderOptions,
) -> Result<Vec<Page>, Vec<Diagnostic>> {
    let mut jobs = Vec::new();
    let live_reload = options.live_reload.as_deref();
    let at = |path: &str| Views {
        story,
        root: root_for(path),
        live_reload,
    };

    {
        let path = "index.html".to_string();
        let v = at(&path);
        let last = story.events.len().checked_sub(1);
        let page = StoryPage {
            common: v.common(&path, story.site.title.clone(), None, "story"),
            sections: story
                .sections
                .iter()
                .map(|s| SectionView {
                    slug: &s.slug,
                    title: &s.title,
                    summary: s.summary.as_deref(),
                    draft: s.draft,
                    html: v.html(&s.body),
                })
                .collect(),
            event_count: story.events.len(),
            actor_count: story.actors.len(),
            first_event: (!story.events.is_empty()).then(|| v.event_link(0)),
            last_event: last.map(|i| v.event_link(i)),
        };
        jobs.push(job(path, "story.html", &page));
    }
    {
        let path = "timeline/index.html".to_string();
        let v = at(&path);
        let mut years: Vec<Year> = Vec::new();
        for (index, event) in story.events.iter().enumerate() {
            if years.last().is_none_or(|y| y.year != event.date.year) {
                years.push(Year {
                    year: event.date.year,
                    events: Vec::new(),
                });
            }
            if let Some(year) = years.last_mut() {
                year.events.push(v.event(index));
            }
        }
        let description = format!(
            "Every event of the story in date order: {} events.",
            story.events.len()
        );
        let page = TimelinePage {
            common: v.common(&path, "Timeline".into(), Some(&description), "timeline"),
            years,
            eras: story
                .eras
                .iter()
                .map(|e| EraView {
                    title: &e.title,
                    when: WhenView::new(&e.start, e.end.as_ref(), false),
                })
                .collect(),
        };
        jobs.push(job(path, "timeline.html", &page));
    }
    for (index, event) in story.events.iter().enumerate() {
        let path = format!("events/{}/index.html", event.id);
        let v = at(&path);
        let description = event
            .summary
            .as_ref()
            .map(|s| plain_text(&s.at(""), 160))
            .filter(|d| !d.is_empty());
        let page = EventPage {
            common: v.common(&path, event.title.clone(), description.as_deref(), "event"),
            event: v.event(index),
            previous: index.checked_sub(1).map(|i| v.event_link(i)),
            next: (index + 1 < story.events.len()).then(|| v.event_link(index + 1)),
        };
        jobs.push(job(path, "event.html", &page));
    }
    {
        let path = "actors/index.html".to_string();
        let v = at(&path);
        let groups = ActorKind::ALL
            .iter()
            .map(|&kind| KindGroup {
                kind: kind.name(),
                label: kind.plural_label(),
                actors: story
                    .actors
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.kind == kind)
                    .map(|(i, a)| ActorCard {
                        id: &a.id,
                        name: &a.name,
                        path: format!("actors/{}/", a.id),
                        role: a.role.as_deref(),
                        country: a.country.as_deref(),
                        event_count: story.index.actor_events[i].len(),
                    })
                    .collect(),
            })
            .filter(|g: &KindGroup| !g.actors.is_empty())
            .collect();
        let description = format!(
            "The {} people, states and organizations in the story.",
            story.actors.len()
        );
        let page = ActorsPage {
            common: v.common(&path, "Who's who".into(), Some(&description), "actors"),
            groups,
        };
        jobs.push(job(path, "actors.html", &page));
    }
    for (index, actor) in story.actors.iter().enumerate() {
        let path = format!("actors/{}/index.html", actor.id);
        let v = at(&path);
        let mut relations: Vec<RelationView> = actor
            .relations
            .iter()
            .map(|r| RelationView {
                direction: "out",
                kind: &r.kind,
                actor: v.actor_link(r.to),
            })
            .collect();
        relations.extend(
            story.index.relations_to[index]
                .iter()
                .map(|&(from, r)| RelationView {
                    direction: "in",
                    kind: &story.actors[from].relations[r].kind,
                    actor: v.actor_link(from),
                }),
        );
        let description = actor
            .role
            .clone()
            .unwrap_or_else(|| plain_text(&actor.bio.at(""), 160));
        let page = ActorPage {
            common: v.common(&path, actor.name.clone(), Some(&description), "actor"),
            actor: ActorView {
                id: &actor.id,
                name: &actor.name,
                kind: actor.kind.name(),
                role: actor.role.as_deref(),
                country: actor.country.as_deref(),
                aliases: &actor.aliases,
                bio: v.html(&actor.bio),
                path: format!("actors/{}/", actor.id),
            },
            events: story.index.actor_events[index]
                .iter()
                .map(|&e| v.event_link(e))
                .collect(),
            sections: story.index.actor_sections[index]
                .iter()
                .map(|&s| {
                    let section = &story.sections[s];
                    SectionLink {
                        slug: &section.slug,
                        title: &section.title,
                        path: format!("#{}", section.slug),
                    }
                })
                .collect(),
            accounts: story.index.actor_accounts[index]
                .iter()
                .map(|&(e, n)| {
                    let account = &story.events[e].accounts[n];
                    GivenAccount {
                        event: v.event_link(e),
                        claim: v.html(&account.claim),
                        stance: account.stance.name(),
                        status: account.status.name(),
                    }
                })
                .collect(),
            relations,
        };
        jobs.push(job(path, "actor.html", &page));
    }
    {
        // A 404 page is served at any depth: its links start at the site's own path.
        let path = "404.html".to_string();
        let root = url_path(&story.site.base_url);
        let v = Views {
            story,
            root,
            live_reload,
        };
        let page = NotFoundPage {
            common: v.common(&path, "Page not found".into(), None, "404"),
        };
        jobs.push(job(path, "404.html", &page));
    }

    let mut pages = Vec::with_capacity(jobs.len());
    let mut diagnostics = Vec::new();
    for Job {
        path,
        template,
        context,
    } in jobs
    {
        let rendered = context.and_then(|context| templates.tera.render(template, &context));
        match rendered {
            Ok(html) => pages.push(Page {
                path,
                bytes: html.into_bytes(),
            }),
            Err(error) => {
                let diagnostic = template_diagnostic(&error, &templates.sources);
                if !diagnostics.contains(&diagnostic) {
                    diagnostics.push(diagnostic);
                }
            }
        }
    }
    if diagnostics.is_empty() {
        Ok(pages)
    } else {
        Err(diagnostics)
    }
}

/// The path part of an absolute URL: "https://example.org/story/" -> "/story/".
fn url_path(url: &str) -> String {
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
    fn every_page_finds_its_way_back_to_the_root() {
        assert_eq!(root_for("index.html"), "./");
        assert_eq!(root_for("timeline/index.html"), "../");
        assert_eq!(root_for("events/x/index.html"), "../../");
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

    #[test]
    fn the_404_page_links_from_the_sites_own_path() {
        assert_eq!(
            url_path("https://example.org/azerbaijan-russia/"),
            "/azerbaijan-russia/"
        );
        assert_eq!(url_path("https://example.org/"), "/");
    }
}
