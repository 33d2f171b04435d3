//! Type migration between two as-of dates: how the customers of the earlier date are typed at
//! the later one — the matrix of changes and who moved (growth turning into shrinking is the
//! warning a key-account manager wants first).

use chrono::NaiveDate;
use serde::Serialize;

use crate::typology::{classify_series_with, Classification, CustomerType, TypologyConfig};
use crate::ValueSeries;

/// One customer whose type changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    /// Customer number.
    pub id: String,
    /// Name, when known.
    pub name: Option<String>,
    /// Type at the earlier date.
    pub from: &'static str,
    /// Type at the later date.
    pub to: &'static str,
    /// Current value at the later date.
    pub current_value: f64,
}

/// Type changes between two dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Migration {
    /// The earlier date.
    pub from: NaiveDate,
    /// The later date (the analysis' as-of).
    pub to: NaiveDate,
    /// Type ids in matrix order.
    pub types: Vec<&'static str>,
    /// `matrix[i][j]`: customers of type `types[i]` at `from` and `types[j]` at `to`.
    pub matrix: Vec<Vec<u64>>,
    /// Customers without any business up to `from` (new since).
    pub new_customers: u64,
    /// Everyone whose type changed, largest current value first.
    pub moved: Vec<Move>,
}

/// Classifies `series` also as it stood at `from` and compares with `types` (its
/// classification at its own as-of).
pub fn migration(
    series: &ValueSeries,
    types: &[Classification],
    from: NaiveDate,
    config: &TypologyConfig,
) -> Migration {
    compare(series, types, from, &types_at(series, from, config))
}

/// Each customer's type as `series` stood at `from`, in the series' customer order; `None` for
/// a customer without business by then. Small enough to keep while the series' periods are
/// released, so [`compare`] can follow the main classification without holding both.
pub fn types_at(
    series: &ValueSeries,
    from: NaiveDate,
    config: &TypologyConfig,
) -> Vec<Option<CustomerType>> {
    let earlier = crate::earlier::series_at(series, from, None, |_| true);
    let earlier_types = classify_series_with(&earlier, config);
    let mut out = Vec::with_capacity(series.customers.len());
    let mut j = 0;
    // Both lists are in the same customer order; the earlier one is a subsequence.
    for c in &series.customers {
        if j < earlier.customers.len() && earlier.customers[j].id == c.id {
            out.push(Some(earlier_types[j].customer_type));
            j += 1;
        } else {
            out.push(None);
        }
    }
    out
}

/// The migration from the types at `from` ([`types_at`]) to `types`.
pub fn compare(
    series: &ValueSeries,
    types: &[Classification],
    from: NaiveDate,
    earlier: &[Option<CustomerType>],
) -> Migration {
    let index = |t: CustomerType| CustomerType::ALL.iter().position(|x| *x == t).unwrap_or(0);
    let n = CustomerType::ALL.len();
    let mut matrix = vec![vec![0u64; n]; n];
    let mut moved = Vec::new();
    let mut new_customers = 0;
    for ((c, later), before) in series.customers.iter().zip(types).zip(earlier) {
        let Some(before) = *before else {
            new_customers += 1;
            continue;
        };
        matrix[index(before)][index(later.customer_type)] += 1;
        if before != later.customer_type {
            moved.push(Move {
                id: c.id.to_string(),
                name: c.name.clone(),
                from: before.id(),
                to: later.customer_type.id(),
                current_value: c.current_value,
            });
        }
    }
    moved.sort_by(|a, b| b.current_value.total_cmp(&a.current_value));
    Migration {
        from,
        to: series.as_of,
        types: CustomerType::ALL.iter().map(|t| t.id()).collect(),
        matrix,
        new_customers,
        moved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeriesBuilder;
    use kundenwert_core::{PeriodKind, Transaction};

    #[test]
    fn a_customer_that_started_falling_moves_and_a_new_one_is_counted() {
        let mut b = SeriesBuilder::new(None);
        let mut add = |id: &'static str, y: i32, m: u32, v: f64| {
            b.add(&Transaction {
                customer: id,
                name: None,
                date: NaiveDate::from_ymd_opt(y, m, 10).unwrap(),
                revenue: v,
                cost: Some(0.0),
                quantity: None,
                product: None,
                document: None,
            });
        };
        // "up": rises for two years, then falls hard for the last year.
        for i in 0..36 {
            let (y, m) = (2022 + i / 12, (i % 12) as u32 + 1);
            let v = if i < 24 {
                100.0 + 20.0 * i as f64
            } else {
                580.0 - 45.0 * (i - 23) as f64
            };
            add("up", y, m, v.max(5.0));
        }
        // "late": first order in the last year.
        for m in 1..=12 {
            add("late", 2024, m, 50.0);
        }
        let s = b.finish(PeriodKind::Month);
        let types = crate::classify_series(&s);
        let from = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
        let mig = migration(&s, &types, from, &TypologyConfig::default());
        assert_eq!(mig.new_customers, 1);
        let total: u64 = mig.matrix.iter().flatten().sum();
        assert_eq!(total, 1);
        let earlier = crate::earlier::series_at(&s, from, None, |_| true);
        assert_eq!(earlier.customers.len(), 1);
        assert_eq!(earlier.customers[0].months.len(), 24);
        let before = crate::classify_series(&earlier);
        assert_eq!(before[0].customer_type, CustomerType::Growth);
        assert_ne!(types[0].customer_type, CustomerType::Growth);
        assert_eq!(mig.moved.len(), 1);
        assert_eq!(mig.moved[0].from, "growth");
    }
}
