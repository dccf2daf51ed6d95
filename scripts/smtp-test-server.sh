#!/usr/bin/env bash
# A throw-away SMTP server for the tests: aiosmtpd (scripts/smtp_sink.py) on
# 127.0.0.1, keeping every message it receives as a file.
#
#   scripts/smtp-test-server.sh start   # start (or reuse), print the URL smtp://127.0.0.1:PORT
#   scripts/smtp-test-server.sh url     # print the URL of the running server
#   scripts/smtp-test-server.sh dir     # print the directory the messages go to
#   scripts/smtp-test-server.sh status  # exit 0 if the server is running
#   scripts/smtp-test-server.sh stop    # stop the server and remove its directory
#
# Messages are written as DIR/<n>.eml (the exact bytes received), with the
# envelope in DIR/<n>.json, where DIR is $SMTP_TEST_STATE_DIR/mail; the state
# dir defaults to ${TMPDIR:-/tmp}/relais-smtp-test-<uid>. The port is a free one
# chosen by the kernel. The server stops by itself after SMTP_TEST_MAX_SECONDS
# (default 7200), and as soon as process SMTP_TEST_WATCH_PID is gone when that
# is set (scripts/test.sh passes its own PID). With SMTP_TEST_AUTH=USER:PASSWORD
# it requires SMTP AUTH. The Python venv comes from scripts/python-tools.sh.
set -euo pipefail

SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE_DIR="${SMTP_TEST_STATE_DIR:-${TMPDIR:-/tmp}/relais-smtp-test-$(id -u)}"
MAX_SECONDS="${SMTP_TEST_MAX_SECONDS:-7200}"

log() { printf 'smtp-test-server: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

read_state() {
    [[ -f "$STATE_DIR/$1" ]] && cat "$STATE_DIR/$1"
}

is_running() {
    local pid
    pid="$(read_state pid 2>/dev/null || true)"
    [[ -n "$pid" && -f "$STATE_DIR/url" ]] && kill -0 "$pid" 2>/dev/null
}

cmd_stop() {
    local pid i
    pid="$(read_state pid 2>/dev/null || true)"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
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

    local python pid i args=()
    python="$(bash "$SCRIPTS/python-tools.sh")" || die "the Python tools could not be installed (see above)"
    mkdir -p "$STATE_DIR/mail"
    chmod 700 "$STATE_DIR"
    args=(--dir "$STATE_DIR/mail" --ready-file "$STATE_DIR/url" --max-seconds "$MAX_SECONDS")
    if [[ -n "${SMTP_TEST_WATCH_PID:-}" ]]; then
        args+=(--parent-pid "$SMTP_TEST_WATCH_PID")
    fi
    if [[ -n "${SMTP_TEST_AUTH:-}" ]]; then
        args+=(--auth "$SMTP_TEST_AUTH")
    fi
    # Detached from our stdout, so that $(smtp-test-server.sh start) returns.
    nohup "$python" "$SCRIPTS/smtp_sink.py" "${args[@]}" \
        >"$STATE_DIR/server.log" 2>&1 </dev/null &
    pid=$!
    printf '%s\n' "$pid" >"$STATE_DIR/pid"
    for ((i = 0; i < 200; i++)); do
        [[ -s "$STATE_DIR/url" ]] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$STATE_DIR/server.log" >&2 || true
            cmd_stop
            die "the SMTP server exited at start"
        fi
        sleep 0.05
    done
    if [[ ! -s "$STATE_DIR/url" ]]; then
        cat "$STATE_DIR/server.log" >&2 || true
        cmd_stop
        die "the SMTP server did not start within 10 s"
    fi
    log "aiosmtpd listening on $(read_state url) (messages in $STATE_DIR/mail, pid $pid)"
    read_state url
}

case "${1:-}" in
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
    dir)
        is_running || die "not running"
        printf '%s\n' "$STATE_DIR/mail"
        ;;
    *)
        echo "usage: $0 start|stop|status|url|dir" >&2
        exit 2
        ;;
esac
