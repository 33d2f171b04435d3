//! Reading a CSV file's rows on several threads, in one of two ways: [`chunks`] (a reader
//! thread decodes the file and hands out blocks cut at record boundaries; any encoding, quotes
//! allowed) or [`ranges`] (each thread reads its own byte ranges of the file; UTF-8 without
//! quotes only). What a thread does with its text is the same in both and lives here.

pub(crate) mod chunks;
pub(crate) mod ranges;

use kundenwert_core::RowSink;

use crate::reject::{Reason, Rejection};
use crate::row::{Cell, Evidence, Outcome, RowCache, RowPlan};
use crate::split::{self, record_end, Dialect, Fields};
use crate::ImportOptions;

/// One piece of the decoded file, ending at a record boundary.
pub(crate) struct Chunk {
    pub(crate) data: Vec<u8>,
    pub(crate) first_line: u64,
}

/// What one reading thread saw.
pub(crate) struct WorkerResult<S> {
    pub(crate) sink: S,
    pub(crate) evidence: Evidence,
    pub(crate) rows: u64,
    pub(crate) accepted: u64,
    pub(crate) blank: u64,
    pub(crate) rejected: Vec<Rejection>,
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
pub(crate) struct Scratch {
    pub(crate) fields: Fields,
    /// Whether the current chunk has no `"` at all, so records need no quote handling.
    pub(crate) unquoted: bool,
    pub(crate) cells: Vec<Cell<'static>>,
    pub(crate) cache: RowCache,
    pub(crate) used: Vec<bool>,
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
pub(crate) fn reading_threads(options: &ImportOptions) -> usize {
    if options.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        options.threads
    }
}

pub(crate) fn work_chunk<S: RowSink>(
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
pub(crate) fn has_quotes(data: &[u8], dialect: Dialect) -> bool {
    matches!(dialect, Dialect::Delimited(_)) && memchr::memchr(b'"', data).is_some()
}

/// Reads the records of `text`, which ends at a record boundary; the first starts on physical
/// line `first_line`. Returns the physical lines read.
pub(crate) fn work_text<S: RowSink>(
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
pub(crate) fn swallows_rows(record: &[u8], dialect: Dialect, header_fields: usize) -> bool {
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
pub(crate) fn read_record<S: RowSink>(
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
pub(crate) fn read_split<S: RowSink>(
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
pub(crate) fn reuse<'b>(mut cells: Vec<Cell<'_>>) -> Vec<Cell<'b>> {
    cells.clear();
    cells.into_iter().map(|_| Cell::Empty).collect()
}

pub(crate) struct PassResult<S> {
    pub(crate) result: WorkerResult<()>,
    pub(crate) sinks: Vec<S>,
    pub(crate) encoding: Option<&'static encoding_rs::Encoding>,
}

/// Adds up the threads' results; rejections by line.
pub(crate) fn combine<S>(results: Vec<WorkerResult<S>>) -> (WorkerResult<()>, Vec<S>) {
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
