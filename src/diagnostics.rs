//! Problems found in a story, with their place, printed like rustc.
//!
//! Content errors are data: every step pushes them into a [`Diagnostics`] list
//! instead of stopping, so `check` and `build` report all of them in one run.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// How bad a problem is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, with the file (relative to the story root) and the place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: String,
    /// 1-based line and column (in characters); 0 when the problem is the whole file.
    pub line: usize,
    pub column: usize,
    /// How many characters of the line the problem covers (at least 1 when located).
    pub width: usize,
    /// Where the span sits in `source_line`, which is cut around it when the line is long.
    pub shown_column: usize,
    pub shown_width: usize,
    pub source_line: String,
    pub message: String,
    pub help: Option<String>,
}

/// A file's text with its path relative to the story root, for locating spans.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    /// Byte offset of the start of each line, so locating a span is a binary
    /// search; counted for the first span located (most files have none).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// Source lines longer than this (in characters) are shown as a window around the span.
const SHOWN_LINE: usize = 100;

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The 1-based line holding byte `offset`, and the byte range of that line
    /// (without its line break).
    fn line_of(&self, offset: usize) -> (usize, Range<usize>) {
        let line_starts = self.line_starts();
        let index = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[index];
        let end = line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        (index + 1, start..end)
    }

    /// A diagnostic at the byte span `span` of this file. Spans past the end
    /// or inside a character are clamped, so any span is safe.
    pub fn diagnostic(
        &self,
        severity: Severity,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.clamp(start, self.text.len()));
        let (line, range) = self.line_of(start);
        let source_line = self.text[range.clone()].trim_end_matches('\r');
        let column = self.text[range.start..start].chars().count() + 1;
        let width = self.text[start..end.min(range.end).max(start)]
            .chars()
            .count()
            .max(1);
        let (shown, shown_column, shown_width) = window(source_line, column, width);
        Diagnostic {
            severity,
            path: self.path.clone(),
            line,
            column,
            width,
            shown_column,
            shown_width,
            source_line: shown,
            message: message.into(),
            help: None,
        }
    }
}

/// At most [`SHOWN_LINE`] characters of a long line, around the span, with `…`
/// where text was left out. Returns the text, the span's column and width in it.
fn window(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let length = line.chars().count();
    if length <= SHOWN_LINE {
        return (line.to_string(), column, width);
    }
    let before = column - 1;
    let first = before.saturating_sub(20).min(length - SHOWN_LINE);
    let mut shown = String::new();
    if first > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(first).take(SHOWN_LINE));
    if first + SHOWN_LINE < length {
        shown.push('…');
    }
    let width = width.min(SHOWN_LINE - (before - first)).max(1);
    (shown, before - first + 1 + usize::from(first > 0), width)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl Diagnostic {
    /// A diagnostic about a whole file (or the story when `path` is empty).
    pub fn whole_file(severity: Severity, path: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            path: path.to_string(),
            line: 0,
            column: 0,
            width: 0,
            shown_column: 0,
            shown_width: 0,
            source_line: String::new(),
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        let pad = " ".repeat(if self.line == 0 {
            1
        } else {
            self.line.to_string().len()
        });
        if self.line == 0 {
            if !self.path.is_empty() {
                writeln!(f, "{pad} --> {}", self.path)?;
            }
        } else {
            writeln!(f, "{pad}--> {}:{}:{}", self.path, self.line, self.column)?;
            writeln!(f, "{pad} |")?;
            writeln!(f, "{} | {}", self.line, self.source_line)?;
            let before: String = self
                .source_line
                .chars()
                .take(self.shown_column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} | {before}{}", "^".repeat(self.shown_width))?;
        }
        if let Some(help) = &self.help {
            // Lines after the first are indented under the help text.
            let indent = format!("\n{pad}         ");
            writeln!(f, "{pad} = help: {}", help.replace('\n', &indent))?;
        }
        Ok(())
    }
}

/// The JSON form for editor integrations and CI bots: columns count characters,
/// from 1; `end_column` is exclusive; line and columns are 0 for a whole file.
impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            severity: Severity,
            path: &'a str,
            line: usize,
            column: usize,
            end_column: usize,
            message: &'a str,
            help: Option<&'a str>,
        }
        Json {
            severity: self.severity,
            path: &self.path,
            line: self.line,
            column: self.column,
            end_column: if self.line == 0 {
                0
            } else {
                self.column + self.width
            },
            message: &self.message,
            help: self.help.as_deref(),
        }
        .serialize(serializer)
    }
}

/// The problems found so far, in the order they were found.
#[derive(Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    pub fn error(&mut self, file: &SourceFile, span: Range<usize>, message: impl Into<String>) {
        self.push(file.diagnostic(Severity::Error, span, message));
    }

    pub fn error_help(
        &mut self,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(file.diagnostic(Severity::Error, span, message).help(help));
    }

    pub fn warning_help(
        &mut self,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(file.diagnostic(Severity::Warning, span, message).help(help));
    }

    /// Adds the problems `other` found, after these.
    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    /// The diagnostics in a stable order: by file, then place, errors first.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.list.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
        });
        self.list.dedup();
        self.list
    }
}

/// "2 errors and 1 warning".
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let count = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => count(w, "warning"),
        (e, 0) => count(e, "error"),
        (e, w) => format!("{} and {}", count(e, "error"), count(w, "warning")),
    }
}

/// How many lines of warnings `build` prints at most (see [`grouped`]).
pub const WARNING_LINES: usize = 60;

/// What a warning says with the ids and values it names taken out:
/// "event `a` cites no source" and "event `b` cites no source" are one kind.
fn kind(message: &str) -> String {
    let mut kind = String::with_capacity(message.len());
    let mut quoted: Option<char> = None;
    for c in message.chars() {
        match quoted {
            Some(close) if c == close => {
                kind.push('…');
                kind.push(c);
                quoted = None;
            }
            Some(_) => {}
            None if c == '`' || c == '"' => {
                kind.push(c);
                quoted = Some(c);
            }
            None if c.is_ascii_digit() => {
                if !kind.ends_with('#') {
                    kind.push('#');
                }
            }
            None => kind.push(c),
        }
    }
    kind
}

/// The diagnostics as `build` prints them: every error in full, then the
/// warnings in at most `lines` lines, the first few of each kind in full and
/// a count of the rest, with where to see them all. Returns the text and
/// whether warnings were left out.
pub fn grouped(diagnostics: &[Diagnostic], lines: usize) -> (String, bool) {
    const SHOWN_OF_A_KIND: usize = 3;
    let mut text = String::new();
    let mut kinds: Vec<(String, Vec<&Diagnostic>)> = Vec::new();
    for diagnostic in diagnostics {
        if diagnostic.is_error() {
            text.push_str(&format!("{diagnostic}\n"));
            continue;
        }
        let kind = kind(&diagnostic.message);
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, list)) => list.push(diagnostic),
            None => kinds.push((kind, vec![diagnostic])),
        }
    }
    let all = kinds.iter().map(|(_, list)| list.len()).sum::<usize>();
    // The last line is kept for the note on the rest.
    let mut left = lines.saturating_sub(1);
    let mut shown = 0;
    let mut kinds_left = kinds.len();
    for (kind, list) in &kinds {
        kinds_left -= 1;
        let mut of_kind = 0;
        for diagnostic in list.iter().take(SHOWN_OF_A_KIND) {
            let full = format!("{diagnostic}\n");
            let needed = full.lines().count() + usize::from(list.len() > of_kind + 1);
            // Room for this one, its kind's count and a line for each kind to come.
            if needed + kinds_left > left {
                break;
            }
            text.push_str(&full);
            left -= full.lines().count();
            of_kind += 1;
        }
        shown += of_kind;
        let rest = list.len() - of_kind;
        if rest > 0 && left > kinds_left {
            let other = if of_kind == 0 { "" } else { " more" };
            let plural = if rest == 1 { "" } else { "s" };
            text.push_str(&format!(
                "… and {rest}{other} warning{plural} like: {kind}\n"
            ));
            left -= 1;
        }
    }
    let omitted = shown < all;
    if omitted {
        text.push_str(&format!(
            "{} of {all} warnings shown: run `explainer check` to see every one.\n",
            shown
        ));
    }
    (text, omitted)
}

/// The existing id closest to `unknown`, for a "did you mean" help line.
pub fn closest<'a>(
    unknown: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (unknown.chars().count() / 3).max(2);
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let near = candidates
        .iter()
        .map(|c| (edit_distance(unknown, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c);
    // A shortened id (`mayor-veto` for `mayor-veto-overridden`) is far by
    // edits but names the start or the end of one, at a dash.
    near.or_else(|| {
        candidates
            .iter()
            .filter(|c| {
                let start = c
                    .strip_prefix(unknown)
                    .is_some_and(|rest| rest.starts_with('-'));
                let end = c
                    .strip_suffix(unknown)
                    .is_some_and(|rest| rest.ends_with('-'));
                unknown.len() >= 3 && (start || end)
            })
            .min_by_key(|c| (c.len(), **c))
            .copied()
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_located_by_line_and_character_column() {
        let file = SourceFile::new("content/x.toml", "a = 1\ntitle = \"Bakı\" x\n");
        let d = file.diagnostic(Severity::Error, 21..22, "stray");
        assert_eq!((d.line, d.column, d.width), (2, 15, 1));
        assert_eq!(d.source_line, "title = \"Bakı\" x");
    }

    #[test]
    fn closest_suggests_only_near_ids() {
        let ids = ["huseyn-safarov", "ziyaddin-safarov", "russia"];
        assert_eq!(closest("huseyn-safarv", ids), Some("huseyn-safarov"));
        assert_eq!(closest("azerbaijan", ids), None);
        // Shortened at a dash, from either end.
        let ids = [
            "mayor-veto-overridden",
            "mayor-veto-overridden-again",
            "mayor-elected",
        ];
        assert_eq!(closest("mayor-veto", ids), Some("mayor-veto-overridden"));
        assert_eq!(
            closest("veto-overridden", ids),
            Some("mayor-veto-overridden")
        );
        assert_eq!(closest("mayor-v", ids), None);
    }

    #[test]
    fn warnings_of_a_kind_differ_only_in_what_they_quote() {
        assert_eq!(
            kind("event `a-1` cites no source"),
            kind("event `b` cites no source")
        );
        assert_eq!(
            kind("the picture \"x.jpg\" is 3 MB"),
            "the picture \"…\" is # MB"
        );
        assert_ne!(
            kind("event `a` cites no source"),
            kind("actor `a` is referenced nowhere")
        );
    }

    /// Thirty kinds of five warnings each, and errors: every error is shown,
    /// and the warnings fit the lines given, each kind at least counted
    /// while there is room.
    #[test]
    fn grouped_warnings_fit_their_lines_and_errors_are_all_shown() {
        let file = SourceFile::new("content/x.toml", "id = \"a\"\n");
        let mut all = Vec::new();
        for k in 0..30 {
            for n in 0..5 {
                let message = format!("kind{} `{n}` is odd", "x".repeat(k));
                all.push(file.diagnostic(Severity::Warning, 5..8, message));
            }
        }
        all.push(file.diagnostic(Severity::Error, 5..8, "broken"));
        all.push(file.diagnostic(Severity::Error, 5..8, "broken too"));
        let (text, omitted) = grouped(&all, 60);
        assert!(omitted);
        assert_eq!(text.matches("error: ").count(), 2);
        let warning_lines = text.lines().count() - 2 * 6;
        assert!(warning_lines <= 60, "{warning_lines} lines:\n{text}");
        assert!(text.ends_with("warnings shown: run `explainer check` to see every one.\n"));
        let (all_shown, omitted) = grouped(&all[..2], 60);
        assert!(!omitted);
        assert_eq!(all_shown.matches("warning: ").count(), 2);
    }
}
