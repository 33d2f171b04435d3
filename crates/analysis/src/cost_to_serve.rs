//! Contribution margin II: the margin after the cost to serve a customer — a fixed cost per
//! order and per invoice line (picking, invoicing, delivery, visits). The handbook's barnacle is
//! the customer who is loyal but brings minimal or negative margin; many only show as such once
//! the cost of their many small orders is counted.
//!
//! When the export has neither cost nor margin, an assumed margin rate can stand in for the cost
//! of goods; every output then says the margin is estimated.

use serde::Serialize;

use crate::{PeriodValue, ValueSeries};
use kundenwert_core::{Period, ValueBasis};

/// What the cost to serve consists of.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CostToServe {
    /// Cost per order (distinct document, or day without document numbers).
    pub per_order: f64,
    /// Cost per invoice line.
    pub per_line: f64,
    /// Assumed margin rate (0..1) of revenue, used as cost of goods = revenue × (1 − rate)
    /// where the export has no cost; `None` = the data's own cost.
    pub margin_rate: Option<f64>,
    /// Fixed cost per customer and year (key-account care, visits, special terms), by
    /// customer number.
    #[serde(skip)]
    pub fixed_per_year: std::collections::HashMap<String, f64>,
}

impl CostToServe {
    /// Whether anything is charged.
    pub fn is_active(&self) -> bool {
        self.per_order != 0.0
            || self.per_line != 0.0
            || self.margin_rate.is_some()
            || !self.fixed_per_year.is_empty()
    }

    fn charge(&self, p: &mut PeriodValue, estimate_goods: bool) {
        let goods = if estimate_goods {
            self.margin_rate
                .map_or(p.cost.unwrap_or(0.0), |m| p.revenue * (1.0 - m))
        } else {
            p.cost.unwrap_or(0.0)
        };
        let serve = p.orders as f64 * self.per_order + p.lines as f64 * self.per_line;
        let cost = goods + serve;
        p.cost = Some(cost);
        p.margin = Some(p.revenue - cost);
    }
}

/// Spreads a yearly fixed cost over the months with business: each calendar year with business
/// carries its share (12/12, or up to the as-of month in the as-of year), split over its active
/// months — months without business stay empty, so the customer-type rules still see the
/// pauses, and every year's margin carries the full cost.
fn charge_fixed(months: &mut [PeriodValue], per_year: f64, as_of_month: i32) {
    let mut i = 0;
    while i < months.len() {
        let year = months[i].period.first_month_index().div_euclid(12);
        let mut j = i;
        while j < months.len() && months[j].period.first_month_index().div_euclid(12) == year {
            j += 1;
        }
        let covered = if as_of_month.div_euclid(12) == year {
            f64::from(as_of_month.rem_euclid(12) as u8 + 1)
        } else {
            12.0
        };
        let share = per_year * covered / 12.0 / (j - i) as f64;
        for p in &mut months[i..j] {
            let cost = p.cost.unwrap_or(0.0) + share;
            p.cost = Some(cost);
            p.margin = Some(p.revenue - cost);
        }
        i = j;
    }
}

/// Why the cost to serve cannot be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CostToServeError {
    /// The export has no cost and no margin rate was given.
    #[error("the data has neither cost nor margin; a margin after cost to serve needs an assumed margin rate")]
    NoCost,
    /// A negative cost or a margin rate outside 0..1.
    #[error("cost to serve must not be negative and the margin rate must lie between 0 and 1")]
    OutOfRange,
}

/// Charges the cost to serve on every period of every customer (history, longer periods and
/// holdout) and recomputes totals and the current value: afterwards every value is margin II.
///
/// # Errors
/// When the data has no cost and `c.margin_rate` is `None`, or values are out of range; the
/// series is then unchanged.
pub fn apply(series: &mut ValueSeries, c: &CostToServe) -> Result<(), CostToServeError> {
    if !(c.per_order >= 0.0 && c.per_line >= 0.0 && c.fixed_per_year.values().all(|v| *v >= 0.0))
        || c.margin_rate.is_some_and(|m| !(0.0..=1.0).contains(&m))
    {
        return Err(CostToServeError::OutOfRange);
    }
    let estimate_goods = series.basis == ValueBasis::Revenue;
    if estimate_goods && c.margin_rate.is_none() {
        return Err(CostToServeError::NoCost);
    }
    let as_of_month = Period::month_index_of(series.as_of);
    for cust in &mut series.customers {
        for p in cust.months.iter_mut() {
            c.charge(p, estimate_goods);
        }
        if let Some(fixed) = c.fixed_per_year.get(cust.id.as_str()) {
            charge_fixed(&mut cust.months, *fixed, as_of_month);
        }
        if let Some(periods) = cust.other_periods.as_mut() {
            for p in periods.iter_mut() {
                c.charge(p, estimate_goods);
            }
        }
        for p in cust.holdout.iter_mut() {
            c.charge(p, estimate_goods);
        }
        let cost: f64 = cust.months.iter().filter_map(|p| p.cost).sum();
        cust.cost = Some(cost);
        cust.margin = Some(cust.revenue - cost);
        cust.current_value = cust
            .months
            .iter()
            .filter(|p| {
                let m = p.period.first_month_index();
                m > as_of_month - 12 && m <= as_of_month
            })
            .map(PeriodValue::value)
            .sum();
        // The first day carries one order; its lines are not known apart, so only the order
        // is charged (spend per repeat purchase leaves the first day out anyway).
        let goods = match (estimate_goods, c.margin_rate) {
            (true, Some(m)) => cust.first_day_revenue * (1.0 - m),
            _ => cust.first_day_cost.unwrap_or(0.0),
        };
        cust.first_day_cost = Some(goods + c.per_order);
    }
    series.basis = ValueBasis::Margin;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeriesBuilder;
    use kundenwert_core::{PeriodKind, Transaction};

    fn tx<'a>(
        customer: &'a str,
        date: &str,
        revenue: f64,
        cost: Option<f64>,
        doc: &'a str,
    ) -> Transaction<'a> {
        Transaction {
            customer,
            name: None,
            date: date.parse().unwrap(),
            revenue,
            cost,
            quantity: None,
            product: None,
            document: Some(doc),
        }
    }

    #[test]
    fn many_small_orders_turn_a_positive_margin_negative() {
        let mut b = SeriesBuilder::new(None);
        // Small customer: 10 orders of one line, 50 revenue, 30 cost each → DB I 200.
        for d in 1..=10 {
            b.add(&tx(
                "small",
                &format!("2024-03-{d:02}"),
                50.0,
                Some(30.0),
                &format!("S{d}"),
            ));
        }
        // Large customer: one order of 3 lines, 3,000 revenue, 2,000 cost → DB I 1,000.
        for _ in 0..3 {
            b.add(&tx("large", "2024-03-15", 1000.0, Some(2000.0 / 3.0), "L1"));
        }
        let mut s = b.finish(PeriodKind::Month);
        apply(
            &mut s,
            &CostToServe {
                per_order: 20.0,
                per_line: 5.0,
                margin_rate: None,
                ..CostToServe::default()
            },
        )
        .unwrap();
        let small = s.customers.iter().find(|c| c.id == "small").unwrap();
        let large = s.customers.iter().find(|c| c.id == "large").unwrap();
        // 200 − 10 × 20 − 10 × 5 = −50; 1,000 − 20 − 15 = 965.
        assert!((small.margin.unwrap() + 50.0).abs() < 1e-9);
        assert!((small.current_value + 50.0).abs() < 1e-9);
        assert!((large.margin.unwrap() - 965.0).abs() < 1e-9);
        assert_eq!(s.basis, ValueBasis::Margin);
    }

    #[test]
    fn revenue_only_data_needs_a_margin_rate() {
        let mut b = SeriesBuilder::new(None);
        b.add(&tx("a", "2024-01-05", 100.0, None, "A1"));
        let mut s = b.finish(PeriodKind::Month);
        let c = CostToServe {
            per_order: 10.0,
            per_line: 0.0,
            margin_rate: None,
            ..CostToServe::default()
        };
        assert_eq!(apply(&mut s, &c), Err(CostToServeError::NoCost));
        assert_eq!(s.basis, ValueBasis::Revenue);
        let c = CostToServe {
            margin_rate: Some(0.3),
            ..c
        };
        apply(&mut s, &c).unwrap();
        // 100 × 0.3 − 10 = 20.
        assert!((s.customers[0].margin.unwrap() - 20.0).abs() < 1e-9);
        assert_eq!(
            apply(
                &mut s,
                &CostToServe {
                    per_order: -1.0,
                    ..c
                }
            ),
            Err(CostToServeError::OutOfRange)
        );
    }

    #[test]
    fn a_yearly_fixed_cost_is_spread_over_active_months_per_year() {
        let mut b = SeriesBuilder::new(Some("2024-06-30".parse().unwrap()));
        // 2023: two active months; 2024 (to June): three.
        for d in [
            "2023-02-10",
            "2023-09-10",
            "2024-01-10",
            "2024-03-10",
            "2024-06-10",
        ] {
            b.add(&tx("k", d, 100.0, Some(50.0), d));
        }
        let mut s = b.finish(PeriodKind::Month);
        let mut fixed = std::collections::HashMap::new();
        fixed.insert("k".to_string(), 120.0);
        let c = CostToServe {
            fixed_per_year: fixed,
            ..CostToServe::default()
        };
        apply(&mut s, &c).unwrap();
        let k = &s.customers[0];
        // 2023 carries 120, 2024 half a year: 60, spread 20 per active month.
        assert!((k.months[0].margin.unwrap() - (50.0 - 60.0)).abs() < 1e-9);
        assert!((k.months[2].margin.unwrap() - (50.0 - 20.0)).abs() < 1e-9);
        assert!((k.margin.unwrap() - (250.0 - 180.0)).abs() < 1e-9);
        // Months without business stay out of the series.
        assert_eq!(k.months.len(), 5);
    }
}
