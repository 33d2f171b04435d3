//! The type-aware projection of the typology specification §4: a customer's recent monthly level,
//! for growing, shrinking and bell customers with a damped trend, weighted by how likely the
//! customer still buys and discounted. How much the trend is damped is chosen per type on the
//! backtest ([`super::backtest`](mod@super::backtest)) where there is one.
//!
//! It is the candidate for B2B customers who order at regular intervals, where the
//! "buy till you die" models fit poorly; model choice compares both on the holdout.

use super::outcome::Band;
use crate::typology::stats::{block_means, mean, median, std_pop};
use crate::typology::{CustomerType, Features};

/// Damping of the trend per month (spec §4: φ = 0.9): a trend is believed for a few months,
/// not for ever. Without a backtest this is the damping used; with one, each type's damping is
/// chosen among [`DAMPINGS`] where it predicted last year best.
pub const DAMPING: f64 = 0.9;

/// The dampings a backtest chooses among: from no trend at all (0) to a trend that goes on
/// undamped (1).
pub const DAMPINGS: [f64; 6] = [0.0, 0.5, 0.8, 0.9, 0.95, 1.0];

/// The z value of the 10 % and 90 % quantiles of a normal distribution: the 80 % interval.
pub const Z_80: f64 = 1.281_551_565_545;

/// What the projection knows of one customer: where its monthly value stands, where it is
/// heading, how much the months vary and how likely the customer still buys. The value over a
/// horizon follows from it for any damping ([`Projection::value`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// Probability that the customer still buys (spec §4).
    pub p_alive: f64,
    /// Monthly level the projection starts from.
    pub level: f64,
    /// Trend per month (0 unless growth, shrinking or bell).
    pub slope: f64,
    /// Population standard deviation of the last twelve months' values.
    pub spread: f64,
    /// A barnacle: its level is kept as it is, negative too, and gets no trend.
    pub barnacle: bool,
}

impl Projection {
    /// Expected value of month `h` (1 = the first after as-of) before discounting, weighted by
    /// `p_alive`, with the trend damped by `damping` a month.
    pub fn month(&self, h: u32, damping: f64) -> f64 {
        let damped: f64 = (1..=h).map(|j| damping.powi(j as i32)).sum();
        self.p_alive * self.alive_level(damped)
    }

    fn alive_level(&self, damped: f64) -> f64 {
        if self.barnacle {
            self.level
        } else {
            (self.level + self.slope * damped).max(0.0)
        }
    }

    /// The value over `horizon` months at an annual `discount_rate`, the trend damped by
    /// `damping` a month.
    ///
    /// The interval combines the month-to-month variation of the last twelve months (as if the
    /// months were independent) with the uncertainty whether the customer is still there
    /// (Bernoulli with `p_alive`); it is a plain, explainable band, not a model-based predictive
    /// distribution.
    pub fn value(&self, horizon: u32, discount_rate: f64, damping: f64) -> Band {
        let p_alive = self.p_alive;
        let mut damped = 0.0;
        let mut phi = 1.0;
        let (mut fv, mut fv_alive, mut var_months) = (0.0, 0.0, 0.0);
        for h in 1..=horizon {
            phi *= damping;
            damped += phi;
            let l = self.alive_level(damped);
            let discount = (1.0 + discount_rate).powf(-f64::from(h) / 12.0);
            fv += p_alive * l * discount;
            fv_alive += l * discount;
            var_months += (discount * self.spread).powi(2);
        }
        // Alive: the months vary around the level; not alive: nothing. Law of total variance.
        let variance = p_alive * var_months + p_alive * (1.0 - p_alive) * fv_alive * fv_alive;
        let half = Z_80 * variance.max(0.0).sqrt();
        let mut low = fv - half;
        if !self.barnacle && self.level >= 0.0 {
            low = low.max(0.0);
        }
        Band {
            value: fv,
            low,
            high: fv + half,
        }
    }
}

/// The projection of a monthly value series `y` (index `len - 1` = as-of month, as classified)
/// of a customer of type `customer_type`.
pub fn project(y: &[f64], features: &Features, customer_type: CustomerType) -> Projection {
    let first = y.len().saturating_sub(features.tenure);
    let tenure = &y[first..];
    let last12 = &tenure[tenure.len().saturating_sub(12)..];
    let trending = matches!(
        customer_type,
        CustomerType::Growth | CustomerType::Shrink | CustomerType::Bell
    );
    let level = if trending {
        mean(&tenure[tenure.len().saturating_sub(6)..])
    } else {
        mean(last12)
    };
    let slope = if trending {
        // The active span: from the first month with business (where tenure starts) to the
        // last one, as the features were computed.
        let last = (y.len() - 1).saturating_sub(features.gap_end).max(first);
        let act = &y[first..=last];
        let b = features.block.max(1);
        let blocks = block_means(act, b);
        let k = (12 / b).max(3).min(blocks.len());
        let s = sen_slope(&blocks[blocks.len() - k..]) / b as f64;
        if customer_type == CustomerType::Growth {
            s.max(0.0)
        } else {
            s.min(0.0)
        }
    } else {
        0.0
    };
    let adi = features.adi;
    let mut p_alive = (-(features.gap_end as f64 - adi).max(0.0) / (2.0 * adi + 1.0)).exp();
    if features.n_active == 1 {
        p_alive *= 0.5;
    }
    Projection {
        p_alive,
        level,
        slope,
        spread: std_pop(last12),
        barnacle: customer_type == CustomerType::Barnacle,
    }
}

/// Sen's slope: the median of the slopes between all pairs of points (robust to outliers).
pub fn sen_slope(x: &[f64]) -> f64 {
    let mut slopes = Vec::with_capacity(x.len() * x.len().saturating_sub(1) / 2);
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            slopes.push((x[j] - x[i]) / (j - i) as f64);
        }
    }
    median(&slopes).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(y: &[f64]) -> Features {
        Features::compute(y, false).expect("series has business")
    }

    #[test]
    fn sen_slope_of_a_line_is_its_slope_and_ignores_one_outlier() {
        assert_eq!(sen_slope(&[1.0, 3.0, 5.0, 7.0]), 2.0);
        assert_eq!(sen_slope(&[1.0, 3.0, 500.0, 7.0, 9.0]), 2.0);
        assert_eq!(sen_slope(&[4.0]), 0.0);
    }

    #[test]
    fn steady_customer_projects_its_level_discounted() {
        let y = vec![100.0; 24];
        let f = features(&y);
        let p = project(&y, &f, CustomerType::Stable);
        assert!((p.p_alive - 1.0).abs() < 1e-12);
        let p = p.value(12, 0.10, DAMPING);
        let expected: f64 = (1..=12).map(|h| 100.0 / 1.1f64.powf(h as f64 / 12.0)).sum();
        assert!((p.value - expected).abs() < 1e-9, "{}", p.value);
        // No variation and certainly alive: the interval collapses.
        assert!((p.high - p.low).abs() < 1e-9);
    }

    #[test]
    fn growth_trend_is_damped_and_never_negative_for_shrinking() {
        let y: Vec<f64> = (1..=24).map(|m| 10.0 * m as f64).collect();
        let f = features(&y);
        let g = project(&y, &f, CustomerType::Growth);
        assert!(g.slope > 9.0 && g.slope < 11.0, "{}", g.slope);
        // Damped: the 12th month rises by slope × Σφ^j ≈ 6.2 × slope, not 12 × slope.
        let rise = g.month(12, DAMPING) - g.level;
        assert!(rise < 6.5 * g.slope && rise > 5.5 * g.slope, "{rise}");
        let down: Vec<f64> = y.iter().rev().copied().collect();
        let f = features(&down);
        let s = project(&down, &f, CustomerType::Shrink);
        assert!(s.slope < 0.0);
        assert!((1..=36).all(|h| s.month(h, DAMPING) >= 0.0));
        // Undamped, the trend goes on until the level reaches zero.
        assert_eq!(s.month(36, 1.0), 0.0);
        // Without a trend the level stays.
        assert_eq!(s.month(36, 0.0), s.level);
    }

    #[test]
    fn a_long_silence_lowers_p_alive() {
        let mut y = vec![50.0; 12];
        y.extend(vec![0.0; 12]);
        let f = features(&y);
        let p = project(&y, &f, CustomerType::Stable);
        // gap 12 months, ADI 1: exp(-(12 - 1) / 3).
        assert!((p.p_alive - (-11.0f64 / 3.0).exp()).abs() < 1e-12);
        let v = p.value(12, 0.10, DAMPING);
        assert!(v.low >= 0.0 && v.low <= v.value && v.value <= v.high);
    }

    #[test]
    fn barnacle_keeps_a_negative_level() {
        let y = vec![-5.0; 18];
        let f = features(&y);
        let p = project(&y, &f, CustomerType::Barnacle);
        assert!(p.value(12, 0.10, DAMPING).value < 0.0);
    }
}
