//! Share pictures: the picture a link to a page shows on social sites, with
//! the story's or the page's title drawn on the built-in graphic.
//!
//! Steps: write the card as SVG (the title broken into lines); name it by a
//! hash of that SVG (`share/HASH.png`), so that a picture that did not change
//! keeps its name and can be cached for long; rasterize it with resvg and
//! the bundled DejaVu Sans Bold (Latin, Cyrillic and Azerbaijani letters), no
//! system font and no network. A picture whose name the previous build made
//! is read back, not drawn again: an unchanged picture costs a file read;
//! `serve` keeps its pictures from one build to the next; `check` draws none.
//!
//! A story whose `static/` has its own `share.png` gets no cards: its
//! picture is used everywhere, as before.

use std::fmt::Write;
use std::sync::{Arc, OnceLock};

use crate::markdown::{escape_html, smart_text};
use crate::model::Story;
use crate::plan::{Kind, Route};

/// The bundled font; its license is `fonts/DejaVu-LICENSE`.
const FONT: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "DejaVu Sans";
/// Changes every picture's name when the drawing code changes.
const VERSION: &str = "card-1";
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 630;

/// One share picture: its path in the output and what it draws.
pub(crate) struct Card {
    pub(crate) path: String,
    svg: String,
}

/// The card of a page: a small line above (the site's title, or "Explainer"
/// on the story) and the title.
fn card(kicker: &str, title: &str) -> Card {
    let svg = svg(kicker, title);
    let hash = xxhash_rust::xxh3::xxh3_64(format!("{VERSION}\n{svg}").as_bytes());
    Card {
        path: format!("share/{hash:016x}.png"),
        svg,
    }
}

/// The card for the page at `route`, when the story's pictures are drawn:
/// the story, the timeline (and its periods), the who's who and each actor
/// have their own; events only with `event_share_cards = true`; every other
/// page shows the story's.
pub(crate) fn card_for(story: &Story, route: &Route) -> Option<Card> {
    let site = &story.site;
    if !site.share_cards {
        return None;
    }
    let title = smart_text(&site.title);
    let page = match route.kind {
        Kind::Timeline | Kind::Period => Some(story.locale.text("timeline_title").to_string()),
        Kind::Actors => Some(story.locale.text("actors_title").to_string()),
        Kind::Actor => story
            .actors
            .iter()
            .find(|a| a.id == route.key)
            .map(|a| a.name.clone()),
        Kind::Event if site.event_share_cards => story
            .events
            .iter()
            .find(|e| e.id == route.key)
            .map(|e| smart_text(&e.title).into_owned()),
        _ => None,
    };
    Some(match page {
        Some(page) => card(&title, &page),
        None => card(story.locale.text("kicker"), &title),
    })
}

/// Every card the story's pages show, once each.
pub(crate) fn cards(story: &Story) -> Vec<Card> {
    let mut routes = vec![
        Route::one(Kind::Story),
        Route::one(Kind::Timeline),
        Route::one(Kind::Actors),
    ];
    routes.extend(story.actors.iter().map(|a| Route::actor(&a.id)));
    if story.site.event_share_cards {
        routes.extend(story.events.iter().map(|e| Route::event(&e.id)));
    }
    let mut cards: Vec<Card> = Vec::with_capacity(routes.len());
    for route in routes {
        if let Some(card) = card_for(story, &route)
            && !cards.iter().any(|c| c.path == card.path)
        {
            cards.push(card);
        }
    }
    cards
}

/// The card drawn as a PNG; `None` if the SVG could not be read (it is ours,
/// so that would be a bug, and the page keeps its picture's name).
pub(crate) fn draw(card: &Card) -> Option<Vec<u8>> {
    static FONTS: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family(FAMILY);
        Arc::new(db)
    });
    let options = resvg::usvg::Options {
        fontdb: fonts.clone(),
        font_family: FAMILY.to_string(),
        ..resvg::usvg::Options::default()
    };
    let tree = resvg::usvg::Tree::from_str(&card.svg, &options).ok()?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT)?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    // The fast deflate: a fraction of the default's time, for a picture a
    // few percent larger. The card is opaque, so its premultiplied pixels
    // are its pixels.
    let mut png = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(pixmap.data()).ok()?;
    writer.finish().ok()?;
    Some(png)
}

/// The title in at most four lines, in the largest of a few sizes that
/// fits; the last line ends with an ellipsis when it does not fit at all.
fn lines(title: &str) -> (u32, Vec<String>) {
    for (size, most) in [(84, 2), (68, 3), (56, 4), (46, 4)] {
        // DejaVu Sans Bold is about 0.62 em wide a letter, on average.
        let per_line = (1000.0 / (f64::from(size) * 0.62)) as usize;
        let mut lines: Vec<String> = vec![String::new()];
        for word in title.split_whitespace() {
            let last = lines.last_mut().map_or(0, |l| l.chars().count());
            if last > 0 && last + 1 + word.chars().count() > per_line {
                lines.push(String::new());
            }
            if let Some(line) = lines.last_mut() {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
        }
        let fits = lines.iter().all(|l| l.chars().count() <= per_line);
        if lines.len() <= most && fits {
            return (size, lines);
        }
        if size == 46 {
            lines.truncate(most);
            if let Some(last) = lines.last_mut() {
                let kept: String = last.chars().take(per_line.saturating_sub(1)).collect();
                *last = format!("{}…", kept.trim_end());
            }
            for line in &mut lines {
                if line.chars().count() > per_line {
                    *line = line.chars().take(per_line).collect();
                }
            }
            return (size, lines);
        }
    }
    (46, vec![title.to_string()])
}

/// The card as SVG: the built-in graphic, with the kicker and title above it.
fn svg(kicker: &str, title: &str) -> String {
    let (size, lines) = lines(title);
    let kicker: String = kicker.chars().take(60).collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#1b1b1b\"/>\
         <rect width=\"{WIDTH}\" height=\"14\" fill=\"#9b1c1c\"/>\
         <text x=\"100\" y=\"110\" font-family=\"{FAMILY}\" font-size=\"28\" fill=\"#f28b82\">{}</text>",
        escape_html(&kicker)
    );
    let line_height = size * 6 / 5;
    for (n, line) in lines.iter().enumerate() {
        let y = 110 + 40 + size + line_height * n as u32;
        let _ = write!(
            svg,
            "<text x=\"100\" y=\"{y}\" font-family=\"{FAMILY}\" font-size=\"{size}\" fill=\"#ecebe8\">{}</text>",
            escape_html(line)
        );
    }
    // The timeline of the built-in picture, smaller, along the bottom.
    svg.push_str(
        "<g transform=\"translate(0 545)\" fill=\"none\" stroke-width=\"6\">\
         <path d=\"M100 0H1100\" stroke=\"#d9d5cc\"/>\
         <circle cx=\"150\" r=\"20\" stroke=\"#f28b82\" fill=\"#1b1b1b\"/>\
         <path d=\"M290 20l8-40M306 20l8-40\" stroke=\"#d9d5cc\"/>\
         <circle cx=\"420\" r=\"20\" stroke=\"#f28b82\" fill=\"#1b1b1b\"/>\
         <circle cx=\"540\" r=\"20\" stroke=\"#f28b82\" fill=\"#1b1b1b\"/>\
         <path d=\"M660 20l8-40M676 20l8-40\" stroke=\"#d9d5cc\"/>\
         <rect x=\"780\" y=\"-20\" width=\"280\" height=\"40\" rx=\"20\" fill=\"#f2b66d\" stroke=\"none\"/>\
         </g></svg>",
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_take_more_lines_in_smaller_type_and_stop_at_four() {
        assert_eq!(lines("Timeline"), (84, vec!["Timeline".to_string()]));
        let (size, long) = lines(&"word ".repeat(60));
        assert_eq!((size, long.len()), (46, 4));
        assert!(long[3].ends_with('…'));
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
