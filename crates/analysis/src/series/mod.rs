//! Value series per customer and period, built while the file is read.
//!
//! The reading threads put rows into [`SeriesSink`]s (`sink.rs`): consecutive lines of one
//! customer, day and document are folded into one row, rows are batched per hash shard of the
//! customer number and applied under the shard's lock (`shard.rs`: customers and their month
//! accumulators, in per-shard blocks with free lists, `blocks.rs`). [`SeriesBuilder`]'s finish
//! (`finish.rs`) sorts the shards on all cores, merges them by customer number, and finishes
//! runs of customers in parallel, handing them on in order; [`ValueSeries`] (here) is what
//! the analysis reads: months, periods, totals, orders and current value per customer.

use chrono::NaiveDate;
use compact_str::CompactString;
use kundenwert_core::{Period, PeriodKind, ValueBasis};
use serde::Serialize;

mod blocks;
mod finish;
mod shard;
mod sink;

pub use finish::{SeriesBuilder, SeriesSummary};
pub use sink::{SeriesPass, SeriesSink, SharedSeries};

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
    use std::cmp::Ordering;

    use kundenwert_core::{Pass, RowSink, Transaction};

    use super::blocks::{class_size, BlockRef, Blocks};
    use super::finish::natural_cmp;
    use super::shard::{apply_batch, Batch, BatchRow, Shard};
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
