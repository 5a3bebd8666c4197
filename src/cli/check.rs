//! `explainer check`: every problem of the story, and with `--links` of its
//! links to other websites, without writing anything.

use std::process::ExitCode;
use std::time::Duration;

use clap::ValueEnum;

use explainer::BuildOptions;
use explainer::diagnostics::Diagnostic;
use explainer::links::{LinkOptions, LinkReport};

use super::{StoryArgs, print_diagnostics};

/// Options of `explainer check`.
#[derive(clap::Args)]
pub(super) struct CheckArgs {
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
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
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

/// Exit 0 when clean, 1 on errors (or on warnings with `--deny-warnings`);
/// clap exits 2 on a usage error before this runs. With `--links`, the links'
/// problems join the others; a story with errors has its links left unchecked.
pub(super) fn run(args: CheckArgs) -> ExitCode {
    let CheckArgs {
        story,
        deny_warnings,
        format,
        links,
    } = args;
    let options = BuildOptions {
        drafts: story.drafts,
        ..BuildOptions::new(story.root)
    };
    let mut diagnostics = explainer::check(&options);
    if links.links {
        match explainer::links::check_story(&options, &links.options()) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_timeouts_are_positive_numbers_of_seconds() {
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("ten").is_err());
        assert_eq!(parse_seconds("1.5"), Ok(Duration::from_millis(1500)));
    }
}
