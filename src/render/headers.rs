//! `_headers`: the HTTP headers the site wants, in the format Netlify and
//! Cloudflare Pages read (docs/deploy.md gives the same for nginx and
//! S3 + CloudFront).
//!
//! The Content-Security-Policy allows what the built pages load and nothing
//! more: scripts, styles, fonts from the site itself; pictures from it and
//! from the hosts in `allowed_hosts`; frames from those hosts only. Pages may
//! be framed by no one, except the embeds under `embed/`, which any site
//! may frame. Both hosts merge the headers of every rule a path matches, so
//! no two rules here set the same header on one path: the policy is given
//! per top-level folder of pages, the headers every file gets on `/*`.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::pages::{Job, Made, Pages};
use crate::model::Site;
use crate::plan::{Kind, Route, url_path};

/// The Content-Security-Policy of the site's pages, with `frame_ancestors`
/// saying who may frame them.
pub fn content_security_policy(site: &Site, frame_ancestors: &str) -> String {
    let hosts: Vec<String> = site
        .allowed_hosts
        .iter()
        .map(|host| format!("https://{host}"))
        .collect();
    let with_self = |hosts: &[String]| {
        let mut list = vec!["'self'".to_string()];
        list.extend(hosts.iter().cloned());
        list.join(" ")
    };
    let frames = match hosts.is_empty() {
        true => "'none'".to_string(),
        false => hosts.join(" "),
    };
    // The maps' SVGs size themselves with a style attribute: attributes
    // only, never a <style> element or an inline script.
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src {}; media-src {}; font-src 'self'; connect-src 'self'; frame-src {frames}; base-uri 'self'; form-action 'self'; frame-ancestors {frame_ancestors}",
        with_self(&hosts),
        with_self(&hosts),
    )
}

impl Pages<'_> {
    /// The `_headers` file. No template makes it.
    pub(super) fn headers(&self, route: &Route) -> Job {
        let site = &self.story.site;
        let prefix = url_path(&site.base_url);
        let closed = content_security_policy(site, "'none'");
        let open = content_security_policy(site, "*");
        // The pages' top-level folders and files, the embeds apart, in
        // every edition (another edition's are a folder down: `ru/events/*`).
        let editions: Vec<&str> = self
            .story
            .editions
            .iter()
            .map(|e| e.prefix.as_str())
            .collect();
        // A kind of page is always in the same top-level folder: one page
        // of each kind is enough.
        let mut paths = BTreeSet::new();
        let mut kinds = Vec::new();
        for page in self.plan {
            if kinds.contains(&page.route.kind) {
                continue;
            }
            kinds.push(page.route.kind);
            let file = page.route.file();
            if !file.ends_with(".html") || matches!(page.route.kind, Kind::Embed(_)) {
                continue;
            }
            for edition in &editions {
                let at = format!("{prefix}{edition}");
                match file.split_once('/') {
                    Some((folder, _)) => paths.insert(format!("{at}{folder}/*")),
                    None if file == "index.html" => {
                        paths.insert(at.clone());
                        paths.insert(format!("{at}{file}"))
                    }
                    None => paths.insert(format!("{at}{file}")),
                };
            }
        }
        let mut text = String::from(
            "# HTTP headers for Netlify and Cloudflare Pages, made by explainer.\n\
             # docs/deploy.md gives the same for nginx and S3 + CloudFront.\n\n",
        );
        // Writing into a String cannot fail.
        let _ = write!(
            text,
            "{prefix}*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n\n"
        );
        for path in paths {
            let _ = write!(
                text,
                "{path}\n  Content-Security-Policy: {closed}\n  X-Frame-Options: DENY\n\n"
            );
        }
        for (n, edition) in editions.iter().enumerate() {
            let gap = if n == 0 { "" } else { "\n" };
            let _ = write!(
                text,
                "{gap}{prefix}{edition}embed/*\n  Content-Security-Policy: {open}\n"
            );
        }
        // Share pictures are named by a hash of what they draw: a new
        // picture has a new name, so each can be kept for a year.
        if site.share_cards {
            for edition in &editions {
                let _ = write!(
                    text,
                    "\n{prefix}{edition}share/*\n  Cache-Control: public, max-age=31536000, immutable\n"
                );
            }
        }
        Job {
            path: route.file(),
            template: "",
            made: Made::Reused(text.into_bytes().into()),
            fingerprint: None,
        }
    }
}
