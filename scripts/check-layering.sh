#!/usr/bin/env bash
# Enforces the crate layering of the workspace with `cargo tree`:
#
#  1. relais-core is the pure domain: no I/O runtime, database, HTTP or
#     web-framework crate (sqlx, tokio, axum, reqwest, hyper, tower and their
#     sub-crates such as tokio-util or tower-http) anywhere in its normal
#     dependency tree, whatever features are enabled.
#  2. relais-web does not depend on any connector crate (relais-connectors,
#     relais-connector-*): connectors are wired in by the binary. Skipped while
#     the workspace has no such crate.
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

# --- 1. relais-core --------------------------------------------------------
core_tree="$(cargo tree -p relais-core -e normal --all-features --prefix none)"
core_bad="$(printf '%s\n' "$core_tree" | crate_names | grep -E "$FORBIDDEN_IN_CORE" || true)"
if [[ -n "$core_bad" ]]; then
    echo "LAYERING VIOLATION: relais-core must stay free of I/O and web crates" >&2
    echo "  (invariant: no sqlx, tokio, axum, reqwest, hyper or tower in its normal dependency tree)." >&2
    echo "  Found: $(printf '%s' "$core_bad" | tr '\n' ' ')" >&2
    echo "  Inspect with: cargo tree -p relais-core -e normal --all-features -i <crate>" >&2
    failed=1
else
    echo "layering: relais-core has no sqlx/tokio/axum/reqwest/hyper/tower dependency: ok"
fi

# --- 2. relais-web and connector crates ----------------------------------------
# Workspace members are the roots of `cargo tree --workspace --depth 0`.
members="$(cargo tree --workspace -e normal --depth 0 --prefix none | crate_names)"
connectors="$(printf '%s\n' "$members" | grep -E "$CONNECTOR_CRATE" || true)"
if [[ -n "$connectors" ]] && printf '%s\n' "$members" | grep -qx 'relais-web'; then
    web_deps="$(cargo tree -p relais-web -e normal,build --all-features --prefix none | crate_names)"
    web_bad="$(printf '%s\n' "$web_deps" | grep -E "$CONNECTOR_CRATE" || true)"
    if [[ -n "$web_bad" ]]; then
        echo "LAYERING VIOLATION: relais-web must not depend on connector crates" >&2
        echo "  (invariant: the web layer never depends on relais-connectors; the binary wires them in)." >&2
        echo "  Found: $(printf '%s' "$web_bad" | tr '\n' ' ')" >&2
        echo "  Inspect with: cargo tree -p relais-web -i <crate>" >&2
        failed=1
    else
        echo "layering: relais-web does not depend on connector crates: ok"
    fi
fi

if [[ "$failed" -ne 0 ]]; then
    exit 1
fi
