//! Where the reading threads put their rows: per-thread sinks that batch rows by shard, the
//! pass the reader drives, and the shared series behind them.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use kundenwert_core::{Pass, RowSink, Transaction, ValueBasis};

use super::finish::{order_key, SeriesBuilder};
use super::shard::{apply_batch, hash_id, shard_of, Batch, BatchRow, Shard, FLUSH_ROWS, SHARDS};

/// One accepted row, reduced to what the series keep.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    pub(crate) hash: u64,
    pub(crate) id: &'a str,
    pub(crate) name: Option<&'a str>,
    pub(crate) date: NaiveDate,
    pub(crate) revenue: f64,
    pub(crate) cost: f64,
    pub(crate) order_key: u64,
    pub(crate) holdout: bool,
    /// Rows folded into this one (consecutive lines of one document).
    pub(crate) lines: u32,
}

/// A [`SeriesBuilder`] shared by reading threads, each shard behind its own lock.
#[derive(Debug)]
pub struct SharedSeries {
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) shards: Vec<Mutex<Shard>>,
    pub(crate) counts: Mutex<LineCounts>,
}

impl SharedSeries {
    /// A sink for one reading thread.
    pub fn sink(self: &Arc<Self>) -> SeriesSink {
        SeriesSink {
            shared: Arc::clone(self),
            as_of: self.as_of,
            counts: LineCounts::default(),
            batches: (0..SHARDS).map(|_| Batch::default()).collect(),
            pending: 0,
            last: None,
        }
    }

    /// The builder, once every sink is flushed and dropped.
    ///
    /// # Panics
    /// If a sink still holds a reference.
    pub fn into_builder(self: Arc<Self>) -> SeriesBuilder {
        let shared = Arc::try_unwrap(self).expect("every sink merged before finishing");
        let counts = shared
            .counts
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        SeriesBuilder {
            as_of: shared.as_of,
            shards: shared
                .shards
                .into_iter()
                .map(|m| {
                    m.into_inner()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                })
                .collect(),
            counts,
        }
    }
}

/// The sink of one reading thread: it sorts rows into per-shard batches and applies a batch
/// under the shard's lock. Applying many rows to one shard at a time keeps that shard's part of
/// the hash table in cache, and the threads share one table instead of building one each and
/// merging them (radix-partitioned aggregation, as analytical databases do it).
#[derive(Debug)]
pub struct SeriesSink {
    pub(crate) shared: Arc<SharedSeries>,
    pub(crate) as_of: Option<NaiveDate>,
    /// Counted since the last flush.
    pub(crate) counts: LineCounts,
    pub(crate) batches: Vec<Batch>,
    pub(crate) pending: usize,
    /// The batch row the previous row went into, `(shard, index)`: the lines of one invoice
    /// follow each other, and folding them into one row saves a hash-table probe per line.
    pub(crate) last: Option<(usize, usize)>,
}

impl SeriesSink {
    pub(crate) fn flush(&mut self) {
        // Threads flush at about the same pace: take the shards that are free first and wait
        // only for the rest, instead of queueing behind each other shard by shard.
        let mut busy = Vec::new();
        for (k, batch) in self.batches.iter_mut().enumerate() {
            if batch.rows.is_empty() {
                continue;
            }
            match self.shared.shards[k].try_lock() {
                Ok(mut shard) => apply_batch(&mut shard, batch),
                Err(std::sync::TryLockError::Poisoned(p)) => {
                    apply_batch(&mut p.into_inner(), batch)
                }
                Err(std::sync::TryLockError::WouldBlock) => busy.push(k),
            }
        }
        for k in busy {
            let mut shard = self.shared.shards[k]
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            apply_batch(&mut shard, &mut self.batches[k]);
        }
        let mut counts = self
            .shared
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        counts.add(std::mem::take(&mut self.counts));
        self.pending = 0;
        self.last = None;
    }
}

impl RowSink for SeriesSink {
    fn push(&mut self, tx: &Transaction<'_>) {
        let holdout = self.counts.count(tx, self.as_of);
        let key = order_key(tx);
        if let Some((k, i)) = self.last {
            let batch = &mut self.batches[k];
            let row = &mut batch.rows[i];
            // Same customer, day and document: only the sums change. Summing the lines first
            // and adding the sum to the month changes the rounding of the last bits at most,
            // as the order of the threads' batches already does.
            if row.order_key == key
                && row.date == tx.date
                && &batch.text[row.id.0 as usize..row.id.1 as usize] == tx.customer
            {
                row.revenue += tx.revenue;
                row.cost += tx.cost.unwrap_or(0.0);
                row.lines += 1;
                if row.name.is_none() {
                    if let Some(name) = tx.name {
                        let start = batch.text.len() as u32;
                        batch.text.push_str(name);
                        row.name = Some((start, batch.text.len() as u32));
                    }
                }
                return;
            }
        }
        let hash = hash_id(tx.customer);
        let k = shard_of(hash);
        let batch = &mut self.batches[k];
        let mut put = |s: &str| {
            let start = batch.text.len() as u32;
            batch.text.push_str(s);
            (start, batch.text.len() as u32)
        };
        let id = put(tx.customer);
        let name = tx.name.map(&mut put);
        batch.rows.push(BatchRow {
            hash,
            id,
            name,
            date: tx.date,
            revenue: tx.revenue,
            cost: tx.cost.unwrap_or(0.0),
            order_key: key,
            holdout,
            lines: 1,
        });
        self.last = Some((k, batch.rows.len() - 1));
        self.pending += 1;
        if self.pending >= FLUSH_ROWS {
            self.flush();
        }
    }
}

/// The [`Pass`] reading threads fill together: one [`SharedSeries`] per reading of a file.
#[derive(Debug)]
pub struct SeriesPass {
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) shared: Arc<SharedSeries>,
}

impl SeriesPass {
    /// A pass whose history ends at `as_of` (see [`SeriesBuilder::new`]).
    pub fn new(as_of: Option<NaiveDate>) -> Self {
        SeriesPass {
            as_of,
            shared: SeriesBuilder::new(as_of).into_shared(),
        }
    }

    /// The builder with every row of the pass.
    pub fn into_builder(self) -> SeriesBuilder {
        self.shared.into_builder()
    }
}

impl Pass for SeriesPass {
    type Sink = SeriesSink;

    fn sink(&self) -> SeriesSink {
        self.shared.sink()
    }

    fn close(&mut self, sinks: Vec<SeriesSink>) {
        for mut sink in sinks {
            sink.flush();
        }
    }

    fn absorb(&mut self, other: Self) {
        let placeholder = SeriesBuilder::new(self.as_of).into_shared();
        let mut mine = std::mem::replace(&mut self.shared, placeholder).into_builder();
        mine.merge(other.into_builder());
        self.shared = mine.into_shared();
    }
}

/// What every row adds besides its customer's accumulators: whether cost is known for all
/// lines (margin or revenue as the value basis) and how many lie after as-of.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LineCounts {
    pub(crate) with_cost: u64,
    pub(crate) without_cost: u64,
    pub(crate) holdout: u64,
}

impl LineCounts {
    /// Counts one row; returns whether it lies after `as_of`.
    pub(crate) fn count(&mut self, tx: &Transaction<'_>, as_of: Option<NaiveDate>) -> bool {
        let holdout = as_of.is_some_and(|a| tx.date > a);
        if tx.cost.is_some() {
            self.with_cost += 1;
        } else {
            self.without_cost += 1;
        }
        self.holdout += u64::from(holdout);
        holdout
    }

    pub(crate) fn add(&mut self, other: LineCounts) {
        self.with_cost += other.with_cost;
        self.without_cost += other.without_cost;
        self.holdout += other.holdout;
    }

    pub(crate) fn basis(&self) -> ValueBasis {
        if self.without_cost == 0 && self.with_cost > 0 {
            ValueBasis::Margin
        } else {
            ValueBasis::Revenue
        }
    }
}
