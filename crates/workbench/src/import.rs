//! Exports into the workspace, the one way the CLI (`kundenwert import`) and the web workbench
//! (upload, preview, confirm) both use: the reading options as the user gives them
//! ([`ImportSpec`]: `--column`, `--delimiter`, `--decimal`, `--date-format`, `--encoding`, or
//! the preview's form fields), a [`preview`] that reads a file without storing it, and
//! [`store_files`], which stores files in one SQLite transaction while they are read.
//!
//! All files of a [`store_files`] call are stored in one transaction: lines without a document
//! go in at once, documented ones are sorted on disk in bounded runs and numbered (memory does
//! not grow with the file), and a file that cannot be read — or of which not a single row is
//! usable — rolls the whole import back. A file whose content was imported before adds nothing,
//! and lines of a document already stored (overlapping re-exports) are skipped and counted.

use std::cell::RefCell;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::SyncSender;

use kundenwert_core::{par, Lang, Role, Transaction};
use kundenwert_ingest::{
    import, DecimalStyle, Dialect, ImportError, ImportOptions, ImportReport, Pass, RowSink,
};
use kundenwert_store::{
    ImportOutcome, ReadOutcome, RowPush, StoreError, StoredTransaction, StreamedFile, Workspace,
};
use sha2::{Digest, Sha256};

/// The reading options as a user states them, each optional (detected otherwise): the CLI's
/// flags and the web preview's corrections.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSpec {
    /// `ROLE=HEADER` overrides (`#N` names the N-th column).
    pub columns: Vec<String>,
    /// `;` `,` `\t` (or `tab`) `|`, or `whitespace`.
    pub delimiter: Option<String>,
    /// Decimal separator of all amounts.
    pub decimal: Option<DecimalStyle>,
    /// Date pattern in strftime form, e.g. `%d.%m.%Y`.
    pub date_format: Option<String>,
    /// Character encoding label, e.g. `windows-1252`.
    pub encoding: Option<String>,
}

/// Why an [`ImportSpec`] cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// A column override is not of the form `ROLE=HEADER`.
    #[error("`--column {0}` needs the form ROLE=HEADER")]
    ColumnForm(String),
    /// A column override names no role.
    #[error("unknown role `{0}`")]
    UnknownRole(String),
    /// The delimiter is not a single character.
    #[error("`--delimiter {0}` is not a single character")]
    Delimiter(String),
}

impl SpecError {
    /// The message in the user's language and a `hint:` line.
    pub fn localized(&self, lang: Lang) -> (String, Option<String>) {
        use kundenwert_text as text;
        match self {
            SpecError::ColumnForm(spec) => (
                text::input_column_form(lang, spec),
                Some(text::input_column_form_hint(lang).to_owned()),
            ),
            SpecError::UnknownRole(role) => {
                let names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
                (text::input_unknown_role(lang, role, names.join(", ")), None)
            }
            SpecError::Delimiter(d) => (
                text::input_delimiter_not_single(lang, d),
                Some(text::input_delimiter_hint(lang).to_owned()),
            ),
        }
    }
}

/// A delimiter as the user names it: `;`, `tab` (or `\t`), `whitespace`, any single character.
///
/// # Errors
/// [`SpecError::Delimiter`] for more than one character.
pub fn parse_delimiter(given: &str) -> Result<Dialect, SpecError> {
    match given {
        "whitespace" | "space" | " " => Ok(Dialect::Whitespace),
        "\\t" | "tab" | "\t" => Ok(Dialect::Delimited(b'\t')),
        d if d.len() == 1 => Ok(Dialect::Delimited(d.as_bytes()[0])),
        d => Err(SpecError::Delimiter(d.to_owned())),
    }
}

impl ImportSpec {
    /// The ingest options (all reading threads).
    ///
    /// # Errors
    /// On a column override that is not `ROLE=HEADER` with a known role, or a delimiter of
    /// more than one character.
    pub fn options(&self) -> Result<ImportOptions, SpecError> {
        let mut columns = Vec::new();
        for spec in &self.columns {
            let Some((role, header)) = spec.split_once('=') else {
                return Err(SpecError::ColumnForm(spec.clone()));
            };
            let role: Role = role
                .parse()
                .map_err(|e: kundenwert_core::UnknownRole| SpecError::UnknownRole(e.0))?;
            columns.push((role, header.to_string()));
        }
        Ok(ImportOptions {
            columns,
            dialect: self.delimiter.as_deref().map(parse_delimiter).transpose()?,
            decimal: self.decimal,
            date_format: self.date_format.clone(),
            encoding: self.encoding.clone(),
            threads: 0,
        })
    }
}

/// Why files could not be stored; the workspace is then unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreImportError {
    /// A file cannot be read (or is of another kind than an export).
    #[error(transparent)]
    Read(#[from] ImportError),
    /// Not a single row of a file is usable; its report says why.
    #[error("`{file}`: not a single row is usable")]
    NoUsableRow {
        /// The file as named.
        file: String,
        /// How it was read (the rejected rows).
        report: Box<ImportReport>,
    },
    /// The reading thread failed.
    #[error("the reading thread failed")]
    Reader,
    /// The workspace failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StoreImportError {
    /// The message in the user's language and a `hint:` line.
    pub fn localized(&self, lang: Lang) -> (String, Option<String>) {
        use kundenwert_text as text;
        match self {
            StoreImportError::Read(e) => e.localized(lang),
            StoreImportError::NoUsableRow { file, .. } => (
                format!("`{file}`: {}", text::input_no_usable_row(lang)),
                Some(text::input_no_usable_row_hint(lang).to_owned()),
            ),
            other => (other.to_string(), None),
        }
    }
}

/// One file to store: where it is, and the name the workspace records (what the user named or
/// uploaded).
#[derive(Debug, Clone)]
pub struct FileToStore {
    /// Where the bytes are.
    pub path: PathBuf,
    /// The name recorded in the workspace and shown.
    pub name: String,
}

/// How one stored file went.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// The name recorded.
    pub name: String,
    /// How it was read: counts, formats, every rejected row.
    pub report: ImportReport,
    /// What the workspace did with its rows.
    pub outcome: ImportOutcome,
}

/// SHA-256 of a file's bytes, in hex: how the workspace knows a file it stored before.
///
/// # Errors
/// When the file cannot be read.
pub fn content_hash(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

/// Rows a reading thread collects before it hands them on: large enough that the channel is
/// no bottleneck, small enough that the batches in flight stay a few MB.
const BATCH: usize = 4_096;

/// A batch of accepted rows and the reading attempt they came from.
type Batch = (u32, Vec<StoredTransaction>);

/// The sink of one reading thread: sends its rows in batches to the thread that stores them.
struct StreamSink {
    attempt: u32,
    rows: Vec<StoredTransaction>,
    to_store: SyncSender<Batch>,
}

impl StreamSink {
    fn flush(&mut self) {
        if !self.rows.is_empty() {
            let rows = std::mem::replace(&mut self.rows, Vec::with_capacity(BATCH));
            // A closed channel means the import already failed: the rows have nowhere to go.
            let _ = self.to_store.send((self.attempt, rows));
        }
    }
}

impl RowSink for StreamSink {
    fn push(&mut self, tx: &Transaction<'_>) {
        self.rows
            .push(StoredTransaction::from_transaction(tx, None));
        if self.rows.len() >= BATCH {
            self.flush();
        }
    }
}

impl Drop for StreamSink {
    fn drop(&mut self) {
        self.flush();
    }
}

/// One reading attempt of a file. The reader may drop an attempt and read the file again
/// (formats decided anew, another decoder); its rows are then already on their way, so each
/// batch names its attempt and only the attempts of the pass the reader returns are stored.
struct StreamPass {
    attempts: Vec<u32>,
    to_store: SyncSender<Batch>,
}

impl Pass for StreamPass {
    type Sink = StreamSink;

    fn sink(&self) -> StreamSink {
        StreamSink {
            attempt: self.attempts[0],
            rows: Vec::with_capacity(BATCH),
            to_store: self.to_store.clone(),
        }
    }

    fn close(&mut self, sinks: Vec<StreamSink>) {
        // Dropping flushes each sink's last batch.
        drop(sinks);
    }

    fn absorb(&mut self, other: Self) {
        self.attempts.extend(other.attempts.iter().copied());
    }
}

/// Reads `file` on its own thread and hands its rows to `push` on this one (where the
/// workspace's connection lives). Returns how the reading ended, or `None` with the reason in
/// `failure`.
fn read_streamed(
    file: &Path,
    options: &ImportOptions,
    progress: &(dyn Fn(u64) + Sync),
    push: &mut RowPush<'_>,
    failure: &RefCell<Option<StoreImportError>>,
    reports: &RefCell<Vec<ImportReport>>,
) -> Option<ReadOutcome> {
    let (to_store, batches) = std::sync::mpsc::sync_channel::<Batch>(8);
    // A pipeline, not a map: the reading runs on a worker and the storing here, where the
    // workspace's connection lives; the channel bounds the rows in between.
    let ((), mut reading) = par::with_workers(
        [move || {
            // A panic while reading is reported as the file's failure.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let next = AtomicU32::new(0);
                let new_pass = || StreamPass {
                    attempts: vec![next.fetch_add(1, Ordering::Relaxed)],
                    to_store: to_store.clone(),
                };
                import(&[file.to_path_buf()], options, &new_pass, progress)
                    .map(|(pass, report)| (pass.attempts.clone(), report))
            }))
            // Every sender is dropped here, which ends the loop below.
        }],
        move || {
            let mut stopped = false;
            for (attempt, rows) in batches.iter() {
                // After a failure keep draining, so the reader never blocks on a full channel.
                if stopped {
                    continue;
                }
                for row in rows {
                    if push(attempt, row).is_err() {
                        stopped = true;
                        break;
                    }
                }
            }
        },
    );
    match reading.pop() {
        Some(Ok(Ok((_, report)))) if report.rows_accepted == 0 => {
            *failure.borrow_mut() = Some(StoreImportError::NoUsableRow {
                file: file.display().to_string(),
                report: Box::new(report),
            });
            None
        }
        Some(Ok(Ok((attempts, report)))) => {
            let outcome = ReadOutcome {
                rows_read: report.rows_read,
                rows_rejected: report.rows_rejected,
                attempts,
            };
            reports.borrow_mut().push(report);
            Some(outcome)
        }
        Some(Ok(Err(e))) => {
            *failure.borrow_mut() = Some(StoreImportError::Read(e));
            None
        }
        // A panic, caught above; there is always the one reader.
        Some(Err(_)) | None => {
            *failure.borrow_mut() = Some(StoreImportError::Reader);
            None
        }
    }
}

/// Stores `files` in the workspace, all or none, as `kundenwert import` does: the files'
/// kinds are checked first (a PDF or an image stops before the workspace is touched), then
/// every file is read with `options` while its rows are stored, in one transaction.
/// `progress` is told the raw bytes read.
///
/// # Errors
/// When a file cannot be read, is not an export, has not a single usable row, or the workspace
/// fails; nothing is stored then.
pub fn store_files<W: Workspace>(
    store: &mut W,
    files: &[FileToStore],
    options: &ImportOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<StoredFile>, StoreImportError> {
    let mut hashes = Vec::new();
    for file in files {
        let shown = file.path.display().to_string();
        let hash = content_hash(&file.path).map_err(|source| ImportError::Io {
            path: shown.clone(),
            source,
        })?;
        hashes.push(hash);
        kundenwert_ingest::check_kind(&file.path)?;
    }
    let failure = RefCell::new(None);
    let reports = RefCell::new(Vec::new());
    let streamed: Vec<StreamedFile<'_>> = files
        .iter()
        .zip(hashes)
        .map(|(file, content_hash)| {
            let (failure, reports) = (&failure, &reports);
            StreamedFile {
                path: file.name.clone(),
                content_hash,
                read: Box::new(move |push: &mut RowPush<'_>| {
                    read_streamed(&file.path, options, progress, push, failure, reports)
                }),
            }
        })
        .collect();
    // All files in one SQLite transaction, their rows stored while they are read: a failure
    // on any of them stores none.
    let stored = store.import_streamed(streamed);
    if let Some(e) = failure.into_inner() {
        return Err(e);
    }
    let outcomes = stored?;
    Ok(files
        .iter()
        .zip(reports.into_inner())
        .zip(outcomes)
        .map(|((file, report), outcome)| StoredFile {
            name: file.name.clone(),
            report,
            outcome,
        })
        .collect())
}

/// A file read without storing it: how it was read and its first rows as read.
#[derive(Debug, Clone)]
pub struct Preview {
    /// Counts, formats, every rejected row (of the one file).
    pub report: ImportReport,
    /// The first accepted rows, in the file's order, as they would be stored.
    pub rows: Vec<StoredTransaction>,
}

/// Keeps the first `limit` rows of one reading thread.
struct FirstRows {
    limit: usize,
    rows: Vec<StoredTransaction>,
}

impl RowSink for FirstRows {
    fn push(&mut self, tx: &Transaction<'_>) {
        if self.rows.len() < self.limit {
            self.rows
                .push(StoredTransaction::from_transaction(tx, None));
        }
    }
}

impl Pass for FirstRows {
    type Sink = FirstRows;

    fn sink(&self) -> FirstRows {
        FirstRows {
            limit: self.limit,
            rows: Vec::new(),
        }
    }

    fn close(&mut self, sinks: Vec<FirstRows>) {
        for s in sinks {
            let room = self.limit.saturating_sub(self.rows.len());
            self.rows.extend(s.rows.into_iter().take(room));
        }
    }

    fn absorb(&mut self, other: Self) {
        let room = self.limit.saturating_sub(self.rows.len());
        self.rows.extend(other.rows.into_iter().take(room));
    }
}

/// Reads `path` with `options` as [`store_files`] would, storing nothing: the report and the
/// first `rows` accepted rows. It reads on one thread, so the rows are the file's first.
///
/// # Errors
/// As [`kundenwert_ingest::import`]: a file that cannot be read or is not an export.
pub fn preview(path: &Path, options: &ImportOptions, rows: usize) -> Result<Preview, ImportError> {
    let options = ImportOptions {
        threads: 1,
        ..options.clone()
    };
    let new_pass = || FirstRows {
        limit: rows,
        rows: Vec::new(),
    };
    let (pass, report) = import(&[path.to_path_buf()], &options, &new_pass, &|_| {})?;
    Ok(Preview {
        report,
        rows: pass.rows,
    })
}

/// The demo company's invoice lines as the store keeps them, each document's lines numbered
/// from 0 in order: a workspace filled with the demo without writing and reading its export
/// (the tests of the crates above and the fuzz harness).
pub fn demo_transactions(demo: &kundenwert_analysis::demo::Demo) -> Vec<StoredTransaction> {
    let mut positions: std::collections::HashMap<&str, u32> = Default::default();
    demo.lines
        .iter()
        .map(|l| {
            let position = positions.entry(l.document.as_str()).or_insert(0);
            *position += 1;
            StoredTransaction {
                customer: l.customer_id.clone(),
                name: Some(l.customer_name.clone()),
                date: l.date,
                revenue: l.revenue_cents as f64 / 100.0,
                cost: Some(l.cost_cents as f64 / 100.0),
                quantity: Some(l.quantity as f64),
                product: Some(l.article.to_owned()),
                document: Some(l.document.clone()),
                position: Some(*position - 1),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_become_options_or_say_why_not() {
        let spec = ImportSpec {
            columns: vec!["revenue=Umsatz".into(), "customer=#2".into()],
            delimiter: Some("tab".into()),
            decimal: Some(DecimalStyle::Comma),
            date_format: Some("%d.%m.%Y".into()),
            encoding: Some("windows-1252".into()),
        };
        let o = spec.options().unwrap();
        assert_eq!(o.columns[0], (Role::Revenue, "Umsatz".into()));
        assert_eq!(o.dialect, Some(Dialect::Delimited(b'\t')));
        for (bad, expected) in [
            (
                ImportSpec {
                    columns: vec!["revenue".into()],
                    ..Default::default()
                },
                SpecError::ColumnForm("revenue".into()),
            ),
            (
                ImportSpec {
                    columns: vec!["umsatz=x".into()],
                    ..Default::default()
                },
                SpecError::UnknownRole("umsatz".into()),
            ),
            (
                ImportSpec {
                    delimiter: Some(";;".into()),
                    ..Default::default()
                },
                SpecError::Delimiter(";;".into()),
            ),
        ] {
            assert_eq!(bad.options().unwrap_err(), expected);
            assert!(!expected.localized(Lang::De).0.is_empty());
        }
    }

    #[test]
    fn a_preview_reads_the_first_rows_in_order_and_every_rejection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        let mut text = String::from("Kundennr;Datum;Umsatz\n");
        for i in 0..50 {
            text += &format!("K{i};01.02.2024;{i},50\n");
        }
        text += "K99;kein Datum;1,00\n";
        std::fs::write(&path, text).unwrap();
        let p = preview(&path, &ImportOptions::default(), 20).unwrap();
        assert_eq!(p.rows.len(), 20);
        assert_eq!(p.rows[3].customer, "K3");
        assert_eq!(p.rows[3].revenue, 3.5);
        assert_eq!(p.report.rows_read, 51);
        assert_eq!(p.report.rejected[0].line, 52);
        assert_eq!(p.report.files[0].headers, ["Kundennr", "Datum", "Umsatz"]);
    }
}
