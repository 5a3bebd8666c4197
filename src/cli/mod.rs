//! The command line: parse it (clap derive), call the library, print, and
//! choose the exit code. Printing happens here only; each command has its
//! module, and the library tells long-running work as typed events.

mod build;
mod check;
mod import;
mod init;
mod new;
mod serve;
mod translations;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use explainer::diagnostics::Diagnostic;

#[derive(Parser)]
#[command(
    name = "explainer",
    version,
    about = "Build single-story explainer microsites"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct StoryArgs {
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include sections marked `draft = true`
    #[arg(long)]
    drafts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default)
    Build(build::BuildArgs),
    /// Build, serve on 127.0.0.1 and rebuild on every change, with live reload
    Serve(serve::ServeArgs),
    /// Start a new story folder that builds at once
    Init(init::InitArgs),
    /// Add a section, event, actor or source with a fresh id, or an update or correction
    New(new::NewArgs),
    /// Import events from another tool's format
    Import(import::ImportArgs),
    /// Check the story for errors without writing anything
    Check(check::CheckArgs),
    /// List what each language lacks or has out of date; `stamp` marks translations up to date
    Translations(translations::TranslationsArgs),
}

pub fn run() -> ExitCode {
    match Cli::parse().command {
        Command::Build(args) => build::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Init(args) => init::run(args),
        Command::New(args) => new::run(args),
        Command::Import(args) => import::run(args),
        Command::Check(args) => check::run(args),
        Command::Translations(args) => translations::run(args),
    }
}

/// Every error to stderr, and the warnings grouped in at most
/// [`explainer::diagnostics::WARNING_LINES`] lines, as `build` shows them.
fn print_grouped(diagnostics: &[Diagnostic]) {
    use std::io::Write as _;
    let lines = explainer::diagnostics::WARNING_LINES;
    let (text, _) = explainer::diagnostics::grouped(diagnostics, lines);
    std::io::stderr().lock().write_all(text.as_bytes()).ok();
}

/// All diagnostics to stderr in one go; a closed stderr stops the printing, not the tool.
fn print_diagnostics(diagnostics: &[Diagnostic]) {
    use std::io::Write as _;
    let mut stderr = std::io::stderr().lock();
    for diagnostic in diagnostics {
        if writeln!(stderr, "{diagnostic}").is_err() {
            return;
        }
    }
}
