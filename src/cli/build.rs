//! `explainer build`: the site into the output folder, then one line saying so.

use std::path::PathBuf;
use std::process::ExitCode;

use explainer::BuildOptions;

use super::{StoryArgs, print_grouped};

/// Options of `explainer build`.
#[derive(clap::Args)]
pub(super) struct BuildArgs {
    #[command(flatten)]
    story: StoryArgs,
    /// Where to write the site [default: ROOT/public]
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Override base_url from content/site.toml
    #[arg(long)]
    base_url: Option<String>,
    /// Replace the output folder even if explainer did not make it, deleting what it holds
    #[arg(long)]
    force: bool,
    /// Write the whole site into a new folder and swap it in at once, instead
    /// of updating only the files that changed (for a server that serves
    /// straight from the output folder)
    #[arg(long)]
    swap: bool,
}

/// Warnings and the line on success; problems on stderr and exit 1 on
/// failure, when the output folder is left as it was.
pub(super) fn run(args: BuildArgs) -> ExitCode {
    let options = BuildOptions {
        root: args.story.root,
        output: args.output,
        base_url: args.base_url,
        drafts: args.story.drafts,
        force: args.force,
        mode: if args.swap {
            explainer::write::Mode::Swap
        } else {
            explainer::write::Mode::Update
        },
    };
    let output = options.output_dir();
    match explainer::build(&options) {
        Ok(built) => {
            print_grouped(&built.warnings);
            let warnings = if built.warnings.is_empty() {
                String::new()
            } else {
                format!(
                    ", with {}",
                    explainer::diagnostics::summary(&built.warnings)
                )
            };
            let written = built.written;
            let changed = match (written.written, written.removed, written.unchanged) {
                (_, 0, 0) => String::new(),
                (0, 0, _) => " (nothing changed)".into(),
                (files, 0, _) => format!(" ({} written)", files_count(files)),
                (files, removed, _) => {
                    format!(" ({} written, {removed} removed)", files_count(files))
                }
            };
            println!(
                "Built {} pages, {} other files and {} static files into {}{changed} in {} ms{warnings}",
                built.pages,
                built.other_files,
                built.static_files,
                output.display(),
                built.elapsed.as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            print_grouped(&diagnostics);
            eprintln!(
                "Build failed: {}. {} was left as it was.",
                explainer::diagnostics::summary(&diagnostics),
                output.display()
            );
            ExitCode::FAILURE
        }
    }
}

fn files_count(files: usize) -> String {
    match files {
        1 => "1 file".into(),
        n => format!("{n} files"),
    }
}
