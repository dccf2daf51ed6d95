#!/usr/bin/env bash
# The editorial speed figures of relais:  bash bench/editorial.sh
#
# Runs, in release mode, on this machine:
#   1. cargo bench -p relais-compose --bench text         text checks, posts/s per core
#                                                          (target >= 100,000)
#   2. cargo bench -p relais-calendar --bench conformance  one year of 5,000 entries
#                                                          (target < 10 ms)
#   3. cargo bench -p relais-calendar --bench csv_import   parsing 10,000 CSV rows
#   4. cargo bench -p relais-web --bench editorial         end to end on a SQLite file:
#        CSV import of 10,000 rows (target < 2 s), month view through the router
#        with 10,000 entries (target p99 < 50 ms, compared with the Postiz anchor of
#        30 s for ~67 posts), conformance of a year taken from the store.
# Each bench prints its own lines; nothing else is started and nothing is left behind.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for bench in "relais-compose text" "relais-calendar conformance" "relais-calendar csv_import" "relais-web editorial"; do
    read -r package name <<<"$bench"
    printf '\n==> cargo bench -p %s --bench %s\n' "$package" "$name"
    cargo bench -q -p "$package" --bench "$name" 2>&1 | grep -v '^\s*\(Compiling\|Finished\|Running\)'
done
