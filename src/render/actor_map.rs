//! The actor map: actors as nodes on a circle, joined by their relations
//! (labelled arrows) and by the events they share (lines weighted by count).
//!
//! Steps: pick the actors (all of them, or one actor and its neighbours);
//! order them around the circle by kind, then pull each towards its
//! neighbours' positions a few times (a deterministic barycentre pass, fewer
//! crossings); grow the circle until no two labels overlap; place relation
//! labels where they collide with nothing, or leave them to the list beside
//! the map. No randomness: the same story gives the same bytes.

use std::collections::BTreeMap;
use std::f64::consts::PI;
use std::fmt::Write;
use std::sync::OnceLock;

use super::decimal::{d0, d1, put};

use crate::markdown::escape_html;
use crate::model::{ActorIx, IxVec, Story};
use crate::plan::Route;

const CHAR: f64 = 6.6;
const LABEL_HEIGHT: f64 = 14.0;
/// The full map shows at most this many actors, the most connected first.
pub const MAX_NODES: usize = 40;

#[derive(Clone, Copy, Debug)]
struct Box2 {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Box2 {
    fn overlaps(&self, other: &Box2) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

/// A drawn label, kept so tests can check that none overlap.
#[derive(Debug, Clone)]
pub struct PlacedLabel {
    pub text: String,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl PlacedLabel {
    fn bounds(&self) -> Box2 {
        Box2 {
            left: self.left,
            top: self.top,
            right: self.right,
            bottom: self.bottom,
        }
    }
}

/// An edge between two actors: relations (with their wording) and shared events.
#[derive(Default, Clone)]
struct Link {
    /// Who is related to the other, and how.
    relations: Vec<(ActorIx, String)>,
    shared_events: usize,
    /// The line's tooltip for the events shared, escaped: made for the
    /// first map that draws it, the same on the other.
    shared_title: OnceLock<String>,
}

impl std::hash::Hash for Link {
    /// What the link is made of; its tooltip follows from it.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.relations, self.shared_events).hash(state);
    }
}

/// What an actor's node shows on every map it is on, escaped once: its
/// link from the site root and its tooltip.
struct Node {
    href: String,
    title: String,
}

/// Every pair of actors that share a relation or an event, and each actor's
/// neighbours: computed once per story, shared by every map of the build.
pub struct Links {
    pairs: BTreeMap<(ActorIx, ActorIx), Link>,
    neighbours: IxVec<ActorIx, Vec<ActorIx>>,
    /// Made for the first map that shows each actor. A node's tooltip is
    /// made of the actor's name, its number of events and the interface's
    /// words: `serve` reuses the links only when an edit changed none of
    /// them, nor the events' actors (`Dirty::Some` in `render::depends`).
    nodes: IxVec<ActorIx, OnceLock<Node>>,
}

impl Links {
    fn pair(&self, a: ActorIx, b: ActorIx) -> Option<(&(ActorIx, ActorIx), &Link)> {
        self.pairs.get_key_value(&(a.min(b), a.max(b)))
    }

    /// A hash of everything a map of this story is drawn from but its own
    /// place (center, root and id): the links, each actor's id, name, kind
    /// and number of events, and the interface's strings (its title,
    /// description and tooltips are in the story's words, which `i18n/` can
    /// change). Two builds with the same inputs draw the same maps.
    pub fn inputs(&self, story: &Story) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        // The locale has no `Hash`: its `Debug` form, as `depends` takes it.
        format!("{:?}", story.locale).hash(&mut hasher);
        self.pairs.hash(&mut hasher);
        for (a, actor) in story.actors.indexed() {
            (&actor.id, &actor.name, actor.kind).hash(&mut hasher);
            story.index.actor_events[a].len().hash(&mut hasher);
        }
        hasher.finish()
    }
}

pub struct ActorMap<'a> {
    pub story: &'a Story,
    pub links: &'a Links,
    /// Draw only this actor and its neighbours, with the actor in the middle.
    pub center: Option<ActorIx>,
    pub root: &'a str,
    pub id: &'a str,
}

#[derive(Clone)]
pub struct Drawn {
    pub svg: String,
    pub labels: Vec<PlacedLabel>,
    /// How many actors the map leaves out (the full map shows at most [`MAX_NODES`]).
    pub left_out: usize,
}

/// Every pair of actors that share a relation or an event, with what they share.
pub fn links(story: &Story) -> Links {
    {
        let mut links: BTreeMap<(ActorIx, ActorIx), Link> = BTreeMap::new();
        for (a, actor) in story.actors.indexed() {
            for relation in &actor.relations {
                if relation.to == a {
                    continue;
                }
                let key = (a.min(relation.to), a.max(relation.to));
                links
                    .entry(key)
                    .or_default()
                    .relations
                    .push((a, relation.kind.clone()));
            }
        }
        for event in &story.events {
            let mut involved: Vec<ActorIx> = event.actors.clone();
            involved.extend(event.accounts.iter().map(|a| a.actor));
            involved.sort_unstable();
            involved.dedup();
            for (i, &a) in involved.iter().enumerate() {
                for &b in &involved[i + 1..] {
                    links.entry((a, b)).or_default().shared_events += 1;
                }
            }
        }
        let mut neighbours = story.actors.map(|_| Vec::new());
        for &(a, b) in links.keys() {
            neighbours[a].push(b);
            neighbours[b].push(a);
        }
        for list in &mut neighbours {
            list.sort_unstable();
        }
        Links {
            pairs: links,
            neighbours,
            nodes: story.actors.map(|_| OnceLock::new()),
        }
    }
}

impl ActorMap<'_> {
    pub fn render(&self) -> Drawn {
        let story = self.story;
        let degree = |a: ActorIx| self.links.neighbours[a].len();
        let mut nodes: Vec<ActorIx> = match self.center {
            Some(center) => self.links.neighbours[center].clone(),
            None => story.actors.indices().collect(),
        };
        let mut left_out = 0;
        if nodes.len() > MAX_NODES {
            nodes.sort_by_key(|&a| (std::cmp::Reverse(degree(a)), a));
            left_out = nodes.len() - MAX_NODES;
            nodes.truncate(MAX_NODES);
            nodes.sort_unstable();
        }
        if nodes.is_empty() && self.center.is_none() {
            return Drawn {
                svg: String::new(),
                labels: Vec::new(),
                left_out,
            };
        }
        let ring = self.order(&nodes);
        let count = |a: ActorIx| story.index.actor_events[a].len();
        let radius_of = |a: ActorIx| 5.0 + (count(a) as f64).sqrt() * 2.0;

        // Grow the circle until the node labels stop overlapping.
        let mut radius =
            (ring.len() as f64 * 22.0).max(if self.center.is_some() { 120.0 } else { 150.0 });
        let mut placed = Vec::new();
        for _ in 0..30 {
            placed = ring
                .iter()
                .enumerate()
                .map(|(i, &a)| {
                    let angle = -PI / 2.0 + 2.0 * PI * i as f64 / ring.len().max(1) as f64;
                    (a, radius * angle.cos(), radius * angle.sin(), angle)
                })
                .collect::<Vec<_>>();
            let labels: Vec<Box2> = placed
                .iter()
                .map(|&(a, x, y, angle)| {
                    node_label(&story.actors[a].name, x, y, angle, radius_of(a)).bounds()
                })
                .collect();
            let clash = labels
                .iter()
                .enumerate()
                .any(|(i, l)| labels[i + 1..].iter().any(|m| l.overlaps(m)))
                || self.center.is_some_and(|c| {
                    let middle =
                        node_label(&story.actors[c].name, 0.0, 0.0, PI / 2.0, radius_of(c))
                            .bounds();
                    labels.iter().any(|l| l.overlaps(&middle))
                });
            if !clash {
                break;
            }
            radius *= 1.12;
        }
        let mut positions: BTreeMap<ActorIx, (f64, f64, f64)> = placed
            .iter()
            .map(|&(a, x, y, angle)| (a, (x, y, angle)))
            .collect();
        if let Some(center) = self.center {
            positions.insert(center, (0.0, 0.0, PI / 2.0));
        }

        // Labels of the nodes, then relation labels where they fit.
        let mut labels: Vec<PlacedLabel> = positions
            .iter()
            .map(|(&a, &(x, y, angle))| {
                node_label(&story.actors[a].name, x, y, angle, radius_of(a))
            })
            .collect();
        let circles: Vec<Box2> = positions
            .iter()
            .map(|(&a, &(x, y, _))| {
                let r = radius_of(a) + 2.0;
                Box2 {
                    left: x - r,
                    top: y - r,
                    right: x + r,
                    bottom: y + r,
                }
            })
            .collect();
        let links: Vec<(&(ActorIx, ActorIx), &Link)> = match self.center {
            // Around one actor, only that actor's own links: its neighbours' are on their pages.
            Some(c) => {
                let mut own: Vec<_> = self.links.neighbours[c]
                    .iter()
                    .filter(|n| positions.contains_key(n))
                    .filter_map(|&n| self.links.pair(c, n))
                    .collect();
                own.sort_by_key(|(key, _)| **key);
                own
            }
            None => self
                .links
                .pairs
                .iter()
                .filter(|((a, b), _)| positions.contains_key(a) && positions.contains_key(b))
                .collect(),
        };
        let mut edge_labels: Vec<Option<PlacedLabel>> = Vec::new();
        for ((a, b), link) in &links {
            let Some((from, wording)) = link.relations.first() else {
                edge_labels.push(None);
                continue;
            };
            let text = if link.relations.len() > 1 {
                format!("{wording} (+{})", link.relations.len() - 1)
            } else {
                wording.clone()
            };
            let to = if *from == *a { *b } else { *a };
            let (x1, y1, _) = positions[from];
            let (x2, y2, _) = positions[&to];
            let spot = [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75].iter().find_map(|t| {
                let (x, y) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
                let label = centered_label(&text, x, y);
                let free = !labels.iter().any(|l| l.bounds().overlaps(&label.bounds()))
                    && !circles.iter().any(|c| c.overlaps(&label.bounds()));
                free.then_some(label)
            });
            if let Some(label) = &spot {
                labels.push(label.clone());
            }
            edge_labels.push(spot);
        }

        // The picture's extent, from everything drawn.
        let (mut left, mut top, mut right, mut bottom) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for b in labels
            .iter()
            .map(PlacedLabel::bounds)
            .chain(circles.iter().copied())
        {
            left = left.min(b.left);
            top = top.min(b.top);
            right = right.max(b.right);
            bottom = bottom.max(b.bottom);
        }
        let pad = 12.0;
        let (ox, oy) = (pad - left, pad - top);
        let (width, height) = (right - left + 2.0 * pad, bottom - top + 2.0 * pad);

        // About 1.5 KB a node with its links and labels: room enough
        // that the picture is written without growing.
        let mut svg = String::with_capacity(2048 + 1600 * positions.len());
        let title_id = format!("{}-title", self.id);
        let desc_id = format!("{}-desc", self.id);
        // On a phone the map keeps most of its size and scrolls, so labels stay readable.
        let min_width = d0(width * 0.8);
        let (width, height) = (d0(width), d0(height));
        let _ = write!(
            svg,
            r#"<svg class="actor-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" style="max-width:{width}px;min-width:{min_width}px" aria-labelledby="{title_id} {desc_id}">"#,
        );
        let locale = &story.locale;
        let title = match self.center {
            Some(c) => locale.fill("map_title_center", &[("actor", &story.actors[c].name)]),
            None => locale.count("map_title_all", positions.len(), &[]),
        };
        let relation_count: usize = links.iter().map(|(_, l)| l.relations.len()).sum();
        let shared = links.iter().filter(|(_, l)| l.shared_events > 0).count();
        let desc = locale.fill(
            "map_desc",
            &[
                (
                    "relations",
                    &locale.count("map_relations", relation_count, &[]),
                ),
                ("pairs", &locale.count("map_pairs", shared, &[])),
            ],
        );
        let _ = write!(
            svg,
            r#"<title id="{title_id}">{}</title><desc id="{desc_id}">{}</desc>"#,
            escape_html(&title),
            escape_html(&desc)
        );
        svg.push_str(r#"<defs><marker id=""#);
        svg.push_str(self.id);
        svg.push_str(r#"-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="map-arrow"/></marker></defs>"#);
        for (((a, b), link), label) in links.iter().zip(&edge_labels) {
            let (x1, y1, _) = positions[a];
            let (x2, y2, _) = positions[b];
            if link.shared_events > 0 {
                let width = 1.0 + (link.shared_events as f64).sqrt();
                let title = link.shared_title.get_or_init(|| {
                    escape_html(&locale.count(
                        "map_shared",
                        link.shared_events,
                        &[("a", &story.actors[*a].name), ("b", &story.actors[*b].name)],
                    ))
                });
                put!(
                    &mut svg,
                    r#"<line class="map-shared" x1=""#,
                    d1(x1 + ox),
                    r#"" y1=""#,
                    d1(y1 + oy),
                    r#"" x2=""#,
                    d1(x2 + ox),
                    r#"" y2=""#,
                    d1(y2 + oy),
                    r#"" stroke-width=""#,
                    d1(width),
                    r#""><title>"#,
                    title,
                    "</title></line>",
                );
            }
            for (from, wording) in &link.relations {
                let to = if *from == *a { *b } else { *a };
                let (fx, fy, _) = positions[from];
                let (tx, ty, _) = positions[&to];
                let (dx, dy) = (tx - fx, ty - fy);
                let length = (dx * dx + dy * dy).sqrt().max(1.0);
                let end = radius_of(to) + 3.0;
                let (ex, ey) = (tx - dx / length * end, ty - dy / length * end);
                put!(
                    &mut svg,
                    r#"<line class="map-relation" x1=""#,
                    d1(fx + ox),
                    r#"" y1=""#,
                    d1(fy + oy),
                    r#"" x2=""#,
                    d1(ex + ox),
                    r#"" y2=""#,
                    d1(ey + oy),
                    r#"" marker-end="url(#"#,
                    self.id,
                    r#"-arrow)"><title>"#,
                    escape_html(&story.actors[*from].name),
                    " — ",
                    escape_html(wording),
                    " — ",
                    escape_html(&story.actors[to].name),
                    "</title></line>",
                );
            }
            if let Some(label) = label {
                write_label(&mut svg, label, "map-relation-label", ox, oy);
            }
        }
        for (&a, &(x, y, angle)) in &positions {
            let actor = &story.actors[a];
            let class = if Some(a) == self.center {
                " map-center"
            } else {
                ""
            };
            let node = self.links.nodes[a].get_or_init(|| Node {
                href: escape_html(&Route::actor(&actor.id).href()),
                title: escape_html(&locale.count("map_node", count(a), &[("actor", &actor.name)])),
            });
            put!(
                &mut svg,
                r#"<a href=""#,
                escape_html(self.root),
                node.href,
                r#""><title>"#,
                node.title,
                r#"</title><circle class="map-node map-"#,
                actor.kind.name(),
                class,
                r#"" cx=""#,
                d1(x + ox),
                r#"" cy=""#,
                d1(y + oy),
                r#"" r=""#,
                d1(radius_of(a)),
                r#""/>"#,
            );
            let label = node_label(&actor.name, x, y, angle, radius_of(a));
            write_label(&mut svg, &label, "map-label", ox, oy);
            svg.push_str("</a>");
        }
        svg.push_str("</svg>");
        let labels = labels
            .into_iter()
            .map(|l| PlacedLabel {
                left: l.left + ox,
                right: l.right + ox,
                top: l.top + oy,
                bottom: l.bottom + oy,
                ..l
            })
            .collect();
        Drawn {
            svg,
            labels,
            left_out,
        }
    }

    /// Actors around the circle: by kind, then a few barycentre passes.
    fn order(&self, nodes: &[ActorIx]) -> Vec<ActorIx> {
        let story = self.story;
        let mut ring: Vec<ActorIx> = nodes.to_vec();
        ring.sort_by_key(|&a| (story.actors[a].kind, a));
        let n = ring.len();
        // Around one actor every line runs from the middle to the ring, so no
        // order crosses fewer lines: the barycentre passes would change nothing.
        if n < 4 || self.center.is_some() {
            return ring;
        }
        // Each node's neighbours on the ring, with how strongly they are linked.
        let members: std::collections::BTreeSet<ActorIx> = ring.iter().copied().collect();
        let adjacent: BTreeMap<ActorIx, Vec<(ActorIx, f64)>> = ring
            .iter()
            .map(|&a| {
                let near = self.links.neighbours[a]
                    .iter()
                    .filter(|b| members.contains(b))
                    .filter_map(|&b| {
                        let (_, link) = self.links.pair(a, b)?;
                        Some((b, (link.relations.len() + link.shared_events) as f64))
                    })
                    .collect();
                (a, near)
            })
            .collect();
        for _ in 0..6 {
            let slot: BTreeMap<ActorIx, usize> =
                ring.iter().enumerate().map(|(i, &a)| (a, i)).collect();
            let mut keyed: Vec<(f64, ActorIx)> = ring
                .iter()
                .enumerate()
                .map(|(i, &a)| {
                    let angle = |j: usize| 2.0 * PI * j as f64 / n as f64;
                    let (mut sx, mut sy, mut weight) = (angle(i).cos(), angle(i).sin(), 1.0);
                    for &(other, w) in adjacent.get(&a).map_or(&[][..], |v| &v[..]) {
                        if let Some(&j) = slot.get(&other) {
                            sx += angle(j).cos() * w;
                            sy += angle(j).sin() * w;
                            weight += w;
                        }
                    }
                    let mean = (sy / weight).atan2(sx / weight).rem_euclid(2.0 * PI);
                    (mean, a)
                })
                .collect();
            keyed.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
            let next: Vec<ActorIx> = keyed.into_iter().map(|(_, a)| a).collect();
            if next == ring {
                break;
            }
            ring = next;
        }
        ring
    }
}

/// A node's label beside it, on the side facing away from the middle.
fn node_label(text: &str, x: f64, y: f64, angle: f64, r: f64) -> PlacedLabel {
    let width = text.chars().count() as f64 * CHAR;
    let (cos, sin) = (angle.cos(), angle.sin());
    let (left, top) = if cos > 0.35 {
        (x + r + 5.0, y - LABEL_HEIGHT / 2.0)
    } else if cos < -0.35 {
        (x - r - 5.0 - width, y - LABEL_HEIGHT / 2.0)
    } else if sin < 0.0 {
        (x - width / 2.0, y - r - 4.0 - LABEL_HEIGHT)
    } else {
        (x - width / 2.0, y + r + 4.0)
    };
    PlacedLabel {
        text: text.to_string(),
        left,
        top,
        right: left + width,
        bottom: top + LABEL_HEIGHT,
    }
}

fn centered_label(text: &str, x: f64, y: f64) -> PlacedLabel {
    let width = text.chars().count() as f64 * CHAR * 0.9;
    PlacedLabel {
        text: text.to_string(),
        left: x - width / 2.0,
        top: y - LABEL_HEIGHT / 2.0,
        right: x + width / 2.0,
        bottom: y + LABEL_HEIGHT / 2.0,
    }
}

fn write_label(svg: &mut String, label: &PlacedLabel, class: &str, ox: f64, oy: f64) {
    put!(
        svg,
        r#"<text class=""#,
        class,
        r#"" x=""#,
        d1(label.left + ox),
        r#"" y=""#,
        d1(label.bottom + oy - 3.0),
        r#"" textLength=""#,
        d1(label.right - label.left),
        r#"" lengthAdjust="spacingAndGlyphs">"#,
        escape_html(&label.text),
        "</text>",
    );
}

/// True when any two drawn labels overlap (for tests).
pub fn any_overlap(labels: &[PlacedLabel]) -> Option<(String, String)> {
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            if a.bounds().overlaps(&b.bounds()) {
                return Some((a.text.clone(), b.text.clone()));
            }
        }
    }
    None
}
