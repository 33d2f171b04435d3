//! `kundenwert import`: reads exports with the same import as `analyze` and stores their
//! transactions in the workspace, so later commands work without naming files again.
//!
//! All files are stored in one SQLite transaction while they are read (lines without a
//! document go straight in, documented ones are sorted on disk in bounded runs and numbered, so
//! memory does not grow with the file), and a file that cannot be read rolls the whole import
//! back: the workspace is then unchanged. A file whose content was imported before adds
//! nothing, and lines of a document that is already stored (overlapping re-exports) are
//! skipped and counted.

use crate::output::out;
use kundenwert_text as text;
use std::cell::RefCell;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::SyncSender;

use anyhow::{Context, Result};
use kundenwert_core::{par, Lang, Transaction};
use kundenwert_ingest::{ImportReport, Pass, RowSink};
use kundenwert_store::{ReadOutcome, RowPush, StoredTransaction, StreamedFile, Workspace};
use sha2::{Digest, Sha256};

use crate::fmt::count;
use crate::input::InputArgs;
use crate::UserError;

/// Arguments of `kundenwert import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,

    /// Store only: leave bringing the workspace's analysis up to date to the next command that
    /// reads it (e.g. when importing several files one after another).
    #[arg(long)]
    no_analysis: bool,
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
    input: &InputArgs,
    file: &PathBuf,
    push: &mut RowPush<'_>,
    failure: &RefCell<Option<anyhow::Error>>,
    reports: &RefCell<Vec<ImportReport>>,
) -> Option<ReadOutcome> {
    let (to_store, batches) = std::sync::mpsc::sync_channel::<Batch>(8);
    // A pipeline, not a map: the reading runs on a worker and the storing here, where the
    // workspace's connection lives; the channel bounds the rows in between.
    let ((), mut reading) = par::with_workers(
        [move || {
            // A panic while reading is reported as the file's failure, as before.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let next = AtomicU32::new(0);
                let new_pass = || StreamPass {
                    attempts: vec![next.fetch_add(1, Ordering::Relaxed)],
                    to_store: to_store.clone(),
                };
                input
                    .import_with(std::slice::from_ref(file), &new_pass)
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
            *failure.borrow_mut() = Some(e);
            None
        }
        // A panic, caught above; there is always the one reader.
        Some(Err(_)) | None => {
            *failure.borrow_mut() = Some(anyhow::anyhow!("the reading thread failed"));
            None
        }
    }
}

fn content_hash(path: &PathBuf, lang: Lang) -> Result<String> {
    let mut file = std::fs::File::open(path)
        .with_context(|| kundenwert_text::file_cannot_read(lang, path.display()))?;
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

pub fn run(args: Args) -> Result<()> {
    out!("{}", store_files(&args.input)?);
    if !args.no_analysis {
        // The types and forecasts every other command reads, computed once now.
        let lang = args.input.lang();
        let mut bench = crate::workspace::open_workbench(lang)?;
        crate::workspace::refresh(&mut bench, lang)?;
    }
    Ok(())
}

/// Reads `input.files` and stores them in the workspace; returns the report for the user.
pub fn store_files(input: &InputArgs) -> Result<String> {
    let lang = input.lang();
    if input.files.is_empty() {
        return Err(UserError::usage(
            text::import_no_file(lang).into(),
            Some(text::import_no_file_hint(lang).into()),
        )
        .into());
    }
    if input.as_of.is_some() {
        return Err(UserError::usage(text::import_as_of_not_here(lang).into(), None).into());
    }
    // The hashes and the files' kinds first: a file that cannot be opened, or a PDF or an
    // image, stops before the workspace is touched (or created).
    let mut hashes = Vec::new();
    for file in &input.files {
        hashes.push(content_hash(file, lang)?);
        kundenwert_ingest::check_kind(file).map_err(|e| {
            let (message, hint) = e.localized(lang);
            UserError::input(message, hint)
        })?;
    }
    let mut store = crate::workspace::open(lang)?;
    let failure = RefCell::new(None);
    let reports = RefCell::new(Vec::new());
    let files: Vec<StreamedFile<'_>> = input
        .files
        .iter()
        .zip(hashes)
        .map(|(file, content_hash)| {
            let (failure, reports) = (&failure, &reports);
            StreamedFile {
                path: file.display().to_string(),
                content_hash,
                read: Box::new(move |push: &mut RowPush<'_>| {
                    read_streamed(input, file, push, failure, reports)
                }),
            }
        })
        .collect();
    // All files in one SQLite transaction, their rows stored while they are read: a failure
    // on any of them stores none.
    let stored = store.import_streamed(files);
    let timer = crate::Timer::start();
    for (phase, took) in store.import_phases() {
        timer.note(&format!("import: {phase} {:.3} s", took.as_secs_f64()));
    }
    if let Some(e) = failure.into_inner() {
        return Err(e);
    }
    let outcomes = stored.map_err(|e| crate::workspace::store_error(&e, lang))?;
    let reports: Vec<(String, ImportReport)> = input
        .files
        .iter()
        .map(|f| f.display().to_string())
        .zip(reports.into_inner())
        .collect();
    let mut out = String::new();
    for ((path, report), outcome) in reports.into_iter().zip(outcomes) {
        out += &text::import_file_counts(
            lang,
            count(report.rows_accepted, lang),
            path,
            count(report.rows_read, lang),
            count(report.rows_rejected, lang),
        );
        out.push('\n');
        if outcome.already_imported {
            out += &format!("  {}\n", text::import_already_imported(lang));
        } else {
            out += "  ";
            out += &text::import_stored(lang, count(outcome.inserted, lang));
            if outcome.duplicates_skipped > 0 {
                out +=
                    &text::import_duplicates_skipped(lang, count(outcome.duplicates_skipped, lang));
            }
            out += "\n";
        }
    }
    let total = store
        .transaction_count()
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    out +=
        &text::import_workspace_total(lang, count(total, lang), crate::workspace::path().display());
    out.push('\n');
    Ok(out)
}
