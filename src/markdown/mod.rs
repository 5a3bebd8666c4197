//! Markdown fields to HTML, with the story's cross-references resolved.
//!
//! Every Markdown field (sections, summaries, claims, bios, notes) goes through
//! [`render`] once. Links of the form `actor:id`, `event:id` and `section:id`
//! become links to the right page; ids that do not exist are reported with
//! their byte span so the caller can point at the exact line. Internal links are
//! written relative to the site root behind a placeholder that [`Html::at`]
//! replaces with each page's way back to the root, so one rendering serves
//! every page.
//!
//! Nothing reaches readers that the editor did not mean: raw HTML goes
//! through an allow-list sanitizer (`sanitize`), links and pictures whose
//! addresses run code or are of no known kind keep only their text, and each
//! is reported as a [`Problem`] at its span. What the caller must check
//! against the story is listed, not judged: pictures from other sites
//! ([`Remote`]) and links to paths on the site ([`InternalLink`]).

mod address;
#[cfg(test)]
mod published_tests;
mod rewrite;
mod sanitize;
mod scan;

use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Range;

use pulldown_cmark::{Options, Parser};

use crate::diagnostics::Severity;
use address::Address;
use rewrite::{Place, State, dest_span};

/// What every placeholder starts with: [`marks`] looks for it once, with SIMD.
const PLACEHOLDER: &str = "~~explainer-";

/// The placeholders of one field's HTML, for what is known only once its
/// page is: the way to the site root ("root", for pictures and files), the
/// way to the edition's root ("pages", for `actor:`, `event:` and `section:`
/// links, which in another edition lead to its own pages), and the words of
/// a footnote's way back to the text, in the reader's language ("back").
///
/// Each holds a number made from the field's own Markdown, so no text an
/// editor writes can print one: with a fixed name, `~~explainer-root~~`
/// typed in a code span, an escaped text or a link printed a path in its
/// place. Text that prints the number made from itself is a search of
/// 2^64 tries. The number is the same in every run, so what pages are made
/// from hashes the same from one build to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placeholders {
    number: u64,
}

impl Placeholders {
    fn of(markdown: &str) -> Placeholders {
        Placeholders {
            number: xxhash_rust::xxh3::xxh3_64(markdown.as_bytes()),
        }
    }

    /// The number in 16 hexadecimal digits.
    fn digits(self) -> [u8; 16] {
        std::array::from_fn(|n| b"0123456789abcdef"[(self.number >> (60 - 4 * n)) as usize & 15])
    }

    /// `mark`'s placeholder followed by `rest`, like `root` and a path.
    fn before(self, mark: Mark, rest: &str) -> String {
        let mut text = String::with_capacity(mark.len() + rest.len());
        text.push_str(PLACEHOLDER);
        text.push_str(mark.name());
        text.push('-');
        text.extend(self.digits().map(char::from));
        text.push_str("~~");
        text.push_str(rest);
        text
    }

    /// Which of these placeholders `text` starts with, if one.
    fn at_start(self, text: &str) -> Option<Mark> {
        let rest = text.strip_prefix(PLACEHOLDER)?;
        let (mark, rest) = [Mark::Root, Mark::Pages, Mark::Back]
            .into_iter()
            .find_map(|mark| Some((mark, rest.strip_prefix(mark.name())?.strip_prefix('-')?)))?;
        let rest = rest.as_bytes().strip_prefix(&self.digits())?;
        rest.starts_with(b"~~").then_some(mark)
    }
}

/// What a placeholder in a field's HTML stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Mark {
    Root,
    Pages,
    Back,
}

impl Mark {
    fn name(self) -> &'static str {
        match self {
            Mark::Root => "root",
            Mark::Pages => "pages",
            Mark::Back => "back",
        }
    }

    /// The length of its placeholder: a name and a number of 16 digits.
    fn len(self) -> usize {
        PLACEHOLDER.len() + self.name().len() + "-".len() + 16 + "~~".len()
    }
}

/// Where the field's placeholders stand in `text`, in order, each kind's
/// places as `match_indices` finds them (not overlapping one another). All
/// begin alike: that beginning is searched for once, with SIMD, and what
/// follows it tells them apart. Every rendered field is searched, most of
/// them holding no placeholder at all.
fn marks(text: &str, placeholders: impl FnOnce() -> Placeholders) -> Vec<(usize, Mark)> {
    static START: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(PLACEHOLDER));
    let mut hits = START.find_iter(text.as_bytes()).peekable();
    if hits.peek().is_none() {
        return Vec::new();
    }
    // Made only for a field that has a placeholder's beginning in it.
    let placeholders = placeholders();
    let mut marks = Vec::new();
    // Where the last place of each kind ends: the next is looked for after it.
    let mut ends = [0; 3];
    for at in hits {
        if let Some(mark) = placeholders.at_start(&text[at..]) {
            let end = &mut ends[mark as usize];
            if at >= *end {
                marks.push((at, mark));
                *end = at + mark.len();
            }
        }
    }
    marks
}

/// Rendered HTML whose internal links are completed per page by [`Html::at`].
/// Shared, not copied: each build takes its fields from the Markdown cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Html {
    text: std::sync::Arc<str>,
    /// Where the placeholders stand in `text`, found once: a field is put on
    /// many pages (and in the data files), each with its own way to the
    /// root and its reader's language.
    marks: std::sync::Arc<[(usize, Mark)]>,
}

impl Html {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The same HTML inside an element that says its language: a `div` for
    /// paragraphs (`block`), a `span` for a line of text.
    pub fn in_language(&self, lang: &str, block: bool) -> Html {
        let tag = if block { "div" } else { "span" };
        let open = format!("<{tag} lang=\"{}\">", escape_html(lang));
        let text = format!("{open}{}</{tag}>", self.text);
        self.moved(text, 0, open.len())
    }

    fn new(text: String, placeholders: impl FnOnce() -> Placeholders) -> Html {
        let marks = marks(&text, placeholders);
        Html {
            text: text.into(),
            marks: marks.into(),
        }
    }

    /// `text`, which holds this HTML from its byte `from` on at its byte
    /// `to`, with the placeholders where they moved (none stands before `from`).
    fn moved(&self, text: String, from: usize, to: usize) -> Html {
        let marks = self.marks.iter().map(|&(at, mark)| (at - from + to, mark));
        Html {
            text: text.into(),
            marks: marks.collect(),
        }
    }

    /// The HTML for a page whose path to the site root is `root` (`"../../"`),
    /// a footnote's way back without words (for text that leaves notes out).
    pub fn at(&self, root: &str) -> Cow<'_, str> {
        self.at_in(root, root, "")
    }

    /// The HTML for a page of an edition: links to pages start from `root`,
    /// the way to the edition's root, and links to files from `assets`, the
    /// way to the site's; `back` is the words of a footnote's way back to the
    /// text, in the page's language.
    pub fn at_in(&self, root: &str, assets: &str, back: &str) -> Cow<'_, str> {
        if self.marks.is_empty() {
            return Cow::Borrowed(&self.text);
        }
        let mut html = String::with_capacity(self.text.len() + self.marks.len() * assets.len());
        let mut from = 0;
        for &(at, mark) in self.marks.iter() {
            html.push_str(&self.text[from..at]);
            match mark {
                Mark::Root => html.push_str(assets),
                Mark::Pages => html.push_str(root),
                // Writing into a String cannot fail.
                Mark::Back => pulldown_cmark_escape::escape_html(&mut html, back).unwrap_or(()),
            }
            from = at + mark.len();
        }
        html.push_str(&self.text[from..]);
        Cow::Owned(html)
    }
}

/// Plain text made safe to put in HTML (and in XML and SVG).
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    pulldown_cmark_escape::escape_html(&mut escaped, text).ok();
    escaped
}

/// The three kinds of cross-reference an editor can write in Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefKind {
    Actor,
    Event,
    Section,
}

impl RefKind {
    pub fn scheme(self) -> &'static str {
        match self {
            RefKind::Actor => "actor",
            RefKind::Event => "event",
            RefKind::Section => "section",
        }
    }
}

/// Looks up a cross-reference: its path from the site root, if the id exists.
pub trait Resolver {
    fn path(&self, kind: RefKind, id: &str) -> Option<String>;
}

/// A cross-reference found in a field, resolved or not, with its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossRef {
    pub kind: RefKind,
    pub id: String,
    /// The span of the whole destination, like `actor:huseyn-safarov`.
    pub span: Range<usize>,
    pub resolved: bool,
    /// The scheme as written when it is a near miss of `kind`'s, like `actors`
    /// or `Event`: such a link is an error, not a link to elsewhere.
    pub misspelt: Option<String>,
}

/// An image the field shows from the site's own files, with its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalImage {
    /// The path under `static/`, like `images/map.png`.
    pub path: String,
    pub span: Range<usize>,
    pub has_alt: bool,
}

/// A picture embedded in the text with a shortcode on a paragraph of its own:
/// `{{ timeline(tag="custody") }}` or `{{ map(actor="russia") }}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    /// `timeline` or `map` (or what the editor wrote, for the error).
    pub name: String,
    pub args: Vec<(String, String)>,
    pub span: Range<usize>,
    /// What is wrong with how it is written, if anything.
    pub problem: Option<String>,
}

/// The placeholder an embed leaves in the HTML until the page draws it.
pub fn embed_marker(n: usize) -> String {
    format!("<!--explainer-embed:{n}-->")
}

/// Something in a field that is not published as the editor wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// A warning for raw HTML the sanitizer drops: it was most likely pasted,
    /// and the text still reads right without it. An error for a Markdown link
    /// or picture whose address is never published (`javascript:`, `person:`):
    /// the editor typed it, and readers would lose the link or the picture.
    pub severity: Severity,
    /// Where it is in the field's Markdown: the element, the attribute or the
    /// address. The caller adds the field's offset in its file.
    pub span: Range<usize>,
    /// What is left out: "the <script> element is not published".
    pub message: String,
    /// What to write instead.
    pub help: String,
}

/// Something a reader's browser would load from another site to show the
/// field (today only pictures: the sanitizer keeps no other element that
/// loads anything). Whether its host is allowed is the caller's to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// The address as written, references decoded: `https://cdn.example.org/a.png`.
    pub url: String,
    /// Its host, lowercased, without user or port: `cdn.example.org`.
    pub host: String,
    /// The address in the field's Markdown.
    pub span: Range<usize>,
}

/// A link written as a path on the site (`/timeline/`, `../actors/`,
/// `files/report.pdf`), in Markdown or in raw HTML. Whether a page or file
/// is there is the caller's to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// From the site root (a field is rendered from it), with `.` and `..`
    /// resolved, escapes decoded and no query or fragment: `timeline/`,
    /// `files/my report.pdf`, `""` for the root.
    pub path: String,
    /// What follows `#`, if anything: `bio` in `/actors/russia/#bio`.
    pub fragment: Option<String>,
    /// The address as written (references decoded, in raw HTML).
    pub written: String,
    /// The address in the field's Markdown.
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: Html,
    /// Every cross-reference in the field, in order.
    pub refs: Vec<CrossRef>,
    /// Every image of the site's own (not an http(s) address), in order:
    /// Markdown pictures and raw `<img>` alike.
    pub images: Vec<LocalImage>,
    /// Shortcodes, in order; embed `n` is at [`embed_marker`]`(n)` in the HTML.
    pub embeds: Vec<Embed>,
    /// Links to other websites (http and https), with the span of each address,
    /// for `explainer check --links`.
    pub links: Vec<(String, Range<usize>)>,
    /// What is not published as written (dropped raw HTML, links and pictures
    /// whose addresses are never published), in order.
    pub problems: Vec<Problem>,
    /// Everything a reader's browser would load from other sites, in order.
    pub remote: Vec<Remote>,
    /// Every link to a path on the site, in order.
    pub internal: Vec<InternalLink>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// A plain-text title with the typographic quotes, apostrophes and dashes
/// that Markdown fields get (`"a" -- it's` -> `“a” – it’s`), and nothing
/// else read as Markdown: every other punctuation mark stays as written.
pub fn smart_text(text: &str) -> std::borrow::Cow<'_, str> {
    use pulldown_cmark::{Event, Parser};
    if !text.contains(['\'', '"', '-', '.']) {
        return text.into();
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() && !matches!(c, '\'' | '"' | '-' | '.') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    // A line of dashes or a number and a dot would start a block: keep the
    // title one paragraph by putting it after a word, taken off below.
    let source = format!("x {escaped}");
    let mut out = String::with_capacity(text.len() + 8);
    for event in Parser::new_ext(&source, Options::ENABLE_SMART_PUNCTUATION) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    match out.strip_prefix("x ") {
        Some(rest) if rest != text => rest.to_string().into(),
        _ => text.into(),
    }
}

/// Splits `actor:huseyn-safarov` into its kind and id.
pub fn parse_ref(dest: &str) -> Option<(RefKind, &str)> {
    let (scheme, id) = dest.split_once(':')?;
    let kind = match scheme {
        "actor" => RefKind::Actor,
        "event" => RefKind::Event,
        "section" => RefKind::Section,
        _ => return None,
    };
    Some((kind, id))
}

/// The kind an almost-right scheme was meant to be: `actors:`, `Actor:`, `evnt:`.
fn misspelt_ref(dest: &str) -> Option<(RefKind, &str, &str)> {
    let (scheme, id) = dest.split_once(':')?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let lower = scheme.to_ascii_lowercase();
    const URL_SCHEMES: [&str; 10] = [
        "http", "https", "mailto", "tel", "ftp", "data", "sms", "file", "news", "irc",
    ];
    if URL_SCHEMES.contains(&lower.as_str()) {
        return None;
    }
    let kind = [RefKind::Actor, RefKind::Event, RefKind::Section]
        .into_iter()
        .find(|kind| crate::diagnostics::closest(&lower, [kind.scheme()]).is_some())?;
    Some((kind, scheme, id))
}

/// Renders one Markdown field. Headings start at level 3: fields always sit
/// below a page's `h1` and a section's `h2`. Events are streamed into the
/// HTML, so memory stays proportional to the text, whatever its size.
pub fn render(markdown: &str, resolver: &dyn Resolver) -> Rendered {
    render_keyed(markdown, resolver, "")
}

/// [`render`], with footnote ids made unique by `key`: several fields share a
/// page, and each would otherwise number its footnotes `1`, `2`...
///
/// A field with raw HTML in it is sanitized once written (fields without
/// keep pulldown-cmark's bytes): piece by piece between the embed markers,
/// so the markers are ours alone; an editor's comments are dropped.
pub fn render_keyed(markdown: &str, resolver: &dyn Resolver, key: &str) -> Rendered {
    let parser = Parser::new_ext(markdown, options()).into_offset_iter();
    // A reference-style link (`[text][label]`) is reported at its definition.
    let definitions: Vec<(String, Range<usize>)> = parser
        .reference_definitions()
        .iter()
        .filter(|(_, def)| {
            !matches!(
                address::classify(&def.dest),
                Address::Web | Address::Contact | Address::Fragment | Address::Empty
            )
        })
        .map(|(label, def)| {
            let span = dest_span(markdown, def.span.clone(), &def.dest);
            (label.to_lowercase(), span)
        })
        .collect();
    let written = Cell::new(0);
    let mut out = Counted {
        html: String::with_capacity(markdown.len() * 3 / 2),
        written: &written,
    };
    let mut state = State::new(key, &written, markdown);
    let events = parser.map(|(event, range)| {
        let place = Place {
            markdown,
            range,
            definitions: &definitions,
        };
        state.event(event, place, resolver)
    });
    // Writing into a String cannot fail.
    pulldown_cmark::html::write_html_fmt(&mut out, events).ok();
    state.finish(out.html)
}

/// A String that tells how much has been written, so the renderer knows
/// where each embed marker lands.
struct Counted<'c> {
    html: String,
    written: &'c Cell<usize>,
}

impl std::fmt::Write for Counted<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.html.push_str(s);
        self.written.set(self.html.len());
        Ok(())
    }
}

/// Renders a one-line Markdown field (a caption, a claim) without the wrapping `<p>`.
pub fn render_inline(markdown: &str, resolver: &dyn Resolver) -> Rendered {
    let mut rendered = render(markdown, resolver);
    let html = &rendered.html.text;
    if let Some(inner) = html
        .trim_end()
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        rendered.html = rendered.html.moved(inner.to_string(), "<p>".len(), 0);
    }
    rendered
}

#[cfg(test)]
mod tests {
    use super::{Mark, Placeholders};

    /// The placeholders' places as a search for each found them, before [`super::marks`].
    fn marks_by_searches(text: &str, p: Placeholders) -> Vec<(usize, Mark)> {
        let kinds = [
            (p.before(Mark::Root, ""), Mark::Root),
            (p.before(Mark::Pages, ""), Mark::Pages),
            (p.before(Mark::Back, ""), Mark::Back),
        ];
        let mut marks: Vec<(usize, Mark)> = (kinds.iter())
            .flat_map(|(placeholder, mark)| {
                text.match_indices(placeholder.as_str())
                    .map(move |(at, _)| (at, *mark))
            })
            .collect();
        marks.sort_unstable_by_key(|&(at, _)| at);
        marks
    }

    #[test]
    fn placeholders_are_found_where_they_stand_and_never_inside_one_another() {
        let p = Placeholders::of("A [link](event:x) and a picture.");
        let (root, pages, back) = (
            p.before(Mark::Root, ""),
            p.before(Mark::Pages, ""),
            p.before(Mark::Back, ""),
        );
        let image = format!("<a href=\"{pages}events/x/\">x</a> <img src=\"");
        // The second root placeholder shares the first one's closing `~~`.
        let text = format!("{image}{root}{root}a.png\"> {root}{} {back}", &root[2..]);
        let after = image.len() + 2 * root.len() + "a.png\"> ".len();
        assert_eq!(
            super::marks(&text, || p),
            [
                (9, Mark::Pages),
                (image.len(), Mark::Root),
                (image.len() + root.len(), Mark::Root),
                (after, Mark::Root),
                (after + 2 * root.len() - 1, Mark::Back),
            ]
        );
        assert_eq!(super::marks(&text, || p), marks_by_searches(&text, p));
    }

    #[test]
    fn placeholders_typed_by_an_editor_or_of_another_field_stand_for_nothing() {
        let p = Placeholders::of("This field.");
        let other = Placeholders::of("Another field.");
        let text = format!(
            "~~explainer-root~~x ~~explainer-pages~~y ~~explainer-back~~ {}{}{}",
            other.before(Mark::Root, ""),
            other.before(Mark::Pages, ""),
            other.before(Mark::Back, "")
        );
        assert_eq!(super::marks(&text, || p), []);
        let html = super::Html::new(text.clone(), || p);
        assert_eq!(html.at_in("../", "../../", "back"), text);
    }

    proptest::proptest! {
        #[test]
        fn placeholders_are_where_a_search_for_each_found_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "root", "pages", "back", "~~", "~~explainer-", "explainer-", "root-", "~~explainer-root~~", "ё", "a",
                ]),
                0..12,
            )
        ) {
            let p = Placeholders::of("");
            let text: String = pieces
                .iter()
                .map(|&piece| match piece {
                    "root" => p.before(Mark::Root, ""),
                    "pages" => p.before(Mark::Pages, ""),
                    "back" => p.before(Mark::Back, ""),
                    other => other.to_string(),
                })
                .collect();
            proptest::prop_assert_eq!(super::marks(&text, || p), marks_by_searches(&text, p));
        }
    }

    #[test]
    fn titles_get_the_quotes_and_dashes_of_the_body_and_nothing_else() {
        let smart = super::smart_text;
        assert_eq!(
            smart(r#"Baku's "red line" -- and Moscow's"#),
            "Baku’s “red line” – and Moscow’s"
        );
        assert_eq!(smart("1990--1991 --- wait..."), "1990–1991 — wait…");
        assert_eq!(
            smart("1. *Not* a list & <b>no</b> #tag"),
            "1. *Not* a list & <b>no</b> #tag"
        );
        assert_eq!(smart("---"), "—");
        assert_eq!(smart("Plain title"), "Plain title");
    }

    use super::*;

    struct Ids;

    impl Resolver for Ids {
        fn path(&self, kind: RefKind, id: &str) -> Option<String> {
            match (kind, id) {
                (RefKind::Actor, "russia") => Some("actors/russia/".into()),
                (RefKind::Section, "history") => Some("#history".into()),
                _ => None,
            }
        }
    }

    #[test]
    fn cross_references_become_links_relative_to_each_depth() {
        let out = render(
            "See [Moscow](actor:russia) and [above](section:history).",
            &Ids,
        );
        assert_eq!(
            out.html.at("../../"),
            "<p>See <a href=\"../../actors/russia/\">Moscow</a> and <a href=\"../../#history\">above</a>.</p>\n"
        );
        assert_eq!(
            out.html.at("./"),
            "<p>See <a href=\"./actors/russia/\">Moscow</a> and <a href=\"./#history\">above</a>.</p>\n"
        );
    }

    #[test]
    fn unknown_ids_are_reported_at_their_span() {
        let text = "Intro\n[x](event:nope)";
        let out = render(text, &Ids);
        assert_eq!(out.refs.len(), 1);
        assert!(!out.refs[0].resolved);
        assert_eq!(&text[out.refs[0].span.clone()], "event:nope");
    }

    #[test]
    fn headings_start_at_level_three_and_images_are_rooted() {
        let out = render("# Top\n\n![A map](images/map.png)", &Ids);
        assert_eq!(
            out.html.at("../"),
            "<h3>Top</h3>\n<p><img src=\"../images/map.png\" alt=\"A map\" loading=\"lazy\" decoding=\"async\"></p>\n"
        );
    }

    #[test]
    fn local_images_are_listed_with_their_alt_text_state() {
        let text =
            "![](images/a.png) and ![A *bold* map](/images/b.png) and ![x](https://e.org/c.png)";
        let out = render(text, &Ids);
        let found: Vec<(&str, bool)> = out
            .images
            .iter()
            .map(|i| (i.path.as_str(), i.has_alt))
            .collect();
        assert_eq!(found, [("images/a.png", false), ("images/b.png", true)]);
        assert_eq!(&text[out.images[0].span.clone()], "images/a.png");
        assert!(out.html.at("./").contains("alt=\"A bold map\""));
    }

    #[test]
    fn footnotes_get_ids_unique_to_their_field() {
        let out = render_keyed(
            "Claim.[^a]\n\n[^a]: Where it comes from.\n",
            &Ids,
            "history",
        );
        let html = out.html.at("./");
        assert!(html.contains("<sup class=\"footnote-reference\" id=\"fn-history-a-ref\"><a href=\"#fn-history-a\">1</a></sup>"), "{html}");
        assert!(html.contains("<div class=\"footnote-definition\" id=\"fn-history-a\"><sup class=\"footnote-definition-label\">1</sup>"), "{html}");
    }

    #[test]
    fn a_shortcode_paragraph_becomes_a_marker_with_its_arguments() {
        let text = "Before.\n\n{{ timeline(tag=\"custody\", actor=\"russia\") }}\n\nAfter.";
        let out = render(text, &Ids);
        assert_eq!(
            out.html.at("./"),
            "<p>Before.</p>\n<!--explainer-embed:0-->\n<p>After.</p>\n"
        );
        let embed = &out.embeds[0];
        assert_eq!(embed.name, "timeline");
        assert_eq!(
            embed.args,
            [
                ("tag".to_string(), "custody".to_string()),
                ("actor".to_string(), "russia".to_string())
            ]
        );
        assert_eq!(
            &text[embed.span.clone()],
            "{{ timeline(tag=\"custody\", actor=\"russia\") }}"
        );
        let bad = render("{{ map(actor=russia) }}", &Ids);
        assert_eq!(
            bad.embeds[0].problem.as_deref(),
            Some("`actor=russia` is not an argument: write key=\"value\"")
        );
    }

    #[test]
    fn links_to_other_websites_are_listed_with_their_span() {
        let text =
            "See [the report](https://example.org/r) and [more][m].\n\n[m]: http://example.org/m\n";
        let out = render(text, &Ids);
        let links: Vec<(&str, &str)> = out
            .links
            .iter()
            .map(|(u, s)| (u.as_str(), &text[s.clone()]))
            .collect();
        assert_eq!(
            links,
            [
                ("https://example.org/r", "https://example.org/r"),
                ("http://example.org/m", "[more][m]")
            ]
        );
    }

    #[test]
    fn inline_fields_lose_their_paragraph() {
        let out = render_inline("Heart *failure*", &Ids);
        assert_eq!(out.html.at("./"), "Heart <em>failure</em>");
    }
}
