//! Mapping a slice on all cores, results in order.

use std::sync::atomic::{AtomicUsize, Ordering};
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
    let chunks = items.len().div_ceil(CHUNK);
    let next = AtomicUsize::new(0);
    let mut out = Vec::with_capacity(items.len());
    std::thread::scope(|scope| {
        // Bounded: a thread that runs ahead waits instead of piling up results.
        let (tx, rx) = mpsc::sync_channel::<(usize, Vec<R>)>(2 * threads);
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, f) = (&next, &f);
            scope.spawn(move || loop {
                let c = next.fetch_add(1, Ordering::Relaxed);
                if c >= chunks {
                    break;
                }
                let start = c * CHUNK;
                let part = &items[start..(start + CHUNK).min(items.len())];
                let mapped = part
                    .iter()
                    .enumerate()
                    .map(|(i, t)| f(start + i, t))
                    .collect();
                if tx.send((c, mapped)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        for (c, mapped) in rx.iter() {
            pending.insert(c, mapped);
            while let Some(mapped) = pending.remove(&want) {
                out.extend(mapped);
                want += 1;
            }
        }
    });
    out
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
