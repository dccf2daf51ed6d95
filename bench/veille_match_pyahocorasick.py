"""Peer of the veille matcher benchmark: Python pyahocorasick over the same
posts file, with the topics' literals alone (no boolean logic).

    python3 veille_match_pyahocorasick.py LITERALS POSTS.jsonl

Builds one automaton from LITERALS (one per line, already folded: lower case,
no accents), then reads POSTS line by line and lower-cases each line before
searching it, counting the matches. Prints `MB/s N` for the search loop
(reading included, building the automaton excluded).
"""

import sys
import time

import ahocorasick


def main() -> None:
    literals_path, posts_path = sys.argv[1], sys.argv[2]
    automaton = ahocorasick.Automaton()
    with open(literals_path, encoding="utf-8") as f:
        for i, lit in enumerate(l.rstrip("\n") for l in f):
            if lit:
                automaton.add_word(lit, i)
    automaton.make_automaton()
    size = 0
    hits = 0
    started = time.perf_counter()
    with open(posts_path, encoding="utf-8") as f:
        for line in f:
            size += len(line.encode("utf-8"))
            for _ in automaton.iter(line.lower()):
                hits += 1
    secs = time.perf_counter() - started
    print(f"hits {hits}")
    print(f"MB/s {size / 1e6 / secs:.1f}")


if __name__ == "__main__":
    main()
