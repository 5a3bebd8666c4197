//! What raw HTML in a field may publish, and the sanitizer that enforces it.
//!
//! One allow-list serves two jobs: ammonia applies it to the HTML of every
//! field that has raw HTML in it (the security), and [`review`] explains it
//! for each tag an editor wrote (the messages). Kept: the elements editors
//! format with, links and pictures with web, mail and phone addresses or
//! paths, the classes and ids our own footnotes use, and classes on `<span>`
//! and `<div>`. Dropped: scripts, styles, frames, forms, head elements, SVG
//! and MathML, event handlers, and every other attribute and address.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::url::{ParseError, Url};

use super::address::{self, Address};
use super::scan::{Attr, StartTag};
use super::{Mark, Placeholders};

/// The elements published as they are (their attributes are checked).
#[rustfmt::skip]
pub(super) const TAGS: [&str; 54] = [
    "p", "br", "em", "strong", "b", "i", "u", "s", "del", "ins", "sub", "sup", "mark", "small",
    "abbr", "code", "pre", "kbd", "blockquote", "q", "cite", "ul", "ol", "li", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "caption", "thead", "tbody", "tfoot", "tr",
    "th", "td", "figure", "figcaption", "img", "a", "span", "div", "details", "summary", "time",
    "colgroup", "col", "wbr",
];

/// Elements dropped with everything inside them; other elements not in
/// [`TAGS`] are dropped but their text is kept.
const DROPPED_WHOLE: [&str; 9] = [
    "script", "style", "iframe", "noscript", "noembed", "noframes", "template", "svg", "math",
];

/// The address schemes a kept link or picture may have (and paths).
const SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The attributes each element keeps; `style`, `class` and `id` only with
/// the values [`filter`] lets through.
fn attributes(tag: &str) -> &'static [&'static str] {
    match tag {
        "a" => &["href", "title"],
        "abbr" => &["title"],
        "img" => &[
            "src", "alt", "title", "width", "height", "loading", "decoding",
        ],
        "ol" => &["start"],
        "th" | "td" => &["colspan", "rowspan", "style"],
        "time" => &["datetime"],
        "sup" => &["class", "id"],
        // `lang` marks words in another language, like a quotation kept in
        // its original language in a translation.
        "div" => &["class", "id", "lang"],
        "span" => &["class", "lang"],
        "q" | "blockquote" => &["lang"],
        "code" => &["class"],
        "details" => &["open"],
        "col" | "colgroup" => &["span"],
        _ => &[],
    }
}

/// The classes our own HTML uses (footnotes, the language of a code block),
/// and any class on `<span>` and `<div>`, which editors style text with (a
/// class runs nothing and loads nothing).
fn class_allowed(tag: &str, class: &str) -> bool {
    match tag {
        "span" | "div" => true,
        "sup" => matches!(class, "footnote-reference" | "footnote-definition-label"),
        "code" => class.strip_prefix("language-").is_some_and(|language| {
            !language.is_empty()
                && language
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-_.#".contains(&b))
        }),
        _ => false,
    }
}

/// The value an attribute that passed the allow-list is published with, or
/// `None` to drop it: the checks the allow-list cannot express, and paths
/// made to work from any page (as Markdown links and pictures are).
fn filter<'v>(tag: &str, name: &str, value: &'v str) -> Option<Cow<'v, str>> {
    match name {
        // What pulldown-cmark writes for an aligned table column, and no other style.
        "style" => {
            let declaration = value.trim().trim_end_matches(';');
            let (property, align) = declaration.split_once(':')?;
            let align = align.trim();
            (property.trim().eq_ignore_ascii_case("text-align")
                && matches!(align, "left" | "center" | "right"))
            .then(|| Cow::Owned(format!("text-align: {align}")))
        }
        "class" => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|class| class_allowed(tag, class))
                .collect();
            match kept.as_slice() {
                [] => None,
                [one] if *one == value => Some(Cow::Borrowed(value)),
                _ => Some(Cow::Owned(kept.join(" "))),
            }
        }
        "id" => value.starts_with("fn-").then_some(Cow::Borrowed(value)),
        "href" | "src" => Some(rooted(tag, value)),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// `/timeline/` (and, for pictures, `images/map.png`) behind the root
/// placeholder, like the addresses Markdown writes; ours (the field's own
/// placeholders) as they are.
fn rooted<'v>(tag: &str, value: &'v str) -> Cow<'v, str> {
    let Some(placeholders) = PLACEHOLDERS.get() else {
        return Cow::Borrowed(value);
    };
    let ours = matches!(placeholders.at_start(value), Some(Mark::Root | Mark::Pages));
    if ours || !matches!(address::classify(value), Address::Path) {
        return Cow::Borrowed(value);
    }
    match value.strip_prefix('/') {
        Some(rest) => Cow::Owned(placeholders.before(Mark::Root, rest)),
        None if tag == "img" => Cow::Owned(placeholders.before(Mark::Root, value)),
        None => Cow::Borrowed(value),
    }
}

thread_local! {
    /// The placeholders of the field being cleaned on this thread, for
    /// [`rooted`]: the sanitizer, with its attribute filter, serves every field.
    static PLACEHOLDERS: std::cell::Cell<Option<Placeholders>> =
        const { std::cell::Cell::new(None) };
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tag_attributes: HashMap<&str, HashSet<&str>> = TAGS
        .iter()
        .map(|&tag| (tag, attributes(tag).iter().copied().collect()))
        .filter(|(_, attributes): &(&str, HashSet<&str>)| !attributes.is_empty())
        .collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(TAGS.into_iter().collect())
        .clean_content_tags(DROPPED_WHOLE.into_iter().collect())
        .tag_attributes(tag_attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(SCHEMES.into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        // Links to the site itself must stay as they are.
        .link_rel(None)
        .strip_comments(true)
        .attribute_filter(filter);
    builder
});

/// `html`, a field's with these placeholders, with everything the
/// allow-list does not keep taken out.
pub(super) fn clean(html: &str, placeholders: Placeholders) -> String {
    PLACEHOLDERS.set(Some(placeholders));
    let clean = SANITIZER.clean(html).to_string();
    PLACEHOLDERS.set(None);
    clean
}

/// What the sanitizer does to one tag an editor wrote.
#[derive(Debug)]
pub(super) enum Review<'t, 'a> {
    /// The element is dropped (its text kept unless said otherwise in `help`).
    Dropped { help: &'static str },
    /// The element is kept, without the attributes listed.
    Kept {
        dropped: Vec<Dropped<'t, 'a>>,
        /// `href` or `src` as published (before rooting), if it has one kept.
        address: Option<&'t Attr<'a>>,
    },
}

/// An attribute left out, and why.
#[derive(Debug)]
pub(super) struct Dropped<'t, 'a> {
    pub attr: &'t Attr<'a>,
    pub message: String,
    pub help: String,
}

/// Explains the fate of `tag` under the allow-list.
pub(super) fn review<'t, 'a>(tag: &'t StartTag<'a>) -> Review<'t, 'a> {
    let name = tag.name.as_str();
    if !TAGS.contains(&name) {
        return Review::Dropped {
            help: element_help(name),
        };
    }
    let allowed = attributes(name);
    let mut dropped = Vec::new();
    let mut address = None;
    for attr in &tag.attrs {
        let drop = |why: Option<String>, help: String| {
            let message = match why {
                Some(why) => format!(
                    "the {} attribute of <{name}> is not published: {why}",
                    attr.name
                ),
                None => format!("the {} attribute of <{name}> is not published", attr.name),
            };
            Dropped {
                attr,
                message,
                help,
            }
        };
        if !allowed.contains(&attr.name.as_str()) {
            dropped.push(drop(None, attribute_help(name, &attr.name, allowed)));
        } else if matches!(attr.name.as_str(), "href" | "src") {
            match refused_address(name, &attr.value) {
                Some((why, help)) => dropped.push(drop(Some(why), help)),
                None => address = Some(attr),
            }
        } else if filter(name, &attr.name, &attr.value).is_none() {
            dropped.push(drop(None, attribute_help(name, &attr.name, allowed)));
        }
    }
    Review::Kept { dropped, address }
}

/// Why ammonia refuses an address (the same test: the `url` crate's parse and
/// the scheme list), and what to write instead; `None` when it keeps it.
fn refused_address(tag: &str, value: &str) -> Option<(String, String)> {
    let scheme = match Url::parse(value) {
        Ok(url) if SCHEMES.contains(&url.scheme()) => return None,
        Ok(url) => url.scheme().to_string(),
        Err(ParseError::RelativeUrlWithoutBase) => return None,
        Err(_) => {
            return Some((
                "it is not a valid address".into(),
                "correct the address, or write the link in Markdown: [text](https://…)".into(),
            ));
        }
    };
    let picture = tag == "img";
    let help = match scheme.as_str() {
        "javascript" | "vbscript" => "the site runs no scripts: link to a web page (https://…) or to a page of the story".to_string(),
        "data" if picture => "save the picture in static/images/ and write its path: images/name.png".to_string(),
        _ => match address::meant(&scheme) {
            Some(kind) if !picture => format!(
                "to link to the story, write the link in Markdown: [text]({}:id)",
                kind.scheme()
            ),
            _ if picture => "show a picture from the site's files (images/name.png) or a web address (https://…)".to_string(),
            _ => "write a web address (https://…), a path on the site (/timeline/), mailto: or tel:".to_string(),
        },
    };
    Some((format!("it is a {scheme}: address"), help))
}

/// What to do instead of a dropped element.
fn element_help(tag: &str) -> &'static str {
    match tag {
        "script" | "noscript" => {
            "the site runs no scripts: remove it (what is inside is not published either)"
        }
        "style" => {
            "the site's look comes from its templates: remove it (what is inside is not published either)"
        }
        "link" => "the site's look comes from its templates: remove it",
        "iframe" | "video" | "audio" | "source" | "track" | "object" | "embed" | "frame"
        | "frameset" | "canvas" | "applet" | "portal" | "picture" | "noembed" | "noframes" => {
            "link to it instead, like [Watch the video](https://…): the site embeds nothing from other sites"
        }
        "form" | "input" | "button" | "select" | "option" | "optgroup" | "textarea" | "label"
        | "fieldset" | "legend" | "datalist" | "output" => {
            "the site publishes no forms: link to the form's page instead"
        }
        "meta" | "base" | "title" | "head" | "html" | "body" => {
            "the templates write every page's head: remove it"
        }
        "svg" => {
            "save the picture as a file in static/images/ and show it with ![what it shows](images/name.svg)"
        }
        "math" => "write the formula as text, or show it as a picture from static/images/",
        "template" | "slot" => "remove it (what is inside is not published either)",
        _ => {
            "its text is kept: format with Markdown instead (*emphasis*, **strong**, lists, tables)"
        }
    }
}

/// What to do instead of a dropped attribute.
fn attribute_help(tag: &str, attr: &str, allowed: &[&str]) -> String {
    if attr.starts_with("on") {
        return "the site runs no scripts: remove it".into();
    }
    match attr {
        "style" if allowed.contains(&"style") => {
            return "a table cell keeps only text-align: left, center or right".into();
        }
        "style" | "class" => {
            return "the site's look comes from its templates: remove it".into();
        }
        "id" => return "link to a section with [text](section:id) instead".into(),
        "srcset" | "sizes" => return "publish one picture, with src".into(),
        _ => {}
    }
    match allowed {
        [] => format!("remove it: <{tag}> keeps no attributes"),
        [one] => format!("remove it: <{tag}> keeps only {one}"),
        [first @ .., last] => format!(
            "remove it: <{tag}> keeps only {} and {last}",
            first.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`super::clean`] for a field whose root placeholder is written
    /// `~~explainer-root~~` here, in and out.
    fn clean(html: &str) -> String {
        let placeholders = Placeholders::of("a field");
        let root = placeholders.before(Mark::Root, "");
        let html = html.replace("~~explainer-root~~", &root);
        super::clean(&html, placeholders).replace(&root, "~~explainer-root~~")
    }

    #[test]
    fn formatting_survives_and_scripts_do_not() {
        assert_eq!(
            clean(
                "<p><b>Bold</b> <img src=\"images/a.png\" alt=\"A\" onerror=\"alert(1)\"><script>alert(1)</script></p>"
            ),
            "<p><b>Bold</b> <img src=\"~~explainer-root~~images/a.png\" alt=\"A\"></p>"
        );
        assert_eq!(
            clean(
                "<a href=\"JaVaScRiPt:alert(1)\" onclick=\"x\">a</a><a href=\"java\tscript:x\">b</a><a href=\"&#106;avascript:x\">c</a>"
            ),
            "<a>a</a><a>b</a><a>c</a>"
        );
    }

    #[test]
    fn our_own_html_passes_unchanged() {
        let ours = "<sup class=\"footnote-reference\" id=\"fn-a-ref\"><a href=\"#fn-a\">1</a></sup>\
            <a href=\"~~explainer-root~~actors/russia/\">Moscow</a> <a href=\"https://example.org/\" title=\"T\">x</a>\
            <table><thead><tr><th style=\"text-align: right\">n</th></tr></thead></table>\
            <pre><code class=\"language-rust\">x</code></pre>\
            <div class=\"footnote-definition\" id=\"fn-a\"><sup class=\"footnote-definition-label\">1</sup></div>";
        assert_eq!(clean(ours), ours);
    }

    #[test]
    fn style_class_and_id_keep_only_what_our_html_uses() {
        assert_eq!(
            clean(
                "<table><tr><td style=\"text-align:center;\">a</td><td style=\"color: red\">b</td></tr></table><p style=\"text-align: left\">c</p>"
            ),
            "<table><tbody><tr><td style=\"text-align: center\">a</td><td>b</td></tr></tbody></table><p>c</p>"
        );
        assert_eq!(
            clean(
                "<p class=\"big\"><sup class=\"big footnote-reference\" id=\"main\">x</sup></p><div class=\"wide\"></div>"
            ),
            "<p><sup class=\"footnote-reference\">x</sup></p><div class=\"wide\"></div>"
        );
    }

    #[test]
    fn paths_in_raw_html_work_from_every_page() {
        assert_eq!(
            clean(
                "<a href=\"/timeline/\">t</a><a href=\"timeline/\">u</a><img src=\"/images/a.png\" alt=\"\">"
            ),
            "<a href=\"~~explainer-root~~timeline/\">t</a><a href=\"timeline/\">u</a><img src=\"~~explainer-root~~images/a.png\" alt=\"\">"
        );
    }

    #[test]
    fn the_review_names_what_is_dropped() {
        let tags = super::super::scan::start_tags(
            "<img src=\"x.png\" onclick=\"a()\" srcset=\"https://t.example/p.gif 2x\"><a href=\"vbscript:x\" target=_blank>",
        );
        let Review::Kept { dropped, address } = review(&tags[0]) else {
            panic!("img is kept")
        };
        let messages: Vec<&str> = dropped.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the onclick attribute of <img> is not published",
                "the srcset attribute of <img> is not published"
            ]
        );
        assert_eq!(address.map(|a| &*a.value), Some("x.png"));
        let Review::Kept { dropped, address } = review(&tags[1]) else {
            panic!("a is kept")
        };
        assert!(address.is_none());
        assert_eq!(
            dropped[0].message,
            "the href attribute of <a> is not published: it is a vbscript: address"
        );
        assert_eq!(dropped[1].help, "remove it: <a> keeps only href and title");
    }
}
