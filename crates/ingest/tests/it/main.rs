//! Integration tests of the import: export files written in many dialects by [`fixtures`], read
//! through [`kundenwert_ingest::import`] and compared with what was written.
//!
//! One test binary for the crate, with every file a module of it: each test binary is linked
//! on its own, and on a 2-core CI the link steps add up.

mod dates;
mod encodings;
mod fixtures;
mod headers;
mod large;
mod numbers;
mod rejects;
mod roundtrip;
mod xlsx;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use kundenwert_core::Transaction;
use kundenwert_ingest::{import, ImportError, ImportOptions, ImportReport, Pass, RowSink};

/// An owned copy of one accepted row.
#[derive(Debug, Clone, PartialEq)]
pub struct Tx {
    pub customer: String,
    pub name: Option<String>,
    pub date: NaiveDate,
    pub revenue: f64,
    pub cost: Option<f64>,
    pub quantity: Option<f64>,
    pub product: Option<String>,
    pub document: Option<String>,
}

impl Tx {
    fn of(tx: &Transaction<'_>) -> Self {
        Tx {
            customer: tx.customer.to_string(),
            name: tx.name.map(str::to_string),
            date: tx.date,
            revenue: tx.revenue,
            cost: tx.cost,
            quantity: tx.quantity,
            product: tx.product.map(str::to_string),
            document: tx.document.map(str::to_string),
        }
    }

    /// Revenue in cents, for exact comparisons.
    pub fn revenue_cents(&self) -> i64 {
        cents(self.revenue)
    }
}

/// An amount in cents (amounts in the fixtures have at most two decimals).
pub fn cents(value: f64) -> i64 {
    (value * 100.0).round() as i64
}

/// Collects every accepted row. Each reading thread fills its own sink; `close` gathers them.
#[derive(Debug, Default)]
pub struct Collect {
    pub rows: Vec<Tx>,
}

#[derive(Debug, Default)]
pub struct CollectSink {
    rows: Vec<Tx>,
}

impl RowSink for CollectSink {
    fn push(&mut self, tx: &Transaction<'_>) {
        self.rows.push(Tx::of(tx));
    }
}

impl Pass for Collect {
    type Sink = CollectSink;

    fn sink(&self) -> CollectSink {
        CollectSink::default()
    }

    fn close(&mut self, sinks: Vec<CollectSink>) {
        for s in sinks {
            self.rows.extend(s.rows);
        }
    }

    fn absorb(&mut self, other: Self) {
        self.rows.extend(other.rows);
    }
}

/// Rows in a stable order, since reading threads interleave.
pub fn sorted(mut rows: Vec<Tx>) -> Vec<Tx> {
    rows.sort_by(|a, b| {
        (&a.customer, a.date, &a.document, &a.product, &a.name)
            .cmp(&(&b.customer, b.date, &b.document, &b.product, &b.name))
            .then(a.revenue.total_cmp(&b.revenue))
    });
    rows
}

/// Imports `paths`; accepted rows come back sorted. Checks the invariants every import keeps:
/// counts reconcile, per-file counts add up, rejections are sorted by line within each file,
/// and the progress callback saw every byte of every CSV file exactly once.
pub fn read_with(
    paths: &[PathBuf],
    options: &ImportOptions,
) -> Result<(Vec<Tx>, ImportReport), ImportError> {
    let consumed = AtomicU64::new(0);
    let (pass, report) = import(paths, options, &Collect::default, &|n| {
        consumed.fetch_add(n, Ordering::Relaxed);
    })?;
    assert_eq!(
        report.rows_read,
        report.rows_accepted + report.rows_rejected,
        "rows read = accepted + rejected"
    );
    assert_eq!(report.rows_rejected, report.rejected.len() as u64);
    assert_eq!(report.rows_accepted, pass.rows.len() as u64);
    for (field, total, per_file) in [
        (
            "rows_read",
            report.rows_read,
            report.files.iter().map(|f| f.rows_read).sum::<u64>(),
        ),
        (
            "rows_accepted",
            report.rows_accepted,
            report.files.iter().map(|f| f.rows_accepted).sum(),
        ),
        (
            "rows_rejected",
            report.rows_rejected,
            report.files.iter().map(|f| f.rows_rejected).sum(),
        ),
        (
            "blank_lines",
            report.blank_lines,
            report.files.iter().map(|f| f.blank_lines).sum(),
        ),
    ] {
        assert_eq!(total, per_file, "{field}: total vs. sum over files");
    }
    for f in &report.files {
        assert_eq!(f.rows_read, f.rows_accepted + f.rows_rejected, "{}", f.path);
        let lines: Vec<u64> = report
            .rejected
            .iter()
            .filter(|r| r.file == f.path)
            .map(|r| r.line)
            .collect();
        assert!(
            lines.windows(2).all(|w| w[0] < w[1]),
            "rejections by line: {lines:?}"
        );
    }
    let csv_bytes: u64 = paths
        .iter()
        .filter(|p| p.extension().is_none_or(|e| e != "xlsx"))
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    assert_eq!(
        consumed.load(Ordering::Relaxed),
        csv_bytes,
        "progress counts each byte once"
    );
    Ok((sorted(pass.rows), report))
}

/// [`read_with`] for one file that must import.
pub fn read(path: &Path, options: &ImportOptions) -> (Vec<Tx>, ImportReport) {
    read_with(&[path.to_path_buf()], options)
        .unwrap_or_else(|e| panic!("import of {} failed: {e}", path.display()))
}

/// [`read_with`] for one file that must fail.
pub fn read_err(path: &Path, options: &ImportOptions) -> ImportError {
    match read_with(&[path.to_path_buf()], options) {
        Ok((_, report)) => panic!("import of {} succeeded: {report:?}", path.display()),
        Err(e) => e,
    }
}

/// Options with `threads` reading threads and nothing else set.
pub fn threads(n: usize) -> ImportOptions {
    ImportOptions {
        threads: n,
        ..Default::default()
    }
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}
