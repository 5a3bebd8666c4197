//! A tiny builder for fixture stories in temp folders, and helpers that read built sites.

#![allow(dead_code)] // Each test binary uses its own share of the helpers.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub const SITE: &str = "title = \"Fixture story\"\nbase_url = \"https://example.org/fixture/\"\n";

/// A story folder in a temp dir, written file by file.
pub struct Story {
    pub dir: TempDir,
}

impl Story {
    /// A story with only `content/site.toml`.
    pub fn new() -> Story {
        let story = Story {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        story.file("content/site.toml", SITE)
    }

    /// A small complete story: two sections, three events, three actors, sources.
    pub fn small() -> Story {
        Story::new()
            .file(
                "content/story/01-what-happened.md",
                "+++\ntitle = \"What happened\"\nweight = 10\n+++\n[Anna](actor:anna) met [Bob](actor:bob) at [the meeting](event:meeting).\n",
            )
            .file(
                "content/story/02-why.md",
                "+++\ntitle = \"Why it matters\"\nweight = 20\n+++\nAs [said above](section:what-happened), it matters.\n",
            )
            .file(
                "content/events/all.toml",
                r#"[[event]]
id = "meeting"
date = "2024-06"
title = "Anna meets Bob"
summary = "They meet; see [Anna](actor:anna)."
actors = ["anna", "bob"]
sources = ["report"]

[[event.accounts]]
actor = "anna"
claim = "It was *friendly*."
sources = ["report"]

[[event.accounts]]
actor = "bob"
claim = "It was tense."
stance = "disputes"

[[event]]
id = "founding"
date = "1991"
title = "The club is founded"
actors = ["club"]
sources = ["report"]

[[event]]
id = "vote"
date = "2024-06-03"
title = "The club votes"
actors = ["club", "anna"]
sources = ["report"]
"#,
            )
            .file(
                "content/actors/anna.md",
                "+++\nname = \"Anna\"\nkind = \"person\"\nrole = \"Chair\"\n\n[[relations]]\nto = \"club\"\nkind = \"chair of\"\n+++\nAnna chairs [the club](actor:club).\n",
            )
            .file("content/actors/bob.md", "+++\nname = \"Bob\"\nkind = \"person\"\n+++\nBob.\n")
            .file("content/actors/club.md", "+++\nname = \"The Club\"\nkind = \"organization\"\n+++\nA club.\n")
            .file(
                "content/sources.toml",
                "[[source]]\nid = \"report\"\ntitle = \"The report\"\n",
            )
    }

    pub fn file(self, path: &str, text: &str) -> Story {
        let target = self.dir.path().join(path);
        fs::create_dir_all(target.parent().expect("parent")).expect("create folders");
        fs::write(target, text).expect("write fixture file");
        self
    }

    pub fn without(self, path: &str) -> Story {
        fs::remove_file(self.dir.path().join(path)).expect("remove fixture file");
        self
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    /// Runs the `explainer` binary with `args` and `--root` set to this story.
    pub fn run(&self, args: &[&str]) -> Output {
        explainer(args, self.root())
    }

    /// Builds and panics with the diagnostics if the build fails.
    pub fn build(&self, extra: &[&str]) -> Site {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        let output = self.run(&args);
        assert!(
            output.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        Site::read(&self.public())
    }
}

/// The default story (the repository's own content), built into a temp dir.
pub fn default_story() -> Site {
    let out = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = explainer(
        &[
            "build",
            "--output",
            out.path().to_str().expect("UTF-8 path"),
        ],
        root,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    Site::read(out.path())
}

pub fn explainer(args: &[&str], root: &Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_explainer"));
    command.args(args).arg("--root").arg(root);
    command.output().expect("run explainer")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file of a built site, by path relative to the output folder.
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Site {
    pub fn read(dir: &Path) -> Site {
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(dir) {
            let entry = entry.expect("walk output");
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(dir).expect("inside");
                let rel = rel.to_string_lossy().replace('\\', "/");
                files.insert(rel, fs::read(entry.path()).expect("read output"));
            }
        }
        Site { files }
    }

    pub fn page(&self, path: &str) -> String {
        let bytes = self.files.get(path).unwrap_or_else(|| {
            panic!(
                "no page {path}; have {:?}",
                self.files.keys().collect::<Vec<_>>()
            )
        });
        String::from_utf8(bytes.clone()).expect("UTF-8 page")
    }

    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn html_pages(&self) -> impl Iterator<Item = (&String, String)> {
        self.files
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, bytes)| (path, String::from_utf8_lossy(bytes).into_owned()))
    }

    /// Every internal link or asset that does not resolve to a file (or to an id
    /// on the target page), as "page: href". 404.html is skipped: its links start
    /// at the site's own path on the host.
    pub fn broken_links(&self) -> Vec<String> {
        let mut broken = Vec::new();
        for (page, html) in self.html_pages() {
            if page == "404.html" || page.ends_with("/404.html") {
                continue;
            }
            for href in attribute_values(&html, &["href", "src"]) {
                if href.contains("://") || href.starts_with("mailto:") || href.starts_with("data:")
                {
                    continue;
                }
                if let Err(reason) = self.resolve(page, &href) {
                    broken.push(format!("{page}: {href} ({reason})"));
                }
            }
        }
        broken
    }

    /// The file (and fragment) a relative `href` on `page` points at.
    pub fn resolve(&self, page: &str, href: &str) -> Result<String, String> {
        if href.starts_with('/') {
            return Err("links must be relative".into());
        }
        let (path, fragment) = href.split_once('#').unwrap_or((href, ""));
        let mut parts: Vec<&str> = page.split('/').collect();
        parts.pop();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop().ok_or("goes above the site root")?;
                }
                other => parts.push(other),
            }
        }
        let mut target = parts.join("/");
        if path.is_empty() {
            target = page.to_string();
        } else if path.ends_with('/') || target.is_empty() {
            target = if target.is_empty() {
                "index.html".into()
            } else {
                format!("{target}/index.html")
            };
        }
        if !self.has(&target) {
            return Err(format!("no file {target}"));
        }
        if !fragment.is_empty() {
            let html = self.page(&target);
            if !html.contains(&format!("id=\"{fragment}\"")) {
                return Err(format!("no id {fragment} in {target}"));
            }
        }
        Ok(target)
    }
}

/// The values of the named attributes anywhere in `html` (enough for our own output).
pub fn attribute_values(html: &str, names: &[&str]) -> Vec<String> {
    let mut values = Vec::new();
    for name in names {
        let needle = format!(" {name}=\"");
        let mut rest = html;
        while let Some(at) = rest.find(&needle) {
            rest = &rest[at + needle.len()..];
            if let Some(end) = rest.find('"') {
                values.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    values
}
