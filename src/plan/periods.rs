//! The timeline in pages: which events each page of the timeline shows.
//!
//! Steps: group the events (in date order) by year; keep the whole timeline on
//! one page while every event fits the budget (`per_page`); otherwise give
//! each year a page, and each month one in a year over the budget; a period
//! still over the budget is paged (`timeline/2025-06/page/2/`). The events
//! known only to their year, in a year split by month, are a period of their
//! own at the year's address (`timeline/2025/`), before its months.

use std::ops::Range;

use crate::model::{EventIx, Ix, PartialDate, Split, Story};

use super::{Kind, Route};

/// One period of the timeline: a year or a month, and its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `2025` or `2025-06`: the period's part of its pages' addresses.
    pub key: String,
    /// The year, or the month, as a date of that precision.
    pub date: PartialDate,
    /// Its events, by position in the story's events.
    pub events: Range<usize>,
    /// How many pages it takes (1 unless it is over the budget).
    pub pages: usize,
}

/// One page of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodPage {
    /// The period's position in [`Timeline::periods`].
    pub period: usize,
    /// 1 for the first page.
    pub page: usize,
}

/// How a story's timeline is split into pages.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// The periods in date order; empty when the timeline is one page.
    pub periods: Vec<Period>,
    pub per_page: usize,
}

impl Timeline {
    /// The split of `story`'s timeline, by its site settings.
    pub fn of(story: &Story) -> Timeline {
        let per_page = story.site.per_page.max(1);
        let dates: Vec<PartialDate> = story.events.iter().map(|e| e.date).collect();
        Timeline {
            periods: split(&dates, story.site.timeline_split, per_page),
            per_page,
        }
    }

    /// Whether the timeline has pages per period (and `timeline/` is an overview).
    pub fn is_split(&self) -> bool {
        !self.periods.is_empty()
    }

    /// Every page of every period, in date order.
    pub fn pages(&self) -> impl Iterator<Item = PeriodPage> + '_ {
        self.periods
            .iter()
            .enumerate()
            .flat_map(|(period, p)| (1..=p.pages).map(move |page| PeriodPage { period, page }))
    }

    /// The route of a period's page.
    pub fn route(&self, page: PeriodPage) -> Route<'_> {
        Route::period(&self.periods[page.period].key).page(page.page)
    }

    /// The events a period's page shows, by position.
    pub fn events(&self, page: PeriodPage) -> Range<usize> {
        let events = &self.periods[page.period].events;
        let start = events.start + (page.page - 1) * self.per_page;
        start..(start + self.per_page).min(events.end)
    }

    /// The timeline page that lists `event`: its period's page, or the one
    /// timeline page when there are no periods.
    pub fn page_of(&self, event: EventIx) -> Route<'_> {
        let at = event.position();
        let found = self.periods.partition_point(|p| p.events.end <= at);
        match self.periods.get(found) {
            Some(period) => {
                let page = (at - period.events.start) / self.per_page + 1;
                Route::period(&period.key).page(page)
            }
            None => Route::one(Kind::Timeline),
        }
    }
}

/// The periods of events at `dates` (in date order), split by `split`.
fn split(dates: &[PartialDate], split: Split, per_page: usize) -> Vec<Period> {
    let whole = match split {
        Split::None => true,
        Split::Auto => dates.len() <= per_page,
        Split::Year | Split::Month => false,
    };
    if whole || dates.is_empty() {
        return Vec::new();
    }
    let mut periods = Vec::new();
    for years in runs(dates, |d| d.year) {
        let year = dates[years.start].year;
        let by_month = match split {
            Split::Month => true,
            _ => years.len() > per_page,
        };
        if !by_month {
            periods.push(period(year, None, years, per_page));
            continue;
        }
        // Events known only to the year sort first: they keep the year's
        // own address (`timeline/2025/`), before its months.
        for run in runs(&dates[years.clone()], |d| (d.year, d.month)) {
            let events = years.start + run.start..years.start + run.end;
            let month = dates[events.end - 1].month;
            periods.push(period(year, month, events, per_page));
        }
    }
    periods
}

fn period(year: i32, month: Option<u8>, events: Range<usize>, per_page: usize) -> Period {
    let key = match month {
        Some(month) => format!("{year:04}-{month:02}"),
        None => format!("{year:04}"),
    };
    Period {
        key,
        date: PartialDate {
            year,
            month,
            day: None,
        },
        pages: events.len().div_ceil(per_page).max(1),
        events,
    }
}

/// The runs of equal `by(date)` in `dates`, as ranges.
fn runs<K: PartialEq>(dates: &[PartialDate], by: impl Fn(&PartialDate) -> K) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, date) in dates.iter().enumerate() {
        match runs.last_mut() {
            Some(run) if by(&dates[run.start]) == by(date) => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    runs
}

/// How many pages `count` items take at `per_page` a page: at least one.
pub fn pages_for(count: usize, per_page: usize) -> usize {
    count.div_ceil(per_page.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(texts: &[&str]) -> Vec<PartialDate> {
        texts
            .iter()
            .map(|t| PartialDate::parse(t).unwrap())
            .collect()
    }

    fn keys(periods: &[Period]) -> Vec<(&str, usize, usize)> {
        periods
            .iter()
            .map(|p| (p.key.as_str(), p.events.len(), p.pages))
            .collect()
    }

    #[test]
    fn a_story_within_the_budget_keeps_one_page() {
        let d = dates(&["2020-01-01", "2021-05", "2025"]);
        assert!(split(&d, Split::Auto, 3).is_empty());
        assert!(split(&d, Split::None, 1).is_empty());
        assert_eq!(
            keys(&split(&d, Split::Year, 3)),
            [("2020", 1, 1), ("2021", 1, 1), ("2025", 1, 1)]
        );
    }

    #[test]
    fn a_dense_year_splits_by_month_and_a_dense_month_is_paged() {
        let d = dates(&[
            "2019-03-01",
            "2020",
            "2020-02-01",
            "2020-02-02",
            "2020-02-03",
            "2020-02-04",
            "2020-03",
        ]);
        assert_eq!(
            keys(&split(&d, Split::Auto, 3)),
            [
                ("2019", 1, 1),
                ("2020", 1, 1),
                ("2020-02", 4, 2),
                ("2020-03", 1, 1)
            ]
        );
        assert_eq!(
            keys(&split(&d, Split::Month, 3)),
            [
                ("2019-03", 1, 1),
                ("2020", 1, 1),
                ("2020-02", 4, 2),
                ("2020-03", 1, 1)
            ]
        );
        // A year of events known only to the year is its own period.
        let d = dates(&["2020", "2020", "2020", "2020"]);
        assert_eq!(keys(&split(&d, Split::Auto, 3)), [("2020", 4, 2)]);
    }
}
