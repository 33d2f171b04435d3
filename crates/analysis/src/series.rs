use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use chrono::{Datelike, NaiveDate};
use kundenwert_core::{Pass, RowSink};
use kundenwert_core::{Period, PeriodKind, Transaction, ValueBasis};
use std::sync::{Arc, Mutex, PoisonError};

use compact_str::CompactString;
use hashbrown::HashTable;
use rustc_hash::FxHasher;
use serde::Serialize;

/// Many small growing lists (the months of each customer, the documents of each month) in a
/// few large segments instead of one heap allocation each.
///
/// Growing a `Vec` per customer frees the old buffer on every doubling; the allocator hands such
/// pages back to the system and the next customers fault in fresh, zeroed ones — on this kind
/// of VM that cost more than the hash probes. Here a list that grows moves to a block of twice
/// the size and leaves its old block on a free list of its size, for the next list that grows
/// into it; segments are only ever added. Lists are addressed by [`BlockRef`]s, so everything
/// stays safe indexing.
#[derive(Debug, Clone)]
struct Blocks<T> {
    segments: Vec<Vec<T>>,
    /// Free blocks per size class (capacity [`class_size`]), as `(segment, offset)`.
    free: Vec<Vec<(u16, u32)>>,
}

impl<T> Default for Blocks<T> {
    fn default() -> Self {
        Blocks {
            segments: Vec::new(),
            free: Vec::new(),
        }
    }
}

/// Elements per segment: large enough that few segments exist, small enough that a shard's
/// last, partly used segment wastes little.
const SEGMENT: usize = 1 << 15;

/// One list in [`Blocks`]; `class == NO_BLOCK` while it is empty and has no block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BlockRef {
    off: u32,
    len: u32,
    seg: u16,
    class: u8,
}

const NO_BLOCK: u8 = u8::MAX;

impl BlockRef {
    const EMPTY: BlockRef = BlockRef {
        off: 0,
        len: 0,
        seg: 0,
        class: NO_BLOCK,
    };

    fn len(self) -> usize {
        self.len as usize
    }
}

impl<T: Copy + Default> Blocks<T> {
    fn slice(&self, r: BlockRef) -> &[T] {
        if r.class == NO_BLOCK {
            return &[];
        }
        let start = r.off as usize;
        &self.segments[usize::from(r.seg)][start..start + r.len()]
    }

    fn slice_mut(&mut self, r: BlockRef) -> &mut [T] {
        if r.class == NO_BLOCK {
            return &mut [];
        }
        let start = r.off as usize;
        &mut self.segments[usize::from(r.seg)][start..start + r.len()]
    }

    /// A block of `class_size(class)` elements: a freed one of that size, or new space.
    fn alloc(&mut self, class: u8) -> (u16, u32) {
        if let Some(block) = self
            .free
            .get_mut(usize::from(class))
            .and_then(|list| list.pop())
        {
            return block;
        }
        let size = class_size(class);
        let fits = self
            .segments
            .last()
            .is_some_and(|s| s.capacity() - s.len() >= size);
        if !fits {
            // A list longer than a segment gets a segment of its own size.
            self.segments.push(Vec::with_capacity(SEGMENT.max(size)));
        }
        let seg = self.segments.len() - 1;
        let segment = &mut self.segments[seg];
        let off = segment.len();
        segment.resize(off + size, T::default());
        (seg as u16, off as u32)
    }

    /// Appends `value` to the list `r`, moving it to a larger block when its block is full.
    fn push(&mut self, r: &mut BlockRef, value: T) {
        if r.class == NO_BLOCK {
            let (seg, off) = self.alloc(0);
            *r = BlockRef {
                off,
                len: 0,
                seg,
                class: 0,
            };
        } else if r.len() == class_size(r.class) {
            let (seg, off) = self.alloc(r.class + 1);
            let (old_seg, old_off) = (usize::from(r.seg), r.off as usize);
            for i in 0..r.len() {
                let v = self.segments[old_seg][old_off + i];
                self.segments[usize::from(seg)][off as usize + i] = v;
            }
            let class = usize::from(r.class);
            if self.free.len() <= class {
                self.free.resize_with(class + 1, Vec::new);
            }
            self.free[class].push((r.seg, r.off));
            r.seg = seg;
            r.off = off;
            r.class += 1;
        }
        let at = r.off as usize + r.len();
        self.segments[usize::from(r.seg)][at] = value;
        r.len += 1;
    }
}

/// Capacity of a block of size class `class`: 1, 2, 3, 4, 6, 8, 12, 16, 24, … — powers of two
/// and one and a half times them. Most customers have a handful of months; with powers of two
/// alone, a quarter of the month cells were held but unused (5 months in a block of 8).
fn class_size(class: u8) -> usize {
    match class {
        0 => 1,
        c if c % 2 == 1 => 1 << c.div_ceil(2),
        c => 3 << (c / 2 - 1),
    }
}

/// A growing list in fixed-size segments: unlike a `Vec` it never moves its elements to a
/// fresh allocation twice the size (each such move faults in new pages and frees the old).
#[derive(Debug, Clone)]
struct Segmented<T> {
    segments: Vec<Vec<T>>,
    len: usize,
}

/// Elements per segment of [`Segmented`] (a power of two: index → segment is a shift).
const SEGMENTED_BITS: u32 = 12;

impl<T> Default for Segmented<T> {
    fn default() -> Self {
        Segmented {
            segments: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Segmented<T> {
    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, value: T) {
        if self.len >> SEGMENTED_BITS == self.segments.len() {
            self.segments.push(Vec::with_capacity(1 << SEGMENTED_BITS));
        }
        self.segments[self.len >> SEGMENTED_BITS].push(value);
        self.len += 1;
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.segments.iter().flatten()
    }
}

impl<T> std::ops::Index<usize> for Segmented<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        &self.segments[i >> SEGMENTED_BITS][i & ((1 << SEGMENTED_BITS) - 1)]
    }
}

impl<T> std::ops::IndexMut<usize> for Segmented<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.segments[i >> SEGMENTED_BITS][i & ((1 << SEGMENTED_BITS) - 1)]
    }
}

/// Distinct orders of one customer in one month, as 64-bit keys: a hash of the document number,
/// or, for rows without one, the day (so orders are distinct days then). One key is kept here;
/// more live in the shard's key blocks, and `word` then holds the block's place.
///
/// Packed to 12 bytes (4-byte aligned) so that a month cell takes 40 bytes rather than 48:
/// three million of them are the largest part of the memory. Fields are only ever copied, never
/// borrowed, as packed fields must be.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, packed(4))]
struct OrderKeys {
    /// Number of keys.
    len: u32,
    /// The key when there is one; else the block: offset, segment << 32, class << 48.
    word: u64,
}

impl OrderKeys {
    fn block(self) -> BlockRef {
        let word = self.word;
        BlockRef {
            off: word as u32,
            len: self.len,
            seg: (word >> 32) as u16,
            class: (word >> 48) as u8,
        }
    }

    fn set_block(&mut self, r: BlockRef) {
        self.len = r.len;
        self.word = u64::from(r.off) | (u64::from(r.seg) << 32) | (u64::from(r.class) << 48);
    }

    fn insert(&mut self, key: u64, blocks: &mut Blocks<u64>) {
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

    fn extend_into(self, blocks: &Blocks<u64>, out: &mut Vec<u64>) {
        match self.len {
            0 => {}
            1 => out.push(self.word),
            _ => out.extend_from_slice(blocks.slice(self.block())),
        }
    }

    fn len(self) -> usize {
        self.len as usize
    }
}

/// Bit of [`MonthAcc::marks`] that marks a month after as-of.
const HOLDOUT_MARK: u32 = 1 << 31;

// The layout the packing is for; a field added by mistake shows here.
const _: () = assert!(std::mem::size_of::<MonthAcc>() == 40);

/// One customer's month.
#[derive(Debug, Clone, Copy, Default)]
struct MonthAcc {
    month: i32,
    lines: u32,
    /// Days of the month with business, bit `d - 1` for day `d` (the distinct transaction
    /// days the lifetime-value models count), and [`HOLDOUT_MARK`] for a month dated after
    /// as-of: day bits end at bit 30.
    marks: u32,
    orders: OrderKeys,
    revenue: f64,
    cost: f64,
}

impl MonthAcc {
    fn new(month: i32, holdout: bool) -> Self {
        MonthAcc {
            month,
            marks: if holdout { HOLDOUT_MARK } else { 0 },
            ..MonthAcc::default()
        }
    }

    /// Dated after as-of.
    fn holdout(&self) -> bool {
        self.marks & HOLDOUT_MARK != 0
    }

    /// The days with business, bit `d - 1` for day `d`.
    fn days(&self) -> u32 {
        self.marks & !HOLDOUT_MARK
    }
}

#[derive(Debug, Clone)]
struct CustomerAcc {
    hash: u64,
    /// Inline up to 24 bytes: comparing it does not chase a pointer.
    id: CompactString,
    name: Option<Box<str>>,
    first: NaiveDate,
    last: NaiveDate,
    /// Revenue and cost of the first day: the lifetime-value models count repeat
    /// transactions, and the spend model averages over them only.
    first_day: (f64, f64),
    /// Last row after as-of (`NaiveDate::MIN` if none): where the holdout ends.
    holdout_last: NaiveDate,
    /// History and holdout months, unordered, in the shard's cell blocks.
    months: BlockRef,
}

impl CustomerAcc {
    fn new(hash: u64, id: &str) -> Self {
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
    fn merge_dates(&mut self, other: &CustomerAcc) {
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
fn month_slot<'a>(
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
const SHARDS: usize = 16;

/// Bits of the hash that pick the shard: above those hashbrown uses for the bucket index of
/// any realistic table, below the seven it keeps as tag.
fn shard_of(hash: u64) -> usize {
    ((hash >> 40) as usize) % SHARDS
}

fn hash_id(id: &str) -> u64 {
    let mut h = FxHasher::default();
    id.hash(&mut h);
    h.finish()
}

#[derive(Debug, Clone, Default)]
struct Shard {
    /// `(hash, index into customers)`: the full hash is compared before the customer record is
    /// touched, and rehashing never reads the records.
    table: HashTable<(u64, u32)>,
    customers: Segmented<CustomerAcc>,
    /// The customers' month accumulators.
    cells: Blocks<MonthAcc>,
    /// The months' order keys, where a month has more than one.
    keys: Blocks<u64>,
}

impl Shard {
    /// Index of the customer's accumulator, and whether it is new.
    fn slot(&mut self, hash: u64, id: &str) -> (usize, bool) {
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
    fn by_hash(&mut self, hash: u64, id: &str) -> u32 {
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

    fn apply(&mut self, line: &Line<'_>) {
        let (i, _) = self.slot(line.hash, line.id);
        self.update_customer(i, line);
        self.update_month(i, line);
    }

    /// Name, first and last day of customer `i`.
    fn update_customer(&mut self, i: usize, line: &Line<'_>) {
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
    fn update_month(&mut self, i: usize, line: &Line<'_>) {
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

    fn merge(&mut self, other: Shard) {
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

/// One accepted row, reduced to what the series keep.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    hash: u64,
    id: &'a str,
    name: Option<&'a str>,
    date: NaiveDate,
    revenue: f64,
    cost: f64,
    order_key: u64,
    holdout: bool,
    /// Rows folded into this one (consecutive lines of one document).
    lines: u32,
}

/// A [`SeriesBuilder`] shared by reading threads, each shard behind its own lock.
#[derive(Debug)]
pub struct SharedSeries {
    as_of: Option<NaiveDate>,
    shards: Vec<Mutex<Shard>>,
    counts: Mutex<LineCounts>,
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

/// Rows of one shard waiting to be applied; customer numbers and names live in `text`.
#[derive(Debug, Default)]
struct Batch {
    text: String,
    rows: Vec<BatchRow>,
    /// The customer index of each row while the batch is applied.
    found: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct BatchRow {
    hash: u64,
    id: (u32, u32),
    name: Option<(u32, u32)>,
    date: NaiveDate,
    revenue: f64,
    cost: f64,
    order_key: u64,
    holdout: bool,
    lines: u32,
}

/// How many rows a sink collects before it applies them, shard by shard.
const FLUSH_ROWS: usize = 1 << 15;

/// The sink of one reading thread: it sorts rows into per-shard batches and applies a batch
/// under the shard's lock. Applying many rows to one shard at a time keeps that shard's part of
/// the hash table in cache, and the threads share one table instead of building one each and
/// merging them (radix-partitioned aggregation, as analytical databases do it).
#[derive(Debug)]
pub struct SeriesSink {
    shared: Arc<SharedSeries>,
    as_of: Option<NaiveDate>,
    /// Counted since the last flush.
    counts: LineCounts,
    batches: Vec<Batch>,
    pending: usize,
    /// The batch row the previous row went into, `(shard, index)`: the lines of one invoice
    /// follow each other, and folding them into one row saves a hash-table probe per line.
    last: Option<(usize, usize)>,
}

impl SeriesSink {
    fn flush(&mut self) {
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

/// Applies a batch in three sweeps — find every row's customer, update the customers, update
/// their months — rather than row by row: each sweep's memory accesses do not depend on each
/// other from row to row, so the processor overlaps their cache misses (table, customer record,
/// month block) instead of waiting for one after another. The rows are applied in the same
/// order either way.
fn apply_batch(shard: &mut Shard, batch: &mut Batch) {
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
fn touch_newest_months(shard: &Shard, found: &[u32]) {
    let mut seen = 0i32;
    for &i in found {
        let acc = &shard.customers[i as usize];
        if let Some(m) = shard.cells.slice(acc.months).last() {
            seen ^= m.month;
        }
    }
    std::hint::black_box(seen);
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
    as_of: Option<NaiveDate>,
    shared: Arc<SharedSeries>,
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
struct LineCounts {
    with_cost: u64,
    without_cost: u64,
    holdout: u64,
}

impl LineCounts {
    /// Counts one row; returns whether it lies after `as_of`.
    fn count(&mut self, tx: &Transaction<'_>, as_of: Option<NaiveDate>) -> bool {
        let holdout = as_of.is_some_and(|a| tx.date > a);
        if tx.cost.is_some() {
            self.with_cost += 1;
        } else {
            self.without_cost += 1;
        }
        self.holdout += u64::from(holdout);
        holdout
    }

    fn add(&mut self, other: LineCounts) {
        self.with_cost += other.with_cost;
        self.without_cost += other.without_cost;
        self.holdout += other.holdout;
    }

    fn basis(&self) -> ValueBasis {
        if self.without_cost == 0 && self.with_cost > 0 {
            ValueBasis::Margin
        } else {
            ValueBasis::Revenue
        }
    }
}

/// Accumulates accepted rows per customer and month.
#[derive(Debug, Clone)]
pub struct SeriesBuilder {
    as_of: Option<NaiveDate>,
    shards: Vec<Shard>,
    counts: LineCounts,
}

fn order_key(tx: &Transaction<'_>) -> u64 {
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
fn for_each_shard<T: Send>(items: Vec<T>, heavy: bool, f: impl Fn(T) + Sync) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if !heavy || threads < 2 {
        items.into_iter().for_each(f);
        return;
    }
    let queue = std::sync::Mutex::new(items.into_iter());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(SHARDS) {
            scope.spawn(|| loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                match next {
                    Some(item) => f(item),
                    None => break,
                }
            });
        }
    });
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

    fn customer_count(&self) -> usize {
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

    /// Shares the builder between reading threads; see [`SeriesSink`].
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
    fn in_order<T: Send, E>(
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
        let threads = if heavy {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            1
        };
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
        crate::par::in_order(runs.len(), threads, |i| finish_run(&runs[i]), &mut take)?;
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
    fn prepare(self, kind: PeriodKind) -> Prepared {
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
const RUN: usize = 8192;

/// The sorted shards and what else [`SeriesBuilder::prepare`] found.
struct Prepared {
    shards: Vec<Sorted>,
    sequence: Vec<u8>,
    how: Finishing,
    heavy: bool,
    basis: ValueBasis,
    as_of: NaiveDate,
    holdout_rows: u64,
}

/// One shard being finished: its customers' order by number and its last day with history.
struct Sorted {
    shard: Shard,
    order: Vec<(CompactString, u32)>,
    last: NaiveDate,
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
fn merge_order(shards: &[Sorted]) -> Vec<u8> {
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
struct Finishing {
    kind: PeriodKind,
    has_cost: bool,
    as_of_month: i32,
}

/// Counts a customer's months after as-of into `holdout`; returns their periods.
fn count_holdout(
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
fn finish_customer(
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
fn rollup(
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
fn rollup_into(
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

/// One period of one customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodValue {
    /// The period.
    #[serde(serialize_with = "period_as_string")]
    pub period: Period,
    /// Revenue.
    pub revenue: f64,
    /// Cost, when known.
    pub cost: Option<f64>,
    /// Margin, when cost is known.
    pub margin: Option<f64>,
    /// Invoice lines.
    pub lines: u64,
    /// Distinct documents (or distinct days when the export has no document number).
    pub orders: u64,
    /// Months only: the days of the month with business, bit `d - 1` for day `d` (0 for
    /// longer periods). The lifetime-value models count transactions as distinct days.
    #[serde(skip)]
    pub days: u32,
    /// Distinct days with business in the period.
    #[serde(skip)]
    pub active_days: u32,
}

impl PeriodValue {
    /// Margin where known, else revenue.
    pub fn value(&self) -> f64 {
        self.margin.unwrap_or(self.revenue)
    }
}

fn period_as_string<S: serde::Serializer>(p: &Period, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(p)
}

/// The history of one customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerSeries {
    /// Customer number (inline up to 24 bytes).
    pub id: CompactString,
    /// Name, when the export has one.
    pub name: Option<String>,
    /// First transaction up to as-of.
    pub first_date: NaiveDate,
    /// Revenue of the first day (the first transaction of the lifetime-value models).
    #[serde(skip)]
    pub first_day_revenue: f64,
    /// Cost of the first day, when known.
    #[serde(skip)]
    pub first_day_cost: Option<f64>,
    /// Last row after as-of, if any.
    #[serde(skip)]
    pub holdout_last_date: Option<NaiveDate>,
    /// Last transaction up to as-of.
    pub last_date: NaiveDate,
    /// Total revenue up to as-of.
    pub revenue: f64,
    /// Total cost, when known.
    pub cost: Option<f64>,
    /// Total margin, when cost is known.
    pub margin: Option<f64>,
    /// Invoice lines.
    pub lines: u64,
    /// Distinct orders.
    pub orders: u64,
    /// Margin (or revenue) of the 12 calendar months ending with the as-of month.
    pub current_value: f64,
    /// Monthly values, months without business left out.
    pub months: Vec<PeriodValue>,
    /// Values per requested period when that is not the month.
    #[serde(skip)]
    pub other_periods: Option<Vec<PeriodValue>>,
    /// Periods after as-of.
    pub holdout: Vec<PeriodValue>,
}

impl CustomerSeries {
    /// Values per period of the length the series was finished with.
    pub fn periods(&self) -> &[PeriodValue] {
        self.other_periods.as_deref().unwrap_or(&self.months)
    }
}

/// What lies after as-of.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HoldoutSummary {
    /// Rows dated after as-of.
    pub rows: u64,
    /// Customers with such rows.
    pub customers: u64,
    /// Of those, customers with no history up to as-of.
    pub new_customers: u64,
    /// Their revenue.
    pub revenue: f64,
}

impl HoldoutSummary {
    /// Adds a part's customers and revenue (not its rows: those are counted while reading).
    fn add(&mut self, part: &HoldoutSummary) {
        self.customers += part.customers;
        self.new_customers += part.new_customers;
        self.revenue += part.revenue;
    }
}

/// Value series of all customers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueSeries {
    /// End of the history.
    pub as_of: NaiveDate,
    /// Period length of [`CustomerSeries::periods`].
    pub period: PeriodKind,
    /// Whether values are margins or revenue.
    pub basis: ValueBasis,
    /// Customers in natural order of their numbers.
    pub customers: Vec<CustomerSeries>,
    /// Rows after as-of.
    pub holdout: HoldoutSummary,
}

impl ValueSeries {
    /// Index of the first month with business of any customer (see
    /// [`kundenwert_core::Period::month_index_of`]): where the data starts.
    pub fn first_month_index(&self) -> Option<i32> {
        self.customers
            .iter()
            .filter_map(|c| c.months.first())
            .map(|m| m.period.first_month_index())
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx<'a>(
        customer: &'a str,
        date: &str,
        revenue: f64,
        cost: Option<f64>,
        doc: Option<&'a str>,
    ) -> Transaction<'a> {
        Transaction {
            customer,
            name: None,
            date: date.parse().unwrap(),
            revenue,
            cost,
            quantity: None,
            product: None,
            document: doc,
        }
    }

    #[test]
    fn transaction_days_first_day_value_and_holdout_end() {
        // Two builders merged, as the reading threads do: the first day and the day marks must
        // not depend on which thread saw which row.
        let mut a = SeriesBuilder::new(Some("2023-03-31".parse().unwrap()));
        let mut b = SeriesBuilder::new(Some("2023-03-31".parse().unwrap()));
        a.add(&tx("7", "2023-01-31", 40.0, Some(10.0), Some("R2")));
        b.add(&tx("7", "2023-01-05", 100.0, Some(60.0), Some("R1")));
        a.add(&tx("7", "2023-01-05", 20.0, Some(5.0), Some("R3")));
        b.add(&tx("7", "2023-03-01", 10.0, Some(1.0), None));
        a.add(&tx("7", "2023-05-17", 70.0, Some(7.0), None));
        b.add(&tx("7", "2023-04-02", 70.0, Some(7.0), None));
        a.merge(b);
        let s = a.finish(PeriodKind::Quarter);
        let c = &s.customers[0];
        assert_eq!(c.first_day_revenue, 120.0);
        assert_eq!(c.first_day_cost, Some(65.0));
        assert_eq!(c.months[0].days, (1 << 4) | (1 << 30));
        assert_eq!(c.months[0].active_days, 2);
        assert_eq!(c.months[1].days, 1);
        assert_eq!(c.holdout_last_date, Some("2023-05-17".parse().unwrap()));
        // Quarters carry no day marks, but count the distinct days.
        assert_eq!(c.holdout[0].active_days, 2);
        assert_eq!(c.holdout[0].days, 0);
    }

    #[test]
    fn months_orders_and_current_value() {
        let mut b = SeriesBuilder::new(None);
        b.add(&tx("10", "2023-01-15", 100.0, Some(60.0), Some("R1")));
        b.add(&tx("10", "2023-01-15", 50.0, Some(20.0), Some("R1")));
        b.add(&tx("10", "2023-02-01", -30.0, Some(-10.0), Some("G1")));
        b.add(&tx("2", "2024-01-31", 200.0, Some(100.0), Some("R2")));
        let s = b.finish(PeriodKind::Month);
        assert_eq!(s.as_of, "2024-01-31".parse::<NaiveDate>().unwrap());
        assert_eq!(s.basis, ValueBasis::Margin);
        assert_eq!(s.customers[0].id, "2");
        let c10 = &s.customers[1];
        assert_eq!(c10.periods().len(), 2);
        assert_eq!(c10.periods()[0].orders, 1);
        assert_eq!(c10.periods()[0].margin, Some(70.0));
        assert_eq!(c10.orders, 2);
        // 12 months up to 2024-01 are 2023-02 .. 2024-01: only the credit note counts.
        assert_eq!(c10.current_value, -20.0);
        assert_eq!(s.customers[0].current_value, 100.0);
    }

    #[test]
    fn quarters_count_distinct_documents_and_days() {
        let mut b = SeriesBuilder::new(Some("2024-03-31".parse().unwrap()));
        b.add(&tx("1", "2024-01-02", 10.0, None, None));
        b.add(&tx("1", "2024-01-02", 10.0, None, None));
        b.add(&tx("1", "2024-02-03", 10.0, None, None));
        b.add(&tx("1", "2024-04-01", 99.0, None, None));
        let s = b.finish(PeriodKind::Quarter);
        assert_eq!(s.basis, ValueBasis::Revenue);
        let c = &s.customers[0];
        assert_eq!(c.periods().len(), 1);
        assert_eq!(c.periods()[0].orders, 2);
        assert_eq!(c.periods()[0].revenue, 30.0);
        assert_eq!(c.periods()[0].cost, None);
        assert_eq!(s.holdout.rows, 1);
        assert_eq!(c.holdout[0].revenue, 99.0);
    }

    #[test]
    fn merging_equals_one_pass() {
        let rows = [
            ("a", "2024-01-01", 1.0, "D1"),
            ("b", "2024-01-05", 2.0, "D2"),
            ("a", "2024-01-09", 3.0, "D1"),
            ("a", "2024-02-01", 4.0, "D3"),
        ];
        let mut one = SeriesBuilder::new(None);
        let (mut left, mut right) = (SeriesBuilder::new(None), SeriesBuilder::new(None));
        for (i, (c, d, r, doc)) in rows.iter().enumerate() {
            let t = tx(c, d, *r, Some(0.0), Some(doc));
            one.add(&t);
            if i % 2 == 0 {
                left.add(&t)
            } else {
                right.add(&t)
            }
        }
        left.merge(right);
        assert_eq!(
            one.finish(PeriodKind::Month),
            left.finish(PeriodKind::Month)
        );
    }

    /// Enough customers for the parallel, multi-run path of `finish_in_order`.
    #[test]
    fn many_customers_come_out_sorted_and_complete() {
        let mut b = SeriesBuilder::new(Some("2024-06-30".parse().unwrap()));
        let mut total = 0.0;
        let mut ids = std::collections::BTreeSet::new();
        for i in 0..60_000u64 {
            let id = format!("{}", (i * 7919) % 45_000);
            let day = 1 + (i % 28) as u32;
            let month = 1 + (i % 12) as u32;
            let date = NaiveDate::from_ymd_opt(2024, month, day).unwrap();
            let t = Transaction {
                customer: &id,
                name: None,
                date,
                revenue: (i % 100) as f64,
                cost: Some(1.0),
                quantity: None,
                product: None,
                document: None,
            };
            if date <= "2024-06-30".parse().unwrap() {
                total += t.revenue;
                ids.insert(id.clone());
            }
            b.add(&t);
        }
        let s = b.finish(PeriodKind::Quarter);
        assert_eq!(s.customers.len(), ids.len());
        assert!(s
            .customers
            .windows(2)
            .all(|w| natural_cmp(&w[0].id, &w[1].id) == Ordering::Less));
        let got: f64 = s.customers.iter().map(|c| c.revenue).sum();
        assert!((got - total).abs() < 1e-6, "{got} vs {total}");
        let by_periods: f64 = s
            .customers
            .iter()
            .flat_map(|c| c.periods())
            .map(|p| p.revenue)
            .sum();
        assert!((by_periods - total).abs() < 1e-6);
        assert!(s.holdout.rows > 0);
    }

    /// The sink folds consecutive lines of one document into one row: the result must equal
    /// adding every line on its own, also for the first day, names and distinct orders.
    #[test]
    fn sink_folding_equals_adding_each_line() {
        type Row<'a> = (&'a str, Option<&'a str>, &'a str, f64, Option<&'a str>);
        let rows: [Row<'_>; 9] = [
            ("7", None, "2023-01-05", 10.0, Some("R1")),
            ("7", Some("Müller"), "2023-01-05", 20.0, Some("R1")),
            ("7", None, "2023-01-05", 5.0, Some("R2")),
            ("8", None, "2023-01-05", 1.0, Some("R2")),
            ("7", None, "2023-01-06", 2.0, Some("R2")),
            ("7", None, "2023-02-01", 3.0, None),
            ("7", None, "2023-02-01", 4.0, None),
            ("7", None, "2023-04-01", 9.0, Some("R9")),
            ("7", None, "2023-04-01", 9.5, Some("R9")),
        ];
        let as_of = Some("2023-03-31".parse().unwrap());
        let mut one = SeriesBuilder::new(as_of);
        let mut pass = SeriesPass::new(as_of);
        let mut sink = pass.sink();
        for (customer, name, date, revenue, doc) in rows {
            let t = Transaction {
                customer,
                name,
                date: date.parse().unwrap(),
                revenue,
                cost: Some(revenue / 2.0),
                quantity: None,
                product: None,
                document: doc,
            };
            one.add(&t);
            sink.push(&t);
        }
        pass.close(vec![sink]);
        let folded = pass.into_builder().finish(PeriodKind::Month);
        assert_eq!(folded, one.finish(PeriodKind::Month));
        let c7 = &folded.customers[0];
        assert_eq!(c7.name.as_deref(), Some("Müller"));
        assert_eq!(c7.first_day_revenue, 35.0);
        assert_eq!(c7.months[0].lines, 4);
        assert_eq!(c7.months[0].orders, 2);
        assert_eq!(c7.holdout[0].lines, 2);
    }

    /// Interleaved growing lists keep their contents when they move to larger blocks, and
    /// freed blocks are handed to the next list that needs one.
    #[test]
    fn blocks_hold_interleaved_lists() {
        let mut blocks = Blocks::<u64>::default();
        let mut refs = vec![BlockRef::EMPTY; 300];
        let mut model = vec![Vec::new(); 300];
        let mut x = 12345u64;
        for step in 0..100_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Skewed: a few lists grow long, most stay short.
            let i = ((x >> 33) % 300) as usize % (1 + (x >> 60) as usize * 20);
            blocks.push(&mut refs[i], step);
            model[i].push(step);
        }
        for (r, m) in refs.iter().zip(&model) {
            assert_eq!(blocks.slice(*r), &m[..]);
        }
        let used: usize = model
            .iter()
            .filter(|m| !m.is_empty())
            .map(|m| {
                let class = (0..).find(|&c| class_size(c) >= m.len()).unwrap();
                class_size(class)
            })
            .sum();
        let held: usize = blocks.segments.iter().map(Vec::len).sum();
        // Without reuse every doubling would leave its old block behind (about twice `used`).
        let free: usize = blocks
            .free
            .iter()
            .enumerate()
            .map(|(class, list)| list.len() * class_size(class as u8))
            .sum();
        assert_eq!(held, used + free);
        // A block left behind by growing is the next new list's block.
        let mut small = Blocks::<u64>::default();
        let (mut a, mut b) = (BlockRef::EMPTY, BlockRef::EMPTY);
        small.push(&mut a, 1);
        small.push(&mut a, 2);
        small.push(&mut b, 3);
        assert_eq!((b.seg, b.off), (0, 0));
        assert_eq!(small.slice(a), &[1, 2]);
        assert_eq!(small.segments[0].len(), 3);
    }

    /// Two numbers with the same 64-bit hash stay two customers when a batch is applied.
    #[test]
    fn batch_keeps_customers_with_equal_hashes_apart() {
        let mut shard = Shard::default();
        let mut batch = Batch::default();
        for (id, revenue) in [("a", 1.0), ("b", 2.0), ("a", 4.0), ("b", 8.0)] {
            let start = batch.text.len() as u32;
            batch.text.push_str(id);
            batch.rows.push(BatchRow {
                hash: 42,
                id: (start, batch.text.len() as u32),
                name: None,
                date: "2024-01-02".parse().unwrap(),
                revenue,
                cost: 0.0,
                order_key: 7,
                holdout: false,
                lines: 1,
            });
        }
        apply_batch(&mut shard, &mut batch);
        let revenue = |id: &str| {
            let acc = shard.customers.iter().find(|c| c.id == id).unwrap();
            shard.cells.slice(acc.months)[0].revenue
        };
        assert_eq!(shard.customers.len(), 2);
        assert_eq!((revenue("a"), revenue("b")), (5.0, 10.0));
    }

    /// Runs reach the sink in order from the parallel workers, and a failing sink stops the
    /// finishing with its error.
    #[test]
    fn runs_arrive_in_order_and_a_sink_error_stops() {
        let build = || {
            let mut b = SeriesBuilder::new(None);
            for i in 0..50_000u32 {
                let id = format!("K{:06}", (i * 7919) % 40_000);
                b.add(&tx(&id, "2024-01-15", 1.0, None, None));
            }
            b
        };
        let mut seen = Vec::new();
        build()
            .finish_in_order(
                PeriodKind::Month,
                |part| part.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
                |ids| {
                    seen.extend(ids);
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
        assert_eq!(seen.len(), 40_000);
        assert!(seen.windows(2).all(|w| w[0] < w[1]));
        let mut calls = 0;
        let result = build().finish_in_order(
            PeriodKind::Month,
            |part| part.len(),
            |_| {
                calls += 1;
                if calls == 2 {
                    Err("disk full")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(result.unwrap_err(), "disk full");
        assert_eq!(calls, 2);
    }

    #[test]
    fn size_classes_grow_by_half_and_by_a_third() {
        let sizes: Vec<usize> = (0..12).map(class_size).collect();
        assert_eq!(sizes, [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]);
        assert_eq!((class_size(20), class_size(21)), (3 << 9, 1 << 11));
    }

    #[test]
    fn natural_order() {
        let mut ids = vec!["10", "9", "A1", "009", "2"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["2", "009", "9", "10", "A1"]);
    }
}
