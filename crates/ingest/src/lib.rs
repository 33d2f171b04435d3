//! Reads ERP/CRM exports into [`Transaction`]s, reporting every row it cannot use.
//!
//! The entry point is [`import`]: it reads CSV (any of `,` `;` tab `|` or whitespace-aligned;
//! UTF-8, Windows-1252 or UTF-16) and XLSX files, decides number and date formats per column
//! from the whole column, maps headers to [`Role`]s, and streams every accepted row into a
//! [`RowSink`] — one per thread, merged at the end — so memory grows with what the sink keeps,
//! not with the rows. Rejected rows come back in the [`ImportReport`] with file, physical line,
//! column and [`Reason`].
#![deny(missing_docs)]

pub mod dates;
mod decode;
pub mod header;
pub mod numbers;
mod reject;
mod row;
pub mod split;
mod xlsx;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};

use kundenwert_core::{Lang, Role, Transaction};
use serde::Serialize;

pub use numbers::DecimalStyle;
pub use reject::{Reason, Rejection};
pub use row::Cell;
pub use split::Dialect;

use decode::DecodingReader;
use header::ColumnMap;
use row::{decide, Evidence, Outcome, RowCache, RowPlan};
use split::{record_end, Fields};

/// Receives accepted rows; each reading thread has its own.
pub trait RowSink: Send {
    /// Takes one accepted row.
    fn push(&mut self, tx: &Transaction<'_>);
}

/// Where one reading of one file goes.
///
/// A file may be read twice, when its whole columns decide formats differently from its first
/// rows; the first reading's pass is then dropped unused. Passes of several files are combined
/// with [`Pass::absorb`].
pub trait Pass: Send + Sync {
    /// The sink of one reading thread.
    type Sink: RowSink;
    /// A sink for one thread.
    fn sink(&self) -> Self::Sink;
    /// Takes back the threads' sinks once the reading is done.
    fn close(&mut self, sinks: Vec<Self::Sink>);
    /// Adds the pass of another file.
    fn absorb(&mut self, other: Self)
    where
        Self: Sized;
}

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

/// Why an import could not be done at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The file cannot be opened or read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// `--encoding` names no encoding.
    #[error("unknown encoding `{label}`")]
    UnknownEncoding {
        /// The label given.
        label: String,
    },
    /// Nothing but blank lines.
    #[error("`{path}` is empty")]
    Empty {
        /// File.
        path: String,
    },
    /// Required roles have no column.
    #[error("`{path}` has no usable {} column", missing.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "))]
    MissingColumns {
        /// File.
        path: String,
        /// Headers found.
        found: Vec<String>,
        /// Roles without a column.
        missing: Vec<Role>,
    },
    /// A `--column` override names a header the file does not have.
    #[error("`{path}` has no column `{header}` (asked for as `{role}`)")]
    UnknownHeader {
        /// File.
        path: String,
        /// Role asked for.
        role: Role,
        /// Header given.
        header: String,
        /// Headers found.
        found: Vec<String>,
    },
    /// The day/month order of slash dates cannot be decided from the whole column.
    #[error("`{path}`, column `{column}`: the order of day and month cannot be decided (every date such as `{example}` fits both)")]
    AmbiguousDates {
        /// File.
        path: String,
        /// Date column header.
        column: String,
        /// Example value.
        example: String,
    },
    /// The spreadsheet cannot be read.
    #[error("cannot read the spreadsheet `{path}`: {message}")]
    Spreadsheet {
        /// File.
        path: String,
        /// Cause.
        message: String,
    },
    /// A format we do not read (yet).
    #[error("`{path}`: {format} files are not supported")]
    Unsupported {
        /// File.
        path: String,
        /// Format.
        format: String,
    },
}

impl ImportError {
    /// The message in the user's language and a `hint:` line, when there is one.
    pub fn localized(&self, lang: Lang) -> (String, Option<String>) {
        let de = lang == Lang::De;
        let list = |found: &[String]| {
            found
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            ImportError::Io { path, source } => (
                if de { format!("`{path}` kann nicht gelesen werden: {source}") } else { self.to_string() },
                None,
            ),
            ImportError::UnknownEncoding { label } => (
                if de { format!("unbekannte Zeichenkodierung `{label}`") } else { self.to_string() },
                Some(lang.pick("z. B. `--encoding windows-1252` oder `--encoding utf-8`", "use e.g. `--encoding windows-1252` or `--encoding utf-8`").to_string()),
            ),
            ImportError::Empty { path } => (
                if de { format!("`{path}` ist leer") } else { self.to_string() },
                None,
            ),
            ImportError::MissingColumns { path, found, missing } => {
                let roles = missing.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ");
                let msg = if de {
                    format!("`{path}` hat keine brauchbare Spalte für {roles}; gefunden: {}", list(found))
                } else {
                    format!("`{path}` has no usable column for {roles}; found: {}", list(found))
                };
                let example = missing.first().map_or("revenue", |r| r.as_str());
                let hint = if de {
                    format!("erwartet werden Kunde (z. B. `Kundennr.`), Datum (`Belegdatum`) und Umsatz (`Nettoumsatz`) oder Menge und Einzelpreis; Spalte selbst zuordnen mit `--column {example}=\"Spaltenname\"`")
                } else {
                    format!("expected a customer (e.g. `Customer ID`), a date (`Invoice Date`) and revenue (`Revenue`) or quantity and unit price; map a column yourself with `--column {example}=\"Header\"`")
                };
                (msg, Some(hint))
            }
            ImportError::UnknownHeader { path, role, header, found } => (
                if de {
                    format!("`{path}` hat keine Spalte `{header}` (angegeben für `{role}`); gefunden: {}", list(found))
                } else {
                    format!("{self}; found: {}", list(found))
                },
                Some(lang.pick("Spaltennamen genau wie in der Kopfzeile angeben, oder `#N` für die N-te Spalte", "give the header exactly as in the file, or `#N` for the N-th column").to_string()),
            ),
            ImportError::AmbiguousDates { path, column, example } => (
                if de {
                    format!("`{path}`, Spalte `{column}`: die Reihenfolge von Tag und Monat ist nicht zu entscheiden (jedes Datum wie `{example}` passt zu beiden)")
                } else {
                    self.to_string()
                },
                Some(lang.pick(
                    "mit `--date-format %d/%m/%Y` (Tag zuerst) oder `--date-format %m/%d/%Y` (Monat zuerst, USA) angeben",
                    "pass `--date-format %m/%d/%Y` (month first, US) or `--date-format %d/%m/%Y` (day first)",
                ).to_string()),
            ),
            ImportError::Spreadsheet { path, message } => (
                if de { format!("die Tabelle `{path}` kann nicht gelesen werden: {message}") } else { self.to_string() },
                None,
            ),
            ImportError::Unsupported { path, format } => (
                if de { format!("`{path}`: {format}-Dateien werden nicht unterstützt") } else { self.to_string() },
                Some(lang.pick("als CSV oder XLSX exportieren", "export as CSV or XLSX").to_string()),
            ),
        }
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

fn import_file<P: Pass>(
    path: &Path,
    options: &ImportOptions,
    new_pass: &dyn Fn() -> P,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(P, FileReport, Vec<Rejection>), ImportError> {
    let shown = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => xlsx::import(path, &shown, options, new_pass),
        "parquet" => Err(ImportError::Unsupported {
            path: shown,
            format: "Parquet".into(),
        }),
        _ => import_csv(path, &shown, options, new_pass, progress),
    }
}

fn io_error(path: &str) -> impl Fn(std::io::Error) -> ImportError + '_ {
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
fn usable_columns(
    headers: &[String],
    options: &ImportOptions,
    shown: &str,
) -> Result<ColumnMap, ImportError> {
    let map =
        header::map_columns(headers, &options.columns).map_err(|e| ImportError::UnknownHeader {
            path: shown.to_string(),
            role: e.role,
            header: e.header,
            found: headers.to_vec(),
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

/// Where the data of a CSV file starts and how it is laid out, from its first block.
struct Prelude {
    /// Offset in the decoded stream of the first data row.
    data_start: usize,
    /// Physical line number of the first data row.
    data_line: u64,
    /// Blank lines before the header.
    blank_before: u64,
    dialect: Dialect,
    headers: Vec<String>,
    map: ColumnMap,
    datev: bool,
    sample_evidence: Evidence,
}

fn lines_of(data: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= data.len() {
            return None;
        }
        let start = pos;
        let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
        pos = end + 1;
        Some((start, &data[start..end]))
    })
}

fn is_blank_line(line: &[u8]) -> bool {
    line.iter()
        .all(|b| b.is_ascii_whitespace() || matches!(b, b';' | b',' | b'\t' | b'|'))
}

/// Text of a field; the decoded stream is UTF-8, so this only fails on a broken multi-byte
/// sequence cut by a block boundary, which the record splitter never produces.
fn text(field: &[u8]) -> &str {
    std::str::from_utf8(field).unwrap_or("\u{fffd}")
}

fn prelude(
    path: &Path,
    shown: &str,
    options: &ImportOptions,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Prelude, ImportError> {
    let file = File::open(path).map_err(io_error(shown))?;
    let mut reader = DecodingReader::new(file, encoding);
    let mut data = Vec::new();
    reader.read_block(&mut data).map_err(io_error(shown))?;
    let mut line_no = 0u64;
    let mut blank_before = 0;
    let mut datev = false;
    let mut header_at = None;
    for (start, line) in lines_of(&data) {
        line_no += 1;
        if is_blank_line(line) {
            blank_before += 1;
            continue;
        }
        let trimmed = line.strip_prefix(b"\"").unwrap_or(line);
        if !datev && header_at.is_none() && trimmed.starts_with(b"EXTF") {
            datev = true;
            continue;
        }
        header_at = Some((start, line_no));
        break;
    }
    let Some((header_start, header_line)) = header_at else {
        return Err(ImportError::Empty {
            path: shown.to_string(),
        });
    };
    let dialect = options
        .dialect
        .unwrap_or_else(|| split::sniff(&data[header_start..]));
    let rest = &data[header_start..];
    let (end, _) = record_end(rest, dialect);
    let header_end = end.unwrap_or(rest.len());
    let mut fields = Fields::default();
    split::split(&rest[..header_end], dialect, &mut fields);
    let headers: Vec<String> = (0..fields.len())
        .map(|i| {
            text(fields.get(&rest[..header_end], i).unwrap_or_default())
                .trim()
                .trim_matches('\u{feff}')
                .to_string()
        })
        .collect();
    let header_lines = 1 + memchr::memchr_iter(b'\n', &rest[..header_end]).count() as u64;
    let map = usable_columns(&headers, options, shown)?;
    // Sample the formats from the rows of the first block.
    let data_start = header_start + (header_end + 1).min(rest.len());
    let plan = RowPlan {
        file: shown.to_string(),
        headers: headers.clone(),
        map: map.clone(),
        dialect: Some(dialect),
        decisions: decide(&Evidence::default(), &map, dialect, None, None, false).expect("lenient"),
    };
    let mut sample_evidence = Evidence::default();
    let mut pos = data_start;
    let mut cells: Vec<Cell<'static>> = Vec::new();
    let mut cache = RowCache::default();
    let mut n = 0;
    while pos < data.len() && n < 5000 {
        let (end, open) = record_end(&data[pos..], dialect);
        if open {
            break;
        }
        let end = end.map_or(data.len(), |e| pos + e);
        let record = &data[pos..end];
        split::split(record, dialect, &mut fields);
        let mut local = reuse(std::mem::take(&mut cells));
        local.extend(
            (0..fields.len()).map(|i| Cell::Text(text(fields.get(record, i).unwrap_or_default()))),
        );
        plan.observe(&local, &mut sample_evidence, &mut cache);
        cells = reuse(local);
        pos = end + 1;
        n += 1;
    }
    Ok(Prelude {
        data_start,
        data_line: header_line + header_lines,
        blank_before,
        dialect,
        headers,
        map,
        datev,
        sample_evidence,
    })
}

/// One piece of the decoded file, ending at a record boundary.
struct Chunk {
    data: Vec<u8>,
    first_line: u64,
}

/// What one reading thread saw.
struct WorkerResult<S> {
    sink: S,
    evidence: Evidence,
    rows: u64,
    accepted: u64,
    blank: u64,
    rejected: Vec<Rejection>,
}

/// Reusable per-thread state of the record loop.
struct Scratch {
    fields: Fields,
    /// Whether the current chunk has no `"` at all, so records need no quote handling.
    unquoted: bool,
    cells: Vec<Cell<'static>>,
    cache: RowCache,
    used: Vec<bool>,
}

fn work_chunk<S: RowSink>(
    plan: &RowPlan,
    chunk: &Chunk,
    dialect: Dialect,
    out: &mut WorkerResult<S>,
    scratch: &mut Scratch,
) {
    // Chunks end at line breaks, so a chunk of valid UTF-8 is valid on its own: check it once
    // and slice fields from it without copying.
    let chunk_text = match std::str::from_utf8(&chunk.data) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(&chunk.data),
    };
    let text: &str = &chunk_text;
    let data = text.as_bytes();
    let quoted = matches!(dialect, Dialect::Delimited(_)) && memchr::memchr(b'"', data).is_some();
    scratch.unquoted = !quoted;
    let mut pos = 0;
    let mut line = chunk.first_line;
    while pos < data.len() {
        let (end, open) = if quoted {
            record_end(&data[pos..], dialect)
        } else {
            (memchr::memchr(b'\n', &data[pos..]), false)
        };
        let rec_end = end.map_or(data.len(), |e| pos + e);
        let record = &data[pos..rec_end];
        if open {
            // A quote opened in this record is never closed: everything after it is one field.
            let newlines = memchr::memchr_iter(b'\n', record).count() as u64;
            let lines_not_read = newlines + u64::from(!record.ends_with(b"\n"));
            let col_idx = split::open_quote_field(record, dialect);
            out.rows += 1;
            out.rejected.push(Rejection {
                file: plan.file.clone(),
                line,
                column: plan.headers.get(col_idx).cloned(),
                reason: Reason::UnclosedQuote { lines_not_read },
                raw: String::from_utf8_lossy(&record[..record.len().min(200)]).into_owned(),
            });
            break;
        }
        let lines_in_record = if quoted {
            1 + memchr::memchr_iter(b'\n', record).count() as u64
        } else {
            1
        };
        if lines_in_record > 1 && swallows_rows(record, dialect, plan.headers.len()) {
            // A stray quote: its field runs over line breaks into what are whole rows of their
            // own. Reject the line with the quote and read the following lines on their own.
            let mut line_start = 0;
            for (k, physical) in record.split(|b| *b == b'\n').enumerate() {
                let physical_text = &text[pos + line_start..pos + line_start + physical.len()];
                if k == 0 {
                    out.rows += 1;
                    out.rejected.push(Rejection {
                        file: plan.file.clone(),
                        line,
                        column: plan
                            .headers
                            .get(split::open_quote_field(physical, dialect))
                            .cloned(),
                        reason: Reason::StrayQuote {
                            lines: lines_in_record - 1,
                        },
                        raw: String::from_utf8_lossy(
                            physical.strip_suffix(b"\r").unwrap_or(physical),
                        )
                        .into_owned(),
                    });
                } else {
                    read_record(
                        plan,
                        physical,
                        physical_text,
                        line + k as u64,
                        1,
                        dialect,
                        out,
                        scratch,
                    );
                }
                line_start += physical.len() + 1;
            }
        } else {
            read_record(
                plan,
                record,
                &text[pos..rec_end],
                line,
                lines_in_record,
                dialect,
                out,
                scratch,
            );
        }
        line += lines_in_record;
        pos = rec_end + 1;
    }
}

/// Whether a record that spans lines does so because a stray quote swallowed whole rows: a
/// continuation line that, read on its own, has as many fields as the header. A real line break
/// in a quoted name (`Müller GmbH\nWerk 2`) has no delimiters on its continuation lines.
fn swallows_rows(record: &[u8], dialect: Dialect, header_fields: usize) -> bool {
    let Dialect::Delimited(delim) = dialect else {
        return false;
    };
    header_fields > 1
        && record
            .split(|b| *b == b'\n')
            .skip(1)
            .any(|l| memchr::memchr_iter(delim, l).count() + 1 == header_fields)
}

/// Reads one record: blank, accepted or rejected.
#[expect(
    clippy::too_many_arguments,
    reason = "the record loop's state, passed apart to keep borrows simple"
)]
fn read_record<S: RowSink>(
    plan: &RowPlan,
    record: &[u8],
    record_text: &str,
    line: u64,
    lines_in_record: u64,
    dialect: Dialect,
    out: &mut WorkerResult<S>,
    scratch: &mut Scratch,
) {
    let Scratch {
        fields,
        unquoted,
        cells,
        cache,
        used,
    } = scratch;
    if *unquoted {
        split::split_unquoted(record, dialect, fields);
    } else {
        split::split(record, dialect, fields);
    }
    if fields.is_blank(record) {
        out.blank += lines_in_record;
        return;
    }
    // Cells borrow from `fields`, which the next record overwrites; the vector's allocation is
    // reused across records.
    let mut local = reuse(std::mem::take(cells));
    // Only the columns a role uses are decoded; past the header only emptiness matters.
    local.extend((0..fields.len()).map(|i| {
        match used.get(i) {
            Some(true) => Cell::Text(fields.get_str(record_text, i).unwrap_or("\u{fffd}")),
            Some(false) => Cell::Empty,
            None if fields
                .get(record, i)
                .is_none_or(|f| f.trim_ascii().is_empty()) =>
            {
                Cell::Empty
            }
            None => Cell::Text("…"),
        }
    }));
    plan.observe(&local, &mut out.evidence, cache);
    out.rows += 1;
    let raw = || String::from_utf8_lossy(record.strip_suffix(b"\r").unwrap_or(record)).into_owned();
    match plan.process(cache, &local, line, &raw) {
        Outcome::Accepted(tx) => {
            out.accepted += 1;
            out.sink.push(&tx);
        }
        Outcome::Rejected(r) => out.rejected.push(r),
        Outcome::Blank => {
            out.rows -= 1;
            out.blank += lines_in_record;
        }
    }
    *cells = reuse(local);
}

/// Empties a cell vector and hands its allocation to a new lifetime.
fn reuse<'b>(mut cells: Vec<Cell<'_>>) -> Vec<Cell<'b>> {
    cells.clear();
    cells.into_iter().map(|_| Cell::Empty).collect()
}

struct PassResult<S> {
    result: WorkerResult<()>,
    sinks: Vec<S>,
    encoding: Option<&'static encoding_rs::Encoding>,
}

fn csv_pass<P: Pass>(
    path: &Path,
    plan: &RowPlan,
    prelude: &Prelude,
    forced: Option<&'static encoding_rs::Encoding>,
    options: &ImportOptions,
    pass: &P,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PassResult<P::Sink>, ImportError> {
    let shown = &plan.file;
    let dialect = prelude.dialect;
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        options.threads
    };
    let file = File::open(path).map_err(io_error(shown))?;
    let mut reader = DecodingReader::new(file, forced);
    let (tx, rx) = mpsc::sync_channel::<Chunk>(threads * 2);
    let (free_tx, free_rx) = mpsc::channel::<Vec<u8>>();
    let rx = Mutex::new(rx);
    let results: Vec<WorkerResult<P::Sink>> =
        std::thread::scope(|scope| -> Result<_, ImportError> {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let rx = &rx;
                    let free_tx = free_tx.clone();
                    scope.spawn(move || {
                        let mut out = WorkerResult {
                            sink: pass.sink(),
                            evidence: Evidence::default(),
                            rows: 0,
                            accepted: 0,
                            blank: 0,
                            rejected: Vec::new(),
                        };
                        let mut scratch = Scratch {
                            fields: Fields::default(),
                            unquoted: false,
                            cells: Vec::new(),
                            cache: RowCache::default(),
                            used: plan.used_columns(),
                        };
                        loop {
                            let chunk = match rx.lock() {
                                Ok(guard) => guard.recv(),
                                Err(_) => break,
                            };
                            let Ok(chunk) = chunk else { break };
                            work_chunk(plan, &chunk, dialect, &mut out, &mut scratch);
                            let _ = free_tx.send(chunk.data);
                        }
                        out
                    })
                })
                .collect();
            let read_result = feed_chunks(&mut reader, prelude, dialect, &tx, &free_rx, progress)
                .map_err(io_error(shown));
            drop(tx);
            let results: Vec<_> = handles
                .into_iter()
                .map(|h| h.join().expect("reader thread panicked"))
                .collect();
            read_result?;
            Ok(results)
        })?;
    let mut total = WorkerResult {
        sink: (),
        evidence: Evidence::default(),
        rows: 0,
        accepted: 0,
        blank: 0,
        rejected: Vec::new(),
    };
    let mut sinks = Vec::with_capacity(results.len());
    for r in results {
        sinks.push(r.sink);
        total.evidence.merge(&r.evidence);
        total.rows += r.rows;
        total.accepted += r.accepted;
        total.blank += r.blank;
        total.rejected.extend(r.rejected);
    }
    total.rejected.sort_by_key(|r| r.line);
    Ok(PassResult {
        result: total,
        sinks,
        encoding: reader.encoding(),
    })
}

/// Reads the file and hands out chunks that end at record boundaries.
fn feed_chunks(
    reader: &mut DecodingReader,
    prelude: &Prelude,
    dialect: Dialect,
    tx: &mpsc::SyncSender<Chunk>,
    free: &mpsc::Receiver<Vec<u8>>,
    progress: &(dyn Fn(u64) + Sync),
) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(decode::BLOCK * 2);
    let mut skip = prelude.data_start;
    let mut line = prelude.data_line;
    loop {
        let consumed = reader.read_block(&mut buf)?;
        progress(consumed as u64);
        if skip > 0 {
            let n = skip.min(buf.len());
            buf.drain(..n);
            skip -= n;
        }
        let last = consumed < decode::BLOCK;
        let cut = if last {
            buf.len()
        } else {
            last_boundary(&buf, dialect)
        };
        if cut > 0 || last {
            // Reuse a buffer a worker is done with: fresh memory costs page faults.
            let mut next = free
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(decode::BLOCK * 2));
            next.clear();
            next.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
            let data = std::mem::replace(&mut buf, next);
            let lines = memchr::memchr_iter(b'\n', &data).count() as u64;
            if tx
                .send(Chunk {
                    data,
                    first_line: line,
                })
                .is_err()
            {
                return Ok(());
            }
            line += lines;
        }
        if last {
            return Ok(());
        }
    }
}

/// End (exclusive) of the last complete record in `buf`, 0 if none.
fn last_boundary(buf: &[u8], dialect: Dialect) -> usize {
    let quoted = matches!(dialect, Dialect::Delimited(_)) && memchr::memchr(b'"', buf).is_some();
    if !quoted {
        return memchr::memrchr(b'\n', buf).map_or(0, |i| i + 1);
    }
    let mut pos = 0;
    let mut boundary = 0;
    while pos < buf.len() {
        match record_end(&buf[pos..], dialect) {
            (Some(e), _) => {
                pos += e + 1;
                boundary = pos;
            }
            (None, _) => break,
        }
    }
    boundary
}

fn import_csv<P: Pass>(
    path: &Path,
    shown: &str,
    options: &ImportOptions,
    new_pass: &dyn Fn() -> P,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(P, FileReport, Vec<Rejection>), ImportError> {
    let forced = forced_encoding(options)?;
    let prelude = prelude(path, shown, options, forced)?;
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
    let (mut data_pass, pass) = loop {
        let data_pass = new_pass();
        let pass = csv_pass(path, &plan, &prelude, forced, options, &data_pass, &|n| {
            if !reran {
                progress(n)
            }
        })?;
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
    }
}
