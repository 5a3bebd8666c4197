#!/usr/bin/env python3
"""Turn a story in explainer's content format into an equivalent Hugo site (a "twin").

Usage: benches/hugo/twin.py STORY_DIR OUT_DIR
       benches/hugo/twin.py --edit STORY_OR_TWIN_DIR EVENT_ID toggle|restore

The twin is Hugo's side of scripts/bench-output.sh: Hugo builds it while explainer
builds the story, so both make about the same number of pages of about the same
weight from the same text. Python 3.11 or later (tomllib), standard library only.
OUT_DIR must not exist or be empty; the layouts are copied from benches/hugo/layouts/.

What it mirrors, page for page:
- one page per event (content/events/ID.md): title, date, the summary (Markdown,
  rendered by Hugo) as the body, place, tags as text, the event's actors as links
  (looked up with .Site.GetPage), its sources from a data file, its competing
  accounts, its media (an image or a link), previous and next event by date;
- one page per actor (content/actors/ID.md): name, kind, role, the body (Markdown),
  relations as links, and the list of the actor's events (ids written into the front
  matter by this converter, each looked up with .Site.GetPage, as explainer looks
  them up in an index it makes once);
- the story: one page per section (content/story/ID.md, the id being the file name
  without its number, as explainer's), and the home page, which shows every
  section's text in order (explainer's index.html is the whole story);
- a timeline: the events' list page (/events/), every event with its date, title,
  link and summary, in date order; an actors list page (/actors/, name, role, count);
  a sources page (/sources/) from data/sources.json;
- the site's title, subtitle and base URL; static/ copied (the story's images), plus
  explainer's own style.css, favicon.svg and share.png (from the repository's static/); Hugo's sitemap.xml and the home feed.
- `actor:`, `event:` and `section:` links in Markdown become links to those pages.

What it does not mirror: the SVG charts and actor maps, the JSON-LD, meta/Open Graph
descriptions cut to length, the data exports (data/*.json, events.csv, TimelineJS),
the "who says what" accounts page, the update log and its feed, eras, period pages,
the 404 page and robots.txt, and every check explainer makes on the content. Hugo's
taxonomies are off (tags are shown as text). So the twin makes about 4% more pages
than explainer at M (the 50 section pages; about 1,260 against 1,214) and slightly
fewer bytes, which flatters Hugo a little, if at all.

--edit changes the title of one event, in a story (its line in content/events/*.toml)
or in a twin (its page's front matter): `toggle` switches between the original title
and the original plus " (edited)", `restore` puts the original back. The benchmark
uses it to make the same one-event edit on both sides, a real change on every run.
"""

import json
import re
import shutil
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
LINK = re.compile(r"\]\((actor|event|section):([^)#\s]+)(#[^)\s]*)?\)")
SECTION_PREFIX = re.compile(r"^\d+-")


def links(markdown: str) -> str:
    """explainer's `actor:ID`, `event:ID`, `section:ID` links as site-absolute URLs."""

    def one(match: re.Match) -> str:
        kind, ident, anchor = match.group(1), match.group(2), match.group(3) or ""
        folder = {"actor": "actors", "event": "events", "section": "story"}[kind]
        return f"](/{folder}/{ident}/{anchor})"

    return LINK.sub(one, markdown)


def plain(value):
    """TOML values as JSON values (dates as ISO text)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def hugo_date(text: str) -> str:
    """explainer dates are YYYY, YYYY-MM or YYYY-MM-DD; Hugo wants a full date."""
    parts = str(text).split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts[:3])


def front_matter_page(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("+++"):
        return {}, text
    _, head, body = text.split("+++", 2)
    return tomllib.loads(head), body.lstrip("\n")


def page(path: Path, meta: dict, body: str) -> None:
    """A Hugo page with JSON front matter (Hugo reads a leading `{...}` as such)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plain(meta), ensure_ascii=False, indent=1) + "\n\n" + body,
                    encoding="utf-8")


def convert(story: Path, out: Path) -> int:
    content = story / "content"
    site = tomllib.loads((content / "site.toml").read_text(encoding="utf-8"))
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"twin.py: {out} is not empty")
    out.mkdir(parents=True, exist_ok=True)

    config = {
        "baseURL": site.get("base_url", "https://example.org/"),
        "title": site.get("title", "Story"),
        "languageCode": site.get("language", "en"),
        "disableKinds": ["taxonomy", "term"],
        "disableHugoGeneratorInject": True,
        "enableRobotsTXT": False,
        "outputs": {"home": ["HTML", "RSS"], "section": ["HTML"], "page": ["HTML"]},
        "markup": {"goldmark": {"renderer": {"unsafe": False}}},
        "params": {
            "subtitle": site.get("subtitle", ""),
            "description": site.get("description", ""),
            "updated": plain(site.get("updated", "")),
        },
    }
    (out / "config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    shutil.copytree(HERE / "layouts", out / "layouts")
    if (story / "static").is_dir():
        shutil.copytree(story / "static", out / "static")
    else:
        (out / "static").mkdir()
    for name in ("style.css", "favicon.svg", "share.png"):  # explainer's own, as it copies them
        if (HERE / ".." / ".." / "static" / name).is_file():
            shutil.copy(HERE / ".." / ".." / "static" / name, out / "static" / name)

    # Sources, as a data file the pages look up by id.
    sources = tomllib.loads((content / "sources.toml").read_text(encoding="utf-8")).get("source", [])
    (out / "data").mkdir()
    (out / "data" / "sources.json").write_text(
        json.dumps({s["id"]: plain(s) for s in sources}, ensure_ascii=False) + "\n", encoding="utf-8")

    # Events, in date order (explainer's timeline order), their actors' indexes.
    events = []
    for path in sorted((content / "events").glob("*.toml")):
        events.extend(tomllib.loads(path.read_text(encoding="utf-8")).get("event", []))
    events.sort(key=lambda e: (hugo_date(e["date"]), str(e["date"])))
    by_actor: dict[str, list[str]] = {}
    pages = 0
    for n, event in enumerate(events):
        for actor in event.get("actors", []):
            by_actor.setdefault(actor, []).append(event["id"])
        meta = {
            "title": event["title"],
            "date": hugo_date(event["date"]),
            "weight": n + 1,
            "shown_date": str(event["date"]) + (f" – {event['end_date']}" if "end_date" in event else ""),
            "place": event.get("place", ""),
            "event_tags": event.get("tags", []),
            "actors": event.get("actors", []),
            "sources": event.get("sources", []),
            "accounts": [
                {**a, "claim": links(a.get("claim", ""))} for a in event.get("accounts", [])
            ],
            "media": event.get("media", {}),
        }
        page(out / "content" / "events" / f"{event['id']}.md", meta, links(event.get("summary", "")))
        pages += 1
    page(out / "content" / "events" / "_index.md", {"title": "Timeline"}, "")

    for path in sorted((content / "actors").glob("*.md")):
        meta, body = front_matter_page(path)
        ident = path.stem
        meta = {
            "title": meta.get("name", ident),
            "kind": meta.get("kind", ""),
            "role": meta.get("role", ""),
            "country": meta.get("country", ""),
            "aliases": meta.get("aliases", []),
            "relations": meta.get("relations", []),
            "events": by_actor.get(ident, []),
        }
        page(out / "content" / "actors" / f"{ident}.md", meta, links(body))
        pages += 1
    page(out / "content" / "actors" / "_index.md", {"title": "Who’s who"}, "")

    for n, path in enumerate(sorted((content / "story").glob("*.md"))):
        meta, body = front_matter_page(path)
        ident = SECTION_PREFIX.sub("", path.stem)
        meta = {"title": meta.get("title", ident), "summary": meta.get("summary", ""), "weight": n + 1}
        page(out / "content" / "story" / f"{ident}.md", meta, links(body))
        pages += 1
    page(out / "content" / "story" / "_index.md", {"title": "The story"}, "")
    page(out / "content" / "_index.md", {"title": site.get("title", "Story")}, "")
    page(out / "content" / "sources" / "_index.md", {"title": "Sources"}, "")
    return pages + 5


EDITED = " (edited)"


def edit_title(folder: Path, ident: str, mode: str) -> str:
    """Toggle (or restore) the title of one event, in a story or in its twin.

    The title alternates between the original and the original plus " (edited)", so
    that every call is a real change of one event's text. Returns the new title."""

    def retitle(title: str) -> str:
        if title.endswith(EDITED):
            return title[: -len(EDITED)]
        return title if mode == "restore" else title + EDITED

    twin_page = folder / "content" / "events" / f"{ident}.md"
    if (folder / "config.json").is_file():
        text = twin_page.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n\n")
        meta = json.loads(head)
        meta["title"] = retitle(meta["title"])
        new = json.dumps(meta, ensure_ascii=False, indent=1) + sep + body
        if new != text:
            twin_page.write_text(new, encoding="utf-8")
        return meta["title"]
    wanted = f'id = "{ident}"'
    for path in sorted((folder / "content" / "events").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        at = text.find(wanted + "\n")
        if at < 0:
            continue
        lines = text[at:].split("\n")
        for n, line in enumerate(lines):
            if line.startswith("title = "):
                title = retitle(json.loads(line[len("title = "):]))  # a basic TOML string
                lines[n] = "title = " + json.dumps(title, ensure_ascii=False)
                new = text[:at] + "\n".join(lines)
                if new != text:
                    path.write_text(new, encoding="utf-8")
                return title
            if line == "[[event]]":
                break
        raise SystemExit(f"twin.py: no title for event {ident} in {path}")
    raise SystemExit(f"twin.py: no event {ident} in {folder}/content/events")


def main(argv: list[str]) -> None:
    if len(argv) == 4 and argv[0] == "--edit" and argv[3] in ("toggle", "restore"):
        edit_title(Path(argv[1]), argv[2], argv[3])
    elif len(argv) == 2 and not argv[0].startswith("-"):
        pages = convert(Path(argv[0]), Path(argv[1]))
        print(f"wrote a Hugo twin of {argv[0]} to {argv[1]} ({pages} content pages)")
    else:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        raise SystemExit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
