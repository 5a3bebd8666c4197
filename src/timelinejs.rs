//! TimelineJS spreadsheets: `explainer import timelinejs FILE.csv`.

use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `explainer import`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// The format to import: timelinejs
    pub format: String,
    /// The file to import
    pub file: PathBuf,
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

pub fn import(_args: ImportArgs) -> ExitCode {
    eprintln!("error: `explainer import` is not written yet");
    ExitCode::FAILURE
}
