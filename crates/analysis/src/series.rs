use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use kundenwert_core::{Period, PeriodKind, Transaction, ValueBasis};
use kundenwert_ingest::RowSink;
use rustc_hash::{FxHashMap, FxHasher};
use serde::Serialize;

/// Distinct orders of one customer in one month, as 64-bit keys: a hash of the document number,
/// or, for rows without one, the day (so orders are distinct days then).
#[derive(Debug, Clone, Default)]
enum OrderKeys {
    #[default]
    None,
    One(u64),
    Many(Vec<u64>),
}

impl OrderKeys {
    fn insert(&mut self, key: u64) {
        match self {
            OrderKeys::None => *self = OrderKeys::One(key),
            OrderKeys::One(k) if *k == key => {}
            OrderKeys::One(k) => *self = OrderKeys::Many(vec![*k, key]),
            OrderKeys::Many(v) => {
                // Lines of one document usually follow each other: check the newest first.
                if v.last() != Some(&key) && !v.contains(&key) {
                    v.push(key);
                }
            }
        }
    }

    fn extend_into(&self, out: &mut Vec<u64>) {
        match self {
            OrderKeys::None => {}
            OrderKeys::One(k) => out.push(*k),
            OrderKeys::Many(v) => out.extend_from_slice(v),
        }
    }

    fn merge(&mut self, other: OrderKeys) {
        match other {
            OrderKeys::None => {}
            OrderKeys::One(k) => self.insert(k),
            OrderKeys::Many(v) => v.into_iter().for_each(|k| self.insert(k)),
        }
    }

    fn len(&self) -> usize {
        match self {
            OrderKeys::None => 0,
            OrderKeys::One(_) => 1,
            OrderKeys::Many(v) => v.len(),
        }
    }
}

#[derive(Debug, Clone)]
struct MonthAcc {
    month: i32,
    lines: u32,
    revenue: f64,
    cost: f64,
    orders: OrderKeys,
}

impl MonthAcc {
    fn new(month: i32) -> Self {
        MonthAcc {
            month,
            lines: 0,
            revenue: 0.0,
            cost: 0.0,
            orders: OrderKeys::None,
        }
    }

    fn merge(&mut self, other: MonthAcc) {
        self.lines += other.lines;
        self.revenue += other.revenue;
        self.cost += other.cost;
        self.orders.merge(other.orders);
    }
}

#[derive(Debug, Clone)]
struct CustomerAcc {
    name: Option<Box<str>>,
    first: NaiveDate,
    last: NaiveDate,
    months: Vec<MonthAcc>,
    holdout: Vec<MonthAcc>,
}

fn month_slot(months: &mut Vec<MonthAcc>, month: i32) -> &mut MonthAcc {
    // Exports are mostly sorted by date: the month is usually the newest one.
    let idx = match months.iter().rposition(|m| m.month == month) {
        Some(i) => i,
        None => {
            months.push(MonthAcc::new(month));
            months.len() - 1
        }
    };
    &mut months[idx]
}

fn merge_months(into: &mut Vec<MonthAcc>, from: Vec<MonthAcc>) {
    for m in from {
        match into.iter_mut().find(|x| x.month == m.month) {
            Some(x) => x.merge(m),
            None => into.push(m),
        }
    }
}

/// Accumulates accepted rows per customer and month.
#[derive(Debug, Clone, Default)]
pub struct SeriesBuilder {
    as_of: Option<NaiveDate>,
    customers: FxHashMap<Box<str>, CustomerAcc>,
    lines_with_cost: u64,
    lines_without_cost: u64,
    holdout_rows: u64,
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

impl SeriesBuilder {
    /// A builder whose history ends at `as_of` (later rows are kept apart as holdout); `None`
    /// ends it at the last transaction.
    pub fn new(as_of: Option<NaiveDate>) -> Self {
        SeriesBuilder {
            as_of,
            ..Default::default()
        }
    }

    /// Adds one row.
    pub fn add(&mut self, tx: &Transaction<'_>) {
        let holdout = self.as_of.is_some_and(|a| tx.date > a);
        if tx.cost.is_some() {
            self.lines_with_cost += 1;
        } else {
            self.lines_without_cost += 1;
        }
        let acc = match self.customers.get_mut(tx.customer) {
            Some(acc) => acc,
            None => self
                .customers
                .entry(tx.customer.into())
                .or_insert(CustomerAcc {
                    name: None,
                    first: NaiveDate::MAX,
                    last: NaiveDate::MIN,
                    months: Vec::new(),
                    holdout: Vec::new(),
                }),
        };
        if acc.name.is_none() {
            acc.name = tx.name.map(Into::into);
        }
        let month = Period::month_index_of(tx.date);
        let slot = if holdout {
            self.holdout_rows += 1;
            month_slot(&mut acc.holdout, month)
        } else {
            acc.first = acc.first.min(tx.date);
            acc.last = acc.last.max(tx.date);
            month_slot(&mut acc.months, month)
        };
        slot.lines += 1;
        slot.revenue += tx.revenue;
        slot.cost += tx.cost.unwrap_or(0.0);
        slot.orders.insert(order_key(tx));
    }

    /// Turns the accumulators into value series with periods of `kind`.
    pub fn finish(self, kind: PeriodKind) -> ValueSeries {
        let basis = if self.lines_without_cost == 0 && self.lines_with_cost > 0 {
            ValueBasis::Margin
        } else {
            ValueBasis::Revenue
        };
        let has_cost = basis == ValueBasis::Margin;
        let as_of = self.as_of.unwrap_or_else(|| {
            self.customers
                .values()
                .filter(|c| !c.months.is_empty())
                .map(|c| c.last)
                .max()
                .unwrap_or(NaiveDate::MIN)
        });
        let as_of_month = Period::month_index_of(as_of);
        let mut holdout = HoldoutSummary::default();
        let mut customers = Vec::with_capacity(self.customers.len());
        let mut scratch = Vec::new();
        for (id, mut acc) in self.customers {
            acc.months.sort_unstable_by_key(|m| m.month);
            acc.holdout.sort_unstable_by_key(|m| m.month);
            let holdout_periods = rollup(&acc.holdout, kind, has_cost, &mut scratch);
            if !holdout_periods.is_empty() {
                holdout.customers += 1;
                if acc.months.is_empty() {
                    holdout.new_customers += 1;
                }
                holdout.revenue += holdout_periods.iter().map(|p| p.revenue).sum::<f64>();
            }
            if acc.months.is_empty() {
                continue;
            }
            let value = |m: &MonthAcc| {
                if has_cost {
                    m.revenue - m.cost
                } else {
                    m.revenue
                }
            };
            let current_value = acc
                .months
                .iter()
                .filter(|m| m.month > as_of_month - 12 && m.month <= as_of_month)
                .map(value)
                .sum();
            scratch.clear();
            acc.months
                .iter()
                .for_each(|m| m.orders.extend_into(&mut scratch));
            scratch.sort_unstable();
            scratch.dedup();
            let orders = scratch.len() as u64;
            let revenue: f64 = acc.months.iter().map(|m| m.revenue).sum();
            let cost: f64 = acc.months.iter().map(|m| m.cost).sum();
            let lines = acc.months.iter().map(|m| u64::from(m.lines)).sum();
            let monthly = rollup(&acc.months, PeriodKind::Month, has_cost, &mut scratch);
            let periods = if kind == PeriodKind::Month {
                monthly.clone()
            } else {
                rollup(&acc.months, kind, has_cost, &mut scratch)
            };
            customers.push(CustomerSeries {
                id: id.into(),
                name: acc.name.map(Into::into),
                first_date: acc.first,
                last_date: acc.last,
                revenue,
                cost: has_cost.then_some(cost),
                margin: has_cost.then_some(revenue - cost),
                lines,
                orders,
                current_value,
                months: monthly,
                periods,
                holdout: holdout_periods,
            });
        }
        customers.sort_by(|a, b| natural_cmp(&a.id, &b.id));
        holdout.rows = self.holdout_rows;
        ValueSeries {
            as_of,
            period: kind,
            basis,
            customers,
            holdout,
        }
    }
}

/// Sums months into periods of `kind`; orders are distinct across the months of a period.
fn rollup(
    months: &[MonthAcc],
    kind: PeriodKind,
    has_cost: bool,
    scratch: &mut Vec<u64>,
) -> Vec<PeriodValue> {
    let mut out: Vec<PeriodValue> = Vec::new();
    let mut i = 0;
    while i < months.len() {
        let period = Period::containing_month(kind, months[i].month);
        let mut j = i;
        let (mut revenue, mut cost, mut lines) = (0.0, 0.0, 0u64);
        scratch.clear();
        while j < months.len() && Period::containing_month(kind, months[j].month) == period {
            revenue += months[j].revenue;
            cost += months[j].cost;
            lines += u64::from(months[j].lines);
            months[j].orders.extend_into(scratch);
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
        });
        i = j;
    }
    out
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

    fn merge(&mut self, other: Self) {
        self.lines_with_cost += other.lines_with_cost;
        self.lines_without_cost += other.lines_without_cost;
        self.holdout_rows += other.holdout_rows;
        for (id, acc) in other.customers {
            match self.customers.get_mut(&id) {
                None => {
                    self.customers.insert(id, acc);
                }
                Some(mine) => {
                    if mine.name.is_none() {
                        mine.name = acc.name;
                    }
                    mine.first = mine.first.min(acc.first);
                    mine.last = mine.last.max(acc.last);
                    merge_months(&mut mine.months, acc.months);
                    merge_months(&mut mine.holdout, acc.holdout);
                }
            }
        }
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
    /// Customer number.
    pub id: String,
    /// Name, when the export has one.
    pub name: Option<String>,
    /// First transaction up to as-of.
    pub first_date: NaiveDate,
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
    /// Values per requested period.
    pub periods: Vec<PeriodValue>,
    /// Periods after as-of.
    pub holdout: Vec<PeriodValue>,
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
        assert_eq!(c10.periods.len(), 2);
        assert_eq!(c10.periods[0].orders, 1);
        assert_eq!(c10.periods[0].margin, Some(70.0));
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
        assert_eq!(c.periods.len(), 1);
        assert_eq!(c.periods[0].orders, 2);
        assert_eq!(c.periods[0].revenue, 30.0);
        assert_eq!(c.periods[0].cost, None);
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

    #[test]
    fn natural_order() {
        let mut ids = vec!["10", "9", "A1", "009", "2"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["2", "009", "9", "10", "A1"]);
    }
}
