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
    return_freed_memory_sooner();
    cli::run()
}

/// mimalloc 3 keeps memory a thread frees for a second before it gives it
/// back to the system: longer than most builds, so an L build's peak memory
/// was every page and picture it had ever freed, 135 to 150 MiB. After
/// 50 ms, it is about 125 MiB, for a few more calls to the system
/// (docs/performance.md). `MIMALLOC_PURGE_DELAY` in the environment still wins.
fn return_freed_memory_sooner() {
    /// `mi_option_purge_delay`, the 16th of mimalloc 3's options.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    /// Its default, in milliseconds: another value means a mimalloc whose
    /// options are numbered otherwise, which is left as it is.
    const DEFAULT: std::ffi::c_long = 1000;
    // mimalloc reads its variables whatever their case, and the old name too.
    let named = std::env::vars_os().any(|(name, _)| {
        let name = name.to_string_lossy().to_ascii_uppercase();
        name == "MIMALLOC_PURGE_DELAY" || name == "MIMALLOC_RESET_DELAY"
    });
    if named {
        return;
    }
    // SAFETY: options are plain numbers that mimalloc reads when it frees;
    // setting one is not thread-safe, and no other thread runs yet.
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == DEFAULT {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 50);
        }
    }
}
