#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite.
#
#   scripts/pg-test-server.sh start   # initdb in a fresh temp dir, start, print the URL
#   scripts/pg-test-server.sh url     # print the URL of the running server
#   scripts/pg-test-server.sh status  # exit 0 if the server is running
#   scripts/pg-test-server.sh stop    # stop the server and remove its directory
#
# The server listens only on 127.0.0.1, on the first free port from 55432 up
# (PG_TEST_PORT_BASE overrides the start), with password (SCRAM) auth for TCP
# and a random password made at start. The role `postgres` is a superuser, so
# tests can CREATE DATABASE. Durability is switched off (fsync, synchronous
# commit, full-page writes): the data is thrown away anyway.
#
# State (URL, data directory, port) is kept in PG_TEST_STATE_DIR, by default
# ${TMPDIR:-/tmp}/relais-pg-test-<uid>; `start` writes the URL to
# $PG_TEST_STATE_DIR/url. Binaries are taken from the newest
# /usr/lib/postgresql/*/bin (Debian layout), else from PATH.
#
# initdb and postgres refuse to run as root: when run as root, the server runs
# as the `postgres` system user that Debian's package creates.
set -euo pipefail

STATE_DIR="${PG_TEST_STATE_DIR:-${TMPDIR:-/tmp}/relais-pg-test-$(id -u)}"
PORT_BASE="${PG_TEST_PORT_BASE:-55432}"
PORT_TRIES=100

log() { printf 'pg-test-server: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

find_bindir() {
    local dir
    # shellcheck disable=SC2012 # these paths are plain version numbers
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        printf '%s\n' "$dir"
        return 0
    fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    die "PostgreSQL server binaries not found (install them: apt-get install -y postgresql)"
}

# The OS user that owns and runs the cluster.
server_user() {
    if [[ "$(id -u)" -ne 0 ]]; then
        id -un
    elif id -u postgres >/dev/null 2>&1; then
        echo postgres
    else
        die "running as root but there is no 'postgres' system user to run the server as"
    fi
}

# Run a command as the server user.
as_server_user() {
    local user
    user="$(server_user)"
    if [[ "$(id -un)" == "$user" ]]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$user" -- "$@"
    else
        # su needs one shell string: quote every argument.
        su "$user" -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

read_state() {
    local name="$1"
    [[ -f "$STATE_DIR/$name" ]] && cat "$STATE_DIR/$name"
}

is_running() {
    local data bindir
    data="$(read_state datadir 2>/dev/null || true)"
    [[ -n "$data" && -d "$data/pgdata" ]] || return 1
    bindir="$(find_bindir)"
    as_server_user "$bindir/pg_ctl" -D "$data/pgdata" status >/dev/null 2>&1
}

cmd_stop() {
    local data bindir
    data="$(read_state datadir 2>/dev/null || true)"
    if [[ -n "$data" && -d "$data" ]]; then
        if [[ -d "$data/pgdata" ]]; then
            bindir="$(find_bindir)"
            if as_server_user "$bindir/pg_ctl" -D "$data/pgdata" status >/dev/null 2>&1; then
                if ! as_server_user "$bindir/pg_ctl" -D "$data/pgdata" -m fast -w -t 30 stop >/dev/null 2>&1; then
                    log "fast shutdown failed; trying immediate shutdown"
                    as_server_user "$bindir/pg_ctl" -D "$data/pgdata" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
                fi
            fi
        fi
        rm -rf -- "$data"
        log "stopped; removed $data"
    fi
    rm -rf -- "$STATE_DIR"
}

cmd_start() {
    if is_running; then
        log "already running"
        read_state url
        return 0
    fi
    # Leftovers of a run that died: clean them up first.
    cmd_stop

    local bindir user data password port log_file started=0 i
    bindir="$(find_bindir)"
    user="$(server_user)"

    mkdir -p "$STATE_DIR"
    chmod 700 "$STATE_DIR"
    data="$(mktemp -d "${TMPDIR:-/tmp}/relais-pg.XXXXXXXX")"
    printf '%s\n' "$data" >"$STATE_DIR/datadir"
    chown "$user" "$data"
    chmod 700 "$data"

    password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    printf '%s\n' "$password" >"$data/pwfile"
    chown "$user" "$data/pwfile"
    chmod 600 "$data/pwfile"

    if ! as_server_user "$bindir/initdb" -D "$data/pgdata" -U postgres \
        --pwfile="$data/pwfile" --auth-host=scram-sha-256 --auth-local=trust \
        -E UTF8 --no-locale --no-sync >"$STATE_DIR/initdb.log" 2>&1; then
        cat "$STATE_DIR/initdb.log" >&2
        die "initdb failed"
    fi
    rm -f -- "$data/pwfile"

    cat >>"$data/pgdata/postgresql.conf" <<EOF

# relais test server (scripts/pg-test-server.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

    log_file="$data/server.log"
    port="$PORT_BASE"
    for ((i = 0; i < PORT_TRIES; i++, port++)); do
        port_in_use "$port" && continue
        if as_server_user "$bindir/pg_ctl" -D "$data/pgdata" -l "$log_file" \
            -o "-p $port" -w -t 60 start >/dev/null 2>&1; then
            started=1
            break
        fi
        # Someone took the port between the check and the start: try the next one.
        if grep -q 'could not bind\|Address already in use' "$log_file" 2>/dev/null; then
            : >"$log_file"
            continue
        fi
        cat "$log_file" >&2 2>/dev/null || true
        cmd_stop
        die "the PostgreSQL server did not start"
    done
    if [[ "$started" -ne 1 ]]; then
        cmd_stop
        die "no free port in $PORT_BASE..$((PORT_BASE + PORT_TRIES - 1))"
    fi

    local url="postgres://postgres:${password}@127.0.0.1:${port}/postgres"
    printf '%s\n' "$port" >"$STATE_DIR/port"
    printf '%s\n' "$url" >"$STATE_DIR/url"
    chmod 600 "$STATE_DIR/url"
    log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$port (data in $data)"
    printf '%s\n' "$url"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status)
        if is_running; then
            log "running: 127.0.0.1:$(read_state port)"
        else
            log "not running"
            exit 1
        fi
        ;;
    url)
        is_running || die "not running"
        read_state url
        ;;
    *)
        echo "usage: $0 start|stop|status|url" >&2
        exit 2
        ;;
esac
