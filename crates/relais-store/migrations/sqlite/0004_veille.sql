-- Veille (monitoring): the sources a workspace watches and their polite-fetch
-- state, its topics, the items collected (normalised, deduplicated, with their
-- sentiment, near-duplicate cluster and matching topics), the hourly volume of
-- each topic and the spike alerts drawn from it, curation (stars, tags, impact
-- notes), digests and the secret feed of curated items. Timestamps as in 0001.

CREATE TABLE veille_sources (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL CHECK (kind IN ('feed', 'page', 'bluesky', 'jetstream', 'mastodon_tag', 'mastodon_public')),
    url              TEXT    NOT NULL,
    -- Page watch: the CSS selector; Mastodon: the hashtag. '' when unused.
    selector         TEXT    NOT NULL DEFAULT '',
    tag              TEXT    NOT NULL DEFAULT '',
    title            TEXT    NOT NULL DEFAULT '',
    site_url         TEXT,
    category         TEXT    NOT NULL DEFAULT '',
    -- The person's schedule; the worker adapts within it (ttl, caching, rhythm).
    interval_secs    INTEGER NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('active', 'failing', 'disabled')),
    etag             TEXT,
    last_modified    TEXT,
    -- Stream position: firehose seq, Jetstream time_us, Mastodon newest id.
    cursor           TEXT,
    next_fetch_at    TEXT    NOT NULL,
    last_fetch_at    TEXT,
    last_success_at  TEXT,
    first_failure_at TEXT,
    failures         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT    NOT NULL DEFAULT '',
    fetches          INTEGER NOT NULL DEFAULT 0,
    not_modified     INTEGER NOT NULL DEFAULT 0,
    bytes_downloaded INTEGER NOT NULL DEFAULT 0,
    bytes_saved      INTEGER NOT NULL DEFAULT 0,
    last_body_bytes  INTEGER NOT NULL DEFAULT 0,
    items_total      INTEGER NOT NULL DEFAULT 0,
    -- Page watch: the selected text last seen.
    page_text        TEXT,
    lease_owner      TEXT,
    lease_expires_at TEXT,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       TEXT    NOT NULL,
    UNIQUE (workspace_id, kind, url, selector, tag)
);
CREATE INDEX veille_sources_due ON veille_sources (state, next_fetch_at);
CREATE INDEX veille_sources_created_by ON veille_sources (created_by);

CREATE TABLE veille_topics (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('trade', 'technology', 'competition', 'regulation')),
    query        TEXT    NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE INDEX veille_topics_created_by ON veille_topics (created_by);

CREATE TABLE veille_items (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Items outlive a removed source: curated items stay.
    source_id     INTEGER REFERENCES veille_sources (id) ON DELETE SET NULL,
    source_title  TEXT    NOT NULL DEFAULT '',
    -- GUID, else canonical URL (relais_veille::dedup_key): exact duplicates.
    dedup_key     TEXT    NOT NULL,
    url           TEXT,
    canonical_url TEXT,
    title         TEXT    NOT NULL DEFAULT '',
    body          TEXT    NOT NULL DEFAULT '',
    author        TEXT,
    lang          TEXT,
    published_at  TEXT    NOT NULL,
    fetched_at    TEXT    NOT NULL,
    -- 'future' (clamped to the fetch time) or 'too_old', '' when fine.
    date_issue    TEXT    NOT NULL DEFAULT '',
    polarity      TEXT    NOT NULL CHECK (polarity IN ('positive', 'neutral', 'negative')),
    sentiment     REAL    NOT NULL,
    -- Near-duplicate story: one key shared by every item telling it (the
    -- clusterer's key of its first item, from that item's dedup key).
    cluster_id    INTEGER NOT NULL,
    starred       INTEGER NOT NULL DEFAULT 0,
    note          TEXT    NOT NULL DEFAULT '',
    UNIQUE (workspace_id, dedup_key)
);
CREATE INDEX veille_items_published ON veille_items (workspace_id, published_at);
CREATE INDEX veille_items_source_id ON veille_items (source_id);
CREATE INDEX veille_items_cluster ON veille_items (workspace_id, cluster_id);

CREATE TABLE veille_item_topics (
    topic_id     INTEGER NOT NULL REFERENCES veille_topics (id) ON DELETE CASCADE,
    item_id      INTEGER NOT NULL REFERENCES veille_items (id) ON DELETE CASCADE,
    published_at TEXT    NOT NULL,
    PRIMARY KEY (topic_id, item_id)
);
CREATE INDEX veille_item_topics_item_id ON veille_item_topics (item_id);
CREATE INDEX veille_item_topics_time ON veille_item_topics (topic_id, published_at);

CREATE TABLE veille_item_tags (
    item_id INTEGER NOT NULL REFERENCES veille_items (id) ON DELETE CASCADE,
    tag     TEXT    NOT NULL,
    PRIMARY KEY (item_id, tag)
);

-- Items per topic and UTC hour (the hour's first instant), with the negative
-- ones: the volume series and the spike baseline.
CREATE TABLE veille_topic_hours (
    topic_id INTEGER NOT NULL REFERENCES veille_topics (id) ON DELETE CASCADE,
    hour     TEXT    NOT NULL,
    total    INTEGER NOT NULL,
    negative INTEGER NOT NULL,
    PRIMARY KEY (topic_id, hour)
);

CREATE TABLE veille_alerts (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    topic_id     INTEGER NOT NULL REFERENCES veille_topics (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('volume', 'negative')),
    hour         TEXT    NOT NULL,
    observed     INTEGER NOT NULL,
    baseline     REAL    NOT NULL,
    threshold    REAL    NOT NULL,
    negative_share REAL,
    created_at   TEXT    NOT NULL,
    UNIQUE (topic_id, hour, kind)
);
CREATE INDEX veille_alerts_workspace ON veille_alerts (workspace_id, created_at);
CREATE INDEX veille_alerts_topic_id ON veille_alerts (topic_id);

CREATE TABLE veille_digests (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL,
    intro        TEXT    NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    sent_at      TEXT,
    sent_to      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX veille_digests_workspace ON veille_digests (workspace_id, created_at);
CREATE INDEX veille_digests_created_by ON veille_digests (created_by);

CREATE TABLE veille_digest_items (
    digest_id INTEGER NOT NULL REFERENCES veille_digests (id) ON DELETE CASCADE,
    item_id   INTEGER NOT NULL REFERENCES veille_items (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    PRIMARY KEY (digest_id, item_id)
);
CREATE INDEX veille_digest_items_item_id ON veille_digest_items (item_id);

-- The secret, revocable URL of the curated-items feed (SHA-256 digest only).
CREATE TABLE veille_feed_tokens (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL UNIQUE REFERENCES workspaces (id) ON DELETE CASCADE,
    digest       TEXT    NOT NULL UNIQUE,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL
);
CREATE INDEX veille_feed_tokens_created_by ON veille_feed_tokens (created_by);
