//! `explainer new`: add a section, event or actor, and print where.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use explainer::scaffold::{self, Item};

/// Options of `explainer new`.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  explainer new section \"What happened in Yekaterinburg\"
  explainer new event \"Two brothers die in custody\" --date 2025-06
  explainer new event \"Raids\" --date 2025-06-27 --file content/events/crisis.toml
  explainer new actor \"Hüseyn Səfərov\" --kind person
  explainer new source \"Statement of the Prosecutor General\" --url https://example.org/statement
  explainer new update \"Added Baku's response\" --event baku-prosecutor-statement
  explainer new correction \"The raids were on 27 June, not 28 June\" --event yekaterinburg-raids

The id comes from the title, in lowercase ASCII (\"Hüseyn Səfərov\" -> huseyn-seferov),
with -2, -3... when it is taken. The new file's path is printed on standard output.")]
pub(super) struct NewArgs {
    #[command(subcommand)]
    item: NewItem,
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".", global = true)]
    root: PathBuf,
}

/// What `explainer new` adds.
#[derive(Subcommand)]
enum NewItem {
    /// A story section: content/story/NN-<id>.md, placed after the last section
    Section {
        /// The section's title
        title: String,
    },
    /// A timeline event: an [[event]] table appended to a file in content/events/
    Event {
        /// The event's title
        title: String,
        /// When it happened: "YYYY", "YYYY-MM" or "YYYY-MM-DD"
        #[arg(long)]
        date: String,
        /// When it ended, if it lasted: same forms as --date
        #[arg(long)]
        end_date: Option<String>,
        /// The events file to add it to, like content/events/crisis.toml
        /// [default: the only events file, or content/events/events.toml when there is none]
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// An actor (person, state, organization...): content/actors/<id>.md
    Actor {
        /// The actor's name
        name: String,
        /// What kind of actor it is
        #[arg(long, value_parser = ["person", "state", "organization", "group", "media"])]
        kind: String,
    },
    /// A source that events and accounts cite: a [[source]] table appended to content/sources.toml
    Source {
        /// The source's title
        title: String,
        /// Its address, starting with https:// or http://
        #[arg(long)]
        url: Option<String>,
        /// Who published it
        #[arg(long)]
        publisher: Option<String>,
        /// When you consulted it, YYYY-MM-DD [default: today, when --url is given]
        #[arg(long)]
        accessed: Option<String>,
    },
    /// An update to the story: an [[update]] table appended to content/updates.toml
    Update(UpdateArgs),
    /// A correction: an [[update]] table of kind "correction" appended to content/updates.toml
    Correction(UpdateArgs),
}

/// What an update or a correction says, and of what.
#[derive(clap::Args)]
struct UpdateArgs {
    /// What changed, in a sentence or two for readers
    note: String,
    /// An event it concerns, by id (repeat for several)
    #[arg(long = "event", value_name = "ID")]
    events: Vec<String>,
    /// Its day, YYYY-MM-DD [default: today]
    #[arg(long)]
    date: Option<String>,
}

impl From<NewItem> for Item {
    fn from(item: NewItem) -> Item {
        match item {
            NewItem::Section { title } => Item::Section { title },
            NewItem::Event {
                title,
                date,
                end_date,
                file,
            } => Item::Event {
                title,
                date,
                end_date,
                file,
            },
            NewItem::Actor { name, kind } => Item::Actor { name, kind },
            NewItem::Source {
                title,
                url,
                publisher,
                accessed,
            } => Item::Source {
                title,
                url,
                publisher,
                accessed,
            },
            NewItem::Update(args) => args.into_item(false),
            NewItem::Correction(args) => args.into_item(true),
        }
    }
}

impl UpdateArgs {
    fn into_item(self, correction: bool) -> Item {
        Item::Update {
            correction,
            note: self.note,
            events: self.events,
            date: self.date,
        }
    }
}

/// The new file's path on stdout, for scripts; the line for the editor on stderr.
pub(super) fn run(args: NewArgs) -> ExitCode {
    match scaffold::add(&args.root, &args.item.into()) {
        Ok(added) => {
            println!("{}", shown_path(&args.root, &added.path));
            eprintln!("{}", added.hint);
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!("{failure}");
            ExitCode::FAILURE
        }
    }
}

/// `root/path` as the user can type it: without a leading `./`.
fn shown_path(root: &Path, path: &str) -> String {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        path.to_string()
    } else {
        root.join(path).display().to_string()
    }
}
