-- Kundenwert workspace schema, version 4. See SCHEMA.md.
--
-- Users and security for the web workbench (`kundenwert serve`): who may sign in and with which
-- role, their sessions and API tokens (stored under the SHA-256 of the secret, never the secret),
-- an audit log that outlives the users it names, and each user's saved customer-list views.

-- `name_key` is the name in Unicode lowercase, computed by the store: names are unique regardless
-- of case, also beyond ASCII (SQLite's NOCASE folds ASCII only). AUTOINCREMENT: the id of a
-- deleted user is never given to another.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL CHECK (length(name) > 0),
    name_key      TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- A signed-in browser. Looked up by the hash of its cookie's token (the primary key); times are
-- the caller's clock, UTC text, so text order is time order.
CREATE TABLE sessions (
    token_sha256 BLOB    PRIMARY KEY CHECK (length(token_sha256) = 32),
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    last_seen    TEXT    NOT NULL
) STRICT, WITHOUT ROWID;

-- The cascade from `users` and signing a user out everywhere find the sessions through it.
CREATE INDEX sessions_user ON sessions (user_id);

-- A token for scripts. Looked up by the hash of its secret (unique); listed and revoked by `id`,
-- which AUTOINCREMENT never reuses, so revoking a stale id cannot hit a newer token. The unique
-- (user_id, name) index also serves the cascade from `users`.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL CHECK (length(name) > 0),
    prefix       TEXT    NOT NULL,
    token_sha256 BLOB    NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_used    TEXT,
    UNIQUE (user_id, name)
) STRICT;

-- Who did what. `actor` is a name, not a reference: the log survives the users it names.
-- AUTOINCREMENT keeps ids in the order of writing, which paging relies on.
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    actor  TEXT    NOT NULL,
    action TEXT    NOT NULL,
    target TEXT    NOT NULL,
    detail TEXT    NOT NULL
) STRICT;

-- A user's saved customer-list views: a name and the list's query string as in the URL.
-- The primary key serves listing one owner's views.
CREATE TABLE saved_views (
    owner      TEXT NOT NULL,
    name       TEXT NOT NULL CHECK (length(name) > 0),
    query      TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (owner, name)
) STRICT, WITHOUT ROWID;
