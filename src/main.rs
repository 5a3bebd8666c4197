//! The `explainer` command: parse the command line, run, print, exit.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
