//! Evidence that a customer's history holds a pattern at all: how far its trend, hump, season
//! and clustering lie beyond what a flat random buyer with the same purchases and the same
//! amounts would show by chance. A customer type other than steady is a claim that a pattern
//! exists; [`super::classify`] makes it only when the evidence for that pattern passes its
//! level ([`Levels`]), and says "no pattern beyond chance" otherwise.
//!
//! Every statistic is taken on the months after the first one: a history starts with the
//! month of its first purchase, so that month holds a purchase by construction, and only the
//! months after it are free under the null. Each is taken twice:
//!
//! - on the **purchase counts**, against a flat Poisson buyer with the same number of
//!   purchases K: each purchase falls into one of the n months uniformly at random, so a
//!   weighted count Σ c_t k_t has mean K c̄ and variance K var(c) (the Laplace trend test for a
//!   Poisson process, on months). A buyer whose counts jump from month to month more than
//!   Poisson allows (part deliveries, bursts of orders) widens that variance by its
//!   [`dispersion`](Evidence::dispersion), measured on successive differences so that a trend
//!   or a season does not inflate it;
//! - on the **monthly values**, over the orders of the months (a permutation test: the months
//!   of a flat buyer are exchangeable, whatever its amounts): Σ c_t x_t has mean n c̄ x̄ and
//!   variance S_cc S_xx / (n - 1), with S the sums of squared deviations.
//!
//! A pattern's level is split between the two (weighted Bonferroni, [`Levels::count_share`]):
//! the counts carry sparse buyers whose rate changes, the values regular buyers whose amounts
//! change. The standardised statistics are compared with the normal distribution (trend,
//! hump, lag-1 clustering) or χ²₂ (a seasonal wave's cosine and sine). The runs of months with
//! business are counted exactly ([`Evidence::p_runs`]). `docs/typology.md` has the measured
//! false-alarm rates and power and why this null was chosen.

use super::features::{COS_30, SIN_30};

/// Months a history must have after its first month for any test.
pub const MIN_MONTHS: usize = 5;

/// Periods (months) of the seasonal waves tested: a year, half a year, four months. A period
/// is tested when the window holds it at least twice. Shorter rhythms are how often a steady
/// customer orders, not a cycle of its value.
pub const SEASON_PERIODS: [usize; 3] = [12, 6, 4];

/// Least share of months with business for the lag-1 clustering of the values: on sparser
/// months its normal approximation promises more than it holds, and the exact runs test
/// covers them.
pub const CLUSTER_MIN_DENSITY: f64 = 0.5;

/// The standardised statistics of one customer and the window they were measured on.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Evidence {
    /// Months tested: the history after its first month.
    pub months: usize,
    /// Purchases in those months (months with business when the counts are unknown).
    pub purchases: u64,
    /// Months with business among them.
    pub active: usize,
    /// Runs of consecutive months with business among them.
    pub runs: usize,
    /// How much more the purchase counts jump from month to month than a Poisson buyer's
    /// (1 = as Poisson; only what lies beyond half a standard deviation of Poisson scatter).
    pub dispersion: f64,
    /// Trend of the purchase counts: z against the flat Poisson buyer (positive = rising).
    pub trend_count: f64,
    /// Trend of the monthly values: z over the orders of the months (positive = rising).
    pub trend_value: f64,
    /// Hump of the purchase counts (high in the middle, a parabola opening downwards): z.
    pub hump_count: f64,
    /// Hump of the monthly values: z.
    pub hump_value: f64,
    /// Seasonal wave of the counts: the χ²₂ statistic of each period of [`SEASON_PERIODS`]
    /// (0 where the window holds the period less than twice).
    pub season_count: [f64; SEASON_PERIODS.len()],
    /// Seasonal wave of the values: the χ²₂ statistic of each period.
    pub season_value: [f64; SEASON_PERIODS.len()],
    /// Index of the longest period of [`SEASON_PERIODS`] the window holds twice (the shorter
    /// ones it holds too); [`SEASON_PERIODS`]`.len()` when it holds none.
    pub first_period: usize,
    /// Clustering of the monthly values (busy months next to busy months): lag-1 z; 0 when
    /// fewer than [`CLUSTER_MIN_DENSITY`] of the months have business.
    pub cluster_value: f64,
    /// Standard error of a mean over 12 months, from the spread of all months of the history
    /// (the first included): how far the last 12 months' level could lie off by chance.
    pub level_se: f64,
}

/// The levels (false-alarm rates on a flat random buyer) at which a pattern counts as shown.
/// Their sum bounds how often a flat buyer can get any type but steady.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Levels {
    /// A rising trend (growth) and, separately, a falling one (shrinking): one-sided each.
    pub trend: f64,
    /// A hump (bell).
    pub hump: f64,
    /// A cycle: a seasonal wave or busy months in clusters (cyclical). Split among its tests
    /// as [`CYCLE_SHARES`] and among the periods as [`PERIOD_SHARES`].
    pub cycle: f64,
    /// A level below the barnacle's bound (barnacle): one-sided.
    pub minimal: f64,
    /// Share of the trend's and the hump's level given to the purchase counts; the values get
    /// the rest.
    pub count_share: f64,
}

impl Levels {
    /// Every claim without evidence: the classifier as the specification writes it.
    pub const OFF: Levels = Levels {
        trend: 1.0,
        hump: 1.0,
        cycle: 1.0,
        minimal: 1.0,
        count_share: 0.85,
    };

    /// Whether every claim goes without evidence ([`Levels::OFF`]).
    pub fn is_off(&self) -> bool {
        self.trend >= 1.0 && self.hump >= 1.0 && self.cycle >= 1.0 && self.minimal >= 1.0
    }
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            trend: 0.03,
            hump: 0.02,
            cycle: 0.02,
            minimal: 0.01,
            count_share: 0.9,
        }
    }
}

/// How the cycle's level is split among its tests: the wave of the counts (sparse seasonal
/// buyers), the wave of the values (regular buyers whose amounts swing), the values' lag-1
/// clustering and the runs of busy months (project business).
pub const CYCLE_SHARES: [f64; 4] = [0.6, 0.2, 0.1, 0.1];

/// How a wave test's level is split among the periods the window holds (a year first).
pub const PERIOD_SHARES: [f64; SEASON_PERIODS.len()] = [0.6, 0.2, 0.2];

/// The critical values of [`Levels`], computed once per set of levels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Critical {
    trend_count: f64,
    trend_value: f64,
    hump_count: f64,
    hump_value: f64,
    /// χ²₂ bounds of the counts' and the values' wave per period, by which periods the window
    /// holds (indexed by the first period held).
    season_count: [[f64; SEASON_PERIODS.len()]; SEASON_PERIODS.len()],
    season_value: [[f64; SEASON_PERIODS.len()]; SEASON_PERIODS.len()],
    cluster: f64,
    /// p bound of the runs test.
    runs: f64,
    minimal: f64,
    /// Per [`Claim`]: its level is 1 or more, so the claim needs no evidence.
    off: [bool; 4],
}

impl Critical {
    /// The bounds for `levels`.
    pub fn of(levels: &Levels) -> Self {
        let share = levels.count_share.clamp(1e-6, 1.0 - 1e-6);
        let waves = |share: f64| {
            let mut bounds = [[f64::INFINITY; SEASON_PERIODS.len()]; SEASON_PERIODS.len()];
            for (first, row) in bounds.iter_mut().enumerate() {
                let held: f64 = PERIOD_SHARES[first..].iter().sum();
                for j in first..SEASON_PERIODS.len() {
                    // P(χ²₂ > q) = exp(-q / 2).
                    row[j] = -2.0 * (levels.cycle * share * PERIOD_SHARES[j] / held).ln();
                }
            }
            bounds
        };
        Critical {
            trend_count: normal_isf(levels.trend * share),
            trend_value: normal_isf(levels.trend * (1.0 - share)),
            hump_count: normal_isf(levels.hump * share),
            hump_value: normal_isf(levels.hump * (1.0 - share)),
            season_count: waves(CYCLE_SHARES[0]),
            season_value: waves(CYCLE_SHARES[1]),
            cluster: normal_isf(levels.cycle * CYCLE_SHARES[2]),
            runs: levels.cycle * CYCLE_SHARES[3],
            minimal: normal_isf(levels.minimal),
            off: [
                levels.trend >= 1.0,
                levels.trend >= 1.0,
                levels.hump >= 1.0,
                levels.cycle >= 1.0,
            ],
        }
    }

    /// [`Critical::of`] the levels, remembered per thread for the last levels asked for:
    /// classifying calls this once per customer.
    pub fn cached(levels: &Levels) -> Self {
        thread_local! {
            static LAST: std::cell::Cell<Option<(Levels, Critical)>> = const { std::cell::Cell::new(None) };
        }
        LAST.with(|last| match last.get() {
            Some((l, c)) if l == *levels => c,
            _ => {
                let c = Critical::of(levels);
                last.set(Some((*levels, c)));
                c
            }
        })
    }
}

/// Standard normal upper tail, P(Z > z).
pub fn normal_sf(z: f64) -> f64 {
    0.5 * super::stats::erfc(z / std::f64::consts::SQRT_2)
}

/// The z with P(Z > z) = p (0 < p < 1), by bisection on [`normal_sf`]: only computed once per
/// set of levels.
pub fn normal_isf(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::INFINITY;
    }
    if p >= 1.0 {
        return f64::NEG_INFINITY;
    }
    let (mut lo, mut hi) = (-40.0, 40.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if normal_sf(mid) > p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// z with P(Z > z) = p for 0 < p < 0.5, Abramowitz and Stegun 26.2.23 (absolute error below
/// 4.5e-4): cheap enough per customer, for margins that only rank and calibrate.
pub fn normal_isf_fast(p: f64) -> f64 {
    let p = p.clamp(1e-300, 0.5);
    let t = (-2.0 * p.ln()).sqrt();
    t - (2.515_517 + 0.802_853 * t + 0.010_328 * t * t)
        / (1.0 + 1.432_788 * t + 0.189_269 * t * t + 0.001_308 * t * t * t)
}

/// Which pattern a customer type claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// A rising trend (growth).
    Rising,
    /// A falling trend (shrinking).
    Falling,
    /// A hump (bell).
    Hump,
    /// A cycle (cyclical).
    Cycle,
}

impl Claim {
    /// Every claim, in the order of [`Evidence::margins`].
    pub const ALL: [Claim; 4] = [Claim::Rising, Claim::Falling, Claim::Hump, Claim::Cycle];
}

impl Evidence {
    /// No evidence: every statistic 0, nothing tested.
    pub const NONE: Evidence = Evidence {
        months: 0,
        purchases: 0,
        active: 0,
        runs: 0,
        dispersion: 1.0,
        trend_count: 0.0,
        trend_value: 0.0,
        hump_count: 0.0,
        hump_value: 0.0,
        season_count: [0.0; SEASON_PERIODS.len()],
        season_value: [0.0; SEASON_PERIODS.len()],
        first_period: SEASON_PERIODS.len(),
        cluster_value: 0.0,
        level_se: 0.0,
    };

    /// The evidence of the monthly values `y` (index `len - 1` = as-of month, the first month
    /// holds the first purchase) with the purchases per month `purchases` (same length as `y`;
    /// `None` counts each month with business as one purchase). `None` when fewer than
    /// [`MIN_MONTHS`] months follow the first.
    ///
    /// Kept out of line (the classification's AVX2 build compiles its own copy,
    /// `Evidence::compute_in`): inlined into the one large feature function it moved
    /// that function's code about (`docs/benchmarks-log.md`).
    #[inline(never)]
    pub fn compute(y: &[f64], purchases: Option<&[u32]>) -> Option<Self> {
        COLUMNS.with(|buffers| Self::compute_in(y, purchases, &mut buffers.borrow_mut()))
    }

    /// The body of [`Evidence::compute`] with the buffers it works in, `inline(always)` so
    /// that a build for other CPU features compiles it anew.
    #[inline(always)]
    pub(crate) fn compute_in(
        y: &[f64],
        purchases: Option<&[u32]>,
        buffers: &mut Columns,
    ) -> Option<Self> {
        let x = y.get(1..)?;
        let n = x.len();
        if n < MIN_MONTHS {
            return None;
        }
        let grid = Grid::of(n);
        let Columns { counts, centred } = buffers;
        counts.clear();
        match purchases {
            Some(p) => counts.extend((1..=n).map(|t| f64::from(p.get(t).copied().unwrap_or(0)))),
            None => counts.extend(x.iter().map(|v| f64::from(u8::from(*v != 0.0)))),
        }
        let k_sum = sum(counts);
        let x_sum = sum(x);
        let x_mean = x_sum / n as f64;
        centred.clear();
        centred.extend(x.iter().map(|v| v - x_mean));
        // Every weighted sum as a dot product of a weight column of the window (the line, the
        // bowl, three cosines, three sines) with the counts and with the centred values: short
        // loops the compiler runs in vector lanes.
        let mut wk = [0.0f64; WEIGHTS];
        let mut v = [0.0f64; WEIGHTS];
        for ((w, kt), at) in grid.rows.iter().zip(counts.iter()).zip(centred.iter()) {
            for j in 0..WEIGHTS {
                wk[j] += w[j] * kt;
                v[j] += w[j] * at;
            }
        }
        let s2 = dot(centred, centred);
        let s4 = fold2(centred, centred, |a, _| (a * a) * (a * a));
        let lag = dot(&centred[..n - 1], &centred[1..]);
        let d2 = fold2(&counts[1..], &counts[..n - 1], |a, b| (a - b) * (a - b));
        // Months with business and their runs.
        let (mut active, mut runs, mut previous_busy) = (0usize, 0usize, false);
        for (xt, kt) in x.iter().zip(counts.iter()) {
            let busy = *xt != 0.0 || *kt > 0.0;
            active += usize::from(busy);
            runs += usize::from(busy && !previous_busy);
            previous_busy = busy;
        }
        let nf = n as f64;
        // Dispersion from successive differences: for Poisson months E (k_(t+1) - k_t)² = 2μ,
        // with a variance of about (2μ + 8μ²) per difference. Only what lies beyond half a
        // standard deviation of that scatter widens the tests: a Poisson buyer keeps nearly
        // all its power, a bursty one is mostly corrected.
        let mu = k_sum / nf;
        let dispersion = if mu > 0.0 {
            let raw = d2 / (2.0 * mu * (nf - 1.0));
            let sd = ((0.5 / mu + 2.0) / (nf - 1.0)).sqrt();
            (raw - 0.25 * sd).max(1.0)
        } else {
            1.0
        };
        let k_var = k_sum * dispersion;
        let count_z = |sum: f64, mean: f64, scc: f64| {
            let var = k_var * scc / nf;
            if var > 0.0 {
                (sum - mean * k_sum) / var.sqrt()
            } else {
                0.0
            }
        };
        let value_z = |sum: f64, scc: f64| {
            let var = scc * s2 / (nf - 1.0);
            if var > 0.0 {
                sum / var.sqrt()
            } else {
                0.0
            }
        };
        let mut season_count = [0.0; SEASON_PERIODS.len()];
        let mut season_value = [0.0; SEASON_PERIODS.len()];
        for (j, wave) in grid.waves.iter().enumerate() {
            let Some(w) = wave else { continue };
            let (cos, sin) = (2 + j, 2 + SEASON_PERIODS.len() + j);
            let (c1, c2) = (wk[cos] - w.cos_mean * k_sum, wk[sin] - w.sin_mean * k_sum);
            if k_var > 0.0 {
                season_count[j] = w.form(c1, c2) * nf / k_var;
            }
            if s2 > 0.0 {
                season_value[j] = w.form(v[cos], v[sin]) * (nf - 1.0) / s2;
            }
        }
        let cluster_value = if active as f64 >= CLUSTER_MIN_DENSITY * nf && s2 > 0.0 {
            let mean = -s2 / nf;
            let second = (s2 * s2 - s4) / nf + (s2 * s2 - 2.0 * s4) / (nf * (nf - 1.0));
            let var = second - mean * mean;
            if var > 0.0 {
                (lag - mean) / var.sqrt()
            } else {
                0.0
            }
        } else {
            0.0
        };
        // The spread of every month, the first included, around their mean: the squared
        // deviations of the later months moved from their own mean to the whole one.
        let y0 = y[0];
        let all_mean = (x_sum + y0) / (nf + 1.0);
        let all_ss =
            s2 + nf * (x_mean - all_mean) * (x_mean - all_mean) + (y0 - all_mean) * (y0 - all_mean);
        let level_se = (all_ss / nf / (n + 1).min(12) as f64).sqrt();
        Some(Evidence {
            months: n,
            purchases: k_sum as u64,
            active,
            runs,
            dispersion,
            trend_count: count_z(wk[0], 0.0, grid.line_ss),
            trend_value: value_z(v[0], grid.line_ss),
            // The bowl's sums turned over: a hump is high in the middle.
            hump_count: -count_z(wk[1], grid.bowl_mean, grid.bowl_ss),
            hump_value: -value_z(v[1], grid.bowl_ss),
            season_count,
            season_value,
            first_period: grid.first_period,
            cluster_value,
            level_se,
        })
    }

    /// Whether the evidence for `claim` passes the bounds `c`, and by how much: the largest
    /// standardised margin over the claim's tests (positive = shown). The runs test, which has
    /// no z, counts through [`Evidence::p_runs`] only in [`Evidence::shows`].
    #[inline(always)]
    pub fn margin(&self, claim: Claim, c: &Critical) -> f64 {
        if c.off[claim as usize] {
            return f64::INFINITY;
        }
        match claim {
            Claim::Rising => {
                (self.trend_count - c.trend_count).max(self.trend_value - c.trend_value)
            }
            Claim::Falling => {
                (-self.trend_count - c.trend_count).max(-self.trend_value - c.trend_value)
            }
            Claim::Hump => (self.hump_count - c.hump_count).max(self.hump_value - c.hump_value),
            Claim::Cycle => {
                // χ² bounds turned into a comparable margin: the square roots' distance.
                let mut best = self.cluster_value - c.cluster;
                for j in self.first_period..SEASON_PERIODS.len() {
                    let (count, value) = (
                        c.season_count[self.first_period][j],
                        c.season_value[self.first_period][j],
                    );
                    best = best
                        .max(self.season_count[j].sqrt() - count.sqrt())
                        .max(self.season_value[j].sqrt() - value.sqrt());
                }
                best
            }
        }
    }

    /// Whether the history shows `claim` beyond chance at the levels behind `c`.
    pub fn shows(&self, claim: Claim, c: &Critical) -> bool {
        self.full_margin(claim, c) > 0.0
    }

    /// [`Evidence::margin`] with the cycle's runs test counted too (on the z scale of its
    /// p-value), which needs the exact runs distribution and is only worked out when the other
    /// cycle tests fall short and the busy months form fewer runs than expected.
    #[inline(always)]
    pub fn full_margin(&self, claim: Claim, c: &Critical) -> f64 {
        let m = self.margin(claim, c);
        if claim != Claim::Cycle || m > 0.0 || c.off[Claim::Cycle as usize] {
            return m;
        }
        let (n, k) = (self.months as f64, self.active as f64);
        // The runs' mean and variance (Wald and Wolfowitz): the exact tail is only worked out
        // where the normal one says it could be small; a p of 1 % lies 2.33 deviations
        // down, the level's share far below that.
        let (busy, idle) = (k, n - k);
        let mean = busy * (idle + 1.0) / n;
        let var = busy * (busy - 1.0) * (idle + 1.0) * idle / (n * n * (n - 1.0));
        if var <= 0.0 || (self.runs as f64 - mean) / var.sqrt() > -1.5 {
            return m;
        }
        let p = self.p_runs();
        if p >= 0.5 {
            return m;
        }
        m.max(normal_isf_fast(p) - normal_isf_fast(c.runs))
    }

    /// The margins of [`Claim::Rising`], [`Claim::Falling`], [`Claim::Hump`] and
    /// [`Claim::Cycle`], in that order ([`Evidence::full_margin`]).
    #[inline(always)]
    pub fn margins(&self, c: &Critical) -> [f64; 4] {
        [
            self.margin(Claim::Rising, c),
            self.margin(Claim::Falling, c),
            self.margin(Claim::Hump, c),
            self.full_margin(Claim::Cycle, c),
        ]
    }

    /// The p-value of `claim`: the smallest of its tests' p-values, each divided by its share
    /// of the level (so it compares with the claim's whole level), at most 1.
    pub fn p(&self, claim: Claim, levels: &Levels) -> f64 {
        let share = levels.count_share.clamp(1e-6, 1.0 - 1e-6);
        let two = |count: f64, value: f64| {
            (normal_sf(count) / share)
                .min(normal_sf(value) / (1.0 - share))
                .min(1.0)
        };
        match claim {
            Claim::Rising => two(self.trend_count, self.trend_value),
            Claim::Falling => two(-self.trend_count, -self.trend_value),
            Claim::Hump => two(self.hump_count, self.hump_value),
            Claim::Cycle => {
                let first = self.first_period.min(SEASON_PERIODS.len());
                let held: f64 = PERIOD_SHARES[first..].iter().sum();
                let mut p = self.p_runs() / CYCLE_SHARES[3];
                if self.cluster_value != 0.0 {
                    p = p.min(normal_sf(self.cluster_value) / CYCLE_SHARES[2]);
                }
                for (j, period_share) in PERIOD_SHARES.iter().enumerate().skip(first) {
                    let share = period_share / held;
                    // P(χ²₂ > q) = exp(-q / 2).
                    p = p
                        .min((-self.season_count[j] / 2.0).exp() / (share * CYCLE_SHARES[0]))
                        .min((-self.season_value[j] / 2.0).exp() / (share * CYCLE_SHARES[1]));
                }
                p.min(1.0)
            }
        }
    }

    /// Exact one-sided p of so few runs of months with business: with `active` busy months
    /// among `months`, every choice of which are busy is equally likely, and r runs have
    /// probability C(K-1, r-1) C(n-K+1, r) / C(n, K).
    pub fn p_runs(&self) -> f64 {
        let (n, k) = (self.months, self.active);
        if k < 2 || k >= n {
            return 1.0;
        }
        let total = ln_choose(n, k);
        (1..=self.runs)
            .map(|r| (ln_choose(k - 1, r - 1) + ln_choose(n - k + 1, r) - total).exp())
            .sum::<f64>()
            .min(1.0)
    }

    /// How far the level of the last 12 months `level12` lies below `bound` beyond chance, in
    /// standard errors ([`level_se`](Self::level_se)) past the bound of [`Levels::minimal`]:
    /// positive when the level is shown to be below the bound.
    pub fn minimal_margin(&self, level12: f64, bound: f64, c: &Critical) -> f64 {
        if self.level_se > 0.0 {
            (bound - level12) / self.level_se - c.minimal
        } else if level12 < bound {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        }
    }

    /// One-sided p-value of a level below `bound`.
    pub fn p_minimal(&self, level12: f64, bound: f64) -> f64 {
        if self.level_se > 0.0 {
            normal_sf((bound - level12) / self.level_se)
        } else if level12 < bound {
            0.0
        } else {
            1.0
        }
    }
}

/// The columns [`Evidence::compute_in`] works in: the purchase counts and the centred values
/// of the months tested, reused from customer to customer.
#[derive(Debug, Default)]
pub(crate) struct Columns {
    counts: Vec<f64>,
    centred: Vec<f64>,
}

thread_local! {
    /// [`Columns`] for [`Evidence::compute`].
    static COLUMNS: std::cell::RefCell<Columns> = std::cell::RefCell::new(Columns::default());
}

/// Σ a_i, four partial sums side by side.
#[inline(always)]
fn sum(a: &[f64]) -> f64 {
    fold2(a, a, |x, _| x)
}

/// Σ f(a_i, b_i) over the shorter length, four partial sums side by side.
#[inline(always)]
fn fold2(a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let m = n / 4 * 4;
    let mut acc = [0.0f64; 4];
    for (x, y) in a[..m].chunks_exact(4).zip(b[..m].chunks_exact(4)) {
        for i in 0..4 {
            acc[i] += f(x[i], y[i]);
        }
    }
    let rest: f64 = a[m..].iter().zip(&b[m..]).map(|(x, y)| f(*x, *y)).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + rest
}

/// Σ a_i b_i.
#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    fold2(a, b, |x, y| x * y)
}

/// Weights a month in the fused pass of [`Evidence::compute`]: the line, the bowl, and a
/// cosine and a sine per period of [`SEASON_PERIODS`].
const WEIGHTS: usize = 2 + 2 * SEASON_PERIODS.len();

/// Per month mod 12: the cosines, then the sines, of each period of [`SEASON_PERIODS`]
/// (360° · t / p = 30° · (t · 12 / p mod 12), as 12 is a multiple of every period).
const TRIG: [[f64; 2 * SEASON_PERIODS.len()]; 12] = {
    let mut out = [[0.0; 2 * SEASON_PERIODS.len()]; 12];
    let mut t = 0;
    while t < 12 {
        let mut j = 0;
        while j < SEASON_PERIODS.len() {
            let angle = (t * (12 / SEASON_PERIODS[j])) % 12;
            out[t][j] = COS_30[angle];
            out[t][SEASON_PERIODS.len() + j] = SIN_30[angle];
            j += 1;
        }
        t += 1;
    }
    out
};

/// A seasonal wave's weights over a window: their means and centred second moments.
#[derive(Debug, Clone, Copy)]
struct Wave {
    cos_mean: f64,
    sin_mean: f64,
    s11: f64,
    s12: f64,
    s22: f64,
    det: f64,
}

impl Wave {
    /// The quadratic form of the two centred weighted sums in their weights' covariance:
    /// multiplied by n/K (counts) or (n-1)/S_xx (values) it is χ²₂ under the null.
    #[inline(always)]
    fn form(&self, c1: f64, c2: f64) -> f64 {
        (self.s22 * c1 * c1 - 2.0 * self.s12 * c1 * c2 + self.s11 * c2 * c2) / self.det
    }
}

/// The value-independent sums of a window of `n` months.
#[derive(Debug, Clone)]
struct Grid {
    line_ss: f64,
    bowl_mean: f64,
    bowl_ss: f64,
    /// Per period of [`SEASON_PERIODS`], `None` when the window holds it less than twice.
    waves: [Option<Wave>; SEASON_PERIODS.len()],
    /// The first period held (they are held from one on).
    first_period: usize,
    /// The [`WEIGHTS`] weights of every month of the window: the line t - t̄, the bowl
    /// (t - t̄)², the cosines and the sines.
    rows: Vec<[f64; WEIGHTS]>,
}

/// Windows up to this many months take their [`Grid`] from a table built once.
const GRID_TABLE_LEN: usize = 241;

impl Grid {
    fn of(n: usize) -> std::borrow::Cow<'static, Grid> {
        static TABLE: std::sync::LazyLock<Vec<Grid>> =
            std::sync::LazyLock::new(|| (0..GRID_TABLE_LEN).map(Grid::build).collect());
        match TABLE.get(n) {
            Some(g) => std::borrow::Cow::Borrowed(g),
            None => std::borrow::Cow::Owned(Grid::build(n)),
        }
    }

    fn build(n: usize) -> Grid {
        let weights = TRIG;
        let nf = n.max(1) as f64;
        let tm = n.saturating_sub(1) as f64 / 2.0;
        let bowl: Vec<f64> = (0..n).map(|t| (t as f64 - tm).powi(2)).collect();
        let bowl_mean = bowl.iter().sum::<f64>() / nf;
        let mut waves = [None; SEASON_PERIODS.len()];
        let first_period = SEASON_PERIODS
            .iter()
            .position(|p| n >= 2 * p)
            .unwrap_or(SEASON_PERIODS.len());
        for (j, p) in SEASON_PERIODS.iter().enumerate() {
            if n < 2 * p {
                continue;
            }
            let cos: Vec<f64> = (0..n).map(|t| weights[t % 12][j]).collect();
            let sin: Vec<f64> = (0..n)
                .map(|t| weights[t % 12][SEASON_PERIODS.len() + j])
                .collect();
            let (cm, sm) = (cos.iter().sum::<f64>() / nf, sin.iter().sum::<f64>() / nf);
            let s11: f64 = cos.iter().map(|c| (c - cm) * (c - cm)).sum();
            let s22: f64 = sin.iter().map(|s| (s - sm) * (s - sm)).sum();
            let s12: f64 = cos.iter().zip(&sin).map(|(c, s)| (c - cm) * (s - sm)).sum();
            let det = s11 * s22 - s12 * s12;
            if det > 1e-9 * s11 * s22 {
                waves[j] = Some(Wave {
                    cos_mean: cm,
                    sin_mean: sm,
                    s11,
                    s12,
                    s22,
                    det,
                });
            }
        }
        let rows = (0..n)
            .map(|t| {
                let line = t as f64 - tm;
                let mut row = [0.0; WEIGHTS];
                row[0] = line;
                row[1] = line * line;
                row[2..].copy_from_slice(&weights[t % 12]);
                row
            })
            .collect();
        Grid {
            line_ss: (0..n).map(|t| (t as f64 - tm).powi(2)).sum(),
            bowl_mean,
            bowl_ss: bowl.iter().map(|b| (b - bowl_mean).powi(2)).sum(),
            waves,
            first_period,
            rows,
        }
    }
}

/// ln C(n, k).
fn ln_choose(n: usize, k: usize) -> f64 {
    if k > n {
        return f64::NEG_INFINITY;
    }
    ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
}

/// ln n!, from a table up to 1,024 and Stirling's series beyond.
fn ln_factorial(n: usize) -> f64 {
    static TABLE: std::sync::LazyLock<Vec<f64>> = std::sync::LazyLock::new(|| {
        let mut t = vec![0.0; 1025];
        for i in 2..t.len() {
            t[i] = t[i - 1] + (i as f64).ln();
        }
        t
    });
    match TABLE.get(n) {
        Some(v) => *v,
        None => {
            let x = n as f64;
            x * x.ln() - x + 0.5 * (std::f64::consts::TAU * x).ln() + 1.0 / (12.0 * x)
                - 1.0 / (360.0 * x * x * x)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::Rng;

    /// The straightforward formulation of every statistic, one at a time, for checking the
    /// fused pass.
    mod naive {
        pub fn centred(x: &[f64]) -> (Vec<f64>, f64) {
            let m = x.iter().sum::<f64>() / x.len() as f64;
            let a: Vec<f64> = x.iter().map(|v| v - m).collect();
            let s2 = a.iter().map(|v| v * v).sum();
            (a, s2)
        }

        /// Permutation z of Σ c_t x_t.
        pub fn permutation_z(x: &[f64], c: &[f64]) -> f64 {
            let (a, s2) = centred(x);
            let (cc, scc) = centred(c);
            let var = scc * s2 / (x.len() as f64 - 1.0);
            if var <= 0.0 {
                return 0.0;
            }
            cc.iter().zip(&a).map(|(c, a)| c * a).sum::<f64>() / var.sqrt()
        }

        /// Multinomial z of Σ c_t k_t with K = Σ k and dispersion `d`.
        pub fn poisson_z(k: &[f64], c: &[f64], d: f64) -> f64 {
            let total: f64 = k.iter().sum();
            let (cc, scc) = centred(c);
            let var = total * d * scc / k.len() as f64;
            if var <= 0.0 {
                return 0.0;
            }
            cc.iter().zip(k).map(|(c, k)| c * k).sum::<f64>() / var.sqrt()
        }

        /// χ²₂ of a wave of period `p` on `x` with the scale `scale` (n/K or (n-1)/S_xx)
        /// applied to the quadratic form of the centred sums Σ c_t x_t and Σ s_t x_t.
        pub fn wave(x: &[f64], p: usize, scale: f64) -> f64 {
            let n = x.len();
            let w = std::f64::consts::TAU / p as f64;
            let (c, s11) = centred(&(0..n).map(|t| (w * t as f64).cos()).collect::<Vec<_>>());
            let (s, s22) = centred(&(0..n).map(|t| (w * t as f64).sin()).collect::<Vec<_>>());
            let s12: f64 = c.iter().zip(&s).map(|(a, b)| a * b).sum();
            let l1: f64 = c.iter().zip(x).map(|(a, b)| a * b).sum();
            let l2: f64 = s.iter().zip(x).map(|(a, b)| a * b).sum();
            (s22 * l1 * l1 - 2.0 * s12 * l1 * l2 + s11 * l2 * l2) / (s11 * s22 - s12 * s12) * scale
        }

        /// Lag-1 permutation z.
        pub fn lag1(x: &[f64]) -> f64 {
            let (a, s2) = centred(x);
            let n = x.len() as f64;
            let s4: f64 = a.iter().map(|v| v.powi(4)).sum();
            let r: f64 = a.iter().zip(&a[1..]).map(|(p, q)| p * q).sum();
            let mean = -s2 / n;
            let var = (s2 * s2 - s4) / n + (s2 * s2 - 2.0 * s4) / (n * (n - 1.0)) - mean * mean;
            (r - mean) / var.sqrt()
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    /// The fused pass gives what the statistics' plain definitions give.
    #[test]
    fn fused_pass_matches_the_definitions() {
        let mut rng = Rng(5);
        for case in 0..3_000 {
            let n = 6 + case % 60;
            let rate = [0.2, 0.7, 2.0, 5.0][case % 4];
            let mut counts = vec![0u32; n];
            let mut y = vec![0.0; n];
            for t in 0..n {
                let mut k = 0;
                while rng.f64() < rate / (1.0 + rate) {
                    k += 1;
                }
                if t == 0 {
                    k = k.max(1);
                }
                counts[t] = k;
                y[t] = (0..k).map(|_| rng.lognormal(100.0, 0.8)).sum();
            }
            let e = Evidence::compute(&y, Some(&counts)).expect("long enough");
            let x = &y[1..];
            let k: Vec<f64> = counts[1..].iter().map(|c| f64::from(*c)).collect();
            let m = x.len();
            let tm = (m - 1) as f64 / 2.0;
            let line: Vec<f64> = (0..m).map(|t| t as f64 - tm).collect();
            let hump: Vec<f64> = line.iter().map(|c| -c * c).collect();
            assert_eq!(e.months, m);
            assert!(
                close(e.trend_count, naive::poisson_z(&k, &line, e.dispersion)),
                "{e:?}"
            );
            assert!(
                close(e.trend_value, naive::permutation_z(x, &line)),
                "{e:?}"
            );
            assert!(
                close(e.hump_count, naive::poisson_z(&k, &hump, e.dispersion)),
                "{e:?}"
            );
            assert!(close(e.hump_value, naive::permutation_z(x, &hump)), "{e:?}");
            let total: f64 = k.iter().sum();
            let (_, s2) = naive::centred(x);
            for (j, p) in SEASON_PERIODS.into_iter().enumerate() {
                if m < 2 * p {
                    assert!(e.first_period > j);
                    assert_eq!((e.season_count[j], e.season_value[j]), (0.0, 0.0));
                    continue;
                }
                assert!(e.first_period <= j);
                // No purchase or no variation: nothing to test, 0.
                let sc = if total > 0.0 {
                    naive::wave(&k, p, m as f64 / (total * e.dispersion))
                } else {
                    0.0
                };
                let sv = if s2 > 0.0 {
                    naive::wave(x, p, (m as f64 - 1.0) / s2)
                } else {
                    0.0
                };
                assert!(
                    close(e.season_count[j], sc),
                    "{p}: {} {sc}",
                    e.season_count[j]
                );
                assert!(
                    close(e.season_value[j], sv),
                    "{p}: {} {sv}",
                    e.season_value[j]
                );
            }
            if e.cluster_value != 0.0 {
                assert!(close(e.cluster_value, naive::lag1(x)), "{e:?}");
            }
        }
    }

    /// The permutation moments: over many random orders of the same months, the linear and
    /// the lag-1 statistics have mean 0 and variance 1.
    #[test]
    fn permutation_moments_match_shuffles() {
        let mut rng = Rng(3);
        let x: Vec<f64> = (0..20)
            .map(|i| {
                if i % 3 == 0 {
                    0.0
                } else {
                    rng.lognormal(100.0, 1.0)
                }
            })
            .collect();
        let line: Vec<f64> = (0..20).map(f64::from).collect();
        let rounds = 100_000;
        let (mut lin, mut lin2, mut lag, mut lag2) = (0.0, 0.0, 0.0, 0.0);
        let mut y = x.clone();
        for _ in 0..rounds {
            for i in (1..y.len()).rev() {
                let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                y.swap(i, j);
            }
            let l = naive::permutation_z(&y, &line);
            let r = naive::lag1(&y);
            lin += l;
            lin2 += l * l;
            lag += r;
            lag2 += r * r;
        }
        let n = f64::from(rounds);
        for (sum, sum2) in [(lin, lin2), (lag, lag2)] {
            let mean = sum / n;
            let var = sum2 / n - mean * mean;
            assert!(mean.abs() < 0.015, "mean {mean}");
            assert!((var - 1.0).abs() < 0.02, "variance {var}");
        }
    }

    /// The exact runs distribution sums to one and matches counting every arrangement.
    #[test]
    fn runs_distribution_is_exact() {
        let (n, k) = (9usize, 4usize);
        let mut by_runs = [0usize; 10];
        let mut total = 0;
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize != k {
                continue;
            }
            total += 1;
            let runs = (0..n)
                .filter(|t| mask >> t & 1 == 1 && (*t == 0 || mask >> (t - 1) & 1 == 0))
                .count();
            by_runs[runs] += 1;
        }
        let mut cumulative = 0;
        for (r, count) in by_runs.iter().enumerate().skip(1).take(k) {
            cumulative += count;
            let e = Evidence {
                months: n,
                purchases: k as u64,
                active: k,
                runs: r,
                dispersion: 1.0,
                trend_count: 0.0,
                trend_value: 0.0,
                hump_count: 0.0,
                hump_value: 0.0,
                season_count: [0.0; 3],
                season_value: [0.0; 3],
                first_period: 3,
                cluster_value: 0.0,
                level_se: 0.0,
            };
            let want = cumulative as f64 / total as f64;
            assert!(
                (e.p_runs() - want).abs() < 1e-12,
                "{r}: {} vs {want}",
                e.p_runs()
            );
        }
    }

    /// The shortcut of [`Evidence::full_margin`] (no exact runs tail where the normal one lies
    /// above -1.5 deviations) never skips an exact p below 1 %, for every window up to 96
    /// months.
    #[test]
    fn runs_shortcut_skips_no_small_p() {
        for n in 2..=96usize {
            for k in 2..n {
                for runs in 1..=k.min(n - k + 1) {
                    let e = Evidence {
                        months: n,
                        active: k,
                        runs,
                        ..Evidence::NONE
                    };
                    let (nf, kf) = (n as f64, k as f64);
                    let mean = kf * (nf - kf + 1.0) / nf;
                    let var =
                        kf * (kf - 1.0) * (nf - kf + 1.0) * (nf - kf) / (nf * nf * (nf - 1.0));
                    let z = (runs as f64 - mean) / var.sqrt();
                    if e.p_runs() < 0.01 {
                        assert!(z <= -1.5, "n {n}, k {k}, runs {runs}: z {z}");
                    }
                }
            }
        }
    }

    #[test]
    fn normal_quantiles() {
        for p in [0.5, 0.03, 0.0025, 1e-6] {
            assert!((normal_sf(normal_isf(p)) / p - 1.0).abs() < 1e-6, "{p}");
        }
        assert!((normal_isf(0.025) - 1.959_963_984_540_054).abs() < 1e-6);
    }
}
