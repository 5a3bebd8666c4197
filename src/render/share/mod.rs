//! Share pictures: the picture a link to a page shows on social sites, with
//! the story's or the page's title drawn on the built-in graphic.
//!
//! Steps: break the title into lines; name the card by a hash of what it
//! draws (`share/HASH.png`), so that a picture that did not change keeps its
//! name and can be cached for long; draw it: the graphic, rasterized once
//! with resvg, then the text, shaped with harfrust and each glyph filled
//! once per size by how much of each pixel it covers (ab_glyph_rasterizer),
//! from the bundled DejaVu Sans Bold (Latin, Cyrillic and Azerbaijani
//! letters), no system font and no network, on a layer over the graphic; encode it as a PNG of palette colours, a byte a
//! pixel, from what was drawn ([`encode`]). A card takes about 0.25 ms.
//! A picture whose name the previous build made is read back, not drawn
//! again; `serve` keeps its pictures from one build to the next; `check`
//! draws none.
//!
//! Each line is shaped as one left-to-right run: enough for the Latin,
//! Cyrillic and Azerbaijani titles of the languages explainer speaks; a
//! right-to-left title (Arabic, Hebrew) would come out in the wrong order.
//!
//! A story whose `static/` has its own `share.png` gets no cards: its
//! picture is used everywhere, as before.

mod encode;

use crate::{FastMap, FastSet};
use std::sync::{Arc, LazyLock, OnceLock, PoisonError, RwLock};

use crate::markdown::smart_text;
use crate::model::Story;
use crate::plan::{Kind, Route};

/// The bundled font; its license is `fonts/DejaVu-LICENSE`.
const FONT: &[u8] = include_bytes!("../../../fonts/DejaVuSans-Bold.ttf");
/// Changes every picture's name when the drawing code changes.
const VERSION: &str = "card-5";
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 630;

/// One share picture: its path in the output and what it draws.
pub(crate) struct Card {
    pub(crate) path: String,
    kicker: String,
    /// The title's type size in pixels, and its lines.
    size: u32,
    lines: Vec<String>,
}

/// The card of a page: a small line above (the site's title, or "Explainer"
/// on the story) and the title. Each is laid out once, on any core, and kept
/// for the process: a page names its picture from its card and the picture
/// is drawn from the same card (laying each out twice was 0.7% of a fresh M
/// build), and `serve` needs every card again on every save.
fn card(kicker: &str, title: &str) -> Arc<Card> {
    static LAID_OUT: LazyLock<RwLock<FastMap<u128, Arc<Card>>>> = LazyLock::new(Default::default);
    let mut key = xxhash_rust::xxh3::Xxh3::new();
    key.update(&kicker.len().to_le_bytes());
    key.update(kicker.as_bytes());
    key.update(title.as_bytes());
    // The cards of titles edited away in `serve` are not kept for ever.
    kept_or_made(&LAID_OUT, key.digest128(), 1 << 16, |_| {
        Arc::new(lay_out(kicker, title))
    })
}

/// What `kept` holds under `key`, or what `make` makes of it, kept: made
/// outside the lock, on the first core to need it, while the others go on.
/// A map of `bound` values is emptied before it takes another.
fn kept_or_made<K: std::hash::Hash + Eq, V: Clone>(
    kept: &RwLock<FastMap<K, V>>,
    key: K,
    bound: usize,
    make: impl FnOnce(&K) -> V,
) -> V {
    let found = (kept.read())
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
        .cloned();
    found.unwrap_or_else(|| {
        let made = make(&key);
        let mut kept = kept.write().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= bound {
            kept.clear();
        }
        kept.entry(key).or_insert(made).clone()
    })
}

/// [`card`], laid out.
fn lay_out(kicker: &str, title: &str) -> Card {
    let kicker = fit(kicker, 28, "…");
    let (size, lines) = lines(title);
    // Named by what it draws (the graphic is fixed, and VERSION says how).
    let mut named = format!("{VERSION}\n{kicker}\n{size}");
    for line in &lines {
        named.push('\n');
        named.push_str(line);
    }
    let hash = xxhash_rust::xxh3::xxh3_64(named.as_bytes());
    Card {
        path: format!("share/{hash:016x}.png"),
        kicker,
        size,
        lines,
    }
}

/// The card for the page at `route`, when the story's pictures are drawn:
/// the story, the timeline (and its periods), the who's who and each actor
/// have their own; events only with `event_share_cards = true`; every other
/// page shows the story's.
pub(crate) fn card_for(story: &Story, route: &Route) -> Option<Arc<Card>> {
    if !story.site.share_cards {
        return None;
    }
    let page = match route.kind {
        Kind::Timeline | Kind::Period => Some(story.locale.text("timeline_title").to_string()),
        Kind::Actors => Some(story.locale.text("actors_title").to_string()),
        Kind::Actor => story
            .actors
            .iter()
            .find(|a| a.id == route.key)
            .map(|a| a.name.clone()),
        Kind::Event if story.site.event_share_cards => story
            .events
            .iter()
            .find(|e| e.id == route.key)
            .map(|e| smart_text(&e.title).into_owned()),
        _ => None,
    };
    Some(page_card(story, page))
}

/// The card of a page with its own title (under the site's), or the story's.
fn page_card(story: &Story, page: Option<String>) -> Arc<Card> {
    let title = smart_text(&story.site.title);
    match page {
        Some(page) => card(&title, &page),
        None => card(story.locale.text("kicker"), &title),
    }
}

/// Every card the story's pages show, once each: [`card_for`] each page
/// that has its own, its title taken from the item itself.
pub(crate) fn cards(story: &Story) -> Vec<Arc<Card>> {
    if !story.site.share_cards {
        return Vec::new();
    }
    let lists = [Kind::Story, Kind::Timeline, Kind::Actors];
    let mut cards: Vec<Arc<Card>> = (lists.iter())
        .filter_map(|&kind| card_for(story, &Route::one(kind)))
        .collect();
    let actors = story.actors.iter().map(|a| a.name.clone());
    let events = (story.events.iter())
        .filter(|_| story.site.event_share_cards)
        .map(|e| smart_text(&e.title).into_owned());
    cards.extend(
        actors
            .chain(events)
            .map(|page| page_card(story, Some(page))),
    );
    let mut seen = FastSet::default();
    cards.retain(|card| seen.insert(card.path.clone()));
    cards
}

/// Reads the font and draws the graphic now, so that the first card does
/// not wait for them (a few milliseconds, once a process).
pub(crate) fn warm() {
    Artist::get();
}

/// The card drawn as a PNG: the text, glyph by glyph, on a layer over the
/// graphic (drawn once), then both encoded (see [`encode`]). `None` only if
/// the font or the graphic could not be read (both are ours, so that would
/// be a bug, and the page keeps its picture's name).
pub(crate) fn draw(card: &Card) -> Option<Vec<u8>> {
    let artist = Artist::get()?;
    LAYER.with(|layer| {
        let mut layer = layer.borrow_mut();
        // Rubbed out first: a card that panicked half-drawn (`serve` lives
        // on) must not leave its ink under the next one.
        layer.wipe();
        let band = artist.letter(&mut layer, card);
        Some(encode::encode(
            &artist.graphic,
            &mut layer,
            band.as_deref(),
            &artist.palette,
        ))
    })
}

const BACKGROUND: [u8; 3] = [0x1b, 0x1b, 0x1b];
/// The text's colours, and how many shades of each over the background its
/// smoothed edges take (the background counted): more than the eye tells.
const KICKER: ([u8; 3], usize) = ([0xf2, 0x8b, 0x82], 32);
const TITLE: ([u8; 3], usize) = ([0xec, 0xeb, 0xe8], 64);
/// Where the text stands: between the red bar and the timeline at the
/// bottom, on the plain background.
const TEXT_ROWS: std::ops::Range<i32> = 20..500;

/// [`TEXT_ROWS`], as the layer and the encoder count rows.
fn text_rows() -> std::ops::Range<usize> {
    TEXT_ROWS.start as usize..TEXT_ROWS.end as usize
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Ink {
    Kicker,
    Title,
}

/// What every card shares, made once: the graphic as palette indices, the
/// palette (the graphic's colours, then the shades of each ink), and the font.
struct Artist {
    graphic: encode::Graphic,
    palette: Vec<u8>,
    /// The palette index of each ink's faintest shade.
    kicker: u8,
    title: u8,
    units_per_em: f32,
    shaper: harfrust::ShaperData,
    shaping: harfrust::FontRef<'static>,
    outlines: &'static skrifa::FontRef<'static>,
    /// Glyphs filled so far, on any core: the letters of one title are
    /// mostly the letters of the others.
    glyphs: RwLock<FastMap<GlyphKey, Option<Arc<Glyph>>>>,
    /// How to shape a line of each direction, script and language, made
    /// once: making one was about half of shaping a short line.
    plans: RwLock<FastMap<PlanKey, Arc<harfrust::ShapePlan>>>,
    /// Each kicker's rows, drawn and compressed once: every card but the
    /// story's has the site's title there (a quarter of a card's rows).
    bands: RwLock<FastMap<String, Arc<encode::Band>>>,
}

/// What a shaping plan is made for.
type PlanKey = (
    harfrust::Direction,
    harfrust::Script,
    Option<harfrust::Language>,
);

/// A glyph at one size, one quarter-pixel offset and in one ink: the
/// palette index of each pixel's shade (0, the background, where it does
/// not reach), and where its top-left corner is from the pen on the baseline.
struct Glyph {
    left: i32,
    top: i32,
    /// Its pixels, and its rows as the encoder writes them.
    stamp: Arc<encode::Stamp>,
}

/// A glyph's id, size in pixels, quarter-pixel offset and ink.
type GlyphKey = (u32, u32, u8, Ink);

thread_local! {
    /// The text of the card being drawn on this thread.
    static LAYER: std::cell::RefCell<encode::Layer> =
        std::cell::RefCell::new(encode::Layer::new(text_rows()));
}

impl Artist {
    fn get() -> Option<&'static Artist> {
        static ARTIST: OnceLock<Option<Artist>> = OnceLock::new();
        ARTIST.get_or_init(Artist::new).as_ref()
    }

    fn new() -> Option<Artist> {
        let runs = graphic_runs()?;
        let mut counts: FastMap<[u8; 3], usize> = FastMap::default();
        for &(colour, length) in &runs {
            *counts.entry(colour).or_default() += length;
        }
        // The background first (index 0), then the commonest colours, as
        // many as the inks leave room for; a rarer one (a sliver of some
        // edge) takes the nearest of those.
        let room = 256 - (KICKER.1 - 1) - (TITLE.1 - 1);
        let mut colours: Vec<([u8; 3], usize)> = counts.into_iter().collect();
        colours.sort_by_key(|&(colour, count)| (colour != BACKGROUND, usize::MAX - count, colour));
        colours.truncate(room);
        let kept: Vec<[u8; 3]> = colours.into_iter().map(|(colour, _)| colour).collect();
        let mut nearest: FastMap<[u8; 3], u8> = FastMap::default();
        let mut graphic = Vec::with_capacity((WIDTH * HEIGHT) as usize);
        for (pixel, length) in runs {
            let index = *nearest.entry(pixel).or_insert_with(|| {
                let distance = |c: &[u8; 3]| {
                    (0..3)
                        .map(|i| (i32::from(c[i]) - i32::from(pixel[i])).pow(2))
                        .sum::<i32>()
                };
                (0..kept.len())
                    .min_by_key(|&i| distance(&kept[i]))
                    .map_or(0, |i| i as u8)
            });
            graphic.resize(graphic.len() + length, index);
        }
        let mut palette: Vec<u8> = kept.iter().flatten().copied().collect();
        let mut shades = |(ink, count): ([u8; 3], usize)| {
            let first = (palette.len() / 3) as u8;
            for shade in 1..count {
                for (channel, background) in ink.iter().zip(BACKGROUND) {
                    let (to, from) = (i32::from(*channel), i32::from(background));
                    let mixed = from + (to - from) * shade as i32 / (count as i32 - 1);
                    palette.push(mixed as u8);
                }
            }
            first
        };
        let kicker = shades(KICKER);
        let title = shades(TITLE);
        let graphic = encode::Graphic::new(graphic, text_rows());
        // The text stands on the plain background.
        if !graphic.is_blank(text_rows()) {
            return None;
        }
        let shaping = harfrust::FontRef::new(FONT).ok()?;
        let outlines = font()?;
        use skrifa::raw::TableProvider;
        Some(Artist {
            units_per_em: f32::from(outlines.head().ok()?.units_per_em()),
            graphic,
            palette,
            kicker,
            title,
            shaper: harfrust::ShaperData::new(&shaping),
            shaping,
            outlines,
            glyphs: RwLock::default(),
            plans: RwLock::default(),
            bands: RwLock::default(),
        })
    }

    /// Writes the card's title lines, and its kicker unless the rows it
    /// stands on are kept compressed: then returns them.
    fn letter(&self, layer: &mut encode::Layer, card: &Card) -> Option<Arc<encode::Band>> {
        let kept = (self.bands.read())
            .unwrap_or_else(PoisonError::into_inner)
            .get(&card.kicker)
            .cloned();
        let band = kept.or_else(|| {
            // The kicker alone on the layer, then its rows and the blank one
            // below compressed (the title lines are drawn on it next).
            let rows = self.kicker(layer, card)?;
            let band = Arc::new(encode::Band::new(&self.graphic, layer, rows.end + 1)?);
            let mut bands = self.bands.write().unwrap_or_else(PoisonError::into_inner);
            // A kicker is the site's title: `serve` sees a few as it is edited.
            if bands.len() >= 16 {
                bands.clear();
            }
            bands.insert(card.kicker.clone(), Arc::clone(&band));
            Some(band)
        });
        let top = self.title(layer, card);
        // A title reaching up into the band (it never does at these sizes)
        // is drawn over the kicker, as it would be without one.
        match band {
            Some(band) if top.is_none_or(|top| top >= band.end()) => Some(band),
            Some(_) => {
                self.kicker(layer, card);
                None
            }
            None => None,
        }
    }

    /// Writes the card's kicker line; returns the rows it reaches.
    fn kicker(&self, layer: &mut encode::Layer, card: &Card) -> Option<std::ops::Range<usize>> {
        self.write(layer, &card.kicker, 28, 110, Ink::Kicker)
    }

    /// Writes the card's title lines; returns the first row they reach.
    fn title(&self, layer: &mut encode::Layer, card: &Card) -> Option<usize> {
        let line_height = card.size * 6 / 5;
        let mut reach = None;
        for (n, line) in card.lines.iter().enumerate() {
            let baseline = 110 + 40 + card.size + line_height * n as u32;
            let rows = self.write(layer, line, card.size, baseline, Ink::Title);
            reach = union(reach, rows);
        }
        reach.map(|rows| rows.start)
    }

    /// Writes one line of text from x = 100 on `baseline`, in `size` pixels;
    /// returns the rows its letters reach, if any does.
    fn write(
        &self,
        layer: &mut encode::Layer,
        text: &str,
        size: u32,
        baseline: u32,
        ink: Ink,
    ) -> Option<std::ops::Range<usize>> {
        let mut reach: Option<std::ops::Range<usize>> = None;
        let shaped = self.shape(text);
        let scale = size as f32 / self.units_per_em;
        let mut pen = 100.0_f32;
        for (info, position) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            let x = pen + position.x_offset as f32 * scale;
            let y = baseline as f32 - position.y_offset as f32 * scale;
            pen += position.x_advance as f32 * scale;
            // Placed to the quarter pixel: four drawings of each glyph at most.
            let quarters = (x * 4.0).round() as i32;
            let key = (info.glyph_id, size, (quarters & 3) as u8, ink);
            let glyph = kept_or_made(&self.glyphs, key, usize::MAX, |&key| {
                self.glyph(key).map(Arc::new)
            });
            if let Some(glyph) = glyph {
                let left = (quarters >> 2) + glyph.left;
                let top = y.round() as i32 + glyph.top;
                let rows = layer.place(Arc::clone(&glyph.stamp), left, top);
                reach = union(reach, rows);
            }
        }
        reach
    }

    /// One line shaped as one run, with the plan harfrust would make for it
    /// (`Shaper::shape` without one), made for the first line that needs it.
    fn shape(&self, text: &str) -> harfrust::GlyphBuffer {
        let shaper = self.shaper.shaper(&self.shaping).build();
        let mut buffer = harfrust::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let key: PlanKey = (buffer.direction(), buffer.script(), buffer.language());
        let plan = kept_or_made(
            &self.plans,
            key,
            usize::MAX,
            |(direction, script, language)| {
                // A line of digits and punctuation has no script: none is guessed.
                let script = (*script != harfrust::script::UNKNOWN).then_some(*script);
                Arc::new(harfrust::ShapePlan::new(
                    &shaper,
                    *direction,
                    script,
                    language.as_ref(),
                    &[],
                ))
            },
        );
        shaper.shape(buffer, harfrust::ShapeOptions::new().plan(Some(&plan)))
    }

    /// The glyph's outline filled, with smoothed edges; `None` for a space.
    fn glyph(&self, (id, size, quarter, ink): GlyphKey) -> Option<Glyph> {
        use skrifa::MetadataProvider;
        let outlines = self.outlines.outline_glyphs();
        let outline = outlines.get(skrifa::GlyphId::new(id))?;
        let mut pen = Pen {
            shift: f32::from(quarter) / 4.0,
            ..Pen::default()
        };
        let settings = skrifa::outline::DrawSettings::unhinted(
            skrifa::instance::Size::new(size as f32),
            skrifa::instance::LocationRef::default(),
        );
        outline.draw(settings, &mut pen).ok()?;
        skrifa::outline::OutlinePen::close(&mut pen);
        let (low, high) = pen.bounds?;
        // A pixel of room on every side for the smoothed edges.
        let left = low.x.floor() as i32 - 1;
        let top = low.y.floor() as i32 - 1;
        let width = (high.x.ceil() as i32 + 1 - left) as usize;
        let height = (high.y.ceil() as i32 + 1 - top) as usize;
        // Each pixel's exact share of the outline's area.
        let mut area = ab_glyph_rasterizer::Rasterizer::new(width, height);
        let at = |p: ab_glyph_rasterizer::Point| {
            ab_glyph_rasterizer::point(p.x - left as f32, p.y - top as f32)
        };
        for segment in &pen.segments {
            match *segment {
                Segment::Line(a, b) => area.draw_line(at(a), at(b)),
                Segment::Quad(a, c, b) => area.draw_quad(at(a), at(c), at(b)),
                Segment::Cubic(a, c, d, b) => area.draw_cubic(at(a), at(c), at(d), at(b)),
            }
        }
        let (first, count) = match ink {
            Ink::Kicker => (self.kicker, KICKER.1),
            Ink::Title => (self.title, TITLE.1),
        };
        let darkest = (count - 1) as f32;
        let mut shades = vec![0; width * height];
        area.for_each_pixel(|at, cover| {
            // Rounded by adding a half and cutting (`round` is a call), to
            // an i32: a float cut to a usize takes twice the instructions.
            shades[at] = match (cover.min(1.0) * darkest + 0.5) as i32 {
                ..=0 => 0,
                shade => first + (shade - 1) as u8,
            };
        });
        Some(Glyph {
            left,
            top,
            stamp: Arc::new(encode::Stamp::new(shades, width)),
        })
    }
}

/// The graphic's pixels, row after row, as runs of one colour: most pixels
/// are the colour of the one before. Only the rows above and below the
/// text's are drawn; the text's are the plain background (a test draws the
/// whole graphic to check), and filling them was most of drawing it: 10 M
/// of a fresh M build's 832 M instructions.
fn graphic_runs() -> Option<Vec<([u8; 3], usize)>> {
    let tree = resvg::usvg::Tree::from_str(GRAPHIC, &resvg::usvg::Options::default()).ok()?;
    let text = text_rows();
    let mut runs = Vec::new();
    for rows in [0..text.start, text.end..HEIGHT as usize] {
        if rows.start == text.end {
            runs.push((BACKGROUND, text.len() * WIDTH as usize));
        }
        runs.extend(drawn_runs(&tree, rows)?);
    }
    Some(runs)
}

/// The runs of `rows` of the graphic `tree`, drawn on a canvas of their own.
fn drawn_runs(
    tree: &resvg::usvg::Tree,
    rows: std::ops::Range<usize>,
) -> Option<Vec<([u8; 3], usize)>> {
    let mut pixmap = resvg::tiny_skia::Pixmap::new(WIDTH, rows.len() as u32)?;
    // Moved up by a whole number of rows, each pixel is covered as it is
    // on the whole canvas.
    let up = resvg::tiny_skia::Transform::from_translate(0.0, -(rows.start as f32));
    resvg::render(tree, up, &mut pixmap.as_mut());
    // The graphic is opaque, so its premultiplied pixels are its colours.
    let runs = (pixmap.pixels().chunk_by(|a, b| a == b))
        .map(|run| ([run[0].red(), run[0].green(), run[0].blue()], run.len()))
        .collect();
    Some(runs)
}

/// The rows both `a` and `b` reach, and those between.
fn union(
    a: Option<std::ops::Range<usize>>,
    b: Option<std::ops::Range<usize>>,
) -> Option<std::ops::Range<usize>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.start.min(b.start)..a.end.max(b.end)),
        (a, b) => a.or(b),
    }
}

/// A glyph's outline (y up, in pixels) as segments on the canvas (y down),
/// every contour closed, and the box of all their points.
#[derive(Default)]
struct Pen {
    shift: f32,
    segments: Vec<Segment>,
    /// Where the contour began, and where the pen is.
    start: Option<ab_glyph_rasterizer::Point>,
    at: ab_glyph_rasterizer::Point,
    bounds: Option<(ab_glyph_rasterizer::Point, ab_glyph_rasterizer::Point)>,
}

/// A piece of an outline: a line, or a curve through its control points.
enum Segment {
    Line(ab_glyph_rasterizer::Point, ab_glyph_rasterizer::Point),
    Quad(
        ab_glyph_rasterizer::Point,
        ab_glyph_rasterizer::Point,
        ab_glyph_rasterizer::Point,
    ),
    Cubic(
        ab_glyph_rasterizer::Point,
        ab_glyph_rasterizer::Point,
        ab_glyph_rasterizer::Point,
        ab_glyph_rasterizer::Point,
    ),
}

impl Pen {
    /// The point on the canvas, taken into the box.
    fn point(&mut self, x: f32, y: f32) -> ab_glyph_rasterizer::Point {
        let p = ab_glyph_rasterizer::point(x + self.shift, -y);
        let (low, high) = self.bounds.get_or_insert((p, p));
        (low.x, low.y) = (low.x.min(p.x), low.y.min(p.y));
        (high.x, high.y) = (high.x.max(p.x), high.y.max(p.y));
        p
    }
}

impl skrifa::outline::OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close();
        self.at = self.point(x, y);
        self.start = Some(self.at);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let to = self.point(x, y);
        self.segments.push(Segment::Line(self.at, to));
        self.at = to;
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        let control = self.point(cx0, cy0);
        let to = self.point(x, y);
        self.segments.push(Segment::Quad(self.at, control, to));
        self.at = to;
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let (c0, c1) = (self.point(cx0, cy0), self.point(cx1, cy1));
        let to = self.point(x, y);
        self.segments.push(Segment::Cubic(self.at, c0, c1, to));
        self.at = to;
    }
    /// Back to where the contour began: an outline is filled as closed.
    fn close(&mut self) {
        if let Some(start) = self.start.take()
            && (start.x, start.y) != (self.at.x, self.at.y)
        {
            self.segments.push(Segment::Line(self.at, start));
            self.at = start;
        }
    }
}

/// How wide the text may be: from x = 100 to 1100.
const MEASURE: f32 = 1000.0;

/// The title in at most four lines, in the largest of a few sizes that
/// fits; the last line ends with an ellipsis when it does not fit at all.
fn lines(title: &str) -> (u32, Vec<String>) {
    let words: Vec<&str> = title.split_whitespace().collect();
    for (size, most) in [(84, 2), (68, 3), (56, 4), (46, 4)] {
        // Each word measured once a size; a line's width is the sum.
        let measure = Measure::at(size);
        let space = measure.width(" ");
        let mut lines: Vec<(String, f32)> = Vec::new();
        for word in &words {
            let wide = measure.width(word);
            match lines.last_mut() {
                Some((line, width)) if *width + space + wide <= MEASURE => {
                    line.push(' ');
                    line.push_str(word);
                    *width += space + wide;
                }
                _ => lines.push((word.to_string(), wide)),
            }
        }
        if lines.is_empty() {
            lines.push((String::new(), 0.0));
        }
        let fits = lines.iter().all(|(_, width)| *width <= MEASURE);
        let mut lines: Vec<String> = lines.into_iter().map(|(line, _)| line).collect();
        if lines.len() <= most && fits {
            return (size, lines);
        }
        if size == 46 {
            let cut = lines.len() > most;
            lines.truncate(most);
            for line in &mut lines {
                *line = fit(line, size, "");
            }
            if let Some(last) = lines.last_mut()
                && (cut || !fits)
            {
                *last = fit(&format!("{last} …"), size, "…");
            }
            return (size, lines);
        }
    }
    (46, vec![title.to_string()])
}

/// `text` as it is if it fits the measure at `size`, or else cut to its
/// longest start that does, at a space where there is one, ending `mark`.
fn fit(text: &str, size: u32, mark: &str) -> String {
    let measure = Measure::at(size);
    if measure.width(text) <= MEASURE {
        return text.to_string();
    }
    let body = text.strip_suffix(mark).unwrap_or(text).trim_end();
    // The longest start that fits with the mark, letter by letter (once
    // each: a title may be one very long word).
    let room = MEASURE - measure.width(mark);
    let mut used = 0.0;
    let mut longest = 0;
    for (at, letter) in body.char_indices() {
        used += measure.advance(letter);
        if used > room {
            break;
        }
        longest = at + letter.len_utf8();
    }
    // Cut after a word when one fits.
    let at_space = body[..longest]
        .rfind(' ')
        .filter(|&space| space > 0 && longest < body.len());
    let end = at_space.unwrap_or(longest);
    format!("{}{mark}", body[..end].trim_end())
}

/// How wide `text` is at `size` pixels: the advance of each letter, as the
/// font gives it (kerning would change that by a pixel or two).
#[cfg(test)]
fn width(text: &str, size: u32) -> f32 {
    Measure::at(size).width(text)
}

/// The bundled font, read once, for measuring and outlining letters.
fn font() -> Option<&'static skrifa::FontRef<'static>> {
    static FONT_REF: OnceLock<Option<skrifa::FontRef<'static>>> = OnceLock::new();
    FONT_REF
        .get_or_init(|| skrifa::FontRef::new(FONT).ok())
        .as_ref()
}

/// The font's letters at one size: its character map and advances, looked
/// up once for all the text measured at that size.
struct Measure {
    font: Option<(
        skrifa::charmap::Charmap<'static>,
        skrifa::metrics::GlyphMetrics<'static>,
    )>,
    /// A letter the font lacks (or no font) counts as a wide one.
    guess: f32,
}

impl Measure {
    fn at(size: u32) -> Measure {
        use skrifa::MetadataProvider;
        let font = font().map(|font| {
            let metrics = font.glyph_metrics(
                skrifa::instance::Size::new(size as f32),
                skrifa::instance::LocationRef::default(),
            );
            (font.charmap(), metrics)
        });
        Measure {
            font,
            guess: size as f32 * 0.7,
        }
    }

    /// The advance of one letter, in pixels.
    fn advance(&self, letter: char) -> f32 {
        (self.font.as_ref())
            .and_then(|(charmap, metrics)| metrics.advance_width(charmap.map(letter)?))
            .unwrap_or(self.guess)
    }

    /// How wide `text` is: the sum of its letters' advances.
    fn width(&self, text: &str) -> f32 {
        text.chars().map(|letter| self.advance(letter)).sum()
    }
}

/// The built-in graphic, without text: the background, a red bar along the
/// top, and a timeline along the bottom.
const GRAPHIC: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\" viewBox=\"0 0 1200 630\">\
    <rect width=\"1200\" height=\"630\" fill=\"#1b1b1b\"/>\
    <rect width=\"1200\" height=\"14\" fill=\"#9b1c1c\"/>\
    <g transform=\"translate(0 545)\" fill=\"none\" stroke-width=\"6\">\
    <path d=\"M100 0H1100\" stroke=\"#d9d5cc\"/>\
    <circle cx=\"150\" r=\"20\" stroke=\"#f28b82\" fill=\"#1b1b1b\"/>\
    <path d=\"M290 20l8-40M306 20l8-40\" stroke=\"#d9d5cc\"/>\
    <circle cx=\"420\" r=\"20\" stroke=\"#f28b82\" fill=\"#1b1b1b\"/>\
    <circle cx=\"540\" r=\"20\" stroke=\"#f28b82\" fill=\"#1b1b1b\"/>\
    <path d=\"M660 20l8-40M676 20l8-40\" stroke=\"#d9d5cc\"/>\
    <rect x=\"780\" y=\"-20\" width=\"280\" height=\"40\" rx=\"20\" fill=\"#f2b66d\" stroke=\"none\"/>\
    </g></svg>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_shaping_plan_shapes_a_line_as_a_new_plan_does() {
        let Some(artist) = Artist::get() else {
            panic!("the built-in font and graphic load");
        };
        let glyphs = |shaped: &harfrust::GlyphBuffer| -> Vec<(u32, u32, i32, i32, i32)> {
            (shaped.glyph_infos().iter().zip(shaped.glyph_positions()))
                .map(|(i, p)| (i.glyph_id, i.cluster, p.x_advance, p.x_offset, p.y_offset))
                .collect()
        };
        for text in [
            "Timeline",
            "Государственный прокурор в Баку",
            "Azərbaycan və Rusiya",
            "2025 — 1992, 12:30 …",
            "",
            "مرحبا بالعالم",
            "a\u{200d}\u{0}b ́",
        ] {
            // Twice: the second time from the plan the first made.
            for _ in 0..2 {
                let shaper = artist.shaper.shaper(&artist.shaping).build();
                let mut buffer = harfrust::UnicodeBuffer::new();
                buffer.push_str(text);
                buffer.guess_segment_properties();
                let new = shaper.shape(buffer, harfrust::ShapeOptions::new());
                assert_eq!(glyphs(&artist.shape(text)), glyphs(&new), "{text:?}");
            }
        }
    }

    #[test]
    fn long_titles_take_more_lines_in_smaller_type_and_stop_at_four() {
        assert_eq!(lines("Timeline"), (84, vec!["Timeline".to_string()]));
        let (size, long) = lines(&"word ".repeat(60));
        assert_eq!((size, long.len()), (46, 4));
        assert!(long[3].ends_with('…'));
    }

    #[test]
    fn every_line_and_the_kicker_fit_between_the_margins() {
        let kicker = "Нарастающая напряжённость: Азербайджан бросает вызов авторитету России";
        let card = card(kicker, "Государственный прокурор в Баку");
        assert_eq!(
            card.kicker,
            "Нарастающая напряжённость: Азербайджан бросает…"
        );
        assert!(width(&card.kicker, 28) <= MEASURE);
        assert_eq!(card.lines, ["Государственный", "прокурор в Баку"]);
        // A word longer than any line is cut, and the cut is marked.
        let (size, long) = lines(&format!("{} and more", "Ш".repeat(80)));
        assert_eq!((size, long.len()), (46, 2));
        assert!(long[1].ends_with('…'), "{long:?}");
        for title in [
            "Two brothers died in Russian custody. Azerbaijan and Russia fell out",
            "Гусейн Сафаров и Зияддин Сафаров: ММММ ШШШШ ЖЖЖЖ ЩЩЩЩ ЮЮЮЮ ФФФФ",
            &"word ".repeat(60),
        ] {
            let (size, lines) = lines(title);
            assert!(lines.iter().all(|l| width(l, size) <= MEASURE), "{lines:?}");
        }
    }

    #[test]
    fn hostile_titles_are_drawn_and_cut_to_fit() {
        let long = "Ж".repeat(20_000);
        for title in [
            long.as_str(),
            "\u{202e}غزة عربي mixed مع English\u{200d}👩‍👩‍👧 \t\u{0}",
            " \u{301}\u{301}\u{301} ",
            "",
        ] {
            let card = card(&long, title);
            assert!(width(&card.kicker, 28) <= MEASURE, "{title:?}");
            assert!(card.lines.len() <= 4);
            assert!(draw(&card).is_some_and(|png| png.starts_with(b"\x89PNG")));
        }
    }

    /// A PNG's palette indices and palette, as a browser reads them.
    pub(super) fn decode(png: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let mut decoder = ::png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(::png::Transformations::IDENTITY);
        let mut reader = decoder.read_info().expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
        let frame = reader.next_frame(&mut pixels).expect("its pixels");
        assert_eq!(frame.color_type, ::png::ColorType::Indexed);
        pixels.truncate(frame.buffer_size());
        let palette = reader.info().palette.as_deref().expect("a palette");
        (pixels, palette.to_vec())
    }

    #[test]
    fn a_card_reads_back_as_its_text_on_the_graphic() {
        let artist = Artist::get().expect("the font and the graphic");
        for (kicker, title) in [
            (
                "Explainer",
                "Two brothers died in Russian custody. Azerbaijan and Russia fell out",
            ),
            ("Тест", "Гусейн Сафаров и Şəki: ğ ı ö ü ç ş ə"),
            ("", ""),
            (&*"Ж".repeat(200), &*"Щ".repeat(300)),
        ] {
            let card = card(kicker, title);
            let png = draw(&card).expect("a PNG");
            // Drawn again, its kicker's rows kept compressed from the first time.
            assert!(draw(&card).as_ref() == Some(&png), "{kicker:?}");
            let (pixels, palette) = decode(&png);
            let mut layer = encode::Layer::new(text_rows());
            artist.kicker(&mut layer, &card);
            artist.title(&mut layer, &card);
            assert!(pixels == layer.over(&artist.graphic), "{title:?}");
            assert_eq!(palette, artist.palette);
        }
    }

    #[test]
    fn the_graphic_drawn_above_and_below_the_text_is_the_graphic_drawn_whole() {
        let pixels = |runs: Vec<([u8; 3], usize)>| -> Vec<[u8; 3]> {
            (runs.into_iter())
                .flat_map(|(colour, length)| std::iter::repeat_n(colour, length))
                .collect()
        };
        let tree = resvg::usvg::Tree::from_str(GRAPHIC, &resvg::usvg::Options::default())
            .expect("the graphic");
        let mut canvas = resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("a canvas");
        let identity = resvg::tiny_skia::Transform::identity();
        resvg::render(&tree, identity, &mut canvas.as_mut());
        let whole: Vec<[u8; 3]> = (canvas.pixels().iter())
            .map(|p| [p.red(), p.green(), p.blue()])
            .collect();
        let banded = pixels(graphic_runs().expect("drawn"));
        // Compared row by row, so that a difference says where it is.
        let rows = |pixels: &[[u8; 3]]| -> Vec<Vec<[u8; 3]>> {
            pixels.chunks(WIDTH as usize).map(<[_]>::to_vec).collect()
        };
        let (whole, banded) = (rows(&whole), rows(&banded));
        assert_eq!(whole.len(), banded.len());
        for (y, (whole, banded)) in whole.iter().zip(&banded).enumerate() {
            assert!(whole == banded, "row {y} differs");
        }
        // And the bands hold more than the background: the bar and the timeline.
        assert!(whole[5].iter().any(|&p| p != BACKGROUND));
        assert!(whole[545].iter().any(|&p| p != BACKGROUND));
    }

    #[test]
    fn ink_left_on_the_layer_by_a_card_that_failed_does_not_reach_the_next() {
        let artist = Artist::get().expect("the font and the graphic");
        // As a card whose drawing panicked half-way would leave it.
        LAYER.with(|layer| layer.borrow_mut().row(300, 10, 500).fill(90));
        let card = card("Explainer", "Şəki");
        let (pixels, _) = decode(&draw(&card).expect("a PNG"));
        let mut layer = encode::Layer::new(text_rows());
        artist.kicker(&mut layer, &card);
        artist.title(&mut layer, &card);
        assert!(pixels == layer.over(&artist.graphic));
    }

    #[test]
    fn a_card_is_laid_out_once_and_told_apart_by_its_kicker_and_title() {
        let first = card("The kicker", "A title laid out once");
        assert!(Arc::ptr_eq(
            &first,
            &card("The kicker", "A title laid out once")
        ));
        assert_eq!(
            first.path,
            lay_out("The kicker", "A title laid out once").path
        );
        // The same letters split otherwise between kicker and title.
        let (a, b) = (card("Kicker a", "bc"), card("Kicker ab", "c"));
        assert_eq!(a.path, lay_out("Kicker a", "bc").path);
        assert_eq!(b.path, lay_out("Kicker ab", "c").path);
        assert_ne!(a.path, b.path);
    }

    #[test]
    fn a_card_is_named_by_what_it_draws_and_draws_cyrillic_and_azerbaijani() {
        let a = card("Explainer", "Гусейн Сафаров и Şəki: ğ ı ö ü ç ş ə");
        assert_eq!(
            a.path,
            card("Explainer", "Гусейн Сафаров и Şəki: ğ ı ö ü ç ş ə").path
        );
        assert_ne!(a.path, card("Explainer", "Another").path);
        let png = draw(&a).expect("a PNG");
        assert!(png.starts_with(b"\x89PNG"));
        // The text is drawn: more distinct bytes than the bare graphic's.
        let bare = draw(&card("", "")).expect("a PNG");
        assert!(
            png.len() > bare.len() + 2000,
            "{} vs {}",
            png.len(),
            bare.len()
        );
    }
}
