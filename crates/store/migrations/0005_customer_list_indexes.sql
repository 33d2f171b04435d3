-- Kundenwert workspace schema, version 5. See SCHEMA.md.
--
-- The stored customer list answers in milliseconds at a million customers: every column it can
-- be sorted by has an index (keyset paging on (column, id) reads the index in order and stops
-- after a page, instead of sorting every row), the type filter has (type, figure, id) indexes
-- for the figures a list sorts by most, and the search over number and name reads a trigram
-- index instead of folding every row's text.

-- One index per sortable column. `number` needs none: its UNIQUE index already holds the id.
-- `current_value`, `future_value` and `revenue` have theirs since version 3.
CREATE INDEX analysis_customers_name ON analysis_customers (name, id);
CREATE INDEX analysis_customers_type ON analysis_customers (type, id);
CREATE INDEX analysis_customers_status ON analysis_customers (status, id);
CREATE INDEX analysis_customers_abc ON analysis_customers (abc, id);
CREATE INDEX analysis_customers_margin ON analysis_customers (margin, id);
CREATE INDEX analysis_customers_p_alive ON analysis_customers (p_alive, id);
CREATE INDEX analysis_customers_orders ON analysis_customers (orders, id);
CREATE INDEX analysis_customers_confidence ON analysis_customers (confidence, id);
CREATE INDEX analysis_customers_last_order ON analysis_customers (last_order, id);

-- The type filter sorted by the main figures (by future value: `analysis_customers_type_future_value`
-- since version 3). Without them a type's rows are read and sorted: 0.4-1 s for the 15 % of a
-- million customers that grow. Other sorts within a type still sort the type's rows.
CREATE INDEX analysis_customers_type_current_value ON analysis_customers (type, current_value, id);
CREATE INDEX analysis_customers_type_revenue ON analysis_customers (type, revenue, id);

-- The search: number and name folded to lower case by the store (`kw_fold`, Rust's
-- `to_lowercase`, the case-insensitivity of the selection language), indexed as trigrams, so
-- that a phrase query of three or more characters finds exactly the rows whose folded number or
-- name contains the folded search text. Contentless (the text lives in `analysis_customers`) and
-- without per-row sizes (nothing ranks); rowid = `analysis_customers.id`. Filled in the same
-- transaction that replaces the customers. The columns' names differ from the table's, so a list
-- query can join the two (the search outside, read in rowid order) without naming the table.
CREATE VIRTUAL TABLE analysis_customers_search USING fts5(
    folded_number, folded_name,
    content = '', columnsize = 0,
    tokenize = 'trigram case_sensitive 1'
);

INSERT INTO analysis_customers_search (rowid, folded_number, folded_name)
SELECT id, kw_fold(number), kw_fold(name) FROM analysis_customers;
