//! Just enough HTML for spreadsheet cells: plain text from a cell's markup
//! (for titles and credits, which explainer shows as text), its inverse for
//! the cells explainer writes, and an attribute's value (the address inside
//! an embed code).

use std::borrow::Cow;

/// HTML to plain text: tags dropped, common entities decoded, spaces collapsed.
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
                text.push(' ');
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
