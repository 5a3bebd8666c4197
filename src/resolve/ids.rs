//! Ids: every section, event, actor and source gets its id here, checked for
//! its form and for duplicates; then the ids an item names are resolved,
//! with "did you mean" when one is unknown.

use crate::plan::{Kind, Route};
use crate::{FastMap, FastSet};
use std::ops::Range;

use toml::Spanned;

use super::{Resolve, ResolveOptions};
use crate::diagnostics::{Diagnostic, Severity, closest};
use crate::load::{FileId, file_stem};
use crate::markdown::{RefKind, Resolver};
use crate::model::{ActorIx, EventIx, Ix, SourceIx};

/// Ids known in the story, for resolving references.
#[derive(Default)]
pub(super) struct Ids {
    pub(super) events: FastMap<String, EventIx>,
    pub(super) actors: FastMap<String, ActorIx>,
    pub(super) sections: FastMap<String, usize>,
    pub(super) draft_sections: FastMap<String, usize>,
    pub(super) sources: FastMap<String, SourceIx>,
    /// Ids of items whose own file has an error: naming them is not another error.
    pub(super) broken: FastSet<(RefKind, String)>,
    pub(super) broken_sources: FastSet<String>,
}

impl Ids {
    /// Whether the item of this kind and id has an error in its own file.
    /// Most stories have none: then no key is made to look it up.
    pub(super) fn is_broken(&self, kind: RefKind, id: &str) -> bool {
        !self.broken.is_empty() && self.broken.contains(&(kind, id.to_string()))
    }

    /// Tells id sets apart: what Markdown rendering depends on besides the text.
    /// Each kind's ids are hashed one by one and the hashes added up, so the
    /// maps' order does not matter and nothing is sorted: sorting the ids
    /// was about 2 M of the 262 M instructions of a save in `serve` at L.
    pub(super) fn fingerprint(&self) -> u64 {
        use xxhash_rust::xxh3::xxh3_128;
        fn sum<V>(map: &FastMap<String, V>) -> (u128, usize) {
            let sum = (map.keys()).fold(0u128, |sum, id| sum.wrapping_add(xxh3_128(id.as_bytes())));
            (sum, map.len())
        }
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for (sum, count) in [sum(&self.actors), sum(&self.events), sum(&self.sections)] {
            hasher.update(&sum.to_le_bytes());
            hasher.update(&count.to_le_bytes());
        }
        hasher.digest()
    }
}

impl Resolver for Ids {
    fn path(&self, kind: RefKind, id: &str) -> Option<String> {
        match kind {
            RefKind::Actor => self
                .actors
                .contains_key(id)
                .then(|| Route::actor(id).href()),
            RefKind::Event => self
                .events
                .contains_key(id)
                .then(|| Route::event(id).href()),
            RefKind::Section => self
                .sections
                .contains_key(id)
                .then(|| Route::one(Kind::Story).anchor(id)),
        }
    }
}

/// The longest id, in characters. Ids become folder names and anchors; a
/// file system refuses names over 255 bytes, and the build's temp names are
/// longer than the id.
const MAX_ID: usize = 80;

pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A readable id from any text: "Ziyaddin Safarov!" -> "ziyaddin-safarov",
/// "Hüseyn Səfərov" -> "huseyn-seferov", spelled as `explainer new` spells it.
pub fn suggest_id(text: &str) -> String {
    crate::scaffold::slug(text)
}

/// An id of at most [`MAX_ID`] characters: `id` cut at the last dash that
/// keeps it short enough, or at the limit when there is none.
fn shorten_id(id: &str) -> &str {
    if id.len() <= MAX_ID {
        return id;
    }
    let cut = id.floor_char_boundary(MAX_ID + 1);
    let head = &id[..cut];
    let words = head
        .rfind('-')
        .map_or("", |at| head[..at].trim_end_matches('-'));
    match words.is_empty() {
        true => &id[..id.floor_char_boundary(MAX_ID)],
        false => words,
    }
}

/// The section's slug: its file stem without a leading number and dash.
pub fn section_slug(path: &str) -> &str {
    let stem = file_stem(path);
    match stem.split_once('-') {
        Some((number, rest))
            if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) =>
        {
            rest
        }
        _ => stem,
    }
}

impl Resolve<'_> {
    pub(super) fn check_id(
        &mut self,
        file: FileId,
        span: Range<usize>,
        id: &str,
        what: &str,
    ) -> bool {
        if !is_valid_id(id) {
            let suggestion = suggest_id(id);
            let suggestion = shorten_id(&suggestion);
            self.error(
                file,
                span,
                format!("`{id}` is not a valid {what} id"),
                format!(
                    "ids use only lowercase letters a-z, digits and dashes, like \"{suggestion}\""
                ),
            );
            return false;
        }
        // Too long, it is still the item's id: naming it is no other error.
        if id.len() > MAX_ID {
            self.error(
                file,
                span,
                format!(
                    "this {what} id is {} characters long, more than {MAX_ID}",
                    id.len()
                ),
                format!(
                    "ids become file names and addresses: write a shorter one, like \"{}\"",
                    shorten_id(id)
                ),
            );
        }
        true
    }

    pub(super) fn collect_ids(&mut self, options: ResolveOptions) {
        let raw = self.raw;
        let mut ids = Ids::default();
        let broken = &raw.broken;
        let sections = broken
            .sections
            .iter()
            .map(|p| (RefKind::Section, section_slug(p).to_string()));
        let events = broken.events.iter().map(|id| (RefKind::Event, id.clone()));
        let actors = broken.actors.iter().map(|id| (RefKind::Actor, id.clone()));
        ids.broken = sections.chain(events).chain(actors).collect();
        ids.broken_sources = broken.sources.iter().cloned().collect();
        let mut seen: FastMap<String, FileId> = FastMap::default();
        for (index, doc) in raw.sections.iter().enumerate() {
            let path = &raw.file(doc.file).path;
            let slug = section_slug(path).to_string();
            if !is_valid_id(&slug) {
                let suggestion = suggest_id(&slug);
                self.diagnostics.push(
                    Diagnostic::whole_file(
                        Severity::Error,
                        path,
                        format!("`{slug}` is not a valid section name"),
                    )
                    .help(format!(
                        "rename the file to use only a-z, 0-9 and dashes, like \"{}.md\"",
                        shorten_id(&suggestion)
                    )),
                );
                continue;
            }
            if slug.len() > MAX_ID {
                // The number before the name stays: it orders the sections.
                let stem = file_stem(path);
                let number = &stem[..stem.len() - slug.len()];
                self.diagnostics.push(
                    Diagnostic::whole_file(
                        Severity::Error,
                        path,
                        format!(
                            "this section's name is {} characters long, more than {MAX_ID}",
                            slug.len()
                        ),
                    )
                    .help(format!(
                        "a section's name is its file name without the number, and becomes an address: rename the file to something shorter, like \"{number}{}.md\"",
                        shorten_id(&slug)
                    )),
                );
            }
            if let Some(first) = seen.insert(slug.clone(), doc.file) {
                let first = self.file(first).path.clone();
                self.diagnostics.push(
                    Diagnostic::whole_file(
                        Severity::Error,
                        path,
                        format!("two sections have the slug `{slug}`"),
                    )
                    .help(format!(
                        "{first} has it too: a section's name is its file name without the leading number, so rename one of the two files"
                    )),
                );
                continue;
            }
            if doc.front.draft && !options.drafts {
                ids.draft_sections.insert(slug, index);
            } else {
                ids.sections.insert(slug, index);
            }
        }
        for (at, (id, doc)) in raw.actors.iter().enumerate() {
            let path = self.file(doc.file).path.clone();
            if !is_valid_id(id) {
                self.diagnostics.push(
                    Diagnostic::whole_file(
                        Severity::Error,
                        &path,
                        format!("`{id}` is not a valid actor id (the file name is the id)"),
                    )
                    .help(format!(
                        "rename the file to use only a-z, 0-9 and dashes, like \"{}.md\"",
                        shorten_id(&suggest_id(id))
                    )),
                );
            } else if let Some(&first) = ids.actors.get(id) {
                let first = raw.actors[self.order.actors.at(first)].1.file;
                let first = self.file(first).path.clone();
                self.diagnostics.push(
                    Diagnostic::whole_file(
                        Severity::Error,
                        &path,
                        format!("two actor files have the id `{id}`"),
                    )
                    .help(format!(
                        "{first} has it too: actor ids are file names, so rename one of the two files"
                    )),
                );
            } else {
                if id.len() > MAX_ID {
                    self.diagnostics.push(
                        Diagnostic::whole_file(
                            Severity::Error,
                            &path,
                            format!(
                                "this actor id is {} characters long, more than {MAX_ID} (the file name is the id)",
                                id.len()
                            ),
                        )
                        .help(format!(
                            "ids become file names and addresses: rename the file to something shorter, like \"{}.md\"",
                            shorten_id(id)
                        )),
                    );
                }
                let index = self.order.actors.index(at);
                ids.actors.insert(id.clone(), index);
            }
        }
        let mut event_places: FastMap<String, (FileId, usize)> = FastMap::default();
        for (at, (file, event)) in raw.events.iter().enumerate() {
            let id = event.id.get_ref();
            if !self.check_id(*file, event.id.span(), id, "event") {
                continue;
            }
            if let Some((first_file, first_start)) = event_places.get(id).copied() {
                let first = self.file(first_file);
                let line = first.text[..first_start].matches('\n').count() + 1;
                let help = format!(
                    "it is already used at {}:{line}; give this event another id",
                    first.path
                );
                self.error(
                    *file,
                    event.id.span(),
                    format!("duplicate event id `{id}`"),
                    help,
                );
                continue;
            }
            event_places.insert(id.clone(), (*file, event.id.span().start));
            let index = self.order.events.index(at);
            ids.events.insert(id.clone(), index);
        }
        for (index, (file, source)) in raw.sources.iter().enumerate() {
            let id = source.id.get_ref();
            if !self.check_id(*file, source.id.span(), id, "source") {
                continue;
            }
            if let Some(&first) = ids.sources.get(id) {
                let (first_file, first_source) = &raw.sources[first.position()];
                let first_file = self.file(*first_file);
                let line = first_file.text[..first_source.id.span().start]
                    .matches('\n')
                    .count()
                    + 1;
                let help = format!(
                    "it is already used at {}:{line}; give this source another id, or remove one of the two",
                    first_file.path
                );
                self.error(
                    *file,
                    source.id.span(),
                    format!("duplicate source id `{id}`"),
                    help,
                );
                continue;
            }
            // Sources keep the order of content/sources.toml.
            ids.sources.insert(id.clone(), SourceIx::new(index));
        }
        self.ids = std::sync::Arc::new(ids);
    }

    /// Resolves an id naming an actor, event or source (by the index type
    /// `I` it resolves to), with "did you mean".
    pub(super) fn reference<I: NamedBy>(
        &mut self,
        file: FileId,
        value: &Spanned<String>,
    ) -> Option<I> {
        let id = value.get_ref();
        let kind = I::NAMED;
        let table = I::table(&self.ids);
        let ref_kind = match kind {
            Named::Actor => Some(RefKind::Actor),
            Named::Event => Some(RefKind::Event),
            Named::Source => None,
        };
        let is_broken = match ref_kind {
            Some(k) => self.ids.is_broken(k, id),
            None => self.ids.broken_sources.contains(id),
        };
        if is_broken {
            return None;
        }
        if let Some(&index) = table.get(id) {
            index.count_use(self);
            return Some(index);
        }
        let (noun, create) = match kind {
            Named::Actor => ("actor", format!("create content/actors/{id}.md")),
            Named::Event => (
                "event",
                format!("add an [[event]] with id = \"{id}\" under content/events/"),
            ),
            Named::Source => (
                "source",
                format!("add a [[source]] with id = \"{id}\" to content/sources.toml"),
            ),
        };
        let help = match closest(id, table.keys().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "write the id of an existing {noun} ({}), or {create}",
                listing(table.keys().map(String::as_str).collect(), noun)
            ),
        };
        self.error(file, value.span(), format!("unknown {noun} `{id}`"), help);
        None
    }

    pub(super) fn references<I: NamedBy>(
        &mut self,
        file: FileId,
        values: &[Spanned<String>],
    ) -> Vec<I> {
        values
            .iter()
            .filter_map(|value| self.reference(file, value))
            .collect()
    }
}

/// "like [text](actor:anna); the actors are anna, bob and club", for help lines.
pub(super) fn listing(mut ids: Vec<&str>, scheme: &str) -> String {
    ids.sort_unstable();
    match ids.as_slice() {
        [] => format!("there is no {scheme} yet"),
        [one] => format!("the only one is `{one}`"),
        few if few.len() <= 8 => format!(
            "one of {}",
            few.iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        many => format!("{} ids exist, like `{}`", many.len(), many[0]),
    }
}

/// What a list of ids names.
#[derive(Clone, Copy)]
pub(super) enum Named {
    Actor,
    Event,
    Source,
}

/// An index type that ids in lists resolve to, by [`Resolve::reference`].
pub(super) trait NamedBy: Copy {
    const NAMED: Named;

    /// The ids of its kind, with the index each names.
    fn table(ids: &Ids) -> &FastMap<String, Self>;

    /// Counts a use, for the warnings about what nothing names.
    fn count_use(self, _resolve: &mut Resolve) {}
}

impl NamedBy for ActorIx {
    const NAMED: Named = Named::Actor;

    fn table(ids: &Ids) -> &FastMap<String, Self> {
        &ids.actors
    }

    fn count_use(self, resolve: &mut Resolve) {
        resolve.actor_uses[self] += 1;
    }
}

impl NamedBy for EventIx {
    const NAMED: Named = Named::Event;

    fn table(ids: &Ids) -> &FastMap<String, Self> {
        &ids.events
    }
}

impl NamedBy for SourceIx {
    const NAMED: Named = Named::Source;

    fn table(ids: &Ids) -> &FastMap<String, Self> {
        &ids.sources
    }

    fn count_use(self, resolve: &mut Resolve) {
        resolve.source_uses[self] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ids_fingerprint_tells_id_sets_apart_whatever_their_order() {
        fn ids(actors: &[&str], events: &[&str]) -> Ids {
            let mut ids = Ids::default();
            for (n, id) in actors.iter().enumerate() {
                ids.actors.insert(id.to_string(), ActorIx::new(n));
            }
            for (n, id) in events.iter().enumerate() {
                ids.events.insert(id.to_string(), EventIx::new(n));
            }
            ids
        }
        let print = |actors: &[&str], events: &[&str]| ids(actors, events).fingerprint();
        let first = print(&["anna", "bob"], &["vote", "strike", "talks"]);
        // Another order of the same ids: the maps' order is not the story's.
        assert_eq!(first, print(&["bob", "anna"], &["talks", "vote", "strike"]));
        // An id added, renamed, dropped, or the same id of another kind.
        assert_ne!(
            first,
            print(&["anna", "bob"], &["vote", "strike", "talks", "march"])
        );
        assert_ne!(first, print(&["anna", "rob"], &["vote", "strike", "talks"]));
        assert_ne!(first, print(&["anna"], &["vote", "strike", "talks"]));
        assert_ne!(first, print(&["anna", "bob", "vote"], &["strike", "talks"]));
        assert_ne!(print(&[], &[]), print(&[""], &[]));
    }

    #[test]
    fn section_slugs_drop_the_leading_number() {
        assert_eq!(
            section_slug("content/story/01-what-happened.md"),
            "what-happened"
        );
        assert_eq!(section_slug("content/story/history.md"), "history");
        assert_eq!(section_slug("content/story/2025-june.md"), "june");
    }

    #[test]
    fn long_ids_are_cut_at_a_dash() {
        let words = "the-council-votes-".repeat(10);
        let short = shorten_id(&words);
        assert!(short.len() <= MAX_ID, "{short}");
        assert!(words.starts_with(&format!("{short}-")), "{short}");
        assert!(is_valid_id(short));
        assert_eq!(shorten_id(&"a".repeat(300)), "a".repeat(MAX_ID));
        assert_eq!(shorten_id("short-id"), "short-id");
        let exact = format!("{}-b", "a".repeat(MAX_ID - 2));
        assert_eq!(shorten_id(&exact), exact);
        let one_over = format!("{}-bc", "a".repeat(MAX_ID - 2));
        assert_eq!(shorten_id(&one_over), "a".repeat(MAX_ID - 2));
    }

    #[test]
    fn suggested_ids_are_valid() {
        assert_eq!(suggest_id("Ziyaddin Safarov!"), "ziyaddin-safarov");
        // The same spelling as `explainer new`, not "h-seyn-s-f-rov".
        assert_eq!(suggest_id("Hüseyn Səfərov"), "huseyn-seferov");
        assert_eq!(
            suggest_id("Зиядин Сафаров"),
            crate::scaffold::id_from_title("Зиядин Сафаров")
        );
        assert!(is_valid_id(&suggest_id("  Two -- words ")));
    }
}
