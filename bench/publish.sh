#!/usr/bin/env bash
# The publishing speed figures of relais:  bash bench/publish.sh [--quick]
#
# Runs `cargo bench -p relais-worker --bench publish` (release mode): 10,000
# posts across 1,000 Mastodon accounts, published by the real worker from a
# real database to the loopback Mastodon server in benchmark mode, on SQLite
# and on PostgreSQL, due spread over one minute and all at the same instant.
# It prints lateness (p50, p99, max) and publications/s per run, the targets
# (SQLite: p99 <= 1 s, >= 2,000/s) and the ratios to Mixpost and Postiz.
#
# PostgreSQL: TEST_POSTGRES_URL (or BENCH_POSTGRES_URL) when set; otherwise a
# throw-away server from scripts/pg-test-server.sh, stopped on exit.
# BENCH_BACKENDS=sqlite skips PostgreSQL. Other settings: see the header of
# crates/relais-worker/benches/publish.rs. `--quick`: 1,000 posts, a smoke run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started_pg=""
cleanup() {
    if [[ -n "$started_pg" ]]; then
        PG_TEST_STATE_DIR="$started_pg" bash scripts/pg-test-server.sh stop >/dev/null 2>&1 || true
        rm -rf "$started_pg"
    fi
}
trap cleanup EXIT INT TERM

if [[ "${BENCH_BACKENDS:-sqlite postgres}" == *postgres* \
      && -z "${BENCH_POSTGRES_URL:-}" && -z "${TEST_POSTGRES_URL:-}" ]]; then
    started_pg="$(mktemp -d "${TMPDIR:-/tmp}/relais-bench-pg.XXXXXX")"
    PG_TEST_STATE_DIR="$started_pg" PG_TEST_PORT_BASE="${BENCH_PG_PORT_BASE:-56532}" bash scripts/pg-test-server.sh start >&2
    export BENCH_POSTGRES_URL="$(cat "$started_pg/url")"
fi

cargo bench -q -p relais-worker --bench publish -- "$@" 2>&1 \
    | grep --line-buffered -v '^\s*\(Compiling\|Finished\|Running\)'
