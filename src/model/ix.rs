//! Typed indices: a position in one of the story's collections that only
//! that collection accepts, and [`IxVec`], the vector they index.

use std::marker::PhantomData;
use std::ops;

use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

/// A position in one of the story's collections, typed by the collection,
/// so that a source's index cannot look up an actor. `resolve` gives them
/// out once it has put each collection in its order; [`IxVec`] reads them.
pub trait Ix: Copy + Ord + Send + Sync {
    /// The index of the item at `position` in its collection.
    fn new(position: usize) -> Self;
    /// The item's position in its collection.
    fn position(self) -> usize;
}

/// Index types: plain `usize`s that only their own collection accepts.
macro_rules! typed_indices {
    ($($(#[$doc:meta])* $name:ident,)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(usize);

        impl Ix for $name {
            #[inline]
            fn new(position: usize) -> Self {
                $name(position)
            }

            #[inline]
            fn position(self) -> usize {
                self.0
            }
        }
    )*};
}

typed_indices! {
    /// An event's index in [`Story::events`](super::Story::events).
    EventIx,
    /// An actor's index in [`Story::actors`](super::Story::actors).
    ActorIx,
    /// A source's index in [`Story::sources`](super::Story::sources).
    SourceIx,
    /// A section's index in [`Story::sections`](super::Story::sections).
    SectionIx,
    /// An update's index in [`Story::updates`](super::Story::updates).
    UpdateIx,
}

/// A vector that only its own index type can index: the story's collections,
/// and the tables derived from them (for each actor, for each event).
#[derive(Debug, Clone, Hash)]
pub struct IxVec<I, T> {
    items: Vec<T>,
    ix: PhantomData<fn(I) -> I>,
}

impl<I, T> Default for IxVec<I, T> {
    fn default() -> Self {
        IxVec {
            items: Vec::new(),
            ix: PhantomData,
        }
    }
}

impl<I: Ix, T> IxVec<I, T> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// Each item with its index, in order.
    pub fn indexed(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator {
        self.items
            .iter()
            .enumerate()
            .map(|(at, item)| (I::new(at), item))
    }

    /// Every index, in order.
    pub fn indices(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator + use<I, T> {
        (0..self.items.len()).map(I::new)
    }

    /// Every index, in order, for work spread over all cores.
    pub fn par_indices(&self) -> impl IndexedParallelIterator<Item = I> + use<I, T> {
        (0..self.items.len()).into_par_iter().map(I::new)
    }

    pub fn get(&self, ix: I) -> Option<&T> {
        self.items.get(ix.position())
    }

    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    /// The index before `ix`, if there is one.
    pub fn previous(&self, ix: I) -> Option<I> {
        ix.position().checked_sub(1).map(I::new)
    }

    /// The index after `ix`, if there is one.
    pub fn next(&self, ix: I) -> Option<I> {
        let next = ix.position() + 1;
        (next < self.items.len()).then(|| I::new(next))
    }

    /// The items after `ix`.
    pub fn after(&self, ix: I) -> &[T] {
        &self.items[ix.position() + 1..]
    }

    /// A table with an entry for each item, made from it.
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> IxVec<I, U> {
        self.items.iter().map(f).collect()
    }
}

impl<I: Ix, T> ops::Index<I> for IxVec<I, T> {
    type Output = T;

    #[inline]
    fn index(&self, ix: I) -> &T {
        &self.items[ix.position()]
    }
}

impl<I: Ix, T> ops::IndexMut<I> for IxVec<I, T> {
    #[inline]
    fn index_mut(&mut self, ix: I) -> &mut T {
        &mut self.items[ix.position()]
    }
}

/// The items in the order they will be indexed in.
impl<I, T> From<Vec<T>> for IxVec<I, T> {
    fn from(items: Vec<T>) -> Self {
        IxVec {
            items,
            ix: PhantomData,
        }
    }
}

impl<I, T> FromIterator<T> for IxVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(items: It) -> Self {
        IxVec::from(items.into_iter().collect::<Vec<T>>())
    }
}

impl<'a, I, T> IntoIterator for &'a IxVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, I, T> IntoIterator for &'a mut IxVec<I, T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

impl<I, T> IntoIterator for IxVec<I, T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}
