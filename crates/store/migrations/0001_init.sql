-- Kundenwert workspace schema, version 1. See SCHEMA.md for the meaning of each column.

-- One row per imported file. The content hash makes a second import of the same file a no-op.
CREATE TABLE imports (
    id                 INTEGER PRIMARY KEY,
    path               TEXT    NOT NULL,
    content_hash       TEXT    NOT NULL UNIQUE,
    rows_read          INTEGER NOT NULL,
    rows_rejected      INTEGER NOT NULL,
    inserted           INTEGER NOT NULL,
    duplicates_skipped INTEGER NOT NULL,
    imported_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- Accepted invoice lines. Dates are ISO `YYYY-MM-DD` text, so text order is date order.
CREATE TABLE transactions (
    id        INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    customer  TEXT    NOT NULL,
    name      TEXT,
    date      TEXT    NOT NULL CHECK (length(date) = 10),
    revenue   REAL    NOT NULL,
    cost      REAL,
    quantity  REAL,
    product   TEXT,
    document  TEXT,
    position  INTEGER CHECK (position >= 0)
) STRICT;

-- A re-export of an overlapping period repeats document lines; this index lets the import skip
-- them. Lines without a document number cannot be recognised and are never deduplicated.
CREATE UNIQUE INDEX transactions_document_position
    ON transactions (document, position)
    WHERE document IS NOT NULL AND position IS NOT NULL;

-- The analysis streams transactions per customer in date order.
CREATE INDEX transactions_customer_date ON transactions (customer, date);

CREATE INDEX transactions_import ON transactions (import_id);

-- Problem-solving chains as canonical JSON documents; the chain crate validates them.
CREATE TABLE chains (
    name       TEXT PRIMARY KEY,
    subject    TEXT,
    document   TEXT NOT NULL CHECK (json_valid(document)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- Focus plans as canonical JSON documents; the chain crate validates them.
CREATE TABLE plans (
    name       TEXT PRIMARY KEY,
    document   TEXT NOT NULL CHECK (json_valid(document)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- Named customer selections (`type=growth and future_value>10000`), reused by plans and reports.
CREATE TABLE saved_selections (
    name       TEXT PRIMARY KEY,
    expression TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
