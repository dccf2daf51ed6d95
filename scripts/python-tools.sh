#!/usr/bin/env bash
# The Python tools the tests use, in a venv of their own:
#   aiosmtpd   a real SMTP server on loopback (scripts/smtp-test-server.sh)
#   icalendar  a third-party iCalendar parser (scripts/validate-ics.py)
#   feedparser a third-party RSS/Atom parser (scripts/validate-feed.py)
#
#   bash scripts/python-tools.sh        # create or update the venv, print its python
#
# Versions are pinned in scripts/python-tools.txt. The venv lives in
# ${PY_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relais-tools}/venv and is
# (re)built only when that file changed or the venv is broken, so a second run
# takes a fraction of a second. Concurrent runs wait for each other (flock).
# Needs python3 with the venv module (Debian: apt-get install python3-venv);
# PYTHON chooses another interpreter. Everything but the final path goes to stderr.
set -euo pipefail

SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REQUIREMENTS="$SCRIPTS/python-tools.txt"
TOOLS_DIR="${PY_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relais-tools}"
VENV="$TOOLS_DIR/venv"
PYTHON="${PYTHON:-python3}"

log() { printf 'python-tools: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (Debian: apt-get install -y python3 python3-venv)"
mkdir -p "$TOOLS_DIR"

exec 9>"$TOOLS_DIR/.lock"
flock 9

want="$(sha256sum "$REQUIREMENTS" | awk '{print $1}')"
stamp="$VENV/.relais-requirements-sha256"
if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]] &&
    "$VENV/bin/python" -c 'import aiosmtpd, icalendar, feedparser' >/dev/null 2>&1; then
    printf '%s\n' "$VENV/bin/python"
    exit 0
fi

log "creating $VENV"
rm -rf -- "$VENV"
if ! "$PYTHON" -m venv "$VENV" >&2; then
    rm -rf -- "$VENV"
    die "could not create a venv with $PYTHON (Debian: apt-get install -y python3-venv)"
fi
if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    --no-input --require-virtualenv -r "$REQUIREMENTS" >&2; then
    rm -rf -- "$VENV"
    die "pip install -r $REQUIREMENTS failed (is PyPI reachable?)"
fi
printf '%s\n' "$want" >"$stamp"
log "installed: $("$VENV/bin/python" -m pip freeze --disable-pip-version-check | tr '\n' ' ')"
printf '%s\n' "$VENV/bin/python"
