//! Just enough HTML for spreadsheet cells: plain text from a cell's markup
//! (for titles and credits, which explainer shows as text), its inverse for
//! the cells explainer writes, and an attribute's value (the address inside
//! an embed code).

use std::borrow::Cow;

/// Tags that sit inside a word (`Com<b>put</b>er`): dropped without a space.
const INLINE: [&str; 14] = [
    "a", "abbr", "b", "code", "em", "i", "mark", "s", "small", "span", "strong", "sub", "sup", "u",
];

/// HTML to plain text: tags dropped (block tags leave a space), common
/// entities decoded, spaces collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        text.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>') {
            Some(end) if is_tag => {
                let name: String = after[..end]
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if !INLINE.contains(&name.as_str()) {
                    text.push(' ');
                }
                rest = &after[end + 1..];
            }
            _ => {
                text.push('<');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    decode_entities(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Plain text for a cell that TimelineJS reads as HTML (Headline, Media
/// Credit): as it is, so spreadsheets show `Riverton's`, not `Riverton&#39;s`.
/// Only text that [`plain_text`] would read as markup (`<b>`, `&amp;`) has its
/// `&`, `<` and `>` escaped, so TimelineJS shows it and the import gives it back.
pub fn html_text(text: &str) -> Cow<'_, str> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if plain_text(text) == collapsed {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    // Writing into a String cannot fail.
    pulldown_cmark_escape::escape_html_body_text(&mut escaped, text).ok();
    Cow::Owned(escaped)
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let entity = after
            .find(';')
            .filter(|end| *end <= 10)
            .map(|end| &after[..end]);
        let decoded = entity.and_then(|name| match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => {
                let number = name.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (decoded, entity) {
            (Some(c), Some(name)) => {
                out.push(c);
                rest = &after[name.len() + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A Text cell's HTML as the Markdown editors write: links to the story's
/// own pages (under `base_url`) become `actor:`, `event:` and `section:`
/// links again, as `data/events.csv` had them before export.
/// Only links to what `known` says the story will have are rewritten (it is
/// asked `("actor", id)`, `("event", id)`, `("section", slug)`); the others
/// keep their address, which still leads to the site they came from.
pub fn markdown(html: &str, base_url: Option<&str>, known: &dyn Fn(&str, &str) -> bool) -> String {
    // A cell without a tag is text as the editor typed it, paragraphs and
    // all: as Markdown, it reads the same.
    let has_tag = html
        .match_indices('<')
        .any(|(at, _)| html[at + 1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/'));
    if !has_tag {
        return html.trim().to_string();
    }
    let html = match base_url {
        Some(base) => own_links(html, base, known),
        None => html.to_string(),
    };
    // The sheet's HTML as it is, if the converter cannot read it.
    htmd::convert(&html).map_or(html, |markdown| markdown.trim().to_string())
}

/// `href`s under `base` that name an actor's or event's page, or a section
/// of the story page, rewritten as the story's own link kinds.
fn own_links(html: &str, base: &str, known: &dyn Fn(&str, &str) -> bool) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("href=") {
        let (before, after) = rest.split_at(at + "href=".len());
        out.push_str(before);
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            rest = after;
            continue;
        };
        let Some(end) = after[1..].find(quote) else {
            rest = after;
            continue;
        };
        let href = &after[1..1 + end];
        let link = href
            .strip_prefix(base)
            .and_then(own_link)
            .filter(|(kind, id)| known(kind, id))
            .map(|(kind, id)| format!("{kind}:{id}"));
        out.push(quote);
        out.push_str(link.as_deref().unwrap_or(href));
        out.push(quote);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The link kind and id of an address from the site root: an actor's or an
/// event's page, or a section of the story page.
fn own_link(path: &str) -> Option<(&'static str, &str)> {
    if let Some(slug) = path.strip_prefix('#') {
        return (!slug.is_empty()).then_some(("section", slug));
    }
    let route = crate::plan::Route::from_href(path)?;
    match route.kind {
        crate::plan::Kind::Actor => Some(("actor", route.key)),
        crate::plan::Kind::Event => Some(("event", route.key)),
        _ => None,
    }
}

/// The value of `name="..."` (or `'...'`) in an HTML tag.
pub(super) fn attribute(html: &str, name: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let rest = &html[at..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = rest[1..].split(quote).next()?;
    Some(decode_entities(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_text_for_titles_and_credits() {
        assert_eq!(
            plain_text("<a href=\"x\">Computer &amp; History</a>  Museum"),
            "Computer & History Museum"
        );
        assert_eq!(plain_text("a < b &#8211; c&#x2019;s"), "a < b – c’s");
        assert_eq!(plain_text("AT&T &unknown;"), "AT&T &unknown;");
    }

    #[test]
    fn inline_tags_inside_a_word_leave_no_space() {
        assert_eq!(
            plain_text("Com<b>put</b>er <i>history</i><p>Next</p>"),
            "Computer history Next"
        );
    }

    #[test]
    fn text_cells_become_markdown_with_the_story_s_own_links() {
        let base = "https://example.org/story/";
        let html = "<p>The <a href=\"https://example.org/story/actors/soviet-union/\">Soviet Union</a> \
            ends; see <a href='https://example.org/story/#an-alliance-tested'>An alliance</a>, \
            <a href=\"https://example.org/story/events/raids/\">the <b>raids</b></a> and \
            <a href=\"https://other.example/x\">elsewhere</a>.</p>";
        let all = |_: &str, _: &str| true;
        assert_eq!(
            markdown(html, Some(base), &all),
            "The [Soviet Union](actor:soviet-union) ends; see [An alliance](section:an-alliance-tested), \
             [the **raids**](event:raids) and [elsewhere](https://other.example/x)."
        );
        // What the story will not have keeps its address.
        let actors_only = |kind: &str, _: &str| kind == "actor";
        assert!(
            markdown(html, Some(base), &actors_only)
                .contains("[the **raids**](https://example.org/story/events/raids/)")
        );
        assert_eq!(markdown("<p>a &amp; b &eacute;</p>", None, &all), "a & b é");
        // Text without tags is kept as typed, paragraphs and all.
        assert_eq!(
            markdown("One.\n\nTwo & *three*", None, &all),
            "One.\n\nTwo & *three*"
        );
    }

    #[test]
    fn plain_text_is_written_as_it_is_unless_it_would_read_as_markup() {
        for (text, written) in [
            ("Riverton's budget", "Riverton's budget"),
            ("AT&T and Q&A: 1 < 2", "AT&T and Q&A: 1 < 2"),
            ("\"Quoted\"", "\"Quoted\""),
            ("Use <b> for bold", "Use &lt;b&gt; for bold"),
            ("Fish &amp; chips", "Fish &amp;amp; chips"),
        ] {
            assert_eq!(html_text(text), written, "{text:?}");
            assert_eq!(plain_text(&html_text(text)), text, "{text:?}");
        }
    }
}
