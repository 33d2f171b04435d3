//! Reads ERP/CRM exports into [`Transaction`](kundenwert_core::Transaction)s, reporting every row it cannot use.
//!
//! The entry point is [`import`]: it reads CSV (any of `,` `;` tab `|` or whitespace-aligned;
//! UTF-8, Windows-1252 or UTF-16) and XLSX files, decides number and date formats per column
//! from the whole column, maps headers to [`Role`]s, and streams every accepted row into a
//! [`RowSink`] — one per thread, merged at the end — so memory grows with what the sink keeps,
//! not with the rows. Rejected rows come back in the [`ImportReport`] with file, physical line,
//! column and [`Reason`].
//!
//! Formats are decided from evidence gathered over the whole column: the reading starts with
//! the decisions of the first rows and reads the file again if the whole column disagrees. An
//! undecidable day/month order stops with a hint.
//!
//! | module | what |
//! |---|---|
//! | `decode` | the file as UTF-8 blocks: byte-order mark, `--encoding`, or lazy detection at the first non-ASCII block |
//! | `prelude` | the file's start: blank lines and a DATEV line before the header, the header, the dialect, the evidence of a first block of rows |
//! | [`split`] | records and fields with physical line numbers that stay right on CRLF files and across quoted line breaks |
//! | [`header`] | which column plays which [`Role`]: German and English synonyms, `--column` overrides |
//! | [`numbers`], [`dates`] | amounts and dates as exports write them, and the evidence that decides a column's format |
//! | `row` | one row of cells into a transaction or a rejection |
//! | `read` | the rows on several threads, in one of two ways: `read::chunks` (a reader thread decodes and hands out blocks cut at record boundaries; any file) or `read::ranges` (each thread reads its own byte ranges; UTF-8 without quotes, the fast way) |
//! | `kind` | what a file is by its first bytes: a PDF, image, archive or program is named as such |
//! | `xlsx` | spreadsheets through calamine |
//! | `reject` | rejected rows and their reasons, in German and English |
//! | `error` | why an import could not be done at all ([`ImportError`]) |
#![deny(missing_docs)]

pub mod dates;
mod decode;
mod error;
pub mod header;
mod kind;
pub mod numbers;
mod prelude;
mod read;
mod reject;
mod row;
pub mod split;
mod xlsx;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use kundenwert_core::Role;
use serde::Serialize;

pub use error::ImportError;
pub use kind::FileKind;
pub use numbers::DecimalStyle;
pub use reject::{Reason, Rejection, MAX_ABS_VALUE};
pub use row::Cell;
pub use split::Dialect;
pub use xlsx::quiet_reader_panics;

use header::ColumnMap;
use read::chunks::csv_pass;
use read::ranges::csv_pass_direct;
use row::{decide, RowPlan};

// The pass traits live in the core so that the analysis can implement them without depending
// on the reader (and its XLSX stack).
pub use kundenwert_core::{Pass, RowSink};

/// What the user told the import (all optional: everything is detected otherwise).
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `--column ROLE=HEADER` overrides.
    pub columns: Vec<(Role, String)>,
    /// `--delimiter`.
    pub dialect: Option<Dialect>,
    /// `--decimal`.
    pub decimal: Option<DecimalStyle>,
    /// `--date-format`, a chrono `strftime` pattern.
    pub date_format: Option<String>,
    /// `--encoding`, a WHATWG label such as `windows-1252`.
    pub encoding: Option<String>,
    /// Reading threads; 0 means one per core.
    pub threads: usize,
}

/// How one file was read.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// As given.
    pub path: String,
    /// `utf-8`, `windows-1252`, `utf-16le`, or `xlsx`.
    pub encoding: String,
    /// The delimiter (`;`), `whitespace`, or null for XLSX.
    pub delimiter: Option<String>,
    /// Decimal separator of the revenue (or unit price) column.
    pub decimal: Option<String>,
    /// Date pattern, e.g. `%d.%m.%Y`.
    pub date_format: String,
    /// Role → header, in role order.
    #[serde(serialize_with = "pairs_as_map")]
    pub columns: Vec<(String, String)>,
    /// Values computed rather than read, e.g. `revenue = quantity × unit_price`.
    pub derived: Vec<String>,
    /// Whether a DATEV `EXTF` line preceded the header.
    pub datev: bool,
    /// Data rows read (not counting the header and blank lines).
    pub rows_read: u64,
    /// Rows turned into transactions.
    pub rows_accepted: u64,
    /// Rows rejected.
    pub rows_rejected: u64,
    /// Blank lines skipped.
    pub blank_lines: u64,
    /// Whether the file has cost or margin.
    #[serde(skip)]
    pub has_cost: bool,
    /// Every header of the file, in column order (also those that play no role), for a
    /// reader that lets the user map columns by hand.
    #[serde(skip)]
    pub headers: Vec<String>,
}

fn pairs_as_map<S: serde::Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// The outcome of an import of one or more files.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Data rows read.
    pub rows_read: u64,
    /// Rows accepted.
    pub rows_accepted: u64,
    /// Rows rejected.
    pub rows_rejected: u64,
    /// Blank lines skipped.
    pub blank_lines: u64,
    /// Every rejected row, by file and line.
    pub rejected: Vec<Rejection>,
    /// Per file.
    pub files: Vec<FileReport>,
}

impl ImportReport {
    /// Whether every file has a cost or margin column.
    pub fn has_cost(&self) -> bool {
        !self.files.is_empty() && self.files.iter().all(|f| f.has_cost)
    }
}

/// Reads all files, each into a pass made by `new_pass`, combined into one.
///
/// `progress` is called with the number of raw bytes consumed since its last call.
///
/// # Errors
/// When a file cannot be read at all (see [`ImportError`]); then no sink is returned, so a
/// failed import changes nothing downstream.
pub fn import<P: Pass>(
    paths: &[PathBuf],
    options: &ImportOptions,
    new_pass: &dyn Fn() -> P,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(P, ImportReport), ImportError> {
    let mut total = new_pass();
    let mut report = ImportReport::default();
    for path in paths {
        let (pass, file, rejected) = import_file(path, options, new_pass, progress)?;
        total.absorb(pass);
        report.rows_read += file.rows_read;
        report.rows_accepted += file.rows_accepted;
        report.rows_rejected += file.rows_rejected;
        report.blank_lines += file.blank_lines;
        report.rejected.extend(rejected);
        report.files.push(file);
    }
    Ok((total, report))
}

/// Whether `path` holds the kind of file its extension promises (text for CSV, a workbook for
/// `.xlsx`), from its first bytes: a PDF, an image, an archive or a program is named as such
/// before its bytes are read as headers. [`import`] checks every file this way; a caller that
/// must not touch anything for a wrong file (the workspace import) can check first.
///
/// # Errors
/// [`ImportError::NotAnExport`] naming what the file is, or [`ImportError::Io`] when it cannot
/// be read.
pub fn check_kind(path: &Path) -> Result<(), ImportError> {
    let shown = path.display().to_string();
    let ext = extension(path);
    let head = kind::head(path).map_err(io_error(&shown))?;
    let not_an_export = match ext.as_str() {
        "xlsx" | "xlsm" => kind::not_workbook(&head),
        // The old binary format is itself an OLE compound file.
        "xls" => kind::not_workbook(&head).filter(|k| *k != FileKind::EncryptedOrLegacyOffice),
        "xlsb" | "ods" | "parquet" => None,
        _ => kind::not_text(&head),
    };
    match not_an_export {
        Some(kind) => Err(ImportError::NotAnExport { path: shown, kind }),
        None => Ok(()),
    }
}

/// The file's extension in lower case (`""` without one): what kind of file it claims to be.
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn import_file<P: Pass>(
    path: &Path,
    options: &ImportOptions,
    new_pass: &dyn Fn() -> P,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(P, FileReport, Vec<Rejection>), ImportError> {
    let shown = path.display().to_string();
    let ext = extension(path);
    check_kind(path)?;
    match ext.as_str() {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => xlsx::import(path, &shown, options, new_pass),
        "parquet" => Err(ImportError::Unsupported {
            path: shown,
            format: "Parquet".into(),
        }),
        _ => import_csv(path, &shown, options, new_pass, progress),
    }
}

pub(crate) fn io_error(path: &str) -> impl Fn(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        path: path.to_string(),
        source,
    }
}

fn forced_encoding(
    options: &ImportOptions,
) -> Result<Option<&'static encoding_rs::Encoding>, ImportError> {
    options
        .encoding
        .as_deref()
        .map(|label| {
            encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
                ImportError::UnknownEncoding {
                    label: label.to_string(),
                }
            })
        })
        .transpose()
}

/// Maps the headers to roles and checks that the roles a transaction needs are there.
pub(crate) fn usable_columns(
    headers: &[String],
    options: &ImportOptions,
    shown: &str,
) -> Result<ColumnMap, ImportError> {
    let map = header::map_columns(headers, &options.columns).map_err(|e| {
        let (path, found) = (shown.to_string(), headers.to_vec());
        match e {
            header::OverrideError::UnknownHeader { role, header } => ImportError::UnknownHeader {
                path,
                role,
                header,
                found,
            },
            header::OverrideError::Conflict(conflict) => ImportError::ConflictingColumns {
                path,
                conflict,
                found,
            },
        }
    })?;
    let mut missing: Vec<Role> = [Role::Customer, Role::Date]
        .into_iter()
        .filter(|r| map.get(*r).is_none())
        .collect();
    if map.get(Role::Revenue).is_none()
        && (map.get(Role::Quantity).is_none() || map.get(Role::UnitPrice).is_none())
    {
        missing.push(Role::Revenue);
    }
    if missing.is_empty() {
        Ok(map)
    } else {
        Err(ImportError::MissingColumns {
            path: shown.to_string(),
            found: headers.to_vec(),
            missing,
        })
    }
}

fn import_csv<P: Pass>(
    path: &Path,
    shown: &str,
    options: &ImportOptions,
    new_pass: &dyn Fn() -> P,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(P, FileReport, Vec<Rejection>), ImportError> {
    let forced = forced_encoding(options)?;
    let prelude = prelude::prelude(path, shown, options, forced)?;
    let dialect = prelude.dialect;
    let provisional = decide(
        &prelude.sample_evidence,
        &prelude.map,
        dialect,
        options.decimal,
        options.date_format.as_deref(),
        false,
    )
    .expect("lenient decisions");
    let mut plan = RowPlan {
        file: shown.to_string(),
        headers: prelude.headers.clone(),
        map: prelude.map.clone(),
        dialect: Some(dialect),
        decisions: provisional,
    };
    let mut reran = false;
    // Progress shows the furthest any reading of this file got: a second reading (formats
    // decided again, or the decoding reader after the direct one) adds nothing until it passes
    // the first.
    let shown_bytes = AtomicU64::new(0);
    let read_bytes = AtomicU64::new(0);
    let report = |n: u64| {
        let now = read_bytes.fetch_add(n, AtomicOrdering::Relaxed) + n;
        let before = shown_bytes.fetch_max(now, AtomicOrdering::Relaxed);
        if now > before {
            progress(now - before);
        }
    };
    // Without `--encoding`, the file is first read directly; it falls back to the decoding
    // reader once, for good, when it needs it.
    let mut direct = forced.is_none();
    let (mut data_pass, pass) = loop {
        let mut data_pass = new_pass();
        read_bytes.store(0, AtomicOrdering::Relaxed);
        let mut pass = None;
        if direct {
            pass = csv_pass_direct(path, &plan, &prelude, options, &data_pass, &report)?;
            if pass.is_none() {
                direct = false;
                data_pass = new_pass();
                read_bytes.store(0, AtomicOrdering::Relaxed);
            }
        }
        let pass = match pass {
            Some(pass) => pass,
            None => csv_pass(path, &plan, &prelude, forced, options, &data_pass, &report)?,
        };
        let strict = decide(
            &pass.result.evidence,
            &prelude.map,
            dialect,
            options.decimal,
            options.date_format.as_deref(),
            true,
        )
        .map_err(|e| ImportError::AmbiguousDates {
            path: shown.to_string(),
            column: prelude
                .map
                .get(Role::Date)
                .and_then(|i| prelude.headers.get(i).cloned())
                .unwrap_or_default(),
            example: e.example,
        })?;
        // The whole column may decide differently from the first rows: read again with the
        // formats the whole file supports. The second reading's decisions are final.
        if strict == plan.decisions || reran {
            break (data_pass, pass);
        }
        plan.decisions = strict;
        reran = true;
    };
    data_pass.close(pass.sinks);
    let r = pass.result;
    let report = file_report(
        shown,
        decode::label(pass.encoding),
        Some(dialect.describe()),
        &plan,
        prelude.datev,
        (
            r.rows,
            r.accepted,
            r.rejected.len() as u64,
            r.blank + prelude.blank_before,
        ),
    );
    Ok((data_pass, report, r.rejected))
}

fn file_report(
    shown: &str,
    encoding: String,
    delimiter: Option<String>,
    plan: &RowPlan,
    datev: bool,
    (rows, accepted, rejected, blank): (u64, u64, u64, u64),
) -> FileReport {
    let map = &plan.map;
    let columns = map
        .iter()
        .filter_map(|(role, i)| Some((role.as_str().to_string(), plan.headers.get(i)?.clone())))
        .collect();
    let mut derived = Vec::new();
    let amount_role = if map.get(Role::Revenue).is_some() {
        Role::Revenue
    } else {
        derived.push("revenue = quantity × unit_price".to_string());
        Role::UnitPrice
    };
    if map.get(Role::Cost).is_none() && map.get(Role::Margin).is_some() {
        derived.push("cost = revenue − margin".to_string());
    }
    let slot = row::NUMERIC_ROLES
        .iter()
        .position(|r| *r == amount_role)
        .unwrap_or(0);
    FileReport {
        path: shown.to_string(),
        encoding,
        delimiter,
        decimal: Some(plan.decisions.decimal[slot].separator().to_string()),
        date_format: plan.decisions.date_pattern.clone(),
        columns,
        derived,
        datev,
        rows_read: rows,
        rows_accepted: accepted,
        rows_rejected: rejected,
        blank_lines: blank,
        has_cost: map.get(Role::Cost).is_some() || map.get(Role::Margin).is_some(),
        headers: plan.headers.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::ranges::RANGE;
    use chrono::NaiveDate;
    use kundenwert_core::Lang;
    use kundenwert_core::Transaction;

    /// Every accepted row as (customer, date, revenue in cents).
    #[derive(Debug, Default)]
    struct Rows(Vec<(String, NaiveDate, i64)>);

    impl RowSink for Rows {
        fn push(&mut self, tx: &Transaction<'_>) {
            let cents = (tx.revenue * 100.0).round() as i64;
            self.0.push((tx.customer.to_string(), tx.date, cents));
        }
    }

    impl Pass for Rows {
        type Sink = Rows;

        fn sink(&self) -> Rows {
            Rows::default()
        }

        fn close(&mut self, sinks: Vec<Rows>) {
            for s in sinks {
                self.0.extend(s.0);
            }
        }

        fn absorb(&mut self, other: Self) {
            self.0.extend(other.0);
        }
    }

    /// A quote-free file of several direct-reading ranges, with rejected rows and blank lines
    /// planted across range boundaries; returns the text and the planted rejections' lines.
    fn ranged_file(rows: u64, ends_on_boundary: &mut usize) -> (Vec<u8>, Vec<u64>) {
        let mut text = b"doc,customer,date,revenue\n".to_vec();
        let data_start = text.len() as u64;
        let mut line = 2;
        let mut bad = Vec::new();
        for i in 0..rows {
            let offset = text.len() as u64 - data_start;
            let to_boundary = RANGE - offset % RANGE;
            if to_boundary < 40 && i % 3 == 0 {
                // A row that runs over the boundary, or (padded) ends right at it, so that the
                // next range starts exactly with a record.
                let mut row = format!("B{i},,2023-01-01,1");
                if i % 2 == 0 && row.len() < to_boundary as usize {
                    row.push_str(&"x".repeat(to_boundary as usize - row.len() - 1));
                    *ends_on_boundary += 1;
                }
                row.push('\n');
                text.extend_from_slice(row.as_bytes());
                bad.push(line);
                line += 1;
                continue;
            }
            match i % 997 {
                5 => {
                    text.extend_from_slice(format!("B{i},C1,kein Datum,1.00\n").as_bytes());
                    bad.push(line);
                }
                77 => text.extend_from_slice(b"\n"),
                _ => {
                    let customer = (i * 7919) % 5003;
                    let day = 1 + i % 28;
                    let cents = (i * 104_729) % 100_000;
                    text.extend_from_slice(
                        format!(
                            "R{i},K{customer},2023-03-{day:02},{}.{:02}\n",
                            cents / 100,
                            cents % 100
                        )
                        .as_bytes(),
                    );
                }
            }
            line += 1;
        }
        (text, bad)
    }

    fn read(path: &Path, encoding: Option<&str>) -> (Rows, ImportReport) {
        let options = ImportOptions {
            encoding: encoding.map(Into::into),
            threads: 3,
            ..ImportOptions::default()
        };
        let (mut rows, report) =
            import(&[path.to_path_buf()], &options, &Rows::default, &|_| {}).expect("readable");
        rows.0.sort();
        (rows, report)
    }

    /// The direct reading gives what the decoding reader gives: the same rows, counts and
    /// rejected lines — also when the file only turns out to need the decoding reader in a
    /// late range (a quote, a Windows-1252 byte).
    #[test]
    fn direct_ranges_read_like_the_decoding_reader() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut exact = 0;
        let (plain, planted) = ranged_file(150_000, &mut exact);
        assert!(plain.len() as u64 > 5 * RANGE);
        assert!(exact > 0, "no row ends on a range boundary");
        let mut quoted = plain.clone();
        let mut latin = plain.clone();
        let late = plain.len() - 1000;
        let at = late + memchr::memchr(b'\n', &plain[late..]).unwrap() + 1;
        quoted.splice(at..at, b"Q1,\"K1\",2023-03-01,1.00\n".iter().copied());
        latin.splice(at..at, b"Q1,K\xe41,2023-03-01,1.00\n".iter().copied());
        for (name, text) in [("plain", &plain), ("quoted", &quoted), ("latin", &latin)] {
            let path = dir.join(format!("{name}.csv"));
            std::fs::write(&path, text).unwrap();
            let (direct_rows, direct) = read(&path, None);
            let (decoded_rows, decoded) = read(&path, Some("windows-1252"));
            if name != "latin" {
                // Forced UTF-8 also goes through the decoding reader.
                let (utf8_rows, utf8) = read(&path, Some("utf-8"));
                assert_eq!(utf8_rows.0, direct_rows.0, "{name}");
                assert_eq!(utf8.rows_read, direct.rows_read, "{name}");
            } else {
                assert_eq!(decoded_rows.0, direct_rows.0, "{name}");
            }
            let lines = |r: &ImportReport| -> Vec<(u64, String)> {
                r.rejected
                    .iter()
                    .map(|x| (x.line, x.message(Lang::En)))
                    .collect()
            };
            assert_eq!(lines(&direct), lines(&decoded), "{name}");
            assert_eq!(
                (direct.rows_read, direct.rows_accepted, direct.blank_lines),
                (
                    decoded.rows_read,
                    decoded.rows_accepted,
                    decoded.blank_lines
                ),
                "{name}"
            );
            if name == "plain" {
                let got: Vec<u64> = direct.rejected.iter().map(|r| r.line).collect();
                assert_eq!(got, planted);
            }
            let encoding = if name == "latin" {
                "windows-1252"
            } else {
                "utf-8"
            };
            assert_eq!(direct.files[0].encoding, encoding, "{name}");
        }
        let (_, plain_report) = read(&dir.join("plain.csv"), None);
        assert!(plain_report.rows_rejected > 10);
    }

    /// Direct reading is used for a plain file, and declines one whose text before the data
    /// needs decoding (byte-order mark, Windows-1252 header).
    #[test]
    fn direct_reading_is_taken_only_for_plain_text() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let (plain, _) = ranged_file(20_000, &mut 0);
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(&plain);
        let latin_header = [b"Stra\xdfe,".as_slice(), &plain].concat();
        for (name, text, taken) in [
            ("plain", plain, true),
            ("bom", bom, false),
            ("latin", latin_header, false),
        ] {
            let path = dir.join(format!("{name}.csv"));
            std::fs::write(&path, &text).unwrap();
            let options = ImportOptions::default();
            let prelude = prelude::prelude(&path, name, &options, None).unwrap();
            let plan = RowPlan {
                file: name.into(),
                headers: prelude.headers.clone(),
                map: prelude.map.clone(),
                dialect: Some(prelude.dialect),
                decisions: decide(
                    &prelude.sample_evidence,
                    &prelude.map,
                    prelude.dialect,
                    None,
                    None,
                    false,
                )
                .unwrap(),
            };
            let pass = Rows::default();
            let direct = csv_pass_direct(&path, &plan, &prelude, &options, &pass, &|_| {}).unwrap();
            assert_eq!(direct.is_some(), taken, "{name}");
        }
    }
}
