//! A value series as it stood at an earlier date, taken from the later one's months: for the
//! type migration between two dates and for the forecast's backtest, which also keeps the
//! months after that date as what then happened.

use chrono::{Datelike, NaiveDate};
use kundenwert_core::Period;

use crate::{CustomerSeries, PeriodValue, ValueSeries};

/// The series as it stood at the end of the month of `date`: every customer's months up to
/// then, customers without business by then left out. The months after `date` up to the end of
/// the month of `until` (when given) become each customer's holdout, monthly. Only customers
/// for which `keep` says yes are taken (a sample, say).
pub fn series_at(
    series: &ValueSeries,
    date: NaiveDate,
    until: Option<NaiveDate>,
    keep: impl Fn(&CustomerSeries) -> bool,
) -> ValueSeries {
    let last = Period::month_index_of(date);
    let window_end = until.map_or(last, Period::month_index_of);
    let customers: Vec<CustomerSeries> = series
        .customers
        .iter()
        .filter(|c| keep(c))
        .filter_map(|c| {
            let split = c
                .months
                .partition_point(|m| m.period.first_month_index() <= last);
            let months = &c.months[..split];
            let last_month = months.last()?;
            let holdout: Vec<PeriodValue> = c.months[split..]
                .iter()
                .take_while(|m| m.period.first_month_index() <= window_end)
                .cloned()
                .collect();
            let current_value = months
                .iter()
                .filter(|m| m.period.first_month_index() > last - 12)
                .map(PeriodValue::value)
                .sum();
            let revenue: f64 = months.iter().map(|m| m.revenue).sum();
            let cost = c
                .cost
                .map(|_| months.iter().filter_map(|m| m.cost).sum::<f64>());
            Some(CustomerSeries {
                last_date: last_day(last_month).unwrap_or(c.last_date),
                holdout_last_date: holdout.last().and_then(last_day),
                revenue,
                cost,
                margin: cost.map(|k| revenue - k),
                lines: months.iter().map(|m| m.lines).sum(),
                // Orders by month: a document spanning two months counts twice, which only the
                // display of an earlier state could show.
                orders: months.iter().map(|m| m.orders).sum(),
                current_value,
                months: months.to_vec(),
                other_periods: None,
                holdout,
                ..c.clone()
            })
        })
        .collect();
    ValueSeries {
        as_of: date,
        period: series.period,
        basis: series.basis,
        customers,
        holdout: series.holdout.clone(),
    }
}

/// The last day with business of a month, from its day marks.
fn last_day(m: &PeriodValue) -> Option<NaiveDate> {
    let start = m.period.start();
    let bits = m.days;
    if bits == 0 {
        return None;
    }
    let day = 32 - bits.leading_zeros();
    NaiveDate::from_ymd_opt(start.year(), start.month(), day)
}

/// The last day of the month of `date`.
pub fn month_end(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeriesBuilder;
    use kundenwert_core::{PeriodKind, Transaction};

    fn series(rows: &[(&str, &str, f64)]) -> ValueSeries {
        let mut b = SeriesBuilder::new(None);
        for (customer, date, revenue) in rows {
            b.add(&Transaction {
                customer,
                name: None,
                date: date.parse().unwrap(),
                revenue: *revenue,
                cost: Some(revenue / 2.0),
                quantity: None,
                product: None,
                document: None,
            });
        }
        b.finish(PeriodKind::Month)
    }

    #[test]
    fn the_earlier_series_ends_at_the_date_and_keeps_the_window_as_holdout() {
        let s = series(&[
            ("1", "2023-01-10", 100.0),
            ("1", "2023-03-07", 50.0),
            ("1", "2023-05-02", 10.0),
            ("1", "2024-02-01", 1000.0),
            ("2", "2023-04-15", 70.0),
        ]);
        let at = series_at(
            &s,
            "2023-03-31".parse().unwrap(),
            Some("2023-05-31".parse().unwrap()),
            |_| true,
        );
        assert_eq!(at.customers.len(), 1, "customer 2 had no business yet");
        let c = &at.customers[0];
        assert_eq!(c.last_date, "2023-03-07".parse::<NaiveDate>().unwrap());
        assert_eq!(c.revenue, 150.0);
        assert_eq!(c.margin, Some(75.0));
        assert_eq!(c.months.len(), 2);
        // May 2023 is in the window; February 2024 is not.
        assert_eq!(c.holdout.len(), 1);
        assert_eq!(
            c.holdout_last_date,
            Some("2023-05-02".parse::<NaiveDate>().unwrap())
        );
    }

    #[test]
    fn month_end_of_any_day() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(month_end(d("2024-02-10")), d("2024-02-29"));
        assert_eq!(month_end(d("2023-12-31")), d("2023-12-31"));
    }
}
