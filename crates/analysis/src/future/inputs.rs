//! What the lifetime-value models see of a customer: repeat transactions, recency, age, the
//! regularity of its orders and its spend per repeat transaction, in the model's clock.
//!
//! A transaction is a day with business (several invoices on one day are one purchase, as in
//! the papers' CDNOW set-up), counted from the value series' day marks.

use crate::{CustomerSeries, PeriodValue, ValueSeries};
use chrono::{Datelike, NaiveDate};

/// The clock of the lifetime-value models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Days.
    Day,
    /// Weeks (the papers' unit).
    #[default]
    Week,
    /// Months of 365.25 / 12 days.
    Month,
}

impl TimeUnit {
    /// Days per unit.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
            TimeUnit::Month => 365.25 / 12.0,
        }
    }

    /// `day`, `week` or `month`.
    pub fn id(self) -> &'static str {
        match self {
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
        }
    }

    /// Units in `months` calendar months.
    pub fn per_months(self, months: f64) -> f64 {
        months * (365.25 / 12.0) / self.days()
    }
}

/// One customer as the models see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelInput {
    /// Repeat transactions up to as-of (distinct days − 1).
    pub x: f64,
    /// Time of the last transaction after the first.
    pub t_x: f64,
    /// Age: first transaction to as-of.
    pub t: f64,
    /// Sum of the logarithms of the times between transactions (regularity, BG/CNBD-k).
    pub litt: f64,
    /// Mean value (margin, or revenue without cost) of the repeat transactions; `None` without
    /// repeat transactions.
    pub repeat_spend: Option<f64>,
    /// Transactions (distinct days) after as-of.
    pub holdout_transactions: f64,
    /// Value after as-of.
    pub holdout_value: f64,
}

fn days_of(periods: &[PeriodValue], out: &mut Vec<NaiveDate>) {
    for p in periods {
        let start = p.period.start();
        let mut bits = p.days;
        while bits != 0 {
            let d = bits.trailing_zeros();
            bits &= bits - 1;
            if let Some(date) = NaiveDate::from_ymd_opt(start.year(), start.month(), d + 1) {
                out.push(date);
            }
        }
    }
}

/// The model inputs of one customer at `as_of` in clock `unit`.
pub fn model_input(c: &CustomerSeries, as_of: NaiveDate, unit: TimeUnit) -> ModelInput {
    let mut days = Vec::new();
    days_of(&c.months, &mut days);
    days.sort_unstable();
    let first = days.first().copied().unwrap_or(c.first_date);
    let last = days.last().copied().unwrap_or(c.last_date);
    let u = unit.days();
    let span = |a: NaiveDate, b: NaiveDate| (b - a).num_days() as f64 / u;
    let x = days.len().saturating_sub(1) as f64;
    let litt = days.windows(2).map(|w| span(w[0], w[1]).ln()).sum();
    let value: f64 = c.months.iter().map(PeriodValue::value).sum();
    let first_value = match c.first_day_cost {
        Some(cost) => c.first_day_revenue - cost,
        None => c.first_day_revenue,
    };
    let repeat_spend = (x >= 1.0).then(|| (value - first_value) / x);
    ModelInput {
        x,
        t_x: span(first, last),
        t: span(first, as_of),
        litt,
        repeat_spend,
        holdout_transactions: c.holdout.iter().map(|p| f64::from(p.active_days)).sum(),
        holdout_value: c.holdout.iter().map(PeriodValue::value).sum(),
    }
}

/// The last row after as-of across all customers: the end of the holdout.
pub fn holdout_end(series: &ValueSeries) -> Option<NaiveDate> {
    series
        .customers
        .iter()
        .filter_map(|c| c.holdout_last_date)
        .max()
        .filter(|e| *e > series.as_of)
}
