//! `explainer init` and `explainer new`: start a story, add items with fresh ids.

use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `explainer init`.
#[derive(Debug, Clone, clap::Args)]
pub struct InitArgs {
    /// The new story's folder; it must be empty or not exist
    pub dir: PathBuf,
    /// The story's title
    #[arg(long)]
    pub title: Option<String>,
}

/// Options of `explainer new`.
#[derive(Debug, Clone, clap::Args)]
pub struct NewArgs {
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

pub fn init(_args: InitArgs) -> ExitCode {
    eprintln!("error: `explainer init` is not written yet");
    ExitCode::FAILURE
}

pub fn new(_args: NewArgs) -> ExitCode {
    eprintln!("error: `explainer new` is not written yet");
    ExitCode::FAILURE
}
