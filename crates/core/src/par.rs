//! Work on several threads, results taken in order.
//!
//! Every crate starts its threads here, so that joining them, passing a panic on and
//! stopping early are written (and tested) once:
//!
//! - [`in_order`] / [`try_in_order`]: `work(i)` for `i` in `0..n` on a pool, each result
//!   handed to a sink on the calling thread in the order of `i`, with a bounded number of
//!   results waiting: for results consumed as they come (finished runs written, blocks of
//!   JSON printed).
//! - [`map_in_order`]: the same, all results collected into a vector, with no hand-over per
//!   item (likelihood chunks, model fits).
//! - [`par_map`]: a slice mapped item by item into a vector in the items' order.
//! - [`for_each`]: items moved one by one to a pool, no results (shards worked in place).
//! - [`with_workers`]: the primitive the others are built on, for the shapes that are not
//!   "item `i` gives result `i`": a reader feeding workers through a channel, workers that
//!   each fold into state of their own, a part that has to run on the calling thread.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::panic::resume_unwind;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex, OnceLock, PoisonError};

/// Threads the machine runs at once (1 when it cannot tell). Asked once per process: the
/// answer costs system calls (on Linux it reads the cgroup limits), and the helpers ask on
/// every call, some of them a few hundred times per model fit.
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Runs each closure of `workers` on a thread of its own while `main` runs on the calling
/// thread, and returns what `main` returned and what the workers returned, in the workers'
/// order. All threads have ended when it returns.
///
/// A worker that panics has its panic raised again on the calling thread, with its own
/// payload, once every thread has ended (the first in the workers' order when several do).
/// Whatever `main` waits for must end when a worker ends early: a channel fed by the workers
/// ends when their senders drop (unwinding drops them); a channel feeding the workers ends
/// when `main` drops its sender, so `main` should own it rather than borrow it.
pub fn with_workers<W, M, F>(
    workers: impl IntoIterator<Item = F>,
    main: impl FnOnce() -> M,
) -> (M, Vec<W>)
where
    F: FnOnce() -> W + Send,
    W: Send,
{
    std::thread::scope(|scope| {
        let handles: Vec<_> = workers.into_iter().map(|w| scope.spawn(w)).collect();
        let main = main();
        let mut results = Vec::with_capacity(handles.len());
        let mut panic = None;
        for handle in handles {
            match handle.join() {
                Ok(result) => results.push(result),
                Err(payload) => {
                    panic.get_or_insert(payload);
                }
            }
        }
        if let Some(payload) = panic {
            resume_unwind(payload);
        }
        (main, results)
    })
}

/// `work(i)` for every `i` in `0..n` on up to `threads` threads, each result handed to `sink`
/// on the calling thread in the order of `i` as soon as it and all before it are done, so
/// the sink's work overlaps the workers'. With fewer than two threads or items everything
/// runs on the calling thread.
///
/// # Errors
/// The first error of `sink`; nothing after it reaches the sink and the workers stop.
pub fn in_order<T: Send, E>(
    n: usize,
    threads: usize,
    work: impl Fn(usize) -> T + Sync,
    sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    // The sink's error never crosses threads, so it need not be `Send`.
    ordered(
        n,
        threads,
        |i| Ok::<T, Infallible>(work(i)),
        sink,
        |never| match never {},
    )
}

/// `work(i)` for every `i` in `0..n` on up to `threads` threads (the calling thread one of
/// them), collected in the order of `i`. Unlike [`in_order`] nothing is handed over while
/// the work runs: each thread keeps its results until the end, which spares a hand-over per
/// item (on a busy machine every one waits for the receiving thread to be scheduled) when
/// all results are wanted at once anyway. With fewer than two threads or items everything
/// runs on the calling thread.
///
/// # Panics
/// A panic of `work` stops the other threads taking items and is raised again on the
/// calling thread.
pub fn map_in_order<T: Send>(n: usize, threads: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    if threads < 2 || n < 2 {
        return (0..n).map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let halt = || stop.store(true, Ordering::Relaxed);
    // A reference, which is `Copy`: the same closure serves every thread.
    let take = &|| {
        let _halt_on_panic = OnPanic(&halt);
        let mut mine = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            mine.push((i, work(i)));
        }
        mine
    };
    // The calling thread takes items as well: it would only wait otherwise.
    let (own, others) = with_workers((1..threads.min(n)).map(|_| take), take);
    let mut all: Vec<(usize, T)> = own
        .into_iter()
        .chain(others.into_iter().flatten())
        .collect();
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, t)| t).collect()
}

/// [`in_order`] for work that can fail.
///
/// At most `2 × threads` results exist at a time (done or being worked on, not yet taken
/// by the sink): a worker that runs ahead of the sink waits rather than piling results up,
/// so memory stays bounded by the window even when one item takes long or the sink is slow.
///
/// # Errors
/// The first error in the order of `i`, of `work` or of `sink`: the workers stop taking new
/// items as soon as one fails, every item before it is still worked and sunk (one of them
/// may fail first), and nothing after it reaches the sink.
///
/// # Panics
/// A panic of `work` stops the other workers and is raised again on the calling thread.
pub fn try_in_order<T: Send, E: Send>(
    n: usize,
    threads: usize,
    work: impl Fn(usize) -> Result<T, E> + Sync,
    sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    ordered(n, threads, work, sink, |e| e)
}

/// [`try_in_order`] with the work's errors (`W`, which cross threads) apart from the sink's
/// (`E`, which stay on the calling thread): `lift` turns the one into the other.
fn ordered<T: Send, W: Send, E>(
    n: usize,
    threads: usize,
    work: impl Fn(usize) -> Result<T, W> + Sync,
    mut sink: impl FnMut(T) -> Result<(), E>,
    lift: impl Fn(W) -> E,
) -> Result<(), E> {
    if threads < 2 || n < 2 {
        return (0..n).try_for_each(|i| sink(work(i).map_err(&lift)?));
    }
    let threads = threads.min(n);
    let window = 2 * threads;
    let next = AtomicUsize::new(0);
    // Items from here on are not started: set to the first item whose work failed. Every
    // item before it has been taken already and is still worked, as one of them may fail
    // too and come first.
    let limit = AtomicUsize::new(n);
    // Set when the results are no longer wanted: the sink failed or something panicked.
    let abort = AtomicBool::new(false);
    // How many results the sink has taken, and the wake-up for workers waiting on it.
    let taken = Mutex::new(0usize);
    let moved = Condvar::new();
    let wake = || {
        // Under the lock, so a worker between its check and its wait cannot miss it.
        let _guard = taken.lock().unwrap_or_else(PoisonError::into_inner);
        moved.notify_all();
    };
    let halt = || {
        abort.store(true, Ordering::Relaxed);
        wake();
    };
    let (tx, rx) = mpsc::sync_channel::<(usize, Result<T, W>)>(threads);
    let worker = |tx: mpsc::SyncSender<(usize, Result<T, W>)>| {
        let (next, limit, abort, taken, moved) = (&next, &limit, &abort, &taken, &moved);
        let (work, wake, halt) = (&work, &wake, &halt);
        move || {
            let _halt_on_panic = OnPanic(halt);
            let wanted =
                |i: usize| !abort.load(Ordering::Relaxed) && i < limit.load(Ordering::Relaxed);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if !wanted(i) {
                    break;
                }
                let mut sunk = taken.lock().unwrap_or_else(PoisonError::into_inner);
                while i >= *sunk + window && wanted(i) {
                    sunk = moved.wait(sunk).unwrap_or_else(PoisonError::into_inner);
                }
                drop(sunk);
                if !wanted(i) {
                    break;
                }
                let result = work(i);
                if result.is_err() {
                    limit.fetch_min(i, Ordering::Relaxed);
                    // Workers waiting to start a later item give up.
                    wake();
                }
                if tx.send((i, result)).is_err() {
                    break;
                }
            }
        }
    };
    let workers: Vec<_> = (0..threads).map(|_| worker(tx.clone())).collect();
    // The workers hold the only senders: the receiving loop ends when the last one ends.
    drop(tx);
    let (taken, moved, halt) = (&taken, &moved, &halt);
    let (outcome, _) = with_workers(
        workers,
        // Owns the receiver, so a return drops it and wakes workers blocked on sending.
        move || {
            // A panicking sink must still release the workers waiting for the window.
            let _halt_on_panic = OnPanic(halt);
            let mut pending = BTreeMap::new();
            let mut want = 0;
            for (i, result) in rx.iter() {
                pending.insert(i, result);
                while let Some(result) = pending.remove(&want) {
                    want += 1;
                    if let Err(e) = result.map_err(&lift).and_then(&mut sink) {
                        halt();
                        return Err(e);
                    }
                    *taken.lock().unwrap_or_else(PoisonError::into_inner) = want;
                    moved.notify_all();
                }
            }
            // Every item was sunk, or a worker panicked and the pool raises it.
            Ok(())
        },
    );
    outcome
}

/// Calls its function when dropped during a panic: stops the other workers of a pool whose
/// worker panicked, so the pool ends and the panic reaches the caller soon.
struct OnPanic<F: Fn()>(F);

impl<F: Fn()> Drop for OnPanic<F> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            (self.0)();
        }
    }
}

/// Items [`par_map`] maps on one thread at a time: large enough to amortise the hand-over,
/// small enough that the results waiting to be appended stay a small part of the whole.
const CHUNK: usize = 4096;

/// `f(index, item)` for every item, on all cores when there are enough items, in the items'
/// order. The results are appended chunk by chunk to one vector of the final size, so the
/// peak memory is the result plus a few chunks (collecting each thread's half and joining
/// them would need the result twice: a million classifications are half a gigabyte).
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads = cores();
    if items.len() < 2 * CHUNK || threads == 1 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let mut out = Vec::with_capacity(items.len());
    let Ok(()) = in_order::<_, Infallible>(
        items.len().div_ceil(CHUNK),
        threads,
        |c| {
            let start = c * CHUNK;
            items[start..(start + CHUNK).min(items.len())]
                .iter()
                .enumerate()
                .map(|(i, t)| f(start + i, t))
                .collect::<Vec<R>>()
        },
        |mapped| {
            out.extend(mapped);
            Ok(())
        },
    );
    out
}

/// `f(item)` for every item, each moved to whichever of up to `threads` threads is free
/// next; for work done in place, where nothing comes back. With fewer than two threads or
/// items everything runs on the calling thread.
///
/// # Panics
/// A panic of `f` is raised again on the calling thread once the pool has ended.
pub fn for_each<T: Send>(items: Vec<T>, threads: usize, f: impl Fn(T) + Sync) {
    if threads < 2 || items.len() < 2 {
        items.into_iter().for_each(f);
        return;
    }
    let threads = threads.min(items.len());
    let queue = Mutex::new(items.into_iter());
    let (queue, f) = (&queue, &f);
    with_workers(
        (0..threads).map(|_| {
            move || loop {
                // A poisoned queue means a worker panicked; the pool ends and re-raises it.
                let Some(item) = queue.lock().ok().and_then(|mut q| q.next()) else {
                    break;
                };
                f(item);
            }
        }),
        || (),
    );
}

#[cfg(test)]
mod tests;
