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
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{mpsc, Mutex};

use kundenwert_core::{Lang, Role};
use serde::Serialize;

pub use numbers::DecimalStyle;
pub use reject::{Reason, Rejection};
pub use row::Cell;
pub use split::Dialect;

use decode::DecodingReader;
use header::ColumnMap;
use row::{decide, Evidence, Outcome, RowCache, RowPlan};
use split::{record_end, Fields};

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
    #[error("{}", kundenwert_text::import_io(Lang::En, .source, .path))]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// `--encoding` names no encoding.
    #[error("{}", kundenwert_text::import_unknown_encoding(Lang::En, .label))]
    UnknownEncoding {
        /// The label given.
        label: String,
    },
    /// Nothing but blank lines.
    #[error("{}", kundenwert_text::import_empty(Lang::En, .path))]
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
    #[error("{}", kundenwert_text::import_unknown_header(Lang::En, .header, .path, .role))]
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
    #[error("{}", kundenwert_text::import_ambiguous_dates(Lang::En, .column, .example, .path))]
    AmbiguousDates {
        /// File.
        path: String,
        /// Date column header.
        column: String,
        /// Example value.
        example: String,
    },
    /// The spreadsheet cannot be read.
    #[error("{}", kundenwert_text::import_spreadsheet(Lang::En, .message, .path))]
    Spreadsheet {
        /// File.
        path: String,
        /// Cause.
        message: String,
    },
    /// A format we do not read (yet).
    #[error("{}", kundenwert_text::import_unsupported(Lang::En, .format, .path))]
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
        use kundenwert_text as text;
        let list = |found: &[String]| {
            found
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            ImportError::Io { path, source } => (text::import_io(lang, source, path), None),
            ImportError::UnknownEncoding { label } => (
                text::import_unknown_encoding(lang, label),
                Some(text::import_unknown_encoding_hint(lang).to_string()),
            ),
            ImportError::Empty { path } => (text::import_empty(lang, path), None),
            ImportError::MissingColumns {
                path,
                found,
                missing,
            } => {
                let roles = missing
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let msg = text::import_missing_columns(lang, list(found), path, roles);
                let example = missing.first().map_or("revenue", |r| r.as_str());
                let hint = text::import_missing_columns_hint(lang, example);
                (msg, Some(hint))
            }
            ImportError::UnknownHeader {
                path,
                role,
                header,
                found,
            } => (
                text::import_unknown_header_found(lang, list(found), header, path, role),
                Some(text::import_unknown_header_hint(lang).to_string()),
            ),
            ImportError::AmbiguousDates {
                path,
                column,
                example,
            } => (
                text::import_ambiguous_dates(lang, column, example, path),
                Some(text::import_ambiguous_dates_hint(lang).to_string()),
            ),
            ImportError::Spreadsheet { path, message } => {
                (text::import_spreadsheet(lang, message, path), None)
            }
            ImportError::Unsupported { path, format } => (
                text::import_unsupported(lang, format, path),
                Some(text::import_unsupported_hint(lang).to_string()),
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

impl<S> WorkerResult<S> {
    /// Nothing seen yet, results going to `sink`.
    fn new(sink: S) -> Self {
        WorkerResult {
            sink,
            evidence: Evidence::default(),
            rows: 0,
            accepted: 0,
            blank: 0,
            rejected: Vec::new(),
        }
    }
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

impl Scratch {
    fn new(plan: &RowPlan, unquoted: bool) -> Self {
        Scratch {
            fields: Fields::default(),
            unquoted,
            cells: Vec::new(),
            cache: RowCache::default(),
            used: plan.used_columns(),
        }
    }
}

/// Reading threads: `options.threads`, or one per core when that is 0.
fn reading_threads(options: &ImportOptions) -> usize {
    if options.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        options.threads
    }
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
    let quoted = has_quotes(chunk_text.as_bytes(), dialect);
    work_text(
        plan,
        &chunk_text,
        quoted,
        chunk.first_line,
        dialect,
        out,
        scratch,
    );
}

/// Whether `data` needs quote handling: a delimited file's `"` opens quoted fields.
fn has_quotes(data: &[u8], dialect: Dialect) -> bool {
    matches!(dialect, Dialect::Delimited(_)) && memchr::memchr(b'"', data).is_some()
}

/// Reads the records of `text`, which ends at a record boundary; the first starts on physical
/// line `first_line`. Returns the physical lines read.
fn work_text<S: RowSink>(
    plan: &RowPlan,
    text: &str,
    quoted: bool,
    first_line: u64,
    dialect: Dialect,
    out: &mut WorkerResult<S>,
    scratch: &mut Scratch,
) -> u64 {
    let data = text.as_bytes();
    scratch.unquoted = !quoted;
    let mut line = first_line;
    if let (false, Dialect::Delimited(delim)) = (quoted, dialect) {
        if let Some(mut records) = split::UnquotedRecords::new(data, delim) {
            // One scan finds every record and its fields; each record is one line.
            while let Some((a, b)) = records.next_record(&mut scratch.fields) {
                read_split(plan, &data[a..b], &text[a..b], line, 1, out, scratch);
                line += 1;
            }
            return line - first_line;
        }
    }
    let mut pos = 0;
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
    line - first_line
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
    if scratch.unquoted {
        split::split_unquoted(record, dialect, &mut scratch.fields);
    } else {
        split::split(record, dialect, &mut scratch.fields);
    }
    read_split(
        plan,
        record,
        record_text,
        line,
        lines_in_record,
        out,
        scratch,
    );
}

/// [`read_record`] once the record is split into `scratch.fields`.
fn read_split<S: RowSink>(
    plan: &RowPlan,
    record: &[u8],
    record_text: &str,
    line: u64,
    lines_in_record: u64,
    out: &mut WorkerResult<S>,
    scratch: &mut Scratch,
) {
    let Scratch {
        fields,
        cells,
        cache,
        used,
        ..
    } = scratch;
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
    let threads = reading_threads(options);
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
                        let mut out = WorkerResult::new(pass.sink());
                        let mut scratch = Scratch::new(plan, false);
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
    let (result, sinks) = combine(results);
    Ok(PassResult {
        result,
        sinks,
        encoding: reader.encoding(),
    })
}

/// Adds up the threads' results; rejections by line.
fn combine<S>(results: Vec<WorkerResult<S>>) -> (WorkerResult<()>, Vec<S>) {
    let mut total = WorkerResult::new(());
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
    (total, sinks)
}

/// Bytes of the file one reading thread takes at a time in [`csv_pass_direct`]: small enough
/// that the text just read is still in the core's cache when it is split and parsed.
const RANGE: u64 = 1 << 19;

/// One range a thread of [`csv_pass_direct`] read: its index, its physical lines, and its
/// rejections in the thread's list (their line numbers counted from the range's start).
struct RangeDone {
    index: usize,
    lines: u64,
    rejected: std::ops::Range<usize>,
}

/// Reads a file whose bytes are its text — UTF-8 without byte-order mark, no quote in a
/// delimited file — with threads that each read their own ranges of it: no reader thread, no
/// copy of every block into a chunk, no pass that counts lines ahead of the workers. A range's
/// first record starts after the first line break at or after its start; the record that
/// runs over its end is read to its line break. Line numbers of rejections are fixed up once
/// every range's line count is known.
///
/// Returns `None` when the file turns out to need the decoding reader of [`csv_pass`]: bytes
/// that are not UTF-8 (or a byte-order mark) need decoding, and a quote can hide a line break
/// inside a field, where a range cannot see it. The caller then drops this pass's rows and
/// reads the file again that way.
fn csv_pass_direct<P: Pass>(
    path: &Path,
    plan: &RowPlan,
    prelude: &Prelude,
    options: &ImportOptions,
    pass: &P,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Option<PassResult<P::Sink>>, ImportError> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let shown = &plan.file;
    let dialect = prelude.dialect;
    let mut file = File::open(path).map_err(io_error(shown))?;
    let len = file.metadata().map_err(io_error(shown))?.len();
    // The prelude's offsets are in the decoded text: file offsets only when the text before
    // the data is the file's bytes, i.e. UTF-8 without a byte-order mark.
    let start = prelude.data_start as u64;
    if len < start {
        return Ok(None);
    }
    let mut head = Vec::new();
    (&mut file)
        .take(start)
        .read_to_end(&mut head)
        .map_err(io_error(shown))?;
    if head.len() as u64 != start
        || encoding_rs::Encoding::for_bom(&head).is_some()
        || std::str::from_utf8(&head).is_err()
    {
        return Ok(None);
    }
    progress(start);
    let threads = reading_threads(options);
    let ranges = (len - start).div_ceil(RANGE) as usize;
    let next = AtomicUsize::new(0);
    // Set when the file needs the decoding reader, or a read failed: the others stop.
    let stop = AtomicBool::new(false);
    let needs_decoding = AtomicBool::new(false);
    let worker = || -> std::io::Result<(WorkerResult<P::Sink>, Vec<RangeDone>)> {
        let mut out = WorkerResult::new(pass.sink());
        let mut scratch = Scratch::new(plan, true);
        let mut done = Vec::new();
        let mut file = File::open(path)?;
        let mut buf = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= ranges {
                break;
            }
            let lo = start + index as u64 * RANGE;
            let hi = (lo + RANGE).min(len);
            let (a, b) = read_range(&mut file, lo, hi, start, &mut buf)?;
            progress(hi - lo);
            let text = match std::str::from_utf8(&buf[a..b]) {
                Ok(text) if !has_quotes(text.as_bytes(), dialect) => text,
                _ => {
                    needs_decoding.store(true, Ordering::Relaxed);
                    stop.store(true, Ordering::Relaxed);
                    break;
                }
            };
            let before = out.rejected.len();
            let lines = work_text(plan, text, false, 0, dialect, &mut out, &mut scratch);
            done.push(RangeDone {
                index,
                lines,
                rejected: before..out.rejected.len(),
            });
        }
        Ok((out, done))
    };
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let result = worker();
                    if result.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    result
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("reader thread panicked"))
            .collect()
    });
    let mut results = results
        .into_iter()
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(io_error(shown))?;
    if needs_decoding.load(Ordering::Relaxed) {
        return Ok(None);
    }
    // Every range was read: its first line is the data's first line plus the lines before it.
    let mut first_line = vec![0u64; ranges];
    for (_, done) in &results {
        for d in done {
            first_line[d.index] = d.lines;
        }
    }
    let mut line = prelude.data_line;
    for slot in &mut first_line {
        let lines = *slot;
        *slot = line;
        line += lines;
    }
    for (out, done) in &mut results {
        for d in done.iter() {
            for r in &mut out.rejected[d.rejected.clone()] {
                r.line += first_line[d.index];
            }
        }
    }
    let (result, sinks) = combine(results.into_iter().map(|(out, _)| out).collect());
    Ok(Some(PassResult {
        result,
        sinks,
        encoding: None,
    }))
}

/// Reads the records that start in `lo..hi` of the file (the data starting at `start`) into
/// `buf`; returns their span in `buf`. The byte before `lo` tells whether a record starts at
/// `lo`; the last record is read past `hi` up to its line break. `buf` keeps its length
/// between calls: it is read into as it stands rather than cleared and zeroed again.
fn read_range(
    file: &mut File,
    lo: u64,
    hi: u64,
    start: u64,
    buf: &mut Vec<u8>,
) -> std::io::Result<(usize, usize)> {
    use std::io::{Seek, SeekFrom};
    let from = if lo > start { lo - 1 } else { lo };
    file.seek(SeekFrom::Start(from))?;
    let want = (hi - from) as usize;
    if buf.len() < want {
        buf.resize(want, 0);
    }
    let mut filled = fill(file, &mut buf[..want])?;
    let first = if lo == start {
        0
    } else {
        memchr::memchr(b'\n', &buf[..filled]).map_or(filled, |p| p + 1)
    };
    if first >= filled {
        // No record starts in the range: one longer than the range started before it.
        return Ok((filled, filled));
    }
    // The record holding the range's last byte ends at the first line break from there on.
    let mut search = filled - 1;
    loop {
        if let Some(p) = memchr::memchr(b'\n', &buf[search..filled]) {
            return Ok((first, search + p + 1));
        }
        search = filled;
        if buf.len() < filled + (64 << 10) {
            buf.resize(filled + (64 << 10), 0);
        }
        let got = fill(file, &mut buf[filled..filled + (64 << 10)])?;
        if got == 0 {
            return Ok((first, filled));
        }
        filled += got;
    }
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
fn fill(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
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
            let prelude = prelude(&path, name, &options, None).unwrap();
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
