//! How forecasts compared with what happened: per customer type, the predicted and the actual
//! value of the same months and how many actual values lay inside their 80 % range. The
//! backtest ([`super::backtest`](mod@super::backtest)) and the check after as-of ([`super::HoldoutCheck`]) both
//! speak in these terms.

use crate::typology::CustomerType;
use crate::PeriodValue;

/// One customer's forecast value with its 80 % range (all zero by default: nothing expected).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Band {
    /// Expected value.
    pub value: f64,
    /// Lower end of the 80 % range.
    pub low: f64,
    /// Upper end of the 80 % range.
    pub high: f64,
}

impl Band {
    /// Whether `actual` lies inside the range (ends included).
    pub fn holds(&self, actual: f64) -> bool {
        // A relative tolerance, so that a range that collapsed onto the value still holds it
        // after the rounding of a sum.
        let eps = 1e-9 * (1.0 + actual.abs());
        self.low - eps <= actual && actual <= self.high + eps
    }
}

/// Forecasts of a group of customers against what happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// The type the customers had when the forecast was made; `None` for all customers.
    pub customer_type: Option<CustomerType>,
    /// Customers compared.
    pub customers: usize,
    /// Sum of the forecast values.
    pub predicted: f64,
    /// Sum of the actual values.
    pub actual: f64,
    /// Customers whose actual value lay inside their 80 % range.
    pub inside: usize,
}

impl Outcome {
    pub(crate) fn empty(customer_type: Option<CustomerType>) -> Self {
        Outcome {
            customer_type,
            customers: 0,
            predicted: 0.0,
            actual: 0.0,
            inside: 0,
        }
    }

    pub(crate) fn add(&mut self, band: &Band, actual: f64) {
        self.customers += 1;
        self.predicted += band.value;
        self.actual += actual;
        self.inside += usize::from(band.holds(actual));
    }

    /// Predicted / actual, when the actual value is positive (1.10 = 10 % too high).
    pub fn ratio(&self) -> Option<f64> {
        (self.actual > 0.0 && self.predicted.is_finite()).then(|| self.predicted / self.actual)
    }

    /// Share of the customers whose actual value lay inside the range.
    pub fn coverage(&self) -> Option<f64> {
        (self.customers > 0).then(|| self.inside as f64 / self.customers as f64)
    }
}

/// The outcome of every type that has customers (in the order of [`CustomerType::ALL`]), then
/// of all customers. `types`, `bands` and `actual` are per customer, in the same order.
pub fn by_type(types: &[CustomerType], bands: &[Band], actual: &[f64]) -> Vec<Outcome> {
    let mut per: Vec<Outcome> = CustomerType::ALL
        .iter()
        .map(|t| Outcome::empty(Some(*t)))
        .collect();
    let mut all = Outcome::empty(None);
    for ((t, band), a) in types.iter().zip(bands).zip(actual) {
        if let Some(o) = per.iter_mut().find(|o| o.customer_type == Some(*t)) {
            o.add(band, *a);
        }
        all.add(band, *a);
    }
    per.retain(|o| o.customers > 0);
    per.push(all);
    per
}

/// The value of the whole months `1..=horizon` after the month `as_of_month` (a month index,
/// see [`kundenwert_core::Period::month_index_of`]) among `periods`, each month discounted as
/// the forecast discounts it: month `h` by `(1 + discount_rate)^(−h/12)`. Periods longer than a
/// month count with the months they start in and are discounted at their middle.
pub fn actual_value(
    periods: &[PeriodValue],
    as_of_month: i32,
    horizon: u32,
    discount_rate: f64,
) -> f64 {
    periods
        .iter()
        .filter_map(|p| {
            let offset = p.period.first_month_index() - as_of_month;
            (offset >= 1 && offset <= horizon as i32).then(|| {
                let middle = f64::from(offset) + f64::from(p.period.kind().months() - 1) / 2.0;
                p.value() * (1.0 + discount_rate).powf(-middle / 12.0)
            })
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kundenwert_core::{Period, PeriodKind};

    fn month(index: i32, margin: f64) -> PeriodValue {
        PeriodValue {
            period: Period::containing_month(PeriodKind::Month, index),
            revenue: margin * 2.0,
            cost: Some(margin),
            margin: Some(margin),
            lines: 1,
            orders: 1,
            days: 1,
            active_days: 1,
        }
    }

    #[test]
    fn types_and_all_are_summed_apart() {
        use CustomerType::*;
        let band = |value, low, high| Band { value, low, high };
        let out = by_type(
            &[Growth, Stable, Growth],
            &[
                band(10.0, 5.0, 15.0),
                band(4.0, 0.0, 8.0),
                band(6.0, 6.0, 6.0),
            ],
            &[20.0, 4.0, 6.0],
        );
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].customer_type, Some(Stable));
        assert_eq!(out[1].customer_type, Some(Growth));
        assert_eq!((out[1].customers, out[1].inside), (2, 1));
        assert_eq!(out[1].ratio(), Some(16.0 / 26.0));
        assert_eq!(out[2].customer_type, None);
        assert_eq!((out[2].customers, out[2].inside), (3, 2));
        assert_eq!(out[2].coverage(), Some(2.0 / 3.0));
    }

    #[test]
    fn no_ratio_without_a_positive_actual_value() {
        let o = Outcome {
            customer_type: None,
            customers: 2,
            predicted: 5.0,
            actual: -1.0,
            inside: 0,
        };
        assert_eq!(o.ratio(), None);
    }

    #[test]
    fn actual_value_takes_the_horizon_months_discounted() {
        // As-of month 100; months 100 (as-of itself), 101, 112 and 113.
        let periods = [
            month(100, 1.0),
            month(101, 10.0),
            month(112, 100.0),
            month(113, 1000.0),
        ];
        assert_eq!(actual_value(&periods, 100, 12, 0.0), 110.0);
        let r: f64 = 0.1;
        let expected = 10.0 * (1.0 + r).powf(-1.0 / 12.0) + 100.0 / (1.0 + r);
        assert!((actual_value(&periods, 100, 12, r) - expected).abs() < 1e-12);
    }
}
