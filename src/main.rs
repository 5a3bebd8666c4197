//! The `explainer` command: parse the command line, run, print, exit.

mod cli;

use std::process::ExitCode;

/// A build allocates and frees millions of small strings and values on every
/// core; mimalloc does that with about 12% less CPU than the system allocator
/// (docs/performance.md). Without transparent huge pages: with them, memory
/// for a 1,000-event story doubled for no gain in time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::run()
}
