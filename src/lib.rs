//! explainer: a static site generator for single-story explainer microsites.
//!
//! The pipeline runs one way: `load -> resolve -> render -> write`. `check` is
//! the same pipeline stopped before writing; `build` writes the pages into a
//! new folder and swaps it in only when everything succeeded.

pub mod diagnostics;
pub mod export;
pub mod links;
pub mod load;
pub mod markdown;
pub mod minify;
pub mod model;
pub mod plan;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod timelinejs;
pub mod watch;
pub mod write;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use diagnostics::{Diagnostic, Diagnostics, Severity};
use model::Story;
use render::{Page, RenderOptions, Templates};
use resolve::ResolveOptions;
use write::{Bytes, StaticFile};

/// Static files that ship inside the binary; a story's `static/` overrides them by name.
const BUILT_IN_STATIC: [(&str, &[u8]); 3] = [
    ("style.css", include_bytes!("../static/style.css")),
    ("favicon.svg", include_bytes!("../static/favicon.svg")),
    ("share.png", include_bytes!("../static/share.png")),
];

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The story folder (holding `content/`).
    pub root: PathBuf,
    /// Defaults to `root/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `site.toml`.
    pub base_url: Option<String>,
    pub drafts: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// The site in memory, ready to be written or served.
#[derive(Debug)]
pub struct Site {
    pub pages: Vec<Page>,
    pub statics: Vec<StaticFile>,
    /// The data files, when they were deferred; otherwise they are among the pages.
    pub data: Option<Arc<DataFiles>>,
}

/// The data files of a story (see [`export`]), made when one is first asked
/// for. The same bytes a build writes, from the same story.
#[derive(Debug)]
pub struct DataFiles {
    story: Story,
    made: OnceLock<Vec<Page>>,
}

impl DataFiles {
    /// Where the files go, relative to the site root.
    pub fn paths() -> &'static [&'static str] {
        &export::PATHS
    }

    /// The file at `path`, made (with the others) the first time one is asked for.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        let made = self.made.get_or_init(|| export::files(&self.story));
        made.iter()
            .find(|page| page.path == path)
            .map(|page| page.bytes.as_slice())
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    pub pages: usize,
    pub static_files: usize,
    pub elapsed: Duration,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
}

/// What `serve` keeps from one build to the next: each file's parse, each
/// Markdown field's HTML, each page's bytes and each actor map, each reused
/// only while what it was made from is unchanged.
#[derive(Debug, Default)]
pub struct Cache {
    load: load::LoadCache,
    markdown: resolve::MarkdownCache,
    pages: render::RenderMemo,
}

/// Loads and validates the story: every problem, errors and warnings, sorted.
pub fn load_story(options: &BuildOptions) -> (Option<Story>, Vec<Diagnostic>) {
    let (story, _, diagnostics) = load_inputs(options, None);
    (story, diagnostics)
}

/// Reads everything a build reads but the templates: the story and static/.
fn load_inputs(
    options: &BuildOptions,
    cache: Option<&mut Cache>,
) -> (Option<Story>, Vec<StaticFile>, Vec<Diagnostic>) {
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
    let resolve_options = ResolveOptions {
        drafts: options.drafts,
    };
    let mut story =
        resolve::resolve_cached(&raw, resolve_options, &mut diagnostics, markdown_cache);
    if let (Some(story), Some(base_url)) = (story.as_mut(), &options.base_url) {
        story.site.base_url = if base_url.ends_with('/') {
            base_url.clone()
        } else {
            format!("{base_url}/")
        };
    }
    (story, statics, diagnostics.into_sorted())
}

/// What a build renders from: the story, its templates and its static files.
struct Inputs {
    story: Story,
    templates: Templates,
    statics: Vec<StaticFile>,
}

/// Loads, checks and parses everything a build reads. `None` when there were
/// errors; the diagnostics hold every problem found, errors and warnings.
fn prepare(options: &BuildOptions, cache: Option<&mut Cache>) -> (Option<Inputs>, Vec<Diagnostic>) {
    // The templates are parsed on the other core while the story loads.
    let ((story, statics, mut found), (templates, diagnostics)) = rayon::join(
        || load_inputs(options, cache),
        || {
            let mut diagnostics = Diagnostics::default();
            let templates = Templates::load(&options.root, &mut diagnostics);
            (templates, diagnostics)
        },
    );
    found.extend(diagnostics.into_sorted());
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

/// Renders every page and data file, minified when the site asks for it, and
/// passes each to `each` as soon as it is made (on any thread). The data files
/// need only the story: they are made while the pages render.
fn render_all<T: Send>(
    story: &Story,
    templates: &Templates,
    render_options: &RenderOptions,
    memo: Option<&mut render::RenderMemo>,
    each: impl Fn(Page) -> T + Sync,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let each = |mut page: Page| {
        if story.site.minify {
            minify_page(&mut page);
        }
        each(page)
    };
    let (rendered, exports) = rayon::join(
        || render::render_each(story, templates, render_options, memo, each),
        || match render_options.defer_data {
            true => Vec::new(),
            false => export::files(story)
                .into_iter()
                .map(&each)
                .collect::<Vec<T>>(),
        },
    );
    let mut made = rendered?;
    made.extend(exports);
    Ok(made)
}

/// Runs every step of a build except writing. Returns the site and all diagnostics.
pub fn make_site(
    options: &BuildOptions,
    render_options: &RenderOptions,
) -> (Option<Site>, Vec<Diagnostic>) {
    make_site_with(options, render_options, None)
}

/// [`make_site`] for one build of many: reuses and refills `cache`.
pub fn make_site_cached(
    options: &BuildOptions,
    render_options: &RenderOptions,
    cache: &mut Cache,
) -> (Option<Site>, Vec<Diagnostic>) {
    make_site_with(options, render_options, Some(cache))
}

fn make_site_with(
    options: &BuildOptions,
    render_options: &RenderOptions,
    mut cache: Option<&mut Cache>,
) -> (Option<Site>, Vec<Diagnostic>) {
    let (inputs, mut found) = prepare(options, cache.as_deref_mut());
    let Some(Inputs {
        story,
        templates,
        mut statics,
    }) = inputs
    else {
        return (None, found);
    };
    let memo = cache.map(|cache| &mut cache.pages);
    let rendered = render_all(&story, &templates, render_options, memo, |page| page);
    let mut pages = match rendered {
        Ok(pages) => pages,
        Err(errors) => {
            found.extend(errors);
            return (None, found);
        }
    };
    if story.site.minify {
        pages.extend(minify_stylesheets(&mut statics, &mut found));
    }
    let deferred = render_options.defer_data.then(DataFiles::paths);
    let paths = pages.iter().map(|p| p.path.as_str());
    let collisions = collisions(
        paths.chain(deferred.into_iter().flatten().copied()),
        &statics,
    );
    if !collisions.is_empty() {
        found.extend(collisions);
        return (None, found);
    }
    let data = render_options.defer_data.then(|| {
        Arc::new(DataFiles {
            story,
            made: OnceLock::new(),
        })
    });
    let site = Site {
        pages,
        statics,
        data,
    };
    (Some(site), found)
}

/// Checks the story without writing anything.
pub fn check(options: &BuildOptions) -> Vec<Diagnostic> {
    make_site(options, &RenderOptions::default()).1
}

/// Builds the story into its output folder. On error nothing in the output changes.
///
/// Each page is written into the new folder as soon as it is rendered, so the
/// writing overlaps the rendering and the site is never all in memory.
pub fn build(options: &BuildOptions) -> Result<Built, Vec<Diagnostic>> {
    let started = Instant::now();
    let output = options.output_dir();
    if let Some(reason) = write::refuse_output(&options.root, &output) {
        return Err(vec![
            Diagnostic::whole_file(Severity::Error, "", reason)
                .help("choose another folder with --output, like `public`"),
        ]);
    }
    let (inputs, mut found) = prepare(options, None);
    let Some(Inputs {
        story,
        templates,
        mut statics,
    }) = inputs
    else {
        return Err(found);
    };
    let cannot_write = |error: std::io::Error| {
        Diagnostic::whole_file(
            Severity::Error,
            "",
            format!("cannot write the site: {error}"),
        )
    };
    let staging = match write::Staging::new(&output) {
        Ok(staging) => staging,
        Err(error) => {
            found.push(cannot_write(error));
            return Err(found);
        }
    };
    let write_page = |page: Page| staging.write(&page.path, &page.bytes).map(|()| page.path);
    let rendered = render_all(
        &story,
        &templates,
        &RenderOptions::default(),
        None,
        write_page,
    );
    let written = match rendered {
        Ok(written) => written,
        Err(errors) => {
            found.extend(errors);
            return Err(found);
        }
    };
    let mut paths = match written.into_iter().collect::<Result<Vec<String>, _>>() {
        Ok(paths) => paths,
        Err(error) => {
            found.push(cannot_write(error));
            return Err(found);
        }
    };
    if story.site.minify {
        for page in minify_stylesheets(&mut statics, &mut found) {
            if let Err(error) = staging.write(&page.path, &page.bytes) {
                found.push(cannot_write(error));
                return Err(found);
            }
            paths.push(page.path);
        }
    }
    let collisions = collisions(paths.iter().map(String::as_str), &statics);
    if !collisions.is_empty() {
        found.extend(collisions);
        return Err(found);
    }
    let published = staging.copy(&statics).and_then(|()| staging.publish());
    if let Err(error) = published {
        found.push(cannot_write(error));
        return Err(found);
    }
    Ok(Built {
        pages: paths.len(),
        static_files: statics.len(),
        elapsed: started.elapsed(),
        warnings: found,
    })
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

/// Minifies an HTML page; other files are left as they are.
fn minify_page(page: &mut Page) {
    if page.path.ends_with(".html")
        && let Ok(text) = std::str::from_utf8(&page.bytes)
    {
        page.bytes = minify::html(text).into_bytes();
    }
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
                bytes: minify::css(&text).into_bytes(),
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

/// A static file may not take the place of a built page, nor of a folder the pages need.
fn collisions<'a>(
    pages: impl Iterator<Item = &'a str> + Clone,
    statics: &[StaticFile],
) -> Vec<Diagnostic> {
    let built: BTreeSet<&str> = pages.clone().collect();
    let folders: BTreeSet<&str> = pages
        .flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..i]))
        .collect();
    statics
        .iter()
        .filter_map(|s| {
            let path = s.path.as_str();
            let message = if built.contains(path) {
                "this static file has the path of a page the build writes"
            } else if folders.contains(path) {
                "this static file has the name of a folder the built pages need"
            } else {
                return None;
            };
            Some(
                Diagnostic::whole_file(Severity::Error, &format!("static/{path}"), message).help(
                    "rename or move it: to change a page, override its template in templates/",
                ),
            )
        })
        .collect()
}
