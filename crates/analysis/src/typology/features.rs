//! §1 of the typology specification: the features of one monthly margin series.
//!
//! Everything is computed on the active span `act = y[first..=last]` (first and last month
//! with business), so that months before acquisition and after the last order do not dilute
//! the shape; the gap after the last order is kept separately in `gap_end` for the status.

use std::cell::RefCell;
use std::hint::select_unpredictable;

use super::evidence::{Columns, Evidence};
use super::stats::{
    block_means_into, detrended_into, double_only, kendall_tau_of_by, mann_kendall_by,
    mann_kendall_with_sides_by, mean, moving_mean3_into, moving_mean_argmax, percentile_with,
    runs_z_near, FasterPairs,
};
use super::{Classification, TypologyConfig};

/// How [`Features::compute_with`] gets the [`Evidence`]: the baseline build calls
/// [`Evidence::compute`], the AVX2 build its own copy compiled for those features.
pub(super) trait EvidencePass:
    Fn(&[f64], Option<&[u32]>, &mut Columns) -> Option<Evidence>
{
}

impl<F: Fn(&[f64], Option<&[u32]>, &mut Columns) -> Option<Evidence>> EvidencePass for F {}

/// Buffers reused from customer to customer on one thread: classifying a million customers
/// otherwise spends a good part of its time allocating and freeing a dozen small vectors each.
#[derive(Default)]
struct Scratch {
    blocks: Vec<f64>,
    side: Vec<f64>,
    smooth: Vec<f64>,
    padded: Vec<f64>,
    detrended: Vec<f64>,
    detrended_blocks: Vec<f64>,
    centred: Vec<f64>,
    select: Vec<f64>,
    columns: Columns,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's [`Scratch`] buffers.
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => f(&mut scratch),
        // Only reachable if a classification were re-entered on this thread; stay correct.
        Err(_) => f(&mut Scratch::default()),
    })
}

/// [`classify_with`](super::classify_with): the features of `y` and the decision on them,
/// compiled for the widest vector instructions this CPU has. The results are the same bits
/// either way: Rust never fuses or reorders floating-point operations, so wider registers
/// only run the same additions side by side (`tests::both_builds_classify_alike`).
pub(super) fn classify_fastest(
    y: &[f64],
    purchases: Option<&[u32]>,
    left_censored: bool,
    reference: Option<f64>,
    config: &TypologyConfig,
) -> Classification {
    with_scratch(|scratch| {
        #[cfg(target_arch = "x86_64")]
        if avx2::detected() {
            return avx2::classify(y, purchases, left_censored, reference, config, scratch);
        }
        classify_baseline(
            y,
            purchases,
            left_censored,
            reference,
            config,
            scratch,
            (double_only, Evidence::compute_in),
        )
    })
}

/// The body of [`classify_fastest`], `inline(always)` so that each build compiles it anew.
#[inline(always)]
fn classify_baseline<P: FasterPairs, E: EvidencePass>(
    y: &[f64],
    purchases: Option<&[u32]>,
    left_censored: bool,
    reference: Option<f64>,
    config: &TypologyConfig,
    scratch: &mut Scratch,
    (pairs, evidence): (P, E),
) -> Classification {
    super::rules::classify_owned_features(
        Features::compute_with(y, purchases, left_censored, scratch, pairs, evidence),
        reference,
        config,
    )
}

/// The features of one customer's margin series (typology spec §1).
///
/// Field names follow the specification; counts are months unless said otherwise.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Features {
    /// The relationship began before the first observed month (the start is cut off).
    pub left_censored: bool,
    /// Months from the first month with business to the as-of month inclusive (n - first).
    pub tenure: usize,
    /// Months from the first to the last month with business inclusive.
    pub span: usize,
    /// Number of months with a non-zero margin.
    pub n_active: usize,
    /// Months after the last month with business up to the as-of month.
    pub gap_end: usize,
    /// Average inter-demand interval, span / n_active (Syntetos-Boylan).
    pub adi: f64,
    /// Squared coefficient of variation of the non-zero margins (population variance / mean²;
    /// 0 if their mean is 0).
    pub cv2: f64,
    /// Mean margin of the last 12 months since the first active month (zeros included).
    pub level12: f64,
    /// Mean margin over the active span.
    pub level_life: f64,
    /// Block size b in months used for the trend blocks.
    pub block: usize,
    /// Number of trend blocks B (after trimming the ramp-up months).
    pub n_blocks: usize,
    /// Mann-Kendall S on the blocks B.
    pub mk_s: i64,
    /// Kendall's tau on the blocks B.
    pub tau: f64,
    /// Two-sided Mann-Kendall p-value on the blocks B.
    pub p: f64,
    /// Last third of the blocks over the first third, damped by 10 % of the mean level.
    pub ratio_31: f64,
    /// Position of the smoothed peak in the active span, 0 = first month, 1 = last.
    pub peak_pos: f64,
    /// How far the start lies below the smoothed peak (1 = from nothing), clipped to -1..=1.
    pub rise: f64,
    /// How far the end lies below the smoothed peak (1 = to nothing), clipped to -1..=2.
    pub fall: f64,
    /// Kendall's tau of the blocks up to the peak (0 if fewer than 3 blocks).
    pub tau_pre: f64,
    /// Kendall's tau of the blocks from the peak on (0 if fewer than 3 blocks).
    pub tau_post: f64,
    /// Detrended standard deviation of the blocks over their mean (0 if the mean is <= 0).
    pub cv_block: f64,
    /// Detrended standard deviation of the months over their mean (0 if the mean is <= 0).
    pub cv_month: f64,
    /// Largest autocorrelation at a seasonal lag 3, 4, 6 or 12 of the detrended months;
    /// `None` (the spec's NaN) if the span is too short for every lag (span < 2P + 2).
    pub acf_season: Option<f64>,
    /// Wald-Wolfowitz runs z of the detrended months above their median (negative = phases).
    pub runs_z: f64,
    /// Number of high phases (3-month mean >= half the 90th percentile).
    pub highs: usize,
    /// Number of low phases (3-month mean <= a fifth of the 90th percentile) of at least two
    /// months with a high phase before and after.
    pub troughs: usize,
    /// Lag-1 autocorrelation of the detrended months: how much a month resembles the one
    /// before (long high and low phases near 1, independent months near 0). Not in the spec.
    pub acf1: f64,
    /// Largest share of the detrended months' variance that one sine wave of period 3, 4, 6
    /// or 12 months explains (0 if no period fits twice into the span). Not in the spec.
    pub season_power: f64,
    /// Change along the least-squares line over the active span relative to the mean level
    /// (end minus start of the line / mean; 0 if the mean is <= 0). Not in the spec.
    pub slope_rel: f64,
    /// Quadratic term of a least-squares parabola over the active span (time scaled to
    /// -1..1) relative to the mean level: negative for a hump (bell), positive for a bowl or
    /// an accelerating curve (0 if the mean is <= 0). Not in the spec.
    pub curvature: f64,
    /// The seasonal wave's evidence: span · season_power / 2, the periodogram ordinate in units
    /// of the variance. For months that are only noise it is about exponentially distributed
    /// with mean 1 whatever the span, so one bound means the same for a short and a long
    /// history (season_power alone is large by chance on short spans). Not in the spec.
    pub season_evidence: f64,
    /// Share of the active months whose centred 3-month mean is at most a fifth of its 90th
    /// percentile (the low phases of [`Features::troughs`]; 0 if that percentile is <= 0):
    /// project business that switches on and off spends long stretches there. Not in the spec.
    pub low_share: f64,
    /// Longest run of months without business inside the active span. Not in the spec.
    pub longest_pause: usize,
    /// How far the history's trend, hump, season and clustering lie beyond a flat random
    /// buyer's ([`Evidence`]); `None` when fewer than five months follow the first month with
    /// business. Not in the spec.
    pub evidence: Option<Evidence>,
}

impl Features {
    /// Computes the features of `y` (index `len - 1` = as-of month, 0 = no business), each
    /// month with business counted as one purchase. `None` if no month has business (status
    /// NO_DATA). Values must be finite.
    pub fn compute(y: &[f64], left_censored: bool) -> Option<Self> {
        Self::compute_with_purchases(y, None, left_censored)
    }

    /// [`Features::compute`] with the purchases (days with business) of each month of `y`,
    /// the same length as `y`; `None` counts a month with business as one purchase.
    pub fn compute_with_purchases(
        y: &[f64],
        purchases: Option<&[u32]>,
        left_censored: bool,
    ) -> Option<Self> {
        with_scratch(|scratch| {
            #[cfg(target_arch = "x86_64")]
            if avx2::detected() {
                return avx2::compute_with(y, purchases, left_censored, scratch);
            }
            Self::compute_with(
                y,
                purchases,
                left_censored,
                scratch,
                double_only,
                Evidence::compute_in,
            )
        })
    }

    // Written for speed (issue 3: a million customers in a second on one core): the sums over
    // the active span are fused into few passes, so that their dependency chains (each sum
    // adds in month order, as the reference does, and must: the values are bit-identical to
    // it) run side by side instead of one after the other. `tests::matches_the_reference`
    // holds every value against the straightforward formulation kept in `reference`.
    //
    // `pairs` may give the Mann-Kendall pair sums from a faster pass (the AVX2 build's single
    // precision comparisons, `pairs_avx2`), or decline, as the baseline build always does.
    #[inline(always)]
    fn compute_with(
        y: &[f64],
        purchases: Option<&[u32]>,
        left_censored: bool,
        scratch: &mut Scratch,
        pairs: impl FasterPairs,
        evidence: impl EvidencePass,
    ) -> Option<Self> {
        let first = y.iter().position(|v| *v != 0.0)?;
        let last = y.iter().rposition(|v| *v != 0.0)?;
        let act = &y[first..=last];
        let span = act.len();
        // Unless the start is censored, up to three ramp-up months are dropped from the trend
        // blocks: every new customer "grows" in its first months, which is not the trend we
        // mean.
        let trim = if left_censored { 0 } else { (span / 5).min(3) };
        let sums = ActSums::of(act, trim);
        let n_active = sums.n_active;
        // mean(act): the same additions in the same order.
        let level_life = sums.sum / span as f64;
        // The sum of the non-zero months is the sum of all months, bit for bit: the first
        // month is non-zero, so the running sum is never -0.0 afterwards, and adding a zero to
        // anything else changes nothing.
        let size_mean = sums.sum / n_active as f64;
        let adi = span as f64 / n_active as f64;
        // level12 counts the months after the last order as zeros: a customer who stopped is
        // worth less now than its lifetime mean says.
        let since_first = &y[first..];
        let level12 = mean(&since_first[since_first.len().saturating_sub(12)..]);
        let block = block_size(adi, span);
        block_means_into(&act[trim..], block, &mut scratch.blocks);
        let blocks_mean = if block == 1 {
            // The blocks are the months from `trim` on, whose sum the first pass has: the same
            // additions as mean(blocks), available without waiting for another chain.
            sums.trimmed_sum / scratch.blocks.len() as f64
        } else {
            mean(&scratch.blocks)
        };
        let peak = peak(act, adi, left_censored, scratch);
        let (mk, tau_pre, tau_post) = if block == 1 {
            // The blocks are the months themselves (a mean of one value is that value), so
            // the trend's and both sides' pairs come from one pass over the active span.
            mann_kendall_with_sides_by(act, trim, peak.index, &pairs)
        } else {
            let mk = mann_kendall_by(&scratch.blocks, &pairs);
            let side = &mut scratch.side;
            (
                mk,
                side_tau(&act[..=peak.index], block, side, &pairs),
                side_tau(&act[peak.index..], block, side, &pairs),
            )
        };
        let ratio_31 = ratio_31(&scratch.blocks, blocks_mean);
        let variation = variation(act, level_life, n_active, size_mean, blocks_mean, scratch);
        let PhaseCounts {
            highs,
            troughs,
            low_months,
        } = phases(act, scratch);
        let curve = sums.curve(level_life);
        Some(Features {
            left_censored,
            tenure: y.len() - first,
            span,
            n_active,
            gap_end: y.len() - 1 - last,
            adi,
            cv2: variation.cv2,
            level12,
            level_life,
            block,
            n_blocks: scratch.blocks.len(),
            mk_s: mk.s,
            tau: mk.tau,
            p: mk.p,
            ratio_31,
            peak_pos: peak.pos,
            rise: peak.rise,
            fall: peak.fall,
            tau_pre,
            tau_post,
            cv_block: variation.cv_block,
            cv_month: variation.cv_month,
            acf_season: variation.acf_season,
            runs_z: variation.runs_z,
            highs,
            troughs,
            acf1: variation.acf1,
            season_power: variation.season_power,
            slope_rel: curve.slope_rel,
            curvature: curve.curvature,
            season_evidence: span as f64 * variation.season_power / 2.0,
            low_share: low_months as f64 / span as f64,
            longest_pause: sums.longest_pause,
            evidence: evidence(
                &y[first..],
                purchases.and_then(|p| p.get(first..)),
                &mut scratch.columns,
            ),
        })
    }
}

/// The sums of the first pass over the active span: its total, the active months, and the
/// projections of the line and the parabola (see [`curve`](ActSums::curve)).
struct ActSums {
    n: usize,
    sum: f64,
    /// The sum of the months from `trim` on.
    trimmed_sum: f64,
    n_active: usize,
    /// Longest run of zero months.
    longest_pause: usize,
    s1: f64,
    q1: f64,
    s2: f64,
    q2: f64,
}

impl ActSums {
    #[inline(always)]
    fn of(act: &[f64], trim: usize) -> Self {
        let n = act.len();
        let (a, u2_mean) = curve_grid(n);
        // Starting values as the reference's: `Sum` starts at -0.0, the curve's sums at 0.0.
        let mut sum = -0.0;
        let mut trimmed_sum = -0.0;
        let mut n_active = 0;
        let (mut pause, mut longest_pause) = (0usize, 0usize);
        let (mut s1, mut s2) = (0.0, 0.0);
        for (t, y) in act.iter().enumerate() {
            sum += y;
            if t >= trim {
                trimmed_sum += y;
            }
            n_active += usize::from(*y != 0.0);
            // Multiplied rather than branched on: a sparse buyer's zero months are
            // unpredictable.
            pause = (pause + 1) * usize::from(*y == 0.0);
            longest_pause = longest_pause.max(pause);
            let p1 = a * t as f64 - 1.0;
            let p2 = p1 * p1 - u2_mean;
            s1 += y * p1;
            s2 += y * p2;
        }
        let grid = GridSums::of(n);
        ActSums {
            n,
            sum,
            trimmed_sum,
            n_active,
            longest_pause,
            s1,
            q1: grid.q1,
            s2,
            q2: grid.q2,
        }
    }

    /// Line and parabola through the active span with time scaled to u in -1..1: the linear
    /// and the centred quadratic term are orthogonal on a symmetric grid, so each coefficient
    /// is one projection. Both relative to the mean level `m`.
    #[inline(always)]
    fn curve(&self, m: f64) -> Curve {
        if self.n < 3 || m <= 0.0 {
            return Curve {
                slope_rel: 0.0,
                curvature: 0.0,
            };
        }
        Curve {
            // The line runs from -b1 to +b1 over the span.
            slope_rel: 2.0 * self.s1 / self.q1 / m,
            curvature: self.s2 / self.q2 / m,
        }
    }
}

/// The curve's grid over `n` months, u_t = a t - 1 in -1..1, as `(a, ū²)` with ū² the mean of
/// u² over it, (n + 1) / (3 (n - 1)); meaningless below three months, where
/// [`ActSums::curve`] ignores them. One definition for the first pass's projections and the
/// table of their data-independent sums ([`GridSums`]), which must use the same grid.
#[inline(always)]
const fn curve_grid(n: usize) -> (f64, f64) {
    let m = if n < 2 { 2 } else { n };
    (
        2.0 / (m - 1) as f64,
        (n + 1) as f64 / (3.0 * (m - 1) as f64),
    )
}

/// The sums over a grid of `n` months that do not depend on the values: Σ (t - t̄)² of the
/// least-squares line (`sxx`), and Σ u² and Σ (u² - ū²)² of the curve's grid u_t = a t - 1
/// (`q1`, `q2`, see [`ActSums`]). Each is summed in month order from 0.0 exactly as the
/// passes summed it before, but once per length at compile time ([`GRID_SUMS`]) rather than
/// once per customer.
#[derive(Clone, Copy)]
struct GridSums {
    sxx: f64,
    q1: f64,
    q2: f64,
}

/// Lengths up to which [`GridSums`] come from the table (ten years of months); longer
/// histories sum them at run time, the same way.
const GRID_TABLE_LEN: usize = 121;

/// [`GridSums`] of every length below [`GRID_TABLE_LEN`].
const GRID_SUMS: [GridSums; GRID_TABLE_LEN] = {
    let mut table = [GridSums {
        sxx: 0.0,
        q1: 0.0,
        q2: 0.0,
    }; GRID_TABLE_LEN];
    let mut n = 0;
    while n < GRID_TABLE_LEN {
        table[n] = GridSums::summed(n);
        n += 1;
    }
    table
};

impl GridSums {
    /// The sums of a grid of `n` months.
    #[inline(always)]
    fn of(n: usize) -> GridSums {
        match GRID_SUMS.get(n) {
            Some(sums) => *sums,
            None => GridSums::summed(n),
        }
    }

    /// The sums, added month by month (at compile time for the table).
    const fn summed(n: usize) -> GridSums {
        let tm = n.saturating_sub(1) as f64 / 2.0;
        let (a, u2_mean) = curve_grid(n);
        let (mut sxx, mut q1, mut q2) = (0.0, 0.0, 0.0);
        let mut t = 0;
        while t < n {
            let dt = t as f64 - tm;
            sxx += dt * dt;
            let p1 = a * t as f64 - 1.0;
            let p2 = p1 * p1 - u2_mean;
            q1 += p1 * p1;
            q2 += p2 * p2;
            t += 1;
        }
        GridSums { sxx, q1, q2 }
    }
}

/// Block size: sparse buyers are compared in longer blocks so that a block rarely is empty by
/// chance; at most a fifth of the span so that at least about five blocks remain.
#[inline(always)]
fn block_size(adi: f64, span: usize) -> usize {
    let b = if adi <= 1.3 {
        1
    } else if adi <= 2.2 {
        2
    } else if adi <= 4.0 {
        3
    } else {
        6
    };
    b.min(span / 5).max(1)
}

/// Last third of the blocks over the first third, damped by 10 % of the mean level: the
/// damping keeps the ratio finite and modest when the first third is near zero.
#[inline(always)]
fn ratio_31(blocks: &[f64], blocks_mean: f64) -> f64 {
    let k = (blocks.len() / 3).max(1);
    let m1 = mean(&blocks[..k.min(blocks.len())]);
    let m3 = mean(&blocks[blocks.len().saturating_sub(k)..]);
    let d = 0.1 * blocks_mean.abs();
    let num = m3.max(0.0) + d;
    let den = m1.max(0.0) + d;
    if den > 0.0 {
        num / den
    } else if num > 0.0 {
        f64::INFINITY
    } else {
        1.0
    }
}

/// Kendall's tau of the blocks of `part` (0 for fewer than three), the peak's side taus at
/// block sizes above one. A function rather than a closure so that it can be `inline(always)`
/// and is compiled into the AVX2 build too.
#[inline(always)]
fn side_tau(part: &[f64], block: usize, side: &mut Vec<f64>, pairs: impl FasterPairs) -> f64 {
    block_means_into(part, block, side);
    if side.len() >= 3 {
        kendall_tau_of_by(side, pairs)
    } else {
        0.0
    }
}

struct Peak {
    index: usize,
    pos: f64,
    rise: f64,
    fall: f64,
}

/// Where the smoothed peak lies and how far the start and the end lie below it: the bell
/// (rise and fall), growth (peak at the end) and shrinking (peak at the start) shapes.
#[inline(always)]
fn peak(act: &[f64], adi: f64, left_censored: bool, scratch: &mut Scratch) -> Peak {
    let span = act.len();
    // The window grows with the span (one month per year either side) and with sparseness
    // (so that a window usually holds an order).
    let w = (2 * (span / 12) + 1)
        .max(2 * adi.ceil() as usize + 1)
        .max(3);
    // First maximum, as numpy's argmax, and its value exactly as summed afresh.
    let (pk, peak) = moving_mean_argmax(act, w, &mut scratch.padded);
    let pos = if span > 1 {
        pk as f64 / (span - 1) as f64
    } else {
        0.0
    };
    // Skip the acquisition month (often a partial month) unless the start is censored.
    let e = if left_censored { 0 } else { 1 };
    let km = ((0.15 * span as f64).round_ties_even() as usize).max(3);
    let head = &act[e.min(span)..(e + km).min(span)];
    let tail = &act[span.saturating_sub(km)..];
    let (rise, fall) = if peak == 0.0 || head.is_empty() {
        (0.0, 0.0)
    } else {
        (
            (1.0 - mean(head) / peak).clamp(-1.0, 1.0),
            (1.0 - mean(tail) / peak).clamp(-1.0, 2.0),
        )
    };
    Peak {
        index: pk,
        pos,
        rise,
        fall,
    }
}

struct Variation {
    cv2: f64,
    cv_block: f64,
    cv_month: f64,
    acf_season: Option<f64>,
    runs_z: f64,
    acf1: f64,
    season_power: f64,
}

/// The seasonal lags of `acf_season`, and the periods of `season_power`.
const PERIODS: [usize; 4] = [3, 4, 6, 12];

/// Variation around the trend and signs of a season: detrended first so that a growing or
/// shrinking customer does not look volatile or periodic. Also the order sizes' variation
/// (cv2), whose sum fits in the first pass. `xm` is the mean of `act`, `size_mean` the mean of
/// its `n_active` non-zero months, `blocks_mean` the mean of the trend blocks in `scratch.blocks`.
///
/// Three passes over the months, each also over the blocks (never more than the months):
/// the least-squares lines and the sizes' squared deviations; the detrended sums and the
/// season's projections; the squared deviations and the autocorrelations. The reference
/// computes the same sums one after another (`reference::variation`).
#[inline(always)]
fn variation(
    act: &[f64],
    xm: f64,
    n_active: usize,
    size_mean: f64,
    blocks_mean: f64,
    scratch: &mut Scratch,
) -> Variation {
    let n = act.len();
    let blocks = &scratch.blocks;
    let nb = blocks.len();
    let tm = n.saturating_sub(1) as f64 / 2.0;
    let tmb = nb.saturating_sub(1) as f64 / 2.0;

    // Pass 1: lines through the months and the blocks, squared deviations of the sizes.
    // Zero months add 0 to the sizes' sum, which is the same as skipping them (the first
    // month is non-zero, so the sum is never -0.0 when a zero would be added).
    // Σ (t - t̄)² of the months and of the blocks depend only on their counts.
    let (sxx, bxx) = (GridSums::of(n).sxx, GridSums::of(nb).sxx);
    let (mut sxy, mut bxy) = (0.0, 0.0);
    let mut size_var = -0.0;
    for (t, v) in act.iter().enumerate() {
        let dt = t as f64 - tm;
        sxy += dt * (v - xm);
        // Selected rather than branched on: whether a sparse buyer's month is active is
        // unpredictable.
        let d = v - size_mean;
        size_var += select_unpredictable(*v != 0.0, d * d, 0.0);
        // The blocks are never more than the months; a branch taken the same way for a
        // stretch costs nothing, and keeps both in one loop.
        if t < nb {
            let dt = t as f64 - tmb;
            bxy += dt * (blocks[t] - blocks_mean);
        }
    }
    let cv2 = if size_mean == 0.0 {
        0.0
    } else {
        size_var / n_active as f64 / (size_mean * size_mean)
    };
    detrended_into(act, xm, sxy, sxx, &mut scratch.detrended);
    detrended_into(blocks, blocks_mean, bxy, bxx, &mut scratch.detrended_blocks);
    let da = &scratch.detrended;
    let db = &scratch.detrended_blocks;

    // Pass 2: sums of the detrended values, their squares and the season's projections
    // (cos and sin sums per period at the angle of t mod 12, see `SEASON`).
    let mut da_sum = -0.0;
    let mut total = -0.0;
    // Four cosine sums, then four sine sums (see `SEASON`).
    let mut cos_sin = [0.0f64; 8];
    let mut db_sum = -0.0;
    let mut t12 = 0;
    for (t, v) in da.iter().enumerate() {
        da_sum += v;
        total += v * v;
        for (sum, coefficient) in cos_sin.iter_mut().zip(&SEASON[t12]) {
            *sum += v * coefficient;
        }
        t12 = if t12 == 11 { 0 } else { t12 + 1 };
        if t < nb {
            db_sum += db[t];
        }
    }
    let da_mean = da_sum / n as f64;
    let db_mean = db_sum / nb as f64;

    // Pass 3: squared deviations and the autocorrelations' numerators, each summed over t in
    // order, every lag over every month: the months past the end read twelve zeros.
    let centred = &mut scratch.centred;
    centred.clear();
    centred.extend(da.iter().map(|v| v - da_mean));
    // A product with one of these zeros is a zero, which changes no sum unless the sum is
    // still -0.0 (all its terms so far were -0.0); the autocorrelation then comes out as -0.0
    // instead of 0.0, and `acf` reports a zero as 0.0 either way, as `stats::acf_with` does.
    // Summing only the pairs that fit took a second loop over the last twelve months, with a
    // select per lag.
    centred.extend([0.0; 12]);
    let c = &centred[..];
    const LAGS: [usize; 5] = [1, 3, 4, 6, 12];
    let mut num = [-0.0f64; 5];
    let mut den = -0.0;
    let mut db_den = -0.0;
    // The lagged values as slices of exactly `n` values, so that the loop needs no bounds
    // checks. Written out rather than `LAGS.map`, which the compiler did not inline into the
    // AVX2 build.
    let lagged_by = |lag: usize| &c[lag..lag + n];
    let lagged = [
        lagged_by(LAGS[0]),
        lagged_by(LAGS[1]),
        lagged_by(LAGS[2]),
        lagged_by(LAGS[3]),
        lagged_by(LAGS[4]),
    ];
    for (t, ct) in c[..n].iter().enumerate() {
        den += ct * ct;
        for (s, later) in num.iter_mut().zip(&lagged) {
            *s += ct * later[t];
        }
    }
    for v in db {
        db_den += (v - db_mean) * (v - db_mean);
    }
    let acf = |j: usize| {
        if LAGS[j] + 2 >= n || den == 0.0 {
            0.0
        } else {
            // + 0.0: a zero as 0.0, whichever its sign (see pass 3).
            (num[j] + 0.0) / den
        }
    };
    let acf_season = [1, 2, 3, 4]
        .into_iter()
        .filter(|j| n >= 2 * LAGS[*j] + 2)
        .map(acf)
        .reduce(f64::max);
    let season_power = if total <= 0.0 {
        0.0
    } else {
        let mut best = 0.0f64;
        for (j, p) in PERIODS.into_iter().enumerate() {
            if n >= 2 * p {
                let (c, s) = (cos_sin[j], cos_sin[4 + j]);
                best = best.max(2.0 * (c * c + s * s) / (n as f64 * total));
            }
        }
        best.min(1.0)
    };
    // Standard deviation of the detrended values over the mean level; 0 if the level is <= 0.
    let cv = |m: f64, squares: f64, len: usize| {
        if m <= 0.0 {
            0.0
        } else {
            (squares / len as f64).sqrt() / m
        }
    };
    Variation {
        cv2,
        cv_block: cv(blocks_mean, db_den, nb),
        cv_month: cv(xm, den, n),
        acf_season,
        runs_z: runs_z_near(da, da_mean, &mut scratch.select),
        acf1: acf(0),
        season_power,
    }
}

/// cos and sin of k · 30° for k = 0..12: every angle of a period of 3, 4, 6 or 12 months
/// falls on one of them (written out: computing them per customer was a quarter of the time).
pub(super) const COS_30: [f64; 12] = [
    1.0,
    0.866_025_403_784_438_6,
    0.5,
    0.0,
    -0.5,
    -0.866_025_403_784_438_6,
    -1.0,
    -0.866_025_403_784_438_6,
    -0.5,
    0.0,
    0.5,
    0.866_025_403_784_438_6,
];
pub(super) const SIN_30: [f64; 12] = [
    0.0,
    0.5,
    0.866_025_403_784_438_6,
    1.0,
    0.866_025_403_784_438_6,
    0.5,
    0.0,
    -0.5,
    -0.866_025_403_784_438_6,
    -1.0,
    -0.866_025_403_784_438_6,
    -0.5,
];

/// [`COS_30`] and [`SIN_30`] at the angle of month t of each period p = [`PERIODS`]`[j]`,
/// indexed by t mod 12: 360° · t / p = 30° · ((t mod 12) · 12 / p mod 12), as 12 is a
/// multiple of every period. Row t mod 12 holds the four cosines, then the four sines, so
/// that the eight sums of a month are one loop over a row (two at a time in SIMD lanes; each
/// sum still adds its own terms in month order). The same constants, looked up instead of
/// stepped per period.
const SEASON: [[f64; 8]; 12] = season_table();

const fn season_table() -> [[f64; 8]; 12] {
    let mut out = [[0.0; 8]; 12];
    let mut t = 0;
    while t < 12 {
        let mut j = 0;
        while j < 4 {
            let k = (t * (12 / PERIODS[j])) % 12;
            out[t][j] = COS_30[k];
            out[t][4 + j] = SIN_30[k];
            j += 1;
        }
        t += 1;
    }
    out
}

struct Curve {
    slope_rel: f64,
    curvature: f64,
}

/// What [`phases`] counts in a customer's months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PhaseCounts {
    /// High phases (runs of high months).
    highs: usize,
    /// Troughs: low runs of at least two months between two high runs.
    troughs: usize,
    /// Months labelled low.
    low_months: usize,
}

/// High and low phases of the centred 3-month mean against its 90th percentile. Months in
/// between are ignored, so a high phase with one middling month stays one phase. A trough is a
/// low run of at least two months between two high runs: a real pause, not a late start or an
/// end. The low months are 0 when the 90th percentile is <= 0: a loss-making customer has no
/// meaningful low phase.
#[inline(always)]
fn phases(act: &[f64], scratch: &mut Scratch) -> PhaseCounts {
    moving_mean3_into(act, &mut scratch.smooth);
    let r3 = &scratch.smooth;
    let reference = percentile_with(r3, 90.0, &mut scratch.select);
    let (high, low) = (0.5 * reference, 0.2 * reference);
    let counts = if r3.len() <= 64 {
        phase_counts_in_bits(r3, high, low)
    } else {
        phase_counts(r3, high, low)
    };
    PhaseCounts {
        low_months: if reference > 0.0 {
            counts.low_months
        } else {
            0
        },
        ..counts
    }
}

/// Counts the high runs and the troughs of `r3` (at most 64 months) with bit operations on
/// masks of the months: bit t of `high_months` says month t is labelled high, of
/// `low_months` low (high wins where both hold, as in [`phase_counts`]); unlabelled months
/// are ignored, so what matters at a month is the nearest label before or after it. Filling
/// each label over the unlabelled months that follow (or precede) it gives that nearest label
/// for every month at once: a high run starts at a high month whose previous label is not
/// high; a trough is a low month whose previous label is high and whose next label is low
/// (a low run of at least two), with a high month somewhere after it. A loop that followed
/// the labels month by month carried its state from one month to the next.
#[inline(always)]
fn phase_counts_in_bits(r3: &[f64], high: f64, low: f64) -> PhaseCounts {
    debug_assert!(r3.len() <= 64);
    let (mut high_months, mut low_months) = (0u64, 0u64);
    for (t, v) in r3.iter().enumerate() {
        high_months |= u64::from(*v >= high) << t;
        low_months |= u64::from(*v <= low) << t;
    }
    let lows = low_months.count_ones() as usize;
    if high_months == 0 {
        return PhaseCounts {
            highs: 0,
            troughs: 0,
            low_months: lows,
        };
    }
    let low_months = low_months & !high_months;
    let unlabelled = !(high_months | low_months);
    // Bit t: the last label at or before month t is high / the next label at or after it is low.
    let high_so_far = fill_up(high_months, unlabelled);
    let low_next = fill_down(low_months, unlabelled);
    let after_high = high_so_far << 1;
    let highs = (high_months & !after_high).count_ones() as usize;
    let two_lows_after_high = low_months & after_high & (low_next >> 1);
    let last_high = 63 - high_months.leading_zeros();
    let closed = (1u64 << last_high) - 1;
    let troughs = (two_lows_after_high & closed).count_ones() as usize;
    PhaseCounts {
        highs,
        troughs,
        low_months: lows,
    }
}

/// `set` with every bit also set that follows a set bit through bits of `through` only (to
/// higher positions): a Kogge-Stone fill in six steps.
#[inline(always)]
fn fill_up(mut set: u64, mut through: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        set |= through & (set << shift);
        through &= through << shift;
    }
    set
}

/// [`fill_up`] towards lower positions.
#[inline(always)]
fn fill_down(mut set: u64, mut through: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        set |= through & (set >> shift);
        through &= through >> shift;
    }
    set
}

/// [`phase_counts_in_bits`] for any length, label by label: the length of the current low
/// run and whether a high run came before it are all the state a trough needs.
#[inline(always)]
fn phase_counts(r3: &[f64], high: f64, low: f64) -> PhaseCounts {
    let (mut highs, mut troughs, mut lows) = (0, 0, 0);
    let (mut last_high, mut low_len, mut seen_high) = (false, 0usize, false);
    for v in r3 {
        if *v >= high {
            highs += usize::from(!last_high);
            troughs += usize::from(low_len >= 2 && seen_high);
            (last_high, low_len, seen_high) = (true, 0, true);
        }
        // Not `else`: with a reference <= 0 a month can be both (the caller drops the count).
        if *v <= low {
            lows += 1;
            if *v < high {
                low_len += 1;
                last_high = false;
            }
        }
    }
    PhaseCounts {
        highs,
        troughs,
        low_months: lows,
    }
}

/// The classification compiled with AVX2 (x86-64-v3), chosen at run time: the same source,
/// with four doubles to a vector register instead of two (10–15 % faster; see
/// docs/benchmarks-log.md).
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::super::evidence::{Columns, Evidence};
    use super::super::pairs_avx2;
    use super::{classify_baseline, Classification, Features, Scratch, TypologyConfig};

    /// [`Evidence::compute`] compiled for these features, out of line like the baseline one.
    #[inline(never)]
    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
    fn evidence_avx2(
        y: &[f64],
        purchases: Option<&[u32]>,
        columns: &mut Columns,
    ) -> Option<Evidence> {
        Evidence::compute_in(y, purchases, columns)
    }

    /// Whether this CPU has the features the functions below are compiled for (checked once,
    /// then a cached flag).
    pub(super) fn detected() -> bool {
        std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("bmi2")
            && std::arch::is_x86_feature_detected!("lzcnt")
            && std::arch::is_x86_feature_detected!("popcnt")
    }

    // The only `unsafe` of the workspace outside tests, twice. SAFETY: a `target_feature`
    // function may only run on a CPU that has those features; each caller has checked them
    // with `detected`.

    /// [`Features::compute_with`] on a CPU where [`detected`] holds.
    pub(super) fn compute_with(
        y: &[f64],
        purchases: Option<&[u32]>,
        left_censored: bool,
        scratch: &mut Scratch,
    ) -> Option<Features> {
        debug_assert!(detected());
        #[expect(unsafe_code)]
        unsafe {
            compute_with_avx2(y, purchases, left_censored, scratch)
        }
    }

    /// [`classify_baseline`] on a CPU where [`detected`] holds.
    pub(super) fn classify(
        y: &[f64],
        purchases: Option<&[u32]>,
        left_censored: bool,
        reference: Option<f64>,
        config: &TypologyConfig,
        scratch: &mut Scratch,
    ) -> Classification {
        debug_assert!(detected());
        #[expect(unsafe_code)]
        unsafe {
            classify_avx2(y, purchases, left_censored, reference, config, scratch)
        }
    }

    // The bodies are `inline(always)` (and so are the functions they call on the hot path),
    // so they are compiled here, for these features.
    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
    fn compute_with_avx2(
        y: &[f64],
        purchases: Option<&[u32]>,
        left_censored: bool,
        scratch: &mut Scratch,
    ) -> Option<Features> {
        // A closure defined here is compiled for the same features, so it may call the
        // AVX2 pass.
        Features::compute_with(
            y,
            purchases,
            left_censored,
            scratch,
            |x, from, split| pairs_avx2::pair_sums(x, from, split),
            |y, purchases, columns| evidence_avx2(y, purchases, columns),
        )
    }

    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
    fn classify_avx2(
        y: &[f64],
        purchases: Option<&[u32]>,
        left_censored: bool,
        reference: Option<f64>,
        config: &TypologyConfig,
        scratch: &mut Scratch,
    ) -> Classification {
        classify_baseline(
            y,
            purchases,
            left_censored,
            reference,
            config,
            scratch,
            (
                |x: &[f64], from, split| pairs_avx2::pair_sums(x, from, split),
                |y: &[f64], purchases: Option<&[u32]>, columns: &mut Columns| {
                    evidence_avx2(y, purchases, columns)
                },
            ),
        )
    }
}

/// The features as first written, one sum after another (the straightforward reading of the
/// specification): the oracle that `Features::compute`'s fused passes must match bit for bit.
#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::Rng;
    use proptest::prelude::*;

    /// Both builds of the fused pass (the AVX2 one where this CPU has it, which is what
    /// `Features::compute` runs, and the baseline one) equal the reference bit for bit
    /// (`Debug` prints every float in full, -0.0 included), or all are `None`.
    fn assert_matches_reference(y: &[f64], left_censored: bool) {
        let slow = format!(
            "{:?}",
            reference::compute(y, left_censored, &mut Scratch::default())
        );
        let fastest = Features::compute(y, left_censored);
        let baseline = Features::compute_with(
            y,
            None,
            left_censored,
            &mut Scratch::default(),
            double_only,
            Evidence::compute_in,
        );
        for (build, fast) in [("dispatched", fastest), ("baseline", baseline)] {
            assert_eq!(
                format!("{fast:?}"),
                slow,
                "{build} build, y = {y:?}, left_censored = {left_censored}"
            );
        }
    }

    /// A series of `n` months in the typology's shapes: regular and sparse buyers (block sizes
    /// 1 to 6), credit notes, whole numbers (ties everywhere), flat runs (ties in the moving
    /// means), -0.0 months.
    fn random_series(rng: &mut Rng, n: usize) -> Vec<f64> {
        let kind = rng.next_u64() % 7;
        let p_buy = [1.0, 0.9, 0.7, 0.5, 0.3, 0.15][(rng.next_u64() % 6) as usize];
        let level = 1.0 + 1000.0 * rng.f64();
        let whole = rng.f64() < 0.3;
        let start = (rng.next_u64() % (n as u64 / 2 + 1)) as usize;
        (0..n)
            .map(|t| {
                if t < start || rng.f64() >= p_buy {
                    return if rng.f64() < 0.05 { -0.0 } else { 0.0 };
                }
                let x = t as f64 / n as f64;
                let shape = match kind {
                    0 => 1.0,
                    1 => 1.0 + (t as f64 * 1.7).sin(),
                    2 => (-((x - 0.5) * 4.0).powi(2)).exp(),
                    3 => 0.2 + 1.6 * x,
                    4 => 1.8 - 1.6 * x,
                    5 => 0.02,
                    _ => 1.0 + 0.5 * x,
                };
                let noise = if kind == 0 && rng.f64() < 0.5 {
                    1.0
                } else {
                    0.6 + 0.8 * rng.f64()
                };
                let sign = if rng.f64() < 0.05 { -0.5 } else { 1.0 };
                let v = level * shape * noise * sign;
                if whole {
                    v.round()
                } else {
                    (v * 100.0).round() / 100.0
                }
            })
            .collect()
    }

    #[test]
    fn matches_the_reference() {
        let mut rng = Rng(11);
        for case in 0..40_000 {
            let n = 1 + case % 72;
            let y = random_series(&mut rng, n);
            assert_matches_reference(&y, case % 3 == 0);
        }
        for y in [
            vec![],
            vec![0.0; 5],
            vec![5.0],
            vec![-3.0, 0.0],
            vec![7.0; 36],
            vec![1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0],
        ] {
            assert_matches_reference(&y, false);
            assert_matches_reference(&y, true);
        }
    }

    /// The classification as `classify` runs it (the AVX2 build where this CPU has it) is the
    /// baseline build's, decision, confidence and conditions included.
    #[test]
    fn both_builds_classify_alike() {
        let config = super::super::config::default_config();
        let mut rng = Rng(12);
        for case in 0..20_000 {
            let y = random_series(&mut rng, 1 + case % 72);
            let left_censored = case % 3 == 0;
            let reference = Some(1.0 + (case % 50) as f64 * 20.0);
            let fastest = classify_fastest(&y, None, left_censored, reference, config);
            let baseline = classify_baseline(
                &y,
                None,
                left_censored,
                reference,
                config,
                &mut Scratch::default(),
                (double_only, Evidence::compute_in),
            );
            assert_eq!(format!("{fastest:?}"), format!("{baseline:?}"), "y = {y:?}");
        }
    }

    proptest! {
        #[test]
        fn matches_the_reference_on_any_series(
            y in prop::collection::vec(
                prop_oneof![Just(0.0), Just(-0.0), (-3i32..4i32).prop_map(f64::from), -1e6..1e6f64],
                0..80,
            ),
            left_censored: bool,
        ) {
            assert_matches_reference(&y, left_censored);
        }
    }

    /// The masks' counts are the label-by-label counts, for every length the masks take, with
    /// months labelled both high and low (a reference <= 0) and many unlabelled ones.
    #[test]
    fn phase_masks_count_as_the_labels() {
        let mut rng = Rng(13);
        for case in 0..50_000 {
            let n = 1 + case % 64;
            let r3: Vec<f64> = (0..n).map(|_| (rng.next_u64() % 5) as f64 - 1.0).collect();
            let (high, low) = if case % 4 == 0 {
                // high < low: months in between are both.
                (-0.5 + rng.f64(), 0.5 + rng.f64())
            } else {
                (1.0 + 2.0 * rng.f64(), 1.0 - 2.0 * rng.f64())
            };
            assert_eq!(
                phase_counts_in_bits(&r3, high, low),
                phase_counts(&r3, high, low),
                "{r3:?} high {high} low {low}"
            );
        }
    }

    #[test]
    fn phases_count_pauses_between_high_phases() {
        // 3-month means around a 4-month pause: 6.7, 3.3, 0, 0, 3.3, 6.7 against p90 = 10:
        // the two zeros are a low run of length 2, the 3.3s are ignored.
        let on = [10.0; 3];
        let off = [0.0; 4];
        let act: Vec<f64> = [&on[..], &off, &on, &off, &on].concat();
        // Four low months: the two zeros of each pause.
        assert_eq!(
            phases(&act, &mut Scratch::default()),
            PhaseCounts {
                highs: 3,
                troughs: 2,
                low_months: 4
            }
        );
        // A 3-month pause leaves only one low month: two high runs, but no trough.
        let short: Vec<f64> = [&on[..], &off[..3], &on].concat();
        assert_eq!(
            phases(&short, &mut Scratch::default()),
            PhaseCounts {
                highs: 2,
                troughs: 0,
                low_months: 1
            }
        );
    }

    #[test]
    fn counts_on_a_series_with_gaps() {
        let y = [0.0, 0.0, 5.0, 0.0, 5.0, 5.0, 0.0, 0.0];
        let f = Features::compute(&y, false).unwrap();
        assert_eq!((f.tenure, f.span, f.n_active, f.gap_end), (6, 4, 3, 2));
        assert!((f.adi - 4.0 / 3.0).abs() < 1e-12);
        // level12 counts the two quiet months at the end: 15 / 6.
        assert!((f.level12 - 2.5).abs() < 1e-12);
        assert!((f.level_life - 3.75).abs() < 1e-12);
        assert_eq!(f.cv2, 0.0);
        // The two quiet months at the end are after the active span, not a pause in it.
        assert_eq!(f.longest_pause, 1);
    }
}
