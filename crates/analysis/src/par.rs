//! Work on all cores with results taken in order.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// Items a thread maps at a time: large enough to amortise the hand-over, small enough that
/// the results waiting to be appended stay a small part of the whole.
const CHUNK: usize = 4096;

/// `f(index, item)` for every item, on all cores when there are enough items, in the items'
/// order. The results are appended chunk by chunk to one vector of the final size, so the
/// peak memory is the result plus a few chunks (collecting each thread's half and joining
/// them would need the result twice: a million classifications are half a gigabyte).
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if items.len() < 2 * CHUNK || threads == 1 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let mut out = Vec::with_capacity(items.len());
    let appended: Result<(), std::convert::Infallible> = in_order(
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
    match appended {
        Ok(()) => out,
        Err(never) => match never {},
    }
}

/// `work(i)` for every `i` in `0..n` on up to `threads` threads, each result handed to `sink`
/// on the caller's thread in the order of `i` as soon as it and all before it are done, so
/// the sink's work overlaps the workers'. A result that arrives early waits; at most the
/// whole output could wait, when one worker stalls, and in practice it is one or two. The
/// first error of `sink` stops the workers and is returned.
pub(crate) fn in_order<T: Send, E>(
    n: usize,
    threads: usize,
    work: impl Fn(usize) -> T + Sync,
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    if threads < 2 || n < 2 {
        return (0..n).try_for_each(|i| sink(work(i)));
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        // Bounded: a thread that runs ahead waits instead of piling up results.
        let (tx, rx) = mpsc::sync_channel(threads);
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, work) = (&next, &stop, &work);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n || tx.send((i, work(i))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        for (i, result) in rx.iter() {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&want) {
                want += 1;
                if let Err(e) = sink(result) {
                    // Dropping the receiver on return stops the workers.
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_item_once_in_order() {
        for n in [0, 1, CHUNK - 1, 2 * CHUNK, 5 * CHUNK + 17] {
            let items: Vec<u64> = (0..n as u64).collect();
            let mapped = par_map(&items, |i, t| (i as u64, t * 3));
            assert_eq!(mapped.len(), n);
            for (i, (index, value)) in mapped.iter().enumerate() {
                assert_eq!((*index, *value), (i as u64, items[i] * 3));
            }
        }
    }
}
