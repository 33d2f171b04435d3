//! `kundenwert import`: reads exports with the same import as `analyze` and stores their
//! transactions in the workspace, so later commands work without naming files again.
//!
//! Every file is read completely before anything is stored, so an unreadable file stops the
//! command with the workspace unchanged; then all files are stored in one SQLite transaction.
//! A file whose content was imported before adds nothing, and lines of a document that is
//! already stored (overlapping re-exports) are skipped and counted.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, Result};
use kundenwert_core::Transaction;
use kundenwert_ingest::{ImportReport, Pass, RowSink};
use kundenwert_store::{ImportMeta, StoredTransaction, Workspace};
use sha2::{Digest, Sha256};

use crate::fmt::count;
use crate::input::InputArgs;
use crate::UserError;

/// Arguments of `kundenwert import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
}

/// Collects the accepted rows of one reading thread.
#[derive(Debug, Default)]
pub struct RowsSink(Vec<StoredTransaction>);

impl RowSink for RowsSink {
    fn push(&mut self, tx: &Transaction<'_>) {
        self.0.push(StoredTransaction::from_transaction(tx, None));
    }
}

/// The pass of one file: all its accepted rows.
#[derive(Debug, Default)]
pub struct RowsPass(Vec<StoredTransaction>);

impl Pass for RowsPass {
    type Sink = RowsSink;

    fn sink(&self) -> RowsSink {
        RowsSink::default()
    }

    fn close(&mut self, sinks: Vec<RowsSink>) {
        for s in sinks {
            self.0.extend(s.0);
        }
    }

    fn absorb(&mut self, other: Self) {
        self.0.extend(other.0);
    }
}

/// Numbers the lines of each document. Reading threads deliver rows out of file order, so the
/// number is the line's rank among its document's lines ordered by content: the same lines in
/// a later, overlapping export get the same numbers and are recognised as already stored.
fn number_document_lines(rows: &mut [StoredTransaction]) {
    let key = |t: &StoredTransaction| {
        (
            t.document.clone(),
            t.date,
            t.product.clone(),
            t.customer.clone(),
            t.revenue.to_bits(),
            t.cost.map(f64::to_bits),
            t.quantity.map(f64::to_bits),
        )
    };
    rows.sort_by_cached_key(key);
    let mut i = 0;
    while i < rows.len() {
        let doc = rows[i].document.clone();
        let mut j = i;
        while j < rows.len() && rows[j].document == doc {
            if doc.is_some() {
                rows[j].position = Some((j - i) as u32);
            }
            j += 1;
        }
        i = j;
    }
}

fn content_hash(path: &PathBuf) -> Result<String> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read `{}`", path.display()))?;
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
    print!("{}", store_files(&args.input)?);
    Ok(())
}

/// Reads `input.files` and stores them in the workspace; returns the report for the user.
pub fn store_files(input: &InputArgs) -> Result<String> {
    let lang = input.lang();
    if input.files.is_empty() {
        return Err(UserError::usage(
            lang.pick("keine Datei angegeben", "no file given").into(),
            Some(
                lang.pick(
                    "z. B. `kundenwert import rechnungen_2024.csv`",
                    "e.g. `kundenwert import invoices_2024.csv`",
                )
                .into(),
            ),
        )
        .into());
    }
    if input.as_of.is_some() {
        return Err(UserError::usage(
            lang.pick(
                "`--as-of` gilt für `analyze`, nicht für `import`: gespeichert wird alles",
                "`--as-of` applies to `analyze`, not to `import`: everything is stored",
            )
            .into(),
            None,
        )
        .into());
    }
    // Read everything first: a file that cannot be read stops the command before the
    // workspace is touched.
    let mut files: Vec<(ImportMeta, Vec<StoredTransaction>, ImportReport)> = Vec::new();
    for file in &input.files {
        let hash = content_hash(file)?;
        let (pass, report) = input.import_with(std::slice::from_ref(file), &RowsPass::default)?;
        let mut rows = pass.0;
        number_document_lines(&mut rows);
        let meta = ImportMeta {
            path: file.display().to_string(),
            content_hash: hash,
            rows_read: report.rows_read,
            rows_rejected: report.rows_rejected,
        };
        files.push((meta, rows, report));
    }
    let mut store = crate::workspace::open(lang)?;
    let reports: Vec<(String, ImportReport)> = files
        .iter()
        .map(|(meta, _, report)| (meta.path.clone(), report.clone()))
        .collect();
    // All files in one SQLite transaction: a failure on any of them stores none.
    let outcomes = store
        .import_files(&mut files.into_iter().map(|(meta, rows, _)| (meta, rows)))
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    let mut out = String::new();
    for ((path, report), outcome) in reports.into_iter().zip(outcomes) {
        out += &format!(
            "{}: {} {} · {} {} · {} {}\n",
            path,
            count(report.rows_read, lang),
            lang.pick("gelesen", "read"),
            count(report.rows_accepted, lang),
            lang.pick("übernommen", "accepted"),
            count(report.rows_rejected, lang),
            lang.pick("abgelehnt", "rejected"),
        );
        if outcome.already_imported {
            out += &format!(
                "  {}\n",
                lang.pick(
                    "bereits importiert (gleicher Dateiinhalt) – nichts hinzugefügt",
                    "already imported (same file content) – nothing added"
                )
            );
        } else {
            out += &format!(
                "  {} {}",
                count(outcome.inserted, lang),
                lang.pick("Buchungen gespeichert", "transactions stored"),
            );
            if outcome.duplicates_skipped > 0 {
                out += &format!(
                    " · {} {}",
                    count(outcome.duplicates_skipped, lang),
                    lang.pick(
                        "schon vorhanden (gleicher Beleg und Position) – übersprungen",
                        "already stored (same document and line) – skipped"
                    ),
                );
            }
            out += "\n";
        }
    }
    let total = store
        .transaction_count()
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    out += &format!(
        "{} `{}`: {} {}\n",
        lang.pick("Arbeitsbereich", "Workspace"),
        crate::workspace::path().display(),
        count(total, lang),
        lang.pick("Buchungen", "transactions"),
    );
    Ok(out)
}
