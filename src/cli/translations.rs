//! `explainer translations`: per language, what is not translated yet and
//! what is out of date; `explainer translations stamp` records that the
//! translations are up to date with their originals.

use std::process::ExitCode;

use explainer::BuildOptions;

use super::print_diagnostics;

/// Options of `explainer translations`.
#[derive(clap::Args)]
pub(super) struct TranslationsArgs {
    #[command(subcommand)]
    action: Option<Action>,
    /// The story folder (the one holding content/)
    #[arg(long, default_value = ".", global = true)]
    root: std::path::PathBuf,
    /// Only this language, like `ru`
    #[arg(long, global = true)]
    lang: Option<String>,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Record in every translated field what it was translated from: run it
    /// after translating or checking a translation
    Stamp,
}

pub(super) fn run(args: TranslationsArgs) -> ExitCode {
    let root = args.root.clone();
    match args.action {
        Some(Action::Stamp) => {
            match explainer::translations::stamp_all(&root, args.lang.as_deref()) {
                Ok(changed) if changed.is_empty() => {
                    println!("Every translation is stamped already.");
                    ExitCode::SUCCESS
                }
                Ok(changed) => {
                    for path in &changed {
                        println!("stamped {path}");
                    }
                    println!(
                        "Stamped {} file{}.",
                        changed.len(),
                        if changed.len() == 1 { "" } else { "s" }
                    );
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => {
                    print_diagnostics(&diagnostics);
                    eprintln!(
                        "Nothing was stamped: fix the errors first, so that a stamp means the translation was checked."
                    );
                    ExitCode::FAILURE
                }
            }
        }
        None => {
            let options = BuildOptions::new(root);
            match explainer::translations::report(&options) {
                Ok(reports) if reports.is_empty() => {
                    println!(
                        "This story has one language: site.toml names no other (see docs/translations.md)."
                    );
                    ExitCode::SUCCESS
                }
                Ok(reports) => {
                    for report in reports
                        .iter()
                        .filter(|r| args.lang.as_ref().is_none_or(|l| *l == r.lang))
                    {
                        println!(
                            "{}: {} not translated, {} out of date, {} field{} not stamped",
                            report.lang,
                            report.missing.len(),
                            report.stale.len(),
                            report.unstamped,
                            if report.unstamped == 1 { "" } else { "s" },
                        );
                        for item in &report.missing {
                            println!("  not translated: {item}");
                        }
                        for stale in &report.stale {
                            println!(
                                "  out of date: {}:{}:{} {}",
                                stale.path, stale.line, stale.column, stale.message
                            );
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => {
                    print_diagnostics(&diagnostics);
                    ExitCode::FAILURE
                }
            }
        }
    }
}
