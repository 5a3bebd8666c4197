//! What an address written in a field points at.
//!
//! Every link and picture address is sorted once into a kind: a cross-reference,
//! a page or file of the site, another site, or something never published
//! (addresses that run code, kinds of address no browser knows). The renderer
//! decides from the kind what to write and what to report.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

use super::{RefKind, misspelt_ref, parse_ref};

/// The kind of a link or picture address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Address<'a> {
    /// `actor:id`, `event:id` or `section:id`.
    Ref(RefKind, &'a str),
    /// A near miss of a cross-reference (`actors:id`, `Event:id`): the kind
    /// meant, the scheme as written and the id.
    Misspelt(RefKind, &'a str, &'a str),
    /// `javascript:`, `vbscript:` or `data:`, in any case, with escapes or
    /// characters a browser skips: the address runs code or is a whole document.
    Script(&'static str),
    /// Any other `scheme:` but http, https, mailto and tel (lowercased).
    Unknown(String),
    /// Another site: `http://`, `https://` or `//host` (or `\\host`, which
    /// browsers read the same way).
    Web,
    /// `mailto:` or `tel:`.
    Contact,
    /// A part of the same page: `#notes`.
    Fragment,
    /// A path on the site: from the root (`/timeline/`) or relative (`timeline/`).
    Path,
    Empty,
}

/// Sorts an address as written in Markdown (pulldown-cmark has already
/// decoded its entities and backslash escapes).
pub(super) fn classify(dest: &str) -> Address<'_> {
    if let Some((kind, id)) = parse_ref(dest) {
        return Address::Ref(kind, id);
    }
    // The usual links, sorted without decoding anything.
    if dest.starts_with("https://") || dest.starts_with("http://") {
        return Address::Web;
    }
    if let Some(scheme) = script_scheme(dest) {
        return Address::Script(scheme);
    }
    if let Some((kind, written, id)) = misspelt_ref(dest) {
        return Address::Misspelt(kind, written, id);
    }
    if is_other_site(dest) {
        return Address::Web;
    }
    match scheme(dest) {
        Some(scheme) => match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => Address::Web,
            "mailto" | "tel" => Address::Contact,
            _ => Address::Unknown(scheme.to_ascii_lowercase()),
        },
        None if dest.is_empty() => Address::Empty,
        None if dest.starts_with('#') => Address::Fragment,
        None => Address::Path,
    }
}

/// `//host/...`: the page's own scheme, another site. Browsers read a
/// backslash as a slash in web addresses.
pub(super) fn is_other_site(dest: &str) -> bool {
    let mut start = dest
        .bytes()
        .take(2)
        .map(|b| if b == b'\\' { b'/' } else { b });
    start.next() == Some(b'/') && start.next() == Some(b'/')
}

/// The scheme of an address that runs code or carries a whole document,
/// however it is disguised: `JaVaScRiPt:`, `java%0Ascript:`, ` data:`.
/// Escapes are decoded and every space and control character dropped before
/// looking, which finds more than browsers would run: that is the safe side.
pub(super) fn script_scheme(dest: &str) -> Option<&'static str> {
    if !dest.contains([':', '%']) {
        return None;
    }
    let decoded = percent_decode_str(dest).decode_utf8_lossy();
    let squeezed: String = decoded
        .chars()
        .filter(|c| !(c.is_ascii_control() || c.is_whitespace()))
        .take(12)
        .flat_map(char::to_lowercase)
        .collect();
    ["javascript", "vbscript", "data"]
        .into_iter()
        .find(|scheme| {
            squeezed
                .strip_prefix(scheme)
                .is_some_and(|rest| rest.starts_with(':'))
        })
}

/// The scheme of an absolute address as browsers find it (`mailto` in
/// `mailto:a@b.org`); `None` for paths, even ones with a colon (`a/b:c`).
pub(super) fn scheme(dest: &str) -> Option<&str> {
    let dest = dest.trim_start_matches(|c: char| c <= ' ');
    let (scheme, _) = dest.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// The cross-reference kind an editor probably meant by a scheme that is not
/// one: `person:` and `org:` for `actor:`, `chapter:` for `section:`...
pub(super) fn meant(scheme: &str) -> Option<RefKind> {
    match scheme {
        "person" | "persons" | "people" | "org" | "orgs" | "organization" | "organizations"
        | "organisation" | "organisations" | "country" | "countries" | "state" | "states"
        | "who" => Some(RefKind::Actor),
        "story" | "stories" | "chapter" | "chapters" | "part" | "parts" => Some(RefKind::Section),
        "date" | "dates" | "moment" | "moments" | "timeline" => Some(RefKind::Event),
        _ => None,
    }
}

/// A path on the site as seen from the site root (fields are rendered from
/// it): `.` and `..` resolved, percent-escapes decoded, query and fragment
/// split off. `timeline/` for `/timeline/`, `./timeline/` or `a/../timeline/`;
/// `""` for the root itself.
pub(super) fn from_root(dest: &str) -> (String, Option<String>) {
    let (address, fragment) = match dest.split_once('#') {
        Some((address, fragment)) => (address, Some(decode(fragment).into_owned())),
        None => (dest, None),
    };
    let path = address.split_once('?').map_or(address, |(path, _)| path);
    let path = decode(path).replace('\\', "/");
    let mut segments: Vec<&str> = Vec::new();
    let mut folder = path.is_empty();
    for segment in path.split('/') {
        folder = true;
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => {
                segments.push(segment);
                folder = false;
            }
        }
    }
    let mut resolved = segments.join("/");
    if folder && !resolved.is_empty() {
        resolved.push('/');
    }
    (resolved, fragment)
}

fn decode(text: &str) -> Cow<'_, str> {
    percent_decode_str(text).decode_utf8_lossy()
}

/// The host an address loads from, lowercased, without user or port:
/// `cdn.example.org` for `https://me@CDN.example.org:8080/a.png`.
pub(super) fn host(url: &str) -> String {
    let rest = match url.split_once("//") {
        Some((_, rest)) => rest,
        None => url.trim_start_matches(['/', '\\']),
    };
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map_or(v6, |(inside, _)| inside),
        None => host.split_once(':').map_or(host, |(name, _)| name),
    };
    host.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_addresses_are_found_however_they_are_disguised() {
        for dest in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java%0Ascript:alert(1)",
            "java%09script:alert(1)",
            " javascript:alert(1)",
            "%6Aavascript:alert(1)",
        ] {
            assert_eq!(classify(dest), Address::Script("javascript"), "{dest}");
        }
        assert_eq!(classify("VBScript:x"), Address::Script("vbscript"));
        assert_eq!(
            classify("data:text/html,<script>alert(1)</script>"),
            Address::Script("data")
        );
        assert_eq!(classify("database/"), Address::Path);
    }

    #[test]
    fn addresses_are_sorted_by_kind() {
        assert_eq!(
            classify("actor:russia"),
            Address::Ref(RefKind::Actor, "russia")
        );
        assert_eq!(
            classify("actors:russia"),
            Address::Misspelt(RefKind::Actor, "actors", "russia")
        );
        assert_eq!(classify("person:dana"), Address::Unknown("person".into()));
        assert_eq!(classify("FTP://x.org"), Address::Unknown("ftp".into()));
        assert_eq!(classify("HTTPS://example.org"), Address::Web);
        assert_eq!(classify("//cdn.example.org/a.png"), Address::Web);
        assert_eq!(classify("\\\\cdn.example.org/a.png"), Address::Web);
        assert_eq!(classify("mailto:desk@example.org"), Address::Contact);
        assert_eq!(classify("#notes"), Address::Fragment);
        assert_eq!(classify("a/b:c"), Address::Path);
        assert_eq!(classify("/timeline/"), Address::Path);
        assert_eq!(classify(""), Address::Empty);
    }

    #[test]
    fn editors_get_the_cross_reference_they_meant() {
        assert_eq!(meant("person"), Some(RefKind::Actor));
        assert_eq!(meant("story"), Some(RefKind::Section));
        assert_eq!(meant("date"), Some(RefKind::Event));
        assert_eq!(meant("gopher"), None);
    }

    #[test]
    fn paths_are_resolved_from_the_site_root() {
        let path = |dest| from_root(dest).0;
        assert_eq!(path("/timelin/"), "timelin/");
        assert_eq!(path("../no-such-page/"), "no-such-page/");
        assert_eq!(path("timeline/"), "timeline/");
        assert_eq!(path("./a/../b/./c.pdf?x=1"), "b/c.pdf");
        assert_eq!(path("/"), "");
        assert_eq!(path(".."), "");
        assert_eq!(path("a/.."), "");
        assert_eq!(path("files/my%20report.pdf"), "files/my report.pdf");
        assert_eq!(
            from_root("/actors/russia/#bio"),
            ("actors/russia/".to_string(), Some("bio".to_string()))
        );
    }

    #[test]
    fn hosts_lose_user_port_and_case() {
        assert_eq!(
            host("https://me@CDN.example.org:8080/a.png"),
            "cdn.example.org"
        );
        assert_eq!(host("//cdn.example.org/a.png"), "cdn.example.org");
        assert_eq!(host("http://[::1]:80/"), "::1");
    }
}
