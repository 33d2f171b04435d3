//! The customer portfolio: ABC classes by current value, the whale curve of cumulative
//! margin, and the quadrants of current × future value (Kundenportfolio).
//!
//! Pure functions of a finished [`ValueSeries`]:
//!
//! - **ABC** ([`abc`]): customers sorted by current value, highest first (ties keep the order of
//!   the series, i.e. customer number). A = the customers who together make the first
//!   [`PortfolioConfig::abc_a`] (80 %) of the total *positive* current value, B = the next
//!   [`PortfolioConfig::abc_b`] (15 %), C = the rest, including every customer whose current
//!   value is zero or negative. The customer who crosses a boundary belongs to the class
//!   above it (the A customers are the fewest that reach 80 %).
//! - **Whale curve** ([`whale_curve`]): customers sorted by total margin (revenue when the
//!   data has no cost), highest first; the cumulative share of customers against the
//!   cumulative share of the total margin. It rises above 100 % while profitable customers are
//!   added and falls back to 100 % through the customers who lose money; its peak says "the
//!   top 38 % of customers make 142 % of the margin".
//! - **Quadrants** ([`quadrants`]): high / low current value × high / low future value, split
//!   at the medians. The future value is the forecast's ([`crate::future`]), one per customer;
//!   without one for every customer (a caller that passes none) the quadrants are `None`.

use serde::Serialize;

use crate::ValueSeries;

/// Cut-offs of the portfolio analysis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PortfolioConfig {
    /// Share of the total positive current value the A customers make (0.80).
    pub abc_a: f64,
    /// Share the B customers make after the A customers (0.15); C is the rest (0.05).
    pub abc_b: f64,
    /// Most points of the whale curve (at least 2); longer curves are sampled at evenly spaced
    /// customer counts (the peak is always exact).
    pub whale_points: usize,
}

impl Default for PortfolioConfig {
    fn default() -> Self {
        PortfolioConfig {
            abc_a: 0.80,
            abc_b: 0.15,
            whale_points: 101,
        }
    }
}

/// ABC class of a customer by current value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum AbcClass {
    /// Among the customers making the first 80 % of the positive current value.
    A,
    /// Among those making the next 15 %.
    B,
    /// The rest, and everyone with a current value of zero or below.
    C,
}

impl AbcClass {
    /// `"A"`, `"B"` or `"C"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AbcClass::A => "A",
            AbcClass::B => "B",
            AbcClass::C => "C",
        }
    }
}

/// Customers and current value of one ABC class.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AbcGroup {
    /// Customers in the class.
    pub customers: usize,
    /// Their current value (C may include negative values).
    pub current_value: f64,
}

/// ABC classes by current value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Abc {
    /// Cut-off of A (share of the total positive current value).
    pub cutoff_a: f64,
    /// Cut-off of B (share after A).
    pub cutoff_b: f64,
    /// Sum of the positive current values, the base of the shares.
    pub total_positive_value: f64,
    /// Class A.
    pub a: AbcGroup,
    /// Class B.
    pub b: AbcGroup,
    /// Class C.
    pub c: AbcGroup,
    /// The class of every customer, in the order of the series.
    #[serde(skip)]
    pub classes: Vec<AbcClass>,
}

/// ABC classes of `current_values` (one per customer) with cut-offs `abc_a` and `abc_b`
/// (see the module documentation).
pub fn abc(current_values: &[f64], abc_a: f64, abc_b: f64) -> Abc {
    let total: f64 = current_values.iter().filter(|v| **v > 0.0).sum();
    let mut order: Vec<usize> = (0..current_values.len()).collect();
    // Stable: equal values keep the series' order.
    order.sort_by(|&i, &j| current_values[j].total_cmp(&current_values[i]));
    // Shares are compared with a little slack so that float noise in sums of cents does not
    // move a customer across a boundary it meets exactly.
    let slack = 1e-9 * total;
    let (limit_a, limit_b) = (abc_a * total - slack, (abc_a + abc_b) * total - slack);
    let mut classes = vec![AbcClass::C; current_values.len()];
    let mut before = 0.0;
    for i in order {
        let v = current_values[i];
        if v <= 0.0 {
            break;
        }
        classes[i] = if before < limit_a {
            AbcClass::A
        } else if before < limit_b {
            AbcClass::B
        } else {
            AbcClass::C
        };
        before += v;
    }
    let mut groups = [
        AbcGroup::default(),
        AbcGroup::default(),
        AbcGroup::default(),
    ];
    for (class, v) in classes.iter().zip(current_values) {
        let g = &mut groups[*class as usize];
        g.customers += 1;
        g.current_value += v;
    }
    let [a, b, c] = groups;
    Abc {
        cutoff_a: abc_a,
        cutoff_b: abc_b,
        total_positive_value: total,
        a,
        b,
        c,
        classes,
    }
}

/// One point of the whale curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WhalePoint {
    /// The top customers by margin counted so far.
    pub customers: usize,
    /// Their share of all customers (0..=1).
    pub customer_share: f64,
    /// Their margin over the total margin (may exceed 1).
    pub margin_share: f64,
}

/// The whale curve of cumulative margin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhaleCurve {
    /// Customers.
    pub customers: usize,
    /// Total margin of all customers (revenue without cost data).
    pub total_margin: f64,
    /// Customers with a negative total margin.
    pub negative_customers: usize,
    /// Their share of all customers.
    pub negative_share: f64,
    /// Their margin (zero or below).
    pub negative_margin: f64,
    /// The highest point: the top customers who make the most margin together. `None` when
    /// the total margin is not positive (shares of it would mean nothing).
    pub peak: Option<WhalePoint>,
    /// Points from (0, 0) to (1, 1), sampled at evenly spaced customer counts when there are
    /// more customers than points; empty when the total margin is not positive.
    pub points: Vec<WhalePoint>,
}

/// The whale curve of `margins` (total margin per customer), with at most `max_points`
/// points (see [`PortfolioConfig::whale_points`]).
pub fn whale_curve(margins: &[f64], max_points: usize) -> WhaleCurve {
    let n = margins.len();
    let mut sorted = margins.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = sorted.iter().sum();
    let negative: Vec<f64> = margins.iter().copied().filter(|m| *m < 0.0).collect();
    let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    // cum[k] = margin of the top k customers.
    let mut cum = Vec::with_capacity(n + 1);
    cum.push(0.0);
    for m in &sorted {
        cum.push(cum[cum.len() - 1] + m);
    }
    let point = |k: usize| WhalePoint {
        customers: k,
        customer_share: share(k),
        margin_share: cum[k] / total,
    };
    let (peak, points) = if total > 0.0 {
        // The first customer count with the largest cumulative margin.
        let mut best = 0;
        for k in 1..=n {
            if cum[k] > cum[best] {
                best = k;
            }
        }
        let steps = n.min(max_points.max(2) - 1);
        let mut ks: Vec<usize> = (0..=steps).map(|i| (i * n + steps / 2) / steps).collect();
        ks.dedup();
        (Some(point(best)), ks.into_iter().map(point).collect())
    } else {
        (None, Vec::new())
    };
    WhaleCurve {
        customers: n,
        total_margin: total,
        negative_customers: negative.len(),
        negative_share: share(negative.len()),
        negative_margin: negative.iter().sum(),
        peak,
        points,
    }
}

/// A quadrant of the customer portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// High current and high future value: keep and develop.
    Star,
    /// High current, low future value: worth a lot now, less later.
    CashCow,
    /// Low current, high future value: worth developing.
    QuestionMark,
    /// Low current and low future value.
    Dog,
}

/// Customers, current and future value of one quadrant.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QuadrantGroup {
    /// Customers in the quadrant.
    pub customers: usize,
    /// Their current value.
    pub current_value: f64,
    /// Their future value.
    pub future_value: f64,
}

/// The quadrants of current × future value, split at the medians.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quadrants {
    /// Median current value: at or above it is high.
    pub split_current: f64,
    /// Median future value: at or above it is high.
    pub split_future: f64,
    /// High current, high future.
    pub star: QuadrantGroup,
    /// High current, low future.
    pub cash_cow: QuadrantGroup,
    /// Low current, high future.
    pub question_mark: QuadrantGroup,
    /// Low current, low future.
    pub dog: QuadrantGroup,
    /// The quadrant of every customer, in the order of the series.
    #[serde(skip)]
    pub quadrants: Vec<Quadrant>,
}

fn median(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Quadrants of `current` × `future` value (one each per customer); `None` when there are
/// no customers, the lengths differ, or any future value is missing.
pub fn quadrants(current: &[f64], future: &[Option<f64>]) -> Option<Quadrants> {
    if current.is_empty() || current.len() != future.len() {
        return None;
    }
    let future: Vec<f64> = future.iter().copied().collect::<Option<_>>()?;
    let (split_current, split_future) = (median(current), median(&future));
    let mut q = Quadrants {
        split_current,
        split_future,
        star: QuadrantGroup::default(),
        cash_cow: QuadrantGroup::default(),
        question_mark: QuadrantGroup::default(),
        dog: QuadrantGroup::default(),
        quadrants: Vec::with_capacity(current.len()),
    };
    for (c, f) in current.iter().zip(&future) {
        let quadrant = match (*c >= split_current, *f >= split_future) {
            (true, true) => Quadrant::Star,
            (true, false) => Quadrant::CashCow,
            (false, true) => Quadrant::QuestionMark,
            (false, false) => Quadrant::Dog,
        };
        let g = match quadrant {
            Quadrant::Star => &mut q.star,
            Quadrant::CashCow => &mut q.cash_cow,
            Quadrant::QuestionMark => &mut q.question_mark,
            Quadrant::Dog => &mut q.dog,
        };
        g.customers += 1;
        g.current_value += c;
        g.future_value += f;
        q.quadrants.push(quadrant);
    }
    Some(q)
}

/// The customer portfolio of a value series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Portfolio {
    /// ABC classes by current value.
    pub abc: Abc,
    /// Whale curve of the total margin.
    pub whale_curve: WhaleCurve,
    /// Current × future value; `None` when not every customer has a future value.
    pub quadrants: Option<Quadrants>,
}

/// The portfolio of `series`: ABC by [`CustomerSeries::current_value`](crate::CustomerSeries),
/// the whale curve of the total margin (revenue when the data has no cost), and the quadrants
/// against `future_value` (one per customer in the series' order; pass `&[]` or `None`s while
/// there is no future value).
pub fn portfolio(
    series: &ValueSeries,
    future_value: &[Option<f64>],
    config: &PortfolioConfig,
) -> Portfolio {
    let current: Vec<f64> = series.customers.iter().map(|c| c.current_value).collect();
    let margins: Vec<f64> = series
        .customers
        .iter()
        .map(|c| c.margin.unwrap_or(c.revenue))
        .collect();
    Portfolio {
        abc: abc(&current, config.abc_a, config.abc_b),
        whale_curve: whale_curve(&margins, config.whale_points),
        quadrants: quadrants(&current, future_value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AbcClass::{A, B, C};

    #[test]
    fn abc_by_hand() {
        // Total positive 100 (the -20 and the 0 do not count). Sorted: 50 30 10 5 5.
        // 50: 0 before < 80 → A; 30: 50 < 80 → A; 10: 80 is not < 80 → B; 5: 90 < 95 → B;
        // 5: 95 → C. Zero and negative → C.
        let v = [5.0, 30.0, -20.0, 50.0, 0.0, 10.0, 5.0];
        let r = abc(&v, 0.80, 0.15);
        assert_eq!(r.total_positive_value, 100.0);
        // The two 5s tie: the first in the series' order comes first (B), the second is C.
        assert_eq!(r.classes, [B, A, C, A, C, B, C]);
        assert_eq!((r.a.customers, r.a.current_value), (2, 80.0));
        assert_eq!((r.b.customers, r.b.current_value), (2, 15.0));
        assert_eq!((r.c.customers, r.c.current_value), (3, -15.0));
    }

    #[test]
    fn abc_crossing_customer_belongs_above() {
        // 70 then 20: the 20 crosses 80 % (70 → 90) and is still A; 6 is B (90 → 96 crosses
        // 95 %); 4 is C.
        let r = abc(&[70.0, 20.0, 6.0, 4.0], 0.80, 0.15);
        assert_eq!(r.classes, [A, A, B, C]);
        // Other cut-offs: 50 / 30.
        let r = abc(&[70.0, 20.0, 6.0, 4.0], 0.50, 0.30);
        assert_eq!(r.classes, [A, B, C, C]);
    }

    #[test]
    fn abc_without_positive_value_is_all_c() {
        let r = abc(&[0.0, -5.0], 0.8, 0.15);
        assert_eq!(r.classes, [C, C]);
        assert_eq!(r.total_positive_value, 0.0);
        assert!(abc(&[], 0.8, 0.15).classes.is_empty());
    }

    #[test]
    fn whale_curve_by_hand() {
        // Sorted: 100 60 -10 -30 -20 → sorted 100 60 -10 -20 -30; total 100.
        // cum: 0 100 160 150 130 100 → shares 0 1.0 1.6 1.5 1.3 1.0; peak at 2 of 5 = 40 %.
        let w = whale_curve(&[-10.0, 100.0, -30.0, 60.0, -20.0], 101);
        assert_eq!(w.total_margin, 100.0);
        assert_eq!(
            w.peak,
            Some(WhalePoint {
                customers: 2,
                customer_share: 0.4,
                margin_share: 1.6
            })
        );
        assert_eq!((w.negative_customers, w.negative_margin), (3, -60.0));
        assert!((w.negative_share - 0.6).abs() < 1e-12);
        let shares: Vec<(f64, f64)> = w
            .points
            .iter()
            .map(|p| (p.customer_share, p.margin_share))
            .collect();
        assert_eq!(
            shares,
            [
                (0.0, 0.0),
                (0.2, 1.0),
                (0.4, 1.6),
                (0.6, 1.5),
                (0.8, 1.3),
                (1.0, 1.0)
            ]
        );
    }

    #[test]
    fn whale_curve_is_sampled_but_keeps_ends_and_exact_peak() {
        // 10 customers with margins 10 9 ... 1 (total 55), 3 points: 0, 5 and 10 customers.
        let m: Vec<f64> = (0..10).map(|i| 10.0 - i as f64).collect();
        let w = whale_curve(&m, 3);
        let ks: Vec<usize> = w.points.iter().map(|p| p.customers).collect();
        assert_eq!(ks, [0, 5, 10]);
        // Top 5: 10 + 9 + 8 + 7 + 6 = 40 of 55.
        assert!((w.points[1].margin_share - 40.0 / 55.0).abs() < 1e-12);
        // All positive: the peak is the whole portfolio, 100 %.
        assert_eq!(w.peak.unwrap().customers, 10);
        assert_eq!(w.points.last().unwrap().margin_share, 1.0);
    }

    #[test]
    fn whale_curve_without_positive_total() {
        let w = whale_curve(&[-5.0, 3.0], 101);
        assert_eq!(w.peak, None);
        assert!(w.points.is_empty());
        assert_eq!(w.negative_customers, 1);
        let empty = whale_curve(&[], 101);
        assert_eq!((empty.customers, empty.peak), (0, None));
    }

    #[test]
    fn quadrants_need_every_future_value() {
        assert_eq!(quadrants(&[1.0, 2.0], &[None, None]), None);
        assert_eq!(quadrants(&[1.0, 2.0], &[]), None);
        assert_eq!(quadrants(&[1.0, 2.0], &[Some(1.0), None]), None);
        // Medians: current 25 (10 20 30 40), future 2.5 (1 2 3 4).
        let q = quadrants(
            &[40.0, 30.0, 20.0, 10.0],
            &[Some(4.0), Some(1.0), Some(3.0), Some(2.0)],
        )
        .unwrap();
        assert_eq!((q.split_current, q.split_future), (25.0, 2.5));
        assert_eq!(
            q.quadrants,
            [
                Quadrant::Star,
                Quadrant::CashCow,
                Quadrant::QuestionMark,
                Quadrant::Dog
            ]
        );
        assert_eq!(q.star.current_value, 40.0);
        assert_eq!(q.dog.future_value, 2.0);
    }
}
