//! Markdown fields to HTML, with the story's cross-references resolved.
//!
//! Every Markdown field (sections, summaries, claims, bios, notes) goes through
//! [`render`] once. Links of the form `actor:id`, `event:id` and `section:id`
//! become links to the right page; ids that do not exist are reported with
//! their byte span so the caller can point at the exact line. Internal links are
//! written relative to the site root behind a marker that [`Html::at`] replaces
//! with each page's way back to the root, so one rendering serves every page.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag};

/// Stands for "the site root, relative to this page" until the page is known.
/// Made of characters that link escaping leaves alone, so it survives into `href`.
const ROOT: &str = "~~explainer-root~~";

/// Rendered HTML whose internal links are completed per page by [`Html::at`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html {
    text: String,
    /// Where the root marker stands in `text`, found once: a field is put on
    /// many pages (and in the data files), each with its own way to the root.
    marks: Box<[usize]>,
}

impl Html {
    fn new(text: String) -> Html {
        let marks = text.match_indices(ROOT).map(|(at, _)| at).collect();
        Html { text, marks }
    }

    /// The HTML for a page whose path to the site root is `root` (`"../../"`).
    pub fn at(&self, root: &str) -> Cow<'_, str> {
        if self.marks.is_empty() {
            return Cow::Borrowed(&self.text);
        }
        let grown = self.marks.len() * root.len();
        let mut html =
            String::with_capacity(self.text.len() - self.marks.len() * ROOT.len() + grown);
        let mut from = 0;
        for &at in &self.marks {
            html.push_str(&self.text[from..at]);
            html.push_str(root);
            from = at + ROOT.len();
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

#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: Html,
    /// Every cross-reference in the field, in order.
    pub refs: Vec<CrossRef>,
    /// Every image of the site's own (not an http(s) address), in order.
    pub images: Vec<LocalImage>,
    /// Shortcodes, in order; embed `n` is at [`embed_marker`]`(n)` in the HTML.
    pub embeds: Vec<Embed>,
    /// Links to other websites (http and https), with the span of each address,
    /// for `explainer check --links`.
    pub links: Vec<(String, Range<usize>)>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
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
pub fn render_keyed(markdown: &str, resolver: &dyn Resolver, key: &str) -> Rendered {
    let mut refs = Vec::new();
    let mut images = Vec::new();
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let parser = Parser::new_ext(markdown, options()).into_offset_iter();
    // A reference-style link (`[text][label]`) is reported at its definition.
    let definitions: Vec<(String, Range<usize>)> = parser
        .reference_definitions()
        .iter()
        .filter(|(_, def)| parse_ref(&def.dest).is_some() || misspelt_ref(&def.dest).is_some())
        .map(|(label, def)| {
            let span = dest_span(markdown, def.span.clone(), &def.dest);
            (label.to_lowercase(), span)
        })
        .collect();
    let mut state = State {
        key,
        image: None,
        footnotes: Vec::new(),
        embeds: Vec::new(),
        in_embed: false,
        links: Vec::new(),
    };
    let events = parser.map(|(event, range)| {
        let place = Place {
            markdown,
            range,
            definitions: &definitions,
        };
        if let Some(event) = state.image_or_footnote(&event, &place, &mut images) {
            return event;
        }
        rewrite(event, place, resolver, &mut refs)
    });
    pulldown_cmark::html::push_html(&mut html, events);
    Rendered {
        html: Html::new(html),
        refs,
        images,
        embeds: state.embeds,
        links: state.links,
    }
}

/// What the rewriting remembers between events.
struct State<'k> {
    key: &'k str,
    /// The image being read: its `<img>` is written at its end, once its alt text is known.
    image: Option<ImageInProgress>,
    /// Footnote names, numbered in order of first appearance.
    footnotes: Vec<String>,
    embeds: Vec<Embed>,
    /// Inside a paragraph that is a shortcode: its text is not written.
    in_embed: bool,
    links: Vec<(String, Range<usize>)>,
}

struct ImageInProgress {
    src: String,
    title: String,
    alt: String,
    /// Its entry in the field's local images, when it is one of the site's files.
    local: Option<usize>,
}

impl State<'_> {
    /// Images get their alt text checked and load lazily; footnotes get ids
    /// unique on the page. Returns the event to write, or `None` to go on.
    fn image_or_footnote<'a>(
        &mut self,
        event: &Event<'a>,
        place: &Place<'_>,
        images: &mut Vec<LocalImage>,
    ) -> Option<Event<'a>> {
        if self.in_embed {
            if matches!(event, Event::End(pulldown_cmark::TagEnd::Paragraph)) {
                self.in_embed = false;
            }
            return Some(Event::Text(CowStr::from("")));
        }
        if let Event::Start(Tag::Paragraph) = event
            && let Some(embed) = parse_embed(place.markdown, place.range.clone())
        {
            self.in_embed = true;
            self.embeds.push(embed);
            let marker = embed_marker(self.embeds.len() - 1);
            return Some(Event::Html(CowStr::from(marker)));
        }
        if let Some(image) = &mut self.image {
            return Some(match event {
                Event::End(pulldown_cmark::TagEnd::Image) => {
                    let done = self.image.take()?;
                    if let Some(local) = done.local.and_then(|i| images.get_mut(i)) {
                        local.has_alt = !done.alt.trim().is_empty();
                    }
                    Event::InlineHtml(CowStr::from(img(&done)))
                }
                Event::Text(text) | Event::Code(text) => {
                    image.alt.push_str(text);
                    Event::Text(CowStr::from(""))
                }
                Event::SoftBreak | Event::HardBreak => {
                    image.alt.push(' ');
                    Event::Text(CowStr::from(""))
                }
                _ => Event::Text(CowStr::from("")),
            });
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                id,
                ..
            }) if dest_url.starts_with("https://") || dest_url.starts_with("http://") => {
                let span = place.of_link(*link_type, id, dest_url);
                self.links.push((dest_url.to_string(), span));
                None
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let src = rooted(dest_url.clone(), *link_type != LinkType::Email);
                let local = src.strip_prefix(ROOT).map(|path| {
                    images.push(LocalImage {
                        path: path.to_string(),
                        span: place.of_link(*link_type, id, dest_url),
                        has_alt: false,
                    });
                    images.len() - 1
                });
                self.image = Some(ImageInProgress {
                    src: src.to_string(),
                    title: title.to_string(),
                    alt: String::new(),
                    local,
                });
                Some(Event::Text(CowStr::from("")))
            }
            Event::FootnoteReference(name) => {
                let n = self.footnote_number(name);
                let id = self.footnote_id(name);
                Some(Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-reference\" id=\"{id}-ref\"><a href=\"#{id}\">{n}</a></sup>"
                ))))
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let n = self.footnote_number(name);
                let id = self.footnote_id(name);
                Some(Event::Html(CowStr::from(format!(
                    "<div class=\"footnote-definition\" id=\"{id}\"><sup class=\"footnote-definition-label\">{n}</sup>"
                ))))
            }
            Event::End(pulldown_cmark::TagEnd::FootnoteDefinition) => {
                Some(Event::Html(CowStr::from("</div>\n")))
            }
            _ => None,
        }
    }

    fn footnote_number(&mut self, name: &str) -> usize {
        match self.footnotes.iter().position(|n| n == name) {
            Some(i) => i + 1,
            None => {
                self.footnotes.push(name.to_string());
                self.footnotes.len()
            }
        }
    }

    fn footnote_id(&self, name: &str) -> String {
        let name: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        if self.key.is_empty() {
            format!("fn-{name}")
        } else {
            format!("fn-{}-{name}", self.key)
        }
    }
}

/// Reads `{{ name(key="value", ...) }}` when it is the whole paragraph.
fn parse_embed(markdown: &str, range: Range<usize>) -> Option<Embed> {
    let raw = &markdown[range.clone()];
    let text = raw.trim();
    let inner = text.strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let start = range.start + (raw.len() - raw.trim_start().len());
    let span = start..start + text.len();
    let (name, rest) = inner.split_once('(').unwrap_or((inner, ""));
    let name = name.trim().to_string();
    let mut embed = Embed {
        name,
        args: Vec::new(),
        span,
        problem: None,
    };
    let Some(args) = rest.trim_end().strip_suffix(')') else {
        embed.problem =
            Some("a shortcode is written name(...), with its arguments in parentheses".into());
        return Some(embed);
    };
    for part in args.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let value = part
            .split_once('=')
            .map(|(k, v)| (k.trim(), v.trim()))
            .and_then(|(k, v)| Some((k, v.strip_prefix('"')?.strip_suffix('"')?)));
        match value {
            Some((key, value)) => embed.args.push((key.to_string(), value.to_string())),
            None => {
                embed.problem = Some(format!("`{part}` is not an argument: write key=\"value\""));
                return Some(embed);
            }
        }
    }
    Some(embed)
}

/// An `<img>` that loads when scrolled near: Markdown images sit in running text.
fn img(image: &ImageInProgress) -> String {
    let mut html = String::from("<img src=\"");
    pulldown_cmark_escape::escape_href(&mut html, &image.src).ok();
    html.push_str("\" alt=\"");
    pulldown_cmark_escape::escape_html(&mut html, &image.alt).ok();
    html.push('"');
    if !image.title.is_empty() {
        html.push_str(" title=\"");
        pulldown_cmark_escape::escape_html(&mut html, &image.title).ok();
        html.push('"');
    }
    html.push_str(" loading=\"lazy\" decoding=\"async\">");
    html
}

/// Where an event sits: its range in the text, and the text's link definitions.
struct Place<'t> {
    markdown: &'t str,
    range: Range<usize>,
    definitions: &'t [(String, Range<usize>)],
}

impl Place<'_> {
    /// The span of a link's destination: inside the link, or at its definition.
    fn of_link(&self, link_type: LinkType, label: &str, dest: &str) -> Range<usize> {
        let by_reference = matches!(
            link_type,
            LinkType::Reference
                | LinkType::ReferenceUnknown
                | LinkType::Collapsed
                | LinkType::CollapsedUnknown
                | LinkType::Shortcut
                | LinkType::ShortcutUnknown
        );
        let defined = || {
            let label = label.to_lowercase();
            self.definitions.iter().find(|(l, _)| *l == label)
        };
        match by_reference.then(defined).flatten() {
            Some((_, span)) => span.clone(),
            None => dest_span(self.markdown, self.range.clone(), dest),
        }
    }
}

/// One event with cross-references resolved, links rooted and headings shifted.
fn rewrite<'a>(
    event: Event<'a>,
    place: Place<'_>,
    resolver: &dyn Resolver,
    refs: &mut Vec<CrossRef>,
) -> Event<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            if let Some((kind, target)) = parse_ref(&dest_url) {
                let path = resolver.path(kind, target);
                refs.push(CrossRef {
                    kind,
                    id: target.to_string(),
                    span: place.of_link(link_type, &id, &dest_url),
                    resolved: path.is_some(),
                    misspelt: None,
                });
                let href = format!("{ROOT}{}", path.unwrap_or_default());
                return Event::InlineHtml(CowStr::from(anchor(&href, &title)));
            }
            if let Some((kind, scheme, target)) = misspelt_ref(&dest_url) {
                refs.push(CrossRef {
                    kind,
                    id: target.to_string(),
                    span: place.of_link(link_type, &id, &dest_url),
                    resolved: false,
                    misspelt: Some(scheme.to_string()),
                });
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url: rooted(dest_url, false),
                title,
                id,
            })
        }
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: level.max(HeadingLevel::H3),
            id,
            classes,
            attrs,
        }),
        Event::End(pulldown_cmark::TagEnd::Heading(level)) => {
            Event::End(pulldown_cmark::TagEnd::Heading(level.max(HeadingLevel::H3)))
        }
        other => other,
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
        rendered.html = Html::new(inner.to_string());
    }
    rendered
}

fn anchor(href: &str, title: &str) -> String {
    let mut html = String::from("<a href=\"");
    pulldown_cmark_escape::escape_href(&mut html, href).ok();
    html.push('"');
    if !title.is_empty() {
        html.push_str(" title=\"");
        pulldown_cmark_escape::escape_html(&mut html, title).ok();
        html.push('"');
    }
    html.push('>');
    html
}

/// Links written from the site root (`/images/x.jpg`) and relative images
/// (`images/x.jpg`, meaning `static/images/x.jpg`) are made to work at any depth.
fn rooted(dest: CowStr<'_>, relative_too: bool) -> CowStr<'_> {
    let is_external = dest.contains("://")
        || dest.starts_with("//")
        || dest.starts_with('#')
        || dest.starts_with("mailto:")
        || dest.starts_with("data:");
    if is_external || dest.is_empty() {
        return dest;
    }
    match dest.strip_prefix('/') {
        Some(rest) => CowStr::from(format!("{ROOT}{rest}")),
        None if relative_too => CowStr::from(format!("{ROOT}{dest}")),
        None => dest,
    }
}

/// The span of the link destination inside the link's source range.
fn dest_span(markdown: &str, range: Range<usize>, dest: &str) -> Range<usize> {
    // A link's source is short: trying each place from the end is quicker
    // than setting up `rfind`'s searcher for every link.
    let source = &markdown.as_bytes()[range.clone()];
    let last = source.len().checked_sub(dest.len());
    last.and_then(|last| {
        (0..=last)
            .rev()
            .find(|&at| source[at..].starts_with(dest.as_bytes()))
    })
    .map_or(range.clone(), |at| {
        range.start + at..range.start + at + dest.len()
    })
}

#[cfg(test)]
mod tests {
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
