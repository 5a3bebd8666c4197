//! TimelineJS spreadsheets: `explainer import timelinejs FILE.csv`, and the
//! column layout that `export` writes back.
//!
//! Steps: read the CSV (UTF-8; comma, semicolon or tab separated), map its
//! header onto the template's columns, convert each row into an event, an era
//! or the title, and note every cell that cannot be kept with its spreadsheet
//! row number (the header is row 1). Then write the events as TOML under
//! `content/events/`, the eras into `content/eras.toml`, the title into
//! `content/site.toml` when the story has none, and check the result.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::diagnostics::Diagnostics;
use crate::load::{self, RawStory};
use crate::model::{DateError, PartialDate, when_label};
use crate::scaffold::{
    self, Failure, PLACEHOLDER_SUBTITLE, PLACEHOLDER_TITLE, id_from_title, toml_string, toml_text,
    unique_id,
};

/// Options of `explainer import`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Reads the columns of TimelineJS's Google Sheets template (File > Download >
Comma-separated values): Year, Month, Day, Time, End Year, End Month, End Day,
End Time, Display Date, Headline, Text, Media, Media Credit, Media Caption,
Media Thumbnail, Type, Group, Background, and Alt Text when the sheet has it.
Each row becomes an [[event]]; a `title` row sets the site's title and dek if
the story has none; `era` rows are added to content/eras.toml. Rows that cannot
be converted are reported with their row number (the header is row 1).")]
pub struct ImportArgs {
    /// The format to import
    #[arg(value_enum)]
    pub format: ImportFormat,
    /// The spreadsheet, saved as CSV
    pub file: PathBuf,
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The events file to write [default: content/events/<name of the CSV>.toml]
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace the events file if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// A TimelineJS Google Sheets template saved as CSV
    Timelinejs,
}

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
}

impl Column {
    /// The template's columns in its order, then Alt Text: the layout of `data/events.csv`.
    pub const ALL: [Column; 19] = [
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

    fn note(row: usize, column: Column, message: impl Into<String>) -> Problem {
        Problem {
            skipped: false,
            ..Problem::skip(row, column, message)
        }
    }

    fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    /// The problem as printed, naming the spreadsheet file.
    pub fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        ProblemDisplay {
            problem: self,
            file,
        }
    }
}

struct ProblemDisplay<'a> {
    problem: &'a Problem,
    file: &'a str,
}

impl fmt::Display for ProblemDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.problem;
        if p.skipped {
            writeln!(f, "error: row {} not imported: {}", p.row, p.message)?;
        } else {
            writeln!(f, "note: row {}: {}", p.row, p.message)?;
        }
        match p.column {
            Some(column) => writeln!(
                f,
                "  --> {}: row {}, column {}",
                self.file,
                p.row,
                column.name()
            )?,
            None => writeln!(f, "  --> {}: row {}", self.file, p.row)?,
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
    /// Media under this address are the story's own static files.
    pub base_url: Option<&'a str>,
    /// Where the events will be written, for the notes.
    pub events_file: &'a str,
}

/// One data row: its cells by column, trimmed, with line breaks as `\n`.
struct Row {
    number: usize,
    cells: Vec<(Column, String)>,
}

impl Row {
    fn get(&self, column: Column) -> &str {
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
/// be read as one; each bad row becomes a [`Problem`].
pub fn convert(text: &str, options: &ConvertOptions) -> Result<Sheet, Failure> {
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
    let headers = reader
        .headers()
        .map_err(|e| Failure::new(format!("cannot read the CSV: {e}")))?
        .clone();
    let columns: Vec<Option<Column>> = headers.iter().map(Column::from_header).collect();
    let mut sheet = Sheet::default();
    if !columns.contains(&Some(Column::Year)) || !columns.contains(&Some(Column::Headline)) {
        let names: Vec<&str> = Column::ALL[..18].iter().map(|c| c.name()).collect();
        return Err(Failure::new(
            "the first row does not hold the TimelineJS template's column names (it needs at least Year and Headline)",
        )
        .help(format!(
            "export the sheet made from TimelineJS's template as CSV; its first row is: {}",
            names.join(", ")
        )));
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
    let mut blank_lines = 0;
    let mut record = csv::StringRecord::new();
    let mut index = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(Failure::new(format!("cannot read the CSV: {e}"))),
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
                .filter_map(|(column, value)| column.map(|c| (c, value.trim().to_string())))
                .collect(),
        };
        index += 1;
        if row.is_blank() {
            continue;
        }
        convert_row(&row, options, &mut taken, &mut sheet);
    }
    sheet.problems.sort_by_key(|p| (p.row, !p.skipped));
    Ok(sheet)
}

fn convert_row(
    row: &Row,
    options: &ConvertOptions,
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
    match event(row, options, taken, &mut sheet.problems) {
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

fn event(
    row: &Row,
    options: &ConvertOptions,
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
    for column in [Column::MediaThumbnail, Column::Background] {
        if !row.get(column).is_empty() {
            unused.push((column, row.get(column).to_string()));
        }
    }
    let tags = Some(row.get(Column::Group).to_string())
        .filter(|g| !g.is_empty())
        .into_iter()
        .collect();
    let base = id_from_title(&title);
    let id = unique_id(if base.is_empty() { "event" } else { &base }, taken);
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

/// What a Media cell holds.
enum MediaCell {
    Empty,
    Url(String),
    /// An `<iframe>` embed code: its address.
    Embed(String),
    /// Other HTML, like TimelineJS's blockquote media.
    Html(String),
    Path(String),
    Text(String),
}

fn classify_media(cell: &str) -> MediaCell {
    let cell = cell.trim();
    if cell.is_empty() {
        return MediaCell::Empty;
    }
    if cell.starts_with('<') {
        if cell.to_ascii_lowercase().starts_with("<iframe")
            && let Some(src) = attribute(cell, "src")
        {
            let src = src
                .strip_prefix("//")
                .map_or(src.clone(), |rest| format!("https://{rest}"));
            return MediaCell::Embed(src);
        }
        return MediaCell::Html(cell.to_string());
    }
    if let Some(rest) = cell.strip_prefix("//") {
        return MediaCell::Url(format!("https://{rest}"));
    }
    if cell.starts_with("https://") || cell.starts_with("http://") {
        return MediaCell::Url(cell.to_string());
    }
    let path_like =
        !cell.contains(char::is_whitespace) && !cell.contains(':') && cell.contains('.');
    if path_like {
        MediaCell::Path(cell.trim_start_matches('/').to_string())
    } else {
        MediaCell::Text(cell.to_string())
    }
}

/// The value of `name="..."` (or `'...'`) in an HTML tag.
fn attribute(html: &str, name: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let rest = &html[at..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = rest[1..].split(quote).next()?;
    Some(decode_entities(value))
}

fn media(
    row: &Row,
    options: &ConvertOptions,
    summary: &mut Option<String>,
    unused: &mut Vec<(Column, String)>,
    problems: &mut Vec<Problem>,
) -> Option<ImportedMedia> {
    let n = row.number;
    let caption = Some(row.get(Column::MediaCaption).to_string()).filter(|c| !c.is_empty());
    let credit_cell = row.get(Column::MediaCredit);
    let alt = Some(plain_text(row.get(Column::AltText))).filter(|a| !a.is_empty());
    let src = match classify_media(row.get(Column::Media)) {
        MediaCell::Empty => {
            for column in [Column::MediaCaption, Column::MediaCredit, Column::AltText] {
                if !row.get(column).is_empty() {
                    unused.push((column, row.get(column).to_string()));
                }
            }
            return None;
        }
        MediaCell::Html(html) | MediaCell::Text(html) => {
            // A quote keeps its caption and its attribution beside it.
            let mut added = html;
            if let Some(caption) = &caption {
                added.push_str(&format!("\n<p>{caption}</p>"));
            }
            if !credit_cell.is_empty() {
                added.push_str(&format!("\n<p>— {credit_cell}</p>"));
            }
            let text = summary.take().unwrap_or_default();
            *summary = Some(if text.is_empty() {
                added
            } else {
                format!("{text}\n\n{added}")
            });
            problems.push(Problem::note(
                n,
                Column::Media,
                "the Media cell holds text, not an address: it is added to the end of the summary, with its caption and credit",
            ));
            return None;
        }
        MediaCell::Embed(src) => {
            problems.push(Problem::note(
                n,
                Column::Media,
                "the Media cell holds an embed code: imported as a link to its address",
            ));
            src
        }
        MediaCell::Path(path) => {
            problems.push(
                Problem::note(
                    n,
                    Column::Media,
                    format!("`{path}` is not a web address: kept as a file under static/"),
                )
                .help(format!(
                    "put the file at static/{path}, or write its full https:// address in the sheet"
                )),
            );
            path
        }
        MediaCell::Url(url) => match options.base_url.and_then(|base| own_file(&url, base)) {
            Some(path) => path,
            None => url,
        },
    };
    let is_image = is_image_path(&src);
    let alt = match (is_image, alt) {
        (true, None) => {
            problems.push(
                Problem::note(n, Column::Media, "the image has no alt text yet").help(format!(
                    "describe what it shows at `alt = \"\"` under this row's event in {}; `explainer check` reports it until then",
                    options.events_file
                )),
            );
            Some(String::new())
        }
        (_, alt) => alt,
    };
    let credit = Some(plain_text(credit_cell)).filter(|c| !c.is_empty());
    if credit_cell.contains('<') {
        unused.push((Column::MediaCredit, credit_cell.to_string()));
    }
    Some(ImportedMedia {
        src,
        is_image,
        alt,
        caption,
        credit,
    })
}

/// A URL under the story's own address that names a file: its path under static/.
fn own_file(url: &str, base_url: &str) -> Option<String> {
    let rest = url.strip_prefix(base_url)?;
    let name = rest.rsplit('/').next()?;
    let is_file = !rest.is_empty()
        && !rest.contains(['?', '#'])
        && name.contains('.')
        && !rest.split('/').any(|p| p == "..");
    is_file.then(|| rest.to_string())
}

pub fn is_image_path(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or("");
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

/// HTML to plain text: tags dropped, common entities decoded, spaces collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        text.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>') {
            Some(end) if is_tag => {
                text.push(' ');
                rest = &after[end + 1..];
            }
            _ => {
                text.push('<');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    decode_entities(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let entity = after
            .find(';')
            .filter(|end| *end <= 10)
            .map(|end| &after[..end]);
        let decoded = entity.and_then(|name| match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => {
                let number = name.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (decoded, entity) {
            (Some(c), Some(name)) => {
                out.push(c);
                rest = &after[name.len() + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The events as a TOML file of `[[event]]` tables, each naming its row.
pub fn events_toml(source_name: &str, events: &[ImportedEvent]) -> String {
    let mut out = format!(
        "# Imported from {source_name} by `explainer import timelinejs`: each event names\n\
         # its spreadsheet row. Add each event's `sources` and `actors`; `explainer check`\n\
         # lists what is missing.\n"
    );
    for event in events {
        out.push_str(&format!("\n# Row {}\n[[event]]\n", event.row));
        out.push_str(&format!("id = {}\n", toml_string(&event.id)));
        out.push_str(&format!("date = {}\n", toml_string(&event.date.iso())));
        if let Some(end) = &event.end_date {
            out.push_str(&format!("end_date = {}\n", toml_string(&end.iso())));
        }
        if event.approximate {
            out.push_str("approximate = true\n");
        }
        out.push_str(&format!("title = {}\n", toml_string(&event.title)));
        if let Some(summary) = &event.summary {
            // A block ending in a line break: HTML blocks keep it, as Markdown paragraphs do.
            out.push_str(&format!(
                "summary = {}\n",
                toml_text(&format!("{summary}\n"))
            ));
        }
        if !event.tags.is_empty() {
            let tags: Vec<String> = event.tags.iter().map(|t| toml_string(t)).collect();
            out.push_str(&format!("tags = [{}]\n", tags.join(", ")));
        }
        for (column, value) in &event.unused {
            out.push_str(&format!(
                "# Not used (explainer has no place for it): {} = {}\n",
                column.name(),
                toml_string(value)
            ));
        }
        if let Some(media) = &event.media {
            out.push_str(&format!(
                "\n[event.media]\nsrc = {}\n",
                toml_string(&media.src)
            ));
            match media.alt.as_deref() {
                Some("") => out.push_str(
                    "alt = \"\"  # Describe what the picture shows, for readers who cannot see it.\n",
                ),
                Some(alt) => out.push_str(&format!("alt = {}\n", toml_string(alt))),
                None => {}
            }
            if let Some(caption) = &media.caption {
                out.push_str(&format!("caption = {}\n", toml_text(caption)));
            }
            if let Some(credit) = &media.credit {
                out.push_str(&format!("credit = {}\n", toml_string(credit)));
            }
        }
    }
    out
}

fn era_toml(source_name: &str, era: &ImportedEra) -> String {
    let mut out = format!(
        "\n# Imported from {source_name}, row {}\n[[era]]\ntitle = {}\nstart = {}\n",
        era.row,
        toml_string(&era.title),
        toml_string(&era.start.iso())
    );
    if let Some(end) = &era.end {
        out.push_str(&format!("end = {}\n", toml_string(&end.iso())));
    }
    out
}

/// What an import wrote.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The spreadsheet's file name, for messages.
    pub source: String,
    /// The events file written, relative to the story root.
    pub events_file: Option<String>,
    pub events: usize,
    pub eras_added: usize,
    pub eras_already_there: usize,
    /// What happened to the `title` row, for the summary.
    pub title: Vec<String>,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn skipped_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = self
            .problems
            .iter()
            .filter(|p| p.skipped)
            .map(|p| p.row)
            .collect();
        rows.dedup();
        rows
    }
}

pub fn import(args: ImportArgs) -> ExitCode {
    let report = match import_file(&args.root, &args.file, args.output.as_deref(), args.force) {
        Ok(report) => report,
        Err(failure) => {
            eprint!("{failure}");
            return ExitCode::FAILURE;
        }
    };
    for problem in &report.problems {
        eprint!("{}", problem.display(&report.source));
    }
    match &report.events_file {
        Some(file) => println!("Imported {} into {file}.", count(report.events, "event")),
        None => println!("Imported no event."),
    }
    if report.eras_added + report.eras_already_there > 0 {
        let mut line = format!(
            "Added {} to content/eras.toml",
            count(report.eras_added, "era")
        );
        if report.eras_already_there > 0 {
            line.push_str(&format!(
                " ({} already there)",
                count(report.eras_already_there, "era")
            ));
        }
        println!("{line}.");
    }
    for line in &report.title {
        println!("{line}");
    }
    let skipped = report.skipped_rows();
    if !skipped.is_empty() {
        let rows: Vec<String> = skipped.iter().map(usize::to_string).collect();
        eprintln!(
            "Not imported: {} ({}). Correct them in the spreadsheet and import it again with --force, or add them by hand.",
            count(skipped.len(), "row"),
            rows.join(", ")
        );
    }
    let diagnostics = crate::check(&crate::BuildOptions::new(&args.root));
    if diagnostics.is_empty() {
        println!("`explainer check` finds no problem.");
    } else {
        println!(
            "`explainer check` now finds {}: run it to see where.",
            crate::diagnostics::summary(&diagnostics)
        );
    }
    if skipped.is_empty() && report.events_file.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn count(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Imports the sheet at `file` into the story at `root`.
pub fn import_file(
    root: &Path,
    file: &Path,
    output: Option<&Path>,
    force: bool,
) -> Result<Report, Failure> {
    if !root.join("content").is_dir() {
        return Err(Failure::new(format!(
            "no content/ folder in {}: this is not a story folder",
            root.display()
        ))
        .help("start a story with `explainer init DIR`, then import into it with --root DIR"));
    }
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = read_sheet(file)?;
    let events_file = match output {
        Some(path) => scaffold::events_path(path)?,
        None => {
            let stem = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let id = id_from_title(&stem);
            format!(
                "content/events/{}.toml",
                if id.is_empty() { "imported" } else { &id }
            )
        }
    };
    let target = root.join(&events_file);
    if target.exists() && !force {
        return Err(Failure::new(format!("{events_file} already exists")).help(
            "import again with --force to replace it, or choose another file with --output",
        ));
    }
    let story = load::load(root, &mut Diagnostics::default());
    // The events of the file being replaced give up their ids.
    let taken: HashSet<String> = story
        .events
        .iter()
        .filter(|(f, _)| story.file(*f).path != events_file)
        .map(|(_, e)| e.id.get_ref().clone())
        .chain(story.broken.events.iter().cloned())
        .collect();
    let base_url = story.site.as_ref().map(|(_, s)| {
        let url = s.base_url.get_ref();
        if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        }
    });
    let options = ConvertOptions {
        taken_ids: &taken,
        base_url: base_url.as_deref(),
        events_file: &events_file,
    };
    let sheet = convert(&text, &options)?;
    let mut report = Report {
        source: source.clone(),
        events: sheet.events.len(),
        problems: sheet.problems.clone(),
        ..Report::default()
    };
    if !sheet.events.is_empty() {
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Failure::new(format!("cannot create {}: {e}", parent.display())))?;
        }
        fs::write(&target, events_toml(&source, &sheet.events))
            .map_err(|e| Failure::new(format!("cannot write {events_file}: {e}")))?;
        report.events_file = Some(events_file);
    }
    add_eras(root, &story, &source, &sheet.eras, &mut report)?;
    if let Some(title) = &sheet.title {
        report.title = apply_title(root, &story, title)?;
    }
    Ok(report)
}

fn read_sheet(file: &Path) -> Result<String, Failure> {
    let bytes =
        fs::read(file).map_err(|e| Failure::new(format!("cannot read {}: {e}", file.display())))?;
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(Failure::new(format!(
            "{} is a workbook (Excel or OpenDocument), not a CSV file",
            file.display()
        ))
        .help(
            "save the sheet as CSV: in Google Sheets, File > Download > Comma-separated values",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        Failure::new(format!(
            "{} is not UTF-8 text (at byte {})",
            file.display(),
            e.utf8_error().valid_up_to()
        ))
        .help("save it as CSV in UTF-8: Google Sheets always does; in Excel choose \"CSV UTF-8\"")
    })
}

/// Appends the eras the story does not have yet to content/eras.toml.
fn add_eras(
    root: &Path,
    story: &RawStory,
    source: &str,
    eras: &[ImportedEra],
    report: &mut Report,
) -> Result<(), Failure> {
    let existing: HashSet<(String, String, Option<String>)> = story
        .eras
        .iter()
        .map(|(_, e)| {
            (
                e.title.clone(),
                e.start.get_ref().clone(),
                e.end.as_ref().map(|end| end.get_ref().clone()),
            )
        })
        .collect();
    let mut text = String::new();
    for era in eras {
        let key = (era.title.clone(), era.start.iso(), era.end.map(|e| e.iso()));
        if existing.contains(&key) {
            report.eras_already_there += 1;
        } else {
            text.push_str(&era_toml(source, era));
            report.eras_added += 1;
        }
    }
    if text.is_empty() {
        return Ok(());
    }
    let path = root.join("content/eras.toml");
    let mut current = match fs::read_to_string(&path) {
        Ok(current) => current,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "# Named periods drawn behind the timeline.\n".to_string()
        }
        Err(e) => return Err(Failure::new(format!("cannot read content/eras.toml: {e}"))),
    };
    if !current.is_empty() && !current.ends_with('\n') {
        current.push('\n');
    }
    current.push_str(&text);
    fs::write(&path, current)
        .map_err(|e| Failure::new(format!("cannot write content/eras.toml: {e}")))
}

/// Sets the site's title and dek from the `title` row, each only where the
/// story has none (or still has `init`'s placeholder). Returns what it did.
fn apply_title(root: &Path, story: &RawStory, row: &TitleRow) -> Result<Vec<String>, Failure> {
    let path = root.join("content/site.toml");
    let from = format!("row {}", row.row);
    if !path.exists() {
        let mut text = format!("title = {}\n", toml_string(&row.title));
        if let Some(subtitle) = &row.subtitle {
            text.push_str(&format!("subtitle = {}\n", toml_string(subtitle)));
        }
        text.push_str("# Where the site will be published: replace with the real address.\nbase_url = \"https://example.org/\"\n");
        scaffold::write_new_file(&path, &text)?;
        return Ok(vec![format!(
            "Wrote content/site.toml with the title from {from}; set its base_url."
        )]);
    }
    let Some((file, site)) = &story.site else {
        return Ok(vec![format!(
            "content/site.toml has errors, so the title from {from} was not used: run `explainer check`."
        )]);
    };
    let text = &story.file(*file).text;
    let mut said = Vec::new();
    // Edits as (byte range, replacement), applied from the end.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let current = site.title.get_ref().trim();
    if current.is_empty() || current == PLACEHOLDER_TITLE {
        edits.push((site.title.span(), toml_string(&row.title)));
        said.push(format!("Set the site's title from {from}: {}", row.title));
    } else if current != row.title {
        said.push(format!(
            "Kept the site's title ({current}); the title in {from} ({}) was not used.",
            row.title
        ));
    }
    if let Some(subtitle) = &row.subtitle {
        match site.subtitle.as_deref().map(str::trim) {
            None => {
                let title_line_end = text[site.title.span().end..]
                    .find('\n')
                    .map_or(text.len(), |i| site.title.span().end + i + 1);
                let line = format!("subtitle = {}\n", toml_string(subtitle));
                let line = if text[..title_line_end].ends_with('\n') {
                    line
                } else {
                    format!("\n{line}")
                };
                edits.push((title_line_end..title_line_end, line));
                said.push(format!("Set the site's dek from {from}."));
            }
            Some(current) if current.is_empty() || current == PLACEHOLDER_SUBTITLE => {
                let placeholder = toml_string(current);
                if let Some(at) = text.find(&placeholder) {
                    edits.push((at..at + placeholder.len(), toml_string(subtitle)));
                    said.push(format!("Set the site's dek from {from}."));
                }
            }
            Some(_) => said.push(format!(
                "Kept the site's dek; the one in {from} was not used."
            )),
        }
    }
    if edits.is_empty() {
        return Ok(said);
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut updated = text.clone();
    for (range, replacement) in edits {
        updated.replace_range(range, &replacement);
    }
    fs::write(&path, updated)
        .map_err(|e| Failure::new(format!("cannot write content/site.toml: {e}")))?;
    Ok(said)
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
            base_url: Some("https://example.org/story/"),
            events_file: "content/events/x.toml",
        };
        convert(&format!("{header}\n{rows}"), &options).expect("a sheet")
    }

    #[test]
    fn html_becomes_plain_text_for_titles_and_credits() {
        assert_eq!(
            plain_text("<a href=\"x\">Computer &amp; History</a>  Museum"),
            "Computer & History Museum"
        );
        assert_eq!(plain_text("a < b &#8211; c&#x2019;s"), "a < b – c’s");
        assert_eq!(plain_text("AT&T &unknown;"), "AT&T &unknown;");
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

    #[test]
    fn media_under_the_story_address_are_its_own_files() {
        assert_eq!(
            own_file(
                "https://example.org/story/images/a.jpg",
                "https://example.org/story/"
            ),
            Some("images/a.jpg".to_string())
        );
        assert_eq!(
            own_file(
                "https://example.org/story/events/a/",
                "https://example.org/story/"
            ),
            None
        );
        assert_eq!(
            own_file("https://other.org/a.jpg", "https://example.org/story/"),
            None
        );
    }
}
