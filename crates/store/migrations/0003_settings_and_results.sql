-- Kundenwert workspace schema, version 3. See SCHEMA.md.
--
-- The workspace keeps its own settings and the result of its latest analysis, so that reading
-- commands, the web workbench and the reports answer from stored rows instead of recomputing
-- types and forecasts from every transaction.

-- The settings an analysis of this workspace uses: one TOML document in the format of the
-- configuration file (`config/kundenwert.toml`); what it leaves out keeps its default.
CREATE TABLE settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    document   TEXT    NOT NULL,
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- Moves whenever the stored transactions change: an import that stored rows, or a removed import
-- that had some. A stored analysis made at another version is out of date.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;

INSERT INTO data_version (id, version) VALUES (1, (SELECT count(*) FROM imports));

-- An import's row is written first with `inserted = 0` and updated once its rows are stored.
CREATE TRIGGER imports_stored_rows_move_data_version
AFTER UPDATE OF inserted ON imports
WHEN NEW.inserted <> OLD.inserted
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER imports_removed_move_data_version
AFTER DELETE ON imports
WHEN OLD.inserted > 0
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

-- The latest analysis of the workspace (at most one row): what it was computed from and with,
-- and what it found beyond the single customers (JSON).
CREATE TABLE analysis_run (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    data_version INTEGER NOT NULL,
    settings     TEXT    NOT NULL,
    as_of        TEXT    NOT NULL CHECK (length(as_of) = 10),
    summary      TEXT    NOT NULL CHECK (json_valid(summary)),
    customers    INTEGER NOT NULL,
    seconds      REAL    NOT NULL,
    computed_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- One row per customer of the latest analysis, with the figures `analyze --json` reports (rounded
-- as there). `id` is the customer's rank in customer-number order, the tie-breaker of every sort
-- and the key of keyset paging.
CREATE TABLE analysis_customers (
    id                   INTEGER PRIMARY KEY,
    number               TEXT    NOT NULL UNIQUE,
    name                 TEXT,
    type                 TEXT    NOT NULL,
    confidence           REAL    NOT NULL,
    reason_de            TEXT    NOT NULL,
    reason_en            TEXT    NOT NULL,
    status               TEXT,
    abc                  TEXT    NOT NULL,
    current_value        REAL    NOT NULL,
    future_value         REAL,
    future_value_low     REAL,
    future_value_high    REAL,
    future_value_source  TEXT,
    p_alive              REAL,
    expected_purchases   REAL,
    revenue              REAL    NOT NULL,
    margin               REAL,
    orders               INTEGER NOT NULL,
    first_order          TEXT    NOT NULL CHECK (length(first_order) = 10),
    last_order           TEXT    NOT NULL CHECK (length(last_order) = 10),
    -- The months with business up to as-of, packed (see SCHEMA.md): enough to draw the chart.
    months               BLOB    NOT NULL
) STRICT;

-- Sorting the customer list by a figure reads one of these in order (keyset paging on (figure, id)).
CREATE INDEX analysis_customers_current_value ON analysis_customers (current_value, id);
CREATE INDEX analysis_customers_future_value ON analysis_customers (future_value, id);
CREATE INDEX analysis_customers_revenue ON analysis_customers (revenue, id);
CREATE INDEX analysis_customers_type_future_value ON analysis_customers (type, future_value, id);
