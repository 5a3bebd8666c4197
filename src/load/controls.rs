//! Control characters: invisible, and never what an editor meant to publish.
//!
//! A file's text may hold tab, line breaks (LF, or CRLF) and printable
//! characters. Every other C0 character, DEL and every C1 character
//! (U+0080–U+009F) is an error at its place: written raw, or made by a TOML
//! escape (`\u0000`, `\b`, `\f`, `\e`, `\x1b`, `\U0000009f`...). Steps: a quick
//! look for a control byte or a backslash, which most files have not; then
//! one pass for raw characters over the whole file, and one for escapes over
//! its TOML (a whole `.toml` file, or a Markdown file's front matter), which
//! looks only inside `"` strings. Raw characters are replaced with spaces of
//! the same length, so the TOML parser does not report them again, spans stay
//! valid, and no diagnostic prints them to a terminal.

use std::ops::Range;

use crate::diagnostics::{Diagnostics, SourceFile};

/// Reports every control character in `file`, raw or written as an escape
/// in `toml` (a byte range of the file), and blanks the raw ones.
pub(super) fn check_controls(
    file: &mut SourceFile,
    toml: Range<usize>,
    diagnostics: &mut Diagnostics,
) {
    let bytes = file.text.as_bytes();
    let raw = has_control_byte(bytes);
    let escapes = bytes.get(toml.clone()).is_some_and(|t| t.contains(&b'\\'));
    if !raw && !escapes {
        return;
    }
    let mut found = Vec::new();
    if raw {
        found.extend(
            raw_controls(&file.text).map(|(at, c)| (at..at + c.len_utf8(), c, Written::Raw)),
        );
        blank(&mut file.text, &found);
    }
    if escapes {
        found.extend(
            escaped_controls(&file.text, toml)
                .into_iter()
                .map(|(span, c)| (span, c, Written::Escape)),
        );
    }
    for (span, c, written) in found {
        let name = name(c);
        let code = u32::from(c);
        let (message, help) = match written {
            Written::Raw => (
                format!("this text holds the invisible control character U+{code:04X} {name}"),
                "delete it: a story's text may hold tabs and line breaks, but no other control character".to_string(),
            ),
            Written::Escape => (
                format!(
                    "`{}` writes the invisible control character U+{code:04X} {name}",
                    &file.text[span.clone()]
                ),
                "delete it: a story's text may hold tabs and line breaks (`\\t`, `\\n`), but no other control character".to_string(),
            ),
        };
        diagnostics.error_help(file, span, message, help);
    }
}

/// Replaces the control characters of `text` with spaces of the same length,
/// for text that is shown but not read (a file that is not UTF-8).
pub(super) fn blank_controls(text: &mut String) {
    if text.bytes().any(is_control_byte) {
        let found: Vec<_> = raw_controls(text)
            .map(|(at, c)| (at..at + c.len_utf8(), c, Written::Raw))
            .collect();
        blank(text, &found);
    }
}

#[derive(Debug, Clone, Copy)]
enum Written {
    Raw,
    Escape,
}

/// Whether `bytes` hold a byte that is, or starts, a control character:
/// looked for a block at a time, every byte of it, a loop the compiler can
/// run on many bytes at once, where stopping at the first would keep it to
/// one. Most text has none, and is then not read character by character.
pub(crate) fn has_control_byte(bytes: &[u8]) -> bool {
    bytes.chunks(64).any(|block| {
        block
            .iter()
            .fold(false, |found, &b| found | is_control_byte(b))
    })
}

/// A byte that is, or starts, a control character (C1 ones start with 0xC2);
/// CR is one too, because a CR outside CRLF is.
fn is_control_byte(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n') || b == 0x7F || b == 0xC2
}

/// A control character no text may hold: C0 but tab and LF, DEL, C1.
pub(crate) fn is_control(c: char) -> bool {
    (c < ' ' && c != '\t' && c != '\n') || ('\u{7f}'..='\u{9f}').contains(&c)
}

/// Raw control characters: (byte offset, character). A CR before an LF is a
/// line break.
fn raw_controls(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    text.char_indices().filter(|&(at, c)| {
        is_control(c) && !(c == '\r' && text.as_bytes().get(at + 1) == Some(&b'\n'))
    })
}

/// Blanks each found raw character: a space per byte, except a C1
/// character's two bytes, which become one no-break space, so columns stay
/// as the editor counts them.
fn blank(text: &mut String, found: &[(Range<usize>, char, Written)]) {
    for (span, _, _) in found {
        let blank = if span.len() == 2 { "\u{a0}" } else { " " };
        text.replace_range(span.clone(), blank);
    }
}

/// Escapes in the `"` strings of `toml` that make a control character: (span
/// of the escape, character). `'` strings and comments hold no escapes.
fn escaped_controls(text: &str, toml: Range<usize>) -> Vec<(Range<usize>, char)> {
    let bytes = text.as_bytes();
    let end = toml.end.min(bytes.len());
    let mut found = Vec::new();
    let mut i = toml.start;
    while i < end {
        match bytes[i] {
            b'#' => i = find(bytes, i, end, b"\n"),
            b'\'' if bytes[i..end].starts_with(b"'''") => i = closing(bytes, i + 3, end, b'\''),
            b'\'' => i = find(bytes, i + 1, end, b"'").min(find(bytes, i + 1, end, b"\n")),
            b'"' => {
                let multi = bytes[i..end].starts_with(b"\"\"\"");
                i = basic_string(
                    bytes,
                    if multi { i + 3 } else { i + 1 },
                    end,
                    multi,
                    &mut found,
                );
            }
            _ => i += 1,
        }
    }
    found
}

/// Just past the first `needle` at or after `from`, or `end`.
fn find(bytes: &[u8], from: usize, end: usize, needle: &[u8]) -> usize {
    bytes[from.min(end)..end]
        .windows(needle.len())
        .position(|w| w == needle)
        .map_or(end, |at| from + at + needle.len())
}

/// Just past the three (to five: quotes may end the text) `quote`s that
/// close a multi-line string.
fn closing(bytes: &[u8], mut i: usize, end: usize, quote: u8) -> usize {
    while i < end {
        let run = bytes[i..end].iter().take_while(|&&b| b == quote).count();
        if run >= 3 {
            return i + run.min(5);
        }
        i += run.max(1);
    }
    end
}

/// Reads a `"` string from `i` (just past its opening quotes) and returns
/// where it ends, noting each escape that makes a control character.
fn basic_string(
    bytes: &[u8],
    mut i: usize,
    end: usize,
    multi: bool,
    found: &mut Vec<(Range<usize>, char)>,
) -> usize {
    while i < end {
        match bytes[i] {
            b'\\' => {
                let (len, c) = escape(&bytes[i..end]);
                if let Some(c) = c.filter(|&c| is_control(c)) {
                    // `\r\n` and `\r` before a line break make a CRLF.
                    let rest = &bytes[i + len..end];
                    let crlf = c == '\r' && (rest.starts_with(b"\\n") || rest.starts_with(b"\n"));
                    if !crlf {
                        found.push((i..i + len, c));
                    }
                }
                i += len;
            }
            b'"' if multi => {
                let run = bytes[i..end].iter().take_while(|&&b| b == b'"').count();
                if run >= 3 {
                    return i + run.min(5);
                }
                i += run;
            }
            b'"' => return i + 1,
            b'\n' if !multi => return i + 1,
            _ => i += 1,
        }
    }
    end
}

/// The escape at the start of `bytes` (which starts with `\`): its length and
/// the character it makes, when it makes one that could be a control.
fn escape(bytes: &[u8]) -> (usize, Option<char>) {
    // A short or bad hex escape ends at its last digit, so that the string's
    // closing quote is still seen (the parser reports the escape).
    let hex = |digits: usize| {
        let text = &bytes[2.min(bytes.len())..];
        let count = text
            .iter()
            .take(digits)
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        let code = (count == digits)
            .then(|| std::str::from_utf8(&text[..digits]).ok())
            .flatten()
            .and_then(|t| u32::from_str_radix(t, 16).ok());
        (2 + count, code.and_then(char::from_u32))
    };
    match bytes.get(1) {
        Some(b'b') => (2, Some('\u{8}')),
        Some(b'f') => (2, Some('\u{c}')),
        Some(b'e') => (2, Some('\u{1b}')),
        Some(b'r') => (2, Some('\r')),
        Some(b'x') => hex(2),
        Some(b'u') => hex(4),
        Some(b'U') => hex(8),
        // `\\`, `\"`, `\t`, `\n`, a line-ending backslash: nothing to see,
        // but the next character is not an escape or a closing quote.
        Some(_) => (2, None),
        None => (1, None),
    }
}

/// The character's abbreviated name, as Unicode aliases it (`NUL`, `ESC`, `NEL`).
pub(crate) fn name(c: char) -> &'static str {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
        "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
        "ESC", "FS", "GS", "RS", "US",
    ];
    const C1: [&str; 32] = [
        "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD", "PLU",
        "RI", "SS2", "SS3", "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA", "SOS", "SGC",
        "SCI", "CSI", "ST", "OSC", "PM", "APC",
    ];
    let code = u32::from(c) as usize;
    match code {
        0..0x20 => C0[code],
        0x7F => "DEL",
        0x80..0xA0 => C1[code - 0x80],
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escapes(toml: &str) -> Vec<(&str, char)> {
        escaped_controls(toml, 0..toml.len())
            .into_iter()
            .map(|(span, c)| (&toml[span], c))
            .collect()
    }

    #[test]
    fn escapes_count_only_inside_double_quoted_strings() {
        assert_eq!(
            escapes(r#"a = "x\u0000y\e" # \b"#),
            [(r"\u0000", '\0'), (r"\e", '\u{1b}')]
        );
        assert_eq!(escapes(r#"a = 'x\u0000' # "\b""#), []);
        assert_eq!(escapes("a = '''\n\\b'''\nb = \"\\f\""), [(r"\f", '\u{c}')]);
        assert_eq!(
            escapes("a = \"\"\"\n\\x7f\"\"\"\"\nb = \"\\U0000009F\""),
            [(r"\x7f", '\u{7f}'), (r"\U0000009F", '\u{9f}')]
        );
    }

    #[test]
    fn tab_newline_and_crlf_escapes_are_text() {
        assert_eq!(escapes(r#"a = "\t\n\r\n\\b\"\b""#), [(r"\b", '\u{8}')]);
        assert_eq!(escapes(r#"a = "x\ry""#), [(r"\r", '\r')]);
        assert_eq!(escapes("a = \"\"\"x\\r\ny\"\"\""), []);
        assert_eq!(escapes(r#"a = "\u0009\u000A\u00e9\u00A0""#), []);
    }

    #[test]
    fn broken_strings_and_escapes_do_not_stop_the_scan() {
        assert_eq!(escapes("a = \"x\\u00\nb = \"\\e\""), [(r"\e", '\u{1b}')]);
        assert_eq!(escapes("a = \"\\"), []);
        assert_eq!(escapes("a = \"\"\"\\U0011FFFF"), []);
    }

    #[test]
    fn raw_controls_are_found_and_crlf_is_a_line_break() {
        let text = "a\r\nb\rc\0d\u{85}e\u{7f}\tf\n";
        let found: Vec<(usize, char)> = raw_controls(text).collect();
        assert_eq!(found, [(4, '\r'), (6, '\0'), (8, '\u{85}'), (11, '\u{7f}')]);
        let mut blanked = text.to_string();
        blank_controls(&mut blanked);
        assert_eq!(blanked, "a\r\nb c d\u{a0}e \tf\n");
    }

    #[test]
    fn every_control_has_a_name() {
        let controls = ('\0'..='\u{9f}').filter(|&c| is_control(c) || c == '\t' || c == '\n');
        assert!(controls.clone().all(|c| !name(c).is_empty()));
        assert_eq!(controls.count(), 32 + 1 + 32);
        assert_eq!(
            (name('\0'), name('\u{1b}'), name('\u{85}')),
            ("NUL", "ESC", "NEL")
        );
    }
}
