//! Writes a synthetic story for measuring explainer, the same for the same seed.
//!
//! ```text
//! cargo run --release --example gen_story -- --size M --out /tmp/story-m
//! cargo run --release --example gen_story -- --events 10000 --actors 1000 --sections 200 --out DIR
//! ```
//!
//! Options: `--size S|M|L` (8/40/15, 50/1,000/200 or 200/10,000/1,000 sections,
//! events and actors), or any of `--sections N --events N --actors N` (they
//! override the size, which defaults to S); `--years N` spreads the events
//! over the last N years up to 2025 (default 34, from 1992; `--years 1` with
//! `--size M` makes a dense story of 1,000 events in 2025); `--seed N` (decimal or 0x hex);
//! `--out DIR`, which must not exist or be empty. The generator itself is
//! `benches/support/story.rs`, shared with `benches/build.rs`.

#[path = "../benches/support/story.rs"]
mod story;

use std::path::PathBuf;
use std::process::ExitCode;

use story::{DEFAULT_SEED, SIZES, Shape};

const USAGE: &str = "usage: gen_story [--size S|M|L] [--sections N] [--events N] [--actors N] [--years N] [--seed N] --out DIR";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen_story: {message}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut shape = SIZES[0].1;
    let mut seed = DEFAULT_SEED;
    let mut out = None;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            return Ok(());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--size" => {
                shape = SIZES
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(&value))
                    .map(|(_, shape)| *shape)
                    .ok_or_else(|| format!("unknown size `{value}`: write S, M or L"))?;
            }
            "--sections" => shape.sections = number(&flag, &value)?,
            "--events" => shape.events = number(&flag, &value)?,
            "--actors" => shape.actors = number(&flag, &value)?,
            "--years" => shape.years = number(&flag, &value)?.min(story::YEARS),
            "--seed" => seed = seed_value(&value)?,
            "--out" => out = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown option `{flag}`")),
        }
    }
    let out = out.ok_or("`--out DIR` is required")?;
    if out
        .read_dir()
        .is_ok_and(|mut entries| entries.next().is_some())
    {
        return Err(format!(
            "{} is not empty: choose a new folder",
            out.display()
        ));
    }
    let written = story::generate(shape, seed, &out).map_err(|e| e.to_string())?;
    let Shape {
        sections,
        events,
        actors,
        ..
    } = shape;
    println!(
        "wrote {sections} sections, {events} events, {actors} actors to {} ({} files, {} bytes; seed {seed:#x})",
        out.display(),
        written.files,
        written.bytes
    );
    println!(
        "an event to edit: `{}` in {}",
        written.first_event, written.event_file
    );
    Ok(())
}

fn number(flag: &str, value: &str) -> Result<usize, String> {
    match value.replace('_', "").parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "`{flag}` needs a whole number above 0, not `{value}`"
        )),
    }
}

fn seed_value(value: &str) -> Result<u64, String> {
    let parsed = match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => value.replace('_', "").parse(),
    };
    parsed.map_err(|_| format!("`--seed` needs a number like 42 or 0x2a, not `{value}`"))
}
