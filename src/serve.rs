//! `explainer serve`: build, serve the output over HTTP, rebuild on change.

use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `explainer serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include sections marked `draft = true`
    #[arg(long)]
    pub drafts: bool,
    /// The interface to listen on; anything but 127.0.0.1 exposes the preview
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: String,
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
}

pub fn run(_args: ServeArgs) -> ExitCode {
    eprintln!("error: `explainer serve` is not written yet");
    ExitCode::FAILURE
}
