//! Times what `serve` does on a save, in this process: one cached build of a
//! story, then N edits of one event's title (or, with `-` for the id, of a
//! paragraph added at the end of the file, as `scripts/bench-reload.sh` does
//! to a section), each followed by a cached rebuild, as `serve` makes it
//! (data files deferred, pictures kept).
//!
//! ```text
//! cargo run --release --example gen_story -- --size L --out /tmp/story-l
//! cargo run --release --example edit_timing -- /tmp/story-l content/events/FILE.toml EVENT-ID [EDITS]
//! cargo run --release --example edit_timing -- . content/story/01-what-happened.md - [EDITS]
//! ```
//!
//! Prints each rebuild's wall time and the median. The file is restored at the end.

#[path = "../benches/support/story.rs"]
#[allow(dead_code)] // Only the title finder: the generator is gen_story's.
mod story;

use std::path::PathBuf;
use std::time::Instant;

use explainer::render::RenderOptions;
use explainer::{BuildOptions, Cache, make_site_cached};

// The allocator the command uses, so the figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, file, id, rest @ ..] = args.as_slice() else {
        eprintln!("usage: edit_timing ROOT FILE EVENT-ID|- [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = rest.first().and_then(|n| n.parse().ok()).unwrap_or(10);
    let root = PathBuf::from(root);
    let file = root.join(file);
    let original = std::fs::read_to_string(&file).expect("read the file to edit");
    let edit = |n: usize| match id.as_str() {
        "-" => format!("{original}\nBenchmark save {n}.\n"),
        _ => {
            let title_line = story::title_line(&original, id).expect("the event's title");
            let title = format!("{} (edit {n})\"", title_line.trim_end_matches('"'));
            original.replacen(&title_line, &title, 1)
        }
    };
    let options = BuildOptions::new(&root);
    let render = RenderOptions {
        live_reload: Some("/_explainer/live.js?build=~build~".to_string()),
        defer_data: true,
        previous_output: None,
        pictures: true,
    };
    let mut cache = Cache::default();
    let started = Instant::now();
    let (site, _) = make_site_cached(&options, &render, &mut cache);
    assert!(site.is_some(), "the story builds");
    eprintln!("first build: {:?}", started.elapsed());
    let mut times = Vec::new();
    for n in 0..edits {
        std::fs::write(&file, edit(n)).expect("save");
        let started = Instant::now();
        let (site, _) = make_site_cached(&options, &render, &mut cache);
        let took = started.elapsed();
        let site = site.expect("the story builds");
        drop(site);
        eprintln!("edit {n}: {took:?}");
        if std::env::var_os("MADE").is_some() {
            eprintln!("made: {:?}", cache.made_pages());
        }
        times.push(took);
    }
    std::fs::write(&file, original).expect("restore the file");
    times.sort();
    eprintln!("median: {:?}", times[times.len() / 2]);
}
