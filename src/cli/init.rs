//! `explainer init`: start a story folder, and list what it holds.

use std::path::PathBuf;
use std::process::ExitCode;

use explainer::scaffold;

/// Options of `explainer init`.
#[derive(clap::Args)]
pub(super) struct InitArgs {
    /// The new story's folder; it must be empty or not exist
    dir: PathBuf,
    /// The story's title [default: a placeholder to replace]
    #[arg(long)]
    title: Option<String>,
}

pub(super) fn run(args: InitArgs) -> ExitCode {
    match scaffold::init_story(&args.dir, args.title.as_deref()) {
        Ok(files) => {
            println!("Started a new story in {}:", args.dir.display());
            for file in files {
                println!("  {file}");
            }
            let dir = args.dir.display();
            println!(
                "Next: replace the placeholders, then `explainer serve --root {dir}` to see it as you write."
            );
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!("{failure}");
            ExitCode::FAILURE
        }
    }
}
