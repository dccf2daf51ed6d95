#!/usr/bin/env bash
# Feed ingestion benchmark (issue 5, benchmark 2):  bash bench/feeds.sh
#
# Runs `cargo bench -p relais-worker --bench veille_feeds` (release build):
# 1,000 generated feeds of 25 items (RSS 2.0 and Atom, 1-3 KB of HTML per
# item, bench/feeds_corpus.rs) served gzip-compressed on loopback with ETag
# and Last-Modified, read twice by the real veille worker into a fresh SQLite
# file (and a fresh PostgreSQL database when TEST_POSTGRES_URL is set) and an
# on-disk search index: fetch, parse, normalise, dedup, analyse (language,
# sentiment, topics, story clusters), store, index, spike check. Prints the
# MB/s of pass 1 (target >= 50), the items stored, the body bytes pass 2
# re-downloaded (target 0: every answer a 304), relais's parse-only MB/s and
# Python feedparser's on the same files, with the ratios. See the header of
# crates/relais-worker/benches/veille_feeds.rs for what is timed.
#
# The peer runs in a virtual environment with feedparser from PyPI, created
# on first use in:
#   RELAIS_BENCH_FEEDS_VENV  (default: ${XDG_CACHE_HOME:-~/.cache}/relais-bench-feeds-venv)
# If python3, venv or the package cannot be had, the peer is shown as n/a and
# relais's figures are printed anyway.
#
# Settings (environment): BENCH_FEEDS=1000, BENCH_ITEMS=25, BENCH_HOSTS=32,
# BENCH_CONCURRENCY (veille.concurrency), BENCH_BACKENDS, TEST_POSTGRES_URL,
# CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Pinned so that the peer's figures are comparable from one run to the next.
FEEDPARSER_VERSION="6.0.14"
VENV="${RELAIS_BENCH_FEEDS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/relais-bench-feeds-venv}"

peer_ok() {
    "$VENV/bin/python" -c "import feedparser" 2>/dev/null
}

if ! peer_ok; then
    if command -v python3 >/dev/null 2>&1; then
        echo "feeds.sh: installing feedparser $FEEDPARSER_VERSION in $VENV" >&2
        { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "feedparser==$FEEDPARSER_VERSION"; } >&2 \
            || echo "feeds.sh: feedparser could not be installed: the peer is skipped" >&2
    else
        echo "feeds.sh: python3 not found: the feedparser peer is skipped" >&2
    fi
fi
if peer_ok; then
    export BENCH_PYTHON="$VENV/bin/python"
fi

cargo bench -q -p relais-worker --bench veille_feeds -- "$@" 2>&1 \
    | grep --line-buffered -v '^\s*\(Compiling\|Finished\|Running\)'
