//! How a build changes its output folder: only the files whose bytes
//! changed are written, unchanged files keep their inode and modification
//! time, files no longer made are removed, and a build killed at any moment
//! is repaired by the next one into exactly what a clean build makes.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::{Site, Story, stderr};

const MANIFEST: &str = ".explainer-manifest";

/// Each file's and folder's identity: inode, modification time (ns) and size.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, i64, i64, u64)> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|entry| {
            let entry = entry.expect("walk output");
            let meta = entry.metadata().expect("stat");
            let path = entry.path().strip_prefix(dir).expect("inside");
            let path = path.to_string_lossy().into_owned();
            (
                path,
                (meta.ino(), meta.mtime(), meta.mtime_nsec(), meta.size()),
            )
        })
        .collect()
}

/// The site's files, the manifest among them: the same site has the same
/// manifest, byte for byte.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    Site::read(dir).files
}

/// The manifest's lines.
fn manifest(dir: &Path) -> Vec<String> {
    let text = fs::read_to_string(dir.join(MANIFEST)).expect("the manifest");
    text.lines().map(str::to_string).collect()
}

fn build(story: &Story, output: &Path) -> String {
    let built = story.run(&["build", "--output", output.to_str().expect("UTF-8 path")]);
    assert!(built.status.success(), "{}", stderr(&built));
    String::from_utf8(built.stdout).expect("UTF-8 output")
}

/// The clean build's files and manifest, in a folder of its own.
fn clean(story: &Story) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("clean");
    build(story, &output);
    (files(&output), manifest(&output))
}

/// Changes a page by hand without changing its size, a moment after the
/// build, so that only its time tells it apart.
fn deface_keeping_its_size(page: &Path) {
    let same_size = fs::read_to_string(page)
        .expect("a page")
        .replacen("<", "[", 1);
    std::thread::sleep(Duration::from_millis(10));
    fs::write(page, same_size).expect("deface a page, keeping its size");
}

fn edit(story: &Story, path: &str, from: &str, to: &str) {
    let file = story.root().join(path);
    let text = fs::read_to_string(&file).expect("read content");
    assert!(text.contains(from), "{path} has no {from:?}");
    fs::write(&file, text.replacen(from, to, 1)).expect("write content");
}

#[test]
fn a_rebuild_with_nothing_changed_touches_no_file() {
    let story = Story::small();
    let output = story.public();
    build(&story, &output);
    let before = stamps(&output);
    let said = build(&story, &output);
    assert!(said.contains(" (nothing changed) in "), "{said}");
    assert_eq!(stamps(&output), before);
}

#[test]
fn an_edit_writes_only_the_files_whose_bytes_changed() {
    let story = Story::small();
    let output = story.public();
    build(&story, &output);
    let before_stamps = stamps(&output);
    let before = files(&output);

    edit(
        &story,
        "content/events/all.toml",
        "The club votes",
        "The club votes again",
    );
    let said = build(&story, &output);

    let after_stamps = stamps(&output);
    let after = files(&output);
    let touched: Vec<&String> = after_stamps
        .iter()
        .filter(|(path, stamp)| {
            let is_file = output.join(path).is_file();
            is_file && before_stamps.get(*path) != Some(stamp)
        })
        .map(|(path, _)| path)
        .collect();
    let mut differing: Vec<&String> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    differing.sort();
    assert_eq!(touched, differing, "written: exactly the changed files");
    assert!(touched.contains(&&"events/vote/index.html".to_string()));
    assert!(!touched.contains(&&"events/founding/index.html".to_string()));
    assert!(differing.contains(&&MANIFEST.to_string()));
    assert!(
        said.contains(&format!(" ({} files written) in ", differing.len() - 1)),
        "{said}"
    );
    assert_eq!((after, manifest(&output)), clean(&story));
}

#[test]
fn pages_no_longer_made_and_files_put_there_by_hand_are_removed() {
    let story = Story::small();
    let output = story.public();
    build(&story, &output);
    // By hand: a stray file and folder, a page changed, another deleted.
    fs::write(output.join("stray.txt"), "x").expect("stray file");
    fs::create_dir_all(output.join("events/stray/deeper")).expect("stray folder");
    fs::write(output.join("events/stray/deeper/index.html"), "x").expect("stray page");
    fs::write(output.join("actors/bob/index.html"), "defaced").expect("deface a page");
    fs::remove_file(output.join("sources/index.html")).expect("delete a page");
    // Changed by hand to the same size: told by its time, newer than the manifest.
    deface_keeping_its_size(&output.join("events/vote/index.html"));
    // And an event removed from the story.
    edit(
        &story,
        "content/events/all.toml",
        "[[event]]\nid = \"founding\"\ndate = \"1991\"\ntitle = \"The club is founded\"\nactors = [\"club\"]\nsources = [\"report\"]\n",
        "",
    );
    let said = build(&story, &output);
    assert!(said.contains(" removed) in "), "{said}");
    assert!(!output.join("events/founding").exists());
    assert!(!output.join("events/stray").exists());
    assert_eq!((files(&output), manifest(&output)), clean(&story));
}

/// A build after an edit to an event's text makes only the pages that can
/// show it and leaves the others as the output holds them, but only those
/// the output holds as the last build left them: pages changed, shrunk or
/// deleted by hand since are made again, edit or not.
#[test]
fn pages_an_edit_cannot_change_are_kept_unless_changed_by_hand() {
    let story = Story::small();
    let output = story.public();
    build(&story, &output);
    assert!(output.join(".explainer-prints").is_file());
    // None of these shows the vote: Bob is not in it, the founding is not
    // next to it, it has no competing accounts.
    fs::write(output.join("actors/bob/index.html"), "defaced").expect("deface a page");
    fs::remove_file(output.join("accounts/index.html")).expect("delete a page");
    deface_keeping_its_size(&output.join("events/founding/index.html"));
    let untouched = stamps(&output)["actors/index.html"];
    edit(
        &story,
        "content/events/all.toml",
        "The club votes",
        "The club votes again",
    );
    build(&story, &output);
    assert_eq!((files(&output), manifest(&output)), clean(&story));
    assert_eq!(stamps(&output)["actors/index.html"], untouched);
}

#[test]
fn a_build_with_errors_touches_nothing() {
    let story = Story::small();
    let output = story.public();
    build(&story, &output);
    let before = stamps(&output);
    let parent = fs::read_dir(story.root()).expect("story folder").count();
    edit(
        &story,
        "content/events/all.toml",
        "date = \"1991\"",
        "date = \"1991-13\"",
    );
    let failed = story.run(&["build"]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert_eq!(stamps(&output), before);
    assert_eq!(
        fs::read_dir(story.root()).expect("story folder").count(),
        parent
    );
}

#[test]
fn swap_replaces_every_file_and_leaves_the_same_site() {
    let story = Story::small();
    let output = story.public();
    build(&story, &output);
    let before = stamps(&output);
    let swapped = story.run(&["build", "--swap"]);
    assert!(swapped.status.success(), "{}", stderr(&swapped));
    let after = stamps(&output);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    assert!(
        before["index.html"].0 != after["index.html"].0,
        "a new file, not the old one"
    );
    assert_eq!((files(&output), manifest(&output)), clean(&story));
}

/// Builds killed at many moments (with the story changing between builds,
/// so each has files to write and remove): the next build always ends with
/// the clean build's site.
#[test]
fn a_build_killed_at_any_moment_is_repaired_by_the_next() {
    let story = Story::small();
    let output = story.public();
    let versions = [
        ("The club votes", "The club votes twice"),
        ("The club votes twice", "The club votes"),
    ];
    let extra = "content/events/extra.toml";
    build(&story, &output);
    for round in 0..24u64 {
        let (from, to) = versions[(round % 2) as usize];
        edit(&story, "content/events/all.toml", from, to);
        // Every other round an event (and its page) comes or goes.
        if round % 4 < 2 {
            fs::write(
                story.root().join(extra),
                format!("[[event]]\nid = \"extra-{round}\"\ndate = \"2020\"\ntitle = \"Extra {round}\"\nactors = [\"club\"]\nsources = [\"report\"]\n"),
            )
            .expect("add an event");
        } else if story.root().join(extra).exists() {
            fs::remove_file(story.root().join(extra)).expect("remove an event");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_explainer"))
            .args(["build", "--root"])
            .arg(story.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a build");
        // Spread over a debug build's run, from before it writes to after it ends.
        std::thread::sleep(Duration::from_micros(round * 1_200));
        child.kill().ok();
        child.wait().expect("the killed build");
        build(&story, &output);
        assert_eq!(
            (files(&output), manifest(&output)),
            clean(&story),
            "after the build killed in round {round}"
        );
    }
}
