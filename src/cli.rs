//! Command-line parsing (clap derive) and dispatch; printing happens here only.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use explainer::BuildOptions;
use explainer::diagnostics::Diagnostic;
use explainer::links::{LinkOptions, LinkReport};
use explainer::scaffold::{self, Item};
use explainer::serve::{self, BuildReport, BuildResult, ServeOptions};
use explainer::timelinejs;
use explainer::watch::Change;

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
    Build {
        #[command(flatten)]
        story: StoryArgs,
        /// Where to write the site [default: ROOT/public]
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Override base_url from content/site.toml
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Build, serve on 127.0.0.1 and rebuild on every change, with live reload
    Serve(ServeArgs),
    /// Start a new story folder that builds at once
    Init(InitArgs),
    /// Add a section, event or actor with a fresh id
    New(NewArgs),
    /// Import events from another tool's format
    Import(ImportArgs),
    /// Check the story for errors without writing anything
    Check {
        #[command(flatten)]
        story: StoryArgs,
        /// Fail on warnings too
        #[arg(long)]
        deny_warnings: bool,
        /// How to print the problems
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        links: LinkArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Options of `explainer serve`.
#[derive(clap::Args)]
struct ServeArgs {
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include sections marked `draft = true`
    #[arg(long)]
    drafts: bool,
    /// The interface to listen on; anything but 127.0.0.1 exposes the preview
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

/// Options of `explainer init`.
#[derive(clap::Args)]
struct InitArgs {
    /// The new story's folder; it must be empty or not exist
    dir: PathBuf,
    /// The story's title [default: a placeholder to replace]
    #[arg(long)]
    title: Option<String>,
}

/// Options of `explainer new`.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  explainer new section \"What happened in Yekaterinburg\"
  explainer new event \"Two brothers die in custody\" --date 2025-06
  explainer new event \"Raids\" --date 2025-06-27 --file content/events/crisis.toml
  explainer new actor \"Hüseyn Səfərov\" --kind person

The id comes from the title, in lowercase ASCII (\"Hüseyn Səfərov\" -> huseyn-seferov),
with -2, -3... when it is taken. The new file's path is printed on standard output.")]
struct NewArgs {
    #[command(subcommand)]
    item: NewItem,
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".", global = true)]
    root: PathBuf,
}

/// What `explainer new` adds.
#[derive(Subcommand)]
enum NewItem {
    /// A story section: content/story/NN-<id>.md, placed after the last section
    Section {
        /// The section's title
        title: String,
    },
    /// A timeline event: an [[event]] table appended to a file in content/events/
    Event {
        /// The event's title
        title: String,
        /// When it happened: "YYYY", "YYYY-MM" or "YYYY-MM-DD"
        #[arg(long)]
        date: String,
        /// When it ended, if it lasted: same forms as --date
        #[arg(long)]
        end_date: Option<String>,
        /// The events file to add it to, like content/events/crisis.toml
        /// [default: the only events file, or content/events/events.toml when there is none]
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// An actor (person, state, organization...): content/actors/<id>.md
    Actor {
        /// The actor's name
        name: String,
        /// What kind of actor it is
        #[arg(long, value_parser = ["person", "state", "organization", "group", "media"])]
        kind: String,
    },
}

impl From<NewItem> for Item {
    fn from(item: NewItem) -> Item {
        match item {
            NewItem::Section { title } => Item::Section { title },
            NewItem::Event {
                title,
                date,
                end_date,
                file,
            } => Item::Event {
                title,
                date,
                end_date,
                file,
            },
            NewItem::Actor { name, kind } => Item::Actor { name, kind },
        }
    }
}

/// Options of `explainer import`.
#[derive(clap::Args)]
#[command(after_help = "\
Reads the columns of TimelineJS's Google Sheets template (File > Download >
Comma-separated values): Year, Month, Day, Time, End Year, End Month, End Day,
End Time, Display Date, Headline, Text, Media, Media Credit, Media Caption,
Media Thumbnail, Type, Group, Background, and Alt Text when the sheet has it.
Each row becomes an [[event]]; a `title` row sets the site's title and dek if
the story has none; `era` rows are added to content/eras.toml. Rows that cannot
be converted are reported with their row number (the header is row 1).")]
struct ImportArgs {
    /// The format to import
    #[arg(value_enum)]
    format: ImportFormat,
    /// The spreadsheet, saved as CSV
    file: PathBuf,
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The events file to write [default: content/events/<name of the CSV>.toml]
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Replace the events file if it exists
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportFormat {
    /// A TimelineJS Google Sheets template saved as CSV
    Timelinejs,
}

/// The switches of `explainer check` for links.
#[derive(clap::Args)]
struct LinkArgs {
    /// Also check every link to another website over HTTP (uses the network)
    #[arg(long)]
    links: bool,
    /// The most time one link may take, redirects included
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "10",
        value_parser = parse_seconds,
        requires = "links"
    )]
    link_timeout: Duration,
}

impl LinkArgs {
    fn options(&self) -> LinkOptions {
        LinkOptions {
            timeout: self.link_timeout,
            ..LinkOptions::default()
        }
    }
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds <= 3600.0 => Ok(Duration::from_secs_f64(seconds)),
        _ => Err(format!(
            "`{text}` is not a number of seconds: write one like 10 or 2.5"
        )),
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            story,
            output,
            base_url,
        } => build(BuildOptions {
            root: story.root,
            output,
            base_url,
            drafts: story.drafts,
        }),
        Command::Check {
            story,
            deny_warnings,
            format,
            links,
        } => {
            let options = BuildOptions {
                drafts: story.drafts,
                ..BuildOptions::new(story.root)
            };
            check(&options, deny_warnings, format, &links)
        }
        Command::Serve(args) => serve(args),
        Command::Init(args) => init(args),
        Command::New(args) => new(args),
        Command::Import(args) => import(args),
    }
}

fn build(options: BuildOptions) -> ExitCode {
    let output = options.output_dir();
    match explainer::build(&options) {
        Ok(built) => {
            print_diagnostics(&built.warnings);
            let warnings = if built.warnings.is_empty() {
                String::new()
            } else {
                format!(
                    ", with {}",
                    explainer::diagnostics::summary(&built.warnings)
                )
            };
            println!(
                "Built {} pages and {} static files into {} in {} ms{warnings}",
                built.pages,
                built.static_files,
                output.display(),
                built.elapsed.as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            eprintln!(
                "Build failed: {}. {} was left as it was.",
                explainer::diagnostics::summary(&diagnostics),
                output.display()
            );
            ExitCode::FAILURE
        }
    }
}

/// Exit 0 when clean, 1 on errors (or on warnings with `--deny-warnings`);
/// clap exits 2 on a usage error before this runs. With `--links`, the links'
/// problems join the others; a story with errors has its links left unchecked.
fn check(
    options: &BuildOptions,
    deny_warnings: bool,
    format: Format,
    links: &LinkArgs,
) -> ExitCode {
    let mut diagnostics = explainer::check(options);
    if links.links {
        match explainer::links::check_story(options, &links.options()) {
            Some(report) => {
                eprintln!("{}", link_summary(&report));
                if let Some(problem) = &report.cache_problem {
                    eprintln!("The link cache was not saved: {problem}");
                }
                diagnostics = report.add_to(diagnostics);
            }
            None => eprintln!("Links were not checked: the story has errors; fix them first."),
        }
    }
    let errors = diagnostics.iter().any(Diagnostic::is_error);
    let failed = errors || (deny_warnings && !diagnostics.is_empty());
    match format {
        Format::Human => {
            print_diagnostics(&diagnostics);
            let summary = explainer::diagnostics::summary(&diagnostics);
            if diagnostics.is_empty() {
                println!("No problems found.");
            } else if failed && !errors {
                eprintln!("Found {summary}: --deny-warnings makes warnings fail the check.");
            } else {
                eprintln!("Found {summary}.");
            }
        }
        // Diagnostics are plain strings and numbers: they always serialize.
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&diagnostics).unwrap_or_default()
        ),
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs until stopped; exit 1 when it cannot start or the server fails.
fn serve(args: ServeArgs) -> ExitCode {
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

fn init(args: InitArgs) -> ExitCode {
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

/// The new file's path on stdout, for scripts; the line for the editor on stderr.
fn new(args: NewArgs) -> ExitCode {
    match scaffold::add(&args.root, &args.item.into()) {
        Ok(added) => {
            println!("{}", shown_path(&args.root, &added.path));
            eprintln!("{}", added.hint);
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!("{failure}");
            ExitCode::FAILURE
        }
    }
}

/// `root/path` as the user can type it: without a leading `./`.
fn shown_path(root: &Path, path: &str) -> String {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        path.to_string()
    } else {
        root.join(path).display().to_string()
    }
}

/// What was imported on stdout, what was not on stderr, then what `check`
/// thinks of the story now. Exit 1 when a row was left out or no event came in.
fn import(args: ImportArgs) -> ExitCode {
    let ImportFormat::Timelinejs = args.format;
    let imported =
        timelinejs::import_file(&args.root, &args.file, args.output.as_deref(), args.force);
    let report = match imported {
        Ok(report) => report,
        Err(failure) => {
            eprint!("{failure}");
            return ExitCode::FAILURE;
        }
    };
    for problem in report.grouped_problems() {
        eprint!("{problem}");
    }
    match &report.events_file {
        Some(file) => println!("Imported {} into {file}.", count(report.events, "event")),
        None => println!("Imported no event."),
    }
    if report.eras_added + report.eras_already_there > 0 {
        let mut line = format!(
            "Added {} to content/eras.toml",
            count(report.eras_added, "era")
        );
        if report.eras_already_there > 0 {
            line.push_str(&format!(
                " ({} already there)",
                count(report.eras_already_there, "era")
            ));
        }
        println!("{line}.");
    }
    for line in &report.title {
        println!("{line}");
    }
    let skipped = report.skipped_rows();
    if !skipped.is_empty() {
        let rows: Vec<String> = skipped.iter().map(usize::to_string).collect();
        eprintln!(
            "Not imported: {} ({}). Correct them in the spreadsheet and import it again with --force, or add them by hand.",
            count(skipped.len(), "row"),
            rows.join(", ")
        );
    }
    let diagnostics = explainer::check(&BuildOptions::new(&args.root));
    if diagnostics.is_empty() {
        println!("`explainer check` finds no problem.");
    } else {
        println!(
            "`explainer check` now finds {}: run it to see where.",
            explainer::diagnostics::summary(&diagnostics)
        );
    }
    if skipped.is_empty() && report.events_file.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// "1 event", "2 events".
fn count(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// "Checked 12 links (3 from cache) in 1.4 s".
fn link_summary(report: &LinkReport) -> String {
    let plural = if report.checked == 1 { "" } else { "s" };
    format!(
        "Checked {} link{plural} ({} from cache) in {:.1} s",
        report.checked,
        report.from_cache,
        report.elapsed.as_secs_f64()
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_timeouts_are_positive_numbers_of_seconds() {
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("ten").is_err());
        assert_eq!(parse_seconds("1.5"), Ok(Duration::from_millis(1500)));
    }

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
