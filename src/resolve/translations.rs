//! The translation files: each item found by its original's id, each field
//! checked against the original (a field the original does not have cannot be
//! translated), each Markdown field rendered and checked like the
//! original's, and each stamp compared with the original's text: a
//! translation whose original changed since is reported at its line.

use std::ops::Range;

use toml::Spanned;

use super::Resolve;
use super::fields::{Field, TrField};
use super::ids::section_slug;
use crate::FastMap;
use crate::diagnostics::{Severity, closest};
use crate::edition::{ActorTr, EventTr, Markup, SectionTr, SourceTr, Text, Texts, Translated};
use crate::load::{FileId, InOrder, Stamps, TrItems};
use crate::model::Site;

/// A short hash of an original field's text: what a translation's `from`
/// records, and compares with the original's text now.
pub fn stamp(text: &str) -> String {
    format!(
        "{:08x}",
        xxhash_rust::xxh3::xxh3_64(text.trim().as_bytes()) as u32
    )
}

/// The shortcodes of a section's text, as written, in order: a paragraph of
/// its own that starts with `{{` and ends with `}}`.
fn shortcodes(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| p.starts_with("{{") && p.ends_with("}}"))
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn listed(codes: &[String]) -> String {
    match codes.is_empty() {
        true => "none".to_string(),
        false => codes.join(", "),
    }
}

/// A translation's field, its original's text and where the stamps are.
struct Check<'s> {
    file: FileId,
    from: &'s Stamps,
}

impl Resolve<'_> {
    /// What the translation files give, one [`Texts`] per language of site.toml.
    pub(super) fn translations(&mut self, site: &Site) -> Vec<Texts> {
        let raw = self.raw;
        let mut texts: Vec<Texts> = site
            .languages
            .iter()
            .map(|l| Texts {
                lang: l.tag.clone(),
                ..Texts::default()
            })
            .collect();
        let events: FastMap<&str, &crate::load::RawEvent> = raw
            .events
            .iter()
            .map(|(_, e)| (e.id.get_ref().as_str(), &**e))
            .collect();
        for (t, translation) in raw.translations.iter().enumerate() {
            let file = translation.file;
            let Some(at) = texts.iter().position(|x| x.lang == translation.lang) else {
                let lang = &translation.lang;
                let path = self.file(file).path.clone();
                let help = match site.languages.is_empty() {
                    true => format!(
                        "to publish the story in `{lang}` too, add to content/site.toml:\n[languages.{lang}]\ntitle = \"The title in that language\""
                    ),
                    false => format!(
                        "add `{lang}` to `languages` in content/site.toml, or rename the file for one of: {}",
                        site.languages
                            .iter()
                            .map(|l| l.tag.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                self.diagnostics.push(
                    crate::diagnostics::Diagnostic::whole_file(
                        Severity::Error,
                        &path,
                        format!("this file translates into `{lang}`, a language content/site.toml does not name"),
                    )
                    .help(help),
                );
                continue;
            };
            let mut out = std::mem::take(&mut texts[at]);
            match &translation.items {
                TrItems::Section(Some(doc)) => {
                    let original = raw
                        .sections
                        .iter()
                        .find(|s| self.file(s.file).path == translation.original);
                    let Some(original) = original else {
                        self.no_original(file, &translation.original, "section");
                        texts[at] = out;
                        continue;
                    };
                    let check = Check {
                        file,
                        from: &doc.front.from,
                    };
                    let front = &original.front;
                    let body_text =
                        self.file(original.file).text[original.body.clone()].to_string();
                    let body_now = self.file(file).text[doc.body.clone()].to_string();
                    let mut tr = SectionTr {
                        title: self.text(
                            &check,
                            "title",
                            doc.front.title.as_ref(),
                            Some(front.title.get_ref()),
                        ),
                        summary: self.text(
                            &check,
                            "summary",
                            doc.front.summary.as_ref(),
                            front.summary.as_deref(),
                        ),
                        body: None,
                    };
                    let body_span = doc.body.clone();
                    if let Some(rendered) = self.markdown(Field::Tr(t, TrField::Body))
                        && !body_now.trim().is_empty()
                    {
                        let stale = self.stale(
                            &check,
                            "body",
                            &body_text,
                            body_span.start..body_span.start,
                        );
                        // The original's pictures are drawn where the
                        // translation's shortcodes stand, one for one.
                        let theirs: Vec<String> = shortcodes(&body_text);
                        let ours: Vec<String> = shortcodes(&body_now);
                        if theirs == ours {
                            tr.body = Some(Translated {
                                value: rendered.html.clone(),
                                stale,
                            });
                        } else {
                            self.error(
                                file,
                                body_span.start..body_span.start,
                                format!(
                                    "the translation's pictures ({}) are not the original's ({})",
                                    listed(&ours),
                                    listed(&theirs)
                                ),
                                "copy the original's shortcodes ({{ timeline(...) }}, {{ map(...) }}) as they are, in the same order".into(),
                            );
                        }
                    }
                    out.sections
                        .insert(section_slug(&translation.original).to_string(), tr);
                }
                TrItems::Actor(Some(doc)) => {
                    let id = crate::load::file_stem(&translation.original);
                    let original = raw.actors.iter().find(|(a, _)| a == id);
                    let Some((_, original)) = original else {
                        self.no_original(file, &translation.original, "actor");
                        texts[at] = out;
                        continue;
                    };
                    let check = Check {
                        file,
                        from: &doc.front.from,
                    };
                    let front = &original.front;
                    let tr_front = &doc.front;
                    let mut tr = ActorTr {
                        name: self.text(
                            &check,
                            "name",
                            tr_front.name.as_ref(),
                            Some(front.name.get_ref()),
                        ),
                        role: self.text(
                            &check,
                            "role",
                            tr_front.role.as_ref(),
                            front.role.as_deref(),
                        ),
                        country: self.text(
                            &check,
                            "country",
                            tr_front.country.as_ref(),
                            front.country.as_deref(),
                        ),
                        ..ActorTr::default()
                    };
                    if let Some(aliases) = &tr_front.aliases {
                        let joined = front.aliases.join("\n");
                        let stale = self.stale(&check, "aliases", &joined, aliases.span());
                        tr.aliases = Some(Translated {
                            value: aliases.get_ref().clone(),
                            stale,
                        });
                    }
                    let body_text =
                        self.file(original.file).text[original.body.clone()].to_string();
                    let body_now = self.file(file).text[doc.body.clone()].to_string();
                    let body_span = doc.body.clone();
                    if let Some(rendered) = self.markdown(Field::Tr(t, TrField::Body))
                        && !body_now.trim().is_empty()
                    {
                        let stale = self.stale(
                            &check,
                            "body",
                            &body_text,
                            body_span.start..body_span.start,
                        );
                        tr.bio = Some(Translated {
                            value: rendered.html.clone(),
                            stale,
                        });
                    }
                    let mut order = InOrder::new(front.relations.len());
                    for relation in &tr_front.relations {
                        let to = relation.to.get_ref();
                        let tos = front.relations.iter().map(|r| r.to.get_ref().as_str());
                        let Some(n) = order.next(tos, to) else {
                            let known: Vec<&str> = front
                                .relations
                                .iter()
                                .map(|r| r.to.get_ref().as_str())
                                .collect();
                            self.unknown(
                                file,
                                relation.to.span(),
                                format!("actor `{id}` has no relation to `{to}` to translate"),
                                to,
                                &known,
                            );
                            continue;
                        };
                        let check = Check {
                            file,
                            from: &relation.from,
                        };
                        let stale = self.stale(
                            &check,
                            "kind",
                            &front.relations[n].kind,
                            relation.kind.span(),
                        );
                        tr.relations.insert(
                            n,
                            Translated {
                                value: relation.kind.get_ref().trim().to_string(),
                                stale,
                            },
                        );
                    }
                    out.actors.insert(id.to_string(), tr);
                }
                TrItems::Section(None) | TrItems::Actor(None) => {}
                TrItems::Events(items) => {
                    for (n, item) in items.iter().enumerate() {
                        let id = item.id.get_ref();
                        let Some(original) = events.get(id.as_str()).copied() else {
                            let known: Vec<&str> = events.keys().copied().collect();
                            self.unknown(
                                file,
                                item.id.span(),
                                format!("there is no event `{id}` to translate"),
                                id,
                                &known,
                            );
                            continue;
                        };
                        if out.events.contains_key(id) {
                            self.error(
                                file,
                                item.id.span(),
                                format!(
                                    "event `{id}` is translated into {} twice",
                                    translation.lang
                                ),
                                "keep one translation of it, in one file".into(),
                            );
                            continue;
                        }
                        let check = Check {
                            file,
                            from: &item.from,
                        };
                        let media = original.media.as_ref().map(Spanned::get_ref);
                        let mut tr = EventTr {
                            title: self.text(
                                &check,
                                "title",
                                item.title.as_ref(),
                                Some(original.title.get_ref()),
                            ),
                            place: self.text(
                                &check,
                                "place",
                                item.place.as_ref(),
                                original.place.as_deref(),
                            ),
                            accounts_note: self.text(
                                &check,
                                "accounts_note",
                                item.accounts_note.as_ref(),
                                original.accounts_note.as_deref(),
                            ),
                            ..EventTr::default()
                        };
                        tr.summary = self.markup(
                            &check,
                            t,
                            TrField::Summary(n),
                            "summary",
                            item.summary.as_ref(),
                            original.summary.as_ref().map(|s| s.get_ref().as_str()),
                        );
                        if let Some(tr_media) = &item.media {
                            let check = Check {
                                file,
                                from: &tr_media.from,
                            };
                            tr.alt = self.text(
                                &check,
                                "alt",
                                tr_media.alt.as_ref(),
                                media.and_then(|m| m.alt.as_deref()),
                            );
                            tr.credit = self.text(
                                &check,
                                "credit",
                                tr_media.credit.as_ref(),
                                media.and_then(|m| m.credit.as_deref()),
                            );
                            tr.caption = self.markup(
                                &check,
                                t,
                                TrField::Caption(n),
                                "caption",
                                tr_media.caption.as_ref(),
                                media
                                    .and_then(|m| m.caption.as_ref())
                                    .map(|c| c.get_ref().as_str()),
                            );
                        }
                        let mut order = InOrder::new(original.accounts.len());
                        for (a, account) in item.accounts.iter().enumerate() {
                            let actor = account.actor.get_ref();
                            let actors = original
                                .accounts
                                .iter()
                                .map(|o| o.get_ref().actor.get_ref().as_str());
                            let Some(i) = order.next(actors, actor) else {
                                let known: Vec<&str> = original
                                    .accounts
                                    .iter()
                                    .map(|o| o.get_ref().actor.get_ref().as_str())
                                    .collect();
                                self.unknown(file, account.actor.span(), format!("event `{id}` has no (other) account by `{actor}` to translate"), actor, &known);
                                let _ = self.markdown(Field::Tr(t, TrField::Claim(n, a)));
                                continue;
                            };
                            let check = Check {
                                file,
                                from: &account.from,
                            };
                            let claim = self.markup(
                                &check,
                                t,
                                TrField::Claim(n, a),
                                "claim",
                                Some(&account.claim),
                                Some(original.accounts[i].get_ref().claim.get_ref()),
                            );
                            if let Some(claim) = claim {
                                tr.claims.insert(i, claim);
                            }
                        }
                        out.events.insert(id.clone(), tr);
                    }
                }
                TrItems::Sources(items) => {
                    for item in items {
                        let id = item.id.get_ref();
                        let Some((_, original)) =
                            raw.sources.iter().find(|(_, s)| s.id.get_ref() == id)
                        else {
                            let known: Vec<&str> = raw
                                .sources
                                .iter()
                                .map(|(_, s)| s.id.get_ref().as_str())
                                .collect();
                            self.unknown(
                                file,
                                item.id.span(),
                                format!("there is no source `{id}` to translate"),
                                id,
                                &known,
                            );
                            continue;
                        };
                        let check = Check {
                            file,
                            from: &item.from,
                        };
                        let tr = SourceTr {
                            title: self.text(
                                &check,
                                "title",
                                item.title.as_ref(),
                                Some(&original.title),
                            ),
                            publisher: self.text(
                                &check,
                                "publisher",
                                item.publisher.as_ref(),
                                original.publisher.as_deref(),
                            ),
                        };
                        out.sources.insert(id.clone(), tr);
                    }
                }
                TrItems::Updates(items) => {
                    for (n, item) in items.iter().enumerate() {
                        let id = item.id.get_ref();
                        let original = raw
                            .updates
                            .iter()
                            .find(|(_, u)| u.id.as_ref().is_some_and(|i| i.get_ref() == id));
                        let Some((_, original)) = original else {
                            let known: Vec<&str> = raw
                                .updates
                                .iter()
                                .filter_map(|(_, u)| u.id.as_ref().map(|i| i.get_ref().as_str()))
                                .collect();
                            self.unknown(
                                file,
                                item.id.span(),
                                format!("there is no update `{id}` to translate"),
                                id,
                                &known,
                            );
                            let _ = self.markdown(Field::Tr(t, TrField::Note(n)));
                            continue;
                        };
                        let check = Check {
                            file,
                            from: &item.from,
                        };
                        if let Some(note) = self.markup(
                            &check,
                            t,
                            TrField::Note(n),
                            "note",
                            item.note.as_ref(),
                            Some(original.note.get_ref()),
                        ) {
                            out.updates.insert(id.clone(), note);
                        }
                    }
                }
                TrItems::Eras(items) => {
                    for item in items {
                        let id = item.id.get_ref();
                        let original = raw
                            .eras
                            .iter()
                            .find(|(_, e)| e.id.as_ref().is_some_and(|i| i.get_ref() == id));
                        let Some((_, original)) = original else {
                            let known: Vec<&str> = raw
                                .eras
                                .iter()
                                .filter_map(|(_, e)| e.id.as_ref().map(|i| i.get_ref().as_str()))
                                .collect();
                            self.unknown(
                                file,
                                item.id.span(),
                                format!("there is no era `{id}` to translate"),
                                id,
                                &known,
                            );
                            continue;
                        };
                        let check = Check {
                            file,
                            from: &item.from,
                        };
                        if let Some(title) =
                            self.text(&check, "title", item.title.as_ref(), Some(&original.title))
                        {
                            out.eras.insert(id.clone(), title);
                        }
                    }
                }
            }
            texts[at] = out;
        }
        texts
    }

    /// A plain-text field: `None` when not translated. A translation of a
    /// field the original does not have is an error.
    fn text(
        &mut self,
        check: &Check,
        name: &str,
        value: Option<&Spanned<String>>,
        original: Option<&str>,
    ) -> Text {
        let value = value?;
        let Some(original) = original else {
            self.error(
                check.file,
                value.span(),
                format!("`{name}` translates nothing: the original has no `{name}`"),
                format!("remove it, or give the original a `{name}` first"),
            );
            return None;
        };
        let stale = self.stale(check, name, original, value.span());
        Some(Translated {
            value: value.get_ref().trim().to_string(),
            stale,
        })
    }

    /// A Markdown field, rendered and checked like the original's.
    fn markup(
        &mut self,
        check: &Check,
        t: usize,
        field: TrField,
        name: &str,
        value: Option<&Spanned<String>>,
        original: Option<&str>,
    ) -> Markup {
        let value = value?;
        let rendered = self.markdown(Field::Tr(t, field))?;
        let Some(original) = original else {
            self.error(
                check.file,
                value.span(),
                format!("`{name}` translates nothing: the original has no `{name}`"),
                format!("remove it, or give the original a `{name}` first"),
            );
            return None;
        };
        let stale = self.stale(check, name, original, value.span());
        Some(Translated {
            value: rendered.html.clone(),
            stale,
        })
    }

    /// Whether the original changed since the translation was stamped: a
    /// warning at the translated field when it did.
    fn stale(&mut self, check: &Check, name: &str, original: &str, span: Range<usize>) -> bool {
        let Some(stamped) = check.from.get(name) else {
            return false;
        };
        if stamped.get_ref() == &stamp(original) {
            return false;
        }
        let diagnostic = self
            .file(check.file)
            .diagnostic(Severity::Warning, span, format!("the original `{name}` has changed since this was translated"))
            .help("update the translation to say what the original now says, then run `explainer translations stamp`");
        self.diagnostics.push(diagnostic);
        true
    }

    fn no_original(&mut self, file: FileId, original: &str, what: &str) {
        let path = self.file(file).path.clone();
        self.diagnostics.push(
            crate::diagnostics::Diagnostic::whole_file(Severity::Error, &path, format!("this translates {original}, which does not exist"))
                .help(format!("name the file after the {what} it translates, with the language before the extension")),
        );
    }

    fn unknown(
        &mut self,
        file: FileId,
        span: Range<usize>,
        message: String,
        id: &str,
        known: &[&str],
    ) {
        // The ids come from maps: name them in one order, build after build.
        let mut known = known.to_vec();
        known.sort_unstable();
        let help = match closest(id, known.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None if known.is_empty() => {
                "remove it: there is nothing of that kind to translate".to_string()
            }
            None => format!("write one of: {}", known.join(", ")),
        };
        self.error(file, span, message, help);
    }
}
