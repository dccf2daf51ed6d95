#!/usr/bin/env bash
# Search benchmark (benchmark 4 of the veille issue):  bash bench/search.sh
#
# Runs `cargo bench -p relais-search --bench search`: 1,000,000 generated
# firehose-shaped items indexed by relais-search (tantivy), then 1,100 queries
# (common and rare words, filtered, two words, phrases, topic listings) with
# p50/p90/p99 latency, and the add → visible delay; the peer, SQLite FTS5
# (rusqlite's bundled SQLite, a dev-dependency, so nothing to install), indexes
# the same items and runs the same queries in the same run; the ratios and the
# target (p50 term query < 5 ms) are printed. See bench/README.md.
#
# Settings (environment), read by the benchmark itself:
#   RELAIS_BENCH_ITEMS=1000000   items indexed
#   RELAIS_BENCH_QUERIES=1100    queries run (after 100 warm-up queries)
#   RELAIS_BENCH_SKIP_PEER=1     do not run SQLite FTS5
#   RELAIS_BENCH_DIR             where the two indexes are written (a temporary
#                                directory, removed at the end, is made there;
#                                default CARGO_TARGET_DIR, else the system's
#                                temporary directory). About 1.5 GB is needed.
#   CARGO_TARGET_DIR             as usual
# Extra arguments are passed to cargo bench.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

exec cargo bench -p relais-search --bench search "$@"
