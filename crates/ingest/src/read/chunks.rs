//! The reading that works for every file: a reader thread decodes the file and hands out
//! blocks cut at record boundaries (quote-aware) to the worker threads.

use std::fs::File;
use std::path::Path;
use std::sync::{mpsc, Mutex};

use kundenwert_core::{par, Pass};

use super::{combine, reading_threads, work_chunk, Chunk, PassResult, Scratch, WorkerResult};
use crate::decode::{self, DecodingReader};
use crate::prelude::Prelude;
use crate::row::RowPlan;
use crate::split::{record_end, Dialect};
use crate::{io_error, ImportError, ImportOptions};

pub(crate) fn csv_pass<P: Pass>(
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
    // A pipeline, not a map: this thread reads and cuts the blocks while the workers parse
    // them, each into a sink of its own, so the work comes through a channel.
    let source = &mut reader;
    let (read_result, results) = par::with_workers(
        (0..threads).map(|_| {
            let rx = &rx;
            let free_tx = free_tx.clone();
            move || {
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
            }
        }),
        // Owns the sender: dropping it when the reading ends (or fails) ends the workers.
        move || feed_chunks(source, prelude, dialect, &tx, &free_rx, progress),
    );
    read_result.map_err(io_error(shown))?;
    let (result, sinks) = combine(results);
    Ok(PassResult {
        result,
        sinks,
        encoding: reader.encoding(),
    })
}

/// Reads the file and hands out chunks that end at record boundaries.
pub(crate) fn feed_chunks(
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
pub(crate) fn last_boundary(buf: &[u8], dialect: Dialect) -> usize {
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
