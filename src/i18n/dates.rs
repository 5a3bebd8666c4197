//! Dates worded for readers in each language.
//!
//! Plain `en` keeps the house style the site has always had ("22 February
//! 2022", "June 2025"); every other language tag, `en-US` included, is worded
//! by ICU4X from CLDR's data, which knows each language's forms: Russian
//! "22 февраля 2022 г." for a day (genitive) and "июнь 2025 г." for a month
//! (nominative), Azerbaijani "22 fevral 2022" and "iyun 2025".

use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{M, YM, YMD};
use icu_locale_core::Locale;

use crate::model::{MONTHS, PartialDate, Precision};

/// Month names as the charts' axes abbreviate them, in the house style.
const SHORT_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// How one language words a date.
pub enum Dates {
    /// Plain `en`: day, month, year.
    House,
    Icu(Box<IcuDates>),
}

pub struct IcuDates {
    day: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    month: FixedCalendarDateTimeFormatter<Gregorian, YM>,
    /// A month alone, as the first half of a range in one year names it.
    month_alone: FixedCalendarDateTimeFormatter<Gregorian, M>,
    /// A month abbreviated, for the charts' axes.
    month_short: FixedCalendarDateTimeFormatter<Gregorian, M>,
}

impl std::fmt::Debug for Dates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Dates::House => "Dates::House",
            Dates::Icu(_) => "Dates::Icu",
        })
    }
}

impl Dates {
    /// The wording for `tag`; `None` when ICU4X has no data for it.
    pub fn new(tag: &str, locale: &Locale) -> Option<Dates> {
        if tag == "en" {
            return Some(Dates::House);
        }
        let day = FixedCalendarDateTimeFormatter::try_new(locale.into(), YMD::long()).ok()?;
        let month = FixedCalendarDateTimeFormatter::try_new(locale.into(), YM::long()).ok()?;
        let month_alone = FixedCalendarDateTimeFormatter::try_new(locale.into(), M::long()).ok()?;
        let month_short =
            FixedCalendarDateTimeFormatter::try_new(locale.into(), M::medium()).ok()?;
        Some(Dates::Icu(Box::new(IcuDates {
            day,
            month,
            month_alone,
            month_short,
        })))
    }

    /// "2025", "June 2025", "22 February 2022": never more precise than known.
    pub fn date(&self, date: &PartialDate) -> String {
        match self {
            Dates::House => date.to_string(),
            Dates::Icu(icu) => {
                let (Some(month), day) = (date.month, date.day) else {
                    return date.year.to_string();
                };
                let Ok(at) = Date::try_new_gregorian(date.year, month, day.unwrap_or(1)) else {
                    return date.iso();
                };
                match day {
                    Some(_) => icu.day.format(&at).to_string(),
                    None => icu.month.format(&at).to_string(),
                }
            }
        }
    }

    /// The start of a range without what the end repeats: "June" in
    /// "June – July 2025", "5" in "5 – 7 June 2025".
    pub fn range_start(&self, start: &PartialDate, end: Option<&PartialDate>) -> String {
        let Some(end) = end else {
            return self.date(start);
        };
        let same_year = start.year == end.year;
        let month = start.month.unwrap_or(1);
        match self {
            Dates::House => {
                let name = MONTHS[month as usize - 1];
                match (start.precision(), end.precision()) {
                    (Precision::Month, Precision::Month) if same_year => name.to_string(),
                    (Precision::Day, Precision::Day) if same_year && start.month == end.month => {
                        start.day.unwrap_or(1).to_string()
                    }
                    (Precision::Day, Precision::Day) if same_year => {
                        format!("{} {name}", start.day.unwrap_or(1))
                    }
                    _ => start.to_string(),
                }
            }
            // Languages order a day and its month differently: only a month
            // range in one year is shortened, to the month's own name.
            Dates::Icu(icu) => match (start.precision(), end.precision()) {
                (Precision::Month, Precision::Month) if same_year => {
                    match Date::try_new_gregorian(start.year, month, 1) {
                        Ok(at) => icu.month_alone.format(&at).to_string(),
                        Err(_) => start.iso(),
                    }
                }
                _ => self.date(start),
            },
        }
    }

    /// A month abbreviated, for the charts' axes: "Jun", "июн.".
    pub fn short_month(&self, year: i32, month: u8) -> String {
        match self {
            Dates::House => SHORT_MONTHS[month.clamp(1, 12) as usize - 1].to_string(),
            Dates::Icu(icu) => match Date::try_new_gregorian(year, month, 1) {
                Ok(at) => icu.month_short.format(&at).to_string(),
                Err(_) => month.to_string(),
            },
        }
    }

    /// A month alone, for the short labels of a year's periods: "June", "июнь".
    pub fn month(&self, year: i32, month: u8) -> String {
        match self {
            Dates::House => MONTHS[month.clamp(1, 12) as usize - 1].to_string(),
            Dates::Icu(icu) => match Date::try_new_gregorian(year, month, 1) {
                Ok(at) => icu.month_alone.format(&at).to_string(),
                Err(_) => month.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(tag: &str) -> Dates {
        Dates::new(tag, &tag.parse().unwrap()).unwrap()
    }

    fn date(text: &str) -> PartialDate {
        PartialDate::parse(text).unwrap()
    }

    #[test]
    fn each_language_words_days_and_months_in_its_own_forms() {
        let cases = [
            ("en", "2022-02-22", "22 February 2022"),
            ("en", "2025-06", "June 2025"),
            ("en-US", "2025-06-20", "June 20, 2025"),
            ("ru", "2022-02-22", "22 февраля 2022\u{202f}г."),
            ("ru", "2025-06", "июнь 2025\u{202f}г."),
            ("az", "2022-02-22", "22 fevral 2022"),
            ("az", "2025-06", "iyun 2025"),
            ("ru", "1991", "1991"),
        ];
        for (tag, text, worded) in cases {
            assert_eq!(dates(tag).date(&date(text)), worded, "{tag} {text}");
        }
    }

    #[test]
    fn a_month_range_in_one_year_names_its_first_month_alone() {
        let (june, july) = (date("2025-06"), date("2025-07"));
        assert_eq!(dates("en").range_start(&june, Some(&july)), "June");
        assert_eq!(dates("ru").range_start(&june, Some(&july)), "июнь");
        assert_eq!(dates("az").range_start(&june, Some(&july)), "iyun");
        let day = date("2025-06-05");
        assert_eq!(
            dates("ru").range_start(&day, Some(&date("2025-06-07"))),
            "5 июня 2025\u{202f}г."
        );
    }
}
