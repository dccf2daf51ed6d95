-- Publishing: the credentials and health of connected network accounts, the
-- outbox of deliveries (one per entry and account, with its ordered parts), the
-- per-account queue whose lease lets one worker at a time publish for an
-- account, and the attempts that make each delivery's timeline. Timestamps as
-- in 0001 (fixed-width RFC 3339 text, see relais_store::time::DbTime).

CREATE TABLE account_connections (
    account_id    INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    -- Sealed by relais_auth::vault (XChaCha20-Poly1305), never plaintext.
    credentials   TEXT    NOT NULL,
    -- The network's own id of the account (a DID, a Mastodon account id).
    remote_id     TEXT    NOT NULL,
    health        TEXT    NOT NULL CHECK (health IN ('connected', 'reconnect_needed')),
    health_reason TEXT    NOT NULL DEFAULT '',
    connected_at  TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

-- One row per account with deliveries: its lease is what makes publishing one
-- job at a time per account, across every worker process.
CREATE TABLE publish_queues (
    account_id       INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    lease_owner      TEXT,
    lease_expires_at TEXT,
    -- The network asked us to wait (429, rate-limit headers, our own quota).
    paused_until     TEXT,
    pause_reason     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX publish_queues_lease ON publish_queues (lease_expires_at);

CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entry_id         INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- Each scheduling of the entry is a round; earlier rounds stay as history.
    round            INTEGER NOT NULL,
    network          TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('pending', 'sending', 'unconfirmed', 'published', 'failed', 'cancelled', 'missed')),
    -- Bumped by every change; a worker's claim names the version it read, so a
    -- cancelled or rescheduled delivery never fires.
    version          INTEGER NOT NULL,
    -- The instant, the IANA zone and the wall time the person chose.
    due_at           TEXT    NOT NULL,
    timezone         TEXT    NOT NULL,
    local_time       TEXT    NOT NULL,
    next_attempt_at  TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    parts_done       INTEGER NOT NULL DEFAULT 0,
    options          TEXT    NOT NULL,
    first_attempt_at TEXT,
    finished_at      TEXT,
    last_error       TEXT    NOT NULL DEFAULT '',
    remote_url       TEXT,
    created_at       TEXT    NOT NULL,
    UNIQUE (entry_id, round, account_id)
);
-- The worker's question: this account's next due delivery.
CREATE INDEX deliveries_account_due ON deliveries (account_id, state, next_attempt_at, id);
CREATE INDEX deliveries_workspace_id ON deliveries (workspace_id, due_at);
CREATE INDEX deliveries_entry_id ON deliveries (entry_id, round);

CREATE TABLE delivery_parts (
    delivery_id     INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('post', 'thread_part', 'first_comment')),
    body            TEXT    NOT NULL,
    media           TEXT    NOT NULL,
    -- Chosen before the first attempt and kept for every retry: the Bluesky
    -- record key (a TID) or the Mastodon Idempotency-Key.
    idempotency_key TEXT    NOT NULL,
    remote_id       TEXT,
    remote_cid      TEXT,
    remote_url      TEXT,
    published_at    TEXT,
    PRIMARY KEY (delivery_id, position)
);
CREATE INDEX delivery_parts_published ON delivery_parts (published_at);

CREATE TABLE delivery_attempts (
    id           INTEGER PRIMARY KEY,
    delivery_id  INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    worker       TEXT    NOT NULL,
    started_at   TEXT    NOT NULL,
    finished_at  TEXT    NOT NULL,
    outcome      TEXT    NOT NULL,
    detail       TEXT    NOT NULL DEFAULT '',
    retry_at     TEXT
);
CREATE INDEX delivery_attempts_delivery_id ON delivery_attempts (delivery_id, id);
