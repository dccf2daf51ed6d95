#!/usr/bin/env python3
"""Validates an RSS or Atom feed with a third-party parser.

    "$(bash scripts/python-tools.sh)" scripts/validate-feed.py FILE

Parses the file with `feedparser` (PyPI) and checks what feed readers rely
on: the document is well-formed (feedparser's `bozo` flag is off), it is RSS
2.0 or Atom, the feed has a title and a link, and every entry has a title, an
id and a publication date. Prints a JSON summary on stdout ({"version",
"title", "entries": [{"title", "id", "link", "published", "summary",
"tags"}]}) and exits 0, or prints one line per problem to stderr and exits 1
(2 for usage errors, 3 when feedparser is not installed).
"""

import json
import sys

try:
    import feedparser
except ImportError:
    print(
        "validate-feed: the feedparser library is missing: run this script with "
        "the python that `bash scripts/python-tools.sh` prints",
        file=sys.stderr,
    )
    sys.exit(3)


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: validate-feed.py FILE", file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    d = feedparser.parse(data)
    problems = []
    if d.bozo:
        problems.append(f"not well-formed: {d.bozo_exception}")
    if d.version not in ("rss20", "atom10"):
        problems.append(f"unexpected feed version {d.version!r}")
    if not d.feed.get("title"):
        problems.append("the feed has no title")
    if not d.feed.get("link"):
        problems.append("the feed has no link")
    for i, e in enumerate(d.entries):
        for key in ("title", "id", "published_parsed"):
            if not e.get(key):
                problems.append(f"entry {i} has no {key}")
    for p in problems:
        print(f"validate-feed: {p}", file=sys.stderr)
    summary = {
        "version": d.version,
        "title": d.feed.get("title", ""),
        "entries": [
            {
                "title": e.get("title", ""),
                "id": e.get("id", ""),
                "link": e.get("link", ""),
                "published": e.get("published", ""),
                "summary": e.get("summary", ""),
                "tags": [t.get("term", "") for t in e.get("tags", [])],
            }
            for e in d.entries
        ],
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
