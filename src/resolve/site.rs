//! The site settings (`content/site.toml`): where the site is published, its
//! language and dates, each checked.

use super::Resolve;
use crate::model::Site;
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
        })
    }
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}
