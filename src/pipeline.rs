//! The one way a site is made: load -> resolve -> plan -> render -> emit.
//!
//! `build`, `check` and `serve` all run [`run`]; they differ only in where
//! the made files go. `build` writes each into a staging folder as soon as it
//! is rendered; `check` and `serve` keep them in memory. Every rendered file
//! goes through the same [`Step`]s on its way out, and the whole site through
//! the same checks (no static file in a page's place) before it counts as made.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::model::Story;
use crate::plan;
use crate::render::{self, Page, RenderOptions, Templates};
use crate::resolve::{self, ResolveOptions};
use crate::write::{Bytes, StaticFile};
use crate::{BuildOptions, Cache, export, load, minify};
use rayon::prelude::*;

/// Static files that ship inside the binary; a story's `static/` overrides them by name.
const BUILT_IN_STATIC: [(&str, &[u8]); 4] = [
    ("style.css", include_bytes!("../static/style.css")),
    ("favicon.svg", include_bytes!("../static/favicon.svg")),
    ("share.png", include_bytes!("../static/share.png")),
    // Tells a page that frames an embed how tall it is (see `render::embeds`).
    ("embed.js", include_bytes!("../static/embed.js")),
];

/// What a successful run made: the story, what the emitter returned for each
/// file, the static files left to copy as they are, and the warnings.
pub(crate) struct Made<T> {
    pub(crate) story: Story,
    pub(crate) emitted: Vec<T>,
    pub(crate) statics: Vec<StaticFile>,
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Loads and validates the story, renders every page of its plan and every
/// data file (unless deferred), takes each through the [`Step`]s and hands it
/// to `emit` as soon as it is made (on any thread). The stylesheets, minified
/// when the site asks for it, are emitted too; other static files are
/// returned to be copied. Nothing is emitted unless the story and templates
/// are free of errors; on any error, every problem found is returned.
pub(crate) fn run<T: Send>(
    options: &BuildOptions,
    render_options: &RenderOptions,
    mut cache: Option<&mut Cache>,
    keep: Option<&render::Keep<'_, io::Result<T>>>,
    emit: impl Fn(Page) -> io::Result<T> + Sync,
) -> Result<Made<T>, Vec<Diagnostic>> {
    let (inputs, mut found) = prepare(options, render_options.pictures, cache.as_deref_mut());
    let Some(Inputs {
        story,
        templates,
        mut statics,
    }) = inputs
    else {
        return Err(found);
    };
    let (others, missing) = editions(&story);
    found.extend(missing);
    let steps = Step::list(&story);
    let emit = |mut page: Page| {
        for step in &steps {
            step.apply(&mut page);
        }
        emit(page)
    };
    let editions: Vec<&Story> = std::iter::once(&story).chain(&others).collect();
    let memos: Vec<Option<&mut render::RenderMemo>> = match cache {
        Some(cache) => {
            cache.pages.resize_with(editions.len(), Default::default);
            cache.pages.iter_mut().map(Some).collect()
        }
        None => editions.iter().map(|_| None).collect(),
    };
    // The editions render side by side: each one's pages are independent
    // of the others', and one edition's last pages would leave a core idle.
    type Rendered<T> = (Clashes, Result<Vec<io::Result<T>>, Vec<Diagnostic>>);
    let rendered: Vec<Rendered<T>> = editions
        .par_iter()
        .zip(memos)
        .enumerate()
        .map(|(n, (edition, memo))| {
            // The prints of what the pages are made from, when earlier
            // pages may be kept, need only the story: made beside the plan.
            let kept = memo.is_some() || keep.is_some();
            // The plan and its files' paths are made while the prints are:
            // spelling 14,000 paths at L is milliseconds.
            let planned = || {
                let mut plan = plan::plan(edition);
                if n > 0 {
                    // One sitemap, robots.txt and _headers for the whole site.
                    plan.retain(|page| {
                        !matches!(
                            page.route.kind,
                            plan::Kind::Sitemap | plan::Kind::Robots | plan::Kind::Headers
                        )
                    });
                }
                let prefix = edition.prefix();
                let mut pages: Vec<String> = plan
                    .iter()
                    .map(|page| format!("{prefix}{}", page.route.file()))
                    .collect();
                pages.extend(export::PATHS.iter().map(|path| format!("{prefix}{path}")));
                // Looked for here, on both cores, not after the last page on one.
                let clashes = Clashes::find(&pages, &statics);
                (plan, pages, clashes)
            };
            let ((plan, pages, clashes), prints) = rayon::join(planned, || {
                kept.then(|| render::prints(edition, render_options, &templates))
            });
            let plan = render::Plan {
                pages: &plan,
                paths: &pages[..plan.len()],
                prints,
            };
            let made = render_all(edition, plan, &templates, render_options, memo, keep, emit);
            (clashes, made)
        })
        .collect();
    let mut emitted = Vec::new();
    let mut clashes = Clashes::default();
    let mut failed = false;
    for (found_in_edition, made) in rendered {
        clashes.extend(found_in_edition);
        match made {
            Ok(made) => emitted.extend(made),
            Err(errors) => {
                failed = true;
                for error in errors {
                    if !found.contains(&error) {
                        found.push(error);
                    }
                }
            }
        }
    }
    if failed {
        return Err(found);
    }
    if story.site.minify {
        emitted.extend(
            minify_stylesheets(&mut statics, &mut found)
                .into_iter()
                .map(emit),
        );
    }
    let emitted = match emitted.into_iter().collect::<io::Result<Vec<T>>>() {
        Ok(emitted) => emitted,
        Err(error) => {
            found.push(cannot_write(error));
            return Err(found);
        }
    };
    // The stylesheets minified above are pages now, and no longer clash.
    let collisions = clashes.diagnostics(&statics);
    if !collisions.is_empty() {
        found.extend(collisions);
        return Err(found);
    }
    // Freed on the other core while this one puts the site in place.
    drop(editions);
    rayon::spawn(move || drop((templates, others)));
    Ok(Made {
        story,
        emitted,
        statics,
        warnings: found,
    })
}

/// The error of a build that could not write its output.
pub(crate) fn cannot_write(error: io::Error) -> Diagnostic {
    Diagnostic::whole_file(
        Severity::Error,
        "",
        format!("cannot write the site: {error}"),
    )
}

/// What every rendered file goes through before it is emitted, in order.
enum Step {
    /// `minify = true` in site.toml: HTML pages lose the spaces readers do not need.
    MinifyHtml,
}

impl Step {
    /// The steps for this story's files.
    fn list(story: &Story) -> Vec<Step> {
        let mut steps = Vec::new();
        if story.site.minify {
            steps.push(Step::MinifyHtml);
        }
        steps
    }

    fn apply(&self, page: &mut Page) {
        if !page.path.ends_with(".html") {
            return;
        }
        match self {
            Step::MinifyHtml => {
                if let Ok(text) = std::str::from_utf8(&page.bytes) {
                    page.bytes = minify::html(text).into_bytes().into();
                }
            }
        }
    }
}

/// Loads and validates the story: every problem, errors and warnings, sorted.
pub(crate) fn load_story(options: &BuildOptions) -> (Option<Story>, Vec<Diagnostic>) {
    let (story, _, diagnostics, _) = load_inputs(options, None);
    (story, diagnostics)
}

/// [`load_story`], with the raw story it was resolved from (for tools that
/// read the files themselves, like stamping translations).
pub(crate) fn load_story_and_raw(
    options: &BuildOptions,
) -> (Option<Story>, Vec<Diagnostic>, load::RawStory) {
    let (story, _, diagnostics, raw) = load_inputs(options, None);
    (story, diagnostics, raw)
}

/// Reads everything a build reads but the templates: the story and static/.
fn load_inputs(
    options: &BuildOptions,
    cache: Option<&mut Cache>,
) -> (
    Option<Story>,
    Vec<StaticFile>,
    Vec<Diagnostic>,
    load::RawStory,
) {
    let mut diagnostics = Diagnostics::default();
    let (load_cache, markdown_cache) = match cache {
        Some(Cache { load, markdown, .. }) => (Some(load), Some(markdown)),
        None => (None, None),
    };
    let mut raw = match load_cache {
        Some(cache) => load::load_cached(&options.root, &mut diagnostics, cache),
        None => load::load(&options.root, &mut diagnostics),
    };
    let statics = static_files(&options.root, &mut diagnostics);
    raw.static_paths = statics.iter().map(|s| s.path.clone()).collect();
    // A story's own share picture replaces the drawn ones (see render::share);
    // a copy of the built-in one (this repository's static/) does not.
    let built_in = BUILT_IN_STATIC
        .iter()
        .find(|(path, _)| *path == "share.png");
    let own_share = statics.iter().any(|s| match (&s.bytes, built_in) {
        (Bytes::File(file), Some((_, bytes))) if s.path == "share.png" => {
            std::fs::read(file).is_ok_and(|read| read != *bytes)
        }
        _ => false,
    });
    if own_share {
        raw.static_paths.insert(render::OWN_SHARE_MARK.to_string());
    }
    let resolve_options = ResolveOptions {
        drafts: options.drafts,
    };
    let mut story =
        resolve::resolve_cached(&raw, resolve_options, &mut diagnostics, markdown_cache);
    // The command line's address replaces site.toml's, checked the same way.
    if let Some(given) = &options.base_url {
        match plan::check_base_url(given, "`--base-url`") {
            Ok(base_url) => {
                if let Some(story) = story.as_mut() {
                    story.site.base_url = base_url;
                }
            }
            Err(bad) => diagnostics
                .push(Diagnostic::whole_file(Severity::Error, "", bad.message).help(bad.help)),
        }
    }
    (story, statics, diagnostics.into_sorted(), raw)
}

/// What a build renders from: the story, its templates and its static files.
struct Inputs {
    story: Story,
    templates: Arc<Templates>,
    statics: Vec<StaticFile>,
}

/// Loads, checks and parses everything a build reads. `None` when there were
/// errors; the diagnostics hold every problem found, errors and warnings.
/// With `pictures`, what the share pictures need is made ready too.
fn prepare(
    options: &BuildOptions,
    pictures: bool,
    cache: Option<&mut Cache>,
) -> (Option<Inputs>, Vec<Diagnostic>) {
    // The templates are parsed on the other core while the story loads, and
    // the pictures' font and graphic and the English strings are made ready.
    let (kept, cache) = match cache {
        Some(cache) => (cache.templates.take(), Some(cache)),
        None => (None, None),
    };
    let ((story, statics, mut found, raw, cache), (templates, diagnostics)) = rayon::join(
        || {
            let mut cache = cache;
            let (story, statics, found, raw) = load_inputs(options, cache.as_deref_mut());
            (story, statics, found, raw, cache)
        },
        || {
            let mut diagnostics = Diagnostics::default();
            let templates = Templates::load(&options.root, kept.as_ref(), &mut diagnostics);
            if pictures {
                render::warm_pictures();
            }
            crate::i18n::warm();
            (templates, diagnostics)
        },
    );
    if let Some(cache) = cache {
        cache.templates.clone_from(&templates);
    }
    found.extend(diagnostics.into_sorted());
    // The raw files of a big story take a while to free: not on the way to the pages.
    rayon::spawn(move || drop(raw));
    match (story, templates) {
        (Some(story), Some(templates)) if !found.iter().any(Diagnostic::is_error) => {
            let inputs = Inputs {
                story,
                templates,
                statics,
            };
            (Some(inputs), found)
        }
        _ => (None, found),
    }
}

/// Renders every page of the plan and every data file, and passes each to
/// `each` as soon as it is made. The data files need only the story: they are
/// made while the pages render, unless the render options defer them.
fn render_all<T: Send>(
    story: &Story,
    plan: render::Plan<'_, '_>,
    templates: &Templates,
    render_options: &RenderOptions,
    memo: Option<&mut render::RenderMemo>,
    keep: Option<&render::Keep<'_, T>>,
    each: impl Fn(Page) -> T + Sync,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut memo = memo;
    // Only `serve` keeps the pictures for its next build.
    let mut drawn = memo.as_deref_mut().map(render::RenderMemo::take_pictures);
    let (rendered, exports) = rayon::join(
        || {
            render::render_each(
                story,
                plan,
                templates,
                render_options,
                memo.as_deref_mut(),
                keep,
                &each,
            )
        },
        || {
            // An edition's pictures and data are under its folder.
            let each = |mut page: Page| {
                page.path.insert_str(0, story.prefix());
                each(page)
            };
            let mut made =
                render::share_pictures(story, render_options, drawn.as_mut(), keep, each);
            if !(render_options.defer_data && story.edition == 0) {
                // One at a time, each dropped once emitted.
                made.extend((0..export::PATHS.len()).map(|at| each(export::file(story, at))));
            }
            made
        },
    );
    if let (Some(memo), Some(drawn)) = (memo, drawn) {
        memo.keep_pictures(drawn);
    }
    let mut made = rendered?;
    made.extend(exports);
    Ok(made)
}

/// The other editions of the story, made from its translations, and a
/// warning per language that says what is not translated yet.
pub(crate) fn editions(story: &Story) -> (Vec<Story>, Vec<Diagnostic>) {
    let mut made = Vec::with_capacity(story.texts.len());
    let mut warnings = Vec::new();
    for (n, texts) in story.texts.iter().enumerate() {
        let index = n + 1;
        let locale = story.locales[index].clone();
        let (edition, missing) =
            crate::edition::edition(story, texts, locale, story.editions.clone(), index);
        if !missing.items.is_empty() {
            let count = missing.items.len();
            let lang = &texts.lang;
            let shown: Vec<&str> = missing.items.iter().take(12).map(String::as_str).collect();
            let more = match count > shown.len() {
                true => format!("; and {} more", count - shown.len()),
                false => String::new(),
            };
            warnings.push(
                Diagnostic::whole_file(
                    Severity::Warning,
                    "content/site.toml",
                    format!(
                        "{count} item{} not yet translated into `{lang}`, shown in the `{}` edition in {}: {}{more}",
                        if count == 1 { " is" } else { "s are" },
                        lang,
                        story.site.language,
                        shown.join("; ")
                    ),
                )
                .help(format!(
                    "translate them in the `.{lang}.` sibling of each file (docs/translations.md); `explainer translations` lists every missing and out-of-date field"
                )),
            );
        }
        made.push(edition);
    }
    (made, warnings)
}

/// The built-in static files, then the story's `static/`, which wins on a name clash.
fn static_files(root: &Path, diagnostics: &mut Diagnostics) -> Vec<StaticFile> {
    let mut files: Vec<StaticFile> = BUILT_IN_STATIC
        .iter()
        .map(|(path, bytes)| StaticFile {
            path: path.to_string(),
            bytes: Bytes::BuiltIn(bytes),
        })
        .collect();
    for (path, full) in load::files_under(root, "static", diagnostics) {
        files.retain(|f| f.path != path);
        files.push(StaticFile {
            path,
            bytes: Bytes::File(full),
        });
    }
    files
}

/// Takes the stylesheets out of the static files and returns them minified, as pages.
fn minify_stylesheets(statics: &mut Vec<StaticFile>, found: &mut Vec<Diagnostic>) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut kept = Vec::with_capacity(statics.len());
    for file in statics.drain(..) {
        if !file.path.ends_with(".css") {
            kept.push(file);
            continue;
        }
        let bytes = match &file.bytes {
            Bytes::BuiltIn(bytes) => Ok(bytes.to_vec()),
            Bytes::File(path) => std::fs::read(path),
        };
        match bytes.map(String::from_utf8) {
            Ok(Ok(text)) => pages.push(Page {
                path: file.path,
                bytes: minify::css(&text).into_bytes().into(),
            }),
            // Not UTF-8 or unreadable: copy it as it is, and say so.
            _ => {
                found.push(Diagnostic::whole_file(
                    Severity::Warning,
                    &format!("static/{}", file.path),
                    "this stylesheet could not be read as UTF-8 text, so it is copied without minifying",
                ));
                kept.push(file);
            }
        }
    }
    *statics = kept;
    pages
}

/// The static files that take the place of a page or data file, or of a
/// folder they need, by path: a static file may do neither.
#[derive(Default)]
struct Clashes {
    /// Static files with the path of a page.
    built: BTreeSet<String>,
    /// Static files with the name of a page's folder.
    folders: BTreeSet<String>,
}

impl Clashes {
    /// The clashes of one edition's `pages` with the static files.
    fn find(pages: &[String], statics: &[StaticFile]) -> Clashes {
        // The static files are few and the pages many: look each page's path
        // and folders up among the static files, not the other way round.
        let paths: BTreeSet<&str> = statics.iter().map(|s| s.path.as_str()).collect();
        let mut clashes = Clashes::default();
        for page in pages {
            if let Some(&path) = paths.get(page.as_str()) {
                clashes.built.insert(path.to_string());
            }
            for (i, _) in page.match_indices('/') {
                if let Some(&path) = paths.get(&page[..i]) {
                    clashes.folders.insert(path.to_string());
                }
            }
        }
        clashes
    }

    /// Another edition's clashes too.
    fn extend(&mut self, other: Clashes) {
        self.built.extend(other.built);
        self.folders.extend(other.folders);
    }

    /// An error for each of `statics` that clashes, in their order.
    fn diagnostics(&self, statics: &[StaticFile]) -> Vec<Diagnostic> {
        statics
            .iter()
            .filter_map(|s| {
                let path = s.path.as_str();
                let message = if self.built.contains(path) {
                    "this static file has the path of a page the build writes"
                } else if self.folders.contains(path) {
                    "this static file has the name of a folder the built pages need"
                } else {
                    return None;
                };
                Some(
                    Diagnostic::whole_file(Severity::Error, &format!("static/{path}"), message)
                        .help(
                            "rename or move it: to change a page, override its template in templates/",
                        ),
                )
            })
            .collect()
    }
}
