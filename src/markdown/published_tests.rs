//! What a field publishes, and what it reports: raw HTML sanitized, addresses
//! that must not be published left out, and what the caller must check
//! listed. The property test reads the published HTML with html5ever's
//! tokenizer, as a browser would.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, CommentToken, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts, states::RawKind,
};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;

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
fn fields_without_raw_html_keep_pulldown_cmarks_bytes() {
    // The sanitizer would write `<br>` and a plain `"`.
    let text = "A \"quote\"  \nand [a link](actor:russia).";
    let out = render(text, &Ids);
    assert_eq!(
        out.html.at("./"),
        "<p>A “quote”<br />\nand <a href=\"./actors/russia/\">a link</a>.</p>\n"
    );
    assert!(out.problems.is_empty());
}

#[test]
fn raw_html_is_sanitized_and_every_dropped_piece_is_reported_where_it_is() {
    let text = "Intro <script>alert(1)</script> and \
        <img src=\"images/a.png\" alt=\"A map\" onclick=\"steal()\" style=\"border:0\">.\n\n\
        <iframe src=\"https://video.example/embed/1\"></iframe>\n\n\
        <svg onload=alert(1)><circle r=1 /></svg>\n\n\
        <form action=\"https://evil.example/\"><input name=q></form>\n\n\
        <meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">\n\n\
        A <a href=\"JaVa&#x09;ScRiPt:alert(1)\" title=\"t\">link</a>.";
    let out = render(text, &Ids);
    assert_eq!(
        out.html.at("../"),
        "<p>Intro  and <img src=\"../images/a.png\" alt=\"A map\">.</p>\n\n<p></p>\n\n\n\
         <p>A <a title=\"t\">link</a>.</p>\n"
    );
    use Severity::Warning;
    assert_eq!(
        problems(text, &out),
        [
            (
                Warning,
                "<script>",
                "the <script> element is not published".into()
            ),
            (
                Warning,
                "onclick=\"steal()\"",
                "the onclick attribute of <img> is not published".into()
            ),
            (
                Warning,
                "style=\"border:0\"",
                "the style attribute of <img> is not published".into()
            ),
            (
                Warning,
                "<iframe src=\"https://video.example/embed/1\">",
                "the <iframe> element is not published".into()
            ),
            (
                Warning,
                "<svg onload=alert(1)>",
                "the <svg> element is not published".into()
            ),
            (
                Warning,
                "<form action=\"https://evil.example/\">",
                "the <form> element is not published".into()
            ),
            (
                Warning,
                "<input name=q>",
                "the <input> element is not published".into()
            ),
            (
                Warning,
                "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
                "the <meta> element is not published".into()
            ),
            (
                Warning,
                "href=\"JaVa&#x09;ScRiPt:alert(1)\"",
                "the href attribute of <a> is not published: it is a javascript: address".into()
            ),
        ]
    );
    let help = |n: usize| out.problems[n].help.as_str();
    assert_eq!(
        help(3),
        "link to it instead, like [Watch the video](https://…): the site embeds nothing from other sites"
    );
    assert_eq!(help(1), "the site runs no scripts: remove it");
    // The picture the raw HTML keeps is the site's own, and checked like Markdown's.
    assert_eq!(out.images.len(), 1);
    assert_eq!(out.images[0].path, "images/a.png");
    assert!(out.images[0].has_alt);
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
    let text = "![Chart](https://cdn.example.org/c.png) \
        <img src=\"https://tracker.example/p.gif?u=1&amp;v=2\" srcset=\"https://other.example/2x.png 2x\" alt=\"\">\n\n\
        ![Local](images/a.png) <img src=\"//Pixel.Example:8080/x.gif\" alt=\"x\">";
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
                "https://tracker.example/p.gif?u=1&v=2",
                "tracker.example",
                "https://tracker.example/p.gif?u=1&amp;v=2"
            ),
            (
                "//Pixel.Example:8080/x.gif",
                "pixel.example",
                "//Pixel.Example:8080/x.gif"
            ),
        ]
    );
    let html = out.html.at("./");
    assert!(!html.contains("other.example"), "{html}");
}

#[test]
fn links_to_paths_on_the_site_are_listed_from_the_root() {
    let text = "[a](/timelin/) [b](../no-such-page/) [c](timeline/) [d](#notes) \
        [e](https://example.org/) [f](/actors/russia/#bio) <a href=\"/files/r%20a.pdf\">g</a>";
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
    // Raw HTML links from the root work from every page, like Markdown's.
    assert!(
        out.html
            .at("../../")
            .contains("<a href=\"../../files/r%20a.pdf\">g</a>")
    );
}

#[test]
fn embed_markers_survive_sanitizing_and_cannot_be_forged() {
    let text = "<!--explainer-embed:0--> <b>Bold</b> <div class=\"wide\">\n\n\
        {{ map() }}\n\nAfter <!--explainer-embed:1-->.\n";
    let out = render(text, &Ids);
    assert_eq!(out.embeds.len(), 1);
    assert_eq!(
        out.html.at("./"),
        " <b>Bold</b> <div class=\"wide\">\n</div><!--explainer-embed:0-->\n<p>After .</p>\n"
    );
}

#[test]
fn cross_references_keep_working_in_fields_with_raw_html() {
    let out = render(
        "See <b>[Moscow](actor:russia)</b>.[^n]\n\n[^n]: A note.",
        &Ids,
    );
    let html = out.html.at("../");
    assert!(
        html.contains("<b><a href=\"../actors/russia/\">Moscow</a></b>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<sup class=\"footnote-reference\" id=\"fn-n-ref\"><a href=\"#fn-n\">1</a></sup>"
        ),
        "{html}"
    );
}

/// Pieces of HTML and Markdown an attacker or a careless paste could bring.
const PIECES: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<script",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert(1)\">",
    "<img src=x OnErRoR = alert(1)>",
    "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">",
    "<img/src=x/onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">",
    "<a href=\"java&#x09;script:alert(1)\">",
    "<a href=\"&#106;avascript:alert(1)\">",
    "<a href=\"&#0000106&#0000097vascript:alert(1)\">",
    "<a href=\"javascript&colon;alert(1)\">",
    "<a href=\"  vbscript:msgbox(1)\">",
    "<a href=\"data:text/html,<script>alert(1)</script>\">",
    "<a href='java\nscript:alert(1)'>",
    "<a href=java\u{0}script:alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<iframe src=\"javascript:alert(1)\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button formaction=javascript:alert(1)>go</button>",
    "<object data=\"javascript:alert(1)\">",
    "<embed src=\"javascript:alert(1)\">",
    "<div style=\"background:url(javascript:alert(1))\">",
    "<p onmouseover=\"alert(1)\">",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<style>@import 'x'</style>",
    "<link rel=stylesheet href=x>",
    "<base href=\"javascript:/\">",
    "<noscript><img src=x onerror=alert(1)></noscript>",
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
    "<!--",
    "-->",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--explainer-embed:0-->",
    "~~explainer-root~~",
    "\"",
    "'",
    "<",
    ">",
    "=",
    "</a>",
    "<div>",
    "</div>",
    "<table><td>",
    "\n\n",
    "\n",
    " ",
    "*em*",
    "[x](javascript:alert(1))",
    "![y](data:text/html,z)",
    "<javascript:alert(1)>",
    "[l](/path/)",
    "<img src=https://tracker.example/p.gif>",
    "<img src=\"https://t.example/a.gif?x=1&amp;y=2\" alt=a>",
    "<img\nsrc=https://split.example/p.gif\n",
    "![c](https://cdn.example.org/c.png)",
    "![c](//cdn.example.org/d.png)",
    "\n\n{{ map() }}\n\n",
    "[r]\n\n[r]: javascript:alert(1)\n\n",
    "\n    <script>alert(1)</script>\n",
    "\n```\n<script>\n```\n",
];

/// A start tag or comment in published HTML, as a browser's tokenizer reads it.
#[derive(Debug)]
enum Read {
    Tag(String, Vec<(String, String)>),
    Comment(String),
}

#[derive(Default)]
struct Reader(RefCell<Vec<Read>>);

impl TokenSink for Reader {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            TagToken(tag) if tag.kind == StartTag => {
                let name = tag.name.to_string();
                let attrs = tag
                    .attrs
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect();
                self.0.borrow_mut().push(Read::Tag(name.clone(), attrs));
                return match name.as_str() {
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                        TokenSinkResult::RawData(RawKind::Rawtext)
                    }
                    "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                    "plaintext" => TokenSinkResult::Plaintext,
                    _ => TokenSinkResult::Continue,
                };
            }
            CommentToken(text) => self.0.borrow_mut().push(Read::Comment(text.to_string())),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn read(html: &str) -> Vec<Read> {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(Reader::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Whether an address runs code or is a document, as a browser would take it.
fn runs_code(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| squeezed.starts_with(scheme))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn published_fields_have_no_script_handler_or_script_address(
        pieces in prop::collection::vec((prop::sample::select(PIECES), any::<bool>()), 1..14)
    ) {
        let text: String = pieces
            .iter()
            .map(|(piece, upper)| if *upper { piece.to_uppercase() } else { piece.to_string() })
            .collect();
        let out = render(&text, &Ids);
        let html = out.html.at("./");
        let mut markers = Vec::new();
        for token in read(&html) {
            match token {
                Read::Tag(name, attrs) => {
                    prop_assert!(sanitize::TAGS.contains(&name.as_str()), "<{}> in {}", name, html);
                    for (attr, value) in attrs {
                        prop_assert!(!attr.starts_with("on"), "{} in {}", attr, html);
                        prop_assert!(
                            attr != "style" || value.starts_with("text-align: "),
                            "style in {}", html
                        );
                        if matches!(attr.as_str(), "href" | "src") {
                            prop_assert!(!runs_code(&value), "{}={} in {}", attr, value, html);
                        }
                        if name == "img" && attr == "src" && address::classify(&value) == Address::Web {
                            let decoded = |url: &str| percent_decode_str(url).decode_utf8_lossy().into_owned();
                            prop_assert!(
                                out.remote.iter().any(|r| decoded(&r.url) == decoded(&value)),
                                "{} is not listed in {:?}", value, out.remote
                            );
                        }
                    }
                }
                Read::Comment(text) => markers.push(text),
            }
        }
        let expected: Vec<String> = (0..out.embeds.len()).map(|n| format!("explainer-embed:{n}")).collect();
        prop_assert_eq!(markers, expected, "{}", html);
        prop_assert!(!html.to_ascii_lowercase().contains("<script"), "{}", html);
    }
}

#[test]
fn raw_html_in_quotes_and_lists_is_reported_at_its_own_lines() {
    let text = "> <img\n> src=\"https://t.example/p.gif\" onerror=x>\n\n\
        - <div onclick=\"x\">\n  <img src=\"https://u.example/a.gif\" alt=\"a\">\n  </div>\n";
    let out = render(text, &Ids);
    let places: Vec<&str> = out.problems.iter().map(|p| &text[p.span.clone()]).collect();
    assert_eq!(places, ["onerror=x", "onclick=\"x\""]);
    let remote: Vec<&str> = out.remote.iter().map(|r| &text[r.span.clone()]).collect();
    assert_eq!(
        remote,
        ["https://t.example/p.gif", "https://u.example/a.gif"]
    );
}

#[test]
fn pasted_markup_is_named_with_what_to_do_instead() {
    let text = "<p align=center class=lead>Hi <font color=red>red</font> \
        <a href=\"person:dana\" target=_blank>Dana</a> <span class=\"x\">kept</span></p>";
    let out = render(text, &Ids);
    assert_eq!(
        out.html.at("./"),
        "<p>Hi red <a>Dana</a> <span class=\"x\">kept</span></p>"
    );
    let found: Vec<(&str, &str, &str)> = out
        .problems
        .iter()
        .map(|p| (&text[p.span.clone()], p.message.as_str(), p.help.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "align=center",
                "the align attribute of <p> is not published",
                "remove it: <p> keeps no attributes"
            ),
            (
                "class=lead",
                "the class attribute of <p> is not published",
                "the site's look comes from its templates: remove it"
            ),
            (
                "<font color=red>",
                "the <font> element is not published",
                "its text is kept: format with Markdown instead (*emphasis*, **strong**, lists, tables)"
            ),
            (
                "href=\"person:dana\"",
                "the href attribute of <a> is not published: it is a person: address",
                "to link to the story, write the link in Markdown: [text](actor:id)"
            ),
            (
                "target=_blank",
                "the target attribute of <a> is not published",
                "remove it: <a> keeps only href and title"
            ),
        ]
    );
    assert!(out.problems.iter().all(|p| p.severity == Severity::Warning));
}
