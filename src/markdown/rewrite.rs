//! One field's Markdown events, rewritten on their way to HTML.
//!
//! Cross-references become links to their pages; links and pictures whose
//! addresses must not be published keep only their text; pictures load
//! lazily and report their alt text; footnotes get ids unique on the page;
//! shortcodes leave a marker; raw HTML is reviewed piece by piece (what the
//! sanitizer will drop is reported, what it keeps is listed); headings move
//! below the page's own. A field with raw HTML is sanitized once written.

use std::cell::Cell;
use std::ops::Range;

use percent_encoding::percent_decode_str;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

use super::address::{self, Address};
use super::{
    CrossRef, Embed, Html, InternalLink, LocalImage, Mark, Placeholders, Problem, Remote, Rendered,
    Resolver, embed_marker, sanitize, scan,
};
use crate::diagnostics::Severity;
use crate::load::{control_name, has_control_byte, is_control};

/// A control character a page may not show; a lone CR is left to the loader.
fn is_banned(c: char) -> bool {
    c != '\r' && is_control(c)
}

fn has_control(text: &str) -> bool {
    // The bytes that start a control character are looked for first, a
    // block at a time: searched character by character alone, text was 6 M
    // of a fresh M build's 730 M instructions.
    has_control_byte(text.as_bytes()) && text.chars().any(is_banned)
}

fn without_controls<'a>(text: &str) -> CowStr<'a> {
    CowStr::from(text.chars().filter(|&c| !is_banned(c)).collect::<String>())
}

/// What the rewriting remembers between events, and what it finds.
pub(super) struct State<'k> {
    key: &'k str,
    /// The field's Markdown, which its placeholders are made from.
    markdown: &'k str,
    /// What stands for the ways to the roots and a footnote's way back,
    /// made when the first is needed: most fields have none.
    placeholders: std::cell::OnceCell<Placeholders>,
    /// The image being read: its `<img>` is written at its end, once its alt text is known.
    image: Option<ImageInProgress>,
    /// Footnote names, numbered in order of first appearance.
    footnotes: Vec<String>,
    /// The id of the footnote being defined, for its link back to the text.
    footnote_open: Option<String>,
    embeds: Vec<Embed>,
    /// Inside a paragraph that is a shortcode: its text is not written.
    in_embed: bool,
    /// How much HTML has been written, and where each embed marker starts in it.
    written: &'k Cell<usize>,
    markers: Vec<usize>,
    /// Inside a link of which only the text is published (links do not nest).
    in_hidden_link: bool,
    /// The HTML block being read, when in one.
    block: Option<RawBlock>,
    /// The span of the field's first raw HTML, if it has any.
    raw: Option<Range<usize>>,
    /// Reads the raw HTML, piece after piece.
    scanner: scan::Scanner,
    refs: Vec<CrossRef>,
    images: Vec<LocalImage>,
    links: Vec<(String, Range<usize>)>,
    problems: Vec<Problem>,
    remote: Vec<Remote>,
    internal: Vec<InternalLink>,
}

/// Raw HTML read in pieces (an HTML block comes one line at a time), with
/// where each piece starts in the text and in the Markdown.
#[derive(Default)]
struct RawBlock {
    text: String,
    pieces: Vec<(usize, usize)>,
}

impl RawBlock {
    /// Adds the text of a raw HTML event at `place`. In a list or a quote,
    /// its lines come without the container's marks that its source has:
    /// each line is placed at the end of its line in the source.
    fn push(&mut self, text: &str, place: &Place<'_>) {
        let source = &place.markdown[place.range.clone()];
        let first = self.pieces.len();
        let mut offset = self.text.len();
        let mut at = place.range.start;
        let mut sources = source.split_inclusive('\n');
        for line in text.split_inclusive('\n') {
            match sources.next() {
                Some(from) if from.ends_with(line) => {
                    self.pieces.push((offset, at + from.len() - line.len()));
                    offset += line.len();
                    at += from.len();
                }
                _ => {
                    // Laid out some other way: all of it at the start.
                    self.pieces.truncate(first);
                    self.pieces.push((self.text.len(), place.range.start));
                    break;
                }
            }
        }
        self.text.push_str(text);
    }

    /// The span in the Markdown of a span in the text.
    fn source(&self, span: &Range<usize>) -> Range<usize> {
        let at = |offset: usize| {
            let piece = self.pieces.partition_point(|&(start, _)| start <= offset);
            let (start, source) = self.pieces[piece.saturating_sub(1)];
            source + (offset - start)
        };
        let start = at(span.start);
        // The end of the last byte, not the start of the next piece.
        let end = if span.end > span.start {
            at(span.end - 1) + 1
        } else {
            start
        };
        start..end
    }
}

struct ImageInProgress {
    src: String,
    title: String,
    alt: String,
    /// Its entry in the field's local images, when it is one of the site's files.
    local: Option<usize>,
    /// Its address is never published: the alt text is written instead.
    blocked: bool,
}

impl<'k> State<'k> {
    pub(super) fn new(key: &'k str, written: &'k Cell<usize>, markdown: &'k str) -> Self {
        State {
            key,
            markdown,
            placeholders: std::cell::OnceCell::new(),
            image: None,
            footnotes: Vec::new(),
            footnote_open: None,
            embeds: Vec::new(),
            in_embed: false,
            written,
            markers: Vec::new(),
            in_hidden_link: false,
            block: None,
            raw: None,
            scanner: scan::Scanner::default(),
            refs: Vec::new(),
            images: Vec::new(),
            links: Vec::new(),
            problems: Vec::new(),
            remote: Vec::new(),
            internal: Vec::new(),
        }
    }

    /// The field's placeholders.
    fn placeholders(&self) -> Placeholders {
        *(self.placeholders).get_or_init(|| Placeholders::of(self.markdown))
    }

    /// The event to write for `event`.
    pub(super) fn event<'a>(
        &mut self,
        event: Event<'a>,
        place: Place<'_>,
        resolver: &dyn Resolver,
    ) -> Event<'a> {
        match self.image_or_footnote(&event, &place) {
            Some(event) => event,
            None => self.rewrite(event, place, resolver),
        }
    }

    /// The field's HTML and what was found in it, once every event is written.
    pub(super) fn finish(mut self, html: String) -> Rendered {
        let html = match self.raw.clone() {
            Some(first) => {
                let clean = sanitize_pieces(&html, &self.markers, self.placeholders());
                self.list_what_loads(&clean, first);
                clean
            }
            None => html,
        };
        Rendered {
            html: Html::new(html, || self.placeholders()),
            refs: self.refs,
            images: self.images,
            embeds: self.embeds,
            links: self.links,
            problems: self.problems,
            remote: self.remote,
            internal: self.internal,
        }
    }

    /// Images get their alt text checked and load lazily; footnotes get ids
    /// unique on the page. Returns the event to write, or `None` to go on.
    fn image_or_footnote<'a>(&mut self, event: &Event<'a>, place: &Place<'_>) -> Option<Event<'a>> {
        if self.in_embed {
            if matches!(event, Event::End(TagEnd::Paragraph)) {
                self.in_embed = false;
            }
            return Some(Event::Text(CowStr::from("")));
        }
        if let Event::Start(Tag::Paragraph) = event
            && let Some(embed) = parse_embed(place.markdown, place.range.clone())
        {
            self.in_embed = true;
            self.embeds.push(embed);
            self.markers.push(self.written.get());
            let marker = embed_marker(self.embeds.len() - 1);
            return Some(Event::Html(CowStr::from(marker)));
        }
        if let Some(image) = &mut self.image {
            return Some(match event {
                Event::End(TagEnd::Image) => {
                    let done = self.image.take()?;
                    if done.blocked {
                        return Some(Event::Text(CowStr::from(done.alt)));
                    }
                    if let Some(local) = done.local.and_then(|i| self.images.get_mut(i)) {
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
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let span = place.of_link(*link_type, id, dest_url);
                Some(self.start_image(*link_type, dest_url, title, span))
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
                let html = format!(
                    "<div class=\"footnote-definition\" id=\"{id}\"><sup class=\"footnote-definition-label\">{n}</sup>"
                );
                self.footnote_open = Some(id);
                Some(Event::Html(CowStr::from(html)))
            }
            // The way back to where the note was cited (its first citation).
            Event::End(TagEnd::FootnoteDefinition) => {
                Some(Event::Html(CowStr::from(match self.footnote_open.take() {
                    Some(id) => format!(
                        "<a href=\"#{id}-ref\">↩<span class=\"visually-hidden\"> {}</span></a></div>\n",
                        self.placeholders().before(Mark::Back, "")
                    ),
                    None => "</div>\n".to_string(),
                })))
            }
            _ => None,
        }
    }

    /// A picture starts: it is listed by where it loads from, and refused
    /// (its alt text written instead) when its address is never published.
    fn start_image<'a>(
        &mut self,
        link_type: LinkType,
        dest: &str,
        title: &str,
        span: Range<usize>,
    ) -> Event<'a> {
        let refused = match address::classify(dest) {
            Address::Web => {
                self.remote.push(Remote {
                    url: dest.to_string(),
                    host: address::host(dest),
                    span: span.clone(),
                });
                None
            }
            Address::Path | Address::Empty | Address::Fragment => None,
            Address::Script(scheme) => Some((
                format!("pictures from {scheme}: addresses are not published"),
                if scheme == "data" {
                    "save the picture in static/images/ and write its path: ![what it shows](images/name.png)"
                } else {
                    "the site runs no scripts: show a picture from the site's files (images/name.png) or a web address (https://…)"
                },
            )),
            Address::Ref(..) | Address::Misspelt(..) | Address::Unknown(_) | Address::Contact => {
                Some((
                    format!(
                        "`{}:` is not an address a picture can be shown from",
                        address::scheme(dest).unwrap_or_default()
                    ),
                    "show a picture from the site's files (images/name.png) or a web address (https://…)",
                ))
            }
        };
        let blocked = refused.is_some();
        if let Some((message, help)) = refused {
            self.error(span.clone(), message, help.into());
        }
        let placeholders = self.placeholders();
        let src = rooted(
            CowStr::from(dest),
            link_type != LinkType::Email,
            placeholders,
        );
        let local = src
            .strip_prefix(&placeholders.before(Mark::Root, ""))
            .filter(|_| !blocked)
            .map(|path| {
                self.images.push(LocalImage {
                    path: path.to_string(),
                    span,
                    has_alt: false,
                });
                self.images.len() - 1
            });
        self.image = Some(ImageInProgress {
            src: src.to_string(),
            title: title.to_string(),
            alt: String::new(),
            local,
            blocked,
        });
        Event::Text(CowStr::from(""))
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

    /// One event with links sorted, raw HTML reviewed and headings shifted.
    fn rewrite<'a>(
        &mut self,
        event: Event<'a>,
        place: Place<'_>,
        resolver: &dyn Resolver,
    ) -> Event<'a> {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let span = place.of_link(link_type, &id, &dest_url);
                match self.instead_of_link(&dest_url, &title, span, resolver) {
                    Some(instead) => instead,
                    None => Event::Start(Tag::Link {
                        link_type,
                        dest_url: rooted(dest_url, false, self.placeholders()),
                        title,
                        id,
                    }),
                }
            }
            // The loader refuses control characters written raw or as TOML
            // escapes; a Markdown character reference (`&#x1b;`) still makes one.
            Event::Text(text) if has_control(&text) => {
                self.controls(&text, &place);
                Event::Text(without_controls(&text))
            }
            Event::Code(text) if has_control(&text) => {
                self.controls(&text, &place);
                Event::Code(without_controls(&text))
            }
            Event::End(TagEnd::Link) if self.in_hidden_link => {
                self.in_hidden_link = false;
                Event::Text(CowStr::from(""))
            }
            Event::InlineHtml(ref html) => {
                let mut raw = RawBlock::default();
                raw.push(html, &place);
                self.review(&raw);
                event
            }
            Event::Start(Tag::HtmlBlock) => {
                self.block = Some(RawBlock::default());
                event
            }
            Event::Html(ref html) => {
                match &mut self.block {
                    Some(block) => block.push(html, &place),
                    None => {
                        let mut raw = RawBlock::default();
                        raw.push(html, &place);
                        self.review(&raw);
                    }
                }
                event
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(block) = self.block.take() {
                    self.review(&block);
                }
                event
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
            Event::End(TagEnd::Heading(level)) => {
                Event::End(TagEnd::Heading(level.max(HeadingLevel::H3)))
            }
            other => other,
        }
    }

    /// A link starts: what to write instead of it (the anchor of a
    /// cross-reference, or nothing when only its text is published), or
    /// `None` to write it as it is.
    fn instead_of_link<'a>(
        &mut self,
        dest: &str,
        title: &str,
        span: Range<usize>,
        resolver: &dyn Resolver,
    ) -> Option<Event<'a>> {
        let published = match address::classify(dest) {
            Address::Ref(kind, target) => {
                let path = resolver.path(kind, target);
                self.refs.push(CrossRef {
                    kind,
                    id: target.to_string(),
                    span,
                    resolved: path.is_some(),
                    misspelt: None,
                });
                let path = path.unwrap_or_default();
                let href = self.placeholders().before(Mark::Pages, &path);
                return Some(Event::InlineHtml(CowStr::from(anchor(&href, title))));
            }
            // Reported by the caller, which knows the ids.
            Address::Misspelt(kind, scheme, target) => {
                self.refs.push(CrossRef {
                    kind,
                    id: target.to_string(),
                    span,
                    resolved: false,
                    misspelt: Some(scheme.to_string()),
                });
                false
            }
            Address::Script(scheme) => {
                let help = if scheme == "data" {
                    "link to a web page (https://…), or put the file in static/ and link to its path"
                } else {
                    "the site runs no scripts: link to a web page (https://…) or to a page of the story"
                };
                let message = format!("links to {scheme}: addresses are not published");
                self.error(span, message, help.into());
                false
            }
            Address::Unknown(scheme) => {
                let rest = dest.split_once(':').map_or("", |(_, rest)| rest);
                let help = match address::meant(&scheme) {
                    Some(kind) => format!("did you mean `{}:{rest}`?", kind.scheme()),
                    None => "write a web address (https://…), a path on the site (/timeline/), mailto:, tel:, or a link to the story (actor:, event:, section:)".into(),
                };
                let message =
                    format!("`{scheme}:` is not a kind of link, so this one is not published");
                self.error(span, message, help);
                false
            }
            Address::Web => {
                if dest.starts_with("https://") || dest.starts_with("http://") {
                    self.links.push((dest.to_string(), span));
                }
                true
            }
            Address::Path => {
                self.internal(dest, span);
                true
            }
            Address::Contact | Address::Fragment | Address::Empty => true,
        };
        self.in_hidden_link = !published;
        (!published).then(|| Event::Text(CowStr::from("")))
    }

    fn error(&mut self, span: Range<usize>, message: String, help: String) {
        self.problems.push(Problem {
            severity: Severity::Error,
            span,
            message,
            help,
        });
    }

    /// One error for each control character in `text` that a character
    /// reference (`&#x1b;`) wrote, at the reference.
    fn controls(&mut self, text: &str, place: &Place<'_>) {
        let source = &place.markdown[place.range.clone()];
        let mut from = 0;
        for c in text.chars().filter(|&c| is_banned(c)) {
            let code = u32::from(c);
            let found = source[from..].find("&#").and_then(|at| {
                let start = from + at;
                let end = start + source[start..].find(';')? + 1;
                Some(start..end)
            });
            // Without a reference, a TOML escape wrote it: the loader said so.
            let Some(span) = found else { continue };
            from = span.end;
            let written = source[span.clone()].to_string();
            let span = place.range.start + span.start..place.range.start + span.end;
            self.error(
                span,
                format!(
                    "`{written}` writes the invisible control character U+{code:04X} {}",
                    control_name(c)
                ),
                "delete it: a story's text may hold tabs and line breaks, but no other control character".into(),
            );
        }
    }

    fn warning(&mut self, span: Range<usize>, message: String, help: String) {
        self.problems.push(Problem {
            severity: Severity::Warning,
            span,
            message,
            help,
        });
    }

    fn internal(&mut self, written: &str, span: Range<usize>) {
        let (path, fragment) = address::from_root(written);
        self.internal.push(InternalLink {
            path,
            fragment,
            written: written.to_string(),
            span,
        });
    }

    /// Reports what the sanitizer will drop from raw HTML, and lists the
    /// addresses it keeps.
    fn review(&mut self, raw: &RawBlock) {
        if raw.text.is_empty() {
            return;
        }
        if self.raw.is_none() {
            self.raw = Some(raw.source(&(0..raw.text.len())));
        }
        for tag in self.scanner.scan(&raw.text) {
            let attrs = match sanitize::review(&tag) {
                sanitize::Review::Dropped { help } => {
                    let message = format!("the <{}> element is not published", tag.name);
                    self.warning(raw.source(&tag.span), message, help.into());
                    continue;
                }
                sanitize::Review::Kept { dropped, address } => {
                    for attr in dropped {
                        self.warning(raw.source(&attr.attr.span), attr.message, attr.help);
                    }
                    address
                }
            };
            let Some(attr) = attrs else { continue };
            let span = raw.source(&attr.value_span);
            let value = attr.value.trim();
            match (tag.name.as_str(), address::classify(value)) {
                ("img", Address::Web) => self.remote.push(Remote {
                    url: value.to_string(),
                    host: address::host(value),
                    span,
                }),
                ("img", Address::Path) => {
                    let has_alt = tag
                        .get("alt")
                        .is_some_and(|alt| !alt.value.trim().is_empty());
                    self.images.push(LocalImage {
                        path: value.strip_prefix('/').unwrap_or(value).to_string(),
                        span,
                        has_alt,
                    });
                }
                ("a", Address::Web) => {
                    let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
                    if lower.starts_with("https://") || lower.starts_with("http://") {
                        self.links.push((value.to_string(), span));
                    }
                }
                ("a", Address::Path) => self.internal(value, span),
                _ => {}
            }
        }
    }

    /// Makes sure every picture from another site in the sanitized `html` is
    /// listed, even one the scanner did not see where the parser did (a tag
    /// left open in one raw piece and closed by the next): it is listed at
    /// the field's first raw HTML, `first`.
    fn list_what_loads(&mut self, html: &str, first: Range<usize>) {
        let decoded = |url: &str| percent_decode_str(url).decode_utf8_lossy().into_owned();
        let mut listed: Vec<String> = self.remote.iter().map(|r| decoded(&r.url)).collect();
        for tag in scan::start_tags(html) {
            let Some(src) = tag.get("src").filter(|_| tag.name == "img") else {
                continue;
            };
            if !matches!(address::classify(&src.value), Address::Web) {
                continue;
            }
            match listed.iter().position(|url| *url == decoded(&src.value)) {
                Some(found) => {
                    listed.swap_remove(found);
                }
                None => self.remote.push(Remote {
                    url: src.value.to_string(),
                    host: address::host(&src.value),
                    span: first.clone(),
                }),
            }
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
pub(super) struct Place<'t> {
    pub markdown: &'t str,
    pub range: Range<usize>,
    pub definitions: &'t [(String, Range<usize>)],
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
fn rooted(dest: CowStr<'_>, relative_too: bool, placeholders: Placeholders) -> CowStr<'_> {
    let is_external = dest.contains("://")
        || address::is_other_site(&dest)
        || dest.starts_with('#')
        || dest.starts_with("mailto:")
        || dest.starts_with("data:");
    if is_external || dest.is_empty() {
        return dest;
    }
    match dest.strip_prefix('/') {
        Some(rest) => CowStr::from(placeholders.before(Mark::Root, rest)),
        None if relative_too => CowStr::from(placeholders.before(Mark::Root, &dest)),
        None => dest,
    }
}

/// The span of the link destination inside the link's source range.
pub(super) fn dest_span(markdown: &str, range: Range<usize>, dest: &str) -> Range<usize> {
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

/// `html` sanitized between the embed markers at `markers`: a marker never
/// goes through the sanitizer (which drops every comment), and an editor's
/// tag left open cannot swallow one.
fn sanitize_pieces(html: &str, markers: &[usize], placeholders: Placeholders) -> String {
    let mut clean = String::with_capacity(html.len());
    let mut from = 0;
    for (n, &at) in markers.iter().enumerate() {
        let marker = embed_marker(n);
        debug_assert!(html[at..].starts_with(&marker));
        clean.push_str(&sanitize::clean(&html[from..at], placeholders));
        clean.push_str(&marker);
        from = at + marker.len();
    }
    clean.push_str(&sanitize::clean(&html[from..], placeholders));
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_look_for_control_bytes_misses_no_control_character() {
        // Every character, alone and among others, at each place in a block.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let alone = c.to_string();
            assert_eq!(has_control(&alone), is_banned(c), "U+{:04X}", u32::from(c));
        }
        for at in [0, 1, 62, 63, 64, 65, 127] {
            for c in ['\u{0}', '\u{1b}', '\u{7f}', '\u{80}', '\u{9f}'] {
                let text: String = (0..130).map(|i| if i == at { c } else { 'é' }).collect();
                assert!(has_control(&text), "U+{:04X} at {at}", u32::from(c));
            }
            let clean: String = (0..130)
                .map(|i| if i == at { '\u{a0}' } else { '\r' })
                .collect();
            assert!(!has_control(&clean), "no control character at {at}");
        }
    }
}
