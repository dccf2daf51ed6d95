#!/usr/bin/env bash
# The one command that runs every test of relais:  bash scripts/test.sh
#
# On a fresh Debian machine it first installs what it needs (PostgreSQL,
# Chromium, a font, Hunspell dictionaries, python3-venv, Node.js + npm if `node`
# is missing, the e2e npm packages, a Python venv with aiosmtpd and icalendar);
# when they are already there it skips that quickly. Then, stopping at the
# first failure:
#
#   1. cargo fmt --all -- --check
#   2. cargo clippy --workspace --all-targets -- -D warnings
#   3. scripts/check-layering.sh
#   4. cargo build --workspace
#   5. cargo test --workspace        (TEST_POSTGRES_URL points at a throw-away
#                                     PostgreSQL from scripts/pg-test-server.sh;
#                                     TEST_SMTP_URL/TEST_SMTP_DIR at an aiosmtpd
#                                     sink from scripts/smtp-test-server.sh;
#                                     TEST_PYTHON at the venv with icalendar;
#                                     TEST_PDS_URL at the reference AT Protocol
#                                     PDS from scripts/pds-test-server.sh)
#   6. browser tests: node --test e2e/tests/*.test.mjs
#                                    (E2E_RELAIS_BIN = the relais binary just built)
#
# The PostgreSQL server is stopped and its directory removed on exit, whatever
# happens. RELAIS_* environment variables are the app's configuration: they are
# removed here so that a developer's settings cannot change the test results.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export NPM_CONFIG_UPDATE_NOTIFIER=false

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/relais-test-logs.XXXXXXXX")"
export PG_TEST_STATE_DIR="$LOG_DIR/pg-state"
export SMTP_TEST_STATE_DIR="$LOG_DIR/smtp-state"
export PDS_TEST_STATE_DIR="$LOG_DIR/pds-state"
# The SMTP sink and the PDS stop by themselves as soon as this script is gone.
export SMTP_TEST_WATCH_PID=$$
export PDS_TEST_WATCH_PID=$$

STEP_NAMES=()
STEP_RESULTS=()
CARGO_PASSED=0
CARGO_FAILED=0
E2E_PASSED=0
E2E_FAILED=0
E2E_SKIPPED=0

cleanup() {
    local rc=$?
    bash "$ROOT/scripts/pg-test-server.sh" stop >/dev/null 2>&1 || true
    bash "$ROOT/scripts/smtp-test-server.sh" stop >/dev/null 2>&1 || true
    bash "$ROOT/scripts/pds-test-server.sh" stop >/dev/null 2>&1 || true
    rm -rf -- "$LOG_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '\n==> %s\n' "$*"; }

summary() {
    local i
    echo
    echo "==================== relais test summary ===================="
    for i in "${!STEP_NAMES[@]}"; do
        printf '  %-8s %s\n' "${STEP_RESULTS[$i]}" "${STEP_NAMES[$i]}"
    done
    # The plain "word: N passed, N failed" form, readable by CI in any language.
    printf 'rust: %d passed, %d failed\n' "$CARGO_PASSED" "$CARGO_FAILED"
    printf 'browser: %d passed, %d failed, %d skipped\n' "$E2E_PASSED" "$E2E_FAILED" "$E2E_SKIPPED"
    echo "============================================================="
}

# run_step NAME COMMAND...: runs one step, records it, stops everything on failure.
# Note: `set -e` does not apply inside a function run this way, so the step
# functions below check each command themselves.
run_step() {
    local name="$1"
    shift
    local start=$SECONDS rc=0
    say "$name"
    "$@" || rc=$?
    local took=$((SECONDS - start))
    STEP_NAMES+=("$name (${took}s)")
    if [[ "$rc" -ne 0 ]]; then
        STEP_RESULTS+=("FAILED")
        summary
        echo "FAILED: $name (exit code $rc)" >&2
        exit "$rc"
    fi
    STEP_RESULTS+=("ok")
}

# --- prerequisites ---------------------------------------------------------------

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_system_packages() {
    local missing=()
    # shellcheck disable=SC2012 # these paths are plain version numbers
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
        missing+=(postgresql)
    fi
    if ! command -v chromium >/dev/null 2>&1; then
        missing+=(chromium)
    fi
    # Pages must render with a real font for the contrast and layout checks.
    if ! pkg_installed fonts-dejavu-core; then
        missing+=(fonts-dejavu-core)
    fi
    # Spelling checks of the composer use Debian's Hunspell dictionaries.
    for pkg in hunspell-fr hunspell-en-us; do
        pkg_installed "$pkg" || missing+=("$pkg")
    done
    # The SMTP sink (aiosmtpd) and the iCalendar validator (icalendar) run in a
    # Python virtual environment filled from PyPI.
    if ! command -v python3 >/dev/null 2>&1; then
        missing+=(python3)
    fi
    if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        missing+=(python3-venv)
    fi
    # The AT Protocol PDS (npm) builds better-sqlite3 from source.
    for tool in g++ make; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    if ! command -v node >/dev/null 2>&1; then
        missing+=(nodejs npm)
    elif ! command -v npm >/dev/null 2>&1; then
        missing+=(npm)
    fi
    if [[ "${#missing[@]}" -eq 0 ]]; then
        echo "system packages: already installed"
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "missing: ${missing[*]} (and no apt-get to install them)" >&2
        return 1
    fi
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        sudo=(sudo)
    fi
    echo "installing: ${missing[*]}"
    "${sudo[@]}" apt-get update -q || return 1
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" || return 1
}

check_rust_toolchain() {
    local complete=1
    command -v cargo >/dev/null 2>&1 || { echo "cargo is not installed" >&2; return 1; }
    cargo fmt --version >/dev/null 2>&1 || { echo "rustfmt is missing (rustup component add rustfmt)" >&2; complete=0; }
    cargo clippy --version >/dev/null 2>&1 || { echo "clippy is missing (rustup component add clippy)" >&2; complete=0; }
    [[ "$complete" -eq 1 ]] && cargo --version
}

# npm ci in e2e/, skipped when node_modules already matches package-lock.json.
install_e2e_packages() {
    local stamp="e2e/node_modules/.relais-lock-sha256" want
    want="$(sha256sum e2e/package-lock.json | awk '{print $1}')"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        echo "e2e npm packages: up to date"
        return 0
    fi
    (cd e2e && npm ci --no-audit --no-fund) || return 1
    printf '%s\n' "$want" >"$stamp"
}

# --- steps -------------------------------------------------------------------------

# run_logged LOGFILE COMMAND...: runs a command, showing and keeping its output.
run_logged() {
    local log="$1"
    shift
    "$@" 2>&1 | tee "$log"
}

# A real SMTP server (aiosmtpd) shared by the Rust and browser tests; every
# message it receives is kept as a file in TEST_SMTP_DIR.
start_smtp() {
    TEST_SMTP_URL="$(bash scripts/smtp-test-server.sh start)" || return 1
    TEST_SMTP_DIR="$(bash scripts/smtp-test-server.sh dir)" || return 1
    export TEST_SMTP_URL TEST_SMTP_DIR
    echo "SMTP sink: $TEST_SMTP_URL, messages in $TEST_SMTP_DIR"
}

python_tools() {
    TEST_PYTHON="$(bash scripts/python-tools.sh)" || return 1
    export TEST_PYTHON
    echo "Python tools: $TEST_PYTHON"
}

# The reference AT Protocol PDS (@atproto/pds) with a local PLC directory, on
# loopback: the Bluesky connector and the publishing proofs post to it.
start_pds() {
    TEST_PDS_URL="$(bash scripts/pds-test-server.sh start)" || return 1
    export TEST_PDS_URL
    echo "PDS: $TEST_PDS_URL"
}

start_postgres() {
    TEST_POSTGRES_URL="$(bash scripts/pg-test-server.sh start)" || return 1
    export TEST_POSTGRES_URL
}

cargo_test() {
    local rc=0
    run_logged "$LOG_DIR/cargo-test.log" cargo test --workspace || rc=$?
    # "test result: ok. 12 passed; 0 failed; 0 ignored; ..." once per test binary.
    read -r CARGO_PASSED CARGO_FAILED < <(
        awk '/^test result:/ {
                for (i = 1; i <= NF; i++) {
                    if ($(i) ~ /^passed;?$/) p += $(i - 1)
                    if ($(i) ~ /^failed;?$/) f += $(i - 1)
                }
            }
            END { print p + 0, f + 0 }' "$LOG_DIR/cargo-test.log"
    )
    return "$rc"
}

e2e_test() {
    local files=() rc=0
    shopt -s nullglob
    files=(e2e/tests/*.test.mjs)
    shopt -u nullglob
    if [[ "${#files[@]}" -eq 0 ]]; then
        echo "no browser test files in e2e/tests" >&2
        return 1
    fi
    export E2E_RELAIS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/relais"
    if [[ ! -x "$E2E_RELAIS_BIN" ]]; then
        echo "relais binary not found at $E2E_RELAIS_BIN" >&2
        return 1
    fi
    # One test file at a time: each starts its own server and browser, and the
    # machine has two cores. (playwright-core needs Node >= 20 anyway.)
    if ! node --test-concurrency=1 --version >/dev/null 2>&1; then
        echo "Node $(node --version) is too old for the browser tests: Node >= 20.10 is needed" >&2
        return 1
    fi
    # Temporary files (server data dirs, browser profiles) go under LOG_DIR,
    # which the EXIT trap removes even when the run is interrupted.
    mkdir -p "$LOG_DIR/tmp"
    export TMPDIR="$LOG_DIR/tmp"
    run_logged "$LOG_DIR/e2e.log" node --test --test-concurrency=1 --test-reporter=spec "${files[@]}" || rc=$?
    # The spec reporter closes with "ℹ pass N", the TAP one with "# pass N".
    read -r E2E_PASSED E2E_FAILED E2E_SKIPPED < <(
        awk '$1 ~ /^(#|ℹ)$/ && $2 == "pass" { p += $3 }
             $1 ~ /^(#|ℹ)$/ && $2 == "fail" { f += $3 }
             $1 ~ /^(#|ℹ)$/ && $2 == "skipped" { s += $3 }
             END { print p + 0, f + 0, s + 0 }' "$LOG_DIR/e2e.log"
    )
    return "$rc"
}

# --- main -------------------------------------------------------------------------

relais_vars="$(compgen -e | grep '^RELAIS_' || true)"
if [[ -n "$relais_vars" ]]; then
    echo "note: ignoring the app's configuration variables: $(printf '%s' "$relais_vars" | tr '\n' ' ')"
    # shellcheck disable=SC2086 # one name per word
    unset $relais_vars
fi

run_step "install system packages" install_system_packages
run_step "check Rust toolchain" check_rust_toolchain
run_step "install e2e npm packages" install_e2e_packages
run_step "cargo fmt --check" cargo fmt --all -- --check
run_step "cargo clippy -D warnings" cargo clippy --workspace --all-targets -- -D warnings
run_step "layering check" bash scripts/check-layering.sh
run_step "cargo build" cargo build --workspace
run_step "Python test tools (aiosmtpd, icalendar)" python_tools
run_step "start test PostgreSQL" start_postgres
run_step "start test SMTP server" start_smtp
run_step "start test AT Protocol PDS (installs it on first use)" start_pds
run_step "cargo test (TEST_POSTGRES_URL set)" cargo_test
run_step "browser tests (e2e/tests)" e2e_test

summary
echo "all checks passed"
