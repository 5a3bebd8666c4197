//! Tera setup and rendering: every page of the site.
//!
//! Steps: load the built-in templates and the story's overrides into one Tera
//! instance (parsed once); build one typed, borrowed context per page from the
//! [`Story`] (`pages`, `views`); render every page into memory and hand it to
//! the caller, who keeps it (serve, check) or writes it at once (build).
//! Nothing here touches the output folder: `write` does. Variables:
//! `docs/templates.md`.

pub mod actor_map;
mod context;
mod decimal;
mod depends;
mod embeds;
mod fingerprint;
mod headers;
mod listings;
mod pages;
mod periods;
mod share;
pub mod timeline_svg;
mod views;

use std::collections::BTreeMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tera::{ErrorKind, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::load::files_under;
use crate::model::Story;
use crate::plan::{Kind, Planned};
use crate::{FastMap, FastSet};
use pages::{Job, Made, Pages};
use rayon::prelude::*;

/// The templates that ship inside the binary, overridable by name.
const BUILT_IN: [(&str, &str); 17] = [
    ("base.html", include_str!("../../templates/base.html")),
    ("story.html", include_str!("../../templates/story.html")),
    (
        "timeline.html",
        include_str!("../../templates/timeline.html"),
    ),
    (
        "timeline-overview.html",
        include_str!("../../templates/timeline-overview.html"),
    ),
    ("event.html", include_str!("../../templates/event.html")),
    ("actors.html", include_str!("../../templates/actors.html")),
    ("actor.html", include_str!("../../templates/actor.html")),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "accounts.html",
        include_str!("../../templates/accounts.html"),
    ),
    ("sources.html", include_str!("../../templates/sources.html")),
    ("source.html", include_str!("../../templates/source.html")),
    ("tag.html", include_str!("../../templates/tag.html")),
    ("embed.html", include_str!("../../templates/embed.html")),
    ("changes.html", include_str!("../../templates/changes.html")),
    ("feed.xml", include_str!("../../templates/feed.xml")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    (
        "components.html",
        include_str!("../../templates/components.html"),
    ),
];

/// The parsed templates, with their sources kept for pointing at errors.
pub struct Templates {
    tera: Tera,
    sources: BTreeMap<String, SourceFile>,
    /// A hash of every template's name and text.
    fingerprint: u64,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("names", &self.sources.keys().collect::<Vec<_>>())
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl Templates {
    /// The built-in templates, each replaced by `root/templates/NAME` where
    /// the story has one; `kept` (the last build's) when every template's
    /// name, file and text is the same: `serve` parses them only when one
    /// changed.
    pub(crate) fn load(
        root: &Path,
        kept: Option<&Arc<Templates>>,
        diagnostics: &mut Diagnostics,
    ) -> Option<Arc<Templates>> {
        let mut sources: BTreeMap<String, SourceFile> = BUILT_IN
            .iter()
            .map(|(name, text)| {
                let path = format!("templates/{name} (built-in)");
                (name.to_string(), SourceFile::new(path, *text))
            })
            .collect();
        for (name, full) in files_under(root, "templates", diagnostics) {
            let path = format!("templates/{name}");
            match fs::read_to_string(&full) {
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
        if let Some(kept) = kept
            && kept.sources.len() == sources.len()
            && (kept.sources.iter().zip(&sources))
                .all(|((a, x), (b, y))| a == b && x.path == y.path && x.text == y.text)
        {
            return Some(Arc::clone(kept));
        }
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml", ".svg"]);
        tera.register_filter("plural", crate::i18n::plural_filter);
        let batch: Vec<(&str, &str)> = sources
            .iter()
            .map(|(name, file)| (name.as_str(), file.text.as_str()))
            .collect();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for (name, file) in &sources {
            (name, &file.text).hash(&mut hasher);
        }
        let fingerprint = hasher.finish();
        match tera.add_raw_templates(batch) {
            Ok(()) => Some(Arc::new(Templates {
                tera,
                sources,
                fingerprint,
            })),
            Err(error) => {
                for diagnostic in template_diagnostics(&error, &sources) {
                    diagnostics.push(diagnostic);
                }
                None
            }
        }
    }
}

/// A Tera error as diagnostics at the template's file, line and column.
fn template_diagnostics(
    error: &tera::Error,
    sources: &BTreeMap<String, SourceFile>,
) -> Vec<Diagnostic> {
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let message = report.message();
            let diagnostic = match sources.get(report.filename()) {
                Some(file) => file.diagnostic(
                    Severity::Error,
                    report.span().range.clone(),
                    format!("template: {message}"),
                ),
                None => Diagnostic::whole_file(
                    Severity::Error,
                    &format!("templates/{}", report.filename()),
                    format!("template: {message}"),
                ),
            };
            vec![diagnostic.help(template_help(message))]
        }
        // Checks made when templates are added come back as one pre-rendered
        // report; each of its `error:` blocks names its template and place.
        ErrorKind::Msg(text) => {
            let found = reported_errors(text, sources);
            if found.is_empty() {
                vec![
                    Diagnostic::whole_file(
                        Severity::Error,
                        "templates",
                        format!("template: {text}"),
                    )
                    .help(template_help(text)),
                ]
            } else {
                found
            }
        }
        _ => vec![
            Diagnostic::whole_file(Severity::Error, "templates", format!("template: {error}"))
                .help(template_help("")),
        ],
    }
}

/// Why the `when` component could not print a date: the built-in pages
/// print every event's date with it (see `views::Shared::keep_when`).
fn when_diagnostics(error: &tera::Error, templates: &Templates) -> Vec<Diagnostic> {
    if templates.tera.contains_component("when") {
        return template_diagnostics(error, &templates.sources);
    }
    let path = (templates.sources.get("components.html"))
        .map_or("templates/components.html", |file| file.path.as_str());
    vec![
        Diagnostic::whole_file(
            Severity::Error,
            path,
            "template: no template defines the `when` component, which prints the date of every event on the built-in pages",
        )
        .help("define it again, as the built-in components.html does: {% component when(when) %} ... {% endcomponent when %} (see docs/templates.md, Components)"),
    ]
}

/// A `site_header` or `site_footer` component that declares `arg`, which it
/// cannot be given: it is printed once for every page at a depth (and in a
/// part of the site, for the header), so it sees only what those share.
fn asks_diagnostic(name: &str, arg: &str, templates: &Templates) -> Diagnostic {
    let offered = match name {
        "site_header" => "root, routes, site, t, last_change and section",
        _ => "root, routes, site, t and last_change",
    };
    let message =
        format!("template: the `{name}` component asks for `{arg}`, which it cannot be given");
    let help = format!(
        "it is printed once for every page at a depth{}, so it may declare only {offered}; anything that differs from page to page goes in base.html itself (docs/templates.md, base.html)",
        if name == "site_header" {
            " and in a part of the site"
        } else {
            ""
        }
    );
    let defined = format!("{{% component {name}(");
    let found =
        (templates.sources.values()).find_map(|file| file.text.find(&defined).map(|at| (file, at)));
    match found {
        Some((file, at)) => file
            .diagnostic(Severity::Error, at..at + defined.len(), message)
            .help(help),
        None => Diagnostic::whole_file(Severity::Error, "templates", message).help(help),
    }
}

/// Reads `error: MESSAGE` / `--> NAME:LINE:COL` / `^^^` blocks out of Tera's report.
fn reported_errors(text: &str, sources: &BTreeMap<String, SourceFile>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(message) = line.trim_start().strip_prefix("error: ") else {
            continue;
        };
        let place = lines[i + 1..]
            .iter()
            .take(2)
            .find_map(|l| l.trim_start().strip_prefix("--> "));
        let Some((name, line_no, column)) = place.and_then(parse_place) else {
            continue;
        };
        let width = lines[i + 1..]
            .iter()
            .take(6)
            .find(|l| l.contains('^'))
            .map_or(1, |l| l.matches('^').count());
        let diagnostic = match sources.get(name) {
            Some(file) => {
                let start = byte_offset(&file.text, line_no, column);
                let end = file.text[start..]
                    .char_indices()
                    .nth(width)
                    .map_or(file.text.len(), |(i, _)| start + i);
                file.diagnostic(Severity::Error, start..end, format!("template: {message}"))
            }
            None => Diagnostic::whole_file(
                Severity::Error,
                &format!("templates/{name}"),
                format!("template: {message}"),
            ),
        };
        found.push(diagnostic.help(template_help(message)));
    }
    found
}

/// "story.html:2:37" -> ("story.html", 2, 37).
fn parse_place(place: &str) -> Option<(&str, usize, usize)> {
    let mut parts = place.trim().rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?, line, column))
}

/// The byte offset of a 1-based line and character column.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = match line {
        0 | 1 => 0,
        _ => text
            .match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    text[line_start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| line_start + i)
}

/// What to write instead, from what Tera says it has.
fn template_help(message: &str) -> String {
    let available = ["Available fields: ", "Available variables: "]
        .iter()
        .find_map(|marker| message.split_once(marker))
        .map(|(head, list)| (head, list.trim_end_matches('.')));
    if let Some((head, list)) = available {
        let unknown = head.split('`').nth(1).unwrap_or("");
        let names: Vec<&str> = list.split(", ").collect();
        return match crate::diagnostics::closest(unknown, names.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? available here: {list}"),
            None => format!("use one of: {list} (see docs/templates.md)"),
        };
    }
    if message.contains("Unknown filter") || message.contains("Unknown test") {
        return "use a Tera 2 built-in filter or test, like `safe`, `length`, `join(sep=\", \")`, `default(value=\"...\")`; see docs/templates.md".to_string();
    }
    "see docs/templates.md for the variables each template receives and the Tera 2 syntax"
        .to_string()
}

/// One file of the built site, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Relative to the output folder, like `events/x/index.html`.
    pub path: String,
    /// Shared: a page reused from the last build is the same bytes, not a copy.
    pub bytes: Bytes,
}

/// Stands for the build's name in the live-reload URL while pages render.
/// It is the same in every build, so a page whose content did not change
/// renders the same and is reused (see [`RenderMemo`]); `serve` puts the
/// build's name in as it sends the page.
pub const BUILD_STAND_IN: &str = "~build~";

/// What differs between `build` and `serve`.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The live-reload script's URL, set only by `serve`. It may hold
    /// [`BUILD_STAND_IN`].
    pub live_reload: Option<String>,
    /// Make the data files (`data/`) only when first asked for ([`crate::DataFiles`]):
    /// `serve` does, since editors seldom open them.
    pub defer_data: bool,
    /// The folder the previous build was written to: share pictures it holds
    /// are read back rather than drawn again (their names are their hashes).
    pub previous_output: Option<std::path::PathBuf>,
    /// Draw the share pictures: `build` and `serve` do; `check`, which
    /// writes nothing, does not.
    pub pictures: bool,
}

/// Stands in the story's list of static files for "the story has its own
/// share.png" (a path no file can have).
pub const OWN_SHARE_MARK: &str = "\0own share.png";

/// The share pictures the story's pages name: read back from the previous
/// output or from `drawn` (serve's pictures of earlier builds) when there,
/// drawn otherwise, each handed to `each` as soon as it is made. `drawn`,
/// when given, is left holding this build's pictures.
pub fn share_pictures<T: Send>(
    story: &Story,
    options: &RenderOptions,
    drawn: Option<&mut FastMap<String, Bytes>>,
    keep: Option<&Keep<'_, T>>,
    each: impl Fn(Page) -> T + Sync,
) -> Vec<T> {
    if !options.pictures {
        return Vec::new();
    }
    let cards = share::cards(story);
    let before = drawn.as_deref();
    let remember = before.is_some();
    // Each picture emitted, and its bytes when `serve` keeps them.
    type Made<T> = (T, Option<(String, Bytes)>);
    let made: Vec<Made<T>> = cards
        .par_iter()
        .filter_map(|card| {
            // Named by a hash of what they draw: one the output holds is this one.
            if let Some(kept) =
                keep.and_then(|keep| keep(&format!("{}{}", story.prefix(), card.path)))
            {
                return Some((kept, None));
            }
            let kept = before
                .and_then(|drawn| drawn.get(&card.path).cloned())
                .or_else(|| {
                    let previous = options.previous_output.as_ref()?;
                    // An edition's pictures are under its folder.
                    let read = fs::read(previous.join(story.prefix()).join(&card.path));
                    read.ok().map(Bytes::from)
                });
            let bytes = kept.or_else(|| share::draw(card).map(Bytes::from))?;
            // Shared, not copied: serve's pictures are the same bytes build after build.
            let kept = remember.then(|| (card.path.clone(), bytes.clone()));
            let page = Page {
                path: card.path.clone(),
                bytes,
            };
            Some((each(page), kept))
        })
        .collect();
    let mut pages = Vec::with_capacity(made.len());
    let mut now = FastMap::default();
    for (page, kept) in made {
        pages.push(page);
        if let Some((path, bytes)) = kept {
            now.insert(path, bytes);
        }
    }
    if let Some(drawn) = drawn {
        *drawn = now;
    }
    pages
}

/// Makes ready what every share picture needs (the font, the graphic), on
/// a core that would otherwise wait, before the first picture is drawn.
pub fn warm_pictures() {
    share::warm();
}

/// Takes a file the output holds already as this build's, when it can
/// (see [`crate::write::Writer::keep`]): what `build` does with a page an
/// edit cannot have changed.
pub type Keep<'a, T> = dyn Fn(&str) -> Option<T> + Sync + 'a;

/// The pages of the previous build, kept by `serve` so that a page whose
/// template and context are unchanged is not rendered again.
#[derive(Default)]
pub struct RenderMemo {
    /// Which templates rendered them: other templates render anything anew.
    templates: u64,
    pages: FastMap<String, (u128, Bytes)>,
    /// Actor maps, by what they were drawn from ([`actor_map::Links::inputs`])
    /// and where they go (center, root, id).
    maps: Mutex<FastMap<MapKey, actor_map::Drawn>>,
    /// The links of the actors' maps, and their maps' inputs
    /// ([`actor_map::Links::inputs`]): the same in a build where only the
    /// text of some events changed.
    links: Option<(Arc<actor_map::Links>, u64)>,
    /// Share pictures, by path (their names are hashes of what they draw).
    pictures: FastMap<String, Bytes>,
    /// What the kept pages were made from, to tell which an edit can change.
    prints: Option<depends::Prints>,
    /// The pages whose context the last build made (the others it took as
    /// they were), by path.
    made: Vec<String>,
}

impl RenderMemo {
    pub(crate) fn take_pictures(&mut self) -> FastMap<String, Bytes> {
        std::mem::take(&mut self.pictures)
    }

    pub(crate) fn keep_pictures(&mut self, pictures: FastMap<String, Bytes>) {
        self.pictures = pictures;
    }

    /// The pages whose context the last build made, by path.
    pub(crate) fn made(&self) -> &[String] {
        &self.made
    }
}

type MapKey = (u64, Option<crate::model::ActorIx>, String, String);

impl std::fmt::Debug for RenderMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderMemo")
            .field("pages", &self.pages.len())
            .finish_non_exhaustive()
    }
}

/// The pages of one edition to render, in a stable order.
pub(crate) struct Plan<'p, 'a> {
    pub(crate) pages: &'p [Planned<'a>],
    /// Each page's path in the output, in the same order: the edition's
    /// folder and [`crate::plan::Route::file`], spelled once for the build.
    pub(crate) paths: &'p [String],
    /// What the pages are made from ([`prints`]), when the pages of an
    /// earlier build may be kept (`serve`'s memo, `build`'s output).
    pub(crate) prints: Option<Prints>,
}

/// What a build's pages are made from, in hashes (see `depends`).
pub(crate) struct Prints(depends::Prints);

/// The prints of `story`'s pages as rendered with `templates` and
/// `options`: they need only the story, and are worked out beside its plan.
pub(crate) fn prints(story: &Story, options: &RenderOptions, templates: &Templates) -> Prints {
    let live_reload = options.live_reload.as_deref();
    Prints(depends::Prints::of(
        story,
        live_reload,
        templates.fingerprint,
    ))
}

/// Renders every page of the plan and hands each to `each` as soon as it is
/// rendered; returns what `each` made, in a stable order. Pages are built and
/// rendered in parallel: each reads the story and writes only itself. With a
/// `memo`, pages the previous build rendered from the same context are
/// reused, and the memo is left holding this build's pages.
pub(crate) fn render_each<T: Send>(
    story: &Story,
    plan: Plan<'_, '_>,
    templates: &Templates,
    options: &RenderOptions,
    mut memo: Option<&mut RenderMemo>,
    keep: Option<&Keep<'_, T>>,
    each: impl Fn(Page) -> T + Sync,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    if let Some(memo) = memo.as_deref_mut()
        && memo.templates != templates.fingerprint
    {
        memo.pages.clear();
        memo.prints = None;
        memo.templates = templates.fingerprint;
    }
    let Plan {
        pages: plan,
        paths,
        prints,
    } = plan;
    debug_assert_eq!(plan.len(), paths.len(), "a path for every page");
    debug_assert!(
        prints.is_some() || (memo.is_none() && keep.is_none()),
        "prints whenever earlier pages may be kept"
    );
    // Which pages may differ from the kept ones (serve's in memory, build's
    // in the output): the others are not made.
    let prints = prints.map(|Prints(prints)| prints);
    let before = match (memo.as_deref(), keep) {
        (Some(memo), _) => memo.prints.clone(),
        (None, Some(_)) => options.previous_output.as_ref().and_then(|output| {
            let path = output.join(story.prefix()).join(depends::FILE);
            depends::Prints::from_bytes(&fs::read(path).ok()?)
        }),
        (None, None) => None,
    };
    let dirty = match &prints {
        Some(now) => depends::Dirty::between(before.as_ref(), now, story),
        None => depends::Dirty::All,
    };
    let deepest = plan.iter().map(|page| page.route.depth()).max();
    let builder = Pages {
        story,
        plan,
        live_reload: options.live_reload.as_deref(),
        tera: &templates.tera,
        links: std::sync::OnceLock::new(),
        shared: views::Shared::new(story, memo.is_some(), deepest.unwrap_or(0)),
        memo: memo.as_deref(),
        map_inputs: std::sync::OnceLock::new(),
        citations: std::sync::OnceLock::new(),
    };
    // The maps' links are made of the actors and the events' places: when
    // only the text of some events changed, they are last build's.
    let text_only = matches!(dirty, depends::Dirty::Some(_));
    if let (true, Some((links, inputs))) = (text_only, memo.as_ref().and_then(|m| m.links.as_ref()))
    {
        builder.links.get_or_init(|| Arc::clone(links));
        builder.map_inputs.get_or_init(|| *inputs);
    }
    // A page for the memo: its path, fingerprint, and new bytes (none when
    // reused: the memo holds them already, under the same fingerprint).
    type Rendered<T> = Result<(T, Option<(String, u128, Option<Bytes>, bool)>), tera::Error>;
    let render = |page: &Planned, path: &String| -> Rendered<T> {
        let needed = dirty.needs(page);
        if let (false, Some(keep)) = (needed, keep)
            && let Some(kept) = keep(path)
        {
            return Ok((kept, None));
        }
        let kept = match needed {
            true => None,
            false => builder.kept(path),
        };
        let taken = kept.is_some();
        let Job {
            path,
            template,
            made,
            fingerprint,
        } = kept.unwrap_or_else(|| builder.make(page));
        let (bytes, new) = match made {
            Made::Reused(bytes) => (bytes, false),
            Made::Context(context) => {
                // Bytes, not a String: Tera writes only text, so there is
                // nothing to validate again. Most pages fit the first buffer.
                let mut html = Vec::with_capacity(16 * 1024);
                templates.tera.render_to(template, &context?, &mut html)?;
                (Bytes::from(html), true)
            }
        };
        let kept = fingerprint.map(|f| (path.clone(), f, new.then(|| bytes.clone()), !taken));
        Ok((each(Page { path, bytes }), kept))
    };
    // The pages that list the whole story take longest: started first, they
    // do not leave one core at work on the last of them while the other waits.
    let lists = |at: &usize| {
        let page = &plan[*at];
        page.item.is_none() && !matches!(page.route.kind, Kind::Embed(_) | Kind::Oembed(_))
    };
    let (mut order, rest): (Vec<usize>, Vec<usize>) = (0..plan.len()).partition(lists);
    order.extend(rest);
    // One page at a time: rayon otherwise hands each core a run of pages
    // it works through alone, and at L one core was left with 40 ms of
    // them while the other waited. A page is tens of microseconds of work;
    // handing it out costs well under one.
    let mut rendered: Vec<(usize, Rendered<T>)> = order
        .into_par_iter()
        .with_max_len(1)
        .map(|at| (at, render(&plan[at], &paths[at])))
        .collect();
    // Back in the plan's order, for the memo and the diagnostics.
    rendered.sort_unstable_by_key(|(at, _)| *at);
    let mut pages = Vec::with_capacity(rendered.len() + 1);
    let mut kept = Vec::new();
    let mut made = Vec::new();
    // A `when` component that cannot print a date is the cause of the
    // errors of the pages that print one: told first.
    let mut diagnostics: Vec<Diagnostic> = (builder.shared.broken_when())
        .map(|error| when_diagnostics(error, templates))
        .unwrap_or_default();
    // So is a site header, footer or source that cannot be printed, wherever
    // it is; first, a header or footer that asks for what it cannot be given.
    if let Some((name, arg)) = builder.shared.asks() {
        diagnostics.push(asks_diagnostic(name, arg, templates));
    } else if let Some(error) = builder.shared.broken() {
        diagnostics.extend(template_diagnostics(error, &templates.sources));
    }
    for (_, result) in rendered {
        match result {
            Ok((page, memo_entry)) => {
                pages.push(page);
                if let Some((path, fingerprint, bytes, context)) = memo_entry {
                    if context {
                        made.push(path.clone());
                    }
                    kept.push((path, fingerprint, bytes));
                }
            }
            Err(error) => {
                for diagnostic in template_diagnostics(&error, &templates.sources) {
                    if !diagnostics.contains(&diagnostic) {
                        diagnostics.push(diagnostic);
                    }
                }
            }
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    // `build` keeps the prints with the pages, for the next build.
    if let (Some(_), Some(prints)) = (keep, &prints) {
        pages.push(each(Page {
            path: format!("{}{}", story.prefix(), depends::FILE),
            bytes: prints.to_bytes().into(),
        }));
    }
    // Maps drawn from other inputs will not be asked for again.
    let inputs = builder.map_inputs.get().copied();
    let links = builder.links.get().cloned().zip(inputs);
    // The views kept for the pages are many small values: freed on a core
    // that is otherwise idle while the last of the build is done on this one.
    let Pages { shared, .. } = builder;
    rayon::spawn(move || drop(shared));
    if let Some(memo) = memo {
        // A page without new bytes was taken from the memo as it is there
        // (same fingerprint): only the new ones go in, and the pages no
        // longer made come out.
        let count = kept.len();
        let mut wanted = Vec::with_capacity(count);
        for (path, fingerprint, bytes) in kept {
            if let Some(bytes) = bytes {
                memo.pages.insert(path.clone(), (fingerprint, bytes));
            }
            wanted.push(path);
        }
        if memo.pages.len() > count {
            let wanted: FastSet<String> = wanted.into_iter().collect();
            memo.pages.retain(|path, _| wanted.contains(path));
        }
        // A build that drew no map says nothing of which are still wanted.
        if let (Ok(maps), Some(inputs)) = (memo.maps.get_mut(), inputs) {
            maps.retain(|key, _| key.0 == inputs);
        }
        // A build where only text changed starts from the kept links, so it
        // leaves them; any other keeps the ones it made, or none.
        memo.links = links;
        memo.prints = prints;
        memo.made = made;
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(root: &Path, kept: Option<&Arc<Templates>>) -> Arc<Templates> {
        let mut diagnostics = Diagnostics::default();
        let templates = Templates::load(root, kept, &mut diagnostics);
        templates.expect("the templates parse")
    }

    #[test]
    fn templates_are_kept_only_while_every_file_and_text_is_the_same() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let first = load(root, None);
        assert!(Arc::ptr_eq(&load(root, Some(&first)), &first));
        // A built-in template copied word for word is the story's own file now.
        fs::create_dir(root.join("templates")).expect("templates/");
        let (_, base) = BUILT_IN[0];
        fs::write(root.join("templates/base.html"), base).expect("write");
        let copied = load(root, Some(&first));
        assert!(!Arc::ptr_eq(&copied, &first));
        assert_eq!(copied.sources["base.html"].path, "templates/base.html");
        assert!(Arc::ptr_eq(&load(root, Some(&copied)), &copied));
        // An edited template is parsed again.
        fs::write(
            root.join("templates/base.html"),
            base.replace("<main", "<main data-x"),
        )
        .expect("write");
        let edited = load(root, Some(&copied));
        assert!(!Arc::ptr_eq(&edited, &copied));
        assert!(edited.sources["base.html"].text.contains("data-x"));
    }
}
