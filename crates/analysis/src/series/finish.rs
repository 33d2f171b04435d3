//! The builder of the series and its finish: shards sorted on all cores, merged by customer
//! number, customers finished in runs and handed on in order.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;
use compact_str::CompactString;
use kundenwert_core::{par, Period, PeriodKind, RowSink, Transaction, ValueBasis};
use rustc_hash::FxHasher;
use serde::Serialize;

use super::blocks::Blocks;
use super::shard::{hash_id, shard_of, CustomerAcc, MonthAcc, Shard, SHARDS};
use super::sink::{Line, LineCounts, SharedSeries};
use super::{CustomerSeries, HoldoutSummary, PeriodValue, ValueSeries};

/// Accumulates accepted rows per customer and month.
#[derive(Debug, Clone)]
pub struct SeriesBuilder {
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) shards: Vec<Shard>,
    pub(crate) counts: LineCounts,
}

pub(crate) fn order_key(tx: &Transaction<'_>) -> u64 {
    match tx.document {
        Some(doc) => {
            let mut h = FxHasher::default();
            doc.hash(&mut h);
            h.finish() & !(1 << 63)
        }
        None => (1 << 63) | (tx.date.to_epoch_days() as u32 as u64),
    }
}

/// Runs `f` on every shard (with its index), on up to one thread per core when there is
/// enough work to pay for the threads.
pub(crate) fn for_each_shard<T: Send>(items: Vec<T>, heavy: bool, f: impl Fn(T) + Sync) {
    let threads = if heavy { par::cores().min(SHARDS) } else { 1 };
    par::for_each(items, threads, f);
}

impl SeriesBuilder {
    /// A builder whose history ends at `as_of` (later rows are kept apart as holdout); `None`
    /// ends it at the last transaction.
    pub fn new(as_of: Option<NaiveDate>) -> Self {
        SeriesBuilder {
            as_of,
            shards: vec![Shard::default(); SHARDS],
            counts: LineCounts::default(),
        }
    }

    pub(crate) fn customer_count(&self) -> usize {
        self.shards.iter().map(|s| s.customers.len()).sum()
    }

    /// Adds one row.
    pub fn add(&mut self, tx: &Transaction<'_>) {
        let holdout = self.counts.count(tx, self.as_of);
        let hash = hash_id(tx.customer);
        self.shards[shard_of(hash)].apply(&Line {
            hash,
            id: tx.customer,
            name: tx.name,
            date: tx.date,
            revenue: tx.revenue,
            cost: tx.cost.unwrap_or(0.0),
            order_key: order_key(tx),
            holdout,
            lines: 1,
        });
    }

    /// Shares the builder between reading threads; see [`SeriesSink`](crate::SeriesSink).
    pub fn into_shared(self) -> Arc<SharedSeries> {
        let SeriesBuilder {
            as_of,
            shards,
            counts,
        } = self;
        Arc::new(SharedSeries {
            as_of,
            shards: shards.into_iter().map(Mutex::new).collect(),
            counts: Mutex::new(counts),
        })
    }

    /// Turns the accumulators into value series with periods of `kind`.
    pub fn finish(self, kind: PeriodKind) -> ValueSeries {
        // Shard by shard, each shard's accumulators freed as soon as its customers are
        // finished, then merged in order: the accumulators and the finished series never sit
        // in memory at the same time (with a million customers each takes about a gigabyte).
        let Prepared {
            shards,
            sequence,
            how,
            heavy,
            basis,
            as_of,
            holdout_rows,
        } = self.prepare(kind);
        type Finished = Vec<(Option<CustomerSeries>, HoldoutSummary)>;
        let finished: Vec<Mutex<Finished>> = shards.iter().map(|_| Mutex::default()).collect();
        let work: Vec<(usize, Sorted)> = shards.into_iter().enumerate().collect();
        for_each_shard(work, heavy, |(k, sorted)| {
            let Sorted { shard, order, .. } = sorted;
            let mut scratch = Vec::new();
            let out: Finished = order
                .iter()
                .map(|(_, i)| {
                    let mut h = HoldoutSummary::default();
                    let series = finish_customer(
                        &shard.customers[*i as usize],
                        &shard,
                        &how,
                        &mut h,
                        &mut scratch,
                    );
                    (series, h)
                })
                .collect();
            drop(shard);
            *finished[k].lock().unwrap_or_else(PoisonError::into_inner) = out;
        });
        let mut parts: Vec<std::vec::IntoIter<_>> = finished
            .into_iter()
            .map(|m| {
                m.into_inner()
                    .unwrap_or_else(PoisonError::into_inner)
                    .into_iter()
            })
            .collect();
        let mut holdout = HoldoutSummary {
            rows: holdout_rows,
            ..Default::default()
        };
        let mut customers = Vec::with_capacity(sequence.len());
        // In the merged order, the holdout summed by runs as finishing in order sums it: the
        // same total, bit for bit.
        for run in sequence.chunks(RUN) {
            let mut part = HoldoutSummary::default();
            for &k in run {
                let Some((series, h)) = parts[k as usize].next() else {
                    continue;
                };
                part.add(&h);
                customers.extend(series);
            }
            holdout.add(&part);
        }
        customers.shrink_to_fit();
        ValueSeries {
            as_of,
            period: kind,
            basis,
            customers,
            holdout,
        }
    }

    /// Finishes the customers in natural order of their numbers without keeping them all:
    /// consecutive runs of customers are finished and passed through `map` on all cores, and
    /// `sink` receives the mapped runs one after another, in order: formatting in `map` and
    /// writing in `sink`, the series of a million customers never sit in memory at once
    /// (`kundenwert series` does this with the lighter [`SeriesBuilder::periods_in_order`]).
    ///
    /// # Errors
    /// The first error `sink` returns; nothing after it is finished.
    pub fn finish_in_order<T: Send, E>(
        self,
        kind: PeriodKind,
        map: impl Fn(Vec<CustomerSeries>) -> T + Sync,
        sink: impl FnMut(T) -> Result<(), E>,
    ) -> Result<SeriesSummary, E> {
        self.in_order(
            kind,
            |customers, how, holdout| {
                let mut out = Vec::new();
                let mut scratch = Vec::new();
                for (acc, shard) in customers {
                    if let Some(series) = finish_customer(acc, shard, how, holdout, &mut scratch) {
                        out.push(series);
                    }
                }
                map(out)
            },
            sink,
        )
    }

    /// Like [`SeriesBuilder::finish_in_order`], but hands `map` only each customer's number and
    /// its periods of `kind` — what `kundenwert series` prints — as `(id, periods)` pairs.
    /// The periods are the same values the full series would have; totals, current value,
    /// name and the distinct orders of the whole history are not computed, and no series is
    /// allocated per customer: a run's periods share one vector.
    ///
    /// # Errors
    /// The first error `sink` returns; nothing after it is finished.
    pub fn periods_in_order<T: Send, E>(
        self,
        kind: PeriodKind,
        map: impl Fn(&[(&str, &[PeriodValue])]) -> T + Sync,
        sink: impl FnMut(T) -> Result<(), E>,
    ) -> Result<SeriesSummary, E> {
        self.in_order(
            kind,
            |customers, how, holdout| {
                let mut periods = Vec::new();
                let mut spans = Vec::new();
                let mut scratch = Vec::new();
                for (acc, shard) in customers {
                    let all = shard.cells.slice(acc.months);
                    let split = all.partition_point(|m| !m.holdout());
                    let (history, later) = all.split_at(split);
                    count_holdout(later, history.is_empty(), &shard.keys, how, holdout);
                    if history.is_empty() {
                        continue;
                    }
                    let start = periods.len();
                    rollup_into(
                        history,
                        &shard.keys,
                        kind,
                        how.has_cost,
                        &mut scratch,
                        &mut periods,
                    );
                    spans.push((acc.id.as_str(), start, periods.len()));
                }
                let views: Vec<(&str, &[PeriodValue])> = spans
                    .iter()
                    .map(|&(id, a, b)| (id, &periods[a..b]))
                    .collect();
                map(&views)
            },
            sink,
        )
    }

    /// The machinery of [`SeriesBuilder::finish_in_order`] and
    /// [`SeriesBuilder::periods_in_order`]: sorts, splits the customers into runs in order,
    /// calls `per_run` on every run on all cores and hands the results to `sink` in order.
    pub(crate) fn in_order<T: Send, E>(
        self,
        kind: PeriodKind,
        per_run: impl Fn(
                &mut dyn Iterator<Item = (&CustomerAcc, &Shard)>,
                &Finishing,
                &mut HoldoutSummary,
            ) -> T
            + Sync,
        mut sink: impl FnMut(T) -> Result<(), E>,
    ) -> Result<SeriesSummary, E> {
        let Prepared {
            shards,
            sequence,
            how,
            heavy,
            basis,
            as_of,
            holdout_rows,
        } = self.prepare(kind);
        let threads = if heavy { par::cores() } else { 1 };
        // Where each run starts in every shard's order.
        let runs: Vec<(&[u8], Vec<usize>)> = {
            let mut cursors = vec![0usize; shards.len()];
            sequence
                .chunks(RUN)
                .map(|run| {
                    let start = cursors.clone();
                    for &k in run {
                        cursors[k as usize] += 1;
                    }
                    (run, start)
                })
                .collect()
        };
        let finish_run = |(run, start): &(&[u8], Vec<usize>)| {
            let mut cursors = start.clone();
            let mut part_holdout = HoldoutSummary::default();
            // The run's customers and their first months are read in loops of their own
            // first: the records and month blocks lie scattered, and loads that do not depend
            // on each other overlap their cache misses (the safe stand-in for prefetching).
            let customers: Vec<(&CustomerAcc, &Shard)> = run
                .iter()
                .map(|&k| {
                    let Sorted { shard, order, .. } = &shards[k as usize];
                    let acc = &shard.customers[order[cursors[k as usize]].1 as usize];
                    cursors[k as usize] += 1;
                    (acc, shard)
                })
                .collect();
            let mut seen = 0i32;
            for (acc, shard) in &customers {
                if let Some(m) = shard.cells.slice(acc.months).first() {
                    seen ^= m.month;
                }
            }
            std::hint::black_box(seen);
            let mut customers = customers.into_iter();
            let mapped = per_run(&mut customers, &how, &mut part_holdout);
            (mapped, part_holdout)
        };
        let mut holdout = HoldoutSummary {
            rows: holdout_rows,
            ..Default::default()
        };
        let mut take = |(mapped, h): (T, HoldoutSummary)| {
            holdout.add(&h);
            sink(mapped)
        };
        par::in_order(runs.len(), threads, |i| finish_run(&runs[i]), &mut take)?;
        Ok(SeriesSummary {
            as_of,
            period: kind,
            basis,
            holdout,
        })
    }

    /// What both ways of finishing start from: every shard's customers in order of their
    /// numbers (as indexes: the records stay where they are) and their months by time, the
    /// as-of date (the last day with history unless given), and the shard of each customer in
    /// the merged order.
    pub(crate) fn prepare(self, kind: PeriodKind) -> Prepared {
        let basis = self.counts.basis();
        let has_cost = basis == ValueBasis::Margin;
        let heavy = self.customer_count() > 20_000;
        let mut shards: Vec<Sorted> = self
            .shards
            .into_iter()
            .map(|shard| Sorted {
                shard,
                order: Vec::new(),
                last: NaiveDate::MIN,
            })
            .collect();
        for_each_shard(shards.iter_mut().collect(), heavy, |sorted: &mut Sorted| {
            let Sorted { shard, order, last } = sorted;
            let customers = &shard.customers;
            // The numbers are copied next to the indexes (inline up to 24 bytes), so sorting
            // and merging read them in sequence rather than from scattered records.
            order.extend(
                customers
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.id.clone(), i as u32)),
            );
            order.sort_unstable_by(|a, b| natural_cmp(&a.0, &b.0));
            for acc in customers.iter() {
                let months = shard.cells.slice_mut(acc.months);
                months.sort_unstable_by_key(|m| (m.holdout(), m.month));
                if months.first().is_some_and(|m| !m.holdout()) {
                    *last = (*last).max(acc.last);
                }
            }
        });
        let as_of = self.as_of.unwrap_or_else(|| {
            shards
                .iter()
                .map(|s| s.last)
                .max()
                .unwrap_or(NaiveDate::MIN)
        });
        let sequence = merge_order(&shards);
        Prepared {
            shards,
            sequence,
            how: Finishing {
                kind,
                has_cost,
                as_of_month: Period::month_index_of(as_of),
            },
            heavy,
            basis,
            as_of,
            holdout_rows: self.counts.holdout,
        }
    }
}

/// Customers finished together, in order, on one core.
pub(crate) const RUN: usize = 8192;

/// The sorted shards and what else [`SeriesBuilder::prepare`] found.
pub(crate) struct Prepared {
    pub(crate) shards: Vec<Sorted>,
    pub(crate) sequence: Vec<u8>,
    pub(crate) how: Finishing,
    pub(crate) heavy: bool,
    pub(crate) basis: ValueBasis,
    pub(crate) as_of: NaiveDate,
    pub(crate) holdout_rows: u64,
}

/// One shard being finished: its customers' order by number and its last day with history.
pub(crate) struct Sorted {
    pub(crate) shard: Shard,
    pub(crate) order: Vec<(CompactString, u32)>,
    pub(crate) last: NaiveDate,
}

/// What a finished set of series is about, besides the customers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesSummary {
    /// End of the history.
    pub as_of: NaiveDate,
    /// Period length.
    pub period: PeriodKind,
    /// Whether values are margins or revenue.
    pub basis: ValueBasis,
    /// Rows after as-of.
    pub holdout: HoldoutSummary,
}

/// The order of all customers by [`natural_cmp`], as the shard each next one comes from; the
/// shards are sorted already, so a heap merge over borrowed numbers decides it.
pub(crate) fn merge_order(shards: &[Sorted]) -> Vec<u8> {
    #[derive(PartialEq, Eq)]
    struct Head<'a> {
        id: &'a str,
        shard: u8,
        pos: usize,
    }
    impl Ord for Head<'_> {
        fn cmp(&self, other: &Self) -> Ordering {
            // Reversed: BinaryHeap is a max-heap.
            natural_cmp(other.id, self.id).then(other.shard.cmp(&self.shard))
        }
    }
    impl PartialOrd for Head<'_> {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    let total = shards.iter().map(|s| s.order.len()).sum();
    let mut sequence = Vec::with_capacity(total);
    let mut heap: std::collections::BinaryHeap<Head<'_>> = shards
        .iter()
        .enumerate()
        .filter_map(|(k, s)| {
            s.order.first().map(|(id, _)| Head {
                id,
                shard: k as u8,
                pos: 0,
            })
        })
        .collect();
    while let Some(head) = heap.pop() {
        sequence.push(head.shard);
        let pos = head.pos + 1;
        if let Some((id, _)) = shards[head.shard as usize].order.get(pos) {
            heap.push(Head {
                id,
                shard: head.shard,
                pos,
            });
        }
    }
    sequence
}

/// What finishing a customer needs besides its accumulators.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Finishing {
    pub(crate) kind: PeriodKind,
    pub(crate) has_cost: bool,
    pub(crate) as_of_month: i32,
}

/// Counts a customer's months after as-of into `holdout`; returns their periods.
pub(crate) fn count_holdout(
    later: &[MonthAcc],
    no_history: bool,
    keys: &Blocks<u64>,
    how: &Finishing,
    holdout: &mut HoldoutSummary,
) -> Vec<PeriodValue> {
    let mut scratch = Vec::new();
    let holdout_periods = rollup(later, keys, how.kind, how.has_cost, &mut scratch);
    if !holdout_periods.is_empty() {
        holdout.customers += 1;
        if no_history {
            holdout.new_customers += 1;
        }
        holdout.revenue += holdout_periods.iter().map(|p| p.revenue).sum::<f64>();
    }
    holdout_periods
}

/// The series of one customer (months sorted), or `None` when all its rows lie after as-of.
pub(crate) fn finish_customer(
    acc: &CustomerAcc,
    shard: &Shard,
    how: &Finishing,
    holdout: &mut HoldoutSummary,
    scratch: &mut Vec<u64>,
) -> Option<CustomerSeries> {
    let Finishing {
        kind,
        has_cost,
        as_of_month,
    } = *how;
    let all = shard.cells.slice(acc.months);
    let keys = &shard.keys;
    let split = all.partition_point(|m| !m.holdout());
    let (history, later) = all.split_at(split);
    let holdout_periods = count_holdout(later, history.is_empty(), keys, how, holdout);
    if history.is_empty() {
        return None;
    }
    let value = |m: &MonthAcc| {
        if has_cost {
            m.revenue - m.cost
        } else {
            m.revenue
        }
    };
    let current_value = history
        .iter()
        .filter(|m| m.month > as_of_month - 12 && m.month <= as_of_month)
        .map(value)
        .sum();
    scratch.clear();
    history
        .iter()
        .for_each(|m| m.orders.extend_into(keys, scratch));
    scratch.sort_unstable();
    scratch.dedup();
    let orders = scratch.len() as u64;
    let revenue: f64 = history.iter().map(|m| m.revenue).sum();
    let cost: f64 = history.iter().map(|m| m.cost).sum();
    let lines = history.iter().map(|m| u64::from(m.lines)).sum();
    let months = rollup(history, keys, PeriodKind::Month, has_cost, scratch);
    let periods =
        (kind != PeriodKind::Month).then(|| rollup(history, keys, kind, has_cost, scratch));
    Some(CustomerSeries {
        id: acc.id.clone(),
        name: acc.name.as_deref().map(Into::into),
        first_date: acc.first,
        first_day_revenue: acc.first_day.0,
        first_day_cost: has_cost.then_some(acc.first_day.1),
        holdout_last_date: (acc.holdout_last != NaiveDate::MIN).then_some(acc.holdout_last),
        last_date: acc.last,
        revenue,
        cost: has_cost.then_some(cost),
        margin: has_cost.then_some(revenue - cost),
        lines,
        orders,
        current_value,
        months,
        other_periods: periods,
        holdout: holdout_periods,
    })
}

/// Sums months into periods of `kind`; orders are distinct across the months of a period.
pub(crate) fn rollup(
    months: &[MonthAcc],
    keys: &Blocks<u64>,
    kind: PeriodKind,
    has_cost: bool,
    scratch: &mut Vec<u64>,
) -> Vec<PeriodValue> {
    // At most one period per month (exactly one for months): no spare capacity is kept in
    // a million customers' series.
    let mut out = Vec::with_capacity(months.len());
    rollup_into(months, keys, kind, has_cost, scratch, &mut out);
    if out.len() < out.capacity() {
        out.shrink_to_fit();
    }
    out
}

/// [`rollup`] appending to `out`.
pub(crate) fn rollup_into(
    months: &[MonthAcc],
    keys: &Blocks<u64>,
    kind: PeriodKind,
    has_cost: bool,
    scratch: &mut Vec<u64>,
    out: &mut Vec<PeriodValue>,
) {
    let mut i = 0;
    while i < months.len() {
        let period = Period::containing_month(kind, months[i].month);
        let mut j = i;
        let (mut revenue, mut cost, mut lines) = (0.0, 0.0, 0u64);
        let mut days = 0u32;
        scratch.clear();
        while j < months.len() && Period::containing_month(kind, months[j].month) == period {
            revenue += months[j].revenue;
            cost += months[j].cost;
            lines += u64::from(months[j].lines);
            days += months[j].days().count_ones();
            months[j].orders.extend_into(keys, scratch);
            j += 1;
        }
        let orders = if j == i + 1 {
            months[i].orders.len() as u64
        } else {
            scratch.sort_unstable();
            scratch.dedup();
            scratch.len() as u64
        };
        out.push(PeriodValue {
            period,
            revenue,
            cost: has_cost.then_some(cost),
            margin: has_cost.then_some(revenue - cost),
            lines,
            orders,
            days: if kind == PeriodKind::Month {
                months[i].days()
            } else {
                0
            },
            active_days: days,
        });
        i = j;
    }
}

/// Orders customer numbers as people expect: `2` before `10`, then text.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    match (digits(a), digits(b)) {
        (true, true) => {
            let (ta, tb) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            ta.len()
                .cmp(&tb.len())
                .then_with(|| ta.cmp(tb))
                .then_with(|| a.cmp(b))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

impl RowSink for SeriesBuilder {
    fn push(&mut self, tx: &Transaction<'_>) {
        self.add(tx);
    }
}

impl SeriesBuilder {
    /// Absorbs a builder that saw other rows.
    pub fn merge(&mut self, other: Self) {
        self.counts.add(other.counts);
        let heavy = self.customer_count() + other.customer_count() > 20_000;
        let pairs: Vec<(&mut Shard, Shard)> = self.shards.iter_mut().zip(other.shards).collect();
        for_each_shard(pairs, heavy, |(mine, theirs)| mine.merge(theirs));
    }
}
