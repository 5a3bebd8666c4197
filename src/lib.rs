//! explainer: a static site generator for single-story explainer microsites.
//!
//! The pipeline runs one way: `load -> resolve -> plan -> render -> emit`
//! (see `pipeline`). `check` is the same pipeline with nothing written;
//! `build` writes the pages into a new folder and swaps it in only when
//! everything succeeded; `serve` keeps them in memory and serves them.

pub mod diagnostics;
pub mod edition;
pub mod export;
pub mod i18n;
pub mod links;
pub mod load;
pub mod markdown;
pub mod minify;
pub mod model;
mod pipeline;
pub mod plan;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod timelinejs;
pub mod translations;
pub mod watch;
pub mod write;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use diagnostics::Diagnostic;
use model::Story;
use pipeline::Made;
use render::{Page, RenderOptions};
use write::StaticFile;

/// The hash maps and sets of a build's hot paths (ids, the caches, the
/// pages kept by `serve`). Their keys are random for each process, as
/// std's are, so a hostile story cannot choose ids that all collide; they
/// hash short strings several times faster than std's SipHash. Nothing may
/// depend on their order: it changes from one run to the next.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
/// See [`FastMap`].
pub(crate) type FastSet<K> = std::collections::HashSet<K, ahash::RandomState>;

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
    /// Replace an output folder that explainer did not make.
    pub force: bool,
    /// How the site is put in the output folder.
    pub mode: write::Mode,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            force: false,
            mode: write::Mode::Update,
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
            .map(|page| &page.bytes[..])
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    /// The HTML pages made, in every edition.
    pub pages: usize,
    /// The other files made: pictures, data files, feeds, the sitemap.
    pub other_files: usize,
    pub static_files: usize,
    /// What changed in the output folder.
    pub written: write::Written,
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
    /// One per edition, the default first.
    pages: Vec<render::RenderMemo>,
    /// The last build's templates, parsed.
    templates: Option<std::sync::Arc<render::Templates>>,
}

impl Cache {
    /// Says which files changed since the last build (story-relative
    /// paths, like `content/events/x.toml`): they are read again whatever
    /// the file system says of them.
    pub fn changed<'a>(&mut self, paths: impl IntoIterator<Item = &'a str>) {
        self.load.touch(paths.into_iter().map(str::to_string));
    }

    /// Says that any file may have changed since the last build: every
    /// one is read again.
    pub fn changed_all(&mut self) {
        self.load.touch_all();
    }

    /// The pages whose context the last build made, by path, every edition's:
    /// the others were taken from the build before, which an edit could not
    /// have changed. For tests and benchmarks of work in proportion to an edit.
    pub fn made_pages(&self) -> Vec<&str> {
        let mut made: Vec<&str> = (self.pages.iter())
            .flat_map(|memo| memo.made().iter().map(String::as_str))
            .collect();
        made.sort_unstable();
        made
    }
}

/// Loads and validates the story: every problem, errors and warnings, sorted.
pub fn load_story(options: &BuildOptions) -> (Option<Story>, Vec<Diagnostic>) {
    pipeline::load_story(options)
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
    cache: Option<&mut Cache>,
) -> (Option<Site>, Vec<Diagnostic>) {
    let made = pipeline::run(options, render_options, cache, None, Ok);
    let Made {
        story,
        emitted: pages,
        statics,
        warnings,
    } = match made {
        Ok(made) => made,
        Err(found) => return (None, found),
    };
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
    (Some(site), warnings)
}

/// Checks the story without writing anything.
pub fn check(options: &BuildOptions) -> Vec<Diagnostic> {
    make_site(options, &RenderOptions::default()).1
}

/// Builds the story into its output folder. On error nothing in the output changes.
///
/// Each page is handed to the writer as soon as it is rendered: a page whose
/// bytes the output already holds is left alone, the others are written
/// into a staging folder (made when the first is ready: a story with errors
/// writes nothing), so the writing overlaps the rendering and the site is
/// never all in memory. See [`write`] for how the site is put in place.
pub fn build(options: &BuildOptions) -> Result<Built, Vec<Diagnostic>> {
    let started = Instant::now();
    let output = options.output_dir();
    if let Some(refusal) = write::refuse_output(&options.root, &output, options.force) {
        return Err(vec![refusal]);
    }
    let writer = write::Writer::new(&output, options.mode);
    let write_page = |page: Page| writer.write(&page.path, &page.bytes);
    // Pages an edit cannot have changed stay as the output holds them.
    let keep = |path: &str| writer.keep(path).map(Ok);
    // Share pictures the output holds already are read back, not drawn
    // again; into a new folder, none is looked for.
    let render_options = RenderOptions {
        previous_output: output.is_dir().then(|| output.clone()),
        pictures: true,
        ..RenderOptions::default()
    };
    let Made {
        story,
        emitted: mut entries,
        statics,
        mut warnings,
    } = pipeline::run(options, &render_options, None, Some(&keep), write_page)?;
    // Freed on the other core while this one puts the site in place.
    rayon::spawn(move || drop(story));
    let pages = entries.iter().filter(|entry| entry.is_page()).count();
    let other_files = entries.len() - pages;
    let published = writer.copy(&statics).and_then(|copied| {
        entries.extend(copied);
        writer.publish(entries)
    });
    let written = match published {
        Ok(written) => written,
        Err(error) => {
            warnings.push(pipeline::cannot_write(error));
            return Err(warnings);
        }
    };
    Ok(Built {
        pages,
        other_files,
        static_files: statics.len(),
        written,
        elapsed: started.elapsed(),
        warnings,
    })
}
