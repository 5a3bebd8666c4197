//! The placeholders `explainer init` writes ("Person A", "First event:
//! replace this title", a base_url on `example.invalid`) are warned about
//! where they still stand, so that `check --deny-warnings`, what a deploy
//! should run, fails until they are replaced. A story fresh from `init`
//! still builds: they are warnings, not errors.
//!
//! The texts are read off the scaffold itself, so a new placeholder there is
//! caught here without a second list to keep.

use std::sync::{Arc, OnceLock};

use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile};
use crate::scaffold;
use crate::{FastMap, FastSet};

/// Keys whose scaffold values are placeholders; ids, kinds and dates are not.
const TEXT_KEYS: [&str; 11] = [
    "title",
    "subtitle",
    "description",
    "summary",
    "name",
    "role",
    "country",
    "place",
    "claim",
    "publisher",
    "note",
];

/// The reserved top-level domain (RFC 2606) of the scaffold's addresses.
const PLACEHOLDER_HOST: &str = ".invalid";

/// `key = "value"` on one line: the key and the value's byte range in the line.
fn key_value(line: &str) -> Option<(&str, std::ops::Range<usize>)> {
    let (key, rest) = line.split_once('=')?;
    let key = key.trim();
    let value = rest.trim_start();
    let start = line.len() - value.len() + 1;
    let inner = value.strip_prefix('"')?;
    let end = inner.find('"')?;
    (!key.is_empty()).then_some((key, start..start + end))
}

/// The scaffold's placeholder texts: its values of [`TEXT_KEYS`] and the
/// first line of each Markdown body; and the longest one's length, past
/// which a text is not looked up.
fn texts() -> &'static (FastSet<String>, usize) {
    static TEXTS: OnceLock<(FastSet<String>, usize)> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let mut texts = FastSet::default();
        for (path, text) in scaffold::files() {
            if !path.starts_with("content/") {
                continue;
            }
            for line in text.lines() {
                if let Some((key, value)) = key_value(line)
                    && TEXT_KEYS.contains(&key)
                {
                    texts.insert(line[value].to_string());
                }
            }
            if let Some(body) = path
                .ends_with(".md")
                .then(|| text.splitn(3, "+++").nth(2))
                .flatten()
                && let Some(first) = body.lines().find(|line| !line.trim().is_empty())
            {
                texts.insert(first.trim().to_string());
            }
        }
        let longest = texts.iter().map(String::len).max().unwrap_or(0);
        (texts, longest)
    })
}

/// The placeholder warnings of each file, by path, with the file they were
/// found in: a file whose text is the same has the same warnings.
pub(super) type Found = FastMap<String, (Arc<SourceFile>, Vec<Diagnostic>)>;

/// Warns at every placeholder still in the story's files, which are read
/// on all cores: every line of every file is looked at, unless `seen` has
/// the warnings of the same text. `seen` is left holding these files'.
pub(super) fn warn(
    files: &[Arc<SourceFile>],
    diagnostics: &mut Diagnostics,
    seen: Option<&mut Found>,
) {
    use rayon::prelude::*;
    let before = seen.as_deref();
    let found: Vec<(&Arc<SourceFile>, Vec<Diagnostic>)> = files
        .par_iter()
        .filter(|f| f.path.starts_with("content/"))
        .map(|file| {
            // The load cache shares an unchanged file: mostly the same one.
            let kept = before
                .and_then(|before| before.get(&file.path))
                .filter(|(was, _)| Arc::ptr_eq(was, file) || was.text == file.text);
            let found = match kept {
                Some((_, found)) => found.clone(),
                None => {
                    let mut found = Diagnostics::default();
                    warn_in(file, &mut found);
                    found.into_sorted()
                }
            };
            (file, found)
        })
        .collect();
    // The warnings are kept for the next run only where one will come
    // (`serve`): a build does not spell every file's path again for nothing.
    let mut now = seen.as_ref().map(|_| FastMap::default());
    for (file, found) in found {
        for diagnostic in &found {
            diagnostics.push(diagnostic.clone());
        }
        if let Some(now) = now.as_mut() {
            now.insert(file.path.clone(), (Arc::clone(file), found));
        }
    }
    if let (Some(seen), Some(now)) = (seen, now) {
        *seen = now;
    }
}

/// [`warn`] in one file.
fn warn_in(file: &SourceFile, diagnostics: &mut Diagnostics) {
    let (texts, longest) = texts();
    // An address is a placeholder only on the placeholder host: in a file
    // that never names it, only a text key's line can hold a placeholder.
    let addresses = file.text.contains(PLACEHOLDER_HOST);
    // Most lines and values are longer than any placeholder: not hashed.
    let placeholder = |text: &str| text.len() <= *longest && texts.contains(text);
    let mut offset = 0;
    let markdown = file.path.ends_with(".md");
    let mut fences = 0;
    for line in lines(&file.text) {
        let at = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if markdown && line.trim() == "+++" {
            fences += 1;
            continue;
        }
        let in_body = markdown && fences >= 2;
        if in_body {
            if placeholder(line.trim()) {
                let start = at + (line.len() - line.trim_start().len());
                diagnostics.warning_help(
                    file,
                    start..start + line.trim().len(),
                    "this is the placeholder text `explainer init` wrote",
                    "replace it with the story's own text before publishing",
                );
            }
            continue;
        }
        // Most lines are not a text key's (prose in a long string, ids,
        // dates): they are passed over without looking for `=` and `"`.
        let trimmed = line.trim_start();
        if !addresses && !TEXT_KEYS.iter().any(|key| trimmed.starts_with(key)) {
            continue;
        }
        let Some((key, value)) = key_value(line) else {
            continue;
        };
        let text = &line[value.clone()];
        let span = at + value.start..at + value.end;
        if TEXT_KEYS.contains(&key) && placeholder(text) {
            diagnostics.warning_help(
                file,
                span,
                format!("`{key}` is still the placeholder `explainer init` wrote"),
                format!("replace it with the story's own {key} before publishing"),
            );
        } else if (key == "base_url" || key.ends_with("url")) && is_placeholder_address(text) {
            diagnostics.warning_help(
                file,
                span,
                format!("`{key}` is a placeholder address: nothing is published at {text}"),
                match key {
                    "base_url" => "write the address the site will be published at, like https://news.example.org/my-story/",
                    _ => "write the source's real address, or remove the line",
                },
            );
        }
    }
}

/// The lines of `text`, each with its `\n`, as `split_inclusive('\n')` cuts
/// them, the ends found with SIMD: every line of every file is looked at,
/// most of them short.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1);
    let mut start = 0;
    ends.chain(std::iter::once(text.len()))
        .filter_map(move |end| {
            let line = &text[start..end];
            start = end;
            (!line.is_empty()).then_some(line)
        })
}

/// An address on the reserved `.invalid` domain, which the scaffold uses.
fn is_placeholder_address(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', ':', '?', '#']).next().unwrap_or("");
    host.ends_with(PLACEHOLDER_HOST)
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn lines_are_cut_after_each_line_end() {
        fn cut(text: &str) -> Vec<&str> {
            lines(text).collect()
        }
        assert_eq!(cut(""), Vec::<&str>::new());
        assert_eq!(cut("\n"), ["\n"]);
        assert_eq!(cut("a\r\n\nb"), ["a\r\n", "\n", "b"]);
        assert_eq!(cut("title = \"ё\"\n"), ["title = \"ё\"\n"]);
    }

    proptest::proptest! {
        #[test]
        fn lines_are_what_split_inclusive_makes(text in "[a\n\r ё=\"\u{2028}]{0,40}") {
            let now: Vec<&str> = lines(&text).collect();
            let split: Vec<&str> = text.split_inclusive('\n').collect();
            proptest::prop_assert_eq!(now, split);
        }
    }
}
