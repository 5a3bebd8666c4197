//! Spreadsheet cells that must not run: a cell starting with `=`, `+`, `-`,
//! `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice
//! and Google Sheets (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`), so
//! `data/events.csv` writes it behind a `'`, OWASP's advice: the cell is then
//! text to every spreadsheet (some show the `'`, some take it as the mark of
//! a text cell). The import takes that `'` off again.
//!
//! The pair is lossless for every text: a cell that already starts with
//! quotes before one of those characters (`'=`, `''+`) gets one more, and the
//! import takes one off, so `'=` comes back as `'=`. A quote before anything
//! else (`'90s`) is left alone both ways.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True when `cell` is quotes (maybe none) then a formula character.
fn quoted_formula(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// The cell as `data/events.csv` writes it: behind a `'` when a spreadsheet
/// would run it (or when it already looks like such a cell).
pub fn protect(cell: &str) -> Cow<'_, str> {
    if quoted_formula(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The text of a cell [`protect`] wrote: its first `'` taken off when quotes
/// come before a formula character.
pub fn unprotect(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if quoted_formula(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_written_as_text() {
        for (text, written) in [
            ("=1+2", "'=1+2"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(7+8)", "'@SUM(7+8)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=1+2", "''=1+2"),
            ("''@x", "'''@x"),
            ("'90s revival", "'90s revival"),
            ("Riverton's budget", "Riverton's budget"),
            ("a = b", "a = b"),
            ("", ""),
        ] {
            assert_eq!(protect(text), written, "{text:?}");
            assert_eq!(unprotect(written), text, "{written:?}");
        }
    }

    proptest! {
        #[test]
        fn every_text_comes_back_as_it_was(text in "['=+@a\t\r -]{0,6}.{0,4}") {
            let written = protect(&text);
            prop_assert!(!written.starts_with(FORMULA_START));
            prop_assert_eq!(unprotect(&written), text.as_str());
        }
    }
}
