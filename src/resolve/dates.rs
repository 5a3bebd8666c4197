//! Dates: the partial dates of events and eras (`"2025-06"`) and the TOML
//! dates of the site, sources and updates (`2025-07-03`), each checked, with
//! a help line that says what to write instead.

use toml::Spanned;
use toml::value::Datetime;

use super::Resolve;
use crate::load::FileId;
use crate::model::{DateError, PartialDate};

/// What an editor most likely meant by a date in another form: "June 2025"
/// -> "2025-06", "27/06/2025" -> "2025-06-27", "2025-6-3" -> "2025-06-03".
/// Only guesses that are real dates are returned.
pub fn guess_date(text: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let number = |w: &String| w.parse::<u32>().ok().filter(|_| w.len() <= 4);
    let month_name = |w: &String| {
        MONTHS
            .iter()
            .position(|m| w.len() >= 3 && w.starts_with(m))
            .map(|i| i as u32 + 1)
    };
    let (year, month, day) = match words.as_slice() {
        [a, b] => match (number(a), month_name(a), number(b), month_name(b)) {
            (None, Some(m), Some(y), _) => (y, Some(m), None),
            (Some(y), _, Some(m), _) if a.len() == 4 => (y, Some(m), None),
            (Some(m), _, Some(y), _) if b.len() == 4 => (y, Some(m), None),
            _ => return None,
        },
        [a, b, c] => {
            let (na, nb, nc) = (number(a), number(b), number(c));
            match (na, month_name(a), nb, month_name(b), nc) {
                // 2025-6-3, 2025/06/03
                (Some(y), _, Some(m), _, Some(d)) if a.len() == 4 => (y, Some(m), Some(d)),
                // 27/06/2025, but not 03/04/2025: which is the month is unclear.
                (Some(d), _, Some(m), _, Some(y)) if c.len() == 4 && (d > 12 || d == m) => {
                    (y, Some(m), Some(d))
                }
                // 27 June 2025
                (Some(d), _, None, Some(m), Some(y)) => (y, Some(m), Some(d)),
                // June 27, 2025
                (None, Some(m), Some(d), _, Some(y)) => (y, Some(m), Some(d)),
                _ => return None,
            }
        }
        _ => return None,
    };
    let guess = match (month, day) {
        (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{year:04}-{m:02}"),
        _ => format!("{year:04}"),
    };
    (year >= 1000 && PartialDate::parse(&guess).is_ok()).then_some(guess)
}

impl Resolve<'_> {
    /// A TOML date (`2025-07-03`), which must be a date alone.
    pub(super) fn toml_date(
        &mut self,
        file: FileId,
        value: &Spanned<Datetime>,
    ) -> Option<PartialDate> {
        let datetime = value.get_ref();
        match (datetime.date, datetime.time) {
            (Some(date), None) => Some(PartialDate {
                year: i32::from(date.year),
                month: Some(date.month),
                day: Some(date.day),
            }),
            (date, _) => {
                let help = match date {
                    Some(date) => format!("write only the day: {date}, without quotes"),
                    None => "write a day like 2025-07-03, without quotes".to_string(),
                };
                self.error(
                    file,
                    value.span(),
                    "this must be a date alone, without a time".into(),
                    help,
                );
                None
            }
        }
    }

    /// A partial date string (`"2025-06"`), with a diagnostic for each way it can be wrong.
    /// A date and the end of its range, if it has one, each checked; an end
    /// before the start is an error at the end, in the words `wrong` gives
    /// (the message and the help) for the start and the end.
    pub(super) fn date_range(
        &mut self,
        file: FileId,
        start: &Spanned<String>,
        end: Option<&Spanned<String>>,
        wrong: impl FnOnce(&PartialDate, &PartialDate) -> (String, String),
    ) -> (Option<PartialDate>, Option<PartialDate>) {
        let from = self.partial_date(file, start);
        let to = end.and_then(|end| self.partial_date(file, end));
        if let (Some(from), Some(to), Some(end)) = (&from, &to, end)
            && to.entirely_before(from)
        {
            let (message, help) = wrong(from, to);
            self.error(file, end.span(), message, help);
        }
        (from, to)
    }

    pub(super) fn partial_date(
        &mut self,
        file: FileId,
        value: &Spanned<String>,
    ) -> Option<PartialDate> {
        let text = value.get_ref();
        let error = match PartialDate::parse(text) {
            Ok(date) => return Some(date),
            Err(error) => error,
        };
        let (message, help) = match error {
            DateError::Form => (
                format!("`{text}` is not a date this tool can read"),
                match guess_date(text) {
                    Some(date) => format!("write \"{date}\": dates are written YYYY, YYYY-MM or YYYY-MM-DD"),
                    None => "write \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\", like \"2025\", \"2025-06\" or \"2025-06-27\"".to_string(),
                },
            ),
            DateError::Month => (
                format!("`{text}` has no such month"),
                match text.split('-').collect::<Vec<_>>().as_slice() {
                    // Day and month swapped: "2025-27-06".
                    [y, d, m] if PartialDate::parse(&format!("{y}-{m}-{d}")).is_ok() => {
                        format!("months go from 01 to 12: write \"{y}-{m}-{d}\" (year, month, day)")
                    }
                    _ => "months go from 01 to 12: write the month as two digits, like \"2025-06\"".to_string(),
                },
            ),
            DateError::Day { days } => (
                format!("`{text}` is not a day of the calendar"),
                format!(
                    "that month has {days} days; if the day is not known, write only the month: \"{}\"",
                    text.get(..7).unwrap_or(text)
                ),
            ),
        };
        self.error(file, value.span(), message, help);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_other_forms_are_guessed_only_when_unambiguous() {
        let guesses: Vec<Option<String>> = [
            "June 2025",
            "2025-6-3",
            "27/06/2025",
            "27 June 2025",
            "June 27, 2025",
            "2025/06",
            "03/04/2025",
            "06/31/2025",
            "next year",
        ]
        .iter()
        .map(|t| guess_date(t))
        .collect();
        let expected = [
            Some("2025-06"),
            Some("2025-06-03"),
            Some("2025-06-27"),
            Some("2025-06-27"),
            Some("2025-06-27"),
            Some("2025-06"),
            None,
            None,
            None,
        ];
        assert_eq!(guesses, expected.map(|g| g.map(String::from)));
    }
}
