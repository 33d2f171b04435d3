-- Kundenwert workspace schema, version 2. See SCHEMA.md.

-- Nothing reads through these two indexes any more: the analysis scans the table in rowid order
-- (reading through (customer, date) fetched every row from wherever it lay and took 2.7x as long
-- as reading the file), and no command removes an import (were one removed, the cascade from
-- `imports` would scan the table once). Yet every import paid for them: inserting into them row
-- by row, or rebuilding them from a sort, was about half of a bulk import's time. The unique
-- (document, position) index stays: it is the deduplication.
DROP INDEX IF EXISTS transactions_customer_date;
DROP INDEX IF EXISTS transactions_import;
