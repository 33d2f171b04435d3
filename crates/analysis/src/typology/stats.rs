//! Small numerical helpers for the typology features, each matching the numpy / pymannkendall
//! behaviour the reference (`typology.py`) relies on.

use std::hint::select_unpredictable;

/// Relative accuracy of [`erfc`] (Numerical Recipes `erfcc`, a Chebyshev fit): better than
/// 1.2e-7 everywhere. The p-value is only compared with 0.10 and fed into a confidence, and
/// Mann-Kendall's S is discrete, so this is far below anything that could change a decision.
pub const ERFC_RELATIVE_ACCURACY: f64 = 1.2e-7;

/// Complementary error function, Numerical Recipes (2nd ed., §6.2) `erfcc`: relative error
/// below [`ERFC_RELATIVE_ACCURACY`] for every real `x`. Written out so that the crate needs no
/// statistics dependency.
#[inline(always)]
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let ans = t * poly.exp();
    if x >= 0.0 {
        ans
    } else {
        2.0 - ans
    }
}

/// Arithmetic mean; 0 for an empty slice (callers guard the cases where that matters).
#[inline(always)]
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        0.0
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// Population standard deviation (numpy `std`, ddof = 0).
pub fn std_pop(x: &[f64]) -> f64 {
    var_pop(x).sqrt()
}

/// Population variance (numpy `var`, ddof = 0).
pub fn var_pop(x: &[f64]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / x.len() as f64
}

#[cfg(test)] // the classifier uses the `_with` / `_into` forms with its buffers
/// Percentile with linear interpolation between the closest ranks (numpy's default method).
/// `q` in 0..=100; 0 for an empty slice.
pub fn percentile(x: &[f64], q: f64) -> f64 {
    percentile_with(x, q, &mut Vec::new())
}

/// Largest number of top values [`percentile_with`] keeps in a small array instead of
/// selecting in a copy.
const TOP_K: usize = 8;

/// The `K` largest values of `x`, largest first (-∞ where `x` has fewer), in one pass
/// without branches on the data: each value goes through a fixed insertion network,
/// `top[i] = max(min(top[i - 1], v), top[i])`. Comparing with `<` / `>` only, as a sort
/// would: the order statistics are the same values (a -0.0 may stand for a 0.0, which no
/// comparison or interpolation of the callers can tell apart). The branching insertion it
/// replaces mispredicted on most values of a noisy series.
#[inline(always)]
fn top_k<const K: usize>(x: &[f64]) -> [f64; K] {
    let mut top = [f64::NEG_INFINITY; K];
    for &v in x {
        for i in (1..K).rev() {
            let shifted = if top[i - 1] < v { top[i - 1] } else { v };
            top[i] = if shifted > top[i] { shifted } else { top[i] };
        }
        top[0] = if v > top[0] { v } else { top[0] };
    }
    top
}

/// The k-th and the (k-1)-th largest of the `K = k` largest (the k-th twice for k = 1).
#[inline(always)]
fn top_two<const K: usize>(top: [f64; K]) -> (f64, f64) {
    (top[K - 1], top[K.saturating_sub(2)])
}

/// [`percentile`] using `buf` for the copy it selects in (no allocation once `buf` is large
/// enough).
#[inline(always)]
pub fn percentile_with(x: &[f64], q: f64, buf: &mut Vec<f64>) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    let pos = q / 100.0 * (x.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    // A high percentile needs only the few largest values: keep them in a small sorted array
    // in one pass instead of copying and selecting (the same order statistics).
    let k = x.len() - lo;
    if k <= TOP_K {
        // A network as wide as needed: each value passes k - 1 compare-and-shift steps.
        let (at_lo, at_hi) = match k {
            1 => top_two(top_k::<1>(x)),
            2 => top_two(top_k::<2>(x)),
            3 => top_two(top_k::<3>(x)),
            4 => top_two(top_k::<4>(x)),
            5 => top_two(top_k::<5>(x)),
            6 => top_two(top_k::<6>(x)),
            7 => top_two(top_k::<7>(x)),
            _ => top_two(top_k::<TOP_K>(x)),
        };
        return at_lo + frac * (at_hi - at_lo);
    }
    buf.clear();
    buf.extend_from_slice(x);
    let v = buf;
    // Selecting the two order statistics gives the same values as sorting, in linear time.
    let (_, &mut at_lo, above) = v.select_nth_unstable_by(lo, f64::total_cmp);
    let at_hi = above
        .iter()
        .copied()
        .min_by(f64::total_cmp)
        .unwrap_or(at_lo);
    at_lo + frac * (at_hi - at_lo)
}

/// Median (numpy: mean of the two middle values for an even count); `None` when empty.
pub fn median(x: &[f64]) -> Option<f64> {
    median_with(x, &mut Vec::new())
}

/// [`median`] using `buf` for the copy it selects in.
pub fn median_with(x: &[f64], buf: &mut Vec<f64>) -> Option<f64> {
    if x.is_empty() {
        return None;
    }
    buf.clear();
    buf.extend_from_slice(x);
    let v = buf;
    let n = v.len();
    // Selection instead of sorting: the same order statistics in linear time.
    let (_, &mut lower, above) = v.select_nth_unstable_by((n - 1) / 2, f64::total_cmp);
    Some(if n % 2 == 1 {
        lower
    } else {
        let upper = above
            .iter()
            .copied()
            .min_by(f64::total_cmp)
            .unwrap_or(lower);
        (lower + upper) / 2.0
    })
}

/// [`median`] of `x` (not empty) when the median lies within a few ranks of `pivot` (any
/// number; a value near the median, such as the mean of a detrended series, is fastest), else
/// [`median_with`]. The same value as [`median`] up to the sign of a zero result.
///
/// With c values at most `pivot`, the middle order statistics lie among those c (counted from
/// the top) or among the others (counted from the bottom), usually within a few ranks of the
/// split: a branch-free top-k pass over the values of that side finds them. Selecting in a
/// copy mispredicts its way through a noisy series and was the costliest step of the runs
/// test.
#[inline(always)]
pub fn median_near(x: &[f64], pivot: f64, buf: &mut Vec<f64>) -> f64 {
    if !pivot.is_finite() {
        return fallback_median(x, buf);
    }
    let n = x.len();
    let m = (n - 1) / 2;
    let even = n.is_multiple_of(2);
    let c = x.iter().filter(|v| **v <= pivot).count();
    // Ranks m and, for an even count, m + 1 (from 0, ascending) are wanted.
    let last = if even { m + 1 } else { m };
    let (lower, upper) = if last < c {
        // Both among the c values <= pivot: rank r is the (c - 1 - r)-th largest there.
        let depth = c - m;
        buf.clear();
        buf.extend(
            x.iter()
                .map(|v| select_unpredictable(*v <= pivot, *v, f64::NEG_INFINITY)),
        );
        match largest(buf, depth) {
            Some(top) => (top[c - 1 - m], top[(c - 1).saturating_sub(last)]),
            None => return fallback_median(x, buf),
        }
    } else if m >= c {
        // Both among the values > pivot: rank r is the (r - c)-th smallest there, found as
        // the largest of their negations (negating is exact).
        let depth = last - c + 1;
        buf.clear();
        buf.extend(
            x.iter()
                .map(|v| select_unpredictable(*v > pivot, -*v, f64::NEG_INFINITY)),
        );
        match largest(buf, depth) {
            Some(top) => (-top[m - c], -top[last - c]),
            None => return fallback_median(x, buf),
        }
    } else {
        // Even count, split at the pivot: the largest value <= pivot and the smallest above.
        let (mut below, mut above) = (f64::NEG_INFINITY, f64::INFINITY);
        for v in x {
            below = below.max(select_unpredictable(*v <= pivot, *v, f64::NEG_INFINITY));
            above = above.min(select_unpredictable(*v > pivot, *v, f64::INFINITY));
        }
        (below, above)
    };
    if even {
        (lower + upper) / 2.0
    } else {
        lower
    }
}

fn fallback_median(x: &[f64], buf: &mut Vec<f64>) -> f64 {
    median_with(x, buf).unwrap_or(0.0)
}

/// The `depth` largest of `x`, largest first, padded to [`TOP_K`]; `None` if `depth` is
/// larger.
#[inline(always)]
fn largest(x: &[f64], depth: usize) -> Option<[f64; TOP_K]> {
    fn pad<const K: usize>(top: [f64; K]) -> [f64; TOP_K] {
        let mut out = [f64::NEG_INFINITY; TOP_K];
        out[..K].copy_from_slice(&top);
        out
    }
    Some(match depth {
        1 => pad(top_k::<1>(x)),
        2 => pad(top_k::<2>(x)),
        3 => pad(top_k::<3>(x)),
        4 => pad(top_k::<4>(x)),
        5 => pad(top_k::<5>(x)),
        6 => pad(top_k::<6>(x)),
        7 => pad(top_k::<7>(x)),
        8 => top_k::<TOP_K>(x),
        _ => return None,
    })
}

/// Means of blocks of `b` values aligned to the END of `x`: the last block ends at the as-of
/// month, so the most recent months are always compared in whole blocks; a leftover at the
/// start forms a partial first block with its own mean.
pub fn block_means(x: &[f64], b: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(x.len() / b.max(1) + 1);
    block_means_into(x, b, &mut out);
    out
}

/// [`block_means`] into `out` (cleared first).
#[inline(always)]
pub fn block_means_into(x: &[f64], b: usize, out: &mut Vec<f64>) {
    let b = b.max(1);
    out.clear();
    if b == 1 {
        // The mean of one value is that value, bit for bit (-0.0 + v = v, v / 1 = v).
        out.extend_from_slice(x);
        return;
    }
    let r = x.len() % b;
    if r > 0 {
        out.push(mean(&x[..r]));
    }
    out.extend(x[r..].chunks(b).map(mean));
}

#[cfg(test)] // the classifier uses the `_with` / `_into` forms with its buffers
/// Centred moving mean with odd window `w`; the window shrinks at the edges (each point is the
/// mean of the values that exist within `w / 2` on either side) so no zeros are invented.
pub fn moving_mean(x: &[f64], w: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(x.len());
    moving_mean_into(x, w, &mut out);
    out
}

/// [`moving_mean`] into `out` (cleared first). Each window is summed afresh rather than by a
/// running sum, so the values are bit-identical to the reference (a running sum's rounding
/// could break ties in the peak search differently).
#[cfg(test)] // the classifier uses `moving_mean_argmax` and `moving_mean3_into`
pub fn moving_mean_into(x: &[f64], w: usize, out: &mut Vec<f64>) {
    let h = w / 2;
    out.clear();
    out.extend((0..x.len()).map(|i| mean(&x[i.saturating_sub(h)..(i + h + 1).min(x.len())])));
}

/// Outputs of [`moving_mean_argmax`] summed side by side: one vector register of doubles with
/// AVX2 (two halves without).
const WINDOW_LANES: usize = 4;

/// The first index of the largest value of [`moving_mean`]`(x, w)` (numpy's argmax) and that
/// value, both exactly as from the fresh sums of [`moving_mean`]. `padded` is a buffer.
///
/// Every window is summed afresh, but [`WINDOW_LANES`] windows side by side: `x` is padded
/// with `w / 2` values -0.0 on either side, so each output is the sum of `w` consecutive
/// values in the same positions, added in order from -0.0 as in [`mean`]. Adding -0.0 changes
/// no sum (-0.0 + -0.0 = -0.0, and v + -0.0 = v for every other v), so a window cut at an edge
/// sums to the same bits as the slice of `x` it covers. A running sum (one addition a month,
/// each waiting for the one before, then the near-ties summed afresh) took a fifth of
/// classifying; the side-by-side fresh sums have no chain longer than `w`.
///
/// Each lane keeps its largest mean and where it was (replaced only by a larger one, so the
/// first of equal ones stays), and the lanes are compared at the end: no buffer of means and
/// no search for the maximum's position afterwards. `(0, 0.0)` for an empty `x`.
#[inline(always)]
pub fn moving_mean_argmax(x: &[f64], w: usize, padded: &mut Vec<f64>) -> (usize, f64) {
    let n = x.len();
    if n == 0 {
        return (0, 0.0);
    }
    let h = w / 2;
    let outputs = n.div_ceil(WINDOW_LANES) * WINDOW_LANES;
    padded.clear();
    padded.resize(h, -0.0);
    padded.extend_from_slice(x);
    // Room for the windows of the outputs past n, which are computed and then ignored.
    padded.resize(outputs + 2 * h, -0.0);
    // The common windows as constants, so that each window's additions are straight-line
    // code: a loop over a window whose width changes from customer to customer ends where a
    // branch predictor cannot know, once per four windows (3.6 % of classifying,
    // docs/benchmarks-log.md).
    match w {
        3 => windows_argmax(padded, n, 3),
        5 => windows_argmax(padded, n, 5),
        7 => windows_argmax(padded, n, 7),
        9 => windows_argmax(padded, n, 9),
        _ => windows_argmax(padded, n, w),
    }
}

/// The body of [`moving_mean_argmax`] over its padded copy, `inline(always)` so that a
/// constant `w` unrolls the window.
#[inline(always)]
fn windows_argmax(padded: &[f64], n: usize, w: usize) -> (usize, f64) {
    let h = w / 2;
    let outputs = n.div_ceil(WINDOW_LANES) * WINDOW_LANES;
    let (hf, nf) = (h as f64, n as f64);
    let mut best = [f64::NEG_INFINITY; WINDOW_LANES];
    // Positions as doubles (exact for any length a slice can have in practice), so that they
    // share the lanes and the selects of the means.
    let mut best_at = [0.0f64; WINDOW_LANES];
    let mut at = [0.0f64; WINDOW_LANES];
    for (l, a) in at.iter_mut().enumerate() {
        *a = l as f64;
    }
    for base in (0..outputs).step_by(WINDOW_LANES) {
        let windows = &padded[base..base + 2 * h + WINDOW_LANES];
        let mut sums = [-0.0f64; WINDOW_LANES];
        for k in 0..=2 * h {
            let values = &windows[k..k + WINDOW_LANES];
            for (sum, v) in sums.iter_mut().zip(values) {
                *sum += v;
            }
        }
        for l in 0..WINDOW_LANES {
            let i = at[l];
            // The window's count within x, cut at the edges (exact in f64).
            let count = (i + hf + 1.0).min(nf) - (i - hf).max(0.0);
            let m = select_unpredictable(i < nf, sums[l] / count, f64::NEG_INFINITY);
            let larger = m > best[l];
            best[l] = select_unpredictable(larger, m, best[l]);
            best_at[l] = select_unpredictable(larger, i, best_at[l]);
            at[l] = i + WINDOW_LANES as f64;
        }
    }
    // The largest over the lanes, the first position among equal ones (-0.0 and 0.0 are
    // equal here, as for numpy's argmax).
    let (mut top, mut top_at) = (best[0], best_at[0]);
    for (m, i) in best.into_iter().zip(best_at).skip(1) {
        if m > top || (m == top && i < top_at) {
            (top, top_at) = (m, i);
        }
    }
    (top_at as usize, top)
}

/// [`moving_mean`] with window 3 into `out` (cleared first): the same additions in the same
/// order as [`mean`] of each window (a sum starts at -0.0, and -0.0 + a = a), written out.
#[inline(always)]
pub fn moving_mean3_into(x: &[f64], out: &mut Vec<f64>) {
    let n = x.len();
    out.clear();
    match n {
        0 => {}
        1 => out.push(-0.0 + x[0]),
        _ => {
            out.push((x[0] + x[1]) / 2.0);
            out.extend(x.windows(3).map(|w| (w[0] + w[1] + w[2]) / 3.0));
            out.push((x[n - 2] + x[n - 1]) / 2.0);
        }
    }
}

#[cfg(test)] // the classifier uses the `_with` / `_into` forms with its buffers
/// `x` minus its OLS line on t = 0..len-1, so that a trend does not count as variation or
/// seasonality.
pub fn detrend(x: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(x.len());
    detrend_into(x, &mut out);
    out
}

/// [`detrend`] into `out` (cleared first).
#[cfg(test)] // the classifier fuses these sums with others (`features::variation`)
pub fn detrend_into(x: &[f64], out: &mut Vec<f64>) {
    let tm = x.len().saturating_sub(1) as f64 / 2.0;
    let xm = mean(x);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (t, v) in x.iter().enumerate() {
        let dt = t as f64 - tm;
        sxy += dt * (v - xm);
        sxx += dt * dt;
    }
    detrended_into(x, xm, sxy, sxx, out);
}

/// `x` minus its least-squares line on t = 0..len-1, from the mean `xm` of `x` and the
/// line's sums `sxy` = Σ (t - t̄)(x_t - xm) and `sxx` = Σ (t - t̄)² (zeros for fewer than two
/// values). `out` is cleared first.
#[inline(always)]
pub fn detrended_into(x: &[f64], xm: f64, sxy: f64, sxx: f64, out: &mut Vec<f64>) {
    let n = x.len();
    out.clear();
    if n < 2 {
        out.resize(n, 0.0);
        return;
    }
    let tm = (n - 1) as f64 / 2.0;
    let slope = sxy / sxx;
    let intercept = xm - slope * tm;
    // Months counted as i32 (no history is 2^31 months long): four of them convert to
    // doubles in one vector instruction, which a usize cannot, so the loop runs four months
    // at a time. The same values as `t as f64`.
    out.extend(
        x.iter()
            .zip(0i32..)
            .map(|(v, t)| v - (intercept + slope * f64::from(t))),
    );
}

#[cfg(test)] // the classifier uses `acf_with` with the mean and variance computed once
/// Autocorrelation at lag `lag`: sum (x_t - m)(x_{t+L} - m) / sum (x_t - m)^2. 0 when the lag
/// leaves fewer than three pairs (`lag >= len - 2`) or the series is constant.
pub fn acf(x: &[f64], lag: usize) -> f64 {
    let m = mean(x);
    let den: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    acf_with(x, lag, m, den)
}

/// [`acf`] with the mean `m` of `x` and the sum of squared deviations `den` computed once for
/// several lags (the same arithmetic, so the same values).
#[cfg(test)] // the classifier fuses these sums with others (`features::variation`)
pub fn acf_with(x: &[f64], lag: usize, m: f64, den: f64) -> f64 {
    if lag + 2 >= x.len() {
        return 0.0;
    }
    if den == 0.0 {
        return 0.0;
    }
    let num: f64 = x
        .iter()
        .zip(&x[lag..])
        .map(|(a, b)| (a - m) * (b - m))
        .sum();
    // A zero as 0.0, whichever its sign (a sum of -0.0 terms is -0.0): the classifier's pass
    // reads zeros past the end, which can turn such a sum into 0.0.
    (num + 0.0) / den
}

#[cfg(test)] // the classifier uses the `_with` / `_into` forms with its buffers
/// Wald-Wolfowitz runs test of `x > median(x)`: (runs - mu) / sigma. Strongly negative means
/// long stretches above and below the middle (phases), not noise. 0 if one side is empty or
/// the variance is zero.
pub fn runs_z(x: &[f64]) -> f64 {
    runs_z_with(x, &mut Vec::new())
}

/// [`runs_z`] using `buf` for the median's selection.
#[cfg(test)] // the classifier uses `runs_z_near`
pub fn runs_z_with(x: &[f64], buf: &mut Vec<f64>) -> f64 {
    let Some(med) = median_with(x, buf) else {
        return 0.0;
    };
    runs_z_around(x, med)
}

/// [`runs_z`] with the median found by [`median_near`] from `pivot` (e.g. the mean of `x`):
/// the same value, as only comparisons with the median enter.
#[inline(always)]
pub fn runs_z_near(x: &[f64], pivot: f64, buf: &mut Vec<f64>) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    runs_z_around(x, median_near(x, pivot, buf))
}

/// The runs test of `x > med`.
#[inline(always)]
fn runs_z_around(x: &[f64], med: f64) -> f64 {
    let n1 = x.iter().filter(|v| **v > med).count() as f64;
    let n2 = x.len() as f64 - n1;
    if n1 == 0.0 || n2 == 0.0 {
        return 0.0;
    }
    // Neighbours as two shifted slices rather than `windows(2)`, which the compiler did not
    // vectorize.
    let runs = 1 + x
        .iter()
        .zip(&x[1..])
        .filter(|(a, b)| (**a > med) != (**b > med))
        .count();
    let n = n1 + n2;
    let mu = 2.0 * n1 * n2 / n + 1.0;
    let var = 2.0 * n1 * n2 * (2.0 * n1 * n2 - n) / (n * n * (n - 1.0));
    if var <= 0.0 {
        return 0.0;
    }
    (runs as f64 - mu) / var.sqrt()
}

/// Result of the Mann-Kendall trend test (same numbers as `pymannkendall.original_test`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannKendall {
    /// S = sum over i < j of sign(x_j - x_i).
    pub s: i64,
    /// Variance of S, corrected for ties.
    pub var_s: f64,
    /// z with continuity correction ((S - 1) or (S + 1) over the standard deviation).
    pub z: f64,
    /// Two-sided p-value, erfc(|z| / sqrt 2).
    pub p: f64,
    /// Kendall's tau = S / (n (n - 1) / 2); 0 for fewer than two values.
    pub tau: f64,
}

/// Mann-Kendall trend test on `x`.
#[inline(always)]
pub fn mann_kendall(x: &[f64]) -> MannKendall {
    let (s, ties) = pair_sums(x);
    mann_kendall_from(s, ties, x.len())
}

/// S and the summed tie terms of `x`, from one pass over its pairs.
#[inline(always)]
fn pair_sums(x: &[f64]) -> (i64, i64) {
    // One branch-free pass over the pairs gives S and the ties: the signs of the pairs are
    // random for a noisy series, and mispredicted branches plus a sort for the ties made this
    // the hot spot of classifying (docs/benchmarks-log.md).
    //
    // Tie correction: every group of t equal values removes t (t-1) (2t+5) from the variance.
    // Summed over the group's members, with e = how many later members equal one, that is
    // the sum of 6 e (e + 2) for e = 0 .. t-1 (f(e+1) - f(e) for f(t) = t (t-1) (2t+5)).
    let n = x.len();
    let (mut s, mut ties) = (0i64, 0i64);
    let mut add = |row: Row| {
        s += row.sign;
        ties += 6 * row.equal * (row.equal + 2);
    };
    // Two rows at a time share the loads of their common later values.
    let mut i = 0;
    while i + 1 < n {
        let [a, b] = pair_rows2(x[i], x[i + 1], &x[i + 2..]);
        add(a + Row::of(x[i], x[i + 1]));
        add(b);
        i += 2;
    }
    (s, ties)
}

/// [`mann_kendall`] with the pair sums from `faster` where it has them (see
/// [`mann_kendall_with_sides_by`]).
#[inline(always)]
pub fn mann_kendall_by(x: &[f64], faster: impl FasterPairs) -> MannKendall {
    let n = x.len();
    match faster(x, 0, n.saturating_sub(1)) {
        Some(sums) => mann_kendall_from(sums.s, sums.ties, n),
        None => mann_kendall(x),
    }
}

/// [`kendall_tau_of`] with the pair sums from `faster` where it has them.
#[inline(always)]
pub fn kendall_tau_of_by(x: &[f64], faster: impl FasterPairs) -> f64 {
    let n = x.len();
    match faster(x, 0, n.saturating_sub(1)) {
        Some(sums) => kendall_tau(sums.s, n),
        None => kendall_tau_of(x),
    }
}

/// Kendall's tau of `x` against time, the `tau` of [`mann_kendall`], without the test's
/// variance and p-value (the side taus of the peak shape need only tau).
#[inline(always)]
pub fn kendall_tau_of(x: &[f64]) -> f64 {
    kendall_tau(pair_sums(x).0, x.len())
}

/// The pairs of one value with later ones: the sum of their signs and how many are equal.
#[derive(Clone, Copy, Default)]
struct Row {
    sign: i64,
    equal: i64,
}

impl Row {
    /// The pair (xi, xj).
    #[inline(always)]
    fn of(xi: f64, xj: f64) -> Row {
        Row {
            sign: i64::from(xj > xi) - i64::from(xj < xi),
            equal: i64::from(xj == xi),
        }
    }
}

impl std::ops::Add for Row {
    type Output = Row;
    fn add(self, other: Row) -> Row {
        Row {
            sign: self.sign + other.sign,
            equal: self.equal + other.equal,
        }
    }
}

/// The [`Row`]s of `xa` and of `xb` over `later`, in one pass. Values are not NaN, so the
/// equal ones are those neither above nor below: two comparisons a pair, not three.
#[inline(always)]
fn pair_rows2(xa: f64, xb: f64, later: &[f64]) -> [Row; 2] {
    let (mut above_a, mut below_a, mut above_b, mut below_b) = (0i64, 0i64, 0i64, 0i64);
    for xj in later {
        above_a += i64::from(*xj > xa);
        below_a += i64::from(*xj < xa);
        above_b += i64::from(*xj > xb);
        below_b += i64::from(*xj < xb);
    }
    let len = later.len() as i64;
    [
        Row {
            sign: above_a - below_a,
            equal: len - above_a - below_a,
        },
        Row {
            sign: above_b - below_b,
            equal: len - above_b - below_b,
        },
    ]
}

/// The test's statistics from S, the summed tie terms and the count.
#[inline(always)]
fn mann_kendall_from(s: i64, ties: i64, n: usize) -> MannKendall {
    let ties = ties as f64;
    let nf = n as f64;
    let var_s = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
    let z = if s == 0 || var_s <= 0.0 {
        0.0
    } else if s > 0 {
        (s - 1) as f64 / var_s.sqrt()
    } else {
        (s + 1) as f64 / var_s.sqrt()
    };
    // erfc(0) is 1 + 3e-8 in the approximation; a p-value above 1 would only confuse.
    let p = erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0);
    MannKendall {
        s,
        var_s,
        z,
        p,
        tau: kendall_tau(s, n),
    }
}

/// Kendall's tau = S / (n (n - 1) / 2); 0 for fewer than two values.
#[inline(always)]
fn kendall_tau(s: i64, n: usize) -> f64 {
    let nf = n as f64;
    if n < 2 {
        0.0
    } else {
        s as f64 / (nf * (nf - 1.0) / 2.0)
    }
}

/// [`mann_kendall_with_sides_by`] with every pair compared in double precision.
#[cfg(test)]
pub fn mann_kendall_with_sides(x: &[f64], from: usize, split: usize) -> (MannKendall, f64, f64) {
    mann_kendall_with_sides_by(x, from, split, double_only)
}

/// The [`FasterPairs`] that has none: every pair is compared in double precision (the
/// baseline build).
#[inline(always)]
pub fn double_only(_: &[f64], _: usize, _: usize) -> Option<PairSums> {
    None
}

/// A pass that may give the [`PairSums`] of `(x, from, split)` faster than the
/// double-precision pass here, or decline with `None` (the AVX2 build's single-precision
/// comparisons, `pairs_avx2`); any such function or closure is one.
pub trait FasterPairs: Fn(&[f64], usize, usize) -> Option<PairSums> {}

impl<F: Fn(&[f64], usize, usize) -> Option<PairSums>> FasterPairs for F {}

/// The integer sums behind [`mann_kendall_with_sides_by`]: S of `x[from..]` and its tie
/// terms, S of `x[..=split]` and of `x[split..]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairSums {
    /// S of `x[from..]`.
    pub s: i64,
    /// Summed tie terms t (t − 1) (2t + 5) of `x[from..]`.
    pub ties: i64,
    /// S of `x[..=split]`.
    pub s_pre: i64,
    /// S of `x[split..]`.
    pub s_post: i64,
}

/// [`mann_kendall`] of `x[from..]` together with Kendall's tau of `x[..=split]` and of
/// `x[split..]` (0 for fewer than three values, as the side taus of the peak shape), from one
/// pass over the pairs of `x` instead of three: a pair's sign counts towards every range that
/// holds both of its members. Each S is the same integer as from its own pass, so the results
/// are identical to three calls of [`mann_kendall`].
///
/// The pair sums come from `faster` where it has them (a pass compiled for wider registers,
/// which may decline a series), else from the double-precision pass here.
#[inline(always)]
pub fn mann_kendall_with_sides_by(
    x: &[f64],
    from: usize,
    split: usize,
    faster: impl FasterPairs,
) -> (MannKendall, f64, f64) {
    let n = x.len();
    let sums = faster(x, from, split).unwrap_or_else(|| pair_sums_with_sides(x, from, split));
    let side = |s: i64, len: usize| if len >= 3 { kendall_tau(s, len) } else { 0.0 };
    let pre_len = (split + 1).min(n);
    (
        mann_kendall_from(sums.s, sums.ties, n.saturating_sub(from)),
        side(sums.s_pre, pre_len),
        side(sums.s_post, n.saturating_sub(split)),
    )
}

/// The [`PairSums`] of `x`, from one pass over its pairs in double precision.
#[inline(always)]
pub fn pair_sums_with_sides(x: &[f64], from: usize, split: usize) -> PairSums {
    let n = x.len();
    let (mut s, mut ties, mut s_pre, mut s_post) = (0i64, 0i64, 0i64, 0i64);
    // Row i's pairs (i, j) with j <= split (`lo`) belong to the range before the split when
    // i < split; all its pairs (`lo` + `hi`) to the suffixes from `from` and from `split`
    // when i lies in them.
    let mut add = |i: usize, lo: Row, hi: Row| {
        s_pre += lo.sign;
        let row = lo + hi;
        if i >= from {
            s += row.sign;
            ties += 6 * row.equal * (row.equal + 2);
        }
        if i >= split {
            s_post += row.sign;
        }
    };
    // Two rows at a time share the loads of their common later values.
    let mut i = 0;
    while i + 1 < n {
        let (xa, xb) = (x[i], x[i + 1]);
        let first = Row::of(xa, xb);
        if i < split {
            // Both rows end their `lo` part at the split (row i + 1 may be the split
            // itself, then its `lo` part is empty).
            let cut = (split + 1).min(n);
            let [lo_a, lo_b] = pair_rows2(xa, xb, &x[i + 2..cut]);
            // Rows before `from` and before the split need only their `lo` part.
            let [hi_a, hi_b] = if i + 1 < from && i + 1 < split {
                [Row::default(); 2]
            } else {
                pair_rows2(xa, xb, &x[cut..])
            };
            add(i, lo_a + first, hi_a);
            add(i + 1, lo_b, hi_b);
        } else {
            let [hi_a, hi_b] = pair_rows2(xa, xb, &x[i + 2..]);
            add(i, Row::default(), hi_a + first);
            add(i + 1, Row::default(), hi_b);
        }
        i += 2;
    }
    PairSums {
        s,
        ties,
        s_pre,
        s_post,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published values (e.g. Abramowitz & Stegun table 7.1, or mpmath to 16 digits).
    #[test]
    fn erfc_matches_reference_values() {
        let cases = [
            (0.0, 1.0),
            (0.5, 0.479_500_122_186_953_5),
            (1.0, 0.157_299_207_050_285_13),
            (2.0, 0.004_677_734_981_047_266),
            (3.0, 2.209_049_699_858_544e-5),
            (-1.0, 1.842_700_792_949_714_8),
        ];
        for (x, want) in cases {
            let got = erfc(x);
            let rel = ((got - want) / want).abs();
            assert!(
                rel <= ERFC_RELATIVE_ACCURACY,
                "erfc({x}) = {got}, want {want}, rel {rel}"
            );
        }
    }

    #[test]
    fn mann_kendall_with_ties_by_hand() {
        // x = 1 2 2 3: pairs (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+  => S = 5.
        // var = (4*3*13 - 2*1*9) / 18 = (156 - 18) / 18 = 7.6667; z = 4 / sqrt(7.6667).
        let mk = mann_kendall(&[1.0, 2.0, 2.0, 3.0]);
        assert_eq!(mk.s, 5);
        assert!((mk.var_s - 138.0 / 18.0).abs() < 1e-12);
        assert!((mk.z - 4.0 / (138.0f64 / 18.0).sqrt()).abs() < 1e-12);
        assert!((mk.tau - 5.0 / 6.0).abs() < 1e-12);
        // p = erfc(1.4446 / sqrt 2) = 0.148562 (Python math.erfc).
        assert!(
            (mk.p - 0.148_561_774_891_868_7).abs() < 1e-6,
            "p = {}",
            mk.p
        );

        let flat = mann_kendall(&[4.0, 4.0, 4.0]);
        assert_eq!((flat.s, flat.z, flat.p, flat.tau), (0, 0.0, 1.0, 0.0));
        // n = 3 without ties: var = 3*2*11/18, z = (S + 1) / sd.
        let down = mann_kendall(&[3.0, 2.0, 1.0]);
        assert_eq!(down.s, -3);
        assert!((down.z - (-2.0 / (66.0f64 / 18.0).sqrt())).abs() < 1e-12);
        assert_eq!(mann_kendall(&[]).tau, 0.0);
        assert_eq!(mann_kendall(&[1.0]).p, 1.0);
    }

    /// S and the tie-corrected variance straight from the definition: every pair's sign, and
    /// every group of t equal values removing t (t-1) (2t+5).
    fn naive_mann_kendall(x: &[f64]) -> (i64, f64) {
        let n = x.len();
        let mut s = 0;
        for i in 0..n {
            for j in i + 1..n {
                s += (x[j] - x[i]).signum() as i64 * i64::from(x[j] != x[i]);
            }
        }
        let mut seen: Vec<f64> = Vec::new();
        let mut ties = 0.0;
        for v in x {
            if !seen.contains(v) {
                seen.push(*v);
                let t = x.iter().filter(|u| *u == v).count() as f64;
                ties += t * (t - 1.0) * (2.0 * t + 5.0);
            }
        }
        let nf = n as f64;
        (s, (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0)
    }

    /// Few distinct values, so that ties are common.
    fn tied_series(state: &mut u64, n: usize) -> Vec<f64> {
        (0..n)
            .map(|_| {
                *state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((*state >> 33) % 7) as f64 - 3.0
            })
            .collect()
    }

    #[test]
    fn mann_kendall_matches_the_definition() {
        let mut state = 3u64;
        for n in 0..40 {
            for _ in 0..5 {
                let x = tied_series(&mut state, n);
                let (s, var_s) = naive_mann_kendall(&x);
                let mk = mann_kendall(&x);
                assert_eq!(mk.s, s, "{x:?}");
                assert!(
                    (mk.var_s - var_s).abs() <= 1e-9 * var_s.abs().max(1.0),
                    "{x:?}"
                );
            }
        }
    }

    #[test]
    fn kendall_tau_of_is_the_tests_tau() {
        let mut state = 9u64;
        for n in 0..40 {
            for _ in 0..5 {
                let x = tied_series(&mut state, n);
                assert_eq!(kendall_tau_of(&x), mann_kendall(&x).tau, "{x:?}");
            }
        }
    }

    /// The `_by` forms ask a faster pass for the whole series (from 0, split at the end) and
    /// give what the plain forms give, whether it answers or declines.
    #[test]
    fn by_forms_ask_for_the_whole_series() {
        let mut state = 11u64;
        for n in 0..30 {
            let x = tied_series(&mut state, n);
            let answers = |x: &[f64], from: usize, split: usize| {
                assert_eq!((from, split), (0, x.len().saturating_sub(1)));
                (!x.is_empty()).then(|| pair_sums_with_sides(x, from, split))
            };
            assert_eq!(mann_kendall_by(&x, answers), mann_kendall(&x), "{x:?}");
            assert_eq!(mann_kendall_by(&x, double_only), mann_kendall(&x), "{x:?}");
            assert_eq!(kendall_tau_of_by(&x, answers), kendall_tau_of(&x), "{x:?}");
            assert_eq!(
                kendall_tau_of_by(&x, double_only),
                kendall_tau_of(&x),
                "{x:?}"
            );
        }
    }

    /// The shared pass gives exactly what three separate tests give.
    #[test]
    fn mann_kendall_with_sides_matches_separate_tests() {
        let mut state = 5u64;
        for n in 1..30 {
            let x = tied_series(&mut state, n);
            for from in 0..=3.min(n - 1) {
                for split in 0..n {
                    let (mk, pre, post) = mann_kendall_with_sides(&x, from, split);
                    assert_eq!(mk, mann_kendall(&x[from..]), "{x:?} {from} {split}");
                    let side = |part: &[f64]| {
                        if part.len() >= 3 {
                            mann_kendall(part).tau
                        } else {
                            0.0
                        }
                    };
                    assert_eq!(pre, side(&x[..=split]), "{x:?} {from} {split}");
                    assert_eq!(post, side(&x[split..]), "{x:?} {from} {split}");
                }
            }
        }
    }

    /// The side-by-side sums over the padded series find the fresh sums' first maximum, with
    /// its fresh value, also where windows tie (flat stretches) or nearly tie (large and small
    /// values mixed, where any other order of additions would round differently), and for
    /// windows wider than the series.
    #[test]
    fn moving_mean_argmax_matches_fresh_sums() {
        let mut state = 9u64;
        let mut buf = Vec::new();
        for case in 0..3000 {
            let n = 1 + case % 50;
            let mut x = tied_series(&mut state, n);
            if case % 3 == 1 {
                // Values of very different size (1e15, 0.1, -1e15 ...): any other order of
                // additions would round differently.
                for (i, v) in x.iter_mut().enumerate() {
                    *v = match i % 4 {
                        0 => *v * 1e15,
                        1 => *v * 0.1 + 0.3,
                        _ => *v * 1e-3,
                    };
                }
            }
            for w in [1, 3, 5, 7, 9, 13, 25, 61] {
                let fresh = moving_mean(&x, w);
                let mut want = 0;
                for (i, v) in fresh.iter().enumerate() {
                    if *v > fresh[want] {
                        want = i;
                    }
                }
                let (pk, peak) = moving_mean_argmax(&x, w, &mut buf);
                assert_eq!(
                    (pk, peak.to_bits()),
                    (want, fresh[want].to_bits()),
                    "{x:?} {w}"
                );
            }
        }
    }

    /// Any pivot gives the median (near ones by the top-k pass, far ones by the fallback).
    #[test]
    fn median_near_matches_median() {
        let mut state = 17u64;
        let mut buf = Vec::new();
        for n in 1..45 {
            for round in 0..20 {
                let mut x = tied_series(&mut state, n);
                if round % 2 == 1 {
                    // Distinct values too.
                    x.iter_mut()
                        .enumerate()
                        .for_each(|(i, v)| *v += 0.001 * i as f64);
                }
                let want = median(&x).unwrap();
                let mean = mean(&x);
                for pivot in [mean, want, -3.5, -1.0, 0.0, 0.5, 2.0, 9.0, f64::NAN] {
                    assert_eq!(median_near(&x, pivot, &mut buf), want, "{x:?} {pivot}");
                }
                assert_eq!(
                    runs_z_near(&x, mean, &mut buf).to_bits(),
                    runs_z(&x).to_bits(),
                    "{x:?}"
                );
            }
        }
    }

    #[test]
    fn moving_mean3_matches_fresh_sums() {
        let mut state = 13u64;
        let mut out = Vec::new();
        for n in 0..20 {
            let mut x = tied_series(&mut state, n);
            x.iter_mut().for_each(|v| *v *= 0.1);
            moving_mean3_into(&x, &mut out);
            let want = moving_mean(&x, 3);
            assert_eq!(format!("{out:?}"), format!("{want:?}"));
        }
    }

    #[test]
    fn block_means_are_aligned_to_the_end() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        assert_eq!(block_means(&x, 3), vec![1.0, 3.0, 6.0]);
        assert_eq!(block_means(&x, 2), vec![1.0, 2.5, 4.5, 6.5]);
        assert_eq!(block_means(&x[..6], 3), vec![2.0, 5.0]);
        assert_eq!(block_means(&x, 1), x.to_vec());
        assert!(block_means(&[], 3).is_empty());
    }

    /// The top-k path and the selection path give the order statistics of a full sort, ties
    /// and signed zeros included.
    #[test]
    fn percentile_matches_sorting() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Few distinct values, so that ties are common.
            ((state >> 33) % 23) as f64 - 11.0
        };
        let mut buf = Vec::new();
        for n in 1..70 {
            let x: Vec<f64> = (0..n).map(|_| next()).collect();
            let mut sorted = x.clone();
            sorted.sort_by(f64::total_cmp);
            for q in [0.0, 50.0, 90.0, 97.5, 100.0] {
                let pos = q / 100.0 * (n - 1) as f64;
                let lo = pos.floor() as usize;
                let hi = (lo + 1).min(n - 1);
                let want = sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo]);
                assert_eq!(percentile_with(&x, q, &mut buf), want, "n {n} q {q}");
            }
        }
    }

    #[test]
    fn percentile_interpolates_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], 90) = 3.7
        assert!((percentile(&[4.0, 1.0, 3.0, 2.0], 90.0) - 3.7).abs() < 1e-12);
        assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), Some(2.5));
    }

    #[test]
    fn moving_mean_shrinks_at_the_edges() {
        assert_eq!(
            moving_mean(&[3.0, 6.0, 9.0, 0.0], 3),
            vec![4.5, 6.0, 5.0, 4.5]
        );
    }

    #[test]
    fn detrend_removes_a_line() {
        let d = detrend(&[1.0, 3.0, 5.0, 7.0]);
        assert!(d.iter().all(|v| v.abs() < 1e-12));
    }

    #[test]
    fn runs_and_acf_on_a_square_wave() {
        let x = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0];
        // 4 runs, n1 = n2 = 6: mu = 7, var = 72*60/(144*11) = 2.727; z = -1.8166
        assert!((runs_z(&x) - (-3.0 / (4320.0f64 / 1584.0).sqrt())).abs() < 1e-12);
        assert!(acf(&x, 6) > 0.4);
        assert_eq!(acf(&x, 10), 0.0);
    }
}
