"""The feedparser peer of the feed ingestion benchmark (bench/feeds.sh).

Usage: python feeds_feedparser.py DIR
Parses every *.xml file of DIR with feedparser.parse (the files are read
into memory first; only parsing is timed) and prints one JSON object:
{"version": ..., "files": n, "bytes": total, "entries": n, "seconds": s}.
"""
import json
import pathlib
import sys
import time

import feedparser


def main() -> None:
    files = sorted(pathlib.Path(sys.argv[1]).glob("*.xml"))
    bodies = [f.read_bytes() for f in files]
    start = time.perf_counter()
    entries = 0
    for body in bodies:
        entries += len(feedparser.parse(body).entries)
    seconds = time.perf_counter() - start
    json.dump(
        {
            "version": feedparser.__version__,
            "files": len(bodies),
            "bytes": sum(len(b) for b in bodies),
            "entries": entries,
            "seconds": seconds,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
