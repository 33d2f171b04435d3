//! The fast reading of a file whose bytes are its text (UTF-8 without byte-order mark, no
//! quote): each thread reads its own byte ranges of the file.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use kundenwert_core::{par, Pass};

use super::{combine, has_quotes, reading_threads, work_text, PassResult, Scratch, WorkerResult};
use crate::prelude::Prelude;
use crate::row::RowPlan;
use crate::{io_error, ImportError, ImportOptions};

/// Bytes of the file one reading thread takes at a time in [`csv_pass_direct`]: small enough
/// that the text just read is still in the core's cache when it is split and parsed.
pub(crate) const RANGE: u64 = 1 << 19;

/// One range a thread of [`csv_pass_direct`] read: its index, its physical lines, and its
/// rejections in the thread's list (their line numbers counted from the range's start).
pub(crate) struct RangeDone {
    pub(crate) index: usize,
    pub(crate) lines: u64,
    pub(crate) rejected: std::ops::Range<usize>,
}

/// Reads a file whose bytes are its text — UTF-8 without byte-order mark, no quote in a
/// delimited file — with threads that each read their own ranges of it: no reader thread, no
/// copy of every block into a chunk, no pass that counts lines ahead of the workers. A range's
/// first record starts after the first line break at or after its start; the record that
/// runs over its end is read to its line break. Line numbers of rejections are fixed up once
/// every range's line count is known.
///
/// Returns `None` when the file turns out to need the decoding reader of [`csv_pass`](super::chunks::csv_pass): bytes
/// that are not UTF-8 (or a byte-order mark) need decoding, and a quote can hide a line break
/// inside a field, where a range cannot see it. The caller then drops this pass's rows and
/// reads the file again that way.
pub(crate) fn csv_pass_direct<P: Pass>(
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
    // Each worker folds the ranges it takes into a sink and counts of its own, combined
    // below: results per worker rather than per range, hence workers rather than `in_order`.
    let (_, results) = par::with_workers(
        (0..threads).map(|_| {
            || {
                let result = worker();
                if result.is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
                result
            }
        }),
        || (),
    );
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
pub(crate) fn read_range(
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
pub(crate) fn fill(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
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
