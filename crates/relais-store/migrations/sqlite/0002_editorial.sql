-- Editorial work: network accounts, the versioned editorial charter, calendar
-- entries with their accounts and comments, notifications, observances, media
-- records and the secret iCalendar feed token. Timestamps as in 0001 (fixed-width
-- RFC 3339 text, see relais_store::time::DbTime); calendar dates as 'YYYY-MM-DD'
-- text; JSON documents as text.

CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    network      TEXT    NOT NULL,
    handle       TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    UNIQUE (workspace_id, network, handle)
);

CREATE TABLE charter_versions (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    doc          TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    author_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    UNIQUE (workspace_id, version)
);
CREATE INDEX charter_versions_author_id ON charter_versions (author_id);

-- The filterable fields are columns; `doc` holds the whole EntryContent (JSON).
-- The columns win over the document when they differ (an assignee deleted).
CREATE TABLE entries (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    status       TEXT    NOT NULL CHECK (status IN ('idea', 'draft', 'internal_review', 'submitted', 'changes_requested', 'approved', 'scheduled', 'published', 'failed')),
    version      INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    axis         TEXT,
    starts_at    TEXT,
    assignee_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    doc          TEXT    NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
-- The month view: one range scan per workspace.
CREATE INDEX entries_workspace_starts_at ON entries (workspace_id, starts_at, id);
CREATE INDEX entries_assignee_id ON entries (assignee_id);
CREATE INDEX entries_created_by ON entries (created_by);

CREATE TABLE entry_accounts (
    entry_id   INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, account_id)
);
CREATE INDEX entry_accounts_account_id ON entry_accounts (account_id);

CREATE TABLE entry_comments (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    author_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX entry_comments_entry_id ON entry_comments (entry_id, id);
CREATE INDEX entry_comments_author_id ON entry_comments (author_id);

CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    entries      TEXT    NOT NULL,
    actor_name   TEXT    NOT NULL,
    comment      TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    read_at      TEXT
);
CREATE INDEX notifications_user_id ON notifications (user_id, id);
CREATE INDEX notifications_workspace_id ON notifications (workspace_id);

CREATE TABLE observances (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    observed_on  TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
);
CREATE INDEX observances_workspace_date ON observances (workspace_id, observed_on);

CREATE TABLE media (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    sha256        TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('image', 'video')),
    mime          TEXT    NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    bytes         INTEGER NOT NULL,
    original_name TEXT    NOT NULL,
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX media_workspace_id ON media (workspace_id, id);
CREATE INDEX media_created_by ON media (created_by);

-- At most one live token per workspace, stored as its SHA-256 digest.
CREATE TABLE feed_tokens (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL UNIQUE REFERENCES workspaces (id) ON DELETE CASCADE,
    digest       TEXT    NOT NULL UNIQUE,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL
);
CREATE INDEX feed_tokens_created_by ON feed_tokens (created_by);
