#!/usr/bin/env python3
"""Gives a generated story (examples/gen_story.rs) editions in other languages,
for benchmarks: every translatable field of every item, translated by a stand-in
("[ru] " before the English), in the sibling files docs/translations.md describes.

usage: scripts/add-editions.py STORY_DIR az ru
"""
import json
import pathlib
import sys
import tomllib


def quote(text):
    # A JSON string is a TOML basic string for everything the generator writes.
    return json.dumps(text, ensure_ascii=False)


def front(path):
    text = path.read_text()
    _, head, body = text.split("+++", 2)
    return tomllib.loads(head), body


def main():
    root = pathlib.Path(sys.argv[1]) / "content"
    langs = sys.argv[2:]
    site = root / "site.toml"
    site.write_text(site.read_text() + "\n" + "".join(
        f"\n[languages.{l}]\ntitle = {quote('[' + l + '] ' + tomllib.loads(site.read_text())['title'])}\n" for l in langs))
    for lang in langs:
        tag = f"[{lang}] "
        for md in sorted((root / "story").glob("*.md")) + sorted((root / "actors").glob("*.md")):
            if md.stem.count("."):
                continue
            meta, body = front(md)
            lines = []
            for key in ("title", "summary", "name", "role", "country"):
                if key in meta:
                    lines.append(f"{key} = {quote(tag + meta[key])}")
            if meta.get("aliases"):
                lines.append(f"aliases = [{', '.join(quote(tag + a) for a in meta['aliases'])}]")
            for rel in meta.get("relations", []):
                lines.append(f"\n[[relations]]\nto = {quote(rel['to'])}\nkind = {quote(tag + rel['kind'])}")
            md.with_name(f"{md.stem}.{lang}.md").write_text("+++\n" + "\n".join(lines) + "\n+++\n" + tag + body.lstrip())
        for events in sorted((root / "events").glob("*.toml")):
            if events.stem.count("."):
                continue
            out = []
            for e in tomllib.loads(events.read_text()).get("event", []):
                out.append(f"[[event]]\nid = {quote(e['id'])}\ntitle = {quote(tag + e['title'])}")
                for key in ("summary", "place"):
                    if key in e:
                        out.append(f"{key} = {quote(tag + e[key])}")
                media = e.get("media", {})
                if any(k in media for k in ("alt", "caption", "credit")):
                    out.append("\n[event.media]")
                    for key in ("alt", "caption", "credit"):
                        if key in media:
                            out.append(f"{key} = {quote(tag + media[key])}")
                for a in e.get("accounts", []):
                    out.append(f"\n[[event.accounts]]\nactor = {quote(a['actor'])}\nclaim = {quote(tag + a['claim'])}")
                out.append("")
            events.with_name(f"{events.stem}.{lang}.toml").write_text("\n".join(out))


main()
