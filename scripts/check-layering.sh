#!/usr/bin/env bash
# Enforces the crate layering of the workspace with `cargo tree`:
#
#  1. relais-core, relais-compose, relais-calendar and relais-veille are the pure domain: no
#     I/O runtime, database, HTTP or web-framework crate (sqlx, tokio, axum,
#     reqwest, hyper, tower and their sub-crates such as tokio-util or
#     tower-http) anywhere in their normal dependency trees, whatever features
#     are enabled.
#  2. relais-web never publishes: it does not depend on relais-worker (the
#     binary wires the worker in). It may use relais-connect, only to check
#     credentials and run the Mastodon OAuth flow when an account is connected.
#  3. relais-connect talks to networks only: no store, database or web crate
#     (relais-store, relais-web, relais-worker, sqlx, axum outside its optional
#     `testing` feature) in its normal dependency tree.
#
# Usage: bash scripts/check-layering.sh   (from anywhere; exits non-zero on a breach)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

FORBIDDEN_IN_CORE='^(sqlx|tokio|axum|reqwest|hyper|tower)(-.*)?$'
CONNECTOR_CRATE='^relais-connectors?(-.*)?$'

failed=0

# Crate names (first column) in a `cargo tree --prefix none` listing, sorted, unique.
crate_names() {
    awk 'NF { print $1 }' | sort -u
}

# --- 1. the pure domain crates ------------------------------------------------
# relais-core, and the rule crates built on it (relais-compose: network rules and
# post checks; relais-calendar: conformance, holidays, CSV and iCalendar), must
# stay pure: no async runtime, database or HTTP crate in their dependency tree.
members="$(cargo tree --workspace -e normal --depth 0 --prefix none | crate_names)"
for crate in relais-core relais-compose relais-calendar relais-veille; do
    if ! printf '%s\n' "$members" | grep -qx "$crate"; then
        continue
    fi
    tree="$(cargo tree -p "$crate" -e normal --all-features --prefix none)"
    bad="$(printf '%s\n' "$tree" | crate_names | grep -E "$FORBIDDEN_IN_CORE" || true)"
    if [[ -n "$bad" ]]; then
        echo "LAYERING VIOLATION: $crate must stay free of I/O and web crates" >&2
        echo "  (invariant: no sqlx, tokio, axum, reqwest, hyper or tower in its normal dependency tree)." >&2
        echo "  Found: $(printf '%s' "$bad" | tr '\n' ' ')" >&2
        echo "  Inspect with: cargo tree -p $crate -e normal --all-features -i <crate>" >&2
        failed=1
    else
        echo "layering: $crate has no sqlx/tokio/axum/reqwest/hyper/tower dependency: ok"
    fi
done

# --- 2. relais-web does not publish ------------------------------------------
if printf '%s\n' "$members" | grep -qx 'relais-web'; then
    web_deps="$(cargo tree -p relais-web -e normal,build --all-features --prefix none | crate_names)"
    if printf '%s\n' "$web_deps" | grep -qx 'relais-worker'; then
        echo "LAYERING VIOLATION: relais-web must not depend on relais-worker" >&2
        echo "  (invariant: the web layer writes the outbox; only the worker publishes; the binary wires it in)." >&2
        echo "  Inspect with: cargo tree -p relais-web -i relais-worker" >&2
        failed=1
    else
        echo "layering: relais-web does not depend on relais-worker: ok"
    fi
fi

# --- 3. connectors only talk to networks ---------------------------------------
if printf '%s\n' "$members" | grep -qx 'relais-connect'; then
    connect_deps="$(cargo tree -p relais-connect -e normal --prefix none | crate_names)"
    connect_bad="$(printf '%s\n' "$connect_deps" | grep -E '^(relais-store|relais-web|relais-worker|sqlx|axum)$' || true)"
    if [[ -n "$connect_bad" ]]; then
        echo "LAYERING VIOLATION: relais-connect must not depend on the store, the web layer or the worker" >&2
        echo "  Found: $(printf '%s' "$connect_bad" | tr '\n' ' ')" >&2
        failed=1
    else
        echo "layering: relais-connect has no store/web/worker dependency: ok"
    fi
fi

# --- 4. veille's I/O crates stay below the store and the web -------------------
# relais-fetch (HTTP sources) and relais-search (the index) are used by the
# worker and the web; they must not depend on the store, the web or the worker,
# and relais-search needs no async runtime.
for crate in relais-fetch relais-search; do
    if ! printf '%s\n' "$members" | grep -qx "$crate"; then
        continue
    fi
    deps="$(cargo tree -p "$crate" -e normal --prefix none | crate_names)"
    pattern='^(relais-store|relais-web|relais-worker|sqlx|axum)$'
    if [[ "$crate" == relais-search ]]; then
        pattern='^(relais-store|relais-web|relais-worker|sqlx|axum|tokio|reqwest)$'
    fi
    bad="$(printf '%s\n' "$deps" | grep -E "$pattern" || true)"
    if [[ -n "$bad" ]]; then
        echo "LAYERING VIOLATION: $crate must not depend on $(printf '%s' "$bad" | tr '\n' ' ')" >&2
        failed=1
    else
        echo "layering: $crate has no store/web/worker dependency: ok"
    fi
done

if [[ "$failed" -ne 0 ]]; then
    exit 1
fi
