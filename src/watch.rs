//! Watches a story's sources and calls back once per burst of changes.
//!
//! Steps: watch `content/`, `templates/` and `static/` recursively, and the
//! story folder itself shallowly, so that those folders may appear, vanish or
//! be replaced; turn each file event into [`Change`]s with the pure
//! [`classify`], which drops editor litter (swap, backup and temp files) and
//! events that change no bytes; wait for a short quiet spell after the last
//! change of a burst ([`Timing`]); call the callback once with the whole burst
//! ([`Saved`]), which can ask whether files changed again while it worked.
//! It knows nothing of building or HTTP.

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{Event, EventKind, RecursiveMode};

use crate::load::{is_editor_litter, relative};

/// The folders of a story whose changes change the site.
pub const WATCHED: [&str; 4] = ["content", "templates", "static", "i18n"];

/// What a file event means for the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A file or folder inside a watched folder was written, created, renamed or
    /// removed; the story-relative path, like `content/events/x.toml`.
    Source(String),
    /// A watched folder itself appeared, vanished or was replaced, like `content`.
    Folder(String),
    /// The watcher lost track (its queue overflowed, or it failed): anything may
    /// have changed. The reason, for the terminal.
    Lost(String),
}

/// How long to wait before calling back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Quiet time after the last change of a burst. Editors' saves (write a temp
    /// file, rename it over, delete the backup) take a few milliseconds.
    pub quiet: Duration,
    /// The shorter wait when every file of the burst is known to be whole: its
    /// last event closed it after writing or renamed it into place (see
    /// [`settles`]). Long enough to take the events of one save together.
    pub settled: Duration,
    /// Call back at the latest this long after the first change, even if changes
    /// keep coming, so a tool that writes without pause cannot starve the preview.
    pub at_most: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            quiet: Duration::from_millis(10),
            settled: Duration::from_millis(1),
            at_most: Duration::from_millis(300),
        }
    }
}

/// Whether an event of this kind leaves the file at its `n`th path whole:
/// written and closed, or renamed into place (a rename's second path). A
/// write the file stays open after may be followed by more; a file moved
/// away or removed may be about to be written again (an editor's save that
/// moves the old file aside first); and a polling watcher cannot tell.
pub fn settles(kind: &EventKind, n: usize) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Modify(ModifyKind::Name(notify::event::RenameMode::To)) => true,
        EventKind::Modify(ModifyKind::Name(notify::event::RenameMode::Both)) => n == 1,
        _ => false,
    }
}

/// What a file event at `path` means for the site under `root`, if anything.
pub fn classify(root: &Path, kind: &EventKind, path: &Path) -> Option<Change> {
    match kind {
        // Reads and opens change nothing; closing a file written to ends a save.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
        EventKind::Access(_) => return None,
        // A new write time is how polling reports a write; permissions, owners
        // and access times change no byte of the site.
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)) => {}
        EventKind::Modify(ModifyKind::Metadata(_)) => return None,
        _ => {}
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut names = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(name) => names.push(name.to_string_lossy()),
            _ => return None,
        }
    }
    let (first, rest) = names.split_first()?;
    if !WATCHED.contains(&first.as_ref()) {
        return None;
    }
    if rest.is_empty() {
        return Some(Change::Folder(first.to_string()));
    }
    if rest.iter().any(|name| is_editor_litter(name)) {
        return None;
    }
    Some(Change::Source(relative(rel)))
}

/// The changes of one burst, and when it is due.
#[derive(Debug)]
struct Burst {
    first: Instant,
    last: Instant,
    changes: Vec<Change>,
    /// The changes whose last event may not have left them whole.
    unsettled: Vec<Change>,
}

impl Burst {
    fn new(now: Instant) -> Burst {
        Burst {
            first: now,
            last: now,
            changes: Vec::new(),
            unsettled: Vec::new(),
        }
    }

    /// Adds a change; `settled` when its event left the file whole ([`settles`]).
    fn add(&mut self, change: Change, settled: bool, now: Instant) {
        self.last = now;
        let source = matches!(change, Change::Source(_));
        if settled && source {
            self.unsettled.retain(|c| *c != change);
        } else if !self.unsettled.contains(&change) {
            self.unsettled.push(change.clone());
        }
        if !self.changes.contains(&change) {
            self.changes.push(change);
        }
    }

    /// A short wait after the last change when every file is whole, the quiet
    /// time otherwise; never later than `at_most` after the first.
    fn due(&self, timing: Timing) -> Instant {
        let wait = match self.unsettled.is_empty() {
            true => timing.settled,
            false => timing.quiet,
        };
        (self.last + wait).min(self.first + timing.at_most)
    }
}

type Received = Result<Event, notify::Error>;

/// One burst of changes, as the callback gets it.
pub struct Saved<'a> {
    pub changes: Vec<Change>,
    root: &'a Path,
    events: &'a mpsc::Receiver<Received>,
    later: &'a mut VecDeque<Received>,
}

impl Saved<'_> {
    /// Whether files changed again since the burst ended, so that what was built
    /// from them may already be out of date (or read half-written). The new
    /// changes still make a burst of their own.
    pub fn changed_again(&mut self) -> bool {
        self.later.extend(self.events.try_iter());
        self.later.iter().any(|received| match received {
            Ok(event) => {
                event.need_rescan()
                    || event
                        .paths
                        .iter()
                        .any(|path| classify(self.root, &event.kind, path).is_some())
            }
            Err(_) => true,
        })
    }
}

/// Watches one story folder. Create it before the first build, so that no
/// change made during that build is missed; then [`Watcher::run`].
pub struct Watcher {
    root: PathBuf,
    timing: Timing,
    inner: Box<dyn notify::Watcher + Send>,
    events: mpsc::Receiver<Received>,
}

impl Watcher {
    /// Starts watching `root` (which should be canonical, as event paths are
    /// compared with it). `poll` checks every 500 ms instead of asking the
    /// operating system, for file systems that report nothing (some network
    /// and container mounts).
    pub fn new(root: &Path, timing: Timing, poll: bool) -> notify::Result<Watcher> {
        let (sender, events) = mpsc::channel();
        let handler = move |event: Received| {
            // The receiver is gone only when the watcher is being dropped.
            sender.send(event).ok();
        };
        let inner: Box<dyn notify::Watcher + Send> = if poll {
            // Write times are compared in whole seconds: hash the files too, or a
            // second save within the same second would go unseen.
            let config = notify::Config::default()
                .with_poll_interval(Duration::from_millis(500))
                .with_compare_contents(true);
            Box::new(notify::PollWatcher::new(handler, config)?)
        } else {
            Box::new(notify::recommended_watcher(handler)?)
        };
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            timing,
            inner,
            events,
        };
        watcher.inner.watch(root, RecursiveMode::NonRecursive)?;
        for folder in WATCHED {
            watcher.watch_folder(folder)?;
        }
        Ok(watcher)
    }

    /// Watches `root/folder` and everything in it, if it is there.
    fn watch_folder(&mut self, folder: &str) -> notify::Result<()> {
        let path = self.root.join(folder);
        // A folder that was replaced keeps a stale watch, and one that is gone has none.
        self.inner.unwatch(&path).ok();
        if path.is_dir() {
            self.inner.watch(&path, RecursiveMode::Recursive)?;
        }
        Ok(())
    }

    /// Waits for changes and calls `on_change` once per burst, with the changes in
    /// the order they came, until `on_change` breaks or the watcher fails for good.
    pub fn run(mut self, mut on_change: impl FnMut(&mut Saved) -> ControlFlow<()>) {
        let mut burst: Option<Burst> = None;
        // Events taken from the channel while `on_change` ran, handled next.
        let mut later: VecDeque<Received> = VecDeque::new();
        loop {
            let received = match (later.pop_front(), &burst) {
                (Some(event), _) => Ok(event),
                (None, None) => self
                    .events
                    .recv()
                    .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                (None, Some(burst)) => {
                    let wait = burst
                        .due(self.timing)
                        .saturating_duration_since(Instant::now());
                    self.events.recv_timeout(wait)
                }
            };
            match received {
                Ok(event) => {
                    let now = Instant::now();
                    for (change, settled) in self.changes(event) {
                        burst
                            .get_or_insert_with(|| Burst::new(now))
                            .add(change, settled, now);
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(done) = burst.take() {
                        let mut saved = Saved {
                            changes: done.changes,
                            root: &self.root,
                            events: &self.events,
                            later: &mut later,
                        };
                        if on_change(&mut saved).is_break() {
                            return;
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// The changes one event makes, each with whether it left its file
    /// whole ([`settles`]); watches folders that appeared.
    fn changes(&mut self, received: Received) -> Vec<(Change, bool)> {
        let event = match received {
            Ok(event) => event,
            Err(error) => {
                let lost = Change::Lost(format!("the file watcher failed: {error}"));
                return vec![(lost, false)];
            }
        };
        if event.need_rescan() {
            let lost =
                Change::Lost("the file watcher missed some changes (too many at once)".into());
            return vec![(lost, false)];
        }
        let mut changes = Vec::new();
        for (n, path) in event.paths.iter().enumerate() {
            let Some(change) = classify(&self.root, &event.kind, path) else {
                continue;
            };
            if let Change::Folder(folder) = &change
                && let Err(error) = self.watch_folder(folder)
            {
                changes.push((
                    Change::Lost(format!("cannot watch {folder}/: {error}")),
                    false,
                ));
            }
            changes.push((change, settles(&event.kind, n)));
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};

    fn change(kind: EventKind, path: &str) -> Option<Change> {
        classify(Path::new("/story"), &kind, Path::new(path))
    }

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Any));

    #[test]
    fn writes_renames_and_removals_in_watched_folders_are_changes() {
        let source = |p: &str| Some(Change::Source(p.to_string()));
        assert_eq!(
            change(WRITE, "/story/content/events/a.toml"),
            source("content/events/a.toml")
        );
        assert_eq!(
            change(
                EventKind::Create(CreateKind::File),
                "/story/templates/base.html"
            ),
            source("templates/base.html")
        );
        assert_eq!(
            change(
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                "/story/static/img/a.png"
            ),
            source("static/img/a.png")
        );
        assert_eq!(
            change(
                EventKind::Remove(RemoveKind::Folder),
                "/story/content/actors/new"
            ),
            source("content/actors/new")
        );
        assert_eq!(
            change(
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                "/story/content/site.toml"
            ),
            source("content/site.toml")
        );
    }

    #[test]
    fn a_new_write_time_is_a_change_as_polling_reports_writes_so() {
        assert_eq!(
            change(
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
                "/story/content/site.toml"
            ),
            Some(Change::Source("content/site.toml".into()))
        );
    }

    #[test]
    fn editor_litter_is_ignored_at_any_depth() {
        for path in [
            "/story/content/story/4913",
            "/story/content/story/01-a.md~",
            "/story/content/story/.01-a.md.swp",
            "/story/content/story/.#01-a.md",
            "/story/content/story/01-a.md___jb_tmp___",
            "/story/content/story/01-a.md___jb_old___",
            "/story/static/.cache/x.css",
        ] {
            assert_eq!(change(WRITE, path), None, "{path}");
        }
    }

    #[test]
    fn the_output_and_other_folders_are_not_watched() {
        for path in [
            "/story/public/index.html",
            "/story/.public.building-x/index.html",
            "/story/README.md",
            "/story/target/debug/x",
            "/elsewhere/content/site.toml",
            "/story/content/../public/x",
        ] {
            assert_eq!(change(WRITE, path), None, "{path}");
        }
    }

    #[test]
    fn reads_and_metadata_change_nothing() {
        for kind in [
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
        ] {
            assert_eq!(change(kind, "/story/content/site.toml"), None, "{kind:?}");
        }
    }

    #[test]
    fn a_watched_folder_appearing_or_vanishing_is_a_folder_change() {
        assert_eq!(
            change(EventKind::Create(CreateKind::Folder), "/story/templates"),
            Some(Change::Folder("templates".into()))
        );
        assert_eq!(
            change(EventKind::Remove(RemoveKind::Folder), "/story/content"),
            Some(Change::Folder("content".into()))
        );
        assert_eq!(
            change(EventKind::Create(CreateKind::Folder), "/story"),
            None
        );
    }

    #[test]
    fn a_burst_is_due_after_a_quiet_spell_but_never_too_late() {
        let timing = Timing {
            quiet: Duration::from_millis(10),
            settled: Duration::from_millis(1),
            at_most: Duration::from_millis(100),
        };
        let start = Instant::now();
        let ms = |n| start + Duration::from_millis(n);
        let mut burst = Burst::new(start);
        burst.add(Change::Source("content/a".into()), false, start);
        assert_eq!(burst.due(timing), ms(10));
        burst.add(Change::Source("content/b".into()), false, ms(8));
        burst.add(Change::Source("content/a".into()), false, ms(15));
        assert_eq!(burst.due(timing), ms(25));
        assert_eq!(
            burst.changes,
            [
                Change::Source("content/a".into()),
                Change::Source("content/b".into())
            ]
        );
        burst.add(Change::Source("content/a".into()), false, ms(95));
        assert_eq!(burst.due(timing), ms(100));
    }

    #[test]
    fn a_burst_of_whole_files_is_due_at_once_and_a_half_written_one_waits() {
        let timing = Timing::default();
        let start = Instant::now();
        let ms = |n| start + Duration::from_millis(n);
        let a = || Change::Source("content/a".into());
        let b = || Change::Source("content/b".into());
        let mut burst = Burst::new(start);
        // Written, then closed: whole.
        burst.add(a(), settles(&WRITE, 0), start);
        assert_eq!(burst.due(timing), ms(10));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        burst.add(a(), settles(&closed, 0), ms(2));
        assert_eq!(burst.due(timing), ms(3));
        // Another file written and still open keeps the whole burst waiting.
        burst.add(b(), settles(&WRITE, 0), ms(3));
        assert_eq!(burst.due(timing), ms(13));
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        burst.add(b(), settles(&renamed, 0), ms(4));
        assert_eq!(burst.due(timing), ms(5));
        // A folder appearing is not a file anyone closes: it waits.
        burst.add(Change::Folder("static".into()), true, ms(5));
        assert_eq!(burst.due(timing), ms(15));
        // A file moved aside (an editor keeping a backup) or removed may be
        // written again at once: only the file renamed into place is whole.
        let both = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        assert!(!settles(&both, 0) && settles(&both, 1));
        assert!(!settles(&EventKind::Remove(RemoveKind::File), 0));
        assert!(!settles(&EventKind::Create(CreateKind::File), 0));
    }

    #[test]
    fn a_callback_learns_that_files_changed_again_while_it_worked() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = std::fs::canonicalize(dir.path()).expect("canonical");
        std::fs::create_dir(root.join("content")).expect("content");
        let watcher = Watcher::new(&root, Timing::default(), false).expect("watcher");
        let (report, reports) = mpsc::channel();
        let folder = root.join("content");
        std::thread::spawn(move || {
            let mut calls = 0;
            watcher.run(|saved| {
                calls += 1;
                if calls == 1 {
                    // A save during the "build".
                    std::fs::write(folder.join("b.md"), "b").expect("write b");
                }
                let deadline = Instant::now() + Duration::from_secs(5);
                let mut again = saved.changed_again();
                while calls == 1 && !again && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(10));
                    again = saved.changed_again();
                }
                report.send((saved.changes.clone(), again)).ok();
                if calls == 1 {
                    ControlFlow::Continue(())
                } else {
                    ControlFlow::Break(())
                }
            });
        });
        std::fs::write(root.join("content/a.md"), "a").expect("write a");
        let wait = Duration::from_secs(10);
        let (first, again) = reports.recv_timeout(wait).expect("a first burst");
        assert!(
            first.contains(&Change::Source("content/a.md".into())),
            "{first:?}"
        );
        assert!(again, "the save during the callback is noticed");
        let (second, again) = reports.recv_timeout(wait).expect("a second burst");
        assert!(
            second.contains(&Change::Source("content/b.md".into())),
            "{second:?}"
        );
        assert!(!again, "nothing changed during the second callback");
    }
}
