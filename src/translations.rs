//! `explainer translations`: what each edition lacks and what is out of
//! date, and `explainer translations stamp`, which records in each
//! translation what it was translated from (see `docs/translations.md`).
//!
//! Stamping edits translation files in place with `toml_edit`, which keeps
//! their comments and layout: only the `from` tables change. A file is
//! written through a temporary name in its folder and a rename, and only
//! when its text changed.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use crate::diagnostics::{Diagnostic, SourceFile};
use crate::load::{self, InOrder, RawStory, TrItems, split_front_matter};
use crate::resolve::stamp;
use crate::{BuildOptions, pipeline};

/// One language's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageReport {
    pub lang: String,
    /// "event `x`: title, summary", for each item with a field not translated.
    pub missing: Vec<String>,
    /// Where a translation is older than its original: the warning `check` gives.
    pub stale: Vec<Diagnostic>,
    /// Translated fields with no stamp yet.
    pub unstamped: usize,
    pub stamped: usize,
}

/// What `explainer translations` reports: one entry per other edition.
pub fn report(options: &BuildOptions) -> Result<Vec<LanguageReport>, Vec<Diagnostic>> {
    let (story, diagnostics, raw) = pipeline::load_story_and_raw(options);
    let Some(story) = story else {
        return Err(diagnostics);
    };
    let mut reports: Vec<LanguageReport> = story
        .site
        .languages
        .iter()
        .map(|l| LanguageReport {
            lang: l.tag.clone(),
            ..LanguageReport::default()
        })
        .collect();
    for (n, texts) in story.texts.iter().enumerate() {
        let (_, missing) = crate::edition::edition(
            &story,
            texts,
            story.locales[n + 1].clone(),
            story.editions.clone(),
            n + 1,
        );
        reports[n].missing = missing.items;
    }
    for diagnostic in diagnostics {
        if !diagnostic
            .message
            .contains("has changed since this was translated")
        {
            continue;
        }
        let lang = load::split_language(&diagnostic.path).map(|(l, _)| l.to_string());
        if let Some(report) = reports.iter_mut().find(|r| Some(&r.lang) == lang.as_ref()) {
            report.stale.push(diagnostic);
        }
    }
    for (translation, _, edit) in edits(&raw, None) {
        if let Some(report) = reports.iter_mut().find(|r| r.lang == translation.lang) {
            report.stamped += edit.stamped;
            report.unstamped += edit.unstamped;
        }
    }
    Ok(reports)
}

/// Stamps every translated field of `lang` (or of every language) as
/// translated from its original as it is now. Returns the files changed.
pub fn stamp_all(root: &Path, lang: Option<&str>) -> Result<Vec<String>, Vec<Diagnostic>> {
    // Only a story free of errors is stamped: a stamp says "checked". It is
    // loaded as a build loads it, static files included, so that its
    // pictures are found.
    let (story, diagnostics, raw) = pipeline::load_story_and_raw(&BuildOptions::new(root));
    if story.is_none() || diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let mut changed = Vec::new();
    let files = edits(&raw, lang).filter(|(_, file, edit)| edit.text != file.text);
    for (_, file, edit) in files {
        let (path, text) = (&file.path, edit.text);
        let full = root.join(path);
        let folder = full.parent().unwrap_or(root);
        let mut temp = tempfile::NamedTempFile::new_in(folder).map_err(|e| vec![cannot(e)])?;
        io::Write::write_all(&mut temp, text.as_bytes()).map_err(|e| vec![cannot(e)])?;
        temp.persist(&full).map_err(|e| vec![cannot(e.error)])?;
        changed.push(path.clone());
    }
    Ok(changed)
}

fn cannot(error: io::Error) -> Diagnostic {
    Diagnostic::whole_file(
        crate::diagnostics::Severity::Error,
        "",
        format!("cannot read or write a translation: {error}"),
    )
}

/// Each translation file of `lang` (or of every language), with what
/// stamping it gives.
fn edits<'r>(
    raw: &'r RawStory,
    lang: Option<&'r str>,
) -> impl Iterator<Item = (&'r load::Translation, &'r SourceFile, Edit)> {
    raw.translations
        .iter()
        .filter(move |t| lang.is_none_or(|l| l == t.lang))
        .filter_map(|translation| {
            let file = raw.file(translation.file);
            let edit = edit_file(raw, translation, &file.text)?;
            Some((translation, file, edit))
        })
}

/// A translation file with every translated field stamped.
struct Edit {
    text: String,
    /// Fields whose stamp was there and right, and fields without one.
    stamped: usize,
    unstamped: usize,
}

/// Counts and stamps the fields of one table against their originals.
struct Stamper {
    stamped: usize,
    unstamped: usize,
}

impl Stamper {
    /// Stamps `table`'s fields named in `originals` that it translates.
    fn table(&mut self, table: &mut Table, originals: &[(&str, Option<String>)]) {
        let before: BTreeMap<String, String> = table
            .get("from")
            .and_then(Item::as_inline_table)
            .map(|t| {
                t.iter()
                    .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let mut from = InlineTable::new();
        for (name, original) in originals {
            let Some(original) = original else { continue };
            let translated = match *name {
                "body" => true,
                name => table.contains_key(name),
            };
            if !translated {
                continue;
            }
            let hash = stamp(original);
            // A stamp that no longer matches is out of date, which `check`
            // reports; only a field with no stamp at all is unstamped.
            match before.contains_key(*name) {
                true => self.stamped += 1,
                false => self.unstamped += 1,
            }
            from.insert(*name, Value::from(hash));
        }
        if from.is_empty() {
            table.remove("from");
        } else {
            table.insert("from", Item::Value(Value::InlineTable(from)));
        }
    }
}

/// A table's text value at `name`, or nothing.
fn key(table: &Table, name: &str) -> String {
    table
        .get(name)
        .and_then(Item::as_str)
        .unwrap_or("")
        .to_string()
}

fn edit_file(raw: &RawStory, translation: &load::Translation, text: &str) -> Option<Edit> {
    let mut stamper = Stamper {
        stamped: 0,
        unstamped: 0,
    };
    let text = match &translation.items {
        TrItems::Section(_) | TrItems::Actor(_) => {
            let (front, body) = split_front_matter(text).ok()?;
            let mut doc: DocumentMut = text[front.clone()].parse().ok()?;
            let body_text = &text[body];
            let has_body = !body_text.trim().is_empty();
            if let TrItems::Section(_) = translation.items {
                let original = raw
                    .sections
                    .iter()
                    .find(|s| raw.file(s.file).path == translation.original)?;
                let original_body = raw.file(original.file).text[original.body.clone()].to_string();
                let fields = [
                    ("title", Some(original.front.title.get_ref().clone())),
                    ("summary", original.front.summary.clone()),
                    ("body", has_body.then_some(original_body)),
                ];
                stamper.table(doc.as_table_mut(), &fields);
            } else {
                let id = load::file_stem(&translation.original);
                let (_, original) = raw.actors.iter().find(|(a, _)| a == id)?;
                let front = &original.front;
                let original_body = raw.file(original.file).text[original.body.clone()].to_string();
                let fields = [
                    ("name", Some(front.name.get_ref().clone())),
                    ("role", front.role.clone()),
                    ("country", front.country.clone()),
                    ("aliases", Some(front.aliases.join("\n"))),
                    ("body", has_body.then_some(original_body)),
                ];
                stamper.table(doc.as_table_mut(), &fields);
                if let Some(relations) = doc
                    .get_mut("relations")
                    .and_then(Item::as_array_of_tables_mut)
                {
                    let mut order = InOrder::new(front.relations.len());
                    for relation in relations.iter_mut() {
                        let to = key(relation, "to");
                        let tos = front.relations.iter().map(|r| r.to.get_ref().as_str());
                        let kind = order
                            .next(tos, &to)
                            .map(|n| front.relations[n].kind.clone());
                        stamper.table(relation, &[("kind", kind)]);
                    }
                }
            }
            let mut front_text = doc.to_string();
            if !front_text.ends_with('\n') {
                front_text.push('\n');
            }
            format!(
                "{}{}{}",
                &text[..front.start],
                front_text,
                &text[front.end..]
            )
        }
        TrItems::Events(_) => {
            let mut doc: DocumentMut = text.parse().ok()?;
            let tables = doc
                .get_mut("event")
                .and_then(Item::as_array_of_tables_mut)?;
            for table in tables.iter_mut() {
                let id = key(table, "id");
                let Some((_, original)) = raw.events.iter().find(|(_, e)| e.id.get_ref() == &id)
                else {
                    continue;
                };
                let fields = [
                    ("title", Some(original.title.get_ref().clone())),
                    (
                        "summary",
                        original.summary.as_ref().map(|s| s.get_ref().clone()),
                    ),
                    ("place", original.place.clone()),
                    ("accounts_note", original.accounts_note.clone()),
                ];
                stamper.table(table, &fields);
                let media = original.media.as_ref().map(|m| m.get_ref());
                if let Some(tr_media) = table.get_mut("media").and_then(Item::as_table_mut) {
                    let fields = [
                        ("alt", media.and_then(|m| m.alt.clone())),
                        (
                            "caption",
                            media.and_then(|m| m.caption.as_ref().map(|c| c.get_ref().clone())),
                        ),
                        ("credit", media.and_then(|m| m.credit.clone())),
                    ];
                    stamper.table(tr_media, &fields);
                }
                if let Some(accounts) = table
                    .get_mut("accounts")
                    .and_then(Item::as_array_of_tables_mut)
                {
                    let mut order = InOrder::new(original.accounts.len());
                    for account in accounts.iter_mut() {
                        let actor = key(account, "actor");
                        let actors = original
                            .accounts
                            .iter()
                            .map(|o| o.get_ref().actor.get_ref().as_str());
                        let claim = order
                            .next(actors, &actor)
                            .map(|i| original.accounts[i].get_ref().claim.get_ref().clone());
                        stamper.table(account, &[("claim", claim)]);
                    }
                }
            }
            doc.to_string()
        }
        TrItems::Sources(_) | TrItems::Updates(_) | TrItems::Eras(_) => {
            let mut doc: DocumentMut = text.parse().ok()?;
            let name = match translation.items {
                TrItems::Sources(_) => "source",
                TrItems::Updates(_) => "update",
                _ => "era",
            };
            let tables = doc.get_mut(name).and_then(Item::as_array_of_tables_mut)?;
            for table in tables.iter_mut() {
                let id = key(table, "id");
                let fields: Vec<(&str, Option<String>)> = match name {
                    "source" => {
                        let Some((_, s)) = raw.sources.iter().find(|(_, s)| s.id.get_ref() == &id)
                        else {
                            continue;
                        };
                        vec![
                            ("title", Some(s.title.clone())),
                            ("publisher", s.publisher.clone()),
                        ]
                    }
                    "update" => {
                        let found = raw
                            .updates
                            .iter()
                            .find(|(_, u)| u.id.as_ref().is_some_and(|i| i.get_ref() == &id));
                        let Some((_, u)) = found else { continue };
                        vec![("note", Some(u.note.get_ref().clone()))]
                    }
                    _ => {
                        let found = raw
                            .eras
                            .iter()
                            .find(|(_, e)| e.id.as_ref().is_some_and(|i| i.get_ref() == &id));
                        let Some((_, e)) = found else { continue };
                        vec![("title", Some(e.title.clone()))]
                    }
                };
                stamper.table(table, &fields);
            }
            doc.to_string()
        }
    };
    Some(Edit {
        text,
        stamped: stamper.stamped,
        unstamped: stamper.unstamped,
    })
}
