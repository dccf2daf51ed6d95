#!/usr/bin/env bash
# Runs a cargo-fuzz target of fuzz/ for a number of seconds:
#   bash scripts/fuzz.sh TARGET [SECONDS]      (default 600)
#
# cargo-fuzz needs a nightly compiler for its sanitizer flags; with only the
# stable toolchain here, RUSTC_BOOTSTRAP=1 lets stable accept them. cargo-fuzz
# itself is installed from crates.io into ~/.cache/relais-tools when missing.
# The corpus and any crash found stay under fuzz/corpus and fuzz/artifacts
# (ignored by git); a crash makes this exit non-zero.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${1:?usage: bash scripts/fuzz.sh TARGET [SECONDS]}"
seconds="${2:-600}"
tools="${HOME}/.cache/relais-tools"
if ! command -v cargo-fuzz >/dev/null 2>&1 && [[ ! -x "$tools/bin/cargo-fuzz" ]]; then
    echo "installing cargo-fuzz into $tools" >&2
    cargo install -q --locked --root "$tools" cargo-fuzz
fi
export PATH="$tools/bin:$PATH"
export RUSTC_BOOTSTRAP=1
cd fuzz
exec cargo fuzz run "$target" -- -max_total_time="$seconds" -max_len=4200 -rss_limit_mb=2048
