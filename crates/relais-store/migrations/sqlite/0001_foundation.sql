-- Foundation: people, workspaces, memberships, sessions, API tokens, invitations,
-- failed logins and the audit log. Timestamps are UTC instants written as
-- RFC 3339 text with microseconds and a Z (see relais_store::time::DbTime), so
-- that text order is time order.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    locale        TEXT    CHECK (locale IN ('fr', 'en')),
    is_demo       INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

CREATE TABLE workspaces (
    id         INTEGER PRIMARY KEY,
    slug       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    is_demo    INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at TEXT    NOT NULL
);

CREATE TABLE memberships (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT    NOT NULL CHECK (role IN ('owner', 'manager', 'community_manager', 'client_approver', 'viewer')),
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user_id ON memberships (user_id);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    csrf_token   TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('owner', 'manager', 'community_manager', 'client_approver', 'viewer')),
    token_hash   TEXT    NOT NULL UNIQUE,
    invited_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    accepted_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    accepted_at  TEXT
);
CREATE INDEX invitations_workspace_id ON invitations (workspace_id);
CREATE INDEX invitations_invited_by ON invitations (invited_by);
CREATE INDEX invitations_accepted_by ON invitations (accepted_by);

CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    TEXT NOT NULL
);
CREATE INDEX login_failures_email_at ON login_failures (email, at);
CREATE INDEX login_failures_ip_at ON login_failures (ip, at);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_label   TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    before_json   TEXT,
    after_json    TEXT,
    at            TEXT    NOT NULL
);
CREATE INDEX audit_log_workspace_id ON audit_log (workspace_id, id);
CREATE INDEX audit_log_actor_user_id ON audit_log (actor_user_id);
