//! The site settings (`content/site.toml`): where the site is published, its
//! language and dates, each checked.

use super::Resolve;
use crate::model::{Author, PER_PAGE, Publisher, Site, Split};
use crate::plan;

impl Resolve<'_> {
    pub(super) fn site(&mut self) -> Option<Site> {
        let (file, raw) = self.raw.site.as_ref()?;
        let file = *file;
        let given = raw.base_url.get_ref();
        let base_url = match plan::check_base_url(given, "`base_url`") {
            Ok(base_url) => base_url,
            Err(bad) => {
                self.error(file, raw.base_url.span(), bad.message, bad.help);
                format!("{}/", given.trim().trim_end_matches('/'))
            }
        };
        let language = raw
            .language
            .as_ref()
            .map_or("en".to_string(), |l| l.get_ref().clone());
        if let Some(spanned) = &raw.language
            && !is_language_tag(&language)
        {
            self.error(
                file,
                spanned.span(),
                format!("`{language}` is not a language tag"),
                "write a tag like \"en\", \"az\", \"ru\" or \"en-GB\"".into(),
            );
        }
        let mut allowed_hosts = Vec::new();
        for host in &raw.allowed_hosts {
            let text = host.get_ref().trim().to_ascii_lowercase();
            let name = text.strip_prefix("*.").unwrap_or(&text);
            let valid = name.contains('.')
                && name.split('.').all(|label| {
                    !label.is_empty()
                        && !label.starts_with('-')
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                });
            if valid {
                allowed_hosts.push(text);
            } else {
                self.error(
                    file,
                    host.span(),
                    format!("`{}` is not a host name", host.get_ref()),
                    "write the host alone, like \"cdn.example.org\", or \"*.example.org\" for all of its subdomains".into(),
                );
            }
        }
        let published = raw.published.as_ref().and_then(|d| self.toml_date(file, d));
        let updated = raw.updated.as_ref().and_then(|d| self.toml_date(file, d));
        let timeline_split = self.timeline_split(file);
        let per_page = self.per_page(file);
        let tag_labels = raw
            .tags
            .iter()
            .map(|(tag, label)| (tag.clone(), label.get_ref().trim().to_string()))
            .collect();
        let languages = self.languages(file, &language);
        let authors = raw
            .authors
            .iter()
            .map(|author| Author {
                name: author.name.get_ref().trim().to_string(),
                url: author.url.as_ref().and_then(|url| self.web_url(file, url)),
            })
            .collect();
        let publisher = raw.publisher.as_ref().map(|publisher| Publisher {
            name: publisher.name.get_ref().trim().to_string(),
            url: publisher
                .url
                .as_ref()
                .and_then(|url| self.web_url(file, url)),
            logo: publisher.logo.as_ref().map(|logo| {
                let path = logo.get_ref().trim().trim_start_matches('/');
                let path = path.strip_prefix("static/").unwrap_or(path).to_string();
                self.check_static(file, logo.span(), &path);
                path
            }),
        });
        Some(Site {
            title: raw.title.get_ref().clone(),
            subtitle: raw.subtitle.clone(),
            description: raw.description.clone(),
            base_url,
            language,
            published,
            updated,
            minify: raw.minify,
            allowed_hosts,
            timeline_split,
            per_page,
            tag_pages: raw.tag_pages,
            tag_labels,
            languages,
            authors,
            publisher,
            share_cards: !self
                .raw
                .static_paths
                .contains(crate::render::OWN_SHARE_MARK),
            event_share_cards: raw.event_share_cards,
        })
    }

    /// An address of another site (an author's page, the newsroom's site):
    /// a plain http(s) address, or an error at its place.
    fn web_url(
        &mut self,
        file: crate::load::FileId,
        written: &toml::Spanned<String>,
    ) -> Option<String> {
        let url = written.get_ref().trim();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        let host = rest.map_or("", |rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
        let bad_char = url
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`{}|^".contains(*c));
        if rest.is_some() && !host.is_empty() && !host.contains('@') && bad_char.is_none() {
            return Some(url.to_string());
        }
        let (message, help) = match bad_char {
            Some(c) if rest.is_some() => (
                format!("the address `{url}` cannot contain {c:?}"),
                "write the address as a browser shows it".to_string(),
            ),
            _ => (
                format!("`{url}` is not an http(s) address"),
                plan::web_address_help(url),
            ),
        };
        self.error(file, written.span(), message, help);
        None
    }

    /// The other editions' languages: `languages = ["az", "ru"]` or
    /// `[languages.ru]` tables.
    fn languages(
        &mut self,
        file: crate::load::FileId,
        default: &str,
    ) -> Vec<crate::model::Language> {
        let Some((_, raw)) = self.raw.site.as_ref() else {
            return Vec::new();
        };
        let Some(given) = &raw.languages else {
            return Vec::new();
        };
        let span = given.span();
        let mut found: Vec<(std::ops::Range<usize>, crate::model::Language)> = Vec::new();
        let text =
            |v: Option<&toml::Value>| v.and_then(|v| v.as_str()).map(|s| s.trim().to_string());
        match given.get_ref() {
            toml::Value::Array(tags) => {
                for tag in tags {
                    let tag = tag.as_str().unwrap_or_default().to_string();
                    found.push((
                        span.clone(),
                        crate::model::Language {
                            tag,
                            ..Default::default()
                        },
                    ));
                }
            }
            toml::Value::Table(tables) => {
                for (tag, table) in tables {
                    let Some(table) = table.as_table() else {
                        self.error(
                            file,
                            span.clone(),
                            format!("`languages.{tag}` must be a table"),
                            format!("write [languages.{tag}] with title = \"...\" under it"),
                        );
                        continue;
                    };
                    for key in table.keys() {
                        if !["title", "subtitle", "description", "tags"].contains(&key.as_str()) {
                            self.error(
                                file,
                                span.clone(),
                                format!("unknown key `{key}` in [languages.{tag}]"),
                                "the keys allowed here are: title, subtitle, description, tags"
                                    .into(),
                            );
                        }
                    }
                    let tag_labels = table
                        .get("tags")
                        .and_then(|t| t.as_table())
                        .map(|t| {
                            t.iter()
                                .filter_map(|(k, v)| {
                                    Some((k.clone(), v.as_str()?.trim().to_string()))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    found.push((
                        span.clone(),
                        crate::model::Language {
                            tag: tag.clone(),
                            title: text(table.get("title")),
                            subtitle: text(table.get("subtitle")),
                            description: text(table.get("description")),
                            tag_labels,
                        },
                    ));
                }
            }
            _ => self.error(
                file,
                span.clone(),
                "`languages` must list the other editions' languages".into(),
                "write languages = [\"az\", \"ru\"], or a [languages.ru] table per language".into(),
            ),
        }
        let mut languages: Vec<crate::model::Language> = Vec::new();
        for (span, language) in found {
            let tag = &language.tag;
            if !crate::load::is_language_tag(tag) {
                self.error(
                    file,
                    span,
                    format!("`{tag}` is not a language tag"),
                    "write a tag like \"az\", \"ru\" or \"pt-BR\"".into(),
                );
            } else if tag == default {
                self.error(file, span, format!("`{tag}` is the site's own language"), "list only the other editions' languages in `languages`; `language` names the default".into());
            } else if languages.iter().any(|l| l.tag.eq_ignore_ascii_case(tag)) {
                self.error(
                    file,
                    span,
                    format!("`{tag}` is named twice"),
                    "name each language once".into(),
                );
            } else {
                languages.push(language);
            }
        }
        languages
    }

    /// With `tag_pages`, every tag is part of an address (`tags/ID/`): it
    /// must read like an id. A label in `[tags]` for a tag no event has is
    /// a warning: a misspelt tag, or one that is no longer used.
    pub(super) fn check_tags(&mut self) {
        let raw = self.raw;
        let Some((site_file, site)) = raw.site.as_ref() else {
            return;
        };
        let mut used = std::collections::BTreeSet::new();
        for (file, event) in &raw.events {
            for tag in &event.tags {
                used.insert(tag.as_str());
                if site.tag_pages && !is_tag_id(tag) {
                    self.error(
                        *file,
                        event.id.span(),
                        format!(
                            "the tag \"{tag}\" of event `{}` cannot be a page's address",
                            event.id.get_ref()
                        ),
                        format!(
                            "with `tag_pages = true`, write tags in lowercase letters, digits and dashes, like \"{}\"; show readers another name with a label in [tags] in site.toml",
                            tag_id(tag)
                        ),
                    );
                }
            }
        }
        for (tag, label) in &site.tags {
            if used.contains(tag.as_str()) {
                continue;
            }
            let known: Vec<&str> = used.iter().copied().collect();
            let help = match crate::diagnostics::closest(tag, known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "label a tag some event has, or remove the line".to_string(),
            };
            let file = raw.file(*site_file);
            self.diagnostics.warning_help(
                file,
                label.span(),
                format!("no event has the tag `{tag}`"),
                help,
            );
        }
    }

    /// `timeline_split`: one of [`Split::ALL`]; "auto" when not given or wrong.
    fn timeline_split(&mut self, file: crate::load::FileId) -> Split {
        let Some((_, raw)) = self.raw.site.as_ref() else {
            return Split::Auto;
        };
        let Some(written) = raw.timeline_split.clone() else {
            return Split::Auto;
        };
        let text = written.get_ref().trim();
        if let Some((_, split)) = Split::ALL.iter().find(|(name, _)| *name == text) {
            return *split;
        }
        let names: Vec<String> = Split::ALL.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        self.error(
            file,
            written.span(),
            format!("`timeline_split` cannot be \"{}\"", written.get_ref()),
            format!(
                "write one of {}: \"auto\" keeps one page while every event fits `per_page`",
                names.join(", ")
            ),
        );
        Split::Auto
    }

    /// `per_page`: a whole number from 10 to 10,000; [`PER_PAGE`] when not given or wrong.
    fn per_page(&mut self, file: crate::load::FileId) -> usize {
        let Some((_, raw)) = self.raw.site.as_ref() else {
            return PER_PAGE;
        };
        let Some(written) = raw.per_page.clone() else {
            return PER_PAGE;
        };
        match usize::try_from(*written.get_ref()) {
            Ok(n) if (10..=10_000).contains(&n) => n,
            _ => {
                self.error(
                    file,
                    written.span(),
                    format!("`per_page` cannot be {}", written.get_ref()),
                    format!("write a whole number from 10 to 10000, like {PER_PAGE}"),
                );
                PER_PAGE
            }
        }
    }
}

/// Whether a tag can stand in an address: lowercase letters, digits and dashes.
fn is_tag_id(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 80
        && !tag.starts_with('-')
        && !tag.ends_with('-')
        && tag
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A tag made into an id, for the help: "Human rights" -> "human-rights".
fn tag_id(tag: &str) -> String {
    let mut id = String::new();
    for c in tag.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_string()
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}
