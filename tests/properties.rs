//! Property tests: the front-matter splitter, the date parser, the
//! cross-reference resolver and the loader never panic, and keep their
//! promises on any input. Bounded (256 cases each, fewer for the loader,
//! which touches the disk) so the suite stays fast on two cores.

use std::fs;
use std::ops::Range;

use explainer::BuildOptions;
use explainer::diagnostics::{Severity, SourceFile};
use explainer::load::{FrontMatterError, StringMap, split_front_matter};
use explainer::markdown::{self, RefKind, Resolver};
use explainer::model::{DateError, PartialDate};
use explainer::resolve::guess_date;
use proptest::prelude::*;
use toml::Spanned;

/// Text made of the pieces that matter to the parsers, and anything else.
fn pieces(parts: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(parts).prop_map(str::to_string),
        1 => any::<String>(),
        1 => "[a-z\\- ]{0,12}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

const FRONT: &[&str] = &[
    "+++",
    "+++\n",
    "+++\r\n",
    "---\n",
    "\n",
    "\r\n",
    " ",
    "title = \"A\"\n",
    "+++ ",
    "\u{feff}",
    "é",
    "\t",
];

const MARKDOWN: &[&str] = &[
    "[",
    "]",
    "(",
    ")",
    "actor:",
    "event:",
    "section:",
    "Actor:",
    "actors:",
    "anna",
    "bob",
    "x",
    "`",
    "``",
    "<",
    ">",
    "\n",
    "\n\n",
    "*",
    "_",
    "![",
    "\\",
    "[t](actor:anna)",
    "[t](event:e)",
    "[ref]: actor:anna\n",
    "[ref]",
    "# ",
    "> ",
    "- ",
    "|",
    "é",
    "👩🏽\u{200d}⚖️",
    "\r\n",
    "&",
];

/// The days in a month, computed independently of the parser: the distance
/// between the first days of two months, counted in days since an epoch.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

fn month_length(year: i64, month: i64) -> i64 {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    days_from_civil(next_year, next_month, 1) - days_from_civil(year, month, 1)
}

struct Known;

impl Resolver for Known {
    fn path(&self, kind: RefKind, id: &str) -> Option<String> {
        (id == "anna").then(|| format!("{}/{id}/", kind.scheme()))
    }
}

fn on_boundaries(text: &str, span: &Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_front_matter_splitter_returns_ranges_between_plus_lines(text in pieces(FRONT)) {
        match split_front_matter(&text) {
            Ok((front, body)) => {
                prop_assert!(on_boundaries(&text, &front) && on_boundaries(&text, &body));
                prop_assert!(front.end <= body.start && body.end == text.len());
                let before = text[..front.start].strip_suffix('\n').unwrap_or(&text[..front.start]);
                let (blank, opening) = before.rsplit_once('\n').unwrap_or(("", before));
                prop_assert_eq!(opening.trim_end(), "+++");
                prop_assert!(blank.trim().is_empty(), "only blank lines before: {:?}", blank);
                let closing = text[front.end..body.start].trim_end();
                prop_assert_eq!(closing, "+++");
                prop_assert!(text[front].lines().all(|l| l.trim_end() != "+++"));
            }
            Err(FrontMatterError::Unclosed) => {
                let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
                prop_assert_eq!(lines.next().map(str::trim_end), Some("+++"));
                prop_assert!(lines.all(|l| l.trim_end() != "+++"));
            }
            Err(FrontMatterError::Yaml) => {
                let first = text.lines().find(|l| !l.trim().is_empty());
                prop_assert_eq!(first.map(str::trim_end), Some("---"));
            }
            Err(FrontMatterError::Missing) => {
                let first = text.lines().find(|l| !l.trim().is_empty()).map(str::trim_end);
                prop_assert!(first != Some("+++") && first != Some("---"));
            }
        }
    }

    #[test]
    fn the_date_parser_accepts_exactly_the_real_calendar_dates(
        year in 0u32..10_000, month in 0u32..14, day in 0u32..33,
    ) {
        let text = format!("{year:04}-{month:02}-{day:02}");
        let real = (1..=12).contains(&month)
            && day >= 1
            && i64::from(day) <= month_length(i64::from(year), i64::from(month));
        let parsed = PartialDate::parse(&text);
        prop_assert_eq!(parsed.is_ok(), real, "{}", text);
        if let Ok(date) = parsed {
            prop_assert_eq!(date.iso(), text);
            prop_assert!(!date.to_string().is_empty());
        } else if (1..=12).contains(&month) {
            let days = month_length(i64::from(year), i64::from(month));
            prop_assert_eq!(parsed, Err(DateError::Day { days: days as u8 }));
        }
        let month_text = format!("{year:04}-{month:02}");
        prop_assert_eq!(PartialDate::parse(&month_text).is_ok(), (1..=12).contains(&month));
    }

    #[test]
    fn the_date_parser_never_panics_and_round_trips(text in "\\PC{0,12}|[0-9\\-]{0,12}") {
        if let Ok(date) = PartialDate::parse(&text) {
            prop_assert_eq!(PartialDate::parse(&date.iso()), Ok(date));
            prop_assert!(!date.entirely_before(&date));
        }
        if let Some(guess) = guess_date(&text) {
            prop_assert!(PartialDate::parse(&guess).is_ok(), "{} -> {}", text, guess);
        }
    }

    #[test]
    fn the_cross_reference_resolver_finds_every_link_at_its_place(text in pieces(MARKDOWN)) {
        let rendered = markdown::render(&text, &Known);
        for reference in &rendered.refs {
            prop_assert!(on_boundaries(&text, &reference.span), "{:?}", reference);
            prop_assert_eq!(reference.resolved, reference.misspelt.is_none() && reference.id == "anna");
            let shown = &text[reference.span.clone()];
            prop_assert!(shown.contains(reference.id.as_str()), "{:?} in {:?}", reference, shown);
        }
        let inline = markdown::render_inline(&text, &Known);
        prop_assert_eq!(inline.refs.len(), rendered.refs.len());
    }

    #[test]
    fn a_link_written_inline_is_found_with_its_exact_span(
        before in "[a-z ]{0,10}", id in "[a-z0-9\\-]{1,10}", after in "[a-z ]{0,10}",
    ) {
        let text = format!("x{before}[the text](event:{id}){after}");
        let rendered = markdown::render(&text, &Known);
        prop_assert_eq!(rendered.refs.len(), 1);
        let span = rendered.refs[0].span.clone();
        prop_assert_eq!(&text[span], format!("event:{id}"));
    }

    /// Any text written as a TOML string (escaped, multi-line, CRLF) maps each
    /// of its characters back to the place the editor typed it.
    #[test]
    fn toml_string_offsets_map_back_to_the_file(value in "\\PC{0,30}", multi in any::<bool>(), crlf in any::<bool>()) {
        let escaped: String = value
            .chars()
            .map(|c| match c {
                '"' => "\\\"".to_string(),
                '\\' => "\\\\".to_string(),
                '\n' => "\\n".to_string(),
                'é' => "\\u00e9".to_string(),
                c if c.is_control() => format!("\\u{:04x}", c as u32),
                c => c.to_string(),
            })
            .collect();
        let newline = if crlf { "\r\n" } else { "\n" };
        let text = if multi {
            format!("summary = \"\"\"{newline}{escaped}\"\"\"{newline}")
        } else {
            format!("summary = \"{escaped}\"{newline}")
        };
        #[derive(serde::Deserialize)]
        struct Doc {
            summary: Spanned<String>,
        }
        let doc: Doc = toml::from_str(&text).expect("valid TOML");
        prop_assert_eq!(doc.summary.get_ref(), &value);
        let file = SourceFile::new("content/events/x.toml", text.clone());
        let map = StringMap::new(&file, &doc.summary).expect("a map");
        for (offset, c) in value.char_indices() {
            let at = map.to_file(offset);
            let written = matches!(c, '"' | '\\' | '\n' | 'é') || c.is_control();
            if !written {
                prop_assert!(text[at..].starts_with(c), "{:?} at {} in {:?}", c, at, text);
            } else {
                prop_assert!(text[at..].starts_with('\\'), "{:?} at {} in {:?}", c, at, text);
            }
        }
    }

    #[test]
    fn diagnostics_at_any_span_never_panic(text in "\\PC{0,40}|(.|\n){0,40}", start in 0usize..60, len in 0usize..60) {
        let file = SourceFile::new("content/x.toml", text.clone());
        let diagnostic = file.diagnostic(Severity::Error, start..start + len, "problem");
        prop_assert!(diagnostic.line >= 1 && diagnostic.column >= 1);
        prop_assert!(diagnostic.line <= text.matches('\n').count() + 1);
        let shown = diagnostic.to_string();
        prop_assert!(shown.starts_with("error: problem\n"));
    }
}

const TOML: &[&str] = &[
    "[[event]]\n",
    "[[event.accounts]]\n",
    "[event.media]\n",
    "id = \"a\"\n",
    "id = ",
    "date = ",
    "\"2024-06\"",
    "\"2024-02-30\"",
    "title = \"T\"\n",
    "actors = [\"anna\", ",
    "]",
    "\"",
    "'",
    "\"\"\"",
    "\n",
    "\r\n",
    "=",
    "{",
    "}",
    "sources = [\"report\"]\n",
    "5",
    "true",
    "2024-06-01",
    "summary = \"[x](actor:nobody)\"\n",
    "actor = \"bob\"\n",
    "claim = \"c\"\n",
    "\\",
    "é",
    "[",
    ",",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The whole loader and resolver, on event files and actor front matter
    /// made of TOML pieces and arbitrary bytes: a diagnostic, never a panic.
    #[test]
    fn the_loader_reports_any_input_without_panicking(
        events in pieces(TOML),
        front in pieces(TOML),
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let write = |path: &str, contents: &[u8]| {
            let target = root.join(path);
            fs::create_dir_all(target.parent().expect("parent")).expect("folders");
            fs::write(target, contents).expect("write");
        };
        write("content/site.toml", b"title = \"T\"\nbase_url = \"https://example.org/\"\n");
        write("content/events/a.toml", events.as_bytes());
        write("content/actors/bob.md", format!("+++\n{front}+++\nBob.").as_bytes());
        write("content/story/01-a.md", &bytes);
        write("content/sources.toml", &bytes);
        let (_, diagnostics) = explainer::load_story(&BuildOptions::new(root));
        for diagnostic in &diagnostics {
            prop_assert!(!diagnostic.to_string().is_empty());
            prop_assert!(diagnostic.help.is_some() || diagnostic.severity == Severity::Warning, "{}", diagnostic);
        }
    }
}
