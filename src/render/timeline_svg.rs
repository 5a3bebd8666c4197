//! The visual timeline: an inline SVG drawn at build time, no JavaScript.
//!
//! Steps: turn each event into a period of days (a month-precision date covers
//! its month, a range covers start to end); group the periods into clusters
//! and put a scale break between clusters where nothing happens for long (see
//! [`is_break`]); give each cluster its own linear scale; stack overlapping
//! marks into lanes; draw eras as labelled bands, then the marks, the axis and
//! the breaks. The same content always gives the same bytes.

use std::fmt::Write;

use super::decimal::{d0, d1, put};

use crate::i18n::Locale;
use crate::markdown::escape_html;
use crate::model::{Era, Event, PartialDate};
use crate::plan::Route;

/// Width of the drawing in SVG units; the page scrolls it sideways on phones.
const WIDTH: f64 = 880.0;
const MARGIN: f64 = 16.0;
/// Room between two clusters for the break mark.
const BREAK: f64 = 48.0;
const MIN_SEGMENT: f64 = 150.0;
const LANE: f64 = 22.0;
const MARK: f64 = 14.0;
const MIN_MARK: f64 = 12.0;
const ERA_ROW: f64 = 22.0;
/// A rough width of one character of the 12-unit sans-serif labels.
const CHAR: f64 = 6.6;

/// A gap with no event becomes a scale break when it is longer than a year and
/// longer than the clusters on both sides of it together: decades with nothing
/// are not drawn as empty line, and a cluster of weeks is not squashed to a dot.
pub fn is_break(gap_days: i64, left_span: i64, right_span: i64) -> bool {
    gap_days > 365 && gap_days > left_span + right_span
}

/// Days since 1 January of year 0 (proleptic Gregorian), for spacing.
fn day_number((year, month, day): (i32, u8, u8)) -> i64 {
    let (y, m) = if month <= 2 {
        (i64::from(year) - 1, i64::from(month) + 9)
    } else {
        (i64::from(year), i64::from(month) - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

fn start_day(date: &PartialDate) -> i64 {
    day_number((date.year, date.month.unwrap_or(1), date.day.unwrap_or(1)))
}

fn end_day(date: &PartialDate) -> i64 {
    day_number(date.end_exclusive())
}

/// One mark: an event's period in days, and what to draw.
struct Mark<'a> {
    event: &'a Event,
    start: i64,
    end: i64,
}

/// A run of events drawn on one linear scale.
struct Segment {
    start: i64,
    end: i64,
    x: f64,
    width: f64,
}

impl Segment {
    fn x_of(&self, day: i64) -> f64 {
        self.x + (day - self.start) as f64 / (self.end - self.start).max(1) as f64 * self.width
    }
}

/// What the caller links marks to: the site root as seen from the page.
pub struct TimelineSvg<'a> {
    pub events: Vec<&'a Event>,
    pub eras: &'a [Era],
    pub root: &'a str,
    /// Unique per page, for `aria-labelledby`.
    pub id: &'a str,
    /// The page's language: the chart's words and dates.
    pub locale: &'a Locale,
}

impl TimelineSvg<'_> {
    /// The SVG, or an empty string when there are no events.
    pub fn render(&self) -> String {
        if self.events.is_empty() {
            return String::new();
        }
        let mut marks: Vec<Mark> = self
            .events
            .iter()
            .map(|event| Mark {
                event,
                start: start_day(&event.date),
                end: end_day(event.end_date.as_ref().unwrap_or(&event.date)),
            })
            .collect();
        marks.sort_by_key(|m| (m.start, m.end));
        let spans: Vec<(i64, i64)> = marks.iter().map(|m| (m.start, m.end)).collect();
        let segments = layout_segments(&spans, true);
        let x_of = |day: i64| x_in(&segments, day);

        let era_rows = era_rows(self.eras, &segments);
        let era_height = era_rows.iter().map(|r| r.row + 1).max().unwrap_or(0) as f64 * ERA_ROW;
        let top = 8.0 + era_height + 6.0;
        let lanes = assign_lanes(&marks, &x_of);
        let lane_count = lanes.iter().copied().max().map_or(1, |l| l + 1);
        let axis_y = top + lane_count as f64 * LANE + 6.0;
        let height = axis_y + 44.0;

        // About 300 bytes an event mark: room enough to write without growing.
        let mut svg = String::with_capacity(4096 + 300 * marks.len());
        let title_id = format!("{}-title", self.id);
        let desc_id = format!("{}-desc", self.id);
        let shown_height = d0(height);
        let _ = write!(
            svg,
            r#"<svg class="timeline-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {shown_height}" width="{WIDTH}" height="{shown_height}" aria-labelledby="{title_id} {desc_id}">"#,
        );
        let _ = write!(
            svg,
            r#"<title id="{title_id}">{}</title><desc id="{desc_id}">{}</desc>"#,
            escape_html(&self.title()),
            escape_html(&self.description(&marks, &segments))
        );

        draw_frame(&mut svg, &era_rows, &segments, axis_y, height, self.locale);

        // The events, linked to their pages.
        let mark_height = MARK.to_string();
        for (mark, lane) in marks.iter().zip(&lanes) {
            let event = mark.event;
            let x0 = x_of(mark.start);
            let x1 = x_of(mark.end).max(x0 + MIN_MARK);
            let y = top + *lane as f64 * LANE;
            let contested = event.accounts.len() >= 2;
            let mut class = String::from("tl-mark");
            if contested {
                class.push_str(" tl-contested");
            }
            if event.approximate {
                class.push_str(" tl-approximate");
            }
            let locale = self.locale;
            let when = locale.when(&event.date, event.end_date.as_ref(), event.approximate);
            let note = match contested {
                true => locale.text("chart_mark_contested"),
                false => "",
            };
            put!(
                &mut svg,
                r#"<a href=""#,
                escape_html(self.root),
                escape_html(&Route::event(&event.id).href()),
                r#""><title>"#,
                escape_html(&when),
                ": ",
                escape_html(&event.title),
                note,
                r#"</title><rect class=""#,
                class,
                r#"" x=""#,
                d1(x0),
                r#"" y=""#,
                d1(y),
                r#"" width=""#,
                d1(x1 - x0),
                r#"" height=""#,
                mark_height,
                r#"" rx=""#,
                d1(if x1 - x0 <= MIN_MARK + 0.5 {
                    MARK / 2.0
                } else {
                    3.0
                }),
                r#""/></a>"#,
            );
        }
        svg.push_str("</svg>");
        svg
    }

    fn title(&self) -> String {
        self.locale.count("chart_timeline", self.events.len(), &[])
    }

    fn description(&self, marks: &[Mark], segments: &[Segment]) -> String {
        let first = &marks[0].event.date;
        let last = marks
            .iter()
            .map(|m| m.event.end_date.as_ref().unwrap_or(&m.event.date))
            .max()
            .unwrap_or(first);
        let locale = self.locale;
        let mut text = locale.fill(
            "chart_from_to",
            &[("first", &locale.date(first)), ("last", &locale.date(last))],
        );
        for pair in segments.windows(2) {
            let gap = gap_label(pair[1].start - pair[0].end, locale);
            text.push(' ');
            text.push_str(&locale.fill("chart_break", &[("gap", &gap)]));
        }
        let contested = marks.iter().filter(|m| m.event.accounts.len() >= 2).count();
        if contested > 0 {
            text.push(' ');
            text.push_str(&locale.count("chart_contested", contested, &[]));
        }
        if !self.eras.is_empty() {
            let names: Vec<&str> = self.eras.iter().map(|e| e.title.as_str()).collect();
            text.push(' ');
            text.push_str(&locale.fill("chart_eras", &[("eras", &names.join(", "))]));
        }
        text.push(' ');
        text.push_str(locale.text("chart_list_below"));
        text
    }
}

/// One bar of the overview chart: a period of the timeline and its events.
pub struct Bar<'a> {
    /// The year or month, as a date of that precision.
    pub date: PartialDate,
    pub count: usize,
    /// The period's page, from the site root.
    pub href: &'a str,
}

/// Height of the tallest bar of the overview chart.
const BAR_HEIGHT: f64 = 88.0;

/// The overview of a timeline split into periods: one bar per period, as
/// wide as the period on the story's time scale and as tall as its number
/// of events, linked to its page. Eras, axis and breaks as in [`TimelineSvg`].
/// Drawn left to right (`direction="ltr"`) even in a right-to-left scroller,
/// which opens a phone's narrow view on the latest periods, the news.
pub struct PeriodsSvg<'a> {
    pub bars: Vec<Bar<'a>>,
    pub eras: &'a [Era],
    pub root: &'a str,
    /// Unique per page, for `aria-labelledby`.
    pub id: &'a str,
    pub locale: &'a Locale,
}

impl PeriodsSvg<'_> {
    /// The SVG, or an empty string when there are no periods.
    pub fn render(&self) -> String {
        let (Some(first), Some(last)) = (self.bars.first(), self.bars.last()) else {
            return String::new();
        };
        let spans: Vec<(i64, i64)> = self
            .bars
            .iter()
            .map(|b| (start_day(&b.date), end_day(&b.date)))
            .collect();
        // Bars cover their whole periods: no room is needed around them.
        let segments = layout_segments(&spans, false);
        let x_of = |day: i64| x_in(&segments, day);
        let era_rows = era_rows(self.eras, &segments);
        let era_height = era_rows.iter().map(|r| r.row + 1).max().unwrap_or(0) as f64 * ERA_ROW;
        let top = 8.0 + era_height + 6.0 + 14.0;
        let axis_y = top + BAR_HEIGHT;
        let height = axis_y + 44.0;
        let most = self.bars.iter().map(|b| b.count).max().unwrap_or(1).max(1);
        let total: usize = self.bars.iter().map(|b| b.count).sum();

        let mut svg = String::with_capacity(4096 + 260 * self.bars.len());
        let title_id = format!("{}-title", self.id);
        let desc_id = format!("{}-desc", self.id);
        let shown_height = d0(height);
        let _ = write!(
            svg,
            r#"<svg class="timeline-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {shown_height}" width="{WIDTH}" height="{shown_height}" direction="ltr" aria-labelledby="{title_id} {desc_id}">"#,
        );
        let locale = self.locale;
        let description = locale.fill(
            "chart_overview_desc",
            &[
                ("first", &locale.date(&first.date)),
                ("last", &locale.date(&last.date)),
                ("most", &most.to_string()),
            ],
        );
        let periods = locale.count("overview_periods", self.bars.len(), &[]);
        let _ = write!(
            svg,
            r#"<title id="{title_id}">{}</title><desc id="{desc_id}">{}</desc>"#,
            escape_html(&locale.count("chart_timeline_periods", total, &[("periods", &periods)])),
            escape_html(&description)
        );
        draw_frame(&mut svg, &era_rows, &segments, axis_y, height, self.locale);
        for (bar, &(start, end)) in self.bars.iter().zip(&spans) {
            let x0 = x_of(start);
            let width = (x_of(end) - x0 - 1.0).max(2.0);
            let tall = 4.0 + (BAR_HEIGHT - 4.0) * bar.count as f64 / most as f64;
            let count = bar.count.to_string();
            let _ = write!(
                svg,
                r#"<a href="{}{}"><title>{}</title><rect class="tl-mark" x="{}" y="{}" width="{}" height="{}"/>"#,
                escape_html(self.root),
                escape_html(bar.href),
                escape_html(&locale.count(
                    "chart_bar",
                    bar.count,
                    &[("period", &locale.date(&bar.date))]
                )),
                d1(x0),
                d1(axis_y - tall),
                d1(width),
                d1(tall),
            );
            // The count above the bar, where it fits.
            if count.len() as f64 * CHAR <= width + 4.0 {
                let _ = write!(
                    svg,
                    r#"<text class="tl-tick-label" x="{}" y="{}">{count}</text>"#,
                    d1(x0 + width / 2.0),
                    d1(axis_y - tall - 4.0),
                );
            }
            svg.push_str("</a>");
        }
        svg.push_str("</svg>");
        svg
    }
}

/// What every timeline chart draws under its marks: the era bands and their
/// labels, the axis of each segment with its ticks, and the scale breaks.
fn draw_frame(
    svg: &mut String,
    era_rows: &[EraBand],
    segments: &[Segment],
    axis_y: f64,
    height: f64,
    locale: &Locale,
) {
    // Era bands behind everything; then their labels, where a label fits,
    // so that no band is drawn over another era's label.
    for band in era_rows {
        let y = 8.0 + band.row as f64 * ERA_ROW;
        let _ = write!(
            svg,
            r#"<rect class="tl-era-band tl-era-{}" x="{}" y="{}" width="{}" height="{}"/>"#,
            band.shade,
            d1(band.x),
            d1(y),
            d1(band.width),
            d1(height - y - 40.0)
        );
    }
    for band in era_rows {
        if let Some(label) = &band.label {
            let _ = write!(
                svg,
                r#"<text class="tl-era-label" x="{}" y="{}">{}</text>"#,
                d1(band.x + 5.0),
                d1(8.0 + band.row as f64 * ERA_ROW + 15.0),
                escape_html(label)
            );
        }
    }

    // The axis, one line per segment, with its ticks.
    let axis = d1(axis_y);
    for segment in segments {
        let _ = write!(
            svg,
            r#"<line class="tl-axis" x1="{}" y1="{axis}" x2="{}" y2="{axis}"/>"#,
            d1(segment.x),
            d1(segment.x + segment.width)
        );
        for (day, label) in ticks(segment, locale) {
            let x = d1(segment.x_of(day));
            let _ = write!(
                svg,
                r#"<line class="tl-tick" x1="{x}" y1="{axis}" x2="{x}" y2="{}"/><text class="tl-tick-label" x="{x}" y="{}">{}</text>"#,
                d1(axis_y + 5.0),
                d1(axis_y + 18.0),
                escape_html(&label)
            );
        }
    }

    // Scale breaks between segments.
    for pair in segments.windows(2) {
        let middle = pair[0].x + pair[0].width + BREAK / 2.0;
        let gap = pair[1].start - pair[0].end;
        let (x, y) = (d1(middle), d1(axis_y + 6.0));
        let _ = write!(
            svg,
            r#"<g class="tl-break"><path d="M{} {y}l6 -12M{x} {y}l6 -12"/><text x="{x}" y="{}">{}</text></g>"#,
            d1(middle - 6.0),
            d1(axis_y + 34.0),
            escape_html(&gap_label(gap, locale))
        );
    }
}

/// Each era's visible part in each segment, stacked in rows where eras overlap.
fn era_rows(eras: &[Era], segments: &[Segment]) -> Vec<EraBand> {
    let mut bands: Vec<EraBand> = Vec::new();
    let mut row_ends: Vec<f64> = Vec::new();
    let last_day = segments.last().map_or(0, |s| s.end);
    for (n, era) in eras.iter().enumerate() {
        let start = start_day(&era.start);
        let end = era.end.as_ref().map_or(last_day, end_day);
        let pieces: Vec<(f64, f64)> = segments
            .iter()
            .filter(|s| start < s.end && end > s.start)
            .map(|s| {
                let x0 = s.x_of(start.max(s.start));
                (x0, s.x_of(end.min(s.end)) - x0)
            })
            .filter(|(_, w)| *w > 0.5)
            .collect();
        let Some(first_x) = pieces.first().map(|p| p.0) else {
            continue;
        };
        let last_x = pieces.last().map_or(first_x, |p| p.0 + p.1);
        let row = row_ends
            .iter()
            .position(|end| *end <= first_x)
            .unwrap_or(row_ends.len());
        if row == row_ends.len() {
            row_ends.push(last_x);
        } else {
            row_ends[row] = last_x;
        }
        // The label goes in the widest piece, if it fits there.
        let widest = pieces
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.1.total_cmp(&b.1.1).then(b.0.cmp(&a.0)))
            .map_or(0, |(i, _)| i);
        let fits = era.title.chars().count() as f64 * CHAR + 10.0 <= pieces[widest].1;
        for (i, (x, width)) in pieces.into_iter().enumerate() {
            bands.push(EraBand {
                x,
                width,
                row,
                shade: n % 3,
                label: (i == widest && fits).then(|| era.title.clone()),
            });
        }
    }
    bands
}

struct EraBand {
    x: f64,
    width: f64,
    row: usize,
    shade: usize,
    label: Option<String>,
}

/// Clusters the marks' spans (in order of start), finds the breaks and gives
/// each segment its width; `pad` leaves room around each cluster's marks.
fn layout_segments(spans: &[(i64, i64)], pad: bool) -> Vec<Segment> {
    let mut clusters: Vec<(i64, i64)> = Vec::new();
    for &(start, end) in spans {
        match clusters.last_mut() {
            Some(last) if start - last.1 <= 365 => last.1 = last.1.max(end),
            _ => clusters.push((start, end)),
        }
    }
    // Merge neighbours whose gap is short next to the clusters themselves.
    let mut merged = true;
    while merged {
        merged = false;
        for i in 1..clusters.len() {
            let (left, right) = (clusters[i - 1], clusters[i]);
            if !is_break(right.0 - left.1, left.1 - left.0, right.1 - right.0) {
                clusters[i - 1] = (left.0, left.1.max(right.1));
                clusters.remove(i);
                merged = true;
                break;
            }
        }
    }
    let padded: Vec<(i64, i64)> = clusters
        .iter()
        .map(|&(start, end)| match pad {
            true => {
                let pad = ((end - start) / 10).max(7);
                (start - pad, end + pad)
            }
            false => (start, end),
        })
        .collect();
    let usable = WIDTH - 2.0 * MARGIN - BREAK * (padded.len() - 1) as f64;
    let total: i64 = padded.iter().map(|(s, e)| e - s).sum();
    let spare = (usable - MIN_SEGMENT * padded.len() as f64).max(0.0);
    let mut x = MARGIN;
    padded
        .iter()
        .map(|&(start, end)| {
            let share = (end - start) as f64 / total.max(1) as f64;
            let width = MIN_SEGMENT.min(usable / padded.len() as f64) + spare * share;
            let segment = Segment {
                start,
                end,
                x,
                width,
            };
            x += width + BREAK;
            segment
        })
        .collect()
}

/// Greedy lanes: each mark goes in the first lane where it does not touch another.
fn assign_lanes(marks: &[Mark], x_of: &dyn Fn(i64) -> f64) -> Vec<usize> {
    let mut lane_ends: Vec<f64> = Vec::new();
    marks
        .iter()
        .map(|mark| {
            let x0 = x_of(mark.start);
            let x1 = x_of(mark.end).max(x0 + MIN_MARK);
            let lane = lane_ends
                .iter()
                .position(|end| *end + 3.0 <= x0)
                .unwrap_or(lane_ends.len());
            if lane == lane_ends.len() {
                lane_ends.push(x1);
            } else {
                lane_ends[lane] = x1;
            }
            lane
        })
        .collect()
}

/// Tick days and labels for a segment: years, months or days, as many as fit
/// without overlapping, the coarser boundaries first.
fn ticks(segment: &Segment, locale: &Locale) -> Vec<(i64, String)> {
    let span = segment.end - segment.start;
    let (first_year, last_year) = (year_of(segment.start), year_of(segment.end));
    let mut candidates: Vec<(i64, String)> = Vec::new();
    for year in first_year..=last_year + 1 {
        candidates.push((day_number((year, 1, 1)), year.to_string()));
    }
    if span <= 3 * 365 {
        for year in first_year..=last_year {
            for month in 1..=12u8 {
                let label = format!("{} {year}", locale.short_month(year, month));
                candidates.push((day_number((year, month, 1)), label));
            }
        }
    }
    if span <= 62 {
        for day in segment.start..=segment.end {
            let (year, month, d) = civil(day);
            if d % 7 == 1 || span <= 14 {
                let label = format!("{d} {} {year}", locale.short_month(year, month));
                candidates.push((day, label));
            }
        }
    }
    let mut chosen: Vec<(i64, String, f64, f64)> = Vec::new();
    for (day, label) in candidates {
        if day < segment.start || day > segment.end || chosen.iter().any(|c| c.0 == day) {
            continue;
        }
        let x = segment.x_of(day);
        let half = label.chars().count() as f64 * CHAR / 2.0;
        let (left, right) = (x - half, x + half);
        let inside = left >= (segment.x - BREAK / 2.0 + 14.0).max(2.0)
            && right <= (segment.x + segment.width + BREAK / 2.0 - 14.0).min(WIDTH - 2.0);
        let clear = chosen
            .iter()
            .all(|c| right + 8.0 <= c.2 || left >= c.3 + 8.0);
        if inside && clear {
            chosen.push((day, label, left, right));
        }
    }
    chosen.sort_by_key(|c| c.0);
    chosen
        .into_iter()
        .map(|(day, label, _, _)| (day, label))
        .collect()
}

/// Where `day` falls on an axis laid out in `segments` (the first when it
/// comes before them all), clamped to the end of its segment.
fn x_in(segments: &[Segment], day: i64) -> f64 {
    let segment = segments
        .iter()
        .rev()
        .find(|s| day >= s.start)
        .unwrap_or(&segments[0]);
    segment.x_of(day.min(segment.end))
}

fn year_of(day: i64) -> i32 {
    civil(day).0
}

/// The inverse of [`day_number`]: year, month and day.
pub(crate) fn civil(day: i64) -> (i32, u8, u8) {
    let era = day.div_euclid(146_097);
    let doe = day - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m as u8, d as u8)
}

/// "30 years", "18 months", "40 days".
fn gap_label(days: i64, locale: &Locale) -> String {
    let (n, unit) = if days >= 2 * 365 {
        ((days as f64 / 365.25).round() as i64, "chart_years")
    } else if days >= 60 {
        ((days as f64 / 30.44).round() as i64, "chart_months")
    } else {
        (days, "chart_days")
    };
    locale.count(unit, n.max(0) as usize, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        for day in [0, 59, 60, 365, 730_000, 739_800] {
            assert_eq!(day_number(civil(day)), day);
        }
        assert_eq!(day_number((2022, 2, 24)) - day_number((2022, 2, 22)), 2);
        assert_eq!(day_number((2025, 1, 1)) - day_number((2024, 1, 1)), 366);
    }

    #[test]
    fn long_empty_gaps_break_and_short_ones_do_not() {
        assert!(is_break(30 * 365, 31, 3));
        assert!(is_break(3 * 365, 3, 61));
        assert!(!is_break(300, 3, 3), "under a year never breaks");
        assert!(
            !is_break(2 * 365, 400, 400),
            "a gap shorter than its clusters does not break"
        );
    }

    #[test]
    fn gaps_are_worded_in_sensible_units() {
        let (en, _) = Locale::new("en", &Default::default());
        assert_eq!(gap_label(10_950, &en), "30 years");
        assert_eq!(gap_label(400, &en), "13 months");
        assert_eq!(gap_label(1, &en), "1 day");
    }
}
