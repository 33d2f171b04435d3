//! The SQLite implementation of [`Workspace`].

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use kundenwert_core::{par, Transaction};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::error::InvalidRowReason;
use crate::migrations::{MIGRATIONS, SCHEMA_VERSION};
use crate::runs::{self, ExternalSort};
use crate::{
    ChainEntry, DocumentEntry, ImportMeta, ImportOutcome, ImportRecord, StoreError,
    StoredTransaction, StreamedFile, Workspace,
};

/// How long a writer waits for another process's write to finish before giving up. Imports of
/// large files hold the write lock for seconds, so the default of zero would fail at once.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

/// A workspace in one SQLite file.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    path: String,
    phases: Vec<(&'static str, Duration)>,
    run_bytes: usize,
}

impl Store {
    /// Opens the workspace at `path`, creating the file when missing, and brings its schema up
    /// to [`SCHEMA_VERSION`].
    ///
    /// # Errors
    /// When the file cannot be opened, was written by a newer schema, or a migration fails.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let display = path.as_ref().display().to_string();
        let conn = Connection::open(path.as_ref()).map_err(|source| StoreError::Open {
            path: display.clone(),
            source,
        })?;
        Store::init(conn, display)
    }

    /// A workspace that lives in memory only; for tests and dry runs.
    ///
    /// # Errors
    /// When SQLite cannot allocate the database.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: ":memory:".into(),
            source,
        })?;
        Store::init(conn, ":memory:".into())
    }

    fn init(mut conn: Connection, path: String) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // WAL lets the web workbench read while an import writes; an in-memory database
        // answers `memory`, which is fine.
        let _mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(open_err)?;
        // NORMAL is durable across application crashes in WAL mode and much faster than FULL.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        // Imports insert into three indexes in key orders unrelated to insertion order; with the
        // default 2 MB page cache a million-row import spills and rereads pages constantly.
        conn.pragma_update(None, "cache_size", -65_536)
            .map_err(open_err)?;
        crate::results::register_functions(&conn).map_err(open_err)?;
        migrate(&mut conn, &path)?;
        Ok(Store {
            conn,
            path,
            phases: Vec::new(),
            run_bytes: RUN_BYTES,
        })
    }

    /// The file this store was opened from (`:memory:` for an in-memory store).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The schema version of the open workspace.
    ///
    /// # Errors
    /// On a database failure.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// How long the phases of the last [`Workspace::import_streamed`] took, in order, summed
    /// over its files (for `KUNDENWERT_TIMINGS`).
    pub fn import_phases(&self) -> &[(&'static str, Duration)] {
        &self.phases
    }

    /// Sets how many bytes of documented rows an import sorts in memory before it writes them
    /// to a temporary file as one sorted run (default 64 MB; at least one row is held). Tests
    /// set it tiny to exercise the merge of many runs.
    pub fn set_sort_run_bytes(&mut self, bytes: usize) {
        self.run_bytes = bytes;
    }

    /// `EXPLAIN QUERY PLAN` of the statements [`Workspace::analysis_customers`] runs for
    /// `query` (one line per step; a cursor may take two statements), for tests and diagnostics:
    /// a list page should never show `USE TEMP B-TREE FOR ORDER BY`.
    ///
    /// # Errors
    /// On a database failure.
    pub fn analysis_customers_plan(
        &self,
        query: &crate::CustomerQuery,
    ) -> Result<Vec<String>, StoreError> {
        crate::results::plan(&self.conn, query)
    }

    /// The underlying connection, for read-only diagnostics (`PRAGMA` queries in tests).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn put_document(
        &mut self,
        kind: &'static str,
        name: &str,
        json: &str,
    ) -> Result<(), StoreError> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| StoreError::InvalidDocument {
                kind,
                name: name.to_owned(),
                message: e.to_string(),
            })?;
        if kind == "chain" {
            let subject = value.get("subject").and_then(|s| s.as_str());
            self.conn.execute(
                &format!(
                    "INSERT INTO chains (name, subject, document) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (name) DO UPDATE SET subject = excluded.subject, \
                     document = excluded.document, updated_at = {NOW}"
                ),
                params![name, subject, json],
            )?;
        } else {
            self.conn.execute(
                &format!(
                    "INSERT INTO plans (name, document) VALUES (?1, ?2) \
                     ON CONFLICT (name) DO UPDATE SET document = excluded.document, updated_at = {NOW}"
                ),
                params![name, json],
            )?;
        }
        Ok(())
    }

    fn get_text(&self, sql: &str, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row(sql, [name], |r| r.get(0)).optional()?)
    }

    fn list_entries(&self, table: &str) -> Result<Vec<DocumentEntry>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT name, created_at, updated_at FROM {table} ORDER BY name"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(DocumentEntry {
                name: r.get(0)?,
                created_at: r.get(1)?,
                updated_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn delete(&mut self, table: &str, name: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(&format!("DELETE FROM {table} WHERE name = ?1"), [name])?;
        Ok(n > 0)
    }
}

/// Applies every migration the file has not seen, each in its own immediate transaction, so two
/// processes opening a fresh workspace at once do not both run it.
fn migrate(conn: &mut Connection, path: &str) -> Result<(), StoreError> {
    // The common case, an up-to-date file, is settled by a read: opening a workspace to read it
    // must not wait for the write lock an import in another process holds.
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                path: path.to_owned(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        let version = found + 1;
        let migration_err = |source| StoreError::Migration {
            path: path.to_owned(),
            version,
            source,
        };
        // `found` is in 0..SCHEMA_VERSION here, so the index exists.
        let (_, sql) = MIGRATIONS[found as usize];
        tx.execute_batch(sql).map_err(migration_err)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(migration_err)?;
        tx.commit().map_err(migration_err)?;
    }
}

/// Writes `date` as ISO `YYYY-MM-DD` into `buf`; `None` for years outside 0..=9999, whose text
/// would not sort as dates do.
fn iso_date(date: NaiveDate, buf: &mut String) -> Option<&str> {
    let year = date.year();
    if !(0..=9999).contains(&year) {
        return None;
    }
    buf.clear();
    // Writing into a String cannot fail.
    let _ = write!(buf, "{year:04}-{:02}-{:02}", date.month(), date.day());
    Some(buf)
}

fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, num(&b[5..7])?, num(&b[8..10])?)
}

fn finite(x: Option<f64>) -> bool {
    x.is_none_or(f64::is_finite)
}

impl Workspace for Store {
    fn import_file(
        &mut self,
        meta: &ImportMeta,
        rows: &mut dyn Iterator<Item = StoredTransaction>,
    ) -> Result<ImportOutcome, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        crate::customer_lines::drop_index(&tx)?;
        let outcome = import_rows(&tx, meta, rows)?;
        tx.commit()?;
        Ok(outcome)
    }

    fn import_streamed(
        &mut self,
        files: Vec<StreamedFile<'_>>,
    ) -> Result<Vec<ImportOutcome>, StoreError> {
        self.phases.clear();
        // Every row of an import names the `imports` row inserted in the same transaction, so
        // checking the foreign key row by row (a lookup per row) cannot fail; it is switched
        // off for the import only (the pragma is a no-op inside a transaction, so before it)
        // and on again however the import ends.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let result = streamed(&mut self.conn, files, self.run_bytes, &mut self.phases);
        let restored = self.conn.pragma_update(None, "foreign_keys", "ON");
        let out = result?;
        restored?;
        Ok(out)
    }

    fn import_files(
        &mut self,
        files: &mut dyn Iterator<Item = (ImportMeta, Vec<StoredTransaction>)>,
    ) -> Result<Vec<ImportOutcome>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        crate::customer_lines::drop_index(&tx)?;
        let mut out = Vec::new();
        for (meta, rows) in files {
            out.push(import_rows(&tx, &meta, &mut rows.into_iter())?);
        }
        tx.commit()?;
        Ok(out)
    }

    fn for_each_transaction(&self, f: &mut dyn FnMut(Transaction<'_>)) -> Result<u64, StoreError> {
        read_range(&self.conn, i64::MIN, i64::MAX, f)
    }

    fn for_each_transaction_in_parts(
        &self,
        parts: &mut [&mut (dyn FnMut(Transaction<'_>) + Send)],
    ) -> Result<u64, StoreError> {
        let (lo, hi): (Option<i64>, Option<i64>) =
            self.conn
                .query_row("SELECT min(id), max(id) FROM transactions", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        let (Some(lo), Some(hi)) = (lo, hi) else {
            return Ok(0);
        };
        let n = parts.len().max(1) as i64;
        // An in-memory store has no file for other connections: one part reads everything.
        if n == 1 || self.path == ":memory:" {
            return match parts.first_mut() {
                Some(f) => read_range(&self.conn, lo, hi, *f),
                None => Ok(0),
            };
        }
        // Rows are never deleted and new ones get larger ids, so ranges bounded by today's
        // largest id read exactly what was stored when the reading began, whatever commits
        // meanwhile.
        let width = (hi - lo) / n + 1;
        let bounds = |k: i64| (lo + k * width, (lo + (k + 1) * width - 1).min(hi));
        let (first, rest) = parts.split_at_mut(1);
        let failed = || StoreError::CorruptRow {
            id: 0,
            message: "a reading thread failed".into(),
        };
        // One part per thread, each with a connection of its own, except the first: it reads
        // on this thread through the open connection, which cannot go to another thread.
        let (total, others) = par::with_workers(
            rest.iter_mut().enumerate().map(|(k, f)| {
                let (a, b) = bounds(k as i64 + 1);
                let path = &self.path;
                move || -> Result<u64, StoreError> {
                    // A panic while reading is reported as this part's failure, as before.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let conn = Connection::open_with_flags(
                            path,
                            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                                | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                        )?;
                        conn.busy_timeout(BUSY_TIMEOUT)?;
                        read_range(&conn, a, b, *f)
                    }))
                    .unwrap_or_else(|_| Err(failed()))
                }
            }),
            || {
                let (a, b) = bounds(0);
                read_range(&self.conn, a, b, first[0])
            },
        );
        let mut total = total?;
        for part in others {
            total += part?;
        }
        Ok(total)
    }

    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, path, content_hash, rows_read, rows_rejected, inserted, duplicates_skipped, imported_at \
             FROM imports ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ImportRecord {
                id: r.get(0)?,
                path: r.get(1)?,
                content_hash: r.get(2)?,
                rows_read: r.get(3)?,
                rows_rejected: r.get(4)?,
                inserted: r.get(5)?,
                duplicates_skipped: r.get(6)?,
                imported_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn transaction_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))?)
    }

    fn put_chain(&mut self, name: &str, json: &str) -> Result<(), StoreError> {
        self.put_document("chain", name, json)
    }

    fn get_chain(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.get_text("SELECT document FROM chains WHERE name = ?1", name)
    }

    fn list_chains(&self) -> Result<Vec<ChainEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, subject, created_at, updated_at FROM chains ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(ChainEntry {
                name: r.get(0)?,
                subject: r.get(1)?,
                created_at: r.get(2)?,
                updated_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn delete_chain(&mut self, name: &str) -> Result<bool, StoreError> {
        self.delete("chains", name)
    }

    fn put_plan(&mut self, name: &str, json: &str) -> Result<(), StoreError> {
        self.put_document("plan", name, json)
    }

    fn get_plan(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.get_text("SELECT document FROM plans WHERE name = ?1", name)
    }

    fn list_plans(&self) -> Result<Vec<DocumentEntry>, StoreError> {
        self.list_entries("plans")
    }

    fn delete_plan(&mut self, name: &str) -> Result<bool, StoreError> {
        self.delete("plans", name)
    }

    fn put_selection(&mut self, name: &str, expression: &str) -> Result<(), StoreError> {
        self.conn.execute(
            &format!(
                "INSERT INTO saved_selections (name, expression) VALUES (?1, ?2) \
                 ON CONFLICT (name) DO UPDATE SET expression = excluded.expression, updated_at = {NOW}"
            ),
            params![name, expression],
        )?;
        Ok(())
    }

    fn get_selection(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.get_text(
            "SELECT expression FROM saved_selections WHERE name = ?1",
            name,
        )
    }

    fn list_selections(&self) -> Result<Vec<DocumentEntry>, StoreError> {
        self.list_entries("saved_selections")
    }

    fn delete_selection(&mut self, name: &str) -> Result<bool, StoreError> {
        self.delete("saved_selections", name)
    }

    fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT version FROM data_version WHERE id = 1", [], |r| {
                r.get(0)
            })?)
    }

    fn settings(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT document FROM settings WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn put_settings(&mut self, toml: &str) -> Result<(), StoreError> {
        self.conn.execute(
            &format!(
                "INSERT INTO settings (id, document) VALUES (1, ?1) \
                 ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = {NOW}"
            ),
            [toml],
        )?;
        Ok(())
    }

    fn replace_analysis(
        &mut self,
        run: &crate::AnalysisRun,
        customers: &mut dyn Iterator<Item = (crate::CustomerResult, Vec<crate::MonthFigures>)>,
    ) -> Result<u64, StoreError> {
        crate::results::replace(&mut self.conn, run, customers)
    }

    fn analysis_run(&self) -> Result<Option<crate::AnalysisRun>, StoreError> {
        crate::results::run(&self.conn)
    }

    fn analysis_customers(
        &self,
        query: &crate::CustomerQuery,
    ) -> Result<Vec<crate::CustomerResult>, StoreError> {
        crate::results::query(&self.conn, query)
    }

    fn count_analysis_customers(&self, query: &crate::CustomerQuery) -> Result<u64, StoreError> {
        crate::results::count(&self.conn, query, None)
    }

    fn count_analysis_customers_capped(
        &self,
        query: &crate::CustomerQuery,
        cap: u64,
    ) -> Result<u64, StoreError> {
        crate::results::count(&self.conn, query, Some(cap))
    }

    fn index_customer_lines(&mut self) -> Result<bool, StoreError> {
        crate::customer_lines::create_index(&self.conn)
    }

    fn customer_lines(
        &self,
        number: &str,
        limit: u64,
    ) -> Result<Option<crate::CustomerLines>, StoreError> {
        crate::customer_lines::lines(&self.conn, number, limit)
    }

    fn analysis_customers_counted(
        &self,
        query: &crate::CustomerQuery,
        cap: u64,
    ) -> Result<(Vec<crate::CustomerResult>, u64), StoreError> {
        crate::results::page(&self.conn, query, cap)
    }

    fn analysis_customer(
        &self,
        number: &str,
    ) -> Result<Option<(crate::CustomerResult, Vec<crate::MonthFigures>)>, StoreError> {
        crate::results::customer(&self.conn, number)
    }

    fn analysis_customers_with_months(
        &self,
        after: i64,
        limit: u64,
    ) -> Result<Vec<(crate::CustomerResult, Vec<crate::MonthFigures>)>, StoreError> {
        crate::results::customers_with_months(&self.conn, after, limit)
    }
}

/// Streams the transactions with ids in `lo..=hi`, in id order (a sequential scan; see
/// [`Workspace::for_each_transaction`]).
fn read_range(
    conn: &Connection,
    lo: i64,
    hi: i64,
    f: &mut dyn FnMut(Transaction<'_>),
) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, customer, name, date, revenue, cost, quantity, product, document \
         FROM transactions WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let mut rows = stmt.query([lo, hi])?;
    let mut count = 0u64;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let date_text = row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
        let date = parse_iso_date(date_text).ok_or_else(|| StoreError::CorruptRow {
            id,
            message: format!("`{date_text}` is not a date YYYY-MM-DD"),
        })?;
        let text =
            |i| -> Result<Option<&str>, rusqlite::Error> { Ok(row.get_ref(i)?.as_str_or_null()?) };
        f(Transaction {
            customer: row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?,
            name: text(2)?,
            date,
            revenue: row.get(4)?,
            cost: row.get(5)?,
            quantity: row.get(6)?,
            product: text(7)?,
            document: text(8)?,
        });
        count += 1;
    }
    Ok(count)
}

/// Documented rows are sorted in runs of about this many bytes of records (a typical invoice
/// line takes 50–80 bytes, so about a million lines): the memory an import needs does not grow
/// with the file, and a 10 M-line file makes about ten runs to merge.
pub(crate) const RUN_BYTES: usize = 64 << 20;

/// Rows per `INSERT` statement. One statement per row spent about a third of the insert time in
/// stepping and resetting statements rather than in storing rows. Many rows per statement make
/// SQLite keep a statement journal (the schema's `CHECK (length(date) = 10)` calls a function,
/// so the statement might abort half-way): it copies the pages a statement touches first, about
/// the same few pages per statement, so 256 rows journal a quarter of what 64 did (3–5 % faster
/// in a scratch benchmark of 5 M rows). 2,560 parameters, far below SQLite's limit of 32,766.
const ROWS_PER_INSERT: usize = 256;

/// Parameters bound per row.
const PARAMS_PER_ROW: usize = 10;

/// Adds `elapsed` to the phase `name` (phases of several files are summed).
fn phase(phases: &mut Vec<(&'static str, Duration)>, name: &'static str, since: Instant) {
    let elapsed = since.elapsed();
    match phases.iter_mut().find(|(n, _)| *n == name) {
        Some((_, d)) => *d += elapsed,
        None => phases.push((name, elapsed)),
    }
}

/// [`Workspace::import_streamed`] in one transaction.
fn streamed(
    conn: &mut Connection,
    files: Vec<StreamedFile<'_>>,
    run_bytes: usize,
    phases: &mut Vec<(&'static str, Duration)>,
) -> Result<Vec<ImportOutcome>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    crate::customer_lines::drop_index(&tx)?;
    let mut out = Vec::new();
    for file in files {
        out.push(stream_file(&tx, file, run_bytes, phases)?);
    }
    let since = Instant::now();
    tx.commit()?;
    phase(phases, "commit", since);
    Ok(out)
}

/// One file of a streamed import, inside the caller's transaction.
///
/// Rows without a document go straight into `transactions` while the file is read; documented
/// rows are sorted by document and content on the side ([`ExternalSort`]), then numbered and
/// inserted in `(document, position)` order, where `ON CONFLICT DO NOTHING` against the unique
/// index skips the lines already stored. The rows of a reading attempt are stored after a
/// savepoint, so a dropped attempt is undone without a staging copy of every row.
fn stream_file(
    tx: &rusqlite::Transaction<'_>,
    file: StreamedFile<'_>,
    run_bytes: usize,
    phases: &mut Vec<(&'static str, Duration)>,
) -> Result<ImportOutcome, StoreError> {
    let StreamedFile {
        path,
        content_hash,
        read,
    } = file;
    let earlier: Option<i64> = tx
        .query_row(
            "SELECT id FROM imports WHERE content_hash = ?1",
            [&content_hash],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(import_id) = earlier {
        // The same content again: read for the report, store nothing.
        let mut discard = |_: u32, _: StoredTransaction| Ok(());
        if read(&mut discard).is_none() {
            return Err(StoreError::ReadFailed { path });
        }
        return Ok(ImportOutcome::already_imported(import_id));
    }
    // The counts are known once the file is read; the row is completed below.
    tx.execute(
        "INSERT INTO imports (path, content_hash, rows_read, rows_rejected, inserted, duplicates_skipped) \
         VALUES (?1, ?2, 0, 0, 0, 0)",
        params![path, content_hash],
    )?;
    let import_id = tx.last_insert_rowid();
    tx.execute_batch("SAVEPOINT attempt")?;
    let since = Instant::now();
    let mut state = Attempts {
        tx,
        path: &path,
        current: None,
        dropped: Vec::new(),
        pushed: 0,
        kept: 0,
        plain: Inserter::new(tx, import_id, false)?,
        sorted: ExternalSort::new(run_bytes),
        date_buf: String::with_capacity(10),
    };
    // The first failure is kept here; the reader gets a marker error and should stop.
    let mut failure: Option<StoreError> = None;
    let mut push = |attempt: u32, row: StoredTransaction| -> Result<(), StoreError> {
        if failure.is_none() {
            if let Err(e) = state.push(attempt, row) {
                failure = Some(e);
            }
        }
        match failure {
            None => Ok(()),
            Some(_) => Err(StoreError::ReadFailed { path: path.clone() }),
        }
    };
    let read = read(&mut push);
    if let Some(e) = failure {
        return Err(e);
    }
    let Some(read) = read else {
        return Err(StoreError::ReadFailed { path: path.clone() });
    };
    state.finish(&read.attempts)?;
    let mut inserted = state.plain.finish()?;
    let kept = state.kept;
    let spilled = state.sorted.spilled_runs();
    phase(phases, "read, undocumented rows stored", since);
    let since = Instant::now();
    let mut documented = Inserter::new(tx, import_id, true)?;
    let mut document: Vec<u8> = Vec::new();
    let mut rank = 0u32;
    state.sorted.drain(&mut |rec| {
        let prefix = runs::document_prefix(rec)?;
        if prefix == document.as_slice() && !document.is_empty() {
            rank = rank.saturating_add(1);
        } else {
            document.clear();
            document.extend_from_slice(prefix);
            rank = 0;
        }
        documented.push(rec, true, rank)
    })?;
    inserted += documented.finish()?;
    phase(
        phases,
        if spilled > 0 {
            "documented rows merged from runs and stored"
        } else {
            "documented rows sorted and stored"
        },
        since,
    );
    tx.execute_batch("RELEASE attempt")?;
    tx.execute(
        "UPDATE imports SET rows_read = ?1, rows_rejected = ?2, inserted = ?3, duplicates_skipped = ?4 \
         WHERE id = ?5",
        params![read.rows_read, read.rows_rejected, inserted, kept - inserted, import_id],
    )?;
    Ok(ImportOutcome {
        import_id,
        inserted,
        duplicates_skipped: kept - inserted,
        already_imported: false,
    })
}

/// The reading attempts of one file as they arrive. Rows of the attempt being read are stored
/// (undocumented) or sorted (documented) at once; when rows of another attempt arrive, the
/// earlier one was dropped by the reader, and everything since the savepoint is undone.
struct Attempts<'t, 'c> {
    tx: &'t rusqlite::Transaction<'c>,
    path: &'t str,
    current: Option<u32>,
    dropped: Vec<u32>,
    /// Rows pushed, of every attempt (the row number in error messages).
    pushed: u64,
    /// Rows of the current attempt.
    kept: u64,
    plain: Inserter<'t>,
    sorted: ExternalSort,
    date_buf: String,
}

impl Attempts<'_, '_> {
    fn push(&mut self, attempt: u32, row: StoredTransaction) -> Result<(), StoreError> {
        self.pushed += 1;
        if self.current != Some(attempt) {
            if self.dropped.contains(&attempt) {
                return Err(StoreError::AttemptsInterleaved {
                    path: self.path.to_owned(),
                });
            }
            if let Some(earlier) = self.current {
                self.undo()?;
                self.dropped.push(earlier);
            }
            self.current = Some(attempt);
        }
        check_row(&row, self.path, self.pushed, &mut self.date_buf)?;
        self.kept += 1;
        let mut rec = |buf: &mut Vec<u8>| runs::encode(&row, buf);
        if row.document.is_some() {
            self.sorted.push(rec)
        } else {
            self.plain.push_with(&mut rec, false, 0)
        }
    }

    /// Drops what the current attempt stored.
    fn undo(&mut self) -> Result<(), StoreError> {
        // `ROLLBACK TO` keeps the savepoint open for the next attempt.
        self.tx.execute_batch("ROLLBACK TO attempt")?;
        self.plain.clear();
        self.sorted.clear();
        self.kept = 0;
        Ok(())
    }

    /// Keeps the current attempt's rows when the reader names it among `attempts`.
    fn finish(&mut self, attempts: &[u32]) -> Result<(), StoreError> {
        if self.dropped.iter().any(|a| attempts.contains(a)) {
            // Its rows were undone when the next attempt began: storing without them would
            // lose lines silently.
            return Err(StoreError::AttemptsInterleaved {
                path: self.path.to_owned(),
            });
        }
        if let Some(c) = self.current {
            if !attempts.contains(&c) {
                self.undo()?;
            }
        }
        Ok(())
    }
}

/// Rows inserted [`ROWS_PER_INSERT`] per statement, from records ([`runs::encode`]).
struct Inserter<'t> {
    many: rusqlite::Statement<'t>,
    one: rusqlite::Statement<'t>,
    import_id: i64,
    records: Vec<u8>,
    /// Per pending row: where its record ends, whether it is documented, and its rank.
    pending: Vec<(usize, bool, u32)>,
    changed: u64,
    date_buf: String,
}

impl<'t> Inserter<'t> {
    /// `dedup`: skip rows whose (document, position) is stored (`ON CONFLICT DO NOTHING`).
    fn new(conn: &'t Connection, import_id: i64, dedup: bool) -> Result<Self, StoreError> {
        // `OR FAIL`: a failing row leaves the statement's earlier rows in place instead of
        // undoing them, which is fine because a failure rolls back the whole import anyway (it
        // was meant to spare the statement journal, but the CHECK's function call keeps it).
        // `DO NOTHING` still decides a (document, position) conflict.
        let sql = |rows: usize| {
            let one = "(?,?,?,?,?,?,?,?,?,?)";
            format!(
                "INSERT OR FAIL INTO transactions \
                 (import_id, customer, name, date, revenue, cost, quantity, product, document, position) \
                 VALUES {}{}",
                vec![one; rows].join(","),
                if dedup { " ON CONFLICT DO NOTHING" } else { "" }
            )
        };
        Ok(Inserter {
            many: conn.prepare(&sql(ROWS_PER_INSERT))?,
            one: conn.prepare(&sql(1))?,
            import_id,
            records: Vec::with_capacity(ROWS_PER_INSERT * 128),
            pending: Vec::with_capacity(ROWS_PER_INSERT),
            changed: 0,
            date_buf: String::with_capacity(10),
        })
    }

    /// Adds the record `rec`; a documented row without its own position gets `rank`.
    fn push(&mut self, rec: &[u8], documented: bool, rank: u32) -> Result<(), StoreError> {
        self.push_with(&mut |buf| buf.extend_from_slice(rec), documented, rank)
    }

    fn push_with(
        &mut self,
        write: &mut dyn FnMut(&mut Vec<u8>),
        documented: bool,
        rank: u32,
    ) -> Result<(), StoreError> {
        write(&mut self.records);
        self.pending.push((self.records.len(), documented, rank));
        if self.pending.len() == ROWS_PER_INSERT {
            let mut start = 0;
            for (k, &(end, documented, rank)) in self.pending.iter().enumerate() {
                bind(
                    &mut self.many,
                    k * PARAMS_PER_ROW,
                    self.import_id,
                    &self.records[start..end],
                    documented.then_some(rank),
                    &mut self.date_buf,
                )?;
                start = end;
            }
            self.changed += self.many.raw_execute()? as u64;
            self.records.clear();
            self.pending.clear();
        }
        Ok(())
    }

    /// Stores the rows still pending; returns how many rows were inserted in all.
    fn finish(&mut self) -> Result<u64, StoreError> {
        let mut start = 0;
        for &(end, documented, rank) in &self.pending {
            bind(
                &mut self.one,
                0,
                self.import_id,
                &self.records[start..end],
                documented.then_some(rank),
                &mut self.date_buf,
            )?;
            self.changed += self.one.raw_execute()? as u64;
            start = end;
        }
        self.records.clear();
        self.pending.clear();
        Ok(self.changed)
    }

    fn clear(&mut self) {
        self.records.clear();
        self.pending.clear();
        self.changed = 0;
    }
}

/// Binds one row to the parameters after `base`. `rank` is `None` for a row without a document
/// (stored without document and position), else the position unless the row brought its own.
fn bind(
    stmt: &mut rusqlite::Statement<'_>,
    base: usize,
    import_id: i64,
    rec: &[u8],
    rank: Option<u32>,
    date_buf: &mut String,
) -> Result<(), StoreError> {
    let row = runs::decode(rec)?;
    // The date was checked to be in years 0..=9999 before it was encoded.
    date_buf.clear();
    let (y, m, d) = (row.date.year() as u32, row.date.month(), row.date.day());
    for digit in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
        date_buf.push(char::from(b'0' + digit as u8));
    }
    for part in [m, d] {
        date_buf.push('-');
        date_buf.push(char::from(b'0' + (part / 10) as u8));
        date_buf.push(char::from(b'0' + (part % 10) as u8));
    }
    let position = rank.map(|r| i64::from(row.position.unwrap_or(r)));
    stmt.raw_bind_parameter(base + 1, import_id)?;
    stmt.raw_bind_parameter(base + 2, &*row.customer)?;
    stmt.raw_bind_parameter(base + 3, row.name.as_deref())?;
    stmt.raw_bind_parameter(base + 4, date_buf.as_str())?;
    stmt.raw_bind_parameter(base + 5, row.revenue)?;
    stmt.raw_bind_parameter(base + 6, row.cost)?;
    stmt.raw_bind_parameter(base + 7, row.quantity)?;
    stmt.raw_bind_parameter(base + 8, row.product.as_deref())?;
    stmt.raw_bind_parameter(base + 9, rank.map(|_| &*row.document))?;
    stmt.raw_bind_parameter(base + 10, position)?;
    Ok(())
}

/// The checks every stored row passes; returns its date as `YYYY-MM-DD`.
fn check_row<'b>(
    row: &StoredTransaction,
    path: &str,
    index: u64,
    date_buf: &'b mut String,
) -> Result<&'b str, StoreError> {
    let invalid = |reason| StoreError::InvalidRow {
        path: path.to_owned(),
        row: index,
        reason,
    };
    if !(row.revenue.is_finite() && finite(row.cost) && finite(row.quantity)) {
        return Err(invalid(InvalidRowReason::NotFinite));
    }
    if row.customer.is_empty() {
        return Err(invalid(InvalidRowReason::EmptyCustomer));
    }
    iso_date(row.date, date_buf).ok_or_else(|| invalid(InvalidRowReason::DateOutOfRange))
}

/// Stores one file's rows (see [`Workspace::import_file`]) from an iterator.
fn import_rows(
    tx: &rusqlite::Transaction<'_>,
    meta: &ImportMeta,
    rows: &mut dyn Iterator<Item = StoredTransaction>,
) -> Result<ImportOutcome, StoreError> {
    import_in(tx, meta, &mut |tx, import_id| {
        // `DO NOTHING` without a target covers the partial unique index on
        // (document, position): a line already stored is skipped, and `execute` reports 0.
        let mut insert = tx.prepare(
            "INSERT INTO transactions \
             (import_id, customer, name, date, revenue, cost, quantity, product, document, position) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
        )?;
        let mut date_buf = String::with_capacity(10);
        let (mut inserted, mut duplicates_skipped) = (0u64, 0u64);
        for (i, row) in rows.enumerate() {
            let date = check_row(&row, &meta.path, i as u64 + 1, &mut date_buf)?;
            let n = insert.execute(params![
                import_id,
                row.customer,
                row.name,
                date,
                row.revenue,
                row.cost,
                row.quantity,
                row.product,
                row.document,
                row.position,
            ])?;
            if n == 1 {
                inserted += 1;
            } else {
                duplicates_skipped += 1;
            }
        }
        Ok((inserted, duplicates_skipped))
    })
}

/// Rows stored by `fill(tx, import_id)`, which returns (inserted, skipped as duplicates).
type Fill<'f> = dyn FnMut(&rusqlite::Transaction<'_>, i64) -> Result<(u64, u64), StoreError> + 'f;

/// One file's import inside the caller's transaction: the earlier-content check, the import
/// record, and `fill` storing the rows.
fn import_in(
    tx: &rusqlite::Transaction<'_>,
    meta: &ImportMeta,
    fill: &mut Fill<'_>,
) -> Result<ImportOutcome, StoreError> {
    let earlier: Option<i64> = tx
        .query_row(
            "SELECT id FROM imports WHERE content_hash = ?1",
            [&meta.content_hash],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(import_id) = earlier {
        return Ok(ImportOutcome::already_imported(import_id));
    }
    tx.execute(
        "INSERT INTO imports (path, content_hash, rows_read, rows_rejected, inserted, duplicates_skipped) \
         VALUES (?1, ?2, ?3, ?4, 0, 0)",
        params![meta.path, meta.content_hash, meta.rows_read, meta.rows_rejected],
    )?;
    let import_id = tx.last_insert_rowid();
    let (inserted, duplicates_skipped) = fill(tx, import_id)?;
    tx.execute(
        "UPDATE imports SET inserted = ?1, duplicates_skipped = ?2 WHERE id = ?3",
        params![inserted, duplicates_skipped, import_id],
    )?;
    Ok(ImportOutcome {
        import_id,
        inserted,
        duplicates_skipped,
        already_imported: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_round_trip_and_reject_garbage() {
        let mut buf = String::new();
        for (y, m, d) in [(2024, 2, 29), (1, 1, 1), (9999, 12, 31), (1970, 10, 5)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("valid test date");
            let text = iso_date(date, &mut buf).expect("in range").to_owned();
            assert_eq!(text, date.format("%Y-%m-%d").to_string());
            assert_eq!(parse_iso_date(&text), Some(date));
        }
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1).expect("chrono allows year 10000");
        assert_eq!(iso_date(far, &mut buf), None);
        for bad in ["2024-02-30", "2024-2-01", "abcd-ef-gh", "", "2024-02-011"] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }
}
