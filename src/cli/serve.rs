//! `explainer serve`: the library serves; this says what it does, as it goes.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use explainer::diagnostics::Diagnostic;
use explainer::serve::{self, BuildReport, BuildResult, ServeOptions};
use explainer::watch::Change;

use super::print_diagnostics;

/// Options of `explainer serve`.
#[derive(clap::Args)]
pub(super) struct ServeArgs {
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include sections marked `draft = true`
    #[arg(long)]
    drafts: bool,
    /// The interface to listen on, an IP address or a name of this machine
    /// (the preview answers to that name); anything but 127.0.0.1 exposes it
    #[arg(long, default_value = "127.0.0.1")]
    interface: String,
    /// The port to listen on; 0 picks a free one
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Open the site in the default browser
    #[arg(long)]
    open: bool,
    /// Look for changes every 500 ms instead of asking the system (for network
    /// or container file systems that report no changes)
    #[arg(long)]
    poll: bool,
}

/// Runs until stopped; exit 1 when it cannot start or the server fails.
pub(super) fn run(args: ServeArgs) -> ExitCode {
    let options = ServeOptions {
        root: args.root,
        drafts: args.drafts,
        interface: args.interface,
        port: args.port,
        poll: args.poll,
    };
    let open = args.open;
    match serve::serve(&options, move |event| tell(event, open)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Puts what `serve` does into words: the address on stdout, problems on
/// stderr; and opens the browser once the site is served, if asked to.
fn tell(event: serve::Event<'_>, open: bool) {
    match event {
        serve::Event::Exposed(ip) => eprintln!("{}", exposure_warning(ip)),
        serve::Event::Built(report) => tell_build(report),
        serve::Event::Serving { root, address } => {
            let url = format!("http://{address}/");
            println!("Serving {} at {url} (Ctrl+C to stop)", root.display());
            if open {
                open_browser(&url);
            }
        }
        serve::Event::WatcherStopped => eprintln!(
            "warning: the file watcher stopped: saves are no longer seen; restart `explainer serve`"
        ),
    }
}

fn exposure_warning(ip: IpAddr) -> String {
    format!(
        "warning: listening on {ip}: anyone who can reach this machine can read the preview, drafts included\n  = help: leave out --interface to keep it on this machine (127.0.0.1)"
    )
}

/// A build's outcome as `build` and `check` print theirs: every problem in
/// order (a good build's warnings only when they changed), then a line
/// saying what happened.
fn tell_build(report: &BuildReport) {
    for change in &report.changes {
        if let Change::Lost(reason) = change {
            eprintln!("warning: {reason}; rebuilt everything");
        }
    }
    if !report.same_warnings {
        print_diagnostics(&report.diagnostics);
    }
    match report.result {
        BuildResult::Failed { still_serving } => {
            let errors: Vec<Diagnostic> = (report.diagnostics.iter())
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            eprintln!(
                "Build failed: {}. {}",
                explainer::diagnostics::summary(&errors),
                if still_serving {
                    "Still serving the last good build; the browser shows the problems."
                } else {
                    "The browser shows the problems until they are fixed."
                }
            );
        }
        BuildResult::Served {
            pages,
            static_files,
        } => {
            let verb = if report.changes.is_empty() {
                "Built"
            } else {
                "Rebuilt"
            };
            println!(
                "{verb} {pages} pages and {static_files} static files in {} ms{}",
                report.elapsed.as_millis(),
                describe(&report.changes)
            );
        }
    }
}

/// " after changes to content/a.md and 2 more files".
fn describe(changes: &[Change]) -> String {
    let paths: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Source(path) => Some(path.clone()),
            Change::Folder(folder) => Some(format!("{folder}/")),
            Change::Lost(_) => None,
        })
        .collect();
    match paths.as_slice() {
        [] => String::new(),
        [one] => format!(" after a change to {one}"),
        [first, rest @ ..] => format!(
            " after changes to {first} and {} more file{}",
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
    }
}

fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut command = std::process::Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else {
        std::process::Command::new("xdg-open")
    };
    let opened = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(error) = opened {
        eprintln!("warning: cannot open a browser ({error}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposure_warning_names_the_address() {
        for ip in ["0.0.0.0", "192.168.1.20", "::"] {
            let warning = exposure_warning(ip.parse().expect("IP"));
            assert!(warning.starts_with(&format!("warning: listening on {ip}: ")));
        }
    }

    #[test]
    fn the_terminal_names_what_changed() {
        let source = |p: &str| Change::Source(p.to_string());
        assert_eq!(describe(&[]), "");
        assert_eq!(
            describe(&[source("content/a.md")]),
            " after a change to content/a.md"
        );
        assert_eq!(
            describe(&[
                source("content/a.md"),
                Change::Folder("static".into()),
                Change::Lost("x".into())
            ]),
            " after changes to content/a.md and 1 more file"
        );
    }
}
