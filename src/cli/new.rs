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
