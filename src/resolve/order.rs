//! The story's order of actors and events, decided before any index is given
//! out: an id resolves straight to its item's place in the story, so no index
//! is remapped after sorting.

use crate::load::RawStory;
use crate::model::{ActorIx, EventIx, Ix, IxVec, PartialDate};

/// Where each actor and event stands in the story.
pub(super) struct Order {
    /// By name, ignoring case; equal names keep the order of their files.
    pub(super) actors: Sorted<ActorIx>,
    /// By date; equal dates keep the order they were written in (files by
    /// name, then tables). An event whose date cannot be read sorts first: it
    /// is an error, and a story with errors is not built.
    pub(super) events: Sorted<EventIx>,
}

impl Order {
    pub(super) fn of(raw: &RawStory) -> Order {
        let mut actors: Vec<usize> = (0..raw.actors.len()).collect();
        actors.sort_by_cached_key(|&at| raw.actors[at].1.front.name.get_ref().to_lowercase());
        let mut events: Vec<usize> = (0..raw.events.len()).collect();
        events.sort_by_cached_key(|&at| PartialDate::parse(raw.events[at].1.date.get_ref()).ok());
        Order {
            actors: Sorted::new(actors),
            events: Sorted::new(events),
        }
    }
}

/// Items of one kind in story order: for each index in the story, the
/// position in the raw story it comes from, and back.
pub(super) struct Sorted<I> {
    raw: IxVec<I, usize>,
    index: Vec<I>,
}

impl<I: Ix> Sorted<I> {
    fn new(raw: Vec<usize>) -> Sorted<I> {
        let raw = IxVec::from(raw);
        // `raw` is a permutation: every slot is written.
        let mut index = vec![I::new(0); raw.len()];
        for (story, &at) in raw.indexed() {
            index[at] = story;
        }
        Sorted { raw, index }
    }

    /// The story index of the item at raw position `at`.
    pub(super) fn index(&self, at: usize) -> I {
        self.index[at]
    }

    /// The raw position of the item at story index `index`.
    pub(super) fn at(&self, index: I) -> usize {
        self.raw[index]
    }

    /// The raw positions, in story order.
    pub(super) fn raw(&self) -> impl Iterator<Item = usize> + '_ {
        self.raw.iter().copied()
    }
}
