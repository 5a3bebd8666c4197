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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: String,
    /// 1-based line and column (in characters); 0 when the problem is the whole file.
    pub line: usize,
    pub column: usize,
    /// How many characters of the line the problem covers (at least 1 when located).
    #[serde(skip)]
    pub width: usize,
    #[serde(skip)]
    pub source_line: String,
    pub message: String,
    pub help: Option<String>,
}

/// A file's text with its path relative to the story root, for locating spans.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// A diagnostic at the byte span `span` of this file.
    pub fn diagnostic(
        &self,
        severity: Severity,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.clamp(start, self.text.len()));
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let line = self.text[..start].matches('\n').count() + 1;
        let column = self.text[line_start..start].chars().count() + 1;
        let source_line = self.text[line_start..line_end].trim_end_matches('\r');
        let width = self.text[start..end.min(line_end)].chars().count().max(1);
        Diagnostic {
            severity,
            path: self.path.clone(),
            line,
            column,
            width,
            source_line: source_line.to_string(),
            message: message.into(),
            help: None,
        }
    }
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
        if self.line == 0 {
            if !self.path.is_empty() {
                writeln!(f, "  --> {}", self.path)?;
            }
        } else {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            writeln!(f, "{pad}--> {}:{}:{}", self.path, self.line, self.column)?;
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {}", self.source_line)?;
            let before: String = self
                .source_line
                .chars()
                .take(self.column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} | {before}{}", "^".repeat(self.width))?;
        }
        if let Some(help) = &self.help {
            let pad = " ".repeat(if self.line == 0 {
                1
            } else {
                self.line.to_string().len()
            });
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
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

/// The existing id closest to `unknown`, for a "did you mean" help line.
pub fn closest<'a>(
    unknown: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (unknown.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(unknown, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
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
    }
}
