//! The workspace store: SQLite (WAL, foreign keys, embedded migrations) holding imported
//! transactions, chains, focus plans, saved selections, the latest analysis and the web
//! workbench's users, sessions, tokens, audit log and saved views.
//!
//! [`Workspace`] names the operations the CLI needs; [`Store`] implements them on one SQLite
//! file. Keeping the CLI on the trait leaves room for a server-backed store later.
//! [`StoredTransaction`] is the owned row an import writes; reading streams borrowed
//! [`kundenwert_core::Transaction`]s in the order they were stored. Chains and plans are stored as
//! JSON documents whose validation belongs to `kundenwert-chain`. The workspace also keeps its
//! settings (TOML) and the result of its latest analysis ([`AnalysisRun`], [`CustomerResult`]),
//! as plain records: what they mean belongs to the analysis.
//!
//! - **Imports** are all-or-nothing, one SQLite transaction per import, deduplicated by the
//!   file's content hash and by (document, position). [`Workspace::import_streamed`] stores rows
//!   while the file is read: lines without a document at once, documented lines sorted by
//!   document and content in bounded runs spilled to temporary files, then merged, numbered and
//!   inserted in (document, position) order, so memory does not grow with the rows; a dropped
//!   reading attempt is undone by a savepoint.
//! - **Reading** streams the rows in stored order as a sequential scan;
//!   [`Workspace::for_each_transaction_in_parts`] gives one rowid range per core, each on its
//!   own connection.
//! - **The latest analysis** (`results.rs`) is replaced in one transaction, one row per customer
//!   with its months packed; [`CustomerQuery`] filters (the selection language's meaning, `NOT`
//!   over missing figures included), searches, sorts and pages by key, in SQL that uses the
//!   indexes. A data version moved by triggers says when stored rows changed.
//! - **Accounts** (`accounts.rs`, the [`Accounts`] trait, separate from [`Workspace`]) keep what
//!   the web workbench needs beyond the data: users with a [`Role`] and a password hash,
//!   sessions and API tokens under the SHA-256 of their secret (expiry by the caller's clock),
//!   the audit log and saved customer-list views.
//!
//! The schema is described in `SCHEMA.md`; migrations live in `migrations/`, are embedded, pinned
//! by hash and never edited once landed.
#![deny(missing_docs)]

mod accounts;
mod customer_lines;
mod error;
mod migrations;
mod results;
mod runs;
mod sqlite;

pub use accounts::{Accounts, ApiTokenInfo, AuditEntry, Role, SavedView, User};
pub use customer_lines::CustomerLines;
pub use error::{InvalidRowReason, StoreError};
pub use migrations::{MIGRATIONS, SCHEMA_VERSION};
pub use results::{
    pack_months, unpack_months, AnalysisRun, Column, Comparison, Cursor, CustomerQuery,
    CustomerResult, Filter, FilterValue, MonthFigures,
};
pub use sqlite::Store;

use chrono::NaiveDate;
use kundenwert_core::Transaction;

/// One accepted line of an export, owned, as an import writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTransaction {
    /// Customer number as written in the export.
    pub customer: String,
    /// Customer name, when the export has one.
    pub name: Option<String>,
    /// Invoice or order date.
    pub date: NaiveDate,
    /// Net revenue; negative for credit notes and returns.
    pub revenue: f64,
    /// Cost of goods, when known.
    pub cost: Option<f64>,
    /// Quantity, when known.
    pub quantity: Option<f64>,
    /// Product or article number, when known.
    pub product: Option<String>,
    /// Document (invoice or order) number, when known.
    pub document: Option<String>,
    /// Which line of this document this is (0-based): its rank among the document's lines in
    /// the order of date, product, customer, revenue, cost and quantity (the amounts by their
    /// bit patterns as unsigned integers). Reading threads deliver rows out of file order, so
    /// the rank by content is what a later, overlapping export reproduces; together with
    /// `document` it recognises the same line there.
    pub position: Option<u32>,
}

impl StoredTransaction {
    /// Copies a borrowed transaction; `position` is the line's index within its document.
    pub fn from_transaction(t: &Transaction<'_>, position: Option<u32>) -> Self {
        StoredTransaction {
            customer: t.customer.to_owned(),
            name: t.name.map(str::to_owned),
            date: t.date,
            revenue: t.revenue,
            cost: t.cost,
            quantity: t.quantity,
            product: t.product.map(str::to_owned),
            document: t.document.map(str::to_owned),
            position,
        }
    }
}

/// What the importer knows about a file before its rows are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportMeta {
    /// The file as the user named it.
    pub path: String,
    /// A hash of the file's bytes (any stable hex digest); the same hash twice means the same file.
    pub content_hash: String,
    /// Rows read from the file (accepted + rejected; blank lines not counted).
    pub rows_read: u64,
    /// Rows the importer rejected.
    pub rows_rejected: u64,
}

/// The result of [`Workspace::import_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The import's id (of the earlier import when `already_imported`).
    pub import_id: i64,
    /// Rows newly stored.
    pub inserted: u64,
    /// Rows skipped because their document and position were already stored.
    pub duplicates_skipped: u64,
    /// The same file content was imported before; nothing was added.
    pub already_imported: bool,
}

impl ImportOutcome {
    /// The outcome of a file whose content the earlier import `import_id` already stored.
    pub fn already_imported(import_id: i64) -> Self {
        ImportOutcome {
            import_id,
            inserted: 0,
            duplicates_skipped: 0,
            already_imported: true,
        }
    }
}

/// How one reading of a file ended, for [`Workspace::import_streamed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOutcome {
    /// Rows read from the file (accepted + rejected; blank lines not counted).
    pub rows_read: u64,
    /// Rows the importer rejected.
    pub rows_rejected: u64,
    /// The reading attempts whose rows stand. A reader may read a file again (formats decided
    /// anew, another decoder) and drop what an earlier attempt delivered; rows of attempts not
    /// named here are not stored.
    pub attempts: Vec<u32>,
}

/// Where a reader hands each accepted row, with the number of the reading attempt it came from
/// (see [`ReadOutcome::attempts`]). An error stops the import; the reader should stop too.
///
/// Attempts come one after another: the first row of another attempt ends the one before, whose
/// rows are then undone (the reader read the file again). A reader that pushes a row of an
/// attempt it had left, or names such an attempt as final, fails the import
/// ([`StoreError::AttemptsInterleaved`]) rather than losing its rows.
pub type RowPush<'p> = dyn FnMut(u32, StoredTransaction) -> Result<(), StoreError> + 'p;

/// Reads one file into a [`RowPush`]; `None` when the reading failed (the caller keeps the
/// reason), which rolls the whole import back.
pub type FileReader<'a> = Box<dyn FnOnce(&mut RowPush<'_>) -> Option<ReadOutcome> + 'a>;

/// One file for [`Workspace::import_streamed`]: its rows are read while they are stored.
pub struct StreamedFile<'a> {
    /// The file as the user named it.
    pub path: String,
    /// A hash of the file's bytes (see [`ImportMeta::content_hash`]).
    pub content_hash: String,
    /// Reads the file.
    pub read: FileReader<'a>,
}

impl std::fmt::Debug for StreamedFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamedFile")
            .field("path", &self.path)
            .field("content_hash", &self.content_hash)
            .finish_non_exhaustive()
    }
}

/// One recorded import, as [`Workspace::imports`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    /// Id.
    pub id: i64,
    /// The file as the user named it.
    pub path: String,
    /// Hash of its bytes.
    pub content_hash: String,
    /// Rows read from the file.
    pub rows_read: u64,
    /// Rows the importer rejected.
    pub rows_rejected: u64,
    /// Rows stored.
    pub inserted: u64,
    /// Rows skipped as already stored.
    pub duplicates_skipped: u64,
    /// When, as UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub imported_at: String,
}

/// A stored chain, without its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEntry {
    /// Name (unique).
    pub name: String,
    /// The chain's `subject` (`product`, `service`, `customer_group`), when the document has one.
    pub subject: Option<String>,
    /// First stored, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
    /// Last replaced, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub updated_at: String,
}

/// A stored plan or saved selection, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentEntry {
    /// Name (unique).
    pub name: String,
    /// First stored, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
    /// Last replaced, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub updated_at: String,
}

/// The operations the CLI performs on a workspace.
///
/// Dyn-compatible, so a command can hold a `Box<dyn Workspace>` whichever backend it is.
pub trait Workspace {
    /// Stores the rows of one file in a single transaction.
    ///
    /// A file whose `content_hash` was imported before adds nothing (`already_imported`). Rows
    /// whose document and position are already stored are skipped and counted, so re-exports of
    /// overlapping periods do not double revenue.
    ///
    /// # Errors
    /// On a row that cannot be stored (e.g. a non-finite amount) or a database failure; the
    /// workspace is then unchanged.
    fn import_file(
        &mut self,
        meta: &ImportMeta,
        rows: &mut dyn Iterator<Item = StoredTransaction>,
    ) -> Result<ImportOutcome, StoreError>;

    /// Stores files whose rows are read while they are stored, in one transaction: either all
    /// of them or, on any error or failed reading, none. Memory does not grow with the rows:
    /// lines without a document are stored as they arrive; documented lines are sorted by
    /// document and content in runs of bounded size (spilled to temporary files and merged),
    /// numbered (their rank in the order of date, product, customer and the amounts' bit
    /// patterns, as [`StoredTransaction::position`] documents), and stored in (document,
    /// position) order, deduplicated as [`Workspace::import_file`] does. Rows pushed with a
    /// position keep it. The rows of a reading attempt are stored after a savepoint, so an
    /// attempt the reader drops (see [`RowPush`]) is undone.
    ///
    /// # Errors
    /// As [`Workspace::import_file`], and [`StoreError::ReadFailed`] when a reader returned
    /// `None`; the workspace is then unchanged.
    fn import_streamed(
        &mut self,
        files: Vec<StreamedFile<'_>>,
    ) -> Result<Vec<ImportOutcome>, StoreError>;

    /// Stores several files in one transaction: either all of them or, on any error, none
    /// (each as [`Workspace::import_file`] would).
    ///
    /// # Errors
    /// As [`Workspace::import_file`]; the workspace is then unchanged.
    fn import_files(
        &mut self,
        files: &mut dyn Iterator<Item = (ImportMeta, Vec<StoredTransaction>)>,
    ) -> Result<Vec<ImportOutcome>, StoreError>;

    /// Calls `f` for every stored transaction in the order they were stored (import by import,
    /// each in the order its rows were written), without loading them all into memory. Returns
    /// how many were visited.
    ///
    /// Why this order: it is the table's own, a sequential scan. (customer, date) order went
    /// through the index and fetched every row from wherever it lay: on 10 M rows `analyze`
    /// from the workspace took 2.7× as long as from the file. The series builder needs no order.
    ///
    /// # Errors
    /// On a database failure or a row this version cannot read.
    fn for_each_transaction(&self, f: &mut dyn FnMut(Transaction<'_>)) -> Result<u64, StoreError>;

    /// [`Workspace::for_each_transaction`] split into one range of the stored order per
    /// element of `parts`, read at the same time (each on its own connection), each range's
    /// rows to its own function. Every stored transaction reaches exactly one part. Returns how
    /// many were visited.
    ///
    /// # Errors
    /// As [`Workspace::for_each_transaction`].
    fn for_each_transaction_in_parts(
        &self,
        parts: &mut [&mut (dyn FnMut(Transaction<'_>) + Send)],
    ) -> Result<u64, StoreError>;

    /// All imports, oldest first.
    ///
    /// # Errors
    /// On a database failure.
    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError>;

    /// Number of stored transactions.
    ///
    /// # Errors
    /// On a database failure.
    fn transaction_count(&self) -> Result<u64, StoreError>;

    /// Stores or replaces the chain `name` (a JSON document).
    ///
    /// # Errors
    /// When `json` is not JSON, or on a database failure.
    fn put_chain(&mut self, name: &str, json: &str) -> Result<(), StoreError>;

    /// The chain `name`, when stored.
    ///
    /// # Errors
    /// On a database failure.
    fn get_chain(&self, name: &str) -> Result<Option<String>, StoreError>;

    /// All chains by name.
    ///
    /// # Errors
    /// On a database failure.
    fn list_chains(&self) -> Result<Vec<ChainEntry>, StoreError>;

    /// Deletes the chain `name`; `false` when there was none.
    ///
    /// # Errors
    /// On a database failure.
    fn delete_chain(&mut self, name: &str) -> Result<bool, StoreError>;

    /// Stores or replaces the plan `name` (a JSON document).
    ///
    /// # Errors
    /// When `json` is not JSON, or on a database failure.
    fn put_plan(&mut self, name: &str, json: &str) -> Result<(), StoreError>;

    /// The plan `name`, when stored.
    ///
    /// # Errors
    /// On a database failure.
    fn get_plan(&self, name: &str) -> Result<Option<String>, StoreError>;

    /// All plans by name.
    ///
    /// # Errors
    /// On a database failure.
    fn list_plans(&self) -> Result<Vec<DocumentEntry>, StoreError>;

    /// Deletes the plan `name`; `false` when there was none.
    ///
    /// # Errors
    /// On a database failure.
    fn delete_plan(&mut self, name: &str) -> Result<bool, StoreError>;

    /// Stores or replaces the selection `name` (an expression such as `type=growth`).
    ///
    /// # Errors
    /// On a database failure.
    fn put_selection(&mut self, name: &str, expression: &str) -> Result<(), StoreError>;

    /// The selection `name`, when stored.
    ///
    /// # Errors
    /// On a database failure.
    fn get_selection(&self, name: &str) -> Result<Option<String>, StoreError>;

    /// All saved selections by name.
    ///
    /// # Errors
    /// On a database failure.
    fn list_selections(&self) -> Result<Vec<DocumentEntry>, StoreError>;

    /// Deletes the selection `name`; `false` when there was none.
    ///
    /// # Errors
    /// On a database failure.
    fn delete_selection(&mut self, name: &str) -> Result<bool, StoreError>;

    /// A number that moves whenever the stored transactions change (an import stored rows, or
    /// an import was removed): a stored analysis made at another version is out of date.
    ///
    /// # Errors
    /// On a database failure.
    fn data_version(&self) -> Result<i64, StoreError>;

    /// The workspace's settings (TOML), when any were stored.
    ///
    /// # Errors
    /// On a database failure.
    fn settings(&self) -> Result<Option<String>, StoreError>;

    /// Stores the workspace's settings (TOML; the caller validates them).
    ///
    /// # Errors
    /// On a database failure.
    fn put_settings(&mut self, toml: &str) -> Result<(), StoreError>;

    /// Replaces the stored analysis by `run` and `customers` (each with its months) in one
    /// transaction; returns how many customers were stored. `run.customers` and
    /// `run.computed_at` are set by the store.
    ///
    /// # Errors
    /// On a database failure (e.g. a customer number twice); the stored analysis is then
    /// unchanged.
    fn replace_analysis(
        &mut self,
        run: &AnalysisRun,
        customers: &mut dyn Iterator<Item = (CustomerResult, Vec<MonthFigures>)>,
    ) -> Result<u64, StoreError>;

    /// The stored analysis, without its customers; `None` before the first.
    ///
    /// # Errors
    /// On a database failure or an unreadable row.
    fn analysis_run(&self) -> Result<Option<AnalysisRun>, StoreError>;

    /// The stored customers a query asks for, in its order.
    ///
    /// # Errors
    /// On a database failure or an unreadable row.
    fn analysis_customers(&self, query: &CustomerQuery) -> Result<Vec<CustomerResult>, StoreError>;

    /// How many stored customers match a query's filter and search (its paging aside).
    ///
    /// # Errors
    /// On a database failure.
    fn count_analysis_customers(&self, query: &CustomerQuery) -> Result<u64, StoreError>;

    /// Like [`Workspace::count_analysis_customers`], but counting stops at `cap`: the exact
    /// count when it is below `cap`, else `cap`. A list page passes one more than it shows
    /// ("> 10.000" when the answer is 10,001), so a count over a million matches costs no more
    /// than reading `cap` of them.
    ///
    /// # Errors
    /// On a database failure.
    fn count_analysis_customers_capped(
        &self,
        query: &CustomerQuery,
        cap: u64,
    ) -> Result<u64, StoreError>;

    /// Builds the index one customer's invoice lines are read through, when it is missing
    /// (every import drops it: see `SCHEMA.md`); whether it had to. A sort of the whole
    /// transactions table: seconds at 10 M lines, so a reader builds it once after an import,
    /// not per request.
    ///
    /// # Errors
    /// On a database failure.
    fn index_customer_lines(&mut self) -> Result<bool, StoreError>;

    /// The newest `limit` invoice lines of customer `number` (as exported) and how many it
    /// has; `None` while the index of [`Workspace::index_customer_lines`] is missing.
    ///
    /// # Errors
    /// On a database failure or an unreadable row.
    fn customer_lines(&self, number: &str, limit: u64)
        -> Result<Option<CustomerLines>, StoreError>;

    /// A list page: the stored customers a query asks for, in its order, and how many match
    /// its filter and search (its paging aside) counted up to `cap`, as
    /// [`Workspace::count_analysis_customers_capped`] counts. What
    /// [`Workspace::analysis_customers`] and that count answer, in one call that looks a search
    /// up once for both.
    ///
    /// # Errors
    /// On a database failure or an unreadable row.
    fn analysis_customers_counted(
        &self,
        query: &CustomerQuery,
        cap: u64,
    ) -> Result<(Vec<CustomerResult>, u64), StoreError>;

    /// One stored customer by number, with its months; `None` when the analysis has no such
    /// customer.
    ///
    /// # Errors
    /// On a database failure or an unreadable row.
    fn analysis_customer(
        &self,
        number: &str,
    ) -> Result<Option<(CustomerResult, Vec<MonthFigures>)>, StoreError>;

    /// Up to `limit` stored customers with their months, in id (customer-number) order, after
    /// the customer with id `after` (0: from the first): a page of a keyset walk over every
    /// customer, so a million customers are never held at once.
    ///
    /// # Errors
    /// On a database failure or an unreadable row.
    fn analysis_customers_with_months(
        &self,
        after: i64,
        limit: u64,
    ) -> Result<Vec<(CustomerResult, Vec<MonthFigures>)>, StoreError>;
}
