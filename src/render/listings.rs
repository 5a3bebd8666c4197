//! The sources page, and each source's own page when the sources page is
//! split (see [`Citations`]): what cites each source, a budget a page. The
//! tags' pages (`tag_pages = true`): each tag's events by year.

use super::pages::{Job, Pages, paged_title};
use super::views::*;
use crate::model::{Ix, SourceIx, Story};
use crate::plan::{self, Citations, Kind, Route};

impl<'a> Pages<'a> {
    pub(super) fn sources(&self, route: &Route) -> Job {
        let story = self.story;
        let v = self.views(route);
        let per_page = story.site.per_page;
        let citations = self.citations.get_or_init(|| Citations::of(story));
        let cited_by = |s: SourceIx| {
            let events = citations.events[s].iter();
            let accounts = citations.accounts[s].iter();
            let events = events.map(|&e| v.event_link_value(e)).collect();
            let accounts = accounts
                .map(|&a| CitedAccount {
                    event: v.event_link_value(a.event),
                    actor: v.actor_link_value(story.account(a).actor),
                })
                .collect();
            (events, accounts)
        };
        let shown = match citations.split {
            true => (route.number - 1) * per_page..route.number * per_page,
            false => 0..story.sources.len(),
        };
        let sources = story
            .sources
            .indices()
            .skip(shown.start)
            .take(shown.len())
            .map(|s| {
                let (events, accounts) = match citations.split {
                    true => (Vec::new(), Vec::new()),
                    false => cited_by(s),
                };
                SourceEntry {
                    source: v.source_value(s),
                    events,
                    accounts,
                    path: (citations.split && citations.count(s) > 0)
                        .then(|| Route::source(&story.sources[s].id).href()),
                    event_count: citations.events[s].len(),
                    account_count: citations.accounts[s].len(),
                }
            })
            .collect();
        let description = story
            .locale
            .count("sources_description", story.sources.len(), &[]);
        let listed = if citations.split {
            story.sources.len()
        } else {
            0
        };
        let pager = Pager::new(route, plan::pages_for(listed, per_page));
        let page = SourcesPage {
            common: v.common(
                route,
                paged_title(
                    &story.locale,
                    story.locale.text("sources_title"),
                    pager.as_ref(),
                ),
                Some(&description),
                "sources",
            ),
            sources,
            split: citations.split,
            pager,
        };
        self.job(route, "sources.html", &page)
    }

    /// A source's own page: the events, then the accounts, that cite it.
    pub(super) fn source(&self, route: &Route, s: SourceIx) -> Job {
        let story = self.story;
        let v = self.views(route);
        let per_page = story.site.per_page;
        let citations = self.citations.get_or_init(|| Citations::of(story));
        let (events, accounts) = (&citations.events[s], &citations.accounts[s]);
        let start = (route.number - 1) * per_page;
        let end = start + per_page;
        let events_shown = events.get(start.min(events.len())..end.min(events.len()));
        let account_start = start.saturating_sub(events.len()).min(accounts.len());
        let account_end = end.saturating_sub(events.len()).min(accounts.len());
        let source = &story.sources[s];
        let description = story
            .locale
            .fill("source_description", &[("title", &source.title)]);
        let pager = Pager::new(route, plan::pages_for(citations.count(s), per_page));
        let index_page = s.position() / per_page + 1;
        let page = SourcePage {
            common: v.common(
                route,
                paged_title(&story.locale, &source.title, pager.as_ref()),
                Some(&description),
                "sources",
            ),
            source: v.source_value(s),
            events: events_shown
                .unwrap_or_default()
                .iter()
                .map(|&e| v.event_link_value(e))
                .collect(),
            accounts: accounts[account_start..account_end]
                .iter()
                .map(|&a| CitedAccount {
                    event: v.event_link_value(a.event),
                    actor: v.actor_link_value(story.account(a).actor),
                })
                .collect(),
            event_count: events.len(),
            account_count: accounts.len(),
            sources_path: Route::one(Kind::Sources)
                .page(index_page)
                .anchor(&source.id),
            pager,
        };
        self.job(route, "source.html", &page)
    }
}

impl<'a> Pages<'a> {
    /// A tag's page: its events by year, `per_page` a page.
    pub(super) fn tag(&self, route: &Route) -> Job {
        let story = self.story;
        let v = self.views(route);
        let per_page = story.site.per_page;
        let events = story
            .index
            .tag_events
            .get(route.key)
            .map_or(&[][..], Vec::as_slice);
        let tag = tag_link(story, route.key);
        let pager = Pager::new(route, plan::pages_for(events.len(), per_page));
        let years = v.link_years(
            events
                .iter()
                .skip((route.number - 1) * per_page)
                .take(per_page)
                .copied(),
        );
        let description =
            story
                .locale
                .count("tag_description", events.len(), &[("tag", tag.label)]);
        let page = TagPage {
            common: v.common(
                route,
                paged_title(&story.locale, tag.label, pager.as_ref()),
                Some(&description),
                "tag",
            ),
            tag,
            event_count: events.len(),
            years,
            pager,
        };
        self.job(route, "tag.html", &page)
    }
}

/// A tag's link: its label from site.toml, or the tag as written.
pub(super) fn tag_link<'a>(story: &'a Story, tag: &'a str) -> TagLink<'a> {
    TagLink {
        id: tag,
        label: story
            .site
            .tag_labels
            .get(tag)
            .filter(|l| !l.is_empty())
            .map_or(tag, String::as_str),
        path: Route::tag(tag).href(),
    }
}
