//! `explainer import`: bring in another tool's events, say what came in and
//! what did not, then what `check` finds.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use explainer::BuildOptions;
use explainer::timelinejs::{self, ImportError};

use super::print_diagnostics;

/// Options of `explainer import`.
#[derive(clap::Args)]
#[command(after_help = "\
Reads the columns of TimelineJS's Google Sheets template (File > Download >
Comma-separated values): Year, Month, Day, Time, End Year, End Month, End Day,
End Time, Display Date, Headline, Text, Media, Media Credit, Media Caption,
Media Thumbnail, Type, Group, Background, and Alt Text when the sheet has it.
Each row becomes an [[event]]; a `title` row sets the site's title and dek if
the story has none; `era` rows are added to content/eras.toml. Rows that cannot
be converted are reported with their row number (the header is row 1). A quote
that opens a cell and is not closed where the cell ends is reported at its line
and column, and nothing is imported.")]
pub(super) struct ImportArgs {
    /// The format to import
    #[arg(value_enum)]
    format: ImportFormat,
    /// The spreadsheet, saved as CSV
    file: PathBuf,
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The events file to write [default: content/events/<name of the CSV>.toml, or the
    /// next free name (<name>-2.toml...) when that file exists]
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Replace the events file if it exists
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportFormat {
    /// A TimelineJS Google Sheets template saved as CSV
    Timelinejs,
}

/// What was imported on stdout, what was not on stderr, then what `check`
/// thinks of the story now. Exit 1 when a row was left out or no event came in.
pub(super) fn run(args: ImportArgs) -> ExitCode {
    let ImportFormat::Timelinejs = args.format;
    let imported =
        timelinejs::import_file(&args.root, &args.file, args.output.as_deref(), args.force);
    let report = match imported {
        Ok(report) => report,
        Err(ImportError::Failure(failure)) => {
            eprint!("{failure}");
            return ExitCode::FAILURE;
        }
        Err(ImportError::Unreadable(diagnostics)) => {
            print_diagnostics(&diagnostics);
            eprintln!(
                "Nothing was imported: {} in {}. Correct the sheet and import it again.",
                explainer::diagnostics::summary(&diagnostics),
                args.file.display()
            );
            return ExitCode::FAILURE;
        }
    };
    for problem in report.grouped_problems() {
        eprint!("{problem}");
    }
    match &report.events_file {
        Some(file) => {
            if let Some(taken) = &report.renamed_from {
                println!("{taken} already exists: the events go into {file} instead.");
            }
            println!("Imported {} into {file}.", count(report.events, "event"))
        }
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
    let diagnostics = explainer::check(&BuildOptions::new(&args.root));
    if diagnostics.is_empty() {
        println!("`explainer check` finds no problem.");
    } else {
        println!(
            "`explainer check` now finds {}: run it to see where.",
            explainer::diagnostics::summary(&diagnostics)
        );
    }
    if skipped.is_empty() && report.events_file.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// "1 event", "2 events".
fn count(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
