//! Sources (`content/sources.toml`): each checked for its web addresses and
//! date; and a warning for each source that nothing cites.

use super::Resolve;
use crate::model::{Ix, Source, SourceIx};
use crate::plan::web_address_help;

impl Resolve<'_> {
    pub(super) fn sources(&mut self) -> Vec<Source> {
        let raw = self.raw;
        let mut sources = Vec::new();
        for (file, source) in &raw.sources {
            let file = *file;
            for url in [&source.url, &source.archive_url].into_iter().flatten() {
                let text = url.get_ref();
                if text.starts_with("https://") || text.starts_with("http://") {
                    self.link_site(file, url.span(), text);
                }
                if !(text.starts_with("https://") || text.starts_with("http://")) {
                    self.error(
                        file,
                        url.span(),
                        format!("`{text}` is not an http(s) address"),
                        web_address_help(text),
                    );
                }
            }
            let accessed = source
                .accessed
                .as_ref()
                .and_then(|d| self.toml_date(file, d));
            sources.push(Source {
                id: source.id.get_ref().clone(),
                title: source.title.clone(),
                publisher: source.publisher.clone(),
                url: source.url.as_ref().map(|u| u.get_ref().clone()),
                accessed,
                archive_url: source.archive_url.as_ref().map(|u| u.get_ref().clone()),
                language: source.language.clone(),
            });
        }
        sources
    }

    /// Warns about each source that nothing cites.
    pub(super) fn warn_unused_sources(&mut self) {
        let raw = self.raw;
        for (at, (file, source)) in raw.sources.iter().enumerate() {
            // Sources keep the order of content/sources.toml.
            let index = SourceIx::new(at);
            let id = source.id.get_ref();
            let known = self.ids.sources.get(id) == Some(&index);
            let maybe_cited = raw.broken.mentioned.contains(id);
            if known && self.source_uses[index] == 0 && !maybe_cited {
                self.diagnostics.warning_help(
                    raw.file(*file),
                    source.id.span(),
                    format!("source `{id}` is cited by nothing"),
                    format!(
                        "cite it from an event or account with sources = [\"{id}\"], or remove it"
                    ),
                );
            }
        }
    }
}
