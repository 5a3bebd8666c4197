//! The reader's language: the interface's words, counts and dates.
//!
//! Every word a page shows that is not the story's own comes from a strings
//! table: built in for `en`, `az` and `ru` (`src/i18n/*.toml`), overridable
//! per story in `i18n/LANG.toml`. A string may hold `{n}` and other
//! `{placeholders}`; a count is a table of CLDR plural forms (`one`, `few`,
//! `many`, `other`...), chosen by ICU4X's plural rules for the language.
//! Templates see the table as `t`, and pick a count's form with the
//! `plural(n=...)` filter.

mod dates;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

use icu_plurals::{PluralCategory, PluralRules};
use serde::Deserialize;

pub use dates::Dates;

use crate::model::PartialDate;

/// The built-in tables, by language.
const BUILT_IN: [(&str, &str); 3] = [
    ("en", include_str!("en.toml")),
    ("az", include_str!("az.toml")),
    ("ru", include_str!("ru.toml")),
];

/// One string of the table: a text, or a count's plural forms.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Entry {
    Text(String),
    Plural(BTreeMap<String, String>),
}

/// A language's strings, dates and plural rules.
#[derive(Debug)]
pub struct Locale {
    /// The language tag as site.toml writes it: `en`, `en-US`, `ru`.
    pub tag: String,
    strings: BTreeMap<String, Entry>,
    dates: Dates,
    plurals: Option<PluralRules>,
}

/// Why a language's strings fell back to English, or what was wrong with an override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    /// No built-in table for this language: the English strings are used.
    NoTable,
    /// ICU4X knows no dates for this tag: dates are worded in English.
    NoDates,
}

impl Locale {
    /// The locale for `tag`, with the story's overrides (`i18n/LANG.toml`,
    /// already parsed) laid over the built-in table.
    pub fn new(tag: &str, overrides: &BTreeMap<String, Entry>) -> (Locale, Vec<Trouble>) {
        let mut troubles = Vec::new();
        let parsed: icu_locale_core::Locale =
            tag.parse().unwrap_or(icu_locale_core::Locale::UNKNOWN);
        let language = parsed.id.language.as_str().to_string();
        let mut strings = built_in("en");
        match BUILT_IN.iter().any(|(l, _)| *l == language) {
            true => strings.extend(
                (built_in_table(&language).into_iter().flatten())
                    .map(|(k, v)| (k.clone(), v.clone())),
            ),
            false => troubles.push(Trouble::NoTable),
        }
        if troubles.contains(&Trouble::NoTable) {
            // Not "English": the switcher names the language by its tag.
            strings.insert("language_name".into(), Entry::Text(tag.to_string()));
        }
        strings.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        let dates = Dates::new(tag, &parsed).unwrap_or_else(|| {
            troubles.push(Trouble::NoDates);
            Dates::House
        });
        let plurals = PluralRules::try_new_cardinal((&parsed).into()).ok();
        let locale = Locale {
            tag: tag.to_string(),
            strings,
            dates,
            plurals,
        };
        (locale, troubles)
    }

    /// The keys of the built-in English table: what an override may name.
    pub fn keys() -> Vec<String> {
        (built_in_table("en").into_iter().flatten())
            .map(|(key, _)| key.clone())
            .collect()
    }

    /// A text of the table; a count's `other` form; the key itself when unknown.
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        match self.strings.get(key) {
            Some(Entry::Text(text)) => text,
            Some(Entry::Plural(forms)) => forms.get("other").map_or(key, String::as_str),
            None => key,
        }
    }

    /// A text with its `{name}`s filled in.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.text(key), values)
    }

    /// A count's form for `n`, with `{n}` and the `{name}`s filled in.
    pub fn count(&self, key: &str, n: usize, values: &[(&str, &str)]) -> String {
        let form = match self.strings.get(key) {
            Some(Entry::Plural(forms)) => {
                let category = self.category(n);
                forms
                    .get(category)
                    .or_else(|| forms.get("other"))
                    .map_or(key, String::as_str)
            }
            Some(Entry::Text(text)) => text,
            None => key,
        };
        let number = n.to_string();
        let mut all = vec![("n", number.as_str())];
        all.extend_from_slice(values);
        fill(form, &all)
    }

    /// The CLDR plural category of `n` in this language.
    fn category(&self, n: usize) -> &'static str {
        match &self.plurals {
            Some(rules) => category_name(rules.category_for(n)),
            None if n == 1 => "one",
            None => "other",
        }
    }

    pub fn date(&self, date: &PartialDate) -> String {
        self.dates.date(date)
    }

    /// A month alone: "June", "июнь".
    pub fn month(&self, year: i32, month: u8) -> String {
        self.dates.month(year, month)
    }

    /// A month abbreviated, for the charts' axes.
    pub fn short_month(&self, year: i32, month: u8) -> String {
        self.dates.short_month(year, month)
    }

    /// The start of a range as the range shows it (see [`Dates::range_start`]).
    pub fn range_start(&self, start: &PartialDate, end: Option<&PartialDate>) -> String {
        self.dates.range_start(start, end)
    }

    /// A date or a range, worded for readers: "June – July 2025", "around 1991".
    pub fn when(
        &self,
        start: &PartialDate,
        end: Option<&PartialDate>,
        approximate: bool,
    ) -> String {
        let first = self.range_start(start, end);
        let range = match end {
            Some(end) => format!("{first} – {}", self.date(end)),
            None => first,
        };
        match approximate {
            true => self.fill("around", &[("when", &range)]),
            false => range,
        }
    }

    /// The table as templates see it: `t.KEY` is a text, or a count's forms
    /// with the language (`lang`) for the `plural` filter.
    pub fn table(&self) -> BTreeMap<&str, tera::Value> {
        self.strings
            .iter()
            .map(|(key, entry)| {
                let value = match entry {
                    Entry::Text(text) => tera::Value::from(text.as_str()),
                    Entry::Plural(forms) => {
                        let mut map: BTreeMap<String, String> = forms.clone();
                        map.insert("lang".into(), self.tag.clone());
                        tera::Value::try_from_serializable(&map)
                            .unwrap_or_else(|_| tera::Value::none())
                    }
                };
                (key.as_str(), value)
            })
            .collect()
    }
}

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// `{name}` in `text` replaced by each value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    // One pass: charts fill a string per mark, thousands a page.
    let mut filled = String::with_capacity(text.len() + 32);
    let mut rest = text;
    // Braces found with memchr: a `str::find` sets up a searcher each call.
    while let Some(open) = memchr::memchr(b'{', rest.as_bytes()) {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = memchr::memchr(b'}', after.as_bytes()).map(|close| &after[..close]);
        match name.and_then(|name| values.iter().find(|(n, _)| *n == name)) {
            Some((name, value)) => {
                filled.push_str(value);
                rest = &after[name.len() + 1..];
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// Parses the English table, which every locale starts from, now: on the
/// core that is not loading the story (see `pipeline::prepare`).
pub(crate) fn warm() {
    built_in_table("en");
}

/// A built-in table, parsed. The tables are ours and tested: an error is a bug.
fn built_in(language: &str) -> BTreeMap<String, Entry> {
    built_in_table(language).cloned().unwrap_or_default()
}

/// The built-in table of `language`, if there is one.
fn built_in_table(language: &str) -> Option<&'static BTreeMap<String, Entry>> {
    // Each read once, when a story first asks for it: every build makes a
    // locale per edition, and an English story needs only English (parsing
    // all three tables was a millisecond that no other work overlapped).
    static TABLES: [OnceLock<BTreeMap<String, Entry>>; BUILT_IN.len()] =
        [const { OnceLock::new() }; BUILT_IN.len()];
    (BUILT_IN.iter().zip(&TABLES))
        .find(|((l, _), _)| *l == language)
        .map(|((_, text), table)| table.get_or_init(|| toml::from_str(text).unwrap_or_default()))
}

/// The plural category of `n` for a language, for the `plural` filter, which
/// knows only the language tag the table gives it.
pub fn category_for(tag: &str, n: usize) -> &'static str {
    static RULES: OnceLock<Mutex<HashMap<String, Option<PluralRules>>>> = OnceLock::new();
    let rules = RULES.get_or_init(Default::default);
    let Ok(mut rules) = rules.lock() else {
        return if n == 1 { "one" } else { "other" };
    };
    let found = rules.entry(tag.to_string()).or_insert_with(|| {
        let locale: icu_locale_core::Locale = tag.parse().ok()?;
        PluralRules::try_new_cardinal((&locale).into()).ok()
    });
    match found {
        Some(rules) => category_name(rules.category_for(n)),
        None if n == 1 => "one",
        None => "other",
    }
}

/// The `plural` filter: `{{ t.events | plural(n=count) }}` picks the form of
/// `count` from a count's forms and fills in `{n}`.
pub fn plural_filter(
    value: tera::Value,
    args: tera::Kwargs,
    _: &tera::State,
) -> tera::TeraResult<String> {
    let n: i64 = args.must_get("n")?;
    let n = n.max(0) as usize;
    let text = match value.as_map() {
        Some(map) => {
            let get = |key: &str| {
                map.iter()
                    .find(|(k, _)| k.as_str() == Some(key))
                    .and_then(|(_, v)| v.as_str().map(str::to_string))
            };
            let lang = get("lang").unwrap_or_else(|| "en".into());
            get(category_for(&lang, n))
                .or_else(|| get("other"))
                .unwrap_or_default()
        }
        None => value.as_str().unwrap_or_default().to_string(),
    };
    Ok(text.replace("{n}", &n.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_table_has_every_english_key_with_the_same_placeholders() {
        let english = built_in("en");
        assert!(english.len() > 50, "the English table did not parse");
        let marks = |text: &str| {
            let mut found: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
                .collect();
            found.sort();
            found.dedup();
            found
        };
        let texts = |entry: &Entry| match entry {
            Entry::Text(text) => vec![text.clone()],
            Entry::Plural(forms) => forms.values().cloned().collect(),
        };
        for (language, _) in BUILT_IN {
            let table = built_in(language);
            for (key, entry) in &english {
                let Some(theirs) = table.get(key) else {
                    panic!("{language}.toml has no `{key}`");
                };
                let want = marks(&texts(entry).join(" "));
                for text in texts(theirs) {
                    // A form for one may say "one" in words instead of `{n}`.
                    let mut have = marks(&text);
                    if !have.contains(&"n".to_string()) && want.contains(&"n".to_string()) {
                        have.push("n".into());
                        have.sort();
                    }
                    assert_eq!(have, want, "{language}.toml `{key}`: {text}");
                }
                if let (Entry::Plural(_), Entry::Text(_)) = (entry, theirs) {
                    panic!("{language}.toml `{key}` must be a table of plural forms");
                }
            }
            for key in table.keys() {
                assert!(
                    english.contains_key(key),
                    "{language}.toml has unknown `{key}`"
                );
            }
        }
    }

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_kept() {
        let text = "{a} and {b}: {n} {unknown} {";
        assert_eq!(
            fill(text, &[("a", "{b}"), ("b", "Bob"), ("n", "2")]),
            "{b} and Bob: 2 {unknown} {"
        );
        assert_eq!(fill("ё{a}ж{", &[("a", "{б}")]), "ё{б}ж{");
    }

    #[test]
    fn counts_take_each_languages_plural_form() {
        let none = BTreeMap::new();
        let (ru, _) = Locale::new("ru", &none);
        let (en, _) = Locale::new("en", &none);
        assert_eq!(en.count("overview_events", 1, &[]), "1 event");
        assert_eq!(en.count("overview_events", 5, &[]), "5 events");
        assert_eq!(ru.count("overview_events", 1, &[]), "1 событие");
        assert_eq!(ru.count("overview_events", 3, &[]), "3 события");
        assert_eq!(ru.count("overview_events", 11, &[]), "11 событий");
        assert_eq!(ru.count("overview_events", 21, &[]), "21 событие");
    }

    #[test]
    fn a_language_without_a_table_speaks_english_and_says_so() {
        let (fr, troubles) = Locale::new("fr", &BTreeMap::new());
        assert_eq!(troubles, vec![Trouble::NoTable]);
        assert_eq!(fr.text("nav_timeline"), "Timeline");
        assert_eq!(
            fr.date(&PartialDate::parse("2025-06").unwrap()),
            "juin 2025"
        );
    }

    #[test]
    fn approximate_dates_and_ranges_are_worded_in_the_language() {
        let none = BTreeMap::new();
        let (ru, _) = Locale::new("ru", &none);
        let june = PartialDate::parse("2025-06").unwrap();
        let july = PartialDate::parse("2025-07").unwrap();
        assert_eq!(
            ru.when(&june, Some(&july), true),
            "примерно июнь – июль 2025\u{202f}г."
        );
        let (en, _) = Locale::new("en", &none);
        assert_eq!(en.when(&june, Some(&july), true), "around June – July 2025");
    }
}
