#!/usr/bin/env bash
# The veille matcher figures of relais:  bash bench/veille-match.sh
#
# Sets up the peers, then runs `cargo bench -p relais --bench veille_match`
# (release build): about 100 MB of generated posts against 1,000 and 10,000
# topics through `relais veille match`, one core, beside `rg -F -f` and
# Python pyahocorasick on the topics' literals. Settings: see the header of
# crates/relais/benches/veille_match.rs (BENCH_MATCH_MB=10 for a quick run).
#
# Peers: ripgrep from Debian's package (installed when missing and this runs
# as root), pyahocorasick from PyPI in a virtual environment under
# ~/.cache/relais-bench-veille-venv. A peer that cannot be installed is
# shown as n/a; relais's figures are printed anyway.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v rg >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "installing ripgrep (Debian package) for the rg peer" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q ripgrep >/dev/null 2>&1 \
            || (apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ripgrep >/dev/null 2>&1) \
            || echo "ripgrep could not be installed: the rg peer is skipped" >&2
    else
        echo "rg not found and not root: the rg peer is skipped" >&2
    fi
fi

venv="${HOME}/.cache/relais-bench-veille-venv"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import ahocorasick' 2>/dev/null; then
    echo "installing pyahocorasick (PyPI) in $venv for the Python peer" >&2
    python3 -m venv "$venv" >&2 && "$venv/bin/pip" install -q pyahocorasick >&2 \
        || echo "pyahocorasick could not be installed: the Python peer is skipped" >&2
fi
if "$venv/bin/python" -c 'import ahocorasick' 2>/dev/null; then
    export BENCH_PYTHON="$venv/bin/python"
fi

cargo bench -q -p relais --bench veille_match -- "$@" 2>&1 \
    | grep --line-buffered -v '^\s*\(Compiling\|Finished\|Running\)'
