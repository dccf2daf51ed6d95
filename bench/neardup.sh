#!/usr/bin/env bash
# Near-duplicate clustering benchmark:  bash bench/neardup.sh
#
# Runs `cargo bench -p relais-veille --bench neardup`: 100,000 generated posts
# clustered by relais_veille::neardup::Clusterer, then by the Python peer
# bench/neardup_datasketch.py (datasketch's MinHash + MinHashLSH) on the same
# corpus; it prints docs/s, pairwise precision/recall/F1, the ratios and the
# targets (>= 50,000 docs/s on one thread, F1 >= 0.9). See bench/README.md.
#
# The peer runs in a virtual environment with datasketch, created on first use
# (python3 -m venv, then pip install) in:
#   RELAIS_BENCH_VENV   (default: ${XDG_CACHE_HOME:-~/.cache}/relais-bench-venv)
# If python3, venv or the package cannot be had, the benchmark says so and still
# prints relais's figures.
#
# Other settings (environment), read by the benchmark itself:
#   RELAIS_BENCH_DOCS=100000   posts in the corpus
#   RELAIS_BENCH_RUNS=3        runs of relais's clusterer (median reported)
#   RELAIS_BENCH_SKIP_PEER=1   do not run the Python peer
#   CARGO_TARGET_DIR           as usual
# Extra arguments are passed to cargo bench.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Pinned so that the peer's figures are comparable from one run to the next.
DATASKETCH_VERSION="2.0.0"
VENV="${RELAIS_BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/relais-bench-venv}"

peer_ok() {
    "$VENV/bin/python" -c "import datasketch, numpy" 2>/dev/null
}

if [ -z "${RELAIS_BENCH_SKIP_PEER:-}" ]; then
    if ! command -v python3 >/dev/null 2>&1; then
        echo "neardup.sh: python3 not found; the datasketch peer will be skipped" >&2
    else
        if ! peer_ok; then
            echo "neardup.sh: installing datasketch $DATASKETCH_VERSION in $VENV" >&2
            if python3 -m venv "$VENV" >&2 \
                && "$VENV/bin/pip" install --quiet --disable-pip-version-check \
                    "datasketch==$DATASKETCH_VERSION" >&2; then
                :
            else
                echo "neardup.sh: could not set up the virtual environment (on Debian:" \
                    "apt-get install python3-venv); the datasketch peer will be skipped" >&2
            fi
        fi
        if peer_ok; then
            export RELAIS_BENCH_PYTHON="$VENV/bin/python"
        fi
    fi
fi

exec cargo bench -p relais-veille --bench neardup "$@"
