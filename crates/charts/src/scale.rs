//! Axes: the domain a set of values spans, "nice" ticks (1, 2 or 5 × 10ᵏ apart) and the map
//! from values to positions, linear or symmetric-logarithmic.

/// Finite values are clamped to ±this before any arithmetic, so that spans and sums of the
/// largest `f64`s stay finite. No amount of money comes near it.
pub(crate) const LIMIT: f64 = 1e300;

/// Most ticks an axis shows.
const MAX_TICKS: usize = 12;

/// `v` if it is finite (clamped to ±[`LIMIT`]), else `None`.
pub(crate) fn finite(v: f64) -> Option<f64> {
    v.is_finite().then(|| v.clamp(-LIMIT, LIMIT))
}

/// The smallest and largest of the finite values, or `None` when there is none.
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter_map(finite)
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// A "nice" step (1, 2 or 5 × 10ᵏ) for about `target` ticks over `span`, at least `min_step`.
fn nice_step(span: f64, target: f64, min_step: f64) -> f64 {
    let raw = (span / target).max(min_step).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    let residual = raw / magnitude;
    let nice = if residual <= 1.0 {
        1.0
    } else if residual <= 2.0 {
        2.0
    } else if residual <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// A linear axis: its domain (widened to whole ticks) and its ticks.
#[derive(Debug, Clone)]
pub(crate) struct Linear {
    /// Lowest value of the axis.
    pub lo: f64,
    /// Highest value of the axis.
    pub hi: f64,
    /// Distance between ticks.
    pub step: f64,
    /// The tick values, from `lo` to `hi`.
    pub ticks: Vec<f64>,
}

impl Linear {
    /// An axis over `lo..=hi` (finite, `lo <= hi`) with about `target` ticks at least
    /// `min_step` apart, widened to whole ticks. A range too narrow to tick (a single value) is
    /// widened around it.
    pub(crate) fn new(lo: f64, hi: f64, target: usize, min_step: f64) -> Linear {
        let (mut lo, mut hi) = (lo.clamp(-LIMIT, LIMIT), hi.clamp(-LIMIT, LIMIT));
        let magnitude = lo.abs().max(hi.abs());
        if hi - lo <= magnitude * 1e-9 {
            let half = (magnitude * 0.1).max(min_step).max(1.0);
            lo -= half;
            hi += half;
        }
        let step = nice_step(hi - lo, target.max(2) as f64, min_step);
        let first = (lo / step).floor();
        let last = (hi / step).ceil();
        // Whole multiples of `step`, computed from their index so that float error does not pile
        // up; bounded, since a span of a few steps over a huge magnitude may still round oddly.
        let count = ((last - first) as usize).min(MAX_TICKS * 4);
        let ticks: Vec<f64> = (0..=count)
            .map(|i| tidy((first + i as f64) * step))
            .collect();
        let lo = tidy(first * step);
        let hi = ticks.last().copied().unwrap_or(lo).max(hi);
        Linear {
            lo,
            hi,
            step,
            ticks,
        }
    }

    /// The fraction `0..=1` of the way from `lo` to `hi` at which `v` sits.
    pub(crate) fn fraction(&self, v: f64) -> f64 {
        let span = self.hi - self.lo;
        if span > 0.0 {
            (v.clamp(-LIMIT, LIMIT) - self.lo) / span
        } else {
            0.5
        }
    }
}

/// `-0.0` as `0.0`.
fn tidy(v: f64) -> f64 {
    v + 0.0
}

/// The symmetric logarithm: `sign(v) · log10(1 + |v|)`. Zero stays zero, negative values keep
/// their order below it, and values between −1 and 1 are nearly linear.
pub(crate) fn symlog(v: f64) -> f64 {
    v.signum() * v.abs().ln_1p() / std::f64::consts::LN_10
}

/// A symmetric-log axis: positions come from [`symlog`], ticks are 0 and ±10ᵏ.
#[derive(Debug, Clone)]
pub(crate) struct SymLog {
    /// `symlog` of the lowest value.
    lo: f64,
    /// `symlog` of the highest value.
    hi: f64,
    /// The tick values (not transformed).
    pub ticks: Vec<f64>,
}

impl SymLog {
    /// An axis over `lo..=hi` (finite, `lo <= hi`), widened to the next powers of ten.
    pub(crate) fn new(lo: f64, hi: f64) -> SymLog {
        let (lo, hi) = (lo.clamp(-LIMIT, LIMIT), hi.clamp(-LIMIT, LIMIT));
        // Powers of ten that cover the values: 10^k ≥ |v|.
        let power = |v: f64| -> i32 {
            if v.abs() <= 1.0 {
                0
            } else {
                (v.abs().log10().ceil() as i32).clamp(0, 300)
            }
        };
        let top = if hi > 0.0 { power(hi) } else { -1 };
        let bottom = if lo < 0.0 { power(lo) } else { -1 };
        let decades = (top.max(0) + bottom.max(0) + 2) as usize;
        // Every decade while they fit, else every second, third, …
        let every = decades.div_ceil(MAX_TICKS).max(1) as i32;
        let mut ticks = Vec::new();
        let mut k = bottom;
        while k >= 0 {
            if k % every == 0 || k == bottom {
                ticks.push(-(10f64.powi(k)));
            }
            k -= 1;
        }
        ticks.push(0.0);
        for k in 0..=top {
            if k % every == 0 || k == top {
                ticks.push(10f64.powi(k));
            }
        }
        let t_lo = ticks.first().copied().unwrap_or(0.0).min(lo);
        let t_hi = ticks.last().copied().unwrap_or(0.0).max(hi);
        SymLog {
            lo: symlog(t_lo),
            hi: symlog(t_hi),
            ticks,
        }
    }

    /// The fraction `0..=1` of the way from the lowest to the highest value at which `v` sits.
    pub(crate) fn fraction(&self, v: f64) -> f64 {
        let span = self.hi - self.lo;
        if span > 0.0 {
            (symlog(v.clamp(-LIMIT, LIMIT)) - self.lo) / span
        } else {
            0.5
        }
    }
}

/// A linear or symmetric-log axis.
#[derive(Debug, Clone)]
pub(crate) enum Axis {
    /// Linear.
    Linear(Linear),
    /// Symmetric logarithmic.
    SymLog(SymLog),
}

impl Axis {
    /// See [`Linear::fraction`] and [`SymLog::fraction`].
    pub(crate) fn fraction(&self, v: f64) -> f64 {
        match self {
            Axis::Linear(a) => a.fraction(v),
            Axis::SymLog(a) => a.fraction(v),
        }
    }

    /// The tick values.
    pub(crate) fn ticks(&self) -> &[f64] {
        match self {
            Axis::Linear(a) => &a.ticks,
            Axis::SymLog(a) => &a.ticks,
        }
    }

    /// The distance between ticks (for their decimals); a log axis's ticks are whole numbers.
    pub(crate) fn step(&self) -> f64 {
        match self {
            Axis::Linear(a) => a.step,
            Axis::SymLog(_) => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_linear_ticks() {
        let a = Linear::new(0.0, 87.0, 5, 0.0);
        assert_eq!(a.step, 20.0);
        assert_eq!(a.ticks, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!((a.lo, a.hi), (0.0, 100.0));
        let b = Linear::new(-0.3, 1.42, 5, 0.01);
        assert_eq!(b.step, 0.5);
        assert_eq!(b.ticks.first(), Some(&-0.5));
        assert_eq!(b.ticks.last(), Some(&1.5));
    }

    #[test]
    fn a_single_value_is_widened() {
        let a = Linear::new(5.0, 5.0, 5, 0.0);
        assert!(a.lo < 5.0 && a.hi > 5.0, "{a:?}");
        let z = Linear::new(0.0, 0.0, 5, 0.0);
        assert!(z.lo < 0.0 && z.hi > 0.0, "{z:?}");
    }

    #[test]
    fn extremes_stay_finite_and_bounded() {
        for (lo, hi) in [
            (-LIMIT, LIMIT),
            (1e16, 1e16 + 2.0),
            (f64::MIN_POSITIVE, 1e-300),
        ] {
            let a = Linear::new(lo, hi, 5, 0.0);
            assert!(a.ticks.len() <= MAX_TICKS * 4 + 1, "{lo} {hi}");
            assert!(a.ticks.iter().all(|t| t.is_finite()));
            assert!(a.fraction(hi).is_finite());
        }
    }

    #[test]
    fn symlog_ticks_are_powers_of_ten() {
        let a = SymLog::new(-50.0, 12_000.0);
        assert_eq!(
            a.ticks,
            vec![-100.0, -10.0, -1.0, 0.0, 1.0, 10.0, 100.0, 1000.0, 10_000.0, 100_000.0]
        );
        assert_eq!(a.fraction(-100.0), 0.0);
        assert!((a.fraction(100_000.0) - 1.0).abs() < 1e-12);
        assert_eq!(symlog(0.0), 0.0);
        assert!((symlog(9.0) - 1.0).abs() < 1e-12);
        let wide = SymLog::new(-LIMIT, LIMIT);
        assert!(wide.ticks.len() <= MAX_TICKS + 4, "{:?}", wide.ticks);
    }
}
