//! Rows encoded as byte records whose byte order is the order a document's lines are numbered
//! in, and an external sort of them in bounded memory.
//!
//! Why in Rust rather than in SQL: ranking a 10 M-line file with `row_number() OVER (PARTITION
//! BY document ...)` in a staging table took about 40 s, most of an import. Here each record is
//! compared as plain bytes (`memcmp`), runs of bounded size are sorted in memory and spilled to
//! anonymous temporary files, and a k-way merge hands the records back in order, so the
//! documented lines reach the unique `(document, position)` index in its own order.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use chrono::{Datelike, NaiveDate};

use crate::{StoreError, StoredTransaction};

/// Appends `row` to `out` as one record. Its bytes compare as the tuple (document, date,
/// product, customer, revenue, cost, quantity, name, position) does, with `None` before any
/// value and the amounts by their bit patterns as unsigned integers: the order SQLite gave
/// `ORDER BY date, product, customer, revenue_key, cost_key, quantity_key` before (NULLs first,
/// text by bytes). The name and position only make ties deterministic.
///
/// The date must be in years 0..=9999 (checked before, see `check_row`).
pub(crate) fn encode(row: &StoredTransaction, out: &mut Vec<u8>) {
    text(out, row.document.as_deref().unwrap_or(""));
    // Days since 0001-01-01 with the sign bit flipped: big-endian bytes then sort as the dates.
    out.extend_from_slice(&((row.date.num_days_from_ce() as u32) ^ (1 << 31)).to_be_bytes());
    optional_text(out, row.product.as_deref());
    text(out, &row.customer);
    out.extend_from_slice(&row.revenue.to_bits().to_be_bytes());
    optional_amount(out, row.cost);
    optional_amount(out, row.quantity);
    optional_text(out, row.name.as_deref());
    match row.position {
        None => out.push(0),
        Some(p) => {
            out.push(1);
            out.extend_from_slice(&p.to_be_bytes());
        }
    }
}

/// Text ends in `00 00`; a `00` inside it is written `00 FF`. So a string sorts before every
/// longer string it begins, and otherwise as its bytes do.
fn text(out: &mut Vec<u8>, s: &str) {
    for part in s.as_bytes().split(|&b| b == 0).enumerate() {
        if part.0 > 0 {
            out.extend_from_slice(&[0, 0xFF]);
        }
        out.extend_from_slice(part.1);
    }
    out.extend_from_slice(&[0, 0]);
}

fn optional_text(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            text(out, s);
        }
    }
}

fn optional_amount(out: &mut Vec<u8>, x: Option<f64>) {
    match x {
        None => out.push(0),
        Some(x) => {
            out.push(1);
            out.extend_from_slice(&x.to_bits().to_be_bytes());
        }
    }
}

/// One row read back from a record; text borrows the record unless it held a `00` byte.
#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    /// The document; empty stands for none (the store keeps only documented rows here).
    pub document: Cow<'a, str>,
    pub date: NaiveDate,
    pub product: Option<Cow<'a, str>>,
    pub customer: Cow<'a, str>,
    pub revenue: f64,
    pub cost: Option<f64>,
    pub quantity: Option<f64>,
    pub name: Option<Cow<'a, str>>,
    pub position: Option<u32>,
}

/// A record that does not decode: the temporary file was damaged.
fn damaged() -> StoreError {
    StoreError::TempFile {
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "a sorted record read back does not decode",
        ),
    }
}

/// Reads a record written by [`encode`].
pub(crate) fn decode(rec: &[u8]) -> Result<Decoded<'_>, StoreError> {
    let mut r = Reader(rec);
    let document = r.text()?;
    let days = u32::from_be_bytes(r.take::<4>()?) ^ (1 << 31);
    let date = NaiveDate::from_num_days_from_ce_opt(days as i32).ok_or_else(damaged)?;
    let product = r.optional_text()?;
    let customer = r.text()?;
    let revenue = f64::from_bits(u64::from_be_bytes(r.take::<8>()?));
    let cost = r.optional_amount()?;
    let quantity = r.optional_amount()?;
    let name = r.optional_text()?;
    let position = match r.byte()? {
        0 => None,
        _ => Some(u32::from_be_bytes(r.take::<4>()?)),
    };
    Ok(Decoded {
        document,
        date,
        product,
        customer,
        revenue,
        cost,
        quantity,
        name,
        position,
    })
}

/// The length of the document's part of a record (its text and terminator): records of the
/// same document begin with the same such prefix.
pub(crate) fn document_prefix(rec: &[u8]) -> Result<&[u8], StoreError> {
    let mut r = Reader(rec);
    r.text()?;
    Ok(&rec[..rec.len() - r.0.len()])
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, StoreError> {
        let (&b, rest) = self.0.split_first().ok_or_else(damaged)?;
        self.0 = rest;
        Ok(b)
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], StoreError> {
        let (head, rest) = self.0.split_first_chunk::<N>().ok_or_else(damaged)?;
        self.0 = rest;
        Ok(*head)
    }

    fn text(&mut self) -> Result<Cow<'a, str>, StoreError> {
        let s = self.0;
        let mut owned: Option<Vec<u8>> = None;
        let mut start = 0;
        loop {
            let zero = start
                + s[start..]
                    .iter()
                    .position(|&b| b == 0)
                    .ok_or_else(damaged)?;
            match s.get(zero + 1) {
                Some(0) => {
                    self.0 = &s[zero + 2..];
                    let bytes = match owned {
                        None => Cow::Borrowed(&s[..zero]),
                        Some(mut v) => {
                            v.extend_from_slice(&s[start..zero]);
                            Cow::Owned(v)
                        }
                    };
                    return match bytes {
                        Cow::Borrowed(b) => std::str::from_utf8(b)
                            .map(Cow::Borrowed)
                            .map_err(|_| damaged()),
                        Cow::Owned(v) => {
                            String::from_utf8(v).map(Cow::Owned).map_err(|_| damaged())
                        }
                    };
                }
                Some(0xFF) => {
                    let v = owned.get_or_insert_with(Vec::new);
                    v.extend_from_slice(&s[start..zero]);
                    v.push(0);
                    start = zero + 2;
                }
                _ => return Err(damaged()),
            }
        }
    }

    fn optional_text(&mut self) -> Result<Option<Cow<'a, str>>, StoreError> {
        match self.byte()? {
            0 => Ok(None),
            _ => self.text().map(Some),
        }
    }

    fn optional_amount(&mut self) -> Result<Option<f64>, StoreError> {
        match self.byte()? {
            0 => Ok(None),
            _ => Ok(Some(f64::from_bits(u64::from_be_bytes(self.take::<8>()?)))),
        }
    }
}

/// Records sorted in bounded memory: collected until `run_bytes`, then sorted and written to an
/// anonymous temporary file (gone when dropped, also when the process is killed), and merged
/// in order at the end.
#[derive(Debug)]
pub(crate) struct ExternalSort {
    run_bytes: usize,
    buf: Vec<u8>,
    /// Where each record of `buf` starts; it ends where the next begins.
    starts: Vec<usize>,
    runs: Vec<File>,
    records: u64,
}

impl ExternalSort {
    /// A sort that holds about `run_bytes` of records in memory (at least one record).
    pub(crate) fn new(run_bytes: usize) -> Self {
        ExternalSort {
            run_bytes,
            buf: Vec::new(),
            starts: Vec::new(),
            runs: Vec::new(),
            records: 0,
        }
    }

    /// Records pushed since the last [`ExternalSort::clear`].
    #[cfg(test)]
    pub(crate) fn len(&self) -> u64 {
        self.records
    }

    /// How many runs were written to temporary files.
    pub(crate) fn spilled_runs(&self) -> usize {
        self.runs.len()
    }

    /// Forgets every record (a reading attempt was dropped).
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.starts.clear();
        self.runs.clear();
        self.records = 0;
    }

    /// Adds one record: `write` appends its bytes to the buffer it is given.
    pub(crate) fn push(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> Result<(), StoreError> {
        self.starts.push(self.buf.len());
        write(&mut self.buf);
        self.records += 1;
        if self.buf.len() >= self.run_bytes {
            self.spill()?;
        }
        Ok(())
    }

    /// The records of `buf` in order, as ranges.
    fn sorted_ranges(&self) -> Vec<(usize, usize)> {
        let mut ranges: Vec<(usize, usize)> = self
            .starts
            .iter()
            .zip(self.starts.iter().skip(1).chain([&self.buf.len()]))
            .map(|(&a, &b)| (a, b))
            .collect();
        // Stable and adaptive: rows of one reading thread arrive in file order, and exports
        // are usually grouped by document, so long stretches are already sorted.
        ranges.sort_by(|a, b| self.buf[a.0..a.1].cmp(&self.buf[b.0..b.1]));
        ranges
    }

    fn spill(&mut self) -> Result<(), StoreError> {
        let ranges = self.sorted_ranges();
        let buf = &self.buf;
        let run = write_run(&mut |out| ranges.iter().try_for_each(|&(a, b)| out(&buf[a..b])))?;
        self.runs.push(run);
        self.buf.clear();
        self.starts.clear();
        if self.runs.len() >= MAX_RUNS {
            let mut runs = Some(std::mem::take(&mut self.runs));
            let longer =
                write_run(&mut |out| merge(runs.take().unwrap_or_default(), &[], Vec::new(), out))?;
            self.runs.push(longer);
        }
        Ok(())
    }

    /// Hands every record to `f` in byte order (ties in any order) and empties the sort.
    pub(crate) fn drain(
        &mut self,
        f: &mut dyn FnMut(&[u8]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let memory = self.sorted_ranges();
        let runs = std::mem::take(&mut self.runs);
        merge(runs, &self.buf, memory, f)?;
        self.clear();
        Ok(())
    }
}

/// At most this many runs are merged at once. Each open run holds a 1 MB read buffer and a file
/// descriptor, so without a bound both would grow with the rows (about one run per million
/// documented lines); when it is reached, the runs so far are merged into one longer run. That
/// rereads what was spilled once per `MAX_RUNS - 1` runs, from about 50 M documented lines on:
/// slower at a billion lines than a merge tree would be, but memory stays bounded.
pub(crate) const MAX_RUNS: usize = 48;

/// Merges the spilled `runs` and the records of `buf` at the (already sorted) `memory` ranges,
/// handing each record to `f` in byte order.
fn merge(
    runs: Vec<File>,
    buf: &[u8],
    memory: Vec<(usize, usize)>,
    f: &mut Sink<'_>,
) -> Result<(), StoreError> {
    let io = |source| StoreError::TempFile { source };
    let mut memory = memory.into_iter();
    let mut files: Vec<BufReader<File>> = runs
        .into_iter()
        .map(|f| BufReader::with_capacity(1 << 20, f))
        .collect();
    // Heads of the runs: the memory run is source `files.len()`.
    let mem_source = files.len();
    let mut heap: BinaryHeap<Reverse<(Vec<u8>, usize)>> = BinaryHeap::new();
    let next_from_file = |file: &mut BufReader<File>, into: &mut Vec<u8>| {
        let mut len = [0u8; 4];
        match file.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(io(e)),
        }
        into.clear();
        into.resize(u32::from_le_bytes(len) as usize, 0);
        file.read_exact(into).map_err(io)?;
        Ok(true)
    };
    for (i, file) in files.iter_mut().enumerate() {
        let mut rec = Vec::new();
        if next_from_file(file, &mut rec)? {
            heap.push(Reverse((rec, i)));
        }
    }
    if let Some((a, b)) = memory.next() {
        heap.push(Reverse((buf[a..b].to_vec(), mem_source)));
    }
    while let Some(Reverse((mut rec, source))) = heap.pop() {
        f(&rec)?;
        // The popped buffer takes the source's next record: no allocation per record.
        let more = if source == mem_source {
            match memory.next() {
                Some((a, b)) => {
                    rec.clear();
                    rec.extend_from_slice(&buf[a..b]);
                    true
                }
                None => false,
            }
        } else {
            next_from_file(&mut files[source], &mut rec)?
        };
        if more {
            heap.push(Reverse((rec, source)));
        }
    }
    Ok(())
}

/// Takes records one at a time.
type Sink<'s> = dyn FnMut(&[u8]) -> Result<(), StoreError> + 's;

/// Writes records as runs are stored: each as its length (u32, little-endian) and its bytes.
/// `records` hands them, in order, to the sink it is given.
fn write_run(
    records: &mut dyn FnMut(&mut Sink<'_>) -> Result<(), StoreError>,
) -> Result<File, StoreError> {
    let io = |source| StoreError::TempFile { source };
    let mut file = BufWriter::with_capacity(1 << 20, tempfile::tempfile().map_err(io)?);
    records(&mut |rec| {
        file.write_all(&(rec.len() as u32).to_le_bytes())
            .map_err(io)?;
        file.write_all(rec).map_err(io)
    })?;
    let mut file = file.into_inner().map_err(|e| io(e.into_error()))?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(doc: Option<&str>, customer: &str, revenue: f64) -> StoredTransaction {
        StoredTransaction {
            customer: customer.into(),
            name: None,
            date: NaiveDate::from_ymd_opt(2024, 1, 1).expect("date"),
            revenue,
            cost: None,
            quantity: Some(1.0),
            product: Some("P".into()),
            document: doc.map(str::to_owned),
            position: None,
        }
    }

    #[test]
    fn records_round_trip_with_zero_bytes_far_dates_and_missing_fields() {
        let mut r = row(Some("R\0-1"), "K\0\0", -0.0);
        r.name = Some("Müller \0 GmbH".into());
        r.product = None;
        r.cost = Some(f64::MIN_POSITIVE);
        r.position = Some(7);
        for date in [(0, 1, 1), (9999, 12, 31), (1970, 1, 1)] {
            r.date = NaiveDate::from_ymd_opt(date.0, date.1, date.2).expect("date");
            let mut buf = Vec::new();
            encode(&r, &mut buf);
            let d = decode(&buf).expect("decodes");
            assert_eq!(d.document, "R\0-1");
            assert_eq!(d.date, r.date);
            assert_eq!(d.product, None);
            assert_eq!(d.customer, "K\0\0");
            assert_eq!(d.revenue.to_bits(), (-0.0f64).to_bits());
            assert_eq!(d.cost, r.cost);
            assert_eq!(d.quantity, Some(1.0));
            assert_eq!(d.name.as_deref(), Some("Müller \0 GmbH"));
            assert_eq!(d.position, Some(7));
            assert_eq!(document_prefix(&buf).expect("prefix"), b"R\0\xFF-1\0\0");
        }
        assert!(decode(&[1, 2, 3]).is_err(), "a damaged record is an error");
    }

    #[test]
    fn byte_order_is_the_tuple_order() {
        let day = |d| NaiveDate::from_ymd_opt(2024, 1, d).expect("date");
        let mut rows = Vec::new();
        for doc in ["", "A", "A\0", "A\0B", "AB", "B"] {
            for (d, product, revenue, cost) in [
                (1, None, 1.0, None),
                (1, Some(""), 1.0, None),
                (1, Some("P"), -1.0, Some(0.0)),
                (1, Some("P"), 1.0, None),
                (1, Some("P"), 1.0, Some(-2.0)),
                (2, None, 0.5, None),
            ] {
                let mut r = row(Some(doc), "K", revenue);
                r.date = day(d);
                r.product = product.map(str::to_owned);
                r.cost = cost;
                rows.push(r);
            }
        }
        let tuple = |t: &StoredTransaction| {
            (
                t.document.clone(),
                t.date,
                t.product.clone(),
                t.customer.clone(),
                t.revenue.to_bits(),
                t.cost.map(f64::to_bits),
            )
        };
        for a in &rows {
            for b in &rows {
                let (mut ea, mut eb) = (Vec::new(), Vec::new());
                encode(a, &mut ea);
                encode(b, &mut eb);
                assert_eq!(ea.cmp(&eb), tuple(a).cmp(&tuple(b)), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn spilled_runs_merge_into_one_order() {
        // A run of about 100 bytes: many runs on disk and a last one in memory.
        let mut sort = ExternalSort::new(100);
        let mut state = 12_345u64;
        let mut want = Vec::new();
        for _ in 0..1_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let r = row(
                Some(&format!("R{}", state % 37)),
                &format!("K{}", state % 11),
                (state % 1000) as f64,
            );
            let mut rec = Vec::new();
            encode(&r, &mut rec);
            want.push(rec.clone());
            sort.push(|buf| buf.extend_from_slice(&rec)).expect("push");
        }
        // Hundreds of runs were written; past `MAX_RUNS` they were merged into longer ones.
        assert!(
            (2..=MAX_RUNS).contains(&sort.spilled_runs()),
            "{}",
            sort.spilled_runs()
        );
        assert_eq!(sort.len(), 1_000);
        want.sort();
        let mut got = Vec::new();
        sort.drain(&mut |rec| {
            got.push(rec.to_vec());
            Ok(())
        })
        .expect("drain");
        assert_eq!(got, want);
        assert_eq!(sort.len(), 0);
        assert_eq!(sort.spilled_runs(), 0);
    }
}
