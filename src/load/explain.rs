//! The TOML and serde libraries' errors, explained as diagnostics an editor
//! can act on: where the problem is, what is wrong, what to write instead.
//!
//! Steps: parse TOML reporting every syntax error, one a line, each reworded
//! (`explain_syntax`); deserialize a table reporting every problem in it, not
//! only the first: a bad key or list item is located, reworded
//! (`explain_serde_error`) and taken out, a missing key is reported with a
//! line to copy and given a stand-in, then the table is read again.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeArray, DeString, DeTable, DeValue, ValueDeserializer};
use toml::value::Datetime;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile, closest};

/// Quotation marks that editors' software puts in place of `"` and `'`.
const TYPOGRAPHIC_QUOTES: [char; 12] = ['“', '”', '„', '‟', '«', '»', '‘', '’', '‚', '‛', '‹', '›'];

/// Parses TOML, reporting every syntax error. Returns the table (recovered as
/// well as possible when there were errors) and whether it was valid.
pub(super) fn parse_syntax<'t>(
    file: &SourceFile,
    text: &'t str,
    diagnostics: &mut Diagnostics,
) -> (Spanned<DeTable<'t>>, bool) {
    let (table, mut errors) = DeTable::parse_recoverable(text);
    let ok = errors.is_empty();
    errors.sort_by_key(|e| e.span().map(|s| s.start));
    // One error a line is enough, and a run of keys set twice (a missing
    // header line) is one mistake.
    let mut last: Option<(usize, bool)> = None;
    for error in errors {
        let span = error.span().unwrap_or(0..0);
        let message = first_line(error.message());
        let line = text[..floor_boundary(text, span.start.min(text.len()))]
            .matches('\n')
            .count();
        let twice = message.starts_with("duplicate key");
        let follows = last.is_some_and(|(before, was_twice)| {
            before == line || (twice && was_twice && before + 1 == line)
        });
        last = Some((line, twice));
        if follows {
            continue;
        }
        let (message, help) = explain_syntax(message, &file.text, &span);
        let unclosed = [
            "invalid multi-line basic string",
            "invalid multi-line literal string",
        ];
        let opened = unclosed
            .iter()
            .zip(["\"\"\"", "\'\'\'"])
            .find(|(start, _)| message_starts(&error, start))
            .and_then(|(_, quotes)| unclosed_opening(text, quotes));
        match opened {
            Some((at, help)) => diagnostics.error_help(
                file,
                at,
                format!(
                    "invalid TOML: this text is opened with {} and never closed",
                    quotes_at(text, span.start)
                ),
                help,
            ),
            None => diagnostics.error_help(file, span, message, help),
        }
    }
    (table, ok)
}

fn message_starts(error: &toml::de::Error, start: &str) -> bool {
    first_line(error.message()).starts_with(start)
}

/// The quotes of the unclosed text the error at `at` is about, for its message.
fn quotes_at(text: &str, at: usize) -> &'static str {
    let before = &text[..floor_boundary(text, at.min(text.len()))];
    match (before.rfind("\"\"\""), before.rfind("\'\'\'")) {
        (Some(double), Some(single)) if single > double => "\'\'\'",
        (None, Some(_)) => "\'\'\'",
        _ => "\"\"\"",
    }
}

/// Where a multi-line text that is never closed opens (the last of an odd
/// number of `quotes`), and a help naming the line it probably meant to end
/// on: the last line before the next one that looks like TOML again (a
/// `key = ` line or a table header). The parser reports it at the end of
/// the file, far from the mistake.
pub(super) fn unclosed_opening(text: &str, quotes: &str) -> Option<(Range<usize>, String)> {
    let all: Vec<usize> = text.match_indices(quotes).map(|(at, _)| at).collect();
    if all.len().is_multiple_of(2) {
        return None;
    }
    let open = *all.last()?;
    let after = open + quotes.len();
    let first_line = text[..open].matches('\n').count() + 1;
    let mut last_text: Option<(usize, &str)> = None;
    for (n, line) in text[after..].split('\n').enumerate() {
        let number = first_line + n;
        let trimmed = line.trim();
        let is_key = trimmed
            .split_once('=')
            .is_some_and(|(key, _)| is_bare_key(key.trim()));
        if n > 0 && (is_key || trimmed.starts_with('[')) {
            break;
        }
        if !trimmed.is_empty() {
            last_text = Some((number, trimmed));
        }
    }
    let help = match last_text {
        Some((number, line)) => format!(
            "end the text with {quotes}, probably at the end of line {number}: {line}{quotes}"
        ),
        None => format!("end the text with {quotes}"),
    };
    Some((open..after, help))
}

fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// Turns the TOML parser's wording into an editor's: what is wrong, what to write.
fn explain_syntax(message: &str, text: &str, span: &Range<usize>) -> (String, String) {
    let line = {
        let at = span.start.min(text.len());
        let at = floor_boundary(text, at);
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        text[start..end].trim()
    };
    let spanned = text.get(span.clone()).unwrap_or("");
    let key = line.split('=').next().unwrap_or("").trim();
    let value = line.split_once('=').map_or("", |(_, v)| v.trim());
    let (what, help): (&str, String) = if message.starts_with("string values must be quoted") {
        // Word processors and phones turn "…" into “…”, which TOML does not read as quotes.
        let typographic = value.trim_matches(TYPOGRAPHIC_QUOTES);
        if typographic.len() != value.len() {
            let text = typographic.replace('\\', "\\\\").replace('"', "\\\"");
            (
                "text must be in straight quotes (\"), not typographic ones like “ ” « »",
                format!("write {key} = \"{text}\""),
            )
        } else {
            (
                "text must be in quotes",
                format!("write {key} = \"{}\"", value.trim_matches(['"', '\''])),
            )
        }
    } else if message.starts_with("invalid basic string") {
        (
            "this text has no closing quote",
            "end the text with `\"` on the same line; for text over several lines, open and close it with three quotes: \"\"\"".into(),
        )
    } else if message.starts_with("invalid multi-line basic string")
        || message.starts_with("invalid multi-line literal string")
    {
        (
            "this text has no closing `\"\"\"`",
            "end the text with three quotes: \"\"\"".into(),
        )
    } else if message.starts_with("invalid literal string") {
        (
            "this text has no closing quote",
            "end the text with `'` on the same line, or put it in double quotes: \"...\"".into(),
        )
    } else if message.starts_with("missing escaped value") || message.starts_with("invalid escape")
    {
        (
            "a backslash in quoted text must start an escape like \\n or \\\"",
            "write \\\\ for a backslash, or put the text in single quotes: 'C:\\folder'".into(),
        )
    } else if message.starts_with("duplicate key") {
        (
            "this key is set twice",
            format!(
                "keep one `{spanned}` line; if a new entry starts here, add its header line (like [[event]]) before it"
            ),
        )
    } else if message.starts_with("unexpected key or value") {
        (
            "unexpected text after the value",
            "write one `key = value` a line; to put a `\"` inside text write \\\", or use single quotes around it: 'He said \"no\"'".into(),
        )
    } else if message.starts_with("key with no value") {
        (
            "this key has no value",
            format!("write {key} = \"...\", with ` = ` between the key and its value"),
        )
    } else if message.starts_with("invalid unquoted key") && line.contains(':') {
        (
            "settings are written `key = value`, not `key: value`",
            format!(
                "write {} = {}",
                line.split(':').next().unwrap_or("").trim(),
                line.split_once(':').map_or("", |(_, v)| v.trim())
            ),
        )
    } else if message.starts_with("invalid unquoted key") || message.starts_with("unquoted keys") {
        (
            "a key may hold only letters, digits, `-` and `_`",
            "write the key before ` = `, like title = \"Text\"; use `_` instead of spaces".into(),
        )
    } else if message.starts_with("missing comma between array elements") {
        (
            "list items must be separated by commas",
            "write a comma between items, like [\"anna\", \"bob\"]".into(),
        )
    } else if message.starts_with("unclosed array table") {
        (
            "this header is not closed",
            "end it with `]]`, like [[event]]".into(),
        )
    } else if message.starts_with("unclosed table") {
        (
            "this header is not closed",
            "end it with `]`, like [event.media]".into(),
        )
    } else if message.starts_with("unclosed array") {
        (
            "this list is not closed",
            "end the list with `]`, like [\"anna\", \"bob\"]".into(),
        )
    } else if message.starts_with("unclosed inline table") {
        (
            "this table is not closed",
            "end it with `}` on the same line".into(),
        )
    } else if message.starts_with("invalid date") || message.starts_with("invalid time") {
        (
            "this is not a real date",
            "write a date as YYYY-MM-DD with two-digit months and days, like 2025-07-03".into(),
        )
    } else if message.starts_with("invalid boolean") {
        (
            "true and false are written in lowercase",
            "write true or false, without quotes".into(),
        )
    } else if message.contains("recurs") {
        (
            "this value is nested too deeply",
            "write it with fewer levels of [ ] or { }".into(),
        )
    } else {
        return (
            format!("this is not valid TOML: {message}"),
            "write `key = value` a line, with text in quotes (title = \"Text\"), lists in [ ] and dates like 2025-07-03".into(),
        );
    };
    (format!("invalid TOML: {what}"), help)
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Most problems reported in one table: past that, the table is given up.
const MAX_PROBLEMS: usize = 50;

/// The span given to a stand-in for a missing key: no text has it.
const STAND_IN: Range<usize> = usize::MAX - 1..usize::MAX;

/// Deserializes one table strictly, reporting every problem in it, not only
/// the first: each bad key or list item is reported and taken out, and each
/// missing key reported and given a stand-in, then the table is read again.
/// Returns the item unless a required key was missing; `header` is where a
/// missing key of the table itself is shown (`None`: the whole file).
pub(super) fn deserialize<T: DeserializeOwned>(
    file: &SourceFile,
    mut value: Spanned<DeValue<'_>>,
    table: &str,
    header: Option<Range<usize>>,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    let top = value.span();
    let mut complete = true;
    // Keys taken out because their value was wrong: (table span, key).
    let mut taken: Vec<(Range<usize>, String)> = Vec::new();
    // The missing key being tried with stand-ins: (table span, key, stand-in number).
    let mut filling: Option<(Range<usize>, String, usize)> = None;
    for _ in 0..MAX_PROBLEMS {
        let error = match T::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(item) => return complete.then_some(item),
            Err(error) => error,
        };
        let message = first_line(error.message());
        let span = error.span();
        if span == Some(STAND_IN) {
            // The stand-in has the wrong type: try the next one.
            let (at, key, tried) = filling.take()?;
            let stand_in = stand_in(tried + 1)?;
            table_at(&mut value, &at)?.insert(owned_key(&key), Spanned::new(STAND_IN, stand_in));
            filling = Some((at, key, tried + 1));
            continue;
        }
        if let Some(key) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            complete = false;
            let at = span.unwrap_or(top.clone());
            if !taken.contains(&(at.clone(), key.to_string())) {
                let place = if at != top {
                    // A nested table's span is its header, like `[[event.accounts]]`.
                    file.text.get(at.clone()).unwrap_or("").to_string()
                } else if table.is_empty() {
                    String::new()
                } else {
                    format!("[[{table}]]")
                };
                let diagnostic = missing_key(file, key, &place, &at, &top, header.as_ref());
                diagnostics.push(diagnostic);
            }
            let stand_in = stand_in(0)?;
            table_at(&mut value, &at)?.insert(owned_key(key), Spanned::new(STAND_IN, stand_in));
            filling = Some((at, key.to_string(), 0));
            continue;
        }
        let Some(span) = span else {
            let (message, help) = explain_serde_error(message, table, None, "");
            diagnostics.push(located(file, header.as_ref(), message).help(help));
            return None;
        };
        let Some(found) = take_out(&mut value, &span) else {
            let (message, help) = explain_serde_error(message, table, None, "");
            diagnostics.push(file.diagnostic(Severity::Error, span, message).help(help));
            return None;
        };
        let source = file.text.get(span.clone()).unwrap_or("");
        let (what, help) = explain_serde_error(message, table, Some(&found), source);
        diagnostics.push(file.diagnostic(Severity::Error, span, what).help(help));
        if let Some((key, _)) = found.path.last() {
            taken.push((found.table.clone(), key.clone()));
        }
        // A misspelt required key is reported once, as the misspelling.
        if let Some(near) = misspelt(message) {
            taken.push((found.table.clone(), near.to_string()));
        }
    }
    None
}

/// The unknown key and the keys allowed, from serde's "unknown field" message.
fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let (unknown, expected) = message.strip_prefix("unknown field `")?.split_once('`')?;
    Some((unknown, expected.split('`').skip(1).step_by(2).collect()))
}

/// The allowed key closest to an unknown one, from serde's "unknown field" message.
fn misspelt(message: &str) -> Option<&str> {
    let (unknown, allowed) = unknown_field(message)?;
    closest(unknown, allowed)
}

/// A diagnostic at `span`, or about the whole file when there is none.
fn located(file: &SourceFile, span: Option<&Range<usize>>, message: String) -> Diagnostic {
    match span {
        Some(span) => file.diagnostic(Severity::Error, span.clone(), message),
        None => Diagnostic::whole_file(Severity::Error, &file.path, message),
    }
}

fn missing_key(
    file: &SourceFile,
    key: &str,
    place: &str,
    at: &Range<usize>,
    top: &Range<usize>,
    header: Option<&Range<usize>>,
) -> Diagnostic {
    let inside = if place.starts_with('[') {
        format!(" in `{place}`")
    } else {
        String::new()
    };
    let message = format!("missing required key `{key}`{inside}");
    let diagnostic = if at == top {
        located(file, header, message)
    } else {
        file.diagnostic(Severity::Error, at.clone(), message)
    };
    let table = place.trim_matches(['[', ']']);
    diagnostic.help(format!("add a line {}", example(table, key)))
}

/// A line an editor can copy for a required key.
fn example(table: &str, key: &str) -> String {
    let value = match (table, key) {
        ("update", "date") => "2025-07-04",
        ("event", "date") => "\"2025-06-27\"",
        ("era", "start") => "\"1991-12\"",
        (_, "base_url") => "\"https://example.org/my-story/\"",
        (_, "id") => "\"a-short-id\"",
        ("update", "kind") => "\"update\"",
        ("", "kind") => "\"person\"",
        (_, "actor" | "to") => "\"an-actor-id\"",
        (_, "src") => "\"images/photo.jpg\"",
        _ => "\"...\"",
    };
    format!("{key} = {value}")
}

/// Stand-ins tried, in order, for a missing key, so the rest of the table can be checked.
fn stand_in(number: usize) -> Option<DeValue<'static>> {
    match number {
        0 => Some(DeValue::String(String::new().into())),
        1 => Some(DeValue::Datetime(Datetime {
            date: Some(toml::value::Date {
                year: 2000,
                month: 1,
                day: 1,
            }),
            time: None,
            offset: None,
        })),
        2 => Some(DeValue::Boolean(false)),
        3 => Some(DeValue::Array(DeArray::new())),
        4 => Some(DeValue::Table(DeTable::new())),
        _ => None,
    }
}

fn owned_key<'i>(key: &str) -> Spanned<DeString<'i>> {
    Spanned::new(STAND_IN, key.to_string().into())
}

/// The table whose span is `span`, at any depth.
fn table_at<'v, 'i>(
    value: &'v mut Spanned<DeValue<'i>>,
    span: &Range<usize>,
) -> Option<&'v mut DeTable<'i>> {
    // A list of tables has the span of its first table's header: look inside it.
    let here = value.span() == *span;
    match value.get_mut() {
        DeValue::Table(table) => {
            if here {
                return Some(table);
            }
            table.iter_mut().find_map(|(_, item)| table_at(item, span))
        }
        DeValue::Array(array) => array.iter_mut().find_map(|item| table_at(item, span)),
        _ => None,
    }
}

/// Where a bad key or list item was, once taken out of its table.
#[derive(Debug)]
struct Found {
    /// The keys from the table read down to the bad one, each with whether
    /// its value is a list.
    path: Vec<(String, bool)>,
    /// The span of the table that held the key.
    table: Range<usize>,
    /// An item of a list was taken out, not the key.
    item: bool,
    /// What the bad value was: "text", "a number"...
    found: &'static str,
}

/// Takes out the key (or list item) whose key or value has exactly `span`.
fn take_out(value: &mut Spanned<DeValue<'_>>, span: &Range<usize>) -> Option<Found> {
    let here = value.span();
    match value.get_mut() {
        DeValue::Table(table) => {
            let mut target = None;
            for (key, item) in table.iter_mut() {
                let name = key.get_ref().to_string();
                let is_list = matches!(item.get_ref(), DeValue::Array(_));
                if key.span() == *span || item.span() == *span {
                    target = Some((name, is_list, kind_of(item.get_ref())));
                    break;
                }
                if let Some(mut found) = take_out(item, span) {
                    found.path.insert(0, (name, is_list));
                    return Some(found);
                }
            }
            let (name, is_list, found) = target?;
            table.remove(name.as_str());
            Some(Found {
                path: vec![(name, is_list)],
                table: here,
                item: false,
                found,
            })
        }
        DeValue::Array(array) => {
            let position = array.iter().position(|item| item.span() == *span);
            let Some(position) = position else {
                return array.iter_mut().find_map(|item| take_out(item, span));
            };
            let found = kind_of(array[position].get_ref());
            let old = std::mem::replace(array, DeArray::new());
            for (index, item) in old.into_iter().enumerate() {
                if index != position {
                    array.push(item);
                }
            }
            Some(Found {
                path: Vec::new(),
                table: here,
                item: true,
                found,
            })
        }
        _ => None,
    }
}

fn kind_of(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "text",
        DeValue::Integer(_) | DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text).trim()
}

/// The header of the table a key sits in: `[[event]]`, `[[event.accounts]]`, `[event.media]`.
fn place_of(table: &str, found: Option<&Found>) -> String {
    let containers = found.map_or(&[][..], |f| &f.path[..f.path.len().saturating_sub(1)]);
    let mut names: Vec<&str> = Vec::new();
    if !table.is_empty() {
        names.push(table);
    }
    names.extend(containers.iter().map(|(name, _)| name.as_str()));
    if names.is_empty() {
        return String::new();
    }
    let list = containers
        .last()
        .map_or(!table.is_empty(), |(_, list)| *list);
    if list {
        format!("[[{}]]", names.join("."))
    } else {
        format!("[{}]", names.join("."))
    }
}

/// Turns serde's wording into an editor's: what is wrong and what to write.
/// `source` is the text of the bad key or value.
fn explain_serde_error(
    message: &str,
    table: &str,
    found: Option<&Found>,
    source: &str,
) -> (String, String) {
    let place = place_of(table, found);
    let inside = if place.is_empty() {
        String::new()
    } else {
        format!(" in `{place}`")
    };
    let key = found
        .and_then(|f| f.path.last())
        .map_or("", |(name, _)| name.as_str());
    if let Some((unknown, allowed)) = unknown_field(message) {
        let listed = allowed.join(", ");
        let help = match closest(unknown, allowed) {
            Some(near) => format!("did you mean `{near}`? the keys allowed here are: {listed}"),
            None => format!("remove it, or use one of the keys allowed here: {listed}"),
        };
        return (format!("unknown key `{unknown}`{inside}"), help);
    }
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return (
            format!("{message}{inside}"),
            "check the value's form against docs/content-format.md".to_string(),
        );
    };
    let expected = rest.rsplit_once("expected ").map_or("", |(_, e)| e);
    let found_kind = found.map_or("another kind of value", |f| f.found);
    let unquoted = source.trim_matches(['"', '\'']);
    let (wanted, help) = if expected.starts_with("a string") {
        let help = match found {
            Some(f) if f.item => format!("write each item in quotes, like [\"{unquoted}\"]"),
            _ if found_kind == "a list" || found_kind == "a table" => {
                format!("write a single value in quotes, like {key} = \"...\"")
            }
            _ => format!("write {key} = \"{unquoted}\""),
        };
        ("text in quotes", help)
    } else if expected.starts_with("a boolean") {
        (
            "true or false",
            format!("write {key} = true or {key} = false, without quotes"),
        )
    } else if expected.starts_with("a sequence") {
        let help = if found_kind == "text" {
            format!("write {key} = [{source}]")
        } else {
            format!("write {key} = [\"...\", \"...\"]")
        };
        ("a list in [ ]", help)
    } else if expected.contains("datetime") {
        let help = if found_kind == "text" && unquoted.len() == 10 && unquoted.as_bytes()[4] == b'-'
        {
            format!("write {key} = {unquoted}, without quotes")
        } else {
            format!("write a date like {key} = 2025-07-04, without quotes")
        };
        ("a date without quotes", help)
    } else if expected.starts_with('i') || expected.starts_with('u') {
        let help = if unquoted.bytes().all(|b| b.is_ascii_digit()) && !unquoted.is_empty() {
            format!("write {key} = {unquoted}, without quotes")
        } else {
            format!("write a whole number like {key} = 10, without quotes")
        };
        ("a whole number", help)
    } else if expected.starts_with("struct") || expected.starts_with("a map") {
        let header = if place.is_empty() {
            format!("[{key}]")
        } else {
            format!("[{}.{key}]", place.trim_matches(['[', ']']))
        };
        (
            "a table",
            format!("write it as a table: a line {header}, then its keys on the lines below"),
        )
    } else {
        return (
            format!("`{key}` has the wrong kind of value{inside}: {rest}"),
            "check the value's form against docs/content-format.md".to_string(),
        );
    };
    let subject = match found {
        Some(f) if f.item => format!("the items of `{key}`"),
        _ => format!("`{key}`"),
    };
    (
        format!("{subject}{inside} must be {wanted}, not {found_kind}"),
        help,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{RawSource, RawUpdate};

    fn problems<T: DeserializeOwned>(text: &str, table: &str) -> (Option<T>, Vec<String>) {
        let file = SourceFile::new("content/x.toml", text);
        let mut diagnostics = Diagnostics::default();
        let (value, _) = DeTable::parse_recoverable(text);
        let value = Spanned::new(value.span(), DeValue::Table(value.into_inner()));
        let item = deserialize(&file, value, table, Some(0..1), &mut diagnostics);
        let found = diagnostics
            .into_sorted()
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {} / {}",
                    d.line,
                    d.column,
                    d.message,
                    d.help.clone().unwrap_or_default()
                )
            })
            .collect();
        (item, found)
    }

    #[test]
    fn every_bad_key_of_a_table_is_reported_not_only_the_first() {
        let (item, found) = problems::<RawSource>(
            "id = \"a\"\ntitel = \"T\"\nurl = 5\nlanguage = [\"en\"]\n",
            "source",
        );
        assert!(item.is_none(), "`title` is missing");
        assert_eq!(
            found,
            [
                "2:1 unknown key `titel` in `[[source]]` / did you mean `title`? the keys allowed here are: id, title, publisher, url, accessed, archive_url, language",
                "3:7 `url` in `[[source]]` must be text in quotes, not a number / write url = \"5\"",
                "4:12 `language` in `[[source]]` must be text in quotes, not a list / write a single value in quotes, like language = \"...\"",
            ]
        );
    }

    #[test]
    fn a_table_with_only_unknown_keys_taken_out_is_still_read() {
        let (item, found) = problems::<RawSource>(
            "id = \"a\"\ntitle = \"T\"\npublisher = \"P\"\nnote = 1\n",
            "source",
        );
        assert_eq!(item.map(|s| s.title), Some("T".to_string()));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn missing_keys_are_each_reported_with_a_line_to_copy() {
        let (item, found) = problems::<RawUpdate>("events = []\n", "update");
        assert!(item.is_none());
        assert_eq!(
            found,
            [
                "1:1 missing required key `date` in `[[update]]` / add a line date = 2025-07-04",
                "1:1 missing required key `kind` in `[[update]]` / add a line kind = \"update\"",
                "1:1 missing required key `note` in `[[update]]` / add a line note = \"...\"",
            ]
        );
    }
}
