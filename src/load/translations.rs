//! Translations of the story into the other editions' languages: what a
//! translation file may hold (the `Tr*` structs) and how files are named.
//!
//! A translation of a content file is its sibling with the language before
//! the extension (`01-what-happened.ru.md`, `crisis.ru.toml`). Each struct
//! lists the fields readers read and nothing else, so that a field that
//! cannot be translated (`date`, `actors`...) is an error at its line.
//! `from` holds the stamps `explainer translations stamp` writes: a short
//! hash of each original field, by field name.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{Document, FileId};

/// Hashes of the original fields a translation was made from, by field.
pub type Stamps = BTreeMap<String, Spanned<String>>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrSection {
    pub title: Option<Spanned<String>>,
    pub summary: Option<Spanned<String>>,
    #[serde(default)]
    pub from: Stamps,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrRelation {
    pub to: Spanned<String>,
    pub kind: Spanned<String>,
    #[serde(default)]
    pub from: Stamps,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrActor {
    pub name: Option<Spanned<String>>,
    pub role: Option<Spanned<String>>,
    pub country: Option<Spanned<String>>,
    pub aliases: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub relations: Vec<TrRelation>,
    #[serde(default)]
    pub from: Stamps,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrMedia {
    pub alt: Option<Spanned<String>>,
    pub caption: Option<Spanned<String>>,
    pub credit: Option<Spanned<String>>,
    #[serde(default)]
    pub from: Stamps,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrAccount {
    pub actor: Spanned<String>,
    pub claim: Spanned<String>,
    #[serde(default)]
    pub from: Stamps,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrEvent {
    pub id: Spanned<String>,
    pub title: Option<Spanned<String>>,
    pub summary: Option<Spanned<String>>,
    pub place: Option<Spanned<String>>,
    pub accounts_note: Option<Spanned<String>>,
    pub media: Option<TrMedia>,
    #[serde(default)]
    pub accounts: Vec<TrAccount>,
    #[serde(default)]
    pub from: Stamps,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrSource {
    pub id: Spanned<String>,
    pub title: Option<Spanned<String>>,
    pub publisher: Option<Spanned<String>>,
    #[serde(default)]
    pub from: Stamps,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrUpdate {
    pub id: Spanned<String>,
    pub note: Option<Spanned<String>>,
    #[serde(default)]
    pub from: Stamps,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrEra {
    pub id: Spanned<String>,
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub from: Stamps,
}

/// What kind of file a translation translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrKind {
    Section,
    Actor,
    Events,
    Sources,
    Updates,
    Eras,
}

/// The translated items of one file.
#[derive(Debug, Clone)]
pub enum TrItems {
    /// A section's translation, by the original's path (`content/story/01-x.md`).
    Section(Option<Document<TrSection>>),
    /// An actor's, by the original's id (the file stem).
    Actor(Option<Document<TrActor>>),
    Events(Vec<TrEvent>),
    Sources(Vec<TrSource>),
    Updates(Vec<TrUpdate>),
    Eras(Vec<TrEra>),
}

/// One translation file, read.
#[derive(Debug, Clone)]
pub struct Translation {
    pub file: FileId,
    /// The language, from the file name: `ru`.
    pub lang: String,
    /// The original's path: `content/story/01-x.md`, `content/events/crisis.toml`.
    pub original: String,
    pub items: TrItems,
}

/// Pairs translations with their originals by a key that may repeat (an
/// account's actor, a relation's `to`): the n-th translation naming a key
/// translates the n-th original with it.
pub struct InOrder {
    used: Vec<bool>,
}

impl InOrder {
    pub fn new(originals: usize) -> InOrder {
        InOrder {
            used: vec![false; originals],
        }
    }

    /// The place among the originals' `keys` of the next one with `key`.
    pub fn next<'k>(&mut self, keys: impl Iterator<Item = &'k str>, key: &str) -> Option<usize> {
        let used = &mut self.used;
        let found = keys
            .enumerate()
            .position(|(i, k)| !used.get(i).copied().unwrap_or(true) && k == key)?;
        used[found] = true;
        Some(found)
    }
}

/// The language a file's name gives it (`01-x.ru.md` -> `ru`) and the
/// original's name, or `None` for a file that is not a translation.
pub fn split_language(path: &str) -> Option<(&str, String)> {
    let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
    let (stem, ext) = name.rsplit_once('.')?;
    let (original, lang) = stem.rsplit_once('.')?;
    if original.is_empty() || !is_language_tag(lang) {
        return None;
    }
    let original = match folder {
        "" => format!("{original}.{ext}"),
        folder => format!("{folder}/{original}.{ext}"),
    };
    Some((lang, original))
}

/// `en`, `az`, `ru`, `en-US`, `pt-BR`, `zh-Hant`: a BCP 47 language tag as
/// file names and site.toml write it.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("");
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_is_named_by_its_language_before_the_extension() {
        assert_eq!(
            split_language("content/story/01-what-happened.ru.md"),
            Some(("ru", "content/story/01-what-happened.md".to_string()))
        );
        assert_eq!(
            split_language("content/eras.az.toml"),
            Some(("az", "content/eras.toml".to_string()))
        );
        assert_eq!(
            split_language("content/events/crisis.pt-BR.toml"),
            Some(("pt-BR", "content/events/crisis.toml".to_string()))
        );
        for original in [
            "content/story/01-what-happened.md",
            "content/events/v2.0.toml",
            "content/actors/.ru.md",
            "content/actors/x.RU.md",
        ] {
            assert_eq!(split_language(original), None, "{original}");
        }
    }
}
