//! The site settings (`content/site.toml`): where the site is published, its
//! language and dates, each checked.

use super::Resolve;
use crate::model::Site;

impl Resolve<'_> {
    pub(super) fn site(&mut self) -> Option<Site> {
        let (file, raw) = self.raw.site.as_ref()?;
        let file = *file;
        let mut base_url = raw.base_url.get_ref().trim().to_string();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            let help = if base_url.contains("://") || !base_url.contains('.') {
                "write where the site will be published, like \"https://example.org/my-story/\""
                    .to_string()
            } else {
                web_address_help(&base_url)
            };
            self.error(
                file,
                raw.base_url.span(),
                "`base_url` must be a full http(s) address".into(),
                help,
            );
        }
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
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
        let published = raw.published.as_ref().and_then(|d| self.toml_date(file, d));
        let updated = raw.updated.as_ref().and_then(|d| self.toml_date(file, d));
        Some(Site {
            title: raw.title.get_ref().clone(),
            subtitle: raw.subtitle.clone(),
            description: raw.description.clone(),
            base_url,
            language,
            published,
            updated,
            minify: raw.minify,
        })
    }
}

/// What to write for an address that is not http(s): "www.x.org" -> "https://www.x.org".
pub(super) fn web_address_help(text: &str) -> String {
    let bare = text.trim();
    if bare.contains("://") || bare.contains(':') || bare.contains(' ') || !bare.contains('.') {
        "write the full web address, starting with https://".to_string()
    } else {
        format!(
            "write the full web address: \"https://{}\"",
            bare.trim_start_matches('/')
        )
    }
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}
