//! One hash shard of the customers with their month accumulators, and the batches of rows
//! applied to it.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use chrono::{Datelike, NaiveDate};
use compact_str::CompactString;
use hashbrown::HashTable;
use kundenwert_core::Period;
use rustc_hash::FxHasher;

use super::blocks::{BlockRef, Blocks, Segmented};
use super::sink::Line;

/// Distinct orders of one customer in one month, as 64-bit keys: a hash of the document number,
/// or, for rows without one, the day (so orders are distinct days then). One key is kept here;
/// more live in the shard's key blocks, and `word` then holds the block's place.
///
/// Packed to 12 bytes (4-byte aligned) so that a month cell takes 40 bytes rather than 48:
/// three million of them are the largest part of the memory. Fields are only ever copied, never
/// borrowed, as packed fields must be.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, packed(4))]
pub(crate) struct OrderKeys {
    /// Number of keys.
    pub(crate) len: u32,
    /// The key when there is one; else the block: offset, segment << 32, class << 48.
    pub(crate) word: u64,
}

impl OrderKeys {
    pub(crate) fn block(self) -> BlockRef {
        let word = self.word;
        BlockRef {
            off: word as u32,
            len: self.len,
            seg: (word >> 32) as u16,
            class: (word >> 48) as u8,
        }
    }

    pub(crate) fn set_block(&mut self, r: BlockRef) {
        self.len = r.len;
        self.word = u64::from(r.off) | (u64::from(r.seg) << 32) | (u64::from(r.class) << 48);
    }

    pub(crate) fn insert(&mut self, key: u64, blocks: &mut Blocks<u64>) {
        match self.len {
            0 => {
                self.len = 1;
                self.word = key;
            }
            1 => {
                let first = self.word;
                if first != key {
                    let mut r = BlockRef::EMPTY;
                    blocks.push(&mut r, first);
                    blocks.push(&mut r, key);
                    self.set_block(r);
                }
            }
            _ => {
                // Lines of one document usually follow each other: check the newest first.
                let mut r = self.block();
                let v = blocks.slice(r);
                if v.last() != Some(&key) && !v.contains(&key) {
                    blocks.push(&mut r, key);
                    self.set_block(r);
                }
            }
        }
    }

    pub(crate) fn extend_into(self, blocks: &Blocks<u64>, out: &mut Vec<u64>) {
        match self.len {
            0 => {}
            1 => out.push(self.word),
            _ => out.extend_from_slice(blocks.slice(self.block())),
        }
    }

    pub(crate) fn len(self) -> usize {
        self.len as usize
    }
}

/// Bit of [`MonthAcc::marks`] that marks a month after as-of.
pub(crate) const HOLDOUT_MARK: u32 = 1 << 31;

// The layout the packing is for; a field added by mistake shows here.
const _: () = assert!(std::mem::size_of::<MonthAcc>() == 40);

/// One customer's month.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MonthAcc {
    pub(crate) month: i32,
    pub(crate) lines: u32,
    /// Days of the month with business, bit `d - 1` for day `d` (the distinct transaction
    /// days the lifetime-value models count), and [`HOLDOUT_MARK`] for a month dated after
    /// as-of: day bits end at bit 30.
    pub(crate) marks: u32,
    pub(crate) orders: OrderKeys,
    pub(crate) revenue: f64,
    pub(crate) cost: f64,
}

impl MonthAcc {
    pub(crate) fn new(month: i32, holdout: bool) -> Self {
        MonthAcc {
            month,
            marks: if holdout { HOLDOUT_MARK } else { 0 },
            ..MonthAcc::default()
        }
    }

    /// Dated after as-of.
    pub(crate) fn holdout(&self) -> bool {
        self.marks & HOLDOUT_MARK != 0
    }

    /// The days with business, bit `d - 1` for day `d`.
    pub(crate) fn days(&self) -> u32 {
        self.marks & !HOLDOUT_MARK
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CustomerAcc {
    pub(crate) hash: u64,
    /// Inline up to 24 bytes: comparing it does not chase a pointer.
    pub(crate) id: CompactString,
    pub(crate) name: Option<Box<str>>,
    pub(crate) first: NaiveDate,
    pub(crate) last: NaiveDate,
    /// Revenue and cost of the first day: the lifetime-value models count repeat
    /// transactions, and the spend model averages over them only.
    pub(crate) first_day: (f64, f64),
    /// Last row after as-of (`NaiveDate::MIN` if none): where the holdout ends.
    pub(crate) holdout_last: NaiveDate,
    /// History and holdout months, unordered, in the shard's cell blocks.
    pub(crate) months: BlockRef,
}

impl CustomerAcc {
    pub(crate) fn new(hash: u64, id: &str) -> Self {
        CustomerAcc {
            hash,
            id: CompactString::new(id),
            name: None,
            first: NaiveDate::MAX,
            last: NaiveDate::MIN,
            first_day: (0.0, 0.0),
            holdout_last: NaiveDate::MIN,
            months: BlockRef::EMPTY,
        }
    }

    /// Takes over the dates, first day and name of the same customer seen elsewhere (months
    /// apart).
    pub(crate) fn merge_dates(&mut self, other: &CustomerAcc) {
        if self.name.is_none() {
            self.name.clone_from(&other.name);
        }
        match other.first.cmp(&self.first) {
            Ordering::Less => self.first_day = other.first_day,
            Ordering::Equal => {
                self.first_day.0 += other.first_day.0;
                self.first_day.1 += other.first_day.1;
            }
            Ordering::Greater => {}
        }
        self.first = self.first.min(other.first);
        self.holdout_last = self.holdout_last.max(other.holdout_last);
        self.last = self.last.max(other.last);
    }
}

/// The accumulator of `month` in `months`, added when missing.
pub(crate) fn month_slot<'a>(
    cells: &'a mut Blocks<MonthAcc>,
    months: &mut BlockRef,
    month: i32,
    holdout: bool,
) -> &'a mut MonthAcc {
    // Exports are mostly sorted by date: the month is usually the newest one.
    let found = cells
        .slice(*months)
        .iter()
        .rposition(|m| m.month == month && m.holdout() == holdout);
    let idx = match found {
        Some(i) => i,
        None => {
            cells.push(months, MonthAcc::new(month, holdout));
            months.len() - 1
        }
    };
    &mut cells.slice_mut(*months)[idx]
}

/// Customers are spread over shards by hash so that merging the threads' builders and
/// finishing the series run in parallel, shard by shard.
pub(crate) const SHARDS: usize = 16;

/// Bits of the hash that pick the shard: above those hashbrown uses for the bucket index of
/// any realistic table, below the seven it keeps as tag.
pub(crate) fn shard_of(hash: u64) -> usize {
    ((hash >> 40) as usize) % SHARDS
}

pub(crate) fn hash_id(id: &str) -> u64 {
    let mut h = FxHasher::default();
    id.hash(&mut h);
    h.finish()
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Shard {
    /// `(hash, index into customers)`: the full hash is compared before the customer record is
    /// touched, and rehashing never reads the records.
    pub(crate) table: HashTable<(u64, u32)>,
    pub(crate) customers: Segmented<CustomerAcc>,
    /// The customers' month accumulators.
    pub(crate) cells: Blocks<MonthAcc>,
    /// The months' order keys, where a month has more than one.
    pub(crate) keys: Blocks<u64>,
}

impl Shard {
    /// Index of the customer's accumulator, and whether it is new.
    pub(crate) fn slot(&mut self, hash: u64, id: &str) -> (usize, bool) {
        let Shard {
            table, customers, ..
        } = self;
        let found = table
            .find(hash, |&(h, i)| {
                h == hash && &*customers[i as usize].id == id
            })
            .map(|&(_, i)| i);
        match found {
            Some(i) => (i as usize, false),
            None => {
                let i = customers.len();
                customers.push(CustomerAcc::new(hash, id));
                table.insert_unique(hash, (hash, i as u32), |&(h, _)| h);
                (i, true)
            }
        }
    }

    /// Index of the customer whose hash is `hash`, added when there is none. Only the hash is
    /// compared, so the customer record is not touched yet: the caller checks the number.
    pub(crate) fn by_hash(&mut self, hash: u64, id: &str) -> u32 {
        let Shard {
            table, customers, ..
        } = self;
        match table.find(hash, |&(h, _)| h == hash) {
            Some(&(_, i)) => i,
            None => {
                let i = customers.len() as u32;
                customers.push(CustomerAcc::new(hash, id));
                table.insert_unique(hash, (hash, i), |&(h, _)| h);
                i
            }
        }
    }

    pub(crate) fn apply(&mut self, line: &Line<'_>) {
        let (i, _) = self.slot(line.hash, line.id);
        self.update_customer(i, line);
        self.update_month(i, line);
    }

    /// Name, first and last day of customer `i`.
    pub(crate) fn update_customer(&mut self, i: usize, line: &Line<'_>) {
        let acc = &mut self.customers[i];
        if acc.name.is_none() {
            acc.name = line.name.map(Into::into);
        }
        if !line.holdout {
            match line.date.cmp(&acc.first) {
                Ordering::Less => {
                    acc.first = line.date;
                    acc.first_day = (line.revenue, line.cost);
                }
                Ordering::Equal => {
                    acc.first_day.0 += line.revenue;
                    acc.first_day.1 += line.cost;
                }
                Ordering::Greater => {}
            }
            acc.last = acc.last.max(line.date);
        } else {
            acc.holdout_last = acc.holdout_last.max(line.date);
        }
    }

    /// The month of customer `i`.
    pub(crate) fn update_month(&mut self, i: usize, line: &Line<'_>) {
        let Shard {
            customers,
            cells,
            keys,
            ..
        } = self;
        let acc = &mut customers[i];
        let slot = month_slot(
            cells,
            &mut acc.months,
            Period::month_index_of(line.date),
            line.holdout,
        );
        slot.lines += line.lines;
        // Day bits end at bit 30: the holdout mark stays as it is.
        slot.marks |= 1 << (line.date.day0() & 31);
        slot.revenue += line.revenue;
        slot.cost += line.cost;
        slot.orders.insert(line.order_key, keys);
    }

    pub(crate) fn merge(&mut self, other: Shard) {
        if self.customers.is_empty() {
            // The usual case: one file's pass absorbed into the empty total.
            *self = other;
            return;
        }
        let mut scratch = Vec::new();
        for acc in other.customers.iter() {
            let (i, _) = self.slot(acc.hash, &acc.id);
            let Shard {
                customers,
                cells,
                keys,
                ..
            } = self;
            let mine = &mut customers[i];
            mine.merge_dates(acc);
            for m in other.cells.slice(acc.months) {
                let slot = month_slot(cells, &mut mine.months, m.month, m.holdout());
                slot.lines += m.lines;
                slot.marks |= m.days();
                slot.revenue += m.revenue;
                slot.cost += m.cost;
                scratch.clear();
                m.orders.extend_into(&other.keys, &mut scratch);
                for &k in &scratch {
                    slot.orders.insert(k, keys);
                }
            }
        }
    }
}

/// Rows of one shard waiting to be applied; customer numbers and names live in `text`.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub(crate) text: String,
    pub(crate) rows: Vec<BatchRow>,
    /// The customer index of each row while the batch is applied.
    pub(crate) found: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct BatchRow {
    pub(crate) hash: u64,
    pub(crate) id: (u32, u32),
    pub(crate) name: Option<(u32, u32)>,
    pub(crate) date: NaiveDate,
    pub(crate) revenue: f64,
    pub(crate) cost: f64,
    pub(crate) order_key: u64,
    pub(crate) holdout: bool,
    pub(crate) lines: u32,
}

/// How many rows a sink collects before it applies them, shard by shard.
pub(crate) const FLUSH_ROWS: usize = 1 << 15;

/// Applies a batch in three sweeps — find every row's customer, update the customers, update
/// their months — rather than row by row: each sweep's memory accesses do not depend on each
/// other from row to row, so the processor overlaps their cache misses (table, customer record,
/// month block) instead of waiting for one after another. The rows are applied in the same
/// order either way.
pub(crate) fn apply_batch(shard: &mut Shard, batch: &mut Batch) {
    let Batch { text, rows, found } = batch;
    let slice = |(a, b): (u32, u32)| &text[a as usize..b as usize];
    let line = |r: &BatchRow| Line {
        hash: r.hash,
        id: slice(r.id),
        name: r.name.map(slice),
        date: r.date,
        revenue: r.revenue,
        cost: r.cost,
        order_key: r.order_key,
        holdout: r.holdout,
        lines: r.lines,
    };
    found.clear();
    found.extend(rows.iter().map(|r| shard.by_hash(r.hash, slice(r.id))));
    for (r, i) in rows.iter().zip(found.iter_mut()) {
        let id = slice(r.id);
        if shard.customers[*i as usize].id != id {
            // Another number with the same 64-bit hash.
            *i = shard.slot(r.hash, id).0 as u32;
        }
        shard.update_customer(*i as usize, &line(r));
    }
    touch_newest_months(shard, found);
    for (r, &i) in rows.iter().zip(found.iter()) {
        shard.update_month(i as usize, &line(r));
    }
    rows.clear();
    text.clear();
}

/// Reads the newest month of each of the customers `found`, in a loop that does nothing else.
/// The month blocks lie scattered over the shard; these loads do not depend on each other, so
/// the processor overlaps their cache misses, and the month updates that follow (whose longer
/// bodies let fewer misses overlap) find the blocks in cache. The safe stand-in for a prefetch
/// instruction.
pub(crate) fn touch_newest_months(shard: &Shard, found: &[u32]) {
    let mut seen = 0i32;
    for &i in found {
        let acc = &shard.customers[i as usize];
        if let Some(m) = shard.cells.slice(acc.months).last() {
            seen ^= m.month;
        }
    }
    std::hint::black_box(seen);
}
