//! `explainer init` and `explainer new`: start a story, add items with fresh ids.
//!
//! `init` writes a small story of obvious placeholders that builds and checks
//! without an error, each placeholder a warning until it is replaced (so
//! `check --deny-warnings` fails), and refuses a folder that already holds
//! something.
//! `new` derives a readable ASCII id from the title (transliterating
//! Azerbaijani, Russian and any other script), makes it unique among the
//! story's ids, writes a correctly formed file or appends an `[[event]]`
//! table, and returns its path with a line for the editor; the command line
//! prints them. The id and TOML helpers are shared with the TimelineJS importer.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
use crate::load::{self, RawStory};
use crate::model::{DateError, PartialDate};
use crate::resolve::section_slug;

/// The title `init` writes when none is given; the importer may replace it.
pub const PLACEHOLDER_TITLE: &str = "Working title";
/// The dek `init` writes; the importer may replace it.
pub const PLACEHOLDER_SUBTITLE: &str =
    "One sentence that tells readers what this story explains. Edit it in content/site.toml.";

/// Ids longer than this are cut at a word: they end up in every URL.
const MAX_ID_LEN: usize = 60;

/// What `new` adds, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A story section: `content/story/NN-<id>.md`, after the last section.
    Section { title: String },
    /// A timeline event: an `[[event]]` table appended to an events file.
    Event {
        title: String,
        /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checked here.
        date: String,
        end_date: Option<String>,
        /// The events file to add it to; by default the only one, or
        /// `content/events/events.toml` when there is none.
        file: Option<PathBuf>,
    },
    /// An actor: `content/actors/<id>.md`.
    Actor { name: String, kind: String },
    /// A source: a `[[source]]` table appended to `content/sources.toml`.
    Source {
        title: String,
        url: Option<String>,
        publisher: Option<String>,
        /// When it was consulted (`YYYY-MM-DD`); by default today, when it has a URL.
        accessed: Option<String>,
    },
    /// An update or a correction: an `[[update]]` table appended to
    /// `content/updates.toml`.
    Update {
        correction: bool,
        note: String,
        /// The events it concerns, by id.
        events: Vec<String>,
        /// Its day (`YYYY-MM-DD`); by default today.
        date: Option<String>,
    },
}

/// A command that could not be done: what went wrong and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub help: Option<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Failure {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Writes a new story into `dir` and returns the files written, relative to it.
pub fn init_story(dir: &Path, title: Option<&str>) -> Result<Vec<String>, Failure> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(
                Failure::new(format!("{} is a file, not a folder", dir.display()))
                    .help("give the name of a new folder, like `explainer init my-story`"),
            );
        }
        let entries = fs::read_dir(dir)
            .map_err(|e| Failure::new(format!("cannot read {}: {e}", dir.display())))?;
        let mut taken: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name != ".git")
            .collect();
        if !taken.is_empty() {
            taken.sort();
            return Err(Failure::new(format!(
                "{} is not empty (it holds {}); `explainer init` never overwrites anything",
                dir.display(),
                taken.join(", ")
            ))
            .help("choose a new folder, like `explainer init my-story`"));
        }
    }
    let title = title.map(str::trim).unwrap_or(PLACEHOLDER_TITLE);
    if title.is_empty() {
        return Err(Failure::new("the title is empty").help(
            "give a title in quotes, like --title \"Rising tensions\", or leave --title out",
        ));
    }
    let folder = dir
        .canonicalize()
        .ok()
        .or_else(|| Some(dir.to_path_buf()))
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .map(|name| id_from_title(&name))
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| "my-story".to_string());
    let files = scaffold_files(title, &folder);
    for (path, text) in &files {
        write_new_file(&dir.join(path), text)?;
    }
    Ok(files
        .into_iter()
        .map(|(path, _)| path.to_string())
        .collect())
}

/// The scaffold, as files: neutral placeholders that say where to write what.
/// `init` fills in the title and the address; the rest is written as it is.
const SCAFFOLD: [(&str, &str); 8] = [
    (
        "content/site.toml",
        include_str!("scaffold/content/site.toml"),
    ),
    (
        "content/story/01-what-happened.md",
        include_str!("scaffold/content/story/01-what-happened.md"),
    ),
    (
        "content/events/events.toml",
        include_str!("scaffold/content/events/events.toml"),
    ),
    (
        "content/actors/person-a.md",
        include_str!("scaffold/content/actors/person-a.md"),
    ),
    (
        "content/actors/organization-b.md",
        include_str!("scaffold/content/actors/organization-b.md"),
    ),
    (
        "content/sources.toml",
        include_str!("scaffold/content/sources.toml"),
    ),
    ("README.md", include_str!("scaffold/README.md")),
    // Not named .gitignore here, where git would read it.
    (".gitignore", include_str!("scaffold/gitignore")),
];

/// The placeholder address in the scaffold's site.toml.
const PLACEHOLDER_BASE_URL: &str = "https://example.invalid/my-story/";

/// The scaffold's files as `init` writes them before the title and address
/// are filled in, by path: what the placeholder warnings are read from.
pub fn files() -> impl Iterator<Item = (&'static str, &'static str)> {
    SCAFFOLD.iter().copied()
}

fn scaffold_files(title: &str, folder: &str) -> Vec<(&'static str, String)> {
    SCAFFOLD
        .iter()
        .map(|(path, text)| {
            let text = match *path {
                "content/site.toml" => text
                    .replacen(
                        &format!("title = {}", toml_string(PLACEHOLDER_TITLE)),
                        &format!("title = {}", toml_string(title)),
                        1,
                    )
                    .replacen(
                        PLACEHOLDER_BASE_URL,
                        &format!("https://example.invalid/{folder}/"),
                        1,
                    ),
                "README.md" => text.replacen(
                    &format!("# {PLACEHOLDER_TITLE}\n"),
                    &format!("# {title}\n"),
                    1,
                ),
                _ => text.to_string(),
            };
            (*path, text)
        })
        .collect()
}

/// What `new` added: the file, relative to the story root, and a line for the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub path: String,
    pub id: String,
    pub hint: String,
}

/// Adds a section, event or actor to the story at `root`.
pub fn add(root: &Path, item: &Item) -> Result<Added, Failure> {
    if !root.join("content").is_dir() {
        return Err(Failure::new(format!(
            "no content/ folder in {}: this is not a story folder",
            root.display()
        ))
        .help(
            "run it in a story folder, point --root at one, or start one with `explainer init DIR`",
        ));
    }
    let story = load::load(root, &mut Diagnostics::default());
    match item {
        Item::Section { title } => add_section(root, &story, title),
        Item::Event {
            title,
            date,
            end_date,
            file,
        } => add_event(
            root,
            &story,
            title,
            date,
            end_date.as_deref(),
            file.as_deref(),
        ),
        Item::Actor { name, kind } => add_actor(root, &story, name, kind),
        Item::Source {
            title,
            url,
            publisher,
            accessed,
        } => add_source(
            root,
            &story,
            title,
            url.as_deref(),
            publisher.as_deref(),
            accessed.as_deref(),
        ),
        Item::Update {
            correction,
            note,
            events,
            date,
        } => add_update(root, &story, *correction, note, events, date.as_deref()),
    }
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((seconds / 86_400) as i64)
}

/// The day `days` after 1970-01-01, `YYYY-MM-DD`.
fn civil_date(days: i64) -> String {
    // The timeline counts days from 1 March of year 0; 1970-01-01 is day 719,468.
    let (year, month, day) = crate::render::timeline_svg::civil(days + 719_468);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A day given on the command line: `YYYY-MM-DD` only, as TOML dates are.
fn parse_day(text: &str, flag: &str) -> Result<String, Failure> {
    let date = parse_date(text, flag)?;
    let iso = date.iso();
    if iso.len() != 10 {
        return Err(Failure::new(format!("{flag} `{text}` is not a whole day"))
            .help("write the day as YYYY-MM-DD, like 2025-07-03"));
    }
    Ok(iso)
}

/// Appends `table` to the TOML file at `path` (relative to `root`), with a
/// blank line before it, making the file when there is none.
fn append_table(root: &Path, path: &str, table: &str) -> Result<(), Failure> {
    let full = root.join(path);
    match fs::read_to_string(&full) {
        Ok(text) => {
            let separator = match (text.trim().is_empty(), text.ends_with('\n')) {
                (true, _) => "",
                (false, true) => "\n",
                (false, false) => "\n\n",
            };
            append(&full, &format!("{separator}{table}"))
                .map_err(|e| Failure::new(format!("cannot write {path}: {e}")))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => write_new_file(&full, table),
        Err(e) => Err(Failure::new(format!("cannot read {path}: {e}"))),
    }
}

fn add_source(
    root: &Path,
    story: &RawStory,
    title: &str,
    url: Option<&str>,
    publisher: Option<&str>,
    accessed: Option<&str>,
) -> Result<Added, Failure> {
    let title = non_empty(title, "title")?;
    if let Some(url) = url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(Failure::new(format!("--url `{url}` is not a web address"))
            .help("give the whole address, starting with https:// or http://"));
    }
    let accessed = match accessed {
        Some(day) => Some(parse_day(day, "--accessed")?),
        None => url.map(|_| today()),
    };
    let path = "content/sources.toml";
    let mut taken: HashSet<String> = story
        .sources
        .iter()
        .map(|(_, source)| source.id.get_ref().clone())
        .chain(story.broken.sources.iter().cloned())
        .collect();
    taken.extend(ids_in_file(&root.join(path)));
    let id = unique_id(&fallback(id_from_title(title), "source"), &taken);
    let mut table = format!(
        "[[source]]\nid = {}\ntitle = {}\n",
        toml_string(&id),
        toml_string(title)
    );
    if let Some(publisher) = publisher.map(str::trim).filter(|p| !p.is_empty()) {
        table.push_str(&format!("publisher = {}\n", toml_string(publisher)));
    }
    if let Some(url) = url {
        table.push_str(&format!("url = {}\n", toml_string(url)));
    }
    if let Some(day) = &accessed {
        table.push_str(&format!("accessed = {day}\n"));
    }
    append_table(root, path, &table)?;
    Ok(Added {
        hint: format!(
            "Added source `{id}`: cite it from an event or account with sources = [\"{id}\"]"
        ),
        path: path.to_string(),
        id,
    })
}

fn add_update(
    root: &Path,
    story: &RawStory,
    correction: bool,
    note: &str,
    events: &[String],
    date: Option<&str>,
) -> Result<Added, Failure> {
    let note = non_empty(note, "note")?;
    let day = match date {
        Some(day) => parse_day(day, "--date")?,
        None => today(),
    };
    let known: HashSet<String> = story
        .events
        .iter()
        .map(|(_, e)| e.id.get_ref().clone())
        .chain(story.broken.events.iter().cloned())
        .chain(ids_in_events_files(root))
        .collect();
    for event in events {
        if !known.contains(event) {
            let mut failure = Failure::new(format!("there is no event `{event}`"));
            let nearest = crate::diagnostics::closest(event, known.iter().map(String::as_str));
            failure = match nearest {
                Some(near) => failure.help(format!("did you mean --event {near}?")),
                None => failure
                    .help("give the id of an event in content/events/, as in its `id = ` line"),
            };
            return Err(failure);
        }
    }
    let kind = if correction { "correction" } else { "update" };
    let mut table = format!(
        "[[update]]\ndate = {day}\nkind = \"{kind}\"\nnote = {}\n",
        toml_string(note)
    );
    if !events.is_empty() {
        let list: Vec<String> = events.iter().map(|e| toml_string(e)).collect();
        table.push_str(&format!("events = [{}]\n", list.join(", ")));
    }
    let path = "content/updates.toml";
    append_table(root, path, &table)?;
    let what = if correction { "Correction" } else { "Update" };
    Ok(Added {
        hint: format!(
            "Added the {kind} of {day}: {what}s are listed on the changes page and in the feed"
        ),
        path: path.to_string(),
        id: String::new(),
    })
}

/// The ids in a TOML file's `id = "..."` lines, read even when the file does
/// not parse: ids the editor meant are taken.
fn ids_in_file(path: &Path) -> Vec<String> {
    let Ok(text) = fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut ids = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix("id") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim();
        let quote = if value.starts_with('\'') { '\'' } else { '"' };
        if let Some(id) = value
            .strip_prefix(quote)
            .and_then(|v| v.split(quote).next())
        {
            ids.push(id.to_string());
        }
    }
    ids
}

fn non_empty<'a>(text: &'a str, what: &str) -> Result<&'a str, Failure> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Failure::new(format!("the {what} is empty"))
            .help(format!("give the {what} in quotes, like \"Talks in Baku\"")));
    }
    Ok(text)
}

fn add_section(root: &Path, story: &RawStory, title: &str) -> Result<Added, Failure> {
    let title = non_empty(title, "title")?;
    let paths: Vec<&str> = story
        .sections
        .iter()
        .map(|doc| story.file(doc.file).path.as_str())
        .chain(story.broken.sections.iter().map(String::as_str))
        .collect();
    let mut taken: HashSet<String> = paths.iter().map(|p| section_slug(p).to_string()).collect();
    taken.extend(existing_stems(root, "content/story", "md"));
    let id = unique_id(&fallback(id_from_title(title), "section"), &taken);
    let numbers: Vec<&str> = paths
        .iter()
        .map(|p| load::file_stem(p))
        .filter_map(|stem| stem.split_once('-').map(|(n, _)| n))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    let next = numbers
        .iter()
        .filter_map(|n| n.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let width = numbers.iter().map(|n| n.len()).max().unwrap_or(2).max(2);
    let path = format!("content/story/{next:0width$}-{id}.md");
    let weight = story
        .sections
        .iter()
        .filter_map(|doc| doc.front.weight)
        .max()
        .map(|w| format!("weight = {}\n", w + 10))
        .unwrap_or_default();
    let text = format!(
        "+++\ntitle = {}\n{weight}+++\nWrite this section here. Link the actors, events and other sections it\nmentions, with links like `[Name](actor:their-id)`, so readers can follow them.\n",
        toml_string(title)
    );
    write_new_file(&root.join(&path), &text)?;
    Ok(Added {
        hint: format!("Added section `{id}`: link to it with [{title}](section:{id})"),
        path,
        id,
    })
}

fn add_event(
    root: &Path,
    story: &RawStory,
    title: &str,
    date: &str,
    end_date: Option<&str>,
    file: Option<&Path>,
) -> Result<Added, Failure> {
    let title = non_empty(title, "title")?;
    let start = parse_date(date, "--date")?;
    let end = end_date.map(|e| parse_date(e, "--end-date")).transpose()?;
    if let Some(end) = end
        && end.entirely_before(&start)
    {
        return Err(
            Failure::new(format!("the end date {end} is before the date {start}"))
                .help("swap --date and --end-date, or correct one of them"),
        );
    }
    let path = events_file(root, file)?;
    let mut taken: HashSet<String> = story
        .events
        .iter()
        .map(|(_, e)| e.id.get_ref().clone())
        .chain(story.broken.events.iter().cloned())
        .collect();
    // Ids in files that do not parse at all are still ids the editor meant.
    taken.extend(ids_in_events_files(root));
    let id = unique_id(&fallback(id_from_title(title), "event"), &taken);
    let mut table = format!(
        "[[event]]\nid = {}\ndate = {}\n",
        toml_string(&id),
        toml_string(&start.iso())
    );
    if let Some(end) = end {
        table.push_str(&format!("end_date = {}\n", toml_string(&end.iso())));
    }
    table.push_str(&format!("title = {}\n", toml_string(title)));
    table.push_str(
        "# summary = \"What happened, in Markdown.\"\n\
         # actors = [\"actor-id\"]            # file names in content/actors/, without .md\n\
         # place = \"City, Country\"\n\
         # sources = [\"source-id\"]          # ids from content/sources.toml\n",
    );
    let full = root.join(&path);
    let existing = match fs::read_to_string(&full) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Failure::new(format!("cannot read {path}: {e}"))),
    };
    match existing {
        Some(text) => {
            let separator = match (text.is_empty(), text.ends_with('\n')) {
                (true, _) => "",
                (false, true) => "\n",
                (false, false) => "\n\n",
            };
            append(&full, &format!("{separator}{table}"))
                .map_err(|e| Failure::new(format!("cannot write {path}: {e}")))?;
        }
        None => write_new_file(&full, &table)?,
    }
    Ok(Added {
        hint: format!(
            "Added event `{id}` ({}): link to it with [{title}](event:{id})",
            crate::model::when_label(&start, end.as_ref(), false)
        ),
        path,
        id,
    })
}

fn add_actor(root: &Path, story: &RawStory, name: &str, kind: &str) -> Result<Added, Failure> {
    let name = non_empty(name, "name")?;
    let mut taken: HashSet<String> = story
        .actors
        .iter()
        .map(|(id, _)| id.clone())
        .chain(story.broken.actors.iter().cloned())
        .collect();
    taken.extend(existing_stems(root, "content/actors", "md"));
    let id = unique_id(&fallback(id_from_title(name), "actor"), &taken);
    let path = format!("content/actors/{id}.md");
    let text = format!(
        "+++\nname = {}\nkind = {}\n# role = \"One line on who this is in the story\"\n# country = \"Country\"\n# aliases = [\"Another spelling\"]\n+++\nA short biography: who {name} is and why they matter to the story.\n",
        toml_string(name),
        toml_string(kind),
    );
    write_new_file(&root.join(&path), &text)?;
    Ok(Added {
        hint: format!(
            "Added actor `{id}`: name it in an event's `actors`, or link to it with [{name}](actor:{id})"
        ),
        path,
        id,
    })
}

fn parse_date(text: &str, flag: &str) -> Result<PartialDate, Failure> {
    PartialDate::parse(text.trim()).map_err(|error| {
        let message = match error {
            DateError::Form => format!("{flag} `{text}` is not a date explainer reads"),
            DateError::Month => format!("{flag} `{text}` has no such month"),
            DateError::Day { days } => {
                format!("{flag} `{text}` has no such day: that month has {days} days")
            }
        };
        Failure::new(message)
            .help("write \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\", like 2025, 2025-06 or 2025-06-27")
    })
}

/// The events file `new event` writes to, relative to the root.
fn events_file(root: &Path, file: Option<&Path>) -> Result<String, Failure> {
    let Some(file) = file else {
        let mut files = existing_stems(root, "content/events", "toml");
        files.sort();
        return match files.as_slice() {
            [] => Ok("content/events/events.toml".to_string()),
            [only] => Ok(format!("content/events/{only}.toml")),
            several => Err(Failure::new(format!(
                "the story has {} events files; which one should the event go into?",
                several.len()
            ))
            .help(format!(
                "choose with --file, one of: {}",
                several
                    .iter()
                    .map(|s| format!("content/events/{s}.toml"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        };
    };
    let path = events_path(file)?;
    if root.join(&path).is_dir() {
        return Err(Failure::new(format!("{path} is a folder")));
    }
    Ok(path)
}

/// An events file given on the command line, as a path relative to the story
/// root: `content/events/x.toml`, or a bare `x.toml` meaning that.
pub fn events_path(file: &Path) -> Result<String, Failure> {
    let text = load::relative(file);
    let path = if text.contains('/') {
        text
    } else {
        format!("content/events/{text}")
    };
    let name = path.strip_prefix("content/events/").unwrap_or("");
    let valid = !name.is_empty()
        && path.ends_with(".toml")
        && !name.split('/').any(|part| part.is_empty() || part == "..")
        && !load::is_editor_litter(name.rsplit('/').next().unwrap_or(name));
    if !valid {
        return Err(Failure::new(format!(
            "{} is not an events file",
            file.display()
        ))
        .help("events files are .toml files under content/events/, like content/events/crisis.toml (relative to the story folder)"));
    }
    Ok(path)
}

/// Every `id = "..."` in the events files, read line by line: also from files
/// whose TOML is broken, so a new id never collides with one being fixed.
fn ids_in_events_files(root: &Path) -> Vec<String> {
    let folder = root.join("content/events");
    walkdir::WalkDir::new(folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .flat_map(|entry| ids_in_file(entry.path()))
        .collect()
}

/// File stems with extension `ext` in `root/folder`, including unreadable files.
fn existing_stems(root: &Path, folder: &str, ext: &str) -> Vec<String> {
    let Ok(entries) = fs::read_dir(root.join(folder)) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(&format!(".{ext}")).map(str::to_string)
        })
        .collect()
}

/// Creates `path` (and its folders) with `text`; never replaces a file.
pub fn write_new_file(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| Failure::new(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Failure::new(format!("{} already exists", path.display()))
                    .help("explainer never overwrites a file it did not expect; move it away or choose another name")
            } else {
                Failure::new(format!("cannot create {}: {e}", path.display()))
            }
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new().append(true).open(path)?;
    file.write_all(text.as_bytes())
}

/// A readable ASCII id from any title: "Hüseyn Səfərov" -> "huseyn-seferov",
/// "Зиядин Сафаров" -> "ziiadin-safarov". Long titles are cut at a word.
/// Empty when the title has no letter or digit in any script.
pub fn id_from_title(title: &str) -> String {
    let id = slug(title);
    if id.len() <= MAX_ID_LEN {
        return id;
    }
    let cut = &id[..MAX_ID_LEN];
    match cut.rfind('-') {
        Some(at) if at > MAX_ID_LEN / 2 => cut[..at].to_string(),
        _ => cut.trim_end_matches('-').to_string(),
    }
}

/// Any text in lowercase ASCII letters, digits and dashes, transliterated
/// ("Hüseyn Səfərov" -> "huseyn-seferov"), whatever its length: the one
/// spelling of ids, for `new`, the importer and `check`'s suggestions.
pub fn slug(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.chars() {
        let ascii = match c {
            // deunicode spells the schwa "@"; Azerbaijani is written with "e" in ASCII.
            'ə' | 'Ə' => "e",
            // Apostrophes (and the Russian soft sign's "'") join, as in "bakus".
            '\'' | '’' | 'ʼ' | 'ь' | 'Ь' | 'ъ' | 'Ъ' => "",
            c => deunicode::deunicode_char(c).unwrap_or(" "),
        };
        for a in ascii.chars() {
            if a.is_ascii_alphanumeric() {
                id.push(a.to_ascii_lowercase());
            } else if a != '\'' && !id.is_empty() && !id.ends_with('-') {
                id.push('-');
            }
        }
    }
    id.trim_end_matches('-').to_string()
}

fn fallback(id: String, kind: &str) -> String {
    if id.is_empty() { kind.to_string() } else { id }
}

/// `base`, or `base-2`, `base-3`... whichever is not taken.
pub fn unique_id(base: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_else(|| base.to_string())
}

/// A TOML basic string, quoted and escaped.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML string for text that may run over several lines (summaries,
/// captions): a literal `'''` block when the text allows it, so HTML and
/// quotes stay readable; otherwise an escaped `"""` block.
pub fn toml_text(text: &str) -> String {
    if !text.contains('\n') {
        return toml_string(text);
    }
    let literal_ok = !text.contains("'''")
        && !text.ends_with('\'')
        && !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
    if literal_ok {
        return format!("'''\n{text}'''");
    }
    let mut out = String::from("\"\"\"\n");
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push_str("\"\"\"");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_readable_ascii_in_any_script() {
        assert_eq!(id_from_title("Hüseyn Səfərov"), "huseyn-seferov");
        assert_eq!(id_from_title("Зиядин Сафаров"), "ziiadin-safarov");
        assert_eq!(id_from_title("Ильхам Алиев"), "ilkham-aliev");
        assert_eq!(id_from_title("İlham Əliyev"), "ilham-eliyev");
        assert_eq!(id_from_title("Baku’s response: “No”!"), "bakus-response-no");
        assert_eq!(id_from_title("  --  "), "");
    }

    #[test]
    fn long_ids_are_cut_at_a_word() {
        let id = id_from_title(
            "The prosecutor general of Azerbaijan opens a criminal investigation into the deaths",
        );
        assert!(id.len() <= MAX_ID_LEN, "{id}");
        assert_eq!(id, "the-prosecutor-general-of-azerbaijan-opens-a-criminal");
    }

    #[test]
    fn the_scaffold_holds_the_placeholders_init_and_import_replace() {
        let site = SCAFFOLD[0].1;
        assert!(site.contains(&format!("\ntitle = {}\n", toml_string(PLACEHOLDER_TITLE))));
        assert!(site.contains(&format!(
            "\nsubtitle = {}\n",
            toml_string(PLACEHOLDER_SUBTITLE)
        )));
        assert!(site.contains(&format!("base_url = \"{PLACEHOLDER_BASE_URL}\"")));
        let files = scaffold_files("Baku \"Talks\"", "talks");
        assert!(files[0].1.contains("\ntitle = \"Baku \\\"Talks\\\"\"\n"));
        assert!(
            files[0]
                .1
                .contains("base_url = \"https://example.invalid/talks/\"")
        );
        assert!(files[6].1.starts_with("# Baku \"Talks\"\n"));
    }

    #[test]
    fn taken_ids_get_the_next_free_number() {
        let taken: HashSet<String> = ["raids", "raids-2"].iter().map(|s| s.to_string()).collect();
        assert_eq!(unique_id("raids", &taken), "raids-3");
        assert_eq!(unique_id("talks", &taken), "talks");
    }

    #[test]
    fn toml_strings_survive_a_round_trip() {
        let texts = [
            "plain",
            "quote \" and back\\slash",
            "<p class=\"lead\">A</p>\n<p>B's</p>",
            "ends with '\nquote'",
            "has ''' inside\nand more",
            "tab\there\u{7}",
        ];
        for text in texts {
            let toml = format!("a = {}\nb = {}\n", toml_string(text), toml_text(text));
            let table: toml::Table = toml::from_str(&toml).expect(&toml);
            assert_eq!(table["a"].as_str(), Some(text), "{toml}");
            assert_eq!(table["b"].as_str(), Some(text), "{toml}");
        }
    }

    #[test]
    fn days_since_1970_are_calendar_days() {
        for (days, date) in [
            (0, "1970-01-01"),
            (-1, "1969-12-31"),
            (11_016, "2000-02-29"),
            (20_428, "2025-12-06"),
            (20_637, "2026-07-03"),
        ] {
            assert_eq!(civil_date(days), date, "{days}");
        }
    }
}
