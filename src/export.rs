//! Data files written beside the pages, for reuse by other tools.

use crate::model::Story;
use crate::render::Page;

/// The data files of the story (none yet).
pub fn files(_story: &Story) -> Vec<Page> {
    Vec::new()
}
