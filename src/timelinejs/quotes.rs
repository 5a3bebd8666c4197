//! Quoted cells that do not end where a CSV cell must. A cell that starts
//! with `"` runs to the next `"` that comes before the delimiter or the end of
//! a line; a lenient reader (ours, spreadsheets) takes whatever comes before
//! that, so one stray quote reads every later row into one cell. This finds
//! each such quote, strictly, before the sheet is read.
//!
//! Steps: walk the text cell by cell as RFC 4180 does; at a quote that opens
//! a cell, find the quote that closes it (`""` is a quote inside the text).
//! When none does, or text other than spaces follows the closing quote, note
//! the opening quote, then read on as if it were a plain character, so the
//! next stray quote is found too. Each becomes a diagnostic at the quote.

use crate::diagnostics::{Diagnostic, Severity, SourceFile};

/// A quote that opens a cell which does not close where a cell ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrayQuote {
    /// Byte offset of the quote in the text.
    pub at: usize,
    /// The spreadsheet row (the header is row 1; blank lines count).
    pub row: usize,
    /// The cell's place in its row, from 0.
    pub field: usize,
    /// Byte offset of the quote that closes the cell, when a quote does,
    /// with the character that follows it.
    pub closed: Option<(usize, char)>,
}

/// Every stray quote in `text`, in order.
pub fn stray_quotes(text: &str, delimiter: u8) -> Vec<StrayQuote> {
    let bytes = text.as_bytes();
    let ends_cell =
        |i: usize| matches!(bytes.get(i), None | Some(b'\n' | b'\r')) || bytes[i] == delimiter;
    let mut found = Vec::new();
    let (mut row, mut field, mut i) = (1, 0, 0);
    while i <= bytes.len() {
        // At the start of a cell.
        if bytes.get(i) == Some(&b'"') {
            match closing_quote(bytes, i) {
                Some(close) => {
                    let after = close + 1 + spaces(bytes, close + 1, delimiter);
                    if ends_cell(after) {
                        i = after;
                    } else {
                        let next = text[after..].chars().next().unwrap_or(' ');
                        found.push(StrayQuote {
                            at: i,
                            row,
                            field,
                            closed: Some((close, next)),
                        });
                        i += 1;
                    }
                }
                None => {
                    found.push(StrayQuote {
                        at: i,
                        row,
                        field,
                        closed: None,
                    });
                    i += 1;
                }
            }
        }
        // The rest of the cell is plain text: quotes in it are characters.
        while !ends_cell(i) {
            i += 1;
        }
        match bytes.get(i) {
            None => break,
            Some(b) if *b == delimiter => field += 1,
            Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => {
                i += 1;
                (row, field) = (row + 1, 0);
            }
            Some(_) => (row, field) = (row + 1, 0),
        }
        i += 1;
    }
    found
}

/// The quote that closes the quoted cell opened at `open`: the next one not
/// doubled.
fn closing_quote(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    loop {
        let quote = i + bytes.get(i..)?.iter().position(|b| *b == b'"')?;
        if bytes.get(quote + 1) == Some(&b'"') {
            i = quote + 2;
        } else {
            return Some(quote);
        }
    }
}

/// How many spaces (not the delimiter) start `bytes[from..]`: readers keep
/// them in the cell, which is harmless.
fn spaces(bytes: &[u8], from: usize, delimiter: u8) -> usize {
    bytes
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| (**b == b' ' || **b == b'\t') && **b != delimiter)
        .count()
}

/// Where a stray quote is, and what it does to the rows after it.
pub(super) fn diagnostic(
    file: &SourceFile,
    quote: &StrayQuote,
    names: &csv::StringRecord,
    delimiter: u8,
) -> Diagnostic {
    let column = names
        .get(quote.field)
        .map(str::trim)
        .filter(|name| quote.row > 1 && !name.is_empty())
        .map_or_else(
            || format!("column {}", quote.field + 1),
            |name| format!("column {name}"),
        );
    let cell = format!("row {}, {column}", quote.row);
    let mut diagnostic = file.diagnostic(Severity::Error, quote.at..quote.at + 1, "");
    diagnostic.message = match quote.closed {
        None => format!(
            "the quote that opens this cell ({cell}) is never closed, so the rest of the sheet would be read into this one cell"
        ),
        Some((close, next)) => {
            let closing = file.diagnostic(Severity::Error, close..close + 1, "");
            let (line, column) = (closing.line, closing.column);
            if line == diagnostic.line {
                format!(
                    "the quote that opens this cell ({cell}) is closed at column {column}, but `{next}` follows it, not the end of the cell"
                )
            } else {
                format!(
                    "the quote that opens this cell ({cell}) is closed only at line {line}, column {column}, before `{next}`, so lines {} to {line} would be read into this one cell",
                    diagnostic.line
                )
            }
        }
    };
    let separator = match delimiter {
        b'\t' => "a tab",
        b';' => "a semicolon",
        _ => "a comma",
    };
    diagnostic.help(format!(
        "a cell that starts with a quote ends at the next quote, which must come before {separator} or the end of the line: add the closing quote, or write each quote inside the text twice (\"\")"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(text: &str) -> Vec<(usize, usize, Option<char>)> {
        stray_quotes(text, b',')
            .iter()
            .map(|q| (q.row, q.field, q.closed.map(|(_, c)| c)))
            .collect()
    }

    #[test]
    fn well_quoted_cells_have_no_stray_quote() {
        assert_eq!(places("a,b\n\"x, y\",\"He said \"\"hi\"\"\"\n"), []);
        assert_eq!(places("a,b\r\n\"two\r\nlines\",2\r\n\r\n3,\"\"\r\n"), []);
        assert_eq!(places("a,b\n5\" screen,x\n\"spaced\"  ,y"), []);
        assert_eq!(places(""), []);
    }

    #[test]
    fn a_quote_never_closed_is_found_with_every_later_one() {
        assert_eq!(
            places("a,b\n1,\"open\n2,x\n3,\"<p>ok</p>\"\n4,\"again\n5,y\n"),
            [(2, 1, Some('<')), (5, 1, None)]
        );
        assert_eq!(places("a,\"b"), [(1, 1, None)]);
    }

    #[test]
    fn text_after_a_closing_quote_is_found() {
        assert_eq!(
            places("a,b\n1,\"He said \"hi\" to me\",x\n"),
            [(2, 1, Some('h'))]
        );
    }

    #[test]
    fn tab_separated_sheets_end_cells_at_tabs() {
        assert_eq!(stray_quotes("a\tb\n\"x\"\ty\n", b'\t'), []);
        assert_eq!(stray_quotes("a\tb\n\"x\" z\ty\n", b'\t').len(), 1);
    }
}
