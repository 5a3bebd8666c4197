//! What a field publishes, and what it reports: addresses that must not be
//! published left out, and what the caller must check listed.

use super::*;

struct Ids;

impl Resolver for Ids {
    fn path(&self, kind: RefKind, id: &str) -> Option<String> {
        match (kind, id) {
            (RefKind::Actor, "russia") => Some("actors/russia/".into()),
            _ => None,
        }
    }
}

/// Each problem as (severity, the Markdown it points at, message).
fn problems<'t>(text: &'t str, out: &Rendered) -> Vec<(Severity, &'t str, String)> {
    out.problems
        .iter()
        .map(|p| (p.severity, &text[p.span.clone()], p.message.clone()))
        .collect()
}

#[test]
fn fields_without_problems_keep_pulldown_cmarks_bytes() {
    let text = "A \"quote\"  \nand [a link](actor:russia).";
    let out = render(text, &Ids);
    assert_eq!(
        out.html.at("./"),
        "<p>A “quote”<br />\nand <a href=\"./actors/russia/\">a link</a>.</p>\n"
    );
    assert!(out.problems.is_empty());
}

#[test]
fn markdown_links_and_pictures_with_script_addresses_keep_only_their_text() {
    let text = "[one](javascript:alert(1)) [two](JaVaScRiPt:alert(1)) \
        [three](java%0Ascript:alert(1)) [four](vbscript:msgbox) <javascript:alert(1)> \
        ![a picture](data:text/html,<b>) [five][r]\n\n[r]: javascript:void(0)\n";
    let out = render(text, &Ids);
    assert_eq!(
        out.html.at("./"),
        "<p>one two three four javascript:alert(1) a picture five</p>\n"
    );
    use Severity::Error;
    assert_eq!(
        problems(text, &out),
        [
            (
                Error,
                "javascript:alert(1)",
                "links to javascript: addresses are not published".into()
            ),
            (
                Error,
                "JaVaScRiPt:alert(1)",
                "links to javascript: addresses are not published".into()
            ),
            (
                Error,
                "java%0Ascript:alert(1)",
                "links to javascript: addresses are not published".into()
            ),
            (
                Error,
                "vbscript:msgbox",
                "links to vbscript: addresses are not published".into()
            ),
            (
                Error,
                "javascript:alert(1)",
                "links to javascript: addresses are not published".into()
            ),
            (
                Error,
                "data:text/html,<b>",
                "pictures from data: addresses are not published".into()
            ),
            (
                Error,
                "javascript:void(0)",
                "links to javascript: addresses are not published".into()
            ),
        ]
    );
}

#[test]
fn links_of_unknown_kinds_are_errors_with_the_kind_meant() {
    let text = "[Dana](person:dana), [what happened](story:what-happened), \
        [the day](date:2022-02-24), [x](gopher:x) and [y](actors:russia).";
    let out = render(text, &Ids);
    assert_eq!(
        out.html.at("./"),
        "<p>Dana, what happened, the day, x and y.</p>\n"
    );
    let helps: Vec<(&str, &str, &str)> = out
        .problems
        .iter()
        .map(|p| (&text[p.span.clone()], p.message.as_str(), p.help.as_str()))
        .collect();
    assert_eq!(
        helps,
        [
            (
                "person:dana",
                "`person:` is not a kind of link, so this one is not published",
                "did you mean `actor:dana`?"
            ),
            (
                "story:what-happened",
                "`story:` is not a kind of link, so this one is not published",
                "did you mean `section:what-happened`?"
            ),
            (
                "date:2022-02-24",
                "`date:` is not a kind of link, so this one is not published",
                "did you mean `event:2022-02-24`?"
            ),
            (
                "gopher:x",
                "`gopher:` is not a kind of link, so this one is not published",
                "write a web address (https://…), a path on the site (/timeline/), mailto:, tel:, or a link to the story (actor:, event:, section:)"
            ),
        ]
    );
    assert!(out.problems.iter().all(|p| p.severity == Severity::Error));
    // A near miss is still the caller's to report, with the ids it knows.
    assert_eq!(out.refs[0].misspelt.as_deref(), Some("actors"));
}

#[test]
fn pictures_from_other_sites_are_listed_with_their_host() {
    let text = "![Chart](https://cdn.example.org/c.png) ![Local](images/a.png) \
        ![Pixel](//Pixel.Example:8080/x.gif)";
    let out = render(text, &Ids);
    let remote: Vec<(&str, &str, &str)> = out
        .remote
        .iter()
        .map(|r| (r.url.as_str(), r.host.as_str(), &text[r.span.clone()]))
        .collect();
    assert_eq!(
        remote,
        [
            (
                "https://cdn.example.org/c.png",
                "cdn.example.org",
                "https://cdn.example.org/c.png"
            ),
            (
                "//Pixel.Example:8080/x.gif",
                "pixel.example",
                "//Pixel.Example:8080/x.gif"
            ),
        ]
    );
}

#[test]
fn links_to_paths_on_the_site_are_listed_from_the_root() {
    let text = "[a](/timelin/) [b](../no-such-page/) [c](timeline/) [d](#notes) \
        [e](https://example.org/) [f](/actors/russia/#bio) [g](/files/r%20a.pdf)";
    let out = render(text, &Ids);
    let internal: Vec<(&str, Option<&str>, &str)> = out
        .internal
        .iter()
        .map(|l| {
            (
                l.path.as_str(),
                l.fragment.as_deref(),
                &text[l.span.clone()],
            )
        })
        .collect();
    assert_eq!(
        internal,
        [
            ("timelin/", None, "/timelin/"),
            ("no-such-page/", None, "../no-such-page/"),
            ("timeline/", None, "timeline/"),
            ("actors/russia/", Some("bio"), "/actors/russia/#bio"),
            ("files/r a.pdf", None, "/files/r%20a.pdf"),
        ]
    );
    assert_eq!(out.internal[1].written, "../no-such-page/");
}
