//! The pages of a timeline split into periods (see [`crate::plan::Timeline`]):
//! the overview at `timeline/`, and each period's pages.
//!
//! The overview draws the whole story with a bar per period, lists the
//! periods with their counts, and links the key events: those marked
//! `key = true`, or else the contested ones and those the sections cite.

use super::pages::{Job, Pages};
use super::timeline_svg::{Bar, PeriodsSvg};
use super::views::*;
use crate::model::{EventIx, Ix};
use crate::plan::{PeriodPage, Route, Timeline};

impl<'a> Pages<'a> {
    /// `timeline/` of a split timeline.
    pub(super) fn overview(&self, route: &Route) -> Job {
        let story = self.story;
        let timeline = &story.timeline;
        let v = self.views(route);
        let hrefs: Vec<String> = timeline
            .periods
            .iter()
            .map(|p| Route::period(&p.key).href())
            .collect();
        // The events known only to a year split by month are listed, not
        // drawn: a bar as wide as the year would lie under its months'.
        let split_years: std::collections::BTreeSet<i32> = timeline
            .periods
            .iter()
            .filter(|p| p.date.month.is_some())
            .map(|p| p.date.year)
            .collect();
        let timeline_svg = PeriodsSvg {
            bars: timeline
                .periods
                .iter()
                .zip(&hrefs)
                .filter(|(p, _)| p.date.month.is_some() || !split_years.contains(&p.date.year))
                .map(|(p, href)| Bar {
                    date: p.date,
                    count: p.events.len(),
                    href,
                })
                .collect(),
            eras: &story.eras,
            root: &v.root,
            id: "timeline-chart",
            locale: &story.locale,
        }
        .render();
        let (key, key_marked, key_left_out) = self.key_events(timeline.per_page);
        let locale = &story.locale;
        let description = locale.fill(
            "overview_description",
            &[
                (
                    "events",
                    &locale.count("overview_events", story.events.len(), &[]),
                ),
                (
                    "periods",
                    &locale.count("overview_periods", timeline.periods.len(), &[]),
                ),
            ],
        );
        let page = TimelineOverviewPage {
            common: v.common(
                route,
                locale.text("timeline_title").into(),
                Some(&description),
                "timeline",
            ),
            timeline_svg,
            periods: (0..timeline.periods.len())
                .map(|period| period_view(timeline, PeriodPage { period, page: 1 }, &story.locale))
                .collect(),
            period_rows: period_rows(timeline, &story.locale),
            event_count: story.events.len(),
            key_events: key.into_iter().map(|e| v.event_link_value(e)).collect(),
            key_marked,
            key_left_out,
            eras: self.era_views(),
        };
        self.job(route, "timeline-overview.html", &page)
    }

    /// One page of a period: its events, its chart, the pages before and after.
    pub(super) fn period(&self, route: &Route, at: PeriodPage) -> Job {
        let story = self.story;
        let timeline = &story.timeline;
        let v = self.views(route);
        let (years, timeline_svg) = self.timeline_list(&v, timeline.events(at));
        let period = period_view(timeline, at, &story.locale);
        let locale = &story.locale;
        let mut title = locale.fill("period_title", &[("period", &period.label)]);
        if period.pages > 1 {
            let page_of = locale.fill(
                "page_of",
                &[
                    ("number", &period.number.to_string()),
                    ("pages", &period.pages.to_string()),
                ],
            );
            title = format!("{title}, {page_of}");
        }
        let description = locale.count(
            "period_description",
            period.count,
            &[("period", &period.label)],
        );
        let pages: Vec<PeriodPage> = timeline.pages().collect();
        let here = pages.iter().position(|p| *p == at).unwrap_or(0);
        let link = |p: &PeriodPage| {
            let view = period_view(timeline, *p, &story.locale);
            PageLink {
                label: view.label,
                number: view.number,
                pages: view.pages,
                path: timeline.route(*p).href(),
            }
        };
        let page = TimelinePage {
            update_places: self.update_places(timeline.events(at)),
            common: v.common(route, title, Some(&description), "timeline"),
            timeline_svg,
            years,
            eras: self.era_views(),
            period: Some(period),
            previous: here.checked_sub(1).and_then(|p| pages.get(p)).map(link),
            next: pages.get(here + 1).map(link),
        };
        self.job(route, "timeline.html", &page)
    }

    /// The key events, at most `budget` of them, in date order; whether the
    /// editor marked them; how many were left out. Without marks: the
    /// contested events and those the sections cite, both first, the latest
    /// first when there are too many.
    fn key_events(&self, budget: usize) -> (Vec<EventIx>, bool, usize) {
        let story = self.story;
        let marked: Vec<EventIx> = story
            .events
            .indexed()
            .filter(|(_, e)| e.key)
            .map(|(i, _)| i)
            .collect();
        let (mut chosen, key_marked) = if marked.is_empty() {
            let mut cited = vec![false; story.events.len()];
            for section in &story.sections {
                for e in &section.cites {
                    cited[e.position()] = true;
                }
            }
            let mut scored: Vec<(u8, EventIx)> = story
                .events
                .indexed()
                .map(|(i, e)| {
                    let contested = u8::from(e.accounts.len() >= 2);
                    (contested + u8::from(cited[i.position()]), i)
                })
                .filter(|(score, _)| *score > 0)
                .collect();
            scored.sort_by(|a, b| b.cmp(a));
            (scored.into_iter().map(|(_, i)| i).collect(), false)
        } else {
            let mut marked = marked;
            marked.reverse();
            (marked, true)
        };
        let left_out = chosen.len().saturating_sub(budget);
        chosen.truncate(budget);
        chosen.sort_unstable();
        (chosen, key_marked, left_out)
    }
}

/// The periods in rows: each year split by month on a row of its own,
/// headed by the year; runs of whole years together.
fn period_rows(timeline: &Timeline, locale: &crate::i18n::Locale) -> Vec<PeriodRow> {
    let mut rows: Vec<PeriodRow> = Vec::new();
    let periods = &timeline.periods;
    let mut at = 0;
    while at < periods.len() {
        let year = periods[at].date.year;
        let end = at
            + periods[at..]
                .iter()
                .take_while(|p| p.date.year == year)
                .count();
        let view = |period| period_view(timeline, PeriodPage { period, page: 1 }, locale);
        let split = periods[at..end].iter().any(|p| p.date.month.is_some());
        if split {
            let year_only = periods[at..end].iter().find(|p| p.date.month.is_none());
            rows.push(PeriodRow {
                year: Some(RowYear {
                    year,
                    count: periods[at..end].iter().map(|p| p.events.len()).sum(),
                    year_only: year_only.map_or(0, |p| p.events.len()),
                    path: year_only.map(|p| Route::period(&p.key).href()),
                }),
                periods: (at..end)
                    .filter(|&p| periods[p].date.month.is_some())
                    .map(view)
                    .collect(),
            });
        } else {
            match rows.last_mut() {
                Some(row) if row.year.is_none() => row.periods.extend((at..end).map(view)),
                _ => rows.push(PeriodRow {
                    year: None,
                    periods: (at..end).map(view).collect(),
                }),
            }
        }
        at = end;
    }
    rows
}

/// A period's view, as of its page `at`.
fn period_view(timeline: &Timeline, at: PeriodPage, locale: &crate::i18n::Locale) -> PeriodView {
    let period = &timeline.periods[at.period];
    let label = locale.date(&period.date);
    PeriodView {
        short: match period.date.month {
            Some(month) => locale.month(period.date.year, month),
            None => period.date.year.to_string(),
        },
        label,
        iso: period.date.iso(),
        path: Route::period(&period.key).href(),
        count: period.events.len(),
        number: at.page,
        pages: period.pages,
    }
}
