//! One customer's invoice lines, for the web workbench's customer page.
//!
//! The transactions table has no index by customer (schema version 2 dropped it: the analysis
//! reads the table in rowid order, and maintaining the index was about half of a bulk
//! import's time). A customer page needs one, so it is kept outside the migrations: every
//! import drops it inside its own transaction ([`drop_index`]), keeping a bulk import as fast
//! as before, and whoever reads lines by customer builds it again afterwards
//! ([`create_index`], the web workbench after its background refresh), one sort of the whole
//! table instead of an insert at a random place per imported row.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};

use crate::{StoreError, StoredTransaction};

/// The index's name (see `SCHEMA.md`).
pub(crate) const INDEX: &str = "transactions_by_customer";

/// The lines of one customer a page shows: the newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerLines {
    /// The newest lines (by date, then by the order they were stored), at most the number asked
    /// for; `position` as stored.
    pub lines: Vec<StoredTransaction>,
    /// How many lines the customer has in all.
    pub total: u64,
}

/// Drops the index, inside an import's transaction (a failed import restores it with
/// everything else).
pub(crate) fn drop_index(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(&format!("DROP INDEX IF EXISTS {INDEX}"))?;
    Ok(())
}

/// Builds the index when it is missing; whether it had to.
pub(crate) fn create_index(conn: &Connection) -> Result<bool, StoreError> {
    if index_exists(conn)? {
        return Ok(false);
    }
    conn.execute_batch(&format!(
        "CREATE INDEX IF NOT EXISTS {INDEX} ON transactions (customer, date)"
    ))?;
    Ok(true)
}

fn index_exists(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1",
            [INDEX],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The newest `limit` lines of customer `number` and how many it has; `None` while the index
/// is missing (reading them without it scans the whole table).
pub(crate) fn lines(
    conn: &Connection,
    number: &str,
    limit: u64,
) -> Result<Option<CustomerLines>, StoreError> {
    if !index_exists(conn)? {
        return Ok(None);
    }
    let total: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM transactions INDEXED BY {INDEX} WHERE customer = ?1"
        ))?
        .query_row([number], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, customer, name, date, revenue, cost, quantity, product, document, position \
         FROM transactions INDEXED BY {INDEX} WHERE customer = ?1 \
         ORDER BY date DESC, id DESC LIMIT ?2"
    ))?;
    let mut rows = stmt.query(rusqlite::params![number, limit.min(i64::MAX as u64) as i64])?;
    let mut lines = Vec::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let date_text: String = row.get(3)?;
        let date = NaiveDate::parse_from_str(&date_text, "%Y-%m-%d").map_err(|_| {
            StoreError::CorruptRow {
                id,
                message: format!("`{date_text}` is not a date YYYY-MM-DD"),
            }
        })?;
        let position: Option<i64> = row.get(9)?;
        lines.push(StoredTransaction {
            customer: row.get(1)?,
            name: row.get(2)?,
            date,
            revenue: row.get(4)?,
            cost: row.get(5)?,
            quantity: row.get(6)?,
            product: row.get(7)?,
            document: row.get(8)?,
            position: position.and_then(|p| u32::try_from(p).ok()),
        });
    }
    Ok(Some(CustomerLines {
        lines,
        total: total.max(0) as u64,
    }))
}
