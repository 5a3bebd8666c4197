//! The start tags in a piece of raw HTML, with where each tag and attribute is.
//!
//! Sanitizing is ammonia's job; this scanner only finds what an editor wrote,
//! so the renderer can say what was dropped, at the right place, and list the
//! addresses that stay. It follows the HTML tokenizer where that changes what
//! is a tag: comments, raw text (`<script>`, `<style>`, `<textarea>`...), the
//! content of `<template>`, `<svg>` and `<math>` (dropped whole by the
//! sanitizer), the tags that break out of them, and the first of two
//! attributes with one name winning. Spans are byte offsets in the scanned text.

use std::borrow::Cow;
use std::ops::Range;

/// A start tag as the HTML tokenizer reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StartTag<'a> {
    /// Lowercased: `img`.
    pub name: String,
    /// From `<` to `>` (or to the end of the text, for a tag left open).
    pub span: Range<usize>,
    pub attrs: Vec<Attr<'a>>,
}

impl StartTag<'_> {
    /// The value of an attribute, if the tag has it.
    pub fn get(&self, name: &str) -> Option<&Attr<'_>> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Attr<'a> {
    /// Lowercased: `onclick`.
    pub name: String,
    /// With character references decoded: `javascript:` for `&#106;avascript:`.
    pub value: Cow<'a, str>,
    /// From the name to the end of the value.
    pub span: Range<usize>,
    /// The value as written, inside its quotes (at the name when it has none).
    pub value_span: Range<usize>,
}

/// Elements whose content is text to the tokenizer, not tags.
#[rustfmt::skip]
const RAW_TEXT: [&str; 9] = [
    "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title",
];

/// Elements whose whole content the sanitizer drops: what is inside is not
/// reported tag by tag.
const DROPPED_WHOLE: [&str; 3] = ["template", "svg", "math"];

/// Start tags that end `<svg>` and `<math>` content: the parser closes the
/// foreign element and goes on in HTML.
#[rustfmt::skip]
const BREAKOUT: [&str; 45] = [
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
    "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
    "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
    "sub", "sup", "table", "tt", "u", "ul", "var", "font",
];

/// Every start tag in `html` that the parser would build an element from,
/// outside dropped content; `<template>`, `<svg>` and `<math>` themselves are
/// included.
pub(super) fn start_tags(html: &str) -> Vec<StartTag<'_>> {
    Scanner::default().scan(html)
}

/// Reads the raw HTML of a field piece by piece, in order. The parser reads
/// the field whole: a comment, a `<script>` or an `<svg>` opened in one piece
/// goes on into the next.
#[derive(Debug, Default)]
pub(super) struct Scanner {
    mode: Mode,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
enum Mode {
    #[default]
    Tags,
    Comment,
    /// Inside a raw text element, until its end tag.
    RawText(String),
    /// Inside an element dropped whole: its name and how deep.
    Dropped(String, usize),
    /// After `<plaintext>`: nothing is a tag any more.
    Plaintext,
}

impl Scanner {
    /// The start tags in the next piece.
    pub fn scan<'a>(&mut self, html: &'a str) -> Vec<StartTag<'a>> {
        let mut cursor = Cursor {
            html,
            at: 0,
            tags: Vec::new(),
        };
        self.mode = cursor.run(std::mem::take(&mut self.mode));
        cursor.tags
    }
}

struct Cursor<'a> {
    html: &'a str,
    at: usize,
    tags: Vec<StartTag<'a>>,
}

impl<'a> Cursor<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.html.as_bytes()
    }

    /// Reads the piece from `mode`; returns the mode at its end.
    fn run(&mut self, mut mode: Mode) -> Mode {
        loop {
            match &mut mode {
                Mode::Plaintext => return mode,
                Mode::Comment => {
                    if !self.skip_past("-->") {
                        return mode;
                    }
                    mode = Mode::Tags;
                    continue;
                }
                Mode::RawText(name) => {
                    if !self.skip_raw_text(name) {
                        return mode;
                    }
                    mode = Mode::Tags;
                    continue;
                }
                Mode::Tags | Mode::Dropped(..) => {}
            }
            let Some(lt) = self.find_from(self.at, "<") else {
                return mode;
            };
            self.at = lt + 1;
            let bytes = self.bytes();
            match bytes.get(self.at) {
                Some(b'!') => {
                    let foreign = matches!(mode, Mode::Dropped(..));
                    if !self.skip_markup_declaration(foreign) {
                        mode = Mode::Comment;
                    }
                }
                Some(b'?') => {
                    self.skip_past(">");
                }
                Some(b'/') if bytes.get(self.at + 1).is_some_and(u8::is_ascii_alphabetic) => {
                    self.at += 1;
                    let name = self.tag_name();
                    self.skip_past(">");
                    if let Mode::Dropped(open, depth) = &mut mode
                        && *open == name
                    {
                        *depth -= 1;
                        if *depth == 0 {
                            mode = Mode::Tags;
                        }
                    }
                }
                Some(b'/') => {
                    self.skip_past(">");
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    let tag = self.start_tag(lt);
                    if let Mode::Dropped(open, depth) = &mut mode {
                        let foreign = open != "template";
                        if foreign && is_breakout(&tag) {
                            mode = Mode::Tags;
                        } else {
                            if *open == tag.name {
                                *depth += 1;
                            }
                            continue;
                        }
                    }
                    if DROPPED_WHOLE.contains(&tag.name.as_str()) {
                        mode = Mode::Dropped(tag.name.clone(), 1);
                    } else if RAW_TEXT.contains(&tag.name.as_str()) {
                        mode = Mode::RawText(tag.name.clone());
                    } else if tag.name == "plaintext" {
                        mode = Mode::Plaintext;
                    }
                    self.tags.push(tag);
                }
                _ => {}
            }
        }
    }

    fn find_from(&self, from: usize, needle: &str) -> Option<usize> {
        self.html
            .get(from..)
            .and_then(|rest| rest.find(needle))
            .map(|i| from + i)
    }

    /// Moves past the next `needle` if there is one (or to the end).
    fn skip_past(&mut self, needle: &str) -> bool {
        match self.find_from(self.at, needle) {
            Some(i) => {
                self.at = i + needle.len();
                true
            }
            None => {
                self.at = self.html.len();
                false
            }
        }
    }

    /// `<!--...-->`, `<!DOCTYPE ...>`, `<![CDATA[...]]>`: no tags inside.
    /// False when a comment goes on past the piece.
    fn skip_markup_declaration(&mut self, foreign: bool) -> bool {
        let rest = &self.html[self.at..];
        if let Some(comment) = rest.strip_prefix("!--") {
            // `<!-->` and `<!--->` are whole (empty) comments.
            let start = self.at + 3;
            if comment.starts_with('>') {
                self.at = start + 1;
            } else if comment.starts_with("->") {
                self.at = start + 2;
            } else {
                self.at = start;
                return self.skip_past("-->");
            }
        } else if foreign && rest.starts_with("![CDATA[") {
            self.skip_past("]]>");
        } else {
            self.skip_past(">");
        }
        true
    }

    /// Moves to the end tag that closes a raw text element; false when it is
    /// not in the piece.
    fn skip_raw_text(&mut self, name: &str) -> bool {
        let bytes = self.bytes();
        let mut from = self.at;
        while let Some(lt) = self.find_from(from, "</") {
            let end = lt + 2 + name.len();
            let closes = bytes
                .get(lt + 2..end)
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
                && bytes
                    .get(end)
                    .is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'));
            if closes {
                self.at = lt;
                return true;
            }
            from = lt + 2;
        }
        self.at = self.html.len();
        false
    }

    /// A tag name, lowercased, ending at space, `/` or `>`.
    fn tag_name(&mut self) -> String {
        let start = self.at;
        let bytes = self.bytes();
        while self.at < bytes.len()
            && !bytes[self.at].is_ascii_whitespace()
            && !matches!(bytes[self.at], b'/' | b'>')
        {
            self.at += 1;
        }
        self.html[start..self.at].to_ascii_lowercase()
    }

    /// The start tag whose `<` is at `lt`; `self.at` is on its first letter.
    fn start_tag(&mut self, lt: usize) -> StartTag<'a> {
        let name = self.tag_name();
        let mut attrs: Vec<Attr<'a>> = Vec::new();
        let bytes = self.bytes();
        loop {
            while self.at < bytes.len()
                && (bytes[self.at].is_ascii_whitespace() || bytes[self.at] == b'/')
            {
                self.at += 1;
            }
            if self.at >= bytes.len() {
                break;
            }
            if bytes[self.at] == b'>' {
                self.at += 1;
                break;
            }
            let attr = self.attribute();
            if !attrs.iter().any(|a| a.name == attr.name) {
                attrs.push(attr);
            }
        }
        StartTag {
            name,
            span: lt..self.at,
            attrs,
        }
    }

    /// One attribute: its name, then `=` and a value, quoted or not.
    fn attribute(&mut self) -> Attr<'a> {
        let bytes = self.bytes();
        let start = self.at;
        // A name may start with `=`; after that, `=` ends it.
        self.at += 1;
        while self.at < bytes.len()
            && !bytes[self.at].is_ascii_whitespace()
            && !matches!(bytes[self.at], b'/' | b'>' | b'=')
        {
            self.at += 1;
        }
        let name = self.html[start..self.at].to_ascii_lowercase();
        let name_end = self.at;
        let mut after = self.at;
        while after < bytes.len() && bytes[after].is_ascii_whitespace() {
            after += 1;
        }
        if bytes.get(after) != Some(&b'=') {
            return Attr {
                name,
                value: Cow::Borrowed(""),
                span: start..name_end,
                value_span: name_end..name_end,
            };
        }
        self.at = after + 1;
        while self.at < bytes.len() && bytes[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        let value_span = match bytes.get(self.at) {
            Some(&quote) if quote == b'"' || quote == b'\'' => {
                let open = self.at + 1;
                let close = self
                    .find_from(open, if quote == b'"' { "\"" } else { "'" })
                    .unwrap_or(self.html.len());
                self.at = (close + 1).min(self.html.len());
                open..close
            }
            _ => {
                let open = self.at;
                while self.at < bytes.len()
                    && !bytes[self.at].is_ascii_whitespace()
                    && bytes[self.at] != b'>'
                {
                    self.at += 1;
                }
                open..self.at
            }
        };
        Attr {
            name,
            value: decode_references(&self.html[value_span.clone()]),
            span: start..self.at,
            value_span,
        }
    }
}

fn is_breakout(tag: &StartTag<'_>) -> bool {
    BREAKOUT.contains(&tag.name.as_str())
        && (tag.name != "font"
            || tag
                .attrs
                .iter()
                .any(|a| matches!(a.name.as_str(), "color" | "face" | "size")))
}

/// Decodes character references in an attribute value: numeric ones, and the
/// named ones that can spell an address (`&colon;`, `&Tab;`, `&amp;`...).
/// The sanitizer knows every name; this is for messages and listings.
pub(super) fn decode_references(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    let mut decoded = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        decoded.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match reference(rest) {
            Some((c, used)) => {
                decoded.push(c);
                rest = &rest[used..];
            }
            None => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    Cow::Owned(decoded)
}

/// The character a reference at the start of `text` (on its `&`) stands
/// for, and the bytes it takes.
fn reference(text: &str) -> Option<(char, usize)> {
    let body = &text[1..];
    if let Some(number) = body.strip_prefix('#') {
        let (digits, radix, skip) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (number, 10, 2),
        };
        let len = digits
            .bytes()
            .take_while(|b| (*b as char).is_digit(radix))
            .count();
        if len == 0 {
            return None;
        }
        let code = u32::from_str_radix(&digits[..len.min(8)], radix).unwrap_or(0xFFFD);
        let c = match code {
            0 => '\u{FFFD}',
            code => char::from_u32(code).unwrap_or('\u{FFFD}'),
        };
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c, skip + len + semicolon));
    }
    let len = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let name = &body[..len];
    // In attribute values, a reference needs its `;` unless it is one of the
    // old ones; those here all need it but `amp`, `lt`, `gt` and `quot`.
    let semicolon = body[len..].starts_with(';');
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        _ if !semicolon => return None,
        "apos" => '\'',
        "colon" => ':',
        "Tab" => '\t',
        "NewLine" => '\n',
        "nbsp" => '\u{A0}',
        "sol" => '/',
        "bsol" => '\\',
        "period" => '.',
        "comma" => ',',
        "semi" => ';',
        "lpar" => '(',
        "rpar" => ')',
        "excl" => '!',
        "quest" => '?',
        "num" => '#',
        "percnt" => '%',
        "equals" => '=',
        "plus" => '+',
        "commat" => '@',
        "lowbar" => '_',
        "hyphen" | "dash" => '-',
        _ => return None,
    };
    // `&amp=` and `&ampx` stay as written in attribute values.
    if !semicolon && body[len..].starts_with(|c: char| c == '=' || c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((c, 1 + len + usize::from(semicolon)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(html: &str) -> Vec<String> {
        start_tags(html).into_iter().map(|t| t.name).collect()
    }

    #[test]
    fn tags_and_attributes_are_found_with_their_places() {
        let html = r#"<p>Hi <IMG SRC = "a.png" onError=alert(1) src=b.png/>"#;
        let tags = start_tags(html);
        assert_eq!(tags.len(), 2);
        let img = &tags[1];
        assert_eq!(img.name, "img");
        assert_eq!(
            &html[img.span.clone()],
            r#"<IMG SRC = "a.png" onError=alert(1) src=b.png/>"#
        );
        let names: Vec<&str> = img.attrs.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["src", "onerror"], "the first of two src wins");
        assert_eq!(&html[img.attrs[0].value_span.clone()], "a.png");
        assert_eq!(&html[img.attrs[1].span.clone()], "onError=alert(1)");
    }

    #[test]
    fn references_in_values_are_decoded() {
        let tags = start_tags(
            "<a href='&#106;ava&#x73;cript&colon;x&Tab;'><a href=\"?a=1&amp;b=2&copy=3\">",
        );
        assert_eq!(tags[0].attrs[0].value, "javascript:x\t");
        assert_eq!(tags[1].attrs[0].value, "?a=1&b=2&copy=3");
    }

    #[test]
    fn comments_raw_text_and_dropped_content_hide_their_tags() {
        assert_eq!(names("<!-- <img src=x> --><b>"), ["b"]);
        assert_eq!(names("<!--><i>"), ["i"]);
        assert_eq!(
            names("<script>document.write('<img src=x>')</script ><u>"),
            ["script", "u"]
        );
        assert_eq!(
            names("<textarea><img src=x></textarea><em>"),
            ["textarea", "em"]
        );
        assert_eq!(
            names("<svg onload=x><circle/><svg></svg><a href=y></a></svg><b>"),
            ["svg", "b"]
        );
        assert_eq!(
            names("<template><img src=x></template><s>"),
            ["template", "s"]
        );
    }

    #[test]
    fn what_a_piece_leaves_open_goes_on_into_the_next() {
        let mut scanner = Scanner::default();
        let pieces = [
            "<svg onload=x>",
            "<circle/>",
            "</svg>",
            "<script>",
            "<img src=x>",
            "</script>",
            "<!-- a",
            "<b>",
            "-->",
            "<i>",
        ];
        let names: Vec<String> = pieces
            .iter()
            .flat_map(|piece| scanner.scan(piece))
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["svg", "script", "i"]);
    }

    #[test]
    fn html_tags_break_out_of_svg() {
        assert_eq!(
            names("<svg><rect/><p><img src=https://t.example/p.gif>"),
            ["svg", "p", "img"]
        );
    }
}
