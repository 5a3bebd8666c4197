//! One TimelineJS sheet, read: its columns, each row converted into an
//! event, an era or the title, and a [`Problem`] with its row number for every
//! cell that cannot be kept. Pure: no file is read or written here.

use std::collections::HashSet;
use std::fmt;

use super::html::plain_text;
use super::media::media;
use super::quotes::{self, stray_quotes};
use super::{ImportError, cell};
use crate::diagnostics::SourceFile;
use crate::model::{DateError, PartialDate, when_label};
use crate::scaffold::{Failure, id_from_title, unique_id};

/// The columns of TimelineJS's spreadsheet template, and Alt Text, which
/// TimelineJS reads when a sheet has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    Year,
    Month,
    Day,
    Time,
    EndYear,
    EndMonth,
    EndDay,
    EndTime,
    DisplayDate,
    Headline,
    Text,
    Media,
    MediaCredit,
    MediaCaption,
    MediaThumbnail,
    Type,
    Group,
    Background,
    AltText,
    /// Not in TimelineJS's template (TimelineJS ignores it): the event's id,
    /// so that a sheet exported by explainer imports with the same ids.
    UniqueId,
}

impl Column {
    /// The template's columns in its order, then Alt Text and Unique ID: the
    /// layout of `data/events.csv`.
    pub const ALL: [Column; 20] = [
        Column::Year,
        Column::Month,
        Column::Day,
        Column::Time,
        Column::EndYear,
        Column::EndMonth,
        Column::EndDay,
        Column::EndTime,
        Column::DisplayDate,
        Column::Headline,
        Column::Text,
        Column::Media,
        Column::MediaCredit,
        Column::MediaCaption,
        Column::MediaThumbnail,
        Column::Type,
        Column::Group,
        Column::Background,
        Column::AltText,
        Column::UniqueId,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Year => "Year",
            Column::Month => "Month",
            Column::Day => "Day",
            Column::Time => "Time",
            Column::EndYear => "End Year",
            Column::EndMonth => "End Month",
            Column::EndDay => "End Day",
            Column::EndTime => "End Time",
            Column::DisplayDate => "Display Date",
            Column::Headline => "Headline",
            Column::Text => "Text",
            Column::Media => "Media",
            Column::MediaCredit => "Media Credit",
            Column::MediaCaption => "Media Caption",
            Column::MediaThumbnail => "Media Thumbnail",
            Column::Type => "Type",
            Column::Group => "Group",
            Column::Background => "Background",
            Column::AltText => "Alt Text",
            Column::UniqueId => "Unique ID",
        }
    }

    fn from_header(name: &str) -> Option<Column> {
        let name = name.trim();
        Column::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

/// Something about one row: it could not be imported (`skipped`), or it was
/// imported with a change the editor should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The spreadsheet's row number: the header is row 1.
    pub row: usize,
    pub column: Option<Column>,
    pub skipped: bool,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    fn skip(row: usize, column: Column, message: impl Into<String>) -> Problem {
        Problem {
            row,
            column: Some(column),
            skipped: true,
            message: message.into(),
            help: None,
        }
    }

    pub(super) fn note(row: usize, column: Column, message: impl Into<String>) -> Problem {
        Problem {
            skipped: false,
            ..Problem::skip(row, column, message)
        }
    }

    pub(super) fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

/// Notes that say the same thing of several rows, printed once with every
/// row (a sheet of 500 pictures gets one note about alt text, not 500);
/// errors stay one per row. In the order of the first row of each.
pub fn grouped<'a>(problems: &'a [Problem], file: &'a str) -> Vec<impl fmt::Display + 'a> {
    let mut groups: Vec<ProblemDisplay<'a>> = Vec::new();
    for problem in problems {
        let same = groups.iter_mut().find(|g| {
            !problem.skipped
                && !g.problem.skipped
                && g.problem.column == problem.column
                && g.problem.message == problem.message
                && g.problem.help == problem.help
        });
        match same {
            Some(group) => group.rows.push(problem.row),
            None => groups.push(ProblemDisplay {
                problem,
                rows: vec![problem.row],
                file,
            }),
        }
    }
    groups
}

struct ProblemDisplay<'a> {
    problem: &'a Problem,
    rows: Vec<usize>,
    file: &'a str,
}

impl fmt::Display for ProblemDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 20;
        let p = self.problem;
        let mut rows: Vec<String> = self.rows.iter().take(SHOWN).map(usize::to_string).collect();
        if self.rows.len() > SHOWN {
            rows.push(format!("and {} more", self.rows.len() - SHOWN));
        }
        let rows = format!(
            "{} {}",
            if self.rows.len() == 1 { "row" } else { "rows" },
            rows.join(", ")
        );
        if p.skipped {
            writeln!(f, "error: {rows} not imported: {}", p.message)?;
        } else {
            writeln!(f, "note: {rows}: {}", p.message)?;
        }
        match p.column {
            Some(column) => writeln!(f, "  --> {}: {rows}, column {}", self.file, column.name())?,
            None => writeln!(f, "  --> {}: {rows}", self.file)?,
        }
        if let Some(help) = &p.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// The `title` row: the site's title and dek, as plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleRow {
    pub row: usize,
    pub title: String,
    pub subtitle: Option<String>,
}

/// An event made from one row, ready to be written as TOML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedEvent {
    pub row: usize,
    pub id: String,
    pub date: PartialDate,
    pub end_date: Option<PartialDate>,
    pub approximate: bool,
    pub title: String,
    /// Markdown (the sheet's HTML is kept as it is: Markdown allows it).
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub media: Option<ImportedMedia>,
    /// Cells that explainer's format has no place for, kept as TOML comments.
    pub unused: Vec<(Column, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedMedia {
    pub src: String,
    pub is_image: bool,
    /// Empty for an image whose sheet gave none: the editor writes it.
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedEra {
    pub row: usize,
    pub title: String,
    pub start: PartialDate,
    pub end: Option<PartialDate>,
}

/// Everything read from one spreadsheet.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub title: Option<TitleRow>,
    pub events: Vec<ImportedEvent>,
    pub eras: Vec<ImportedEra>,
    /// In row order.
    pub problems: Vec<Problem>,
}

/// What conversion needs to know about the story.
#[derive(Debug, Clone, Copy)]
pub struct ConvertOptions<'a> {
    /// Event ids the story already has.
    pub taken_ids: &'a HashSet<String>,
    /// Actor ids and section slugs the story has: links to them become
    /// `actor:` and `section:` links.
    pub actors: &'a HashSet<String>,
    pub sections: &'a HashSet<String>,
    /// Media under this address are the story's own static files.
    pub base_url: Option<&'a str>,
    /// Where the events will be written, for the notes.
    pub events_file: &'a str,
    /// The sheet's path as the editor gave it, for diagnostics.
    pub sheet: &'a str,
}

/// One data row: its cells by column, trimmed, with line breaks as `\n`, and
/// without the `'` that kept a formula-like cell from running (see [`cell`]).
pub(super) struct Row {
    pub(super) number: usize,
    cells: Vec<(Column, String)>,
}

impl Row {
    pub(super) fn get(&self, column: Column) -> &str {
        self.cells
            .iter()
            .find(|(c, _)| *c == column)
            .map_or("", |(_, v)| v.as_str())
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(|(_, v)| v.is_empty())
    }
}

/// Converts a TimelineJS sheet. Fails only when the file as a whole cannot
/// be read as one (then with every stray quote that keeps its cells apart);
/// each bad row becomes a [`Problem`].
pub fn convert(text: &str, options: &ConvertOptions) -> Result<Sheet, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // One line break everywhere: rows are counted by line breaks, and cells keep `\n`.
    let text = &text.replace("\r\n", "\n");
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .find(|d| header_line.contains(char::from(*d)))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let stray = stray_quotes(text, delimiter);
    if !stray.is_empty() {
        let names = reader.headers().cloned().unwrap_or_default();
        let file = SourceFile::new(options.sheet, text.as_str());
        return Err(ImportError::Unreadable(
            stray
                .iter()
                .map(|quote| quotes::diagnostic(&file, quote, &names, delimiter))
                .collect(),
        ));
    }
    let headers = reader
        .headers()
        .map_err(|e| Failure::new(format!("cannot read the CSV: {e}")))?
        .clone();
    let columns: Vec<Option<Column>> = headers.iter().map(Column::from_header).collect();
    let mut sheet = Sheet::default();
    if !columns.contains(&Some(Column::Year)) || !columns.contains(&Some(Column::Headline)) {
        let names: Vec<&str> = Column::ALL[..18].iter().map(|c| c.name()).collect();
        return Err(ImportError::from(Failure::new(
            "the first row does not hold the TimelineJS template's column names (it needs at least Year and Headline)",
        )
        .help(format!(
            "export the sheet made from TimelineJS's template as CSV; its first row is: {}",
            names.join(", ")
        ))));
    }
    for (name, column) in headers.iter().zip(&columns) {
        if column.is_none() && !name.trim().is_empty() {
            sheet.problems.push(Problem {
                row: 1,
                column: None,
                skipped: false,
                message: format!(
                    "column `{}` is not one of TimelineJS's: its cells are left out",
                    name.trim()
                ),
                help: None,
            });
        }
    }

    let mut taken = options.taken_ids.clone();
    let sheet_ids = unique_ids(text, delimiter);
    let mut blank_lines = 0;
    let mut record = csv::StringRecord::new();
    let mut index = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(Failure::new(format!("cannot read the CSV: {e}")).into()),
        }
        // The CSV reader skips empty lines; a spreadsheet counts them as rows.
        if let Some(position) = record.position() {
            let start = usize::try_from(position.byte())
                .unwrap_or(0)
                .min(text.len());
            blank_lines += text[start..]
                .bytes()
                .take_while(|b| *b == b'\n' || *b == b'\r')
                .filter(|b| *b == b'\n')
                .count();
        }
        let row = Row {
            number: index + 2 + blank_lines,
            cells: columns
                .iter()
                .zip(record.iter())
                .filter_map(|(column, value)| {
                    column.map(|c| (c, cell::unprotect(value.trim()).to_string()))
                })
                .collect(),
        };
        index += 1;
        if row.is_blank() {
            continue;
        }
        convert_row(&row, options, &sheet_ids, &mut taken, &mut sheet);
    }
    sheet.problems.sort_by_key(|p| (p.row, !p.skipped));
    Ok(sheet)
}

/// The Unique ID cells of a sheet: the ids its events will have, which the
/// links between them name.
fn unique_ids(text: &str, delimiter: u8) -> HashSet<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let Some(at) = reader.headers().ok().and_then(|headers| {
        headers
            .iter()
            .position(|h| Column::from_header(h) == Some(Column::UniqueId))
    }) else {
        return HashSet::new();
    };
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|record| record.get(at).map(|id| id.trim().to_string()))
        .filter(|id| !id.is_empty())
        .collect()
}

fn convert_row(
    row: &Row,
    options: &ConvertOptions,
    sheet_ids: &HashSet<String>,
    taken: &mut HashSet<String>,
    sheet: &mut Sheet,
) {
    let kind = row.get(Column::Type).to_lowercase();
    match kind.as_str() {
        "title" if sheet.title.is_none() => {
            let title = plain_text(row.get(Column::Headline));
            let subtitle = Some(plain_text(row.get(Column::Text))).filter(|s| !s.is_empty());
            if title.is_empty() {
                sheet.problems.push(
                    Problem::skip(
                        row.number,
                        Column::Headline,
                        "the title row has no Headline",
                    )
                    .help("write the story's title in its Headline cell"),
                );
            } else {
                sheet.title = Some(TitleRow {
                    row: row.number,
                    title,
                    subtitle,
                });
            }
            return;
        }
        "era" => {
            match era(row) {
                Ok(era) => sheet.eras.push(era),
                Err(problem) => sheet.problems.push(problem),
            }
            return;
        }
        "title" => sheet.problems.push(Problem::note(
            row.number,
            Column::Type,
            "a second `title` row is imported as an event, as TimelineJS does",
        )),
        "" | "event" => {}
        other => sheet.problems.push(Problem::note(
            row.number,
            Column::Type,
            format!("Type `{other}` is neither `title` nor `era`: imported as an event"),
        )),
    }
    match event(row, options, sheet_ids, taken, &mut sheet.problems) {
        Ok(event) => {
            taken.insert(event.id.clone());
            sheet.events.push(event);
        }
        Err(problem) => sheet.problems.push(problem),
    }
}

fn era(row: &Row) -> Result<ImportedEra, Problem> {
    let title = plain_text(row.get(Column::Headline));
    if title.is_empty() {
        return Err(
            Problem::skip(row.number, Column::Headline, "the era has no Headline")
                .help("write the era's name in its Headline cell"),
        );
    }
    let start = read_date(row, [Column::Year, Column::Month, Column::Day])?.ok_or_else(|| {
        Problem::skip(row.number, Column::Year, "the era has no Year")
            .help("write the year the era starts in its Year cell")
    })?;
    let end = read_date(row, [Column::EndYear, Column::EndMonth, Column::EndDay])?;
    if let Some(end) = end
        && end.entirely_before(&start)
    {
        return Err(Problem::skip(
            row.number,
            Column::EndYear,
            format!("the era ends ({end}) before it starts ({start})"),
        )
        .help("swap the start and end dates, or correct one of them"));
    }
    Ok(ImportedEra {
        row: row.number,
        title,
        start,
        end,
    })
}

/// The most words of an id made from a title: ids end up in every address.
const MAX_ID_WORDS: usize = 6;

fn event(
    row: &Row,
    options: &ConvertOptions,
    sheet_ids: &HashSet<String>,
    taken: &HashSet<String>,
    problems: &mut Vec<Problem>,
) -> Result<ImportedEvent, Problem> {
    let n = row.number;
    let headline = row.get(Column::Headline);
    let title = plain_text(headline);
    if title.is_empty() {
        return Err(
            Problem::skip(n, Column::Headline, "the row has no Headline").help(
                "write the event's title in its Headline cell: explainer needs one for every event",
            ),
        );
    }
    let date = read_date(row, [Column::Year, Column::Month, Column::Day])?.ok_or_else(|| {
        Problem::skip(n, Column::Year, "the row has no Year")
            .help("write at least the year in the Year cell (and the month and day when known)")
    })?;
    let end_date = read_date(row, [Column::EndYear, Column::EndMonth, Column::EndDay])?;
    if let Some(end) = end_date
        && end.entirely_before(&date)
    {
        return Err(Problem::skip(
            n,
            Column::EndYear,
            format!("the end ({end}) is before the start ({date})"),
        )
        .help("swap the start and end dates, or correct one of them"));
    }
    // TimelineJS repeats the start as the end for one-day events: not a range.
    let end_date = end_date.filter(|end| *end != date);

    let mut unused = Vec::new();
    if headline.contains('<') {
        unused.push((Column::Headline, headline.to_string()));
    }
    for column in [Column::Time, Column::EndTime] {
        if !row.get(column).is_empty() {
            unused.push((column, row.get(column).to_string()));
        }
    }
    let display = row.get(Column::DisplayDate);
    let approximate = is_approximate(display);
    if !display.is_empty() && !approximate && display != when_label(&date, end_date.as_ref(), false)
    {
        unused.push((Column::DisplayDate, display.to_string()));
    }

    let mut summary = Some(row.get(Column::Text).to_string()).filter(|t| !t.is_empty());
    let media = media(row, options, &mut summary, &mut unused, problems);
    let known = |kind: &str, id: &str| match kind {
        "actor" => options.actors.contains(id),
        "section" => options.sections.contains(id),
        _ => sheet_ids.contains(id) || options.taken_ids.contains(id),
    };
    let summary = summary
        .map(|html| super::html::markdown(&html, options.base_url, &known))
        .filter(|markdown| !markdown.is_empty());
    for column in [Column::MediaThumbnail, Column::Background] {
        if !row.get(column).is_empty() {
            unused.push((column, row.get(column).to_string()));
        }
    }
    let tags = Some(row.get(Column::Group).to_string())
        .filter(|g| !g.is_empty())
        .into_iter()
        .collect();
    // The sheet's own id when explainer wrote it and it is free; otherwise
    // one from the title, of at most six words.
    let given = row.get(Column::UniqueId);
    let id = if crate::resolve::is_valid_id(given) && given.len() <= 80 && !taken.contains(given) {
        given.to_string()
    } else {
        let base = id_from_title(&title);
        let words: Vec<&str> = base.split('-').take(MAX_ID_WORDS).collect();
        let base = words.join("-");
        unique_id(if base.is_empty() { "event" } else { &base }, taken)
    };
    Ok(ImportedEvent {
        row: n,
        id,
        date,
        end_date,
        approximate,
        title,
        summary,
        tags,
        media,
        unused,
    })
}

/// A partial date from Year, Month and Day cells (or their End twins).
fn read_date(row: &Row, [year, month, day]: [Column; 3]) -> Result<Option<PartialDate>, Problem> {
    // TimelineJS drops spaces and thousands separators: "2,025" is 2025.
    let clean = |column: Column| -> String {
        row.get(column)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ',')
            .collect()
    };
    let (y, m, d) = (clean(year), clean(month), clean(day));
    let n = row.number;
    if y.is_empty() {
        let given = [(month, &m), (day, &d)]
            .into_iter()
            .find(|(_, v)| !v.is_empty());
        return match given {
            Some((column, _)) => Err(Problem::skip(
                n,
                year,
                format!("{} is given but {} is empty", column.name(), year.name()),
            )
            .help(format!("write the year in {}", year.name()))),
            None => Ok(None),
        };
    }
    let number = |text: &str| -> Option<u32> {
        (text.bytes().all(|b| b.is_ascii_digit()) && text.len() <= 4)
            .then(|| text.parse().ok())
            .flatten()
    };
    let Some(year_number) = number(&y) else {
        return Err(
            Problem::skip(n, year, format!("`{y}` is not a year explainer can write"))
                .help("explainer's dates have years from 0 to 9999, written as digits: 1991, 2025"),
        );
    };
    let mut iso = format!("{year_number:04}");
    if !m.is_empty() {
        match number(&m) {
            Some(month_number @ 1..=12) => iso.push_str(&format!("-{month_number:02}")),
            _ => {
                return Err(Problem::skip(
                    n,
                    month,
                    format!("{} `{m}` is not a month number", month.name()),
                )
                .help("write the month as a number from 1 to 12, like 6 for June"));
            }
        }
    }
    if !d.is_empty() {
        if m.is_empty() {
            return Err(Problem::skip(
                n,
                day,
                format!("{} is given but {} is empty", day.name(), month.name()),
            )
            .help(format!(
                "write the month in {}, or leave {} empty",
                month.name(),
                day.name()
            )));
        }
        match number(&d) {
            Some(day_number @ 1..=31) => iso.push_str(&format!("-{day_number:02}")),
            _ => {
                return Err(Problem::skip(
                    n,
                    day,
                    format!("{} `{d}` is not a day number", day.name()),
                )
                .help("write the day of the month as a number, like 27"));
            }
        }
    }
    match PartialDate::parse(&iso) {
        Ok(date) => Ok(Some(date)),
        Err(DateError::Day { days }) => Err(Problem::skip(
            n,
            day,
            format!("there is no day {d} in that month: it has {days} days"),
        )
        .help("correct the day, or leave it empty if it is not known")),
        Err(_) => Err(Problem::skip(n, year, format!("`{iso}` is not a date"))
            .help("write the year, month and day as numbers")),
    }
}

/// Display dates that say the date is not exact: "around 1991", "c. 1900".
fn is_approximate(display: &str) -> bool {
    let lower = display.trim().to_lowercase();
    [
        "around ",
        "about ",
        "circa ",
        "c. ",
        "ca. ",
        "approximately ",
        "approx. ",
        "~",
    ]
    .iter()
    .any(|prefix| lower.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &str) -> Sheet {
        let header = Column::ALL[..18]
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(",");
        let taken = HashSet::new();
        let options = ConvertOptions {
            taken_ids: &taken,
            actors: &taken,
            sections: &taken,
            base_url: Some("https://example.org/story/"),
            events_file: "content/events/x.toml",
            sheet: "x.csv",
        };
        convert(&format!("{header}\n{rows}"), &options).expect("a sheet")
    }

    #[test]
    fn dates_keep_their_precision() {
        let s = sheet(
            "1991,,,,,,,,,A,,,,,,,,\n2025,6,,,,,,,,B,,,,,,,,\n2025,6,27,,2025,7,,,,C,,,,,,,,\n",
        );
        let dates: Vec<(String, Option<String>)> = s
            .events
            .iter()
            .map(|e| (e.date.iso(), e.end_date.map(|d| d.iso())))
            .collect();
        assert_eq!(
            dates,
            [
                ("1991".into(), None),
                ("2025-06".into(), None),
                ("2025-06-27".into(), Some("2025-07".into()))
            ]
        );
        assert!(s.problems.is_empty(), "{:?}", s.problems);
    }

    #[test]
    fn bad_dates_name_their_row_and_column() {
        let s =
            sheet("2025,June,,,,,,,,A,,,,,,,,\n\n2025,2,30,,,,,,,B,,,,,,,,\n,,5,,,,,,,C,,,,,,,,\n");
        let found: Vec<(usize, Option<Column>, bool)> = s
            .problems
            .iter()
            .map(|p| (p.row, p.column, p.skipped))
            .collect();
        assert_eq!(
            found,
            [
                (2, Some(Column::Month), true),
                (4, Some(Column::Day), true),
                (5, Some(Column::Year), true)
            ]
        );
        assert!(s.events.is_empty());
    }

    #[test]
    fn approximate_display_dates_set_approximate() {
        let s = sheet("1991,,,,,,,,around 1991,A,,,,,,,,\n1992,,,,,,,,Spring of 1992,B,,,,,,,,\n");
        assert!(s.events[0].approximate);
        assert!(s.events[0].unused.is_empty());
        assert!(!s.events[1].approximate);
        assert_eq!(
            s.events[1].unused,
            [(Column::DisplayDate, "Spring of 1992".to_string())]
        );
    }
}
