//! A synthetic story for measuring `explainer`: the content format exactly as
//! editors write it, at any size, the same bytes for the same seed.
//!
//! Shared by `examples/gen_story.rs` (the command) and `benches/build.rs`.
//! Steps: draw the actors, sources and sections; draw the events in date order
//! and spread them over about 50 files; then write every file. Every actor and
//! source is used, every section and summary cross-references, and about one
//! event in ten carries two competing accounts, so `check` finds nothing to say.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// How big a story is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub sections: usize,
    pub events: usize,
    pub actors: usize,
    /// The events are spread evenly over this many years up to 2025: 34
    /// (1992 to 2025) in every size; 1 makes a dense story of one year.
    pub years: usize,
}

/// The three sizes of issue 9: S, M and L.
pub const SIZES: [(&str, Shape); 3] = [
    (
        "S",
        Shape {
            sections: 8,
            events: 40,
            actors: 15,
            years: YEARS,
        },
    ),
    (
        "M",
        Shape {
            sections: 50,
            events: 1_000,
            actors: 200,
            years: YEARS,
        },
    ),
    (
        "L",
        Shape {
            sections: 200,
            events: 10_000,
            actors: 1_000,
            years: YEARS,
        },
    ),
];

/// The seed used when none is given, so that every run measures the same story.
pub const DEFAULT_SEED: u64 = 0x0e8a_1a1e_2025_0703;

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    pub files: usize,
    pub bytes: usize,
    /// A story-relative event file and the id of the first event in it: what
    /// a benchmark edits to measure one changed event.
    pub event_file: String,
    pub first_event: String,
}

/// The line `title = "..."` of the event `id` in an events file's `text`:
/// what the edit benchmarks change.
#[allow(dead_code)] // Not gen_story's.
pub fn title_line(text: &str, id: &str) -> Option<String> {
    text.lines()
        .skip_while(|line| *line != format!("id = \"{id}\""))
        .find(|line| line.starts_with("title = \""))
        .map(str::to_string)
}

/// Writes a story of `shape` into `root` (which must not hold a story yet).
pub fn generate(shape: Shape, seed: u64, root: &Path) -> io::Result<Written> {
    if shape.events == 0 || shape.actors == 0 || shape.sections == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a story needs at least one event, one actor and one section",
        ));
    }
    let story = Story::draw(shape, seed);
    let mut out = Out {
        root,
        written: Written::default(),
    };
    story.write(&mut out)?;
    Ok(out.written)
}

/// splitmix64: tiny, fast, and good enough to make content look varied.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: [&str; 24] = [
    "Amina", "Rashad", "Leyla", "Ilgar", "Nigar", "Elchin", "Sevinj", "Tural", "Olga", "Dmitri",
    "Irina", "Sergei", "Natalia", "Pavel", "Zarina", "Kamran", "Aysel", "Farid", "Marina", "Oleg",
    "Gulnara", "Emin", "Svetlana", "Anar",
];
const LAST: [&str; 24] = [
    "Aliyeva",
    "Mammadov",
    "Huseynova",
    "Karimov",
    "Ivanova",
    "Petrov",
    "Safarova",
    "Guliyev",
    "Orlova",
    "Smirnov",
    "Hasanova",
    "Jafarov",
    "Volkova",
    "Sokolov",
    "Rzayeva",
    "Babayev",
    "Novikova",
    "Kuznetsov",
    "Ismayilova",
    "Abbasov",
    "Morozova",
    "Valiyev",
    "Lebedeva",
    "Nabiyev",
];
const PLACES: [&str; 20] = [
    "Baku",
    "Moscow",
    "Yekaterinburg",
    "Ganja",
    "Tbilisi",
    "Yerevan",
    "Ankara",
    "Sumgait",
    "Kazan",
    "Rostov-on-Don",
    "Novosibirsk",
    "Lankaran",
    "Shusha",
    "Astana",
    "Tehran",
    "Minsk",
    "Saint Petersburg",
    "Nakhchivan",
    "Sochi",
    "Istanbul",
];
const COUNTRIES: [&str; 8] = [
    "Azerbaijan",
    "Russia",
    "Georgia",
    "Armenia",
    "Turkey",
    "Kazakhstan",
    "Iran",
    "Belarus",
];
const ORGANIZATIONS: [&str; 12] = [
    "Ministry of Foreign Affairs",
    "Prosecutor's Office",
    "Investigative Committee",
    "State Security Service",
    "Human Rights Commission",
    "Interior Ministry",
    "Border Service",
    "Energy Agency",
    "Central Election Commission",
    "Supreme Court",
    "Migration Service",
    "Trade Council",
];
const MEDIA: [&str; 8] = [
    "Daily Courier",
    "Evening Herald",
    "Caspian Report",
    "Northern Wire",
    "Civic Radio",
    "Morning Gazette",
    "Open Channel",
    "Regional Tribune",
];
const GROUPS: [&str; 8] = [
    "diaspora association",
    "veterans' union",
    "migrant workers' network",
    "students' movement",
    "traders' guild",
    "families' committee",
    "lawyers' collective",
    "opposition bloc",
];
const VERBS: [&str; 16] = [
    "announces",
    "rejects",
    "opens an inquiry into",
    "condemns",
    "welcomes",
    "questions",
    "postpones",
    "signs an agreement on",
    "publishes a report on",
    "suspends",
    "demands an explanation of",
    "confirms",
    "denies",
    "reviews",
    "calls for talks on",
    "responds to",
];
const SUBJECTS: [&str; 20] = [
    "the detentions",
    "the border checkpoints",
    "the gas contract",
    "the embassy staff",
    "the custody deaths",
    "the extradition request",
    "the trade quotas",
    "the broadcast licences",
    "the migrant registry",
    "the joint commission",
    "the court ruling",
    "the transit corridor",
    "the visa regime",
    "the military exercise",
    "the prisoner exchange",
    "the investigation",
    "the media restrictions",
    "the fishing rights",
    "the rail link",
    "the election observers",
];
const CLAUSES: [&str; 16] = [
    "after weeks of quiet negotiation",
    "citing new evidence from the case files",
    "in a statement read to reporters",
    "despite objections from its partners",
    "as protests continue outside the building",
    "following an appeal by the families",
    "in a move that surprised observers",
    "without giving a reason",
    "according to officials who asked not to be named",
    "at a hastily arranged news conference",
    "two days after the first reports",
    "in a letter seen by several newspapers",
    "while the talks remain suspended",
    "under pressure from parliament",
    "as the deadline approaches",
    "in the presence of foreign diplomats",
];
const REMARKS: [&str; 12] = [
    "The account could not be independently verified.",
    "Officials on both sides have since given different figures.",
    "The timing drew comment from analysts in both capitals.",
    "Local media reported the news within hours.",
    "No documents were published to support the claim.",
    "The decision was later cited in court.",
    "Families of those involved asked for an open hearing.",
    "It was the first such step in more than a decade.",
    "The statement was repeated on state television that evening.",
    "Several details remain disputed.",
    "The ministry declined to comment further.",
    "Observers called it a turning point in the relationship.",
];
const TAGS: [&str; 10] = [
    "custody",
    "diplomacy",
    "energy",
    "courts",
    "media",
    "migration",
    "security",
    "trade",
    "protest",
    "history",
];
const PUBLISHERS: [&str; 10] = [
    "Daily Courier",
    "Evening Herald",
    "Caspian Report",
    "Northern Wire",
    "Civic Radio",
    "Morning Gazette",
    "Open Channel",
    "Regional Tribune",
    "Official gazette",
    "Court records",
];
const SECTION_WORDS: [&str; 24] = [
    "what happened",
    "the first arrests",
    "two accounts",
    "the charges",
    "the response",
    "an alliance tested",
    "the border",
    "the money",
    "the courts",
    "the families",
    "the press",
    "the diaspora",
    "the energy deal",
    "the investigation",
    "the talks",
    "the long view",
    "the neighbours",
    "what the law says",
    "the witnesses",
    "the numbers",
    "the history",
    "the reaction abroad",
    "what comes next",
    "what to watch",
];
const ERAS: [(&str, &str, Option<&str>); 4] = [
    ("Post-Soviet partnership", "1991-12", Some("2003-10")),
    ("Energy years", "2003-10", Some("2014-03")),
    ("Uneasy allies", "2014-03", Some("2022-02")),
    ("Crisis", "2022-02", None),
];
const FIRST_YEAR: usize = 1992;
const LAST_YEAR: usize = 2025;
/// The years from [`FIRST_YEAR`] to [`LAST_YEAR`]: the most a story spans.
pub const YEARS: usize = LAST_YEAR - FIRST_YEAR + 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Person,
    State,
    Organization,
    Media,
    Group,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::State => "state",
            Kind::Organization => "organization",
            Kind::Media => "media",
            Kind::Group => "group",
        }
    }
}

struct Actor {
    id: String,
    name: String,
    kind: Kind,
    role: String,
    country: &'static str,
    aliases: Vec<String>,
    relations: Vec<(usize, &'static str)>,
    bio: String,
}

struct Source {
    id: String,
    title: String,
    publisher: &'static str,
    url: String,
    accessed: Option<String>,
    archive: bool,
    language: &'static str,
}

struct Section {
    file: String,
    title: String,
    summary: Option<String>,
    body: String,
}

struct Account {
    actor: usize,
    claim: String,
    stance: &'static str,
    status: Option<&'static str>,
    sources: Vec<usize>,
}

enum Media {
    Image(usize),
    Link(String),
}

struct Event {
    id: String,
    date: String,
    end_date: Option<String>,
    approximate: bool,
    title: String,
    summary: String,
    actors: Vec<usize>,
    place: Option<&'static str>,
    tags: Vec<&'static str>,
    sources: Vec<usize>,
    media: Option<Media>,
    accounts: Vec<Account>,
}

struct Story {
    actors: Vec<Actor>,
    sources: Vec<Source>,
    sections: Vec<Section>,
    events: Vec<Event>,
    /// Events per file, in order.
    files: Vec<Vec<usize>>,
    images: usize,
}

/// The longest id [`slug`] makes: explainer allows 80 characters, and
/// [`unique`] may add a few.
const SLUG_MAX: usize = 76;

/// A readable id: lower-case ASCII letters and digits joined by dashes, cut
/// at a dash to at most [`SLUG_MAX`] characters.
fn slug(text: &str) -> String {
    let mut id = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let mut id = id.trim_end_matches('-');
    while id.len() > SLUG_MAX {
        id = id
            .rsplit_once('-')
            .map_or(&id[..SLUG_MAX], |(head, _)| head);
    }
    id.to_string()
}

/// `id`, or `id-2`, `id-3`... when taken; an id over the 80 characters an
/// id may have is cut at a dash, with room left for the number.
fn unique(id: String, taken: &mut std::collections::HashSet<String>) -> String {
    let id = match id.len() > 80 {
        true => id[..76]
            .rsplit_once('-')
            .map_or(&id[..76], |(head, _)| head)
            .to_string(),
        false => id,
    };
    if taken.insert(id.clone()) {
        return id;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{id}-{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn days_in_month(year: usize, month: usize) -> usize {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Story {
    fn draw(shape: Shape, seed: u64) -> Story {
        let mut random = Random(seed);
        let actors = draw_actors(&mut random, shape);
        let sources = draw_sources(&mut random, (shape.events / 2).clamp(5, 50));
        let section_slugs = draw_section_slugs(shape.sections);
        let events = draw_events(&mut random, shape, &actors, sources.len(), &section_slugs);
        let actors = write_bios(&mut random, actors, &events);
        let sections = draw_sections(&mut random, section_slugs, &actors, &events);
        let per_file = shape.events.div_ceil((shape.events / 4).clamp(1, 50));
        let files = (0..shape.events)
            .collect::<Vec<_>>()
            .chunks(per_file)
            .map(<[usize]>::to_vec)
            .collect();
        Story {
            actors,
            sources,
            sections,
            events,
            files,
            images: 10,
        }
    }

    fn write(&self, out: &mut Out<'_>) -> io::Result<()> {
        let updated = format!("{LAST_YEAR}-07-04");
        out.file(
            "content/site.toml",
            &format!(
                "title = \"A synthetic explainer of {} events\"\n\
                 subtitle = \"Generated for measuring explainer: {} sections, {} events, {} actors.\"\n\
                 description = \"A deterministic synthetic story in the content format editors write.\"\n\
                 base_url = \"https://example.org/synthetic/\"\n\
                 language = \"en\"\n\
                 published = {LAST_YEAR}-07-03\n\
                 updated = {updated}\n",
                self.events.len(),
                self.sections.len(),
                self.events.len(),
                self.actors.len(),
            ),
        )?;
        for section in &self.sections {
            let mut text = format!("+++\ntitle = \"{}\"\n", section.title);
            if let Some(summary) = &section.summary {
                writeln!(text, "summary = \"{summary}\"").ok();
            }
            text.push_str("+++\n");
            text.push_str(&section.body);
            out.file(&format!("content/story/{}", section.file), &text)?;
        }
        for (n, events) in self.files.iter().enumerate() {
            let first = &self.events[events[0]];
            let year = &first.date[..4];
            let path = format!("content/events/{:02}-from-{year}.toml", n + 1);
            if n == self.files.len() / 2 {
                out.written.event_file = path.clone();
                out.written.first_event = first.id.clone();
            }
            let mut text = format!("# Events from {year} on, in date order.\n");
            for &e in events {
                self.write_event(&mut text, &self.events[e]);
            }
            out.file(&path, &text)?;
        }
        for actor in &self.actors {
            out.file(
                &format!("content/actors/{}.md", actor.id),
                &self.actor_text(actor),
            )?;
        }
        let mut sources = String::new();
        for source in &self.sources {
            write!(
                sources,
                "[[source]]\nid = \"{}\"\ntitle = \"{}\"\npublisher = \"{}\"\nurl = \"{}\"\n",
                source.id, source.title, source.publisher, source.url
            )
            .ok();
            if let Some(accessed) = &source.accessed {
                writeln!(sources, "accessed = {accessed}").ok();
            }
            if source.archive {
                writeln!(
                    sources,
                    "archive_url = \"https://archive.example.org/{}\"",
                    source.id
                )
                .ok();
            }
            writeln!(sources, "language = \"{}\"\n", source.language).ok();
        }
        out.file("content/sources.toml", &sources)?;
        out.file("content/updates.toml", &self.updates())?;
        let mut eras = String::new();
        for (title, start, end) in ERAS {
            write!(eras, "[[era]]\ntitle = \"{title}\"\nstart = \"{start}\"\n").ok();
            if let Some(end) = end {
                writeln!(eras, "end = \"{end}\"").ok();
            }
            eras.push('\n');
        }
        out.file("content/eras.toml", &eras)?;
        for n in 0..self.images {
            out.file(
                &format!("static/images/map-{n}.svg"),
                &format!(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 30\"><rect width=\"40\" height=\"30\" fill=\"#dde\"/><circle cx=\"{}\" cy=\"15\" r=\"6\" fill=\"#c33\"/></svg>\n",
                    8 + 3 * n
                ),
            )?;
        }
        Ok(())
    }

    fn write_event(&self, text: &mut String, event: &Event) {
        write!(
            text,
            "\n[[event]]\nid = \"{}\"\ndate = \"{}\"\n",
            event.id, event.date
        )
        .ok();
        if event.approximate {
            text.push_str("approximate = true\n");
        }
        if let Some(end) = &event.end_date {
            writeln!(text, "end_date = \"{end}\"").ok();
        }
        write!(
            text,
            "title = \"{}\"\nsummary = \"\"\"\n{}\"\"\"\nactors = [{}]\n",
            event.title,
            event.summary,
            quoted(event.actors.iter().map(|&a| self.actors[a].id.as_str()))
        )
        .ok();
        if let Some(place) = event.place {
            writeln!(text, "place = \"{place}\"").ok();
        }
        if !event.tags.is_empty() {
            writeln!(text, "tags = [{}]", quoted(event.tags.iter().copied())).ok();
        }
        writeln!(
            text,
            "sources = [{}]",
            quoted(event.sources.iter().map(|&s| self.sources[s].id.as_str()))
        )
        .ok();
        match &event.media {
            Some(Media::Image(n)) => {
                write!(
                    text,
                    "\n[event.media]\nsrc = \"images/map-{n}.svg\"\nalt = \"A map of {} marking where it happened\"\ncaption = \"Where *{}* took place.\"\ncredit = \"Synthetic maps\"\n",
                    event.place.unwrap_or("the region"),
                    event.title
                )
                .ok();
            }
            Some(Media::Link(url)) => {
                write!(
                    text,
                    "\n[event.media]\nsrc = \"{url}\"\ncaption = \"Video of the statement, as broadcast.\"\ncredit = \"Open Channel\"\n"
                )
                .ok();
            }
            None => {}
        }
        for account in &event.accounts {
            write!(
                text,
                "\n[[event.accounts]]\nactor = \"{}\"\nclaim = \"{}\"\nstance = \"{}\"\n",
                self.actors[account.actor].id, account.claim, account.stance
            )
            .ok();
            if let Some(status) = account.status {
                writeln!(text, "status = \"{status}\"").ok();
            }
            if !account.sources.is_empty() {
                writeln!(
                    text,
                    "sources = [{}]",
                    quoted(account.sources.iter().map(|&s| self.sources[s].id.as_str()))
                )
                .ok();
            }
        }
    }

    fn actor_text(&self, actor: &Actor) -> String {
        let mut text = format!(
            "+++\nname = \"{}\"\nkind = \"{}\"\nrole = \"{}\"\ncountry = \"{}\"\n",
            actor.name,
            actor.kind.name(),
            actor.role,
            actor.country
        );
        if !actor.aliases.is_empty() {
            writeln!(
                text,
                "aliases = [{}]",
                quoted(actor.aliases.iter().map(String::as_str))
            )
            .ok();
        }
        for (to, kind) in &actor.relations {
            write!(
                text,
                "\n[[relations]]\nto = \"{}\"\nkind = \"{kind}\"\n",
                self.actors[*to].id
            )
            .ok();
        }
        text.push_str("+++\n");
        text.push_str(&actor.bio);
        text
    }

    fn updates(&self) -> String {
        let mut text = String::new();
        let count = self.events.len();
        let notes = [
            (
                "03",
                "update",
                "First published with the timeline from 1992 on.",
            ),
            (
                "04",
                "update",
                "Added the latest statements and the court's schedule.",
            ),
            (
                "05",
                "correction",
                "An earlier version gave the wrong month for one hearing; it is now *dated to the month*.",
            ),
            (
                "06",
                "clarification",
                "Dates marked *around* are approximate: the sources disagree by a few days.",
            ),
        ];
        for (n, (day, kind, note)) in notes.iter().enumerate() {
            let touched: Vec<&str> = (0..3)
                .map(|k| {
                    self.events[(count - 1 - (n * 3 + k) % count) % count]
                        .id
                        .as_str()
                })
                .collect();
            write!(
                text,
                "[[update]]\ndate = {LAST_YEAR}-07-{day}\nkind = \"{kind}\"\nnote = \"{note}\"\nevents = [{}]\n\n",
                quoted(touched.into_iter())
            )
            .ok();
        }
        text
    }
}

fn quoted<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn draw_actors(random: &mut Random, shape: Shape) -> Vec<Actor> {
    let mut taken = std::collections::HashSet::new();
    let mut actors = Vec::with_capacity(shape.actors);
    for n in 0..shape.actors {
        let country = COUNTRIES[random.below(COUNTRIES.len())];
        // Mostly people, as in a real story; a few states, bodies, outlets, groups.
        let kind = match (n, random.below(20)) {
            (n, _) if n < COUNTRIES.len().min(shape.actors / 5 + 1) => Kind::State,
            (_, 0..=11) => Kind::Person,
            (_, 12..=15) => Kind::Organization,
            (_, 16..=17) => Kind::Media,
            _ => Kind::Group,
        };
        let (name, role, aliases) = match kind {
            Kind::State => {
                let name = COUNTRIES[n % COUNTRIES.len()].to_string();
                (
                    name.clone(),
                    "State party to the dispute".to_string(),
                    vec![format!("Republic of {name}")],
                )
            }
            Kind::Person => {
                let name = format!("{} {}", random.pick(&FIRST), random.pick(&LAST));
                let role = format!("{} official", random.pick(&ORGANIZATIONS));
                (name, role, Vec::new())
            }
            Kind::Organization => (
                format!("{country} {}", random.pick(&ORGANIZATIONS)),
                "State body".to_string(),
                Vec::new(),
            ),
            Kind::Media => (
                format!("{} ({country})", random.pick(&MEDIA)),
                "News outlet".to_string(),
                Vec::new(),
            ),
            Kind::Group => (
                format!("{country} {}", random.pick(&GROUPS)),
                "Civic group".to_string(),
                Vec::new(),
            ),
        };
        let country = if kind == Kind::State {
            COUNTRIES[n % COUNTRIES.len()]
        } else {
            country
        };
        actors.push(Actor {
            id: unique(slug(&name), &mut taken),
            name,
            kind,
            role,
            country,
            aliases,
            relations: Vec::new(),
            bio: String::new(),
        });
    }
    for a in 0..actors.len() {
        for _ in 0..random.below(3) {
            let to = random.below(actors.len());
            if to != a {
                let kind = random.pick(&["works with", "reports to", "citizen of", "opposes"]);
                actors[a].relations.push((to, kind));
            }
        }
    }
    actors
}

fn draw_sources(random: &mut Random, count: usize) -> Vec<Source> {
    (0..count)
        .map(|n| {
            let publisher = random.pick(&PUBLISHERS);
            let subject = random.pick(&SUBJECTS);
            let year = FIRST_YEAR + random.below(LAST_YEAR - FIRST_YEAR + 1);
            Source {
                id: format!("{}-{n}", slug(publisher)),
                title: format!("Report on {subject}, {year}"),
                publisher,
                url: format!("https://{}.example.org/{year}/{n}", slug(publisher)),
                accessed: random.chance(60).then(|| {
                    format!(
                        "{LAST_YEAR}-{:02}-{:02}",
                        1 + random.below(6),
                        1 + random.below(28)
                    )
                }),
                archive: random.chance(30),
                language: random.pick(&["en", "en", "az", "ru"]),
            }
        })
        .collect()
}

fn draw_section_slugs(count: usize) -> Vec<(String, String)> {
    let mut taken = std::collections::HashSet::new();
    (0..count)
        .map(|n| {
            let words = SECTION_WORDS[n % SECTION_WORDS.len()];
            let title = if n < SECTION_WORDS.len() {
                capitalize(words)
            } else {
                format!(
                    "{}, part {}",
                    capitalize(words),
                    n / SECTION_WORDS.len() + 1
                )
            };
            (unique(slug(&title), &mut taken), title)
        })
        .collect()
}

/// An actor for an event: a third of the time one of the few main actors, as
/// real stories keep coming back to the same people and states.
fn some_actor(random: &mut Random, actors: usize) -> usize {
    let main = (actors / 20).max(1);
    if random.chance(33) {
        random.below(main)
    } else {
        random.below(actors)
    }
}

fn draw_date(random: &mut Random, year: usize) -> (String, usize, usize) {
    let month = 1 + random.below(12);
    let day = 1 + random.below(days_in_month(year, month));
    let text = match random.below(10) {
        0..=1 => format!("{year}"),
        2..=4 => format!("{year}-{month:02}"),
        _ => format!("{year}-{month:02}-{day:02}"),
    };
    (text, month, day)
}

fn draw_events(
    random: &mut Random,
    shape: Shape,
    actors: &[Actor],
    sources: usize,
    sections: &[(String, String)],
) -> Vec<Event> {
    let mut taken = std::collections::HashSet::new();
    let mut events: Vec<Event> = Vec::with_capacity(shape.events);
    let span = shape.years.clamp(1, YEARS);
    let first_year = LAST_YEAR + 1 - span;
    for n in 0..shape.events {
        let year = first_year + n * span / shape.events;
        let (date, month, _) = draw_date(random, year);
        // Every actor takes part in something: actor n % actors is always one of them.
        let mut ids = vec![n % actors.len()];
        for _ in 0..random.below(4) {
            let a = some_actor(random, actors.len());
            if !ids.contains(&a) {
                ids.push(a);
            }
        }
        let lead = &actors[ids[0]];
        let verb = random.pick(&VERBS);
        let subject = random.pick(&SUBJECTS);
        let place = random.chance(80).then(|| random.pick(&PLACES));
        let title = format!("{} {verb} {subject}", lead.name);
        let id = unique(
            slug(&format!("{} {verb} {subject}", short_name(lead))),
            &mut taken,
        );
        let mut summary = format!(
            "[{}](actor:{}) {verb} {subject} {}",
            lead.name,
            lead.id,
            random.pick(&CLAUSES)
        );
        if let Some(place) = place {
            write!(summary, " in {place}").ok();
        }
        summary.push_str(".\n");
        if ids.len() > 1 {
            let other = &actors[ids[1 + random.below(ids.len() - 1)]];
            writeln!(
                summary,
                "[{}](actor:{}) {} {}.",
                other.name,
                other.id,
                random.pick(&VERBS),
                random.pick(&SUBJECTS)
            )
            .ok();
        }
        if n > 0 && random.chance(70) {
            let earlier = &events[n - 1 - random.below(n.min(30))];
            writeln!(
                summary,
                "It follows an earlier step: [{}](event:{}).",
                earlier.title, earlier.id
            )
            .ok();
        }
        let (slug, title_of) = &sections[random.below(sections.len())];
        writeln!(
            summary,
            "{} See [{}](section:{slug}).",
            random.pick(&REMARKS),
            title_of
        )
        .ok();
        let end_date = random.chance(10).then(|| {
            // An end at the same precision or coarser, never before the start.
            let end_year = (year + random.below(2)).min(LAST_YEAR);
            if date.len() == 4 || random.chance(50) {
                format!("{end_year}")
            } else if end_year > year {
                format!("{end_year}-{:02}", 1 + random.below(12))
            } else {
                format!("{end_year}-{:02}", month + random.below(13 - month))
            }
        });
        let mut event_sources = vec![n % sources];
        if random.chance(40) {
            let s = random.below(sources);
            if s != event_sources[0] {
                event_sources.push(s);
            }
        }
        let tags = {
            let mut tags = vec![random.pick(&TAGS)];
            if random.chance(30) {
                let t = random.pick(&TAGS);
                if t != tags[0] {
                    tags.push(t);
                }
            }
            tags
        };
        let media = match random.below(50) {
            0 => Some(Media::Image(random.below(10))),
            1 => Some(Media::Link(format!(
                "https://video.example.org/{}",
                random.below(100_000)
            ))),
            _ => None,
        };
        let accounts = if random.chance(10) {
            draw_accounts(random, &ids, actors.len(), sources)
        } else {
            Vec::new()
        };
        events.push(Event {
            id,
            date,
            end_date,
            approximate: random.chance(10),
            title,
            summary,
            actors: ids,
            place,
            tags,
            sources: event_sources,
            media,
            accounts,
        });
    }
    events
}

fn draw_accounts(
    random: &mut Random,
    ids: &[usize],
    actors: usize,
    sources: usize,
) -> Vec<Account> {
    let first = ids[0];
    let second = if ids.len() > 1 {
        ids[1]
    } else {
        (first + 1 + random.below(actors.max(2) - 1)) % actors
    };
    let subject = random.pick(&SUBJECTS);
    vec![
        Account {
            actor: first,
            claim: format!("The measures on {subject} were lawful and *necessary*."),
            stance: "asserts",
            status: random.chance(30).then_some("confirmed"),
            sources: vec![random.below(sources)],
        },
        Account {
            actor: second,
            claim: format!(
                "The official account of {subject} leaves out what witnesses saw {}.",
                random.pick(&CLAUSES)
            ),
            stance: random.pick(&["denies", "disputes"]),
            status: random.chance(20).then_some("unverified"),
            sources: if random.chance(70) {
                vec![random.below(sources)]
            } else {
                Vec::new()
            },
        },
    ]
}

fn short_name(actor: &Actor) -> &str {
    match actor.kind {
        Kind::Person => actor.name.rsplit(' ').next().unwrap_or(&actor.name),
        _ => &actor.name,
    }
}

/// Biographies come after the events, so that they can name the actor's own events.
fn write_bios(random: &mut Random, mut actors: Vec<Actor>, events: &[Event]) -> Vec<Actor> {
    let mut first_event = vec![None; actors.len()];
    for (e, event) in events.iter().enumerate() {
        for &a in &event.actors {
            first_event[a].get_or_insert(e);
        }
    }
    let names: Vec<(String, String)> = actors
        .iter()
        .map(|a| (a.name.clone(), a.id.clone()))
        .collect();
    for (a, actor) in actors.iter_mut().enumerate() {
        let mut bio = format!("{} ({}, {}).", actor.name, actor.role, actor.country);
        if let Some(e) = first_event[a] {
            write!(
                bio,
                " First seen in this story in [{}](event:{}).",
                events[e].date, events[e].id
            )
            .ok();
        }
        bio.push_str("\n\n");
        for &(to, kind) in &actor.relations {
            let (name, id) = &names[to];
            write!(bio, "{} {kind} [{name}](actor:{id}). ", actor.name).ok();
        }
        writeln!(bio, "{}", random.pick(&REMARKS)).ok();
        if random.chance(30) {
            bio.push_str(
                "\nKnown for:\n\n- public statements on the case\n- testimony before parliament\n",
            );
        }
        actor.bio = bio;
    }
    actors
}

fn draw_sections(
    random: &mut Random,
    slugs: Vec<(String, String)>,
    actors: &[Actor],
    events: &[Event],
) -> Vec<Section> {
    let count = slugs.len();
    let digits = count.to_string().len().max(2);
    let all: Vec<String> = slugs.iter().map(|(s, _)| s.clone()).collect();
    slugs
        .into_iter()
        .enumerate()
        .map(|(n, (slug, title))| {
            let mut body = String::new();
            // Each section follows a stretch of the timeline, as editors write them.
            let stretch = events.len().div_ceil(count).max(1);
            let from = (n * events.len() / count).min(events.len() - 1);
            for p in 0..4 + random.below(4) {
                if p == 2 && random.chance(50) {
                    writeln!(body, "## {}\n", capitalize(random.pick(&SUBJECTS))).ok();
                }
                let a = &actors[some_actor(random, actors.len())];
                let b = &actors[random.below(actors.len())];
                let e = &events[(from + random.below(stretch)).min(events.len() - 1)];
                write!(
                    body,
                    "[{}](actor:{}) {} {} {}. ",
                    a.name,
                    a.id,
                    random.pick(&VERBS),
                    random.pick(&SUBJECTS),
                    random.pick(&CLAUSES)
                )
                .ok();
                write!(
                    body,
                    "The record shows it: [{}](event:{}), and **{}** is still cited by [{}](actor:{}). ",
                    e.title,
                    e.id,
                    random.pick(&SUBJECTS),
                    b.name,
                    b.id
                )
                .ok();
                if random.chance(40) {
                    let other = &all[random.below(count)];
                    write!(body, "As [explained elsewhere](section:{other}), ").ok();
                    body.push_str("the two sides read the same facts differently. ");
                }
                writeln!(body, "{}\n", random.pick(&REMARKS)).ok();
                if p == 1 && random.chance(30) {
                    body.push_str("| Year | What changed |\n| --- | --- |\n");
                    for k in 0..3 {
                        let e = &events[(from + k) % events.len()];
                        writeln!(body, "| {} | {} |", &e.date[..4], e.title).ok();
                    }
                    body.push('\n');
                }
            }
            Section {
                file: format!("{:0digits$}-{slug}.md", n + 1),
                summary: random
                    .chance(70)
                    .then(|| format!("{title}: the facts and the competing accounts.")),
                title,
                body,
            }
        })
        .collect()
}

/// Writes files under the story root, counting them.
struct Out<'a> {
    root: &'a Path,
    written: Written,
}

impl Out<'_> {
    fn file(&mut self, path: &str, text: &str) -> io::Result<()> {
        let full = self.root.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&full, text).map_err(|e| io::Error::new(e.kind(), format!("{path}: {e}")))?;
        self.written.files += 1;
        self.written.bytes += text.len();
        Ok(())
    }
}
